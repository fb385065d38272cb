//! Benchmark of `cxone-flow check` (read, parse, load, every rule) on generated corpora:
//! 1,000 flows of about 200 elements, checked in parallel and on one core, and one flow of 100,000
//! elements, and 1,000 Studio scripts of the same IVR in Studio's terms. Reports MB/s, flows/s,
//! elements/s, peak memory, the per-element cost ratio of the large flow to the small ones, and the
//! per-byte cost of scripts against flows (each ratio from runs in turn, pair by pair). Run:
//! `cargo bench --bench check`.

mod corpus;

/// The allocator the `cxone-flow` binary uses, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: cxone_flow::allocator::Mimalloc = cxone_flow::allocator::Mimalloc;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cxone_flow::check::{Settings, check};
use cxone_flow::discover::discover;
use cxone_flow::registry::RuleLimits;

const RUNS: usize = 7;
/// Pairs of runs for each cost ratio.
const PAIRED_RUNS: usize = 15;

/// RuleLimits high enough that the generated chains (deep by construction) report nothing: the benchmark
/// measures the work of checking, not of rendering thousands of findings.
fn settings() -> Settings {
    Settings {
        limits: RuleLimits {
            max_decision_nodes: usize::MAX,
            max_menu_depth: usize::MAX,
        },
        ..Settings::default()
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Resets the kernel's peak-RSS mark (Linux), so each phase reports its own peak.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_memory_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

struct Measured {
    median: Duration,
    peak_mib: f64,
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
}

/// One check of the corpus in `dir` (discovery included) on `pool`: how long it took.
fn run(dir: &PathBuf, pool: &rayon::ThreadPool) -> Duration {
    pool.install(|| {
        let started = Instant::now();
        let units = discover(std::slice::from_ref(dir)).into_result().expect("corpus");
        let report = check(&units, &settings());
        let elapsed = started.elapsed();
        assert_eq!(report.diagnostics().count(), 0, "the generated corpus must be clean");
        elapsed
    })
}

fn measure(dir: &PathBuf, threads: usize) -> Measured {
    let pool = pool(threads);
    reset_peak_memory();
    let samples = (0..RUNS).map(|_| run(dir, &pool)).collect();
    Measured {
        median: median(samples),
        peak_mib: peak_memory_mib(),
    }
}

/// The cost per unit of corpus `b` over that of corpus `a` (`a` and `b`: a folder and how many
/// units it holds), on one core, the two checked in turn, A B A B, after a warm-up of each: the
/// median of the pair-by-pair ratios. The host's speed drifts, and two blocks of runs measured one
/// after the other drift apart with it.
fn paired_ratio(a: (&PathBuf, f64), b: (&PathBuf, f64)) -> f64 {
    let pool = pool(1);
    run(a.0, &pool);
    run(b.0, &pool);
    let mut ratios: Vec<f64> = (0..PAIRED_RUNS)
        .map(|_| {
            let a_cost = run(a.0, &pool).as_secs_f64() / a.1;
            let b_cost = run(b.0, &pool).as_secs_f64() / b.1;
            b_cost / a_cost
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// One line of the report: a phase's median, throughput, rate of `unit`s and peak memory, with
/// `extra` just before the peak.
fn row(label: &str, measured: &Measured, bytes: u64, items: f64, unit: &str, extra: &str) -> String {
    let seconds = measured.median.as_secs_f64();
    format!(
        "  {label}{:>8.1} ms  {:>7.1} MB/s  {:>8.0} {unit}/s  {extra}peak {:.0} MiB",
        seconds * 1e3,
        bytes as f64 / 1e6 / seconds,
        items / seconds,
        measured.peak_mib
    )
}

fn main() {
    let temp = std::env::temp_dir().join(format!("cxone-flow-bench-{}", std::process::id()));
    let small_dir = temp.join("small");
    let large_dir = temp.join("large");
    let (count, small_elements, large_elements) = (1_000, 200, 100_000);
    let small_bytes = corpus::write_corpus(&small_dir, count, small_elements);
    let script_dir = temp.join("scripts");
    let script_bytes = corpus::write_script_corpus(&script_dir, count, small_elements);
    let large_bytes = corpus::write_corpus(&large_dir, 1, large_elements);
    let elements_of = |target: usize| corpus::sections(target) * corpus::SECTION + 1;
    let small_total_elements = (count * elements_of(small_elements)) as f64;
    let large_total_elements = elements_of(large_elements) as f64;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    let parallel = measure(&small_dir, cores);
    let one_core = measure(&small_dir, 1);
    let large = measure(&large_dir, 1);
    let scripts_parallel = measure(&script_dir, cores);
    let scripts_one_core = measure(&script_dir, 1);
    let large_per_element = paired_ratio((&small_dir, small_total_elements), (&large_dir, large_total_elements));
    let scripts_per_byte = paired_ratio((&small_dir, small_bytes as f64), (&script_dir, script_bytes as f64));
    let _ = std::fs::remove_dir_all(&temp);

    let per_element = |d: Duration, n: f64| d.as_secs_f64() * 1e9 / n;
    println!("cxone-flow check benchmark: median of {RUNS} runs, {cores} cores");
    println!(
        "corpus A: {count} flows x {} elements, {:.1} MB",
        elements_of(small_elements),
        small_bytes as f64 / 1e6
    );
    let parallel_label = format!("parallel ({cores} threads): ");
    let one_core_label = "one core:              ";
    let ns_per_element = |m: &Measured, n: f64| format!("{:>6.0} ns/element  ", per_element(m.median, n));
    println!(
        "{}",
        row(&parallel_label, &parallel, small_bytes, count as f64, "flows", "")
    );
    println!(
        "{}",
        row(
            one_core_label,
            &one_core,
            small_bytes,
            count as f64,
            "flows",
            &ns_per_element(&one_core, small_total_elements)
        )
    );
    println!(
        "corpus B: 1 flow x {} elements, {:.1} MB",
        elements_of(large_elements),
        large_bytes as f64 / 1e6
    );
    println!(
        "{}",
        row(
            one_core_label,
            &large,
            large_bytes,
            large_total_elements,
            "elements",
            &ns_per_element(&large, large_total_elements)
        )
    );
    println!(
        "per-element cost, 100,000-element flow / 200-element flows (one core): {large_per_element:.2}x (goal: at most 1.5x)   (pair by pair, {PAIRED_RUNS} pairs; of the two medians: {:.2}x)",
        per_element(large.median, large_total_elements) / per_element(one_core.median, small_total_elements)
    );
    println!(
        "corpus C: {count} Studio scripts x {} actions (the same IVR), {:.1} MB",
        elements_of(small_elements) + 1,
        script_bytes as f64 / 1e6
    );
    println!(
        "{}",
        row(
            &parallel_label,
            &scripts_parallel,
            script_bytes,
            count as f64,
            "scripts",
            ""
        )
    );
    println!(
        "{}",
        row(
            one_core_label,
            &scripts_one_core,
            script_bytes,
            count as f64,
            "scripts",
            ""
        )
    );
    let per_byte = |d: Duration, bytes: u64| d.as_secs_f64() / bytes as f64;
    println!(
        "per-byte cost, scripts / flows (one core): {scripts_per_byte:.2}x (goal: at most 1.5x)   (pair by pair, {PAIRED_RUNS} pairs; of the two medians: {:.2}x)",
        per_byte(scripts_one_core.median, script_bytes) / per_byte(one_core.median, small_bytes)
    );
}
