//! Each human output for a flow file and for the same IVR as a Studio script, side by side: a
//! flow speaks of elements, edges and ids; a script of actions, branches and `default`, and names
//! each action by id, label and type (`action 3 "Main Menu" (MENU)`).

use std::path::Path;

use crate::action::{commit_all, git, run_git_pull_request, write};
use crate::run;

/// The flow of these tests. `billing_key` is where key 2 of the main menu goes: `billing`, or in
/// the pull request's version `outage` (so `billing` cannot be reached any more).
fn flow(billing_key: &str) -> String {
    format!(
        r#"{{
  "flowId": "small",
  "name": "Small",
  "elements": [
    {{"id": "start", "type": "start"}},
    {{"id": "welcome", "type": "play", "prompt": "Welcome", "promptMs": 1000}},
    {{"id": "main_menu", "type": "menu", "prompt": "Press 1 for sales, 2 for billing", "promptMs": 2000}},
    {{"id": "sales", "type": "queue", "queue": "Sales"}},
    {{"id": "billing", "type": "queue", "queue": "Billing"}},
    {{"id": "goodbye", "type": "hangup"}},
    {{"id": "outage", "type": "play", "prompt": "We have an outage", "promptMs": 1000}}
  ],
  "edges": [
    {{"from": "start", "to": "welcome"}},
    {{"from": "welcome", "to": "main_menu"}},
    {{"from": "main_menu", "on": "1", "to": "sales"}},
    {{"from": "main_menu", "on": "2", "to": "{billing_key}"}},
    {{"from": "main_menu", "on": "timeout", "to": "goodbye"}},
    {{"from": "main_menu", "on": "invalid", "to": "goodbye"}},
    {{"from": "outage", "to": "goodbye"}}
  ]
}}
"#
    )
}

/// Each element's id in the flow, and its action's label in the script.
const LABELS: [(&str, &str); 7] = [
    ("start", "Begin"),
    ("welcome", "Welcome"),
    ("main_menu", "Main Menu"),
    ("sales", "Sales Queue"),
    ("billing", "Billing Queue"),
    ("goodbye", "Goodbye"),
    ("outage", "Outage info"),
];

/// An element as the tests name it: its id in the flow, its label in the script.
fn name(script: bool, id: &str) -> String {
    let label = LABELS.iter().find(|(i, _)| *i == id).map_or(id, |(_, label)| label);
    if script { label } else { id }.to_string()
}

/// The flow as a Studio script (`cxone-flow convert`), its actions labelled as an author would.
fn script(flow: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("small.flow.json"), flow).unwrap();
    let (code, out, err) = run(dir.path(), &["convert", "small.flow.json"]);
    assert_eq!(code, 0, "{err}");
    LABELS.iter().fold(out, |text, (id, label)| {
        text.replace(&format!("\"label\": \"{id}\""), &format!("\"label\": \"{label}\""))
    })
}

/// Three cases: key 1 reaches sales (with its path), key 2 is expected at sales too (it fails),
/// silence says goodbye.
fn tests(script: bool) -> String {
    let n = |id: &str| name(script, id);
    serde_json::json!({"cases": [
        {"name": "key 1 reaches sales", "input": {"dtmf": ["1"]},
         "expect": {"finalElement": n("sales"), "path": [n("start"), n("welcome"), n("main_menu"), n("sales")]}},
        {"name": "key 2 reaches sales too", "input": {"dtmf": ["2"]}, "expect": {"finalElement": n("sales")}},
        {"name": "silence says goodbye", "input": {"dtmf": []}, "expect": {"finalElement": n("goodbye")}}
    ]})
    .to_string()
}

/// Where the flow's (or the script's) file and its tests are written.
fn file_name(script: bool) -> &'static str {
    if script { "small.json" } else { "small.flow.json" }
}

/// The pull request's version of the flow, or of the script, with its tests, under `dir/flows`.
fn write_head(dir: &Path, script_too: bool) {
    let head = flow("outage");
    let text = if script_too { script(&head) } else { head };
    write(dir, &format!("flows/{}", file_name(script_too)), &text);
    write(dir, "flows/small.tests.json", &tests(script_too));
}

/// What the flow and the script made, one after the other, each under its heading.
fn side_by_side(flow: &str, script: &str) -> String {
    format!("── flow ──\n{flow}\n── script ──\n{script}")
}

/// What a command prints (standard error, then output) on the pull request's version of the flow,
/// then of the script, side by side; `FILE` in `args` stands for the flow's or the script's file.
fn both(args: &[&str], code: i32) -> String {
    let out = |script: bool| {
        let dir = tempfile::tempdir().unwrap();
        write_head(dir.path(), script);
        let file = format!("flows/{}", file_name(script));
        let args: Vec<&str> = args
            .iter()
            .map(|a| if *a == "FILE" { file.as_str() } else { a })
            .collect();
        let (status, out, err) = run(dir.path(), &args);
        assert_eq!(status, code, "{out}{err}");
        format!("{err}{out}")
    };
    side_by_side(&out(false), &out(true))
}

#[test]
fn check_speaks_of_elements_in_a_flow_and_of_actions_by_label_in_a_script() {
    let out = both(&["check", "--coverage", "--color", "never", "flows"], 1);
    insta::assert_snapshot!("check", out);
}

#[test]
fn simulate_traces_a_flow_s_elements_and_a_script_s_actions_and_its_default_branch() {
    let out = both(&["simulate", "FILE", "--color", "never"], 0);
    insta::assert_snapshot!("simulate", out);
}

#[test]
fn generated_cases_name_a_flow_s_elements_by_id_and_a_script_s_actions_by_label() {
    let out = both(&["cases", "generate", "FILE", "--color", "never"], 0);
    insta::assert_snapshot!("generate", out);
}

#[test]
fn diagrams_name_a_flow_s_elements_by_id_and_a_script_s_actions_by_label() {
    let mermaid = both(&["graph", "FILE", "--color", "never"], 0);
    insta::assert_snapshot!("graph-mermaid", mermaid);
    let dot = both(&["graph", "FILE", "--format", "dot", "--color", "never"], 0);
    insta::assert_snapshot!("graph-dot", dot);
}

/// A pull request that sends key 2 to the outage message instead of billing: the job summary
/// (its counts, the failing case, the semantic diff, the diagram) and the annotations.
#[test]
fn a_pull_request_s_summary_diff_and_annotations_speak_studio_for_a_script() {
    let run_pull_request = |script: bool| {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git(d, &["init", "-q", "-b", "main"]);
        let base = flow("billing");
        let base = if script { self::script(&base) } else { base };
        write(d, &format!("flows/{}", file_name(script)), &base);
        write(d, "flows/small.tests.json", &tests(script));
        let base = commit_all(d, "base");
        write_head(d, script);
        let head = commit_all(d, "key 2 plays the outage message");
        let run = run_git_pull_request(d, &base, &head);
        assert_eq!(run.code, 1, "{}", run.stdout);
        run
    };
    let runs = [run_pull_request(false), run_pull_request(true)];
    insta::assert_snapshot!("job-summary", side_by_side(&runs[0].summary, &runs[1].summary));
    let annotations = |stdout: &str| {
        stdout
            .lines()
            .filter(|line| line.starts_with("::error") || line.starts_with("::warning") || line.starts_with("::notice"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    insta::assert_snapshot!(
        "annotations",
        side_by_side(&annotations(&runs[0].stdout), &annotations(&runs[1].stdout))
    );
}

#[test]
fn what_generation_cannot_reach_is_named_by_id_in_a_flow_and_by_label_in_a_script() {
    let out = both(
        &["cases", "generate", "FILE", "--goal", "elements", "--color", "never"],
        0,
    );
    let notes: Vec<&str> = out.lines().filter(|l| l.contains("note:")).collect();
    assert_eq!(
        notes,
        [
            "flows/small.flow.json:9:5: note: element billing is unreachable by input: `billing` cannot be reached from start",
            "flows/small.json:55:10: note: action 5 \"Billing Queue\" (REQAGENT) is unreachable by input: action 5 \"Billing Queue\" (REQAGENT) cannot be reached from BEGIN",
        ],
        "{out}"
    );
}
