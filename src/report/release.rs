//! A release and a rollback as the log shows them (text) and as the `published` output carries
//! them (JSON); the job summary's table is in `summary.rs`.

use serde_json::{Value, json};

use crate::cxone::types::Version;
use crate::printable::{escape, shown};
use crate::release::driver::Released;
use crate::release::target::Status;

/// The release as text, the same for every backend: a heading line, then one line per item (its
/// path, id, what happened and the lines under it), then a dry run's count.
pub fn render_release(released: &Released) -> String {
    let items = &released.items;
    let (one, many) = released.nouns;
    let counted = format!("{} {}", items.len(), if items.len() == 1 { one } else { many });
    let whereto = match &released.environment {
        Some((environment, reason)) => format!("to {environment} ({reason}; {counted})"),
        None => format!("with the {} backend ({counted})", released.backend),
    };
    let mut out = format!(
        "{}release {} {whereto}, audit log {}\n",
        if released.dry_run { "dry run: " } else { "" },
        released.tag,
        released.audit_log.display()
    );
    for item in items {
        // The version, unless the detail names it (or it is only planned).
        let version = match &item.version {
            Some(v) if item.status != Status::WouldRelease && !item.detail.contains(v.as_str()) => {
                format!("version {v}: ")
            }
            _ => String::new(),
        };
        let lines: String = item.lines.iter().map(|l| format!("\n      {}", shown(l))).collect();
        let warning = item
            .warning
            .as_ref()
            .map(|w| format!("\n    warning: {}", shown(w)))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}  {}  {}: {version}{}{lines}{warning}\n",
            shown(&item.path),
            shown(&item.id),
            item.label,
            shown(&item.detail)
        ));
    }
    if released.dry_run {
        // Every item is counted once: what is neither released nor up to date is blocked.
        let would = released.count(Status::WouldRelease);
        let up_to_date = released.count(Status::Unchanged);
        out.push_str(&format!(
            "dry run: {would} would be released, {up_to_date} up to date, {} blocked; nothing was sent\n",
            items.len() - would - up_to_date,
        ));
    }
    out
}

/// A flow's versions as a table, newest first, the one holding `content_hash` (the flow file's)
/// marked; then whether any does.
pub fn render_versions(flow_id: &str, file: &str, versions: &[Version], content_hash: &str) -> String {
    let mut out = format!(
        "versions of flow {flow_id} in CXone ({}):
",
        crate::printable::plural(versions.len(), "version")
    );
    let width = versions.iter().map(|v| v.payload.id.len()).max().unwrap_or(0);
    let tag_width = versions
        .iter()
        .map(|v| v.payload.metadata.version_tag.len())
        .max()
        .unwrap_or(0);
    for version in versions {
        let metadata = &version.payload.metadata;
        let hash = escape(metadata.content_hash.as_deref().unwrap_or(""));
        let mark = if metadata.content_hash.as_deref() == Some(content_hash) {
            format!("  = {file}")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  {:<10}  {:<width$}  {:<tag_width$}  {:<10}  {}  {}{mark}\n",
            version.status.as_str(),
            escape(&version.payload.id),
            escape(&metadata.version_tag),
            escape(&version.payload.version_tags.environment),
            escape(&metadata.timestamp),
            hash.get(..12)
                .unwrap_or(if hash.is_empty() { "(no hash)" } else { &hash }),
        ));
    }
    let matching = versions
        .iter()
        .find(|v| v.payload.metadata.content_hash.as_deref() == Some(content_hash));
    out.push_str(&match matching {
        Some(v) => format!("{file} is version {} ({})\n", v.payload.id, v.status.as_str()),
        None => format!("no version holds the content of {file}: a release would register a new one\n"),
    });
    out
}

/// A flow's versions as JSON, each with whether it holds the flow file's content.
pub fn versions_json(flow_id: &str, versions: &[Version], content_hash: &str) -> Value {
    let list: Vec<Value> = versions
        .iter()
        .map(|v| {
            let metadata = &v.payload.metadata;
            json!({
                "versionId": v.payload.id,
                "status": v.status.as_str(),
                "versionTag": metadata.version_tag,
                "environment": v.payload.version_tags.environment,
                "timestamp": metadata.timestamp,
                "contentHash": metadata.content_hash,
                "matchesFile": metadata.content_hash.as_deref() == Some(content_hash),
            })
        })
        .collect();
    json!({"flowId": flow_id, "contentHash": content_hash, "versions": list})
}

/// The `published` output of a release: path, id, outcome and version per item.
pub fn published(released: &Released) -> Value {
    released
        .items
        .iter()
        .map(|i| json!({"path": i.path, "flowId": i.id, "outcome": i.label, "versionId": i.version}))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::exit::Ending;
    use crate::release::flows_api::result_of;
    use crate::release::pipeline::{FlowResult, Outcome};

    fn released(outcome: Outcome, warning: Option<&str>) -> Released {
        Released {
            backend: "flows-api",
            nouns: ("flow", "flows"),
            tag: "v1-prod".into(),
            environment: Some(("production".into(), "tag `v1-prod` matches `*-prod`".into())),
            dry_run: false,
            items: vec![result_of(FlowResult {
                path: "flows/main.flow.json".into(),
                flow_id: "main".into(),
                outcome,
                warning: warning.map(str::to_string),
            })],
            audit_log: PathBuf::from("audit.jsonl"),
            audit_failure: None,
        }
    }

    #[test]
    fn a_release_reads_as_text_and_json_and_decides_its_exit() {
        let published = Outcome::Published {
            version_id: "v-1".into(),
            latency_ms: 12,
            resumed: false,
        };
        let done = released(published.clone(), None);
        assert_eq!(
            render_release(&done),
            "release v1-prod to production (tag `v1-prod` matches `*-prod`; 1 flow), audit log audit.jsonl\n  flows/main.flow.json  main  published: version v-1: published in 12 ms\n"
        );
        assert_eq!(
            super::published(&done),
            json!([{"path": "flows/main.flow.json", "flowId": "main", "outcome": "published", "versionId": "v-1"}])
        );
        assert_eq!(done.ending(), Ending::Clean);
        let warned = released(published, Some("the QA webhook was not set up"));
        assert!(render_release(&warned).contains("\n    warning: the QA webhook was not set up\n"));
        assert_eq!(warned.ending(), Ending::ReleaseFailed);
        let failed = released(
            Outcome::Failed {
                reason: "boom".into(),
                version_id: None,
            },
            None,
        );
        assert_eq!(failed.ending(), Ending::ReleaseFailed);
        let mut unaudited = released(Outcome::UpToDate { version_id: "v".into() }, None);
        unaudited.audit_failure = Some("disk full".into());
        assert_eq!(unaudited.ending(), Ending::AuditLogNotWritten);
    }

    #[test]
    fn a_dry_run_counts_each_flow_once() {
        let mut done = released(
            Outcome::UpToDate {
                version_id: "v-1".into(),
            },
            None,
        );
        done.dry_run = true;
        let rolled_back = Outcome::WasRolledBack {
            version_id: "v-2".into(),
            restored_version_id: "v-3".into(),
        };
        done.items.push(released(rolled_back, None).items.remove(0));
        let text = render_release(&done);
        assert!(
            text.ends_with("dry run: 0 would be released, 1 up to date, 1 blocked; nothing was sent\n"),
            "{text}"
        );
    }
}
