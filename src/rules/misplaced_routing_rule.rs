//! CXF016 misplaced-routing-rule: a routing rule on an element that is not a `routing` element.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (rule, &(at, _)) in cx.flow.routing_rules.iter().zip(&cx.graph.ends.rules) {
        let message = match at {
            None => format!("routing rule is attached to unknown element \"{}\"", rule.element.value),
            Some(i) => {
                let kind = cx.flow.elements[i].kind;
                if matches!(kind, ElementKind::Routing | ElementKind::Unknown) {
                    continue;
                }
                format!(
                    "routing rule is attached to \"{}\", a {} element: only routing elements apply rules",
                    rule.element.value,
                    kind.name()
                )
            }
        };
        out.push(Finding::new(Rule::MisplacedRoutingRule, rule.element.span, message));
    }
}
