//! Sub-scripts in a simulation: a RUNSUB or RUNSCRIPT that names a script of the repository is
//! followed. Each call gets its own copy of the called script's actions (ids and labels prefixed
//! `NAME/`), wired in: the call takes the branch `sub-script` into the copy's BEGIN (with its
//! `Parameters`); for a RUNSUB each RETURN of the copy sets the call's `ReturnVariable` and takes
//! the branch `return` back to the call, which then follows its own `Default` branch (so the
//! caller's branches are covered and drawn as its file has them). The called script runs in a
//! variable scope of its own (`Logic::Call`): its parameters, the contact's variables and `global:`
//! ones, nothing else of the caller's; only the RETURN's value comes back. A script already on a
//! call's chain is not entered again: that call stays opaque (a case mocks it) and the cycle is
//! reported.

use std::sync::Arc;

use compact_str::{CompactString, format_compact};
use rustc_hash::FxHashSet;

use crate::diagnostic::Finding;
use crate::flow::model::{Edge, ElementKind, Flow};
use crate::registry::Rule;
use crate::source::{Span, Spanned};
use crate::studio_lang::parsed::{CALL_BRANCH, Logic, RETURN_BRANCH};

/// How many scripts deep calls are followed.
pub const MAX_DEPTH: usize = 8;

/// How many actions a script and the copies of the scripts it calls may hold together; calls past
/// it stay opaque.
pub const MAX_ACTIONS: usize = 100_000;

/// What a call's `ScriptName` finds.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// The script, loaded.
    Script(Arc<Flow>),
    /// A file that is there but cannot be loaded (its own check says why).
    Unloadable,
    /// No such script beside the caller.
    Missing,
}

/// A script with the scripts it calls copied in, and what following them found.
#[derive(Debug)]
pub struct Expanded {
    pub flow: Flow,
    pub findings: Vec<Finding>,
}

/// The script a call names, by its file's name: the last part of `ScriptName` (a script called
/// `Acme\CheckVip` is `CheckVip`), when that is a plain file name.
pub fn script_file_stem(script_name: &str) -> Option<&str> {
    let stem = script_name.rsplit(['\\', '/']).next()?.trim();
    let plain = !stem.is_empty() && stem != "." && stem != ".." && !stem.contains('\0');
    plain.then_some(stem)
}

/// Whether the element is a call of another script, and whether it comes back (RUNSUB).
fn call_of(flow: &Flow, at: usize) -> Option<(&str, bool)> {
    let action = flow.elements[at].action.as_deref()?;
    let returns = match action.name.as_str() {
        "RUNSUB" => true,
        "RUNSCRIPT" => false,
        _ => return None,
    };
    Some((action.target.as_deref()?, returns))
}

/// One call still to follow: where it stands in the expanded flow, the scripts on its chain
/// (the outermost first), the prefix of the copy it stands in, and the outermost call it comes
/// from (where findings about it are located).
struct Pending {
    at: usize,
    chain: Vec<CompactString>,
    prefix: CompactString,
    outermost: usize,
}

/// The script `root` (its file stem `root_stem`) with every script it calls that `find` finds
/// copied in; `None` when it calls no script at all. `find` looks a call's `ScriptName` up.
pub fn expand(root: &Flow, root_stem: &str, find: &mut dyn FnMut(&str) -> Found) -> Option<Expanded> {
    let mut pending: Vec<Pending> = (0..root.elements.len())
        .filter(|&at| call_of(root, at).is_some())
        .map(|at| Pending {
            at,
            chain: vec![CompactString::from(root_stem)],
            prefix: CompactString::default(),
            outermost: at,
        })
        .collect();
    if pending.is_empty() {
        return None;
    }
    pending.reverse();
    let mut flow = root.clone();
    let mut findings = Vec::new();
    let mut prefixes = FxHashSet::default();
    let mut cycles_reported = FxHashSet::default();
    while let Some(call) = pending.pop() {
        let Some((name, returns)) = call_of(&flow, call.at) else {
            continue;
        };
        let name = CompactString::from(name);
        let outermost = &root.elements[call.outermost];
        let Some(stem) = script_file_stem(&name) else {
            if call.chain.len() == 1 {
                findings.push(missing(root, call.outermost, &name));
            }
            continue;
        };
        let called = match find(&name) {
            Found::Script(called) => called,
            Found::Unloadable => continue,
            Found::Missing => {
                if call.chain.len() == 1 {
                    findings.push(missing(root, call.outermost, &name));
                }
                continue;
            }
        };
        if let Some(again) = call.chain.iter().position(|s| s.eq_ignore_ascii_case(stem)) {
            if cycles_reported.insert(call.outermost) {
                let mut cycle: Vec<&str> = call.chain[again..].iter().map(CompactString::as_str).collect();
                cycle.push(stem);
                findings.push(
                    Finding::new(
                        Rule::SubScriptCycle,
                        outermost.id.span,
                        format!(
                            "{} leads into a cycle of scripts ({}): a simulation does not enter `{stem}` again, so a case that reaches that call must mock it",
                            root.describe(outermost),
                            cycle.join(" → ")
                        ),
                    )
                    .with_help("end the cycle (a RETURN instead of calling back), or mock the call in the cases that reach it"),
                );
            }
            continue;
        }
        if call.chain.len() > MAX_DEPTH || flow.elements.len() + called.elements.len() > MAX_ACTIONS {
            continue;
        }
        let mut prefix = format_compact!("{}{stem}/", call.prefix);
        for n in 2.. {
            if prefixes.insert(prefix.clone()) {
                break;
            }
            prefix = format_compact!("{}{stem}~{n}/", call.prefix);
        }
        let first = flow.elements.len();
        if !copy_in(&mut flow, call.at, &called, &prefix, returns) {
            continue;
        }
        let mut chain = call.chain.clone();
        chain.push(CompactString::from(stem));
        let nested: Vec<usize> = (first..flow.elements.len())
            .filter(|&at| call_of(&flow, at).is_some())
            .collect();
        for at in nested.into_iter().rev() {
            pending.push(Pending {
                at,
                chain: chain.clone(),
                prefix: prefix.clone(),
                outermost: call.outermost,
            });
        }
    }
    Some(Expanded { flow, findings })
}

/// CXF045 at a call of the root script.
fn missing(root: &Flow, at: usize, name: &str) -> Finding {
    let element = &root.elements[at];
    Finding::new(
        Rule::MissingSubScript,
        element.id.span,
        format!(
            "{} calls the script `{name}`, which is not beside it in the repository (NAME.json or NAME.studio.json): a simulation cannot follow it, so a case must mock the call",
            root.describe(element)
        ),
    )
    .with_help("add the called script to the repository beside its caller, or mock the call in the cases that reach it")
}

/// Copies `called` into `flow` behind the call at `at`, every copied part located at the call.
/// Returns false (and copies nothing) when `called` has no BEGIN.
fn copy_in(flow: &mut Flow, at: usize, called: &Flow, prefix: &str, returns: bool) -> bool {
    let Some(begin) = called.elements.iter().find(|e| e.kind == ElementKind::Start) else {
        return false;
    };
    let call = &flow.elements[at];
    let span = call.id.span;
    let renamed = |id: &str| Spanned::new(format_compact!("{prefix}{id}"), span);
    let call_id = call.id.clone();
    let return_variable = call.variable.clone();
    let arguments = call.action.as_ref().map(|a| a.parameters.clone()).unwrap_or_default();
    let parameters: Vec<(CompactString, CompactString)> = begin
        .action
        .as_ref()
        .map(|a| a.parameters.iter().cloned().zip(arguments).collect())
        .unwrap_or_default();
    // Set while the copy's RETURN hands back to the call: a name no Studio variable can have.
    let returned = format_compact!("{prefix}{RETURN_BRANCH}");
    // Where a RUNSUB keeps the caller's variables while the copy runs in a scope of its own.
    let caller = format_compact!("{prefix}caller");
    for element in &called.elements {
        let mut copy = element.clone();
        copy.id = renamed(&element.id.value);
        copy.span = span;
        copy.kind_span = span;
        if let Some(action) = copy.action.as_mut() {
            action.label = action.label.take().map(|label| format_compact!("{prefix}{label}"));
            if returns && action.name == "RETURN" {
                // A RETURN gives its `ReturnValue` (a variable) to the call's `ReturnVariable`.
                let value = action.target.as_deref().map(|value| {
                    let name = value.trim_start_matches('{').trim_end_matches('}');
                    format_compact!("{{{name}}}")
                });
                action.logic = Some(Box::new(Logic::Return {
                    assign: return_variable.clone().zip(value),
                    returned: returned.clone(),
                    caller: caller.clone(),
                }));
                action.branches.push(CompactString::from(RETURN_BRANCH));
                flow.edges
                    .push(edge(copy.id.clone(), &call_id.value, RETURN_BRANCH, span));
            }
        }
        flow.elements.push(copy);
    }
    for original in &called.edges {
        flow.edges.push(Edge {
            from: renamed(&original.from.value),
            to: renamed(&original.to.value),
            on: original.on.as_ref().map(|on| Spanned::new(on.value.clone(), span)),
            span,
        });
    }
    flow.edges.push(edge(
        call_id,
        &format_compact!("{prefix}{}", begin.id.value),
        CALL_BRANCH,
        span,
    ));
    if let Some(action) = flow.elements[at].action.as_mut() {
        action.logic = Some(Box::new(Logic::Call {
            parameters,
            returned,
            caller: returns.then_some(caller),
        }));
        action.branches.push(CompactString::from(CALL_BRANCH));
    }
    true
}

fn edge(from: Spanned<CompactString>, to: &str, on: &str, span: Span) -> Edge {
    Edge {
        from,
        to: Spanned::new(CompactString::from(to), span),
        on: Some(Spanned::new(CompactString::from(on), span)),
        span,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::json::Tape;
    use crate::sim::condition::Variables;
    use crate::sim::engine::{Call, Ending, Engine};
    use crate::test_script::{TestAction, script};

    fn loaded(actions: &[TestAction]) -> Arc<Flow> {
        let bytes = script(actions);
        let text = String::from_utf8(bytes).unwrap();
        Arc::new(crate::studio::load::load(Tape::parse(&text).unwrap().root()).0)
    }

    /// A caller: BEGIN, a call of `callee` (RUNSUB or RUNSCRIPT) passing `{ANI}`, then an IF on
    /// the returned `tier` to two HANGUPs.
    fn caller(call: &str, callee: &str) -> Arc<Flow> {
        loaded(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (
                2,
                call,
                json!({"ScriptName": callee, "Parameters": ["{ANI}"], "ReturnVariable": "tier"}),
                &[("", 3), ("OnError", 5)],
            ),
            (
                3,
                "IF",
                json!({"Expression": "tier = \"gold\""}),
                &[("True", 4), ("False", 5)],
            ),
            (4, "HANGUP", json!({}), &[]),
            (5, "HANGUP", json!({}), &[]),
        ])
    }

    /// A sub-script: its parameter `who` decides `level`, which its RETURN gives back.
    fn tier() -> Arc<Flow> {
        loaded(&[
            (1, "BEGIN", json!({"Parameters": ["who"]}), &[("", 2)]),
            (
                2,
                "SNIPPET",
                json!({"Data": "IF who = \"100\" { level = \"gold\" } ELSE { level = \"plain\" }"}),
                &[("", 3)],
            ),
            (3, "RETURN", json!({"ReturnValue": "level"}), &[]),
        ])
    }

    fn expanded(root: &Flow, scripts: &[(&str, Arc<Flow>)]) -> Expanded {
        let mut find = |name: &str| {
            let found = script_file_stem(name).and_then(|stem| scripts.iter().find(|(s, _)| *s == stem));
            found.map_or(Found::Missing, |(_, flow)| Found::Script(flow.clone()))
        };
        expand(root, "main", &mut find).unwrap()
    }

    fn run(flow: &Flow, ani: &str) -> Call {
        let variables = Variables::from([("ANI".to_string(), json!(ani))]);
        Engine::new(flow).run(&[], &variables)
    }

    #[test]
    fn a_runsub_runs_the_called_script_and_comes_back_with_its_return_value() {
        let main = caller("RUNSUB", r"Acme\Tier");
        let flow = expanded(&main, &[("Tier", tier())]).flow;
        let gold = run(&flow, "100");
        assert_eq!(
            gold.path(&flow),
            ["1", "2", "Tier/1", "Tier/2", "Tier/3", "2", "3", "4"],
            "into the sub-script, back to the call, on along its Default"
        );
        assert_eq!(gold.variables["tier"], json!("gold"));
        assert!(
            !gold.variables.contains_key("who") && !gold.variables.contains_key("level"),
            "the sub-script's variables end with it: {:?}",
            gold.variables
        );
        assert!(
            !gold.variables.contains_key("Tier/return"),
            "the hand-back leaves no variable"
        );
        assert_eq!(run(&flow, "200").final_element, "5");
        assert_eq!(
            flow.elements[5].action.as_ref().unwrap().label.as_deref(),
            Some("Tier/A1")
        );
        assert!(expanded(&main, &[("Tier", tier())]).findings.is_empty());
    }

    /// A sub-script that reads `tier`, which its caller has but does not pass, and assigns
    /// `level`, which its caller also uses; it returns what it saw.
    fn nosy() -> Arc<Flow> {
        loaded(&[
            (1, "BEGIN", json!({"Parameters": ["who"]}), &[("", 2)]),
            (
                2,
                "SNIPPET",
                json!({"Data": "seen = \"[{tier}]\"\nlevel = \"sub\"\nseen = \"{seen} {who} {ANI}\""}),
                &[("", 3)],
            ),
            (3, "RETURN", json!({"ReturnValue": "seen"}), &[]),
        ])
    }

    #[test]
    fn a_sub_script_sees_only_what_it_is_passed_and_leaves_the_callers_variables_alone() {
        let main = loaded(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (
                2,
                "SNIPPET",
                json!({"Data": "tier = \"gold\"\nlevel = \"caller\""}),
                &[("", 3)],
            ),
            (
                3,
                "RUNSUB",
                json!({"ScriptName": "nosy", "Parameters": ["{level}"], "ReturnVariable": "answer"}),
                &[("", 4)],
            ),
            (4, "HANGUP", json!({}), &[]),
        ]);
        let flow = expanded(&main, &[("nosy", nosy())]).flow;
        let call = run(&flow, "555");
        assert_eq!(call.final_element, "4");
        assert_eq!(
            call.variables["answer"],
            json!("[] caller 555"),
            "`tier` was not passed, so it is empty there; the parameter and ANI are seen"
        );
        assert_eq!(
            call.variables["level"],
            json!("caller"),
            "the sub-script's `level` is its own"
        );
        assert_eq!(call.variables["tier"], json!("gold"));
        assert!(!call.variables.contains_key("seen") && !call.variables.contains_key("who"));
    }

    #[test]
    fn a_call_that_ends_in_a_sub_script_reports_that_scripts_variables() {
        let main = loaded(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (2, "SNIPPET", json!({"Data": "tier = \"gold\""}), &[("", 3)]),
            (
                3,
                "RUNSUB",
                json!({"ScriptName": "ends", "Parameters": ["7"]}),
                &[("", 4)],
            ),
            (4, "HANGUP", json!({}), &[]),
        ]);
        let ends = loaded(&[
            (1, "BEGIN", json!({"Parameters": ["n"]}), &[("", 2)]),
            (2, "HANGUP", json!({}), &[]),
        ]);
        let flow = expanded(&main, &[("ends", ends)]).flow;
        let call = run(&flow, "555");
        assert_eq!(call.final_element, "ends/2");
        assert_eq!(
            call.variables.keys().collect::<Vec<_>>(),
            ["ANI", "n"],
            "the caller's scope, kept aside, is not shown"
        );
    }

    #[test]
    fn a_runscript_does_not_come_back() {
        let flow = expanded(&caller("RUNSCRIPT", "Tier"), &[("Tier", tier())]).flow;
        let call = run(&flow, "100");
        assert_eq!(call.path(&flow), ["1", "2", "Tier/1", "Tier/2", "Tier/3"]);
        assert_eq!(call.ending, Ending::ScriptEnd { label: None });
        assert!(!call.variables.contains_key("tier"));
    }

    #[test]
    fn a_mock_still_decides_a_followed_call() {
        let flow = expanded(&caller("RUNSUB", "Tier"), &[("Tier", tier())]).flow;
        let mock = |text: &str| Spanned::new(text.to_string(), Span::default());
        let call = Engine::new(&flow).run_mocked(&[], &Variables::new(), &[(mock("2"), mock("OnError"))]);
        assert_eq!(call.path(&flow), ["1", "2", "5"]);
    }

    #[test]
    fn a_call_of_a_script_not_beside_it_is_reported_and_stays_opaque() {
        let main = caller("RUNSUB", "Absent");
        let found = expanded(&main, &[]);
        assert_eq!(found.findings.len(), 1);
        assert_eq!(found.findings[0].rule, Rule::MissingSubScript);
        assert!(found.findings[0].message.contains("calls the script `Absent`"));
        assert_eq!(run(&found.flow, "100").ending, Ending::Unmocked);
        assert!(
            expand(&loaded(&[(1, "BEGIN", json!({}), &[])]), "main", &mut |_| {
                Found::Missing
            })
            .is_none()
        );
    }

    #[test]
    fn scripts_that_call_each_other_are_entered_once_and_the_cycle_is_reported() {
        let main = caller("RUNSUB", "partner");
        let partner = caller("RUNSUB", "main");
        let found = expanded(&main, &[("partner", partner.clone()), ("main", main.clone())]);
        assert_eq!(found.findings.len(), 1, "{:?}", found.findings);
        assert_eq!(found.findings[0].rule, Rule::SubScriptCycle);
        assert!(found.findings[0].message.contains("(main → partner → main)"));
        let call = run(&found.flow, "100");
        assert_eq!(call.path(&found.flow), ["1", "2", "partner/1", "partner/2"]);
        assert_eq!(call.ending, Ending::Unmocked, "a clear stop, not a loop");
        let calls_itself = caller("RUNSUB", "main");
        let found = expanded(&calls_itself, &[("main", calls_itself.clone())]);
        assert!(
            found.findings[0].message.contains("(main → main)"),
            "{:?}",
            found.findings
        );
    }

    #[test]
    fn two_calls_of_one_script_get_a_copy_each() {
        let main = loaded(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (
                2,
                "RUNSUB",
                json!({"ScriptName": "Tier", "Parameters": ["{ANI}"]}),
                &[("", 3)],
            ),
            (
                3,
                "RUNSUB",
                json!({"ScriptName": "Tier", "Parameters": ["100"], "ReturnVariable": "tier"}),
                &[("", 4)],
            ),
            (4, "HANGUP", json!({}), &[]),
        ]);
        let flow = expanded(&main, &[("Tier", tier())]).flow;
        let call = run(&flow, "7");
        assert_eq!(
            call.path(&flow),
            [
                "1", "2", "Tier/1", "Tier/2", "Tier/3", "2", "3", "Tier~2/1", "Tier~2/2", "Tier~2/3", "3", "4"
            ]
        );
        assert_eq!(call.variables["tier"], json!("gold"));
    }
}
