//! Trust boundaries (a pull request's content is data): its settings file cannot move a credential
//! or switch the check off, what a run writes never follows a link or leaves the workspace, and
//! what content says cannot steer the output. Each test is a hostile repository driven through the
//! binary as a user or the runner drives it.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use cxone_emulator::{Config, spawn};
use cxone_flow::exit::Ending;

use crate::action::{commit_all, git, owned, pull_request_event, run_action, run_action_async, tiny_flow, write};

const KEY_SECRET: &str = "trust-test-access-key-secret-7f3a";

/// A server on 127.0.0.1 that keeps the head of every request it gets and answers 401: where a
/// stolen key would land.
struct Thief {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

fn thief() -> Thief {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let mut buffer = [0u8; 8192];
            let read = stream.read(&mut buffer).unwrap_or(0);
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buffer[..read]).into_owned());
            let _ = stream.write_all(b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    Thief { url, seen }
}

/// A flow whose hangup has an edge that leads nowhere: two errors (CXF002 dangling-edge, CXF014
/// terminal-with-exit), both of which [`SILENCED`] turns off.
const BROKEN_FLOW: &str = r#"{"flowId": "broken", "elements": [{"id": "start", "type": "start"}, {"id": "bye", "type": "hangup"}],
  "edges": [{"from": "start", "to": "bye"}, {"from": "bye", "to": "nowhere"}]}"#;

/// Settings that switch off every finding of [`BROKEN_FLOW`].
const SILENCED: &str = "[severity]\ndangling-edge = \"off\"\nterminal-with-exit = \"off\"\n";

#[test]
fn a_pull_request_s_settings_file_cannot_move_the_key_or_switch_the_check_off() {
    let thief = thief();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let (flow, tests) = tiny_flow("tiny");
    write(d, "flows/tiny.flow.json", &flow);
    write(d, "flows/tiny.tests.json", &tests);
    let base = commit_all(d, "base");
    write(d, "flows/broken.flow.json", BROKEN_FLOW);
    write(
        d,
        "flows/acme_main_ivr.json",
        &std::fs::read_to_string(crate::root().join("examples/studio/acme_main_ivr.json")).unwrap(),
    );
    let url = &thief.url;
    write(
        d,
        "cxone-flow.toml",
        &format!(
            "backend = \"studio\"\nremote-validate = true\ncxone-issuer = \"{url}\"\n\
             cxone-access-key-url = \"{url}/authentication/v1/token/access-key\"\ncxone-api-base = \"{url}\"\n{SILENCED}"
        ),
    );
    let head = commit_all(d, "head");
    let event = pull_request_event(d, &base, &head, 3);
    let run = run_action(
        d,
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("INPUT_PATHS", "flows"),
            ("INPUT_CXONE-ACCESS-KEY-ID", "ci-key"),
            ("INPUT_CXONE-ACCESS-KEY-SECRET", KEY_SECRET),
        ],
    );
    assert!(
        thief.seen.lock().unwrap().is_empty(),
        "the PR's host was called: {:?}",
        thief.seen.lock().unwrap()
    );
    assert_eq!(
        run.code, 1,
        "the error the PR's file turned off still fails the check: {}",
        run.stdout
    );
    assert!(
        run.commands
            .iter()
            .any(|c| c.name == "error" && c.properties.get("title").is_some_and(|t| t.contains("CXF002"))),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("settings: the base commit")
            && run.stdout.contains("this pull request adds cxone-flow.toml"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .lines()
            .filter(|line| line.contains(KEY_SECRET))
            .all(|line| line.starts_with("::add-mask::")),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_base_commit_in_the_clone_its_settings_come_from_the_api() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "flows/broken.flow.json", BROKEN_FLOW);
    write(dir.path(), "cxone-flow.toml", SILENCED);
    let (base, head) = ("b".repeat(40), "h".repeat(40));
    let mut contents = std::collections::HashMap::new();
    contents.insert(
        (base.clone(), "cxone-flow.toml".to_string()),
        "fail-on = \"warning\"\n".to_string(),
    );
    let (api, fake) = crate::action::fake_github(crate::action::FakeGitHub {
        files: vec![serde_json::json!({"filename": "flows/broken.flow.json", "status": "added"})],
        contents,
        ..Default::default()
    })
    .await;
    let runner = tempfile::tempdir().unwrap();
    let event = pull_request_event(runner.path(), &base, &head, 2);
    let vars = owned(&[
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_API_URL", &api),
        ("INPUT_GITHUB-TOKEN", "ghs_x"),
        ("INPUT_PATHS", "flows"),
    ]);
    let run = run_action_async(dir.path(), vars.clone()).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "settings: cxone-flow.toml at the base commit {}; this pull request changes the settings file",
            &base[..12]
        )),
        "{}",
        run.stdout
    );
    assert!(
        fake.lock()
            .unwrap()
            .requests
            .iter()
            .any(|(_, path, _)| path == &format!("contents/cxone-flow.toml?ref={base}"))
    );
    // No token and no base commit: the checkout's file is refused, saying what to do.
    let without_token: Vec<_> = vars.into_iter().filter(|(k, _)| k != "INPUT_GITHUB-TOKEN").collect();
    let run = run_action_async(dir.path(), without_token).await;
    assert_eq!(run.ending, Some(Ending::BadSetting), "{}", run.stdout);
    assert!(
        run.stdout.contains("there is no github-token to ask GitHub") && run.stdout.contains("fetch-depth: 0"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_key_goes_only_to_nice_s_hosts_unless_the_workflow_names_another() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "flows/acme_main_ivr.json",
        &std::fs::read_to_string(crate::root().join("examples/studio/acme_main_ivr.json")).unwrap(),
    );
    let run = run_action(
        dir.path(),
        &[
            ("INPUT_PATHS", "flows"),
            ("INPUT_BACKEND", "studio"),
            ("INPUT_REMOTE-VALIDATE", "true"),
            ("INPUT_CXONE-ACCESS-KEY-URL", "https://keys.attacker.invalid/token"),
            ("INPUT_CXONE-ACCESS-KEY-ID", "ci-key"),
            ("INPUT_CXONE-ACCESS-KEY-SECRET", KEY_SECRET),
        ],
    );
    assert_eq!(run.ending, Some(Ending::CxoneRefused), "{}", run.stdout);
    let error = run.commands.iter().find(|c| c.name == "error").unwrap();
    assert!(
        error
            .data
            .contains("`https://keys.attacker.invalid/token` is not on NICE's domains")
            && error.data.contains("cxone-allowed-hosts"),
        "{}",
        error.data
    );
    // The file cannot widen the list; only the workflow's input can.
    write(
        dir.path(),
        "cxone-flow.toml",
        "cxone-allowed-hosts = \"keys.attacker.invalid\"\n",
    );
    let refused = run_action(dir.path(), &[("INPUT_PATHS", "flows")]);
    assert_eq!(refused.ending, Some(Ending::BadSetting));
    assert!(
        refused
            .stdout
            .contains("only the workflow's own input sets it, never a committed file"),
        "{}",
        refused.stdout
    );
}

#[test]
fn a_settings_file_above_the_repository_never_applies() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "cxone-flow.toml", SILENCED);
    let repo = outer.path().join("repo");
    write(&repo, "flows/broken.flow.json", BROKEN_FLOW);
    git(&repo, &["init", "-q", "-b", "main"]);
    let (code, out, err) = crate::run(&repo, &["check", "flows"]);
    assert_eq!(
        code, 1,
        "the file above the repository turned the error off: {out}{err}"
    );
    // In Action mode the search stops at the workspace, a git repository or not.
    std::fs::remove_dir_all(repo.join(".git")).unwrap();
    let run = run_action(&repo, &[("INPUT_PATHS", "flows")]);
    assert_eq!(run.code, 1, "{}", run.stdout);
}

/// A file outside the workspace that a link in it points at.
fn precious(outside: &Path, name: &str) -> std::path::PathBuf {
    let path = outside.join(name);
    std::fs::write(&path, "precious").unwrap();
    path
}

#[test]
fn report_files_never_follow_a_committed_link_or_leave_the_workspace() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (flow, tests) = tiny_flow("tiny");
    write(dir.path(), "flows/tiny.flow.json", &flow);
    write(dir.path(), "flows/tiny.tests.json", &tests);
    let targets: Vec<_> = ["cxone-flow-junit.xml", "cxone-flow.sarif", "cxone-flow-report.json"]
        .iter()
        .map(|name| {
            let target = precious(outside.path(), name);
            std::os::unix::fs::symlink(&target, dir.path().join(name)).unwrap();
            target
        })
        .collect();
    let run = run_action(
        dir.path(),
        &[
            ("INPUT_PATHS", "flows"),
            ("INPUT_JUNIT-PATH", "cxone-flow-junit.xml"),
            ("INPUT_SARIF-PATH", "cxone-flow.sarif"),
            ("INPUT_REPORT-PATH", "cxone-flow-report.json"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    for target in &targets {
        assert_eq!(
            std::fs::read_to_string(target).unwrap(),
            "precious",
            "{}",
            target.display()
        );
    }
    let junit = dir.path().join("cxone-flow-junit.xml");
    assert!(!junit.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(junit).unwrap().contains("<testsuites"));
    // A linked folder on the way, and a path out of the workspace from the settings file.
    std::os::unix::fs::symlink(outside.path(), dir.path().join("reports")).unwrap();
    write(
        dir.path(),
        "cxone-flow.toml",
        &format!("sarif-path = \"{}/escaped.sarif\"\n", outside.path().display()),
    );
    let run = run_action(
        dir.path(),
        &[
            ("INPUT_PATHS", "flows"),
            ("INPUT_JUNIT-PATH", "reports/j.xml"),
            ("INPUT_REPORT-PATH", ""),
        ],
    );
    assert_eq!(run.ending, Some(Ending::NotWritten), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("is a symbolic link; cxone-flow never writes through a link"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("is outside the workspace"), "{}", run.stdout);
    assert!(!outside.path().join("j.xml").exists() && !outside.path().join("escaped.sarif").exists());
    // An input set empty writes no file, whatever the settings file says.
    write(dir.path(), "cxone-flow.toml", "report-path = \"from-the-file.json\"\n");
    let run = run_action(dir.path(), &[("INPUT_PATHS", "flows"), ("INPUT_REPORT-PATH", "")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!dir.path().join("from-the-file.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_and_payload_files_stay_where_they_belong() {
    let secret = "trust-test-client-secret";
    let emu = spawn(Config {
        client_secret: secret.into(),
        ..Config::default()
    })
    .await
    .unwrap();
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (flow, tests) = tiny_flow("tiny");
    write(dir.path(), "flows/tiny.flow.json", &flow);
    write(dir.path(), "flows/tiny.tests.json", &tests);
    let target = precious(outside.path(), "audit.jsonl");
    std::os::unix::fs::symlink(&target, dir.path().join("cxone-flow-audit.jsonl")).unwrap();
    let (base, token) = (emu.base_url(), emu.token_url());
    let run = run_action_async(
        dir.path(),
        owned(&[
            ("INPUT_PATHS", "flows"),
            ("INPUT_CXONE-BASE-URL", &base),
            ("INPUT_CXONE-TOKEN-URL", &token),
            ("INPUT_CXONE-CLIENT-ID", "cxone-flow"),
            ("INPUT_CXONE-CLIENT-SECRET", secret),
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_REF", "refs/tags/v1.0.0"),
            ("GITHUB_REF_TYPE", "tag"),
            ("INPUT_RELEASE-ON-TAG", "true"),
        ]),
    )
    .await;
    assert_eq!(run.ending, Some(Ending::AuditLogNotWritten), "{}", run.stdout);
    assert!(
        run.stdout.contains("cxone-flow-audit.jsonl` is a symbolic link"),
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    // A flowId never chooses where its payload file lands.
    std::fs::remove_file(dir.path().join("cxone-flow-audit.jsonl")).unwrap();
    let (flow, _) = tiny_flow("../../escaped");
    write(dir.path(), "flows/tiny.flow.json", &flow);
    let work = dir.path().to_path_buf();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
            .args([
                "release",
                "flows",
                "--tag",
                "v1",
                "--dry-run",
                "--payloads",
                "plan/deep",
            ])
            .args(["--base-url", &base, "--token-url", &token, "--client-id", "cxone-flow"])
            .env("CXONE_CLIENT_SECRET", secret)
            .current_dir(&work)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the flowId `../../escaped` of flows/tiny.flow.json cannot name a payload file"),
        "{err}"
    );
    assert!(!dir.path().join("escaped.json").exists());
}

#[test]
fn content_never_writes_a_line_of_its_own_or_an_escape_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let (flow, _) = tiny_flow("tiny");
    write(dir.path(), "flows/tiny.flow.json", &flow);
    let hostile = "x\\n::error::pwned \\u001b[2J\\u001b]8;;https://attacker.invalid\\u0007link";
    write(
        dir.path(),
        "flows/tiny.tests.json",
        &format!(
            r#"{{"cases": [{{"name": "{hostile}", "input": {{"dtmf": []}}, "expect": {{"finalElement": "start"}}}}]}}"#
        ),
    );
    for color in ["never", "always"] {
        let (code, out, err) = crate::run(dir.path(), &["check", "flows", "--color", color]);
        assert_eq!(code, 1, "{out}{err}");
        for line in out.lines().chain(err.lines()) {
            assert!(!line.trim_start().starts_with("::"), "a line of its own: {line:?}");
        }
        assert!(
            out.contains(r"x\n::error::pwned \u{1b}[2J\u{1b}]8;;https://attacker.invalid\u{7}link"),
            "{out}"
        );
        assert!(
            !out.contains("\u{1b}[2J") && !out.contains("\u{1b}]8") && !out.contains('\u{7}'),
            "{out:?}"
        );
    }
}

#[tokio::test]
async fn a_token_s_cluster_that_is_not_a_cluster_id_never_names_the_api_host() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let emulator = cxone_emulator::serve_on(
        listener,
        Config {
            studio: cxone_emulator::studio::StudioConfig {
                discovery: false,
                cluster: "127.0.0.1:9/steal?".into(),
                ..Default::default()
            },
            ..Config::default()
        },
    )
    .unwrap();
    let studio = crate::studio_api::client(&emulator, crate::studio_api::access_key());
    let error = studio.api_root().await.unwrap_err().to_string();
    assert!(
        error.contains(
            "the token's icClusterId `127.0.0.1:9/steal?` is not a cluster id (letters and digits, such as c32)"
        ),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_and_pull_files_never_land_through_a_linked_folder() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // `init`: a committed `.github` that links out of the tree.
    std::os::unix::fs::symlink(outside.path(), dir.path().join(".github")).unwrap();
    let (code, _, err) = crate::run(dir.path(), &["init"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("is a symbolic link; cxone-flow never writes through a link"),
        "{err}"
    );
    assert!(!outside.path().join("workflows").exists());
    // `pull`: the folder it writes into links out of the tree.
    let emulator = Arc::new(crate::studio_release::tenant(&[]).await);
    let repo = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join("live")).unwrap();
    let work = repo.path().to_path_buf();
    let e = Arc::clone(&emulator);
    let pulled = tokio::task::spawn_blocking(move || {
        crate::studio_release::cxone_flow(&work, &e, &["pull", "--script", "Old_IVR", "--out", "live/x"])
    })
    .await
    .unwrap();
    assert_eq!(pulled.code, 2, "{}{}", pulled.stdout, pulled.stderr);
    assert!(pulled.stderr.contains("is a symbolic link"), "{}", pulled.stderr);
    assert!(!outside.path().join("x").exists());
}

/// Two Action runs at once in one process, on two workspaces side by side: each writes its reports
/// in its own, and one whose report path climbs into the other's is refused (exit 2), nothing
/// planted there.
#[test]
fn two_runs_in_one_process_each_stay_inside_their_own_workspace() {
    let parent = tempfile::tempdir().unwrap();
    let (a, b) = (parent.path().join("a"), parent.path().join("b"));
    for workspace in [&a, &b] {
        let (flow, tests) = tiny_flow("t");
        write(workspace, "t.flow.json", &flow);
        write(workspace, "t.tests.json", &tests);
    }
    let (own, into_other) = std::thread::scope(|scope| {
        let own = scope.spawn(|| {
            run_action(
                &a,
                &[("GITHUB_EVENT_NAME", "push"), ("INPUT_JUNIT-PATH", "reports/junit.xml")],
            )
        });
        let into_other = scope.spawn(|| {
            run_action(
                &b,
                &[
                    ("GITHUB_EVENT_NAME", "push"),
                    ("INPUT_JUNIT-PATH", "../a/reports/planted.xml"),
                ],
            )
        });
        (own.join().unwrap(), into_other.join().unwrap())
    });
    assert_eq!(own.code, 0, "{}", own.stdout);
    assert!(a.join("reports/junit.xml").is_file());
    assert!(a.join("cxone-flow-report.json").is_file());
    assert_eq!(into_other.ending, Some(Ending::NotWritten), "{}", into_other.stdout);
    assert!(
        into_other.stdout.contains("is outside the workspace"),
        "{}",
        into_other.stdout
    );
    assert!(!a.join("reports/planted.xml").exists());
    assert!(b.join("cxone-flow-report.json").is_file());
}
