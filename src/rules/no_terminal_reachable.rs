//! CXF022 no-terminal-reachable: from this element no call can ever end: every path cycles forever.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;
use crate::registry::Rule;

/// Reports where reachable calls fall into a trap: trapped elements entered from `start` or from an
/// element that could still end properly. Dead ends and unreachable elements have rules of their own.
pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let elements = &cx.flow.elements;
    let dangles = dangling_exits(cx);
    // Dead ends and dangling exits end the call in an error, an element of unknown type might end
    // it, and Studio hold music is where a queued caller waits: their own rules report them, so counting them as traps would only repeat those findings.
    let ends = cx.graph.can_reach(|i| {
        elements[i].kind.is_terminal()
            || elements[i].kind == ElementKind::Unknown
            || elements[i].action.as_ref().is_some_and(|a| a.is_hold)
            || cx.graph.successors[i].is_empty()
            || dangles[i]
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
                        "no {} can be reached from {}: calls entering it never end properly",
                        cx.flow.word("terminal element", "action that ends the call"),
                        cx.flow.named(element)
                    ),
                )
                .with_help(cx.flow.word(
                    "give one of the elements after it an edge to a queue, transfer, voicemail or hangup",
                    "give one of the actions after it a branch to a REQAGENT, HANGUP or END",
                )),
            );
        }
    }
}

/// Per element, whether one of its edges or routing gotos leads to no element: found in one pass
/// over the edges' and rules' ends.
fn dangling_exits(cx: &Context) -> Vec<bool> {
    let mut dangles = vec![false; cx.flow.elements.len()];
    for &(from, to) in &cx.graph.ends.edges {
        if let (Some(from), None) = (from, to) {
            dangles[from] = true;
        }
    }
    let rules = cx.flow.routing_rules.iter().zip(&cx.graph.ends.rules);
    for (rule, &(at, goto)) in rules {
        if let (Some(at), None, Some(_)) = (at, goto, &rule.goto) {
            dangles[at] = true;
        }
    }
    dangles
}
