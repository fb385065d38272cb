//! The release pipeline: for each flow, in parallel up to a limit, skip it when CXone already runs
//! this content, resume a version an earlier run left pending, or register a new one; run its cases
//! remotely and compare them with the local engine; publish; optionally smoke-test and roll back.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::Semaphore;

use crate::cxone::client::{ApiError, CxoneClient};
use crate::cxone::types::{
    FLOW_VERSION_PUBLISHED, SimulationInput, SimulationRequest, SimulationResult, Version, VersionPayload,
    VersionStatus, WebhookRequest,
};
use crate::flow::model::Flow;
use crate::redact::Redactor;
use crate::release::audit::AuditLog;
use crate::release::payload::{FlowContent, ReleaseInfo, now_rfc3339, version_id};
use crate::sim::cases::{Case, TestFile};
use crate::sim::engine::Engine;

/// How a release runs.
#[derive(Debug, Clone)]
pub struct ReleaseSettings {
    pub release: ReleaseInfo,
    /// Flows released at once.
    pub max_concurrency: usize,
    /// Remote simulations of one flow at once.
    pub case_concurrency: usize,
    pub qa_webhook_url: Option<String>,
    pub smoke_test: bool,
    /// Every read and check, and the payloads that would be sent; no register, webhook or publish.
    pub dry_run: bool,
    /// The execution threshold of cases without their own `maxExecutionMs`.
    pub max_execution_ms: u64,
    pub registration: RegistrationWait,
}

/// How long to wait for an asynchronous registration, and how often to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationWait {
    pub timeout: Duration,
    pub poll: Duration,
}

impl Default for RegistrationWait {
    fn default() -> Self {
        RegistrationWait {
            timeout: Duration::from_secs(120),
            poll: Duration::from_millis(250),
        }
    }
}

/// One flow to release: its content, its model and its cases (all passed the local gate).
pub struct ReleaseFlow {
    pub path: String,
    pub content: FlowContent,
    pub flow: Flow,
    pub tests: TestFile,
}

/// What happened to one flow.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Published {
        version_id: String,
        latency_ms: u64,
        resumed: bool,
    },
    UpToDate {
        version_id: String,
    },
    Failed {
        reason: String,
        version_id: Option<String>,
    },
    RolledBack {
        failed_version_id: String,
        restored_version_id: String,
        reason: String,
    },
    /// Dry run: the payload that would be registered (`None` when nothing would be).
    WouldRelease {
        payload: Option<Box<VersionPayload>>,
        note: String,
    },
}

impl Outcome {
    /// A word for tables and outputs.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Published { resumed: false, .. } => "published",
            Outcome::Published { resumed: true, .. } => "resumed and published",
            Outcome::UpToDate { .. } => "up to date",
            Outcome::Failed { .. } => "failed",
            Outcome::RolledBack { .. } => "rolled back",
            Outcome::WouldRelease { .. } => "dry run",
        }
    }

    pub fn failed(&self) -> bool {
        matches!(self, Outcome::Failed { .. } | Outcome::RolledBack { .. })
    }

    /// The version the flow ended with: published, already active, restored by a rollback, left
    /// behind by a failure, or the one a dry run would register.
    pub fn version_id(&self) -> Option<&str> {
        match self {
            Outcome::Published { version_id, .. } | Outcome::UpToDate { version_id } => Some(version_id),
            Outcome::RolledBack {
                restored_version_id, ..
            } => Some(restored_version_id),
            Outcome::Failed { version_id, .. } => version_id.as_deref(),
            Outcome::WouldRelease { payload, .. } => payload.as_ref().map(|p| p.id.as_str()),
        }
    }
}

/// The result per flow, in the order the flows were given.
#[derive(Debug, Clone)]
pub struct FlowResult {
    pub path: String,
    pub flow_id: String,
    pub outcome: Outcome,
    /// A step of the run that failed without stopping this flow (the QA webhook): the run exits 1.
    pub warning: Option<String>,
}

impl FlowResult {
    /// Whether this flow makes the run fail: its outcome failed, or a run step it depends on did.
    pub fn failed(&self) -> bool {
        self.outcome.failed() || self.warning.is_some()
    }
}

struct Shared {
    client: Arc<CxoneClient>,
    settings: ReleaseSettings,
    audit: Arc<AuditLog>,
}

/// Releases every flow; one flow failing never stops the others.
pub async fn release(
    client: Arc<CxoneClient>,
    flows: Vec<ReleaseFlow>,
    settings: ReleaseSettings,
    audit: Arc<AuditLog>,
) -> Result<Vec<FlowResult>, ApiError> {
    if let Err(error) = client.authenticate().await {
        audit.record(
            "run_failed",
            None,
            None,
            json!({ "step": "token", "reason": error.to_string() }),
        );
        return Err(error);
    }
    audit.record("token_acquired", None, None, json!({}));
    // A QA webhook that cannot be ensured does not hold the release back: every flow's row says so
    // and the run exits 1 at the end.
    let warning = match &settings.qa_webhook_url {
        Some(url) => ensure_webhook(&client, url, settings.dry_run, &audit)
            .await
            .err()
            .map(|error| {
                audit.record(
                    "webhook_failed",
                    None,
                    None,
                    json!({ "url": url, "reason": error.to_string() }),
                );
                format!("the QA webhook was not set up, so QA hears nothing of this release: {error}")
            }),
        None => None,
    };
    let shared = Arc::new(Shared {
        client,
        settings,
        audit,
    });
    let permits = Arc::new(Semaphore::new(shared.settings.max_concurrency.max(1)));
    let mut tasks = Vec::with_capacity(flows.len());
    for flow in flows {
        let (shared, permits, warning) = (Arc::clone(&shared), Arc::clone(&permits), warning.clone());
        let identity = (flow.path.clone(), flow.content.flow_id.clone());
        let task = tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            let started = Instant::now();
            let outcome = scrubbed(release_flow(&shared, &flow).await, shared.client.redactor());
            if let Outcome::Failed { reason, version_id } = &outcome {
                shared.audit.record(
                    "flow_failed",
                    Some(&flow.content.flow_id),
                    version_id.as_deref(),
                    json!({ "reason": reason }),
                );
            } else if !shared.settings.dry_run {
                shared.audit.record(
                    "activation_complete",
                    Some(&flow.content.flow_id),
                    None,
                    json!({ "outcome": outcome.label(), "totalMs": started.elapsed().as_millis() as u64 }),
                );
            }
            FlowResult {
                path: flow.path.clone(),
                flow_id: flow.content.flow_id.clone(),
                outcome,
                warning,
            }
        });
        tasks.push((identity, task));
    }
    let mut results = Vec::with_capacity(tasks.len());
    for ((path, flow_id), task) in tasks {
        match task.await {
            Ok(result) => results.push(result),
            Err(error) => results.push(FlowResult {
                path,
                flow_id,
                outcome: Outcome::Failed {
                    reason: format!("the release task stopped: {error}"),
                    version_id: None,
                },
                warning: warning.clone(),
            }),
        }
    }
    Ok(results)
}

/// Makes sure one webhook for the URL and event exists: found, or created once.
async fn ensure_webhook(client: &CxoneClient, url: &str, dry_run: bool, audit: &AuditLog) -> Result<(), ApiError> {
    let existing = client.list_webhooks().await?;
    if let Some(found) = existing
        .iter()
        .find(|w| w.url == url && w.event == FLOW_VERSION_PUBLISHED)
    {
        audit.record(
            "webhook_found",
            None,
            None,
            json!({ "webhookId": found.id, "url": url }),
        );
        return Ok(());
    }
    if dry_run {
        audit.record("webhook_would_register", None, None, json!({ "url": url }));
        return Ok(());
    }
    let request = WebhookRequest {
        name: "cxone-flow QA".into(),
        event: FLOW_VERSION_PUBLISHED.into(),
        url: url.into(),
        active: true,
    };
    let created = client.create_webhook(&request).await?;
    audit.record(
        "webhook_registered",
        None,
        None,
        json!({ "webhookId": created.id, "url": url }),
    );
    Ok(())
}

/// An outcome with every reason scrubbed of the run's secrets: reasons quote what CXone answered.
fn scrubbed(outcome: Outcome, redactor: &Redactor) -> Outcome {
    match outcome {
        Outcome::Failed { reason, version_id } => Outcome::Failed {
            reason: redactor.scrub(&reason),
            version_id,
        },
        Outcome::RolledBack {
            failed_version_id,
            restored_version_id,
            reason,
        } => Outcome::RolledBack {
            failed_version_id,
            restored_version_id,
            reason: redactor.scrub(&reason),
        },
        other => other,
    }
}

fn fail(reason: impl std::fmt::Display, version_id: Option<&str>) -> Outcome {
    Outcome::Failed {
        reason: reason.to_string(),
        version_id: version_id.map(str::to_string),
    }
}

async fn release_flow(shared: &Shared, flow: &ReleaseFlow) -> Outcome {
    let (client, audit, settings) = (&shared.client, &shared.audit, &shared.settings);
    let flow_id = flow.content.flow_id.as_str();
    let versions = match client.list_versions(flow_id).await {
        Ok(versions) => versions,
        Err(error) => return fail(error, None),
    };
    audit.record(
        "versions_listed",
        Some(flow_id),
        None,
        json!({ "count": versions.len() }),
    );
    let hash = Some(flow.content.content_hash.as_str());
    let active = versions.iter().find(|v| v.status == VersionStatus::Active);
    if let Some(active) = active.filter(|v| v.payload.metadata.content_hash.as_deref() == hash) {
        audit.record(
            "skipped",
            Some(flow_id),
            Some(&active.payload.id),
            json!({ "reason": "the active version has this content" }),
        );
        return Outcome::UpToDate {
            version_id: active.payload.id.clone(),
        };
    }
    let pending = versions
        .iter()
        .find(|v| v.status == VersionStatus::Pending && v.payload.metadata.content_hash.as_deref() == hash);
    let (version_id, resumed) = match pending {
        Some(pending) => {
            audit.record(
                "resumed",
                Some(flow_id),
                Some(&pending.payload.id),
                json!({ "reason": "an earlier run registered this content" }),
            );
            if settings.dry_run {
                return Outcome::WouldRelease {
                    payload: None,
                    note: format!("would resume pending version {} and publish it", pending.payload.id),
                };
            }
            (pending.payload.id.clone(), true)
        }
        None => {
            let live: Vec<&Version> = versions
                .iter()
                .filter(|v| matches!(v.status, VersionStatus::Active | VersionStatus::Pending))
                .collect();
            if live.len() >= 2 {
                let names: Vec<String> = live
                    .iter()
                    .map(|v| format!("{} ({})", v.payload.id, v.status))
                    .collect();
                return fail(
                    format!(
                        "flow `{flow_id}` is at the concurrent-version limit: {} block a new version; publish or retire the pending one first",
                        names.join(" and ")
                    ),
                    None,
                );
            }
            let id = version_id(flow_id, &settings.release.tag, &flow.content.content_hash);
            let payload = flow.content.payload(
                id.clone(),
                &settings.release,
                active.map(|a| a.payload.id.clone()),
                now_rfc3339(),
            );
            if settings.dry_run {
                audit.record(
                    "dry_run_payload",
                    Some(flow_id),
                    Some(&id),
                    json!({ "payload": payload }),
                );
                return Outcome::WouldRelease {
                    payload: Some(Box::new(payload)),
                    note: "would register, simulate and publish this payload".into(),
                };
            }
            match register(client, &payload, settings.registration).await {
                Ok(job) => audit.record("version_registered", Some(flow_id), Some(&id), json!({ "jobId": job })),
                Err(error) => return fail(error, Some(&id)),
            }
            (id, false)
        }
    };
    if let Err(reason) = simulate_cases(shared, flow, &version_id, "simulation").await {
        return fail(reason, Some(&version_id));
    }
    let started = Instant::now();
    let published = match client.publish(flow_id, &version_id).await {
        Ok(published) => published,
        Err(error) => return fail(error, Some(&version_id)),
    };
    let latency_ms = started.elapsed().as_millis() as u64;
    audit.record(
        "version_published",
        Some(flow_id),
        Some(&version_id),
        json!({ "latencyMs": latency_ms }),
    );
    if published.status != VersionStatus::Active {
        return fail(
            format!(
                "version {version_id} was published but is {}, not ACTIVE",
                published.status
            ),
            Some(&version_id),
        );
    }
    if settings.smoke_test
        && let Err(reason) = simulate_cases(shared, flow, &version_id, "smoke_test").await
    {
        return roll_back(shared, flow, active, &version_id, reason).await;
    }
    Outcome::Published {
        version_id,
        latency_ms,
        resumed,
    }
}

/// Registers a version and waits, bounded, for its asynchronous registration; returns the job id.
pub async fn register(
    client: &CxoneClient,
    payload: &VersionPayload,
    wait: RegistrationWait,
) -> Result<String, ApiError> {
    let (_, job) = client.register_version(payload).await?;
    client.wait_for_registration(&job, wait.timeout, wait.poll).await?;
    Ok(job)
}

/// After a failed smoke test: registers the previously active content again (its
/// `rollbackReference` pointing at the failed version) and publishes it.
async fn roll_back(
    shared: &Shared,
    flow: &ReleaseFlow,
    previous: Option<&Version>,
    failed: &str,
    reason: String,
) -> Outcome {
    let (client, audit, settings) = (&shared.client, &shared.audit, &shared.settings);
    let flow_id = flow.content.flow_id.as_str();
    let Some(previous) = previous else {
        return fail(
            format!("smoke test failed ({reason}) and there is no earlier version to roll back to"),
            Some(failed),
        );
    };
    let content = FlowContent::of_version(&previous.payload);
    let id = version_id(flow_id, &format!("rollback:{failed}"), &content.content_hash);
    let payload = content.payload(id.clone(), &settings.release, Some(failed.to_string()), now_rfc3339());
    let restored = async {
        register(client, &payload, settings.registration).await?;
        client.publish(flow_id, &id).await
    }
    .await;
    match restored {
        Ok(_) => {
            audit.record(
                "rollback",
                Some(flow_id),
                Some(&id),
                json!({ "failedVersionId": failed, "restoredFrom": previous.payload.id, "reason": reason }),
            );
            Outcome::RolledBack {
                failed_version_id: failed.to_string(),
                restored_version_id: id,
                reason,
            }
        }
        Err(error) => fail(
            format!("smoke test failed ({reason}) and the rollback failed too: {error}"),
            Some(failed),
        ),
    }
}

/// Runs every case against a registered version, concurrently (bounded), and compares each with the
/// local engine. Returns the first problem, after recording every case in the audit log.
async fn simulate_cases(shared: &Shared, flow: &ReleaseFlow, version_id: &str, stage: &str) -> Result<(), String> {
    let permits = Arc::new(Semaphore::new(shared.settings.case_concurrency.max(1)));
    let engine = Engine::new(&flow.flow);
    let mut problems = Vec::new();
    let mut pending = Vec::new();
    for case in &flow.tests.cases {
        let local = engine.run(&case.dtmf, &case.variables);
        let local = SimulationResult {
            path: local.path(&flow.flow).into_iter().map(str::to_string).collect(),
            final_element: local.final_element.clone(),
            execution_time: local.execution_time,
            timed_out: local.timed_out,
            result: local
                .verdict(&flow.flow, shared.settings.max_execution_ms)
                .as_str()
                .to_string(),
        };
        let request = SimulationRequest {
            version_id: version_id.to_string(),
            input: SimulationInput {
                dtmf: case.dtmf.clone(),
                variables: case.variables.clone(),
            },
            simulate_timeouts: true,
            record_path: true,
        };
        let (client, permits) = (Arc::clone(&shared.client), Arc::clone(&permits));
        let flow_id = flow.content.flow_id.clone();
        pending.push((
            case,
            local,
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                client.simulate(&flow_id, &request).await
            }),
        ));
    }
    for (case, local, task) in pending {
        let remote = task
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| explain_error(&e)));
        let verdict = remote.and_then(|remote| compare(case, &local, &remote, shared.settings.max_execution_ms));
        let (event, detail) = match &verdict {
            Ok(()) => (format!("{stage}_passed"), json!({ "case": case.name.value })),
            Err(reason) => (
                format!("{stage}_failed"),
                json!({ "case": case.name.value, "reason": reason }),
            ),
        };
        shared
            .audit
            .record(&event, Some(&flow.content.flow_id), Some(version_id), detail);
        if let Err(reason) = verdict {
            problems.push(format!("case \"{}\": {reason}", case.name.value));
        }
    }
    match problems.as_slice() {
        [] => Ok(()),
        [one] => Err(one.clone()),
        [first, rest @ ..] => Err(format!("{first} (and {} more failing cases)", rest.len())),
    }
}

fn explain_error(error: &ApiError) -> String {
    if error.status == Some(504) {
        format!(
            "{error}; the call exceeded CXone's execution window: look for loops without caller input (CXF021) or very deep menus"
        )
    } else {
        error.to_string()
    }
}

/// A remote result against the local one, and the case's time limit.
fn compare(case: &Case, local: &SimulationResult, remote: &SimulationResult, threshold_ms: u64) -> Result<(), String> {
    let limit = case.expect.max_execution_ms.unwrap_or(threshold_ms);
    if remote.execution_time > limit {
        return Err(format!(
            "CXone took {} ms, over the {limit} ms limit: shorten prompts or lower inputTimeout",
            remote.execution_time
        ));
    }
    let same = remote.path == local.path
        && remote.final_element == local.final_element
        && remote.execution_time == local.execution_time
        && remote.timed_out == local.timed_out;
    if !same {
        return Err(format!(
            "CXone and the local engine disagree: CXone ended at \"{}\" after {} ms ({}), locally \"{}\" after {} ms ({})",
            remote.final_element,
            remote.execution_time,
            remote.path.join(" → "),
            local.final_element,
            local.execution_time,
            local.path.join(" → ")
        ));
    }
    Ok(())
}
