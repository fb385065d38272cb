//! The `release` and `rollback` commands: the local gate, the client, the pipeline, the summary.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use cxone_flow::check::Settings;
use cxone_flow::cxone::client::{ClientConfig, CxoneClient};
use cxone_flow::cxone::secret::Secret;
use cxone_flow::discover;
use cxone_flow::release::audit::{AuditLog, RunInfo};
use cxone_flow::release::converge::RegistrationWait;
use cxone_flow::release::gate::{Blocked, gate};
use cxone_flow::release::payload::{ReleaseInfo, environment_for};
use cxone_flow::release::pipeline::{FlowResult, Outcome, ReleaseFlow, ReleaseSettings, release};
use cxone_flow::release::rollback::{RolledBack, rollback};
use cxone_flow::report;

use crate::{CANNOT_RUN, CLEAN, Connection, FINDINGS, ReleaseArgs, RollbackArgs, cannot_run, print};

/// The environment variable that holds the client secret.
pub const SECRET_ENV: &str = "CXONE_CLIENT_SECRET";

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

fn repository_of(given: &Option<String>) -> String {
    given
        .clone()
        .or_else(|| std::env::var("GITHUB_REPOSITORY").ok())
        .or_else(|| std::env::current_dir().ok()?.file_name()?.to_str().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// The client secret from the environment.
fn secret() -> Result<String, String> {
    std::env::var(SECRET_ENV)
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("set {SECRET_ENV} to the CXone client secret"))
}

/// The client and the audit log, or why they cannot be had.
fn connect(
    connection: &Connection,
    secret: String,
    tag: &str,
    commit: &str,
) -> Result<(Arc<CxoneClient>, Arc<AuditLog>), String> {
    let secret_text = secret.clone();
    let mut config = ClientConfig::new(
        &connection.base_url,
        &connection.token_url,
        &connection.client_id,
        Secret::new(secret),
    );
    config.max_retries = connection.max_retries;
    config.redactor = connection.redactor.clone();
    config.redactor.add(&secret_text);
    let redactor = config.redactor.clone();
    let client = CxoneClient::new(config).map_err(|e| e.to_string())?;
    let mut run = RunInfo::from_env();
    if connection.repository.is_some() {
        run.repository.clone_from(&connection.repository);
    }
    let audit = AuditLog::open(&connection.audit_log, tag, commit)
        .map_err(|e| format!("failed to open the audit log `{}`: {e}", connection.audit_log.display()))?
        .with_run(run)
        .with_redactor(redactor);
    Ok((Arc::new(client), Arc::new(audit)))
}

/// The async runtime for the network calls of one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("failed to start the async runtime: {e}"))
}

fn settings(args: &ReleaseArgs, commit: &str, repository: &str) -> ReleaseSettings {
    let (environment, environment_reason) =
        environment_for(&args.tag, args.environment.as_deref(), &args.production_tags);
    ReleaseSettings {
        release: ReleaseInfo {
            tag: args.tag.clone(),
            environment,
            environment_reason,
            activation_priority: args.activation_priority,
            created_by: format!("{repository}@{commit}"),
        },
        max_concurrency: args.max_concurrency,
        case_concurrency: 8,
        qa_webhook_url: args.qa_webhook_url.clone(),
        smoke_test: args.smoke_test,
        dry_run: args.dry_run,
        max_execution_ms: args.max_execution_ms,
        registration: RegistrationWait::default(),
        force: args.force,
    }
}

/// A release that ran: what happened to each flow, and how the release was set up.
pub struct Released {
    pub results: Vec<FlowResult>,
    pub settings: ReleaseSettings,
    pub audit_log: PathBuf,
    /// The first audit-log write that failed: the run reports it and exits 2.
    pub audit_failure: Option<String>,
}

impl Released {
    pub fn failed(&self) -> bool {
        self.results.iter().any(FlowResult::failed)
    }
}

pub fn run_release(args: ReleaseArgs) -> ExitCode {
    let secret = match secret() {
        Ok(secret) => secret,
        Err(message) => return cannot_run(&message),
    };
    let units = match discover::discover(&args.paths) {
        Ok(units) => units,
        Err(error) => return cannot_run(&error.to_string()),
    };
    let check_settings = Settings {
        max_execution_ms: args.max_execution_ms,
        ..Settings::default()
    };
    let flows = match gate(&units, &check_settings) {
        (_, Ok(flows)) => flows,
        (report, Err(blocked)) => {
            print(&report::human::render(&report));
            for error in &report.read_errors {
                eprintln!("error: {error}");
            }
            eprintln!("{}", blocked.describe(&args.tag));
            let unprepared = matches!(blocked, Blocked::Unprepared(_));
            return ExitCode::from(if report.read_errors.is_empty() && !unprepared {
                FINDINGS
            } else {
                CANNOT_RUN
            });
        }
    };
    match release_flows(&args, flows, secret) {
        Ok(released) => {
            print(&render_release(&released));
            match &released.audit_failure {
                Some(failure) => cannot_run(failure),
                None => ExitCode::from(if released.failed() { FINDINGS } else { CLEAN }),
            }
        }
        Err(message) => cannot_run(&message),
    }
}

/// Releases flows that passed the gate; `Err` when the release could not run at all.
pub fn release_flows(args: &ReleaseArgs, flows: Vec<ReleaseFlow>, secret: String) -> Result<Released, String> {
    let (commit, repository) = (
        commit_of(&args.connection.commit),
        repository_of(&args.connection.repository),
    );
    let (client, audit) = connect(&args.connection, secret, &args.tag, &commit)?;
    let settings = settings(args, &commit, &repository);
    let results = runtime()?
        .block_on(release(client, flows, settings.clone(), Arc::clone(&audit)))
        .map_err(|e| e.to_string())?;
    Ok(Released {
        results,
        settings,
        audit_log: audit.path().to_path_buf(),
        audit_failure: audit.failure(),
    })
}

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
            Outcome::WouldRelease {
                payload: Some(payload), ..
            } => format!(
                "{}:\n{}",
                result.outcome.detail(),
                serde_json::to_string_pretty(payload).unwrap_or_default()
            ),
            outcome => format!(
                "{}{}",
                outcome
                    .version_id()
                    .map(|v| format!("version {v}: "))
                    .unwrap_or_default(),
                outcome.detail()
            ),
        };
        let warning = result
            .warning
            .as_ref()
            .map(|w| format!("\n    warning: {w}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}  {}  {}: {detail}{warning}\n",
            result.path,
            result.flow_id,
            result.outcome.label()
        ));
    }
    out
}

pub fn run_rollback(args: RollbackArgs) -> ExitCode {
    let outcome = secret().and_then(|secret| roll_back(&args, secret));
    match outcome {
        Ok(Ok(done)) => {
            print(&render_rollback(&args, &done));
            ExitCode::from(CLEAN)
        }
        Ok(Err(failure)) => {
            eprintln!("error: {failure}");
            ExitCode::from(FINDINGS)
        }
        Err(message) => cannot_run(&message),
    }
}

/// Rolls a flow back: `Err` when it could not run at all, `Ok(Err)` when the rollback failed.
pub fn roll_back(args: &RollbackArgs, secret: String) -> Result<Result<RolledBack, String>, String> {
    let commit = commit_of(&args.connection.commit);
    let repository = repository_of(&args.connection.repository);
    let (client, audit) = connect(&args.connection, secret, "rollback", &commit)?;
    let runtime = runtime()?;
    let created_by = format!("{repository}@{commit}");
    let outcome = runtime.block_on(async {
        client.authenticate().await?;
        rollback(
            client.as_ref(),
            &args.flow_id,
            args.to.as_deref(),
            &created_by,
            RegistrationWait::default(),
            &audit,
        )
        .await
    });
    if let Some(failure) = audit.failure() {
        return Err(failure);
    }
    Ok(outcome.map_err(|error| format!("rollback of flow {}: {error}", args.flow_id)))
}

/// A finished rollback as one line.
pub fn render_rollback(args: &RollbackArgs, done: &RolledBack) -> String {
    if !done.changed {
        return format!(
            "flow {}: the content of {} is already active (version {}); nothing changed; audit log {}\n",
            args.flow_id,
            done.restored_from,
            done.restored_version_id,
            args.connection.audit_log.display()
        );
    }
    format!(
        "rolled back flow {}: version {} (the content of {}) is active{}; audit log {}\n",
        args.flow_id,
        done.restored_version_id,
        done.restored_from,
        done.replaced
            .as_ref()
            .map(|r| format!(", replacing {r}"))
            .unwrap_or_default(),
        args.connection.audit_log.display()
    )
}
