//! CXF012 multiple-start: more than one `start` element, so the entry is ambiguous.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(first) = cx.graph.start else { return };
    let first = &cx.flow.elements[first];
    for element in cx.flow.elements.iter().filter(|e| e.kind == ElementKind::Start).skip(1) {
        out.push(
            Finding::new(
                Rule::MultipleStart,
                element.kind_span,
                format!(
                    "{} is a second {}",
                    cx.flow.describe(element),
                    cx.flow.word("`start`", "BEGIN")
                ),
            )
            .with_related(first.kind_span, cx.flow.word("the first `start`", "the first BEGIN")),
        );
    }
}
