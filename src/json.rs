//! Typed reading of the spanned JSON tape: required and optional fields, with a finding for every
//! missing, mistyped, duplicated or unknown key, located at the key or value at fault.

pub mod tape;

use std::collections::HashSet;

pub use tape::{Array, Kind, Object, Property, Tape, Value};

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
pub fn out_of_range_numbers(root: Value) -> Vec<Finding> {
    root.descendants()
        .filter(|v| v.as_number().is_some_and(|n| n.parse::<f64>().is_ok_and(f64::is_infinite)))
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

/// Reads one JSON object, remembering which keys were read so the rest can be reported as unknown.
pub struct ObjectReader<'t, 's, 'f> {
    object: Object<'t, 's>,
    what: String,
    rules: FieldRules,
    pub findings: &'f mut Vec<Finding>,
}

/// Objects up to this many keys are searched for duplicates pair by pair, without a set.
const SMALL_OBJECT: usize = 24;

impl<'t, 's, 'f> ObjectReader<'t, 's, 'f> {
    /// Starts reading `object`, described as `what` in messages ("element \"menu_main\"").
    /// Duplicate keys are reported here, once, with the first occurrence as related.
    pub fn new(object: Object<'t, 's>, what: impl Into<String>, rules: FieldRules, findings: &'f mut Vec<Finding>) -> Self {
        for (prop, first) in duplicate_keys(object) {
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
            object,
            what: what.into(),
            rules,
            findings,
        }
    }

    /// The span of the object's opening brace, where a missing field is reported.
    pub fn open_brace(&self) -> Span {
        let start = self.object.span().start;
        Span::new(start, start + 1)
    }

    /// Renames the object in later messages (once its id is known).
    pub fn describe(&mut self, what: impl Into<String>) {
        self.what = what.into();
    }

    /// The value of a key, if present.
    pub fn get(&self, key: &str) -> Option<Value<'t, 's>> {
        self.object.get(key).map(|p| p.value)
    }

    /// Reports that a required field is absent.
    pub fn report_missing(&mut self, key: &str, expected: &str) {
        let finding = Finding::new(
            self.rules.missing,
            self.open_brace(),
            format!("{} has no `{key}` field ({expected} required)", self.what),
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
                self.what,
                describe_value(value)
            ),
        );
        self.findings.push(finding);
    }

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

    /// A string field.
    pub fn string(&mut self, key: &str, required: bool) -> Option<Spanned<String>> {
        self.field(key, required, "a string", |v| {
            v.as_str().map(|s| Spanned::new(s.into_owned(), v.span()))
        })
    }

    /// A non-empty string field (ids, names).
    pub fn non_empty_string(&mut self, key: &str, required: bool) -> Option<Spanned<String>> {
        self.field(key, required, "a non-empty string", |v| {
            v.as_str().filter(|s| !s.is_empty()).map(|s| Spanned::new(s.into_owned(), v.span()))
        })
    }

    /// A whole number of at least `min`.
    pub fn integer(&mut self, key: &str, required: bool, min: u64) -> Option<Spanned<u64>> {
        let expected = if min == 0 {
            "a non-negative integer".to_string()
        } else {
            format!("an integer of at least {min}")
        };
        self.field(key, required, &expected, |v| {
            v.as_number()
                .and_then(whole_number)
                .filter(|&x| x >= min)
                .map(|x| Spanned::new(x, v.span()))
        })
    }

    /// A boolean field.
    pub fn boolean(&mut self, key: &str, required: bool) -> Option<bool> {
        self.field(key, required, "a boolean", Value::as_bool)
    }

    /// An array field.
    pub fn array(&mut self, key: &str, required: bool) -> Option<Array<'t, 's>> {
        self.field(key, required, "an array", Value::as_array)
    }

    /// An object field.
    pub fn object(&mut self, key: &str, required: bool) -> Option<Object<'t, 's>> {
        self.field(key, required, "an object", Value::as_object)
    }

    /// Any JSON value.
    pub fn any(&mut self, key: &str, required: bool) -> Option<Value<'t, 's>> {
        self.field(key, required, "a value", Some)
    }

    /// Reports every key not in `allowed`; `hint` may add where the key belongs.
    pub fn finish(self, allowed: &[&str], hint: impl Fn(&str) -> Option<String>) {
        for prop in self.object.iter() {
            if allowed.iter().any(|a| prop.name.str_is(a)) {
                continue;
            }
            let key = prop.key();
            let mut finding = Finding::new(
                self.rules.unknown,
                prop.name.span(),
                format!("{} has no field `{key}`", self.what),
            );
            finding.help = hint(&key).or_else(|| closest(&key, allowed).map(|c| format!("did you mean `{c}`?")));
            self.findings.push(finding);
        }
    }
}

/// Each property whose key an earlier property of the object already has, with that first one.
/// Small objects (every element, edge and case) are searched pair by pair, without allocating.
fn duplicate_keys<'t, 's>(object: Object<'t, 's>) -> Vec<(Property<'t, 's>, Property<'t, 's>)> {
    let same = |a: &Property, b: &Property| match (a.name.kind(), b.name.kind()) {
        (Kind::String, Kind::String) => a.name.raw() == b.name.raw(),
        _ => a.key() == b.key(),
    };
    let first_of = |i: usize, prop: &Property| object.iter().take(i).find(|p| same(p, prop));
    let mut found = Vec::new();
    if object.iter().nth(SMALL_OBJECT).is_none() {
        for (i, prop) in object.iter().enumerate() {
            found.extend(first_of(i, &prop).map(|first| (prop, first)));
        }
        return found;
    }
    let mut seen = HashSet::new();
    for (i, prop) in object.iter().enumerate() {
        if !seen.insert(prop.key()) {
            found.extend(first_of(i, &prop).map(|first| (prop, first)));
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
