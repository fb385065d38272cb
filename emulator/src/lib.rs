//! A faithful, stateful emulator of the NICE CXone Flow Management, Simulation and Webhook APIs (v2),
//! with faults on demand. Tests start one with [`spawn`] on 127.0.0.1 port 0; users rehearse
//! releases against the `cxone-emulator` binary. The contract is `docs/cxone-api.md`.

pub mod admin;
pub mod api;
pub mod auth;
pub mod delivery;
pub mod error;
pub mod faults;
pub mod serve;
pub mod state;
pub mod studio;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use faults::{FaultKind, FaultRule, Latency};
pub use state::AppState;

/// Every emulated API's routes: a backend's module declares its own, and is listed here.
fn apis() -> [axum::Router<Arc<AppState>>; 2] {
    [api::routes(), studio::routes()]
}

/// Every scope the contract defines.
pub const ALL_SCOPES: [&str; 6] = [
    "flows:read",
    "flows:write",
    "flows:publish",
    "flow:simulate",
    "webhooks:read",
    "webhooks:write",
];

/// How an emulator behaves.
#[derive(Debug, Clone)]
pub struct Config {
    pub client_id: String,
    pub client_secret: String,
    /// The scopes the client may request.
    pub scopes: Vec<String>,
    /// `expires_in` of issued tokens.
    pub token_ttl_secs: u64,
    /// How long an asynchronous registration takes.
    pub registration_delay: Duration,
    /// A simulated call that visits more elements than this without ending answers 504.
    pub execution_window_steps: usize,
    /// Entities per page of a listing; more pages are linked with `next` (at least 1).
    pub page_size: usize,
    /// The threshold of a simulation's `result` (SUCCESS/FAILURE), in ms.
    pub execution_threshold_ms: u64,
    /// The key webhook events are signed with (HMAC-SHA256, header `x-cxone-signature`).
    pub webhook_secret: String,
    /// Delivery attempts per event and webhook.
    pub webhook_attempts: u32,
    pub faults: Vec<FaultRule>,
    pub latency: Latency,
    /// Seeds the generator behind fault shares and latency jitter.
    pub seed: u64,
    /// What token lifetimes and registration delays are measured on: the system's clock, or a
    /// test's manual one (shared with the client under test, so both see the same time).
    pub clock: cxone_flow::clock::Clock,
    /// The Studio side: who may log in, the tenant, its skills and points of contact.
    pub studio: studio::StudioConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            client_id: "cxone-flow".into(),
            client_secret: "emulator-secret".into(),
            scopes: ALL_SCOPES.iter().map(|s| s.to_string()).collect(),
            token_ttl_secs: 3600,
            registration_delay: Duration::from_millis(20),
            execution_window_steps: 500,
            page_size: 100,
            execution_threshold_ms: 15_000,
            webhook_secret: "emulator-webhook-secret".into(),
            webhook_attempts: 3,
            faults: Vec::new(),
            latency: Latency::default(),
            seed: 0,
            clock: Default::default(),
            studio: studio::StudioConfig::default(),
        }
    }
}

/// A running emulator. Dropping it stops it.
pub struct Emulator {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    task: JoinHandle<()>,
}

impl Emulator {
    /// The API base URL, `http://127.0.0.1:PORT/api/v2`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v2", self.addr)
    }

    /// The token URL, `http://127.0.0.1:PORT/oauth/token`.
    pub fn token_url(&self) -> String {
        format!("http://{}/oauth/token", self.addr)
    }

    /// The origin, `http://127.0.0.1:PORT`: the Studio side's issuer, access-key host and API host.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The admin URL prefix, `http://127.0.0.1:PORT/admin`.
    pub fn admin_url(&self) -> String {
        format!("http://{}/admin", self.addr)
    }

    /// Waits until every webhook delivery started so far has ended (delivered, or out of
    /// attempts): after it, no webhook call of an earlier publish can still arrive.
    pub async fn deliveries_ended(&self) {
        let mut under_way = self.state.deliveries_under_way.subscribe();
        // The sender lives in `self.state`, so the channel cannot close while this waits.
        let _ = under_way.wait_for(|&n| n == 0).await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts an emulator on 127.0.0.1, port 0 (the system picks a free one).
pub async fn spawn(config: Config) -> std::io::Result<Emulator> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    serve_on(listener, config)
}

/// Starts an emulator on a listener the caller bound.
pub fn serve_on(listener: TcpListener, config: Config) -> std::io::Result<Emulator> {
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState::new(config));
    let task = tokio::spawn(serve::run(listener, Arc::clone(&state)));
    Ok(Emulator { addr, state, task })
}
