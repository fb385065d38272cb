//! CXF015 dead-end: a non-terminal element with no outgoing edge or routing rule.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, element) in cx.flow.elements.iter().enumerate() {
        // A duplicate id's later elements get no edges; duplicate-element-id reports them.
        let duplicate = cx.graph.ends.first_with_id[i] != i;
        if element.kind.is_terminal() || element.kind == ElementKind::Unknown || duplicate {
            continue;
        }
        if !cx.graph.out_edges[i].is_empty() || !cx.graph.rules_of[i].is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                Rule::DeadEnd,
                element.id.span,
                format!(
                    "{} has no way out: every call reaching it ends in an error",
                    cx.flow.describe_kind(element)
                ),
            )
            .with_help(cx.flow.word(
                "add an edge from it, or make it a terminal (queue, transfer, voicemail, hangup)",
                "add a branch from it, or end the call there (REQAGENT, HANGUP, END)",
            )),
        );
    }
}
