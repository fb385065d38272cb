//! A release and a rollback as the log shows them (text) and as the `published` output carries
//! them (JSON); the job summary's table is in `summary.rs`.

use std::path::Path;

use serde_json::{Value, json};

use crate::cxone::types::Version;
use crate::printable::{escape, shown};
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
            Outcome::WouldRelease { note, changes, .. } => {
                let lines: String = changes.iter().map(|c| format!("\n      {}", shown(c))).collect();
                format!("{}{lines}", shown(note))
            }
            outcome => format!(
                "{}{}",
                outcome
                    .version_id()
                    .map(|v| format!("version {v}: "))
                    .unwrap_or_default(),
                shown(&outcome.detail())
            ),
        };
        let warning = result
            .warning
            .as_ref()
            .map(|w| format!("\n    warning: {}", shown(w)))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}  {}  {}: {detail}{warning}\n",
            shown(&result.path),
            shown(&result.flow_id),
            result.outcome.label()
        ));
    }
    if settings.dry_run {
        let count = |f: fn(&Outcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
        out.push_str(&format!(
            "dry run: {} would be released, {} up to date, {} blocked; nothing was sent\n",
            count(|o| matches!(o, Outcome::WouldRelease { .. })),
            count(|o| matches!(o, Outcome::UpToDate { .. } | Outcome::WasRolledBack { .. })),
            count(Outcome::failed),
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
        crate::report::plural(versions.len(), "version")
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::exit::Exit;
    use crate::release::backend::RegistrationWait;
    use crate::release::payload::ReleaseInfo;
    use crate::release::pipeline::{FlowResult, ReleaseSettings};

    fn released(outcome: Outcome, warning: Option<&str>) -> Released {
        Released {
            results: vec![FlowResult {
                path: "flows/main.flow.json".into(),
                flow_id: "main".into(),
                outcome,
                warning: warning.map(str::to_string),
            }],
            settings: ReleaseSettings {
                release: ReleaseInfo {
                    tag: "v1-prod".into(),
                    environment: "production".into(),
                    environment_reason: "tag `v1-prod` matches `*-prod`".into(),
                    activation_priority: 1,
                    created_by: "acme/ivr@abc".into(),
                },
                max_concurrency: 1,
                case_concurrency: 1,
                qa_webhook_url: None,
                smoke_test: false,
                dry_run: false,
                max_execution_ms: 15_000,
                registration: RegistrationWait::default(),
                force: false,
            },
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
        assert_eq!(done.exit(), Exit::Clean);
        let warned = released(published, Some("the QA webhook was not set up"));
        assert!(render_release(&warned).contains("\n    warning: the QA webhook was not set up\n"));
        assert_eq!(warned.exit(), Exit::Findings);
        let failed = released(
            Outcome::Failed {
                reason: "boom".into(),
                version_id: None,
            },
            None,
        );
        assert_eq!(failed.exit(), Exit::Findings);
        let mut unaudited = released(Outcome::UpToDate { version_id: "v".into() }, None);
        unaudited.audit_failure = Some("disk full".into());
        assert_eq!(unaudited.exit(), Exit::CannotRun);
    }

    #[test]
    fn a_rollback_says_what_it_restored_or_that_nothing_changed() {
        let restored = RolledBack {
            restored_version_id: "new".into(),
            restored_from: "old".into(),
            replaced: Some("bad".into()),
            changed: true,
        };
        let audit = Path::new("audit.jsonl");
        assert_eq!(
            render_rollback("main", &restored, audit),
            "rolled back flow main: version new (the content of old) is active, replacing bad; audit log audit.jsonl\n"
        );
        assert_eq!(published_rollback("main", &restored)[0]["outcome"], "rolled back");
        let same = RolledBack {
            changed: false,
            replaced: None,
            ..restored
        };
        assert!(render_rollback("main", &same, audit).contains("is already active (version new); nothing changed"));
        assert_eq!(published_rollback("main", &same)[0]["outcome"], "already active");
    }
}
