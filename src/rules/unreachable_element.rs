//! CXF011 unreachable-element: no call can reach the element from `start`.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    if cx.graph.start.is_none() {
        return;
    }
    for (i, element) in cx.flow.elements.iter().enumerate() {
        // A second `start` is unreachable by nature; multiple-start reports it.
        if cx.graph.reachable[i] || cx.graph.ends.first_with_id[i] != i || element.kind == ElementKind::Start {
            continue;
        }
        out.push(Finding::new(
            Rule::UnreachableElement,
            element.id.span,
            format!(
                "{} cannot be reached from {}",
                cx.flow.describe(element),
                cx.flow.word("start", "BEGIN")
            ),
        ));
    }
}
