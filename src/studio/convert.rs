//! Converts a Studio script to a flow file and a flow file to a script, for what both can say. What
//! only a script says (its header, each action's other fields, properties and branch details) rides
//! along in `studio` fields of the flow, so a script converted to a flow and back is the script it
//! was; what a flow says wins over what rides along, so edits made in the flow reach the script.

use serde_json::{Map, Value, json};

use crate::flow::model::{ElementKind, Flow, describe_action};
use crate::flow::script_view::{LAYOUT_FIELDS, branch_label};
use crate::source::Span;
use crate::studio::actions::{self, KnownAction};
use crate::studio::load::expression_value;
use crate::studio::prompt;
use crate::studio::properties::{property, set_property};

/// Keys written first, in this order, in converted flow files and scripts.
pub const KEY_ORDER: &[&str] = &[
    "$schema",
    "flowId",
    "header",
    "scriptName",
    "actionId",
    "id",
    "type",
    "libraryId",
    "name",
    "label",
    "description",
    "prompt",
    "promptMs",
    "variable",
    "value",
    "queue",
    "from",
    "to",
    "on",
    "elements",
    "edges",
    "actions",
    "properties",
    "branches",
];

/// Something that does not translate, and where it stands in the file being converted.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub span: Span,
    pub message: String,
}

/// The flow element types a script can hold, and the action each becomes.
fn action_for(kind: ElementKind) -> Option<&'static KnownAction> {
    let name = match kind {
        ElementKind::Start => "BEGIN",
        ElementKind::Play => "PLAY",
        ElementKind::Menu => "MENU",
        ElementKind::Set => "ASSIGN",
        ElementKind::Queue => "REQAGENT",
        ElementKind::Hangup => "HANGUP",
        _ => return None,
    };
    actions::by_name(name)
}

fn text<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str)
}

/// An action id as written (`4` or `"4"`).
fn id_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// The expression an ASSIGN writes for a flow `set` value: a string quoted, anything else as JSON.
fn expression_of(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// A script as a flow file. Refuses, each where it stands, actions and branches a flow cannot hold.
pub fn script_to_flow(script: &Value, model: &Flow) -> Result<Value, Vec<Refusal>> {
    let span_of = |id: &str| {
        model
            .elements
            .iter()
            .find(|e| e.id.value == id)
            .map_or(model.span, |e| e.id.span)
    };
    let mut refusals = Vec::new();
    let header_span = model.script.as_ref().map_or(model.span, |s| s.header_span);
    let script_name = script
        .pointer("/header/scriptName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if script_name.is_empty() {
        refusals.push(Refusal {
            span: header_span,
            message: "the script has no `header.scriptName`, which the flow needs as its `flowId`".into(),
        });
    }
    let no_properties = Value::Object(Map::new());
    let mut actions: Vec<(&String, &Value)> = script["actions"].as_object().into_iter().flatten().collect();
    actions.sort_by_key(|(id, _)| (id.parse::<u64>().unwrap_or(u64::MAX), id.as_str()));
    let (mut elements, mut edges) = (Vec::new(), Vec::new());
    for (id, action) in actions {
        let name = text(action, "name").unwrap_or_default();
        let known = actions::known(text(action, "libraryId"), name);
        // Only the action a flow element becomes again converts: MUSIC, WAIT, TTSVOICE and END
        // would come back as another action.
        let converts = known.filter(|k| action_for(k.kind).is_some_and(|back| back.name == k.name));
        let label = text(action, "label").filter(|l| !l.is_empty());
        let describe = || describe_action(id, label, name);
        let Some(known) = converts else {
            let why = match known {
                Some(k) if k.name == "MUSIC" => "flow files have no hold music".to_string(),
                Some(k) => format!(
                    "flow files have no {} action (a flow element would come back as another)",
                    k.name
                ),
                None => "its type is opaque to cxone-flow, and flow files have no such element".to_string(),
            };
            refusals.push(Refusal {
                span: span_of(id),
                message: format!("{} has no flow element: {why}", describe()),
            });
            continue;
        };
        let properties = script.pointer(&format!("/properties/{id}")).unwrap_or(&no_properties);
        let branches = script.pointer(&format!("/branches/{id}"));
        let mut element = Map::new();
        element.insert("id".into(), json!(id));
        element.insert("type".into(), json!(known.kind.name()));
        if let Some(label) = label {
            element.insert("description".into(), json!(label));
        }
        match known.kind {
            ElementKind::Play | ElementKind::Menu => {
                let speech = prompt::speech(&prompt::segments(property(properties, "Sequence").unwrap_or_default()));
                element.insert("promptMs".into(), json!(prompt::estimate_ms(&speech)));
                element.insert("prompt".into(), json!(speech));
            }
            ElementKind::Set => {
                let variable = property(properties, "Variable").filter(|v| !v.trim().is_empty());
                let expression = property(properties, "Expression").or_else(|| property(properties, "Value"));
                match (variable, expression) {
                    (Some(variable), Some(expression)) => {
                        element.insert("variable".into(), json!(variable.trim()));
                        element.insert("value".into(), expression_value(expression));
                    }
                    _ => refusals.push(Refusal {
                        span: span_of(id),
                        message: format!(
                            "{} needs a `Variable` and an `Expression` to be a flow `set`",
                            describe()
                        ),
                    }),
                }
            }
            ElementKind::Queue => {
                match property(properties, "Skill").filter(|s| !s.trim().is_empty()) {
                    Some(skill) => {
                        element.insert("queue".into(), json!(skill));
                    }
                    None => refusals.push(Refusal {
                        span: span_of(id),
                        message: format!("{} has no `Skill`, which a flow `queue` needs", describe()),
                    }),
                }
                if branches.and_then(Value::as_array).is_some_and(|b| !b.is_empty()) {
                    refusals.push(Refusal {
                        span: span_of(id),
                        message: format!(
                            "{}'s branches lead into its hold loop, which a flow `queue` cannot have",
                            describe()
                        ),
                    });
                }
            }
            _ => {}
        }
        for branch in branches.and_then(Value::as_array).into_iter().flatten() {
            let to = id_text(branch.get("to"));
            let label = branch_label(branch);
            let on = match (known.kind, label.as_str()) {
                (ElementKind::Menu, "default") => vec![Some("timeout"), Some("invalid")],
                (ElementKind::Menu, key) => vec![Some(key)],
                (ElementKind::Start | ElementKind::Play | ElementKind::Set, "default") => vec![None],
                (ElementKind::Queue, _) => continue,
                (_, other) => {
                    refusals.push(Refusal {
                        span: span_of(id),
                        message: format!("the branch \"{other}\" of {} has no flow edge", describe()),
                    });
                    continue;
                }
            };
            for on in on {
                let mut edge = json!({"from": id, "to": to});
                if let Some(on) = on {
                    edge["on"] = json!(on);
                }
                edges.push(edge);
            }
        }
        let mut studio = Map::new();
        studio.insert("action".into(), action.clone());
        if let Some(own) = script.pointer(&format!("/properties/{id}")) {
            studio.insert("properties".into(), own.clone());
        }
        if let Some(branches) = branches {
            studio.insert("branches".into(), branches.clone());
        }
        element.insert("studio".into(), Value::Object(studio));
        elements.push(Value::Object(element));
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }
    let mut rest = script.as_object().cloned().unwrap_or_default();
    for key in ["actions", "properties", "branches"] {
        rest.remove(key);
    }
    Ok(json!({
        "flowId": script_name,
        "name": script_name,
        "elements": elements,
        "edges": edges,
        "studio": rest,
    }))
}

/// A flow file as a script. Refuses, each where it stands, elements, edges and rules a script
/// cannot hold (their Studio actions are not public).
pub fn flow_to_script(flow: &Value, model: &Flow) -> Result<Value, Vec<Refusal>> {
    let mut refusals = Vec::new();
    for rule in &model.routing_rules {
        refusals.push(Refusal {
            span: rule.span,
            message:
                "routing rules have no Studio action cxone-flow can write (the IF and CASE action types are not public)"
                    .into(),
        });
    }
    let elements = flow["elements"].as_array().map_or(&[][..], Vec::as_slice);
    // Action ids: the one each element carries, else its own id when it is a free number, else the
    // next free number.
    let mut used: std::collections::BTreeSet<u64> = std::collections::BTreeSet::new();
    let mut ids: Vec<Option<u64>> = Vec::with_capacity(elements.len());
    for element in elements {
        let carried = element
            .pointer("/studio/action/actionId")
            .and_then(|v| id_text(Some(v)).parse().ok());
        let own = text(element, "id").and_then(|id| id.parse::<u64>().ok());
        let id = carried.or(own).filter(|id| *id > 0 && !used.contains(id));
        used.extend(id);
        ids.push(id);
    }
    let mut next = used.last().map_or(1, |last| last + 1);
    let ids: Vec<u64> = ids
        .into_iter()
        .map(|id| {
            id.unwrap_or_else(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    let action_of = |element_id: &str| {
        elements
            .iter()
            .position(|e| text(e, "id") == Some(element_id))
            .map(|i| ids[i])
    };
    let (mut actions, mut properties, mut branches) = (Map::new(), Map::new(), Map::new());
    for (i, element) in elements.iter().enumerate() {
        let span = model.elements.get(i).map_or(model.span, |e| e.id.span);
        let element_id = text(element, "id").unwrap_or_default();
        let kind = ElementKind::parse(text(element, "type").unwrap_or_default()).unwrap_or(ElementKind::Unknown);
        let Some(known) = action_for(kind) else {
            refusals.push(Refusal {
                span,
                message: format!(
                    "{} element \"{element_id}\" has no Studio action cxone-flow can write; scripts take start, play, menu, set, queue and hangup",
                    kind.name()
                ),
            });
            continue;
        };
        let id = ids[i];
        let carried = element.get("studio");
        let mut action = carried
            .and_then(|s| s.get("action"))
            .filter(|a| text(a, "name") == Some(known.name))
            .cloned()
            .unwrap_or_else(|| json!({"libraryId": known.library_id, "name": known.name, "version": 1}));
        action["actionId"] = json!(id);
        match text(element, "description") {
            Some(description) => action["label"] = json!(description),
            None if carried.is_none() => action["label"] = json!(element_id),
            None => {}
        }
        let column = (i % 5) as i64 * 220;
        let row = (i / 5) as i64 * 160;
        for (field, at) in LAYOUT_FIELDS.into_iter().zip([column, row, column, row]) {
            if action.get(field).is_none() {
                action[field] = json!(at);
            }
        }
        actions.insert(id.to_string(), action);
        let mut own = carried
            .and_then(|s| s.get("properties"))
            .cloned()
            .unwrap_or_else(|| json!({}));
        let had_properties = carried.is_some_and(|s| s.get("properties").is_some());
        match kind {
            ElementKind::Play | ElementKind::Menu => {
                let prompt_text = text(element, "prompt").unwrap_or_default();
                let said = prompt::speech(&prompt::segments(property(&own, "Sequence").unwrap_or_default()));
                if said != prompt_text || property(&own, "Sequence").is_none() {
                    set_property(&mut own, "Sequence", prompt::sequence_of(prompt_text));
                }
            }
            ElementKind::Set => {
                let variable = text(element, "variable").unwrap_or_default();
                if property(&own, "Variable").map(str::trim) != Some(variable) {
                    set_property(&mut own, "Variable", variable.to_string());
                }
                let value = element.get("value").cloned().unwrap_or(Value::Null);
                let key = if property(&own, "Expression").is_none() && property(&own, "Value").is_some() {
                    "Value"
                } else {
                    "Expression"
                };
                if property(&own, key).map(expression_value) != Some(value.clone()) {
                    set_property(&mut own, key, expression_of(&value));
                }
            }
            ElementKind::Queue => {
                let queue = text(element, "queue").unwrap_or_default();
                if property(&own, "Skill") != Some(queue) {
                    set_property(&mut own, "Skill", queue.to_string());
                }
            }
            _ => {}
        }
        if had_properties || own.as_object().is_some_and(|m| !m.is_empty()) {
            properties.insert(id.to_string(), own);
        }
        let carried_branches = carried.and_then(|s| s.get("branches"));
        let out = branches_of(
            flow,
            model,
            element_id,
            kind,
            carried_branches,
            &action_of,
            &mut refusals,
        );
        if carried_branches.is_some() || !out.is_empty() {
            branches.insert(id.to_string(), Value::Array(out));
        }
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }
    let rest = flow.pointer("/studio").and_then(Value::as_object).cloned();
    let mut script = rest.unwrap_or_else(|| {
        let header = json!({"mediaType": 4, "mediaTypeName": "call", "purposeType": "General", "status": "Active"});
        Map::from_iter([("header".to_string(), header)])
    });
    let header = script.entry("header").or_insert_with(|| json!({}));
    header["scriptName"] = flow.get("flowId").cloned().unwrap_or(Value::Null);
    let highest = ids.iter().max().copied().unwrap_or(0);
    let carried_next = header.get("nextActionId").and_then(Value::as_u64).unwrap_or(0);
    header["nextActionId"] = json!(carried_next.max(highest + 1));
    script.insert("actions".into(), Value::Object(actions));
    script.insert("properties".into(), Value::Object(properties));
    script.insert("branches".into(), Value::Object(branches));
    Ok(Value::Object(script))
}

/// The branches of one action from the flow's edges: the carried branch of each outcome when
/// there is one (its label, index and other fields kept), with `to` from the edge.
fn branches_of(
    flow: &Value,
    model: &Flow,
    element_id: &str,
    kind: ElementKind,
    carried: Option<&Value>,
    action_of: &dyn Fn(&str) -> Option<u64>,
    refusals: &mut Vec<Refusal>,
) -> Vec<Value> {
    // (studio label, target) per outcome, in edge order; a menu's timeout and invalid become its default.
    let mut outcomes: Vec<(String, u64, Span)> = Vec::new();
    let edges = flow["edges"].as_array().map_or(&[][..], Vec::as_slice);
    for (e, edge) in edges.iter().enumerate() {
        if text(edge, "from") != Some(element_id) {
            continue;
        }
        let span = model.edges.get(e).map_or(model.span, |m| m.span);
        let Some(to) = text(edge, "to").and_then(action_of) else {
            continue;
        };
        let label = match (kind, text(edge, "on")) {
            (ElementKind::Menu, Some("timeout" | "invalid")) | (_, None) => "default".to_string(),
            (_, Some(on)) => on.to_string(),
        };
        match outcomes.iter().find(|(l, _, _)| *l == label) {
            Some((_, other, _)) if *other != to => refusals.push(Refusal {
                span,
                message: format!(
                    "menu \"{element_id}\" sends `timeout` and `invalid` to different elements, but a Studio MENU has one default branch for both"
                ),
            }),
            Some(_) => {}
            None => outcomes.push((label, to, span)),
        }
    }
    let carried: Vec<&Value> = carried.and_then(Value::as_array).into_iter().flatten().collect();
    let mut out = Vec::new();
    // Carried branches first, in their order, then new outcomes.
    for branch in &carried {
        if let Some((_, to, _)) = outcomes.iter().find(|(l, _, _)| *l == branch_label(branch)) {
            let mut branch = (*branch).clone();
            branch["to"] = json!(to);
            out.push(branch);
        }
    }
    for (label, to, _) in &outcomes {
        if carried.iter().any(|b| branch_label(b) == *label) {
            continue;
        }
        let (kind, shown) = if label == "default" {
            ("default", "Default")
        } else {
            ("case", label.as_str())
        };
        out.push(json!({"to": to, "label": shown, "type": kind, "index": out.len()}));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Tape;

    fn loaded(text: &str, script: bool) -> (Value, Flow) {
        let tape = Tape::parse(text).unwrap();
        let (flow, _) = if script {
            crate::studio::load::load(tape.root())
        } else {
            crate::flow::load::load(tape.root())
        };
        (serde_json::from_str(text).unwrap(), flow)
    }

    #[test]
    fn a_flow_becomes_a_script_and_a_menu_s_timeout_and_invalid_its_default() {
        let text = r#"{"flowId": "Main_IVR", "elements": [{"id": "start", "type": "start"},
            {"id": "menu", "type": "menu", "prompt": "Press 1", "description": "Main Menu"},
            {"id": "q", "type": "queue", "queue": "Sales"}, {"id": "bye", "type": "hangup"}],
          "edges": [{"from": "start", "to": "menu"}, {"from": "menu", "to": "q", "on": "1"},
            {"from": "menu", "to": "bye", "on": "timeout"}, {"from": "menu", "to": "bye", "on": "invalid"}]}"#;
        let (flow, model) = loaded(text, false);
        let script = flow_to_script(&flow, &model).unwrap();
        assert_eq!(script["header"]["scriptName"], "Main_IVR");
        assert_eq!(script["header"]["nextActionId"], 5);
        assert_eq!(script["actions"]["2"]["label"], "Main Menu");
        assert_eq!(script["actions"]["3"]["name"], "REQAGENT");
        assert_eq!(property(&script["properties"]["2"], "Sequence"), Some("\"%Press 1\""));
        assert_eq!(property(&script["properties"]["3"], "Skill"), Some("Sales"));
        let menu = &script["branches"]["2"];
        assert_eq!(menu[0], json!({"to": 3, "label": "1", "type": "case", "index": 0}));
        assert_eq!(
            menu[1],
            json!({"to": 4, "label": "Default", "type": "default", "index": 1})
        );
    }

    #[test]
    fn what_does_not_translate_is_refused_where_it_stands() {
        let text = r#"{"flowId": "f", "elements": [{"id": "start", "type": "start"},
            {"id": "menu", "type": "menu", "prompt": "p"}, {"id": "r", "type": "routing"},
            {"id": "bye", "type": "hangup"}, {"id": "err", "type": "error"}],
          "edges": [{"from": "start", "to": "menu"}, {"from": "menu", "to": "bye", "on": "timeout"},
            {"from": "menu", "to": "err", "on": "invalid"}, {"from": "menu", "to": "r", "on": "1"}]}"#;
        let (flow, model) = loaded(text, false);
        let refusals = flow_to_script(&flow, &model).unwrap_err();
        let messages: Vec<&str> = refusals.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(refusals.len(), 3, "{messages:?}");
        let routing = refusals
            .iter()
            .find(|r| r.message.starts_with("routing element \"r\" has no Studio action"));
        assert_eq!(routing.map(|r| &text[r.span.start()..r.span.end()]), Some("\"r\""));
        let menu = refusals
            .iter()
            .find(|r| r.message.contains("one default branch for both"))
            .unwrap();
        assert!(
            text[menu.span.start()..menu.span.end()].contains("\"invalid\""),
            "at the second edge"
        );
        assert!(
            messages.iter().any(|m| m.starts_with("error element \"err\"")),
            "{messages:?}"
        );
    }
}
