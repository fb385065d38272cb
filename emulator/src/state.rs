//! The emulator's state: tokens, versions per flow, registration jobs, webhooks, deliveries, the
//! request log and the fault plan.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use cxone_flow::cxone::types::{Version, Webhook};
use cxone_flow::flow::model::Flow;
use serde::Serialize;

use crate::Config;
use crate::faults::FaultPlan;

/// An issued token.
pub struct TokenInfo {
    pub expires_at: Instant,
    pub scopes: Vec<String>,
    pub revoked: bool,
}

/// A version with what the emulator needs to run it.
pub struct Stored {
    pub version: Version,
    /// The version's flow, loaded once at registration, for simulations.
    pub flow: Flow,
    /// When its asynchronous registration finishes.
    pub ready_at: Instant,
    pub job_id: String,
}

/// A Studio script: its current content and master id, and every save of its name.
pub struct StoredScript {
    pub master_id: u64,
    pub content: serde_json::Value,
    pub modify_date: String,
    /// (master id, date) of every save, oldest first.
    pub history: Vec<(u64, String)>,
}

/// A point of contact of the emulated tenant: it runs the script it names.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PointOfContact {
    pub contact_code: u64,
    pub description: String,
    pub address: String,
    pub skill_id: u64,
    pub is_active: bool,
    pub script_name: String,
}

impl PointOfContact {
    /// `CODE=SCRIPT[:DESCRIPTION:SKILL_ID]`, as `cxone-emulator --point-of-contact` takes it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not CODE=SCRIPT[:DESCRIPTION:SKILL_ID] (CODE and SKILL_ID numbers)");
        let (code, rest) = text.split_once('=').ok_or_else(bad)?;
        let contact_code: u64 = code.trim().parse().map_err(|_| bad())?;
        let mut parts = rest.splitn(3, ':');
        let script_name = parts.next().filter(|s| !s.is_empty()).ok_or_else(bad)?.to_string();
        let description = parts
            .next()
            .map_or_else(|| format!("Point of contact {contact_code}"), str::to_string);
        let skill_id = match parts.next() {
            Some(skill) => skill.trim().parse().map_err(|_| bad())?,
            None => 1,
        };
        Ok(PointOfContact {
            contact_code,
            description,
            address: format!("+1555{contact_code:07}"),
            skill_id,
            is_active: true,
            script_name,
        })
    }
}

/// One webhook delivery of one event, with its attempts.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub delivery_id: String,
    pub webhook_id: String,
    pub url: String,
    pub version_id: String,
    pub attempts: u32,
    pub delivered: bool,
    pub last_status: Option<u16>,
}

/// One handled request, as the admin request log shows it (never headers or bodies).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    pub seq: u64,
    pub method: String,
    pub path: String,
    /// `null` when the connection was dropped.
    pub status: Option<u16>,
    pub fault: Option<String>,
    pub elapsed_ms: u64,
}

/// Everything behind the emulator's one lock.
pub struct Inner {
    pub tokens: HashMap<String, TokenInfo>,
    pub tokens_issued: u64,
    pub versions: BTreeMap<String, Vec<Stored>>,
    pub webhooks: Vec<Webhook>,
    pub deliveries: Vec<Delivery>,
    pub log: Vec<LogEntry>,
    pub faults: FaultPlan,
    /// Studio scripts by name.
    pub scripts: BTreeMap<String, StoredScript>,
    pub next_master_id: u64,
    pub points_of_contact: Vec<PointOfContact>,
}

/// The shared state of one emulator.
pub struct AppState {
    pub config: Config,
    pub inner: Mutex<Inner>,
    pub http: reqwest::Client,
    /// How many webhook deliveries are still under way (sending or waiting to retry).
    pub deliveries_under_way: tokio::sync::watch::Sender<usize>,
}

impl AppState {
    pub fn new(config: Config) -> Self {
        let faults = FaultPlan::new(config.faults.clone(), config.latency, config.seed);
        AppState {
            inner: Mutex::new(Inner {
                tokens: HashMap::new(),
                tokens_issued: 0,
                versions: BTreeMap::new(),
                webhooks: Vec::new(),
                deliveries: Vec::new(),
                log: Vec::new(),
                faults,
                scripts: BTreeMap::new(),
                next_master_id: 1_000,
                points_of_contact: config.studio.points_of_contact.clone(),
            }),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default(),
            deliveries_under_way: tokio::sync::watch::Sender::new(0),
            config,
        }
    }

    /// Locks the state; a panic elsewhere never poisons the emulator for good.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
