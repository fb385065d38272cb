//! What every release and rollback needs from the run's settings: the async runtime (from
//! `http.rs`), the flows-api client, the audit log with `owner/repo@commit`; and the `versions` listing.

use crate::cxone::client::{ClientConfig, CxoneClient};
use crate::cxone::types::{Version, VersionStatus};
use crate::release::audit::{AuditLog, RunInfo};
use crate::settings::{SECRET_ENV, Settings};

pub use crate::http::runtime;

/// The commit released: as configured, else `GITHUB_SHA`, else `git rev-parse HEAD`.
fn commit_of(given: &Option<String>) -> String {
    given
        .clone()
        .or_else(|| std::env::var("GITHUB_SHA").ok())
        .or_else(|| {
            let output = std::process::Command::new("git")
                .args(["rev-parse", "HEAD"])
                .output()
                .ok()?;
            output
                .status
                .success()
                .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The repository released from: as configured, else `GITHUB_REPOSITORY`, else the folder's name.
fn repository_of(given: &Option<String>) -> String {
    given
        .clone()
        .or_else(|| std::env::var("GITHUB_REPOSITORY").ok())
        .or_else(|| std::env::current_dir().ok()?.file_name()?.to_str().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// A client for the configured tenant (the secret added to the run's redactor).
pub fn client(settings: &Settings, what: &str) -> Result<CxoneClient, String> {
    let connection = &settings.connection;
    let client_id = connection
        .client_id
        .clone()
        .ok_or_else(|| format!("{what}: set the `cxone-client-id` input (`--client-id` on the command line)"))?;
    let secret = connection.client_secret.clone().ok_or_else(|| {
        format!("{what}: set {SECRET_ENV} to the CXone client secret (in the Action: set the `cxone-client-secret` input from a repository secret)")
    })?;
    connection.redactor.add(secret.expose());
    let mut config = ClientConfig::new(&connection.base_url, &connection.token_url, client_id, secret);
    config.max_retries = connection.max_retries;
    config.redactor = connection.redactor.clone();
    config.progress = connection.progress.clone();
    CxoneClient::new(config).map_err(|e| e.to_string())
}

/// The audit log of a run for `tag`, and `owner/repo@commit`.
pub fn open_audit(connection: &crate::settings::Connection, tag: &str) -> Result<(AuditLog, String), String> {
    let commit = commit_of(&connection.commit);
    let repository = repository_of(&connection.repository);
    let run = RunInfo {
        repository: Some(repository.clone()),
        ..RunInfo::from_env()
    };
    let audit = AuditLog::open(&connection.root, &connection.audit_log, tag, &commit)
        .map_err(|e| format!("failed to open the audit log `{}`: {e}", connection.audit_log.display()))?
        .with_run(run)
        .with_redactor(connection.redactor.clone())
        .with_progress(connection.progress.clone());
    Ok((audit, format!("{repository}@{commit}")))
}

/// A flow's versions as CXone lists them (every page): the active one, then pending ones, then
/// the rest, each group newest first (CXone lists them oldest first). Reads only: nothing goes to
/// the audit log.
pub fn list_versions(settings: &Settings, flow_id: &str) -> Result<Vec<Version>, String> {
    let client = client(settings, "versions")?;
    let listed = runtime()?
        .block_on(async {
            client.authenticate().await?;
            client.list_versions(flow_id).await
        })
        .map_err(|e| e.to_string())?;
    let mut versions: Vec<(usize, Version)> = listed.into_iter().enumerate().collect();
    let rank = |status: VersionStatus| match status {
        VersionStatus::Active => 0,
        VersionStatus::Pending => 1,
        VersionStatus::Deprecated => 2,
    };
    versions.sort_by(|(i, a), (j, b)| {
        let newest_first = b.payload.metadata.timestamp.cmp(&a.payload.metadata.timestamp);
        (rank(a.status).cmp(&rank(b.status))).then(newest_first).then(j.cmp(i))
    });
    Ok(versions.into_iter().map(|(_, v)| v).collect())
}
