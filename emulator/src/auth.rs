//! OAuth client credentials: the token endpoint, and the scope check every API call makes.

use std::sync::Arc;
use std::time::Duration;

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cxone_flow::cxone::types::TokenResponse;
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::{AppState, TokenInfo};

/// The form `POST /oauth/token` takes.
#[derive(Deserialize)]
pub struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
}

/// A 401 answer.
pub(crate) fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
}

/// `POST /oauth/token`: form-encoded client credentials; 401 for wrong credentials or scopes the
/// client may not have.
pub async fn token(State(state): State<Arc<AppState>>, form: Result<Form<TokenForm>, FormRejection>) -> Response {
    let Ok(Form(form)) = form else {
        return ApiError::bad_request("the token request must be form-encoded (application/x-www-form-urlencoded)")
            .into_response();
    };
    if form.grant_type.as_deref() != Some("client_credentials") {
        return ApiError::bad_request("grant_type must be client_credentials").into_response();
    }
    let config = &state.config;
    if form.client_id.as_deref() != Some(config.client_id.as_str())
        || form.client_secret.as_deref() != Some(config.client_secret.as_str())
    {
        return unauthorized("invalid client credentials").into_response();
    }
    let requested: Vec<String> = form
        .scope
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if let Some(missing) = requested.iter().find(|s| !config.scopes.contains(s)) {
        return unauthorized(&format!("insufficient scopes: the client may not request `{missing}`")).into_response();
    }
    let access_token = format!("emu-{}", uuid::Uuid::new_v4().simple());
    let mut inner = state.lock();
    inner.tokens_issued += 1;
    inner.tokens.insert(
        access_token.clone(),
        TokenInfo {
            expires_at: config.clock.now() + Duration::from_secs(config.token_ttl_secs),
            scopes: requested.clone(),
            revoked: false,
        },
    );
    axum::Json(TokenResponse {
        access_token,
        expires_in: config.token_ttl_secs,
        token_type: "Bearer".into(),
        scope: requested.join(" "),
        id_token: None,
        refresh_token: None,
    })
    .into_response()
}

/// Checks the bearer token of a call: 401 when missing, unknown, expired or revoked; 403 when it
/// lacks `scope`.
pub fn require(state: &AppState, headers: &HeaderMap, scope: &str) -> Result<(), ApiError> {
    let scopes = live_token_scopes(state, headers)?;
    if !scopes.iter().any(|s| s == scope) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            format!("the token lacks the scope `{scope}`"),
        ));
    }
    Ok(())
}

/// The scopes of the call's bearer token: 401 when it is missing, unknown, expired or revoked.
pub fn live_token_scopes(state: &AppState, headers: &HeaderMap) -> Result<Vec<String>, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| unauthorized("missing bearer token"))?;
    let inner = state.lock();
    let info = inner.tokens.get(token).ok_or_else(|| unauthorized("unknown token"))?;
    if info.revoked {
        return Err(unauthorized("token revoked"));
    }
    if state.config.clock.now() >= info.expires_at {
        return Err(unauthorized("token expired"));
    }
    Ok(info.scopes.clone())
}
