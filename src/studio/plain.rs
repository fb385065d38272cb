//! The fast path of the Studio loader: a script that is plain throughout (strict JSON without
//! escapes, no key twice in an object the loader reads, every field the loader reads of its type,
//! `properties` after `actions`) read in one pass straight into the model, with the findings the
//! loader makes of such a script (opaque actions, long speech segments, a stale `nextActionId`).
//! Anything else gives up, and the tape and the loader read the text; a property test holds the
//! two to the same model and findings.

use compact_str::CompactString;
use rustc_hash::FxHashMap;

use crate::diagnostic::Finding;
use crate::flow::model::{Edge, Element, Flow, Script};
use crate::json::plain::{Known, Reader, once};
use crate::source::{Span, Spanned};
use crate::studio::load::{
    ActionFields, action_element, apply_property, branch_outcome, finish, id_index, is_branch_type,
};

/// The script in `text` and the loader's findings on it, when the loader would read it as this
/// path does and the text holds no number out of a float's range; `None` for anything else.
pub fn read(text: &str) -> Option<(Flow, Vec<Finding>)> {
    let mut reader = Reader::new(text)?;
    let mut findings = Vec::new();
    let flow = script(&mut reader, &mut findings)?;
    reader.end((flow, findings))
}

/// About how many bytes of a script each action takes, with its properties and branches: 350 in
/// the generated scripts of the benchmarks, 770 in the example.
const BYTES_PER_ACTION: usize = 320;

/// How deep a value the loader does not read may nest (a deeper one is left to the tape).
const SKIPPED_DEPTH: usize = 64;

/// The keys of a script's objects, the likeliest first.
const SCRIPT_KEYS: [Known; 4] = Known::all(["header", "actions", "properties", "branches"]);
const HEADER_KEYS: [Known; 2] = Known::all(["scriptName", "nextActionId"]);
const ACTION_KEYS: [Known; 9] = Known::all([
    "actionId",
    "libraryId",
    "name",
    "version",
    "label",
    "x",
    "y",
    "xws",
    "yws",
]);
const PROPERTY_KEYS: [Known; 2] = Known::all(["name", "value"]);
const BRANCH_KEYS: [Known; 4] = Known::all(["to", "label", "type", "index"]);

/// The header's fields the loader reads.
struct Header {
    name: Option<Spanned<CompactString>>,
    next_action_id: Option<Spanned<u64>>,
    span: Span,
}

fn script(reader: &mut Reader, findings: &mut Vec<Finding>) -> Option<Flow> {
    let mut flow = Flow::default();
    // Room for the lists from the text's size, as the flows' fast path makes it: an element moved
    // at each growth of its list was 5% of a script's time.
    flow.elements.reserve(reader.text_len() / BYTES_PER_ACTION);
    let (mut header, mut actions, mut properties, mut branches) = (None, None, None, None);
    let mut index: Option<FxHashMap<CompactString, usize>> = None;
    let mut others = Vec::new();
    let span = reader.object_of(&SCRIPT_KEYS, |reader, key| match key {
        "header" => once(&mut header, read_header(reader)),
        "actions" => {
            let span = reader.object_keyed(&[], |reader, id, id_span| {
                let element = action(reader, Spanned::new(CompactString::from(id), id_span), findings)?;
                flow.elements.push(element);
                Some(())
            });
            index = Some(id_index(&flow));
            once(&mut actions, span)
        }
        // Read into the actions' elements, so only after them.
        "properties" => {
            let index = index.as_ref()?;
            let span = reader.object_of(&[], |reader, id| match index.get(id) {
                Some(&at) => property_list(reader, &mut flow.elements[at], findings),
                None => reader.skip(SKIPPED_DEPTH),
            });
            once(&mut properties, span)
        }
        "branches" => {
            let room = flow.elements.len().max(reader.text_len() / BYTES_PER_ACTION);
            flow.edges.reserve(room + room / 2);
            let span = reader.object_keyed(&[], |reader, from, from_span| {
                let from = Spanned::new(CompactString::from(from), from_span);
                reader
                    .array(|reader| {
                        flow.edges.push(branch(reader, &from)?);
                        Some(())
                    })
                    .map(drop)
            });
            once(&mut branches, span)
        }
        _ => other_key(reader, &mut others, key),
    })?;
    let header = header?;
    flow.span = span;
    flow.elements_span = actions?;
    branches?;
    flow.name = header.name.as_ref().map(|n| n.value.to_string());
    flow.script = Some(Box::new(Script {
        name: header.name,
        header_span: header.span,
    }));
    finish(&mut flow, &index?, header.next_action_id, findings);
    Some(flow)
}

/// A key the loader does not read: its value read past, the key seen only once (the loader reports
/// a repeated key in the objects it reads).
fn other_key<'s>(reader: &mut Reader<'s>, seen: &mut Vec<&'s str>, key: &'s str) -> Option<()> {
    if seen.contains(&key) {
        return None;
    }
    seen.push(key);
    reader.skip(SKIPPED_DEPTH)
}

fn read_header(reader: &mut Reader) -> Option<Header> {
    let (mut name, mut next_action_id) = (None, None);
    let mut others = Vec::new();
    let span = reader.object_of(&HEADER_KEYS, |reader, key| match key {
        "scriptName" => once(&mut name, reader.id()),
        "nextActionId" => once(&mut next_action_id, reader.integer()),
        _ => other_key(reader, &mut others, key),
    })?;
    Some(Header {
        name,
        next_action_id,
        span,
    })
}

/// An action id as a script writes it, a number or a non-empty string: its text and span.
fn action_id(reader: &mut Reader) -> Option<Spanned<CompactString>> {
    match reader.peek()? {
        b'"' => reader.id(),
        b'-' | b'0'..=b'9' => reader
            .scalar()
            .map(|(text, span)| Spanned::new(CompactString::from(text), span)),
        _ => None,
    }
}

/// A string (empty or not) at its place.
fn text(reader: &mut Reader) -> Option<Spanned<CompactString>> {
    let (text, span) = reader.string()?;
    Some(Spanned::new(CompactString::from(text), span))
}

/// A label: a string, or a number's text as written (the loader reads `0` as `"0"`); an action id
/// is read the same way.
fn label_text(reader: &mut Reader) -> Option<Spanned<CompactString>> {
    match reader.peek()? {
        b'"' => text(reader),
        _ => action_id(reader),
    }
}

/// A layout coordinate: a number written as a 64-bit integer.
fn coordinate(reader: &mut Reader) -> Option<()> {
    matches!(reader.peek()?, b'-' | b'0'..=b'9').then_some(())?;
    reader.scalar()?.0.parse::<i64>().ok().map(drop)
}

fn action(reader: &mut Reader, id: Spanned<CompactString>, findings: &mut Vec<Finding>) -> Option<Element> {
    let (mut filed_as, mut name, mut library_id, mut label) = (None, None, None, None);
    let (mut xws, mut yws, mut version, mut x, mut y) = (None, None, None, None, None);
    let mut others = Vec::new();
    let span = reader.object_of(&ACTION_KEYS, |reader, key| match key {
        "actionId" => once(&mut filed_as, action_id(reader)),
        "libraryId" => once(&mut library_id, reader.id()),
        "name" => once(&mut name, reader.id()),
        "label" => once(&mut label, label_text(reader)),
        "xws" => once(&mut xws, coordinate(reader)),
        "yws" => once(&mut yws, coordinate(reader)),
        "version" => once(&mut version, reader.skip(SKIPPED_DEPTH)),
        "x" => once(&mut x, reader.skip(SKIPPED_DEPTH)),
        "y" => once(&mut y, reader.skip(SKIPPED_DEPTH)),
        _ => other_key(reader, &mut others, key),
    })?;
    // The loader reports an `actionId` other than the key and a missing layout coordinate.
    if filed_as.is_some_and(|filed_as| filed_as.value != id.value) {
        return None;
    }
    xws?;
    yws?;
    let fields = ActionFields {
        id,
        name: Some(name?),
        library_id,
        label: label.filter(|l: &Spanned<CompactString>| !l.value.is_empty()),
        span,
    };
    Some(action_element(fields, findings))
}

/// An action's `{"0": {"name", "value"}, ...}` list, read into its element; an entry that is not an
/// object, or has no string `name` or no `value`, is passed over, as the loader does.
fn property_list(reader: &mut Reader, element: &mut Element, findings: &mut Vec<Finding>) -> Option<()> {
    reader
        .object_of(&[], |reader, _| {
            if reader.peek()? != b'{' {
                return reader.skip(SKIPPED_DEPTH);
            }
            let (mut name, mut value) = (None, None);
            reader.object_of(&PROPERTY_KEYS, |reader, key| match key {
                "name" if reader.peek()? == b'"' => once(&mut name, reader.string().map(Some)),
                "name" => once(&mut name, reader.skip(SKIPPED_DEPTH).map(|()| None)),
                "value" if reader.peek()? == b'"' => once(&mut value, reader.decoded_string()),
                "value" => once(&mut value, reader.scalar().map(|(text, span)| (text.into(), span))),
                _ => reader.skip(SKIPPED_DEPTH),
            })?;
            if let (Some(Some((name, _))), Some((text, span))) = (name, value) {
                apply_property(element, name, &text, span, findings);
            }
            Some(())
        })
        .map(drop)
}

fn branch(reader: &mut Reader, from: &Spanned<CompactString>) -> Option<Edge> {
    let (mut to, mut kind, mut label, mut index) = (None, None, None, None);
    let mut others = Vec::new();
    let span = reader.object_of(&BRANCH_KEYS, |reader, key| match key {
        "to" => once(&mut to, action_id(reader)),
        "type" => once(&mut kind, text(reader)),
        "label" => once(&mut label, label_text(reader)),
        "index" => once(&mut index, reader.skip(SKIPPED_DEPTH)),
        _ => other_key(reader, &mut others, key),
    })?;
    // The loader reports a branch type Studio does not write.
    if kind.as_ref().is_some_and(|k| !is_branch_type(&k.value)) {
        return None;
    }
    Some(Edge {
        from: from.clone(),
        to: to?,
        on: branch_outcome(kind.as_ref(), label.as_ref(), span),
        span,
    })
}
