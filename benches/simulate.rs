//! Benchmark of the simulation engine as `cxone-flow check` runs it: 1,000 generated flows of about
//! 200 elements, 50 cases each (engine built per flow, every case run and its expectations checked,
//! coverage gathered), flows in parallel. Reports cases/s and simulated steps/s, on all cores and on
//! one. Run: `cargo bench --bench simulate`.

mod corpus;

use std::time::{Duration, Instant};

use cxone_flow::flow::ends::Ends;
use cxone_flow::flow::model::Flow;
use cxone_flow::json::Tape;
use cxone_flow::sim::cases::{self, TestFile};
use cxone_flow::sim::run::{Paths, run_cases};
use cxone_flow::source::SourceFile;
use rayon::prelude::*;

const FLOWS: usize = 1_000;
const ELEMENTS: usize = 200;
const CASES: usize = 50;
const RUNS: usize = 5;

fn load(text: String, name: &str) -> (Flow, TestFile) {
    let flow_source = SourceFile::new(format!("{name}.flow.json"), text);
    let (flow, findings) = cxone_flow::flow::load::load(Tape::parse(&flow_source.text).expect("flow json").root());
    assert!(findings.is_empty(), "generated flows are clean");
    let tests_source = SourceFile::new(format!("{name}.tests.json"), corpus::tests_text(ELEMENTS, CASES));
    let (tests, findings) = cases::load(Tape::parse(&tests_source.text).expect("tests json").root());
    assert!(findings.is_empty(), "generated tests are clean: {findings:?}");
    (flow, tests)
}

/// Runs every flow's cases; returns (steps simulated, cases failed).
fn run_all(corpus: &[(Flow, TestFile)]) -> (usize, usize) {
    corpus
        .par_iter()
        .map(|(flow, tests)| {
            let (runs, _coverage) = run_cases(flow, &Ends::of(flow), Some(tests), 3_600_000, Paths::Every);
            let steps = runs.iter().map(|r| r.call.path.len()).sum::<usize>();
            let failed = runs.iter().filter(|r| !r.failures.is_empty()).count();
            (steps, failed)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

fn measure(corpus: &[(Flow, TestFile)], threads: usize) -> (Duration, usize) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let mut samples = Vec::new();
    let mut steps = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let (s, failed) = pool.install(|| run_all(corpus));
        samples.push(started.elapsed());
        assert_eq!(failed, 0, "every generated case passes");
        steps = s;
    }
    samples.sort();
    (samples[RUNS / 2], steps)
}

fn main() {
    let corpus: Vec<(Flow, TestFile)> = (0..FLOWS)
        .map(|i| {
            let name = format!("flow-{i:05}");
            load(corpus::flow_text(&name, ELEMENTS), &name)
        })
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cases = (FLOWS * CASES) as f64;
    println!("cxone-flow simulation benchmark: {FLOWS} flows x {CASES} cases, median of {RUNS} runs, {cores} cores");
    for threads in [cores, 1] {
        let (median, steps) = measure(&corpus, threads);
        let secs = median.as_secs_f64();
        println!(
            "  {threads} thread(s): {:>8.1} ms  {:>10.0} cases/s  {:>6.2} M steps/s ({:.2} M steps/s per core)  {} steps, {:.1} steps/case",
            secs * 1e3,
            cases / secs,
            steps as f64 / secs / 1e6,
            steps as f64 / secs / 1e6 / threads as f64,
            steps,
            steps as f64 / cases
        );
    }
}
