//! CXF020 shadowed-rule: a routing rule that can never fire because earlier rules always match.
//!
//! Decided by evaluation on representative values: every comparison splits a variable's values into
//! a few classes (missing, each constant, the gaps between numeric constants, a string extending each
//! prefix, one fresh value per JSON type), so trying one value per class for every variable decides
//! whether the earlier conditions cover all calls. Where the product is too large, nothing is said.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::{Condition, ElementKind};
use crate::registry::Rule;
use crate::sim::classes::{combination, combinations, value_classes};
use crate::sim::condition::{Variables, holds};

/// Beyond this many combinations of representative values the question is left undecided.
const MAX_COMBINATIONS: usize = 20_000;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, element) in cx.flow.elements.iter().enumerate() {
        // A rule can only be shadowed by rules before it.
        if element.kind != ElementKind::Routing || cx.graph.rules_of[i].len() < 2 {
            continue;
        }
        let rules: Vec<_> = cx.graph.rules_of[i]
            .iter()
            .map(|&r| &cx.flow.routing_rules[r])
            .collect();
        let conditions: Vec<&Condition> = rules.iter().map_while(|r| r.condition.as_ref()).collect();
        let Some(covering) = first_covering(&conditions) else {
            continue;
        };
        for rule in &rules[covering + 1..] {
            out.push(
                Finding::new(
                    Rule::ShadowedRule,
                    rule.span,
                    format!(
                        "this rule of \"{}\" can never fire: the rules before it match every call",
                        element.id.value
                    ),
                )
                .with_related(rules[covering].span, "from this rule on, every call has matched")
                .with_help("reorder the rules, most specific first, or remove the unreachable ones"),
            );
        }
    }
}

/// The index of the first rule by which the rules so far match every possible call, if decidable.
fn first_covering(conditions: &[&Condition]) -> Option<usize> {
    // The call that sets no variable is the first combination (every variable's first class is
    // "missing"); most routing elements leave it to their default, and then no rule covers every
    // call, so the classes need not be built: that was a third of checking flows with two rules per
    // routing element.
    conditions.iter().position(|c| holds(c, &Variables::new()))?;
    let classes = value_classes(conditions);
    let combinations = combinations(&classes).filter(|&c| (1..=MAX_COMBINATIONS).contains(&c))?;
    // The latest rule any call needs, kept as the calls are tried: a list of every call's rule,
    // allocated zeroed at the largest count before the first call (usually uncovered) ended the
    // search, was two thirds of checking flows with two rules per routing element.
    let mut last = 0;
    for index in 0..combinations {
        let call = combination(&classes, index);
        last = last.max(conditions.iter().position(|c| holds(c, &call))?);
    }
    (last + 1 < conditions.len()).then_some(last)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::flow::model::Test;

    fn compare(variable: &str, test: Test) -> Condition {
        Condition::Compare {
            variable: variable.into(),
            test,
        }
    }

    #[test]
    fn a_condition_and_its_negation_cover_every_call() {
        let open = compare("hour", Test::Between(9.0, 17.0));
        let closed = Condition::Not(Box::new(open.clone()));
        let vip = compare("vip", Test::Equals(json!(true)));
        assert_eq!(first_covering(&[&open, &closed, &vip]), Some(1));
        assert_eq!(first_covering(&[&open, &vip]), None);
    }

    #[test]
    fn split_ranges_cover_only_when_they_meet() {
        let low = compare("hour", Test::LessThan(12.0));
        let high = compare("hour", Test::GreaterThan(11.0));
        let missing = Condition::Not(Box::new(compare("hour", Test::Exists)));
        let not_number = compare("hour", Test::NotIn(vec![]));
        let last = compare("x", Test::Exists);
        // hour < 12 or hour > 11 leaves out missing and non-numeric hours.
        assert_eq!(first_covering(&[&low, &high, &last]), None);
        let non_numbers = Condition::Not(Box::new(Condition::Any(vec![low.clone(), high.clone()])));
        assert_eq!(first_covering(&[&low, &high, &non_numbers, &last]), Some(2));
        let gap = compare("hour", Test::GreaterThan(12.0));
        assert_eq!(first_covering(&[&low, &gap, &missing, &not_number, &last]), None);
    }

    #[test]
    fn prefixes_and_missing_variables_are_told_apart() {
        let es = compare("lang", Test::StartsWith("es".into()));
        let not_es = compare("lang", Test::NotEquals(json!("es")));
        let last = compare("x", Test::Exists);
        // A lang of "es" fails `not_es`; a non-string lang fails every string comparison.
        assert_eq!(first_covering(&[&not_es, &last]), None);
        let exactly_es = compare("lang", Test::Equals(json!("es")));
        assert_eq!(first_covering(&[&es, &not_es, &exactly_es, &last]), None);
        let other_types = Condition::Not(Box::new(compare("lang", Test::StartsWith(String::new()))));
        assert_eq!(first_covering(&[&es, &not_es, &other_types, &last]), Some(2));
    }
}
