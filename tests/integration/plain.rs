//! The loaders' fast paths (`flow::plain`, `sim::plain`) against the tape and the loaders that
//! report: whenever a fast path reads a flow or test file, the parser accepts the text, the loader
//! reads the same model or cases from it without a finding, and no number is out of range. Anything
//! a fast path declines goes the reporting way.

use cxone_flow::flow::model::ElementKind;
use cxone_flow::flow::{load, plain};
use cxone_flow::json::{Tape, out_of_range_numbers};
use cxone_flow::sim;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::element_types;
use crate::props::{LABELS, any_flow, any_json, condition, flow_json};

const MAIN_IVR: &str = include_str!("../../examples/flows/main-ivr.flow.json");
const MAIN_IVR_TESTS: &str = include_str!("../../examples/flows/main-ivr.tests.json");

/// Whether the fast path read `text`; when it did, that it read what the reporting loader reads.
fn read_alike(text: &str) -> bool {
    let Some(fast) = plain::read(text) else {
        return false;
    };
    let tape = Tape::parse(text).unwrap_or_else(|e| panic!("the fast path read a text the parser refuses: {e:?}"));
    let (loaded, findings) = load::load(tape.root());
    assert!(
        findings.is_empty(),
        "the fast path read a flow with findings: {findings:?}"
    );
    assert!(
        out_of_range_numbers(&tape).is_empty(),
        "the fast path read a number out of range"
    );
    assert_eq!(fast, loaded, "the fast path read another model than the loader");
    true
}

/// Whether the fast path read the test file `text`; when it did, that it read what the reporting
/// loader reads.
fn tests_read_alike(text: &str) -> bool {
    let Some(fast) = sim::plain::read(text) else {
        return false;
    };
    let tape = Tape::parse(text).unwrap_or_else(|e| panic!("the fast path read a text the parser refuses: {e:?}"));
    let (loaded, findings) = sim::cases::load(tape.root());
    assert!(
        findings.is_empty(),
        "the fast path read a test file with findings: {findings:?}"
    );
    assert!(
        out_of_range_numbers(&tape).is_empty(),
        "the fast path read a number out of range"
    );
    assert_eq!(fast, loaded, "the fast path read other cases than the loader");
    true
}

/// Each of `edits` changes `base`, and the fast path (`read_alike`) declines it.
fn assert_all_declined(base: &str, edits: &[String], read_alike: fn(&str) -> bool) {
    for (case, text) in edits.iter().enumerate() {
        assert_ne!(text, base, "case {case} changed nothing");
        assert!(!read_alike(text), "case {case} was read by the fast path");
    }
}

#[test]
fn the_examples_and_every_clean_fixture_read_alike() {
    assert!(
        read_alike(MAIN_IVR),
        "the main IVR example is plain and must take the fast path"
    );
    let mut read = 0;
    let mut declined = 0;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("examples"), root.join("tests/fixtures")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                let name = path.to_string_lossy();
                let alike = if name.ends_with(".flow.json") {
                    read_alike(&text)
                } else if name.ends_with(".tests.json") {
                    tests_read_alike(&text)
                } else {
                    continue;
                };
                if alike {
                    read += 1;
                } else {
                    declined += 1;
                }
            }
        }
    }
    // Most rule fixtures are flows with a finding, which the fast path must decline.
    assert!(read >= 10 && declined >= 10, "{read} read, {declined} declined");
}

#[test]
fn every_operator_kind_and_field_reads_alike() {
    let text = r#"{
      "$schema": "s", "flowId": "all-fields", "name": "", "description": "d",
      "elements": [
        {"id": "start", "type": "start", "description": "x"},
        {"id": "p", "type": "play", "prompt": "", "promptMs": 0},
        {"id": "m", "type": "menu", "prompt": "m"},
        {"id": "i", "type": "input", "prompt": "i", "variable": "v", "minDigits": 1, "maxDigits": 1},
        {"id": "r", "type": "routing"},
        {"id": "s", "type": "set", "variable": "v", "value": [1, "a", true, false, null]},
        {"id": "s2", "type": "set", "variable": "v", "value": 18446744073709551615},
        {"id": "q", "type": "queue", "queue": "Q"},
        {"id": "t", "type": "transfer", "target": "T"},
        {"id": "vm", "type": "voicemail"}, {"id": "h", "type": "hangup"},
        {"id": "to", "type": "timeout"}, {"id": "e", "type": "error"}
      ],
      "edges": [{"from": "start", "to": "p"}, {"on": "", "to": "m", "from": "p"}],
      "routingRules": [
        {"element": "r", "condition": {"variable": "a", "operator": "exists"}, "action": {"goto": "q"}},
        {"element": "r", "condition": {"value": 1, "operator": "equals", "variable": "a"}, "action": {"goto": "q"}},
        {"element": "r", "condition": {"variable": "a", "operator": "notEquals", "value": null}, "action": {"goto": "q"}},
        {"element": "r", "condition": {"any": [{"variable": "a", "operator": "in", "value": []}]}, "action": {"goto": "q"}},
        {"element": "r", "condition": {"variable": "a", "operator": "notIn", "value": ["x", 2]}, "action": {"goto": "q"}},
        {"element": "r", "condition": {"variable": "a", "operator": "greaterThan", "value": 9007199254740993}, "action": {"goto": "q"}},
        {"element": "r", "condition": {"variable": "a", "operator": "lessThan", "value": 0}, "action": {"goto": "q"}},
        {"element": "r", "condition": {"variable": "a", "operator": "between", "value": [3, 3]}, "action": {"goto": "q"}},
        {"action": {"goto": "q"}, "condition": {"variable": "a", "operator": "startsWith", "value": "9"}, "element": "r"}
      ],
      "timeouts": {"transferTimeout": 1, "inputTimeout": 1, "globalTimeout": 2}
    }"#;
    assert!(
        read_alike(text),
        "every field here is plain: the fast path must read it"
    );
}

#[test]
fn what_the_loader_reports_or_the_fast_path_does_not_model_is_declined() {
    let declined = [
        // Escapes, repeated and unknown fields, numbers written otherwise, Studio and suppress fields.
        MAIN_IVR.replacen("Acme Bank main IVR", "Acme \\u0042ank", 1),
        MAIN_IVR.replacen("\"flowId\"", "\"flowId\": \"again\", \"flowId\"", 1),
        MAIN_IVR.replacen("\"promptMs\": 2000", "\"promptMs\": 2000, \"promptMs\": 2000", 1),
        MAIN_IVR.replacen("\"promptMs\": 2000", "\"promptMs\": 2000.0", 1),
        MAIN_IVR.replacen("\"promptMs\": 2000", "\"promptMs\": 2e3", 1),
        MAIN_IVR.replacen("\"promptMs\": 2000", "\"promptMs\": 02000", 1),
        MAIN_IVR.replacen("\"promptMs\": 2000", "\"promptMs\": -2000", 1),
        MAIN_IVR.replacen("\"promptMs\": 2000", "\"promptMs\": 2000, \"colour\": 1", 1),
        MAIN_IVR.replacen("\"promptMs\": 2000", "\"promptMs\": 2000, \"queue\": \"Q\"", 1),
        MAIN_IVR.replacen(
            "{\"id\": \"start\", \"type\": \"start\"}",
            "{\"id\": \"start\", \"type\": \"start\", \"suppress\": []}",
            1,
        ),
        MAIN_IVR.replacen("\"elements\"", "\"studio\": {}, \"elements\"", 1),
        // Faults the loader reports.
        MAIN_IVR.replacen("\"minDigits\": 8", "\"minDigits\": 9", 1),
        MAIN_IVR.replacen("\"inputTimeout\": 5000", "\"inputTimeout\": 30000", 1),
        MAIN_IVR.replacen("\"type\": \"routing\"", "\"type\": \"routeing\"", 1),
        MAIN_IVR.replacen("\"value\": [8, 17]", "\"value\": [17, 8]", 1),
        MAIN_IVR.replacen("\"startsWith\", \"value\": \"9\"", "\"startsWith\", \"value\": 9", 1),
        MAIN_IVR.replacen(
            "{\"from\": \"start\", \"to\": \"welcome\"}",
            "{\"from\": \"\", \"to\": \"welcome\"}",
            1,
        ),
        // Not JSON.
        MAIN_IVR.replacen("\"queue\": \"General\"}", "\"queue\": \"General\"},", 1),
        format!("{MAIN_IVR} {{}}"),
    ];
    assert_all_declined(MAIN_IVR, &declined, read_alike);
}

#[test]
fn every_test_field_reads_alike() {
    let text = r#"{"$schema": "s", "cases": [
      {"name": "all", "description": "", "generated": true,
       "input": {"dtmf": ["1", "", "*#0"], "variables": {"a": 1, "b": "x", "c": [true, null], "d": false}},
       "expect": {"finalElement": "q", "path": ["start", ""], "pathContains": [], "notVisits": ["x"],
                  "maxExecutionMs": 0, "timedOut": false, "variables": {"a": 2}}},
      {"expect": {}, "generated": false, "name": "bare", "input": {}}
    ]}"#;
    assert!(
        tests_read_alike(text),
        "every field here is plain: the fast path must read it"
    );
    assert!(tests_read_alike(r#"{"cases": []}"#));
}

#[test]
fn what_the_test_loader_reports_or_the_fast_path_does_not_model_is_declined() {
    let declined = [
        MAIN_IVR_TESTS.replacen("\"dtmf\": [\"1\"]", "\"dtmf\": [\"1a\"]", 1),
        MAIN_IVR_TESTS.replacen("\"dtmf\": [\"1\"]", "\"dtmf\": [1]", 1),
        MAIN_IVR_TESTS.replacen("\"hour\": 10", "\"hour\": 10, \"hour\": 11", 1),
        MAIN_IVR_TESTS.replacen("\"hour\": 10", "\"hour\": {\"h\": 10}", 1),
        MAIN_IVR_TESTS.replacen("\"hour\": 10", "\"hour\": 1e1", 1),
        MAIN_IVR_TESTS.replacen("\"finalElement\": \"queue_general\"", "\"finalElement\": \"\"", 1),
        MAIN_IVR_TESTS.replacen(
            "\"finalElement\": \"queue_general\"",
            "\"finalElement\": \"queue\\u005fgeneral\"",
            1,
        ),
        MAIN_IVR_TESTS.replacen("\"input\"", "\"mock\": {\"Main Menu\": \"1\"}, \"input\"", 1),
        MAIN_IVR_TESTS.replacen("\"input\"", "\"colour\": 1, \"input\"", 1),
        MAIN_IVR_TESTS.replacen("\"input\"", "\"name\": \"again\", \"input\"", 1),
        MAIN_IVR_TESTS.replacen("\"cases\": [", "\"cases\": [1, ", 1),
        MAIN_IVR_TESTS.replacen("\"cases\"", "\"case\"", 1),
    ];
    assert_all_declined(MAIN_IVR_TESTS, &declined, tests_read_alike);
}

/// What an edit may insert: JSON's own characters, an escape, a control character, a field.
const TOKENS: [&str; 16] = [
    "\"",
    "\\",
    ",",
    ":",
    "{",
    "}",
    "[",
    "]",
    "0",
    "-",
    ".5",
    "e5",
    " ",
    "\u{1}",
    "\"id\": \"x\", ",
    "null",
];

/// A text with a few characters deleted, replaced or inserted, JSON's own among them.
fn edited(text: &'static str) -> impl Strategy<Value = String> {
    let edit = (
        any::<prop::sample::Index>(),
        0..3usize,
        prop::sample::select(&TOKENS[..]),
    );
    prop::collection::vec(edit, 1..4).prop_map(move |edits| {
        let mut chars: Vec<char> = text.chars().collect();
        for (at, how, token) in edits {
            let at = at.index(chars.len());
            match how {
                0 => drop(chars.drain(at..(at + 3).min(chars.len()))),
                1 => chars[at] = token.chars().next().unwrap_or(' '),
                _ => drop(chars.splice(at..at, token.chars())),
            }
        }
        chars.into_iter().collect()
    })
}

/// Flows whose elements have their kind's fields and no others, with random edges, rules (sound
/// or not) and timeouts: most of them plain.
fn kind_fields_flow() -> impl Strategy<Value = Value> {
    (1usize..16).prop_flat_map(|n| {
        (
            prop::collection::vec((prop::sample::select(element_types(&[])), 0u64..4), n),
            prop::collection::vec(
                (0..n, 0..n, prop::option::of(prop::sample::select(&LABELS[..]))),
                0..n * 2,
            ),
            prop::collection::vec((0..n, condition(), 0..n), 0..3),
            (1u32..100_000, 1u32..100_000),
        )
            .prop_map(|(elements, edges, rules, (input, longer))| {
                let elements: Vec<Value> = elements
                    .iter()
                    .enumerate()
                    .map(|(i, &(kind, seed))| {
                        let mut element = json!({"id": format!("e{i}"), "type": kind});
                        let fields = ElementKind::parse(kind).map(|k| k.fields()).unwrap_or_default();
                        for &(field, _) in fields {
                            element[field] = match field {
                                "promptMs" => json!(seed * 500),
                                "minDigits" => json!(seed + 1),
                                "maxDigits" => json!(4),
                                "value" => json!(seed),
                                _ => json!(format!("{field} {seed}")),
                            };
                        }
                        element
                    })
                    .collect();
                let timeouts = (u64::from(input + longer), u64::from(input));
                flow_json(elements, &edges, &rules, timeouts)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn flows_of_kind_fields_read_alike_or_are_declined(flow in kind_fields_flow(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&flow) } else { serde_json::to_string(&flow) }.unwrap();
        read_alike(&text);
    }

    #[test]
    fn edited_flows_read_alike_or_are_declined(text in edited(MAIN_IVR)) {
        read_alike(&text);
    }

    #[test]
    fn edited_test_files_read_alike_or_are_declined(text in edited(MAIN_IVR_TESTS)) {
        tests_read_alike(&text);
    }

    #[test]
    fn generated_flows_read_alike_or_are_declined(flow in any_flow(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&flow) } else { serde_json::to_string(&flow) }.unwrap();
        read_alike(&text);
    }

    #[test]
    fn arbitrary_json_reads_alike_or_is_declined(value in any_json()) {
        let text = serde_json::to_string(&value).unwrap();
        read_alike(&text);
        tests_read_alike(&text);
    }
}
