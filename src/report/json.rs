//! The JSON format (`--format json`): the documented, machine-readable form of a `CheckReport`.

use serde::Serialize;

use crate::check::{CaseFailure, CheckReport, FileKind};
use crate::diagnostic::Related;
use crate::registry::Severity;
use crate::sim::coverage::Coverage;
use crate::sim::run::CallSummary;
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
    cases_total: usize,
    cases_failed: usize,
    cases_not_run: usize,
    /// Elements covered over every flow whose cases ran, in percent.
    coverage: Option<f64>,
    min_coverage: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFile<'a> {
    path: String,
    kind: FileKind,
    flow_id: Option<&'a str>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    /// Flow files only: the cases, and the coverage they reach.
    #[serde(skip_serializing_if = "Option::is_none")]
    cases: Option<Vec<JsonCase<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cases_not_run: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<JsonCoverage<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonCase<'a> {
    name: &'a str,
    line: usize,
    column: usize,
    /// `null` when the case did not run.
    passed: Option<bool>,
    #[serde(flatten)]
    call: Option<&'a CallSummary>,
    failures: &'a [CaseFailure],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonCoverage<'a> {
    #[serde(flatten)]
    counts: &'a Coverage,
    element_percent: f64,
    edge_percent: f64,
    below_minimum: bool,
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

/// Percentages with one decimal, as the human output shows them.
fn round(pct: f64) -> f64 {
    (pct * 10.0).round() / 10.0
}

/// Renders the report as pretty-printed JSON.
pub fn render(report: &CheckReport) -> String {
    let json = JsonReport {
        version: FORMAT_VERSION,
        summary: Summary {
            flows_checked: report.flows_checked(),
            files_checked: report.files().count(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            cases_total: report.cases().count(),
            cases_failed: report.cases_failed(),
            cases_not_run: report.cases_not_run(),
            coverage: report.coverage_percent().map(round),
            min_coverage: report.min_coverage,
        },
        files: report
            .files()
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
                cases: file.simulation.as_ref().map(|s| {
                    s.cases
                        .iter()
                        .map(|c| JsonCase {
                            name: &c.name,
                            line: c.location.line,
                            column: c.location.column,
                            passed: c.call.as_ref().map(|_| c.failures.is_empty()),
                            call: c.call.as_ref(),
                            failures: &c.failures,
                        })
                        .collect()
                }),
                cases_not_run: file.simulation.as_ref().and_then(|s| s.not_run.as_deref()),
                coverage: file.simulation.as_ref().and_then(|s| {
                    s.coverage.as_ref().map(|counts| JsonCoverage {
                        counts,
                        element_percent: round(counts.element_percent()),
                        edge_percent: round(counts.edge_percent()),
                        below_minimum: s.below(report.min_coverage),
                    })
                }),
            })
            .collect(),
        read_errors: report.read_errors.iter().map(|e| e.to_string()).collect(),
    };
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
    text.push('\n');
    text
}
