//! Typed reading of the spanned JSON tree: required and optional fields, with a finding for every
//! missing, mistyped, duplicated or unknown key, located at the key or value at fault.

use std::collections::HashSet;

use jsonc_parser::ast::{Array, Object, ObjectProp, Value};
use jsonc_parser::common::Ranged;

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
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::StringLit(_) => "a string",
        Value::NumberLit(_) => "a number",
        Value::BooleanLit(_) => "a boolean",
        Value::Object(_) => "an object",
        Value::Array(_) => "an array",
        Value::NullKeyword(_) => "null",
    }
}

/// The span of any JSON value.
pub fn span_of(value: &Value) -> Span {
    value.range().into()
}

/// Every number in the tree that no JSON reader can hold: it overflows a 64-bit float, so
/// JavaScript reads it as `Infinity` and serde_json refuses it. Walked without recursion.
pub fn out_of_range_numbers(root: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut stack = vec![root];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(object) => stack.extend(object.properties.iter().map(|p| &p.value)),
            Value::Array(array) => stack.extend(array.elements.iter()),
            Value::NumberLit(number) if number.value.parse::<f64>().is_ok_and(f64::is_infinite) => {
                findings.push(
                    Finding::new(
                        Rule::InvalidFieldValue,
                        span_of(value),
                        format!("the number {} is out of range for every JSON reader", number.value),
                    )
                    .with_help(
                        "JSON numbers must fit a 64-bit float (about ±1.8e308): CXone would refuse or mangle it",
                    ),
                );
            }
            _ => {}
        }
    }
    findings
}

/// A JSON value as `serde_json` data, for values the flow passes through untouched.
pub fn to_json(value: &Value) -> serde_json::Value {
    value.clone().into()
}

/// Reads one JSON object, remembering which keys were read so the rest can be reported as unknown.
pub struct ObjectReader<'a, 's, 'f> {
    object: &'a Object<'s>,
    what: String,
    rules: FieldRules,
    pub findings: &'f mut Vec<Finding>,
}

impl<'a, 's, 'f> ObjectReader<'a, 's, 'f> {
    /// Starts reading `object`, described as `what` in messages ("element \"menu_main\"").
    /// Duplicate keys are reported here, once, with the first occurrence as related.
    pub fn new(
        object: &'a Object<'s>,
        what: impl Into<String>,
        rules: FieldRules,
        findings: &'f mut Vec<Finding>,
    ) -> Self {
        let mut seen: HashSet<&str> = HashSet::with_capacity(object.properties.len());
        for prop in &object.properties {
            let key = prop.name.as_str();
            if !seen.insert(key) {
                let first = object.get(key).map(|p| name_span(p)).unwrap_or_default();
                findings.push(
                    Finding::new(
                        Rule::DuplicateKey,
                        name_span(prop),
                        format!("key `{key}` appears twice in this object"),
                    )
                    .with_related(first, "first occurrence")
                    .with_help("JSON readers disagree on which value wins; keep one"),
                );
            }
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
        Span::new(self.object.range.start, self.object.range.start + 1)
    }

    /// Renames the object in later messages (once its id is known).
    pub fn describe(&mut self, what: impl Into<String>) {
        self.what = what.into();
    }

    /// The value of a key, if present.
    pub fn get(&self, key: &str) -> Option<&'a Value<'s>> {
        self.object.get(key).map(|p| &p.value)
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
    pub fn report_invalid(&mut self, key: &str, value: &Value, expected: &str) {
        let finding = Finding::new(
            self.rules.invalid,
            span_of(value),
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
        read: impl Fn(&'a Value<'s>) -> Option<T>,
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
        self.field(key, required, "a string", |v| match v {
            Value::StringLit(s) => Some(Spanned::new(s.value.to_string(), s.range.into())),
            _ => None,
        })
    }

    /// A non-empty string field (ids, names).
    pub fn non_empty_string(&mut self, key: &str, required: bool) -> Option<Spanned<String>> {
        self.field(key, required, "a non-empty string", |v| match v {
            Value::StringLit(s) if !s.value.is_empty() => Some(Spanned::new(s.value.to_string(), s.range.into())),
            _ => None,
        })
    }

    /// A whole number of at least `min`.
    pub fn integer(&mut self, key: &str, required: bool, min: u64) -> Option<Spanned<u64>> {
        let expected = if min == 0 {
            "a non-negative integer".to_string()
        } else {
            format!("an integer of at least {min}")
        };
        self.field(key, required, &expected, |v| match v {
            Value::NumberLit(n) => whole_number(n.value)
                .filter(|&x| x >= min)
                .map(|x| Spanned::new(x, n.range.into())),
            _ => None,
        })
    }

    /// A boolean field.
    pub fn boolean(&mut self, key: &str, required: bool) -> Option<bool> {
        self.field(key, required, "a boolean", |v| match v {
            Value::BooleanLit(b) => Some(b.value),
            _ => None,
        })
    }

    /// An array field.
    pub fn array(&mut self, key: &str, required: bool) -> Option<&'a Array<'s>> {
        self.field(key, required, "an array", |v| v.as_array())
    }

    /// An object field.
    pub fn object(&mut self, key: &str, required: bool) -> Option<&'a Object<'s>> {
        self.field(key, required, "an object", |v| v.as_object())
    }

    /// Any JSON value.
    pub fn any(&mut self, key: &str, required: bool) -> Option<&'a Value<'s>> {
        self.field(key, required, "a value", Some)
    }

    /// Reports every key not in `allowed`; `hint` may add where the key belongs.
    pub fn finish(self, allowed: &[&str], hint: impl Fn(&str) -> Option<String>) {
        for prop in &self.object.properties {
            let key = prop.name.as_str();
            if allowed.contains(&key) {
                continue;
            }
            let mut finding = Finding::new(
                self.rules.unknown,
                name_span(prop),
                format!("{} has no field `{key}`", self.what),
            );
            finding.help = hint(key).or_else(|| closest(key, allowed).map(|c| format!("did you mean `{c}`?")));
            self.findings.push(finding);
        }
    }
}

/// A JSON number that is a whole, non-negative number: `2000`, and also `2000.0` or `2e3`, as JSON
/// Schema's `integer` accepts them. Beyond 2^53 only the exact integer form is taken.
fn whole_number(text: &str) -> Option<u64> {
    text.parse::<u64>().ok().or_else(|| {
        let x = text.parse::<f64>().ok()?;
        (x.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(&x)).then_some(x as u64)
    })
}

/// The span of a property's key.
pub fn name_span(prop: &ObjectProp) -> Span {
    prop.name.range().into()
}

/// A short description of a value for messages: its type, and the value itself when small.
pub fn describe_value(value: &Value) -> String {
    match value {
        Value::StringLit(s) if s.value.chars().count() <= 40 => format!("\"{}\"", s.value),
        Value::NumberLit(n) if n.value.len() <= 20 => n.value.to_string(),
        Value::BooleanLit(b) => b.value.to_string(),
        Value::NullKeyword(_) => "null".to_string(),
        other => {
            let text = to_json(other).to_string();
            if text.chars().count() <= 40 {
                format!("{} {text}", type_name(other))
            } else {
                type_name(other).to_string()
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
