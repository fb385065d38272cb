//! CXF014 terminal-with-exit: a terminal element (queue, transfer, ...) has outgoing edges.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, element) in cx.flow.elements.iter().enumerate() {
        // A Studio REQAGENT's branches lead into its hold loop, which runs while the caller waits.
        let queue_with_hold = element.action.is_some() && element.kind == ElementKind::Queue;
        if !element.kind.is_terminal() || queue_with_hold {
            continue;
        }
        for &e in &cx.graph.out_edges[i] {
            let edge = &cx.flow.edges[e];
            out.push(
                Finding::new(
                    Rule::TerminalWithExit,
                    edge.from.span,
                    format!(
                        "{} leaves {}, which ends the call",
                        cx.flow.word("edge", "a branch"),
                        cx.flow.describe_kind(element)
                    ),
                )
                .with_related(
                    element.kind_span,
                    cx.flow.word("a terminal element", "an action that ends the call"),
                )
                .with_help(cx.flow.word(
                    "the edge can never be taken; remove it or change the element's type",
                    "the branch can never be taken; remove it",
                )),
            );
        }
    }
}
