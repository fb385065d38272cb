//! The wire types of the CXone Flow Management, Simulation and Webhook APIs (v2), field for field as
//! the contract names them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sim::run::CallSummary;

/// The scopes cxone-flow asks for.
pub const SCOPES: &str = "flows:read flows:write flows:publish flow:simulate webhooks:read webhooks:write";

/// The event a QA webhook listens to.
pub const FLOW_VERSION_PUBLISHED: &str = "FLOW_VERSION_PUBLISHED";

/// `POST /oauth/token` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub expires_in: u64,
    pub token_type: String,
    #[serde(default)]
    pub scope: String,
    /// CXone's OIDC and access-key routes also answer these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// A version's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum VersionStatus {
    Pending,
    Active,
    Deprecated,
}

impl VersionStatus {
    /// The status as the contract spells it: `PENDING`, `ACTIVE`, `DEPRECATED`.
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Pending => "PENDING",
            VersionStatus::Active => "ACTIVE",
            VersionStatus::Deprecated => "DEPRECATED",
        }
    }
}

impl std::fmt::Display for VersionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `metadata` of a version payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub version_tag: String,
    pub activation_priority: u32,
    /// Optional: the tutorial's complete example leaves it out.
    #[serde(default)]
    pub created_by: String,
    /// RFC 3339.
    pub timestamp: String,
    /// SHA-256 of the flow file's content, hex (cxone-flow's own field, kept by CXone as metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    /// On a version that restores earlier content: the version it rolled back (cxone-flow's own
    /// field), so a re-run of the rolled-back tag can tell and leave it rolled back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_of: Option<String>,
}

/// `versionTags` of a version payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionTags {
    /// `production` or `staging`.
    pub environment: String,
    pub release_matrix: String,
    /// Optional: the tutorial's complete example leaves it out.
    #[serde(default)]
    pub rollback_reference: Option<String>,
}

/// The version payload: `POST /flows/{flowId}/versions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionPayload {
    pub id: String,
    pub flow_id: String,
    pub metadata: Metadata,
    pub version_tags: VersionTags,
    pub elements: Vec<Value>,
    pub edges: Vec<Value>,
    pub routing_rules: Vec<Value>,
    /// Optional, as is each of its values: the flow format's defaults fill what is left out.
    #[serde(default)]
    pub timeouts: Timeouts,
}

/// `timeouts` in ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Timeouts {
    pub global_timeout: u64,
    pub input_timeout: u64,
    pub transfer_timeout: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        use crate::flow::model::Timeouts as Flow;
        Timeouts {
            global_timeout: Flow::DEFAULT_GLOBAL,
            input_timeout: Flow::DEFAULT_INPUT,
            transfer_timeout: Flow::DEFAULT_TRANSFER,
        }
    }
}

/// A registered version as `GET /flows/{flowId}/versions` lists it: the payload and its status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub status: VersionStatus,
    #[serde(flatten)]
    pub payload: VersionPayload,
}

/// A listing: `GET /flows/{flowId}/versions`, `GET /webhooks`. **Decision:** a listing may page: it
/// then says `totalRecords`, and `next` (a URL, absolute or relative to the host) while more remain;
/// `?skip=N&top=M` asks for a page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityList<T> {
    pub entities: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_records: Option<u64>,
}

/// `GET /flows/{flowId}/versions` answer.
pub type VersionList = EntityList<Version>;

/// `POST /flows/{flowId}/versions` answer (with the `x-async-job-id` header).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registered {
    pub id: String,
    pub status: VersionStatus,
}

/// An asynchronous registration's state: `GET /jobs/{jobId}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum JobStatus {
    Running,
    Succeeded,
    Failed,
}

/// `GET /jobs/{jobId}` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub id: String,
    pub status: JobStatus,
    pub version_id: String,
    #[serde(default)]
    pub message: Option<String>,
}

/// The call a simulation runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SimulationInput {
    #[serde(default)]
    pub dtmf: Vec<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, Value>,
}

/// `POST /flows/{flowId}/simulations` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulationRequest {
    pub version_id: String,
    pub input: SimulationInput,
    pub simulate_timeouts: bool,
    pub record_path: bool,
}

/// `POST /flows/{flowId}/simulations` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulationResult {
    pub path: Vec<String>,
    pub final_element: String,
    pub execution_time: u64,
    pub timed_out: bool,
    /// `SUCCESS` or `FAILURE`.
    pub result: String,
}

impl From<CallSummary> for SimulationResult {
    /// The engine's call as the contract answers it: the one conversion, used by the release to
    /// compare, by the emulator to answer, and by the test backend.
    fn from(call: CallSummary) -> Self {
        SimulationResult {
            path: call.path.iter().map(String::from).collect(),
            final_element: call.final_element,
            execution_time: call.execution_time,
            timed_out: call.timed_out,
            result: call.result.as_str().to_string(),
        }
    }
}

/// `POST /webhooks` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookRequest {
    pub name: String,
    pub event: String,
    pub url: String,
    pub active: bool,
}

/// A registered webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    pub id: String,
    pub name: String,
    pub event: String,
    pub url: String,
    pub active: bool,
}

/// `GET /webhooks` answer.
pub type WebhookList = EntityList<Webhook>;

/// The body of every error answer: a machine code and a message naming the fault.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

/// The event POSTed to webhooks when a version is published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishedEvent {
    pub event: String,
    pub delivery_id: String,
    pub flow_id: String,
    pub version_id: String,
    pub version_tag: String,
    pub previous_version_id: Option<String>,
    /// RFC 3339.
    pub published_at: String,
}
