//! CXF043 constant-condition: a Studio IF whose `Expression` reads no variable, so it always takes
//! the same branch.

use super::Context;
use crate::diagnostic::Finding;
use crate::registry::Rule;
use crate::studio::logic::Logic;
use crate::studio::value::Variables;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for element in &cx.flow.elements {
        let Some(Logic::If(expr)) = element.action.as_ref().and_then(|a| a.logic.as_deref()) else {
            continue;
        };
        if !expr.variables().is_empty() {
            continue;
        }
        // An expression the evaluator cannot settle (an arithmetic on text) is left alone.
        let Ok(holds) = expr.is_true(&Variables::new()) else {
            continue;
        };
        let (taken, never) = if holds { ("True", "False") } else { ("False", "True") };
        out.push(
            Finding::new(
                Rule::ConstantCondition,
                element.id.span,
                format!(
                    "the expression of {} reads no variable and is always {}: its `{never}` branch is never taken",
                    cx.flow.describe_kind(element),
                    taken.to_ascii_lowercase()
                ),
            )
            .with_help(
                "compare a variable in the expression, or replace the IF with a plain branch to where it always goes",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{Settings, check_flow_bytes};
    use crate::registry::Rule;

    fn findings(expression: &str) -> Vec<String> {
        let script = serde_json::json!({
            "header": {"scriptName": "T", "nextActionId": 4},
            "actions": {
                "1": {"actionId": 1, "name": "BEGIN", "xws": 0, "yws": 0},
                "2": {"actionId": 2, "name": "IF", "label": "Check", "xws": 0, "yws": 0},
                "3": {"actionId": 3, "name": "HANGUP", "xws": 0, "yws": 0}
            },
            "properties": {"2": {"0": {"name": "Expression", "value": expression}}},
            "branches": {
                "1": [{"to": 2, "label": "", "type": "default", "index": 0}],
                "2": [{"to": 3, "label": "True", "type": "branch", "index": 0},
                      {"to": 3, "label": "False", "type": "branch", "index": 1}]
            }
        });
        let (report, _) = check_flow_bytes("t.json", serde_json::to_vec(&script).unwrap(), &Settings::default());
        report
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == Rule::ConstantCondition)
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn an_expression_of_constants_is_reported_with_the_branch_it_never_takes() {
        let always = findings("1 + 1 = 2");
        assert_eq!(always.len(), 1, "{always:?}");
        assert!(
            always[0].contains("always true: its `False` branch is never taken"),
            "{always:?}"
        );
        let never = findings("\"a\" = \"b\"");
        assert!(
            never[0].contains("always false: its `True` branch is never taken"),
            "{never:?}"
        );
    }

    #[test]
    fn an_expression_reading_a_variable_is_not() {
        assert_eq!(findings("ANI = \"1\""), Vec::<String>::new());
    }
}
