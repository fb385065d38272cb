//! The release seam above the API ports: what a backend does (select what it releases from a
//! checked report, release or plan it, roll back) and which settings it can carry, and the one
//! result every backend gives per item. The driver (`driver.rs`) does the rest for all of them.

use std::sync::Arc;

use serde_json::Value;

use crate::check::CheckReport;
use crate::check::online::RemoteFinding;
use crate::exit::Ending;
use crate::registry::Severity;
use crate::release::audit::AuditLog;
use crate::release::gate::Blocked;
use crate::settings::{Settings, table};

/// A release setting some backend may not be able to carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// `--environment` (input `environment`).
    Environment,
    /// The `[environments.NAME.substitutions]` of the release's environment (config file).
    Substitutions,
    /// `--smoke-test` (input `smoke-test`).
    SmokeTest,
    /// `--qa-webhook-url`, or the environment's `qa-webhook-url` (input `qa-webhook-url`).
    QaWebhook,
    /// `--payloads DIR`.
    Payloads,
    /// `rollback --dry-run`.
    RollbackDryRun,
    /// `--production-tags` (input `production-tags`).
    ProductionTags,
    /// `--activation-priority` (input `activation-priority`).
    ActivationPriority,
    /// `--max-concurrency` (input `max-concurrency`).
    MaxConcurrency,
    /// A backend's own release option, by its key in the settings table (Studio's
    /// `points-of-contact`, `allow-live-overwrite`, `sandbox-prefix`): its row says whose it is
    /// and why another backend's release cannot carry it (`elsewhere`).
    Own(&'static str),
}

impl Setting {
    /// How a person names it: the flag, and where else it is set.
    pub fn named(self) -> String {
        let named = match self {
            Setting::Environment => "--environment (input `environment`)",
            Setting::Substitutions => "the environment's substitutions (`[environments.NAME.substitutions]`)",
            Setting::SmokeTest => "--smoke-test (input `smoke-test`)",
            Setting::QaWebhook => "--qa-webhook-url (input `qa-webhook-url`, or the environment's `qa-webhook-url`)",
            Setting::Payloads => "--payloads",
            Setting::RollbackDryRun => "rollback --dry-run",
            Setting::ProductionTags => "--production-tags (input `production-tags`)",
            Setting::ActivationPriority => "--activation-priority (input `activation-priority`)",
            Setting::MaxConcurrency => "--max-concurrency (input `max-concurrency`)",
            Setting::Own(key) => {
                let setting = table::setting(key);
                let flag = setting.map_or_else(|| key.to_string(), |s| s.shown_as_flag());
                return match setting.is_some_and(|s| s.input && s.flag.is_some()) {
                    true => format!("{flag} (input `{key}`)"),
                    false => flag,
                };
            }
        };
        named.to_string()
    }

    /// Why a target of `backend` cannot carry it when the target does not say: a backend's own
    /// release option under any other backend (its row's `elsewhere`).
    pub fn refused_elsewhere(self, backend: table::Backend) -> Option<&'static str> {
        let Setting::Own(key) = self else { return None };
        let setting = table::setting(key)?;
        setting.elsewhere.filter(|_| setting.backend != Some(backend))
    }

    /// Its key in the settings table, for a setting read from it alone.
    pub fn key(self) -> Option<&'static str> {
        match self {
            Setting::ProductionTags => Some("production-tags"),
            Setting::ActivationPriority => Some("activation-priority"),
            Setting::MaxConcurrency => Some("max-concurrency"),
            Setting::Own(key) => Some(key),
            _ => None,
        }
    }
}

/// What became of one item, the same words for every backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The content is live as the tag asked, sent by this run (or, racing, by another).
    Released,
    /// The content was live already: nothing sent.
    Unchanged,
    /// Dry run: it would be released.
    WouldRelease,
    /// Not sent, on purpose (a version that holds other content, content a rollback undid).
    Refused,
    Failed,
    /// Released, then rolled back (a failed smoke test).
    RolledBack,
}

/// One item's result (a flow, a script).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemResult {
    pub path: String,
    /// The backend's id of it (a `flowId`, a `scriptName`).
    pub id: String,
    pub status: Status,
    /// The backend's word for what happened (`published`, `resumed and published`, `saved`).
    pub label: String,
    /// The version it ended with (a version id, `NAME__TAG`).
    pub version: Option<String>,
    /// What happened, in a few words.
    pub detail: String,
    /// More lines under it: a dry run's changes, the points of contact moved.
    pub lines: Vec<String>,
    /// A run step that failed without stopping it (the QA webhook): the run exits 1.
    pub warning: Option<String>,
    /// Dry run: what would be sent, for `--payloads`, and the name it is written under.
    pub payload: Option<(String, Value)>,
    /// What CXone's syntax check said of it, filed on the report at its file and line.
    pub findings: Vec<RemoteFinding>,
}

impl ItemResult {
    /// A result with nothing but its status and words.
    pub fn new(path: &str, id: &str, status: Status, label: &str, detail: String) -> Self {
        ItemResult {
            path: path.to_string(),
            id: id.to_string(),
            status,
            label: label.to_string(),
            version: None,
            detail,
            lines: Vec::new(),
            warning: None,
            payload: None,
            findings: Vec::new(),
        }
    }

    /// Whether it makes the run fail: its content is not live as asked, or a step it needs failed.
    pub fn failed(&self) -> bool {
        matches!(self.status, Status::Refused | Status::Failed | Status::RolledBack) || self.warning.is_some()
    }
}

/// Why a run stopped before any item: the step (`token`) and the error. Audited as `run_failed`.
#[derive(Debug, Clone, PartialEq)]
pub struct Stopped {
    pub step: &'static str,
    pub reason: String,
}

/// What a run of a target shares with it: the settings, the audit log, `owner/repo@commit`, and
/// the environment the driver settled.
pub struct Run<'a> {
    pub settings: &'a Settings,
    pub audit: Arc<AuditLog>,
    pub created_by: String,
    pub environment: String,
    pub environment_reason: String,
}

/// A rollback's result: what it did, as text, and the `published` output.
#[derive(Debug, Clone, PartialEq)]
pub struct RolledBackTo {
    pub text: String,
    pub published: Value,
}

/// Why a rollback did not happen: it could not run (a setting missing, no credentials: the ending
/// says which), or it ran and failed.
#[derive(Debug, Clone, PartialEq)]
pub enum RollbackFailure {
    CannotRun(Ending, String),
    Failed(String),
}

/// A release backend.
pub trait ReleaseTarget {
    /// What it releases, ready to send.
    type Item;
    /// The backend it releases to: the one whose own settings it carries (`Setting::Own`).
    fn backend(&self) -> table::Backend;
    /// How messages name it: its backend's word, as `--backend` spells it.
    fn name(&self) -> &'static str {
        self.backend().word()
    }
    /// What it releases, one and many (`flow`, `flows`).
    fn nouns(&self) -> (&'static str, &'static str);
    /// Why it cannot carry `setting`; `None` when it honours it.
    fn cannot_carry(&self, setting: Setting) -> Option<&'static str>;
    /// Everything it needs before anything is sent (credentials, a tag it can release), or why not.
    fn ready(&self, settings: &Settings) -> Result<(), String>;
    /// What it releases of a checked report, or why nothing is.
    fn select(&self, report: &CheckReport, fail_on: Severity) -> Result<Vec<Self::Item>, Blocked>;
    /// Releases (in a dry run, plans) the items: a result for each, in order.
    fn apply(&self, items: Vec<Self::Item>, run: &Run) -> Result<Vec<ItemResult>, Stopped>;
    /// Rolls `subject` (a flow id, a script name) back, to `to` or the last release's predecessor.
    fn roll_back(&self, subject: &str, to: Option<&str>, run: &Run) -> Result<RolledBackTo, RollbackFailure>;
}
