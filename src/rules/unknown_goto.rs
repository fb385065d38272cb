//! CXF017 unknown-goto: a routing rule's `goto` names no element.

use super::Context;
use crate::diagnostic::Finding;
use crate::json::closest;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ids: Vec<&str> = cx.flow.elements.iter().map(|e| e.id.value.as_str()).collect();
    for (rule, &(_, to)) in cx.flow.routing_rules.iter().zip(&cx.graph.ends.rules) {
        let Some(goto) = rule.goto.as_ref().filter(|_| to.is_none()) else {
            continue;
        };
        let mut finding = Finding::new(
            Rule::UnknownGoto,
            goto.span,
            format!("routing rule goes to unknown element \"{}\"", goto.value),
        );
        if let Some(close) = closest(&goto.value, &ids) {
            finding = finding.with_help(format!("did you mean \"{close}\"?"));
        }
        out.push(finding);
    }
}
