//! Costs that grow with the input, never with its square: thousands of findings on one minified
//! line, a chain of thousands of opaque actions, many cases with long calls. Each test counts the
//! bytes allocated on its own thread (deterministic for the same code), never the time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use cxone_flow::check::{Settings, check_flow_bytes, check_tests_bytes};
use cxone_flow::flow::ends::Ends;
use cxone_flow::generate::{Goal, generate_within};
use cxone_flow::report::human::{Palette, render_diagnostic};
use cxone_flow::sim::run::{Paths, run_cases};
use serde_json::{Value, json};

use crate::run;

/// The system allocator, counting what each thread allocates: in all, and at most at once.
struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(change: isize) {
    // `try_with`: a thread being torn down has no counters left, and needs none.
    let _ = HELD.try_with(|held| {
        held.set(held.get() + change);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(held.get())));
    });
    if change > 0 {
        let _ = ALLOCATED.try_with(|all| all.set(all.get() + change as usize));
    }
}

// SAFETY: every call goes to the system allocator unchanged; only thread-local counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// What `work` allocated on this thread: bytes in all, and the most held at once beyond what was
/// held before.
fn allocations<T>(work: impl FnOnce() -> T) -> (T, usize, usize) {
    let (all_before, held_before) = (ALLOCATED.with(Cell::get), HELD.with(Cell::get));
    PEAK.with(|peak| peak.set(held_before));
    let out = work();
    let all = ALLOCATED.with(Cell::get) - all_before;
    let peak = PEAK.with(Cell::get) - held_before;
    (out, all, peak.max(0) as usize)
}

const MB: usize = 1 << 20;
const BEGIN: &str = "b2f794c5-0232-40e7-9830-76d573bf57d7";
const PLAY: &str = "b1b9a2dd-65b6-4626-9cf5-9cfa69cf59e2";
const HANGUP: &str = "b64a6796-4f66-4b1b-a9b5-3af926ab4b7c";

/// A minified Studio script: BEGIN, `count` actions of `kind` in a chain (each with `properties`
/// and `branches`), HANGUP; the whole script on one line.
fn chain_script(count: usize, kind: &str, properties: impl Fn(usize) -> Value, branches: &[&str]) -> String {
    let mut actions = serde_json::Map::new();
    let mut props = serde_json::Map::new();
    let mut links = serde_json::Map::new();
    let mut action = |id: usize, library: &str, name: &str| {
        let value = json!({"actionId": id, "libraryId": library, "name": name, "label": format!("A{id}"),
            "x": id, "y": 0, "xws": id, "yws": 0});
        actions.insert(id.to_string(), value);
    };
    action(1, BEGIN, "BEGIN");
    links.insert("1".into(), json!([{"to": 2, "label": "Default", "type": "default"}]));
    for id in 2..count + 2 {
        action(id, kind, "STEP");
        props.insert(id.to_string(), properties(id));
        let next: Vec<Value> = branches
            .iter()
            .enumerate()
            .map(|(i, label)| json!({"to": id + 1, "label": label, "type": if i == 0 { "default" } else { "case" }}))
            .collect();
        links.insert(id.to_string(), Value::Array(next));
    }
    action(count + 2, HANGUP, "HANGUP");
    json!({"header": {"scriptName": "Hostile", "nextActionId": count + 3}, "actions": actions,
        "properties": props, "branches": links})
    .to_string()
}

/// 3,000 findings on one line of 1.4 MB: each excerpt reads its window of the line, not the line
/// (each used to copy the whole line into a vector of characters: 3,000 x 5.6 MB allocated).
#[test]
fn thousands_of_findings_on_one_minified_line_render_at_the_cost_of_their_excerpts() {
    let speech = format!("\"%{}\"", "word ".repeat(62));
    let script = chain_script(
        3_000,
        PLAY,
        |_| json!({"0": {"name": "Sequence", "value": speech}}),
        &["Default"],
    );
    assert!(!script.contains('\n') && script.len() > 1_400_000);
    let (file, _) = check_flow_bytes("hostile.json", script.into_bytes(), &Settings::default());
    assert_eq!(file.diagnostics.len(), 3_000, "one long-tts-segment per action");
    let (out, allocated, _) = allocations(|| {
        let mut out = String::new();
        for diagnostic in &file.diagnostics {
            render_diagnostic(&mut out, &file.source, diagnostic, &Palette::PLAIN);
        }
        out
    });
    let last = file.diagnostics.last().unwrap().location;
    assert!(
        out.contains(&format!("hostile.json:1:{}: warning[CXF038]", last.column)),
        "{}",
        &out[out.len() - 600..]
    );
    assert!(
        out.lines().filter(|l| l.starts_with("1 | …")).count() == 3_000,
        "each excerpt is a window"
    );
    assert!(
        allocated < 32 * MB,
        "{allocated} bytes allocated to render {} bytes",
        out.len()
    );
}

/// A chain of 2,000 opaque actions with two branches each: exploring stops at the state budget,
/// with what the calls held bounded by it (every branch choice of every action used to be built
/// up front: 2,001 choices of 2,000 pairs), and the command says which limit stopped it.
#[test]
fn generating_cases_for_a_chain_of_opaque_actions_stops_at_the_state_budget() {
    let script = chain_script(
        2_000,
        "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        |_| json!({}),
        &["Success", "Error"],
    );
    let (file, flow) = check_flow_bytes("chain.json", script.clone().into_bytes(), &Settings::default());
    let flow = flow.unwrap_or_else(|| panic!("{:?}", file.diagnostics));
    let (generated, _, peak) = allocations(|| generate_within(&flow, Goal::Edges, 200, 100_000));
    assert_eq!(generated.stopped_at_budget, Some(100_000));
    assert!(
        generated.explored > 0 && generated.explored < 100,
        "{}",
        generated.explored
    );
    assert!(peak < 48 * MB, "{peak} bytes held at once");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chain.json"), script).unwrap();
    let (code, out, err) = run(
        dir.path(),
        &["cases", "generate", "chain.json", "--max-states", "50000"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: chain.json: exploring stopped at the state budget of 50000 states")
            && err.contains("raise it with --max-states"),
        "{err}"
    );
    let written: Value = serde_json::from_str(&out).unwrap();
    assert!(written["cases"].is_array(), "{out}");
}

/// 2,000 passing cases whose calls take 500 steps each: the run holds one call at a time (the calls
/// were all kept until coverage was counted: 2,000 x 500 steps).
#[test]
fn many_long_cases_run_holding_one_call_at_a_time() {
    let mut elements = vec![json!({"id": "start", "type": "start"})];
    let mut edges = vec![json!({"from": "start", "to": "p0"})];
    for i in 0..500 {
        elements.push(json!({"id": format!("p{i}"), "type": "play", "prompt": "p"}));
        edges.push(
            json!({"from": format!("p{i}"), "to": if i == 499 { "bye".to_string() } else { format!("p{}", i + 1) }}),
        );
    }
    elements.push(json!({"id": "bye", "type": "hangup"}));
    let flow_text = json!({"flowId": "long", "elements": elements, "edges": edges}).to_string();
    let (_, flow) = check_flow_bytes("long.flow.json", flow_text.into_bytes(), &Settings::default());
    let flow = flow.unwrap();
    let cases: Vec<Value> = (0..2_000)
        .map(|i| json!({"name": format!("case {i}"), "input": {"dtmf": []}, "expect": {"finalElement": "bye"}}))
        .collect();
    let tests_text = json!({ "cases": cases }).to_string();
    let report = check_tests_bytes(
        "long.tests.json",
        tests_text.clone().into_bytes(),
        Some(&flow),
        &Settings::default(),
    );
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let tests = cxone_flow::sim::plain::read(&tests_text).expect("a plain test file");
    let ends = Ends::of(&flow);
    let ((runs, coverage), _, peak) = allocations(|| run_cases(&flow, &ends, Some(&tests), 15_000, Paths::OfFailures));
    assert_eq!(runs.len(), 2_000);
    assert!(runs.iter().all(|r| r.failures.is_empty()));
    assert_eq!(coverage.elements_covered, 502);
    assert!(peak < 8 * MB, "{peak} bytes held at once");
}
