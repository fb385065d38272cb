//! The fast path of the flow loader: a flow file that is plain throughout (strict JSON, every field
//! known, once and of its type, no escapes, whole numbers written as digits) read in one pass
//! straight into the model, with no tape between. Anything else gives up, and the tape and the
//! loader that reports read the file; a property test holds the two to the same model.

use std::sync::OnceLock;

use compact_str::CompactString;
use serde_json::Value as Json;

use crate::flow::load::PLAIN_ELEMENT_KEYS;
use crate::flow::model::{self, Condition, Edge, Element, ElementKind, Flow, RoutingRule, Test, Timeouts};
use crate::json::plain::{Known, Reader, once};
use crate::source::Spanned;

/// The flow in `text` when the loader would load it without a finding and the text holds no
/// number out of a float's range; `None` for anything else, from a syntax error to a field the
/// loader would report.
pub fn read(text: &str) -> Option<Flow> {
    let mut reader = Reader::new(text)?;
    let flow = flow(&mut reader)?;
    reader.end(flow)
}

/// About how many bytes of a flow file each element takes, with its edges and rules: 170 in the
/// generated flows of the benchmarks, 270 in the examples.
const BYTES_PER_ELEMENT: usize = 160;

fn flow(reader: &mut Reader) -> Option<Flow> {
    let (mut schema, mut flow_id, mut name, mut description) = (None, None, None, None);
    let (mut elements, mut edges, mut rules, mut timeouts) = (None, None, None, None);
    // Room for the lists from the text's size: they rarely grow (each growth copies the list)
    // and are rarely much too large (fresh memory costs page faults).
    let elements_room = reader.text_len() / BYTES_PER_ELEMENT;
    let span = reader.object(|reader, key| match key {
        "$schema" => once(&mut schema, reader.string()),
        "flowId" => once(&mut flow_id, reader.id()),
        "name" => once(&mut name, reader.string().map(|(text, _)| text.to_owned())),
        "description" => once(&mut description, reader.string()),
        "elements" => once(&mut elements, reader.list(elements_room, element)),
        "edges" => {
            let room = elements.as_ref().map_or(elements_room, |(read, _)| read.len());
            once(&mut edges, reader.list(room + room / 2, edge))
        }
        "routingRules" => once(&mut rules, reader.list(0, routing_rule)),
        "timeouts" => once(&mut timeouts, read_timeouts(reader)),
        _ => None,
    })?;
    let (elements, elements_span) = elements.filter(|(elements, _)| !elements.is_empty())?;
    Some(Flow {
        flow_id: Some(flow_id?),
        name,
        span,
        elements_span,
        elements,
        edges: edges.map(|(edges, _)| edges).unwrap_or_default(),
        routing_rules: rules.map(|(rules, _)| rules).unwrap_or_default(),
        timeouts: timeouts.unwrap_or_default(),
        script: None,
        suppressions: Vec::new(),
    })
}

/// What the objects of a flow file likely hold, read whole rather than scanned (`Known`): an
/// element's keys (in the loader's order) and kinds, an edge's keys and labels, a routing rule's and
/// a condition's keys and a comparison's operators, the likeliest first.
const ELEMENT_KEYS: [Known; PLAIN_ELEMENT_KEYS.len()] = Known::all(PLAIN_ELEMENT_KEYS);
const KINDS: [Known; ElementKind::NAMED.len()] = {
    let mut kinds = [Known::new(""); ElementKind::NAMED.len()];
    let mut at = 0;
    while at < kinds.len() {
        kinds[at] = Known::new(ElementKind::NAMED[at].0);
        at += 1;
    }
    kinds
};
const EDGE_KEYS: [Known; 3] = Known::all(["from", "to", "on"]);
const LABELS: [Known; 16] = Known::all([
    "1", "2", "timeout", "invalid", "default", "3", "ok", "0", "4", "5", "6", "7", "8", "9", "*", "#",
]);
const RULE_KEYS: [Known; 3] = Known::all(["element", "condition", "action"]);
const CONDITION_KEYS: [Known; 5] = Known::all(["variable", "operator", "value", "all", "any"]);
const OPERATORS: [Known; model::OPERATORS.len()] = Known::all(model::OPERATORS);

fn element(reader: &mut Reader, elements: &mut Vec<Element>) -> Option<()> {
    let (mut id, mut kind, mut description) = (None, None, None);
    let (mut prompt, mut prompt_ms, mut variable, mut value) = (None, None, None, None);
    let (mut queue, mut target, mut min_digits, mut max_digits) = (None, None, None, None);
    let at_least_one = |n: &Spanned<u64>| n.value >= 1;
    let span = reader.object_of(&ELEMENT_KEYS, |reader, key| match key {
        "id" => once(&mut id, reader.id()),
        "type" => once(
            &mut kind,
            reader
                .string_among(&KINDS)
                .and_then(|(text, span)| Some((ElementKind::parse(text)?, span))),
        ),
        "description" => once(&mut description, reader.string()),
        "prompt" => once(&mut prompt, reader.string().map(|(text, _)| text.to_owned())),
        "promptMs" => once(&mut prompt_ms, reader.integer()),
        "variable" => once(&mut variable, reader.id()),
        "value" => once(&mut value, reader.json(false)),
        "queue" => once(&mut queue, reader.id()),
        "target" => once(&mut target, reader.id()),
        "minDigits" => once(&mut min_digits, reader.integer().filter(at_least_one)),
        "maxDigits" => once(&mut max_digits, reader.integer().filter(at_least_one)),
        _ => None,
    })?;
    let (kind, kind_span) = kind?;
    // The kind fields present, one bit each in `PLAIN_ELEMENT_KEYS` order after the first three.
    let present = [
        prompt.is_some(),
        prompt_ms.is_some(),
        variable.is_some(),
        value.is_some(),
        queue.is_some(),
        target.is_some(),
        min_digits.is_some(),
        max_digits.is_some(),
    ]
    .iter()
    .enumerate()
    .fold(0u8, |bits, (bit, &is)| bits | (u8::from(is) << bit));
    let (allowed, required) = kind_field_bits(kind);
    if present & !allowed != 0 || required & !present != 0 {
        return None;
    }
    if let (Some(min), Some(max)) = (&min_digits, &max_digits)
        && max.value < min.value
    {
        return None;
    }
    elements.push(Element {
        id: id?,
        kind,
        kind_span,
        span,
        prompt,
        prompt_ms: prompt_ms.map_or(0, |ms| ms.value),
        variable: variable.map(|v| v.value),
        value: value.map(Box::new),
        min_digits: min_digits.map(|n| n.value),
        max_digits: max_digits.map(|n| n.value),
        action: None,
    });
    Some(())
}

fn edge(reader: &mut Reader, edges: &mut Vec<Edge>) -> Option<()> {
    let (mut from, mut to, mut on) = (None, None, None);
    let span = reader.object_of(&EDGE_KEYS, |reader, key| match key {
        "from" => once(&mut from, reader.id()),
        "to" => once(&mut to, reader.id()),
        "on" => once(
            &mut on,
            reader
                .string_among(&LABELS)
                .map(|(text, span)| Spanned::new(CompactString::from(text), span)),
        ),
        _ => None,
    })?;
    edges.push(Edge {
        from: from?,
        to: to?,
        on,
        span,
    });
    Some(())
}

fn routing_rule(reader: &mut Reader, rules: &mut Vec<RoutingRule>) -> Option<()> {
    let (mut element, mut rule_condition, mut goto) = (None, None, None);
    let span = reader.object_of(&RULE_KEYS, |reader, key| match key {
        "element" => once(&mut element, reader.id()),
        "condition" => once(&mut rule_condition, condition(reader, false)),
        "action" => {
            let mut action = None;
            reader.object(|reader, key| match key {
                "goto" => once(&mut action, reader.id()),
                _ => None,
            })?;
            once(&mut goto, action)
        }
        _ => None,
    })?;
    rules.push(RoutingRule {
        element: element?,
        condition: Some(rule_condition?),
        goto: Some(goto?),
        span,
    });
    Some(())
}

/// A comparison, or (unless `nested`) an `all` or `any` of comparisons.
fn condition(reader: &mut Reader, nested: bool) -> Option<Condition> {
    let (mut variable, mut operator, mut value, mut all, mut any) = (None, None, None, None, None);
    let parts = |reader: &mut Reader| {
        let mut parts = Vec::new();
        reader.array(|reader| {
            parts.push(condition(reader, true)?);
            Some(())
        })?;
        (!nested && !parts.is_empty()).then_some(parts)
    };
    reader.object_of(&CONDITION_KEYS, |reader, key| match key {
        "variable" => once(&mut variable, reader.id()),
        "operator" => once(&mut operator, reader.string_among(&OPERATORS).map(|(text, _)| text)),
        "value" => once(&mut value, reader.json(false)),
        "all" => once(&mut all, parts(reader)),
        "any" => once(&mut any, parts(reader)),
        _ => None,
    })?;
    match (all, any) {
        (Some(parts), None) if variable.is_none() && operator.is_none() && value.is_none() => {
            Some(Condition::All(parts))
        }
        (None, Some(parts)) if variable.is_none() && operator.is_none() && value.is_none() => {
            Some(Condition::Any(parts))
        }
        (None, None) => Some(Condition::Compare {
            variable: variable?.value,
            test: test(operator?, value)?,
        }),
        _ => None,
    }
}

fn read_timeouts(reader: &mut Reader) -> Option<Timeouts> {
    let mut timeouts = Timeouts::default();
    reader.object(|reader, key| {
        let slot = match key {
            "globalTimeout" => &mut timeouts.global,
            "inputTimeout" => &mut timeouts.input,
            "transferTimeout" => &mut timeouts.transfer,
            _ => return None,
        };
        once(slot, reader.integer().filter(|n| n.value >= 1))
    })?;
    (timeouts.input_ms() < timeouts.global_ms()).then_some(timeouts)
}

/// A comparison's test, when its operator is known and its value is the operator's.
fn test(operator: &str, value: Option<Json>) -> Option<Test> {
    if operator == "exists" {
        return Some(Test::Exists);
    }
    let value = value?;
    let number = |value: &Json| value.as_number().and_then(serde_json::Number::as_f64);
    match (operator, value) {
        ("equals", value) => Some(Test::Equals(value)),
        ("notEquals", value) => Some(Test::NotEquals(value)),
        ("in", Json::Array(items)) => Some(Test::In(items)),
        ("notIn", Json::Array(items)) => Some(Test::NotIn(items)),
        ("greaterThan", value) => number(&value).map(Test::GreaterThan),
        ("lessThan", value) => number(&value).map(Test::LessThan),
        ("startsWith", Json::String(prefix)) => Some(Test::StartsWith(prefix)),
        ("between", Json::Array(items)) => match items.as_slice() {
            [lo, hi] => {
                let (lo, hi) = (number(lo)?, number(hi)?);
                (lo <= hi).then_some(Test::Between(lo, hi))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The kind fields an element of `kind` may have and those it must have, one bit each in
/// `PLAIN_ELEMENT_KEYS` order after the first three.
fn kind_field_bits(kind: ElementKind) -> (u8, u8) {
    const KINDS: usize = ElementKind::NAMED.len() + 1;
    static BITS: OnceLock<[(u8, u8); KINDS]> = OnceLock::new();
    let bits = BITS.get_or_init(|| {
        let mut bits = [(0, 0); KINDS];
        let kinds = ElementKind::NAMED.iter().map(|&(_, kind)| kind);
        for kind in kinds.chain([ElementKind::Unknown]) {
            for &(field, is_required) in kind.fields() {
                let bit = PLAIN_ELEMENT_KEYS[3..]
                    .iter()
                    .position(|&key| key == field)
                    .map_or(0, |b| 1 << b);
                let (allowed, required) = &mut bits[kind as usize];
                *allowed |= bit;
                if is_required {
                    *required |= bit;
                }
            }
        }
        bits
    });
    bits[kind as usize]
}
