//! The audit log: one JSON object per line, written and flushed as each event happens, so a crash
//! loses nothing. Every line says which tool, tag, commit, repository, actor and run wrote it, and is
//! scrubbed of every secret the run knows before it is written.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::cxone::types::VersionPayload;
use crate::progress::Step;
use crate::redact::Redactor;
use crate::settings::run_info::RunInfo;

/// Every event the audit log records, with its own fields (camelCase on the line, beside the
/// common ones). `docs/audit-log.md` documents each.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum AuditEvent {
    /// The credentials were accepted.
    TokenAcquired,
    /// The run stopped before any flow or script: `step` is `token`, `points of contact` or `start`.
    RunFailed {
        step: String,
        reason: String,
    },
    /// The QA webhook exists; `reason` when another run created it a moment ago.
    WebhookFound {
        webhook_id: String,
        url: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Dry run: the QA webhook would be created.
    WebhookWouldRegister {
        url: String,
    },
    WebhookRegistered {
        webhook_id: String,
        url: String,
    },
    /// The QA webhook could not be found or created; the release went on (exit 1 at the end).
    WebhookFailed {
        url: String,
        reason: String,
    },
    VersionsListed {
        count: usize,
    },
    /// Nothing sent for the flow: its content is active, or a rollback undid it.
    Skipped {
        reason: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        rolled_back_by: Option<String>,
    },
    /// A version of this content exists already and is carried on.
    Resumed {
        reason: String,
    },
    /// Dry run: the payload that would be registered.
    DryRunPayload {
        payload: Box<VersionPayload>,
    },
    VersionRegistered {
        job_id: String,
    },
    /// `confirmedByReadingBack` when the publish's answer was lost and the version read back ACTIVE.
    VersionPublished {
        latency_ms: u64,
        confirmed_by_reading_back: bool,
    },
    /// Another run, racing this one, published the version first.
    PublishedByAnotherRun {
        reason: String,
    },
    /// A case simulated by CXone agreed with the local engine (before publishing).
    SimulationPassed {
        case: String,
    },
    SimulationFailed {
        case: String,
        reason: String,
    },
    /// The same, against the published version (`--smoke-test`).
    SmokeTestPassed {
        case: String,
    },
    SmokeTestFailed {
        case: String,
        reason: String,
    },
    /// The flow's release failed.
    FlowFailed {
        reason: String,
    },
    /// The flow's release ended without failing.
    ActivationComplete {
        outcome: String,
        total_ms: u64,
    },
    /// Earlier content was restored as a new version replacing `replaced`.
    Rollback {
        restored_from: String,
        replaced: Option<String>,
        reason: String,
    },
    /// Dry run: earlier content would be restored as a new version replacing `replaced`.
    RollbackWouldRestore {
        restored_from: String,
        replaced: Option<String>,
    },
    /// A rollback to the content that is already active, or a second one: nothing sent.
    RollbackSkipped {
        reason: String,
        restored_from: String,
    },
    /// Studio: the script was saved under its versioned name (`versionId`), with CXone's warnings.
    ScriptSaved {
        warnings: Vec<String>,
    },
    /// Studio dry run: the script would be saved under its versioned name.
    ScriptWouldSave,
    /// Studio: a point of contact is about to be pointed from `from` to `to` (written before the
    /// `PUT`, so a run killed between the two leaves a trace a rollback reads).
    PointOfContactRepointing {
        point_of_contact: String,
        from: String,
        to: String,
    },
    /// Studio: a point of contact was pointed at the released script, as read back; `from` is what
    /// it ran before, which a rollback points it back to.
    PointOfContactRepointed {
        point_of_contact: String,
        from: String,
        to: String,
        dry_run: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        failed: Option<String>,
    },
    /// Studio: `cxone-flow rollback` pointed a point of contact back.
    PointOfContactRolledBack {
        point_of_contact: String,
        from: String,
        to: String,
    },
}

/// An audit event as a progress step.
fn step_of(event: &AuditEvent, flow: Option<&str>, version: Option<&str>) -> Step {
    let version = version.map_or(String::new(), |v| format!(" {v}"));
    let (text, finished) = match event {
        AuditEvent::TokenAcquired => ("logged in".to_string(), false),
        AuditEvent::VersionsListed { count } => (
            format!("{count} version{} listed", if *count == 1 { "" } else { "s" }),
            false,
        ),
        AuditEvent::Skipped { reason, .. } => (format!("skipped: {reason}"), true),
        AuditEvent::Resumed { reason } => (format!("resuming{version}: {reason}"), false),
        AuditEvent::DryRunPayload { .. } => (format!("dry run: would register{version}"), true),
        AuditEvent::VersionRegistered { job_id } => (
            format!("registered{version}; waiting for registration job {job_id}"),
            false,
        ),
        AuditEvent::SimulationPassed { case } => (format!("simulated \"{case}\": agrees with the local engine"), false),
        AuditEvent::SimulationFailed { case, reason } => (format!("simulated \"{case}\": {reason}"), false),
        AuditEvent::VersionPublished { latency_ms, .. } => (format!("published{version} in {latency_ms} ms"), false),
        AuditEvent::FlowFailed { reason } => (format!("FAILED: {reason}"), true),
        AuditEvent::ActivationComplete { outcome, total_ms } => (format!("done: {outcome} ({total_ms} ms)"), true),
        AuditEvent::ScriptSaved { .. } => (format!("saved as{version}"), true),
        AuditEvent::ScriptWouldSave => (format!("dry run: would save as{version}"), true),
        AuditEvent::PointOfContactRepointed {
            point_of_contact,
            from,
            to,
            dry_run,
            failed,
        } => (
            match (failed, dry_run) {
                (Some(why), _) => format!("point of contact {point_of_contact}: FAILED to move to {to}: {why}"),
                (None, true) => format!("dry run: point of contact {point_of_contact} would move from {from} to {to}"),
                (None, false) => format!("point of contact {point_of_contact} now runs {to} (read back)"),
            },
            false,
        ),
        AuditEvent::PointOfContactRepointing {
            point_of_contact,
            from,
            to,
        } => (
            format!("point of contact {point_of_contact}: moving from {from} to {to}"),
            false,
        ),
        other => {
            let name = serde_json::to_value(other)
                .ok()
                .and_then(|v| v["event"].as_str().map(|e| e.replace('_', " ")))
                .unwrap_or_default();
            (name, false)
        }
    };
    Step {
        flow: flow.map(str::to_string),
        text,
        finished,
    }
}

/// Now, RFC 3339, UTC, milliseconds.
fn now_millis() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

/// An append-only audit log for one run.
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
    tag: String,
    commit: String,
    run: RunInfo,
    redactor: Redactor,
    /// The first write that failed, if any (the run reports it and exits 2).
    failed: Mutex<Option<String>>,
    /// Shown every event as it is recorded.
    progress: crate::progress::Progress,
}

impl AuditLog {
    /// Opens (appends to) the log at `path` under `root`.
    pub fn open(root: &crate::safe_file::Root, path: &Path, tag: &str, commit: &str) -> std::io::Result<Self> {
        let file = root.append(path).map_err(std::io::Error::other)?;
        Ok(AuditLog {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            tag: tag.to_string(),
            commit: commit.to_string(),
            run: RunInfo::default(),
            redactor: Redactor::new(),
            failed: Mutex::new(None),
            progress: Default::default(),
        })
    }

    /// Shows every event as it is recorded.
    pub fn with_progress(mut self, progress: crate::progress::Progress) -> Self {
        self.progress = progress;
        self
    }

    /// Records who and what ran on every line.
    pub fn with_run(mut self, run: RunInfo) -> Self {
        self.run = run;
        self
    }

    /// Scrubs these secrets (and any the redactor learns later) from every line.
    pub fn with_redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = redactor;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one event line and flushes it.
    pub fn record(&self, event: AuditEvent, flow_id: Option<&str>, version_id: Option<&str>) {
        if self.progress.is_shown() {
            self.progress.emit(step_of(&event, flow_id, version_id));
        }
        let Ok(Value::Object(mut details)) = serde_json::to_value(&event) else {
            return;
        };
        let name = details.remove("event").unwrap_or(Value::Null);
        let mut line = Map::new();
        line.insert("timestamp".into(), json!(now_millis()));
        line.insert("event".into(), name);
        line.insert("tool".into(), json!(concat!("cxone-flow ", env!("CARGO_PKG_VERSION"))));
        line.insert("tag".into(), json!(self.tag));
        line.insert("commit".into(), json!(self.commit));
        line.insert("repository".into(), json!(self.run.repository));
        line.insert("actor".into(), json!(self.run.actor));
        line.insert("runUrl".into(), json!(self.run.run_url));
        line.insert("flowId".into(), json!(flow_id));
        line.insert("versionId".into(), json!(version_id));
        line.extend(details);
        let mut text = self.redactor.scrub(&Value::Object(line).to_string());
        text.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let written = file.write_all(text.as_bytes()).and_then(|()| file.flush());
        if let Err(error) = written {
            let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
            failed.get_or_insert_with(|| format!("failed to write the audit log `{}`: {error}", self.path.display()));
        }
    }

    /// The first write error, if any.
    pub fn failure(&self) -> Option<String> {
        self.failed.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn every_event_is_a_flushed_json_line_with_its_context() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&Default::default(), &path, "v1.0.0", "abc123").unwrap();
        log.record(
            AuditEvent::VersionRegistered { job_id: "j".into() },
            Some("main"),
            Some("id-1"),
        );
        log.record(AuditEvent::TokenAcquired, None, None);
        // Read while the log is still open: nothing is held back in a buffer.
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["event"], "version_registered");
        assert_eq!(
            (lines[0]["tag"].as_str(), lines[0]["commit"].as_str()),
            (Some("v1.0.0"), Some("abc123"))
        );
        assert_eq!(
            (lines[0]["flowId"].as_str(), lines[0]["versionId"].as_str()),
            (Some("main"), Some("id-1"))
        );
        assert_eq!(lines[0]["jobId"], "j");
        let timestamp = lines[1]["timestamp"].as_str().unwrap();
        assert!(timestamp.ends_with('Z') && timestamp.contains('.'), "{timestamp}");
        assert_eq!(
            timestamp.split('.').nth(1).unwrap().len(),
            4,
            "milliseconds: {timestamp}"
        );
        assert!(lines[0]["tool"].as_str().unwrap().starts_with("cxone-flow "));
        assert!(log.failure().is_none());
    }

    /// One of each event; the `match` stops compiling when a variant is added and not listed here.
    fn one_of_each() -> Vec<AuditEvent> {
        let s = || String::from("x");
        let all = vec![
            AuditEvent::TokenAcquired,
            AuditEvent::RunFailed { step: s(), reason: s() },
            AuditEvent::WebhookFound {
                webhook_id: s(),
                url: s(),
                reason: None,
            },
            AuditEvent::WebhookWouldRegister { url: s() },
            AuditEvent::WebhookRegistered {
                webhook_id: s(),
                url: s(),
            },
            AuditEvent::WebhookFailed { url: s(), reason: s() },
            AuditEvent::VersionsListed { count: 1 },
            AuditEvent::Skipped {
                reason: s(),
                rolled_back_by: None,
            },
            AuditEvent::Resumed { reason: s() },
            AuditEvent::DryRunPayload {
                payload: Box::new(
                    serde_json::from_value(json!({
                        "id": "i", "flowId": "f", "elements": [], "edges": [], "routingRules": [],
                        "metadata": {"versionTag": "v", "activationPriority": 1, "timestamp": "t"},
                        "versionTags": {"environment": "staging", "releaseMatrix": "v"}
                    }))
                    .unwrap(),
                ),
            },
            AuditEvent::VersionRegistered { job_id: s() },
            AuditEvent::VersionPublished {
                latency_ms: 1,
                confirmed_by_reading_back: false,
            },
            AuditEvent::PublishedByAnotherRun { reason: s() },
            AuditEvent::SimulationPassed { case: s() },
            AuditEvent::SimulationFailed { case: s(), reason: s() },
            AuditEvent::SmokeTestPassed { case: s() },
            AuditEvent::SmokeTestFailed { case: s(), reason: s() },
            AuditEvent::FlowFailed { reason: s() },
            AuditEvent::ActivationComplete {
                outcome: s(),
                total_ms: 1,
            },
            AuditEvent::Rollback {
                restored_from: s(),
                replaced: None,
                reason: s(),
            },
            AuditEvent::RollbackWouldRestore {
                restored_from: s(),
                replaced: None,
            },
            AuditEvent::RollbackSkipped {
                reason: s(),
                restored_from: s(),
            },
            AuditEvent::ScriptSaved { warnings: vec![s()] },
            AuditEvent::ScriptWouldSave,
            AuditEvent::PointOfContactRepointed {
                point_of_contact: s(),
                from: s(),
                to: s(),
                dry_run: false,
                failed: Some(s()),
            },
            AuditEvent::PointOfContactRepointing {
                point_of_contact: s(),
                from: s(),
                to: s(),
            },
            AuditEvent::PointOfContactRolledBack {
                point_of_contact: s(),
                from: s(),
                to: s(),
            },
        ];
        for event in &all {
            match event {
                AuditEvent::TokenAcquired
                | AuditEvent::RunFailed { .. }
                | AuditEvent::WebhookFound { .. }
                | AuditEvent::WebhookWouldRegister { .. }
                | AuditEvent::WebhookRegistered { .. }
                | AuditEvent::WebhookFailed { .. }
                | AuditEvent::VersionsListed { .. }
                | AuditEvent::Skipped { .. }
                | AuditEvent::Resumed { .. }
                | AuditEvent::DryRunPayload { .. }
                | AuditEvent::VersionRegistered { .. }
                | AuditEvent::VersionPublished { .. }
                | AuditEvent::PublishedByAnotherRun { .. }
                | AuditEvent::SimulationPassed { .. }
                | AuditEvent::SimulationFailed { .. }
                | AuditEvent::SmokeTestPassed { .. }
                | AuditEvent::SmokeTestFailed { .. }
                | AuditEvent::FlowFailed { .. }
                | AuditEvent::ActivationComplete { .. }
                | AuditEvent::Rollback { .. }
                | AuditEvent::RollbackWouldRestore { .. }
                | AuditEvent::RollbackSkipped { .. }
                | AuditEvent::ScriptSaved { .. }
                | AuditEvent::ScriptWouldSave
                | AuditEvent::PointOfContactRepointing { .. }
                | AuditEvent::PointOfContactRepointed { .. }
                | AuditEvent::PointOfContactRolledBack { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_event_and_its_fields_are_documented() {
        let docs = include_str!("../../docs/audit-log.md");
        for event in one_of_each() {
            let Value::Object(fields) = serde_json::to_value(&event).unwrap() else {
                panic!("{event:?}")
            };
            let name = fields["event"].as_str().unwrap();
            let heading = format!("### {name}\n");
            let start = docs
                .find(&heading)
                .unwrap_or_else(|| panic!("docs/audit-log.md lacks `{heading}`"));
            let section = &docs[start + heading.len()..];
            let section = &section[..section.find("\n### ").unwrap_or(section.len())];
            for field in fields.keys().filter(|k| *k != "event") {
                assert!(
                    section.contains(&format!("`{field}`")),
                    "{name}: `{field}` is not documented"
                );
            }
        }
    }

    #[test]
    fn lines_say_who_ran_and_never_hold_a_known_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let vars: HashMap<String, String> = [
            ("GITHUB_REPOSITORY", "acme/ivr"),
            ("GITHUB_ACTOR", "dev"),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_RUN_ID", "42"),
            ("GITHUB_RUN_ATTEMPT", "2"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let redactor = Redactor::new();
        let log = AuditLog::open(&Default::default(), &path, "v1", "abc")
            .unwrap()
            .with_run(RunInfo::from_vars(|name| vars.get(name).cloned()))
            .with_redactor(redactor.clone());
        redactor.add("tok-issued-mid-run");
        log.record(
            AuditEvent::FlowFailed {
                reason: "server said tok-issued-mid-run".into(),
            },
            Some("f"),
            None,
        );
        let line: Value = serde_json::from_str(std::fs::read_to_string(&path).unwrap().trim()).unwrap();
        assert_eq!(line["repository"], "acme/ivr");
        assert_eq!(line["actor"], "dev");
        assert_eq!(line["runUrl"], "https://github.com/acme/ivr/actions/runs/42/attempts/2");
        assert_eq!(line["reason"], "server said ***");
    }
}
