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
                    "the {} has {} {}, over the limit of {limit}; {} is the first past it",
                    cx.flow.word("flow", "script"),
                    decisions.len(),
                    cx.flow.word("menu and routing elements", "MENU actions"),
                    cx.flow.named(first_over)
                ),
            )
            .with_help(cx.flow.word(
                "split the flow into smaller flows, or raise --max-decision-nodes",
                "split the script into smaller scripts, or raise --max-decision-nodes",
            )),
        );
    }
}
