//! CXF047 impossible-branch: a Studio IF that is never true (or never false), or a CASE branch no
//! value reaches, given the only values the script can give the variables it reads: the constants
//! its ASSIGNs set (and the empty text where a path reaches it unassigned).

use serde_json::Value as Json;

use super::Context;
use super::forward::{Facts, before_each};
use super::unassigned_variable::{ASSIGN_NOTHING_ELSE, bare, provided};
use crate::diagnostic::Finding;
use crate::flow::model::Element;
use crate::registry::Rule;
use crate::sim::condition::Variables;
use crate::studio::logic;
use crate::studio_lang::parsed::Logic;

/// What a variable reads as before anything assigns it.
const UNASSIGNED: Json = Json::String(String::new());

/// The most combinations of values an action's variables are tried in.
const MAX_COMBINATIONS: usize = 256;

/// The values a variable may hold when an action runs (in the order first met), or anything.
type Values = Facts<Vec<Json>>;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(start) = cx.graph.start else { return };
    if !cx.flow.is_script() {
        return;
    }
    for (at, element) in cx.flow.elements.iter().enumerate() {
        let Some(logic) = element.action.as_ref().and_then(|a| a.logic.as_deref()) else {
            continue;
        };
        let mut read: Vec<String> = match logic {
            Logic::If(expr) => expr.variables(),
            Logic::Case(name) => vec![name.to_string()],
            _ => continue,
        };
        read.iter_mut().for_each(|name| *name = bare(name));
        read.sort();
        read.dedup();
        if read.is_empty() {
            continue; // CXF043 constant-condition says it
        }
        let mut sets = Vec::with_capacity(read.len());
        for name in &read {
            match &values_at(cx, start, name)[at] {
                // Never assigned on the way here at all: CXF042 unassigned-variable says it.
                Facts::Some(values) if values.iter().any(|v| *v != UNASSIGNED) => sets.push(values.clone()),
                _ => break,
            }
        }
        let combinations: usize = sets.iter().map(Vec::len).product();
        if sets.len() < read.len() || combinations > MAX_COMBINATIONS {
            continue;
        }
        let Some(taken) = branches_taken(logic, element, &read, &sets) else {
            continue;
        };
        let never: Vec<&str> = element
            .action
            .iter()
            .flat_map(|a| &a.branches)
            .map(|label| label.as_str())
            .filter(|label| !taken.iter().any(|t| t == label))
            .collect();
        for branch in never {
            out.push(finding(cx, element, branch, &read, &sets));
        }
    }
}

/// The branches the action takes over every combination of its variables' values; `None` when one
/// combination is outside the simulated subset.
fn branches_taken(logic: &Logic, element: &Element, read: &[String], sets: &[Vec<Json>]) -> Option<Vec<String>> {
    let mut taken: Vec<String> = Vec::new();
    let mut choice = vec![0; sets.len()];
    loop {
        let mut variables: Variables = read
            .iter()
            .zip(&choice)
            .zip(sets)
            .map(|((name, &i), set)| (name.clone(), set[i].clone()))
            .collect();
        let branch = logic::decide(logic, element, &mut variables)?;
        if !taken.iter().any(|t| *t == branch) {
            taken.push(branch.to_string());
        }
        // The next combination, as an odometer turns.
        let Some(turn) = (0..sets.len()).find(|&i| choice[i] + 1 < sets[i].len()) else {
            return Some(taken);
        };
        choice[turn] += 1;
        choice[..turn].iter_mut().for_each(|c| *c = 0);
    }
}

fn finding(cx: &Context, element: &Element, branch: &str, read: &[String], sets: &[Vec<Json>]) -> Finding {
    let values: Vec<String> = read
        .iter()
        .zip(sets)
        .map(|(name, set)| {
            let mut shown: Vec<String> = set.iter().map(Json::to_string).collect();
            shown.sort();
            format!("`{name}` is {}", shown.join(" or "))
        })
        .collect();
    Finding::new(
        Rule::ImpossibleBranch,
        element.id.span,
        format!(
            "{} never takes its `{branch}` branch: the script only ever gives {} here ({})",
            cx.flow.describe_kind(element),
            if read.len() == 1 {
                "this variable"
            } else {
                "these variables"
            },
            values.join("; ")
        ),
    )
    .with_help(
        "check the values the script assigns and the condition against them; an unassigned variable reads as \"\"",
    )
}

/// The values `name` may hold at each action, from BEGIN forward to a fixed point.
fn values_at(cx: &Context, start: usize, name: &str) -> Vec<Values> {
    let begin = &cx.flow.elements[start];
    let passed = begin
        .action
        .as_ref()
        .is_some_and(|a| a.parameters.iter().any(|p| bare(p) == name));
    let at_start = if provided(name) || passed {
        Facts::Any
    } else {
        Facts::Some(vec![UNASSIGNED])
    };
    before_each(cx, start, at_start, |element, before| after(element, name, before))
}

/// What `name` may hold once `element` has run.
fn after(element: &Element, name: &str, before: &Values) -> Values {
    let Some(action) = element.action.as_deref() else {
        return before.clone();
    };
    let assigns = element.variable.as_deref().is_some_and(|v| bare(v) == name);
    match action.logic.as_deref() {
        Some(Logic::Snippet(code)) if code.variables_assigned().iter().any(|v| bare(v) == name) => Facts::Any,
        Some(Logic::Snippet(_)) => before.clone(),
        Some(Logic::Assign { .. }) if assigns => Facts::Any,
        _ if action.name == "ASSIGN" && assigns => match &element.value {
            Some(value) => Facts::Some(vec![(**value).clone()]),
            None => Facts::Any,
        },
        _ if action.name == "SNIPPET" || !ASSIGN_NOTHING_ELSE.contains(&action.name.as_str()) => Facts::Any,
        _ => before.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::registry::Rule;
    use crate::test_script::{TestAction, findings, script};

    /// BEGIN, an IF on ANI choosing one ASSIGN of `tier` per value, then an IF on `expression`.
    fn impossible(tier_values: &[&str], expression: &str) -> Vec<String> {
        let n = tier_values.len() as u64;
        let tested = 3 + n;
        let picks: Vec<(&str, u64)> = (0..n).map(|i| (if i == 0 { "True" } else { "False" }, 3 + i)).collect();
        let to_tested = [("", tested)];
        let ends = [("True", tested + 1), ("False", tested + 1)];
        let mut actions: Vec<TestAction> = vec![
            (1, "BEGIN", json!({}), &[("", 2)]),
            (2, "IF", json!({"Expression": "ANI = \"1\""}), &picks),
        ];
        for (i, value) in tier_values.iter().enumerate() {
            let assign = json!({"Variable": "tier", "Value": value});
            actions.push((3 + i as u64, "ASSIGN", assign, &to_tested));
        }
        actions.push((tested, "IF", json!({"Expression": expression}), &ends));
        actions.push((tested + 1, "HANGUP", json!({}), &[]));
        findings(Rule::ImpossibleBranch, script(&actions))
    }

    #[test]
    fn an_if_the_assigned_values_never_make_true_or_false_is_reported() {
        let never_true = impossible(&["\"gold\"", "\"standard\""], "tier = \"vip\"");
        assert_eq!(never_true.len(), 1, "{never_true:?}");
        assert!(
            never_true[0].contains("never takes its `True` branch")
                && never_true[0].contains("`tier` is \"gold\" or \"standard\""),
            "{never_true:?}"
        );
        let never_false = impossible(&["\"gold\"", "\"standard\""], "tier != \"vip\"");
        assert!(
            never_false[0].contains("never takes its `False` branch"),
            "{never_false:?}"
        );
        assert!(impossible(&["\"gold\"", "\"standard\""], "tier = \"gold\"").is_empty());
    }

    #[test]
    fn a_value_from_outside_the_script_keeps_it_quiet() {
        assert!(impossible(&["\"gold\""], "ANI = \"vip\"").is_empty(), "ANI is Studio's");
        assert!(
            impossible(&["\"{ANI}\""], "tier = \"vip\"").is_empty(),
            "a worked-out value"
        );
        let rest = script(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (
                2,
                "ASSIGN",
                json!({"Variable": "tier", "Value": "\"gold\""}),
                &[("", 3)],
            ),
            (3, "RESTAPI", json!({}), &[("", 4)]),
            (
                4,
                "IF",
                json!({"Expression": "tier = \"vip\""}),
                &[("True", 5), ("False", 5)],
            ),
            (5, "HANGUP", json!({}), &[]),
        ]);
        assert!(
            findings(Rule::ImpossibleBranch, rest).is_empty(),
            "a REST call may set it"
        );
        let parameter = script(&[
            (1, "BEGIN", json!({"Parameters": ["tier"]}), &[("", 2)]),
            (
                2,
                "IF",
                json!({"Expression": "tier = \"vip\""}),
                &[("True", 3), ("False", 3)],
            ),
            (3, "HANGUP", json!({}), &[]),
        ]);
        assert!(
            findings(Rule::ImpossibleBranch, parameter).is_empty(),
            "a caller passes it"
        );
    }

    #[test]
    fn a_case_branch_no_assigned_value_reaches_is_reported_and_unassigned_reads_empty() {
        let bytes = script(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (
                2,
                "IF",
                json!({"Expression": "ANI = \"1\""}),
                &[("True", 3), ("False", 4)],
            ),
            (
                3,
                "ASSIGN",
                json!({"Variable": "language", "Value": "\"en\""}),
                &[("", 4)],
            ),
            (
                4,
                "CASE",
                json!({"Variable": "language"}),
                &[("en", 5), ("fr", 5), ("", 5)],
            ),
            (5, "HANGUP", json!({}), &[]),
        ]);
        let found = findings(Rule::ImpossibleBranch, bytes);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("never takes its `fr` branch") && found[0].contains("`language` is \"\" or \"en\""),
            "{found:?}"
        );
    }
}
