//! A Studio script's own logic as a simulation runs it: what an IF, CASE, SNIPPET or ASSIGN says,
//! read once from its properties (constructs outside the simulated subset reported where they
//! stand), and the branch each takes given a call's variables.

use compact_str::CompactString;
use serde_json::Value as Json;

use crate::diagnostic::Finding;
use crate::flow::model::{Element, Flow, Variables as CallVariables};
use crate::registry::Rule;
use crate::source::{Span, Spanned};
use crate::studio_lang::expr::{self, AssignType, Comparison, ExprError};
use crate::studio_lang::parsed::{CALL_BRANCH, LOOP_REPEATS, Logic, RETURN_BRANCH, SNIPPET_ERROR};
use crate::studio_lang::snippet::{self, Budget, SnippetError};
use crate::studio_lang::value::{Value, Variables, is_contact_variable};

/// Parses the logic of every IF, CASE, SNIPPET and ASSIGN of a script; a construct outside the
/// subset is a finding (CXF041) at its property, and that action stays opaque (a case mocks it).
pub fn parse_all(flow: &mut Flow, findings: &mut Vec<Finding>) {
    for element in &mut flow.elements {
        let Some(action) = element.action.as_mut() else {
            continue;
        };
        let Some(source) = action.logic_source.take() else {
            continue;
        };
        let Some(text) = source.text else { continue };
        let parsed = match action.name.as_str() {
            "IF" => expr::parse(&text.value).map(Logic::If).map_err(Located::Expr),
            "CASE" => {
                let name = text.value.trim().trim_start_matches('{').trim_end_matches('}').trim();
                Ok(Logic::Case(CompactString::from(name)))
            }
            "LOOP" => Ok(Logic::Loop(text.value.clone())),
            "SNIPPET" => snippet::parse(&text.value)
                .map(Logic::Snippet)
                .map_err(Located::Snippet),
            "ASSIGN" => {
                let kind = source.assign_type.as_deref().and_then(AssignType::from_property);
                let dynamic = kind == Some(AssignType::Numeric) || text.value.contains('{');
                match kind.filter(|_| dynamic).or(dynamic.then_some(AssignType::String)) {
                    Some(kind) => Ok(Logic::Assign {
                        value: text.value.clone(),
                        kind,
                    }),
                    None => continue,
                }
            }
            _ => continue,
        };
        match parsed {
            Ok(logic) => action.logic = Some(Box::new(logic)),
            Err(error) => findings.push(outside_subset(&action.describe(&element.id.value), &text, &error)),
        }
    }
}

/// Why a text is not simulated.
enum Located {
    Expr(ExprError),
    Snippet(SnippetError),
}

fn outside_subset(action: &str, text: &Spanned<CompactString>, error: &Located) -> Finding {
    let (message, range) = match error {
        Located::Expr(error) => (error.to_string(), error.span()),
        Located::Snippet(error) => (error.to_string(), error.span()),
    };
    // The finding is located: the byte range the error names is left out of its words.
    let message = message
        .rsplit_once(" (bytes ")
        .map_or(message.as_str(), |(words, _)| words);
    // The text is a JSON string: its bytes start one past the opening quote, when it has no escapes.
    let plain = text.span.end() - text.span.start() == text.value.len() + 2;
    let span = if plain && range.end <= text.value.len() {
        let start = text.span.start() + 1;
        Span::new(start + range.start, start + range.end.max(range.start + 1))
    } else {
        text.span
    };
    Finding::new(
        Rule::UnsimulatedLogic,
        span,
        format!("{action}: {message}; a simulation takes its branch from the case's `mock`"),
    )
    .with_help("keep to the subset docs/studio.md lists, or mock this action in the cases that reach it")
}

/// The branch an action's logic takes with `variables` (which an ASSIGN or SNIPPET changes), or
/// `None` when this call's values take it outside the subset (a case must mock it).
pub fn decide(logic: &Logic, element: &Element, variables: &mut CallVariables) -> Option<CompactString> {
    let mut studio = studio_variables(variables);
    match logic {
        Logic::If(expr) => {
            let holds = expr.is_true(&studio).ok()?;
            Some(CompactString::from(if holds { "True" } else { "False" }))
        }
        Logic::Case(name) => {
            let value = studio.read(name);
            let branches = element.action.as_ref().map_or(&[][..], |a| &a.branches[..]);
            let hit = branches
                .iter()
                .find(|label| *label != "default" && Value::Text(label.to_string()).equals(&value));
            Some(hit.cloned().unwrap_or_else(|| CompactString::from("default")))
        }
        Logic::Snippet(code) => {
            let outcome = code.run(&mut studio, Budget::default()).ok()?;
            write_back(&studio, variables);
            Some(CompactString::from(match outcome {
                snippet::Outcome::Completed => "default",
                snippet::Outcome::Failed { .. } => SNIPPET_ERROR,
            }))
        }
        Logic::Assign { value, kind } => {
            let name = element.variable.as_deref()?;
            let value = expr::assign_value(value, *kind, &studio).ok()?;
            set(variables, name, &value);
            Some(CompactString::from("default"))
        }
        Logic::Loop(repeat) => {
            let repeat = expr::assign_value(repeat, AssignType::Numeric, &studio)
                .ok()?
                .as_number()?;
            let branches = element.action.as_ref().map_or(&[][..], |a| &a.branches[..]);
            let branch = |names: [&str; 2]| {
                branches
                    .iter()
                    .find(|label| names.iter().any(|name| label.eq_ignore_ascii_case(name)))
                    .cloned()
            };
            // How many times this call took the repeat branch, kept beside its variables.
            let counter = format!("{}/{LOOP_REPEATS}", element.id.value);
            let done = variables.get(&counter).and_then(Json::as_f64).unwrap_or(0.0);
            if done < repeat {
                variables.insert(counter, Json::from(done as u64 + 1));
                if let Some(name) = element.variable.as_deref() {
                    set(variables, name, &Value::Number(done + 1.0));
                }
                branch(["Repeat", "OnRepeat"])
            } else {
                variables.remove(&counter);
                branch(["Finished", "OnFinished"])
            }
        }
        Logic::Call {
            parameters,
            returned,
            caller,
        } => {
            if variables.remove(returned.as_str()).is_some() {
                return Some(CompactString::from("default"));
            }
            let values = parameters
                .iter()
                .map(|(_, value)| expr::assign_value(value, AssignType::String, &studio).ok())
                .collect::<Option<Vec<Value>>>()?;
            let outer = std::mem::take(variables);
            *variables = shared(&outer);
            if let Some(caller) = caller {
                variables.insert(caller.to_string(), Json::Object(outer.into_iter().collect()));
            }
            for ((name, _), value) in parameters.iter().zip(&values) {
                set(variables, name, value);
            }
            Some(CompactString::from(CALL_BRANCH))
        }
        Logic::Return {
            assign,
            returned,
            caller,
        } => {
            let value = match assign {
                Some((name, value)) => Some((name, expr::assign_value(value, AssignType::String, &studio).ok()?)),
                None => None,
            };
            if let Some(Json::Object(outer)) = variables.remove(caller.as_str()) {
                let inner = std::mem::replace(variables, outer.into_iter().collect());
                for (name, value) in shared(&inner) {
                    variables.retain(|existing, _| !existing.eq_ignore_ascii_case(&name));
                    variables.insert(name, value);
                }
            }
            if let Some((name, value)) = value {
                set(variables, name, &value);
            }
            variables.insert(returned.to_string(), Json::Bool(true));
            Some(CompactString::from(RETURN_BRANCH))
        }
    }
}

/// The comparisons of a variable with a literal in an action's logic: the classes case generation
/// picks starting values from.
pub fn comparisons(logic: &Logic, element: &Element) -> Vec<Comparison> {
    match logic {
        Logic::If(expr) => expr.comparisons(),
        Logic::Snippet(code) => code.comparisons(),
        Logic::Case(name) => element
            .action
            .iter()
            .flat_map(|a| &a.branches)
            .filter(|label| *label != "default")
            .map(|label| Comparison {
                variable: name.to_string(),
                op: expr::CompareOp::Eq,
                literal: Value::Text(label.to_string()),
            })
            .collect(),
        Logic::Assign { .. } | Logic::Loop(_) | Logic::Call { .. } | Logic::Return { .. } => Vec::new(),
    }
}

/// The variables a followed call passes whole (`{ANI}`), as (the called script's parameter, the
/// caller's variable).
pub fn passed_variables(logic: &Logic) -> Vec<(&str, &str)> {
    let Logic::Call { parameters, .. } = logic else {
        return Vec::new();
    };
    parameters
        .iter()
        .filter_map(|(name, value)| {
            let variable = value.trim().strip_prefix('{')?.strip_suffix('}')?;
            Some((name.as_str(), variable.trim()))
        })
        .collect()
}

/// The variables every script of a call sees: the contact's and `global:` ones (NICE's Runsub
/// page: a subscript's variables are dropped when it ends "unless they are global").
fn shared(variables: &CallVariables) -> CallVariables {
    variables
        .iter()
        .filter(|(name, _)| is_contact_variable(name) || is_global(name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

fn is_global(name: &str) -> bool {
    name.get(..7).is_some_and(|scope| scope.eq_ignore_ascii_case("global:"))
}

/// Whether a call's variable is a caller's scope a followed RUNSUB keeps aside, not Studio's.
pub fn is_kept_scope(name: &str, value: &Json) -> bool {
    name.contains('/') && value.is_object()
}

/// A call's variables as Studio's expressions read them.
fn studio_variables(variables: &CallVariables) -> Variables {
    variables
        .iter()
        .filter(|(name, value)| !is_kept_scope(name, value))
        .map(|(name, value)| {
            let value = match value {
                Json::String(text) => Value::Text(text.clone()),
                Json::Number(number) => number
                    .as_f64()
                    .map_or_else(|| Value::Text(number.to_string()), Value::Number),
                Json::Bool(flag) => Value::Bool(*flag),
                Json::Null => Value::empty(),
                other => Value::Text(other.to_string()),
            };
            (name.as_str(), value)
        })
        .collect()
}

/// Every variable a snippet left, back into the call's (a name in another case replaces it).
fn write_back(studio: &Variables, variables: &mut CallVariables) {
    for (name, value) in studio.iter() {
        set(variables, name, value);
    }
}

fn set(variables: &mut CallVariables, name: &str, value: &Value) {
    variables.retain(|existing, _| !existing.eq_ignore_ascii_case(name));
    let json = match value {
        Value::Text(text) => Json::String(text.clone()),
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Number(number) if number.fract() == 0.0 && number.abs() < 9e15 => Json::from(*number as i64),
        Value::Number(number) => serde_json::Number::from_f64(*number).map_or(Json::Null, Json::Number),
    };
    variables.insert(name.to_string(), json);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::json::Tape;
    use crate::sim::condition::Variables;
    use crate::sim::engine::Engine;
    use crate::test_script::script;

    #[test]
    fn a_loop_takes_its_repeat_branch_repeat_times_then_its_finished_branch() {
        let bytes = script(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (
                2,
                "LOOP",
                json!({"Repeat": "{tries}", "CounterName": "attempt"}),
                &[("Repeat", 3), ("Finished", 4)],
            ),
            (3, "PLAY", json!({"Sequence": "\"%Try again\""}), &[("", 2)]),
            (4, "HANGUP", json!({}), &[]),
        ]);
        let text = String::from_utf8(bytes).unwrap();
        let flow = crate::studio::load::load(Tape::parse(&text).unwrap().root()).0;
        let variables = Variables::from([("tries".to_string(), json!(2))]);
        let call = Engine::new(&flow).run(&[], &variables);
        assert_eq!(call.path(&flow), ["1", "2", "3", "2", "3", "2", "4"]);
        assert_eq!(call.variables["attempt"], json!(2));
        assert!(
            !call.variables.contains_key("2/repeats"),
            "the count starts again after Finished"
        );
    }
}
