//! CXF043 constant-condition: a Studio IF whose `Expression` reads no variable, so it always takes
//! the same branch.

use super::Context;
use crate::diagnostic::Finding;
use crate::registry::Rule;
use crate::studio_lang::parsed::Logic;
use crate::studio_lang::value::Variables;

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
    use serde_json::json;

    use crate::registry::Rule;
    use crate::test_script::{findings, script};

    fn constant(expression: &str) -> Vec<String> {
        let bytes = script(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (2, "IF", json!({"Expression": expression}), &[("True", 3), ("False", 3)]),
            (3, "HANGUP", json!({}), &[]),
        ]);
        findings(Rule::ConstantCondition, bytes)
    }

    #[test]
    fn an_expression_of_constants_is_reported_with_the_branch_it_never_takes() {
        let always = constant("1 + 1 = 2");
        assert_eq!(always.len(), 1, "{always:?}");
        assert!(
            always[0].contains("always true: its `False` branch is never taken"),
            "{always:?}"
        );
        let never = constant("\"a\" = \"b\"");
        assert!(
            never[0].contains("always false: its `True` branch is never taken"),
            "{never:?}"
        );
    }

    #[test]
    fn an_expression_reading_a_variable_is_not() {
        assert_eq!(constant("ANI = \"1\""), Vec::<String>::new());
    }
}
