//! CXF034 menu-without-default: a Studio MENU with no `default` branch for silence or a stray key.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for element in cx.without_default(false, |_, element| {
        element.action.is_some() && element.kind == ElementKind::Menu
    }) {
        out.push(
            Finding::new(
                Rule::MenuWithoutDefault,
                element.id.span,
                format!(
                    "{} has no `default` branch: a caller who stays silent or presses another key ends the call in an error",
                    cx.flow.describe_kind(element)
                ),
            )
            .with_help("wire the MENU's default branch, usually to a retry prompt or to an agent"),
        );
    }
}
