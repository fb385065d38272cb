//! Strict JSON (RFC 8259) parsed into a flat tape: one 8-byte node per scalar value or key (two for
//! an array or object), each with its byte span, children right after their container, so every
//! finding can point at its line and column without a tree of allocations. Strings are borrowed
//! from the text until read.

use std::borrow::Cow;

use compact_str::CompactString;

use crate::source::{Span, SyntaxError};

/// The deepest nesting of arrays and objects accepted (deeper files get a syntax error, so no later
/// recursive walk can run out of stack).
pub const MAX_NESTING: usize = 512;

/// What a node holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    False,
    True,
    Number,
    /// A string without escapes: its text is the span without the quotes.
    String,
    /// A string with backslash escapes, decoded when read.
    EscapedString,
    Object,
    Array,
}

const KINDS: [Kind; 8] = [
    Kind::Null,
    Kind::False,
    Kind::True,
    Kind::Number,
    Kind::String,
    Kind::EscapedString,
    Kind::Object,
    Kind::Array,
];
const KIND_SHIFT: u32 = 29;
const INDEX_MASK: u32 = (1 << KIND_SHIFT) - 1;
/// The longest text parsed: every offset, length and node index then fits in `INDEX_MASK`.
pub(crate) const MAX_TEXT: usize = INDEX_MASK as usize;

/// One value or key: where it starts and (packed) its kind and extent. A scalar's extent is its
/// length in bytes. An array or object takes two nodes: its extent is the index of the node after
/// its subtree, and the second node's `start` is where it ends; its children come after both.
#[derive(Debug, Clone, Copy)]
struct Node {
    start: u32,
    kind_and_extent: u32,
}

/// The nodes an array or object takes before its children.
const CONTAINER_NODES: u32 = 2;

impl Node {
    fn kind(self) -> Kind {
        KINDS[(self.kind_and_extent >> KIND_SHIFT) as usize]
    }

    /// An object or an array: the last two kinds.
    fn is_container(self) -> bool {
        self.kind_and_extent >= (Kind::Object as u32) << KIND_SHIFT
    }

    fn extent(self) -> u32 {
        self.kind_and_extent & INDEX_MASK
    }
}

/// A parsed JSON text.
#[derive(Debug)]
pub struct Tape<'s> {
    text: &'s str,
    nodes: Vec<Node>,
    /// The numbers written with an exponent or more than 308 digits: the only ones that can
    /// overflow a 64-bit float.
    scaled_numbers: Vec<u32>,
}

impl<'s> Tape<'s> {
    /// Parses `text` as one strict JSON value: no comments, trailing commas or other extensions.
    pub fn parse(text: &'s str) -> Result<Self, SyntaxError> {
        Parser::new(text).parse()
    }

    /// The top-level value.
    pub fn root(&self) -> Value<'_, 's> {
        Value { tape: self, index: 0 }
    }

    /// Where the value at `index` ends.
    #[inline]
    fn end(&self, index: u32) -> u32 {
        let node = self.nodes[index as usize];
        if node.is_container() {
            self.nodes[index as usize + 1].start
        } else {
            node.start + node.extent()
        }
    }

    /// The index of the node after the subtree at `index`.
    #[inline]
    fn next(&self, index: u32) -> u32 {
        let node = self.nodes[index as usize];
        if node.is_container() { node.extent() } else { index + 1 }
    }

    /// Where a string's text between its quotes stands.
    #[inline]
    fn body_range(&self, index: usize) -> std::ops::Range<usize> {
        let node = self.nodes[index];
        node.start as usize + 1..(node.start + node.extent()) as usize - 1
    }

    /// A string's text between its quotes, as written (escapes not decoded).
    #[inline]
    fn string_body(&self, index: usize) -> &'s str {
        &self.text[self.body_range(index)]
    }

    /// A string key's text between its quotes, as written (as bytes: no character-boundary checks).
    #[inline]
    fn raw_key(&self, index: usize) -> &'s [u8] {
        &self.text.as_bytes()[self.body_range(index)]
    }

    /// The numbers written with an exponent or more than 308 digits, in file order.
    pub fn scaled_numbers(&self) -> impl Iterator<Item = Value<'_, 's>> {
        self.scaled_numbers.iter().map(|&index| Value { tape: self, index })
    }
}

/// One value of a tape.
#[derive(Debug, Clone, Copy)]
pub struct Value<'t, 's> {
    tape: &'t Tape<'s>,
    index: u32,
}

impl<'t, 's> Value<'t, 's> {
    fn node(self) -> Node {
        self.tape.nodes[self.index as usize]
    }

    pub fn kind(self) -> Kind {
        self.node().kind()
    }

    /// Where the value stands, strings with their quotes.
    #[inline]
    pub fn span(self) -> Span {
        Span::new(self.node().start as usize, self.tape.end(self.index) as usize)
    }

    /// The value's text as written.
    #[inline]
    pub fn raw(self) -> &'s str {
        &self.tape.text[self.node().start as usize..self.tape.end(self.index) as usize]
    }

    fn next(self) -> u32 {
        self.tape.next(self.index)
    }

    /// Where a container's first child stands (or its `next` when it is empty).
    fn first_child(self) -> u32 {
        self.index + CONTAINER_NODES
    }

    /// A string's value, decoded.
    pub fn as_str(self) -> Option<Cow<'s, str>> {
        let body = || self.tape.string_body(self.index as usize);
        match self.kind() {
            Kind::String => Some(Cow::Borrowed(body())),
            Kind::EscapedString => Some(Cow::Owned(unescape(body()))),
            _ => None,
        }
    }

    /// A string's value as a `CompactString`: a short one is kept inline, without an allocation.
    pub fn to_compact(self) -> Option<CompactString> {
        let body = || self.tape.string_body(self.index as usize);
        match self.kind() {
            Kind::String => Some(CompactString::from(body())),
            Kind::EscapedString => Some(CompactString::from(unescape(body()))),
            _ => None,
        }
    }

    /// Whether this is a string equal to `text` (without decoding a string that has no escapes).
    #[inline]
    pub fn str_is(self, text: &str) -> bool {
        let node = self.node();
        match node.kind() {
            Kind::String => same_bytes(self.tape.raw_key(self.index as usize), text.as_bytes()),
            Kind::EscapedString => self.as_str().is_some_and(|s| s == text),
            _ => false,
        }
    }

    /// A number's text as written.
    pub fn as_number(self) -> Option<&'s str> {
        (self.kind() == Kind::Number).then(|| self.raw())
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.kind() {
            Kind::True => Some(true),
            Kind::False => Some(false),
            _ => None,
        }
    }

    pub fn as_object(self) -> Option<Object<'t, 's>> {
        (self.kind() == Kind::Object).then_some(Object(self))
    }

    pub fn as_array(self) -> Option<Array<'t, 's>> {
        (self.kind() == Kind::Array).then_some(Array(self))
    }

    /// The value as `serde_json` data. A number no 64-bit float holds becomes `null` (the checks
    /// report it).
    pub fn to_json(self) -> serde_json::Value {
        use serde_json::Value as Json;
        match self.kind() {
            Kind::Null => Json::Null,
            Kind::False => Json::Bool(false),
            Kind::True => Json::Bool(true),
            Kind::Number => self
                .raw()
                .parse::<serde_json::Number>()
                .map_or(Json::Null, Json::Number),
            Kind::String | Kind::EscapedString => Json::String(self.as_str().unwrap_or_default().into_owned()),
            Kind::Array => Json::Array(Array(self).iter().map(Value::to_json).collect()),
            Kind::Object => Json::Object(
                Object(self)
                    .iter()
                    .map(|p| (p.key().into_owned(), p.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Nodes from `first` up to `end`, each subtree skipped as a whole.
#[derive(Debug, Clone)]
struct Children<'t, 's> {
    tape: &'t Tape<'s>,
    at: u32,
    end: u32,
}

impl<'t, 's> Iterator for Children<'t, 's> {
    type Item = Value<'t, 's>;

    fn next(&mut self) -> Option<Self::Item> {
        (self.at < self.end).then(|| {
            let value = Value {
                tape: self.tape,
                index: self.at,
            };
            self.at = value.next();
            value
        })
    }
}

fn children<'t, 's>(container: Value<'t, 's>) -> Children<'t, 's> {
    Children {
        tape: container.tape,
        at: container.first_child(),
        end: container.next(),
    }
}

/// A JSON object.
#[derive(Debug, Clone, Copy)]
pub struct Object<'t, 's>(Value<'t, 's>);

/// One `"key": value` of an object.
#[derive(Debug, Clone, Copy)]
pub struct Property<'t, 's> {
    /// The key, a string value.
    pub name: Value<'t, 's>,
    pub value: Value<'t, 's>,
}

impl<'s> Property<'_, 's> {
    pub fn key(&self) -> Cow<'s, str> {
        self.name.as_str().unwrap_or_default()
    }
}

impl<'t, 's> Object<'t, 's> {
    pub fn span(self) -> Span {
        self.0.span()
    }

    /// The properties in file order.
    pub fn iter(self) -> impl Iterator<Item = Property<'t, 's>> {
        let mut nodes = children(self.0);
        std::iter::from_fn(move || {
            let name = nodes.next()?;
            let value = nodes.next()?;
            Some(Property { name, value })
        })
    }

    /// The first property named `key`.
    pub fn get(self, key: &str) -> Option<Property<'t, 's>> {
        self.iter().find(|p| p.name.str_is(key))
    }

    /// The values of `keys`, in one pass over the object, when its keys are all among `keys`, each
    /// at most once and written without escapes; `None` otherwise (an `ObjectReader` then reads
    /// the object and reports what is wrong with it).
    pub fn plain_fields<const N: usize>(self, keys: &[&str; N]) -> Option<[Option<Value<'t, 's>>; N]> {
        let tape = self.0.tape;
        let mut found = [None; N];
        let (mut at, end) = (self.0.first_child() as usize, self.0.next() as usize);
        while at < end {
            if tape.nodes[at].kind() != Kind::String {
                return None;
            }
            let raw = tape.raw_key(at);
            let slot = keys.iter().position(|k| same_bytes(raw, k.as_bytes()))?;
            let value = Value {
                tape,
                index: at as u32 + 1,
            };
            if found[slot].replace(value).is_some() {
                return None;
            }
            at = value.next() as usize;
        }
        Some(found)
    }

    /// The object's properties, read once into an inline table for repeated lookups by key.
    pub fn table(self) -> Table<'t, 's> {
        let tape = self.0.tape;
        let mut table = Table {
            object: self,
            raw_keys: [b""; TABLE_SIZE],
            signatures: [0; TABLE_SIZE],
            values: [0; TABLE_SIZE],
            escaped: 0,
            len: 0,
            complete: true,
            repeats: 0,
        };
        // Two keys with different signatures differ: only a repeated signature needs comparing.
        let mut signatures = 0u64;
        let (mut at, end) = (self.0.first_child() as usize, self.0.next() as usize);
        while at < end {
            if table.len == TABLE_SIZE {
                table.complete = false;
                break;
            }
            let key = tape.nodes[at];
            let raw = tape.raw_key(at);
            let signature = key_signature(raw);
            if signatures >> signature & 1 != 0 {
                table.repeats |= 1 << table.len;
            }
            signatures |= 1 << signature;
            table.signatures[table.len] = signature;
            table.raw_keys[table.len] = raw;
            table.values[table.len] = at as u32 + 1;
            if key.kind() == Kind::EscapedString {
                table.escaped |= 1 << table.len;
            }
            table.len += 1;
            at = tape.next(at as u32 + 1) as usize;
        }
        table
    }
}

/// How many properties a `Table` holds inline.
pub const TABLE_SIZE: usize = 12;

/// The first `TABLE_SIZE` properties of an object: keys as written and where their values are.
#[derive(Debug, Clone)]
pub struct Table<'t, 's> {
    object: Object<'t, 's>,
    raw_keys: [&'s [u8]; TABLE_SIZE],
    /// Each key's signature (`key_signature`): keys with different signatures differ.
    signatures: [u8; TABLE_SIZE],
    values: [u32; TABLE_SIZE],
    /// Which keys have escapes (and are compared decoded).
    escaped: u16,
    /// The positions whose key's signature an earlier key already has: only those may repeat an
    /// earlier key (when no key has escapes).
    repeats: u16,
    len: usize,
    /// Whether the table holds every property of the object.
    complete: bool,
}

impl<'t, 's> Table<'t, 's> {
    pub fn object(&self) -> Object<'t, 's> {
        self.object
    }

    /// Whether every property of the object is in the table.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The property at a position of the table.
    pub fn property(&self, position: usize) -> Property<'t, 's> {
        let tape = self.object.0.tape;
        let index = self.values[position];
        Property {
            name: Value { tape, index: index - 1 },
            value: Value { tape, index },
        }
    }

    /// Whether two keys of the table may be the same key (else they all differ).
    pub fn may_repeat(&self) -> bool {
        self.escaped != 0 || self.repeats != 0
    }

    /// Whether the key at `position` may be the same as a key before it (else it differs from each).
    pub fn may_repeat_at(&self, position: usize) -> bool {
        self.escaped != 0 || self.repeats >> position & 1 != 0
    }

    /// Whether the keys at two positions are the same key.
    #[inline]
    pub fn same_key(&self, a: usize, b: usize) -> bool {
        if (self.escaped >> a | self.escaped >> b) & 1 == 0 {
            return self.signatures[a] == self.signatures[b] && self.raw_keys[a] == self.raw_keys[b];
        }
        self.property(a).key() == self.property(b).key()
    }

    /// The first property named `key`, and its position when the table holds it (a property past
    /// the table is found in the object itself).
    #[inline]
    pub fn lookup(&self, key: &str) -> Option<(Option<usize>, Property<'t, 's>)> {
        let position = (0..self.len).find(|&i| {
            if self.escaped >> i & 1 == 0 {
                same_bytes(self.raw_keys[i], key.as_bytes())
            } else {
                self.property(i).key() == key
            }
        });
        match position {
            Some(i) => Some((Some(i), self.property(i))),
            None if self.complete => None,
            None => self.object.get(key).map(|p| (None, p)),
        }
    }
}

/// A key's signature, which of 64 bits it sets, from its length, first and last byte: keys with
/// different signatures differ.
#[inline]
fn key_signature(raw: &[u8]) -> u8 {
    let mix = raw.len() as u64 * 7 + raw.first().map_or(0, |&b| b as u64) * 3 + raw.last().map_or(0, |&b| b as u64);
    (mix % 64) as u8
}

/// Where the string whose text starts at `start` ends: its closing quote, or the end of the bytes
/// when none closes it. The character after a backslash is passed over, and so is a control
/// character: whether either is valid JSON is for the parser to say.
pub(crate) fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start;
    while let Some(offset) = bytes.get(at..).and_then(string_stop) {
        at += offset;
        match bytes[at] {
            b'"' => return at,
            b'\\' => at += 2,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Where the first byte that ends a run of plain string text stands: a `"`, a `\\` or a control
/// character. Reads eight bytes at a time (`word_stop`).
#[inline]
pub(crate) fn string_stop(bytes: &[u8]) -> Option<usize> {
    let mut offset = 0;
    while let Some(chunk) = bytes.get(offset..offset + 8) {
        if let Some(stop) = word_stop(chunk) {
            return Some(offset + stop);
        }
        offset += 8;
    }
    let rest = &bytes[offset..];
    rest.iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|p| offset + p)
}

/// Where in an eight-byte `chunk` the first `"`, `\\` or control character stands: each such byte
/// sets its high bit in `found` (a borrow can flag a byte above a real hit, never below, so the
/// lowest flag is exact).
#[inline]
pub(crate) fn word_stop(chunk: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let below = |word: u64, limit: u8| word.wrapping_sub(ONES * limit as u64) & !word;
    let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
    let found = (below(word ^ (ONES * b'"' as u64), 1) | below(word ^ (ONES * b'\\' as u64), 1) | below(word, 0x20))
        & HIGH_BITS;
    (found != 0).then(|| found.trailing_zeros() as usize / 8)
}

/// Whether two keys (or ids) are the same bytes. Keys are short: up to 16 bytes they are compared
/// as two overlapping words from each end (or three bytes), without a call to memcmp.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or_default());
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or_default());
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// A JSON array.
#[derive(Debug, Clone, Copy)]
pub struct Array<'t, 's>(Value<'t, 's>);

impl<'t, 's> Array<'t, 's> {
    pub fn span(self) -> Span {
        self.0.span()
    }

    /// The elements in order.
    pub fn iter(self) -> impl Iterator<Item = Value<'t, 's>> + Clone {
        children(self.0)
    }

    pub fn is_empty(self) -> bool {
        self.0.first_child() == self.0.next()
    }

    pub fn len(self) -> usize {
        self.iter().count()
    }
}

/// Decodes the escapes of a string already validated by the parser.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = rest.as_bytes()[at + 1];
        rest = &rest[at + 2..];
        match escape {
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let high = hex4(rest);
                rest = &rest[4..];
                let code = if (0xD800..0xDC00).contains(&high) {
                    let low = hex4(&rest[2..]);
                    rest = &rest[6..];
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    high
                };
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            other => out.push(other as char),
        }
    }
    out.push_str(rest);
    out
}

fn hex4(text: &str) -> u32 {
    u32::from_str_radix(&text[..4], 16).unwrap_or(0xFFFD)
}

/// The parser's state: the text, where it is, the nodes so far and the open containers.
struct Parser<'s> {
    text: &'s str,
    bytes: &'s [u8],
    at: usize,
    nodes: Vec<Node>,
    scaled_numbers: Vec<u32>,
    /// Open containers: their node index and whether they are objects.
    open: Vec<(u32, bool)>,
}

type Parsed<T> = Result<T, SyntaxError>;

impl<'s> Parser<'s> {
    fn new(text: &'s str) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            at: 0,
            // About one node per 6 bytes of pretty-printed flow JSON.
            nodes: Vec::with_capacity(text.len() / 6 + 1),
            scaled_numbers: Vec::new(),
            open: Vec::new(),
        }
    }

    fn error(&self, start: usize, end: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            span: Span::new(start, end.max(start)),
            message: message.into(),
        }
    }

    /// An error at the current byte, naming what was expected and what was found.
    fn unexpected(&self, expected: &str) -> SyntaxError {
        let Some(&byte) = self.bytes.get(self.at) else {
            return self.error(self.at, self.at, format!("unexpected end of file: expected {expected}"));
        };
        if byte == b'/' && matches!(self.bytes.get(self.at + 1), Some(b'/' | b'*')) {
            let rest = &self.text[self.at..];
            let length = if rest.starts_with("//") {
                rest.find(['\n', '\r']).unwrap_or(rest.len())
            } else {
                rest.find("*/").map_or(rest.len(), |end| end + 2)
            };
            return self.error(self.at, self.at + length, "comments are not allowed in JSON");
        }
        let found = self.text[self.at..].chars().next().unwrap_or_default();
        let message = match found {
            '\'' => format!("single-quoted strings are not allowed in JSON: expected {expected}"),
            _ => format!("unexpected `{}`: expected {expected}", found.escape_default()),
        };
        self.error(self.at, self.at + found.len_utf8(), message)
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// Adds a scalar's node. Offsets, lengths and indices fit: `parse` takes no text over
    /// `MAX_TEXT` bytes, and no value is shorter than its node count.
    #[inline]
    fn push(&mut self, kind: Kind, start: usize, end: usize) -> u32 {
        let index = self.nodes.len() as u32;
        self.nodes.push(Node {
            start: start as u32,
            kind_and_extent: ((kind as u32) << KIND_SHIFT) | (end - start) as u32,
        });
        index
    }

    /// Adds an array's or object's two nodes; `close` sets its extent and where it ends.
    fn push_container(&mut self, kind: Kind, start: usize) -> u32 {
        let index = self.push(kind, start, start);
        self.nodes.push(Node {
            start: start as u32,
            kind_and_extent: 0,
        });
        index
    }

    fn parse(mut self) -> Parsed<Tape<'s>> {
        if self.bytes.len() > MAX_TEXT {
            return Err(self.error(0, 0, "file is too large to check (over 512 MiB)"));
        }
        self.skip_whitespace();
        if self.at == self.bytes.len() {
            return Err(self.error(self.at, self.at, "file is empty: expected a JSON object"));
        }
        loop {
            self.value()?;
            // Close every container that ends here, then find the next value.
            loop {
                self.skip_whitespace();
                let Some(&(container, is_object)) = self.open.last() else {
                    if self.at < self.bytes.len() {
                        return Err(self.unexpected("the end of the file after the JSON value"));
                    }
                    return Ok(Tape {
                        text: self.text,
                        nodes: self.nodes,
                        scaled_numbers: self.scaled_numbers,
                    });
                };
                let close = if is_object { b'}' } else { b']' };
                match self.bytes.get(self.at) {
                    Some(b',') => {
                        let comma = self.at;
                        self.at += 1;
                        self.skip_whitespace();
                        if self.bytes.get(self.at) == Some(&close) {
                            return Err(self.error(comma, comma + 1, "trailing commas are not allowed in JSON"));
                        }
                        if is_object {
                            self.key()?;
                        }
                        break;
                    }
                    Some(&b) if b == close => {
                        self.at += 1;
                        self.close(container);
                    }
                    _ => {
                        return Err(self.unexpected(if is_object { "`,` or `}`" } else { "`,` or `]`" }));
                    }
                }
            }
        }
    }

    /// Ends the container at `index` just after the current byte.
    fn close(&mut self, index: u32) {
        let next = self.nodes.len() as u32;
        let node = &mut self.nodes[index as usize];
        node.kind_and_extent = (node.kind_and_extent & !INDEX_MASK) | next;
        self.nodes[index as usize + 1].start = self.at as u32;
        self.open.pop();
    }

    /// Parses one value; a container is left open (its first key read) unless it is empty.
    fn value(&mut self) -> Parsed<()> {
        let start = self.at;
        match self.bytes.get(self.at) {
            Some(b'{') | Some(b'[') => {
                let is_object = self.bytes[start] == b'{';
                if self.open.len() >= MAX_NESTING {
                    return Err(self.error(
                        start,
                        start + 1,
                        format!("maximum nesting depth ({MAX_NESTING} arrays and objects) exceeded"),
                    ));
                }
                let kind = if is_object { Kind::Object } else { Kind::Array };
                let index = self.push_container(kind, start);
                self.open.push((index, is_object));
                self.at += 1;
                self.skip_whitespace();
                let close = if is_object { b'}' } else { b']' };
                if self.bytes.get(self.at) == Some(&close) {
                    self.at += 1;
                    self.close(index);
                    Ok(())
                } else {
                    if is_object {
                        self.key()?;
                    }
                    self.value()
                }
            }
            Some(b'"') => self.string().map(drop),
            Some(b't') => self.literal("true", Kind::True),
            Some(b'f') => self.literal("false", Kind::False),
            Some(b'n') => self.literal("null", Kind::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected("a value")),
        }
    }

    /// Reads `"key":` and the whitespace after it.
    #[inline]
    fn key(&mut self) -> Parsed<()> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return Err(self.unexpected("a string key in double quotes"));
        }
        self.string()?;
        self.skip_whitespace();
        if self.bytes.get(self.at) != Some(&b':') {
            return Err(self.unexpected("`:` after the key"));
        }
        self.at += 1;
        self.skip_whitespace();
        Ok(())
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Parsed<()> {
        let start = self.at;
        let end = self.word_end();
        if &self.text[start..end] != word {
            return Err(self.error(
                start,
                end,
                format!("unexpected `{}`: expected a value", &self.text[start..end]),
            ));
        }
        self.at = end;
        self.push(kind, start, end);
        Ok(())
    }

    /// The end of the run of word characters from here (so an error spans the whole bad token).
    fn word_end(&self) -> usize {
        let mut end = self.at + 1;
        while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'+' | b'-') = self.bytes.get(end) {
            end += 1;
        }
        end
    }

    fn number(&mut self) -> Parsed<()> {
        let start = self.at;
        let digits = |p: &mut usize, bytes: &[u8]| {
            let from = *p;
            while bytes.get(*p).is_some_and(u8::is_ascii_digit) {
                *p += 1;
            }
            *p > from
        };
        let mut at = start;
        if self.bytes[at] == b'-' {
            at += 1;
        }
        let int_start = at;
        let mut scaled = false;
        let mut valid = digits(&mut at, self.bytes) && !(self.bytes[int_start] == b'0' && at - int_start > 1);
        if valid && self.bytes.get(at) == Some(&b'.') {
            at += 1;
            valid = digits(&mut at, self.bytes);
        }
        if valid && matches!(self.bytes.get(at), Some(b'e' | b'E')) {
            scaled = true;
            at += 1;
            if matches!(self.bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            valid = digits(&mut at, self.bytes);
        }
        let run_end = self.word_end().max(at);
        if !valid || run_end > at {
            let token = &self.text[start..run_end];
            return Err(self.error(start, run_end, format!("invalid number `{token}`")));
        }
        self.at = at;
        let index = self.push(Kind::Number, start, at);
        if scaled || at - int_start > 308 {
            self.scaled_numbers.push(index);
        }
        Ok(())
    }

    /// Reads a string from its opening quote; returns its node index. A string without escapes
    /// (nearly every one) is read here, inline; one with an escape, or a broken one, by
    /// `string_past_escapes`.
    #[inline(always)]
    fn string(&mut self) -> Parsed<u32> {
        let start = self.at;
        if let Some(offset) = string_stop(&self.bytes[start + 1..])
            && self.bytes[start + 1 + offset] == b'"'
        {
            self.at = start + offset + 2;
            return Ok(self.push(Kind::String, start, self.at));
        }
        self.string_past_escapes(start)
    }

    /// Reads a string that holds an escape or does not end well, from its opening quote at `start`.
    #[cold]
    #[inline(never)]
    fn string_past_escapes(&mut self, start: usize) -> Parsed<u32> {
        let mut at = start + 1;
        let mut escaped = false;
        loop {
            let Some(offset) = string_stop(&self.bytes[at..]) else {
                return Err(self.error(start, self.bytes.len(), "unterminated string"));
            };
            at += offset;
            match self.bytes[at] {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    at = self.escape(at)?;
                }
                _ => {
                    return Err(self.error(
                        at,
                        at + 1,
                        "control characters must be escaped in JSON strings (a line break ends no string)",
                    ));
                }
            }
        }
        self.at = at + 1;
        let kind = if escaped { Kind::EscapedString } else { Kind::String };
        Ok(self.push(kind, start, self.at))
    }

    /// Validates the escape at `at` (a backslash); returns where the string goes on.
    fn escape(&self, at: usize) -> Parsed<usize> {
        match self.bytes.get(at + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(at + 2),
            Some(b'u') => {
                let code = self.hex_escape(at)?;
                if (0xDC00..0xE000).contains(&code) {
                    return Err(self.error(at, at + 6, "lone low surrogate in a \\u escape"));
                }
                if !(0xD800..0xDC00).contains(&code) {
                    return Ok(at + 6);
                }
                let low = (self.bytes.get(at + 6) == Some(&b'\\') && self.bytes.get(at + 7) == Some(&b'u'))
                    .then(|| self.hex_escape(at + 6))
                    .transpose()?;
                match low {
                    Some(low) if (0xDC00..0xE000).contains(&low) => Ok(at + 12),
                    _ => Err(self.error(at, at + 6, "lone high surrogate in a \\u escape")),
                }
            }
            _ => {
                let end = (at + 2).min(self.bytes.len());
                let end = (end..=self.bytes.len())
                    .find(|&e| self.text.is_char_boundary(e))
                    .unwrap_or(end);
                Err(self.error(at, end, format!("invalid escape `{}` in a string", &self.text[at..end])))
            }
        }
    }

    /// The code unit of the `\uXXXX` escape at `at`.
    fn hex_escape(&self, at: usize) -> Parsed<u32> {
        let digits = self
            .bytes
            .get(at + 2..at + 6)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit));
        match digits {
            Some(d) => Ok(u32::from_str_radix(std::str::from_utf8(d).unwrap_or("0"), 16).unwrap_or(0)),
            None => Err(self.error(at, (at + 2).min(self.bytes.len()), "a \\u escape needs four hex digits")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Tape<'_> {
        Tape::parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.message))
    }

    #[test]
    fn values_keep_their_spans_and_order() {
        let text = r#"{"a": [1, -2.5e3, "x"], "b": {"c": null, "d": true}, "e": false}"#;
        let tape = parse(text);
        let root = tape.root().as_object().unwrap();
        let keys: Vec<_> = root.iter().map(|p| p.key().into_owned()).collect();
        assert_eq!(keys, ["a", "b", "e"]);
        let a = root.get("a").unwrap().value.as_array().unwrap();
        let items: Vec<_> = a.iter().map(Value::raw).collect();
        assert_eq!(items, ["1", "-2.5e3", "\"x\""]);
        assert_eq!(a.span(), Span::new(6, 22));
        let b = root.get("b").unwrap().value.as_object().unwrap();
        assert_eq!(b.get("d").unwrap().value.as_bool(), Some(true));
        assert_eq!(b.get("c").unwrap().value.kind(), Kind::Null);
        assert_eq!(root.get("e").unwrap().value.as_bool(), Some(false));
        assert!(root.get("z").is_none());
        assert_eq!(
            tape.root().to_json(),
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
    }

    #[test]
    fn escapes_are_decoded_when_read() {
        let tape = parse(r#"["a\"b\\c\/\n\u00e9\ud83d\ude00", "plain"]"#);
        let items: Vec<_> = tape.root().as_array().unwrap().iter().collect();
        assert_eq!(items[0].as_str().unwrap(), "a\"b\\c/\né😀");
        assert!(items[0].str_is("a\"b\\c/\né😀"));
        assert!(matches!(items[1].as_str().unwrap(), Cow::Borrowed("plain")));
    }

    #[test]
    fn empty_containers_and_nesting() {
        let tape = parse(" [ {}, [], [[]], {\"a\": {}} ] ");
        let items: Vec<_> = tape.root().as_array().unwrap().iter().collect();
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].as_object().unwrap().iter().count(), 0);
        assert!(items[1].as_array().unwrap().is_empty());
        assert_eq!(items[2].as_array().unwrap().len(), 1);
        assert_eq!(items[3].as_object().unwrap().iter().count(), 1);
        let spans: Vec<_> = items.iter().map(|v| v.raw()).collect();
        assert_eq!(spans, ["{}", "[]", "[[]]", "{\"a\": {}}"]);
        assert_eq!(tape.root().raw(), "[ {}, [], [[]], {\"a\": {}} ]");
    }

    #[test]
    fn strict_json_errors_point_at_the_fault() {
        for (text, at, needle) in [
            ("{\"a\": 1,}", 7, "trailing comma"),
            ("[1,]", 2, "trailing comma"),
            ("{\n  // c\n}", 4, "comments"),
            ("{'a': 1}", 1, "single-quoted"),
            ("{\"a\": 0x1}", 6, "invalid number `0x1`"),
            ("[01]", 1, "invalid number"),
            ("[1.]", 1, "invalid number"),
            ("[-]", 1, "invalid number"),
            ("[tru]", 1, "`tru`"),
            ("{\"a\" 1}", 5, "`:`"),
            ("{\"a\": 1 \"b\": 2}", 8, "`,` or `}`"),
            ("[\"a\nb\"]", 3, "control characters"),
            ("[\"\\x\"]", 2, "invalid escape"),
            ("[\"\\ud800\"]", 2, "lone high surrogate"),
            ("[\"\\u12\"]", 2, "four hex digits"),
            ("[\"abc", 1, "unterminated"),
            ("{} x", 3, "end of the file"),
            ("[1", 2, "unexpected end of file"),
            ("{\"a\": NaN}", 6, "expected a value"),
            ("  \n", 3, "file is empty"),
        ] {
            let err = Tape::parse(text).expect_err(text);
            assert_eq!(err.span.start(), at, "{text}: {}", err.message);
            assert!(err.message.contains(needle), "{text}: {}", err.message);
        }
    }

    #[test]
    fn nesting_is_bounded_without_recursion() {
        let ok = "[".repeat(MAX_NESTING) + &"]".repeat(MAX_NESTING);
        assert!(Tape::parse(&ok).is_ok());
        let deep = "[".repeat(200_000) + &"]".repeat(200_000);
        let err = Tape::parse(&deep).unwrap_err();
        assert!(err.message.contains("nesting"), "{}", err.message);
    }

    #[test]
    fn a_string_ends_at_the_first_quote_backslash_or_control_character_wherever_it_stands() {
        let naive = |bytes: &[u8]| bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
        // Every byte value at every place of a 19-byte run (two words and a tail), among plain
        // ASCII, among bytes above 0x7f, and after an earlier stop in the same word.
        for filler in [b'a', 0xff, 0x20, 0x7f] {
            for stop in 0..=255u8 {
                for at in 0..19 {
                    let mut bytes = vec![filler; 19];
                    bytes[at] = stop;
                    assert_eq!(string_stop(&bytes), naive(&bytes), "{filler:#x} {stop:#x} at {at}");
                    if at > 0 {
                        bytes[at - 1] = 0x1f;
                        assert_eq!(string_stop(&bytes), naive(&bytes), "{stop:#x} after 0x1f at {at}");
                    }
                }
            }
        }
    }

    #[test]
    fn keys_of_every_short_length_compare_byte_for_byte() {
        for n in 0..40 {
            let key: Vec<u8> = (0..n as u8).map(|i| b'a' + i % 26).collect();
            assert!(same_bytes(&key, &key.clone()), "length {n}");
            for at in 0..n {
                let mut other = key.clone();
                other[at] ^= 1;
                assert!(!same_bytes(&key, &other), "length {n}, byte {at}");
            }
            assert!(!same_bytes(&key, &key[..n.saturating_sub(1)]) || n == 0);
        }
    }
}
