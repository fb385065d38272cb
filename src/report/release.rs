//! A release and a rollback as the log shows them (text) and as the `published` output carries
//! them (JSON); the job summary's table is in `summary.rs`.

use std::path::Path;

use serde_json::{Value, json};

use crate::cxone::types::Version;
use crate::printable::{escape, shown};
use crate::release::pipeline::Outcome;
use crate::release::rollback::{Change, RolledBack};
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
        // Every flow is counted once: what is neither released nor up to date is blocked.
        let count = |f: fn(&Outcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
        let would = count(|o| matches!(o, Outcome::WouldRelease { .. }));
        let up_to_date = count(|o| matches!(o, Outcome::UpToDate { .. }));
        out.push_str(&format!(
            "dry run: {would} would be released, {up_to_date} up to date, {} blocked; nothing was sent\n",
            results.len() - would - up_to_date,
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
    let audit_log = audit_log.display();
    let replacing = done
        .replaced
        .as_ref()
        .map(|r| format!(", replacing {r}"))
        .unwrap_or_default();
    match done.change {
        Change::Restored => format!(
            "rolled back flow {flow_id}: version {} (the content of {}) is active{replacing}; audit log {audit_log}\n",
            done.restored_version_id, done.restored_from,
        ),
        Change::WouldRestore => format!(
            "dry run: would roll back flow {flow_id}: the content of {} as version {}{replacing}; nothing was sent; audit log {audit_log}\n",
            done.restored_from, done.restored_version_id,
        ),
        Change::AlreadyActive => format!(
            "flow {flow_id}: the content of {} is already active (version {}); nothing changed; audit log {audit_log}\n",
            done.restored_from, done.restored_version_id,
        ),
        Change::AlreadyRolledBack => format!(
            "flow {flow_id}: the active version {} is a rollback already{replacing}; nothing moved (a rollback undoes the last release once; name a version with --to to restore another); audit log {audit_log}\n",
            done.restored_version_id,
        ),
    }
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
        "flowId": flow_id, "outcome": match done.change {
            Change::Restored => "rolled back",
            Change::WouldRestore => "dry run",
            Change::AlreadyActive | Change::AlreadyRolledBack => "already active",
        },
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
    fn a_dry_run_counts_each_flow_once() {
        let mut done = released(
            Outcome::UpToDate {
                version_id: "v-1".into(),
            },
            None,
        );
        done.settings.dry_run = true;
        let mut rolled_back = done.results[0].clone();
        rolled_back.outcome = Outcome::WasRolledBack {
            version_id: "v-2".into(),
            restored_version_id: "v-3".into(),
        };
        done.results.push(rolled_back);
        let text = render_release(&done);
        assert!(
            text.ends_with("dry run: 0 would be released, 1 up to date, 1 blocked; nothing was sent\n"),
            "{text}"
        );
    }

    #[test]
    fn a_rollback_says_what_it_restored_or_that_nothing_changed() {
        let restored = RolledBack {
            restored_version_id: "new".into(),
            restored_from: "old".into(),
            replaced: Some("bad".into()),
            change: Change::Restored,
        };
        let audit = Path::new("audit.jsonl");
        assert_eq!(
            render_rollback("main", &restored, audit),
            "rolled back flow main: version new (the content of old) is active, replacing bad; audit log audit.jsonl\n"
        );
        assert_eq!(published_rollback("main", &restored)[0]["outcome"], "rolled back");
        let same = RolledBack {
            change: Change::AlreadyActive,
            replaced: None,
            ..restored.clone()
        };
        assert!(render_rollback("main", &same, audit).contains("is already active (version new); nothing changed"));
        assert_eq!(published_rollback("main", &same)[0]["outcome"], "already active");
        let dry = RolledBack {
            change: Change::WouldRestore,
            ..restored.clone()
        };
        assert_eq!(
            render_rollback("main", &dry, audit),
            "dry run: would roll back flow main: the content of old as version new, replacing bad; nothing was sent; audit log audit.jsonl\n"
        );
        let second = RolledBack {
            change: Change::AlreadyRolledBack,
            ..restored
        };
        assert!(
            render_rollback("main", &second, audit)
                .contains("the active version new is a rollback already, replacing bad; nothing moved")
        );
    }
}
