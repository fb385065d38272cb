//! The audit log: one JSON object per line, written and flushed as each event happens, so a crash
//! loses nothing. Never holds a secret or a token.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Map, Value, json};

use crate::release::payload::now_rfc3339;

/// An append-only audit log for one run.
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
    tag: String,
    commit: String,
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
            failed: Mutex::new(None),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one event line and flushes it. `details` must be a JSON object.
    pub fn record(&self, event: &str, flow_id: Option<&str>, version_id: Option<&str>, details: Value) {
        let mut line = Map::new();
        line.insert("timestamp".into(), json!(now_rfc3339()));
        line.insert("event".into(), json!(event));
        line.insert("tag".into(), json!(self.tag));
        line.insert("commit".into(), json!(self.commit));
        line.insert("flowId".into(), json!(flow_id));
        line.insert("versionId".into(), json!(version_id));
        if let Value::Object(details) = details {
            line.extend(details);
        }
        let mut text = Value::Object(line).to_string();
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
        assert!(lines[1]["timestamp"].as_str().unwrap().ends_with('Z'));
        assert!(log.failure().is_none());
    }
}
