//! The check run a batch of units at a time, each unit handed on in order and let go, so a run's
//! memory does not grow with its files: what the summary needs is kept as counts ([`Tally`]).

use rayon::prelude::*;

use super::{DuplicateIds, FileKind, Settings, UnitReport, check_unit};
use crate::discover::Unit;
use crate::registry::Severity;
use crate::source::ReadError;
use crate::studio::library::Library;

/// Units checked at once: enough to keep both cores busy, few enough that a batch's reports are
/// small (about 2.5 KiB a unit of 5 cases).
const BATCH: usize = 256;

/// What a run's summary and exit code need, counted unit by unit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub files: usize,
    /// Flow files and Studio scripts.
    pub flows: usize,
    pub scripts: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings the flows' `suppress` fields turned off.
    pub suppressed: usize,
    pub cases: usize,
    pub cases_failed: usize,
    pub cases_not_run: usize,
    /// Elements covered and elements, over the flows whose cases ran.
    pub elements_covered: usize,
    pub elements: usize,
    pub flows_below_coverage: usize,
}

impl Tally {
    pub fn add(&mut self, unit: &UnitReport, min_coverage: Option<f64>) {
        for file in unit.files() {
            self.files += 1;
            self.flows += usize::from(file.kind == FileKind::Flow);
            self.scripts += usize::from(file.is_script());
            for diagnostic in &file.diagnostics {
                match diagnostic.severity {
                    Severity::Error => self.errors += 1,
                    Severity::Warning => self.warnings += 1,
                }
            }
            self.suppressed += file.suppressed;
        }
        let Some(simulation) = unit.flow.as_ref().and_then(|f| f.simulation.as_ref()) else {
            return;
        };
        self.cases += simulation.cases.len();
        self.cases_failed += simulation.failed();
        self.cases_not_run += simulation.cases.iter().filter(|c| c.call.is_none()).count();
        if let Some(coverage) = &simulation.coverage {
            self.elements_covered += coverage.elements_covered;
            self.elements += coverage.elements;
        }
        self.flows_below_coverage += usize::from(simulation.below(min_coverage));
    }

    /// How many diagnostics of a severity the run found.
    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Error => self.errors,
            Severity::Warning => self.warnings,
        }
    }

    /// Elements covered over all flows whose cases ran, in percent; `None` when none ran.
    pub fn coverage_percent(&self) -> Option<f64> {
        (self.elements > 0).then(|| self.elements_covered as f64 * 100.0 / self.elements as f64)
    }

    /// Whether the run fails: findings at or above `fail_on`, a failing case, or low coverage.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.has_failing_findings(fail_on) || self.has_failing_cases()
    }

    /// Whether a finding is at or above `fail_on`.
    pub fn has_failing_findings(&self, fail_on: Severity) -> bool {
        (self.errors > 0 && Severity::Error >= fail_on) || (self.warnings > 0 && Severity::Warning >= fail_on)
    }

    /// Whether a case failed or a flow is below `min-coverage`.
    pub fn has_failing_cases(&self) -> bool {
        self.cases_failed > 0 || self.flows_below_coverage > 0
    }
}

/// What a streamed run leaves once every unit went by: its counts and the files it could not read.
#[derive(Debug, Default)]
pub struct Streamed {
    pub tally: Tally,
    pub read_errors: Vec<ReadError>,
}

/// Checks every unit as [`super::check`] does (CXF033 included) and hands each unit's report to
/// `each` in the units' order, then lets it go: only a batch of reports is held at once.
pub fn check_each(units: &[Unit], settings: &Settings, mut each: impl FnMut(&UnitReport)) -> Streamed {
    in_batches(units, settings, BATCH, |unit| each(&unit))
}

/// Checks `size` units at a time in parallel, then hands each unit's report on, in the units'
/// order, with CXF033 noted and counted.
pub(super) fn in_batches(
    units: &[Unit],
    settings: &Settings,
    size: usize,
    mut each: impl FnMut(UnitReport),
) -> Streamed {
    let library = Library::default();
    let mut duplicates = DuplicateIds::new(units, settings);
    let mut streamed = Streamed::default();
    for (batch, batch_units) in units.chunks(size).enumerate() {
        let checked: Vec<_> = batch_units
            .par_iter()
            .map(|unit| check_unit(unit, settings, &library))
            .collect();
        for (offset, (mut unit, errors)) in checked.into_iter().enumerate() {
            duplicates.note(batch * size + offset, &mut unit);
            streamed.tally.add(&unit, settings.min_coverage);
            streamed.read_errors.extend(errors);
            each(unit);
        }
    }
    streamed
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::discover::{Scope, discover_in};
    use crate::report::human::{self, Palette};
    use crate::report::json::{self, Detail, Spilled};

    /// The examples and fixtures: flows, scripts, failing and unrun cases, every rule's findings,
    /// flows sharing a `flowId`, test files without a flow.
    fn units() -> Vec<Unit> {
        let paths = ["examples/flows", "examples/studio", "tests/fixtures"].map(PathBuf::from);
        let found = discover_in(&paths, &Scope::default());
        assert!(found.units.len() > 2 * 3, "the examples and fixtures are found");
        found.units
    }

    /// The JSON and human reports written unit by unit, in batches of `batch` units.
    fn streamed(units: &[Unit], settings: &Settings, detail: Detail, batch: usize) -> (String, String) {
        let mut spilled = Spilled::new(detail, settings.min_coverage);
        let mut findings = human::Findings::new(Palette::PLAIN, settings.min_coverage);
        let streamed = in_batches(units, settings, batch, |unit| {
            spilled.unit(&unit).expect("written");
            findings.unit(&unit);
        });
        let mut json = Vec::new();
        spilled
            .finish(&streamed.tally, &streamed.read_errors, &mut json)
            .expect("written");
        let mut human = findings.into_text();
        human.push_str(&human::summary_of(&streamed.tally));
        (String::from_utf8(json).expect("UTF-8"), human)
    }

    #[test]
    fn the_reports_written_as_units_are_checked_are_the_whole_reports() {
        let units = units();
        for (min_coverage, detail) in [(None, Detail::Failures), (Some(90.0), Detail::Everything)] {
            let settings = Settings {
                min_coverage,
                keep_clean_texts: false,
                keep_details: detail == Detail::Everything,
                ..Settings::default()
            };
            let whole = crate::check::check(&units, &settings);
            assert!(
                whole
                    .diagnostics()
                    .any(|d| d.rule == crate::registry::Rule::DuplicateFlowId)
            );
            assert!(whole.cases_failed() > 0 && whole.count(Severity::Error) > 0);
            let whole = crate::outcome::Outcome::checked(whole, Severity::Error);
            let expected = (json::render(&whole, detail), human::render(&whole));
            // Batches of one and three units: a duplicate `flowId` is found across batches too.
            for batch in [1, 3, BATCH] {
                assert_eq!(
                    streamed(&units, &settings, detail, batch),
                    expected,
                    "batches of {batch}"
                );
            }
            assert_eq!(whole.report.tally(), streamed_tally(&units, &settings));
        }
    }

    #[test]
    fn a_duplicate_flow_id_is_placed_at_the_flow_id_whether_clean_texts_are_kept_or_not() {
        let units = units();
        let places = |keep_clean_texts| {
            let settings = Settings {
                keep_clean_texts,
                ..Settings::default()
            };
            let mut places = Vec::new();
            check_each(&units, &settings, |unit| {
                let file = unit.flow.as_ref().into_iter();
                for (file, d) in file.flat_map(|f| f.diagnostics.iter().map(move |d| (f, d))) {
                    if d.rule == crate::registry::Rule::DuplicateFlowId {
                        // With its excerpt, the file's text read again when it was let go.
                        let mut shown = String::new();
                        let plain = crate::report::human::Palette::PLAIN;
                        crate::report::human::render_diagnostic(&mut shown, &file.source, d, &plain);
                        places.push((file.source.display_path(), d.location, shown));
                    }
                }
            });
            places
        };
        let kept = places(true);
        // Some of them in files with no other finding, whose text goes when it is not kept.
        assert!(
            kept.len() > 3
                && kept
                    .iter()
                    .all(|(_, at, shown)| at.line > 1 && shown.contains("flowId"))
        );
        assert_eq!(places(false), kept);
    }

    fn streamed_tally(units: &[Unit], settings: &Settings) -> Tally {
        check_each(units, settings, |_| {}).tally
    }
}
