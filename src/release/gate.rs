//! The release gate: every flow is validated and its local cases run first; nothing is sent when
//! anything fails. What passes becomes the flows to release.

use crate::check::{self, Report, Settings};
use crate::diagnostic::Severity;
use crate::discover::Unit;
use crate::flow::load;
use crate::release::payload::FlowContent;
use crate::release::pipeline::ReleaseFlow;
use crate::sim::cases;

/// Checks `units`; the flows to release when everything passed, else the report that says why not.
pub fn gate(units: &[Unit], settings: &Settings) -> Result<Vec<ReleaseFlow>, Box<Report>> {
    let report = check::check(units, settings);
    match flows_to_release(&report) {
        Some(flows) => Ok(flows),
        None => Err(Box::new(report)),
    }
}

/// The flows of a checked report, ready to release; `None` when anything failed.
pub fn flows_to_release(report: &Report) -> Option<Vec<ReleaseFlow>> {
    if !report.read_errors.is_empty() || report.fails(Severity::Error) {
        return None;
    }
    let mut flows = Vec::new();
    for unit in &report.units {
        let Some(flow_report) = &unit.flow else { continue };
        let source = &flow_report.source;
        // The flow passed the checks, so it parses; the text is the one already read, not re-read.
        let (Ok(root), Ok(content)) = (source.parse_json(), FlowContent::from_file(source.text.as_bytes())) else {
            return None;
        };
        let tests = unit
            .tests
            .as_ref()
            .and_then(|t| t.source.parse_json().ok().map(|root| cases::load(&root).0))
            .unwrap_or_default();
        flows.push(ReleaseFlow {
            path: source.display_path(),
            content,
            flow: load::load(&root).0,
            tests,
        });
    }
    Some(flows)
}
