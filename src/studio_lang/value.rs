//! Studio's values as its expressions and Snippet code see them: text or number (a datetime is
//! text, arrays are pipe-delimited text), Studio's comparison (numeric when both sides read as
//! numbers, else text) and the variables of one contact, their names case-insensitive.

use std::cmp::Ordering;

/// One value. Studio is loosely typed: every value can be read as text, and text that reads as a
/// number takes part in arithmetic and numeric comparison as that number.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text, also a datetime (Studio keeps datetimes as text) and an array (`"a|b|c"`).
    Text(String),
    /// A number (Studio's numbers are .NET decimals; this model uses `f64`).
    Number(f64),
    /// The result of a comparison or a logical operator.
    Bool(bool),
}

impl Value {
    /// The empty text: what a variable nobody assigned reads as.
    pub fn empty() -> Value {
        Value::Text(String::new())
    }

    /// The value as text: whole numbers without a decimal point (`2`), others as written
    /// (`2.5`), booleans `true`/`false`.
    pub fn to_text(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Number(number) => number_text(*number),
            Value::Bool(flag) => flag.to_string(),
        }
    }

    /// The value as a number when it reads as one (`" 42 "`, `-1.5`), else `None`.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(number) => Some(*number),
            Value::Text(text) => parse_number(text),
            Value::Bool(_) => None,
        }
    }

    /// The value as a condition: a boolean is itself, a number is true unless 0, the texts `true`
    /// and `false` (any case) and numeric text likewise; any other text is `None`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(flag) => Some(*flag),
            Value::Number(number) => Some(*number != 0.0),
            Value::Text(text) => {
                let text = text.trim();
                if text.eq_ignore_ascii_case("true") {
                    Some(true)
                } else if text.eq_ignore_ascii_case("false") {
                    Some(false)
                } else {
                    parse_number(text).map(|number| number != 0.0)
                }
            }
        }
    }

    /// The elements of the value read as a Studio array (pipe-delimited text); one element for a
    /// value with no `|`, none for the empty text.
    pub fn elements(&self) -> Vec<String> {
        let text = self.to_text();
        if text.is_empty() {
            return Vec::new();
        }
        text.split('|').map(str::to_owned).collect()
    }

    /// Studio's equality: numeric when both sides read as numbers (`"01" = 1`), else text, ignoring
    /// case (see docs/studio.md for the source).
    pub fn equals(&self, other: &Value) -> bool {
        self.compare(other) == Ordering::Equal
    }

    /// Studio's ordering for `<`, `>`, `<=`, `>=`: numeric when both sides read as numbers, else
    /// text, ignoring case.
    pub fn compare(&self, other: &Value) -> Ordering {
        match (self.as_number(), other.as_number()) {
            (Some(left), Some(right)) => left.total_cmp(&right),
            _ => {
                let left = self.to_text().to_lowercase();
                let right = other.to_text().to_lowercase();
                left.cmp(&right)
            }
        }
    }
}

/// A number as Studio shows it: whole numbers without a decimal point.
fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        // Whole and in range: exact as an integer (this also writes -0 as 0).
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}

/// Text that reads as a decimal number: optional sign, digits, optional fraction, surrounding
/// spaces allowed; nothing else (no exponent, no `inf`, no thousands separators).
fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    let well_formed =
        all_digits(whole) && fraction.is_none_or(|part| !part.is_empty() && all_digits(part)) && !whole.is_empty();
    if well_formed { text.parse().ok() } else { None }
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::Text(text.to_owned())
    }
}

impl From<f64> for Value {
    fn from(number: f64) -> Value {
        Value::Number(number)
    }
}

/// The variables Studio gives every call (compared ignoring case). Our own list: NICE's public help
/// pages we could read name `ANI` and `DNIS`; the others are the ones Studio scripts commonly read
/// without assigning. Names starting with `_` (`_ERR`, which a failing SNIPPET sets) are Studio's.
const CONTACT_VARIABLES: &[&str] = &["ani", "dnis", "contactid", "masterid", "busno", "skillno", "skillname"];

/// Whether Studio gives every call this variable: the contact's, seen by every script the call runs.
pub fn is_contact_variable(name: &str) -> bool {
    name.starts_with('_') || CONTACT_VARIABLES.iter().any(|p| p.eq_ignore_ascii_case(name))
}

/// The variables of one contact's script: names are case-insensitive (`ani` is `ANI`), each keeps
/// the spelling it was first assigned with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variables {
    entries: Vec<(String, Value)>,
}

impl Variables {
    /// No variables.
    pub fn new() -> Variables {
        Variables::default()
    }

    /// The value of `name` when it was assigned.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.position(name).map(|index| &self.entries[index].1)
    }

    /// The value of `name` as Studio reads it: the empty text when it was never assigned.
    pub fn read(&self, name: &str) -> Value {
        self.get(name).cloned().unwrap_or_else(Value::empty)
    }

    /// Assigns `value` to `name` (replacing the value under any spelling of the name).
    pub fn set(&mut self, name: &str, value: Value) {
        match self.position(name) {
            Some(index) => self.entries[index].1 = value,
            None => self.entries.push((name.to_owned(), value)),
        }
    }

    /// Forgets `name` (a FOREACH iterator after its loop).
    pub fn remove(&mut self, name: &str) {
        if let Some(index) = self.position(name) {
            self.entries.remove(index);
        }
    }

    /// Whether `name` was assigned.
    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|(known, _)| known.eq_ignore_ascii_case(name))
    }

    /// The variables in the order they were first assigned.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(name, value)| (name.as_str(), value))
    }
}

impl<N: AsRef<str>> FromIterator<(N, Value)> for Variables {
    fn from_iter<I: IntoIterator<Item = (N, Value)>>(pairs: I) -> Variables {
        let mut variables = Variables::new();
        for (name, value) in pairs {
            variables.set(name.as_ref(), value);
        }
        variables
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_from_text_with_spaces_and_signs_only() {
        assert_eq!(Value::from(" 42 ").as_number(), Some(42.0));
        assert_eq!(Value::from("-1.5").as_number(), Some(-1.5));
        assert_eq!(Value::from("+7").as_number(), Some(7.0));
        for not_a_number in ["", "abc", "1e3", "inf", "NaN", "1,000", "1.", ".5", "--1", "0x10"] {
            assert_eq!(Value::from(not_a_number).as_number(), None, "{not_a_number:?}");
        }
    }

    #[test]
    fn numbers_show_without_a_trailing_point() {
        assert_eq!(Value::Number(2.0).to_text(), "2");
        assert_eq!(Value::Number(-0.0).to_text(), "0");
        assert_eq!(Value::Number(2.5).to_text(), "2.5");
        assert_eq!(Value::Bool(true).to_text(), "true");
    }

    #[test]
    fn comparison_is_numeric_when_both_sides_are_numbers_else_text_ignoring_case() {
        assert!(Value::from("01").equals(&Value::Number(1.0)));
        assert!(Value::from("10").compare(&Value::from("9")).is_gt());
        assert!(Value::from("10a").compare(&Value::from("9")).is_lt());
        assert!(Value::from("Dog").equals(&Value::from("dog")));
        assert!(!Value::from("dog").equals(&Value::from("cat")));
    }

    #[test]
    fn conditions_accept_booleans_numbers_and_their_text() {
        assert_eq!(Value::from("TRUE").as_bool(), Some(true));
        assert_eq!(Value::from("false").as_bool(), Some(false));
        assert_eq!(Value::from("0").as_bool(), Some(false));
        assert_eq!(Value::Number(3.0).as_bool(), Some(true));
        assert_eq!(Value::from("maybe").as_bool(), None);
    }

    #[test]
    fn arrays_are_pipe_delimited_text() {
        assert_eq!(Value::from("Odin|Freya").elements(), ["Odin", "Freya"]);
        assert_eq!(Value::from("one").elements(), ["one"]);
        assert!(Value::empty().elements().is_empty());
    }

    #[test]
    fn variable_names_are_case_insensitive_and_unassigned_reads_empty() {
        let mut variables = Variables::new();
        variables.set("ANI", Value::from("5551234"));
        variables.set("ani", Value::from("5559999"));
        assert_eq!(variables.get("Ani"), Some(&Value::from("5559999")));
        assert_eq!(variables.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["ANI"]);
        assert_eq!(variables.read("DNIS"), Value::empty());
        assert!(!variables.contains("DNIS"));
        variables.remove("ANI");
        assert!(!variables.contains("ani"));
    }
}
