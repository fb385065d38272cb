//! Benchmark of a release against the emulator with 50 ms latency on every call: 10 flows x 20 cases.
//! Reports the wall time, the requests made, and the critical-path bound: the sequential round trips
//! of one flow (token, list, register, registration job, one wave of simulations, publish) times the
//! latency, with flows and simulations all in parallel. Checks that no call is redundant (one token
//! per run, one versions list per flow). Run: `cargo bench --bench release`.

mod corpus;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cxone_emulator::{Config, Latency, spawn};
use cxone_flow::check::Settings;
use cxone_flow::cxone::client::{ClientConfig, CxoneClient};
use cxone_flow::cxone::secret::Secret;
use cxone_flow::discover::discover;
use cxone_flow::registry::RuleLimits;
use cxone_flow::release::audit::AuditLog;
use cxone_flow::release::backend::RegistrationWait;
use cxone_flow::release::gate::gate;
use cxone_flow::release::payload::ReleaseInfo;
use cxone_flow::release::pipeline::{Outcome, ReleaseSettings, release};

const FLOWS: usize = 10;
const CASES: usize = 20;
const ELEMENTS: usize = 60;
const LATENCY_MS: u64 = 50;
const RUNS: usize = 5;
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

async fn one_release(dir: &std::path::Path, run: usize) -> (Duration, usize, u64, usize) {
    let emulator = spawn(Config {
        registration_delay: Duration::ZERO,
        latency: Latency {
            fixed_ms: LATENCY_MS,
            jitter_ms: 0,
        },
        ..Config::default()
    })
    .await
    .expect("emulator");
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
    let flows = match gate(&units, &gate_settings, cxone_flow::registry::Severity::Error) {
        (_, Ok(flows)) => flows,
        (report, Err(_)) => panic!(
            "the corpus fails the gate:\n{}",
            cxone_flow::report::human::render(&report)
        ),
    };
    let client = Arc::new(
        CxoneClient::new(ClientConfig::new(
            emulator.base_url(),
            emulator.token_url(),
            "cxone-flow",
            Secret::new("emulator-secret"),
        ))
        .expect("client"),
    );
    let settings = ReleaseSettings {
        release: ReleaseInfo {
            tag: format!("bench-{run}"),
            environment: "staging".into(),
            environment_reason: "the benchmark releases to staging".into(),
            activation_priority: 1,
            created_by: "bench@local".into(),
        },
        force: false,
        max_concurrency: FLOWS,
        case_concurrency: CASES,
        qa_webhook_url: None,
        smoke_test: false,
        dry_run: false,
        max_execution_ms: 3_600_000,
        registration: RegistrationWait {
            timeout: Duration::from_secs(30),
            poll: Duration::from_millis(LATENCY_MS),
        },
    };
    let audit = Arc::new(AuditLog::open(&dir.join(format!("audit-{run}.jsonl")), "bench", "local").expect("audit"));
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
        "  requests:            {requests} ({} expected: 1 token + per flow 1 list, 1 register, 1 job, {CASES} simulations, 1 publish)",
        1 + FLOWS * (4 + CASES)
    );
    println!("  tokens fetched:      {tokens}; versions lists: {lists} for {FLOWS} flows");
    assert_eq!(tokens, 1, "one token per run");
    assert_eq!(lists, FLOWS, "one versions list per flow");
}
