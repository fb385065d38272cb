//! A Studio release, rollback and pull as people read them: per script what was saved or skipped
//! or refused, and which points of contact moved from which script to which.

use std::fmt::Write;

use crate::printable::shown;
use crate::release::studio::{ScriptOutcome, ScriptReport, listed};

/// One line per script, one per point of contact moved, then the totals.
pub fn render_release(reports: &[ScriptReport], dry_run: bool) -> String {
    let mut out = String::new();
    for report in reports {
        let what = match &report.outcome {
            ScriptOutcome::Saved { warnings } if warnings.is_empty() => format!("saved as `{}`", report.versioned),
            ScriptOutcome::Saved { warnings } => format!(
                "saved as `{}` with {} warning{} from CXone's syntax check ({})",
                report.versioned,
                warnings.len(),
                if warnings.len() == 1 { "" } else { "s" },
                listed(warnings)
            ),
            ScriptOutcome::Unchanged => format!("unchanged: `{}` already holds this content", report.versioned),
            ScriptOutcome::WouldSave => format!("would save as `{}`", report.versioned),
            ScriptOutcome::Rejected { findings } => format!(
                "REJECTED by CXone's syntax check, nothing saved: {}",
                listed(findings.iter().filter(|f| f.error))
            ),
            ScriptOutcome::OverwriteRefused => format!(
                "REFUSED: `{}` already holds other content than this file; a rollback to it would restore that content, so it is not overwritten: release a new tag (or --force)",
                report.versioned
            ),
            ScriptOutcome::Failed { reason } => format!("FAILED: {reason}"),
        };
        let _ = writeln!(
            out,
            "{} ({}): {}",
            shown(&report.path),
            shown(&report.name),
            shown(&what)
        );
        for cutover in &report.cutovers {
            let verb = match (&cutover.failed, cutover.from == cutover.to, cutover.dry_run) {
                (Some(why), _, _) => format!("FAILED to repoint: {why}"),
                (None, true, _) => format!("already runs `{}`", cutover.to),
                (None, false, true) => format!("would move from `{}` to `{}`", cutover.from, cutover.to),
                (None, false, false) => format!("moved from `{}` to `{}` (read back)", cutover.from, cutover.to),
            };
            let _ = writeln!(
                out,
                "  point of contact {}: {}",
                shown(&cutover.point_of_contact),
                shown(&verb)
            );
        }
    }
    let failed = reports.iter().filter(|r| r.failed()).count();
    let _ = writeln!(
        out,
        "{}{} script{}: {} failed.",
        if dry_run { "Dry run: " } else { "" },
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        failed
    );
    out
}

/// The points of contact a rollback moved.
pub fn render_rollback(script: &str, moved: &[(String, String, String)]) -> String {
    if moved.is_empty() {
        return format!("{script}: every point of contact already runs the rollback's script; nothing moved.\n");
    }
    moved
        .iter()
        .map(|(id, from, to)| format!("{script}: point of contact {id} moved back from `{from}` to `{to}`\n"))
        .collect()
}
