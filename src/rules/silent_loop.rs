//! CXF021 silent-loop: a cycle with no `menu` or `input`, which loops forever without the caller.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::ElementKind;
use crate::registry::Rule;

/// At most this many element ids are named in one message.
const NAMED: usize = 8;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let elements = &cx.flow.elements;
    let silent = |i: usize| !elements[i].kind.takes_input() && elements[i].kind != ElementKind::Unknown;
    // Studio hold music loops by design: the caller is waiting in a queue.
    let is_hold = |i: &usize| elements[*i].action.as_ref().is_some_and(|a| a.is_hold);
    for cycle in cx.graph.cycles_within(silent) {
        if cycle.iter().all(is_hold) {
            continue;
        }
        let first = &elements[cycle[0]];
        let mut names: Vec<String> = cycle.iter().take(NAMED).map(|&i| cx.flow.named(&elements[i])).collect();
        if cycle.len() > NAMED {
            names.push(format!("and {} more", cycle.len() - NAMED));
        }
        let mut finding = Finding::new(
            Rule::SilentLoop,
            first.id.span,
            // A script's actions say `action` each, by id, label and type.
            format!(
                "{}{} form a cycle with no {}",
                cx.flow.word("elements ", ""),
                names.join(", "),
                cx.flow.word("menu or input", "MENU")
            ),
        )
        .with_help(cx.flow.word(
            "a call entering it loops until the global timeout (the usual cause of simulation 504s); route the loop through a menu or input, or break it",
            "a call entering it loops until the global timeout; route the loop through a MENU, or break it",
        ));
        for &i in cycle.iter().skip(1).take(NAMED - 1) {
            finding = finding.with_related(elements[i].id.span, "part of the cycle");
        }
        out.push(finding);
    }
}
