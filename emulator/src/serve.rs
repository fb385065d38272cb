//! Serving: routes, and the connection loop that applies latency and faults to every API call and
//! logs it. Built on hyper directly so that a "dropped connection" closes the socket unanswered.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::admin;
use crate::error::ApiError;
use crate::faults::FaultKind;
use crate::state::{AppState, LogEntry};

/// The largest request body the emulator takes.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The routes: each emulated API's ([`crate::apis`]: the flows API under `/api/v2` with its token
/// endpoint, Studio's), and the admin endpoints.
pub fn routes(state: Arc<AppState>) -> Router {
    crate::apis()
        .into_iter()
        .fold(Router::new(), Router::merge)
        .route("/admin/state", get(admin::state))
        .route("/admin/requests", get(admin::requests))
        .route("/admin/faults", get(admin::faults).post(admin::set_faults))
        .route("/admin/revoke-tokens", post(admin::revoke_tokens))
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        // Real scripts run to megabytes; axum's default 2 MB limit would refuse them.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// A fault that drops the connection: hyper closes it without an answer when the service fails.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by an injected fault")]
pub struct Dropped;

/// Accepts connections until the task is aborted.
pub async fn run(listener: TcpListener, state: Arc<AppState>) {
    let router = routes(Arc::clone(&state));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let (router, state) = (router.clone(), Arc::clone(&state));
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                handle(Arc::clone(&state), router.clone(), request)
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn route(router: Router, request: Request<Incoming>) -> Response {
    match router.oneshot(request.map(Body::new)).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

fn fault_label(kind: &FaultKind) -> String {
    match kind {
        FaultKind::Status { status } => format!("status {status}"),
        FaultKind::Answer { status, .. } => format!("answer {status}"),
        FaultKind::RateLimit { .. } => "429".into(),
        FaultKind::Drop => "drop".into(),
        FaultKind::Revoke => "revoke".into(),
        FaultKind::ActThenDrop => "act then drop".into(),
        FaultKind::ActThenDelay { delay_ms } => format!("act then delay {delay_ms} ms"),
    }
}

async fn handle(state: Arc<AppState>, router: Router, request: Request<Incoming>) -> Result<Response, Dropped> {
    let (method, path) = (request.method().to_string(), request.uri().path().to_string());
    if path.starts_with("/admin/") {
        return Ok(route(router, request).await);
    }
    let started = Instant::now();
    let (delay, fault) = state.lock().faults.decide(&method, &path);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let label = fault.as_ref().map(fault_label);
    // What the handler did, when the fault lets it act, and whether the answer is then lost.
    let mut acted_status = None;
    let response = match fault {
        Some(FaultKind::Drop) => None,
        Some(FaultKind::ActThenDrop) => {
            acted_status = Some(route(router, request).await.status().as_u16());
            None
        }
        Some(FaultKind::ActThenDelay { delay_ms }) => {
            let response = route(router, request).await;
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
            Some(response)
        }
        Some(FaultKind::Status { status }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = format!("injected fault: HTTP {}", status.as_u16());
            Some(ApiError::new(status, "injected_fault", message).into_response())
        }
        Some(FaultKind::Answer { status, body }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Some((status, axum::Json(body)).into_response())
        }
        Some(FaultKind::RateLimit { retry_after, http_date }) => {
            let mut response =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many requests").into_response();
            let value = if http_date {
                let at = std::time::SystemTime::now() + std::time::Duration::from_secs(retry_after);
                httpdate::fmt_http_date(at)
            } else {
                retry_after.to_string()
            };
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert("retry-after", value);
            }
            Some(response)
        }
        Some(FaultKind::Revoke) => {
            admin::revoke_all(&state);
            Some(route(router, request).await)
        }
        None => Some(route(router, request).await),
    };
    let mut inner = state.lock();
    let seq = inner.log.len() as u64 + 1;
    inner.log.push(LogEntry {
        seq,
        method,
        path,
        status: response.as_ref().map(|r| r.status().as_u16()).or(acted_status),
        fault: label,
        elapsed_ms: started.elapsed().as_millis() as u64,
    });
    response.ok_or(Dropped)
}
