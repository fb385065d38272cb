//! README's exit-code table held by both adapters (the command line and the Action) and both
//! backends (flows-api and studio): each row a check, a release or a rollback can end in (clean,
//! findings, failing cases, a failed release or rollback, and each failure before CXone), run each
//! way it applies, ends with the code the table gives its ending.

use std::path::Path;
use std::process::Command;

use cxone_flow::exit::Ending;

use crate::action::{run_binary, tiny_flow, write};

const BACKENDS: [&str; 2] = ["flows-api", "studio"];

/// A repository of one flow (flows-api) or one script (studio) with its tests; `broken`: a case
/// expects an element the flow does not have, so the checks fail.
fn repository(backend: &str, broken: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let failing =
        r#"{"cases": [{"name": "ends nowhere", "input": {"dtmf": []}, "expect": {"finalElement": "Nowhere At All"}}]}"#;
    match backend {
        "flows-api" => {
            let (flow, tests) = tiny_flow("a");
            write(dir.path(), "a.flow.json", &flow);
            write(dir.path(), "a.tests.json", if broken { failing } else { &tests });
        }
        _ => {
            let script = include_str!("../../examples/studio/acme_main_ivr.json");
            let tests = include_str!("../../examples/studio/acme_main_ivr.tests.json");
            write(dir.path(), "acme_main_ivr.json", script);
            write(
                dir.path(),
                "acme_main_ivr.tests.json",
                if broken { failing } else { tests },
            );
            // The script the main one calls (RUNSUB), whose actions its cases walk through.
            write(
                dir.path(),
                "acme_caller_tier.json",
                include_str!("../../examples/studio/acme_caller_tier.json"),
            );
        }
    }
    dir
}

/// The credentials of a backend, as environment variables both adapters read.
fn credentials(backend: &str) -> Vec<(&'static str, &'static str)> {
    match backend {
        "flows-api" => vec![("CXONE_CLIENT_ID", "cxone-flow"), ("CXONE_CLIENT_SECRET", "s3cret")],
        _ => vec![("CXONE_ACCESS_KEY_ID", "key"), ("CXONE_ACCESS_KEY_SECRET", "s3cret")],
    }
}

/// `release --tag v1 --backend BACKEND ARGS` with only these variables: the code and all it printed.
fn cli(dir: &Path, backend: &str, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let release = ["release", "--tag", "v1", "--backend", backend];
    command_line(dir, &[&release[..], args].concat(), env)
}

/// `cxone-flow ARGS` with only these variables: the code and all it printed.
fn command_line(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap_or(-1), text)
}

/// The Action on a push of tag `v1` with `release-on-tag` and `backend: BACKEND`, these inputs and
/// variables: the code and its log.
fn action(dir: &Path, backend: &str, inputs: &[(&str, &str)], env: &[(&str, &str)]) -> (i32, String) {
    let mut vars = vec![
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_REF", "refs/tags/v1"),
        ("GITHUB_REF_TYPE", "tag"),
        ("INPUT_RELEASE-ON-TAG", "true"),
        ("INPUT_BACKEND", backend),
    ];
    vars.extend_from_slice(inputs);
    vars.extend_from_slice(env);
    let run = run_binary(dir, &vars);
    (run.code, run.stdout)
}

/// Runs one failure four ways and holds each to the table's code for `ending`, its output saying
/// `says`.
fn four_ways(ending: Ending, broken: bool, with_credentials: bool, flag: &[&str], input: &[(&str, &str)], says: &str) {
    let wanted = i32::from(ending.exit().code());
    for backend in BACKENDS {
        let dir = repository(backend, broken);
        let env = if with_credentials {
            credentials(backend)
        } else {
            Vec::new()
        };
        let (code, out) = cli(dir.path(), backend, flag, &env);
        assert_eq!(code, wanted, "{ending:?}, command line, {backend}: {out}");
        assert!(out.contains(says), "{ending:?}, command line, {backend}: {out}");
        let (code, out) = action(dir.path(), backend, input, &env);
        assert_eq!(code, wanted, "{ending:?}, Action, {backend}: {out}");
        assert!(out.contains(says), "{ending:?}, Action, {backend}: {out}");
    }
}

#[test]
fn a_release_whose_checks_fail_exits_as_the_table_says_everywhere() {
    four_ways(Ending::ReleaseFailed, true, true, &[], &[], "the checks failed");
}

#[test]
fn missing_credentials_exit_as_the_table_says_everywhere() {
    four_ways(Ending::CxoneRefused, false, false, &[], &[], "set ");
}

#[test]
fn a_bad_setting_exits_as_the_table_says_everywhere() {
    four_ways(
        Ending::BadSetting,
        false,
        true,
        &["--max-menu-depth", "deep"],
        &[("INPUT_MAX-MENU-DEPTH", "deep")],
        "`deep` is not a whole number",
    );
}

#[test]
fn an_audit_log_that_cannot_be_opened_exits_as_the_table_says_everywhere() {
    // A folder where the audit log should be: it cannot be opened for appending.
    four_ways(
        Ending::AuditLogNotWritten,
        false,
        true,
        &["--audit-log", "."],
        &[("INPUT_AUDIT-LOG", ".")],
        "failed to open the audit log",
    );
}

/// An audit log that fails mid-release (`/dev/full` takes the open and refuses every write) ends a
/// Studio release with the table's code, as it ends a flows-api release: 2, not 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_log_that_fails_mid_release_exits_as_the_table_says_for_studio() {
    use crate::studio_release::{cxone_flow, off_runtime, repository, tenant};
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    let run = off_runtime(&emulator, &repo, |d, e| {
        cxone_flow(
            d,
            e,
            &[
                "release",
                "--backend",
                "studio",
                "--tag",
                "v1",
                "--audit-log",
                "/dev/full",
                "ivr",
            ],
        )
    })
    .await;
    assert_eq!(
        run.code,
        i32::from(Ending::AuditLogNotWritten.exit().code()),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(run.stderr.contains("audit log"), "{}", run.stderr);
}

/// A rollback that cannot run (no credentials) ends with the table's code under both backends on
/// the command line (a Studio one ended 1 before) and in the Action.
#[test]
fn a_rollback_that_cannot_run_exits_as_the_table_says_for_both_backends() {
    let wanted = i32::from(Ending::CxoneRefused.exit().code());
    let dir = repository("flows-api", false);
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
            .args(args)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.code().unwrap_or(-1), text)
    };
    let (code, err) = run(&["rollback", "--flow-id", "a"]);
    assert_eq!(code, wanted, "flows-api: {err}");
    let studio = "rollback --backend=studio --script=Acme_Main_IVR --point-of-contact=Acme_Main_IVR=4001";
    let (code, err) = run(&studio.split(' ').collect::<Vec<_>>());
    assert_eq!(code, wanted, "studio: {err}");
    assert!(err.contains("CXONE_ACCESS_KEY"), "{err}");
    let run = run_binary(dir.path(), &[("INPUT_ROLLBACK-FLOW-ID", "a")]);
    assert_eq!(run.code, wanted, "{}", run.stdout);
    let inputs = [
        ("INPUT_BACKEND", "studio"),
        ("INPUT_ROLLBACK-FLOW-ID", "Acme_Main_IVR"),
        ("INPUT_POINTS-OF-CONTACT", "Acme_Main_IVR=4001"),
    ];
    let run = run_binary(dir.path(), &inputs);
    assert_eq!(run.code, wanted, "Action, studio: {}", run.stdout);
    assert!(run.stdout.contains("cxone-access-key-id"), "{}", run.stdout);
}

#[test]
fn a_path_that_does_not_exist_exits_as_the_table_says_everywhere() {
    four_ways(
        Ending::Unreadable,
        false,
        true,
        &["nothere.flow.json"],
        &[("INPUT_PATHS", "nothere.flow.json")],
        "`nothere.flow.json` does not exist",
    );
}

/// A script given to the flows-api backend passes the checks, yet cannot become a flow's payload:
/// nothing is sent, on the command line and in the Action.
#[test]
fn a_checked_script_the_flows_api_backend_cannot_send_exits_as_the_table_says_for_both_adapters() {
    let wanted = i32::from(Ending::NotSendable.exit().code());
    let dir = repository("studio", false);
    let env = credentials("flows-api");
    let says = "it is a Studio script, which the flows-api backend cannot release";
    let (code, out) = cli(dir.path(), "flows-api", &[], &env);
    assert_eq!(code, wanted, "command line: {out}");
    assert!(out.contains(says), "command line: {out}");
    let (code, out) = action(dir.path(), "flows-api", &[], &env);
    assert_eq!(code, wanted, "Action: {out}");
    assert!(out.contains(says), "Action: {out}");
}

/// A report that cannot be written (a folder where the file should be) ends a check of flows and
/// of scripts with the table's code: `check --junit` on the command line, the JSON report in the
/// Action.
#[test]
fn a_report_that_cannot_be_written_exits_as_the_table_says_for_flows_and_scripts() {
    let wanted = i32::from(Ending::NotWritten.exit().code());
    for backend in BACKENDS {
        let dir = repository(backend, false);
        let output = Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
            .args(["check", "--junit", "."])
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(wanted), "command line, {backend}: {err}");
        assert!(
            err.contains("failed to write the JUnit report"),
            "command line, {backend}: {err}"
        );
        let (code, out) = action(
            dir.path(),
            backend,
            &[("INPUT_RELEASE-ON-TAG", "false"), ("INPUT_REPORT-PATH", ".")],
            &[],
        );
        assert_eq!(code, wanted, "Action, {backend}: {out}");
        assert!(out.contains("failed to write"), "Action, {backend}: {out}");
    }
}

/// The case of the repository's tests file made to fail: it expects an element the call does not
/// end at (one the flow or script has, so the file itself is sound).
fn fail_a_case(dir: &Path, backend: &str) {
    let (file, ends_at, wrong) = match backend {
        "flows-api" => (
            "a.tests.json",
            "\"finalElement\": \"bye\"",
            "\"finalElement\": \"start\"",
        ),
        _ => (
            "acme_main_ivr.tests.json",
            "\"finalElement\": \"Claims Queue\"",
            "\"finalElement\": \"Welcome\"",
        ),
    };
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(ends_at), "{text}");
    std::fs::write(&path, text.replacen(ends_at, wrong, 1)).unwrap();
}

/// Checks a repository on the command line (`check`) and in the Action (a push of tag `v1` with
/// `release-on-tag: false`), for a flow and for a script, and holds each to the table's code for
/// `ending`, its output saying `says`.
fn checked_both_ways(ending: Ending, spoil: impl Fn(&Path, &str), says: &str) {
    let wanted = i32::from(ending.exit().code());
    for backend in BACKENDS {
        let dir = repository(backend, false);
        spoil(dir.path(), backend);
        let (code, out) = command_line(dir.path(), &["check", "."], &[]);
        assert_eq!(code, wanted, "{ending:?}, command line, {backend}: {out}");
        assert!(out.contains(says), "{ending:?}, command line, {backend}: {out}");
        let (code, out) = action(dir.path(), backend, &[("INPUT_RELEASE-ON-TAG", "false")], &[]);
        assert_eq!(code, wanted, "{ending:?}, Action, {backend}: {out}");
        assert!(out.contains(says), "{ending:?}, Action, {backend}: {out}");
    }
}

#[test]
fn a_clean_check_exits_as_the_table_says_for_flows_and_scripts() {
    checked_both_ways(Ending::Clean, |_, _| {}, "0 errors");
}

#[test]
fn a_finding_exits_as_the_table_says_for_flows_and_scripts() {
    // The case expects an element the flow or script does not have (CXF029, an error).
    let spoil = |dir: &Path, backend: &str| {
        let broken = repository(backend, true);
        for entry in std::fs::read_dir(broken.path()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
    };
    checked_both_ways(Ending::Findings, spoil, "CXF029");
}

#[test]
fn a_failing_case_exits_as_the_table_says_for_flows_and_scripts() {
    checked_both_ways(Ending::FailingCases, fail_a_case, "1 failed");
}

/// A backend's emulated CXone (flows-api: the Flow Management API; studio: a tenant whose main
/// line, 4001, runs `Old_IVR`) and the variables both adapters reach it with; a studio repository
/// maps `Acme_Main_IVR` to 4001 in its settings file.
async fn emulated(backend: &str, dir: &Path) -> (cxone_emulator::Emulator, Vec<(String, String)>) {
    match backend {
        "flows-api" => {
            let emulator = cxone_emulator::spawn(cxone_emulator::Config {
                client_secret: "s3cret".into(),
                ..cxone_emulator::Config::default()
            })
            .await
            .unwrap();
            let env = vec![
                ("CXONE_BASE_URL".to_string(), emulator.base_url()),
                ("CXONE_TOKEN_URL".into(), emulator.token_url()),
                ("CXONE_CLIENT_ID".into(), "cxone-flow".into()),
                ("CXONE_CLIENT_SECRET".into(), "s3cret".into()),
            ];
            (emulator, env)
        }
        _ => {
            write(
                dir,
                "cxone-flow.toml",
                "[points-of-contact]\nAcme_Main_IVR = [\"4001\"]\n",
            );
            let emulator = crate::studio_release::tenant(&[]).await;
            let origin = emulator.origin();
            let env = vec![
                ("CXONE_ISSUER".to_string(), origin.clone()),
                (
                    "CXONE_ACCESS_KEY_URL".into(),
                    format!("{origin}/authentication/v1/token/access-key"),
                ),
                ("CXONE_CLUSTER_API".into(), "http://127.0.0.1:{cluster}".into()),
                ("CXONE_ACCESS_KEY_ID".into(), "emulator-access-key".into()),
                ("CXONE_ACCESS_KEY_SECRET".into(), "emulator-access-secret".into()),
            ];
            (emulator, env)
        }
    }
}

/// Runs `f` off the async runtime (which serves the emulator meanwhile) with the variables as
/// pairs of text.
async fn off_runtime<T: Send + 'static>(
    dir: &Path,
    env: &[(String, String)],
    f: impl FnOnce(&Path, &[(&str, &str)]) -> T + Send + 'static,
) -> T {
    let (dir, env) = (dir.to_path_buf(), env.to_vec());
    tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        f(&dir, &env)
    })
    .await
    .unwrap()
}

/// A release that sends everything ends clean under both backends, on the command line and in the
/// Action (each in a repository of its own, against the backend's emulated CXone).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_release_exits_as_the_table_says_everywhere() {
    let wanted = i32::from(Ending::Clean.exit().code());
    type Adapter = fn(&Path, &'static str, &[(&str, &str)]) -> (i32, String);
    let adapters: [(&str, Adapter); 2] = [
        ("command line", |d, backend, e| cli(d, backend, &[], e)),
        ("Action", |d, backend, e| action(d, backend, &[], e)),
    ];
    for backend in BACKENDS {
        for (adapter, run) in adapters {
            let dir = repository(backend, false);
            let (_emulator, env) = emulated(backend, dir.path()).await;
            let (code, out) = off_runtime(dir.path(), &env, move |d, e| run(d, backend, e)).await;
            assert_eq!(code, wanted, "{adapter}, {backend}: {out}");
            assert!(out.contains("release v1 "), "{adapter}, {backend}: {out}");
        }
    }
}

/// A rollback whose login CXone refuses could not run: the table's code for a refused login, not a
/// failed rollback, under both backends on the command line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_whose_login_is_refused_exits_as_the_table_says_for_both_backends() {
    let wanted = i32::from(Ending::CxoneRefused.exit().code());
    for backend in BACKENDS {
        let dir = repository(backend, false);
        let (_emulator, mut env) = emulated(backend, dir.path()).await;
        for (key, value) in &mut env {
            if key.ends_with("_SECRET") {
                *value = "not-the-secret".into();
            }
        }
        let args: &'static [&'static str] = match backend {
            "flows-api" => &["rollback", "--flow-id", "a"],
            _ => &["rollback", "--backend", "studio", "--script", "Acme_Main_IVR"],
        };
        let (code, out) = off_runtime(dir.path(), &env, move |d, e| command_line(d, args, e)).await;
        assert_eq!(code, wanted, "command line, {backend}: {out}");
        assert!(!out.contains("not-the-secret"), "{out}");
    }
}

/// A rollback that runs and finds nothing to restore (nothing was ever released) ends as the table
/// says under both backends, on the command line and in the Action.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_that_cannot_restore_exits_as_the_table_says_for_both_backends() {
    let wanted = i32::from(Ending::RollbackFailed.exit().code());
    for backend in BACKENDS {
        let dir = repository(backend, false);
        let (_emulator, env) = emulated(backend, dir.path()).await;
        let args: &'static [&'static str] = match backend {
            "flows-api" => &["rollback", "--flow-id", "a"],
            _ => &["rollback", "--backend", "studio", "--script", "Acme_Main_IVR"],
        };
        let (code, out) = off_runtime(dir.path(), &env, move |d, e| command_line(d, args, e)).await;
        assert_eq!(code, wanted, "command line, {backend}: {out}");
        assert!(out.contains("error: rollback of "), "command line, {backend}: {out}");
    }
    for backend in BACKENDS {
        let dir = repository(backend, false);
        let (_emulator, env) = emulated(backend, dir.path()).await;
        let inputs: &'static [(&'static str, &'static str)] = match backend {
            "flows-api" => &[("INPUT_ROLLBACK-FLOW-ID", "a")],
            _ => &[("INPUT_BACKEND", "studio"), ("INPUT_ROLLBACK-FLOW-ID", "Acme_Main_IVR")],
        };
        let run = off_runtime(dir.path(), &env, move |d, e| run_binary(d, &[e, inputs].concat())).await;
        assert_eq!(run.code, wanted, "Action, {backend}: {}", run.stdout);
        assert!(run.stdout.contains("rollback of "), "Action, {backend}: {}", run.stdout);
    }
}
