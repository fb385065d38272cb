//! A Studio script seen in the flow file's shape (`elements`, `edges`), keyed by action id and
//! without layout, so the semantic diff and the diagrams read scripts as they read flows.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

/// The fields of an action that only place it on Studio's canvas.
pub const LAYOUT_FIELDS: [&str; 4] = ["x", "y", "xws", "yws"];

/// Whether a JSON document is a Studio script (its top level has `header`, `actions`, `branches`).
pub fn is_script(value: &Value) -> bool {
    crate::discover::SCRIPT_KEYS.iter().all(|key| value.get(key).is_some())
}

/// A script as `{"name", "elements", "edges"}`; any other document as it is.
pub fn as_flow(value: &Value) -> Cow<'_, Value> {
    if !is_script(value) {
        return Cow::Borrowed(value);
    }
    let properties = value.get("properties");
    let mut actions: Vec<(&String, &Value)> = entries(value.get("actions")).collect();
    // In id order, as Studio numbers them (JSON objects carry no order here).
    actions.sort_by_key(|(id, _)| (id.parse::<u64>().unwrap_or(u64::MAX), id.as_str()));
    let elements: Vec<Value> = actions
        .into_iter()
        .map(|(id, action)| {
            let mut element = Map::new();
            element.insert("id".into(), json!(id));
            element.insert("type".into(), action.get("name").cloned().unwrap_or(Value::Null));
            for (key, field) in action.as_object().into_iter().flatten() {
                if !LAYOUT_FIELDS.contains(&key.as_str()) && !["actionId", "name"].contains(&key.as_str()) {
                    element.insert(key.clone(), field.clone());
                }
            }
            // Properties by name beside the action's own fields, so a diff names the one that changed.
            for (_, property) in entries(properties.and_then(|p| p.get(id))) {
                if let (Some(name), Some(value)) = (property.get("name").and_then(Value::as_str), property.get("value"))
                {
                    element.entry(name.to_string()).or_insert_with(|| value.clone());
                }
            }
            Value::Object(element)
        })
        .collect();
    let edges: Vec<Value> = entries(value.get("branches"))
        .flat_map(|(from, list)| {
            list.as_array().into_iter().flatten().map(move |branch| {
                let to = match branch.get("to") {
                    Some(Value::Number(n)) => n.to_string(),
                    Some(Value::String(s)) => s.clone(),
                    _ => String::new(),
                };
                json!({"from": from, "to": to, "on": branch_label(branch)})
            })
        })
        .collect();
    let name = value.pointer("/header/scriptName").cloned().unwrap_or(Value::Null);
    Cow::Owned(json!({"name": name, "elements": elements, "edges": edges}))
}

/// What a branch is taken on: `default` for the default branch, else its label (or its type).
pub fn branch_label(branch: &Value) -> String {
    let kind = branch.get("type").and_then(Value::as_str);
    // A label may be a number (`0`), read as its text, as the loader reads it.
    let label = match branch.get("label") {
        Some(Value::Number(number)) => Some(Cow::Owned(number.to_string())),
        other => other.and_then(Value::as_str).map(Cow::Borrowed),
    };
    outcome(kind, label.as_deref()).unwrap_or_default().into()
}

/// A branch's outcome from its `type` and `label`: `default` for the default branch, else its
/// label, else its type.
pub fn outcome<'a>(kind: Option<&'a str>, label: Option<&'a str>) -> Option<&'a str> {
    let label = label.filter(|l| !l.is_empty());
    match (kind.filter(|k| !k.is_empty()), label) {
        (Some("default"), _) => Some("default"),
        (_, Some(label)) => Some(label),
        (kind, None) => kind,
    }
}

/// Whether two versions of a script differ only in where their actions are drawn.
pub fn layout_only(base: &Value, head: &Value) -> bool {
    is_script(base) && is_script(head) && base != head && without_layout(base) == without_layout(head)
}

fn without_layout(script: &Value) -> Value {
    let mut copy = script.clone();
    if let Some(actions) = copy.get_mut("actions").and_then(Value::as_object_mut) {
        for action in actions.values_mut().filter_map(Value::as_object_mut) {
            for field in LAYOUT_FIELDS {
                action.remove(field);
            }
        }
    }
    copy
}

fn entries(object: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    object.and_then(Value::as_object).into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(x: i64, to: i64) -> Value {
        json!({"header": {"scriptName": "S"},
          "actions": {"1": {"actionId": 1, "name": "BEGIN", "x": x, "xws": x}, "2": {"actionId": 2, "name": "HANGUP", "label": "Bye"}},
          "properties": {"2": {"0": {"name": "Reason", "value": "done"}}},
          "branches": {"1": [{"to": to, "type": "default", "label": "Default"}]}})
    }

    #[test]
    fn a_script_reads_as_elements_and_edges_without_layout() {
        let view = as_flow(&script(10, 2)).into_owned();
        assert_eq!(view["elements"][0], json!({"id": "1", "type": "BEGIN"}));
        assert_eq!(
            view["elements"][1],
            json!({"id": "2", "type": "HANGUP", "label": "Bye", "Reason": "done"})
        );
        assert_eq!(view["edges"][0], json!({"from": "1", "to": "2", "on": "default"}));
        let numbered = json!({"to": 3, "type": "branch", "label": 0});
        assert_eq!(branch_label(&numbered), "0");
        let flow = json!({"elements": []});
        assert!(matches!(as_flow(&flow), Cow::Borrowed(_)));
    }

    #[test]
    fn moving_an_action_is_layout_only_and_rewiring_is_not() {
        assert!(layout_only(&script(10, 2), &script(99, 2)));
        assert!(!layout_only(&script(10, 2), &script(10, 2)));
        assert!(!layout_only(&script(10, 2), &script(99, 1)));
    }
}
