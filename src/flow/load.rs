//! Builds the flow model from a parsed flow file, reporting every structural fault where it stands.

use compact_str::CompactString;

use crate::diagnostic::Finding;
use crate::flow::model::{
    Condition, Edge, Element, ElementKind, Flow, OPERATORS, RoutingRule, Suppression, Test, Timeouts,
};
use crate::json::{
    Array, FieldRules, Object, ObjectReader, Value, closest, describe_value, integer_value, is_string,
    non_empty_string_value, string_value, type_name,
};
use crate::registry::Rule;
use crate::source::{Span, Spanned};

/// Which rule reports a missing, mistyped or unknown field of a flow (and of a Studio script).
pub const FLOW_FIELDS: FieldRules = FieldRules {
    missing: Rule::MissingField,
    invalid: Rule::InvalidFieldValue,
    unknown: Rule::UnknownField,
};

const CONDITION_FIELDS: FieldRules = FieldRules {
    missing: Rule::MalformedCondition,
    invalid: Rule::MalformedCondition,
    unknown: Rule::MalformedCondition,
};

const TIMEOUT_FIELDS: FieldRules = FieldRules {
    missing: Rule::InvalidTimeouts,
    invalid: Rule::InvalidTimeouts,
    unknown: Rule::UnknownField,
};

/// Loads a flow from its JSON. Always returns a flow (possibly partial) and the structural findings.
pub fn load(root: Value) -> (Flow, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut flow = Flow {
        span: root.span(),
        elements_span: root.span(),
        ..Flow::default()
    };
    let Some(object) = root_object(root, "a flow file", &mut findings) else {
        return (flow, findings);
    };
    let mut reader = ObjectReader::new(object, "the flow", FLOW_FIELDS, &mut findings);
    reader.string("$schema", false);
    flow.flow_id = reader.non_empty_string("flowId", true);
    flow.name = reader.string("name", false).map(|s| s.value.into_string());
    reader.string("description", false);
    let elements = reader.array("elements", true);
    if let Some(array) = elements.filter(|a| a.is_empty()) {
        let finding = Finding::new(
            Rule::InvalidFieldValue,
            array.span(),
            "`elements` of the flow must not be empty",
        );
        reader.findings.push(finding);
    }
    flow.elements_span = elements.map_or(reader.open_brace(), |a| a.span());
    let edges = reader.array("edges", false);
    let rules = reader.array("routingRules", false);
    let timeouts = reader.object("timeouts", false);
    // What a flow converted from a Studio script carries for the way back (docs/studio.md).
    reader.object("studio", false);
    reader.finish(
        &[
            "$schema",
            "flowId",
            "name",
            "description",
            "elements",
            "edges",
            "routingRules",
            "timeouts",
            "studio",
        ],
        |_| None,
    );

    flow.elements = load_each(elements, "each element", &mut findings, |object, elements, findings| {
        if !plain_element(object, elements) {
            elements.extend(read_element(object, &mut flow.suppressions, findings));
        }
    });
    flow.edges = load_each(edges, "each edge", &mut findings, |object, edges, findings| {
        edges.extend(load_edge(object, findings));
    });
    flow.routing_rules = load_each(rules, "each routing rule", &mut findings, |object, rules, findings| {
        rules.extend(load_routing_rule(object, findings));
    });
    if let Some(object) = timeouts {
        flow.timeouts = load_timeouts(object, &mut findings);
    }
    (flow, findings)
}

/// The document's root object; anything else is one finding (`what` names the file kind).
pub fn root_object<'t, 's>(root: Value<'t, 's>, what: &str, findings: &mut Vec<Finding>) -> Option<Object<'t, 's>> {
    let object = root.as_object();
    if object.is_none() {
        findings.push(Finding::new(
            Rule::InvalidFieldValue,
            root.span(),
            format!("{what} must hold one JSON object, found {}", type_name(root)),
        ));
    }
    object
}

/// A value that is not what it must be: `{what} must be {expected}, found ...`, at the value.
pub fn invalid_value(value: Value, what: &str, expected: &str) -> Finding {
    Finding::new(
        Rule::InvalidFieldValue,
        value.span(),
        format!("{what} must be {expected}, found {}", describe_value(value)),
    )
}

/// Each object of an optional array, loaded by `load` into the list (anything else in the array is
/// one finding each). The loaders add what they load themselves, so a large item is built where it
/// stays instead of being moved there.
fn load_each<T>(
    array: Option<Array>,
    what: &str,
    findings: &mut Vec<Finding>,
    mut load: impl FnMut(Object, &mut Vec<T>, &mut Vec<Finding>),
) -> Vec<T> {
    let Some(array) = array else {
        return Vec::new();
    };
    let mut loaded = Vec::with_capacity(array.len());
    for value in array.iter() {
        if let Some(object) = expect_object(value, what, findings) {
            load(object, &mut loaded, findings);
        }
    }
    loaded
}

fn expect_object<'t, 's>(value: Value<'t, 's>, what: &str, findings: &mut Vec<Finding>) -> Option<Object<'t, 's>> {
    let object = value.as_object();
    if object.is_none() {
        findings.push(invalid_value(value, what, "an object"));
    }
    object
}

/// Reads an element field by field, reporting each fault where it stands.
fn read_element(object: Object, suppressions: &mut Vec<Suppression>, findings: &mut Vec<Finding>) -> Option<Element> {
    let mut reader = ObjectReader::new(object, "an element", FLOW_FIELDS, findings);
    let id = reader.non_empty_string("id", true);
    if let Some(name) = id.as_ref().and(reader.get("id")) {
        reader.describe_by("element", name);
    }
    let type_field = reader.string("type", true);
    reader.string("description", false);
    reader.object("studio", false);
    if let Some(list) = reader.get("suppress") {
        suppressions.extend(load_suppressions(list, object.span(), reader.findings));
    }
    let kind = match &type_field {
        None => ElementKind::Unknown,
        Some(t) => ElementKind::parse(&t.value).unwrap_or_else(|| {
            let names: Vec<&str> = ElementKind::NAMED.iter().map(|(n, _)| *n).collect();
            let finding = Finding::new(
                Rule::UnknownElementType,
                t.span,
                format!("unknown element type \"{}\"", t.value),
            )
            .with_help(match closest(&t.value, &names) {
                Some(close) => format!("did you mean \"{close}\"?"),
                None => format!("the types are: {}", names.join(", ")),
            });
            reader.findings.push(finding);
            ElementKind::Unknown
        }),
    };
    let element_id = id
        .clone()
        .unwrap_or_else(|| Spanned::new(CompactString::default(), reader.open_brace()));
    let kind_span = type_field.map_or(reader.open_brace(), |t| t.span);
    let mut element = Element::new(element_id, kind, kind_span, object.span());
    for &(field, required) in kind.fields() {
        match reader.get(field) {
            None if required => reader.report_missing(field, expected_of(field)),
            None => {}
            Some(value) if set_field(&mut element, field, value).is_none() => {
                reader.report_invalid(field, value, expected_of(field));
            }
            Some(_) => {}
        }
    }
    if let (Some(min), Some(max)) = (element.min_digits, element.max_digits)
        && max < min
        && let Some(value) = reader.get("maxDigits")
    {
        let finding = Finding::new(
            Rule::InvalidFieldValue,
            value.span(),
            format!(
                "`maxDigits` ({max}) of {} is below `minDigits` ({min})",
                element_label(&element)
            ),
        );
        reader.findings.push(finding);
    }
    if kind != ElementKind::Unknown {
        let mut allowed = vec!["id", "type", "description", "studio", "suppress"];
        allowed.extend(kind.fields().iter().map(|(f, _)| *f));
        reader.finish(&allowed, |key| {
            let owners: Vec<&str> = ElementKind::NAMED
                .iter()
                .filter(|(_, k)| k.fields().iter().any(|(f, _)| *f == key))
                .map(|(n, _)| *n)
                .collect();
            (!owners.is_empty()).then(|| {
                format!(
                    "`{key}` belongs on {} elements, not on `{}`",
                    owners.join("/"),
                    kind.name()
                )
            })
        });
    }
    id.map(|_| element)
}

/// The keys an element without `studio` or `suppress` may have: its own, then its kind's.
pub(crate) const PLAIN_ELEMENT_KEYS: [&str; 11] = [
    "id",
    "type",
    "description",
    "prompt",
    "promptMs",
    "variable",
    "value",
    "queue",
    "target",
    "minDigits",
    "maxDigits",
];

/// An element whose fields are its kind's, each once and of its type, read in one pass and added
/// to `elements`: most elements. Anything else (a missing or unknown field, a wrong value, `studio`,
/// `suppress`) adds nothing and is `false`, and the reader that reports reads the element.
fn plain_element(object: Object, elements: &mut Vec<Element>) -> bool {
    let Some([Some(id), Some(type_value), description, kind_values @ ..]) = object.plain_fields(&PLAIN_ELEMENT_KEYS)
    else {
        return false;
    };
    let (Some(id), Some(type_field)) = (non_empty_string_value(id), string_value(type_value)) else {
        return false;
    };
    let Some(kind) = ElementKind::parse(&type_field.value) else {
        return false;
    };
    if description.is_some_and(|d| !is_string(d, false)) {
        return false;
    }
    let at = elements.len();
    elements.push(Element::new(id, kind, type_field.span, object.span()));
    let read = read_kind_fields(&mut elements[at], &kind_values);
    if read.is_none() {
        elements.truncate(at);
    }
    read.is_some()
}

/// Sets a plain element's kind fields from their values (in `PLAIN_ELEMENT_KEYS` order, after the
/// first three); `None` when one is not the kind's, a required one is missing, a value is not of
/// its field's type, or `maxDigits` is below `minDigits`.
fn read_kind_fields(element: &mut Element, values: &[Option<Value>]) -> Option<()> {
    let fields = element.kind.fields();
    let mut required_found = 0;
    for (&field, value) in PLAIN_ELEMENT_KEYS[3..].iter().zip(values) {
        let Some(value) = *value else { continue };
        let &(_, required) = fields.iter().find(|(f, _)| *f == field)?;
        set_field(element, field, value)?;
        required_found += usize::from(required);
    }
    let missing = required_found < fields.iter().filter(|(_, required)| *required).count();
    let inverted = matches!((element.min_digits, element.max_digits), (Some(min), Some(max)) if max < min);
    (!missing && !inverted).then_some(())
}

/// Sets one of an element's kind fields from its value; `None` when the value is not of the
/// field's type (`expected_of` says what is).
fn set_field(element: &mut Element, field: &str, value: Value) -> Option<()> {
    match field {
        "prompt" => element.prompt = Some(value.as_str()?.into_owned()),
        "promptMs" => element.prompt_ms = integer_value(value, 0)?.value,
        "variable" => element.variable = Some(non_empty_string_value(value)?.value),
        "queue" | "target" => is_string(value, true).then_some(())?,
        "value" => element.value = Some(Box::new(value.to_json())),
        "minDigits" => element.min_digits = Some(integer_value(value, 1)?.value),
        "maxDigits" => element.max_digits = Some(integer_value(value, 1)?.value),
        _ => {}
    }
    Some(())
}

/// What a kind field's value must be, for messages.
fn expected_of(field: &str) -> &'static str {
    match field {
        "prompt" => "a string",
        "promptMs" => "a non-negative integer",
        "minDigits" | "maxDigits" => "an integer of at least 1",
        "value" => "a value",
        _ => "a non-empty string",
    }
}

/// An element's `suppress`: `[{"rule": CODE or name, "reason": why}]`, each rule known and each
/// with a reason (a suppression without one is a finding, and suppresses nothing).
fn load_suppressions(list: Value, element: Span, findings: &mut Vec<Finding>) -> Vec<Suppression> {
    let Some(array) = list.as_array() else {
        findings.push(Finding::new(
            Rule::InvalidFieldValue,
            list.span(),
            format!(
                "`suppress` must be an array of {{\"rule\", \"reason\"}}, found {}",
                describe_value(list)
            ),
        ));
        return Vec::new();
    };
    let mut found = Vec::new();
    for item in array.iter() {
        let Some(object) = expect_object(item, "each suppression", findings) else {
            continue;
        };
        let mut reader = ObjectReader::new(object, "a suppression", FLOW_FIELDS, findings);
        let rule = reader.non_empty_string("rule", true);
        let reason = reader.non_empty_string("reason", true);
        reader.finish(&["rule", "reason"], |_| None);
        let Some(rule) = rule else { continue };
        let Some(known) = Rule::lookup(&rule.value) else {
            findings.push(
                Finding::new(
                    Rule::InvalidFieldValue,
                    rule.span,
                    format!("`{}` names no rule", rule.value),
                )
                .with_help("`cxone-flow rules` lists every code and name"),
            );
            continue;
        };
        if let Some(reason) = reason {
            found.push(Suppression {
                rule: known,
                element_span: element,
                reason: reason.value.into_string(),
            });
        }
    }
    found
}

fn element_label(element: &Element) -> String {
    format!("element \"{}\"", element.id.value)
}

fn load_edge(object: Object, findings: &mut Vec<Finding>) -> Option<Edge> {
    if let Some(edge) = plain_edge(object) {
        return Some(edge);
    }
    let mut reader = ObjectReader::new(object, "an edge", FLOW_FIELDS, findings);
    let from = reader.non_empty_string("from", true);
    let to = reader.non_empty_string("to", true);
    let on = reader.string("on", false);
    reader.finish(&["from", "to", "on"], |_| None);
    Some(Edge {
        from: from?,
        to: to?,
        on,
        span: object.span(),
    })
}

/// An edge whose fields are known, each once, and of their types, read in one pass: most edges.
/// Anything else is `None`, and the reader that reports reads the edge.
fn plain_edge(object: Object) -> Option<Edge> {
    let [from, to, on] = object.plain_fields(&["from", "to", "on"])?;
    Some(Edge {
        from: non_empty_string_value(from?)?,
        to: non_empty_string_value(to?)?,
        on: match on {
            Some(on) => Some(string_value(on)?),
            None => None,
        },
        span: object.span(),
    })
}

fn load_routing_rule(object: Object, findings: &mut Vec<Finding>) -> Option<RoutingRule> {
    // Most rules are plain: their three fields and the action's `goto`, each once and sound, read
    // in one pass (the condition still reports its own faults).
    if let Some([Some(element), Some(condition), Some(action)]) =
        object.plain_fields(&["element", "condition", "action"])
        && let (Some(element), Some(condition)) = (non_empty_string_value(element), condition.as_object())
        && let Some([Some(goto)]) = action.as_object().and_then(|a| a.plain_fields(&["goto"]))
        && let Some(goto) = non_empty_string_value(goto)
    {
        return Some(RoutingRule {
            element,
            condition: load_condition(condition, findings),
            goto: Some(goto),
            span: object.span(),
        });
    }
    let mut reader = ObjectReader::new(object, "a routing rule", FLOW_FIELDS, findings);
    let element = reader.non_empty_string("element", true);
    let condition = reader.object("condition", true);
    let action = reader.object("action", true);
    reader.finish(&["element", "condition", "action"], |_| None);
    let goto = action.and_then(|action| {
        let mut reader = ObjectReader::new(action, "a rule's action", FLOW_FIELDS, findings);
        let goto = reader.non_empty_string("goto", true);
        reader.finish(&["goto"], |_| None);
        goto
    });
    let condition = condition.and_then(|c| load_condition(c, findings));
    Some(RoutingRule {
        element: element?,
        condition,
        goto,
        span: object.span(),
    })
}

/// Reads a condition; every fault is a `malformed-condition` finding and makes the result `None`.
pub fn load_condition(object: Object, findings: &mut Vec<Finding>) -> Option<Condition> {
    plain_comparison(object)
        .or_else(|| plain_combinator(object))
        .or_else(|| read_condition(object, findings))
}

/// Reads a condition field by field, reporting each fault where it stands.
fn read_condition(object: Object, findings: &mut Vec<Finding>) -> Option<Condition> {
    let before = findings.len();
    let mut reader = ObjectReader::new(object, "a condition", CONDITION_FIELDS, findings);
    if let Some(key) = ["all", "any", "not"].into_iter().find(|k| reader.has(k)) {
        return load_combinator(reader, key, before);
    }
    let variable = reader.non_empty_string("variable", true);
    let operator = reader.string("operator", true);
    let value = reader.get("value");
    let findings = reader.finish(&["variable", "operator", "value"], |_| {
        Some(
            "a condition is {\"variable\", \"operator\", \"value\"} or one of {\"all\"}, {\"any\"}, {\"not\"}"
                .to_string(),
        )
    });
    let open = Span::new(object.span().start(), object.span().start() + 1);
    let test = operator.and_then(|op| load_test(&op, value, open, findings));
    let (variable, test) = (variable?, test?);
    (findings.len() == before).then_some(Condition::Compare {
        variable: variable.value,
        test,
    })
}

/// A sound `{"variable", "operator", "value"}` condition, read in one pass: most conditions. Any
/// fault is `None`, and the reader that reports reads it.
fn plain_comparison(object: Object) -> Option<Condition> {
    let [variable, operator, value] = object.plain_fields(&["variable", "operator", "value"])?;
    let variable = non_empty_string_value(variable?)?;
    let operator = string_value(operator?)?;
    let open = Span::new(object.span().start(), object.span().start() + 1);
    // `load_test` reports only when it finds nothing: a fault here is read again, and reported.
    let test = load_test(&operator, value, open, &mut Vec::new())?;
    Some(Condition::Compare {
        variable: variable.value,
        test,
    })
}

/// A sound `{"all": [...]}` or `{"any": [...]}` of sound comparisons, read in one pass (business
/// hours and the like). Anything else is `None`, and the reader that reports reads it.
fn plain_combinator(object: Object) -> Option<Condition> {
    let (items, combine): (_, fn(Vec<Condition>) -> Condition) = match object.plain_fields(&["all", "any"])? {
        [Some(all), None] => (all, Condition::All),
        [None, Some(any)] => (any, Condition::Any),
        _ => return None,
    };
    let items = items.as_array().filter(|a| !a.is_empty())?;
    let parts = items.iter().map(|item| item.as_object().and_then(plain_comparison));
    parts.collect::<Option<Vec<_>>>().map(combine)
}

/// Reads an `all`, `any` or `not` condition; `before` is how many findings there were before it.
fn load_combinator(mut reader: ObjectReader, key: &'static str, before: usize) -> Option<Condition> {
    reader.describe(match key {
        "all" => "an `all` condition",
        "any" => "an `any` condition",
        _ => "a `not` condition",
    });
    let parsed = if key == "not" {
        reader
            .object(key, true)
            .and_then(|inner| load_condition(inner, reader.findings))
            .map(|c| Condition::Not(Box::new(c)))
    } else {
        let array = reader.array(key, true);
        if let Some(array) = array.filter(|a| a.is_empty()) {
            let finding = Finding::new(
                Rule::MalformedCondition,
                array.span(),
                format!("`{key}` needs at least one condition"),
            )
            .with_help(if key == "all" {
                "an empty `all` would always hold; drop the condition's wrapper or add conditions"
            } else {
                "an empty `any` would never hold; add conditions"
            });
            reader.findings.push(finding);
        }
        array.map(|array| {
            let mut parts = Vec::new();
            for item in array.iter() {
                match item.as_object() {
                    Some(inner) => parts.extend(load_condition(inner, reader.findings)),
                    None => reader.report_invalid(key, item, "an array of condition objects"),
                }
            }
            if key == "all" {
                Condition::All(parts)
            } else {
                Condition::Any(parts)
            }
        })
    };
    let findings = reader.finish(&[key], |other| {
        Some(format!(
            "`{key}` must stand alone in its object; move `{other}` into a condition of its own"
        ))
    });
    parsed.filter(|_| findings.len() == before)
}

fn load_test(
    operator: &Spanned<CompactString>,
    value: Option<Value>,
    open: Span,
    findings: &mut Vec<Finding>,
) -> Option<Test> {
    let op = operator.value.as_str();
    if !OPERATORS.contains(&op) {
        findings.push(
            Finding::new(
                Rule::MalformedCondition,
                operator.span,
                format!("unknown operator \"{op}\""),
            )
            .with_help(format!("the operators are: {}", OPERATORS.join(", "))),
        );
        return None;
    }
    if op == "exists" {
        return Some(Test::Exists);
    }
    let Some(value) = value else {
        findings.push(Finding::new(
            Rule::MalformedCondition,
            open,
            format!("operator \"{op}\" needs a `value`"),
        ));
        return None;
    };
    let number = |v: Value| v.as_number().and_then(|n| n.parse::<f64>().ok());
    let test = match op {
        "equals" => Some(Test::Equals(value.to_json())),
        "notEquals" => Some(Test::NotEquals(value.to_json())),
        "in" | "notIn" => value.as_array().map(|a| {
            let values = a.iter().map(Value::to_json).collect();
            if op == "in" {
                Test::In(values)
            } else {
                Test::NotIn(values)
            }
        }),
        "greaterThan" => number(value).map(Test::GreaterThan),
        "lessThan" => number(value).map(Test::LessThan),
        "startsWith" => value.as_str().map(|s| Test::StartsWith(s.into_owned())),
        _ => value.as_array().and_then(|a| {
            let mut items = a.iter();
            match (items.next(), items.next(), items.next()) {
                (Some(lo), Some(hi), None) => match (number(lo), number(hi)) {
                    (Some(lo), Some(hi)) if lo <= hi => Some(Test::Between(lo, hi)),
                    _ => None,
                },
                _ => None,
            }
        }),
    };
    if test.is_none() {
        let expected = match op {
            "in" | "notIn" => "an array of values",
            "greaterThan" | "lessThan" => "a number",
            "startsWith" => "a string",
            _ => "[lo, hi]: two numbers with lo <= hi",
        };
        findings.push(Finding::new(
            Rule::MalformedCondition,
            value.span(),
            format!(
                "operator \"{op}\" needs `value` to be {expected}, found {}",
                describe_value(value)
            ),
        ));
    }
    test
}

fn load_timeouts(object: Object, findings: &mut Vec<Finding>) -> Timeouts {
    let mut reader = ObjectReader::new(object, "`timeouts`", TIMEOUT_FIELDS, findings);
    let timeouts = Timeouts {
        global: reader.integer("globalTimeout", false, 1),
        input: reader.integer("inputTimeout", false, 1),
        transfer: reader.integer("transferTimeout", false, 1),
    };
    reader.finish(&["globalTimeout", "inputTimeout", "transferTimeout"], |_| None);
    let (input, global) = (timeouts.input_ms(), timeouts.global_ms());
    if input >= global {
        let span = timeouts
            .input
            .as_ref()
            .or(timeouts.global.as_ref())
            .map_or(object.span(), |t| t.span);
        findings.push(
            Finding::new(
                Rule::InvalidTimeouts,
                span,
                format!("`inputTimeout` ({input} ms) must be below `globalTimeout` ({global} ms)"),
            )
            .with_help("otherwise one silent caller at one menu uses up the whole call"),
        );
    }
    timeouts
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::json::Tape;

    /// Keys an element may have without `studio` or `suppress`, then those, an unknown one and an
    /// escaped `id`.
    fn keys() -> Vec<&'static str> {
        let others = ["studio", "suppress", "colour", "i\\u0064"];
        PLAIN_ELEMENT_KEYS.iter().copied().chain(others).collect()
    }
    const VALUES: [&str; 18] = [
        "\"play\"",
        "\"menu\"",
        "\"input\"",
        "\"set\"",
        "\"queue\"",
        "\"transfer\"",
        "\"start\"",
        "\"plya\"",
        "\"x\"",
        "\"\"",
        "\"a\\u0062\"",
        "0",
        "1",
        "5",
        "2.0",
        "-1",
        "true",
        "[]",
    ];

    /// What the one-pass read makes of an element object.
    fn plain(object: Object) -> Option<Element> {
        let mut elements = Vec::new();
        plain_element(object, &mut elements).then(|| elements.pop()).flatten()
    }

    /// An element object of random keys (some repeated, some unknown) and values (some of the
    /// wrong type), `type` usually a real kind.
    fn element_text() -> impl Strategy<Value = String> {
        let kind = prop::sample::select(&VALUES[..8]);
        let field = (prop::sample::select(keys()), prop::sample::select(&VALUES[..]));
        (kind, prop::collection::vec(field, 0..8), any::<bool>()).prop_map(|(kind, fields, typed)| {
            let mut parts = vec![r#""id": "e1""#.to_string()];
            if typed {
                parts.push(format!(r#""type": {kind}"#));
            }
            parts.extend(fields.iter().map(|(key, value)| format!("\"{key}\": {value}")));
            format!("{{{}}}", parts.join(", "))
        })
    }

    proptest! {
        /// The one-pass read of a plain element gives exactly what the field-by-field read gives,
        /// and takes every element that read finds nothing wrong with (but for `studio` and
        /// `suppress`, which it leaves to that read).
        #[test]
        fn the_one_pass_read_of_an_element_agrees_with_the_reporting_read(text in element_text()) {
            let tape = Tape::parse(&text).unwrap();
            let object = tape.root().as_object().unwrap();
            let plain = plain(object);
            let (mut suppressions, mut findings) = (Vec::new(), Vec::new());
            let read = read_element(object, &mut suppressions, &mut findings);
            if let Some(plain) = &plain {
                prop_assert!(findings.is_empty(), "{text}: {findings:?}");
                prop_assert_eq!(Some(plain), read.as_ref(), "{}", text);
            }
            let leaves_to_reader = ["studio", "suppress", "i\\u0064"].iter().any(|k| text.contains(&format!("\"{k}\"")));
            if findings.is_empty() && !leaves_to_reader {
                prop_assert!(plain.is_some(), "{text} is clean but not read in one pass");
            }
        }
    }

    /// Elements the random ones rarely make: each is read in one pass exactly when it is clean.
    #[test]
    fn the_one_pass_read_leaves_every_fault_to_the_reporting_read() {
        let input = r#""id": "a", "type": "input", "prompt": "PIN", "variable": "pin""#;
        for (fields, clean) in [
            ("\"minDigits\": 4, \"maxDigits\": 6", true),
            ("\"minDigits\": 6, \"maxDigits\": 4", false),
            ("\"minDigits\": 0", false),
            ("\"promptMs\": 1200", true),
            ("\"promptMs\": -5", false),
            ("\"queue\": \"q\"", false),
            ("\"description\": 3", false),
        ] {
            let text = format!("{{{input}, {fields}}}");
            let tape = Tape::parse(&text).unwrap();
            let object = tape.root().as_object().unwrap();
            let (mut suppressions, mut findings) = (Vec::new(), Vec::new());
            let read = read_element(object, &mut suppressions, &mut findings);
            assert_eq!(findings.is_empty(), clean, "{text}: {findings:?}");
            let plain = plain(object);
            assert_eq!(plain.is_some(), clean, "{text}");
            if clean {
                assert_eq!(plain, read, "{text}");
            }
        }
    }

    /// Comparisons and `all`/`any` of comparisons: each is read in one pass exactly when the
    /// reporting read finds nothing wrong (but for deeper nesting, left to that read), and then to
    /// the same condition.
    #[test]
    fn the_one_pass_read_of_a_condition_agrees_with_the_reporting_read() {
        let hours = r#"{"variable": "hour", "operator": "between", "value": [8, 18]}"#;
        let day = r#"{"variable": "day", "operator": "in", "value": ["Mon", "Tue"]}"#;
        let bad = r#"{"variable": "hour", "operator": "between", "value": [18, 8]}"#;
        // (condition, whether the reporting read finds it clean, whether it is read in one pass)
        for (text, clean, plain_expected) in [
            (hours.to_string(), true, true),
            (
                r#"{"variable": "day", "operator": "notIn", "value": ["Sat", "Sun"]}"#.into(),
                true,
                true,
            ),
            (r#"{"variable": "vip", "operator": "exists"}"#.into(), true, true),
            (
                r#"{"operator": "equals", "value": 1, "variable": "tier"}"#.into(),
                true,
                true,
            ),
            (bad.into(), false, false),
            (r#"{"variable": "hour", "operator": "equals"}"#.into(), false, false),
            (
                r#"{"variable": "", "operator": "equals", "value": 1}"#.into(),
                false,
                false,
            ),
            (
                r#"{"variable": "x", "operator": "equal", "value": 1}"#.into(),
                false,
                false,
            ),
            (
                r#"{"variable": "x", "operator": "equals", "value": 1, "note": "?"}"#.into(),
                false,
                false,
            ),
            (
                r#"{"variable": "x", "variable": "y", "operator": "exists"}"#.into(),
                false,
                false,
            ),
            (format!(r#"{{"all": [{hours}, {day}]}}"#), true, true),
            (format!(r#"{{"any": [{day}]}}"#), true, true),
            (format!(r#"{{"all": [{hours}, {bad}]}}"#), false, false),
            (r#"{"all": []}"#.into(), false, false),
            (format!(r#"{{"all": [{hours}], "any": [{day}]}}"#), false, false),
            (format!(r#"{{"all": [{hours}], "note": 1}}"#), false, false),
            (format!(r#"{{"all": [{hours}, 3]}}"#), false, false),
            (format!(r#"{{"any": {hours}}}"#), false, false),
            (format!(r#"{{"all": [{{"any": [{day}]}}, {hours}]}}"#), true, false),
            (format!(r#"{{"not": {hours}}}"#), true, false),
        ] {
            let tape = Tape::parse(&text).unwrap();
            let object = tape.root().as_object().unwrap();
            let mut findings = Vec::new();
            let read = read_condition(object, &mut findings);
            assert_eq!(findings.is_empty(), clean, "{text}: {findings:?}");
            let plain = plain_comparison(object).or_else(|| plain_combinator(object));
            assert_eq!(plain.is_some(), plain_expected, "{text}");
            if plain_expected {
                assert_eq!(plain, read, "{text}");
            }
            assert_eq!(load_condition(object, &mut Vec::new()), read, "{text}");
        }
    }
}
