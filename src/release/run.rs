//! What every release and rollback needs from the run's settings: the async runtime (from
//! `http.rs`), the flows-api client, the audit log with `owner/repo@commit` (the run's identity as
//! its adapter resolved it, never the process's); and the `versions` listing.

use crate::cxone::client::{ClientConfig, CxoneClient};
use crate::cxone::types::{Version, VersionStatus};
use crate::release::audit::AuditLog;
use crate::settings::run_info::RunInfo;
use crate::settings::{SECRET_ENV, Settings};

pub use crate::http::runtime;

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

/// The audit log of a run for `tag`, and `owner/repo@commit`: the run's identity as its adapter
/// resolved it (`unknown` for what nobody named).
pub fn open_audit(connection: &crate::settings::Connection, tag: &str) -> Result<(AuditLog, String), String> {
    let run = &connection.run;
    let (repository, commit) = (run.repository_or_unknown(), run.commit_or_unknown());
    let audit = AuditLog::open(&connection.root, &connection.audit_log, tag, commit)
        .map_err(|e| format!("failed to open the audit log `{}`: {e}", connection.audit_log.display()))?
        .with_run(RunInfo {
            repository: Some(repository.to_string()),
            ..run.clone()
        })
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
