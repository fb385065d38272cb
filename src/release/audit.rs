//! The audit log: one JSON object per line, written and flushed as each event happens, so a crash
//! loses nothing. Every line says which tool, tag, commit, repository, actor and run wrote it, and is
//! scrubbed of every secret the run knows before it is written.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Map, Value, json};

use crate::redact::Redactor;

/// Who and what ran: written on every line when known.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunInfo {
    /// `owner/repo`.
    pub repository: Option<String>,
    /// Who started the run (`GITHUB_ACTOR`).
    pub actor: Option<String>,
    /// The workflow run's page: `GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID`.
    pub run_url: Option<String>,
}

impl RunInfo {
    /// From the runner's `GITHUB_*` variables; empty outside a workflow.
    pub fn from_vars(vars: &HashMap<String, String>) -> Self {
        let get = |key: &str| vars.get(key).filter(|v| !v.is_empty()).cloned();
        let repository = get("GITHUB_REPOSITORY");
        let run_url = match (get("GITHUB_SERVER_URL"), &repository, get("GITHUB_RUN_ID")) {
            (Some(server), Some(repository), Some(run)) => {
                let attempt = get("GITHUB_RUN_ATTEMPT")
                    .map(|a| format!("/attempts/{a}"))
                    .unwrap_or_default();
                Some(format!(
                    "{}/{repository}/actions/runs/{run}{attempt}",
                    server.trim_end_matches('/')
                ))
            }
            _ => None,
        };
        RunInfo {
            repository,
            actor: get("GITHUB_ACTOR"),
            run_url,
        }
    }

    /// From this process's environment.
    pub fn from_env() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        RunInfo::from_vars(&vars)
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
}

impl AuditLog {
    /// Opens (appends to) the log at `path`.
    pub fn open(path: &Path, tag: &str, commit: &str) -> std::io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(AuditLog {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            tag: tag.to_string(),
            commit: commit.to_string(),
            run: RunInfo::default(),
            redactor: Redactor::new(),
            failed: Mutex::new(None),
        })
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

    /// Writes one event line and flushes it. `details` must be a JSON object.
    pub fn record(&self, event: &str, flow_id: Option<&str>, version_id: Option<&str>, details: Value) {
        let mut line = Map::new();
        line.insert("timestamp".into(), json!(now_millis()));
        line.insert("event".into(), json!(event));
        line.insert("tool".into(), json!(concat!("cxone-flow ", env!("CARGO_PKG_VERSION"))));
        line.insert("tag".into(), json!(self.tag));
        line.insert("commit".into(), json!(self.commit));
        line.insert("repository".into(), json!(self.run.repository));
        line.insert("actor".into(), json!(self.run.actor));
        line.insert("runUrl".into(), json!(self.run.run_url));
        line.insert("flowId".into(), json!(flow_id));
        line.insert("versionId".into(), json!(version_id));
        if let Value::Object(details) = details {
            line.extend(details);
        }
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

    #[test]
    fn every_event_is_a_flushed_json_line_with_its_context() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path, "v1.0.0", "abc123").unwrap();
        log.record("version_registered", Some("main"), Some("id-1"), json!({"jobId": "j"}));
        log.record("token_acquired", None, None, json!({}));
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
        let log = AuditLog::open(&path, "v1", "abc")
            .unwrap()
            .with_run(RunInfo::from_vars(&vars))
            .with_redactor(redactor.clone());
        redactor.add("tok-issued-mid-run");
        log.record(
            "flow_failed",
            Some("f"),
            None,
            json!({"reason": "server said tok-issued-mid-run"}),
        );
        let line: Value = serde_json::from_str(std::fs::read_to_string(&path).unwrap().trim()).unwrap();
        assert_eq!(line["repository"], "acme/ivr");
        assert_eq!(line["actor"], "dev");
        assert_eq!(line["runUrl"], "https://github.com/acme/ivr/actions/runs/42/attempts/2");
        assert_eq!(line["reason"], "server said ***");
    }
}
