//! Writing the report files a run asks for (each of [`FILE_FORMATS`] whose setting names a file),
//! for the CLI and the Action alike: unit by unit as a streamed run checks them, or from a whole
//! report, by the same writers.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::check::UnitReport;
use crate::outcome::Outcome;
use crate::report::{FILE_FORMATS, FileFormat, UnitWriter};
use crate::safe_file::Root;
use crate::settings::ReportPaths;

/// The report files a run asks for, each written unit by unit ([`UnitWriter`]) and put in place
/// at [`ReportFiles::finish`].
pub struct ReportFiles {
    files: Vec<ReportFile>,
}

/// One report file: its format, where it goes, and its writer, or the first error the writer met
/// (the file is then not written; the others still are).
struct ReportFile {
    format: &'static FileFormat,
    path: PathBuf,
    writer: io::Result<Box<dyn UnitWriter>>,
}

impl ReportFiles {
    /// A writer for each report file `files` names, for a run with `min_coverage`.
    pub fn new(files: &ReportPaths, min_coverage: Option<f64>) -> ReportFiles {
        let files = FILE_FORMATS
            .iter()
            .filter_map(|format| {
                Some(ReportFile {
                    format,
                    path: files.get(format.key)?.to_path_buf(),
                    writer: (format.writer)(min_coverage),
                })
            })
            .collect();
        ReportFiles { files }
    }

    /// Writes a checked unit's part of each report file; an error is kept for
    /// [`ReportFiles::finish`] to report.
    pub fn unit(&mut self, unit: &UnitReport) {
        for file in &mut self.files {
            if let Ok(writer) = &mut file.writer
                && let Err(error) = writer.unit(unit)
            {
                file.writer = Err(error);
            }
        }
    }

    /// Writes each report file under `root` (creating its folders, never through a link), its
    /// counts from `outcome`; returns what failed.
    pub fn finish(self, outcome: &Outcome, root: &Root) -> Vec<String> {
        let mut failed = Vec::new();
        for ReportFile { format, path, writer } in self.files {
            let written = match writer {
                Err(error) => Err(error.to_string()),
                Ok(writer) => root
                    .write_with(&path, |file| {
                        let mut out = BufWriter::with_capacity(1 << 16, file);
                        writer.finish(outcome, &mut out)?;
                        out.flush()
                    })
                    .map_err(|error| error.to_string()),
            };
            if let Err(error) = written {
                failed.push(failure(format, &path, error));
            }
        }
        failed
    }
}

/// Why a report file was not written, in the words a run reports it with.
fn failure(format: &FileFormat, path: &Path, error: impl std::fmt::Display) -> String {
    format!("failed to write the {} `{}`: {error}", format.what, path.display())
}

/// Renders and writes the report files asked for under `root` (creating their folders) from the
/// outcome's whole report; returns what failed.
pub fn write(outcome: &Outcome, files: &ReportPaths, root: &Root) -> Vec<String> {
    let mut report_files = ReportFiles::new(files, outcome.report.min_coverage);
    for unit in &outcome.report.units {
        report_files.unit(unit);
    }
    report_files.finish(outcome, root)
}

/// Writes a file the command line asked for, creating the folders it names first, never through a
/// link ([`crate::safe_file`]).
pub fn write_file(path: &Path, text: &str) -> Result<(), String> {
    Root::default().write(path, text.as_bytes()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::check::{self, Settings, stream};
    use crate::discover::{Scope, discover_in};
    use crate::registry::Severity;
    use crate::report::{json, junit, sarif};
    use crate::source::ReadError;

    /// Every report file, each in a folder of its own.
    fn every_file() -> ReportPaths {
        ReportPaths(
            FILE_FORMATS
                .iter()
                .map(|f| (f.key, PathBuf::from(f.key).join("report")))
                .collect(),
        )
    }

    /// Each report file's text, by key, as written under a fresh folder.
    fn written(write: impl FnOnce(&ReportPaths, &Root) -> Vec<String>) -> Vec<(&'static str, String)> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let (files, root) = (every_file(), Root::workspace(dir.path()));
        assert_eq!(write(&files, &root), Vec::<String>::new());
        files
            .0
            .iter()
            .map(|(key, path)| (*key, std::fs::read_to_string(dir.path().join(path)).expect("written")))
            .collect()
    }

    /// Each format's whole report rendered in one go, by key.
    fn rendered(outcome: &Outcome) -> Vec<(&'static str, String)> {
        let render = |key| match key {
            "junit-path" => junit::render(outcome),
            "sarif-path" => sarif::render(outcome),
            _ => json::render(outcome, json::Detail::Failures),
        };
        FILE_FORMATS.iter().map(|f| (f.key, render(f.key))).collect()
    }

    fn unreadable() -> ReadError {
        ReadError {
            path: PathBuf::from("flows/locked.flow.json"),
            source: std::io::Error::other("permission denied"),
        }
    }

    #[test]
    fn the_files_written_as_units_are_checked_are_those_of_the_whole_report() {
        let paths = ["examples/flows", "examples/studio", "tests/fixtures"].map(PathBuf::from);
        let units = discover_in(&paths, &Scope::default()).units;
        let settings = Settings {
            min_coverage: Some(90.0),
            keep_clean_texts: false,
            ..Settings::default()
        };
        let mut whole = check::check(&units, &settings);
        assert!(whole.cases_failed() > 0 && whole.count(Severity::Error) > 0 && whole.count(Severity::Warning) > 0);
        assert!(whole.diagnostics().any(|d| !d.related.is_empty()));
        assert!(whole.cases_not_run() > 0 && whole.flows_below_coverage().count() > 0);
        whole.read_errors.push(unreadable());
        let whole = Outcome::checked(whole, Severity::Error);
        let expected = rendered(&whole);
        assert_eq!(written(|files, root| write(&whole, files, root)), expected);

        let streamed = written(|files, root| {
            let mut report_files = ReportFiles::new(files, settings.min_coverage);
            let mut streamed = stream::check_each(&units, &settings, |unit| report_files.unit(unit));
            streamed.read_errors.push(unreadable());
            let outcome = Outcome::checked(
                check::CheckReport::of_streamed(streamed, settings.min_coverage),
                Severity::Error,
            );
            assert!(outcome.report.units.is_empty());
            report_files.finish(&outcome, root)
        });
        assert_eq!(streamed, expected);
    }

    #[test]
    fn the_files_of_an_empty_report_are_those_rendered_whole() {
        let empty = Outcome::checked(check::CheckReport::default(), Severity::Error);
        let files = written(|files, root| write(&empty, files, root));
        assert_eq!(files, rendered(&empty));
        assert!(
            files[0].1.ends_with(" time=\"0.000\">\n</testsuites>\n"),
            "{}",
            files[0].1
        );
        assert!(files[1].1.contains("\"results\": []"), "{}", files[1].1);
    }

    #[test]
    fn a_file_that_cannot_be_written_is_reported_and_the_others_are_written() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::create_dir(dir.path().join("taken")).expect("a folder");
        let files = ReportPaths(vec![
            ("junit-path", "taken".into()),
            ("sarif-path", "out/x.sarif".into()),
        ]);
        let empty = Outcome::checked(check::CheckReport::default(), Severity::Error);
        let failed = write(&empty, &files, &Root::workspace(dir.path()));
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert!(
            failed[0].starts_with("failed to write the JUnit report `taken`: "),
            "{failed:?}"
        );
        assert!(dir.path().join("out/x.sarif").is_file());
    }
}
