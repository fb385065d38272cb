//! Property tests: no input, however broken, makes the checker panic, every location it reports
//! lies inside the file, and the JSON parser accepts and reads exactly what serde_json does.

use cxone_flow::check::{FileReport, Settings, check_flow_bytes};
use cxone_flow::json::Tape;
use proptest::prelude::*;

use crate::{element_types, operators};
use serde_json::{Value, json};

fn assert_locations_inside(report: &FileReport) {
    let lines = report.source.text.lines().count().max(1);
    for d in &report.diagnostics {
        assert!(d.location.line >= 1 && d.location.line <= lines + 1, "{d:?}");
        assert!(d.location.column >= 1, "{d:?}");
        assert!(d.location.end_line >= d.location.line, "{d:?}");
    }
}

pub(crate) fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("flowId".to_string()),
                    Just("elements".to_string()),
                    Just("edges".to_string()),
                    Just("id".to_string()),
                    Just("type".to_string()),
                    ".{0,6}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

pub(crate) const LABELS: [&str; 9] = ["1", "2", "#", "timeout", "invalid", "ok", "default", "x", ""];

pub(crate) fn condition() -> impl Strategy<Value = Value> {
    let values = prop_oneof![
        Just(json!(1)),
        Just(json!("a")),
        Just(json!([1, 5])),
        Just(json!([5, 1])),
        Just(json!(["a", 2])),
        Just(json!(null)),
        Just(json!(true)),
    ];
    let leaf = (
        prop::sample::select(&["hour", "lang", "vip"][..]),
        prop::sample::select(operators(&["nope"])),
        values,
    )
        .prop_map(|(v, o, x)| json!({"variable": v, "operator": o, "value": x}));
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|c| json!({"all": c})),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|c| json!({"any": c})),
            inner.prop_map(|c| json!({"not": c})),
        ]
    })
}

/// Flows of plausible shape with random types, ids, edges, labels and rules: most are broken in
/// several ways at once, which is the point.
pub(crate) fn any_flow() -> impl Strategy<Value = Value> {
    (1usize..24).prop_flat_map(|n| {
        let ids = prop::collection::vec(0..n + 2, 0..n * 3);
        (
            prop::collection::vec(prop::sample::select(element_types(&["bogus", ""])), n),
            prop::collection::vec((0..n + 2, 0..n + 2, prop::option::of(prop::sample::select(&LABELS[..]))), 0..n * 2),
            prop::collection::vec((0..n + 2, condition(), 0..n + 2), 0..4),
            ids,
            any::<(u16, u16)>(),
        )
            .prop_map(move |(types, edges, rules, _, (global, input))| {
                let elements: Vec<Value> = types
                    .iter()
                    .enumerate()
                    .map(|(i, t)| json!({"id": format!("e{}", i % (n.max(2) - 1)), "type": t, "prompt": "p", "promptMs": i * 100, "variable": "v", "value": i, "queue": "q", "target": "t", "maxDigits": i % 3 + 1}))
                    .collect();
                flow_json(elements, &edges, &rules, (u64::from(global), u64::from(input)))
            })
    })
}

/// A flow of `elements` (ids `e0`, `e1`...) with edges `(from, to, on)` and routing rules
/// `(element, condition, goto)` between the elements' numbers, and timeouts `(global, input)`.
pub(crate) fn flow_json(
    elements: Vec<Value>,
    edges: &[(usize, usize, Option<&str>)],
    rules: &[(usize, Value, usize)],
    (global, input): (u64, u64),
) -> Value {
    let edges: Vec<Value> = edges
        .iter()
        .map(|(f, t, on)| match on {
            Some(on) => json!({"from": format!("e{f}"), "to": format!("e{t}"), "on": on}),
            None => json!({"from": format!("e{f}"), "to": format!("e{t}")}),
        })
        .collect();
    let rules: Vec<Value> = rules
        .iter()
        .map(|(e, c, g)| json!({"element": format!("e{e}"), "condition": c, "action": {"goto": format!("e{g}")}}))
        .collect();
    json!({"flowId": "p", "elements": elements, "edges": edges, "routingRules": rules,
           "timeouts": {"globalTimeout": global, "inputTimeout": input}})
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let (report, _) = check_flow_bytes("p.flow.json", bytes, &Settings::default());
        assert_locations_inside(&report);
    }

    #[test]
    fn arbitrary_json_never_panics(value in any_json(), pretty in any::<bool>()) {
        let text = written(&value, pretty);
        let (report, _) = check_flow_bytes("p.flow.json", text.into_bytes(), &Settings::default());
        assert_locations_inside(&report);
    }

    #[test]
    fn arbitrary_flows_never_panic_and_stay_located(flow in any_flow()) {
        let text = serde_json::to_string_pretty(&flow).unwrap();
        let (report, _) = check_flow_bytes("p.flow.json", text.into_bytes(), &Settings::default());
        assert_locations_inside(&report);
        for d in &report.diagnostics {
            // Every finding points inside the elements/edges/rules/timeouts, never at the file's first line.
            prop_assert!(d.location.line > 1 || d.rule.code() == "CXF010", "{:?}", d);
        }
    }
}

/// `value` as JSON text, pretty-printed or on one line.
pub(crate) fn written(value: &Value, pretty: bool) -> String {
    if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .unwrap()
}

/// What serde_json makes of a text: its value, or `None` when it refuses it. Numbers out of a
/// 64-bit float's range are left out of the comparison (the checker accepts them and reports them).
fn serde_reading(text: &str) -> Option<Option<Value>> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    let value = serde::Deserialize::deserialize(&mut deserializer).and_then(|v: Value| deserializer.end().map(|()| v));
    match value {
        Ok(value) => Some(Some(value)),
        Err(e) if e.to_string().contains("out of range") => None,
        Err(_) => Some(None),
    }
}

/// Texts made of JSON's own characters, so most are near misses of valid JSON.
fn json_like_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(
        &[
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "\"a\"",
            "\"\\u00e9\"",
            "\"\\ud800\"",
            "\\",
            "1",
            "0",
            "-",
            ".",
            "e",
            "+",
            "12.5e-3",
            "true",
            "false",
            "null",
            "tru",
            " ",
            "\n",
            "\t",
            "x",
            "é",
            "//",
            "\u{1}",
        ][..],
    );
    prop::collection::vec(pieces, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_parser_reads_serde_json_output_as_serde_json_does(value in any_json(), pretty in any::<bool>()) {
        let text = written(&value, pretty);
        let tape = Tape::parse(&text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
        prop_assert_eq!(Some(tape.root().to_json()), serde_reading(&text).flatten());
    }

    #[test]
    fn every_value_spans_exactly_its_own_text(value in any_json(), pretty in any::<bool>()) {
        let text = written(&value, pretty);
        let tape = Tape::parse(&text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
        let mut values = vec![tape.root()];
        while let Some(value) = values.pop() {
            let raw = value.raw();
            prop_assert_eq!(raw.trim(), raw, "{:?} in {:?}", raw, text);
            prop_assert_eq!(serde_reading(raw).flatten(), Some(value.to_json()), "{:?} in {:?}", raw, text);
            if let Some(array) = value.as_array() {
                values.extend(array.iter());
            }
            if let Some(object) = value.as_object() {
                values.extend(object.iter().map(|p| p.value));
            }
        }
    }

    #[test]
    fn the_parser_accepts_exactly_what_serde_json_accepts(text in json_like_text()) {
        let Some(expected) = serde_reading(&text) else { return Ok(()) };
        match Tape::parse(&text) {
            Ok(tape) => prop_assert_eq!(Some(tape.root().to_json()), expected, "{:?}", text),
            Err(error) => {
                prop_assert!(expected.is_none(), "{:?} refused: {}", text, error.message);
                prop_assert!(error.span.start() <= text.len() && error.span.end() <= text.len(), "{:?}", error);
                prop_assert!(text.is_char_boundary(error.span.start()) && text.is_char_boundary(error.span.end()));
            }
        }
    }
}

/// A JSON object whose keys, at its top level and deeper, are often the three that make a script,
/// with those words also as values.
fn script_like() -> impl Strategy<Value = Value> {
    let key = || {
        prop_oneof![
            Just("header".to_string()),
            Just("actions".to_string()),
            Just("branches".to_string()),
            ".{0,6}"
        ]
    };
    let word = prop_oneof![Just(json!("header")), Just(json!("branches")), Just(json!("a\"}]\\"))];
    let nested = prop::collection::btree_map(key(), any_json(), 0..4)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
        .boxed();
    let value = prop_oneof![any_json(), word, nested.clone(), nested.prop_map(|v| json!([v]))];
    prop::collection::btree_map(key(), value, 0..6).prop_map(|m| Value::Object(m.into_iter().collect()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_json_file_is_sniffed_as_a_script_exactly_when_its_top_level_has_the_three_keys(
        value in script_like(),
        pretty in any::<bool>(),
        in_array in any::<bool>(),
    ) {
        use cxone_flow::discover::{SCRIPT_KEYS, looks_like_script};
        let value = if in_array { json!([value]) } else { value };
        let text = written(&value, pretty);
        let expected = SCRIPT_KEYS.iter().all(|k| value.get(k).is_some());
        prop_assert_eq!(looks_like_script(text.as_bytes()), expected, "{}", text);
    }
}
