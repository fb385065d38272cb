//! CXF014 terminal-with-exit: a terminal element (queue, transfer, ...) has outgoing edges.

use super::Context;
use crate::diagnostic::Finding;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, element) in cx.flow.elements.iter().enumerate() {
        if !element.kind.is_terminal() {
            continue;
        }
        for &e in &cx.graph.out_edges[i] {
            let edge = &cx.flow.edges[e];
            out.push(
                Finding::new(
                    Rule::TerminalWithExit,
                    edge.from.span,
                    format!(
                        "edge leaves {} element \"{}\", which ends the call",
                        element.kind.name(),
                        element.id.value
                    ),
                )
                .with_related(element.kind_span, "a terminal element")
                .with_help("the edge can never be taken; remove it or change the element's type"),
            );
        }
    }
}
