//! Representative values: every comparison in a set of routing conditions splits a variable's
//! values into a few classes (missing, each constant, the gaps between numeric constants, a string
//! extending each prefix, one fresh value per JSON type), so one value per class decides every
//! condition for all values. The shadowed-rule check and the case generator both use them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::flow::model::{Condition, Test};
use crate::sim::condition::Variables;

/// A variable and one value per class (`None`: missing).
pub type Classes = (String, Vec<Option<Value>>);

/// The classes of every variable the conditions compare, by variable name.
pub fn value_classes(conditions: &[&Condition]) -> Vec<Classes> {
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
    variables
        .into_iter()
        .map(|variable| {
            let values = representatives(
                constants.get(variable).map(Vec::as_slice).unwrap_or_default(),
                numbers.get(variable).map(Vec::as_slice).unwrap_or_default(),
                prefixes.get(variable).map(Vec::as_slice).unwrap_or_default(),
            );
            (variable.to_string(), values)
        })
        .collect()
}

/// How many combinations the classes make, if that fits a `usize`.
pub fn combinations(classes: &[Classes]) -> Option<usize> {
    classes
        .iter()
        .try_fold(1usize, |n, (_, values)| n.checked_mul(values.len()))
}

/// The `index`-th combination of one value per variable (`None`: the variable is missing).
pub fn combination(classes: &[Classes], mut index: usize) -> Variables {
    let mut call = Variables::new();
    for (variable, values) in classes {
        if let Some(value) = &values[index % values.len()] {
            call.insert(variable.clone(), value.clone());
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
pub fn representatives(constants: &[&Value], numbers: &[f64], prefixes: &[&str]) -> Vec<Option<Value>> {
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
