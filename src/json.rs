//! Typed reading of the spanned JSON tape: required and optional fields, with a finding for every
//! missing, mistyped, duplicated or unknown key, located at the key or value at fault.

pub mod plain;
pub mod pretty;
pub mod tape;

use std::borrow::Cow;
use std::collections::HashSet;
use std::collections::hash_map::Entry;

use compact_str::CompactString;
use rustc_hash::FxHashMap;
pub use tape::{Array, Kind, Object, Property, Table, Tape, Value};

use crate::diagnostic::Finding;
use crate::registry::Rule;
use crate::source::{Span, Spanned};

/// Which rule reports which kind of field problem (flows and test files use different codes).
#[derive(Debug, Clone, Copy)]
pub struct FieldRules {
    pub missing: Rule,
    pub invalid: Rule,
    pub unknown: Rule,
}

/// The JSON type name of a value, for messages.
pub fn type_name(value: Value) -> &'static str {
    match value.kind() {
        Kind::String | Kind::EscapedString => "a string",
        Kind::Number => "a number",
        Kind::True | Kind::False => "a boolean",
        Kind::Object => "an object",
        Kind::Array => "an array",
        Kind::Null => "null",
    }
}

/// Every number in the text that no JSON reader can hold: it overflows a 64-bit float, so
/// JavaScript reads it as `Infinity` and serde_json refuses it.
pub fn out_of_range_numbers(tape: &Tape) -> Vec<Finding> {
    tape.scaled_numbers()
        .filter(|v| v.raw().parse::<f64>().is_ok_and(f64::is_infinite))
        .map(|value| {
            Finding::new(
                Rule::InvalidFieldValue,
                value.span(),
                format!("the number {} is out of range for every JSON reader", value.raw()),
            )
            .with_help("JSON numbers must fit a 64-bit float (about ±1.8e308): CXone would refuse or mangle it")
        })
        .collect()
}

/// How a string value of the document names an object in messages.
#[derive(Clone, Copy)]
enum Named<'t, 's> {
    /// `element "menu_main"`.
    Quoted(&'static str, Value<'t, 's>),
    /// `action 12`.
    After(&'static str, Value<'t, 's>),
}

/// Reads one JSON object, remembering which keys were read so the rest can be reported as unknown.
pub struct ObjectReader<'t, 's, 'f> {
    table: Table<'t, 's>,
    what: Cow<'static, str>,
    /// How a string value names this object, written out only when a message needs it.
    named: Option<Named<'t, 's>>,
    /// Which properties of the table a field read has taken.
    read: u32,
    rules: FieldRules,
    pub findings: &'f mut Vec<Finding>,
}

impl<'t, 's, 'f> ObjectReader<'t, 's, 'f> {
    /// Starts reading `object`, described as `what` in messages ("element \"menu_main\"").
    /// Duplicate keys are reported here, once, with the first occurrence as related.
    pub fn new(
        object: Object<'t, 's>,
        what: impl Into<Cow<'static, str>>,
        rules: FieldRules,
        findings: &'f mut Vec<Finding>,
    ) -> Self {
        let table = object.table();
        for (prop, first) in duplicate_keys(&table) {
            let key = prop.key();
            findings.push(
                Finding::new(
                    Rule::DuplicateKey,
                    prop.name.span(),
                    format!("key `{key}` appears twice in this object"),
                )
                .with_related(first.name.span(), "first occurrence")
                .with_help("JSON readers disagree on which value wins; keep one"),
            );
        }
        ObjectReader {
            table,
            what: what.into(),
            named: None,
            read: 0,
            rules,
            findings,
        }
    }

    /// The span of the object's opening brace, where a missing field is reported.
    pub fn open_brace(&self) -> Span {
        let start = self.table.object().span().start();
        Span::new(start, start + 1)
    }

    /// Renames the object in later messages (once its id is known).
    pub fn describe(&mut self, what: impl Into<Cow<'static, str>>) {
        self.what = what.into();
        self.named = None;
    }

    /// Renames the object in later messages as `kind "name"`, `name` being a string value of it.
    pub fn describe_by(&mut self, kind: &'static str, name: Value<'t, 's>) {
        self.named = Some(Named::Quoted(kind, name));
    }

    /// Renames the object in later messages as `prefix` and then `name`, a string value (or key)
    /// of the script: `action 12`.
    pub fn describe_after(&mut self, prefix: &'static str, name: Value<'t, 's>) {
        self.named = Some(Named::After(prefix, name));
    }

    /// How messages call the object.
    fn what(&self) -> Cow<'_, str> {
        match self.named {
            Some(Named::Quoted(kind, name)) => format!("{kind} \"{}\"", name.as_str().unwrap_or_default()).into(),
            Some(Named::After(prefix, name)) => format!("{prefix}{}", name.as_str().unwrap_or_default()).into(),
            None => Cow::Borrowed(&self.what),
        }
    }

    /// Whether the object has a key (without reading it).
    pub fn has(&self, key: &str) -> bool {
        self.table.lookup(key).is_some()
    }

    /// The value of a key, if present; the key counts as read.
    #[inline]
    pub fn get(&mut self, key: &str) -> Option<Value<'t, 's>> {
        let (position, property) = self.table.lookup(key)?;
        if let Some(position) = position {
            self.read |= 1 << position;
        }
        Some(property.value)
    }

    /// Reports that a required field is absent.
    pub fn report_missing(&mut self, key: &str, expected: &str) {
        let finding = Finding::new(
            self.rules.missing,
            self.open_brace(),
            format!("{} has no `{key}` field ({expected} required)", self.what()),
        );
        self.findings.push(finding);
    }

    /// Reports a present field whose value is not what it must be.
    pub fn report_invalid(&mut self, key: &str, value: Value, expected: &str) {
        let finding = Finding::new(
            self.rules.invalid,
            value.span(),
            format!(
                "`{key}` of {} must be {expected}, found {}",
                self.what(),
                describe_value(value)
            ),
        );
        self.findings.push(finding);
    }

    #[inline]
    fn field<T>(
        &mut self,
        key: &str,
        required: bool,
        expected: &str,
        read: impl Fn(Value<'t, 's>) -> Option<T>,
    ) -> Option<T> {
        match self.get(key) {
            None => {
                if required {
                    self.report_missing(key, expected);
                }
                None
            }
            Some(value) => {
                let read = read(value);
                if read.is_none() {
                    self.report_invalid(key, value, expected);
                }
                read
            }
        }
    }

    /// A string field (short strings are kept inline, without an allocation).
    #[inline]
    pub fn string(&mut self, key: &str, required: bool) -> Option<Spanned<CompactString>> {
        self.field(key, required, "a string", string_value)
    }

    /// A label: a string, or a number read as its text as written (`0` is `"0"`).
    #[inline]
    pub fn label(&mut self, key: &str, required: bool) -> Option<Spanned<CompactString>> {
        self.field(key, required, "a string or a number", label_value)
    }

    /// A non-empty string field (ids, names).
    #[inline]
    pub fn non_empty_string(&mut self, key: &str, required: bool) -> Option<Spanned<CompactString>> {
        self.field(key, required, "a non-empty string", non_empty_string_value)
    }

    /// A whole number of at least `min`.
    #[inline]
    pub fn integer(&mut self, key: &str, required: bool, min: u64) -> Option<Spanned<u64>> {
        let expected = if min == 0 {
            "a non-negative integer".to_string()
        } else {
            format!("an integer of at least {min}")
        };
        self.field(key, required, &expected, |v| integer_value(v, min))
    }

    /// A boolean field.
    #[inline]
    pub fn boolean(&mut self, key: &str, required: bool) -> Option<bool> {
        self.field(key, required, "a boolean", Value::as_bool)
    }

    /// An array field.
    #[inline]
    pub fn array(&mut self, key: &str, required: bool) -> Option<Array<'t, 's>> {
        self.field(key, required, "an array", Value::as_array)
    }

    /// An object field.
    #[inline]
    pub fn object(&mut self, key: &str, required: bool) -> Option<Object<'t, 's>> {
        self.field(key, required, "an object", Value::as_object)
    }

    /// Any JSON value.
    #[inline]
    pub fn any(&mut self, key: &str, required: bool) -> Option<Value<'t, 's>> {
        self.field(key, required, "a value", Some)
    }

    /// Reports every key not in `allowed`; `hint` may add where the key belongs. Hands the
    /// findings back.
    pub fn finish(self, allowed: &[&str], hint: impl Fn(&str) -> Option<String>) -> &'f mut Vec<Finding> {
        let every_key_read = self.table.is_complete() && self.read.count_ones() as usize == self.table.len();
        if every_key_read {
            return self.findings;
        }
        for (index, prop) in self.table.object().iter().enumerate() {
            let taken = index < self.table.len() && self.read & (1 << index) != 0;
            if taken || allowed.iter().any(|a| prop.name.str_is(a)) {
                continue;
            }
            let key = prop.key();
            let mut finding = Finding::new(
                self.rules.unknown,
                prop.name.span(),
                format!("{} has no field `{key}`", self.what()),
            );
            finding.help = hint(&key).or_else(|| closest(&key, allowed).map(|c| format!("did you mean `{c}`?")));
            self.findings.push(finding);
        }
        self.findings
    }
}

/// A string value at its place (short strings are kept inline, without an allocation).
#[inline]
pub fn string_value(value: Value) -> Option<Spanned<CompactString>> {
    value.to_compact().map(|s| Spanned::new(s, value.span()))
}

/// A string value, or a number's text as written, at its place.
#[inline]
pub fn label_value(value: Value) -> Option<Spanned<CompactString>> {
    match value.as_number() {
        Some(number) => Some(Spanned::new(CompactString::from(number), value.span())),
        None => string_value(value),
    }
}

/// Whether a value is a string (and, when `non_empty`, not `""`), without reading its text: a
/// string with an escape is never empty.
#[inline]
pub fn is_string(value: Value, non_empty: bool) -> bool {
    match value.kind() {
        Kind::String => !non_empty || value.span().end() - value.span().start() > 2,
        Kind::EscapedString => true,
        _ => false,
    }
}

/// A non-empty string value at its place (ids, names).
#[inline]
pub fn non_empty_string_value(value: Value) -> Option<Spanned<CompactString>> {
    string_value(value).filter(|s| !s.value.is_empty())
}

/// A whole number of at least `min` at its place.
#[inline]
pub fn integer_value(value: Value, min: u64) -> Option<Spanned<u64>> {
    value
        .as_number()
        .and_then(whole_number)
        .filter(|&x| x >= min)
        .map(|x| Spanned::new(x, value.span()))
}

/// Each property whose key an earlier property of the object already has, with that first one.
/// Small objects (every element, edge and case) are searched pair by pair in their table.
fn duplicate_keys<'t, 's>(table: &Table<'t, 's>) -> Vec<(Property<'t, 's>, Property<'t, 's>)> {
    let mut found = Vec::new();
    if table.is_complete() && !table.may_repeat() {
        return found;
    }
    if table.is_complete() {
        for later in (1..table.len()).filter(|&later| table.may_repeat_at(later)) {
            if let Some(first) = (0..later).find(|&first| table.same_key(first, later)) {
                found.push((table.property(later), table.property(first)));
            }
        }
        return found;
    }
    let object = table.object();
    // Keys written without escapes are the same key exactly when they are the same text: a map of
    // them, hashed fast, without decoding or allocating a key.
    if object.iter().all(|p| p.name.kind() == Kind::String) {
        let mut first_of: FxHashMap<&str, Property> = FxHashMap::default();
        for prop in object.iter() {
            match first_of.entry(prop.name.raw()) {
                Entry::Occupied(first) => found.push((prop, *first.get())),
                Entry::Vacant(slot) => {
                    slot.insert(prop);
                }
            }
        }
        return found;
    }
    let mut seen = HashSet::new();
    for (i, prop) in object.iter().enumerate() {
        if !seen.insert(prop.key()) {
            let first = object.iter().take(i).find(|p| p.key() == prop.key());
            found.extend(first.map(|first| (prop, first)));
        }
    }
    found
}

/// A JSON number that is a whole, non-negative number: `2000`, and also `2000.0` or `2e3`, as JSON
/// Schema's `integer` accepts them. Beyond 2^53 only the exact integer form is taken.
fn whole_number(text: &str) -> Option<u64> {
    text.parse::<u64>().ok().or_else(|| {
        let x = text.parse::<f64>().ok()?;
        (x.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(&x)).then_some(x as u64)
    })
}

/// A short description of a value for messages: its type, and the value itself when small.
pub fn describe_value(value: Value) -> String {
    match value.kind() {
        Kind::String | Kind::EscapedString if value.as_str().is_some_and(|s| s.chars().count() <= 40) => {
            format!("\"{}\"", value.as_str().unwrap_or_default())
        }
        Kind::Number if value.raw().len() <= 20 => value.raw().to_string(),
        Kind::True | Kind::False | Kind::Null => value.raw().to_string(),
        _ => {
            let text = value.to_json().to_string();
            if text.chars().count() <= 40 {
                format!("{} {text}", type_name(value))
            } else {
                type_name(value).to_string()
            }
        }
    }
}

/// The allowed key closest to a misspelt one, when close enough to be a likely typo.
pub fn closest<'k>(key: &str, allowed: &[&'k str]) -> Option<&'k str> {
    let key = key.to_ascii_lowercase();
    allowed
        .iter()
        .map(|&candidate| (strsim::levenshtein(&key, &candidate.to_ascii_lowercase()), candidate))
        .filter(|&(distance, candidate)| distance <= (candidate.len() / 3).max(1))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_follow_json_schema_integer() {
        assert_eq!(whole_number("2000"), Some(2000));
        assert_eq!(whole_number("2000.0"), Some(2000));
        assert_eq!(whole_number("2e3"), Some(2000));
        assert_eq!(whole_number("2000.5"), None);
        assert_eq!(whole_number("-1"), None);
        assert_eq!(whole_number("18446744073709551615"), Some(u64::MAX));
        assert_eq!(whole_number("1e300"), None);
    }

    #[test]
    fn typos_suggest_the_nearest_field() {
        assert_eq!(closest("promtMs", &["prompt", "promptMs"]), Some("promptMs"));
        assert_eq!(closest("finalelement", &["finalElement", "path"]), Some("finalElement"));
        assert_eq!(closest("colour", &["id", "type"]), None);
    }
}
