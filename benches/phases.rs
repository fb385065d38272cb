//! Where `check`'s time goes, phase by phase: reads the 1,000-flow corpus (199 elements, 5 cases
//! each) and times, in this process on one thread, each step of checking a flow as the library's
//! own calls make it: reading the two files, reading the flow's model on the fast path, the id map,
//! the rules, reading the test file on its fast path and running its cases. Beside them, what a
//! flow with findings takes instead of the fast path: the tape parse and the reporting loader. Each
//! phase's total over the corpus is measured in 15 passes; the median is printed.
//! Run: `cargo bench --bench phases`.

mod corpus;

/// The allocator the `cxone-flow` binary uses, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: cxone_flow::allocator::Mimalloc = cxone_flow::allocator::Mimalloc;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cxone_flow::flow::ends::Ends;
use cxone_flow::json::Tape;
use cxone_flow::registry::RuleLimits;
use cxone_flow::sim::{self, cases, run};

const FLOWS: usize = 1_000;
const ELEMENTS: usize = 200;
const CASES: usize = 5;
const PASSES: usize = 15;
/// The per-call limit the command benchmark passes (`--max-execution-ms`): the deep chains stay inside it.
const MAX_EXECUTION_MS: u64 = 3_600_000;

const PHASES: [&str; 8] = [
    "read",
    "flow",
    "id map",
    "rules",
    "test file",
    "cases",
    "tape parse",
    "tape load",
];
/// The phases `check` goes through for a clean flow; the rest are the reporting path's.
const CHECK_PHASES: usize = 6;

/// One pass over the corpus: each phase's time, summed over the flows.
fn pass(files: &[(PathBuf, PathBuf)], limits: &RuleLimits) -> [Duration; PHASES.len()] {
    let mut spent = [Duration::ZERO; PHASES.len()];
    let mut lap = |phase: usize, since: &mut Instant| {
        let now = Instant::now();
        spent[phase] += now - *since;
        *since = now;
    };
    for (flow_path, tests_path) in files {
        let mut clock = Instant::now();
        let flow_text = std::fs::read_to_string(flow_path).expect("flow file");
        let tests_text = std::fs::read_to_string(tests_path).expect("test file");
        lap(0, &mut clock);
        let flow = cxone_flow::flow::plain::read(&flow_text).expect("a clean flow takes the fast path");
        lap(1, &mut clock);
        let ends = Ends::of(&flow);
        lap(2, &mut clock);
        let findings = cxone_flow::rules::check_flow(&flow, &ends, limits);
        assert!(findings.is_empty(), "the generated corpus must be clean");
        lap(3, &mut clock);
        let mut tests = sim::plain::read(&tests_text).expect("a clean test file takes the fast path");
        cases::resolve_labels(&mut tests, &flow);
        lap(4, &mut clock);
        let (runs, _coverage) = run::run_cases(&flow, &ends, Some(&tests), MAX_EXECUTION_MS, run::Paths::OfFailures);
        assert!(
            runs.iter().all(|r| r.failures.is_empty()),
            "the generated cases must pass"
        );
        lap(5, &mut clock);
        let tape = Tape::parse(&flow_text).expect("a clean flow parses");
        lap(6, &mut clock);
        let (loaded, findings) = cxone_flow::flow::load::load(tape.root());
        lap(7, &mut clock);
        assert!(findings.is_empty() && loaded == flow, "both paths read the same flow");
    }
    spent
}

fn main() {
    let dir = std::env::temp_dir().join(format!("cxone-flow-phases-{}", std::process::id()));
    let (_, files) = corpus::write_corpus_with_cases(&dir, FLOWS, ELEMENTS, CASES);
    let limits = RuleLimits {
        max_decision_nodes: usize::MAX,
        max_menu_depth: usize::MAX,
    };
    let passes: Vec<_> = (0..PASSES).map(|_| pass(&files, &limits)).collect();
    let _ = std::fs::remove_dir_all(&dir);

    let elements = corpus::sections(ELEMENTS) * corpus::SECTION + 1;
    println!(
        "cxone-flow check phases: {FLOWS} flows x {elements} elements, {CASES} cases each; one thread, median of {PASSES} passes"
    );
    let mut total = Duration::ZERO;
    for (phase, name) in PHASES.iter().enumerate() {
        let mut times: Vec<Duration> = passes.iter().map(|p| p[phase]).collect();
        times.sort();
        let median = times[PASSES / 2];
        if phase == CHECK_PHASES {
            println!("  {:<10} {:>7.1} ms", "sum", total.as_secs_f64() * 1e3);
            println!("  instead of the fast path, a flow with findings takes:");
        }
        total += median;
        println!("  {name:<10} {:>7.1} ms", median.as_secs_f64() * 1e3);
    }
}
