//! Benchmark of a release against the emulator with 50 ms latency on every call: 10 flows x 20 cases
//! and a QA webhook. Reports the wall time, the requests made, and the critical-path bound: the
//! sequential round trips of one flow (token, list, register, registration job, one wave of
//! simulations, publish) times the latency, with flows and simulations all in parallel and the
//! webhook set up meanwhile. Checks that no call is redundant (one token per run, one versions list
//! per flow). Beside it, in the same run, a sequential seed-style driver does the same release one
//! call at a time (register, wait, simulate each case in turn, webhook, publish, one flow after
//! another), as the tutorial's reference script does. Run: `cargo bench --bench release`.

mod corpus;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cxone_emulator::{Config, Latency, spawn};
use cxone_flow::check::Settings;
use cxone_flow::cxone::client::{ClientConfig, CxoneClient};
use cxone_flow::cxone::secret::Secret;
use cxone_flow::cxone::types::{FLOW_VERSION_PUBLISHED, SimulationInput, SimulationRequest, WebhookRequest};
use cxone_flow::discover::discover;
use cxone_flow::registry::RuleLimits;
use cxone_flow::release::audit::AuditLog;
use cxone_flow::release::backend::RegistrationWait;
use cxone_flow::release::gate::gate;
use cxone_flow::release::payload::{ReleaseInfo, now_rfc3339, version_id};
use cxone_flow::release::pipeline::{Outcome, ReleaseFlow, ReleaseSettings, release};

const FLOWS: usize = 10;
const CASES: usize = 20;
const ELEMENTS: usize = 60;
const LATENCY_MS: u64 = 50;
const RUNS: usize = 5;
/// The sequential driver takes about 250 round trips a run: fewer runs.
const SEED_RUNS: usize = 3;
const QA_WEBHOOK: &str = "http://127.0.0.1:9/qa";
/// Sequential round trips on one flow's critical path: token, versions list, register, job, the
/// simulations (one wave, all in parallel), publish.
const ROUND_TRIPS: u64 = 6;

fn write_corpus(dir: &std::path::Path) {
    for i in 0..FLOWS {
        let name = format!("flow-{i:02}");
        std::fs::write(
            dir.join(format!("{name}.flow.json")),
            corpus::flow_text(&name, ELEMENTS),
        )
        .unwrap();
        std::fs::write(
            dir.join(format!("{name}.tests.json")),
            corpus::tests_text(ELEMENTS, CASES),
        )
        .unwrap();
    }
}

async fn emulator() -> cxone_emulator::Emulator {
    spawn(Config {
        registration_delay: Duration::ZERO,
        latency: Latency {
            fixed_ms: LATENCY_MS,
            jitter_ms: 0,
        },
        ..Config::default()
    })
    .await
    .expect("emulator")
}

fn client(emulator: &cxone_emulator::Emulator) -> CxoneClient {
    CxoneClient::new(ClientConfig::new(
        emulator.base_url(),
        emulator.token_url(),
        "cxone-flow",
        Secret::new("emulator-secret"),
    ))
    .expect("client")
}

/// The flows that pass the local gate.
fn gated(dir: &std::path::Path) -> Vec<ReleaseFlow> {
    let units = discover(&[dir.to_path_buf()]).into_result().expect("corpus");
    // The generated chains are deep by construction: raise the depth and complexity limits.
    let limits = RuleLimits {
        max_decision_nodes: usize::MAX,
        max_menu_depth: usize::MAX,
    };
    let gate_settings = Settings {
        limits,
        max_execution_ms: 3_600_000,
        ..Settings::default()
    };
    match gate(&units, &gate_settings, cxone_flow::registry::Severity::Error) {
        (_, Ok(flows)) => flows,
        (report, Err(_)) => panic!(
            "the corpus fails the gate:\n{}",
            cxone_flow::report::human::render(&cxone_flow::outcome::Outcome::checked(
                report,
                cxone_flow::registry::Severity::Error
            ))
        ),
    }
}

fn release_info(tag: String) -> ReleaseInfo {
    ReleaseInfo {
        tag,
        environment: "staging".into(),
        environment_reason: "the benchmark releases to staging".into(),
        activation_priority: 1,
        created_by: "bench@local".into(),
    }
}

async fn one_release(dir: &std::path::Path, run: usize) -> (Duration, usize, u64, usize) {
    let emulator = emulator().await;
    let flows = gated(dir);
    let client = Arc::new(client(&emulator));
    let settings = ReleaseSettings {
        release: release_info(format!("bench-{run}")),
        force: false,
        max_concurrency: FLOWS,
        case_concurrency: CASES,
        qa_webhook_url: Some(QA_WEBHOOK.into()),
        smoke_test: false,
        dry_run: false,
        max_execution_ms: 3_600_000,
        registration: RegistrationWait {
            timeout: Duration::from_secs(30),
            poll: Duration::from_millis(LATENCY_MS),
        },
    };
    let audit = Arc::new(
        AuditLog::open(
            &Default::default(),
            &dir.join(format!("audit-{run}.jsonl")),
            "bench",
            "local",
        )
        .expect("audit"),
    );
    let started = Instant::now();
    let results = release(client, flows, settings, audit).await.expect("release");
    let wall = started.elapsed();
    assert!(
        results.iter().all(|r| matches!(r.outcome, Outcome::Published { .. })),
        "{results:?}"
    );
    let log = emulator.state.lock().log.clone();
    let lists = log
        .iter()
        .filter(|e| e.method == "GET" && e.path.ends_with("/versions"))
        .count();
    (wall, log.len(), emulator.state.lock().tokens_issued, lists)
}

/// The same release one call at a time, as a seed script does it: per flow, register, wait for the
/// job, simulate each case in turn, create the QA webhook, publish. Returns its wall time.
async fn seed_release(dir: &std::path::Path, run: usize) -> Duration {
    let emulator = emulator().await;
    let flows = gated(dir);
    let client = client(&emulator);
    let release = release_info(format!("seed-{run}"));
    let poll = Duration::from_millis(LATENCY_MS);
    let started = Instant::now();
    client.authenticate().await.expect("token");
    for flow in &flows {
        let flow_id = &flow.content.flow_id;
        let id = version_id(flow_id, &release.tag, &flow.content.content_hash);
        let payload = flow.content.payload(id.clone(), &release, None, now_rfc3339());
        let (_, job) = client.register_version(&payload).await.expect("register");
        client
            .wait_for_registration(&job, Duration::from_secs(30), poll)
            .await
            .expect("registered");
        for case in &flow.tests.cases {
            let request = SimulationRequest {
                version_id: id.clone(),
                input: SimulationInput {
                    dtmf: case.dtmf.clone(),
                    variables: case.variables.clone(),
                },
                simulate_timeouts: true,
                record_path: true,
            };
            client.simulate(flow_id, &request).await.expect("simulate");
        }
        let webhook = WebhookRequest {
            name: format!("seed-qa-{flow_id}"),
            event: FLOW_VERSION_PUBLISHED.into(),
            url: QA_WEBHOOK.into(),
            active: true,
        };
        client.create_webhook(&webhook).await.expect("webhook");
        client.publish(flow_id, &id).await.expect("publish");
    }
    started.elapsed()
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_corpus(dir.path());
    let mut walls = Vec::new();
    let (mut requests, mut tokens, mut lists) = (0, 0, 0);
    for run in 0..RUNS {
        let (wall, r, t, l) = one_release(dir.path(), run).await;
        walls.push(wall);
        (requests, tokens, lists) = (r, t, l);
    }
    walls.sort();
    let median = walls[RUNS / 2];
    let mut seed_walls = Vec::new();
    for run in 0..SEED_RUNS {
        seed_walls.push(seed_release(dir.path(), run).await);
    }
    seed_walls.sort();
    let seed = seed_walls[SEED_RUNS / 2];
    let bound = Duration::from_millis(ROUND_TRIPS * LATENCY_MS);
    println!(
        "cxone-flow release benchmark: {FLOWS} flows x {CASES} cases, {LATENCY_MS} ms latency per call, median of {RUNS} runs"
    );
    println!(
        "  wall time:           {:>7.1} ms (min {:.1}, max {:.1})",
        median.as_secs_f64() * 1e3,
        walls[0].as_secs_f64() * 1e3,
        walls[RUNS - 1].as_secs_f64() * 1e3
    );
    println!(
        "  critical-path bound: {:>7.1} ms ({ROUND_TRIPS} sequential round trips x {LATENCY_MS} ms)",
        bound.as_secs_f64() * 1e3
    );
    println!(
        "  ratio:               {:>7.2}x",
        median.as_secs_f64() / bound.as_secs_f64()
    );
    println!(
        "  sequential seed-style driver: {:>7.1} ms (median of {SEED_RUNS}); ours is {:.1}x faster",
        seed.as_secs_f64() * 1e3,
        seed.as_secs_f64() / median.as_secs_f64()
    );
    println!(
        "  requests:            {requests} ({} expected: 1 token, 1 webhook list, 1 webhook + per flow 1 list, 1 register, 1 job, {CASES} simulations, 1 publish)",
        3 + FLOWS * (4 + CASES)
    );
    println!("  tokens fetched:      {tokens}; versions lists: {lists} for {FLOWS} flows");
    assert_eq!(tokens, 1, "one token per run");
    assert_eq!(lists, FLOWS, "one versions list per flow");
}
