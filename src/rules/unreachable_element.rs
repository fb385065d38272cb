//! CXF011 unreachable-element: no call can reach the element from `start`.

use super::{Context, Rule};
use crate::diagnostic::Finding;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    if cx.graph.start.is_none() {
        return;
    }
    for (i, element) in cx.flow.elements.iter().enumerate() {
        if cx.graph.reachable[i] || cx.graph.index_of(&element.id.value) != Some(i) {
            continue;
        }
        out.push(Finding::new(
            Rule::UnreachableElement,
            element.id.span,
            format!("element \"{}\" cannot be reached from start", element.id.value),
        ));
    }
}
