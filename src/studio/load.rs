//! Loads a Studio script's JSON into the flow model: each action an element whose id is its action
//! id, each branch an edge, every part located; and the checks that only a script's JSON can show
//! (layout, `nextActionId`, prompt segments, opaque action types).

use std::borrow::Cow;

use compact_str::{CompactString, ToCompactString};
use rustc_hash::FxHashMap;

use crate::diagnostic::Finding;
use crate::flow::load::{FLOW_FIELDS, invalid_value, root_object};
use crate::flow::model::{Action, Edge, Element, ElementKind, Flow, Script, describe_action};
use crate::flow::script_view;
use crate::json::{Object, ObjectReader, Value, closest, describe_value, label_value};
use crate::registry::Rule;
use crate::source::{Span, Spanned};
use crate::studio::actions::{self, Meant};
use crate::studio::logic;
use crate::studio::prompt::{self, MAX_TTS_CHARS, Segment};

/// Loads a script from its JSON. Always returns a flow (possibly partial) and the findings. Keys
/// cxone-flow does not read are carried, never reported: real scripts hold many.
pub fn load(root: Value) -> (Flow, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut flow = Flow {
        span: root.span(),
        elements_span: root.span(),
        script: Some(Box::default()),
        ..Flow::default()
    };
    let Some(object) = root_object(root, "a Studio script", &mut findings) else {
        return (flow, findings);
    };
    let mut reader = ObjectReader::new(object, "the script", FLOW_FIELDS, &mut findings);
    let header = reader.object("header", true);
    let actions = reader.object("actions", true);
    let properties = reader.object("properties", false);
    let branches = reader.object("branches", true);
    flow.elements_span = actions.map_or(reader.open_brace(), |a| a.span());

    let mut next_action_id = None;
    if let Some(header) = header {
        let mut reader = ObjectReader::new(header, "`header`", FLOW_FIELDS, &mut findings);
        let name = reader.non_empty_string("scriptName", false);
        next_action_id = reader.integer("nextActionId", false, 0);
        flow.name = name.as_ref().map(|n| n.value.to_string());
        flow.script = Some(Box::new(Script {
            name,
            header_span: header.span(),
        }));
    }
    // Sized up front: grown by doubling, the lists were copied about once more.
    flow.elements.reserve(actions.map_or(0, |a| a.iter().count()));
    for property in actions.into_iter().flat_map(|a| a.iter()) {
        flow.elements
            .extend(load_action(property.name, property.value, &mut findings));
    }
    let index = id_index(&flow);
    for property in properties.into_iter().flat_map(|p| p.iter()) {
        let Some(&at) = index.get(property.key().as_ref()) else {
            continue;
        };
        let element = &mut flow.elements[at];
        match property.value.as_object() {
            Some(list) => apply_properties(element, list, &mut findings),
            None => findings.push(invalid_value(
                property.value,
                "the properties of an action",
                "an object",
            )),
        }
    }
    let branch_lists = branches
        .into_iter()
        .flat_map(|b| b.iter())
        .filter_map(|p| p.value.as_array());
    flow.edges.reserve(branch_lists.map(|list| list.len()).sum());
    for property in branches.into_iter().flat_map(|b| b.iter()) {
        let Some(list) = property.value.as_array() else {
            findings.push(invalid_value(property.value, "the branches of an action", "an array"));
            continue;
        };
        let from = Spanned::new(property.key().to_compact_string(), property.name.span());
        for value in list.iter() {
            match value.as_object() {
                Some(branch) => flow
                    .edges
                    .extend(load_branch(&from, property.name, branch, &mut findings)),
                None => findings.push(invalid_value(value, "each branch", "an object")),
            }
        }
    }
    finish(&mut flow, &index, next_action_id, &mut findings);
    (flow, findings)
}

/// Where each action's element stands in the list, by id (the last, for an id filed twice).
pub(crate) fn id_index(flow: &Flow) -> FxHashMap<CompactString, usize> {
    flow.elements
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.value.clone(), i))
        .collect()
}

/// What follows once every action and branch is read: each action's list of branch outcomes, and
/// the check of `nextActionId` against the actions' ids.
pub(crate) fn finish(
    flow: &mut Flow,
    index: &FxHashMap<CompactString, usize>,
    next_action_id: Option<Spanned<u64>>,
    findings: &mut Vec<Finding>,
) {
    for edge in &flow.edges {
        let from = index.get(&edge.from.value).map(|&at| &mut flow.elements[at]);
        if let (Some(action), Some(on)) = (from.and_then(|e| e.action.as_mut()), &edge.on) {
            action.branches.push(on.value.clone());
        }
    }
    if let Some(next) = next_action_id {
        findings.extend(stale_next_action_id(flow, next));
    }
    logic::parse_all(flow, findings);
}

/// An id as a script writes it: a number (`4`) or a string (`"4"`).
fn id_of(value: Value) -> Option<CompactString> {
    label_value(value).map(|l| l.value).filter(|s| !s.is_empty())
}

fn load_action(key: Value, value: Value, findings: &mut Vec<Finding>) -> Option<Element> {
    let id = key.to_compact().unwrap_or_default();
    let Some(object) = value.as_object() else {
        findings.push(invalid_value(value, &format!("action {id}"), "an object"));
        return None;
    };
    let mut reader = ObjectReader::new(object, "an action", FLOW_FIELDS, findings);
    reader.describe_after("action ", key);
    if let Some(action_id) = reader.get("actionId")
        && id_of(action_id).as_deref() != Some(id.as_str())
    {
        let finding = Finding::new(
            Rule::InvalidFieldValue,
            action_id.span(),
            format!(
                "`actionId` of action {id} is {}, not the key it is filed under",
                describe_value(action_id)
            ),
        )
        .with_help("CXone files each action under its own id; a copy-paste left two ids apart");
        reader.findings.push(finding);
    }
    let name = reader.non_empty_string("name", true);
    let library_id = reader.non_empty_string("libraryId", false);
    let label = reader.label("label", false).filter(|l| !l.value.is_empty());
    for field in ["xws", "yws"] {
        let at = reader.get(field);
        let integer = at.is_some_and(|v| v.as_number().is_some_and(|n| n.parse::<i64>().is_ok()));
        if !integer {
            let span = at.map_or(key.span(), Value::span);
            let found = at.map_or("none".to_string(), describe_value);
            let finding = Finding::new(
                Rule::MissingLayout,
                span,
                format!(
                    "{} needs an integer `{field}`, found {found}",
                    describe_action(
                        &id,
                        label.as_ref().map(|l| l.value.as_str()),
                        name.as_ref().map_or("no name", |n| n.value.as_str())
                    )
                ),
            )
            .with_help("one source says CXone's save rejects an action without integer `xws` and `yws`, NICE's own scripts lack them; if your tenant refuses it, open and save it in Studio");
            reader.findings.push(finding);
        }
    }
    let fields = ActionFields {
        id: Spanned::new(id, key.span()),
        name,
        library_id,
        label,
        span: object.span(),
    };
    Some(action_element(fields, reader.findings))
}

/// What an action's element is made of, as read from its object.
pub(crate) struct ActionFields {
    /// The key the action is filed under, at that key.
    pub id: Spanned<CompactString>,
    pub name: Option<Spanned<CompactString>>,
    pub library_id: Option<Spanned<CompactString>>,
    /// Its `label`, unless empty.
    pub label: Option<Spanned<CompactString>>,
    /// The action's object.
    pub span: Span,
}

/// An action's element: its kind from its known type, or an opaque one (reported as such).
pub(crate) fn action_element(fields: ActionFields, findings: &mut Vec<Finding>) -> Element {
    let ActionFields {
        id,
        name,
        library_id,
        label,
        span: object_span,
    } = fields;
    let name_text = name.as_ref().map_or("", |n| n.value.as_str());
    let known = actions::known(library_id.as_ref().map(|l| l.value.as_str()), name_text);
    let meant = library_id
        .as_ref()
        .filter(|_| known.is_none())
        .and_then(|guid| Some((guid, actions::meant(&guid.value, name_text)?)));
    if let Some((guid, meant)) = meant {
        let described = describe_action(&id.value, label.as_ref().map(|l| l.value.as_str()), name_text);
        findings.push(mistyped_action_type(&described, guid, meant));
    }
    if known.is_none() {
        let span = library_id.as_ref().or(name.as_ref()).map_or(id.span, |s| s.span);
        let finding = Finding::new(
            Rule::OpaqueAction,
            span,
            format!(
                "{} is of a type cxone-flow does not know: a simulation takes its branch from the case's `mock`",
                describe_action(
                    &id.value,
                    label.as_ref().map(|l| l.value.as_str()),
                    if name_text.is_empty() { "no name" } else { name_text }
                )
            ),
        );
        findings.push(finding);
    }
    let kind = known.map_or(ElementKind::Unknown, |k| k.kind);
    let action = Action {
        name: known.map_or_else(|| CompactString::from(name_text), |k| CompactString::from(k.name)),
        label: label.map(|l| l.value),
        library_id: library_id.map(|l| l.value),
        is_hold: known.is_some_and(|k| k.name == "MUSIC"),
        ..Action::default()
    };
    let kind_span = name.map_or(id.span, |n| n.span);
    let mut element = Element::new(id, kind, kind_span, object_span);
    element.action = Some(Box::new(action));
    element
}

/// CXF051: an action whose unknown `libraryId` reads as a typo of a known type's GUID, or whose
/// `name` is a known type's; it loads as an opaque action all the same.
fn mistyped_action_type(described: &str, guid: &Spanned<CompactString>, meant: Meant) -> Finding {
    let action = meant.action();
    let why = match meant {
        Meant::NearGuid(_) => format!("a character or two from {}'s", action.name),
        Meant::Named(_) => format!("no action type's, but the action is named {}", action.name),
    };
    Finding::new(
        Rule::MistypedActionType,
        guid.span,
        format!(
            "the `libraryId` {} of {described} is {why}: did you mean {}?",
            guid.value, action.name
        ),
    )
    .with_help(format!(
        "{}'s `libraryId` is \"{}\" on every tenant; until it is, the action is opaque (a case must mock it)",
        action.name, action.library_id
    ))
}

/// Reads the `{"0": {"name", "value"}, ...}` properties of an action into its element.
fn apply_properties(element: &mut Element, list: Object, findings: &mut Vec<Finding>) {
    for entry in list.iter() {
        let Some(property) = entry.value.as_object() else {
            continue;
        };
        let (Some(name), Some(value)) = (property.get("name"), property.get("value")) else {
            continue;
        };
        let Some(name) = name.value.as_str() else { continue };
        let text = value.value.as_str().unwrap_or(Cow::Borrowed(value.value.raw()));
        apply_property(element, &name, &text, value.value.span(), findings);
    }
}

/// Reads one property of an action (`name`, its `text`, at `span`) into its element.
pub(crate) fn apply_property(element: &mut Element, name: &str, text: &str, span: Span, findings: &mut Vec<Finding>) {
    let Some(action) = element.action.as_ref() else { return };
    if matches!(name, "Sequence" | "Phrase") {
        let segments = prompt::segments(text);
        for segment in &segments {
            // A character takes at least a byte: a segment of no more bytes is short enough.
            if let Segment::Speech(speech) = segment
                && speech.len() > MAX_TTS_CHARS
                && speech.chars().count() > MAX_TTS_CHARS
            {
                findings.push(
                    Finding::new(
                        Rule::LongTtsSegment,
                        span,
                        format!(
                            "a text-to-speech segment of {} is {} characters long, over {MAX_TTS_CHARS}",
                            action.describe(&element.id.value),
                            speech.chars().count()
                        ),
                    )
                    .with_help("split it into several \"%...\" segments of at most 300 characters"),
                );
            }
        }
        if name == "Sequence" {
            let speech = prompt::speech(&segments);
            element.prompt_ms = prompt::estimate_ms(&speech);
            element.prompt = Some(speech);
        }
        return;
    }
    let Some(action) = element.action.as_mut() else { return };
    let seconds_ms = || {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|s| *s >= 0.0)
            .map(|s| (s * 1000.0) as u64)
    };
    let source = || Some(Spanned::new(CompactString::from(text), span));
    match (action.name.as_str(), name) {
        ("IF", "Expression") | ("CASE", "Variable") | ("SNIPPET", "Data") | ("LOOP", "Repeat") => {
            action.logic_source.get_or_insert_default().text = source();
        }
        ("ASSIGN", "Type") => action.logic_source.get_or_insert_default().assign_type = Some(CompactString::from(text)),
        ("PLAY", "DetectDTMF") => action.detect_dtmf = text.trim().eq_ignore_ascii_case("true"),
        ("MENU", "Timeout") => action.input_timeout_ms = seconds_ms(),
        ("ASSIGN", "Variable") => element.variable = Some(CompactString::from(text.trim())),
        ("ASSIGN", "Expression" | "Value") => {
            action.logic_source.get_or_insert_default().text = source();
            element.value = Some(Box::new(expression_value(text)));
        }
        ("REQAGENT", "Skill") | ("MUSIC", "MusicFile") => action.target = Some(CompactString::from(text)),
        ("RUNSUB" | "RUNSCRIPT", "ScriptName") | ("RETURN", "ReturnValue") => {
            action.target = Some(CompactString::from(text.trim()));
        }
        ("RUNSUB", "ReturnVariable") | ("LOOP", "CounterName") => {
            element.variable = Some(CompactString::from(text.trim()))
        }
        ("RUNSUB" | "RUNSCRIPT", "Parameters") | ("BEGIN", "Parameters") => action.parameters = parameter_list(text),
        ("MUSIC", "SecondstoPlay") | ("WAIT", "Seconds") => element.prompt_ms = seconds_ms().unwrap_or(0),
        _ => {}
    }
}

/// The lines of a `Parameters` property: a JSON array of strings (as NICE's scripts write BEGIN's),
/// or text with one parameter a line (as Studio's editor takes them).
fn parameter_list(text: &str) -> Vec<CompactString> {
    let lines: Vec<String> = serde_json::from_str(text).unwrap_or_else(|_| text.lines().map(str::to_owned).collect());
    lines
        .iter()
        .map(|line| CompactString::from(line.trim()))
        .filter(|l| !l.is_empty())
        .collect()
}

/// What an ASSIGN's expression sets: a quoted string as that string, a number or boolean as itself,
/// anything else (an expression) as its text.
pub fn expression_value(text: &str) -> serde_json::Value {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return serde_json::Value::String(inner.to_string());
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => value,
        _ => serde_json::Value::String(text.to_string()),
    }
}

/// Reads one branch of the action `from`, filed under `key`.
fn load_branch(from: &Spanned<CompactString>, key: Value, branch: Object, findings: &mut Vec<Finding>) -> Option<Edge> {
    let mut reader = ObjectReader::new(branch, "a branch", FLOW_FIELDS, findings);
    reader.describe_after("a branch of action ", key);
    let to = match reader.get("to") {
        None => {
            reader.report_missing("to", "an action id");
            None
        }
        Some(value) => match id_of(value) {
            Some(id) => Some(Spanned::new(id, value.span())),
            None => {
                reader.report_invalid("to", value, "an action id");
                None
            }
        },
    };
    let kind = reader.string("type", false);
    if let Some(kind) = kind.as_ref().filter(|k| !is_branch_type(&k.value)) {
        reader.findings.push(unknown_branch_type(&from.value, kind));
    }
    let label = reader.label("label", false);
    let on = branch_outcome(kind.as_ref(), label.as_ref(), branch.span());
    Some(Edge {
        from: from.clone(),
        to: to?,
        on,
        span: branch.span(),
    })
}

/// The branch types Studio writes (docs/studio.md): `default`, a MENU's or CASE's `case`, a named
/// result's `branch`.
const BRANCH_TYPES: [&str; 3] = ["default", "case", "branch"];

/// Whether a branch's `type` is one Studio writes, or empty.
pub(crate) fn is_branch_type(kind: &str) -> bool {
    kind.is_empty() || BRANCH_TYPES.contains(&kind)
}

/// CXF050: a branch of action `from` whose `type` is none Studio writes.
fn unknown_branch_type(from: &str, kind: &Spanned<CompactString>) -> Finding {
    let suggestion =
        closest(&kind.value, &BRANCH_TYPES).map_or(String::new(), |close| format!(": did you mean \"{close}\"?"));
    Finding::new(
        Rule::UnknownBranchType,
        kind.span,
        format!("a branch of action {from} has the type \"{}\", which Studio does not write{suggestion}", kind.value),
    )
    .with_help("Studio's branch types are `default`, `case` and `branch`; a branch of another type is taken on its label alone, so a misspelt `default` catches no silence or stray key")
}

/// The outcome a branch is taken on, from its `type` and `label`: located at the label when the
/// outcome is the label, else at the type (or at the branch, `branch`, when it has neither).
pub(crate) fn branch_outcome(
    kind: Option<&Spanned<CompactString>>,
    label: Option<&Spanned<CompactString>>,
    branch: Span,
) -> Option<Spanned<CompactString>> {
    let on = script_view::outcome(kind.map(|k| k.value.as_str()), label.map(|l| l.value.as_str()))?;
    let at = label.filter(|l| l.value == on && on != "default").or(kind);
    Some(Spanned::new(CompactString::from(on), at.map_or(branch, |s| s.span)))
}

/// CXF036: `nextActionId` must be above every numeric action id, or the next action CXone adds
/// takes an id already in use.
fn stale_next_action_id(flow: &Flow, next: Spanned<u64>) -> Option<Finding> {
    let (highest, element) = flow
        .elements
        .iter()
        .filter_map(|e| e.id.value.parse::<u64>().ok().map(|n| (n, e)))
        .max_by_key(|(n, _)| *n)?;
    (next.value <= highest).then(|| {
        Finding::new(
            Rule::StaleNextActionId,
            next.span,
            format!("`nextActionId` is {}, but action {highest} exists", next.value),
        )
        .with_related(element.id.span, "the highest action id")
        .with_help(format!("set it to {} or more", highest + 1))
    })
}
