//! The `cxone-flow check` command as a user runs it: output formats, exit codes, broken input.

use std::fs;

use crate::run;

const CLEAN_FLOW: &str = r#"{"flowId": "f", "elements": [{"id": "start", "type": "start"}, {"id": "bye", "type": "hangup"}],
 "edges": [{"from": "start", "to": "bye"}]}"#;

const WARNING_FLOW: &str = r#"{"flowId": "w", "elements": [{"id": "start", "type": "start"}, {"id": "bye", "type": "hangup"},
 {"id": "lost", "type": "hangup"}], "edges": [{"from": "start", "to": "bye"}]}"#;

const DANGLING_FLOW: &str = "{\n  \"flowId\": \"d\",\n  \"elements\": [\n    {\"id\": \"start\", \"type\": \"start\"},\n    {\"id\": \"menu_main\", \"type\": \"menu\", \"prompt\": \"p\"}\n  ],\n  \"edges\": [\n    {\"from\": \"start\", \"to\": \"menu_main\"},\n    {\"from\": \"menu_main\", \"to\": \"queue_x\", \"on\": \"1\"}\n  ]\n}\n";

fn workspace(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    dir
}

#[test]
fn clean_flows_exit_zero_and_say_what_was_checked() {
    let dir = workspace(&[("flows/a.flow.json", CLEAN_FLOW.as_bytes())]);
    let (code, out, _) = run(dir.path(), &["check"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "Checked 1 flow file and 0 test files: 0 errors, 0 warnings.\n");
}

#[test]
fn findings_print_path_line_column_code_and_a_caret() {
    let dir = workspace(&[("flows/d.flow.json", DANGLING_FLOW.as_bytes())]);
    let (code, out, _) = run(dir.path(), &["check", "flows"]);
    assert_eq!(code, 1);
    let expected = "flows/d.flow.json:9:33: error[CXF002] dangling-edge: edge from \"menu_main\" on \"1\" points to unknown element \"queue_x\"\n  |\n9 |     {\"from\": \"menu_main\", \"to\": \"queue_x\", \"on\": \"1\"}\n  |                                 ^^^^^^^^^\n";
    assert!(out.contains(expected), "{out}");
}

#[test]
fn fail_on_warning_and_severity_overrides_change_the_exit_code() {
    let dir = workspace(&[("w.flow.json", WARNING_FLOW.as_bytes())]);
    assert_eq!(run(dir.path(), &["check"]).0, 0);
    assert_eq!(run(dir.path(), &["check", "--fail-on", "warning"]).0, 1);
    assert_eq!(run(dir.path(), &["check", "--severity", "CXF011=error"]).0, 1);
    let (code, out, _) = run(
        dir.path(),
        &["check", "--fail-on", "warning", "--severity", "unreachable-element=off"],
    );
    assert_eq!((code, out.contains("CXF011")), (0, false));
    let (code, _, err) = run(dir.path(), &["check", "--severity", "CXF999=error"]);
    assert_eq!(code, 2);
    assert!(err.contains("names no known rule"), "{err}");
}

#[test]
fn limits_are_configurable() {
    let menu = r#"{"flowId": "m", "elements": [{"id": "start", "type": "start"}, {"id": "menu_main", "type": "menu", "prompt": "p"},
      {"id": "q", "type": "queue", "queue": "Q"}], "edges": [{"from": "start", "to": "menu_main"},
      {"from": "menu_main", "to": "q", "on": "1"}, {"from": "menu_main", "to": "q", "on": "timeout"},
      {"from": "menu_main", "to": "q", "on": "invalid"}]}"#;
    let dir = workspace(&[("m.flow.json", menu.as_bytes())]);
    assert_eq!(run(dir.path(), &["check"]).0, 0);
    let (code, out, _) = run(
        dir.path(),
        &["check", "--max-decision-nodes", "0", "--max-menu-depth", "0"],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("error[CXF024] too-many-decisions: the flow has 1 menu and routing elements, over the limit of 0"),
        "{out}"
    );
    assert!(out.contains("error[CXF025] menu-too-deep: a caller passes 1 menus or inputs to reach \"q\", over the limit of 0: start → menu_main → q"), "{out}");
}

#[test]
fn json_format_is_machine_readable() {
    let dir = workspace(&[
        ("flows/d.flow.json", DANGLING_FLOW.as_bytes()),
        ("flows/a.flow.json", CLEAN_FLOW.as_bytes()),
    ]);
    let (code, out, _) = run(dir.path(), &["check", "--format", "json", "flows"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["version"], 3);
    assert_eq!(out.lines().count(), 1, "one line of JSON: {out}");
    assert_eq!(json["summary"]["flowsChecked"], 2);
    let files = json["files"].as_array().unwrap();
    assert_eq!(files[0]["path"], "flows/a.flow.json");
    assert_eq!(files[1]["flowId"], "d");
    let diagnostic = files[1]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "CXF002")
        .unwrap();
    assert_eq!(diagnostic["name"], "dangling-edge");
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(
        (diagnostic["line"].as_u64(), diagnostic["column"].as_u64()),
        (Some(9), Some(33))
    );
    assert_eq!(diagnostic["endColumn"], 42);
}

#[test]
fn broken_files_get_diagnostics_and_never_stop_the_others() {
    let deep = "[".repeat(50 * 1024 * 1024);
    let dir = workspace(&[
        ("empty.flow.json", b""),
        ("latin1.flow.json", b"{\"flowId\": \"caf\xe9\"}"),
        // Found as a script by its keys, though not UTF-8: the check reports the byte.
        (
            "latin1-script.json",
            b"{\"header\": {\"scriptName\": \"caf\xe9\"}, \"actions\": {}, \"branches\": {}}",
        ),
        ("array.flow.json", b"[1, 2]"),
        ("deep.flow.json", deep.as_bytes()),
        ("truncated.flow.json", b"{\"flowId\": \"x\", \"elements\": [{\"id\""),
        ("z-clean.flow.json", CLEAN_FLOW.as_bytes()),
    ]);
    let (code, out, err) = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = |path: &str| {
        let file = json["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap();
        let d = &file["diagnostics"][0];
        (
            d["code"].as_str().unwrap().to_string(),
            d["line"].as_u64().unwrap(),
            d["column"].as_u64().unwrap(),
            d["message"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(first("empty.flow.json").0, "CXF001");
    let latin1 = first("latin1.flow.json");
    assert_eq!((latin1.0.as_str(), latin1.1, latin1.2), ("CXF001", 1, 16));
    assert!(latin1.3.contains("UTF-8"));
    let script = first("latin1-script.json");
    assert_eq!((script.0.as_str(), script.1, script.2), ("CXF001", 1, 31));
    assert!(script.3.contains("UTF-8"));
    assert_eq!(first("array.flow.json").0, "CXF004");
    let deep = first("deep.flow.json");
    assert_eq!((deep.0.as_str(), deep.1), ("CXF001", 1));
    assert!(deep.3.contains("nesting"), "{}", deep.3);
    assert_eq!(first("truncated.flow.json").0, "CXF001");
    let clean = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "z-clean.flow.json")
        .unwrap();
    assert_eq!(clean["diagnostics"].as_array().unwrap().len(), 0);
}

#[test]
fn the_tool_exits_two_when_it_cannot_run() {
    let dir = workspace(&[("notes.json", b"{}")]);
    let (code, _, err) = run(dir.path(), &["check", "missing-dir"]);
    assert_eq!(code, 2);
    assert!(err.contains("`missing-dir` does not exist"), "{err}");
    let (code, _, err) = run(dir.path(), &["check", "notes.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("neither a flow file"), "{err}");
    assert_eq!(run(dir.path(), &["check", "--format", "xml"]).0, 2);
    // A folder with nothing to check is an error, not "Checked 0 flow files".
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    let (code, out, err) = run(dir.path(), &["check", "empty"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no flow files, Studio scripts or test files (*.flow.json, *.json, *.tests.json) under `empty`"),
        "{err}"
    );
    assert!(!out.contains("Checked 0"), "{out}");
}

#[test]
fn a_folder_named_twice_or_inside_another_is_checked_once_and_not_called_empty() {
    let dir = workspace(&[
        ("flows/a.flow.json", CLEAN_FLOW.as_bytes()),
        (
            "flows/team/b.flow.json",
            CLEAN_FLOW.replace("\"f\"", "\"b\"").as_bytes(),
        ),
    ]);
    for args in [
        &["check", "flows", "flows"][..],
        &["check", "flows", "flows/team"],
        &["check", "flows/team", "flows"],
    ] {
        let (code, out, err) = run(dir.path(), args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        assert_eq!(
            out, "Checked 2 flow files and 0 test files: 0 errors, 0 warnings.\n",
            "{args:?}"
        );
        assert!(!err.contains("no flow files"), "{args:?}: {err}");
    }
}

#[test]
fn a_missing_path_among_several_still_checks_the_rest_then_exits_two() {
    let flow = br#"{"flowId": "a", "elements": [{"id": "start", "type": "start"}, {"id": "bye", "type": "hangup"}], "edges": [{"from": "start", "to": "bye"}]}"#;
    let dir = workspace(&[("a.flow.json", flow)]);
    let (code, out, err) = run(dir.path(), &["check", "a.flow.json", "missing-dir"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("Checked 1 flow file"), "{out}");
    assert!(err.contains("`missing-dir` does not exist"), "{err}");
}

#[test]
fn a_file_that_vanishes_before_reading_is_a_read_error_and_the_rest_is_checked() {
    use cxone_flow::check::{Settings, check};
    use cxone_flow::discover::discover;
    let dir = workspace(&[
        ("a.flow.json", DANGLING_FLOW.as_bytes()),
        ("b.flow.json", CLEAN_FLOW.as_bytes()),
    ]);
    let units = discover(&[dir.path().to_path_buf()]).into_result().unwrap();
    fs::remove_file(dir.path().join("b.flow.json")).unwrap();
    let report = check(&units, &Settings::default());
    assert_eq!(report.read_errors.len(), 1);
    assert!(report.read_errors[0].to_string().contains("failed to read"));
    assert_eq!(report.files().count(), 1);
    assert!(report.diagnostics().any(|d| d.rule.code() == "CXF002"));
}

#[test]
fn rules_explains_one_rule_and_lists_them_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run(dir.path(), &["rules", "dangling-edge"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("CXF002 dangling-edge (error): an edge names an element that does not exist"),
        "{out}"
    );
    assert!(out.contains("**Why it matters.**") && out.contains("Good:"), "{out}");
    let (code, out, _) = run(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let rules: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rules.as_array().unwrap().len(), cxone_flow::registry::Rule::ALL.len());
    assert_eq!(rules[1]["docs"], "docs/rules.md#cxf002-dangling-edge");
    let (code, out, _) = run(dir.path(), &["rules", "cxf033", "--format", "json"]);
    assert_eq!(code, 0);
    let rule: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(rule["explanation"].as_str().unwrap().contains("flowId"));
    let (code, _, err) = run(dir.path(), &["rules", "CXF999"]);
    assert_eq!(code, 2);
    assert!(err.contains("no rule `CXF999`"), "{err}");
}

#[test]
fn graph_draws_a_flow_with_what_its_cases_leave_uncovered_and_the_failing_calls() {
    let examples = crate::hand_written_examples();
    let node_of = |chart: &str, id: &str| {
        let line = chart
            .lines()
            .find(|l| l.contains(&format!("[\"{id}<br/>")))
            .unwrap_or_else(|| panic!("no node {id}: {chart}"));
        line.trim_start().split('[').next().unwrap().to_string()
    };
    let (code, chart, err) = crate::run(examples.path(), &["graph", "main-ivr.flow.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(chart.starts_with("flowchart TD\n"), "{chart}");
    // The hand-written cases never reach main_menu_retry: it is drawn dashed and grey.
    let retry = node_of(&chart, "main_menu_retry");
    assert!(chart.contains(&format!("  class {retry} uncovered\n")), "{chart}");
    assert!(chart.contains("classDef uncovered"));
    assert!(!chart.contains("linkStyle"), "no case fails: {chart}");

    // A failing case's path is drawn red, node by node and link by link.
    let cases = crate::fixture("cases");
    let (code, chart, _) = crate::run(&cases, &["graph", "support.flow.json"]);
    assert_eq!(code, 0);
    let failing = chart
        .lines()
        .find(|l| l.starts_with("  class ") && l.ends_with(" failing"))
        .unwrap_or_else(|| panic!("no failing nodes: {chart}"));
    assert!(failing.contains(&node_of(&chart, "queue_tech")), "{failing}");
    assert!(
        chart
            .lines()
            .any(|l| l.starts_with("  linkStyle ") && l.ends_with("stroke:#cf222e,stroke-width:3px"))
    );

    // Graphviz, and a flow without a tests file: no overlay, and a note saying so.
    let dir = workspace(&[("a.flow.json", CLEAN_FLOW.as_bytes())]);
    let (code, dot, err) = crate::run(dir.path(), &["graph", "a.flow.json", "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(dot.starts_with("digraph flow {") && dot.ends_with("}\n"), "{dot}");
    assert!(!dot.contains("dashed,filled"), "{dot}");
    assert!(err.contains("no tests file"), "{err}");

    // A file that is not JSON cannot be drawn: its error, and exit 2.
    let dir = workspace(&[("bad.flow.json", b"{\"flowId\": ")]);
    let (code, out, err) = crate::run(dir.path(), &["graph", "bad.flow.json"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("CXF001") && err.contains("cannot be drawn"), "{err}");
}

#[test]
fn discovery_leaves_out_what_gitignore_and_exclude_name_but_not_a_file_named_outright() {
    let dir = workspace(&[
        (".gitignore", b"drafts/\n"),
        ("drafts/x.flow.json", DANGLING_FLOW.as_bytes()),
        ("flows/a.flow.json", CLEAN_FLOW.as_bytes()),
        ("flows/legacy/old.flow.json", DANGLING_FLOW.as_bytes()),
    ]);
    let (code, out, _) = run(dir.path(), &["check", "."]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("flows/legacy/old.flow.json") && !out.contains("drafts/"),
        "{out}"
    );
    let (code, out, _) = run(dir.path(), &["check", ".", "--exclude", "legacy/"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Checked 1 flow file"), "{out}");
    let (code, _, _) = run(
        dir.path(),
        &["check", ".", "--exclude", "**/old.flow.json", "--exclude", "nothing"],
    );
    assert_eq!(code, 0);
    // Named outright, an ignored file is checked.
    let (code, out, _) = run(dir.path(), &["check", "drafts/x.flow.json"]);
    assert_eq!(code, 1, "{out}");
    // A glob that is not one stops the run before anything is checked.
    let (code, out, err) = run(dir.path(), &["check", ".", "--exclude", "a[b"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("--exclude `a[b` is not a valid glob"), "{err}");
}

#[test]
fn colour_only_where_asked_for_and_never_in_json() {
    let cases = crate::fixture("cases");
    let (code, plain, _) = crate::run(&cases, &["check", "."]);
    assert_eq!(code, 1);
    assert!(!plain.contains('\u{1b}'), "a pipe gets no colour: {plain}");
    let (_, coloured, _) = crate::run(&cases, &["check", ".", "--color", "always"]);
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[33mwarning[CXF023]\u{1b}[0m"),
        "{coloured}"
    );
    assert!(coloured.contains("\u{1b}[1m\u{1b}[31mFAIL\u{1b}[0m case"), "{coloured}");
    assert!(
        coloured.ends_with("\u{1b}[1m\u{1b}[31mFAILED\u{1b}[0m (exit 1)\n"),
        "{coloured}"
    );
    // Without the codes, the coloured output is the plain one, character for character.
    let stripped = coloured
        .split('\u{1b}')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.split_once('m').map_or(part, |(_, rest)| rest)
            }
        })
        .collect::<String>();
    assert_eq!(stripped, plain);
    let (_, never, _) = crate::run(&cases, &["check", ".", "--color", "never"]);
    assert_eq!(never, plain);
    let (_, json, _) = crate::run(&cases, &["check", ".", "--format", "json", "--color", "always"]);
    assert!(!json.contains('\u{1b}'), "{json}");
}

#[test]
fn coverage_lists_what_no_case_reaches_and_which_edges_no_case_takes() {
    let examples = crate::hand_written_examples();
    let (code, out, _) = crate::run(examples.path(), &["check", ".", "--coverage"]);
    assert_eq!(code, 0, "{out}");
    let section: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "Coverage:")
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        section,
        [
            "Coverage:",
            "  card-activation.flow.json: 100.0% of elements (9 of 9), 100.0% of edges (8 of 8)",
            "  main-ivr.flow.json: 94.4% of elements (17 of 18), 81.8% of edges (18 of 22)",
            "    no case reaches: main_menu_retry",
            "    no case takes: main_menu -[0]-> queue_general",
            "    no case takes: main_menu -[invalid]-> main_menu_retry",
            "    no case takes: main_menu_retry -> main_menu",
            "    no case takes: account_input -[timeout]-> queue_general",
        ],
        "{out}"
    );
    // Without the flag, no section.
    let (_, out, _) = crate::run(examples.path(), &["check", "."]);
    assert!(!out.contains("Coverage:"), "{out}");
}

#[test]
fn a_finding_suppressed_on_its_element_with_a_reason_is_not_reported() {
    let suppressed = r#"{"flowId": "w", "elements": [{"id": "start", "type": "start"}, {"id": "bye", "type": "hangup"},
 {"id": "lost", "type": "hangup", "suppress": [{"rule": "unreachable-element", "reason": "reached by the Q3 campaign's transfer"}]}],
 "edges": [{"from": "start", "to": "bye"}]}"#;
    let dir = workspace(&[("w.flow.json", suppressed.as_bytes())]);
    let (code, out, _) = run(dir.path(), &["check", "--fail-on", "warning"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out,
        "Checked 1 flow file and 0 test files: 0 errors, 0 warnings (1 suppressed in the flows).\n"
    );
    // Without a reason, or naming no rule, a suppression is a finding and suppresses nothing.
    let careless = suppressed
        .replace(", \"reason\": \"reached by the Q3 campaign's transfer\"", "")
        .replace("\"unreachable-element\"", "\"CXF011\"");
    let dir = workspace(&[("w.flow.json", careless.as_bytes())]);
    let (code, out, _) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("error[CXF003] missing-field: a suppression has no `reason` field"),
        "{out}"
    );
    assert!(out.contains("warning[CXF011] unreachable-element"), "{out}");
    let unknown = suppressed.replace("\"unreachable-element\"", "\"unreachable\"");
    let dir = workspace(&[("w.flow.json", unknown.as_bytes())]);
    let (_, out, _) = run(dir.path(), &["check"]);
    assert!(
        out.contains("error[CXF004] invalid-field-value: `unreachable` names no rule"),
        "{out}"
    );
}

#[test]
fn init_starts_a_repository_that_checks_clean_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(dir.path(), &["init"]);
    assert_eq!(code, 0, "{err}");
    for file in [
        "flows/main.flow.json",
        "flows/main.tests.json",
        "cxone-flow.toml",
        ".github/workflows/cxone-flow-check.yml",
        ".github/workflows/cxone-flow-release.yml",
    ] {
        assert!(dir.path().join(file).is_file(), "{file}: {out}");
    }
    let (code, out, _) = run(dir.path(), &["check"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("4 cases: 4 passed, 0 failed; coverage 100.0% of elements"),
        "{out}"
    );
    let (code, out, _) = run(dir.path(), &["config"]);
    assert!(code == 0 && out.contains("--fail-on                    error"), "{out}");
    assert!(out.contains("paths (arguments)            flows "), "{out}");
    fs::write(dir.path().join("flows/main.flow.json"), "{}").unwrap();
    let (code, _, err) = run(dir.path(), &["init"]);
    assert_eq!(code, 2);
    assert!(err.contains("init writes nothing over existing files"), "{err}");
    assert_eq!(
        fs::read_to_string(dir.path().join("flows/main.flow.json")).unwrap(),
        "{}"
    );
}

/// A refused login says which URL it tried and what chose it (the setting that overrides the
/// region's preset), and the key's secret never shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_names_the_url_and_the_setting_that_chose_it() {
    let emulator = std::sync::Arc::new(crate::studio_release::tenant(&[]).await);
    let origin = emulator.origin();
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let url = format!("{origin}/authentication/v1/token/access-key");
    let args = [
        "pull",
        "--out",
        "live",
        "--cxone-access-key-url",
        &url,
        "--cxone-issuer",
        &origin,
    ];
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let output = crate::studio_release::off_runtime(&emulator, &dir, move |d, _| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
            .args(&args)
            .current_dir(d)
            .env_clear()
            .env("CXONE_ACCESS_KEY_ID", "emulator-access-key")
            .env("CXONE_ACCESS_KEY_SECRET", "not-the-secret")
            .output()
            .unwrap()
    })
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("(tried {url}, set by `cxone-access-key-url`)")),
        "{stderr}"
    );
    assert!(!stderr.contains("not-the-secret"), "{stderr}");
}

/// README's exit-code table is `exit.rs`'s, written out (`UPDATE_DOCS=1` rewrites it in place).
#[test]
fn the_readme_exit_table_is_the_one_the_code_follows() {
    let path = crate::root().join("README.md");
    let text = fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- exit table: begin -->\n", "<!-- exit table: end -->");
    let start = text.find(begin).unwrap() + begin.len();
    let stop = text.find(end).unwrap();
    let table = cxone_flow::exit::table_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        fs::write(&path, format!("{}{table}{}", &text[..start], &text[stop..])).unwrap();
        return;
    }
    assert_eq!(text[start..stop], table, "run with UPDATE_DOCS=1 and read the diff");
}
