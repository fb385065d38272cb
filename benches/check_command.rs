//! Benchmark of the whole `cxone-flow check --format json` command against a plain Node script doing
//! the tutorial's checks (`bench/node-baseline.js`), on each shape of a family of generated corpora
//! (`corpus::shape::SHAPES`: 1,000 flows of about 200 elements with 5 cases each, written one element
//! per line, with 2 or 4 spaces or tabs, minified, with CRLF line ends, sparse and dense graphs whose
//! cases expect full paths; and 1,000 Studio scripts in three layouts, set per byte against the flows
//! of their layout). Each shape's check and Node run in turn, pair by pair; the worst shape's ratios
//! are the figures to quote. On the one-element-per-line shape it also sets the check against the
//! fastest sound parse of the same bytes (our spanned tape; serde_json and sonic-rs into typed
//! structs; sonic-rs's document tree: one thread, in this process; and our tape again as a whole
//! process of its own that walks the corpus, reads and parses each file), and reports the JSON
//! report's size and the startup time on one small flow.
//! Run: `cargo bench --bench check_command`. Environment: `SHAPES=indent2,minified` runs those shapes
//! only, `PAIRS` (15) the pairs per shape, `FLOWS` (1000) the files per corpus, `NODE` the node binary,
//! `BENCH_KEEP_CORPUS=DIR` writes the corpora there and keeps them, and `BENCH_CORPUS_ONLY=DIR`
//! writes every selected shape's corpus there and stops (for `bench/same-reports.sh`). It ends with
//! the rows of the table at the top of docs/performance.md, to paste there.

mod corpus;

use corpus::shape::{self, SHAPES, Shape};

/// The allocator the `cxone-flow` binary uses, so the parses here allocate as the check does.
#[global_allocator]
static ALLOCATOR: cxone_flow::allocator::Mimalloc = cxone_flow::allocator::Mimalloc;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cxone_flow::json::Tape;
use serde::Deserialize;

const FLOWS: usize = 1_000;
const ELEMENTS: usize = 200;
const CASES: usize = 5;
const RUNS: usize = 7;
/// Pairs of runs for the comparison with Node (goal 1).
const PAIRED_RUNS: usize = 15;

/// CPU (user + system), wall time and peak memory of one finished child process.
#[derive(Clone, Copy)]
struct Timing {
    cpu: Duration,
    wall: Duration,
    peak_kib: u64,
}

/// Runs a command to the end, its output counted and dropped; returns its timing and output size.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also gives its CPU time and peak memory"
)]
fn run(command: &mut Command) -> (Timing, usize) {
    use std::io::Read;
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the command starts");
    let mut stdout = Vec::new();
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_end(&mut stdout)
        .expect("the command's output");
    // wait4, not `Child::wait`, for this child's own CPU time and peak memory.
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    // SAFETY: wait4 only writes into the status and the struct it is given.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert!(
        waited == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed: {}",
        String::from_utf8_lossy(&stdout[..stdout.len().min(2000)])
    );
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1_000);
    let timing = Timing {
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        wall,
        peak_kib: usage.ru_maxrss as u64,
    };
    (timing, stdout.len())
}

/// Medians of CPU and wall over `RUNS` runs after one warm-up.
fn measure(mut make: impl FnMut() -> Command) -> (Timing, usize) {
    let (_, bytes) = run(&mut make());
    let mut cpu = Vec::new();
    let mut wall = Vec::new();
    for _ in 0..RUNS {
        let (timing, _) = run(&mut make());
        cpu.push(timing.cpu);
        wall.push(timing.wall);
    }
    let timing = Timing {
        cpu: median(cpu),
        wall: median(wall),
        peak_kib: 0,
    };
    (timing, bytes)
}

/// Two commands run in turn, A B A B ..., after a warm-up of each: each one's median timing and the
/// medians of the ratios A / B pair by pair, which hold when the machine's speed drifts during the
/// run (a median of each side alone does not).
struct Paired {
    a: Timing,
    b: Timing,
    cpu_ratio: f64,
    wall_ratio: f64,
    a_bytes: usize,
}

fn measure_paired(pairs: usize, mut a: impl FnMut() -> Command, mut b: impl FnMut() -> Command) -> Paired {
    let (_, a_bytes) = run(&mut a());
    run(&mut b());
    let pairs: Vec<(Timing, Timing)> = (0..pairs).map(|_| (run(&mut a()).0, run(&mut b()).0)).collect();
    let ratios = |of: fn(&Timing) -> Duration| {
        let mut ratios: Vec<f64> = pairs
            .iter()
            .map(|(a, b)| of(a).as_secs_f64() / of(b).as_secs_f64())
            .collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    };
    let side = |pick: fn(&(Timing, Timing)) -> Timing| Timing {
        cpu: median(pairs.iter().map(|p| pick(p).cpu).collect()),
        wall: median(pairs.iter().map(|p| pick(p).wall).collect()),
        peak_kib: pairs.iter().map(|p| pick(p).peak_kib).max().unwrap_or(0),
    };
    Paired {
        a: side(|p| p.0),
        b: side(|p| p.1),
        cpu_ratio: ratios(|t| t.cpu),
        wall_ratio: ratios(|t| t.wall),
        a_bytes,
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The flow format as typed structs: what a parse-only pass builds.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "fields are parsed, not read")]
struct FlowFile<'a> {
    #[serde(borrow)]
    flow_id: Cow<'a, str>,
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    elements: Vec<Element<'a>>,
    #[serde(borrow, default)]
    edges: Vec<Edge<'a>>,
    #[serde(borrow, default)]
    routing_rules: Vec<RoutingRule<'a>>,
    timeouts: Option<BTreeMap<Cow<'a, str>, u64>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "fields are parsed, not read")]
struct Element<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    description: Option<Cow<'a, str>>,
    #[serde(borrow)]
    prompt: Option<Cow<'a, str>>,
    prompt_ms: Option<u64>,
    #[serde(borrow)]
    variable: Option<Cow<'a, str>>,
    value: Option<serde_json::Value>,
    #[serde(borrow)]
    queue: Option<Cow<'a, str>>,
    #[serde(borrow)]
    target: Option<Cow<'a, str>>,
    min_digits: Option<u64>,
    max_digits: Option<u64>,
}

#[derive(Deserialize)]
#[expect(dead_code, reason = "fields are parsed, not read")]
struct Edge<'a> {
    #[serde(borrow)]
    from: Cow<'a, str>,
    #[serde(borrow)]
    to: Cow<'a, str>,
    #[serde(borrow)]
    on: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[expect(dead_code, reason = "fields are parsed, not read")]
struct RoutingRule<'a> {
    #[serde(borrow)]
    element: Cow<'a, str>,
    #[serde(borrow)]
    condition: Condition<'a>,
    #[serde(borrow)]
    action: BTreeMap<Cow<'a, str>, Cow<'a, str>>,
}

#[derive(Deserialize)]
#[expect(dead_code, reason = "fields are parsed, not read")]
struct Condition<'a> {
    #[serde(borrow)]
    variable: Option<Cow<'a, str>>,
    #[serde(borrow)]
    operator: Option<Cow<'a, str>>,
    value: Option<serde_json::Value>,
    #[serde(borrow)]
    all: Option<Vec<Condition<'a>>>,
    #[serde(borrow)]
    any: Option<Vec<Condition<'a>>>,
    #[serde(borrow)]
    not: Option<Box<Condition<'a>>>,
}

#[derive(Deserialize)]
#[expect(dead_code, reason = "fields are parsed, not read")]
struct TestFile<'a> {
    #[serde(borrow)]
    cases: Vec<Case<'a>>,
}

#[derive(Deserialize)]
#[expect(dead_code, reason = "fields are parsed, not read")]
struct Case<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    input: Input<'a>,
    expect: serde_json::Value,
}

#[derive(Deserialize)]
#[expect(dead_code, reason = "fields are parsed, not read")]
struct Input<'a> {
    #[serde(borrow, default)]
    dtmf: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    variables: BTreeMap<Cow<'a, str>, serde_json::Value>,
}

/// One parse-only pass on this thread: reads every file of the corpus and hands its bytes to
/// `parse` with its name.
fn parse_pass(files: &[PathBuf], parse: impl Fn(&str, &[u8])) -> Duration {
    let started = Instant::now();
    for path in files {
        let bytes = std::fs::read(path).expect("corpus file");
        parse(&path.to_string_lossy(), &bytes);
    }
    started.elapsed()
}

/// A parse of one file's bytes, given its name.
type Parse = fn(&str, &[u8]);

/// Set to a folder, this benchmark's own binary is the parse-only process: it parses every file of
/// the folder with the tape, one after another, and ends.
const PARSE_ONLY_DIR: &str = "CXONE_FLOW_BENCH_PARSE_ONLY";

/// The parse-only process: each file of `dir` read and parsed by the tape, as a whole process does
/// it (start, walk, read, parse, end), to set beside the whole check command.
fn parse_only_process(dir: &Path) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus folder")
        .map(|entry| entry.expect("corpus entry").path())
        .collect();
    files.sort();
    parse_pass(&files, tape);
}

/// The checker's own spanned tape.
fn tape(_: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).expect("corpus is UTF-8");
    std::hint::black_box(Tape::parse(text).expect("corpus parses"));
}

/// Typed structs, by serde_json.
fn serde_typed(name: &str, bytes: &[u8]) {
    if name.ends_with(".flow.json") {
        std::hint::black_box(serde_json::from_slice::<FlowFile>(bytes).expect("flow parses"));
    } else {
        std::hint::black_box(serde_json::from_slice::<TestFile>(bytes).expect("tests parse"));
    }
}

/// Typed structs, by sonic-rs (SIMD).
fn sonic_typed(name: &str, bytes: &[u8]) {
    if name.ends_with(".flow.json") {
        std::hint::black_box(sonic_rs::from_slice::<FlowFile>(bytes).expect("flow parses"));
    } else {
        std::hint::black_box(sonic_rs::from_slice::<TestFile>(bytes).expect("tests parse"));
    }
}

/// sonic-rs's own document tree.
fn sonic_document(_: &str, bytes: &[u8]) {
    std::hint::black_box(sonic_rs::from_slice::<sonic_rs::Value>(bytes).expect("corpus parses"));
}

/// A number from the environment, or `default`.
fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).map_or(default, |v| {
        v.parse().unwrap_or_else(|_| panic!("{name}={v} is not a number"))
    })
}

/// The shapes `SHAPES` names (a comma-separated list), or all of them.
fn selected_shapes() -> Vec<&'static Shape> {
    let Ok(names) = std::env::var("SHAPES") else {
        return SHAPES.iter().collect();
    };
    names
        .split(',')
        .map(|name| {
            SHAPES
                .iter()
                .find(|shape| shape.name == name.trim())
                .unwrap_or_else(|| {
                    let all: Vec<&str> = SHAPES.iter().map(|shape| shape.name).collect();
                    panic!("no shape {name:?}; the shapes: {}", all.join(","))
                })
        })
        .collect()
}

/// The corpus of `shape` in `dir` (flows with their test files, or scripts), written unless it is
/// there already; the bytes of its flows or scripts.
fn corpus_of(dir: &Path, shape: &Shape, count: usize, cases: usize) -> u64 {
    let (main, _) = shape::write(dir, shape, count, ELEMENTS, cases);
    main
}

/// `cxone-flow check --format json` on `dir`, limits raised so the deep generated chains are clean.
fn check(dir: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cxone-flow"));
    command
        .args(["check", "--format", "json", "--max-decision-nodes", "100000"])
        .args(["--max-menu-depth", "100000", "--max-execution-ms", "3600000"])
        .args(extra)
        .arg(dir);
    command
}

fn one_thread(mut command: Command) -> Command {
    command.env("RAYON_NUM_THREADS", "1");
    command
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn main() {
    if let Some(dir) = std::env::var_os(PARSE_ONLY_DIR) {
        return parse_only_process(Path::new(&dir));
    }
    let node = std::env::var("NODE").unwrap_or_else(|_| "node".to_string());
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/node-baseline.js");
    let (pairs, flows) = (env_number("PAIRS", PAIRED_RUNS), env_number("FLOWS", FLOWS));
    let shapes = selected_shapes();
    if let Some(dir) = std::env::var_os("BENCH_CORPUS_ONLY") {
        for shape in shapes {
            corpus_of(&Path::new(&dir).join(shape.name), shape, flows, CASES);
        }
        return;
    }
    // BENCH_KEEP_CORPUS=DIR writes the corpora there and keeps them, for profiling.
    let kept = std::env::var_os("BENCH_KEEP_CORPUS").map(PathBuf::from);
    let temp = kept
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("cxone-flow-command-bench-{}", std::process::id())));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "cxone-flow check command benchmark: {flows} files of about {} elements per shape, {pairs} pairs per shape (A B A B, median of the ratios pair by pair), {cores} cores",
        corpus::sections(ELEMENTS) * corpus::SECTION + 1,
    );
    println!(
        "flows: {CASES} cases each; check on all cores against node; scripts: check on one thread, per byte against the flows (no cases) of their layout"
    );
    println!(
        "  {:<17} {:>8} {:>10} {:>10} {:>9} {:>10} {:>9}",
        "shape", "MB", "ours cpu", "node cpu", "cpu ratio", "wall ratio", "peak MiB"
    );
    let mut worst: Option<(&str, f64, f64)> = None;
    let mut worst_scripts: Option<(&str, f64)> = None;
    // The rows of docs/performance.md's table, printed at the end.
    let mut rows: Vec<String> = Vec::new();
    for shape in shapes {
        let dir = temp.join(shape.name);
        let load_before = load_average();
        match shape.files {
            shape::Files::Flows { .. } => {
                let bytes = corpus_of(&dir, shape, flows, CASES);
                let against_node = measure_paired(
                    pairs,
                    || check(&dir, &[]),
                    || {
                        let mut command = Command::new(&node);
                        command.arg(&baseline).arg(&dir);
                        command
                    },
                );
                let (cpu, wall) = (against_node.cpu_ratio, 1.0 / against_node.wall_ratio);
                println!(
                    "  {:<17} {:>8.1} {:>7.1} ms {:>7.1} ms {:>8.3}x {:>9.2}x {:>9.1}",
                    shape.name,
                    bytes as f64 / 1e6,
                    ms(against_node.a.cpu),
                    ms(against_node.b.cpu),
                    cpu,
                    wall,
                    against_node.a.peak_kib as f64 / 1024.0
                );
                // How many cores the check kept busy: its CPU over its wall (2.0 is both, the whole run).
                let cores_used = against_node.a.cpu.as_secs_f64() / against_node.a.wall.as_secs_f64();
                rows.push(format!(
                    "| `{}` | {:.1} | {cpu:.3}x | {wall:.2}x | {cores_used:.2} | {:.1} | {load_before}-{} |",
                    shape.name,
                    bytes as f64 / 1e6,
                    against_node.a.peak_kib as f64 / 1024.0,
                    load_average(),
                ));
                if worst.is_none_or(|(_, worst_cpu, _)| cpu > worst_cpu) {
                    worst = Some((shape.name, cpu, wall));
                }
                if shape.name == "lines" {
                    parse_and_startup(&temp, &dir, pairs, against_node.a_bytes, flows);
                }
            }
            shape::Files::Scripts { .. } => {
                let bytes = corpus_of(&dir, shape, flows, 0);
                let alike = SHAPES
                    .iter()
                    .find(|s| s.name == shape.flows_alike)
                    .expect("the flows' shape");
                let alike_dir = temp.join(format!("{}-no-cases", alike.name));
                let alike_bytes = corpus_of(&alike_dir, alike, flows, 0);
                let against_flows = measure_paired(
                    pairs,
                    || one_thread(check(&dir, &[])),
                    || one_thread(check(&alike_dir, &[])),
                );
                let per_byte = against_flows.cpu_ratio * alike_bytes as f64 / bytes as f64;
                println!(
                    "  {:<17} {:>8.1} {:>7.1} ms {:>10} {:>9} {:>10} {:>9.1}   per byte against {} flows (one thread, {:.1} ms for {:.1} MB): {per_byte:.2}x (goal <= 1.5)",
                    shape.name,
                    bytes as f64 / 1e6,
                    ms(against_flows.a.cpu),
                    "",
                    "",
                    "",
                    against_flows.a.peak_kib as f64 / 1024.0,
                    alike.name,
                    ms(against_flows.b.cpu),
                    alike_bytes as f64 / 1e6,
                );
                rows.push(format!(
                    "| `{}` | {:.1} | {per_byte:.2}x per byte | | | {:.1} | {load_before}-{} |",
                    shape.name,
                    bytes as f64 / 1e6,
                    against_flows.a.peak_kib as f64 / 1024.0,
                    load_average(),
                ));
                if worst_scripts.is_none_or(|(_, worst)| per_byte > worst) {
                    worst_scripts = Some((shape.name, per_byte));
                }
                if kept.is_none() {
                    let _ = std::fs::remove_dir_all(&alike_dir);
                }
            }
        }
        if kept.is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    if let Some((name, cpu, wall)) = worst {
        println!(
            "worst flow shape: {name}: cpu ours / node = {cpu:.3}x (goal <= 0.333, stretch 0.2)   wall: node / ours = {wall:.2}x (goal >= 3)"
        );
    }
    if let Some((name, per_byte)) = worst_scripts {
        println!("worst script shape: {name}: per byte {per_byte:.2}x the flows' (goal <= 1.5)");
    }
    println!(
        "docs/performance.md's table (shape, MB, CPU ours / Node, wall Node / ours, cores the check used, peak MiB, load average):"
    );
    for row in rows {
        println!("{row}");
    }
    if kept.is_none() {
        let _ = std::fs::remove_dir_all(&temp);
    }
}

/// The host's load average over the last minute, as `/proc/loadavg` gives it ("?" elsewhere): the
/// wall ratios move with it.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

/// On the one-element-per-line corpus in `dir`: the in-process parsers, the one-thread check
/// against the parse-only process (pair by pair), the report with `--details`, the startup on one
/// small flow and the binary's size.
fn parse_and_startup(temp: &Path, dir: &Path, pairs: usize, report_bytes: usize, flows: usize) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus folder")
        .map(|entry| entry.expect("corpus entry").path())
        .collect();
    files.sort();
    let small = temp.join("small");
    std::fs::create_dir_all(&small).expect("small directory");
    std::fs::write(small.join("one.flow.json"), corpus::flow_text("one", 20)).expect("small flow");
    std::fs::write(small.join("one.tests.json"), corpus::tests_text(20, CASES)).expect("small tests");
    let (startup, _) = measure(|| check(&small, &[]));
    let parsers: [(&str, Parse); 4] = [
        ("our spanned tape", tape),
        ("serde_json typed", serde_typed),
        ("sonic-rs typed", sonic_typed),
        ("sonic-rs document", sonic_document),
    ];
    let parses: Vec<(&str, Duration)> = parsers
        .iter()
        .map(|&(name, parse)| (name, median((0..RUNS).map(|_| parse_pass(&files, parse)).collect())))
        .collect();
    let (fastest, parse) = parses.iter().copied().min_by_key(|&(_, time)| time).expect("parsers");
    // The check on one thread against the parse-only process, in turn as against Node: the host's
    // speed drifts, and two blocks of runs measured one after the other drift apart with it.
    let this_benchmark = std::env::current_exe().expect("the benchmark's own path");
    let against_parse = measure_paired(
        pairs,
        || one_thread(check(dir, &[])),
        || {
            let mut command = Command::new(&this_benchmark);
            command.env(PARSE_ONLY_DIR, dir);
            command
        },
    );
    let (ours_one_thread, parse_process) = (against_parse.a, against_parse.b);
    let (ours_full, full_report_bytes) = measure(|| check(dir, &["--details"]));
    let binary_size = std::fs::metadata(env!("CARGO_BIN_EXE_cxone-flow")).map_or(0, |m| m.len());
    let _ = std::fs::remove_dir_all(&small);
    let parse_times: Vec<String> = parses
        .iter()
        .map(|&(name, time)| format!("{name} {:.1} ms", ms(time)))
        .collect();
    println!("    lines: check one thread {:.1} ms cpu", ms(ours_one_thread.cpu));
    println!(
        "    lines: parse only, one thread, in process (read + parse): {}",
        parse_times.join(", ")
    );
    println!(
        "    lines: check one thread cpu (a whole process) / fastest parse in process ({fastest}) = {:.2}x (not like for like: the parse pays no start, walk or report; goal 2 is the next line's)",
        ratio(ours_one_thread.cpu, parse)
    );
    println!(
        "    lines: parse only, one thread, a whole process (walk, read + our spanned tape): {:.1} ms cpu, {:.1} ms wall",
        ms(parse_process.cpu),
        ms(parse_process.wall)
    );
    println!(
        "    lines: check one thread cpu / parse-only process cpu (both whole processes) = {:.2}x (goal <= 2)   (pair by pair; of the two medians: {:.2}x)",
        against_parse.cpu_ratio,
        ratio(ours_one_thread.cpu, parse_process.cpu)
    );
    println!(
        "    lines: json report: {:.2} MB ({:.0} bytes per clean flow); with --details: {:.2} MB, {:.1} ms wall",
        report_bytes as f64 / 1e6,
        report_bytes as f64 / flows as f64,
        full_report_bytes as f64 / 1e6,
        ms(ours_full.wall)
    );
    println!(
        "    startup: check on one {}-element flow: {:.2} ms wall, {:.2} ms cpu; binary {:.2} MB",
        corpus::sections(20) * corpus::SECTION + 1,
        ms(startup.wall),
        ms(startup.cpu),
        binary_size as f64 / 1e6
    );
}
