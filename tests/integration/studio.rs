//! Studio scripts as a user meets them: found among other JSON, located diagnostics, the meaning
//! of each known action in a simulation, mocked opaque actions, and every report of a PR run.

use std::fs;
use std::path::Path;

use cxone_flow::check::{CaseResult, CheckReport, Settings, check};
use cxone_flow::discover::discover;
use serde_json::{Value, json};

use crate::action::run_action;
use crate::{root, run};

const BEGIN: &str = "b2f794c5-0232-40e7-9830-76d573bf57d7";
const PLAY: &str = "b1b9a2dd-65b6-4626-9cf5-9cfa69cf59e2";
const MENU: &str = "daee9c00-12ce-4222-a42e-307c37d53b7f";
const ASSIGN: &str = "9015c095-98d9-441f-bf92-e90f5c5ed8c8";
const REQAGENT: &str = "689a4a1b-fa0d-47b3-9a02-cbeb4735f08f";
const MUSIC: &str = "dbcc742b-28d8-42d1-9d95-0d9abf20b04b";
const HANGUP: &str = "b64a6796-4f66-4b1b-a9b5-3af926ab4b7c";

fn action(id: u32, guid: &str, name: &str, label: &str) -> (String, Value) {
    let at = id as i64 * 100;
    let value = json!({"actionId": id, "libraryId": guid, "name": name, "label": label,
        "x": at, "y": 0, "xws": at, "yws": 0});
    (id.to_string(), value)
}

fn branch(to: u32, label: &str) -> Value {
    let kind = if label == "Default" { "default" } else { "case" };
    json!({"to": to, "label": label, "type": kind})
}

/// A script exercising every known action and one opaque one:
/// BEGIN 1 → PLAY 2 (DetectDTMF, 10 words) → MENU 3 (Timeout 3 s; 1 → ASSIGN 4; default → CHECKVIP 5 (opaque))
/// ASSIGN 4 → REQAGENT 6 → MUSIC 7 ⟲; CHECKVIP 5: True → HANGUP 8, False → REQAGENT 6.
fn script() -> Value {
    let actions: serde_json::Map<String, Value> = [
        action(1, BEGIN, "BEGIN", "Begin"),
        action(2, PLAY, "PLAY", "Greeting"),
        action(3, MENU, "MENU", "Main Menu"),
        action(4, ASSIGN, "ASSIGN", "Mark Sales"),
        action(5, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "CHECKVIP", "Is VIP?"),
        action(6, REQAGENT, "REQAGENT", "Sales Queue"),
        action(7, MUSIC, "MUSIC", "Hold"),
        action(8, HANGUP, "HANGUP", "Bye"),
    ]
    .into_iter()
    .collect();
    json!({
      "header": {"scriptName": "Test_IVR", "nextActionId": 9},
      "actions": actions,
      "properties": {
        "2": {"0": {"name": "Sequence", "value": "\"%one two three four five six seven eight nine ten\""},
              "1": {"name": "DetectDTMF", "value": "True"}},
        "3": {"0": {"name": "Sequence", "value": "\"%Press one\""}, "1": {"name": "Timeout", "value": "3"}},
        "4": {"0": {"name": "Variable", "value": "team"}, "1": {"name": "Expression", "value": "\"sales\""}},
        "6": {"0": {"name": "Skill", "value": "Sales"}},
        "7": {"0": {"name": "MusicFile", "value": "hold.wav"}, "1": {"name": "SecondstoPlay", "value": "30"}}
      },
      "branches": {
        "1": [branch(2, "Default")], "2": [branch(3, "Default")],
        "3": [branch(4, "1"), branch(5, "Default")], "4": [branch(6, "Default")],
        "5": [branch(8, "True"), branch(6, "False")], "6": [branch(7, "Default")], "7": [branch(7, "Default")]
      }
    })
}

/// A script named `name` of `actions`, its `properties` and `branches`; `nextActionId` is one
/// above the highest action id.
fn script_of(name: &str, actions: Vec<(String, Value)>, properties: Value, branches: Value) -> Value {
    let next = actions
        .iter()
        .filter_map(|(id, _)| id.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let actions: serde_json::Map<String, Value> = actions.into_iter().collect();
    json!({"header": {"scriptName": name, "nextActionId": next}, "actions": actions,
           "properties": properties, "branches": branches})
}

fn write_unit(dir: &Path, script: &Value, cases: Value) {
    fs::create_dir_all(dir.join("ivr")).unwrap();
    fs::write(
        dir.join("ivr/test_ivr.json"),
        serde_json::to_string_pretty(script).unwrap(),
    )
    .unwrap();
    let tests = json!({ "cases": cases });
    fs::write(
        dir.join("ivr/test_ivr.tests.json"),
        serde_json::to_string_pretty(&tests).unwrap(),
    )
    .unwrap();
}

fn check_dir(dir: &Path) -> CheckReport {
    let units = discover(&[dir.to_path_buf()]).into_result().unwrap();
    check(&units, &Settings::default())
}

fn case<'r>(report: &'r CheckReport, name: &str) -> &'r CaseResult {
    report.cases().find(|c| c.name == name).unwrap()
}

#[test]
fn scripts_are_found_by_content_among_other_json_and_a_broken_one_is_located() {
    let dir = tempfile::tempdir().unwrap();
    write_unit(dir.path(), &script(), json!([]));
    fs::write(dir.path().join("package.json"), r#"{"name": "tools", "scripts": {}}"#).unwrap();
    fs::write(dir.path().join("ivr/settings.json"), "{ not json at all").unwrap();
    // Names the three keys, but not at its top level: a schema, not a script.
    let schema = r#"{"properties": {"header": {}, "actions": {}, "branches": {}}}"#;
    fs::write(dir.path().join("ivr/script.schema.json"), schema).unwrap();
    fs::write(
        dir.path().join("ivr/broken.json"),
        "{\"header\": {\"scriptName\": \"B\"},\n \"actions\": {},\n \"branches\": {,}}\n",
    )
    .unwrap();
    let (code, out, err) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("ivr/broken.json:3:15: error[CXF001]"), "{out}");
    assert!(
        !out.contains("package.json") && !out.contains("settings.json") && !out.contains("schema.json"),
        "{out}"
    );
    assert!(out.contains("Checked 2 scripts and 1 test file"), "{out}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn a_malformed_script_gets_a_finding_at_the_action_and_branch_at_fault() {
    let mut broken = script();
    broken["actions"]["3"].as_object_mut().unwrap().remove("name");
    broken["branches"]["4"][0]["to"] = json!(99);
    let dir = tempfile::tempdir().unwrap();
    write_unit(dir.path(), &broken, json!([]));
    let (code, out, _) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{out}");
    let text = fs::read_to_string(dir.path().join("ivr/test_ivr.json")).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let action_3 = line_of("\"3\": {");
    assert!(
        out.contains(&format!(
            "ivr/test_ivr.json:{action_3}:10: error[CXF003] missing-field: action 3 has no `name` field"
        )),
        "{out}"
    );
    let to_99 = line_of("\"to\": 99");
    assert!(
        out.contains(&format!(
            "ivr/test_ivr.json:{to_99}:15: error[CXF002] dangling-edge: a branch on \"default\" of action 4 \"Mark Sales\" (ASSIGN) goes to action 99, which the script does not have"
        )),
        "{out}"
    );
}

#[test]
fn known_actions_mean_what_studio_does() {
    let dir = tempfile::tempdir().unwrap();
    let cases = json!([
        {"name": "key 1 reaches the queue", "input": {"dtmf": ["1"]},
         "expect": {"finalElement": "Sales Queue", "path": ["Begin", "Greeting", "Main Menu", "Mark Sales", "Sales Queue"],
                    "variables": {"team": "sales"}}},
        {"name": "silence takes the default after the menu's own timeout", "input": {"dtmf": []},
         "mock": {"Is VIP?": "True"}, "expect": {"finalElement": "8"}},
        {"name": "a stray key takes the default too", "input": {"dtmf": ["7"]},
         "mock": {"5": "False"}, "expect": {"finalElement": "Sales Queue", "pathContains": ["Is VIP?"]}}
    ]);
    write_unit(dir.path(), &script(), cases);
    let report = check_dir(dir.path());
    assert_eq!(
        report.diagnostics().count(),
        0,
        "{:?}",
        report.diagnostics().collect::<Vec<_>>()
    );
    assert_eq!(report.cases_failed(), 0, "{:?}", report.cases().collect::<Vec<_>>());
    // The caller had key 1 ready: the DetectDTMF greeting is cut; "Press one" is 2 words, 800 ms.
    let keyed = case(&report, "key 1 reaches the queue").call.as_ref().unwrap();
    assert_eq!(keyed.execution_time, 800);
    assert_eq!(
        keyed.path.iter().collect::<Vec<_>>(),
        ["1", "2", "3", "4", "6"],
        "the call path ends at REQAGENT"
    );
    // Silence: the 10-word greeting (4,000 ms at 150 words a minute), the menu, its 3 s Timeout.
    let silent = case(&report, "silence takes the default after the menu's own timeout");
    assert_eq!(silent.call.as_ref().unwrap().execution_time, 4_000 + 800 + 3_000);
    // REQAGENT covers its hold loop: every action and every branch is covered by these cases.
    let coverage = report
        .simulations()
        .next()
        .unwrap()
        .simulation
        .coverage
        .clone()
        .unwrap();
    assert_eq!((coverage.elements_covered, coverage.elements), (8, 8));
    assert_eq!((coverage.edges_covered, coverage.edges), (9, 9));
}

#[test]
fn an_unmocked_opaque_action_fails_the_case_naming_it_and_its_branches() {
    let dir = tempfile::tempdir().unwrap();
    write_unit(
        dir.path(),
        &script(),
        json!([{"name": "silent", "input": {"dtmf": [""]}}]),
    );
    let (code, out, _) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL case \"silent\""), "{out}");
    assert!(
        out.contains(
            "the case does not mock action 5 \"Is VIP?\" (CHECKVIP): add \"mock\": {\"Is VIP?\": BRANCH}, BRANCH one of \"True\", \"False\""
        ),
        "{out}"
    );
}

#[test]
fn a_mock_must_name_an_opaque_action_and_one_of_its_branches() {
    let dir = tempfile::tempdir().unwrap();
    let cases = json!([
        {"name": "typo", "mock": {"Is VIP": "True"}},
        {"name": "wrong branch", "mock": {"Is VIP?": "Maybe"}},
        {"name": "known action", "mock": {"Main Menu": "1"}},
        {"name": "branch typo", "mock": {"Is VIP?": "Fals"}},
        {"name": "start", "mock": {"Begn": "default"}}
    ]);
    write_unit(dir.path(), &script(), cases);
    let (code, out, _) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{out}");
    for expected in [
        "error[CXF029] unknown-expected-element: `mock` of case \"typo\" names \"Is VIP\", which is neither the id nor the label of an action: did you mean \"Is VIP?\"?",
        "error[CXF029] unknown-expected-element: action 5 \"Is VIP?\" (CHECKVIP) has no branch \"Maybe\"; its branches are \"True\", \"False\"",
        "error[CXF029] unknown-expected-element: action 5 \"Is VIP?\" (CHECKVIP) has no branch \"Fals\": did you mean \"False\"? Its branches are \"True\", \"False\"",
        "`mock` of case \"start\" names \"Begn\", which is neither the id nor the label of an action\n",
        "`mock` of case \"known action\" names action 3 \"Main Menu\" (MENU), whose outcome cxone-flow simulates itself",
    ] {
        assert!(out.contains(expected), "{expected}\n{out}");
    }
}

#[test]
fn a_pull_request_run_reports_a_script_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let cases = json!([{"name": "vip hangs up", "input": {"dtmf": [""]}, "mock": {"Is VIP?": "True"},
                        "expect": {"finalElement": "Sales Queue"}}]);
    write_unit(dir.path(), &script(), cases);
    let run = run_action(
        dir.path(),
        &[
            ("INPUT_PATHS", "ivr"),
            ("INPUT_JUNIT-PATH", "out/junit.xml"),
            ("INPUT_SARIF-PATH", "out/results.sarif"),
            ("INPUT_SEVERITY", "opaque-action=warning"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let annotations: Vec<_> = run
        .commands
        .iter()
        .filter(|c| c.name == "error" || c.name == "warning")
        .collect();
    let failing = annotations
        .iter()
        .find(|c| c.properties.get("title").is_some_and(|t| t.contains("vip hangs up")));
    let failing = failing.unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        failing.data.contains("ivr/test_ivr.json:"),
        "the failure points into the script"
    );
    assert_eq!(failing.properties["file"], "ivr/test_ivr.tests.json");
    let opaque = annotations
        .iter()
        .find(|c| c.properties["title"].contains("CXF039"))
        .unwrap();
    assert_eq!(opaque.properties["file"], "ivr/test_ivr.json");
    assert!(opaque.properties["line"].parse::<u32>().unwrap() > 1);
    let junit = fs::read_to_string(dir.path().join("out/junit.xml")).unwrap();
    assert!(junit.contains("vip hangs up") && junit.contains("<failure"), "{junit}");
    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out/results.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "CXF039"), "{sarif}");
    assert_eq!(run.outputs["tests-failed"], "1");
    assert!(run.summary.contains("vip hangs up"), "{}", run.summary);
}

#[test]
fn the_example_script_draws_with_labels_and_its_tests() {
    let (code, out, err) = run(&root(), &["graph", "examples/studio/acme_main_ivr.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("n5[\"6 Business Hours?<br/>HOURS\"]"), "{out}");
    assert!(out.contains("n5 -->|\"Closed\"| n10"), "{out}");
    assert!(
        !err.contains("no tests file"),
        "the tests beside the script are found: {err}"
    );
}

#[test]
fn the_example_script_draws_the_script_it_calls_as_a_subgraph_wired_in_and_out() {
    let (code, mermaid, err) = run(&root(), &["graph", "examples/studio/acme_main_ivr.json"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("graph-called-script-mermaid", mermaid);
    let dot_args = ["graph", "examples/studio/acme_main_ivr.json", "--format", "dot"];
    let (code, dot, err) = run(&root(), &dot_args);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("graph-called-script-dot", dot);
}

#[test]
fn a_failing_path_through_a_called_script_is_red_inside_its_subgraph() {
    let dir = tempfile::tempdir().unwrap();
    write_example_with_called_script(dir.path(), &failing_through_the_called_script());
    let flows = dir.path().join("flows");
    let (code, mermaid, err) = run(&flows, &["graph", "acme_main_ivr.json"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("graph-called-script-failing-mermaid", mermaid);
    let class = mermaid
        .lines()
        .find(|l| l.ends_with(" failing") && l.contains("class "))
        .unwrap();
    for copied in ["n16", "n17", "n18"] {
        assert!(class.contains(copied), "{copied} is red: {mermaid}");
    }
    let (code, dot, err) = run(&flows, &["graph", "acme_main_ivr.json", "--format", "dot"]);
    assert_eq!(code, 0, "{err}");
    for red in [
        r##"n12 -> n16 [label="sub-script", color="#cf222e", penwidth=3];"##,
        r##"n18 -> n12 [label="return", color="#cf222e", penwidth=3];"##,
        r##"    n17 [label="acme_caller_tier/2 Tier Rules\nSNIPPET", color="#cf222e", penwidth=3];"##,
    ] {
        assert!(dot.contains(red), "{red} in {dot}");
    }
}

#[test]
fn the_pull_request_summary_diffs_scripts_by_action_and_calls_moves_layout_only() {
    use crate::action::{commit_all, git, pull_request_event};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write_unit(d, &script(), json!([]));
    fs::write(
        d.join("ivr/moved.json"),
        serde_json::to_string_pretty(&script()).unwrap(),
    )
    .unwrap();
    let base = commit_all(d, "base");
    let mut reworded = script();
    reworded["properties"]["3"]["0"]["value"] = json!("\"%Press one for sales\"");
    write_unit(d, &reworded, json!([]));
    let mut moved = script();
    moved["actions"]["3"]["x"] = json!(640);
    moved["actions"]["3"]["xws"] = json!(640);
    fs::write(d.join("ivr/moved.json"), serde_json::to_string_pretty(&moved).unwrap()).unwrap();
    let head = commit_all(d, "reword one script, move an action in the other");
    let runner = tempfile::tempdir().unwrap();
    let event = pull_request_event(runner.path(), &base, &head, 2);
    let run = run_action(
        d,
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("INPUT_PATHS", "ivr"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let counts = (
        run.outputs["flows-checked"].as_str(),
        run.outputs["scripts-checked"].as_str(),
    );
    assert_eq!(counts, ("0", "2"), "{}", run.stdout);
    let summary = &run.summary;
    assert!(
        summary.contains("### Changes in ivr/moved\\.json\n\nLayout only"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "| changed | action | action 3 \\\"Main Menu\\\" \\(MENU\\) | Sequence\\: \\\"\\\\\\\"%Press one\\\\\\\"\\\" → "
        ),
        "the prompt change names the action by id, label and type: {summary}"
    );
    assert!(summary.contains("n2[\"3 Main Menu<br/>MENU\"]"), "{summary}");
}

/// The example script and the script it calls in `dir/flows`, with `cases` beside the example.
fn write_example_with_called_script(dir: &Path, cases: &Value) {
    fs::create_dir_all(dir.join("flows")).unwrap();
    for name in ["acme_main_ivr.json", "acme_caller_tier.json"] {
        fs::copy(root().join("examples/studio").join(name), dir.join("flows").join(name)).unwrap();
    }
    fs::write(dir.join("flows/acme_main_ivr.tests.json"), cases.to_string()).unwrap();
}

/// A case that goes through the called script, then expects the wrong queue.
fn failing_through_the_called_script() -> Value {
    json!({"cases": [{"name": "standard caller expected at billing",
        "input": {"dtmf": ["1", "1"], "variables": {"ANI": "5551000"}},
        "mock": {"Business Hours?": "Open"},
        "expect": {"finalElement": "Billing Queue"}}]})
}

#[test]
fn the_pull_request_summary_draws_a_called_script_and_the_failing_path_inside_it() {
    use crate::action::{commit_all, git, run_git_pull_request};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write_example_with_called_script(d, &json!({"cases": []}));
    let base = commit_all(d, "base");
    write_example_with_called_script(d, &failing_through_the_called_script());
    let main = d.join("flows/acme_main_ivr.json");
    let mut script: Value = serde_json::from_str(&fs::read_to_string(&main).unwrap()).unwrap();
    script["actions"]["2"]["label"] = json!("Hello");
    fs::write(&main, serde_json::to_string_pretty(&script).unwrap()).unwrap();
    let head = commit_all(d, "relabel the welcome, add a case through the called script");
    let run = run_git_pull_request(d, &base, &head);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let summary = &run.summary;
    let chart = summary
        .split("### Changes in flows/acme\\_main\\_ivr\\.json")
        .nth(1)
        .unwrap_or(summary);
    assert!(
        chart.contains("  subgraph s0[\"acme_caller_tier\"]\n    n16[\"acme_caller_tier/1 Begin<br/>BEGIN\"]"),
        "{summary}"
    );
    assert!(chart.contains("n12 -->|\"sub-script\"| n16"), "{summary}");
    let failing = chart
        .lines()
        .find(|l| l.starts_with("  class ") && l.ends_with(" failing"));
    let failing = failing.unwrap_or_else(|| panic!("{summary}"));
    assert!(failing.contains(",n16,n17,n18"), "{failing}");
}

mod properties {
    use cxone_flow::check::{Settings, check_flow_bytes};
    use cxone_flow::json::pretty::pretty;
    use cxone_flow::registry::Severity;
    use cxone_flow::studio::convert::{KEY_ORDER, flow_to_script, script_to_flow};
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    use super::{ASSIGN, BEGIN, HANGUP, MENU, PLAY, REQAGENT};

    /// One action of a random script: its type and the choices that shape it.
    #[derive(Debug, Clone)]
    struct Shape {
        kind: usize,
        label: Option<String>,
        words: String,
        keys: Vec<usize>,
        targets: Vec<usize>,
        with_default: bool,
        expression: usize,
        extra: bool,
    }

    fn shape() -> impl Strategy<Value = Shape> {
        (
            0..4usize,
            proptest::option::of("[A-Za-z][A-Za-z ?]{0,12}"),
            "[a-z]{1,6}( [a-z]{1,6}){0,6}",
            proptest::collection::btree_set(0..12usize, 0..4),
            proptest::collection::vec(1..100usize, 5),
            any::<bool>(),
            0..3usize,
            any::<bool>(),
        )
            .prop_map(
                |(kind, label, words, keys, targets, with_default, expression, extra)| Shape {
                    kind,
                    label,
                    words,
                    keys: keys.into_iter().collect(),
                    targets,
                    with_default,
                    expression,
                    extra,
                },
            )
    }

    /// A script every part of which a flow can say: BEGIN, then PLAY/MENU/ASSIGN/REQAGENT actions
    /// branching forward only (at most four MENUs), ending in a HANGUP.
    fn script(shapes: &[Shape]) -> Value {
        let n = shapes.len() + 2;
        let keys = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"];
        let (mut actions, mut properties, mut branches) = (Map::new(), Map::new(), Map::new());
        let forward = |from: usize, pick: usize| from + 1 + pick % (n - from);
        let mut menus = 0;
        for id in 1..=n {
            let shape = shapes.get(id.wrapping_sub(2));
            let (guid, name) = match (id, shape.map(|s| s.kind)) {
                (1, _) => (BEGIN, "BEGIN"),
                (_, None) => (HANGUP, "HANGUP"),
                (_, Some(1)) if menus < 4 => {
                    menus += 1;
                    (MENU, "MENU")
                }
                (_, Some(2)) => (ASSIGN, "ASSIGN"),
                (_, Some(3)) => (REQAGENT, "REQAGENT"),
                _ => (PLAY, "PLAY"),
            };
            let mut action = json!({"actionId": id, "libraryId": guid, "name": name, "version": 1,
                "x": id * 10, "y": 5, "xws": id * 10, "yws": 5});
            if let Some(label) = shape.and_then(|s| s.label.clone()) {
                action["label"] = json!(label);
            }
            if shape.is_some_and(|s| s.extra) {
                action["dependencyOrder"] = json!(id);
                action["implType"] = json!("Standard");
            }
            actions.insert(id.to_string(), action);
            let Some(shape) = shape.filter(|_| id > 1) else {
                if id == 1 {
                    branches.insert(
                        "1".into(),
                        json!([{"to": 2, "label": "Default", "type": "default", "index": 0}]),
                    );
                }
                continue;
            };
            let sequence = json!({"name": "Sequence", "value": format!("\"%{}\"", shape.words)});
            let props = match name {
                "PLAY" => json!({"0": sequence, "1": {"name": "DetectDTMF", "value": "False"}}),
                "MENU" => json!({"0": sequence, "1": {"name": "Timeout", "value": "5"}}),
                "ASSIGN" => {
                    let expression = ["\"gold\"", "42", "{ANI}"][shape.expression];
                    json!({"0": {"name": "Variable", "value": "tier"}, "1": {"name": "Expression", "value": expression}})
                }
                "REQAGENT" => json!({"0": {"name": "Skill", "value": shape.words}}),
                _ => continue,
            };
            properties.insert(id.to_string(), props);
            let mut list = Vec::new();
            match name {
                "MENU" => {
                    for (i, key) in shape.keys.iter().enumerate() {
                        let to = forward(id, shape.targets[i]);
                        list.push(json!({"to": to, "label": keys[*key], "type": "case", "index": i}));
                    }
                    if shape.with_default || shape.keys.is_empty() {
                        let to = forward(id, shape.targets[4]);
                        list.push(json!({"to": to, "label": "Default", "type": "default", "index": list.len()}));
                    }
                }
                "REQAGENT" => {}
                _ => list.push(json!({"to": forward(id, shape.targets[0]), "label": "Default", "type": "default"})),
            }
            if name != "REQAGENT" || shape.extra {
                branches.insert(id.to_string(), Value::Array(list));
            }
        }
        json!({"header": {"scriptName": "Prop_IVR", "busNo": 4600012, "mediaType": 4, "nextActionId": n + 1,
                          "lockInfo": {"isLocked": false}},
               "actions": actions, "properties": properties, "branches": branches, "extra": [1, 2]})
    }

    /// Checks `text` as the file `path`, as `convert` does; returns its JSON and model when clean.
    fn loaded(path: &str, text: &str) -> (Value, cxone_flow::flow::model::Flow) {
        let settings = Settings {
            keep_loaded: true,
            ..Settings::default()
        };
        let (report, model) = check_flow_bytes(path, text.as_bytes().to_vec(), &settings);
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{path} has errors: {errors:?}\n{text}");
        ((*report.json.unwrap()).clone(), model.unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn a_script_converted_to_a_flow_and_back_is_the_same_script(shapes in proptest::collection::vec(shape(), 0..10)) {
            let original = script(&shapes);
            let (json, model) = loaded("ivr.json", &pretty(&original, KEY_ORDER));
            let flow = script_to_flow(&json, &model).unwrap();
            let (flow_json, flow_model) = loaded("ivr.flow.json", &pretty(&flow, KEY_ORDER));
            let back = flow_to_script(&flow_json, &flow_model).unwrap();
            prop_assert_eq!(back, original);
        }

        #[test]
        fn any_json_read_as_a_script_is_checked_without_panicking(value in crate::props::any_json()) {
            let text = serde_json::to_string_pretty(&json!({"header": {}, "actions": value.clone(), "branches": value})).unwrap();
            let (report, _) = check_flow_bytes("x.json", text.into_bytes(), &Settings::default());
            for d in &report.diagnostics {
                prop_assert!(d.location.line >= 1 && d.location.column >= 1, "{:?}", d);
            }
        }
    }

    #[test]
    fn an_edit_made_in_the_flow_reaches_the_script_and_the_rest_rides_along() {
        let shapes = vec![];
        let original = script(&shapes);
        let (json, model) = loaded("ivr.json", &pretty(&original, KEY_ORDER));
        let mut flow = script_to_flow(&json, &model).unwrap();
        flow["elements"][0]["description"] = json!("Entry");
        let (flow_json, flow_model) = loaded("ivr.flow.json", &pretty(&flow, KEY_ORDER));
        let back = flow_to_script(&flow_json, &flow_model).unwrap();
        assert_eq!(back["actions"]["1"]["label"], "Entry");
        assert_eq!(back["header"]["busNo"], 4600012);
        assert_eq!(back["extra"], json!([1, 2]));
    }
}

#[test]
fn convert_writes_the_other_format_and_refuses_what_does_not_translate_where_it_stands() {
    let dir = tempfile::tempdir().unwrap();
    let flow = r#"{"flowId": "Sales_IVR", "elements": [
  {"id": "start", "type": "start"},
  {"id": "menu", "type": "menu", "prompt": "Press 1 for sales", "description": "Main Menu"},
  {"id": "sales", "type": "queue", "queue": "Sales"},
  {"id": "bye", "type": "hangup"}],
 "edges": [{"from": "start", "to": "menu"}, {"from": "menu", "to": "sales", "on": "1"},
  {"from": "menu", "to": "bye", "on": "timeout"}, {"from": "menu", "to": "bye", "on": "invalid"}]}"#;
    fs::write(dir.path().join("sales.flow.json"), flow).unwrap();
    let (code, _, err) = run(
        dir.path(),
        &["convert", "sales.flow.json", "--out", "studio/sales.studio.json"],
    );
    assert_eq!(code, 0, "{err}");
    // The script is a script: found, clean but for its REQAGENT without a hold loop, and drawn.
    let (code, out, _) = run(dir.path(), &["check", "studio"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning[CXF035] unwired-queue-default: action 3 \"sales\" (REQAGENT)"),
        "{out}"
    );
    let (code, out, err) = run(dir.path(), &["convert", "studio/sales.studio.json"]);
    assert_eq!(code, 0, "{err}");
    let back: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(back["flowId"], "Sales_IVR");
    assert_eq!(back["elements"][1]["description"], "Main Menu");
    assert_eq!(back["edges"][2], json!({"from": "2", "to": "4", "on": "timeout"}));

    let (code, out, err) = run(&root(), &["convert", "examples/studio/acme_main_ivr.json"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.starts_with(
            "examples/studio/acme_main_ivr.json:82:5: error: action 6 \"Business Hours?\" (HOURS) has no flow element: its type is opaque to cxone-flow"
        ),
        "{err}"
    );
    assert!(
        err.ends_with("does not translate (8 parts above); nothing was written\n"),
        "{err}"
    );
}

#[test]
fn generated_cases_mock_each_opaque_action_s_branches_and_cover_every_branch() {
    let dir = tempfile::tempdir().unwrap();
    write_unit(dir.path(), &script(), json!([]));
    let (code, _, err) = run(dir.path(), &["cases", "generate", "ivr/test_ivr.json", "--update"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("covering 9 of 9 branches (0 unreachable by input"),
        "{err}"
    );
    let tests: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("ivr/test_ivr.tests.json")).unwrap()).unwrap();
    let mocks: Vec<&Value> = tests["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.get("mock"))
        .collect();
    assert!(
        mocks.contains(&&json!({"Is VIP?": "True"})) && mocks.contains(&&json!({"Is VIP?": "False"})),
        "{tests}"
    );
    let report = check_dir(dir.path());
    assert_eq!(report.cases_failed(), 0);
    let coverage = report
        .simulations()
        .next()
        .unwrap()
        .simulation
        .coverage
        .clone()
        .unwrap();
    assert_eq!((coverage.edges_covered, coverage.edges), (9, 9));
}

#[test]
fn simulate_traces_a_script_by_action_and_takes_mocks_from_the_command_line() {
    let args = ["simulate", "examples/studio/acme_main_ivr.json", "--dtmf", "2,2"];
    let (code, out, _) = run(&root(), &[&args[..], &["--mock", "Business Hours?=Open"]].concat());
    assert_eq!(code, 0, "{out}");
    let hours = out.lines().find(|line| line.contains(" 6 Business Hours? "));
    assert!(
        hours.is_some_and(|line| line.starts_with("   5  ") && line.contains("HOURS     branch \"Open\" (mocked)")),
        "{out}"
    );
    assert!(
        out.contains("result: SUCCESS  finalElement: action 9 \"Billing Queue\" (REQAGENT)"),
        "{out}"
    );
    assert!(
        out.contains("acme_caller_tier/2 acme_caller_tier/Tier Rules"),
        "the call runs the sub-script beside it: {out}"
    );
    let (code, out, _) = run(&root(), &args);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("add --mock \"Business Hours?=BRANCH\", BRANCH one of \"Open\", \"Closed\", \"default\""),
        "{out}"
    );
    assert!(!out.contains("\"mock\": {"), "simulate takes no JSON: {out}");
}

#[test]
fn a_flows_api_release_refuses_a_script_by_name_instead_of_losing_it() {
    use cxone_flow::registry::Severity;
    use cxone_flow::release::gate::{Blocked, flows_to_release};
    let units = discover(&[root().join("examples")]).into_result().unwrap();
    let settings = Settings {
        keep_loaded: true,
        ..Settings::default()
    };
    let report = check(&units, &settings);
    let Err(Blocked::Unprepared(problems)) = flows_to_release(&report, Severity::Error) else {
        panic!("a release with a script in it must not go ahead");
    };
    assert_eq!(problems.len(), 2, "the example script and its sub-script: {problems:?}");
    assert!(
        problems[1].ends_with("acme_main_ivr.json cannot be released: it is a Studio script, which the flows-api backend cannot release; leave scripts out of this release with --exclude (input `exclude`)"),
        "{problems:?}"
    );
}

#[test]
fn convert_and_cases_generate_judge_a_script_with_the_severities_check_uses() {
    let dir = tempfile::tempdir().unwrap();
    let mut script = script_of(
        "No_Layout",
        vec![
            action(1, BEGIN, "BEGIN", "Begin"),
            action(2, PLAY, "PLAY", "Hello"),
            action(3, HANGUP, "HANGUP", "Bye"),
        ],
        json!({"2": {"0": {"name": "Sequence", "value": "\"%Hello\""}}}),
        json!({"1": [branch(2, "Default")], "2": [branch(3, "Default")]}),
    );
    // As NICE's own scripts are saved: `x` and `y`, no `xws`/`yws`.
    for field in ["xws", "yws"] {
        script["actions"]["2"].as_object_mut().unwrap().remove(field);
    }
    fs::write(dir.path().join("no_layout.json"), script.to_string()).unwrap();
    let convert = ["convert", "no_layout.json"];
    let generate = ["cases", "generate", "no_layout.json"];
    // By default a missing layout is a warning: both run.
    for args in [&convert[..], &generate[..]] {
        let (code, out, err) = run(dir.path(), args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
    // The flag makes it an error, as it does for `check`.
    for args in [&convert[..], &generate[..]] {
        let (code, out, err) = run(dir.path(), &[args, &["--severity", "missing-layout=error"]].concat());
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(
            format!("{out}{err}").contains("error[CXF037] missing-layout"),
            "{out}{err}"
        );
    }
    // So does the settings file, and a flag still wins over it.
    fs::write(dir.path().join("cxone-flow.toml"), "[severity]\nCXF037 = \"error\"\n").unwrap();
    for args in [&convert[..], &generate[..]] {
        let (code, out, err) = run(dir.path(), args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        let (code, out, err) = run(dir.path(), &[args, &["--severity", "CXF037=off"]].concat());
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
}

/// The actions real scripts end with: BEGIN 1 → PLAY 2 "Greeting" (default → END 6; `Digit` →
/// WAIT 3, 5 s) → MENU 4 (key 1 → TTSVOICE 5 → END 6; no default). GUIDs as NICE's scripts write
/// them, in capitals.
fn ending_script() -> Value {
    let actions = vec![
        action(1, BEGIN, "BEGIN", "Begin"),
        action(2, PLAY, "PLAY", "Greeting"),
        action(3, "5BF67B1C-9736-434D-9B6F-0D856AEA8F16", "WAIT", "Wait"),
        action(4, MENU, "MENU", "Menu"),
        action(5, "8E121149-83EF-40E0-8FFE-341DB5302671", "TTSVOICE", "Voice"),
        action(6, "93FB8888-30CF-4DF3-8ED9-1F2986819080", "END", "End"),
    ];
    let properties = json!({
        "2": {"0": {"name": "Sequence", "value": "\"%one two three four five\""}},
        "3": {"0": {"name": "Seconds", "value": "5"}},
        "4": {"0": {"name": "Sequence", "value": "\"%Press one\""}}
    });
    let branches = json!({
        "1": [branch(2, "Default")],
        "2": [branch(6, "Default"), {"to": 3, "label": "Digit", "type": "branch"}],
        "3": [branch(4, "Default")], "4": [branch(5, "1")], "5": [branch(6, "Default")]
    });
    script_of("Ending_IVR", actions, properties, branches)
}

#[test]
fn end_wait_ttsvoice_and_a_play_s_digit_branch_run_and_a_missing_branch_ends_the_script() {
    let dir = tempfile::tempdir().unwrap();
    let cases = json!([
        {"name": "a silent caller hears the greeting and the script ends", "input": {"dtmf": [""]},
         "expect": {"finalElement": "End", "path": ["Begin", "Greeting", "End"]}},
        {"name": "a key during the greeting takes Digit, waits, and key 1 ends at END", "input": {"dtmf": ["5", "1"]},
         "expect": {"finalElement": "End", "path": ["Begin", "Greeting", "Wait", "Menu", "Voice", "End"]}},
        {"name": "a key the menu has no branch for ends the script at the menu", "input": {"dtmf": ["5", "9"]},
         "expect": {"finalElement": "Menu"}}
    ]);
    write_unit(dir.path(), &ending_script(), cases);
    let report = check_dir(dir.path());
    assert_eq!(report.cases_failed(), 0, "{:?}", report.cases().collect::<Vec<_>>());
    assert!(
        report.cases().all(|c| c.passed()),
        "{:?}",
        report.cases().collect::<Vec<_>>()
    );
    // The greeting (5 words, 2,000 ms) is heard out; a key during it cuts it, the WAIT adds its
    // 5 s, the menu's two words 800 ms.
    let silent = case(&report, "a silent caller hears the greeting and the script ends");
    assert_eq!(silent.call.as_ref().unwrap().execution_time, 2_000);
    let keyed = case(
        &report,
        "a key during the greeting takes Digit, waits, and key 1 ends at END",
    );
    assert_eq!(keyed.call.as_ref().unwrap().execution_time, 5_000 + 800);
    let (code, out, _) = run(dir.path(), &["simulate", "ivr/test_ivr.json", "--dtmf", "5,9"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "ended: the script ends at action 4 \"Menu\" (MENU): it has no `invalid` branch (Studio ends a script there)"
        ),
        "{out}"
    );
    assert!(
        out.contains("result: SUCCESS  finalElement: action 4 \"Menu\" (MENU)"),
        "{out}"
    );
    // Generated cases reach the `Digit` branch by keying during the greeting, without a mock.
    let (code, _, err) = run(dir.path(), &["cases", "generate", "ivr/test_ivr.json", "--update"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("covering 6 of 6 branches"), "{err}");
}

/// Real scripts NICE's QA engineers save through the API (tests/fixtures/real-scripts/README.md
/// names each source): no errors by default, and every case beside them runs to the script's end.
#[test]
fn real_scripts_written_by_others_check_clean_and_simulate_to_their_end() {
    use cxone_flow::sim::engine::Verdict;
    let report = check(
        &discover(&[crate::fixture("real-scripts")]).into_result().unwrap(),
        &Settings::default(),
    );
    let errors: Vec<_> = report
        .diagnostics()
        .filter(|d| d.severity == cxone_flow::registry::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let simulated: Vec<_> = report.simulations().collect();
    assert_eq!(simulated.len(), 5, "every real script has its cases");
    for unit in simulated {
        assert!(!unit.simulation.cases.is_empty());
        for case in &unit.simulation.cases {
            let call = case
                .call
                .as_ref()
                .unwrap_or_else(|| panic!("{} did not run", case.name));
            assert!(case.passed(), "{}: {:?}", case.name, case.failures);
            assert_eq!(call.result, Verdict::Success, "{}", case.name);
        }
    }
}

const IF: &str = "6695BA9C-E1D6-4F3C-A15A-94F1400E3169";
const CASE: &str = "22050500-6dc0-4949-af9c-1e52975f141d";
const SNIPPET: &str = "b333da63-33c8-4297-a58a-e9546cf7f0f2";
const END: &str = "93FB8888-30CF-4DF3-8ED9-1F2986819080";

/// A script that decides by its own logic: BEGIN 1 → SNIPPET 2 "Tier" (gold for ANI 5551234) →
/// IF 3 "Gold?" (True → PLAY 4 "VIP" → END 9; False → ASSIGN 5 "Count", Numeric `{tries}+1` →
/// CASE 6 "By DNIS" on DNIS: 8005550100 → REQAGENT 7 "Sales", default → HANGUP 8 "Bye").
fn logic_script() -> Value {
    let actions = vec![
        action(1, BEGIN, "BEGIN", "Begin"),
        action(2, SNIPPET, "SNIPPET", "Tier"),
        action(3, IF, "IF", "Gold?"),
        action(4, PLAY, "PLAY", "VIP"),
        action(5, ASSIGN, "ASSIGN", "Count"),
        action(6, CASE, "CASE", "By DNIS"),
        action(7, REQAGENT, "REQAGENT", "Sales"),
        action(8, HANGUP, "HANGUP", "Bye"),
        action(9, END, "END", "End"),
    ];
    let properties = json!({
        "2": {"0": {"name": "Data", "value": "IF ANI = \"5551234\" { tier = \"gold\" } ELSE { tier = \"basic\" }"}},
        "3": {"0": {"name": "Expression", "value": "tier = \"gold\""}},
        "4": {"0": {"name": "Sequence", "value": "\"%Welcome back\""}},
        "5": {"0": {"name": "Variable", "value": "tries"}, "1": {"name": "Value", "value": "{tries}+1"},
              "2": {"name": "Type", "value": "Numeric"}},
        "6": {"0": {"name": "Variable", "value": "DNIS"}},
        "7": {"0": {"name": "Skill", "value": "Sales"}}
    });
    let case = |to: u32, label: &str| json!({"to": to, "label": label, "type": "case"});
    let branches = json!({
        "1": [branch(2, "Default")], "2": [branch(3, "Default")],
        "3": [{"to": 4, "label": "True", "type": "branch"}, {"to": 5, "label": "False", "type": "branch"}],
        "4": [branch(9, "Default")], "5": [branch(6, "Default")],
        "6": [case(7, "8005550100"), branch(8, "Default")]
    });
    script_of("Logic_IVR", actions, properties, branches)
}

#[test]
fn if_case_assign_and_a_snippet_decide_by_the_script_s_own_logic_without_mocks() {
    let dir = tempfile::tempdir().unwrap();
    let cases = json!([
        {"name": "a gold caller is welcomed", "input": {"variables": {"ANI": "5551234"}},
         "expect": {"finalElement": "End", "path": ["Begin", "Tier", "Gold?", "VIP", "End"], "variables": {"tier": "gold"}}},
        {"name": "a basic caller on the sales number is queued", "input": {"variables": {"ANI": "5550000", "DNIS": "8005550100", "tries": 2}},
         "expect": {"finalElement": "Sales", "notVisits": ["VIP"], "variables": {"tier": "basic", "tries": 3}}},
        {"name": "a basic caller on another number hears goodbye", "input": {"variables": {"DNIS": "8005550199"}},
         "expect": {"finalElement": "Bye", "variables": {"tries": 1}}},
        {"name": "a mock still overrides the script's logic", "input": {"variables": {"ANI": "5551234"}},
         "mock": {"Gold?": "False"}, "expect": {"finalElement": "Bye"}}
    ]);
    write_unit(dir.path(), &logic_script(), cases);
    let report = check_dir(dir.path());
    let errors: Vec<_> = report
        .diagnostics()
        .filter(|d| d.severity == cxone_flow::registry::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    for case in report.cases() {
        assert!(case.passed(), "{}: {:?}", case.name, case.failures);
    }
    assert_eq!(report.cases().count(), 4);
    // Generated cases cover every branch from starting variables alone: no case needs a mock.
    let (code, _, err) = run(
        dir.path(),
        &["cases", "generate", "ivr/test_ivr.json", "--out", "gen.tests.json"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("covering 8 of 8 branches"), "{err}");
    let generated: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("gen.tests.json")).unwrap()).unwrap();
    let cases = generated["cases"].as_array().unwrap();
    assert!(cases.iter().all(|c| c.get("mock").is_none()), "{generated}");
}

#[test]
fn logic_outside_the_simulated_subset_is_located_and_the_action_falls_back_to_a_mock() {
    let mut script = logic_script();
    script["properties"]["3"]["0"]["value"] = json!("getrandom(1, 10) > 5");
    let dir = tempfile::tempdir().unwrap();
    write_unit(
        dir.path(),
        &script,
        json!([{"name": "mocked", "input": {"variables": {"DNIS": "8005550100"}}, "mock": {"Gold?": "False"},
                "expect": {"finalElement": "Sales"}},
               {"name": "not mocked", "input": {}}]),
    );
    let (code, out, _) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("warning[CXF041] unsimulated-logic: action 3 \"Gold?\" (IF): function \"getrandom\""),
        "{out}"
    );
    assert!(!out.contains("FAIL case \"mocked\""), "{out}");
    assert!(out.contains("FAIL case \"not mocked\""), "{out}");
}

#[test]
fn a_script_is_counted_and_reported_as_a_script_beside_a_flow_file() {
    let dir = tempfile::tempdir().unwrap();
    for (from, name) in [
        ("examples/flows", "main-ivr.flow.json"),
        ("examples/flows", "main-ivr.tests.json"),
        ("examples/studio", "acme_main_ivr.json"),
        ("examples/studio", "acme_main_ivr.tests.json"),
        ("examples/studio", "acme_caller_tier.json"),
    ] {
        fs::copy(root().join(from).join(name), dir.path().join(name)).unwrap();
    }
    let (code, out, err) = run(dir.path(), &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Checked 1 flow file, 2 scripts and 2 test files"), "{out}");
    let (_, out, _) = run(dir.path(), &["check", "acme_main_ivr.json"]);
    assert!(out.contains("Checked 1 script and 1 test file:"), "{out}");
    let (_, out, _) = run(dir.path(), &["check", "--format", "json"]);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            &json["version"],
            &json["summary"]["flowsChecked"],
            &json["summary"]["scriptsChecked"]
        ),
        (&json!(3), &json!(1), &json!(2))
    );
    let kinds: Vec<(&str, &str)> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["kind"].as_str().unwrap()))
        .collect();
    assert!(kinds.contains(&("acme_main_ivr.json", "script")), "{kinds:?}");
    assert!(kinds.contains(&("main-ivr.flow.json", "flow")), "{kinds:?}");
    assert!(kinds.contains(&("acme_main_ivr.tests.json", "tests")), "{kinds:?}");
}

/// A failing case of the example flow and of the example script, checked side by side: the flow's
/// messages name elements by id, the script's name each action by id, label and type, and its
/// paths read as labels.
#[test]
fn a_failing_case_names_a_flow_s_elements_and_a_script_s_actions_each_in_its_own_words() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &str, name: &str, edit: &dyn Fn(String) -> String| {
        let text = fs::read_to_string(root().join(from).join(name)).unwrap();
        fs::write(dir.path().join(name), edit(text)).unwrap();
    };
    let same = |text: String| text;
    copy("examples/flows", "main-ivr.flow.json", &same);
    copy("examples/flows", "main-ivr.tests.json", &|text| {
        text.replacen(
            "\"finalElement\": \"queue_general\"",
            "\"finalElement\": \"queue_cards\"",
            1,
        )
    });
    copy("examples/studio", "acme_main_ivr.json", &same);
    copy("examples/studio", "acme_caller_tier.json", &same);
    copy("examples/studio", "acme_main_ivr.tests.json", &|text| {
        text.replacen(
            "\"finalElement\": \"Claims Queue\"",
            "\"finalElement\": \"Billing Queue\"",
            1,
        )
        .replacen("\"Claims Queue\"\n", "\"Billing Queue\"\n", 1)
    });
    let (code, out, err) = run(dir.path(), &["check", "--color", "never"]);
    assert_eq!(code, 1, "{out}{err}");
    insta::assert_snapshot!("failing-case-flow-and-script", out);
}
