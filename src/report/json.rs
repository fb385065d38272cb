//! The JSON format (`--format json`): the documented, machine-readable form of a `Report`.

use serde::Serialize;

use crate::check::{FileKind, Report};
use crate::diagnostic::{Related, Severity};
use crate::source::Location;

/// The version of this format; bumped only for incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    version: u32,
    summary: Summary,
    files: Vec<JsonFile<'a>>,
    read_errors: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    flows_checked: usize,
    files_checked: usize,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFile<'a> {
    path: String,
    kind: FileKind,
    flow_id: Option<&'a str>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    location: Location,
    help: Option<&'a str>,
    related: &'a [Related],
}

/// Renders the report as pretty-printed JSON.
pub fn render(report: &Report) -> String {
    let json = JsonReport {
        version: FORMAT_VERSION,
        summary: Summary {
            flows_checked: report.flows_checked(),
            files_checked: report.files.len(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
        },
        files: report
            .files
            .iter()
            .map(|file| JsonFile {
                path: file.source.display_path(),
                kind: file.kind,
                flow_id: file.flow_id.as_deref(),
                diagnostics: file
                    .diagnostics
                    .iter()
                    .map(|d| JsonDiagnostic {
                        code: d.rule.code(),
                        name: d.rule.name(),
                        severity: d.severity,
                        message: &d.message,
                        location: d.location,
                        help: d.help.as_deref(),
                        related: &d.related,
                    })
                    .collect(),
            })
            .collect(),
        read_errors: report.read_errors.iter().map(|e| e.to_string()).collect(),
    };
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
    text.push('\n');
    text
}
