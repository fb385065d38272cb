//! CXF022 no-terminal-reachable: from this element no call can ever end at a terminal.

use super::{Context, Rule};
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;

/// Reports where reachable calls fall into a trap: trapped elements entered from `start` or from an
/// element that could still end properly. Dead ends and unreachable elements have rules of their own.
pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let elements = &cx.flow.elements;
    let ends = cx
        .graph
        .can_reach(|i| elements[i].kind.is_terminal() || elements[i].kind == ElementKind::Unknown);
    let mut entered = vec![false; elements.len()];
    for p in (0..elements.len()).filter(|&p| cx.graph.reachable[p] && ends[p]) {
        for &s in &cx.graph.successors[p] {
            entered[s] = true;
        }
    }
    for (i, element) in elements.iter().enumerate() {
        let trapped = !ends[i] && cx.graph.reachable[i] && !cx.graph.successors[i].is_empty();
        if !trapped {
            continue;
        }
        if entered[i] || cx.graph.start == Some(i) {
            out.push(
                Finding::new(
                    Rule::NoTerminalReachable,
                    element.id.span,
                    format!(
                        "no terminal element can be reached from \"{}\": calls entering it never end properly",
                        element.id.value
                    ),
                )
                .with_help("give one of the elements after it an edge to a queue, transfer, voicemail or hangup"),
            );
        }
    }
}
