//! Snippet code (the SNIPPET action's `Data`): a parser for the subset cxone-flow simulates
//! (ASSIGN, IF/ELSE, SWITCH/CASE/DEFAULT, SELECT, FOR, FOREACH, WHILE, BREAK), located errors naming
//! what is outside it, and a bounded interpreter over `Variables`.

use std::ops::Range;

use super::expr::{Comparison, EvalError};
use super::value::Variables;

/// Parsed Snippet code.
#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    statements: Vec<Statement>,
}

/// One statement (private: callers go through `Snippet`'s methods).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Statement {}

/// Why Snippet code is not code cxone-flow can simulate; `span` is the byte range in the code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SnippetError {
    /// Not Snippet code at all (a missing `}`, a statement that does not start with a keyword or a
    /// variable…).
    #[error("{message} (bytes {}..{})", span.start, span.end)]
    Syntax { message: String, span: Range<usize> },
    /// A construct Snippet has that the simulation leaves out, named (`DYNAMIC`, `FUNCTION`,
    /// `ASSIGN to an object member`, `function "getrandom"`…).
    #[error("{construct} is outside the simulated subset (bytes {}..{})", span.start, span.end)]
    Unsupported { construct: String, span: Range<usize> },
}

impl SnippetError {
    /// The byte range the error is about.
    pub fn span(&self) -> Range<usize> {
        todo!()
    }
}

/// How much looping a run may do: the number of loop iterations, across all loops of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub iterations: u64,
}

impl Default for Budget {
    /// 10,000 iterations.
    fn default() -> Budget {
        Budget { iterations: 10_000 }
    }
}

/// How a run ended, as the SNIPPET action's branches tell it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Every statement ran: the action's Default branch.
    Completed,
    /// A statement failed: the rest did not run, `_ERR` holds `message`, the action takes its
    /// Error branch.
    Failed { message: String },
}

/// Why a run could not be simulated faithfully (the engine falls back to a mock).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    /// The loops ran more iterations than the budget allows; `span` is the loop that ran out.
    #[error("the loop ran over {iterations} iterations (bytes {}..{})", span.start, span.end)]
    BudgetExhausted { iterations: u64, span: Range<usize> },
}

/// Parses Snippet code.
pub fn parse(code: &str) -> Result<Snippet, SnippetError> {
    todo!()
}

impl Snippet {
    /// Runs the code over `variables` within `budget`. An evaluation error stops the run as Studio
    /// does: `_ERR` is set and the outcome is `Failed`.
    pub fn run(&self, variables: &mut Variables, budget: Budget) -> Result<Outcome, RunError> {
        todo!()
    }

    /// The variables the code reads before (or without) assigning them itself, in order, each once.
    pub fn variables_read(&self) -> Vec<String> {
        todo!()
    }

    /// The variables the code assigns, in order, each once.
    pub fn variables_assigned(&self) -> Vec<String> {
        todo!()
    }

    /// The comparisons of a variable with a literal in the code's conditions and SWITCH cases.
    pub fn comparisons(&self) -> Vec<Comparison> {
        todo!()
    }
}

/// The `_ERR` text of an evaluation error.
fn error_message(error: &EvalError) -> String {
    error.to_string()
}
