//! Writing the report files a run asks for (JUnit, SARIF, JSON), for the CLI and the Action alike.

use std::path::Path;

use crate::check::CheckReport;
use crate::report::{json, junit, sarif};

/// The report files a run writes, each only when asked for.
pub struct ReportFiles<'p> {
    pub junit: Option<&'p Path>,
    pub sarif: Option<&'p Path>,
    pub json: Option<&'p Path>,
}

/// A report format's renderer.
type Render = fn(&CheckReport) -> Result<String, String>;

/// Renders and writes the report files asked for (creating their folders); returns what failed.
pub fn write(report: &CheckReport, files: ReportFiles) -> Vec<String> {
    let renderers: [(Option<&Path>, &str, Render); 3] = [
        (files.junit, "JUnit report", |r| {
            junit::render(r).map_err(|e| e.to_string())
        }),
        (files.sarif, "SARIF report", |r| Ok(sarif::render(r))),
        (files.json, "JSON report", |r| {
            Ok(json::render(r, json::Detail::Failures))
        }),
    ];
    let mut failed = Vec::new();
    for (path, what, render) in renderers {
        let Some(path) = path else { continue };
        let written = render(report).and_then(|text| write_file(path, &text));
        if let Err(error) = written {
            failed.push(format!("failed to write the {what} `{}`: {error}", path.display()));
        }
    }
    failed
}

/// Writes a file, creating the folders it names first, never through a link and, in Action mode,
/// only inside the workspace ([`crate::safe_file`]).
pub fn write_file(path: &Path, text: &str) -> Result<(), String> {
    crate::safe_file::write(path, text.as_bytes()).map_err(|e| e.to_string())
}
