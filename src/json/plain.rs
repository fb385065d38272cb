//! A one-pass reader of plain, strict JSON for the loaders' fast paths: objects read key by key
//! into the caller's fields, strings without escapes (or, where a caller asks, decoded by the tape),
//! whole numbers written as digits alone (or numbers as written, without an exponent), values the
//! caller does not read skipped whole. Anything else is `None`, and the caller gives up: the tape and
//! the loaders that report read the text.

use std::borrow::Cow;

use compact_str::CompactString;
use serde_json::Value as Json;

use crate::json::tape::{MAX_TEXT, Tape, string_end, string_stop, word_stop};
use crate::source::{Span, Spanned};

/// A string a reader expects to meet (a key, an element's kind), as its first sixteen bytes stand
/// in the text, quotes included, with a mask over them. Reading is bound by how soon each string's
/// end is known, and a scan for the closing quote makes every later read wait for it; a string
/// matched whole against the text ends where the match says, so reading goes on at once
/// (docs/performance.md).
#[derive(Clone, Copy)]
pub(crate) struct Known {
    text: &'static str,
    written: u128,
    mask: u128,
}

impl Known {
    /// A string of up to 14 bytes (16 with its quotes) without quotes, backslashes or control
    /// characters.
    pub(crate) const fn new(text: &'static str) -> Known {
        let bytes = text.as_bytes();
        assert!(bytes.len() <= 14, "up to 14 bytes");
        let mut written = b'"' as u128;
        let mut at = 0;
        while at < bytes.len() {
            assert!(
                bytes[at] != b'"' && bytes[at] != b'\\' && bytes[at] >= 0x20,
                "nothing to escape"
            );
            written |= (bytes[at] as u128) << (8 * (at + 1));
            at += 1;
        }
        written |= (b'"' as u128) << (8 * (bytes.len() + 1));
        let mask = if bytes.len() == 14 {
            u128::MAX
        } else {
            (1 << (8 * (bytes.len() + 2))) - 1
        };
        Known { text, written, mask }
    }

    /// Each of `texts` as `Known`, in their order.
    pub(crate) const fn all<const N: usize>(texts: [&'static str; N]) -> [Known; N] {
        let mut all = [Known::new(""); N];
        let mut at = 0;
        while at < N {
            all[at] = Known::new(texts[at]);
            at += 1;
        }
        all
    }
}

/// Past the spaces of a line's indentation from `at`, eight bytes at a glance: editors indent every
/// line. Not inlined: in each reader's loops it slowed the flows written without indentation.
#[inline(never)]
fn indentation_end(bytes: &[u8], mut at: usize) -> usize {
    while let Some(eight) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let other = u64::from_le_bytes(*eight) ^ u64::from_le_bytes([b' '; 8]);
        // The spaces before the first other byte (8 when all are spaces).
        let spaces = (other.trailing_zeros() / 8) as usize;
        at += spaces;
        if spaces < 8 {
            break;
        }
    }
    at
}

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
        while let Some(&byte @ (b' ' | b'\n' | b'\r' | b'\t')) = self.bytes.get(at) {
            at += 1;
            if byte == b'\n' {
                at = indentation_end(self.bytes, at);
            }
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
    pub(crate) fn object(&mut self, field: impl FnMut(&mut Self, &'s str) -> Option<()>) -> Option<Span> {
        self.object_of(&[], field)
    }

    /// An object whose keys are likely among `keys`, each key handed to `field` to read its value;
    /// the object's span.
    pub(crate) fn object_of(
        &mut self,
        keys: &[Known],
        mut field: impl FnMut(&mut Self, &'s str) -> Option<()>,
    ) -> Option<Span> {
        self.object_keyed(keys, |reader, key, _| field(reader, key))
    }

    /// [`Reader::object_of`], handing `field` each key's span (quotes included) too.
    pub(crate) fn object_keyed(
        &mut self,
        keys: &[Known],
        mut field: impl FnMut(&mut Self, &'s str, Span) -> Option<()>,
    ) -> Option<Span> {
        self.container(b'{', b'}', |reader| {
            let (key, span) = reader.string_among(keys)?;
            (reader.next_byte()? == b':').then_some(())?;
            field(reader, key, span)
        })
    }

    /// The next byte after any whitespace, not taken: what kind of value comes.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes.get(self.at).copied()
    }

    /// Any value, read past: objects (their keys unchecked for repeats) and arrays down to `depth`
    /// levels, strings, and what [`Reader::scalar`] reads.
    pub(crate) fn skip(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.decoded_string().map(drop),
            b'{' => self
                .object_of(&[], |reader, _| reader.skip(depth.checked_sub(1)?))
                .map(drop),
            b'[' => self.array(|reader| reader.skip(depth.checked_sub(1)?)).map(drop),
            _ => self.scalar().map(drop),
        }
    }

    /// A number, `true`, `false` or `null`, as written, and its span. A number has no exponent and
    /// at most `MAX_DIGITS` digits, so no float overflows on it.
    pub(crate) fn scalar(&mut self) -> Option<(&'s str, Span)> {
        /// Far below the 308 digits past which a number may overflow a float.
        const MAX_DIGITS: usize = 300;
        self.skip_whitespace();
        let start = self.at;
        let rest = &self.bytes[start..];
        let length = match *rest.first()? {
            b't' => rest.starts_with(b"true").then_some(4)?,
            b'f' => rest.starts_with(b"false").then_some(5)?,
            b'n' => rest.starts_with(b"null").then_some(4)?,
            _ => {
                let digits = |from: usize| rest[from..].iter().take_while(|b| b.is_ascii_digit()).count();
                let sign = usize::from(rest[0] == b'-');
                let whole = digits(sign);
                if whole == 0 || (whole > 1 && rest[sign] == b'0') {
                    return None;
                }
                let (mut length, mut fraction) = (sign + whole, 0);
                if rest.get(length) == Some(&b'.') {
                    fraction = digits(length + 1);
                    (fraction > 0).then_some(())?;
                    length += 1 + fraction;
                }
                if matches!(rest.get(length), Some(b'e' | b'E')) || whole + fraction > MAX_DIGITS {
                    return None;
                }
                length
            }
        };
        self.at = start + length;
        Some((&self.text[start..self.at], Span::new(start, self.at)))
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
        let span = self.array(|reader| item(reader, &mut items))?;
        Some((items, span))
    }

    /// A string without escapes, likely one of `likely`: its text and its span, quotes included.
    pub(crate) fn string_among(&mut self, likely: &[Known]) -> Option<(&'s str, Span)> {
        match self.known(likely) {
            Some(known) => Some(known),
            None => self.string(),
        }
    }

    /// The next string, taken when it is one of `likely`.
    fn known(&mut self, likely: &[Known]) -> Option<(&'static str, Span)> {
        self.skip_whitespace();
        let start = self.at;
        let word = u128::from_le_bytes(*self.bytes.get(start..)?.first_chunk::<16>()?);
        let known = likely.iter().find(|known| word & known.mask == known.written)?;
        self.at = start + known.text.len() + 2;
        Some((known.text, Span::new(start, self.at)))
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

    /// A string, decoded when it has escapes (the tape reads those, so they are checked as the
    /// tape checks them), and its span, quotes included.
    pub(crate) fn decoded_string(&mut self) -> Option<(Cow<'s, str>, Span)> {
        if let Some((text, span)) = self.string() {
            return Some((Cow::Borrowed(text), span));
        }
        let start = self.at;
        (self.bytes.get(start) == Some(&b'"')).then_some(())?;
        // Unclosed, the end is past the text; a control character inside fails the tape's parse.
        let at = string_end(self.bytes, start + 1);
        let written = self.text.get(start..=at)?;
        let text = Tape::parse(written).ok()?.root().as_str()?.into_owned();
        self.at = at + 1;
        Some((Cow::Owned(text), Span::new(start, self.at)))
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
        match self.peek()? {
            b'"' => Some(Json::String(self.string()?.0.to_owned())),
            b'0'..=b'9' => Some(Json::from(self.integer()?.value)),
            b't' | b'f' | b'n' => match self.scalar()?.0 {
                "true" => Some(Json::Bool(true)),
                "false" => Some(Json::Bool(false)),
                _ => Some(Json::Null),
            },
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

#[cfg(test)]
mod tests {
    use super::*;

    const LIKELY: [Known; 5] = Known::all(["prompt", "promptMs", "id", "", "abcdefghijklmn"]);

    /// A plain string is borrowed, an escaped one decoded as the tape decodes it; a string the tape
    /// would refuse (a control character, an unclosed quote, a bad escape) is `None`.
    #[test]
    fn a_string_with_escapes_is_decoded_or_refused_as_the_tape_does() {
        let read = |json: &str| {
            let mut reader = Reader::new(json).expect("small");
            reader
                .decoded_string()
                .map(|(text, span)| (text.into_owned(), span, reader.peek()))
        };
        assert_eq!(
            read(r#""plain", 1"#),
            Some(("plain".into(), Span::new(0, 7), Some(b',')))
        );
        assert_eq!(
            read(r#""a \"b\" \u00e9\\", 1"#),
            Some(("a \"b\" é\\".into(), Span::new(0, 18), Some(b',')))
        );
        for refused in ["\"a\\\"\u{1}\"", r#""a\"b"#, r#""a\q""#, "\"a\\", "\"a\\\""] {
            assert_eq!(read(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn whitespace_of_any_length_and_kind_is_skipped_to_the_next_value() {
        for spaces in 0..40 {
            for tail in ["", "\t", "\r\n ", "\n", " \t "] {
                for end in ["1", "\u{a0}", ""] {
                    let indented = format!("[\n{}{tail}{end}", " ".repeat(spaces));
                    let mut reader = Reader::new(&indented).unwrap();
                    assert_eq!(reader.next_byte(), Some(b'['));
                    assert_eq!(reader.peek(), end.bytes().next(), "{indented:?}");
                    assert_eq!(reader.at, indented.len() - end.len(), "{indented:?}");
                }
            }
        }
    }

    #[test]
    fn a_likely_string_reads_as_the_scan_reads_it() {
        let long_tail = "x".repeat(20);
        let strings = [
            "prompt",
            "promptMs",
            "promptM",
            "prompt ",
            "id",
            "i",
            "",
            "abcdefghijklmn",
            "abcdefghijklm",
            "abcdefghijklmno",
            "pr\\u006fmpt",
            "prompt\\\"",
            "é",
            "id\u{1}",
        ];
        for text in strings {
            for before in ["", " ", "\n\t "] {
                for after in ["", "\"", ":", ": 1", long_tail.as_str()] {
                    for quote in ["\"", ""] {
                        let json = format!("{before}\"{text}{quote}{after}");
                        let mut scanned = Reader::new(&json).expect("small");
                        let mut likely = Reader::new(&json).expect("small");
                        assert_eq!(likely.string_among(&LIKELY), scanned.string(), "{json:?}");
                        assert_eq!(likely.at, scanned.at, "{json:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_known_string_is_matched_by_its_quoted_bytes() {
        let json = "\"promptMs\": 1200, \"prompt\": \"p\"";
        let mut reader = Reader::new(json).expect("small");
        assert_eq!(reader.known(&LIKELY), Some(("promptMs", Span::new(0, 10))));
        // Fewer than sixteen bytes from here on: left to the scan.
        reader.at = json.find("\"prompt\"").expect("there");
        assert_eq!(reader.known(&LIKELY), None);
        assert_eq!(reader.string_among(&LIKELY).map(|(text, _)| text), Some("prompt"));
    }
}
