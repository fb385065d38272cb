//! CXF022 no-terminal-reachable: from this element no call can ever end: every path cycles forever.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;
use crate::registry::Rule;

/// Reports where reachable calls fall into a trap: trapped elements entered from `start` or from an
/// element that could still end properly. Dead ends and unreachable elements have rules of their own.
pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let elements = &cx.flow.elements;
    // Dead ends and dangling exits end the call in an error, an element of unknown type might end
    // it, and Studio hold music is where a queued caller waits: their own rules report them, so counting them as traps would only repeat those findings.
    let ends = cx.graph.can_reach(|i| {
        elements[i].kind.is_terminal()
            || elements[i].kind == ElementKind::Unknown
            || elements[i].action.as_ref().is_some_and(|a| a.is_hold)
            || cx.graph.successors[i].is_empty()
            || has_dangling_exit(cx, i)
    });
    let mut entered = vec![false; elements.len()];
    for p in (0..elements.len()).filter(|&p| cx.graph.reachable[p] && ends[p]) {
        for &s in &cx.graph.successors[p] {
            entered[s] = true;
        }
    }
    for (i, element) in elements.iter().enumerate() {
        let trapped = !ends[i] && cx.graph.reachable[i];
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

fn has_dangling_exit(cx: &Context, element: usize) -> bool {
    let flow = cx.flow;
    let edge_dangles = cx.graph.out_edges[element]
        .iter()
        .any(|&e| cx.graph.ends.edges[e].1.is_none());
    let goto_dangles = cx.graph.rules_of[element]
        .iter()
        .any(|&r| flow.routing_rules[r].goto.is_some() && cx.graph.ends.rules[r].1.is_none());
    edge_dangles || goto_dangles
}
