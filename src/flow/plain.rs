//! The fast path of the flow loader: a flow file that is plain throughout (strict JSON, every field
//! known, once and of its type, no escapes, whole numbers written as digits) read in one pass
//! straight into the model, with no tape between. Anything else gives up, and the tape and the
//! loader that reports read the file; a property test holds the two to the same model.

use std::sync::OnceLock;

use compact_str::CompactString;
use serde_json::Value as Json;

use crate::flow::load::PLAIN_ELEMENT_KEYS;
use crate::flow::model::{Condition, Edge, Element, ElementKind, Flow, RoutingRule, Test, Timeouts};
use crate::json::tape::{MAX_TEXT, string_stop};
use crate::source::{Span, Spanned};

/// The flow in `text` when the loader would load it without a finding and the text holds no
/// number out of a float's range; `None` for anything else, from a syntax error to a field the
/// loader would report.
pub fn read(text: &str) -> Option<Flow> {
    if text.len() > MAX_TEXT {
        return None;
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let flow = reader.flow()?;
    reader.skip_whitespace();
    (reader.at == reader.bytes.len()).then_some(flow)
}

/// About how many bytes of a flow file each element takes, with its edges and rules: 170 in the
/// generated flows of the benchmarks, 270 in the examples.
const BYTES_PER_ELEMENT: usize = 160;

struct Reader<'s> {
    text: &'s str,
    bytes: &'s [u8],
    at: usize,
}

/// Sets a field read for the first time; a repeated field, or a value that is not the field's,
/// is `None`.
fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

impl<'s> Reader<'s> {
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte after any whitespace, taken.
    fn next_byte(&mut self) -> Option<u8> {
        self.skip_whitespace();
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    /// An object, each key handed to `field` to read its value; the object's span.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'s [u8]) -> Option<()>) -> Option<Span> {
        self.skip_whitespace();
        let start = self.at;
        (self.next_byte()? == b'{').then_some(())?;
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Some(Span::new(start, self.at));
        }
        loop {
            let (key, _) = self.string()?;
            (self.next_byte()? == b':').then_some(())?;
            field(self, key.as_bytes())?;
            match self.next_byte()? {
                b',' => {}
                b'}' => return Some(Span::new(start, self.at)),
                _ => return None,
            }
        }
    }

    /// An array, each item read by `item`; the array's span.
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<Span> {
        self.skip_whitespace();
        let start = self.at;
        (self.next_byte()? == b'[').then_some(())?;
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            return Some(Span::new(start, self.at));
        }
        loop {
            item(self)?;
            match self.next_byte()? {
                b',' => {}
                b']' => return Some(Span::new(start, self.at)),
                _ => return None,
            }
        }
    }

    /// An array of items each read by `item`, and its span; the list starts with `room` for items.
    fn list<T>(&mut self, room: usize, item: fn(&mut Self) -> Option<T>) -> Option<(Vec<T>, Span)> {
        let mut items = Vec::with_capacity(room);
        crate::huge_pages::advise(&items);
        let span = self.array(|reader| {
            items.push(item(reader)?);
            Some(())
        })?;
        Some((items, span))
    }

    /// A string without escapes: its text and its span, quotes included.
    fn string(&mut self) -> Option<(&'s str, Span)> {
        self.skip_whitespace();
        let start = self.at;
        (self.bytes.get(start) == Some(&b'"')).then_some(())?;
        let body = start + 1;
        let stop = body + string_stop(&self.bytes[body..])?;
        (self.bytes[stop] == b'"').then_some(())?;
        self.at = stop + 1;
        Some((&self.text[body..stop], Span::new(start, self.at)))
    }

    /// A non-empty string at its place (ids, names).
    fn id(&mut self) -> Option<Spanned<CompactString>> {
        let (text, span) = self.string().filter(|(text, _)| !text.is_empty())?;
        Some(Spanned::new(CompactString::from(text), span))
    }

    /// A whole number written as digits alone (no sign, fraction or exponent) that fits in 64 bits.
    fn integer(&mut self) -> Option<Spanned<u64>> {
        self.skip_whitespace();
        let start = self.at;
        let digits = self.bytes[start..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || (digits > 1 && self.bytes[start] == b'0') {
            return None;
        }
        self.at += digits;
        if let Some(b'.' | b'e' | b'E') = self.bytes.get(self.at) {
            return None;
        }
        let value = self.text[start..self.at].parse().ok()?;
        Some(Spanned::new(value, Span::new(start, self.at)))
    }

    /// A value as serde_json data: a string, a whole number, `true`, `false`, `null`, or (unless
    /// `nested`) an array of those.
    fn json(&mut self, nested: bool) -> Option<Json> {
        self.skip_whitespace();
        let literal = |reader: &mut Self, word: &str, value: Json| {
            reader.bytes[reader.at..].starts_with(word.as_bytes()).then(|| {
                reader.at += word.len();
                value
            })
        };
        match *self.bytes.get(self.at)? {
            b'"' => Some(Json::String(self.string()?.0.to_owned())),
            b'0'..=b'9' => Some(Json::from(self.integer()?.value)),
            b't' => literal(self, "true", Json::Bool(true)),
            b'f' => literal(self, "false", Json::Bool(false)),
            b'n' => literal(self, "null", Json::Null),
            b'[' if !nested => {
                let mut items = Vec::new();
                self.array(|reader| {
                    items.push(reader.json(true)?);
                    Some(())
                })?;
                Some(Json::Array(items))
            }
            _ => None,
        }
    }

    fn flow(&mut self) -> Option<Flow> {
        let (mut schema, mut flow_id, mut name, mut description) = (None, None, None, None);
        let (mut elements, mut edges, mut rules, mut timeouts) = (None, None, None, None);
        // Room for the lists from the text's size: they rarely grow (each growth copies the list)
        // and are rarely much too large (fresh memory costs page faults).
        let elements_room = self.text.len() / BYTES_PER_ELEMENT;
        let span = self.object(|reader, key| match key {
            b"$schema" => once(&mut schema, reader.string()),
            b"flowId" => once(&mut flow_id, reader.id()),
            b"name" => once(&mut name, reader.string().map(|(text, _)| text.to_owned())),
            b"description" => once(&mut description, reader.string()),
            b"elements" => once(&mut elements, reader.list(elements_room, Self::element)),
            b"edges" => {
                let room = elements.as_ref().map_or(elements_room, |(read, _)| read.len());
                once(&mut edges, reader.list(room + room / 2, Self::edge))
            }
            b"routingRules" => once(&mut rules, reader.list(0, Self::routing_rule)),
            b"timeouts" => once(&mut timeouts, reader.timeouts()),
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

    fn element(&mut self) -> Option<Element> {
        let (mut id, mut kind, mut description) = (None, None, None);
        let (mut prompt, mut prompt_ms, mut variable, mut value) = (None, None, None, None);
        let (mut queue, mut target, mut min_digits, mut max_digits) = (None, None, None, None);
        let at_least_one = |n: &Spanned<u64>| n.value >= 1;
        let span = self.object(|reader, key| match key {
            b"id" => once(&mut id, reader.id()),
            b"type" => once(
                &mut kind,
                reader
                    .string()
                    .and_then(|(text, span)| Some((ElementKind::parse(text)?, span))),
            ),
            b"description" => once(&mut description, reader.string()),
            b"prompt" => once(&mut prompt, reader.string().map(|(text, _)| text.to_owned())),
            b"promptMs" => once(&mut prompt_ms, reader.integer()),
            b"variable" => once(&mut variable, reader.id()),
            b"value" => once(&mut value, reader.json(false)),
            b"queue" => once(&mut queue, reader.id()),
            b"target" => once(&mut target, reader.id()),
            b"minDigits" => once(&mut min_digits, reader.integer().filter(at_least_one)),
            b"maxDigits" => once(&mut max_digits, reader.integer().filter(at_least_one)),
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
        let mut element = Element::new(id?, kind, kind_span, span);
        element.prompt = prompt;
        element.prompt_ms = prompt_ms.map_or(0, |ms| ms.value);
        element.variable = variable.map(|v| v.value);
        element.value = value.map(Box::new);
        element.min_digits = min_digits.map(|n| n.value);
        element.max_digits = max_digits.map(|n| n.value);
        Some(element)
    }

    fn edge(&mut self) -> Option<Edge> {
        let (mut from, mut to, mut on) = (None, None, None);
        let span = self.object(|reader, key| match key {
            b"from" => once(&mut from, reader.id()),
            b"to" => once(&mut to, reader.id()),
            b"on" => once(
                &mut on,
                reader
                    .string()
                    .map(|(text, span)| Spanned::new(CompactString::from(text), span)),
            ),
            _ => None,
        })?;
        Some(Edge {
            from: from?,
            to: to?,
            on,
            span,
        })
    }

    fn routing_rule(&mut self) -> Option<RoutingRule> {
        let (mut element, mut condition, mut goto) = (None, None, None);
        let span = self.object(|reader, key| match key {
            b"element" => once(&mut element, reader.id()),
            b"condition" => once(&mut condition, reader.condition(false)),
            b"action" => {
                let mut action = None;
                reader.object(|reader, key| match key {
                    b"goto" => once(&mut action, reader.id()),
                    _ => None,
                })?;
                once(&mut goto, action)
            }
            _ => None,
        })?;
        Some(RoutingRule {
            element: element?,
            condition: Some(condition?),
            goto: Some(goto?),
            span,
        })
    }

    /// A comparison, or (unless `nested`) an `all` or `any` of comparisons.
    fn condition(&mut self, nested: bool) -> Option<Condition> {
        let (mut variable, mut operator, mut value, mut all, mut any) = (None, None, None, None, None);
        let parts = |reader: &mut Self| {
            let mut parts = Vec::new();
            reader.array(|reader| {
                parts.push(reader.condition(true)?);
                Some(())
            })?;
            (!nested && !parts.is_empty()).then_some(parts)
        };
        self.object(|reader, key| match key {
            b"variable" => once(&mut variable, reader.id()),
            b"operator" => once(&mut operator, reader.string().map(|(text, _)| text)),
            b"value" => once(&mut value, reader.json(false)),
            b"all" => once(&mut all, parts(reader)),
            b"any" => once(&mut any, parts(reader)),
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

    fn timeouts(&mut self) -> Option<Timeouts> {
        let mut timeouts = Timeouts::default();
        self.object(|reader, key| {
            let slot = match key {
                b"globalTimeout" => &mut timeouts.global,
                b"inputTimeout" => &mut timeouts.input,
                b"transferTimeout" => &mut timeouts.transfer,
                _ => return None,
            };
            once(slot, reader.integer().filter(|n| n.value >= 1))
        })?;
        (timeouts.input_ms() < timeouts.global_ms()).then_some(timeouts)
    }
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
    static BITS: OnceLock<Vec<(ElementKind, u8, u8)>> = OnceLock::new();
    let bits = BITS.get_or_init(|| {
        let kinds = ElementKind::NAMED.iter().map(|&(_, kind)| kind);
        kinds
            .chain([ElementKind::Unknown])
            .map(|kind| {
                kind.fields()
                    .iter()
                    .fold((kind, 0, 0), |(kind, allowed, required), &(field, is)| {
                        let bit = PLAIN_ELEMENT_KEYS[3..]
                            .iter()
                            .position(|&key| key == field)
                            .map_or(0, |b| 1 << b);
                        (kind, allowed | bit, if is { required | bit } else { required })
                    })
            })
            .collect()
    });
    bits.iter()
        .find(|(k, _, _)| *k == kind)
        .map_or((0, 0), |&(_, allowed, required)| (allowed, required))
}
