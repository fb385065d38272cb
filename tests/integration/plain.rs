//! The loaders' fast paths (`flow::plain`, `sim::plain`, `studio::plain`) against the tape and the
//! loaders that report: whenever a fast path reads a flow, test file or script, the parser accepts
//! the text, the loader reads the same model or cases from it (and, for a script, the same
//! findings; for the others, none), and no number is out of range. Anything a fast path declines
//! goes the reporting way.

use cxone_flow::flow::model::ElementKind;
use cxone_flow::flow::{load, plain};
use cxone_flow::json::{Tape, out_of_range_numbers};
use cxone_flow::sim;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::element_types;
use crate::props::{LABELS, any_flow, any_json, condition, flow_json, written};

const MAIN_IVR: &str = include_str!("../../examples/flows/main-ivr.flow.json");
const MAIN_IVR_TESTS: &str = include_str!("../../examples/flows/main-ivr.tests.json");
const STUDIO_IVR: &str = include_str!("../../examples/studio/acme_main_ivr.json");

/// The tape of a text a fast path read: the parser must accept it, and no number in it may be out
/// of a float's range (the fast paths leave those to the loaders, which report them).
fn accepted(text: &str) -> Tape<'_> {
    let tape = Tape::parse(text).unwrap_or_else(|e| panic!("the fast path read a text the parser refuses: {e:?}"));
    assert!(
        out_of_range_numbers(&tape).is_empty(),
        "the fast path read a number out of range"
    );
    tape
}

/// Whether the fast path read `text`; when it did, that it read what the reporting loader reads.
fn read_alike(text: &str) -> bool {
    let Some(fast) = plain::read(text) else {
        return false;
    };
    let tape = accepted(text);
    let (loaded, findings) = load::load(tape.root());
    assert!(
        findings.is_empty(),
        "the fast path read a flow with findings: {findings:?}"
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
    let tape = accepted(text);
    let (loaded, findings) = sim::cases::load(tape.root());
    assert!(
        findings.is_empty(),
        "the fast path read a test file with findings: {findings:?}"
    );
    assert_eq!(fast, loaded, "the fast path read other cases than the loader");
    true
}

/// Whether the scripts' fast path read `text`; when it did, that the loader reads the same model
/// and the same findings from it.
fn script_read_alike(text: &str) -> bool {
    let Some((fast, fast_findings)) = cxone_flow::studio::plain::read(text) else {
        return false;
    };
    let tape = accepted(text);
    let (loaded, findings) = cxone_flow::studio::load::load(tape.root());
    assert_eq!(fast, loaded, "the fast path read another model than the loader");
    assert_eq!(
        fast_findings, findings,
        "the fast path found other findings than the loader"
    );
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
    let (mut read, mut declined, mut scripts) = (0, 0, 0);
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
                } else if name.ends_with(".json") && cxone_flow::discover::looks_like_script(text.as_bytes()) {
                    scripts += 1;
                    script_read_alike(&text)
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
    assert!(scripts >= 10, "{scripts} scripts among the examples and fixtures");
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

#[test]
fn the_example_script_and_scripts_with_findings_read_alike() {
    assert!(
        script_read_alike(STUDIO_IVR),
        "the example script is plain and must take the fast path"
    );
    let script = |actions: &str, properties: &str, next: u64| {
        format!(
            r#"{{"header": {{"scriptName": "s", "nextActionId": {next}, "lockInfo": {{"isLocked": false}}}},
              "actions": {{{actions}}}, "properties": {{{properties}}},
              "branches": {{"1": [{{"to": 2, "label": "Default", "type": "default", "index": 0}}],
                            "2": [{{"to": "1", "label": "Open", "type": "case"}}, {{"to": 1, "label": "", "type": ""}}]}}}}"#
        )
    };
    let begin = r#""1": {"actionId": 1, "libraryId": "b2f794c5-0232-40e7-9830-76d573bf57d7", "name": "BEGIN", "xws": 0, "yws": -20, "x": -1.5}"#;
    let opaque =
        r#""2": {"actionId": "2", "name": "HOURS", "label": "", "xws": 10, "yws": 0, "extra": [1, {"a": null}]}"#;
    // Written as JSON writes it: the quotes inside escaped.
    let long = format!(r#"\"%{}\" \"file.wav\""#, "word ".repeat(70));
    let cases = [
        // An opaque action (a finding), a stale `nextActionId` (another).
        script(&format!("{begin}, {opaque}"), "", 2),
        // A speech segment over 300 characters, escapes in a value, a number as a value.
        script(
            &format!("{begin}, {opaque}"),
            &format!(
                r#""1": {{"0": {{"name": "Sequence", "value": "{long}"}}, "1": {{"name": "Timeout", "value": 8}}, "2": "x"}}, "9": {{"0": {{}}}}"#
            ),
            3,
        ),
        // Numbers as labels (NICE's own scripts write `"label": 0`), read as their text.
        script(
            &format!("{begin}, {}", opaque.replace(r#""label": """#, r#""label": 7"#)),
            "",
            3,
        )
        .replace(r#""label": "Open""#, r#""label": 0"#),
        // Properties of an unknown action are passed over; an entry without a string name too.
        script(
            begin,
            r#""7": {"0": 1}, "1": {"0": {"name": 5, "value": "x"}, "1": {"value": "y"}}"#,
            9,
        ),
    ];
    for (case, text) in cases.iter().enumerate() {
        assert!(script_read_alike(text), "case {case} was declined:\n{text}");
    }
    let (_, findings) = cxone_flow::studio::plain::read(&cases[1]).expect("read");
    let codes: Vec<&str> = findings.iter().map(|f| f.rule.code()).collect();
    assert_eq!(codes, ["CXF039", "CXF038"], "{findings:?}");
}

#[test]
fn what_the_script_loader_reports_or_the_fast_path_does_not_model_is_declined() {
    let edits = [
        // Properties before the actions they belong to.
        STUDIO_IVR.replacen("\"header\"", "\"properties\": {}, \"header\"", 1),
        // A key twice in the header, an action, a branch; an action filed under another id.
        STUDIO_IVR.replacen("\"scriptName\"", "\"status\": 1, \"scriptName\"", 1),
        STUDIO_IVR.replacen("\"actionId\": 1,", "\"actionId\": 1, \"x\": 1,", 1),
        STUDIO_IVR.replacen("\"to\": 2,", "\"to\": 2, \"to\": 2,", 1),
        STUDIO_IVR.replacen("\"actionId\": 1,", "\"actionId\": 2,", 1),
        // A layout coordinate that is no integer, a missing name, an escaped label, a label of another type.
        STUDIO_IVR.replacen("\"xws\": 120", "\"xws\": 120.5", 1),
        STUDIO_IVR.replacen("\"name\": \"BEGIN\",", "", 1),
        STUDIO_IVR.replacen("\"label\": \"Begin\"", "\"label\": \"Be\\u0067in\"", 1),
        STUDIO_IVR.replacen("\"label\": \"Begin\"", "\"label\": true", 1),
        // A branch without `to`, or to something that is no id; a number with an exponent.
        STUDIO_IVR.replacen("\"to\": ", "\"into\": ", 1),
        STUDIO_IVR.replacen("\"to\": ", "\"to\": true, \"t\": ", 1),
        STUDIO_IVR.replacen("\"busNo\": 4600012", "\"busNo\": 4.6e6", 1),
        // A branch type Studio does not write (CXF050).
        STUDIO_IVR.replacen("\"type\": \"default\"", "\"type\": \"defualt\"", 1),
    ];
    for (case, text) in edits.iter().enumerate() {
        assert_ne!(text, STUDIO_IVR, "case {case} changed nothing");
        assert!(!script_read_alike(text), "case {case} was read by the fast path");
    }
}

/// Scripts built from the parts the loader reads, each part now and then missing, repeated in
/// meaning, of another type or unknown: most of them plain, many with findings.
fn any_script() -> impl Strategy<Value = Value> {
    let id = || {
        prop_oneof![
            8 => (1u64..6).prop_map(Value::from),
            4 => (1u64..6).prop_map(|n| json!(n.to_string())),
            1 => Just(json!(true)),
        ]
    };
    let text = || {
        prop_oneof![
            6 => Just(json!("a b")),
            2 => Just(json!("")),
            1 => Just(json!("q\"x")),
            1 => Just(json!(3)),
            1 => Just(json!(null)),
        ]
    };
    let extra = prop_oneof![
        Just(json!(1)),
        Just(json!("v")),
        Just(json!({"a": [1, "b", {"c": null}], "d": -2.5})),
        Just(json!("\"quoted\"")),
        Just(json!(1e300)),
    ];
    let name = prop::sample::select(
        &[
            "BEGIN", "PLAY", "MENU", "ASSIGN", "REQAGENT", "MUSIC", "HANGUP", "HOURS", "",
        ][..],
    );
    let guid = prop::option::of(prop::sample::select(
        &[
            "b2f794c5-0232-40e7-9830-76d573bf57d7",
            "DAEE9C00-12CE-4222-A42E-307C37D53B7F",
            "x",
            "",
        ][..],
    ));
    let coordinate =
        prop_oneof![4 => Just(json!(0)), 4 => Just(json!(-7)), 1 => Just(json!(2.5)), 1 => Just(json!("1"))];
    let action = (
        prop::option::weighted(0.8, id()),
        prop::option::weighted(0.95, name),
        guid,
        prop::option::of(text()),
        prop::option::weighted(0.95, coordinate.clone()),
        prop::option::weighted(0.95, coordinate),
        prop::option::of(extra),
    )
        .prop_map(|(action_id, name, guid, label, xws, yws, extra)| {
            let mut action = json!({});
            for (key, value) in [
                ("actionId", action_id),
                ("name", name.map(Value::from)),
                ("libraryId", guid.map(Value::from)),
                ("label", label),
                ("xws", xws),
                ("yws", yws),
                ("implType", extra),
            ] {
                if let Some(value) = value {
                    action[key] = value;
                }
            }
            action
        });
    let property = (
        prop::sample::select(
            &[
                "Sequence",
                "Phrase",
                "Timeout",
                "Variable",
                "Expression",
                "DetectDTMF",
                "Skill",
            ][..],
        ),
        prop_oneof![
            Just(json!("\"%Hello there\" \"x.wav\"")),
            Just(json!(format!("\"%{}\"", "ab ".repeat(120)))),
            Just(json!("8")),
            Just(json!(8)),
            Just(json!(true)),
            Just(json!("é\u{1}")),
        ],
    )
        .prop_map(|(name, value)| json!({"name": name, "value": value}));
    let branch = (
        prop::option::weighted(0.95, id()),
        prop::option::of(text()),
        prop::option::of(text()),
    )
        .prop_map(|(to, kind, label)| {
            let mut branch = json!({"index": 0});
            for (key, value) in [("to", to), ("type", kind), ("label", label)] {
                if let Some(value) = value {
                    branch[key] = value;
                }
            }
            branch
        });
    (
        prop::collection::vec(action, 0..5),
        prop::collection::vec((0usize..6, prop::collection::vec(property, 0..3)), 0..4),
        prop::collection::vec((0usize..6, prop::collection::vec(branch, 0..3)), 0..4),
        prop::option::of(0u64..8),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(actions, properties, branches, next, scalar_list)| {
            let actions: serde_json::Map<String, Value> = actions
                .into_iter()
                .enumerate()
                .map(|(i, a)| ((i + 1).to_string(), a))
                .collect();
            let properties: serde_json::Map<String, Value> = properties
                .into_iter()
                .map(|(at, list)| {
                    let list: serde_json::Map<String, Value> =
                        list.into_iter().enumerate().map(|(i, p)| (i.to_string(), p)).collect();
                    (
                        at.to_string(),
                        if scalar_list {
                            json!(list.len())
                        } else {
                            Value::Object(list)
                        },
                    )
                })
                .collect();
            let branches: serde_json::Map<String, Value> = branches
                .into_iter()
                .map(|(at, list)| (at.to_string(), json!(list)))
                .collect();
            let mut header = json!({"scriptName": "s", "busNo": 1});
            if let Some(next) = next {
                header["nextActionId"] = json!(next);
            }
            json!({"header": header, "actions": actions, "properties": properties, "branches": branches})
        })
}

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

/// Whitespace of every kind JSON allows, and bytes it does not call whitespace.
const SPACES: [&str; 9] = [
    "\t",
    "\r\n",
    "\n        ",
    " ",
    "\r",
    "\u{b}",
    "\u{c}",
    "\u{a0}",
    "\u{0}",
];

/// A text with whitespace, or a byte that looks like it, put in here and there.
fn respaced(text: &'static str) -> impl Strategy<Value = String> {
    let edit = (any::<prop::sample::Index>(), prop::sample::select(&SPACES[..]));
    prop::collection::vec(edit, 1..6).prop_map(move |edits| {
        let mut text = text.to_string();
        for (at, space) in edits {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, space);
        }
        text
    })
}

/// A pretty-printed `text` laid out as editors save it: CRLF line ends, a tab or four spaces for
/// two (in strings too, which both readers read alike).
fn laid_out(text: &str, layout: usize) -> String {
    match layout {
        0 => text.replace('\n', "\r\n"),
        1 => text.replace("  ", "\t"),
        2 => text.replace("  ", "    "),
        _ => text.to_string(),
    }
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
        let text = written(&flow, pretty);
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
        let text = written(&flow, pretty);
        read_alike(&text);
    }

    #[test]
    fn respaced_flows_tests_and_scripts_read_alike_or_are_declined(
        flow in respaced(MAIN_IVR),
        tests in respaced(MAIN_IVR_TESTS),
        script in respaced(STUDIO_IVR),
    ) {
        read_alike(&flow);
        tests_read_alike(&tests);
        script_read_alike(&script);
    }

    #[test]
    fn generated_flows_and_scripts_in_every_layout_read_alike(
        flow in any_flow(),
        script in any_script(),
        layout in 0..4usize,
    ) {
        read_alike(&laid_out(&written(&flow, true), layout));
        script_read_alike(&laid_out(&written(&script, true), layout));
    }

    #[test]
    fn arbitrary_json_reads_alike_or_is_declined(value in any_json()) {
        let text = serde_json::to_string(&value).unwrap();
        read_alike(&text);
        tests_read_alike(&text);
        script_read_alike(&text);
    }

    #[test]
    fn edited_scripts_read_alike_or_are_declined(text in edited(STUDIO_IVR)) {
        script_read_alike(&text);
    }

    #[test]
    fn generated_scripts_read_alike_or_are_declined(script in any_script(), pretty in any::<bool>()) {
        let text = written(&script, pretty);
        script_read_alike(&text);
    }
}
