//! CXF042 unassigned-variable: a Studio IF, CASE, ASSIGN or SNIPPET reads a variable that no path
//! from BEGIN assigns before it, and that Studio does not provide.

use std::collections::BTreeSet;

use super::Context;
use super::forward::{Facts, before_each};
use crate::diagnostic::Finding;
use crate::flow::model::Element;
use crate::registry::Rule;
use crate::studio_lang::expr;
use crate::studio_lang::parsed::Logic;

/// The action types known to assign no variable besides what their logic says.
pub(super) const ASSIGN_NOTHING_ELSE: &[&str] = &[
    "BEGIN", "PLAY", "IF", "CASE", "ASSIGN", "SNIPPET", "REQAGENT", "MUSIC", "HANGUP", "END", "WAIT", "TTSVOICE",
];

/// The variables that may be assigned on the way to an action (lowercase), or any at all once a path
/// passes an action that may assign variables we cannot see (a REST call, an unsimulated SNIPPET).
type Assigned = Facts<BTreeSet<String>>;

/// Whether `name` may be assigned.
trait MayHold {
    fn holds(&self, name: &str) -> bool;
}

impl MayHold for Assigned {
    fn holds(&self, name: &str) -> bool {
        match self {
            Facts::Unreached | Facts::Any => true,
            Facts::Some(names) => names.contains(&name.to_ascii_lowercase()),
        }
    }
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(start) = cx.graph.start else { return };
    if cx.flow.elements[start].action.is_none() {
        return;
    }
    let before = before_each(cx, start, Facts::Some(BTreeSet::new()), after);
    for (i, element) in cx.flow.elements.iter().enumerate() {
        let Some(logic) = element.action.as_ref().and_then(|a| a.logic.as_deref()) else {
            continue;
        };
        let unassigned: Vec<String> = reads(logic)
            .into_iter()
            .filter(|name| !before[i].holds(name) && !provided(name))
            .collect();
        if unassigned.is_empty() {
            continue;
        }
        let names = unassigned
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            Finding::new(
                Rule::UnassignedVariable,
                element.id.span,
                format!(
                    "{} reads {names}, which no path from BEGIN assigns before it: unless a case's `input.variables` or a calling script supplies it, it may be unassigned",
                    cx.flow.describe_kind(element)
                ),
            )
            .with_help("assign the variable before this action (an ASSIGN or a SNIPPET), give it in the cases' `input.variables`, or check the name's spelling"),
        );
    }
}

/// Whether Studio gives every call this variable.
pub(super) fn provided(name: &str) -> bool {
    crate::studio_lang::value::is_contact_variable(name)
}

/// What is assigned once `element` has run, given what was before it.
fn after(element: &Element, before: &Assigned) -> Assigned {
    let Facts::Some(names) = before else {
        return before.clone();
    };
    let Some(action) = element.action.as_deref() else {
        return Facts::Any;
    };
    let logic = action.logic.as_deref();
    let unsimulated_snippet = action.name == "SNIPPET" && logic.is_none();
    if unsimulated_snippet || !ASSIGN_NOTHING_ELSE.contains(&action.name.as_str()) {
        return Facts::Any;
    }
    let mut names = names.clone();
    let assigned = match logic {
        Some(Logic::Snippet(code)) => code.variables_assigned(),
        // BEGIN's `Parameters` name what a calling RUNSUB or RUNSCRIPT passes (p1 to p9).
        _ if action.name == "BEGIN" => action.parameters.iter().map(ToString::to_string).collect(),
        _ => element.variable.iter().map(ToString::to_string).collect(),
    };
    names.extend(assigned.iter().map(|name| bare(name)));
    Facts::Some(names)
}

/// A variable's name as these rules compare it: `global:tier` and `{tier}` are `tier`, any case.
pub(super) fn bare(name: &str) -> String {
    let name = name.rsplit(':').next().unwrap_or(name);
    name.trim_matches(|c| c == '{' || c == '}').trim().to_ascii_lowercase()
}

/// The variables an action's logic reads before assigning them itself.
fn reads(logic: &Logic) -> Vec<String> {
    match logic {
        Logic::If(expr) => expr.variables(),
        Logic::Case(name) => vec![name.to_string()],
        Logic::Snippet(code) => code.variables_read(),
        Logic::Assign { value, .. } | Logic::Loop(value) => expr::substituted_variables(value),
        Logic::Call { parameters, .. } => parameters
            .iter()
            .flat_map(|(_, value)| expr::substituted_variables(value))
            .collect(),
        Logic::Return { assign, .. } => assign
            .iter()
            .flat_map(|(_, value)| expr::substituted_variables(value))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::registry::Rule;
    use crate::test_script::{findings, script};

    fn unassigned(bytes: Vec<u8>) -> Vec<String> {
        findings(Rule::UnassignedVariable, bytes)
    }

    fn reading(expression: &str, first: (&str, Value)) -> Vec<u8> {
        script(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (2, first.0, first.1, &[("", 3)]),
            (3, "IF", json!({"Expression": expression}), &[("True", 4), ("False", 4)]),
            (4, "HANGUP", json!({}), &[]),
        ])
    }

    #[test]
    fn a_variable_no_path_assigns_is_reported_and_one_assigned_first_is_not() {
        let never = unassigned(reading(
            "tier = \"gold\"",
            ("ASSIGN", json!({"Variable": "level", "Value": "1"})),
        ));
        assert_eq!(never.len(), 1, "{never:?}");
        assert!(
            never[0].contains("reads `tier`") && never[0].contains("may be unassigned"),
            "{never:?}"
        );
        let assigned = reading(
            "TIER = \"gold\"",
            ("ASSIGN", json!({"Variable": "tier", "Value": "gold"})),
        );
        assert_eq!(unassigned(assigned), Vec::<String>::new());
        let scoped = reading(
            "tier = \"gold\"",
            ("ASSIGN", json!({"Variable": "global:tier", "Value": "gold"})),
        );
        assert_eq!(unassigned(scoped), Vec::<String>::new());
        let by_snippet = reading(
            "tier = \"gold\"",
            ("SNIPPET", json!({"Data": "ASSIGN tier = \"gold\""})),
        );
        assert_eq!(unassigned(by_snippet), Vec::<String>::new());
    }

    #[test]
    fn studio_variables_and_actions_that_may_assign_unseen_variables_silence_it() {
        let provided = reading("ANI = \"1\" | dnis = \"2\" | _ERR = \"\"", ("PLAY", json!({})));
        assert_eq!(unassigned(provided), Vec::<String>::new());
        let after_rest = reading("tier = \"gold\"", ("RESTAPI", json!({})));
        assert_eq!(unassigned(after_rest), Vec::<String>::new());
        let snippet_reads = reading("1 = 1", ("SNIPPET", json!({"Data": "ASSIGN x = \"{tier}\""})));
        assert_eq!(unassigned(snippet_reads).len(), 1);
    }

    #[test]
    fn begin_s_parameters_are_assigned_by_the_calling_script() {
        let bytes = script(&[
            (1, "BEGIN", json!({"Parameters": ["callerAni"]}), &[("", 2)]),
            (
                2,
                "IF",
                json!({"Expression": "callerAni = \"1\" | other = 2"}),
                &[("True", 3), ("False", 3)],
            ),
            (3, "HANGUP", json!({}), &[]),
        ]);
        let found = unassigned(bytes);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("reads `other`"), "{found:?}");
    }

    #[test]
    fn one_path_that_assigns_is_enough() {
        let bytes = script(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (
                2,
                "IF",
                json!({"Expression": "ANI = \"1\""}),
                &[("True", 3), ("False", 4)],
            ),
            (3, "ASSIGN", json!({"Variable": "tier", "Value": "gold"}), &[("", 4)]),
            (4, "CASE", json!({"Variable": "{tier}"}), &[("gold", 5), ("default", 5)]),
            (5, "HANGUP", json!({}), &[]),
        ]);
        assert_eq!(unassigned(bytes), Vec::<String>::new());
    }
}
