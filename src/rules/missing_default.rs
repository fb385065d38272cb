//! CXF019 missing-default: a routing element without a `default` edge for when no rule matches.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for element in cx.without_default(false, |i, element| {
        element.kind == ElementKind::Routing && !cx.graph.rules_of[i].is_empty()
    }) {
        out.push(
            Finding::new(
                Rule::MissingDefault,
                element.id.span,
                format!("routing element \"{}\" has no `default` edge", element.id.value),
            )
            .with_help("when no rule matches, the call ends in an error; add an edge with \"on\": \"default\""),
        );
    }
}
