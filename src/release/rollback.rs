//! Manual rollback: make an earlier version's content the active one again, as a new version whose
//! `rollbackReference` points at the version it replaces.

use serde_json::json;

use crate::cxone::client::{ApiError, CxoneClient};
use crate::cxone::types::VersionStatus;
use crate::release::audit::AuditLog;
use crate::release::payload::{FlowContent, ReleaseInfo, now_rfc3339, version_id};
use crate::release::pipeline::{RegistrationWait, register};

/// What a rollback did.
#[derive(Debug, Clone, PartialEq)]
pub struct RolledBack {
    pub restored_version_id: String,
    pub restored_from: String,
    pub replaced: Option<String>,
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

/// Rolls `flow_id` back to `to`, or to the most recently deprecated version.
pub async fn rollback(
    client: &CxoneClient,
    flow_id: &str,
    to: Option<&str>,
    release: &ReleaseInfo,
    wait: RegistrationWait,
    audit: &AuditLog,
) -> Result<RolledBack, RollbackError> {
    let versions = client.list_versions(flow_id).await?;
    audit.record(
        "versions_listed",
        Some(flow_id),
        None,
        json!({ "count": versions.len() }),
    );
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
    let active = versions
        .iter()
        .find(|v| v.status == VersionStatus::Active)
        .map(|v| v.payload.id.clone());
    let content = FlowContent::of_version(&target.payload);
    let reference = active.clone().unwrap_or_else(|| target.payload.id.clone());
    let id = version_id(flow_id, &format!("rollback:{reference}"), &content.content_hash);
    let release = ReleaseInfo {
        tag: target.payload.metadata.version_tag.clone(),
        ..release.clone()
    };
    let payload = content.payload(id.clone(), &release, active.clone(), now_rfc3339());
    let job = register(client, &payload, wait).await?;
    audit.record("version_registered", Some(flow_id), Some(&id), json!({ "jobId": job }));
    client.publish(flow_id, &id).await?;
    audit.record(
        "rollback",
        Some(flow_id),
        Some(&id),
        json!({ "restoredFrom": target.payload.id, "replaced": active }),
    );
    Ok(RolledBack {
        restored_version_id: id,
        restored_from: target.payload.id.clone(),
        replaced: active,
    })
}
