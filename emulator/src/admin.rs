//! Admin endpoints for tests and rehearsals: the state, the request log, faults, token revocation.
//! They take no token: never expose an emulator beyond the machine it rehearses on.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::faults::{FaultRule, Latency};
use crate::state::AppState;

/// `GET /admin/state`: versions per flow (without their content), webhooks, deliveries, tokens
/// issued, and the Studio side: scripts (master id and saves, without their content) and points of
/// contact.
pub async fn state(State(state): State<Arc<AppState>>) -> Response {
    let inner = state.lock();
    let versions: serde_json::Map<String, serde_json::Value> = inner
        .versions
        .iter()
        .map(|(flow, versions)| {
            let list: Vec<_> = versions
                .iter()
                .map(|s| {
                    json!({
                        "id": s.version.payload.id,
                        "status": s.version.status,
                        "versionTag": s.version.payload.metadata.version_tag,
                        "environment": s.version.payload.version_tags.environment,
                        "contentHash": s.version.payload.metadata.content_hash,
                        "rollbackReference": s.version.payload.version_tags.rollback_reference,
                        "jobId": s.job_id,
                    })
                })
                .collect();
            (flow.clone(), json!(list))
        })
        .collect();
    let scripts: serde_json::Map<String, serde_json::Value> = inner
        .scripts
        .iter()
        .map(|(name, script)| {
            let saves: Vec<_> = script
                .history
                .iter()
                .map(|(id, date)| json!({"masterId": id, "modifyDate": date}))
                .collect();
            (name.clone(), json!({"masterId": script.master_id, "saves": saves}))
        })
        .collect();
    Json(json!({
        "scripts": scripts,
        "pointsOfContact": inner.points_of_contact,
        "versions": versions,
        "webhooks": inner.webhooks,
        "deliveries": inner.deliveries,
        "tokensIssued": inner.tokens_issued,
    }))
    .into_response()
}

/// `GET /admin/requests`: every API call handled, in order (method, path, status, fault).
pub async fn requests(State(state): State<Arc<AppState>>) -> Response {
    Json(state.lock().log.clone()).into_response()
}

/// The body of `POST /admin/faults`: replaces the rules (and the latency, when given).
#[derive(Deserialize, Serialize)]
pub struct FaultUpdate {
    #[serde(default)]
    pub rules: Vec<FaultRule>,
    #[serde(default)]
    pub latency: Option<Latency>,
}

/// `GET /admin/faults`: the rules in force (with what is left of `next` and `after`) and the latency.
pub async fn faults(State(state): State<Arc<AppState>>) -> Response {
    let inner = state.lock();
    Json(FaultUpdate {
        rules: inner.faults.rules.clone(),
        latency: Some(inner.faults.latency),
    })
    .into_response()
}

/// `POST /admin/faults`. A rule without `next` or `share` fires on every matching call, as on the
/// command line.
pub async fn set_faults(State(state): State<Arc<AppState>>, Json(update): Json<FaultUpdate>) -> Response {
    let mut inner = state.lock();
    inner.faults.rules = update.rules.into_iter().map(FaultRule::always_unless_limited).collect();
    if let Some(latency) = update.latency {
        inner.faults.latency = latency;
    }
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /admin/revoke-tokens`: every token issued so far gets 401 from now on.
pub async fn revoke_tokens(State(state): State<Arc<AppState>>) -> Response {
    revoke_all(&state);
    StatusCode::NO_CONTENT.into_response()
}

/// Revokes every token issued so far.
pub fn revoke_all(state: &AppState) {
    for token in state.lock().tokens.values_mut() {
        token.revoked = true;
    }
}
