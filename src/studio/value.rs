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
        todo!()
    }

    /// The value as text: numbers without a trailing `.0` (`2`, `2.5`), booleans `True`/`False`.
    pub fn to_text(&self) -> String {
        todo!()
    }

    /// The value as a number when it reads as one (`" 42 "`, `-1.5`), else `None`.
    pub fn as_number(&self) -> Option<f64> {
        todo!()
    }

    /// The value as a condition: a boolean is itself, a number is true unless 0, the texts `true`
    /// and `false` (any case) and numeric text likewise; any other text is `None`.
    pub fn as_bool(&self) -> Option<bool> {
        todo!()
    }

    /// The elements of the value read as a Studio array (pipe-delimited text); one element for a
    /// value with no `|`, none for the empty text.
    pub fn elements(&self) -> Vec<String> {
        todo!()
    }

    /// Studio's equality: numeric when both sides read as numbers (`"01" = 1`), else text, ignoring
    /// case (see docs/studio.md for the source).
    pub fn equals(&self, other: &Value) -> bool {
        todo!()
    }

    /// Studio's ordering for `<`, `>`, `<=`, `>=`: numeric when both sides read as numbers, else
    /// text, ignoring case.
    pub fn compare(&self, other: &Value) -> Ordering {
        todo!()
    }
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
        todo!()
    }

    /// The value of `name` as Studio reads it: the empty text when it was never assigned.
    pub fn read(&self, name: &str) -> Value {
        todo!()
    }

    /// Assigns `value` to `name` (replacing the value under any spelling of the name).
    pub fn set(&mut self, name: &str, value: Value) {
        todo!()
    }

    /// Whether `name` was assigned.
    pub fn contains(&self, name: &str) -> bool {
        todo!()
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
