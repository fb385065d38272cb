//! Studio's expressions (the IF action's `Expression`, ASSIGN's `Value`, the conditions and values
//! in Snippet code): a parser for the subset cxone-flow simulates, located errors naming what is
//! outside it, evaluation over `Variables`, and the facts rules and case generation read (the
//! variables an expression reads, its comparisons of a variable with a literal).

use std::ops::Range;

use super::value::{Value, Variables};

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    node: Node,
}

/// The parsed form (private: callers go through `Expr`'s methods).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Literal(Value),
}

/// Why a text is not an expression cxone-flow can simulate; `span` is the byte range in the text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExprError {
    /// Not an expression at all (an unexpected character, an unclosed quote or parenthesis…).
    #[error("{message} (bytes {}..{})", span.start, span.end)]
    Syntax { message: String, span: Range<usize> },
    /// A construct Studio has that the simulation leaves out, named (`function "getrandom"`,
    /// `object member ".name"`…).
    #[error("{construct} is outside the simulated subset (bytes {}..{})", span.start, span.end)]
    Unsupported { construct: String, span: Range<usize> },
}

impl ExprError {
    /// The byte range the error is about.
    pub fn span(&self) -> Range<usize> {
        todo!()
    }
}

/// Why evaluating a parsed expression failed; `span` is the byte range in the expression's text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    /// A value that is not a number where arithmetic needs one (`"abc" * 2`).
    #[error("{value:?} is not a number (bytes {}..{})", span.start, span.end)]
    NotANumber { value: String, span: Range<usize> },
    /// A condition whose value is neither true nor false (`IF "abc"`).
    #[error("{value:?} is not true or false (bytes {}..{})", span.start, span.end)]
    NotACondition { value: String, span: Range<usize> },
    /// Division or remainder by zero.
    #[error("division by zero (bytes {}..{})", span.start, span.end)]
    DivisionByZero { span: Range<usize> },
    /// A function given arguments it cannot take (`left("abc", "x")`).
    #[error("{function}: {message} (bytes {}..{})", span.start, span.end)]
    BadArgument { function: String, message: String, span: Range<usize> },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// A comparison of a variable (or an element of one, `x[2]` names `x`) with a literal, as written
/// (`ANI = "555"`, `5 < count` is `count > 5`): the classes case generation picks values from.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub variable: String,
    pub op: CompareOp,
    pub literal: Value,
}

/// The ASSIGN action's `Type` property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignType {
    /// `Value` is text with `{var}` substitution.
    String,
    /// `Value` is an expression evaluated to a number (`1+1` is 2).
    Numeric,
    /// `Value` is a datetime kept as text after `{var}` substitution.
    Datetime,
}

impl AssignType {
    /// The type a `Type` property names (`String`, `Numeric`, `Datetime`, any case); `None` for
    /// anything else.
    pub fn from_property(text: &str) -> Option<AssignType> {
        todo!()
    }
}

/// Parses an expression.
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    todo!()
}

impl Expr {
    /// The value of the expression given `variables` (an unassigned variable reads as the empty
    /// text).
    pub fn eval(&self, variables: &Variables) -> Result<Value, EvalError> {
        todo!()
    }

    /// The expression as a condition (the IF action's `Expression`): true or false, or an error
    /// when its value is neither.
    pub fn is_true(&self, variables: &Variables) -> Result<bool, EvalError> {
        todo!()
    }

    /// The names of the variables the expression reads, in order of first appearance, each once
    /// (case-insensitively), as first written.
    pub fn variables(&self) -> Vec<String> {
        todo!()
    }

    /// The comparisons of a variable with a literal anywhere in the expression.
    pub fn comparisons(&self) -> Vec<Comparison> {
        todo!()
    }
}

/// Replaces each `{name}` (or `{name[index]}`) in `text` with the variable's value as text (the
/// empty text when unassigned); `{{`/`}}` are not escapes in Studio and are left to the error.
pub fn substitute(text: &str, variables: &Variables) -> Result<String, ExprError> {
    todo!()
}

/// The variables a text's `{name}` substitutions read, in order, each once.
pub fn substituted_variables(text: &str) -> Vec<String> {
    todo!()
}

/// The value the ASSIGN action stores: its `Value` property read as its `Type` says.
pub fn assign_value(
    text: &str,
    kind: AssignType,
    variables: &Variables,
) -> Result<Value, AssignError> {
    todo!()
}

/// Why an ASSIGN action's value could not be worked out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssignError {
    #[error(transparent)]
    Parse(#[from] ExprError),
    #[error(transparent)]
    Eval(#[from] EvalError),
}
