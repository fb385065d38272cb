//! `cxone-flow.toml`: the settings a repository keeps, for the command line and the Action alike;
//! flags, environment variables and inputs override it; secrets and typos are refused.

use std::fs;

use cxone_flow::exit::Ending;

use crate::action::{run_action, tiny_flow, write};
use crate::run;

/// A flow with an unreachable element: a warning by default.
const WARNING_FLOW: &str = r#"{"flowId": "w", "elements": [{"id": "start", "type": "start"}, {"id": "bye", "type": "hangup"},
 {"id": "lost", "type": "hangup"}], "edges": [{"from": "start", "to": "bye"}]}"#;

#[test]
fn the_file_found_above_the_checked_path_sets_defaults_that_flags_override() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ivr/flows/w.flow.json", WARNING_FLOW);
    write(
        dir.path(),
        "ivr/cxone-flow.toml",
        "fail-on = \"warning\"\n[severity]\nunreachable-element = \"warning\"\n",
    );
    let (code, out, _) = run(dir.path(), &["check", "ivr/flows"]);
    assert_eq!(code, 1, "fail-on = warning from the file: {out}");
    let (code, _, _) = run(dir.path(), &["check", "ivr/flows", "--fail-on", "error"]);
    assert_eq!(code, 0, "the flag wins");
    let (code, out, _) = run(&dir.path().join("ivr"), &["config"]);
    assert_eq!(code, 0);
    assert!(out.contains("cxone-flow.toml\n"), "{out}");
    assert!(out.contains("--fail-on                    warning"), "{out}");
    assert!(
        out.contains("ivr/cxone-flow.toml)") && out.contains("(default)"),
        "{out}"
    );
    // --config names another file.
    write(dir.path(), "strict.toml", "max-execution-ms = 1\n");
    let (code, out, _) = run(&dir.path().join("ivr"), &["--config", "../strict.toml", "config"]);
    assert_eq!(code, 0);
    let line = out.lines().find(|l| l.starts_with("--max-execution-ms ")).unwrap();
    assert!(line.contains(" 1 ") && line.ends_with("(../strict.toml)"), "{line}");
}

#[test]
fn secrets_and_unknown_settings_in_the_file_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let (flow, _) = tiny_flow("a");
    write(dir.path(), "a.flow.json", &flow);
    fs::write(dir.path().join("cxone-flow.toml"), "cxone-client-secret = \"s3cret\"\n").unwrap();
    let (code, _, err) = run(dir.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`cxone-client-secret` is a secret and never goes in a committed file"),
        "{err}"
    );
    assert!(!err.contains("s3cret"));
    fs::write(dir.path().join("cxone-flow.toml"), "max-menu-dept = 3\n").unwrap();
    let (code, _, err) = run(dir.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown setting `max-menu-dept` (did you mean `max-menu-depth`?)"),
        "{err}"
    );
}

#[test]
fn the_action_takes_the_file_s_settings_for_inputs_left_blank() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "flows/w.flow.json", WARNING_FLOW);
    write(
        dir.path(),
        "cxone-flow.toml",
        "fail-on = \"warning\"\npaths = [\"flows\"]\n",
    );
    // The runner passes every input, blank when the workflow does not set it.
    let blank = run_action(dir.path(), &[("INPUT_FAIL-ON", ""), ("INPUT_PATHS", "")]);
    assert_eq!(blank.code, 1, "{}", blank.stdout);
    let set = run_action(dir.path(), &[("INPUT_FAIL-ON", "error")]);
    assert_eq!(set.code, 0, "the input wins: {}", set.stdout);
    fs::write(dir.path().join("cxone-flow.toml"), "github-token = \"x\"\n").unwrap();
    let refused = run_action(dir.path(), &[]);
    assert_eq!(refused.ending, Some(Ending::BadSetting));
    assert!(
        refused.stdout.contains("::error title=cxone-flow config::"),
        "{}",
        refused.stdout
    );
}

/// docs/configuration.md's table is the settings table's, written out: a setting added to the
/// table and not to the docs fails here. `UPDATE_DOCS=1` rewrites the table in place.
#[test]
fn the_docs_list_every_setting_as_the_table_declares_it() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md");
    let text = fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- settings table: begin -->\n", "<!-- settings table: end -->");
    let start = text.find(begin).unwrap() + begin.len();
    let stop = text.find(end).unwrap();
    let table = cxone_flow::settings::table::markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        fs::write(&path, format!("{}{table}{}", &text[..start], &text[stop..])).unwrap();
        return;
    }
    assert_eq!(text[start..stop], table, "run with UPDATE_DOCS=1 and read the diff");
}

/// Each command's `--help` lists the settings it uses and no other.
#[test]
fn validate_help_lists_no_setting_it_does_not_use() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run(dir.path(), &["validate", "--help"]);
    assert_eq!(code, 0);
    for unused in [
        "--base-url",
        "--token-url",
        "--point-of-contact",
        "--allow-live-overwrite",
        "--commit",
    ] {
        assert!(!out.contains(unused), "{unused}: {out}");
    }
    assert!(out.contains("--access-key-id") && out.contains("--fail-on"), "{out}");
    let (_, out, _) = run(dir.path(), &["release", "--help"]);
    assert!(
        out.contains("--point-of-contact") && out.contains("--base-url"),
        "{out}"
    );
}
