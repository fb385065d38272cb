//! The engine against a second, deliberately simple reference implementation written here: a direct
//! reading of the spec that scans the flow's lists at every step, with its own condition evaluator.
//! Thousands of random flows and calls must give the same path, ending, clock, variables and verdict.

use cxone_flow::flow::model::{Condition, ElementKind, Flow, Test};
use cxone_flow::sim::condition::Variables;
use cxone_flow::sim::engine::{Ending, Engine, Verdict};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::engine::flow;
use crate::{element_types, operators};

#[derive(Debug, PartialEq)]
struct Outcome {
    path: Vec<String>,
    final_element: String,
    clock: u64,
    timed_out: bool,
    ending: &'static str,
    variables: Variables,
}

fn reference(flow: &Flow, dtmf: &[String], start_vars: &Variables) -> Outcome {
    let element = |id: &str| flow.elements.iter().find(|e| e.id.value == id);
    let edge_to = |from: &str, on: Option<&str>| {
        flow.edges
            .iter()
            .filter(|e| e.from.value == from && e.on.as_ref().map(|o| o.value.as_str()) == on)
            .find(|e| element(&e.to.value).is_some())
            .map(|e| e.to.value.to_string())
    };
    let mut vars = start_vars.clone();
    let mut path = Vec::new();
    let mut clock = 0u64;
    let mut keys = dtmf.iter();
    let end = |path: Vec<String>, clock, ending: &'static str, vars, last: Option<&str>| Outcome {
        final_element: match ending {
            "terminal" => last.unwrap_or_default().to_string(),
            "timeout" => "timeout".into(),
            _ => "error".into(),
        },
        timed_out: ending == "timeout",
        path,
        clock,
        ending,
        variables: vars,
    };
    let Some(mut current) = flow.elements.iter().find(|e| e.kind == ElementKind::Start) else {
        return end(path, 0, "error", vars, None);
    };
    loop {
        if path.len() == 1000 {
            return end(path, clock, "loop", vars, None);
        }
        let id = current.id.value.to_string();
        path.push(id.clone());
        let input_timeout = flow.timeouts.input.as_ref().map_or(10_000, |t| t.value);
        let next: Option<String> = match current.kind {
            ElementKind::Start | ElementKind::Play => edge_to(&id, None),
            ElementKind::Set => {
                if let (Some(v), Some(x)) = (&current.variable, &current.value) {
                    vars.insert(v.to_string(), (**x).clone());
                }
                edge_to(&id, None)
            }
            ElementKind::Menu => match keys.next().filter(|k| !k.is_empty()) {
                None => {
                    clock += input_timeout;
                    edge_to(&id, Some("timeout"))
                }
                Some(entry) => {
                    let key = entry.chars().next().unwrap().to_string();
                    edge_to(&id, Some(&key)).or_else(|| edge_to(&id, Some("invalid")))
                }
            },
            ElementKind::Input => match keys.next().filter(|k| !k.is_empty()) {
                None => {
                    clock += input_timeout;
                    edge_to(&id, Some("timeout"))
                }
                Some(entry) => {
                    let n = entry.chars().count() as u64;
                    let ok = n >= current.min_digits.unwrap_or(1) && current.max_digits.is_none_or(|m| n <= m);
                    if ok {
                        if let Some(v) = &current.variable {
                            vars.insert(v.to_string(), json!(entry));
                        }
                        edge_to(&id, Some("ok"))
                    } else {
                        edge_to(&id, Some("invalid"))
                    }
                }
            },
            ElementKind::Routing => {
                let owner = element(&id).map(|e| std::ptr::eq(e, current)).unwrap_or(false);
                let rule = flow
                    .routing_rules
                    .iter()
                    .filter(|r| owner && r.element.value == id)
                    .find(|r| r.condition.as_ref().is_some_and(|c| reference_holds(c, &vars)));
                match rule {
                    Some(rule) => rule
                        .goto
                        .as_ref()
                        .filter(|g| element(&g.value).is_some())
                        .map(|g| g.value.to_string()),
                    None => edge_to(&id, Some("default")),
                }
            }
            _ => None,
        };
        clock += current.prompt_ms;
        if clock > flow.timeouts.global.as_ref().map_or(30_000, |t| t.value) {
            return end(path, clock, "timeout", vars, None);
        }
        if current.kind.is_terminal() {
            return end(path, clock, "terminal", vars, Some(&id));
        }
        match next {
            Some(to) => current = element(&to).unwrap(),
            None => return end(path, clock, "error", vars, None),
        }
    }
}

/// The spec's condition semantics, written out again.
fn reference_holds(c: &Condition, vars: &Variables) -> bool {
    match c {
        Condition::All(cs) => cs.iter().all(|c| reference_holds(c, vars)),
        Condition::Any(cs) => cs.iter().any(|c| reference_holds(c, vars)),
        Condition::Not(c) => !reference_holds(c, vars),
        Condition::Compare { variable, test } => {
            let Some(v) = vars.get(variable.as_str()) else {
                return matches!(test, Test::NotEquals(_) | Test::NotIn(_));
            };
            let kind = |x: &Value| match x {
                Value::Null => 0,
                Value::Bool(_) => 1,
                Value::Number(_) => 2,
                Value::String(_) => 3,
                Value::Array(_) => 4,
                Value::Object(_) => 5,
            };
            let eq = |a: &Value, b: &Value| match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x == y,
                _ => a == b,
            };
            match test {
                Test::Exists => true,
                Test::Equals(x) => kind(v) == kind(x) && eq(v, x),
                Test::NotEquals(x) => kind(v) == kind(x) && !eq(v, x),
                Test::In(xs) => xs.iter().any(|x| kind(v) == kind(x) && eq(v, x)),
                Test::NotIn(xs) => {
                    xs.iter().any(|x| kind(v) == kind(x)) && !xs.iter().any(|x| kind(v) == kind(x) && eq(v, x))
                }
                Test::GreaterThan(n) => v.as_f64().is_some_and(|x| x > *n),
                Test::LessThan(n) => v.as_f64().is_some_and(|x| x < *n),
                Test::Between(lo, hi) => v.as_f64().is_some_and(|x| *lo <= x && x <= *hi),
                Test::StartsWith(p) => v.as_str().is_some_and(|s| s.starts_with(p.as_str())),
            }
        }
    }
}

const LABELS: [Option<&str>; 12] = [
    None,
    None,
    Some("1"),
    Some("2"),
    Some("#"),
    Some("timeout"),
    Some("invalid"),
    Some("ok"),
    Some("default"),
    Some("12"),
    Some("x"),
    Some("*"),
];

fn condition() -> impl Strategy<Value = Value> {
    let value = prop_oneof![
        (0i64..24).prop_map(|n| json!(n)),
        Just(json!("es")),
        Just(json!("e")),
        Just(json!(true)),
        Just(json!(null)),
        Just(json!(10.0)),
    ];
    let leaf = (
        prop::sample::select(&["hour", "lang", "vip", "acct"][..]),
        prop::sample::select(operators(&[])),
        value.clone(),
        value,
        0i64..24,
        0i64..24,
    )
        .prop_map(|(var, op, a, b, lo, hi)| {
            let value = match op {
                "in" | "notIn" => json!([a, b]),
                "greaterThan" | "lessThan" => json!(lo),
                "between" => json!([lo.min(hi), lo.max(hi)]),
                "startsWith" => json!(if lo % 2 == 0 { "e" } else { "1" }),
                _ => a,
            };
            json!({"variable": var, "operator": op, "value": value})
        });
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3).prop_map(|c| json!({"all": c})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|c| json!({"any": c})),
            inner.prop_map(|c| json!({"not": c})),
        ]
    })
}

/// Random flows: any element types (a start first, mostly), many exits per element with any label
/// (so calls get somewhere, and wrong labels, dangling targets and duplicates all occur), rules on
/// random elements, and times drawn from a few values so calls land exactly on the limits.
pub(crate) fn random_flow() -> impl Strategy<Value = String> {
    const MS: [u64; 5] = [0, 500, 1000, 2000, 2500];
    (2usize..14).prop_flat_map(|n| {
        let exits = prop::collection::vec(prop::option::weighted(0.55, 0..n + 1), LABELS.len());
        (
            prop::collection::vec(
                (prop::sample::select(element_types(&["bogus"])), prop::sample::select(&MS[..]), 0u64..4, 0u64..3, exits),
                n,
            ),
            prop::collection::vec((0..n, condition(), 0..n + 1), 0..n * 2),
            (prop::sample::select(&[1000u64, 2000, 5000, 10_000][..]), prop::sample::select(&[500u64, 1000, 2500][..])),
            any::<bool>(),
        )
            .prop_map(move |(specs, rules, (global, input), start_first)| {
                let mut elements = Vec::new();
                let mut edges = Vec::new();
                for (i, (t, ms, min, extra, exits)) in specs.iter().enumerate() {
                    let t = if i == 0 && start_first { "start" } else { t };
                    let mut e = json!({"id": format!("e{i}"), "type": t, "prompt": "p", "promptMs": ms,
                        "variable": if i % 2 == 0 { "acct" } else { "lang" }, "value": i, "queue": "q", "target": "t"});
                    if *min > 0 {
                        e["minDigits"] = json!(min);
                    }
                    if *extra > 0 {
                        e["maxDigits"] = json!(min.max(&1) + extra);
                    }
                    elements.push(e);
                    for (label, target) in LABELS.iter().zip(exits) {
                        if let Some(target) = target {
                            let mut edge = json!({"from": format!("e{i}"), "to": format!("e{target}")});
                            if let Some(on) = label {
                                edge["on"] = json!(on);
                            }
                            edges.push(edge);
                        }
                    }
                }
                let rules: Vec<Value> = rules
                    .iter()
                    .map(|(e, c, g)| json!({"element": format!("e{e}"), "condition": c, "action": {"goto": format!("e{g}")}}))
                    .collect();
                json!({"flowId": "d", "elements": elements, "edges": edges, "routingRules": rules,
                       "timeouts": {"globalTimeout": global, "inputTimeout": input}})
                .to_string()
            })
    })
}

fn random_call() -> impl Strategy<Value = (Vec<String>, Variables)> {
    (
        prop::collection::vec(
            prop::sample::select(&["", "1", "2", "#", "7", "12", "1234", "999999", "*"][..]),
            0..8,
        ),
        prop::option::of(0i64..24),
        prop::option::of(prop::sample::select(&["es", "en", "e"][..])),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(dtmf, hour, lang, vip)| {
            (
                dtmf.into_iter().map(str::to_string).collect(),
                variables(hour, lang, vip),
            )
        })
}

/// The starting variables the random flows' conditions read, each set or missing.
pub(crate) fn variables(hour: Option<i64>, lang: Option<&str>, vip: Option<bool>) -> Variables {
    let mut vars = Variables::new();
    if let Some(h) = hour {
        vars.insert("hour".into(), json!(h));
    }
    if let Some(l) = lang {
        vars.insert("lang".into(), json!(l));
    }
    if let Some(v) = vip {
        vars.insert("vip".into(), json!(v));
    }
    vars
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2500))]

    #[test]
    fn the_engine_agrees_with_the_reference(text in random_flow(), calls in prop::collection::vec(random_call(), 1..5)) {
        let f = flow(&text);
        let engine = Engine::new(&f);
        for (dtmf, vars) in &calls {
            let call = engine.run(dtmf, vars);
            let expected = reference(&f, dtmf, vars);
            let ending = match call.ending {
                // Flows only: a script's missing branch (ScriptEnd) is not in the reference.
                Ending::Terminal | Ending::ScriptEnd { .. } => "terminal",
                Ending::GlobalTimeout => "timeout",
                Ending::MissingEdge { .. } | Ending::Unmocked => "error",
                Ending::Loop => "loop",
            };
            let actual = Outcome {
                path: call.path(&f).into_iter().map(str::to_string).collect(),
                final_element: call.final_element.clone(),
                clock: call.execution_time,
                timed_out: call.timed_out,
                ending,
                variables: call.variables.clone(),
            };
            prop_assert_eq!(&actual, &expected, "flow {} dtmf {:?} vars {:?}", text, dtmf, vars);
            let sink = matches!(
                expected.path.last().and_then(|id| f.elements.iter().find(|e| e.id.value == *id)).map(|e| e.kind),
                Some(ElementKind::Timeout | ElementKind::Error)
            );
            let reference_verdict = if expected.ending == "terminal" && !sink && expected.clock <= 15_000 {
                Verdict::Success
            } else {
                Verdict::Failure
            };
            prop_assert_eq!(call.verdict(&f, 15_000), reference_verdict);
        }
    }
}
