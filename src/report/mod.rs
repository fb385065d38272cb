//! Renderers: each turns the one [`Outcome`] (a run's checked report, its release, its notes)
//! into one output format; [`FILE_FORMATS`] lists those a setting writes to a file, each written
//! unit by unit ([`UnitWriter`]).

pub mod annotations;
pub mod diagram;
pub mod dot;
pub mod files;
pub mod human;
pub mod json;
pub mod junit;
pub mod mermaid;
pub mod outputs;
pub mod release;
pub mod sarif;
pub mod spill;
pub mod summary;
pub mod trace;

use std::fmt::Write;
use std::io;

use crate::check::{CaseResult, UnitReport};
use crate::outcome::Outcome;
use crate::printable::shown;

/// A report file's renderer, fed each checked unit as it goes by (its part spilled, [`spill`]),
/// then finished once the run's counts are known: a run's memory does not grow with its files, and
/// a whole report is the same units fed from memory.
pub trait UnitWriter {
    /// Writes a checked unit's part of the report.
    fn unit(&mut self, unit: &UnitReport) -> io::Result<()>;

    /// Writes the whole report to `out`, its counts read from `outcome.report.tally()` and its
    /// read errors, never from its units (a streamed run kept none).
    fn finish(self: Box<Self>, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()>;
}

/// A report format a run writes to a file: the key of the setting that names the file (a row of
/// `settings/table.rs` marked `report`), what an error calls it, and how to start its writer for a
/// run with a minimum coverage.
pub struct FileFormat {
    pub key: &'static str,
    pub what: &'static str,
    pub writer: fn(min_coverage: Option<f64>) -> io::Result<Box<dyn UnitWriter>>,
}

/// Every report format written to a file (`files.rs` writes those a run asks for). A new format is
/// its writer, its row here and its setting's row in the table.
pub const FILE_FORMATS: [FileFormat; 3] = [
    FileFormat {
        key: "junit-path",
        what: "JUnit report",
        writer: |_| Ok(Box::<junit::Writer>::default()),
    },
    FileFormat {
        key: "sarif-path",
        what: "SARIF report",
        writer: |_| Ok(Box::new(sarif::Writer::new()?)),
    },
    FileFormat {
        key: "report-path",
        what: "JSON report",
        writer: |min_coverage| Ok(Box::new(json::Spilled::new(json::Detail::Failures, min_coverage))),
    },
];

/// A failing case's full explanation: every failure, where in the flow it happened, and the paths,
/// what the files said shown as data ([`crate::printable`]).
/// Shared by the human output and the JUnit failure body.
pub fn explain_case(case: &CaseResult, flow_path: &str) -> String {
    let mut out = String::new();
    for failure in &case.failures {
        let _ = writeln!(out, "- {}", shown(&failure.message));
        if let Some(at) = failure.flow_location {
            let _ = writeln!(out, "    --> {}:{}:{}", shown(flow_path), at.line, at.column);
        }
        for line in &failure.detail {
            let _ = writeln!(out, "    {}", shown(line));
        }
    }
    out
}

/// A case failure's one-line summary: the first failure, and how many more.
pub fn case_headline(case: &CaseResult) -> String {
    match case.failures.as_slice() {
        [] => String::new(),
        [only] => only.message.clone(),
        [first, rest @ ..] => format!("{} (and {} more)", first.message, rest.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::table::SETTINGS;

    #[test]
    fn every_report_file_setting_has_its_format_and_every_format_its_setting() {
        let settings: Vec<&str> = SETTINGS.iter().filter(|s| s.report).map(|s| s.key).collect();
        let formats: Vec<&str> = FILE_FORMATS.iter().map(|f| f.key).collect();
        assert_eq!(settings, formats);
    }
}
