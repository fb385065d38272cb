//! An in-memory CXone for the release's unit tests: versions with the contract's lifecycle and its
//! conflicts, webhooks with unique names, simulations by the engine, and faults on demand.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::check::{Settings, check_flow_bytes};
use crate::cxone::client::ApiError;
use crate::cxone::types::{
    SimulationRequest, SimulationResult, Version, VersionPayload, VersionStatus, Webhook, WebhookRequest,
};
use crate::redact::Redactor;
use crate::release::backend::Backend;
use crate::release::backend::RegistrationWait;
use crate::sim::engine::Engine;
use crate::sim::run::CallSummary;

/// What the fake holds and how it misbehaves.
#[derive(Default)]
pub struct FakeState {
    pub versions: BTreeMap<String, Vec<Version>>,
    pub webhooks: Vec<Webhook>,
    /// Every call, as `register FLOW`, `publish FLOW VERSION`, `simulate FLOW`...
    pub calls: Vec<String>,
    /// Simulations answer 500 after this many have passed.
    pub simulations_fail_after: Option<usize>,
    /// Publishes that take effect but whose answer is lost.
    pub lost_publish_answers: u32,
}

/// The fake backend.
#[derive(Default)]
pub struct FakeBackend {
    pub state: Mutex<FakeState>,
    redactor: Redactor,
}

fn conflict(call: &str, code: &str) -> ApiError {
    ApiError {
        call: call.into(),
        status: Some(409),
        code: Some(code.into()),
        message: code.replace('_', " "),
        attempts: 1,
    }
}

impl FakeBackend {
    fn state(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many calls started with `prefix`.
    pub fn count(&self, prefix: &str) -> usize {
        self.state().calls.iter().filter(|c| c.starts_with(prefix)).count()
    }

    /// The statuses of a flow's versions, in order.
    pub fn statuses(&self, flow_id: &str) -> Vec<VersionStatus> {
        self.state()
            .versions
            .get(flow_id)
            .map(|v| v.iter().map(|v| v.status).collect())
            .unwrap_or_default()
    }
}

impl Backend for FakeBackend {
    async fn authenticate(&self) -> Result<(), ApiError> {
        Ok(())
    }

    async fn list_versions(&self, flow_id: &str) -> Result<Vec<Version>, ApiError> {
        Ok(self.state().versions.get(flow_id).cloned().unwrap_or_default())
    }

    async fn register(&self, payload: &VersionPayload) -> Result<String, ApiError> {
        let mut state = self.state();
        state.calls.push(format!("register {}", payload.flow_id));
        if state.versions.values().flatten().any(|v| v.payload.id == payload.id) {
            return Err(conflict("register", "already_registered"));
        }
        let versions = state.versions.entry(payload.flow_id.clone()).or_default();
        let live = versions
            .iter()
            .filter(|v| matches!(v.status, VersionStatus::Active | VersionStatus::Pending))
            .count();
        if live >= 2 {
            return Err(conflict("register", "version_limit"));
        }
        versions.push(Version {
            status: VersionStatus::Pending,
            payload: payload.clone(),
        });
        Ok(format!("job-{}", payload.id))
    }

    async fn wait_for_registration(&self, _job: &str, _wait: RegistrationWait) -> Result<(), ApiError> {
        Ok(())
    }

    async fn simulate(&self, flow_id: &str, request: &SimulationRequest) -> Result<SimulationResult, ApiError> {
        let payload = {
            let mut state = self.state();
            state.calls.push(format!("simulate {flow_id}"));
            let done = state.calls.iter().filter(|c| c.starts_with("simulate")).count();
            if state.simulations_fail_after.is_some_and(|after| done > after) {
                return Err(ApiError {
                    status: Some(500),
                    ..ApiError::local("simulate", "simulation service down")
                });
            }
            state.versions[flow_id]
                .iter()
                .find(|v| v.payload.id == request.version_id)
                .map(|v| v.payload.clone())
                .ok_or_else(|| ApiError::local("simulate", "no such version"))?
        };
        let text = serde_json::json!({
            "flowId": payload.flow_id, "elements": payload.elements, "edges": payload.edges,
            "routingRules": payload.routing_rules, "timeouts": payload.timeouts,
        })
        .to_string();
        let (_, flow) = check_flow_bytes("payload", text.into_bytes(), &Settings::default());
        let flow = flow.ok_or_else(|| ApiError::local("simulate", "the payload is no flow"))?;
        let call = Engine::new(&flow).run(&request.input.dtmf, &request.input.variables);
        Ok(SimulationResult::from(CallSummary::of(&call, &flow, 15_000)))
    }

    async fn publish(&self, flow_id: &str, version_id: &str) -> Result<Version, ApiError> {
        let mut state = self.state();
        state.calls.push(format!("publish {flow_id} {version_id}"));
        let versions = state.versions.entry(flow_id.to_string()).or_default();
        if versions
            .iter()
            .find(|v| v.payload.id == version_id)
            .is_none_or(|v| v.status != VersionStatus::Pending)
        {
            return Err(conflict("publish", "not_pending"));
        }
        for version in versions.iter_mut() {
            if version.status == VersionStatus::Active {
                version.status = VersionStatus::Deprecated;
            }
            if version.payload.id == version_id {
                version.status = VersionStatus::Active;
            }
        }
        let published = versions.iter().find(|v| v.payload.id == version_id).cloned();
        if state.lost_publish_answers > 0 {
            state.lost_publish_answers -= 1;
            return Err(ApiError::local("publish", "connection dropped"));
        }
        published.ok_or_else(|| ApiError::local("publish", "no such version"))
    }

    async fn list_webhooks(&self) -> Result<Vec<Webhook>, ApiError> {
        Ok(self.state().webhooks.clone())
    }

    async fn create_webhook(&self, request: &WebhookRequest) -> Result<Webhook, ApiError> {
        let mut state = self.state();
        state.calls.push("create webhook".into());
        if state.webhooks.iter().any(|w| w.name == request.name) {
            return Err(conflict("create webhook", "name_taken"));
        }
        let webhook = Webhook {
            id: format!("hook-{}", state.webhooks.len()),
            name: request.name.clone(),
            event: request.event.clone(),
            url: request.url.clone(),
            active: request.active,
        };
        state.webhooks.push(webhook.clone());
        Ok(webhook)
    }

    fn redactor(&self) -> &Redactor {
        &self.redactor
    }
}
