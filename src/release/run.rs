//! A release or a rollback end to end, as the CLI and the Action both run it: the client and the
//! audit log from the settings, the pipeline or the rollback on a runtime, and what came of it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::check::check_flow_bytes;
use crate::cxone::client::{ClientConfig, CxoneClient};
use crate::cxone::types::{Version, VersionStatus};
use crate::exit::Exit;
use crate::release::audit::{AuditLog, RunInfo};
use crate::release::backend::RegistrationWait;
use crate::release::payload::{ReleaseInfo, environment_for};
use crate::release::pipeline::{FlowResult, Outcome, ReleaseFlow, ReleaseSettings, release};
use crate::release::rollback::{RollbackSettings, RolledBack, rollback};
use crate::settings::{DEFAULT_CASE_CONCURRENCY, SECRET_ENV, Settings};

/// A release that ran: what happened to each flow, and how the release was set up.
pub struct Released {
    pub results: Vec<FlowResult>,
    pub settings: ReleaseSettings,
    pub audit_log: PathBuf,
    /// The first audit-log write that failed: the run reports it and exits 2.
    pub audit_failure: Option<String>,
}

impl Released {
    /// Whether any flow's content is not live as the tag asked.
    pub fn failed(&self) -> bool {
        self.results.iter().any(FlowResult::failed)
    }

    /// 2 when the audit log could not be written, 1 when a flow failed, else 0.
    pub fn exit(&self) -> Exit {
        if self.audit_failure.is_some() {
            Exit::CannotRun
        } else {
            Exit::findings_if(self.failed())
        }
    }
}

/// A rollback that ran, or why it failed once it could run.
pub type RollbackOutcome = Result<RolledBack, String>;

/// The async runtime for the network calls of one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("failed to start the async runtime: {e}"))
}

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

/// The client, the audit log and `owner/repo@commit`, or why they cannot be had. `what` names the
/// command in the errors ("release v1").
/// A client for the configured tenant (the secret added to the run's redactor).
fn client(settings: &Settings, what: &str) -> Result<CxoneClient, String> {
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

fn connect(settings: &Settings, what: &str, tag: &str) -> Result<(Arc<CxoneClient>, Arc<AuditLog>, String), String> {
    let client = client(settings, what)?;
    let (audit, created_by) = open_audit(&settings.connection, tag)?;
    Ok((Arc::new(client), Arc::new(audit), created_by))
}

/// The audit log of a run for `tag`, and `owner/repo@commit`.
pub fn open_audit(connection: &crate::settings::Connection, tag: &str) -> Result<(AuditLog, String), String> {
    let commit = commit_of(&connection.commit);
    let repository = repository_of(&connection.repository);
    let run = RunInfo {
        repository: Some(repository.clone()),
        ..RunInfo::from_env()
    };
    let audit = AuditLog::open(&connection.audit_log, tag, &commit)
        .map_err(|e| format!("failed to open the audit log `{}`: {e}", connection.audit_log.display()))?
        .with_run(run)
        .with_redactor(connection.redactor.clone())
        .with_progress(connection.progress.clone());
    Ok((audit, format!("{repository}@{commit}")))
}

/// How the pipeline runs, from the settings.
fn release_settings(settings: &Settings, created_by: String) -> ReleaseSettings {
    let options = &settings.release;
    let (environment, environment_reason) =
        environment_for(&options.tag, options.environment.as_deref(), &options.production_tags);
    let qa_webhook_url = options
        .per_environment
        .get(&environment)
        .and_then(|e| e.qa_webhook_url.clone())
        .or_else(|| options.qa_webhook_url.clone());
    ReleaseSettings {
        release: ReleaseInfo {
            tag: options.tag.clone(),
            environment,
            environment_reason,
            activation_priority: options.activation_priority,
            created_by,
        },
        max_concurrency: options.max_concurrency,
        case_concurrency: DEFAULT_CASE_CONCURRENCY,
        qa_webhook_url,
        smoke_test: options.smoke_test,
        dry_run: options.dry_run,
        max_execution_ms: settings.check.max_execution_ms,
        registration: RegistrationWait::default(),
        force: options.force,
    }
}

/// Releases flows that passed the gate; `Err` when the release could not run at all.
pub fn release_flows(settings: &Settings, mut flows: Vec<ReleaseFlow>) -> Result<Released, String> {
    let tag = &settings.release.tag;
    let (client, audit, created_by) = connect(settings, &format!("release {tag}"), tag)?;
    let pipeline = release_settings(settings, created_by);
    if let Some(environment) = settings.release.per_environment.get(&pipeline.release.environment) {
        let refused = substitute(
            settings,
            &mut flows,
            &environment.substitutions,
            &pipeline.release.environment,
        );
        if !refused.is_empty() {
            return Ok(Released {
                results: not_sent(&flows, refused),
                settings: pipeline,
                audit_log: audit.path().to_path_buf(),
                audit_failure: None,
            });
        }
    }
    let results = runtime()?
        .block_on(release(client, flows, pipeline.clone(), Arc::clone(&audit)))
        .map_err(|e| e.to_string())?;
    Ok(Released {
        results,
        settings: pipeline,
        audit_log: audit.path().to_path_buf(),
        audit_failure: audit.failure(),
    })
}

/// Substitutes each flow's placeholders and checks every changed flow again with the run's rules:
/// for each flow that now fails them, its path and why, naming the placeholders.
fn substitute(
    settings: &Settings,
    flows: &mut [ReleaseFlow],
    substitutions: &[(String, String)],
    environment: &str,
) -> BTreeMap<String, String> {
    let mut refused = BTreeMap::new();
    for flow in flows {
        let used = flow.content.substitute(substitutions);
        if used.is_empty() {
            continue;
        }
        let (report, _) = check_flow_bytes(&flow.path, flow.content.flow_text().into_bytes(), &settings.check);
        let findings: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity >= settings.fail_on)
            .map(|d| format!("{}[{}] {}: {}", d.severity, d.rule.code(), d.rule.name(), d.message))
            .collect();
        if !findings.is_empty() {
            let placeholders = used.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
            refused.insert(
                flow.path.clone(),
                format!(
                    "not sent: with the {environment} substitutions of {placeholders} the flow fails its checks: {}",
                    findings.join("; ")
                ),
            );
        }
    }
    refused
}

/// Every flow's result when a substitution stopped the release before anything was sent.
fn not_sent(flows: &[ReleaseFlow], mut refused: BTreeMap<String, String>) -> Vec<FlowResult> {
    let first = refused.keys().next().cloned().unwrap_or_default();
    flows
        .iter()
        .map(|flow| FlowResult {
            path: flow.path.clone(),
            flow_id: flow.content.flow_id.clone(),
            outcome: Outcome::Failed {
                reason: refused.remove(&flow.path).unwrap_or_else(|| {
                    format!("not sent: the release stopped because `{first}` failed its checks once substituted")
                }),
                version_id: None,
            },
            warning: None,
        })
        .collect()
}

/// Rolls a flow back: `Err` when it could not run at all, `Ok(Err)` when the rollback failed.
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

pub fn roll_back(settings: &Settings, flow_id: &str, to: Option<&str>) -> Result<RollbackOutcome, String> {
    let (client, audit, created_by) = connect(settings, "rollback", "rollback")?;
    let outcome = runtime()?.block_on(async {
        client.authenticate().await?;
        let settings = RollbackSettings {
            created_by,
            wait: RegistrationWait::default(),
            dry_run: settings.release.dry_run,
        };
        rollback(client.as_ref(), flow_id, to, &settings, &audit).await
    });
    if let Some(failure) = audit.failure() {
        return Err(failure);
    }
    Ok(outcome.map_err(|error| format!("rollback of flow {flow_id}: {error}")))
}
