//! The semantic diff of two versions of a flow file or a Studio script: elements, edges and
//! routing rules (a script's actions and branches) added, removed or changed, compared as JSON
//! values (key order, whitespace and a script's canvas layout do not matter). A script's changes
//! name each action as messages do: `action 6 "Outage info" (PLAY)`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::flow::model::describe_action;
use crate::flow::script_view;

/// What happened to one part of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// Which part of the flow changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Flow,
    Element,
    Edge,
    Rule,
}

impl Part {
    /// The part's name in a flow file.
    pub fn as_str(self) -> &'static str {
        self.name(false)
    }

    /// The part's name in a flow file, or in Studio's words in a script.
    pub fn name(self, script: bool) -> &'static str {
        match (self, script) {
            (Part::Flow, false) => "flow",
            (Part::Flow, true) => "script",
            (Part::Element, false) => "element",
            (Part::Element, true) => "action",
            (Part::Edge, false) => "edge",
            (Part::Edge, true) => "branch",
            (Part::Rule, _) => "routing rule",
        }
    }
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub part: Part,
    pub kind: ChangeKind,
    /// The element id, `from` + `on` of an edge, `element #n` of a rule, or a field of the flow;
    /// in a script, the action as messages name it, and its branch.
    pub key: String,
    /// What changed: the fields, or the new target of an edge.
    pub detail: String,
    /// The element to highlight in a diagram, when there is one in the new version.
    pub element: Option<String>,
    /// Whether the versions compared are Studio scripts (the part is named in Studio's words).
    pub script: bool,
}

impl Change {
    /// The changed part's name: `element` in a flow file, `action` in a script.
    pub fn part_name(&self) -> &'static str {
        self.part.name(self.script)
    }
}

/// Every difference between the base and the new version of a flow file or a Studio script, in a
/// stable order.
pub fn diff(base: &Value, head: &Value) -> Vec<Change> {
    let script = script_view::is_script(head) || script_view::is_script(base);
    let (base, head) = (script_view::as_flow(base), script_view::as_flow(head));
    let (base, head) = (base.as_ref(), head.as_ref());
    let mut changes = Vec::new();
    for field in ["flowId", "name", "timeouts"] {
        if base.get(field) != head.get(field) {
            changes.push(Change {
                part: Part::Flow,
                kind: ChangeKind::Changed,
                key: field.to_string(),
                detail: describe(base.get(field), head.get(field)),
                element: None,
                script,
            });
        }
    }
    compare(&mut changes, Part::Element, (&elements(base), &elements(head)), script);
    let edges = (edges(base), edges(head));
    compare(&mut changes, Part::Edge, (&edges.0, &edges.1), script);
    compare(&mut changes, Part::Rule, (&rules(base), &rules(head)), script);
    if script {
        let names = ActionNames::new(base, head);
        for change in &mut changes {
            names.rename(change, &edges);
        }
    }
    changes.sort();
    changes
}

/// The ids of elements that are new or changed, or whose edges or rules changed.
pub fn touched_elements(changes: &[Change]) -> BTreeSet<String> {
    changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Removed || c.part != Part::Element)
        .filter_map(|c| c.element.clone())
        .collect()
}

fn describe(before: Option<&Value>, after: Option<&Value>) -> String {
    let show = |v: Option<&Value>| v.map_or_else(|| "(none)".to_string(), Value::to_string);
    format!("{} → {}", show(before), show(after))
}

/// A script's actions as messages name them, by id: the new version's, else the base's.
struct ActionNames(BTreeMap<String, String>);

impl ActionNames {
    fn new(base: &Value, head: &Value) -> ActionNames {
        let mut names = BTreeMap::new();
        for element in array(head, "elements").iter().chain(array(base, "elements")) {
            let id = text(element, "id");
            let label = element.get("label").and_then(Value::as_str).filter(|l| !l.is_empty());
            let name = describe_action(&id, label, &text(element, "type"));
            names.entry(id).or_insert(name);
        }
        ActionNames(names)
    }

    /// `action 6 "Outage info" (PLAY)`, or `"6"` for an id no version has.
    fn name(&self, id: &str) -> String {
        self.0.get(id).cloned().unwrap_or_else(|| format!("\"{id}\""))
    }

    /// Names the actions of one change of a script (and where a changed branch goes, from the
    /// base's and the new version's branches) instead of their bare ids.
    fn rename(&self, change: &mut Change, (base, head): &(Keyed, Keyed)) {
        let Some(id) = change
            .element
            .clone()
            .or_else(|| (change.part == Part::Element).then(|| change.key.clone()))
        else {
            return;
        };
        match change.part {
            Part::Element => change.key = self.name(&id),
            Part::Edge => {
                let to = |edges: &Keyed| edges.get(&change.key).map(|(edge, _)| self.name(&text(edge, "to")));
                change.detail = match (to(base), to(head)) {
                    (Some(before), Some(after)) => format!("to: {before} → {after}"),
                    (_, Some(to)) | (Some(to), None) => format!("→ {to}"),
                    (None, None) => return,
                };
                let on = change.key.strip_prefix(id.as_str()).unwrap_or_default();
                change.key = format!("{}{}", self.name(&id), on.replacen(" on ", " branch ", 1));
            }
            Part::Flow | Part::Rule => {}
        }
    }
}

/// Keyed parts of one kind: key -> (value, the element it belongs to).
type Keyed = BTreeMap<String, (Value, Option<String>)>;

fn compare(changes: &mut Vec<Change>, part: Part, (base, head): (&Keyed, &Keyed), script: bool) {
    for (key, (value, element)) in head {
        match base.get(key) {
            None => changes.push(Change {
                part,
                kind: ChangeKind::Added,
                key: key.clone(),
                detail: summary(part, value),
                element: element.clone(),
                script,
            }),
            Some((old, _)) if old != value => changes.push(Change {
                part,
                kind: ChangeKind::Changed,
                key: key.clone(),
                detail: fields_changed(old, value),
                element: element.clone(),
                script,
            }),
            Some(_) => {}
        }
    }
    for (key, (value, element)) in base {
        if !head.contains_key(key) {
            changes.push(Change {
                part,
                kind: ChangeKind::Removed,
                key: key.clone(),
                detail: summary(part, value),
                element: element.clone().filter(|_| part != Part::Element),
                script,
            });
        }
    }
}

fn summary(part: Part, value: &Value) -> String {
    match part {
        Part::Element => value["type"].as_str().unwrap_or("?").to_string(),
        Part::Edge => format!("→ {}", value["to"].as_str().unwrap_or("?")),
        _ => value.to_string(),
    }
}

/// `to: "a" → "b"` for one field; the field names when several changed.
fn fields_changed(old: &Value, new: &Value) -> String {
    let (Some(old), Some(new)) = (old.as_object(), new.as_object()) else {
        return describe(Some(old), Some(new));
    };
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let changed: Vec<&String> = names.into_iter().filter(|k| old.get(*k) != new.get(*k)).collect();
    match changed.as_slice() {
        [one] => format!("{one}: {}", describe(old.get(*one), new.get(*one))),
        many => many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
    }
}

fn array<'v>(flow: &'v Value, field: &str) -> &'v [Value] {
    flow.get(field).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn text(value: &Value, field: &str) -> String {
    value.get(field).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn elements(flow: &Value) -> Keyed {
    array(flow, "elements")
        .iter()
        .map(|e| (text(e, "id"), (e.clone(), Some(text(e, "id")))))
        .collect()
}

fn edges(flow: &Value) -> Keyed {
    array(flow, "edges")
        .iter()
        .map(|e| {
            let from = text(e, "from");
            let key = match e.get("on").and_then(Value::as_str) {
                Some(on) => format!("{from} on \"{on}\""),
                None => from.clone(),
            };
            (key, (e.clone(), Some(from)))
        })
        .collect()
}

fn rules(flow: &Value) -> Keyed {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    array(flow, "routingRules")
        .iter()
        .map(|r| {
            let element = text(r, "element");
            let n = seen.entry(element.clone()).or_default();
            *n += 1;
            (format!("{element} #{n}"), (r.clone(), Some(element)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn key_order_does_not_matter_and_each_kind_of_change_is_named() {
        let base = json!({"flowId": "f", "elements": [
            {"id": "start", "type": "start"}, {"id": "menu", "type": "menu", "prompt": "Hi", "promptMs": 10},
            {"id": "old", "type": "hangup"}],
          "edges": [{"from": "start", "to": "menu"}, {"on": "1", "from": "menu", "to": "old"}],
          "routingRules": []});
        let reordered = json!({"edges": [{"to": "menu", "from": "start"}, {"from": "menu", "on": "1", "to": "old"}],
          "elements": [{"type": "start", "id": "start"}, {"promptMs": 10, "prompt": "Hi", "type": "menu", "id": "menu"},
            {"id": "old", "type": "hangup"}], "flowId": "f", "routingRules": []});
        assert!(diff(&base, &reordered).is_empty());

        let head = json!({"flowId": "f", "elements": [
            {"id": "start", "type": "start"}, {"id": "menu", "type": "menu", "prompt": "Hello", "promptMs": 10},
            {"id": "new", "type": "queue"}],
          "edges": [{"from": "start", "to": "menu"}, {"on": "1", "from": "menu", "to": "new"}],
          "routingRules": [{"element": "r", "condition": {}, "action": {"goto": "x"}}]});
        let changes = diff(&base, &head);
        let lines: Vec<String> = changes
            .iter()
            .map(|c| format!("{} {} {}: {}", c.part.as_str(), c.kind.as_str(), c.key, c.detail))
            .collect();
        assert_eq!(
            lines,
            vec![
                "element added new: queue",
                "element removed old: hangup",
                "element changed menu: prompt: \"Hi\" → \"Hello\"",
                "edge changed menu on \"1\": to: \"old\" → \"new\"",
                "routing rule added r #1: {\"action\":{\"goto\":\"x\"},\"condition\":{},\"element\":\"r\"}",
            ]
        );
        let touched: Vec<String> = touched_elements(&changes).into_iter().collect();
        assert_eq!(touched, vec!["menu", "new", "r"]);
    }

    #[test]
    fn a_script_diff_names_actions_and_branches_by_label() {
        let script = |to: u64, prompt: &str| {
            json!({"header": {"scriptName": "S"},
              "actions": {"1": {"actionId": 1, "name": "BEGIN", "label": "Begin", "x": to},
                "3": {"actionId": 3, "name": "MENU", "label": "Main Menu"},
                "4": {"actionId": 4, "name": "REQAGENT", "label": "Agents"},
                "6": {"actionId": 6, "name": "PLAY", "label": "Outage info", "prompt": prompt}},
              "branches": {"1": [{"to": 3, "type": "default"}],
                "3": [{"to": to, "type": "case", "label": "2"}, {"to": 4, "type": "default"}]}})
        };
        let lines: Vec<String> = diff(&script(6, "Down"), &script(4, "Up"))
            .iter()
            .map(|c| format!("{} {} {}: {}", c.part_name(), c.kind.as_str(), c.key, c.detail))
            .collect();
        assert_eq!(
            lines,
            vec![
                "action changed action 6 \"Outage info\" (PLAY): prompt: \"Down\" → \"Up\"",
                "branch changed action 3 \"Main Menu\" (MENU) branch \"2\": \
                 to: action 6 \"Outage info\" (PLAY) → action 4 \"Agents\" (REQAGENT)",
            ]
        );
    }
}
