//! Renderers: each turns the one `CheckReport` into one output format.

pub mod annotations;
pub mod diagram;
pub mod dot;
pub mod files;
pub mod human;
pub mod json;
pub mod junit;
pub mod mermaid;
pub mod outputs;
pub mod release;
pub mod sarif;
pub mod summary;
pub mod trace;

use std::fmt::Write;

use crate::check::CaseResult;
use crate::printable::shown;

/// A failing case's full explanation: every failure, where in the flow it happened, and the paths,
/// what the files said shown as data ([`crate::printable`]).
/// Shared by the human output and the JUnit failure body.
pub fn explain_case(case: &CaseResult, flow_path: &str) -> String {
    let mut out = String::new();
    for failure in &case.failures {
        let _ = writeln!(out, "- {}", shown(&failure.message));
        if let Some(at) = failure.flow_location {
            let _ = writeln!(out, "    --> {}:{}:{}", shown(flow_path), at.line, at.column);
        }
        for line in &failure.detail {
            let _ = writeln!(out, "    {}", shown(line));
        }
    }
    out
}

/// A case failure's one-line summary: the first failure, and how many more.
pub fn case_headline(case: &CaseResult) -> String {
    match case.failures.as_slice() {
        [] => String::new(),
        [only] => only.message.clone(),
        [first, rest @ ..] => format!("{} (and {} more)", first.message, rest.len()),
    }
}
