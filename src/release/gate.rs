//! The release gate: every flow is validated and its local cases run first; nothing is sent when
//! anything fails. What passes becomes the flows to release.

use std::sync::Arc;

use crate::check::{self, CheckReport, FileReport, Settings};
use crate::discover::Unit;
use crate::exit::Ending;
use crate::registry::Severity;
use crate::release::payload::FlowContent;
use crate::release::pipeline::ReleaseFlow;
use crate::sim::cases::TestFile;

/// Why nothing is released.
#[derive(Debug, Clone, PartialEq)]
pub enum Blocked {
    /// Findings, failing cases, low coverage or unreadable files: the report says which (exit 1, or
    /// 2 when files could not be read).
    ChecksFailed,
    /// The checks passed (some rules turned off), yet these flows cannot become payloads (exit 2).
    Unprepared(Vec<String>),
}

impl Blocked {
    /// How the release ended: checked items that cannot be sent, files that could not be read,
    /// else a release the checks refused.
    pub fn ending(&self, report: &CheckReport, fail_on: Severity) -> Ending {
        match (self, Ending::of_check(report, fail_on)) {
            (Blocked::Unprepared(_), _) => Ending::NotSendable,
            (Blocked::ChecksFailed, Ending::Unreadable) => Ending::Unreadable,
            (Blocked::ChecksFailed, _) => Ending::ReleaseFailed,
        }
    }

    /// One sentence for the log.
    pub fn describe(&self, tag: &str) -> String {
        match self {
            Blocked::ChecksFailed => format!("release {tag}: the checks failed, so nothing was sent to CXone"),
            Blocked::Unprepared(problems) => format!(
                "release {tag}: nothing was sent to CXone, because {}",
                problems.join("; ")
            ),
        }
    }
}

/// Checks `units`: the report, and the flows to release when nothing at or above `fail_on` was
/// found and every case passed, else why not.
pub fn gate(
    units: &[Unit],
    settings: &Settings,
    fail_on: Severity,
) -> (CheckReport, Result<Vec<ReleaseFlow>, Blocked>) {
    let settings = Settings {
        keep_loaded: true,
        ..settings.clone()
    };
    let report = check::check(units, &settings);
    let flows = flows_to_release(&report, fail_on);
    (report, flows)
}

/// The flows of a checked report, ready to release: every flow, from the text and parse the check
/// already made, or why not. Nothing is dropped silently: a flow or test file that cannot be
/// prepared blocks the whole release.
pub fn flows_to_release(report: &CheckReport, fail_on: Severity) -> Result<Vec<ReleaseFlow>, Blocked> {
    if !report.read_errors.is_empty() || report.fails(fail_on) {
        return Err(Blocked::ChecksFailed);
    }
    let mut flows = Vec::new();
    let mut problems = Vec::new();
    for unit in &report.units {
        let Some(flow_report) = &unit.flow else { continue };
        match prepare(flow_report, unit.tests.as_ref()) {
            Ok(flow) => flows.push(flow),
            Err(problem) => problems.push(format!(
                "{} cannot be released: {problem}",
                flow_report.source.display_path()
            )),
        }
    }
    if problems.is_empty() {
        Ok(flows)
    } else {
        Err(Blocked::Unprepared(problems))
    }
}

/// A checked flow as a release carries it: the JSON, model and cases the check made, never
/// parsed again.
fn prepare(flow_report: &FileReport, tests: Option<&FileReport>) -> Result<ReleaseFlow, String> {
    let source = &flow_report.source;
    if crate::discover::is_script_path(&source.path) {
        return Err(
            "it is a Studio script, which the flows-api backend cannot release; leave scripts out of this release with --exclude (input `exclude`)"
                .into(),
        );
    }
    let (Some(json), Some(model)) = (&flow_report.json, &flow_report.model) else {
        return Err("it was not read as a flow (it is not JSON, or was not kept by the check)".into());
    };
    let content = FlowContent::from_json(json, &source.text)?;
    let tests = match tests {
        None => Arc::new(TestFile::default()),
        Some(tests) => match &tests.cases {
            Some(cases) => Arc::clone(cases),
            None => return Err(format!("its test file {} is not JSON", tests.source.display_path())),
        },
    };
    Ok(ReleaseFlow {
        path: source.display_path(),
        content,
        flow: Arc::clone(model),
        tests,
    })
}
