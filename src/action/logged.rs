//! The Action's log of a check, written unit by unit as the units are checked.

use crate::action::log::Log;
use crate::check::UnitReport;
use crate::outcome::Outcome;
use crate::report;
use crate::report::annotations::Ranked;
use crate::settings::ReportPaths;

/// The log's part of a run, fed unit by unit as the units are checked (or after, when the whole
/// report is kept): a group for each flow with findings as it comes, then at the end the clean
/// flows in one list, the files that could not be read, the summary line and the annotations
/// within the runner's limits. It keeps a clean flow's path and no more than the runner shows.
pub struct Logged<'r> {
    log: &'r Log,
    min_coverage: Option<f64>,
    clean: Vec<String>,
    /// `None` when the `annotations` input turns them off.
    annotations: Option<Ranked>,
}

impl<'r> Logged<'r> {
    /// Empty, logging to `log`, with annotations when `annotations` is on.
    pub fn new(log: &'r Log, min_coverage: Option<f64>, annotations: bool) -> Self {
        Logged {
            log,
            min_coverage,
            clean: Vec::new(),
            annotations: annotations.then(Ranked::default),
        }
    }

    pub fn unit(&mut self, unit: &UnitReport) {
        let mut findings = report::human::Findings::new(report::human::Palette::PLAIN, self.min_coverage);
        findings.unit(unit);
        let findings = findings.into_text();
        let path = unit.files().next().map(|f| f.source.display_path()).unwrap_or_default();
        if findings.trim().is_empty() {
            self.clean.push(format!("ok: {path}"));
        } else {
            self.log.group(&format!("{path}: findings"), findings.trim_end());
        }
        if let Some(ranked) = &mut self.annotations {
            ranked.unit(unit);
        }
    }

    /// What comes after the units: the clean ones, the unreadable files, the summary line and
    /// the annotations.
    pub fn finish(self, outcome: &Outcome, reports: &ReportPaths) {
        let report = &outcome.report;
        if !self.clean.is_empty() {
            self.log.untrusted(&self.clean.join("\n"));
        }
        for error in &report.read_errors {
            self.log.error("cxone-flow", &error.to_string());
        }
        self.log.untrusted(report::human::summary(outcome).trim_end());
        let Some(ranked) = &self.annotations else { return };
        let hint = match reports.get("report-path") {
            Some(path) => format!("the job log and {} list all of them", path.display()),
            None => "the job log lists all of them".to_string(),
        };
        let (shown, overflow) = ranked.within_limits(&hint);
        for annotation in shown {
            self.log.line(&annotation.command());
        }
        if let Some(notice) = overflow {
            self.log.line(&notice);
        }
    }
}
