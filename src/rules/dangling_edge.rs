//! CXF002 dangling-edge: an edge whose `from` or `to` names no element.

use super::Context;
use crate::diagnostic::Finding;
use crate::json::closest;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (edge, &(from, to)) in cx.flow.edges.iter().zip(&cx.graph.ends.edges) {
        // Most edges have both ends: only their ends are read, not the edge.
        if from.is_some() && to.is_some() {
            continue;
        }
        for (end, field, found) in [(&edge.from, "from", from), (&edge.to, "to", to)] {
            if found.is_some() {
                continue;
            }
            let on = edge
                .on
                .as_ref()
                .map_or(String::new(), |on| format!(" on \"{}\"", on.value));
            let message = if cx.flow.is_script() {
                if field == "from" {
                    format!(
                        "branches are filed under \"{}\", which is not an action of the script",
                        end.value
                    )
                } else {
                    let from = from.map_or_else(
                        || format!("action {}", edge.from.value),
                        |e| cx.flow.describe(&cx.flow.elements[e]),
                    );
                    format!(
                        "a branch{on} of {from} goes to action {}, which the script does not have",
                        end.value
                    )
                }
            } else if field == "from" {
                format!(
                    "edge to \"{}\"{on} starts at unknown element \"{}\"",
                    edge.to.value, end.value
                )
            } else {
                format!(
                    "edge from \"{}\"{on} points to unknown element \"{}\"",
                    edge.from.value, end.value
                )
            };
            let mut finding = Finding::new(Rule::DanglingEdge, end.span, message);
            let ids: Vec<&str> = cx.flow.elements.iter().map(|e| e.id.value.as_str()).collect();
            if let Some(close) = closest(&end.value, &ids) {
                finding = finding.with_help(format!("did you mean \"{close}\"?"));
            }
            out.push(finding);
        }
    }
}
