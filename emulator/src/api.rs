//! The Flow Management, Simulation and Webhook endpoints, with their lifecycle rules.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cxone_flow::check::{Settings, check_flow_bytes};
use cxone_flow::cxone::types::{
    EntityList, FLOW_VERSION_PUBLISHED, Job, JobStatus, Registered, SimulationRequest, SimulationResult, Version,
    VersionPayload, VersionStatus, Webhook, WebhookRequest,
};
use cxone_flow::flow::model::{Flow, is_dtmf_entry};
use cxone_flow::http::decode_json;
use cxone_flow::registry::Rule;
use cxone_flow::registry::Severity;
use cxone_flow::sim::engine::{Ending, Engine};
use cxone_flow::sim::run::CallSummary;

use crate::auth::{require, token};
use crate::delivery;
use crate::error::ApiError;
use crate::state::{AppState, Stored};

/// The Flow Management, Simulation and Webhook APIs' routes, and their token endpoint.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/oauth/token", post(token))
        .route(
            "/api/v2/flows/{flow_id}/versions",
            get(list_versions).post(register_version),
        )
        .route("/api/v2/flows/{flow_id}/versions/{version_id}/publish", post(publish))
        .route("/api/v2/flows/{flow_id}/simulations", post(simulate))
        .route("/api/v2/jobs/{job_id}", get(job))
        .route("/api/v2/webhooks", get(list_webhooks).post(create_webhook))
}

type Answer = Result<Response, ApiError>;

/// The most versions of one flow that may be `ACTIVE` or `PENDING` at once.
pub const LIVE_VERSION_LIMIT: usize = 2;

/// Decodes a request body as deep as a checked flow may nest (serde_json alone stops at 128).
fn parse<T: serde::de::DeserializeOwned>(body: &Bytes, what: &str) -> Result<T, ApiError> {
    decode_json(body).map_err(|e| ApiError::bad_request(format!("malformed {what}: {e}")))
}

/// `?skip=N&top=M` of a listing.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Paging {
    skip: Option<usize>,
    top: Option<usize>,
}

/// One page of `all`. A listing that fits one page, not asked for a page, is exactly the contract's
/// `{"entities": [...]}`; otherwise it also says `totalRecords`, and `next` while more remain.
fn page<T: Clone>(all: &[T], paging: &Paging, page_size: usize, path: &str) -> EntityList<T> {
    let page_size = page_size.max(1);
    let top = paging.top.unwrap_or(page_size).clamp(1, page_size);
    let skip = paging.skip.unwrap_or(0);
    let entities: Vec<T> = all.iter().skip(skip).take(top).cloned().collect();
    let end = skip + entities.len();
    let paged = paging.skip.is_some() || paging.top.is_some() || all.len() > page_size;
    EntityList {
        next: (end < all.len()).then(|| format!("{path}?skip={end}&top={top}")),
        total_records: paged.then_some(all.len() as u64),
        entities,
    }
}

/// `GET /flows/{flowId}/versions`, paged.
pub async fn list_versions(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(flow_id): Path<String>,
    Query(paging): Query<Paging>,
) -> Answer {
    require(&state, &headers, "flows:read")?;
    let inner = state.lock();
    let all: Vec<Version> = inner
        .versions
        .get(&flow_id)
        .map(|versions| versions.iter().map(|s| s.version.clone()).collect())
        .unwrap_or_default();
    let path = format!("/api/v2/flows/{flow_id}/versions");
    Ok(Json(page(&all, &paging, state.config.page_size, &path)).into_response())
}

/// `POST /flows/{flowId}/versions`: checks the payload, the live-version limit, then registers
/// asynchronously (`202`, `x-async-job-id`).
pub async fn register_version(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(flow_id): Path<String>,
    body: Bytes,
) -> Answer {
    require(&state, &headers, "flows:write")?;
    let payload: VersionPayload = parse(&body, "version payload")?;
    if payload.flow_id != flow_id {
        return Err(ApiError::bad_request(format!(
            "payload flowId `{}` does not match the path's flow `{flow_id}`",
            payload.flow_id
        )));
    }
    if uuid::Uuid::parse_str(&payload.id).is_err() {
        return Err(ApiError::bad_request(format!(
            "version id `{}` is not a UUID",
            payload.id
        )));
    }
    let flow = schema_check(&payload)?;
    let mut inner = state.lock();
    let all_ids_taken = inner
        .versions
        .values()
        .flatten()
        .any(|s| s.version.payload.id == payload.id);
    if all_ids_taken {
        return Err(ApiError::conflict(
            "already_registered",
            format!("version `{}` is already registered", payload.id),
        ));
    }
    let versions = inner.versions.entry(flow_id.clone()).or_default();
    let live: Vec<String> = versions
        .iter()
        .filter(|s| matches!(s.version.status, VersionStatus::Active | VersionStatus::Pending))
        .map(|s| format!("{} ({})", s.version.payload.id, s.version.status))
        .collect();
    if live.len() >= LIVE_VERSION_LIMIT {
        return Err(ApiError::conflict(
            "version_limit",
            format!(
                "flow `{flow_id}` already has {LIVE_VERSION_LIMIT} versions that are ACTIVE or PENDING: {}",
                live.join(", ")
            ),
        ));
    }
    let job_id = uuid::Uuid::new_v4().to_string();
    let id = payload.id.clone();
    versions.push(Stored {
        version: Version {
            status: VersionStatus::Pending,
            payload,
        },
        flow,
        ready_at: state.config.clock.now() + state.config.registration_delay,
        job_id: job_id.clone(),
    });
    let mut response = (
        StatusCode::ACCEPTED,
        Json(Registered {
            id,
            status: VersionStatus::Pending,
        }),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&job_id) {
        response.headers_mut().insert("x-async-job-id", value);
    }
    Ok(response)
}

/// The rules whose errors CXone's schema check refuses: structure, unknown references, bad routing
/// rules. Flow-quality rules (loops, dead ends, depth) do not stop a registration: a looping version
/// registers, and its simulations answer 504.
const SCHEMA_RULES: [Rule; 14] = [
    Rule::InvalidJson,
    Rule::DanglingEdge,
    Rule::MissingField,
    Rule::InvalidFieldValue,
    Rule::UnknownElementType,
    Rule::InvalidEdgeLabel,
    Rule::InvalidTimeouts,
    Rule::DuplicateElementId,
    Rule::MissingStart,
    Rule::MultipleStart,
    Rule::MisplacedRoutingRule,
    Rule::UnknownGoto,
    Rule::MalformedCondition,
    Rule::DuplicateKey,
];

/// Loads a payload as a flow and refuses it (400) when it breaks the flow schema.
fn schema_check(payload: &VersionPayload) -> Result<Flow, ApiError> {
    let text = serde_json::json!({
        "flowId": payload.flow_id,
        "elements": payload.elements,
        "edges": payload.edges,
        "routingRules": payload.routing_rules,
        "timeouts": payload.timeouts,
    })
    .to_string();
    let (report, flow) = check_flow_bytes("payload", text.into_bytes(), &Settings::default());
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && SCHEMA_RULES.contains(&d.rule))
        .take(3)
        .map(|d| format!("{} ({})", d.message, d.rule.code()))
        .collect();
    match flow {
        Some(flow) if errors.is_empty() => Ok(flow),
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "schema_violation",
            format!("the payload breaks the flow schema: {}", errors.join("; ")),
        )),
    }
}

/// `GET /jobs/{jobId}`: the state of an asynchronous registration.
pub async fn job(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(job_id): Path<String>) -> Answer {
    require(&state, &headers, "flows:read")?;
    let inner = state.lock();
    let stored = inner
        .versions
        .values()
        .flatten()
        .find(|s| s.job_id == job_id)
        .ok_or_else(|| ApiError::not_found(format!("no job `{job_id}`")))?;
    let status = if state.config.clock.now() >= stored.ready_at {
        JobStatus::Succeeded
    } else {
        JobStatus::Running
    };
    Ok(Json(Job {
        id: job_id,
        status,
        version_id: stored.version.payload.id.clone(),
        message: None,
    })
    .into_response())
}

fn find<'a>(versions: &'a mut [Stored], flow_id: &str, version_id: &str) -> Result<&'a mut Stored, ApiError> {
    versions
        .iter_mut()
        .find(|s| s.version.payload.id == version_id)
        .ok_or_else(|| ApiError::not_found(format!("flow `{flow_id}` has no version `{version_id}`")))
}

fn registering(state: &AppState, stored: &Stored) -> Result<(), ApiError> {
    if state.config.clock.now() < stored.ready_at {
        return Err(ApiError::conflict(
            "still_registering",
            format!(
                "version `{}` is still registering (job `{}`)",
                stored.version.payload.id, stored.job_id
            ),
        ));
    }
    Ok(())
}

/// `POST /flows/{flowId}/simulations`: runs the call with cxone-flow's engine against the version.
pub async fn simulate(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(flow_id): Path<String>,
    body: Bytes,
) -> Answer {
    require(&state, &headers, "flow:simulate")?;
    let request: SimulationRequest = parse(&body, "simulation request")?;
    if let Some(bad) = request.input.dtmf.iter().find(|e| !is_dtmf_entry(e)) {
        return Err(ApiError::bad_request(format!(
            "input.dtmf entry `{bad}` is not a string of keys 0-9, * and #"
        )));
    }
    let mut inner = state.lock();
    let versions = inner
        .versions
        .get_mut(&flow_id)
        .map(Vec::as_mut_slice)
        .unwrap_or_default();
    let stored = find(versions, &flow_id, &request.version_id)?;
    registering(&state, stored)?;
    let engine = Engine::new(&stored.flow).with_max_steps(state.config.execution_window_steps);
    let variables = request.input.variables.into_iter().collect();
    let call = engine.run(&request.input.dtmf, &variables);
    if call.ending == Ending::Loop {
        return Err(ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "execution_window_exceeded",
            format!(
                "the simulation exceeded the execution window ({} steps without ending)",
                state.config.execution_window_steps
            ),
        ));
    }
    let mut result = SimulationResult::from(CallSummary::of(
        &call,
        &stored.flow,
        state.config.execution_threshold_ms,
    ));
    if !request.record_path {
        result.path.clear();
    }
    Ok(Json(result).into_response())
}

/// `POST /flows/{flowId}/versions/{versionId}/publish`: PENDING becomes ACTIVE, the ACTIVE one
/// DEPRECATED, and every active webhook for the event gets it.
pub async fn publish(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((flow_id, version_id)): Path<(String, String)>,
) -> Answer {
    require(&state, &headers, "flows:publish")?;
    let (published, previous) = {
        let mut inner = state.lock();
        let versions = inner
            .versions
            .get_mut(&flow_id)
            .map(Vec::as_mut_slice)
            .unwrap_or_default();
        let stored = find(versions, &flow_id, &version_id)?;
        registering(&state, stored)?;
        if stored.version.status != VersionStatus::Pending {
            return Err(ApiError::conflict(
                "not_pending",
                format!(
                    "version `{version_id}` is {}, not PENDING: only a pending version can be published",
                    stored.version.status
                ),
            ));
        }
        let mut previous = None;
        for other in versions.iter_mut() {
            if other.version.status == VersionStatus::Active {
                other.version.status = VersionStatus::Deprecated;
                previous = Some(other.version.payload.id.clone());
            }
        }
        let stored = find(versions, &flow_id, &version_id)?;
        stored.version.status = VersionStatus::Active;
        (stored.version.clone(), previous)
    };
    delivery::publish_event(&state, &published, previous);
    Ok(Json(published).into_response())
}

/// `GET /webhooks`, paged.
pub async fn list_webhooks(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(paging): Query<Paging>,
) -> Answer {
    require(&state, &headers, "webhooks:read")?;
    let all = state.lock().webhooks.clone();
    Ok(Json(page(&all, &paging, state.config.page_size, "/api/v2/webhooks")).into_response())
}

/// `POST /webhooks`: 400 for a malformed or non-http(s) URL or an unknown event.
pub async fn create_webhook(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Answer {
    require(&state, &headers, "webhooks:write")?;
    let request: WebhookRequest = parse(&body, "webhook")?;
    if request.name.trim().is_empty() {
        return Err(ApiError::bad_request("webhook name must not be empty"));
    }
    if request.event != FLOW_VERSION_PUBLISHED {
        return Err(ApiError::bad_request(format!(
            "unknown event `{}` (the emulator knows {FLOW_VERSION_PUBLISHED})",
            request.event
        )));
    }
    let url = reqwest::Url::parse(&request.url)
        .map_err(|e| ApiError::bad_request(format!("webhook url `{}` is malformed: {e}", request.url)))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(ApiError::bad_request(format!(
            "webhook url `{}` must be an http or https URL with a host",
            request.url
        )));
    }
    let mut inner = state.lock();
    // Decision: a webhook's name is unique in a tenant, so a client can create one idempotently.
    if let Some(taken) = inner.webhooks.iter().find(|w| w.name == request.name) {
        return Err(ApiError::conflict(
            "name_taken",
            format!("a webhook named `{}` exists already (`{}`)", request.name, taken.id),
        ));
    }
    let webhook = Webhook {
        id: uuid::Uuid::new_v4().to_string(),
        name: request.name,
        event: request.event,
        url: request.url,
        active: request.active,
    };
    inner.webhooks.push(webhook.clone());
    drop(inner);
    Ok((StatusCode::CREATED, Json(webhook)).into_response())
}
