//! The release pipeline: for each flow, in parallel up to a limit, skip it when CXone already runs
//! this content, resume a version an earlier run left pending, or register a new one; run its cases
//! remotely and compare them with the local engine; publish; optionally smoke-test and roll back.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{OnceCell, Semaphore};

use crate::cxone::client::ApiError;
use crate::cxone::types::{
    FLOW_VERSION_PUBLISHED, SimulationInput, SimulationRequest, SimulationResult, Version, VersionPayload,
    VersionStatus, Webhook, WebhookRequest,
};
use crate::flow::model::Flow;
use crate::redact::Redactor;
use crate::release::audit::{AuditEvent, AuditLog};
use crate::release::backend::Backend;
use crate::release::backend::RegistrationWait;
use crate::release::converge::{self, Published, Registration};
use crate::release::payload::{FlowContent, ReleaseInfo, content_hash, now_rfc3339, version_id};
use crate::release::rollback;
use crate::sim::cases::{Case, TestFile};
use crate::sim::engine::Engine;
use crate::sim::run::CallSummary;

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
    /// Release content that a rollback undid, instead of leaving it rolled back.
    pub force: bool,
}

/// One flow to release: its content, its model and its cases (all passed the local gate).
pub struct ReleaseFlow {
    pub path: String,
    pub content: FlowContent,
    /// The model and cases the check loaded.
    pub flow: Arc<Flow>,
    pub tests: Arc<TestFile>,
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
    /// Another run, racing this one, published the version first: the content is live.
    PublishedByAnotherRun {
        version_id: String,
    },
    /// The content was released once and then rolled back (its smoke test failed, or someone rolled
    /// it back): left so unless `--force`.
    WasRolledBack {
        version_id: String,
        restored_version_id: String,
    },
    /// Dry run: the payload that would be registered (`None` when nothing would be), and what it
    /// changes against the active version (one line per change; empty when no version is active).
    WouldRelease {
        payload: Option<Box<VersionPayload>>,
        note: String,
        changes: Vec<String>,
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
            Outcome::PublishedByAnotherRun { .. } => "published by another run",
            Outcome::WasRolledBack { .. } => "was rolled back",
            Outcome::WouldRelease { .. } => "dry run",
        }
    }

    /// What happened, in a few words, for the log, the summary table and the outputs.
    pub fn detail(&self) -> String {
        match self {
            Outcome::Published { latency_ms, .. } => format!("published in {latency_ms} ms"),
            Outcome::UpToDate { .. } => "already active".to_string(),
            Outcome::Failed { reason, .. } => reason.clone(),
            Outcome::RolledBack {
                failed_version_id,
                restored_version_id,
                reason,
            } => format!("smoke test failed ({reason}); {failed_version_id} replaced by {restored_version_id}"),
            Outcome::PublishedByAnotherRun { .. } => {
                "another run released the same content at the same time and published it first".to_string()
            }
            Outcome::WasRolledBack {
                version_id,
                restored_version_id,
            } => format!(
                "this content ({version_id}) was rolled back by {restored_version_id}; not released again (use --force, or the `force` input, to release it anyway)"
            ),
            Outcome::WouldRelease { note, .. } => note.clone(),
        }
    }

    /// Whether the tag's content for this flow is not live as asked.
    pub fn failed(&self) -> bool {
        matches!(
            self,
            Outcome::Failed { .. } | Outcome::RolledBack { .. } | Outcome::WasRolledBack { .. }
        )
    }

    /// The version the flow ended with: published, already active, restored by a rollback, left
    /// behind by a failure, or the one a dry run would register.
    pub fn version_id(&self) -> Option<&str> {
        match self {
            Outcome::Published { version_id, .. }
            | Outcome::UpToDate { version_id }
            | Outcome::PublishedByAnotherRun { version_id } => Some(version_id),
            Outcome::WasRolledBack {
                restored_version_id, ..
            } => Some(restored_version_id),
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

struct Shared<B> {
    client: Arc<B>,
    settings: ReleaseSettings,
    audit: Arc<AuditLog>,
    /// The QA webhook, ensured once for the run: `Some(warning)` when it could not be set up.
    qa_webhook: OnceCell<Option<String>>,
}

impl<B: Backend> Shared<B> {
    /// Ensures the QA webhook, once for the whole run (every caller waits for that one attempt);
    /// says why when it could not be set up. A failure does not hold the release back: every flow's
    /// row says so and the run exits 1 at the end.
    async fn qa_webhook(&self) -> Option<String> {
        let ensure = || async {
            let url = self.settings.qa_webhook_url.as_ref()?;
            let error = ensure_webhook(self.client.as_ref(), url, self.settings.dry_run, &self.audit)
                .await
                .err()?;
            let (url, reason) = (url.clone(), error.to_string());
            self.audit.record(AuditEvent::WebhookFailed { url, reason }, None, None);
            Some(format!(
                "the QA webhook was not set up, so QA hears nothing of this release: {error}"
            ))
        };
        self.qa_webhook.get_or_init(ensure).await.clone()
    }
}

/// Releases every flow; one flow failing never stops the others.
pub async fn release<B: Backend>(
    client: Arc<B>,
    flows: Vec<ReleaseFlow>,
    settings: ReleaseSettings,
    audit: Arc<AuditLog>,
) -> Result<Vec<FlowResult>, ApiError> {
    // A refused token stops the run; the driver audits it as `run_failed`.
    client.authenticate().await?;
    audit.record(AuditEvent::TokenAcquired, None, None);
    let shared = Arc::new(Shared {
        client,
        settings,
        audit,
        qa_webhook: OnceCell::new(),
    });
    // The QA webhook is set up while the flows register and simulate; each waits for it before
    // it publishes, so QA hears of every publication without the run waiting for it up front.
    let webhook = {
        let shared = Arc::clone(&shared);
        tokio::spawn(async move { shared.qa_webhook().await })
    };
    let permits = Arc::new(Semaphore::new(shared.settings.max_concurrency.max(1)));
    let mut tasks = Vec::with_capacity(flows.len());
    for flow in flows {
        let (shared, permits) = (Arc::clone(&shared), Arc::clone(&permits));
        let identity = (flow.path.clone(), flow.content.flow_id.clone());
        let task = tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            let started = Instant::now();
            let outcome = scrubbed(release_flow(&shared, &flow).await, shared.client.redactor());
            if let Outcome::Failed { reason, version_id } = &outcome {
                shared.audit.record(
                    AuditEvent::FlowFailed { reason: reason.clone() },
                    Some(&flow.content.flow_id),
                    version_id.as_deref(),
                );
            } else if !shared.settings.dry_run {
                let event = AuditEvent::ActivationComplete {
                    outcome: outcome.label().into(),
                    total_ms: started.elapsed().as_millis() as u64,
                };
                shared.audit.record(event, Some(&flow.content.flow_id), None);
            }
            FlowResult {
                path: flow.path.clone(),
                flow_id: flow.content.flow_id.clone(),
                outcome,
                warning: None,
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
                warning: None,
            }),
        }
    }
    let warning = match webhook.await {
        Ok(warning) => warning,
        Err(error) => Some(format!("the QA webhook task stopped: {error}")),
    };
    for result in &mut results {
        result.warning = warning.clone();
    }
    Ok(results)
}

/// The name of the QA webhook for a URL: the same for every run, so racing runs create it once
/// (CXone refuses a second webhook of the same name).
pub fn webhook_name(url: &str) -> String {
    format!("cxone-flow QA {}", &content_hash(url.as_bytes())[..12])
}

/// Makes sure one webhook for the URL and event exists: found, or created once. A run that loses
/// the race to create it finds the one the other run made.
async fn ensure_webhook(client: &impl Backend, url: &str, dry_run: bool, audit: &AuditLog) -> Result<(), ApiError> {
    let find = |webhooks: &[Webhook]| {
        webhooks
            .iter()
            .find(|w| w.url == url && w.event == FLOW_VERSION_PUBLISHED)
            .map(|w| w.id.clone())
    };
    if let Some(id) = find(&client.list_webhooks().await?) {
        let (webhook_id, url) = (id, url.to_string());
        audit.record(
            AuditEvent::WebhookFound {
                webhook_id,
                url,
                reason: None,
            },
            None,
            None,
        );
        return Ok(());
    }
    if dry_run {
        audit.record(AuditEvent::WebhookWouldRegister { url: url.into() }, None, None);
        return Ok(());
    }
    let request = WebhookRequest {
        name: webhook_name(url),
        event: FLOW_VERSION_PUBLISHED.into(),
        url: url.into(),
        active: true,
    };
    match client.create_webhook(&request).await {
        Ok(created) => {
            let (webhook_id, url) = (created.id, url.to_string());
            audit.record(AuditEvent::WebhookRegistered { webhook_id, url }, None, None);
            Ok(())
        }
        Err(error) if error.conflict("name_taken") || error.ambiguous() => match find(&client.list_webhooks().await?) {
            Some(id) => {
                let event = AuditEvent::WebhookFound {
                    webhook_id: id,
                    url: url.into(),
                    reason: Some("created by another run at the same time".into()),
                };
                audit.record(event, None, None);
                Ok(())
            }
            None => Err(error),
        },
        Err(error) => Err(error),
    }
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

/// The version of this content that the latest rollback of it undid, and that rollback (CXone
/// lists versions oldest first, so the last rollback listed is the latest).
fn rolled_back<'v>(versions: &'v [Version], hash: &str) -> Option<(&'v Version, &'v Version)> {
    versions.iter().rev().find_map(|by| {
        let undone_id = by.payload.metadata.rollback_of.as_deref()?;
        let undone = versions.iter().find(|v| {
            v.payload.id == undone_id
                && v.status == VersionStatus::Deprecated
                && v.payload.metadata.content_hash.as_deref() == Some(hash)
        })?;
        Some((undone, by))
    })
}

async fn release_flow<B: Backend>(shared: &Shared<B>, flow: &ReleaseFlow) -> Outcome {
    let (client, audit, settings) = (&shared.client, &shared.audit, &shared.settings);
    let flow_id = flow.content.flow_id.as_str();
    let versions = match client.list_versions(flow_id).await {
        Ok(versions) => versions,
        Err(error) => return fail(error, None),
    };
    let count = versions.len();
    audit.record(AuditEvent::VersionsListed { count }, Some(flow_id), None);
    let hash = flow.content.content_hash.as_str();
    let active = versions.iter().find(|v| v.status == VersionStatus::Active);
    if let Some(active) = active.filter(|v| v.payload.metadata.content_hash.as_deref() == Some(hash)) {
        let event = AuditEvent::Skipped {
            reason: "the active version has this content".into(),
            rolled_back_by: None,
        };
        audit.record(event, Some(flow_id), Some(&active.payload.id));
        return Outcome::UpToDate {
            version_id: active.payload.id.clone(),
        };
    }
    if !settings.force
        && let Some((undone, by)) = rolled_back(&versions, hash)
    {
        let event = AuditEvent::Skipped {
            reason: "this content was rolled back".into(),
            rolled_back_by: Some(by.payload.id.clone()),
        };
        audit.record(event, Some(flow_id), Some(&undone.payload.id));
        return Outcome::WasRolledBack {
            version_id: undone.payload.id.clone(),
            restored_version_id: by.payload.id.clone(),
        };
    }
    let pending = versions
        .iter()
        .find(|v| v.status == VersionStatus::Pending && v.payload.metadata.content_hash.as_deref() == Some(hash));
    let (version_id, resumed) = match pending {
        Some(pending) => {
            let reason = "an earlier run registered this content".into();
            audit.record(AuditEvent::Resumed { reason }, Some(flow_id), Some(&pending.payload.id));
            if settings.dry_run {
                return Outcome::WouldRelease {
                    payload: None,
                    note: format!("would resume pending version {} and publish it", pending.payload.id),
                    changes: Vec::new(),
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
            let active_id = active.map(|a| a.payload.id.clone());
            let id = new_version_id(flow_id, &settings.release.tag, hash, &versions, active_id.as_deref());
            let payload = flow
                .content
                .payload(id.clone(), &settings.release, active_id, now_rfc3339());
            if settings.dry_run {
                let event = AuditEvent::DryRunPayload {
                    payload: Box::new(payload.clone()),
                };
                audit.record(event, Some(flow_id), Some(&id));
                let changes = active
                    .map(|a| changes_between(&a.payload, &payload))
                    .unwrap_or_default();
                let note = match active {
                    Some(active) => format!(
                        "would register a new version, simulate and publish it; {} change{} against active version {}",
                        changes.len(),
                        if changes.len() == 1 { "" } else { "s" },
                        active.payload.id
                    ),
                    None => "would register the first version, simulate and publish it".into(),
                };
                return Outcome::WouldRelease {
                    payload: Some(Box::new(payload)),
                    note,
                    changes,
                };
            }
            match converge::register(client.as_ref(), &payload, settings.registration).await {
                Ok(Registration::Registered(job)) => {
                    audit.record(AuditEvent::VersionRegistered { job_id: job }, Some(flow_id), Some(&id));
                    (id, false)
                }
                Ok(Registration::Resumed(why)) => {
                    audit.record(AuditEvent::Resumed { reason: why.into() }, Some(flow_id), Some(&id));
                    (id, true)
                }
                Err(error) => return fail(error, Some(&id)),
            }
        }
    };
    if let Err(reason) = simulate_cases(shared, flow, &version_id, Stage::BeforePublish).await {
        return fail(reason, Some(&version_id));
    }
    shared.qa_webhook().await;
    let started = Instant::now();
    match converge::publish(client.as_ref(), flow_id, &version_id, settings.registration).await {
        Ok(Published::ByThisRun { confirmed }) => {
            let latency_ms = started.elapsed().as_millis() as u64;
            let event = AuditEvent::VersionPublished {
                latency_ms,
                confirmed_by_reading_back: confirmed,
            };
            audit.record(event, Some(flow_id), Some(&version_id));
            if settings.smoke_test
                && let Err(reason) = simulate_cases(shared, flow, &version_id, Stage::SmokeTest).await
            {
                return smoke_test_failed(shared, flow, active, &version_id, reason).await;
            }
            Outcome::Published {
                version_id,
                latency_ms,
                resumed,
            }
        }
        Ok(Published::ByAnotherRun) => {
            let reason = "another run published this version first".into();
            audit.record(
                AuditEvent::PublishedByAnotherRun { reason },
                Some(flow_id),
                Some(&version_id),
            );
            Outcome::PublishedByAnotherRun { version_id }
        }
        Err(error) => fail(error, Some(&version_id)),
    }
}

/// The id of a new version of this content: the deterministic one for the flow, tag and content,
/// unless CXone already has that id (the tag was released and later replaced: a re-run of an older
/// tag), then one that also names the version it replaces, still the same for every racing run.
fn new_version_id(flow_id: &str, tag: &str, hash: &str, versions: &[Version], active: Option<&str>) -> String {
    let id = version_id(flow_id, tag, hash);
    if versions.iter().any(|v| v.payload.id == id) {
        version_id(
            flow_id,
            &format!("{tag}\nreplacing {}", active.unwrap_or("nothing")),
            hash,
        )
    } else {
        id
    }
}

/// After a failed smoke test: the previously active content is restored (the shared restore step
/// of `cxone-flow rollback`).
async fn smoke_test_failed<B: Backend>(
    shared: &Shared<B>,
    flow: &ReleaseFlow,
    previous: Option<&Version>,
    failed: &str,
    reason: String,
) -> Outcome {
    let Some(previous) = previous else {
        return fail(
            format!("smoke test failed ({reason}) and there is no earlier version to roll back to"),
            Some(failed),
        );
    };
    let settings = &shared.settings;
    let restored = rollback::restore(
        shared.client.as_ref(),
        &flow.content.flow_id,
        previous,
        Some(failed),
        &settings.release.created_by,
        &format!("smoke test failed: {reason}"),
        settings.registration,
        &shared.audit,
    )
    .await;
    match restored {
        Ok(restored) => Outcome::RolledBack {
            failed_version_id: failed.to_string(),
            restored_version_id: restored.restored_version_id,
            reason,
        },
        Err(error) => fail(
            format!("smoke test failed ({reason}) and the rollback failed too: {error}"),
            Some(failed),
        ),
    }
}

/// When the cases are simulated by CXone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Against the registered version, before it is published.
    BeforePublish,
    /// Against the published version (`--smoke-test`).
    SmokeTest,
}

/// Runs every case against a registered version, concurrently (bounded), and compares each with the
/// local engine. Returns the first problem, after recording every case in the audit log.
async fn simulate_cases<B: Backend>(
    shared: &Shared<B>,
    flow: &ReleaseFlow,
    version_id: &str,
    stage: Stage,
) -> Result<(), String> {
    let permits = Arc::new(Semaphore::new(shared.settings.case_concurrency.max(1)));
    let engine = Engine::new(&flow.flow);
    let mut problems = Vec::new();
    let mut pending = Vec::new();
    for case in &flow.tests.cases {
        let call = engine.run(&case.dtmf, &case.variables);
        let local = SimulationResult::from(CallSummary::of(&call, &flow.flow, shared.settings.max_execution_ms));
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
        let (flow_id, wait) = (flow.content.flow_id.clone(), shared.settings.registration);
        pending.push((
            case,
            local,
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                converge::when_registered(wait, || client.simulate(&flow_id, &request)).await
            }),
        ));
    }
    for (case, local, task) in pending {
        let remote = task
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| explain_error(&e)));
        let verdict = remote.and_then(|remote| compare(case, &local, &remote, shared.settings.max_execution_ms));
        let name = case.name.value.clone();
        let event = match (&verdict, stage) {
            (Ok(()), Stage::BeforePublish) => AuditEvent::SimulationPassed { case: name },
            (Ok(()), Stage::SmokeTest) => AuditEvent::SmokeTestPassed { case: name },
            (Err(reason), Stage::BeforePublish) => AuditEvent::SimulationFailed {
                case: name,
                reason: reason.clone(),
            },
            (Err(reason), Stage::SmokeTest) => AuditEvent::SmokeTestFailed {
                case: name,
                reason: reason.clone(),
            },
        };
        shared
            .audit
            .record(event, Some(&flow.content.flow_id), Some(version_id));
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

/// The semantic diff of two versions' content (elements, edges, routing rules, timeouts), a line
/// per change: `changed element menu_main: prompt: "Hi" → "Hello"`.
fn changes_between(active: &VersionPayload, new: &VersionPayload) -> Vec<String> {
    let content = |p: &VersionPayload| {
        serde_json::json!({"flowId": p.flow_id, "elements": p.elements, "edges": p.edges,
            "routingRules": p.routing_rules, "timeouts": p.timeouts})
    };
    crate::flow::diff::diff(&content(active), &content(new))
        .iter()
        .map(|c| format!("{} {} {}: {}", c.kind.as_str(), c.part.as_str(), c.key, c.detail))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::check::{Settings, check_flow_bytes};
    use crate::release::fake::FakeBackend;
    use crate::release::payload::environment_for;
    use crate::settings::PRODUCTION_TAGS;
    use crate::sim::cases;
    use crate::source::SourceFile;

    const CASES: &str =
        r#"{"cases": [{"name": "hangs up", "input": {"dtmf": []}, "expect": {"finalElement": "bye"}}]}"#;

    /// A tiny flow `id` named `words`, with one case.
    fn flow(id: &str, words: &str) -> ReleaseFlow {
        let text = format!(
            r#"{{"flowId": "{id}", "name": "{words}", "elements": [{{"id": "start", "type": "start"}}, {{"id": "bye", "type": "hangup"}}],
  "edges": [{{"from": "start", "to": "bye"}}]}}"#
        );
        let (_, model) = check_flow_bytes("f.flow.json", text.clone().into_bytes(), &Settings::default());
        let tests = SourceFile::new("f.tests.json", CASES.to_string());
        ReleaseFlow {
            path: format!("{id}.flow.json"),
            content: FlowContent::from_json(&serde_json::from_str(&text).unwrap(), &text).unwrap(),
            flow: Arc::new(model.unwrap()),
            tests: Arc::new(cases::load(crate::json::Tape::parse(&tests.text).unwrap().root()).0),
        }
    }

    fn settings(tag: &str) -> ReleaseSettings {
        let (environment, environment_reason) = environment_for(tag, None, PRODUCTION_TAGS);
        ReleaseSettings {
            release: ReleaseInfo {
                tag: tag.into(),
                environment,
                environment_reason,
                activation_priority: 1,
                created_by: "acme/ivr@abc".into(),
            },
            max_concurrency: 2,
            case_concurrency: 2,
            qa_webhook_url: None,
            smoke_test: false,
            dry_run: false,
            max_execution_ms: 15_000,
            registration: RegistrationWait {
                timeout: Duration::from_secs(1),
                poll: Duration::from_millis(1),
            },
            force: false,
        }
    }

    async fn run(fake: &Arc<FakeBackend>, flow: ReleaseFlow, settings: ReleaseSettings) -> Outcome {
        let dir = tempfile::tempdir().unwrap();
        let audit = Arc::new(
            AuditLog::open(
                &Default::default(),
                &dir.path().join("audit.jsonl"),
                &settings.release.tag,
                "abc",
            )
            .unwrap(),
        );
        let results = release(Arc::clone(fake), vec![flow], settings, audit).await.unwrap();
        results.into_iter().next().unwrap().outcome
    }

    #[tokio::test]
    async fn the_same_content_again_is_skipped() {
        let fake = Arc::new(FakeBackend::default());
        assert!(matches!(
            run(&fake, flow("main", "a"), settings("v1")).await,
            Outcome::Published { .. }
        ));
        let again = run(&fake, flow("main", "a"), settings("v2")).await;
        assert!(matches!(again, Outcome::UpToDate { .. }), "{again:?}");
        assert_eq!((fake.count("register"), fake.count("publish")), (1, 1));
    }

    #[tokio::test]
    async fn a_pending_version_of_this_content_is_resumed_not_registered_again() {
        let fake = Arc::new(FakeBackend::default());
        let pending = flow("main", "a");
        let payload = pending.content.payload(
            "11111111-1111-4111-8111-111111111111".into(),
            &settings("v1").release,
            None,
            now_rfc3339(),
        );
        fake.register(&payload).await.unwrap();
        let outcome = run(&fake, pending, settings("v1")).await;
        assert!(
            matches!(outcome, Outcome::Published { resumed: true, .. }),
            "{outcome:?}"
        );
        assert_eq!(fake.count("register"), 1, "only the pending one");
        assert_eq!(fake.statuses("main"), [VersionStatus::Active]);
    }

    #[tokio::test]
    async fn the_live_version_limit_blocks_and_names_both_versions() {
        let fake = Arc::new(FakeBackend::default());
        run(&fake, flow("main", "a"), settings("v1")).await;
        let other = flow("main", "b");
        let payload = other.content.payload(
            "22222222-2222-4222-8222-222222222222".into(),
            &settings("v2").release,
            None,
            now_rfc3339(),
        );
        fake.register(&payload).await.unwrap();
        let outcome = run(&fake, flow("main", "c"), settings("v3")).await;
        let Outcome::Failed { reason, .. } = outcome else {
            panic!("{outcome:?}")
        };
        assert!(
            reason.contains("concurrent-version limit") && reason.contains("22222222"),
            "{reason}"
        );
        assert_eq!(fake.count("register"), 2, "nothing more was registered");
    }

    #[tokio::test]
    async fn a_failed_smoke_test_restores_the_previous_content_which_a_rerun_leaves_alone() {
        let fake = Arc::new(FakeBackend::default());
        run(&fake, flow("main", "a"), settings("v1-prod")).await;
        // One simulation before the publish passes; the smoke test's fails.
        fake.state.lock().unwrap().simulations_fail_after = Some(2);
        let mut smoke = settings("v2");
        smoke.smoke_test = true;
        let outcome = run(&fake, flow("main", "b"), smoke).await;
        let Outcome::RolledBack {
            failed_version_id,
            restored_version_id,
            ..
        } = outcome
        else {
            panic!("{outcome:?}")
        };
        let restored = fake
            .list_versions("main")
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.payload.id == restored_version_id)
            .unwrap();
        assert_eq!(restored.status, VersionStatus::Active);
        assert_eq!(
            restored.payload.metadata.rollback_of.as_deref(),
            Some(failed_version_id.as_str())
        );
        assert_eq!(
            (
                restored.payload.metadata.version_tag.as_str(),
                restored.payload.version_tags.environment.as_str()
            ),
            ("v1-prod", "production")
        );
        fake.state.lock().unwrap().simulations_fail_after = None;
        let rerun = run(&fake, flow("main", "b"), settings("v2")).await;
        assert!(matches!(rerun, Outcome::WasRolledBack { .. }), "{rerun:?}");
        let mut forced = settings("v2");
        forced.force = true;
        assert!(matches!(
            run(&fake, flow("main", "b"), forced).await,
            Outcome::Published { .. }
        ));
    }

    #[tokio::test]
    async fn a_rerun_of_content_rolled_back_twice_names_the_latest_rollback() {
        let fake = Arc::new(FakeBackend::default());
        run(&fake, flow("main", "a"), settings("v1")).await;
        let smoke_failing = |tag: &str, after: usize| {
            fake.state.lock().unwrap().simulations_fail_after = Some(after);
            let mut smoke = settings(tag);
            (smoke.smoke_test, smoke.force) = (true, true);
            smoke
        };
        // Simulations so far: 1; the next release's first passes and its smoke test fails.
        let first = run(&fake, flow("main", "b"), smoke_failing("v2", 2)).await;
        assert!(matches!(first, Outcome::RolledBack { .. }), "{first:?}");
        fake.state.lock().unwrap().simulations_fail_after = None;
        run(&fake, flow("main", "c"), settings("v3")).await;
        let second = run(&fake, flow("main", "b"), smoke_failing("v4", 5)).await;
        let Outcome::RolledBack {
            restored_version_id: latest,
            ..
        } = second
        else {
            panic!("{second:?}")
        };
        fake.state.lock().unwrap().simulations_fail_after = None;
        let rerun = run(&fake, flow("main", "b"), settings("v4")).await;
        let Outcome::WasRolledBack {
            restored_version_id, ..
        } = &rerun
        else {
            panic!("{rerun:?}")
        };
        assert_eq!(restored_version_id, &latest, "{}", rerun.detail());
    }

    #[tokio::test]
    async fn a_publish_whose_answer_is_lost_is_read_back_as_published() {
        let fake = Arc::new(FakeBackend::default());
        fake.state.lock().unwrap().lost_publish_answers = 1;
        let outcome = run(&fake, flow("main", "a"), settings("v1")).await;
        assert!(matches!(outcome, Outcome::Published { .. }), "{outcome:?}");
        assert_eq!(fake.count("publish"), 1, "not published twice");
    }

    #[tokio::test]
    async fn the_qa_webhook_is_created_once_and_found_after() {
        let fake = Arc::new(FakeBackend::default());
        let mut with_qa = settings("v1");
        with_qa.qa_webhook_url = Some("https://qa.example.com/h".into());
        run(&fake, flow("main", "a"), with_qa.clone()).await;
        run(&fake, flow("main", "b"), with_qa).await;
        assert_eq!(fake.count("create webhook"), 1);
        assert_eq!(
            fake.state.lock().unwrap().webhooks[0].name,
            webhook_name("https://qa.example.com/h")
        );
    }
}
