//! A one-pass reader of plain, strict JSON for the loaders' fast paths: objects read key by key
//! into the caller's fields, strings without escapes, whole numbers written as digits alone. Anything
//! else is `None`, and the caller gives up: the tape and the loaders that report read the text.

use compact_str::CompactString;
use serde_json::Value as Json;

use crate::json::tape::{MAX_TEXT, string_stop, word_stop};
use crate::source::{Span, Spanned};

/// Where reading stands in a text.
pub(crate) struct Reader<'s> {
    text: &'s str,
    bytes: &'s [u8],
    at: usize,
}

/// Sets a field read for the first time; a repeated field, or a value that is not the field's,
/// is `None`.
pub(crate) fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

impl<'s> Reader<'s> {
    /// A reader at the start of `text`; `None` for a text too large for the tape (which says so).
    pub(crate) fn new(text: &'s str) -> Option<Self> {
        (text.len() <= MAX_TEXT).then_some(Reader {
            text,
            bytes: text.as_bytes(),
            at: 0,
        })
    }

    /// The text's length in bytes (to size lists from).
    pub(crate) fn text_len(&self) -> usize {
        self.text.len()
    }

    /// `value`, when nothing but whitespace follows what was read.
    pub(crate) fn end<T>(mut self, value: T) -> Option<T> {
        self.skip_whitespace();
        (self.at == self.bytes.len()).then_some(value)
    }

    fn skip_whitespace(&mut self) {
        // Counted in a local: written through `self`, the position was stored at every byte.
        let mut at = self.at;
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(at) {
            at += 1;
        }
        self.at = at;
    }

    /// The next byte after any whitespace, taken.
    fn next_byte(&mut self) -> Option<u8> {
        self.skip_whitespace();
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    /// An object, each key handed to `field` to read its value; the object's span.
    pub(crate) fn object(&mut self, mut field: impl FnMut(&mut Self, &'s str) -> Option<()>) -> Option<Span> {
        self.container(b'{', b'}', |reader| {
            let (key, _) = reader.string()?;
            (reader.next_byte()? == b':').then_some(())?;
            field(reader, key)
        })
    }

    /// An array, each item read by `item`; the array's span.
    pub(crate) fn array(&mut self, item: impl FnMut(&mut Self) -> Option<()>) -> Option<Span> {
        self.container(b'[', b']', item)
    }

    /// An object or array from `open` to `close`, each member read by `member`; its span.
    fn container(&mut self, open: u8, close: u8, mut member: impl FnMut(&mut Self) -> Option<()>) -> Option<Span> {
        self.skip_whitespace();
        let start = self.at;
        (self.next_byte()? == open).then_some(())?;
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&close) {
            self.at += 1;
            return Some(Span::new(start, self.at));
        }
        loop {
            member(self)?;
            match self.next_byte()? {
                b',' => {}
                byte if byte == close => return Some(Span::new(start, self.at)),
                _ => return None,
            }
        }
    }

    /// An array of items, each read by `item` and added to the list (built where it stays, not
    /// moved there), and the array's span; the list starts with `room` for items.
    pub(crate) fn list<T>(
        &mut self,
        room: usize,
        item: fn(&mut Self, &mut Vec<T>) -> Option<()>,
    ) -> Option<(Vec<T>, Span)> {
        let mut items = Vec::with_capacity(room);
        crate::huge_pages::advise(&items);
        let span = self.array(|reader| item(reader, &mut items))?;
        Some((items, span))
    }

    /// A string without escapes: its text and its span, quotes included.
    pub(crate) fn string(&mut self) -> Option<(&'s str, Span)> {
        self.skip_whitespace();
        let start = self.at;
        (self.bytes.get(start) == Some(&b'"')).then_some(())?;
        let body = start + 1;
        // Most strings (keys, ids) end within the eight bytes after the quote.
        let length = match self.bytes.get(body..body + 8).and_then(word_stop) {
            Some(length) => length,
            None => long_string_stop(&self.bytes[body..])?,
        };
        let stop = body + length;
        (self.bytes[stop] == b'"').then_some(())?;
        self.at = stop + 1;
        // Sliced as bytes: slicing the `str` checked both ends for character boundaries, 2% of the
        // whole check's CPU (docs/performance.md).
        debug_assert!(self.text.is_char_boundary(body) && self.text.is_char_boundary(stop));
        // SAFETY: `bytes` is the UTF-8 text, and `body` and `stop` stand next to quotes, which are
        // ASCII: both are boundaries of its characters, so the bytes between are UTF-8.
        let text = unsafe { std::str::from_utf8_unchecked(&self.bytes[body..stop]) };
        Some((text, Span::new(start, self.at)))
    }

    /// A non-empty string at its place (ids, names).
    pub(crate) fn id(&mut self) -> Option<Spanned<CompactString>> {
        let (text, span) = self.string().filter(|(text, _)| !text.is_empty())?;
        Some(Spanned::new(CompactString::from(text), span))
    }

    /// A whole number written as digits alone (no sign, fraction or exponent) that fits in 64 bits.
    pub(crate) fn integer(&mut self) -> Option<Spanned<u64>> {
        self.skip_whitespace();
        let start = self.at;
        let mut at = start;
        let mut value: u64 = 0;
        while let Some(&digit @ b'0'..=b'9') = self.bytes.get(at) {
            value = value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))?;
            at += 1;
        }
        let digits = at - start;
        if digits == 0 || (digits > 1 && self.bytes[start] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.bytes.get(at) {
            return None;
        }
        self.at = at;
        Some(Spanned::new(value, Span::new(start, at)))
    }

    /// `true` or `false`.
    pub(crate) fn boolean(&mut self) -> Option<bool> {
        match self.json(true)? {
            Json::Bool(value) => Some(value),
            _ => None,
        }
    }

    /// A value as serde_json data: a string, a whole number, `true`, `false`, `null`, or (unless
    /// `nested`) an array of those.
    pub(crate) fn json(&mut self, nested: bool) -> Option<Json> {
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
}

/// `string_stop` out of line: kept apart, the short strings' path needs fewer registers.
#[inline(never)]
fn long_string_stop(bytes: &[u8]) -> Option<usize> {
    string_stop(bytes)
}
