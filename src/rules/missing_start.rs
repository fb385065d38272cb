//! CXF010 missing-start: the flow has no `start` element, so no call can enter it.

use super::Context;
use crate::diagnostic::Finding;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    if cx.graph.start.is_none() && !cx.flow.elements.is_empty() {
        out.push(
            Finding::new(
                Rule::MissingStart,
                cx.flow.elements_span,
                cx.flow
                    .word("the flow has no `start` element", "the script has no BEGIN action"),
            )
            .with_help(cx.flow.word(
                "add {\"id\": \"start\", \"type\": \"start\"} and an edge from it to the first element",
                "add a BEGIN action and a branch from it to the first action",
            )),
        );
    }
}
