//! Rollback: make an earlier version's content the active one again, as a new version whose
//! `rollbackReference` points at the version it replaces. One restore step serves `cxone-flow
//! rollback` and the release's smoke test.
//!
//! Without a version named, a rollback undoes the last release once: it restores the most recently
//! deprecated version, unless the active version is itself a rollback, when nothing moves (a second
//! rollback never rolls forward to the content the first one undid; name a version to go anywhere).

use crate::cxone::client::ApiError;
use crate::cxone::types::{Version, VersionPayload, VersionStatus};
use crate::release::audit::{AuditEvent, AuditLog};
use crate::release::backend::Backend;
use crate::release::backend::RegistrationWait;
use crate::release::converge::{self, Registration};
use crate::release::payload::{FlowContent, ReleaseInfo, now_rfc3339, version_id};

/// What a rollback did.
#[derive(Debug, Clone, PartialEq)]
pub struct RolledBack {
    /// The version active at the end (for a dry run: the one that would be registered).
    pub restored_version_id: String,
    pub restored_from: String,
    pub replaced: Option<String>,
    pub change: Change,
}

/// Whether a rollback moved anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The content was registered again and published.
    Restored,
    /// Dry run: the content would be restored; nothing was sent.
    WouldRestore,
    /// The asked-for content is already active: nothing was sent.
    AlreadyActive,
    /// The active version is a rollback already and no version was named: nothing was sent.
    AlreadyRolledBack,
}

impl RolledBack {
    /// Whether a version was (or, in a dry run, would be) registered and published.
    pub fn moves(&self) -> bool {
        matches!(self.change, Change::Restored | Change::WouldRestore)
    }
}

/// Why a rollback could not be done.
#[derive(Debug, thiserror::Error)]
pub enum RollbackError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("flow `{0}` has no deprecated version to roll back to")]
    NothingToRollBackTo(String),
    #[error("flow `{flow_id}` has no version `{version_id}`")]
    UnknownVersion { flow_id: String, version_id: String },
}

/// How a rollback runs.
#[derive(Debug, Clone)]
pub struct RollbackSettings {
    pub created_by: String,
    pub wait: RegistrationWait,
    /// Every read and decision; nothing registered or published.
    pub dry_run: bool,
}

/// Rolls `flow_id` back to `to`, or to the most recently deprecated version when the active one
/// is not a rollback already. Rolling back to the content that is already active changes nothing.
pub async fn rollback(
    client: &impl Backend,
    flow_id: &str,
    to: Option<&str>,
    settings: &RollbackSettings,
    audit: &AuditLog,
) -> Result<RolledBack, RollbackError> {
    let versions = client.list_versions(flow_id).await?;
    let count = versions.len();
    audit.record(AuditEvent::VersionsListed { count }, Some(flow_id), None);
    let active = versions.iter().find(|v| v.status == VersionStatus::Active);
    if to.is_none()
        && let Some(active) = active
        && let Some(undone) = &active.payload.metadata.rollback_of
    {
        let event = AuditEvent::RollbackSkipped {
            reason: format!(
                "the active version is a rollback already (it replaced {undone}); name a version to restore"
            ),
            restored_from: active.payload.id.clone(),
        };
        audit.record(event, Some(flow_id), Some(&active.payload.id));
        return Ok(RolledBack {
            restored_version_id: active.payload.id.clone(),
            restored_from: active.payload.id.clone(),
            replaced: Some(undone.clone()),
            change: Change::AlreadyRolledBack,
        });
    }
    let target = match to {
        Some(id) => versions
            .iter()
            .find(|v| v.payload.id == id)
            .ok_or_else(|| RollbackError::UnknownVersion {
                flow_id: flow_id.into(),
                version_id: id.into(),
            })?,
        None => versions
            .iter()
            .rev()
            .find(|v| v.status == VersionStatus::Deprecated)
            .ok_or_else(|| RollbackError::NothingToRollBackTo(flow_id.into()))?,
    };
    if let Some(active) = active.filter(|a| {
        a.payload.id == target.payload.id
            || (a.payload.metadata.content_hash.is_some()
                && a.payload.metadata.content_hash == target.payload.metadata.content_hash)
    }) {
        let event = AuditEvent::RollbackSkipped {
            reason: "the asked-for content is already active".into(),
            restored_from: target.payload.id.clone(),
        };
        audit.record(event, Some(flow_id), Some(&active.payload.id));
        return Ok(RolledBack {
            restored_version_id: active.payload.id.clone(),
            restored_from: target.payload.id.clone(),
            replaced: None,
            change: Change::AlreadyActive,
        });
    }
    let replaced = active.map(|a| a.payload.id.as_str());
    if settings.dry_run {
        let payload = restored_payload(flow_id, target, replaced, &settings.created_by);
        let event = AuditEvent::RollbackWouldRestore {
            restored_from: target.payload.id.clone(),
            replaced: replaced.map(str::to_string),
        };
        audit.record(event, Some(flow_id), Some(&payload.id));
        return Ok(RolledBack {
            restored_version_id: payload.id,
            restored_from: target.payload.id.clone(),
            replaced: replaced.map(str::to_string),
            change: Change::WouldRestore,
        });
    }
    let (created_by, wait) = (settings.created_by.as_str(), settings.wait);
    Ok(restore(client, flow_id, target, replaced, created_by, "asked for", wait, audit).await?)
}

/// The payload that restores `target`'s content as a new version replacing `replaced` (the active
/// version, if any), carrying the target's own tag, environment and priority.
fn restored_payload(flow_id: &str, target: &Version, replaced: Option<&str>, created_by: &str) -> VersionPayload {
    let content = FlowContent::of_version(&target.payload);
    let reference = replaced.unwrap_or(&target.payload.id);
    let id = version_id(flow_id, &format!("rollback:{reference}"), &content.content_hash);
    let metadata = &target.payload.metadata;
    let release = ReleaseInfo {
        tag: metadata.version_tag.clone(),
        environment: target.payload.version_tags.environment.clone(),
        environment_reason: format!("the restored version's own environment ({})", target.payload.id),
        activation_priority: metadata.activation_priority,
        created_by: created_by.to_string(),
    };
    let mut payload = content.payload(id, &release, replaced.map(str::to_string), now_rfc3339());
    payload.metadata.rollback_of = replaced.map(str::to_string);
    payload
}

/// Registers `target`'s content again, as a new version replacing `replaced` (the active version,
/// if any) and carrying the target's own tag, environment and priority, and publishes it. Racing
/// runs restore it once.
#[allow(clippy::too_many_arguments)]
pub async fn restore(
    client: &impl Backend,
    flow_id: &str,
    target: &Version,
    replaced: Option<&str>,
    created_by: &str,
    reason: &str,
    wait: RegistrationWait,
    audit: &AuditLog,
) -> Result<RolledBack, ApiError> {
    let payload = restored_payload(flow_id, target, replaced, created_by);
    let id = payload.id.clone();
    match converge::register(client, &payload, wait).await? {
        Registration::Registered(job) => {
            audit.record(AuditEvent::VersionRegistered { job_id: job }, Some(flow_id), Some(&id))
        }
        Registration::Resumed(why) => {
            audit.record(AuditEvent::Resumed { reason: why.into() }, Some(flow_id), Some(&id))
        }
    }
    converge::publish(client, flow_id, &id, wait).await?;
    let event = AuditEvent::Rollback {
        restored_from: target.payload.id.clone(),
        replaced: replaced.map(str::to_string),
        reason: reason.to_string(),
    };
    audit.record(event, Some(flow_id), Some(&id));
    Ok(RolledBack {
        restored_version_id: id,
        restored_from: target.payload.id.clone(),
        replaced: replaced.map(str::to_string),
        change: Change::Restored,
    })
}

/// A finished rollback as one line (the text of the `rollback` command and the Action's log).
pub fn describe(flow_id: &str, done: &RolledBack, audit_log: &std::path::Path) -> String {
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

/// The `published` output of a rollback.
pub fn published(flow_id: &str, done: &RolledBack) -> serde_json::Value {
    serde_json::json!([{
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
    use super::*;

    #[test]
    fn a_rollback_says_what_it_restored_or_that_nothing_changed() {
        let restored = RolledBack {
            restored_version_id: "new".into(),
            restored_from: "old".into(),
            replaced: Some("bad".into()),
            change: Change::Restored,
        };
        let audit = std::path::Path::new("audit.jsonl");
        assert_eq!(
            describe("main", &restored, audit),
            "rolled back flow main: version new (the content of old) is active, replacing bad; audit log audit.jsonl\n"
        );
        assert_eq!(published("main", &restored)[0]["outcome"], "rolled back");
        let same = RolledBack {
            change: Change::AlreadyActive,
            replaced: None,
            ..restored.clone()
        };
        assert!(describe("main", &same, audit).contains("is already active (version new); nothing changed"));
        assert_eq!(published("main", &same)[0]["outcome"], "already active");
        let dry = RolledBack {
            change: Change::WouldRestore,
            ..restored.clone()
        };
        assert_eq!(
            describe("main", &dry, audit),
            "dry run: would roll back flow main: the content of old as version new, replacing bad; nothing was sent; audit log audit.jsonl\n"
        );
        let second = RolledBack {
            change: Change::AlreadyRolledBack,
            ..restored
        };
        assert!(
            describe("main", &second, audit)
                .contains("the active version new is a rollback already, replacing bad; nothing moved")
        );
    }
}
