//! CXF009 duplicate-element-id: two elements share one id, so edges to it are ambiguous.

use super::Context;
use crate::diagnostic::Finding;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, element) in cx.flow.elements.iter().enumerate() {
        let first = cx.graph.ends.first_with_id[i];
        if first == i {
            continue;
        }
        out.push(
            Finding::new(
                Rule::DuplicateElementId,
                element.id.span,
                format!(
                    "{} id \"{}\" is already used",
                    cx.flow.word("element", "action"),
                    element.id.value
                ),
            )
            .with_related(cx.flow.elements[first].id.span, "first used here"),
        );
    }
}
