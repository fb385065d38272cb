//! A release and a rollback as the log shows them (text) and as the `published` output carries
//! them (JSON); the job summary's table is in `summary.rs`.

use std::path::Path;

use serde_json::{Value, json};

use crate::release::pipeline::Outcome;
use crate::release::rollback::RolledBack;
use crate::release::run::Released;

/// The release as text: a heading line, then one line per flow.
pub fn render_release(released: &Released) -> String {
    let (settings, results) = (&released.settings, &released.results);
    let mut out = format!(
        "{}release {} to {} ({}; {} flow{}), audit log {}\n",
        if settings.dry_run { "dry run: " } else { "" },
        settings.release.tag,
        settings.release.environment,
        settings.release.environment_reason,
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        released.audit_log.display()
    );
    for result in results {
        let detail = match &result.outcome {
            Outcome::WouldRelease {
                payload: Some(payload), ..
            } => format!(
                "{}:\n{}",
                result.outcome.detail(),
                serde_json::to_string_pretty(payload).unwrap_or_default()
            ),
            outcome => format!(
                "{}{}",
                outcome
                    .version_id()
                    .map(|v| format!("version {v}: "))
                    .unwrap_or_default(),
                outcome.detail()
            ),
        };
        let warning = result
            .warning
            .as_ref()
            .map(|w| format!("\n    warning: {w}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}  {}  {}: {detail}{warning}\n",
            result.path,
            result.flow_id,
            result.outcome.label()
        ));
    }
    out
}

/// A finished rollback as one line.
pub fn render_rollback(flow_id: &str, done: &RolledBack, audit_log: &Path) -> String {
    if !done.changed {
        return format!(
            "flow {}: the content of {} is already active (version {}); nothing changed; audit log {}\n",
            flow_id,
            done.restored_from,
            done.restored_version_id,
            audit_log.display()
        );
    }
    format!(
        "rolled back flow {}: version {} (the content of {}) is active{}; audit log {}\n",
        flow_id,
        done.restored_version_id,
        done.restored_from,
        done.replaced
            .as_ref()
            .map(|r| format!(", replacing {r}"))
            .unwrap_or_default(),
        audit_log.display()
    )
}

/// The `published` output of a release: path, flow id, outcome and version per flow.
pub fn published(released: &Released) -> Value {
    released
        .results
        .iter()
        .map(|r| {
            json!({
                "path": r.path, "flowId": r.flow_id, "outcome": r.outcome.label(),
                "versionId": r.outcome.version_id(),
            })
        })
        .collect()
}

/// The `published` output of a rollback.
pub fn published_rollback(flow_id: &str, done: &RolledBack) -> Value {
    json!([{
        "flowId": flow_id, "outcome": if done.changed { "rolled back" } else { "already active" },
        "versionId": done.restored_version_id, "restoredFrom": done.restored_from, "replaced": done.replaced,
    }])
}
