//! CXF024 too-many-decisions: more `menu` and `routing` elements than the branching-complexity limit.

use super::Context;
use crate::diagnostic::Finding;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let limit = cx.limits.max_decision_nodes;
    let decisions: Vec<_> = cx.flow.elements.iter().filter(|e| e.kind.is_decision()).collect();
    if let Some(first_over) = decisions.get(limit) {
        out.push(
            Finding::new(
                Rule::TooManyDecisions,
                first_over.kind_span,
                format!(
                    "the flow has {} menu and routing elements, over the limit of {limit}; \"{}\" is the first past it",
                    decisions.len(),
                    first_over.id.value
                ),
            )
            .with_help("split the flow into smaller flows, or raise --max-decision-nodes"),
        );
    }
}
