//! The flows-api backend as a release target: flows selected from the checked report (`gate.rs`),
//! their environment's substitutions applied and checked again, released by the pipeline over the
//! `Backend` port (`pipeline.rs`, `backend.rs`), rolled back by `rollback.rs`.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::check::{CheckReport, check_flow_bytes};
use crate::exit::Ending;
use crate::registry::Severity;
use crate::release::backend::RegistrationWait;
use crate::release::gate::{Blocked, flows_to_release};
use crate::release::payload::ReleaseInfo;
use crate::release::pipeline::{FlowResult, Outcome, ReleaseFlow, ReleaseSettings, release};
use crate::release::rollback::{self, RollbackSettings};
use crate::release::run::{client, runtime};
use crate::release::target::{ItemResult, ReleaseTarget, RollbackFailure, RolledBackTo, Run, Setting, Status, Stopped};
use crate::settings::{Backend, DEFAULT_CASE_CONCURRENCY, Settings};

/// Releases flow files over the first contract's Flow Management API.
pub struct FlowsApi;

impl ReleaseTarget for FlowsApi {
    type Item = ReleaseFlow;

    fn backend(&self) -> Backend {
        Backend::FlowsApi
    }

    fn nouns(&self) -> (&'static str, &'static str) {
        ("flow", "flows")
    }

    fn cannot_carry(&self, setting: Setting) -> Option<&'static str> {
        match setting {
            Setting::Own("allow-live-overwrite") => {
                Some("a version is never overwritten; --force releases content a rollback undid")
            }
            _ => None,
        }
    }

    fn ready(&self, settings: &Settings) -> Result<(), String> {
        client(settings, &format!("release {}", settings.release.tag)).map(|_| ())
    }

    fn select(&self, report: &CheckReport, fail_on: Severity) -> Result<Vec<ReleaseFlow>, Blocked> {
        flows_to_release(report, fail_on)
    }

    fn apply(&self, mut flows: Vec<ReleaseFlow>, run: &Run) -> Result<Vec<ItemResult>, Stopped> {
        let settings = run.settings;
        let stopped = |reason: String| Stopped { step: "start", reason };
        let client = client(settings, &format!("release {}", settings.release.tag)).map_err(stopped)?;
        let pipeline = release_settings(run);
        if let Some(environment) = settings.release.per_environment.get(&run.environment) {
            let refused = substitute(settings, &mut flows, &environment.substitutions, &run.environment);
            if !refused.is_empty() {
                return Ok(not_sent(&flows, refused).into_iter().map(result_of).collect());
            }
        }
        let results = runtime()
            .map_err(stopped)?
            .block_on(release(Arc::new(client), flows, pipeline, Arc::clone(&run.audit)))
            .map_err(|error| Stopped {
                step: "token",
                reason: error.to_string(),
            })?;
        Ok(results.into_iter().map(result_of).collect())
    }

    fn roll_back(&self, flow_id: &str, to: Option<&str>, run: &Run) -> Result<RolledBackTo, RollbackFailure> {
        let client = client(run.settings, "rollback").map_err(RollbackFailure::cannot_run(Ending::CxoneRefused))?;
        let settings = RollbackSettings {
            created_by: run.created_by.clone(),
            wait: RegistrationWait::default(),
            dry_run: run.settings.release.dry_run,
        };
        let refused = RollbackFailure::cannot_run(Ending::CxoneRefused);
        let done = runtime().map_err(&refused)?.block_on(async {
            // A refused login could not run the rollback; only what follows it can fail to restore.
            client
                .authenticate()
                .await
                .map_err(|error| refused(error.to_string()))?;
            rollback::rollback(&client, flow_id, to, &settings, &run.audit)
                .await
                .map_err(|error| RollbackFailure::Failed(error.to_string()))
        })?;
        Ok(RolledBackTo {
            text: rollback::describe(flow_id, &done, run.audit.path()),
            published: rollback::published(flow_id, &done),
        })
    }
}

/// How the pipeline runs, from the settings.
fn release_settings(run: &Run) -> ReleaseSettings {
    let options = &run.settings.release;
    let qa_webhook_url = options
        .per_environment
        .get(&run.environment)
        .and_then(|e| e.qa_webhook_url.clone())
        .or_else(|| options.qa_webhook_url.clone());
    ReleaseSettings {
        release: ReleaseInfo {
            tag: options.tag.clone(),
            environment: run.environment.clone(),
            environment_reason: run.environment_reason.clone(),
            activation_priority: options.activation_priority,
            created_by: run.created_by.clone(),
        },
        max_concurrency: options.max_concurrency,
        case_concurrency: DEFAULT_CASE_CONCURRENCY,
        qa_webhook_url,
        smoke_test: options.smoke_test,
        dry_run: options.dry_run,
        max_execution_ms: run.settings.check.max_execution_ms,
        registration: RegistrationWait::default(),
        force: options.force,
    }
}

/// A flow's result as the driver reports it.
pub fn result_of(result: FlowResult) -> ItemResult {
    let outcome = &result.outcome;
    let status = match outcome {
        Outcome::Published { .. } | Outcome::PublishedByAnotherRun { .. } => Status::Released,
        Outcome::UpToDate { .. } => Status::Unchanged,
        Outcome::WouldRelease { .. } => Status::WouldRelease,
        Outcome::WasRolledBack { .. } => Status::Refused,
        Outcome::Failed { .. } => Status::Failed,
        Outcome::RolledBack { .. } => Status::RolledBack,
    };
    let mut item = ItemResult::new(&result.path, &result.flow_id, status, outcome.label(), outcome.detail());
    item.version = outcome.version_id().map(str::to_string);
    item.warning = result.warning.clone();
    if let Outcome::WouldRelease { payload, changes, .. } = result.outcome {
        item.lines = changes;
        item.payload = payload.and_then(|p| Some((result.flow_id.clone(), serde_json::to_value(p).ok()?)));
    }
    item
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
