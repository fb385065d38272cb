//! Test files: the cases kept beside a flow, loaded with locations, and their own checks.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostic::Finding;
use crate::flow::ends::Ends;
use crate::flow::model::{ElementKind, Flow, is_dtmf_entry};
use crate::json::{FieldRules, Object, ObjectReader, Value, describe_value, type_name};
use crate::registry::Rule;
use crate::sim::condition::Variables;
use crate::source::{Span, Spanned};

const CASE_FIELDS: FieldRules = FieldRules {
    missing: Rule::MalformedTestCase,
    invalid: Rule::MalformedTestCase,
    unknown: Rule::MalformedTestCase,
};

/// The keys of a case's `expect`.
pub(crate) const EXPECT_KEYS: [&str; 7] = [
    "finalElement",
    "path",
    "pathContains",
    "notVisits",
    "maxExecutionMs",
    "timedOut",
    "variables",
];

/// The final element a case may expect even when the flow has no such element: the spec's literal
/// `timeout` (global timeout) and `error` (implicit error for a missing edge).
pub const LITERAL_ENDINGS: [&str; 2] = ["timeout", "error"];

/// A loaded test file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestFile {
    pub cases: Vec<Case>,
}

/// One test case: a simulated call and what must hold at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: Spanned<String>,
    /// The whole case object.
    pub span: Span,
    pub dtmf: Vec<String>,
    pub variables: Variables,
    /// For Studio scripts: the branch each opaque action takes, by action label or id.
    pub mock: Vec<(Spanned<String>, Spanned<String>)>,
    pub expect: Expect,
}

/// A case's expectations; all present ones must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expect {
    pub final_element: Option<Spanned<String>>,
    pub path: Option<Vec<Spanned<String>>>,
    pub path_contains: Option<Vec<Spanned<String>>>,
    pub not_visits: Option<Vec<Spanned<String>>>,
    pub max_execution_ms: Option<u64>,
    pub timed_out: Option<bool>,
    pub variables: Option<Variables>,
}

/// Loads a test file; malformed cases are reported and left out.
pub fn load(root: Value) -> (TestFile, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut file = TestFile::default();
    let Some(object) = root.as_object() else {
        findings.push(Finding::new(
            Rule::MalformedTestCase,
            root.span(),
            format!(
                "a test file must hold one JSON object with `cases`, found {}",
                type_name(root)
            ),
        ));
        return (file, findings);
    };
    let mut reader = ObjectReader::new(object, "the test file", CASE_FIELDS, &mut findings);
    reader.string("$schema", false);
    let cases = reader.array("cases", true);
    reader.finish(&["$schema", "cases"], |_| None);
    for value in cases.into_iter().flat_map(|a| a.iter()) {
        match value.as_object() {
            Some(object) => file.cases.extend(load_case(object, &mut findings)),
            None => findings.push(Finding::new(
                Rule::MalformedTestCase,
                value.span(),
                format!("each case must be an object, found {}", describe_value(value)),
            )),
        }
    }
    (file, findings)
}

fn load_case(object: Object, findings: &mut Vec<Finding>) -> Option<Case> {
    let before = findings.len();
    let mut reader = ObjectReader::new(object, "a case", CASE_FIELDS, findings);
    let name = reader.non_empty_string("name", true);
    if let Some(value) = name.as_ref().and(reader.get("name")) {
        reader.describe_by("case", value);
    }
    reader.string("description", false);
    // Written by `cxone-flow cases generate`, which replaces only such cases when it regenerates.
    reader.boolean("generated", false);
    let input = reader.object("input", false);
    let mock = reader.object("mock", false);
    let expect = reader.object("expect", false);
    let what = name
        .as_ref()
        .map_or("a case".to_string(), |n| format!("case \"{}\"", n.value));
    reader.finish(&["name", "description", "generated", "input", "mock", "expect"], |_| {
        None
    });
    let (dtmf, variables) = input.map(|i| load_input(i, &what, findings)).unwrap_or_default();
    let mock = mock.map(|m| load_mock(m, &what, findings)).unwrap_or_default();
    let expect = expect.map(|e| load_expect(e, &what, findings)).unwrap_or_default();
    let case = Case {
        name: name?.into_string(),
        span: object.span(),
        dtmf,
        variables,
        mock,
        expect,
    };
    (findings.len() == before).then_some(case)
}

fn load_input(object: Object, what: &str, findings: &mut Vec<Finding>) -> (Vec<String>, Variables) {
    let mut reader = ObjectReader::new(object, format!("`input` of {what}"), CASE_FIELDS, findings);
    let dtmf = reader.array("dtmf", false);
    let variables = reader.object("variables", false);
    reader.finish(&["dtmf", "variables"], |_| None);
    let mut entries = Vec::new();
    for entry in dtmf.into_iter().flat_map(|a| a.iter()) {
        match entry.as_str() {
            Some(keys) if is_dtmf_entry(&keys) => entries.push(keys.into_owned()),
            _ => findings.push(
                Finding::new(
                    Rule::MalformedTestCase,
                    entry.span(),
                    format!(
                        "each `dtmf` entry of {what} must be a string of keys 0-9, * and #, found {}",
                        describe_value(entry)
                    ),
                )
                .with_help("use \"\" for a caller who stays silent at that menu or input"),
            ),
        }
    }
    (entries, variables.map(variables_of).unwrap_or_default())
}

/// `{"ACTION_LABEL_OR_ID": "branch label", ...}`.
fn load_mock(object: Object, what: &str, findings: &mut Vec<Finding>) -> Vec<(Spanned<String>, Spanned<String>)> {
    let mut mock = Vec::new();
    for property in object.iter() {
        match property.value.as_str() {
            Some(branch) => mock.push((
                Spanned::new(property.key().into_owned(), property.name.span()),
                Spanned::new(branch.into_owned(), property.value.span()),
            )),
            None => findings.push(Finding::new(
                Rule::MalformedTestCase,
                property.value.span(),
                format!(
                    "each `mock` of {what} maps an action to a branch label (a string), found {}",
                    describe_value(property.value)
                ),
            )),
        }
    }
    mock
}

fn variables_of(object: Object) -> Variables {
    object
        .iter()
        .map(|p| (p.key().into_owned(), p.value.to_json()))
        .collect()
}

fn load_expect(object: Object, what: &str, findings: &mut Vec<Finding>) -> Expect {
    let mut reader = ObjectReader::new(object, format!("`expect` of {what}"), CASE_FIELDS, findings);
    let path = element_ids(&mut reader, "path");
    let path_contains = element_ids(&mut reader, "pathContains");
    let not_visits = element_ids(&mut reader, "notVisits");
    let expect = Expect {
        final_element: reader.non_empty_string("finalElement", false).map(Spanned::into_string),
        path,
        path_contains,
        not_visits,
        max_execution_ms: reader.integer("maxExecutionMs", false, 0).map(|n| n.value),
        timed_out: reader.boolean("timedOut", false),
        variables: reader.object("variables", false).map(variables_of),
    };
    reader.finish(&EXPECT_KEYS, |_| None);
    expect
}

fn element_ids(reader: &mut ObjectReader, key: &str) -> Option<Vec<Spanned<String>>> {
    let array = reader.array(key, false)?;
    let mut ids = Vec::new();
    for item in array.iter() {
        match item.as_str() {
            Some(id) => ids.push(Spanned::new(id.into_owned(), item.span())),
            None => reader.report_invalid(key, item, "an array of element ids"),
        }
    }
    Some(ids)
}

/// For a Studio script, expectations may name actions by label (`"Main Menu"`) as well as by id:
/// each label that is not an id and belongs to exactly one action becomes that action's id.
pub fn resolve_labels(file: &mut TestFile, flow: &Flow) {
    if !flow.is_script() {
        return;
    }
    let mut by_label: FxHashMap<&str, Option<&str>> = FxHashMap::default();
    for element in &flow.elements {
        if let Some(label) = element.action.as_ref().and_then(|a| a.label.as_deref()) {
            by_label
                .entry(label)
                .and_modify(|id| *id = None)
                .or_insert(Some(element.id.value.as_str()));
        }
    }
    let ids: FxHashSet<&str> = flow.elements.iter().map(|e| e.id.value.as_str()).collect();
    let resolve = |name: &mut Spanned<String>| {
        if !ids.contains(name.value.as_str())
            && let Some(Some(id)) = by_label.get(name.value.as_str())
        {
            name.value = (*id).to_string();
        }
    };
    for case in &mut file.cases {
        let expect = &mut case.expect;
        expect.final_element.iter_mut().for_each(resolve);
        for list in [&mut expect.path, &mut expect.path_contains, &mut expect.not_visits] {
            list.iter_mut().flatten().for_each(resolve);
        }
    }
}

/// The label of an opaque action (the only kind a case mocks, so never the start) closest to `name`.
fn nearest_opaque_label<'f>(flow: &'f Flow, name: &str) -> Option<&'f str> {
    let labels: Vec<&str> = flow
        .elements
        .iter()
        .filter(|e| e.kind == ElementKind::Unknown)
        .filter_map(|e| e.action.as_ref()?.label.as_deref())
        .collect();
    crate::json::closest(name, &labels)
}

/// Each `mock` entry must name an opaque action of the script, and one of its branches.
fn check_mock(case: &Case, flow: &Flow) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (key, branch) in &case.mock {
        let named: Vec<_> = flow
            .elements
            .iter()
            .filter_map(|e| e.action.as_ref().map(|a| (e, a)))
            .filter(|(e, a)| a.is_named(&e.id.value, &key.value))
            .collect();
        let message = match named.as_slice() {
            [] => format!(
                "`mock` of case \"{}\" names \"{}\", which is neither the id nor the label of an action{}",
                case.name.value,
                key.value,
                nearest_opaque_label(flow, &key.value)
                    .map_or(String::new(), |close| format!(": did you mean \"{close}\"?"))
            ),
            [(element, action)] if element.kind != ElementKind::Unknown => format!(
                "`mock` of case \"{}\" names {}, whose outcome cxone-flow simulates itself: only opaque actions are mocked",
                case.name.value,
                action.describe(&element.id.value)
            ),
            [(_, action)] if action.branches.contains(&branch.value.as_str().into()) => continue,
            [(element, action)] => {
                let labels: Vec<&str> = action.branches.iter().map(|b| b.as_str()).collect();
                let suggestion = crate::json::closest(&branch.value, &labels)
                    .map_or("; its".to_string(), |close| format!(": did you mean \"{close}\"? Its"));
                findings.push(Finding::new(
                    Rule::UnknownExpectedElement,
                    branch.span,
                    format!(
                        "{} has no branch \"{}\"{suggestion} branches are \"{}\"",
                        action.describe(&element.id.value),
                        branch.value,
                        action.branches.join("\", \"")
                    ),
                ));
                continue;
            }
            [..] => format!(
                "`mock` of case \"{}\" names \"{}\", the label of several actions: name one by its id",
                case.name.value, key.value
            ),
        };
        findings.push(Finding::new(Rule::UnknownExpectedElement, key.span, message));
    }
    findings
}

/// Checks a test file against itself and its flow: duplicate case names, and expectations naming
/// elements the flow does not have (when the flow could be loaded).
pub fn check(file: &TestFile, flow: Option<(&Flow, &Ends)>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut first_case: FxHashMap<&str, Span> = FxHashMap::default();
    for case in &file.cases {
        if let Some(&first) = first_case.get(case.name.value.as_str()) {
            findings.push(
                Finding::new(
                    Rule::DuplicateCaseName,
                    case.name.span,
                    format!("case name \"{}\" is already used in this file", case.name.value),
                )
                .with_related(first, "first used here")
                .with_help("reports and JUnit identify cases by name; make each unique"),
            );
        } else {
            first_case.insert(&case.name.value, case.name.span);
        }
    }
    let Some((flow, ends)) = flow else { return findings };
    for case in &file.cases {
        findings.extend(check_mock(case, flow));
    }
    for case in &file.cases {
        let expect = &case.expect;
        let final_element = expect
            .final_element
            .iter()
            .filter(|f| !LITERAL_ENDINGS.contains(&f.value.as_str()))
            .map(|f| ("finalElement", f));
        let lists = [
            ("path", &expect.path),
            ("pathContains", &expect.path_contains),
            ("notVisits", &expect.not_visits),
        ];
        let listed = lists
            .into_iter()
            .flat_map(|(key, ids)| ids.iter().flatten().map(move |id| (key, id)));
        for (key, id) in final_element.chain(listed) {
            if ends.find(flow, &id.value).is_none() {
                findings.push(Finding::new(
                    Rule::UnknownExpectedElement,
                    id.span,
                    format!(
                        "`{key}` of case \"{}\" names \"{}\", which the flow does not have",
                        case.name.value, id.value
                    ),
                ));
            }
        }
    }
    findings
}
