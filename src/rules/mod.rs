//! The checks run on a loaded flow, one file per rule (the codes, names and severities are in
//! `registry.rs`, below the loaders that report some of them).

mod constant_condition;
mod dangling_edge;
mod dead_end;
mod duplicate_edge;
mod duplicate_element_id;
mod forward;
mod impossible_branch;
mod invalid_edge_label;
mod menu_too_deep;
mod menu_without_default;
mod misplaced_routing_rule;
mod missing_default;
mod missing_start;
mod multiple_start;
mod no_terminal_reachable;
mod shadowed_rule;
mod silent_loop;
mod terminal_with_exit;
mod too_many_decisions;
mod unassigned_variable;
mod unhandled_input;
mod unknown_goto;
mod unreachable_element;
mod unwired_queue_default;

use crate::diagnostic::Finding;
use crate::flow::ends::Ends;
use crate::flow::graph::Graph;
use crate::flow::model::{Element, Flow};
use crate::registry::RuleLimits;

/// What every flow check reads: the flow, its graph, the limits.
pub struct Context<'a> {
    pub flow: &'a Flow,
    pub graph: &'a Graph<'a>,
    pub limits: &'a RuleLimits,
}

impl<'a> Context<'a> {
    /// Whether an edge leaves element `element` on the outcome `on` (to an element that exists,
    /// when `wired`).
    pub fn has_edge_on(&self, element: usize, on: &str, wired: bool) -> bool {
        self.graph.out_edges[element].iter().any(|&e| {
            self.flow.edges[e].on.as_ref().is_some_and(|label| label.value == on)
                && (!wired || self.graph.ends.edges[e].1.is_some())
        })
    }

    /// The elements for which `wanted` holds that have no `default` edge (to an element that exists,
    /// when `wired`).
    pub fn without_default(
        &self,
        wired: bool,
        wanted: impl Fn(usize, &Element) -> bool,
    ) -> impl Iterator<Item = &'a Element> {
        self.flow
            .elements
            .iter()
            .enumerate()
            .filter(move |&(i, element)| wanted(i, element) && !self.has_edge_on(i, "default", wired))
            .map(|(_, element)| element)
    }
}

type Check = fn(&Context, &mut Vec<Finding>);

/// The checks run on a loaded flow or script. The structural rules (CXF001, CXF003-CXF005, CXF007,
/// CXF008, CXF018, CXF030, and for scripts CXF036-CXF039) are found while loading; the test-file rules while loading and pairing tests.
const FLOW_CHECKS: &[Check] = &[
    dangling_edge::check,
    invalid_edge_label::check,
    duplicate_element_id::check,
    missing_start::check,
    multiple_start::check,
    unreachable_element::check,
    duplicate_edge::check,
    terminal_with_exit::check,
    dead_end::check,
    misplaced_routing_rule::check,
    unknown_goto::check,
    missing_default::check,
    shadowed_rule::check,
    silent_loop::check,
    no_terminal_reachable::check,
    unhandled_input::check,
    too_many_decisions::check,
    menu_too_deep::check,
    menu_without_default::check,
    unwired_queue_default::check,
    unassigned_variable::check,
    constant_condition::check,
    impossible_branch::check,
];

/// Runs every flow check and returns the findings in source order.
pub fn check_flow(flow: &Flow, ends: &Ends, limits: &RuleLimits) -> Vec<Finding> {
    let graph = Graph::new(flow, ends);
    let context = Context {
        flow,
        graph: &graph,
        limits,
    };
    let mut findings = Vec::new();
    for check in FLOW_CHECKS {
        check(&context, &mut findings);
    }
    findings
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::registry::Rule;
    use crate::test_script::{findings, script};

    /// A script's findings name each action by id, label and type, in Studio's words (BEGIN,
    /// branch, MENU), where a flow's name an element by its id.
    #[test]
    fn a_script_s_findings_name_its_actions_by_label_and_type() {
        let bytes = script(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (2, "PLAY", json!({}), &[("", 3)]),
            (3, "PLAY", json!({}), &[("", 2)]),
            (4, "HANGUP", json!({}), &[]),
            (5, "BEGIN", json!({}), &[("", 4)]),
        ]);
        let cases = [
            (
                Rule::UnreachableElement,
                "action 4 \"A4\" (HANGUP) cannot be reached from BEGIN",
            ),
            (Rule::MultipleStart, "action 5 \"A5\" (BEGIN) is a second BEGIN"),
            (
                Rule::SilentLoop,
                "action 2 \"A2\" (PLAY), action 3 \"A3\" (PLAY) form a cycle with no MENU",
            ),
            (
                Rule::NoTerminalReachable,
                "no action that ends the call can be reached from action 1 \"A1\" (BEGIN): calls entering it never end properly",
            ),
        ];
        let menus = script(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (2, "MENU", json!({}), &[("", 3)]),
            (3, "MENU", json!({}), &[("", 4)]),
            (4, "MENU", json!({}), &[("", 5)]),
            (5, "MENU", json!({}), &[("", 6)]),
            (6, "MENU", json!({}), &[("", 7)]),
            (7, "MENU", json!({}), &[("", 8)]),
            (8, "HANGUP", json!({}), &[]),
        ]);
        assert_eq!(
            findings(Rule::MenuTooDeep, menus),
            [
                "a caller passes 6 MENU actions to reach action 8 \"A8\" (HANGUP), over the limit of 5: \
              A1 → A2 → A3 → A4 → A5 → A6 → A7 → A8"
            ]
        );
        for (rule, message) in cases {
            assert!(
                findings(rule, bytes.clone()).iter().any(|m| m == message),
                "{rule:?}: {:?}",
                findings(rule, bytes.clone())
            );
        }
    }
}
