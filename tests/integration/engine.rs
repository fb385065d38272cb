//! The simulation semantics of the spec, case by case, on small flows.

use cxone_flow::check::{Settings, check_flow_bytes};
use cxone_flow::flow::model::Flow;
use cxone_flow::sim::condition::Variables;
use cxone_flow::sim::engine::{Call, Ending, Engine, Verdict};
use serde_json::json;

/// Loads a flow from JSON text (it need not be clean: the engine runs any loaded flow).
pub fn flow(text: &str) -> Flow {
    check_flow_bytes("t.flow.json", text.as_bytes().to_vec(), &Settings::default())
        .1
        .expect("the flow loads")
}

pub fn run(flow: &Flow, dtmf: &[&str], variables: serde_json::Value) -> Call {
    let dtmf: Vec<String> = dtmf.iter().map(|s| s.to_string()).collect();
    let variables: Variables = serde_json::from_value(variables).unwrap();
    Engine::new(flow).run(&dtmf, &variables)
}

fn path(flow: &Flow, call: &Call) -> Vec<String> {
    call.path(flow).into_iter().map(str::to_string).collect()
}

/// The spec's example flow.
const SPEC: &str = r#"{
  "flowId": "main-menu",
  "elements": [
    {"id": "start", "type": "start"},
    {"id": "welcome", "type": "play", "prompt": "Thanks for calling", "promptMs": 2000},
    {"id": "menu_main", "type": "menu", "prompt": "Sales 1, support 2", "promptMs": 4000},
    {"id": "routing_sales", "type": "routing"},
    {"id": "queue_sales", "type": "queue", "queue": "Sales"},
    {"id": "queue_after_hours", "type": "voicemail"},
    {"id": "queue_support", "type": "queue", "queue": "Support"},
    {"id": "timeout", "type": "timeout"},
    {"id": "error", "type": "error"}
  ],
  "edges": [
    {"from": "start", "to": "welcome"},
    {"from": "welcome", "to": "menu_main"},
    {"from": "menu_main", "to": "routing_sales", "on": "1"},
    {"from": "menu_main", "to": "queue_support", "on": "2"},
    {"from": "menu_main", "to": "timeout", "on": "timeout"},
    {"from": "menu_main", "to": "error", "on": "invalid"},
    {"from": "routing_sales", "to": "queue_after_hours", "on": "default"}
  ],
  "routingRules": [
    {"element": "routing_sales",
     "condition": {"variable": "hour", "operator": "between", "value": [9, 17]},
     "action": {"goto": "queue_sales"}}
  ],
  "timeouts": {"globalTimeout": 30000, "inputTimeout": 10000, "transferTimeout": 60000}
}"#;

#[test]
fn the_spec_example_routes_by_key_and_hour() {
    let f = flow(SPEC);
    let call = run(&f, &["1"], json!({"hour": 10}));
    assert_eq!(
        path(&f, &call),
        ["start", "welcome", "menu_main", "routing_sales", "queue_sales"]
    );
    assert_eq!(
        (call.final_element.as_str(), call.execution_time, call.timed_out),
        ("queue_sales", 6000, false)
    );
    assert_eq!(call.verdict(&f, 15_000), Verdict::Success);
    let after_hours = run(&f, &["1"], json!({"hour": 18}));
    assert_eq!(after_hours.final_element, "queue_after_hours");
    let no_hour = run(&f, &["1"], json!({}));
    assert_eq!(
        no_hour.final_element, "queue_after_hours",
        "a missing variable makes `between` false"
    );
    let mixed = run(&f, &["1"], json!({"hour": "10"}));
    assert_eq!(
        mixed.final_element, "queue_after_hours",
        "a string never compares with numbers"
    );
}

#[test]
fn silence_waits_input_timeout_then_follows_timeout() {
    let f = flow(SPEC);
    for dtmf in [&[][..], &[""][..]] {
        let call = run(&f, dtmf, json!({}));
        assert_eq!(call.final_element, "timeout", "{dtmf:?}");
        assert_eq!(call.execution_time, 2000 + 4000 + 10_000);
        assert!(
            !call.timed_out,
            "the timeout element is reached, the call did not time out"
        );
        assert_eq!(
            call.verdict(&f, 30_000),
            Verdict::Failure,
            "ending in a timeout sink is a failure"
        );
    }
}

#[test]
fn a_menu_takes_the_first_key_and_unknown_keys_are_invalid() {
    let f = flow(SPEC);
    assert_eq!(run(&f, &["21"], json!({})).final_element, "queue_support");
    let invalid = run(&f, &["7"], json!({}));
    assert_eq!(invalid.final_element, "error");
    assert_eq!(
        invalid.ending,
        Ending::Terminal,
        "the flow's own error element, not an implicit error"
    );
    assert_eq!(invalid.verdict(&f, 15_000), Verdict::Failure);
}

const INPUT: &str = r#"{"flowId": "i", "elements": [
  {"id": "start", "type": "start"},
  {"id": "acct", "type": "input", "prompt": "Account", "promptMs": 1000, "variable": "account", "minDigits": 4, "maxDigits": 6},
  {"id": "pin", "type": "input", "prompt": "PIN", "variable": "pin"},
  {"id": "done", "type": "hangup"}, {"id": "retry", "type": "hangup"}, {"id": "silent", "type": "hangup"}],
  "edges": [{"from": "start", "to": "acct"}, {"from": "acct", "to": "pin", "on": "ok"},
    {"from": "acct", "to": "retry", "on": "invalid"}, {"from": "acct", "to": "silent", "on": "timeout"},
    {"from": "pin", "to": "done", "on": "ok"}]}"#;

#[test]
fn input_checks_digit_bounds_and_sets_its_variable() {
    let f = flow(INPUT);
    for (entry, expected) in [
        ("123", "retry"),
        ("1234", "done"),
        ("123456", "done"),
        ("1234567", "retry"),
    ] {
        let call = run(&f, &[entry, "9"], json!({}));
        assert_eq!(call.final_element, expected, "{entry}");
        if expected == "done" {
            assert_eq!(call.variables["account"], json!(entry));
            assert_eq!(call.variables["pin"], json!("9"), "minDigits defaults to 1, no maximum");
        } else {
            assert!(!call.variables.contains_key("account"));
        }
    }
    let silent = run(&f, &[""], json!({}));
    assert_eq!(
        (silent.final_element.as_str(), silent.execution_time),
        ("silent", 1000 + 10_000)
    );
}

#[test]
fn a_missing_edge_is_an_implicit_error_naming_element_and_outcome() {
    let f = flow(INPUT);
    // pin has no timeout edge.
    let call = run(&f, &["1234"], json!({}));
    assert_eq!(call.final_element, "error");
    assert_eq!(
        call.ending,
        Ending::MissingEdge {
            label: Some("timeout".into())
        }
    );
    assert_eq!(call.path(&f).last(), Some(&"pin"));
    assert_eq!(call.verdict(&f, 60_000), Verdict::Failure);
}

const SLOW: &str = r#"{"flowId": "s", "elements": [
  {"id": "start", "type": "start"},
  {"id": "a", "type": "play", "prompt": "a", "promptMs": 4000},
  {"id": "b", "type": "play", "prompt": "b", "promptMs": 1000},
  {"id": "c", "type": "play", "prompt": "c", "promptMs": 1},
  {"id": "q", "type": "queue", "queue": "Q"}],
  "edges": [{"from": "start", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "c"}, {"from": "c", "to": "q"}],
  "timeouts": {"globalTimeout": 5000, "inputTimeout": 100}}"#;

#[test]
fn the_global_timeout_is_checked_after_each_element() {
    let f = flow(SLOW);
    let call = run(&f, &[], json!({}));
    // a ends at 4000, b at exactly 5000 (not over), c at 5001: time runs out during c.
    assert_eq!(path(&f, &call), ["start", "a", "b", "c"]);
    assert_eq!(
        (call.final_element.as_str(), call.timed_out, call.execution_time),
        ("timeout", true, 5001)
    );
    assert_eq!(call.ending, Ending::GlobalTimeout);
    assert_eq!(call.verdict(&f, 15_000), Verdict::Failure);
    // The call ends during c: it follows no edge out of c, so coverage does not count one.
    assert_eq!(call.steps.last().unwrap().edge, None);
    assert!(call.steps[..call.steps.len() - 1].iter().all(|s| s.edge.is_some()));
    let coverage = cxone_flow::sim::coverage::Coverage::of(&f, [&call]);
    assert_eq!(coverage.edges_covered, 3, "start→a, a→b, b→c; not c→q");
}

#[test]
fn the_execution_threshold_fails_a_slow_call() {
    let f = flow(SPEC);
    let call = run(&f, &["2"], json!({}));
    assert_eq!(call.execution_time, 6000);
    assert_eq!(call.verdict(&f, 6000), Verdict::Success);
    assert_eq!(call.verdict(&f, 5999), Verdict::Failure);
}

#[test]
fn a_call_over_the_step_bound_is_a_loop() {
    let f = flow(
        r#"{"flowId": "l", "elements": [{"id": "start", "type": "start"}, {"id": "a", "type": "set", "variable": "x", "value": 1},
        {"id": "b", "type": "routing"}], "edges": [{"from": "start", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "a", "on": "default"}]}"#,
    );
    let call = run(&f, &[], json!({}));
    assert_eq!(call.ending, Ending::Loop);
    assert_eq!(call.steps.len(), 1000);
    assert_eq!(call.final_element, "error");
    assert_eq!(call.verdict(&f, 15_000), Verdict::Failure);
}

#[test]
fn routing_rules_are_tried_in_file_order_and_set_feeds_them() {
    let f = flow(
        r#"{"flowId": "r", "elements": [{"id": "start", "type": "start"}, {"id": "lang", "type": "set", "variable": "language", "value": "es"},
        {"id": "route", "type": "routing"}, {"id": "first", "type": "hangup"}, {"id": "second", "type": "hangup"}, {"id": "other", "type": "hangup"}],
        "edges": [{"from": "start", "to": "lang"}, {"from": "lang", "to": "route"}, {"from": "route", "to": "other", "on": "default"}],
        "routingRules": [
          {"element": "route", "condition": {"variable": "vip", "operator": "equals", "value": true}, "action": {"goto": "first"}},
          {"element": "route", "condition": {"variable": "language", "operator": "startsWith", "value": "e"}, "action": {"goto": "second"}},
          {"element": "route", "condition": {"variable": "language", "operator": "exists"}, "action": {"goto": "first"}}]}"#,
    );
    assert_eq!(run(&f, &[], json!({"vip": true})).final_element, "first");
    let call = run(&f, &[], json!({"vip": false}));
    assert_eq!(
        call.final_element, "second",
        "the first matching rule wins, not the last"
    );
    assert_eq!(call.variables["language"], json!("es"));
    assert_eq!(call.variables["vip"], json!(false), "starting variables are kept");
}

#[test]
fn negations_hold_for_missing_variables() {
    let f = flow(
        r#"{"flowId": "n", "elements": [{"id": "start", "type": "start"}, {"id": "route", "type": "routing"},
        {"id": "yes", "type": "hangup"}, {"id": "no", "type": "hangup"}],
        "edges": [{"from": "start", "to": "route"}, {"from": "route", "to": "no", "on": "default"}],
        "routingRules": [{"element": "route", "condition": {"all": [
          {"variable": "ani", "operator": "notEquals", "value": "+15550100"},
          {"variable": "dnis", "operator": "notIn", "value": ["800", "888"]}]}, "action": {"goto": "yes"}}]}"#,
    );
    assert_eq!(run(&f, &[], json!({})).final_element, "yes");
    assert_eq!(run(&f, &[], json!({"dnis": "800"})).final_element, "no");
    assert_eq!(
        run(&f, &[], json!({"ani": 15550100})).final_element,
        "no",
        "a number never compares with a string"
    );
}

#[test]
fn a_flow_without_start_ends_at_once_in_an_error() {
    let f = flow(r#"{"flowId": "x", "elements": [{"id": "bye", "type": "hangup"}]}"#);
    let call = run(&f, &["1"], json!({}));
    assert!(call.steps.is_empty());
    assert_eq!(
        (call.final_element.as_str(), call.verdict(&f, 15_000)),
        ("error", Verdict::Failure)
    );
}
