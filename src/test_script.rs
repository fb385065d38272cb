//! Small Studio scripts built in tests, and the findings of one rule on them.

use serde_json::{Value, json};

use crate::check::{Settings, check_flow_bytes};
use crate::registry::Rule;

/// One action: its id, type name, properties (name to value) and branches (label, `""` for the
/// default branch, to the action id).
pub type TestAction<'a> = (u64, &'a str, Value, &'a [(&'a str, u64)]);

/// A script of `actions`, the first being where BEGIN stands, as JSON bytes.
pub fn script(actions: &[TestAction]) -> Vec<u8> {
    let mut all = serde_json::Map::new();
    let mut properties = serde_json::Map::new();
    let mut branches = serde_json::Map::new();
    for (id, name, props, out) in actions {
        let key = id.to_string();
        all.insert(
            key.clone(),
            json!({"actionId": id, "name": name, "label": format!("A{id}"), "xws": 0, "yws": 0}),
        );
        let props: serde_json::Map<String, Value> = props
            .as_object()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, (name, value))| (i.to_string(), json!({"name": name, "value": value})))
            .collect();
        properties.insert(key.clone(), Value::Object(props));
        let out: Vec<Value> = out
            .iter()
            .enumerate()
            .map(|(i, (label, to))| {
                let kind = if label.is_empty() { "default" } else { "branch" };
                json!({"to": to, "label": label, "type": kind, "index": i})
            })
            .collect();
        branches.insert(key, Value::Array(out));
    }
    let next = actions.iter().map(|a| a.0).max().unwrap() + 1;
    serde_json::to_vec(&json!({"header": {"scriptName": "T", "nextActionId": next},
        "actions": all, "properties": properties, "branches": branches}))
    .unwrap()
}

/// The messages of `rule`'s findings on a script.
pub fn findings(rule: Rule, bytes: Vec<u8>) -> Vec<String> {
    let (report, _) = check_flow_bytes("t.json", bytes, &Settings::default());
    report
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.message)
        .collect()
}
