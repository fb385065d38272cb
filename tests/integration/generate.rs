//! Generated cases: on the examples they pass and cover every edge, byte for byte the same on every
//! run; `--update` keeps people's cases and shows what changed for callers; on random flows every
//! generated case passes and nothing a brute-force search reaches is reported unreachable.

use std::collections::BTreeSet;
use std::path::Path;

use cxone_flow::flow::model::Flow;
use cxone_flow::generate::{Goal, Target, generate};
use cxone_flow::sim::engine::{Ending, Engine, Outcome};
use cxone_flow::sim::run::DEFAULT_MAX_EXECUTION_MS;
use proptest::prelude::*;

use crate::differential::{random_flow, variables};
use crate::engine::flow;
use crate::run;

/// An example flow and its tests file as people wrote it (without its generated cases).
fn copy_example(dir: &Path, name: &str) {
    for suffix in [".flow.json", ".tests.json"] {
        let file = format!("{name}{suffix}");
        std::fs::write(dir.join(&file), crate::hand_written_example(&file)).unwrap();
    }
}

#[test]
fn the_examples_generated_cases_pass_cover_every_edge_and_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["main-ivr", "card-activation"] {
        copy_example(dir.path(), name);
        std::fs::remove_file(dir.path().join(format!("{name}.tests.json"))).unwrap();
        let flow = format!("{name}.flow.json");
        let (code, first, err) = run(dir.path(), &["cases", "generate", &flow]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("(0 unreachable by input;"), "{err}");
        let (_, second, _) = run(dir.path(), &["cases", "generate", &flow]);
        assert_eq!(first, second, "the same flow gives the same file");
        // --out writes that file instead of printing it (creating its folder).
        let (code, out, _) = run(dir.path(), &["cases", "generate", &flow, "--out", "out/generated.json"]);
        assert_eq!((code, out.as_str()), (0, "wrote out/generated.json\n"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out/generated.json")).unwrap(),
            first
        );
        std::fs::write(dir.path().join(format!("{name}.tests.json")), &first).unwrap();
    }
    let (code, out, err) = run(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["casesFailed"], 0);
    assert!(
        report["summary"]["casesTotal"].as_u64().unwrap() >= 10,
        "{}",
        report["summary"]
    );
    assert_eq!(report["summary"]["coverage"], 100.0, "every element is visited");
}

#[test]
fn update_keeps_people_s_cases_and_shows_what_an_edit_changes_for_callers() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path(), "card-activation");
    let tests = dir.path().join("card-activation.tests.json");
    let written = std::fs::read_to_string(&tests).unwrap();
    let (code, out, err) = run(
        dir.path(),
        &["cases", "generate", "card-activation.flow.json", "--update"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("added: "), "{out}");
    let merged = std::fs::read_to_string(&tests).unwrap();
    let people = &written[written.find("[").unwrap() + 1..written.rfind("]").unwrap()];
    assert!(
        merged.contains(people.trim()),
        "the cases people wrote are kept as written:\n{merged}"
    );
    assert_eq!(run(dir.path(), &["check", "."]).0, 0);

    // An edit of the flow: the generated cases now fail the check, saying what callers hear...
    let flow = dir.path().join("card-activation.flow.json");
    let edited = std::fs::read_to_string(&flow).unwrap().replace(
        r#"{"from": "card_status", "to": "activated", "on": "default"}"#,
        r#"{"from": "card_status", "to": "agent", "on": "default"}"#,
    );
    std::fs::write(&flow, edited).unwrap();
    let (code, out, _) = run(dir.path(), &["check", "."]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("→ goodbye") || out.contains("expected"), "{out}");
    // The job summary of the run lists each changed generated case with both paths.
    let action = crate::action::run_action(dir.path(), &[("GITHUB_EVENT_NAME", "push"), ("INPUT_PATHS", ".")]);
    assert_eq!(action.code, 1, "{}", action.stdout);
    let block = action
        .summary
        .split("\n**")
        .find(|b| b.starts_with("1111 at card\\_digits → goodbye**"))
        .unwrap_or_else(|| panic!("{}", action.summary));
    assert!(
        block.contains("expected: start → intro → card_digits → card_status → activated → goodbye"),
        "{block}"
    );
    assert!(
        block.contains("actual:   start → intro → card_digits → card_status → agent"),
        "{block}"
    );
    // ...and a regeneration shows the change, case by case.
    let (code, out, err) = run(
        dir.path(),
        &["cases", "generate", "card-activation.flow.json", "--update"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("changed: ") && out.contains("was: ") && out.contains("now: "),
        "{out}"
    );
    assert!(std::fs::read_to_string(&tests).unwrap().contains(people.trim()));
}

#[test]
fn a_flow_with_errors_gets_no_cases_but_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.flow.json"),
        r#"{"flowId": "a", "elements": [{"id": "start", "type": "start"}], "edges": [{"from": "start", "to": "x"}]}"#,
    )
    .unwrap();
    let (code, out, err) = run(dir.path(), &["cases", "generate", "a.flow.json"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("error[CXF002]") && err.contains("fix them before generating"),
        "{out}{err}"
    );
}

/// The targets one call reaches, as the generator counts them.
fn reached(flow: &Flow, engine_rules: &[Vec<usize>], call: &cxone_flow::sim::engine::Call) -> BTreeSet<Target> {
    let mut out = BTreeSet::new();
    for step in &call.steps {
        if let Some(edge) = step.edge {
            out.insert(Target::Edge(edge));
        }
        if let Outcome::Rule(i) = step.outcome {
            out.insert(Target::Rule(engine_rules[step.element][i]));
        }
    }
    let _ = flow;
    out
}

/// The routing rules the engine tries at each element (the first element of an id; with a condition).
fn engine_rules(flow: &Flow) -> Vec<Vec<usize>> {
    flow.elements
        .iter()
        .enumerate()
        .map(|(i, element)| {
            let first = flow.elements.iter().position(|e| e.id.value == element.id.value) == Some(i);
            flow.routing_rules
                .iter()
                .enumerate()
                .filter(|(_, r)| first && r.element.value == element.id.value && r.condition.is_some())
                .map(|(r, _)| r)
                .collect()
        })
        .collect()
}

/// Every call of up to three entries from a fixed alphabet, with starting variables from a grid.
fn brute_force(flow: &Flow) -> BTreeSet<Target> {
    const ENTRIES: [&str; 7] = ["", "1", "2", "#", "12", "1234", "*"];
    let engine = Engine::new(flow);
    let rules = engine_rules(flow);
    let mut sequences: Vec<Vec<String>> = vec![Vec::new()];
    for length in 1..=3 {
        let count = ENTRIES.len().pow(length);
        for mut n in 0..count {
            let mut seq = Vec::new();
            for _ in 0..length {
                seq.push(ENTRIES[n % ENTRIES.len()].to_string());
                n /= ENTRIES.len();
            }
            sequences.push(seq);
        }
    }
    let mut reached_all = BTreeSet::new();
    for hour in [None, Some(0), Some(4), Some(8), Some(12), Some(16), Some(20), Some(23)] {
        for lang in [None, Some("es"), Some("e"), Some("en")] {
            for vip in [None, Some(true), Some(false)] {
                let vars = variables(hour, lang, vip);
                for seq in &sequences {
                    let call = engine.run(seq, &vars);
                    if call.ending != Ending::Loop {
                        reached_all.extend(reached(flow, &rules, &call));
                    }
                }
            }
        }
    }
    reached_all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_cases_pass_and_every_target_is_covered_or_explained(text in random_flow()) {
        let flow = flow(&text);
        let generated = generate(&flow, Goal::Edges, 10_000);
        let engine = Engine::new(&flow);
        for case in &generated.cases {
            let call = engine.run(&case.input.dtmf, &case.input.variables);
            let path: Vec<String> = call.path(&flow).into_iter().map(str::to_string).collect();
            prop_assert_eq!(&call.final_element, &case.expect.final_element, "{}", case.name);
            prop_assert_eq!(&path, &case.expect.path, "{}", case.name);
            prop_assert!(call.ending != Ending::Loop, "{} loops", case.name);
            let limit = case.expect.max_execution_ms.unwrap_or(DEFAULT_MAX_EXECUTION_MS);
            prop_assert!(call.execution_time <= limit);
        }
        prop_assert_eq!(generated.covered + generated.unreachable.len(), generated.targets);
    }

    /// What a brute-force search (every entry sequence up to three long, every combination of a
    /// spread of variable values) reaches, the generator never calls unreachable. The failures this
    /// test found are kept in tests/proptest-regressions/generate.txt.
    #[test]
    fn nothing_reachable_is_called_unreachable(text in random_flow()) {
        let flow = flow(&text);
        let generated = generate(&flow, Goal::Edges, 10_000);
        let unreachable: BTreeSet<Target> = generated.unreachable.iter().map(|u| u.target).collect();
        let brute = brute_force(&flow);
        let wrongly = brute.intersection(&unreachable).collect::<Vec<_>>();
        prop_assert!(wrongly.is_empty(), "reported unreachable but reached: {:?}\n{}", wrongly, text);
    }
}

#[test]
fn generated_cases_cover_every_branch_of_a_script_and_the_sub_script_it_calls_without_mocks() {
    let dir = tempfile::tempdir().unwrap();
    // caller.json: a RUNSUB of `Acme\tier` passing `{ANI}`, then an IF on the `level` it returns
    // and, when it is not gold, a CASE on it (`silver`, else Default); tier.json: a SNIPPET on its
    // parameter `who` sets `level`, its RETURN gives it back.
    for name in ["caller.json", "tier.json"] {
        std::fs::copy(crate::fixture("subscripts").join(name), dir.path().join(name)).unwrap();
    }
    let (code, cases, err) = run(dir.path(), &["cases", "generate", "caller.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("(0 unreachable by input;"), "{err}");
    assert!(!cases.contains("\"mock\""), "the logic decides every branch: {cases}");
    assert!(
        cases.contains("6175550100"),
        "the gold caller, through the call's parameter: {cases}"
    );
    assert!(
        cases.contains("6175550199"),
        "the silver caller reaches the CASE's `silver` branch: {cases}"
    );
    std::fs::write(dir.path().join("caller.tests.json"), &cases).unwrap();
    let (code, out, err) = run(dir.path(), &["check", "caller.json", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["casesFailed"], 0, "{out}");
    assert_eq!(
        report["summary"]["coverage"], 100.0,
        "the caller's and the sub-script's actions: {out}"
    );
}

#[test]
fn a_sub_script_runs_in_its_own_variable_scope_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    // scoped.json sets `tier` and `level`, passes `{level}` to `Acme\nosy` and checks on return
    // that `answer` is "[] caller" and its own variables are as it left them; nosy.json reads
    // `tier` (not passed) and its parameter `who` into `seen`, assigns its own `level` and
    // returns `seen`.
    for name in ["scoped.json", "nosy.json"] {
        std::fs::copy(crate::fixture("subscripts").join(name), dir.path().join(name)).unwrap();
    }
    let cases = r#"{"cases": [{"name": "scopes are kept apart", "expect": {"finalElement": "Kept", "variables": {"answer": "[] caller", "level": "caller"}}}]}"#;
    std::fs::write(dir.path().join("scoped.tests.json"), cases).unwrap();
    let (code, out, err) = run(dir.path(), &["check", "scoped.json", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["casesFailed"], 0, "{out}{err}");
    assert_eq!(report["files"][0]["cases"][0]["passed"], true, "{out}");
    assert_eq!(report["files"][0]["cases"][0]["finalElement"], "5", "{out}");
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = run(dir.path(), &["check", "nosy.json"]);
    assert!(
        out.contains("CXF042") && out.contains("`tier`"),
        "the sub-script's own check says `tier` is never given to it: {out}"
    );
}
