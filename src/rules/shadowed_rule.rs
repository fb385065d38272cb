//! CXF020 shadowed-rule: a routing rule that can never fire because earlier rules always match.
//!
//! Decided by evaluation on representative values: every comparison splits a variable's values into
//! a few classes (missing, each constant, the gaps between numeric constants, a string extending each
//! prefix, one fresh value per JSON type), so trying one value per class for every variable decides
//! whether the earlier conditions cover all calls. Where the product is too large, nothing is said.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::{Condition, ElementKind, Test};
use crate::registry::Rule;
use crate::sim::condition::{Variables, holds};

/// Beyond this many combinations of representative values the question is left undecided.
const MAX_COMBINATIONS: usize = 20_000;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, element) in cx.flow.elements.iter().enumerate() {
        if element.kind != ElementKind::Routing {
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
    let mut constants: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    let mut numbers: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut prefixes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for condition in conditions {
        collect(condition, &mut constants, &mut numbers, &mut prefixes);
    }
    let variables: BTreeSet<&str> = constants
        .keys()
        .chain(numbers.keys())
        .chain(prefixes.keys())
        .copied()
        .collect();
    let mut classes: Vec<(&str, Vec<Option<Value>>)> = Vec::new();
    let mut combinations = 1usize;
    for variable in variables {
        let values = representatives(
            constants.get(variable).map(Vec::as_slice).unwrap_or_default(),
            numbers.get(variable).map(Vec::as_slice).unwrap_or_default(),
            prefixes.get(variable).map(Vec::as_slice).unwrap_or_default(),
        );
        combinations = combinations
            .checked_mul(values.len())
            .filter(|&c| c <= MAX_COMBINATIONS)?;
        classes.push((variable, values));
    }
    let mut covered_by = vec![None; combinations];
    for (index, slot) in covered_by.iter_mut().enumerate() {
        let call = combination(&classes, index);
        *slot = Some(conditions.iter().position(|c| holds(c, &call))?);
    }
    covered_by
        .into_iter()
        .max()
        .flatten()
        .filter(|&last| last + 1 < conditions.len())
}

fn combination(classes: &[(&str, Vec<Option<Value>>)], mut index: usize) -> Variables {
    let mut call = Variables::new();
    for (variable, values) in classes {
        if let Some(value) = &values[index % values.len()] {
            call.insert(variable.to_string(), value.clone());
        }
        index /= values.len();
    }
    call
}

fn collect<'c>(
    condition: &'c Condition,
    constants: &mut BTreeMap<&'c str, Vec<&'c Value>>,
    numbers: &mut BTreeMap<&'c str, Vec<f64>>,
    prefixes: &mut BTreeMap<&'c str, Vec<&'c str>>,
) {
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            for part in parts {
                collect(part, constants, numbers, prefixes);
            }
        }
        Condition::Not(inner) => collect(inner, constants, numbers, prefixes),
        Condition::Compare { variable, test } => {
            let variable = variable.as_str();
            constants.entry(variable).or_default();
            match test {
                Test::Equals(v) | Test::NotEquals(v) => constants.entry(variable).or_default().push(v),
                Test::In(list) | Test::NotIn(list) => constants.entry(variable).or_default().extend(list),
                Test::GreaterThan(n) | Test::LessThan(n) => numbers.entry(variable).or_default().push(*n),
                Test::Between(lo, hi) => numbers.entry(variable).or_default().extend([*lo, *hi]),
                Test::StartsWith(p) => prefixes.entry(variable).or_default().push(p),
                Test::Exists => {}
            }
        }
    }
}

/// One value per class a variable's comparisons can tell apart; `None` is "missing".
fn representatives(constants: &[&Value], numbers: &[f64], prefixes: &[&str]) -> Vec<Option<Value>> {
    let mut points: Vec<f64> = numbers
        .iter()
        .copied()
        .chain(constants.iter().filter_map(|v| v.as_f64()))
        .collect();
    points.sort_by(f64::total_cmp);
    points.dedup();
    let mut values: Vec<Value> = vec![json!(null), json!(true), json!(false), json!({}), json!("\u{1}")];
    values.extend(constants.iter().map(|v| (*v).clone()));
    values.extend(prefixes.iter().flat_map(|p| [json!(p), json!(format!("{p}\u{1}"))]));
    match (points.first(), points.last()) {
        (Some(lo), Some(hi)) => {
            values.push(json!(lo - 1.0));
            values.push(json!(hi + 1.0));
            values.extend(points.iter().map(|p| json!(p)));
            values.extend(points.windows(2).map(|w| json!((w[0] + w[1]) / 2.0)));
        }
        _ => values.push(json!(0)),
    }
    let mut unique: Vec<Value> = Vec::with_capacity(values.len());
    for value in values {
        if !unique.contains(&value) {
            unique.push(value);
        }
    }
    std::iter::once(None).chain(unique.into_iter().map(Some)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compare(variable: &str, test: Test) -> Condition {
        Condition::Compare {
            variable: variable.to_string(),
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
