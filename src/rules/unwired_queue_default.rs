//! CXF035 unwired-queue-default: a Studio REQAGENT whose `default` branch leads nowhere.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for element in cx.without_default(true, |_, element| {
        element.action.is_some() && element.kind == ElementKind::Queue
    }) {
        out.push(
            Finding::new(
                Rule::UnwiredQueueDefault,
                element.id.span,
                format!(
                    "{} has no `default` branch: CXone warns, and a queued caller hears nothing while waiting",
                    cx.flow.describe_kind(element)
                ),
            )
            .with_help("wire the default branch into a MUSIC hold loop (MUSIC -> MUSIC)"),
        );
    }
}
