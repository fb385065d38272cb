//! Evaluates routing conditions against a call's variables, exactly as the spec defines it.

use serde_json::Value;

pub use crate::flow::model::Variables;
use crate::flow::model::{Condition, Test};

/// Whether a condition holds. A variable the call lacks makes a comparison false, except
/// `notEquals`/`notIn`, which are true; values of different JSON types never compare (false).
pub fn holds(condition: &Condition, variables: &Variables) -> bool {
    match condition {
        Condition::All(parts) => parts.iter().all(|c| holds(c, variables)),
        Condition::Any(parts) => parts.iter().any(|c| holds(c, variables)),
        Condition::Not(inner) => !holds(inner, variables),
        Condition::Compare { variable, test } => match variables.get(variable.as_str()) {
            None => matches!(test, Test::NotEquals(_) | Test::NotIn(_)),
            Some(value) => test_holds(test, value),
        },
    }
}

fn test_holds(test: &Test, value: &Value) -> bool {
    let number = value.as_f64();
    match test {
        Test::Exists => true,
        Test::Equals(c) => same_type(value, c) && json_equal(value, c),
        Test::NotEquals(c) => same_type(value, c) && !json_equal(value, c),
        Test::In(list) => list.iter().any(|c| same_type(value, c) && json_equal(value, c)),
        Test::NotIn(list) => {
            list.iter().any(|c| same_type(value, c))
                && !list.iter().any(|c| same_type(value, c) && json_equal(value, c))
        }
        Test::GreaterThan(c) => number.is_some_and(|n| n > *c),
        Test::LessThan(c) => number.is_some_and(|n| n < *c),
        Test::Between(lo, hi) => number.is_some_and(|n| *lo <= n && n <= *hi),
        Test::StartsWith(prefix) => value.as_str().is_some_and(|s| s.starts_with(prefix.as_str())),
    }
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// JSON equality where numbers compare by value (`10` equals `10.0`).
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compare(variable: &str, test: Test) -> Condition {
        Condition::Compare {
            variable: variable.into(),
            test,
        }
    }

    fn vars(value: Value) -> Variables {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn missing_variables_are_false_except_negations() {
        let none = Variables::new();
        assert!(!holds(&compare("hour", Test::Equals(json!(1))), &none));
        assert!(!holds(&compare("hour", Test::Exists), &none));
        assert!(!holds(&compare("hour", Test::Between(9.0, 17.0)), &none));
        assert!(holds(&compare("hour", Test::NotEquals(json!(1))), &none));
        assert!(holds(&compare("hour", Test::NotIn(vec![json!(1)])), &none));
    }

    #[test]
    fn mixed_types_never_compare() {
        let v = vars(json!({"hour": "10", "vip": true}));
        assert!(!holds(&compare("hour", Test::Equals(json!(10))), &v));
        assert!(!holds(&compare("hour", Test::NotEquals(json!(10))), &v));
        assert!(!holds(&compare("hour", Test::GreaterThan(1.0)), &v));
        assert!(!holds(&compare("vip", Test::StartsWith("t".into())), &v));
        assert!(!holds(&compare("hour", Test::NotIn(vec![json!(1), json!(2)])), &v));
        assert!(holds(&compare("hour", Test::NotIn(vec![json!("9"), json!(2)])), &v));
    }

    #[test]
    fn between_is_inclusive_and_numbers_compare_by_value() {
        for (hour, expected) in [(8.0, false), (9.0, true), (17.0, true), (17.5, false)] {
            let v = vars(json!({ "hour": hour }));
            assert_eq!(
                holds(&compare("hour", Test::Between(9.0, 17.0)), &v),
                expected,
                "{hour}"
            );
        }
        let v = vars(json!({"hour": 10}));
        assert!(holds(&compare("hour", Test::Equals(json!(10.0))), &v));
        assert!(holds(&compare("hour", Test::In(vec![json!("a"), json!(10)])), &v));
    }

    #[test]
    fn combinators_compose() {
        let v = vars(json!({"lang": "es-MX", "hour": 20}));
        let spanish = compare("lang", Test::StartsWith("es".into()));
        let open = compare("hour", Test::Between(9.0, 17.0));
        assert!(holds(
            &Condition::All(vec![spanish.clone(), Condition::Not(Box::new(open.clone()))]),
            &v
        ));
        assert!(!holds(&Condition::All(vec![spanish.clone(), open.clone()]), &v));
        assert!(holds(&Condition::Any(vec![open, spanish]), &v));
    }
}
