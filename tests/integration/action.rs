//! The Action as the runner runs it (`INPUT_*`, `GITHUB_*`, a real `pull_request` payload, a git
//! repository as the workspace): in-process through the library (`action::resolve`, then
//! `action::run`, whose outcome's ending each run keeps), against a
//! GitHub port in memory ([`MemoryGitHub`]) or the REST port and a fake GitHub API, and the CXone
//! emulator, both on 127.0.0.1 port 0; a few runs spawn the built binary end to end. The log is
//! read the way the runner reads stdout: workflow commands parsed and unescaped, `stop-commands`
//! honoured.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, patch};
use axum::{Json, Router};
use cxone_flow::exit::Ending;
use cxone_flow::github::GitHub;
use cxone_flow::github::api::{CommentAction, GitHubError, PullFiles};
use cxone_flow::github::changes::ChangedFile;
use serde_json::{Value, json};

use crate::root;

// ---------------------------------------------------------------------------------------------
// The runner's side: commands, outputs.

/// A workflow command as the runner parses it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WorkflowCommand {
    pub(crate) name: String,
    pub(crate) properties: BTreeMap<String, String>,
    pub(crate) data: String,
}

fn unescape(text: &str, property: bool) -> String {
    let mut text = text.replace("%0D", "\r").replace("%0A", "\n");
    if property {
        text = text.replace("%3A", ":").replace("%2C", ",");
    }
    text.replace("%25", "%")
}

/// `::name k=v,k=v::data` after leading whitespace (the runner's `TryParseV2`).
fn parse_v2(line: &str) -> Option<WorkflowCommand> {
    let rest = line.trim_start().strip_prefix("::")?;
    let end = rest.find("::")?;
    let (info, data) = (&rest[..end], &rest[end + 2..]);
    let (name, props) = info.split_once(' ').unwrap_or((info, ""));
    let properties = props
        .trim()
        .split(',')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), unescape(v, true)))
        .collect();
    Some(WorkflowCommand {
        name: name.to_string(),
        properties,
        data: unescape(data, false),
    })
}

/// `##[name]data` anywhere in a line (the runner's legacy `TryParse`).
fn parse_v1(line: &str) -> Option<WorkflowCommand> {
    let start = line.find("##[")?;
    let rest = &line[start + 3..];
    let end = rest.find(']')?;
    let name = rest[..end].split(' ').next()?.to_string();
    Some(WorkflowCommand {
        name,
        properties: BTreeMap::new(),
        data: rest[end + 1..].to_string(),
    })
}

/// Every command the runner would act on, honouring `stop-commands`.
fn runner_commands(stdout: &str) -> Vec<WorkflowCommand> {
    let mut commands = Vec::new();
    let mut stopped: Option<String> = None;
    for line in stdout.lines() {
        let Some(command) = parse_v2(line).or_else(|| parse_v1(line)) else {
            continue;
        };
        if let Some(token) = &stopped {
            if &command.name == token {
                stopped = None;
            }
            continue;
        }
        if command.name == "stop-commands" {
            stopped = Some(command.data.clone());
            continue;
        }
        commands.push(command);
    }
    commands
}

pub(crate) fn annotations<'c>(commands: &'c [WorkflowCommand], level: &str) -> Vec<&'c WorkflowCommand> {
    commands.iter().filter(|c| c.name == level).collect()
}

/// Parses a `GITHUB_OUTPUT` file: `name=value` and `name<<DELIMITER` ... `DELIMITER`.
fn parse_outputs(text: &str) -> HashMap<String, String> {
    let mut outputs = HashMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for next in lines.by_ref() {
                if next == delimiter {
                    break;
                }
                value.push(next);
            }
            outputs.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.insert(name.to_string(), value.to_string());
        }
    }
    outputs
}

/// One run of the Action and what it left behind.
pub(crate) struct ActionRun {
    pub(crate) code: i32,
    /// How the run ended, as the library's outcome says (in-process runs only).
    pub(crate) ending: Option<Ending>,
    pub(crate) stdout: String,
    pub(crate) commands: Vec<WorkflowCommand>,
    pub(crate) outputs: HashMap<String, String>,
    pub(crate) summary: String,
    /// How many checked units the outcome's report still held at the end (in-process runs only).
    pub(crate) units_kept: Option<usize>,
}

/// Runs the binary as the runner runs a Docker action: no arguments, a clean environment with the
/// runner's variables, the workspace as the working directory.
pub(crate) fn run_binary(workspace: &Path, vars: &[(&str, &str)]) -> ActionRun {
    let runner = tempfile::tempdir().unwrap();
    let (output_file, summary_file) = (runner.path().join("output"), runner.path().join("summary"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_cxone-flow"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", runner.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .env("GITHUB_REPOSITORY", "acme/ivr")
        .current_dir(workspace);
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    ActionRun {
        code: output.status.code().unwrap_or(-1),
        ending: None,
        commands: runner_commands(&stdout),
        stdout,
        outputs: parse_outputs(&std::fs::read_to_string(&output_file).unwrap_or_default()),
        summary: std::fs::read_to_string(&summary_file).unwrap_or_default(),
        units_kept: None,
    }
}

/// [`run_binary`] from an async test, whose runtime serves the fakes meanwhile.
async fn run_binary_async(workspace: &Path, vars: Vec<(String, String)>) -> ActionRun {
    on_a_thread(workspace, vars, run_binary).await
}

/// `run` on a thread of its own, so an async test's runtime serves the fakes meanwhile (and the
/// run may block on a runtime of its own).
async fn on_a_thread(
    workspace: &Path,
    vars: Vec<(String, String)>,
    run: fn(&Path, &[(&str, &str)]) -> ActionRun,
) -> ActionRun {
    let workspace = workspace.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        run(&workspace, &vars)
    })
    .await
    .unwrap()
}

/// The Action called in-process as the binary calls it (the secrets masked first, the REST port
/// when the variables hold a token and a repository), with the runner's variables of
/// [`run_binary`]: no process state is touched, so these runs go in parallel.
pub(crate) fn run_action(workspace: &Path, vars: &[(&str, &str)]) -> ActionRun {
    run_in_process(workspace, vars, None)
}

/// [`run_action`] asking GitHub through `github`.
pub(crate) fn run_action_on(workspace: &Path, vars: &[(&str, &str)], github: &dyn GitHub) -> ActionRun {
    run_in_process(workspace, vars, Some(github))
}

fn run_in_process(workspace: &Path, vars: &[(&str, &str)], github: Option<&dyn GitHub>) -> ActionRun {
    use cxone_flow::action::log::{Log, mask};
    use cxone_flow::action::resolve::rest_github;
    let runner = tempfile::tempdir().unwrap();
    let (output_file, summary_file) = (runner.path().join("output"), runner.path().join("summary"));
    let mut all: HashMap<String, String> = owned(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_WORKSPACE", workspace.to_str().unwrap()),
        ("GITHUB_OUTPUT", output_file.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary_file.to_str().unwrap()),
        ("GITHUB_REPOSITORY", "acme/ivr"),
    ])
    .into_iter()
    .collect();
    all.extend(owned(vars));
    let lines = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&lines);
    let log = Log::new(move |line| {
        let mut lines = sink.lock().unwrap();
        lines.push_str(line);
        lines.push('\n');
    });
    let redactor = mask(&all, &log);
    let context = cxone_flow::action::context::GitHubContext::read(&all);
    let rest = match github {
        Some(_) => None,
        None => rest_github(&all, &context, &redactor).unwrap(),
    };
    let github = github.or(rest.as_ref().map(|r| r as &dyn GitHub));
    let outcome = match cxone_flow::action::resolve(&all, &context, &redactor, github, &log) {
        Ok(settings) => cxone_flow::action::run(&settings, &context, github, &log),
        Err(problem) => problem.into(),
    };
    let stdout = lines.lock().unwrap().clone();
    ActionRun {
        code: i32::from(outcome.exit().code()),
        ending: Some(outcome.ending()),
        commands: runner_commands(&stdout),
        stdout,
        outputs: parse_outputs(&std::fs::read_to_string(&output_file).unwrap_or_default()),
        summary: std::fs::read_to_string(&summary_file).unwrap_or_default(),
        units_kept: Some(outcome.report.units.len()),
    }
}

/// [`run_action`] from an async test.
pub(crate) async fn run_action_async(workspace: &Path, vars: Vec<(String, String)>) -> ActionRun {
    on_a_thread(workspace, vars, run_action).await
}

/// The runner's variables for a `pull_request` run against the fake API, the flows under
/// `flows`, with a token, then `extra`.
fn pull_request_vars(event: &Path, api: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut vars = owned(&[
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_API_URL", api),
        ("INPUT_GITHUB-TOKEN", "ghs_x"),
        ("INPUT_PATHS", "flows"),
    ]);
    vars.extend(owned(extra));
    vars
}

pub(crate) fn owned(vars: &[(&str, &str)]) -> Vec<(String, String)> {
    vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

// ---------------------------------------------------------------------------------------------
// A git repository with a base and a head commit.

pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

pub(crate) fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

pub(crate) fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub(crate) fn example(name: &str) -> String {
    crate::hand_written_example(name)
}

/// A small clean flow with one passing case.
pub(crate) fn tiny_flow(id: &str) -> (String, String) {
    let flow = format!(
        r#"{{"flowId": "{id}", "elements": [{{"id": "start", "type": "start"}}, {{"id": "bye", "type": "hangup"}}],
  "edges": [{{"from": "start", "to": "bye"}}]}}"#
    );
    let tests = r#"{"cases": [{"name": "hangs up", "input": {"dtmf": []}, "expect": {"finalElement": "bye"}}]}"#;
    (flow, tests.to_string())
}

/// The pull request of these tests: card-activation's routing now sends good cards to an agent
/// (a failing case and an unreachable element), `old-tiny` is renamed to `renamed-tiny`, `gone` is
/// deleted, `main-ivr` and `untouched` stay as they were.
struct PullRequestRepo {
    dir: tempfile::TempDir,
    base: String,
    head: String,
}

fn pull_request_repo() -> PullRequestRepo {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(
        d,
        "flows/card-activation.flow.json",
        &example("card-activation.flow.json"),
    );
    write(
        d,
        "flows/card-activation.tests.json",
        &example("card-activation.tests.json"),
    );
    write(d, "flows/main-ivr.flow.json", &example("main-ivr.flow.json"));
    write(d, "flows/main-ivr.tests.json", &example("main-ivr.tests.json"));
    for name in ["old-tiny", "gone", "untouched"] {
        let (flow, tests) = tiny_flow(name);
        write(d, &format!("flows/{name}.flow.json"), &flow);
        write(d, &format!("flows/{name}.tests.json"), &tests);
    }
    let base = commit_all(d, "base");
    let card = example("card-activation.flow.json").replace(
        r#"{"from": "card_status", "to": "activated", "on": "default"}"#,
        r#"{"from": "card_status", "to": "agent", "on": "default"}"#,
    );
    write(d, "flows/card-activation.flow.json", &card);
    git(d, &["mv", "flows/old-tiny.flow.json", "flows/renamed-tiny.flow.json"]);
    git(d, &["mv", "flows/old-tiny.tests.json", "flows/renamed-tiny.tests.json"]);
    git(d, &["rm", "-q", "flows/gone.flow.json", "flows/gone.tests.json"]);
    write(d, "README.md", "docs\n");
    let head = commit_all(d, "head");
    PullRequestRepo { dir, base, head }
}

/// A `pull_request` run from `base` to `head` of the repository in `dir`, the flows under
/// `flows`, without a token (the changed files come from git).
pub(crate) fn run_git_pull_request(dir: &Path, base: &str, head: &str) -> ActionRun {
    run_git_pull_request_with(dir, base, head, &[])
}

/// [`run_git_pull_request`] with more variables (the Action's inputs).
fn run_git_pull_request_with(dir: &Path, base: &str, head: &str, inputs: &[(&str, &str)]) -> ActionRun {
    let runner = tempfile::tempdir().unwrap();
    let event = pull_request_event(runner.path(), base, head, 1);
    let mut vars = vec![
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("INPUT_PATHS", "flows"),
    ];
    vars.extend_from_slice(inputs);
    run_action(dir, &vars)
}

/// A `pull_request` run (as [`run_git_pull_request`]) of a new repository whose base commit holds
/// `base` and whose head commit writes `head` over it (path, text).
fn run_pull_request_of(base: &[(&str, &str)], head: &[(&str, &str)]) -> ActionRun {
    run_pull_request_with(base, head, &[])
}

/// [`run_pull_request_of`] with more variables (the Action's inputs).
fn run_pull_request_with(base: &[(&str, &str)], head: &[(&str, &str)], inputs: &[(&str, &str)]) -> ActionRun {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    for (path, text) in base {
        write(d, path, text);
    }
    let base = commit_all(d, "base");
    for (path, text) in head {
        write(d, path, text);
    }
    let head = commit_all(d, "head");
    run_git_pull_request_with(d, &base, &head, inputs)
}

/// A `pull_request` event payload in the shape GitHub writes it.
pub(crate) fn pull_request_event(dir: &Path, base: &str, head: &str, changed_files: u64) -> PathBuf {
    let event = json!({
        "action": "synchronize",
        "number": 42,
        "pull_request": {
            "number": 42,
            "state": "open",
            "title": "Send good cards to an agent",
            "changed_files": changed_files,
            "base": {"ref": "main", "sha": base, "repo": {"full_name": "acme/ivr"}},
            "head": {"ref": "agent-routing", "sha": head, "repo": {"full_name": "acme/ivr"}},
        },
        "repository": {"full_name": "acme/ivr", "name": "ivr", "owner": {"login": "acme"}},
        "sender": {"login": "dev"},
    });
    let path = dir.join("event.json");
    std::fs::write(&path, event.to_string()).unwrap();
    path
}

// ---------------------------------------------------------------------------------------------
// A fake GitHub API.

#[derive(Default)]
pub(crate) struct FakeGitHub {
    /// `pulls/42/files` entries.
    pub(crate) files: Vec<Value>,
    /// (ref, path) -> content.
    pub(crate) contents: HashMap<(String, String), String>,
    /// (id, author, body).
    pub(crate) comments: Vec<(u64, String, String)>,
    /// Method and path-and-query of every request, with its Authorization header.
    pub(crate) requests: Vec<(String, String, String)>,
    /// Answer every request with this status instead.
    pub(crate) fail_with: Option<u16>,
}

pub(crate) type Fake = Arc<Mutex<FakeGitHub>>;

fn record(fake: &Fake, method: &str, path: String, headers: &HeaderMap) -> Option<StatusCode> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let mut state = fake.lock().unwrap();
    state.requests.push((method.to_string(), path, auth));
    state.fail_with.map(|s| StatusCode::from_u16(s).unwrap())
}

pub(crate) async fn fake_github(state: FakeGitHub) -> (String, Fake) {
    let fake: Fake = Arc::new(Mutex::new(state));
    async fn files(
        State(fake): State<Fake>,
        UrlPath((_, _, n)): UrlPath<(String, String, u64)>,
        Query(q): Query<HashMap<String, usize>>,
        headers: HeaderMap,
    ) -> Result<Json<Value>, StatusCode> {
        let (page, per_page) = (
            q.get("page").copied().unwrap_or(1),
            q.get("per_page").copied().unwrap_or(30),
        );
        if let Some(status) = record(
            &fake,
            "GET",
            format!("pulls/{n}/files?page={page}&per_page={per_page}"),
            &headers,
        ) {
            return Err(status);
        }
        let state = fake.lock().unwrap();
        let start = (page - 1) * per_page;
        Ok(Json(json!(
            state.files.iter().skip(start).take(per_page).collect::<Vec<_>>()
        )))
    }
    async fn contents(
        State(fake): State<Fake>,
        UrlPath((_, _, path)): UrlPath<(String, String, String)>,
        Query(q): Query<HashMap<String, String>>,
        headers: HeaderMap,
    ) -> Result<String, StatusCode> {
        let git_ref = q.get("ref").cloned().unwrap_or_default();
        if let Some(status) = record(&fake, "GET", format!("contents/{path}?ref={git_ref}"), &headers) {
            return Err(status);
        }
        fake.lock()
            .unwrap()
            .contents
            .get(&(git_ref, path))
            .cloned()
            .ok_or(StatusCode::NOT_FOUND)
    }
    async fn list_comments(
        State(fake): State<Fake>,
        UrlPath((_, _, n)): UrlPath<(String, String, u64)>,
        headers: HeaderMap,
    ) -> Result<Json<Value>, StatusCode> {
        if let Some(status) = record(&fake, "GET", format!("issues/{n}/comments"), &headers) {
            return Err(status);
        }
        let state = fake.lock().unwrap();
        Ok(Json(json!(
            state
                .comments
                .iter()
                .map(|(id, author, body)| json!({"id": id, "body": body, "user": {"login": author}}))
                .collect::<Vec<_>>()
        )))
    }
    async fn create_comment(
        State(fake): State<Fake>,
        UrlPath((_, _, n)): UrlPath<(String, String, u64)>,
        headers: HeaderMap,
        Json(body): Json<Value>,
    ) -> Result<StatusCode, StatusCode> {
        if let Some(status) = record(&fake, "POST", format!("issues/{n}/comments"), &headers) {
            return Err(status);
        }
        let mut state = fake.lock().unwrap();
        let id = 1000 + state.comments.len() as u64;
        // The Actions token comments as github-actions[bot] (and may not read /user).
        let author = "github-actions[bot]".to_string();
        state
            .comments
            .push((id, author, body["body"].as_str().unwrap_or_default().to_string()));
        Ok(StatusCode::CREATED)
    }
    async fn update_comment(
        State(fake): State<Fake>,
        UrlPath((_, _, id)): UrlPath<(String, String, u64)>,
        headers: HeaderMap,
        Json(body): Json<Value>,
    ) -> Result<StatusCode, StatusCode> {
        if let Some(status) = record(&fake, "PATCH", format!("issues/comments/{id}"), &headers) {
            return Err(status);
        }
        let mut state = fake.lock().unwrap();
        let comment = state
            .comments
            .iter_mut()
            .find(|(i, _, _)| *i == id)
            .ok_or(StatusCode::NOT_FOUND)?;
        comment.2 = body["body"].as_str().unwrap_or_default().to_string();
        Ok(StatusCode::OK)
    }
    let app = Router::new()
        .route("/repos/{owner}/{repo}/pulls/{n}/files", get(files))
        .route("/repos/{owner}/{repo}/contents/{*path}", get(contents))
        .route(
            "/repos/{owner}/{repo}/issues/{n}/comments",
            get(list_comments).post(create_comment),
        )
        .route("/repos/{owner}/{repo}/issues/comments/{id}", patch(update_comment))
        .with_state(Arc::clone(&fake));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, fake)
}

/// The PR's files as the API lists them, padded with other files so that the list takes two pages.
fn api_files() -> Vec<Value> {
    let mut files = vec![
        json!({"filename": "flows/card-activation.flow.json", "status": "modified"}),
        json!({"filename": "flows/renamed-tiny.flow.json", "status": "renamed",
               "previous_filename": "flows/old-tiny.flow.json"}),
        json!({"filename": "flows/renamed-tiny.tests.json", "status": "renamed",
               "previous_filename": "flows/old-tiny.tests.json"}),
        json!({"filename": "flows/gone.flow.json", "status": "removed"}),
        json!({"filename": "flows/gone.tests.json", "status": "removed"}),
    ];
    files.extend((0..140).map(|i| json!({"filename": format!("docs/page-{i}.md"), "status": "added"})));
    // The one flow change on page two: main-ivr's tests.
    files.push(json!({"filename": "flows/main-ivr.tests.json", "status": "modified"}));
    files
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
/// The binary end to end on a pull request: the token masked first, the files listed over two
/// pages of the REST API, the base versions read from it, and the sticky comment found among
/// others' and updated in place.
async fn a_pull_request_run_of_the_binary_asks_the_github_api() {
    let repo = pull_request_repo();
    let runner = tempfile::tempdir().unwrap();
    let event = pull_request_event(runner.path(), &repo.base, &repo.head, 146);
    let mut contents = HashMap::new();
    contents.insert(
        (repo.base.clone(), "flows/card-activation.flow.json".to_string()),
        example("card-activation.flow.json"),
    );
    // Someone else planted a comment with our marker: it is not ours, so it is never edited.
    let planted = "<!-- cxone-flow:summary -->\n## ✅ cxone-flow: all checks passed".to_string();
    let (api, fake) = fake_github(FakeGitHub {
        files: api_files(),
        contents,
        comments: vec![(7, "mallory".to_string(), planted.clone())],
        ..FakeGitHub::default()
    })
    .await;
    // A depth-1 clone of the head, as actions/checkout leaves it: the base commit is not there, so
    // the base versions come from the API.
    let clone = tempfile::tempdir().unwrap();
    let source = format!("file://{}", repo.dir.path().display());
    git(clone.path(), &["clone", "-q", "--depth=1", &source, "."]);
    let vars = owned(&[
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_REF", "refs/pull/42/merge"),
        ("GITHUB_API_URL", &api),
        ("INPUT_PATHS", "flows"),
        ("INPUT_GITHUB-TOKEN", "ghs_faketoken123"),
        ("INPUT_COMMENT", "true"),
        ("INPUT_JUNIT-PATH", "reports/junit.xml"),
        ("INPUT_SARIF-PATH", "reports/cxone-flow.sarif"),
    ]);
    let run = run_binary_async(clone.path(), vars.clone()).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    // The token is masked before anything else is printed.
    assert_eq!(run.stdout.lines().next(), Some("::add-mask::ghs_faketoken123"));

    // Only the touched flows, as the API listed them over two pages.
    assert_eq!(run.outputs["flows-checked"], "3", "{}", run.stdout);
    assert!(run.summary.contains("good card is activated"), "{}", run.summary);
    assert!(clone.path().join("reports/junit.xml").is_file());

    // Two pages of files; the token on every call; one comment carrying the summary.
    {
        let state = fake.lock().unwrap();
        let pages: Vec<&str> = state
            .requests
            .iter()
            .filter(|r| r.1.starts_with("pulls/"))
            .map(|r| r.1.as_str())
            .collect();
        assert_eq!(
            pages,
            vec![
                "pulls/42/files?page=1&per_page=100",
                "pulls/42/files?page=2&per_page=100"
            ]
        );
        assert!(state.requests.iter().all(|r| r.2 == "Bearer ghs_faketoken123"));
        assert_eq!(state.comments.len(), 2);
        assert_eq!(state.comments[1].1, "github-actions[bot]");
        assert!(state.comments[1].2.starts_with("<!-- cxone-flow:summary -->"));
        assert!(state.comments[1].2.contains("good card is activated"));
    }
    // A re-run updates our comment in place, never the planted one.
    let again = run_binary_async(clone.path(), vars).await;
    assert_eq!(again.code, 1);
    let state = fake.lock().unwrap();
    assert_eq!(state.comments.len(), 2);
    assert_eq!(state.comments[0].2, planted);
    let patches: Vec<&str> = state
        .requests
        .iter()
        .filter(|r| r.0 == "PATCH")
        .map(|r| r.1.as_str())
        .collect();
    assert_eq!(patches, vec![format!("issues/comments/{}", state.comments[1].0)]);
    assert_eq!(state.requests.iter().filter(|r| r.0 == "POST").count(), 1);
}

/// The GitHub port in memory: a pull request's files, files at commits, and its comments, with
/// every call recorded.
#[derive(Default)]
pub(crate) struct MemoryGitHub {
    pub(crate) files: Vec<ChangedFile>,
    /// (commit, path) -> content.
    pub(crate) contents: HashMap<(String, String), String>,
    /// (marker-carrying) comment bodies, oldest first.
    pub(crate) comments: Mutex<Vec<String>>,
    pub(crate) calls: Mutex<Vec<String>>,
}

impl GitHub for MemoryGitHub {
    fn pull_files(&self, number: u64) -> Result<PullFiles, GitHubError> {
        self.calls.lock().unwrap().push(format!("pull_files {number}"));
        Ok(PullFiles {
            files: self.files.clone(),
            capped: false,
        })
    }

    fn file_at(&self, path: &str, commit: &str) -> Result<Option<Vec<u8>>, GitHubError> {
        self.calls.lock().unwrap().push(format!("file_at {path}"));
        Ok(self
            .contents
            .get(&(commit.to_string(), path.to_string()))
            .map(|text| text.clone().into_bytes()))
    }

    fn upsert_comment(&self, number: u64, marker: &str, body: &str) -> Result<CommentAction, GitHubError> {
        self.calls.lock().unwrap().push(format!("upsert_comment {number}"));
        let mut comments = self.comments.lock().unwrap();
        match comments.iter_mut().find(|c| c.contains(marker)) {
            Some(comment) => {
                *comment = body.to_string();
                Ok(CommentAction::Updated)
            }
            None => {
                comments.push(body.to_string());
                Ok(CommentAction::Created)
            }
        }
    }
}

fn changed(path: &str) -> ChangedFile {
    ChangedFile {
        path: path.to_string(),
        previous: None,
        removed: false,
    }
}

/// A pull request checked in-process, GitHub asked through the port in memory: only the flows it
/// touches, located annotations, the job summary with the failing case, the diff and the diagram,
/// the outputs, the report files, and one comment updated in place by a re-run.
#[test]
fn a_pull_request_checks_the_flows_it_touches_and_reports_them_everywhere() {
    let repo = pull_request_repo();
    let runner = tempfile::tempdir().unwrap();
    let event = pull_request_event(runner.path(), &repo.base, &repo.head, 146);
    let mut files = vec![
        changed("flows/card-activation.flow.json"),
        ChangedFile {
            previous: Some("flows/old-tiny.flow.json".into()),
            ..changed("flows/renamed-tiny.flow.json")
        },
        ChangedFile {
            previous: Some("flows/old-tiny.tests.json".into()),
            ..changed("flows/renamed-tiny.tests.json")
        },
        ChangedFile {
            removed: true,
            ..changed("flows/gone.flow.json")
        },
        ChangedFile {
            removed: true,
            ..changed("flows/gone.tests.json")
        },
        changed("flows/main-ivr.tests.json"),
    ];
    files.extend((0..140).map(|i| changed(&format!("docs/page-{i}.md"))));
    let mut contents = HashMap::new();
    contents.insert(
        (repo.base.clone(), "flows/card-activation.flow.json".to_string()),
        example("card-activation.flow.json"),
    );
    let github = MemoryGitHub {
        files,
        contents,
        ..MemoryGitHub::default()
    };
    // A depth-1 clone of the head, as actions/checkout leaves it: the base commit is not there, so
    // the base versions come from GitHub.
    let clone = tempfile::tempdir().unwrap();
    let source = format!("file://{}", repo.dir.path().display());
    git(clone.path(), &["clone", "-q", "--depth=1", &source, "."]);
    let vars = [
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_REF", "refs/pull/42/merge"),
        ("INPUT_PATHS", "flows"),
        ("INPUT_GITHUB-TOKEN", "ghs_faketoken123"),
        ("INPUT_COMMENT", "true"),
        ("INPUT_JUNIT-PATH", "reports/junit.xml"),
        ("INPUT_SARIF-PATH", "reports/cxone-flow.sarif"),
    ];
    let run = run_action_on(clone.path(), &vars, &github);
    assert_eq!(run.ending, Some(Ending::FailingCases), "{}", run.stdout);
    assert_eq!(run.stdout.lines().next(), Some("::add-mask::ghs_faketoken123"));

    // Only the touched flows: card-activation, renamed-tiny, main-ivr (through its tests).
    assert_eq!(run.outputs["flows-checked"], "3", "{}", run.stdout);
    assert_eq!(run.outputs["tests-failed"], "2");
    assert_eq!(run.outputs["tests-total"], "14");
    assert_eq!(run.outputs["errors"], "0");
    // "activated" and the "goodbye" after it can no longer be reached.
    assert_eq!(run.outputs["warnings"], "2");
    assert_eq!(run.outputs["junit-path"], "reports/junit.xml");
    assert!(!run.stdout.contains("untouched"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("flows/gone.flow.json was deleted by this pull request")
    );

    // Annotations: the unreachable element (warning) and the failing cases (errors), located.
    let errors = annotations(&run.commands, "error");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].properties["file"], "flows/card-activation.tests.json");
    assert_eq!(errors[0].properties["line"], "4");
    assert_eq!(errors[0].properties["title"], "case \"good card is activated\" failed");
    assert!(
        errors[0].data.contains("flows/card-activation.flow.json:"),
        "{}",
        errors[0].data
    );
    let warnings = annotations(&run.commands, "warning");
    assert_eq!(warnings.len(), 2);
    assert_eq!(warnings[0].properties["title"], "CXF011 unreachable-element");
    assert_eq!(warnings[0].properties["file"], "flows/card-activation.flow.json");
    assert_eq!(warnings[0].properties["line"], "12");
    assert!(warnings[0].properties.contains_key("col"));
    // One group per flow with findings.
    assert_eq!(annotations(&run.commands, "group").len(), 1);

    // The summary: totals, the failing case with both paths, the diff and the diagram.
    let summary = &run.summary;
    assert!(summary.contains("## ❌ cxone-flow: checks failed"), "{summary}");
    assert!(
        summary.contains("Checked the 3 flows this pull request changes\\."),
        "{summary}"
    );
    assert!(summary.contains("expected: start → intro → card_digits → card_status → activated → goodbye"));
    assert!(summary.contains("actual:   start → intro → card_digits → card_status → agent"));
    assert!(
        summary.contains(
            "| changed | edge | card\\_status on \\\"default\\\" | to\\: \\\"activated\\\" → \\\"agent\\\" |"
        )
    );
    assert!(summary.contains("```mermaid\nflowchart TD"));
    assert!(summary.contains("class n4 changed"), "card_status is highlighted");
    assert!(
        summary.contains("A new flow file."),
        "renamed-tiny has no base in the API: {summary}"
    );

    // Reports on disk.
    let junit = std::fs::read_to_string(clone.path().join("reports/junit.xml")).unwrap();
    assert!(junit.contains("good card is activated"));
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(clone.path().join("reports/cxone-flow.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(),
        cxone_flow::registry::Rule::ALL.len()
    );
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "CXF011");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(clone.path().join("cxone-flow-report.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["casesFailed"], 2);

    // GitHub was asked for the files once, for the base versions, and commented once.
    let calls = github.calls.lock().unwrap().clone();
    assert_eq!(
        calls.iter().filter(|c| c.starts_with("pull_files")).count(),
        1,
        "{calls:?}"
    );
    assert!(
        calls.contains(&"file_at flows/card-activation.flow.json".to_string()),
        "{calls:?}"
    );
    {
        let comments = github.comments.lock().unwrap();
        assert_eq!(comments.len(), 1);
        assert!(comments[0].starts_with("<!-- cxone-flow:summary -->"));
        assert!(comments[0].contains("good card is activated"));
    }
    // A re-run updates the comment in place.
    let again = run_action_on(clone.path(), &vars, &github);
    assert_eq!(again.ending, Some(Ending::FailingCases));
    assert_eq!(github.comments.lock().unwrap().len(), 1);
}

#[test]
fn without_a_token_a_shallow_clone_falls_back_to_git_diff() {
    let repo = pull_request_repo();
    let runner = tempfile::tempdir().unwrap();
    let event = pull_request_event(runner.path(), &repo.base, &repo.head, 146);
    let clone = tempfile::tempdir().unwrap();
    let source = format!("file://{}", repo.dir.path().display());
    git(clone.path(), &["clone", "-q", "--depth=1", &source, "."]);
    // As in a container: the workspace belongs to another user, which git refuses unless
    // safe.directory names it (only possible to arrange when the tests run as root).
    let uid = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() == "0" {
        let status = Command::new("chown")
            .args(["-R", "4242:4242"])
            .arg(clone.path())
            .status()
            .unwrap();
        assert!(status.success());
        let refused = Command::new("git")
            .args(["status"])
            .current_dir(clone.path())
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&refused.stderr).contains("dubious ownership"));
    }
    let run = run_action(
        clone.path(),
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("INPUT_PATHS", "flows"),
        ],
    );
    assert_eq!(run.ending, Some(Ending::FailingCases), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("no github-token: the changed files come from git diff")
    );
    // git sees the rename and the deletion; main-ivr is untouched in git's view.
    assert_eq!(run.outputs["flows-checked"], "2", "{}", run.stdout);
    assert!(run.stdout.contains("flows/gone.flow.json was deleted"));
    // The base commit was fetched, so the diff against it is in the summary.
    assert!(
        run.summary.contains("| changed | edge | card\\_status on"),
        "{}",
        run.summary
    );
    assert!(
        run.summary
            .contains("### Changes in flows/renamed\\-tiny\\.flow\\.json\n\nNo semantic change")
    );
}

#[test]
fn the_git_fallback_diffs_against_the_merge_base_so_main_s_own_changes_are_not_the_pr_s() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    for name in ["a", "b"] {
        let (flow, tests) = tiny_flow(name);
        write(d, &format!("flows/{name}.flow.json"), &flow);
        write(d, &format!("flows/{name}.tests.json"), &tests);
    }
    commit_all(d, "base");
    git(d, &["checkout", "-q", "-b", "pr"]);
    let (flow, _) = tiny_flow("a");
    write(
        d,
        "flows/a.flow.json",
        &flow.replace("\"flowId\": \"a\"", "\"flowId\": \"a\", \"name\": \"A\""),
    );
    let head = commit_all(d, "the pull request changes a");
    git(d, &["checkout", "-q", "main"]);
    let (flow, _) = tiny_flow("b");
    write(
        d,
        "flows/b.flow.json",
        &flow.replace("\"flowId\": \"b\"", "\"flowId\": \"b\", \"name\": \"B\""),
    );
    // Main moves on after the branch: GitHub's base sha is main's tip.
    let base = commit_all(d, "main changes b");
    git(d, &["checkout", "-q", &head]);
    let runner = tempfile::tempdir().unwrap();
    let event = pull_request_event(runner.path(), &base, &head, 1);
    let run = run_action(
        d,
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("INPUT_PATHS", "flows"),
        ],
    );
    assert_eq!(run.ending, Some(Ending::Clean), "{}", run.stdout);
    assert_eq!(
        run.outputs["flows-checked"], "1",
        "only a.flow.json is the PR's: {}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Checked the 1 flow this pull request changes"),
        "{}",
        run.stdout
    );
    // The diff's old side is the branch point, not the base: the base version is read at the
    // base commit, so the flow is not new.
    assert!(
        run.summary.contains("### Changes in flows/a\\.flow\\.json"),
        "{}",
        run.summary
    );
    assert!(!run.summary.contains("A new flow file."), "{}", run.summary);
}

/// A pull request that renames and edits a flow (its test file renamed as it was), edits a flow
/// beside an untouched test file, adds a flow and deletes a test file: each flow's changes are
/// against its base version, read from the blobs git's diff names or, for a file the pull request
/// did not touch, taken as it is now.
#[test]
fn a_pull_request_s_summary_diffs_each_flow_against_its_own_base_version() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let named = |id: &str, name: &str| {
        tiny_flow(id).0.replace(
            &format!("\"flowId\": \"{id}\""),
            &format!("\"flowId\": \"{id}\", \"name\": \"{name}\""),
        )
    };
    // The renamed flow is the large example, so git pairs its old and new paths.
    let ivr = example("main-ivr.flow.json");
    write(d, "flows/old.flow.json", &ivr.replace("Acme Bank main IVR", "before"));
    write(d, "flows/old.tests.json", &example("main-ivr.tests.json"));
    for id in ["edited", "untested"] {
        write(d, &format!("flows/{id}.flow.json"), &named(id, "before"));
        write(d, &format!("flows/{id}.tests.json"), &tiny_flow(id).1);
    }
    let base = commit_all(d, "base");
    git(d, &["mv", "flows/old.flow.json", "flows/new.flow.json"]);
    git(d, &["mv", "flows/old.tests.json", "flows/new.tests.json"]);
    write(d, "flows/new.flow.json", &ivr.replace("Acme Bank main IVR", "after"));
    write(d, "flows/edited.flow.json", &named("edited", "after"));
    write(d, "flows/added.flow.json", &named("added", "after"));
    git(d, &["rm", "-q", "flows/untested.tests.json"]);
    let head = commit_all(d, "head");
    let run = run_git_pull_request(d, &base, &head);
    assert_eq!(run.outputs["flows-checked"], "4", "{}", run.stdout);
    let summary = &run.summary;
    let section = |path: &str| {
        let start = summary
            .find(&format!("### Changes in {path}"))
            .unwrap_or_else(|| panic!("no section for {path}: {summary}"));
        let rest = &summary[start + 4..];
        rest[..rest.find("### ").unwrap_or(rest.len())].to_string()
    };
    // Renamed and edited: its name changed since the old path's version.
    let renamed = section("flows/new\\.flow\\.json");
    assert!(renamed.contains("before") && renamed.contains("after"), "{renamed}");
    assert!(!renamed.contains("Test cases"), "{renamed}");
    // Edited beside an untouched test file: the flow's change, no case changed.
    let edited = section("flows/edited\\.flow\\.json");
    assert!(edited.contains("before") && edited.contains("after"), "{edited}");
    assert!(!edited.contains("Test cases"), "{edited}");
    // Added: nothing at the base, so no "before".
    let added = section("flows/added\\.flow\\.json");
    assert!(!added.contains("before"), "{added}");
    // A deleted test file: its cases are gone, the flow unchanged.
    let untested = section("flows/untested\\.flow\\.json");
    assert!(untested.contains("removed: hangs up"), "{untested}");
}

#[test]
fn a_pull_request_that_only_changes_a_test_file_shows_its_cases_not_no_change() {
    let (flow, tests) = tiny_flow("a");
    let more = r#"{"cases": [{"name": "hangs up", "input": {"dtmf": []}, "expect": {"finalElement": "bye", "maxExecutionMs": 100}},
  {"name": "hangs up at once", "input": {"dtmf": ["1"]}, "expect": {"finalElement": "bye"}}]}"#;
    let run = run_pull_request_of(
        &[("flows/a.flow.json", &flow), ("flows/a.tests.json", &tests)],
        &[("flows/a.tests.json", more)],
    );
    assert_eq!(run.ending, Some(Ending::Clean), "{}", run.stdout);
    let summary = &run.summary;
    assert!(
        summary.contains("The flow itself is unchanged; its test cases changed (below)."),
        "{summary}"
    );
    assert!(!summary.contains("No semantic change"), "{summary}");
    assert!(
        summary.contains("Test cases in flows/a\\.tests\\.json:\n\n- changed: hangs up\n- added: hangs up at once\n"),
        "{summary}"
    );
}

#[test]
fn a_pull_request_checks_only_what_it_changed_though_an_unrelated_file_is_broken() {
    let (flow, tests) = tiny_flow("a");
    let run = run_pull_request_of(
        &[
            ("flows/a.flow.json", &flow),
            ("flows/a.tests.json", &tests),
            ("flows/broken.flow.json", "{\"flowId\": \"broken\", \"elements\": ["),
            ("flows/orphan.tests.json", "not json"),
        ],
        &[("flows/a.flow.json", &format!("{flow}\n"))],
    );
    assert_eq!(run.ending, Some(Ending::Clean), "{}", run.stdout);
    assert_eq!(run.outputs["flows-checked"], "1", "{}", run.stdout);
    assert_eq!(run.outputs["errors"], "0", "{}", run.stdout);
    // The broken files are neither read nor counted: the walk looks only for the changed flow.
    assert!(
        run.stdout.contains("Checked the 1 flow this pull request changes."),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("broken.flow.json"), "{}", run.stdout);
    assert!(!run.stdout.contains("orphan.tests.json"), "{}", run.stdout);
}

/// The run passed, having checked one flow (`flows/a`) and named nothing of `left_out`.
fn assert_only_flow_a_was_checked(run: &ActionRun, left_out: &str) {
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.outputs["flows-checked"], "1", "{}", run.stdout);
    assert_eq!(run.outputs["errors"], "0", "{}", run.stdout);
    assert!(!run.stdout.contains(left_out), "{}", run.stdout);
}

#[test]
fn a_pull_request_leaves_out_a_changed_flow_that_a_gitignore_above_the_paths_ignores() {
    let (flow, tests) = tiny_flow("a");
    let (draft, _) = tiny_flow("wip");
    let broken = "{\"flowId\": \"wip\", \"elements\": [";
    // The draft stays tracked; the head ignores its folder from the repository's root, above
    // `flows` (the paths): a walk of `flows` leaves it out, so the PR's run does too.
    let run = run_pull_request_of(
        &[
            ("flows/a.flow.json", &flow),
            ("flows/a.tests.json", &tests),
            ("flows/drafts/wip.flow.json", &draft),
        ],
        &[
            ("flows/a.flow.json", &format!("{flow}\n")),
            ("flows/drafts/wip.flow.json", broken),
            (".gitignore", "flows/drafts/\n"),
        ],
    );
    assert_only_flow_a_was_checked(&run, "wip.flow.json");
}

#[test]
fn a_pull_request_leaves_out_a_changed_test_file_that_the_exclude_input_leaves_out() {
    let (flow, tests) = tiny_flow("a");
    let (old, old_tests) = tiny_flow("old");
    // Only the test file of an excluded flow changes, and it no longer parses: the flow and its
    // test file are left out, as a push run leaves them out.
    let run = run_pull_request_with(
        &[
            ("flows/a.flow.json", &flow),
            ("flows/a.tests.json", &tests),
            ("flows/legacy/old.flow.json", &old),
            ("flows/legacy/old.tests.json", &old_tests),
        ],
        &[
            ("flows/a.flow.json", &format!("{flow}\n")),
            ("flows/legacy/old.tests.json", "not json"),
        ],
        &[("INPUT_EXCLUDE", "legacy/")],
    );
    assert_only_flow_a_was_checked(&run, "old.tests.json");
}

#[test]
fn a_pull_request_that_changes_a_test_file_checks_its_flow_too() {
    // The flow has an unreachable element: its warning shows the flow was read and checked.
    let (flow, tests) = tiny_flow("b");
    let flow = flow.replace(
        r#"{"id": "bye", "type": "hangup"}"#,
        r#"{"id": "bye", "type": "hangup"}, {"id": "stray", "type": "hangup"}"#,
    );
    let (other, other_tests) = tiny_flow("c");
    let run = run_pull_request_of(
        &[
            ("flows/b.flow.json", &flow),
            ("flows/b.tests.json", &tests),
            ("flows/c.flow.json", &other),
            ("flows/c.tests.json", &other_tests),
        ],
        &[("flows/b.tests.json", &format!("{tests}\n"))],
    );
    assert_eq!(run.ending, Some(Ending::Clean), "{}", run.stdout);
    assert_eq!(run.outputs["flows-checked"], "1", "{}", run.stdout);
    assert_eq!(run.outputs["tests-total"], "1", "{}", run.stdout);
    assert_eq!(run.outputs["warnings"], "1", "{}", run.stdout);
    assert!(run.stdout.contains("flows/b.flow.json"), "{}", run.stdout);
    assert!(!run.stdout.contains("flows/c.flow.json"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_neither_the_api_nor_git_can_say_every_flow_is_checked() {
    let repo = pull_request_repo();
    let runner = tempfile::tempdir().unwrap();
    let event = pull_request_event(
        runner.path(),
        "0000000000000000000000000000000000000001",
        &repo.head,
        146,
    );
    let (api, _fake) = fake_github(FakeGitHub {
        fail_with: Some(502),
        ..FakeGitHub::default()
    })
    .await;
    // The token's input spelled with an underscore, as people write it.
    let vars = pull_request_vars(&event, &api, &[("INPUT_GITHUB_TOKEN", "ghs_x")]);
    let run = run_action_async(repo.dir.path(), vars).await;
    // The head has four flows (one was deleted).
    assert_eq!(run.outputs["flows-checked"], "4", "{}", run.stdout);
    assert!(
        run.stdout
            .contains("failed to list the files of pull request #42: HTTP 502 Bad Gateway"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("neither the GitHub API nor git could say which files changed")
    );
    assert!(run.summary.contains("Checked all 4 flows under the paths"));

    // Past the API's 3,000-file cap, everything is checked without asking.
    let event = pull_request_event(runner.path(), &repo.base, &repo.head, 3500);
    let run = run_action_async(
        repo.dir.path(),
        owned(&[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("INPUT_PATHS", "flows"),
        ]),
    )
    .await;
    assert_eq!(run.outputs["flows-checked"], "4");
    assert!(run.stdout.contains("more than 3000 files"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_for_the_sticky_comment_reads_a_bounded_number_of_pages() {
    let repo = pull_request_repo();
    let runner = tempfile::tempdir().unwrap();
    let event = pull_request_event(runner.path(), &repo.base, &repo.head, 146);
    // A thread so busy that every page the fake serves is full (it ignores `page`).
    let busy = (0..100)
        .map(|i| (i, "someone".to_string(), format!("comment {i}")))
        .collect();
    let (api, fake) = fake_github(FakeGitHub {
        files: api_files(),
        comments: busy,
        ..FakeGitHub::default()
    })
    .await;
    let vars = pull_request_vars(&event, &api, &[("INPUT_COMMENT", "true")]);
    let run = run_action_async(repo.dir.path(), vars).await;
    assert_eq!(run.ending, Some(Ending::FailingCases), "{}", run.stdout);
    let state = fake.lock().unwrap();
    let listed = state
        .requests
        .iter()
        .filter(|r| r.0 == "GET" && r.1 == "issues/42/comments")
        .count();
    assert_eq!(listed, cxone_flow::github::api::COMMENT_PAGES);
    assert_eq!(state.requests.iter().filter(|r| r.0 == "POST").count(), 1);
}

#[test]
fn a_hostile_element_id_reaches_the_log_as_data_never_as_a_command() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = "x%0A::error::pwned,y:z";
    let file_name = "flows/a,b:c%0A##[error]v1.flow.json";
    write(
        dir.path(),
        file_name,
        &format!(
            r###"{{"flowId": "evil", "elements": [{{"id": "start", "type": "start"}},
  {{"id": "{hostile}", "type": "play", "prompt": "##[add-mask]x ::warning::y"}}],
  "edges": [{{"from": "start", "to": "{hostile}"}}, {{"from": "{hostile}", "to": "::error::nowhere"}}]}}"###
        ),
    );
    let run = run_action(
        dir.path(),
        &[("GITHUB_EVENT_NAME", "push"), ("GITHUB_REF", "refs/heads/main")],
    );
    assert_eq!(run.ending, Some(Ending::Findings), "{}", run.stdout);
    // The only commands are ours: groups, one error annotation, nothing named by the flow.
    let names: Vec<&str> = run.commands.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["group", "endgroup", "error"], "{}", run.stdout);
    let error = &run.commands[2];
    assert_eq!(error.properties["file"], file_name);
    assert_eq!(error.properties["title"], "CXF002 dangling-edge");
    assert_eq!(
        error.properties.keys().map(String::as_str).collect::<Vec<_>>(),
        vec!["col", "endColumn", "endLine", "file", "line", "title"]
    );
    assert!(error.data.contains(&format!(
        "edge from \"{hostile}\" points to unknown element \"::error::nowhere\""
    )));
    assert!(
        !run.commands
            .iter()
            .any(|c| c.data.contains("pwned") && c.name != "error")
    );
    // And the raw text is in the log, inside the stopped region.
    assert!(run.stdout.contains(hostile));
    assert!(
        run.summary.contains("a,b\\:c%0A\\#\\#\\[error\\]v1\\.flow\\.json"),
        "{}",
        run.summary
    );
}

#[test]
fn bad_inputs_stop_the_run_with_an_error_naming_the_input() {
    let dir = tempfile::tempdir().unwrap();
    for (name, value, input) in [
        ("INPUT_CHANGED-ONLY", "yes", "changed-only"),
        ("INPUT_MAX_MENU_DEPTH", "deep", "max-menu-depth"),
        ("INPUT_SHARD", "3/2", "shard"),
        ("INPUT_FAIL-ON", "info", "fail-on"),
    ] {
        let run = run_action(
            dir.path(),
            &[(name, value), ("INPUT_CXONE-CLIENT-SECRET", "sekrit%value")],
        );
        assert_eq!(run.ending, Some(Ending::BadSetting));
        assert_eq!(run.stdout.lines().next(), Some("::add-mask::sekrit%25value"));
        let errors = annotations(&run.commands, "error");
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].data.starts_with(&format!("input `{input}`: `{value}`")),
            "{}",
            errors[0].data
        );
        assert_eq!(
            run.commands[0].data, "sekrit%value",
            "the runner masks the secret's exact text"
        );
    }
    // The binary masks before it prints anything else.
    let run = run_binary(
        dir.path(),
        &[("INPUT_SHARD", "3/2"), ("INPUT_CXONE-CLIENT-SECRET", "sekrit%value")],
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout.lines().next(), Some("::add-mask::sekrit%25value"));
    assert_eq!(
        annotations(&run.commands, "error")[0].properties["title"],
        "cxone-flow input shard"
    );
}

#[test]
fn annotations_stay_within_the_runners_limits_and_count_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let edges: Vec<String> = (0..15)
        .map(|i| format!(r#"{{"from": "bye", "to": "missing_{i}", "on": "{i}"}}"#))
        .collect();
    write(
        dir.path(),
        "many.flow.json",
        &format!(
            r#"{{"flowId": "many", "elements": [{{"id": "start", "type": "start"}}, {{"id": "bye", "type": "menu", "prompt": "p"}}],
  "edges": [{{"from": "start", "to": "bye"}}, {}]}}"#,
            edges.join(",\n")
        ),
    );
    let run = run_action(dir.path(), &[("GITHUB_EVENT_NAME", "workflow_dispatch")]);
    assert_eq!(run.ending, Some(Ending::Findings));
    let errors = annotations(&run.commands, "error");
    assert_eq!(errors.len(), 10, "{}", run.stdout);
    let notices = annotations(&run.commands, "notice");
    assert_eq!(notices.len(), 1);
    let left_out = run.outputs["errors"].parse::<usize>().unwrap() - 10;
    assert!(
        notices[0]
            .data
            .starts_with(&format!("{left_out} errors not shown as annotations")),
        "{}",
        notices[0].data
    );
    // Every finding is still in the log.
    assert_eq!(
        run.stdout.matches("error[CXF").count(),
        run.outputs["errors"].parse::<usize>().unwrap()
    );
}

#[test]
fn shards_split_the_flows_between_jobs() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..5 {
        let (flow, _) = tiny_flow(&format!("f{i}"));
        write(dir.path(), &format!("f{i}.flow.json"), &flow);
    }
    let mut checked = Vec::new();
    for shard in ["1/2", "2/2"] {
        let run = run_action(dir.path(), &[("GITHUB_EVENT_NAME", "push"), ("INPUT_SHARD", shard)]);
        assert_eq!(run.ending, Some(Ending::Clean));
        checked.push(run.outputs["flows-checked"].parse::<usize>().unwrap());
        assert!(run.summary.contains(&format!("This is shard {shard}")));
    }
    assert_eq!(checked, vec![3, 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_push_releases_and_the_rollback_input_restores() {
    let secret = "action-release-secret-91c2";
    let emu = cxone_emulator::spawn(cxone_emulator::Config {
        client_secret: secret.into(),
        ..cxone_emulator::Config::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for name in ["card-activation.flow.json", "card-activation.tests.json"] {
        write(dir.path(), &format!("flows/{name}"), &example(name));
    }
    let (base_url, token_url) = (emu.base_url(), emu.token_url());
    let connection = [
        ("INPUT_CXONE-BASE-URL", base_url.as_str()),
        ("INPUT_CXONE-TOKEN-URL", token_url.as_str()),
        ("INPUT_CXONE-CLIENT-ID", "cxone-flow"),
        ("INPUT_CXONE-CLIENT-SECRET", secret),
        ("GITHUB_SHA", "abc123"),
    ];
    let tag = |tag: &str| {
        let mut vars = owned(&connection);
        vars.extend(owned(&[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_REF", &format!("refs/tags/{tag}")),
            ("GITHUB_REF_TYPE", "tag"),
            ("INPUT_RELEASE-ON-TAG", "true"),
            // As the runner sets it from action.yml's default: Studio's switch, off, asks
            // nothing of the flows-api release (only `true` is refused).
            ("INPUT_ALLOW-LIVE-OVERWRITE", "false"),
        ]));
        vars
    };
    let first = run_binary_async(dir.path(), tag("v1.0.0")).await;
    assert_eq!(first.code, 0, "{}", first.stdout);
    let published: Value = serde_json::from_str(&first.outputs["published"]).unwrap();
    assert_eq!(published[0]["flowId"], "acme-card-activation");
    assert_eq!(published[0]["outcome"], "published");
    let v1 = published[0]["versionId"].as_str().unwrap().to_string();
    assert_eq!(first.outputs["audit-log"], "cxone-flow-audit.jsonl");
    assert!(
        first.summary.contains("### Release v1\\.0\\.0 to staging"),
        "{}",
        first.summary
    );
    assert!(first.summary.contains("| published |"));

    // A second release with new content, then a rollback through the input.
    let path = dir.path().join("flows/card-activation.flow.json");
    let text = std::fs::read_to_string(&path).unwrap().replace("Goodbye.", "Bye now.");
    std::fs::write(&path, text).unwrap();
    let second = run_binary_async(dir.path(), tag("v1.1.0")).await;
    assert_eq!(second.code, 0, "{}", second.stdout);
    let mut vars = owned(&connection);
    vars.extend(owned(&[
        ("GITHUB_EVENT_NAME", "workflow_dispatch"),
        ("INPUT_ROLLBACK-FLOW-ID", "acme-card-activation"),
        ("INPUT_ROLLBACK-TO", &v1),
    ]));
    let rollback = run_binary_async(dir.path(), vars).await;
    assert_eq!(rollback.code, 0, "{}", rollback.stdout);
    let restored: Value = serde_json::from_str(&rollback.outputs["published"]).unwrap();
    assert_eq!(restored[0]["restoredFrom"], v1.as_str());
    assert!(rollback.summary.contains("rollback of acme\\-card\\-activation"));

    // The secret is nowhere: log, outputs, summaries, audit log.
    let audit = std::fs::read_to_string(dir.path().join("cxone-flow-audit.jsonl")).unwrap();
    assert!(audit.lines().count() > 5);
    for run in [&first, &second, &rollback] {
        let outputs = format!("{:?}", run.outputs);
        let without_mask: String = run.stdout.lines().filter(|l| !l.starts_with("::add-mask::")).collect();
        for text in [&without_mask, &run.summary, &outputs, &audit] {
            assert!(!text.contains(secret));
        }
        assert_eq!(
            run.stdout.lines().next(),
            Some(format!("::add-mask::{secret}").as_str())
        );
    }
}

/// Two runs of the Action in one process, each handed its own runner variables, audit each its own
/// actor, run page and commit: the run's identity is resolved from the variables the Action is
/// given, never read from the process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runs_in_one_process_audit_each_its_own_actor_and_run() {
    let emu = crate::hostile::emulator(&[]).await;
    for (actor, run_id, sha) in [("alice", "101", "c0ffee1"), ("bob", "202", "c0ffee2")] {
        let dir = tempfile::tempdir().unwrap();
        let (flow, tests) = tiny_flow(actor);
        write(dir.path(), &format!("{actor}.flow.json"), &flow);
        write(dir.path(), &format!("{actor}.tests.json"), &tests);
        let vars = crate::hostile::tag_push(
            &emu,
            &[
                ("GITHUB_SHA", sha),
                ("GITHUB_ACTOR", actor),
                ("GITHUB_SERVER_URL", "https://github.com"),
                ("GITHUB_RUN_ID", run_id),
            ],
        );
        let run = run_action_async(dir.path(), vars).await;
        assert_eq!(run.ending, Some(Ending::Clean), "{}", run.stdout);
        let audit = std::fs::read_to_string(dir.path().join("cxone-flow-audit.jsonl")).unwrap();
        let lines: Vec<Value> = audit.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert!(lines.iter().any(|l| l["event"] == "version_published"), "{audit}");
        for line in &lines {
            assert_eq!(line["actor"], actor, "{audit}");
            assert_eq!(
                line["runUrl"],
                format!("https://github.com/acme/ivr/actions/runs/{run_id}"),
                "{audit}"
            );
            assert_eq!(
                (&line["repository"], &line["commit"]),
                (&json!("acme/ivr"), &json!(sha))
            );
        }
    }
}

#[test]
fn a_tag_whose_checks_fail_releases_nothing_and_missing_credentials_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.flow.json",
        r#"{"flowId": "a", "elements": [{"id": "start", "type": "start"}], "edges": [{"from": "start", "to": "x"}]}"#,
    );
    let tag = [
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_REF", "refs/tags/v2"),
        ("GITHUB_REF_TYPE", "tag"),
        ("INPUT_RELEASE-ON-TAG", "true"),
    ];
    let run = run_action(dir.path(), &tag);
    assert_eq!(run.ending, Some(Ending::Findings));
    assert!(
        run.stdout
            .contains("release v2: the checks failed, so nothing was sent to CXone")
    );
    let (flow, _) = tiny_flow("a");
    write(dir.path(), "a.flow.json", &flow);
    // Without `release-on-tag: true` a tag only checks: a release is opted into, never a side effect.
    let checked_only = run_action(dir.path(), &tag[..3]);
    assert_eq!(checked_only.ending, Some(Ending::Clean), "{}", checked_only.stdout);
    assert!(!checked_only.stdout.contains("release v2"), "{}", checked_only.stdout);
    let run = run_action(dir.path(), &tag);
    assert_eq!(run.ending, Some(Ending::CxoneRefused));
    assert!(
        annotations(&run.commands, "error")[0]
            .data
            .contains("set the `cxone-client-id` input")
    );
}

/// The inputs and outputs between action.yml and the binary: action.yml declares exactly the
/// settings table's inputs, in its order, with its defaults, and every output written.
#[test]
fn action_yml_declares_every_input_and_output() {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let section = |name: &str| -> Vec<String> {
        let start = text.find(&format!("\n{name}:\n")).unwrap() + name.len() + 3;
        text[start..]
            .lines()
            .take_while(|l| l.is_empty() || l.starts_with(' '))
            .filter_map(|l| l.strip_prefix("  ").filter(|l| !l.starts_with(' ')))
            .filter_map(|l| l.strip_suffix(':'))
            .map(str::to_string)
            .collect()
    };
    let inputs = section("inputs");
    assert_eq!(
        inputs,
        cxone_flow::settings::table::inputs()
            .map(|s| s.key.to_string())
            .collect::<Vec<_>>()
    );
    // Each input's default, where action.yml states one (its `default:` or "Default `X`" in its
    // description), is the settings table's.
    for setting in cxone_flow::settings::table::inputs() {
        let start = text.find(&format!("\n  {}:\n", setting.key)).unwrap();
        let block: String = text[start + 1..]
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("    "))
            .collect::<Vec<_>>()
            .join("\n");
        let yml_default = block
            .lines()
            .find_map(|l| l.trim().strip_prefix("default: "))
            .map(|d| d.trim_matches('"'))
            .filter(|d| !d.is_empty() && !d.starts_with("${{"));
        let described = block.split("Default `").nth(1).and_then(|rest| rest.split('`').next());
        let table = setting.default_for(true).text().filter(|d| !d.is_empty());
        for stated in [yml_default, described].into_iter().flatten() {
            assert_eq!(Some(stated), table.as_deref(), "the default of input {}", setting.key);
        }
        if let Some(table) = &table {
            assert!(
                yml_default.is_some() || described.is_some(),
                "action.yml does not state input {}'s default `{table}`",
                setting.key
            );
        }
    }
    let outputs = section("outputs");
    let dir = tempfile::tempdir().unwrap();
    let (flow, tests) = tiny_flow("t");
    write(dir.path(), "t.flow.json", &flow);
    write(dir.path(), "t.tests.json", &tests);
    let run = run_action(dir.path(), &[("GITHUB_EVENT_NAME", "push")]);
    assert_eq!(run.ending, Some(Ending::Clean), "{}", run.stdout);
    for written in run.outputs.keys() {
        assert!(outputs.contains(written), "output {written} is not declared");
    }
    assert!(text.contains("using: docker"));
}

#[test]
fn a_push_run_lets_each_flow_go_once_reported_and_reports_every_flow() {
    // More flows than the check takes in one batch, one of them broken.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        let (flow, tests) = tiny_flow(&format!("f{i:03}"));
        write(dir.path(), &format!("flows/f{i:03}.flow.json"), &flow);
        write(dir.path(), &format!("flows/f{i:03}.tests.json"), &tests);
    }
    write(
        dir.path(),
        "flows/f150.flow.json",
        r#"{"flowId": "f150", "elements": [{"id": "start", "type": "start"}], "edges": [{"from": "start", "to": "gone"}]}"#,
    );
    let vars = [("GITHUB_EVENT_NAME", "push"), ("INPUT_PATHS", "flows")];
    let run = run_action(dir.path(), &vars);
    assert_eq!(run.ending, Some(Ending::Findings), "{}", run.stdout);
    // Nothing after a push's check reads the report again: no unit is held to the end.
    assert_eq!(run.units_kept, Some(0));
    assert_eq!(run.outputs["flows-checked"], "300");
    assert_eq!(run.outputs["tests-total"], "300");
    let junit = std::fs::read_to_string(dir.path().join("cxone-flow-junit.xml")).unwrap();
    assert_eq!(junit.matches("<testsuite ").count(), 300);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("cxone-flow-report.json")).unwrap()).unwrap();
    assert_eq!(json["files"].as_array().unwrap().len(), 600);
    assert_ne!(json["summary"]["errors"], 0);
    assert_eq!(run.summary.matches("| ✅ |").count(), 299, "{}", run.summary);
    assert!(
        run.summary.contains("| ❌ | flows/f150\\.flow\\.json |"),
        "{}",
        run.summary
    );
    assert!(
        run.commands
            .iter()
            .any(|c| c.name == "error" && c.properties.get("file").map(String::as_str) == Some("flows/f150.flow.json")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("ok: flows/f299.flow.json"), "{}", run.stdout);
    // A pull request's run keeps its units for the diffs and diagrams that follow the check.
    let event = dir.path().join("event.json");
    std::fs::write(
        &event,
        r#"{"number": 1, "pull_request": {"number": 1, "base": {"sha": "b"}, "head": {"sha": "h"}}}"#,
    )
    .unwrap();
    let pull_request = run_action(
        dir.path(),
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("INPUT_CHANGED-ONLY", "false"),
            ("INPUT_PATHS", "flows"),
        ],
    );
    assert_eq!(pull_request.units_kept, Some(300), "{}", pull_request.stdout);
    // The same report files, whether each unit went by as it was checked or was kept.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("cxone-flow-junit.xml")).unwrap(),
        junit
    );
}

#[test]
fn a_push_run_writes_its_reports_when_the_temporary_folder_cannot_be_used() {
    let dir = tempfile::tempdir().unwrap();
    let (flow, tests) = tiny_flow("t");
    write(dir.path(), "flows/t.flow.json", &flow);
    write(dir.path(), "flows/t.tests.json", &tests);
    let missing = dir.path().join("no-such-folder");
    let vars = [
        ("GITHUB_EVENT_NAME", "push"),
        ("INPUT_PATHS", "flows"),
        ("TMPDIR", missing.to_str().unwrap()),
    ];
    let run = run_binary(dir.path(), &vars);
    assert_eq!(run.code, 0, "{}", run.stdout);
    for report in ["cxone-flow-junit.xml", "cxone-flow.sarif", "cxone-flow-report.json"] {
        assert!(dir.path().join(report).is_file(), "{report}: {}", run.stdout);
    }
    assert_eq!(run.outputs["tests-total"], "1");
}

#[test]
fn the_exclude_input_leaves_folders_out_of_a_push_run() {
    let dir = tempfile::tempdir().unwrap();
    let flows = dir.path().join("flows");
    std::fs::create_dir_all(flows.join("legacy")).unwrap();
    std::fs::copy(
        crate::root().join("examples/flows/main-ivr.flow.json"),
        flows.join("main-ivr.flow.json"),
    )
    .unwrap();
    std::fs::write(
        flows.join("legacy/old.flow.json"),
        "{\"flowId\": \"old\", \"elements\": []}",
    )
    .unwrap();
    let run = run_action(dir.path(), &[("GITHUB_EVENT_NAME", "push"), ("INPUT_PATHS", "flows")]);
    assert_eq!(
        run.ending,
        Some(Ending::Findings),
        "the legacy flow is broken: {}",
        run.stdout
    );
    let run = run_action(
        dir.path(),
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("INPUT_PATHS", "flows"),
            ("INPUT_EXCLUDE", "legacy/\n*.draft.flow.json"),
        ],
    );
    assert_eq!(run.ending, Some(Ending::Clean), "{}", run.stdout);
    assert_eq!(run.outputs["flows-checked"], "1", "{:?}", run.outputs);
}

#[test]
fn the_working_directory_input_roots_paths_and_reports_but_annotations_name_repository_paths() {
    let dir = tempfile::tempdir().unwrap();
    let flows = dir.path().join("ivr/flows");
    std::fs::create_dir_all(&flows).unwrap();
    for name in ["support.flow.json", "support.tests.json"] {
        std::fs::copy(crate::fixture("cases").join(name), flows.join(name)).unwrap();
    }
    let run = run_action(
        dir.path(),
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("INPUT_WORKING-DIRECTORY", "ivr"),
            ("INPUT_PATHS", "flows"),
        ],
    );
    assert_eq!(
        run.ending,
        Some(Ending::FailingCases),
        "the fixture has failing cases: {}",
        run.stdout
    );
    assert_eq!(run.outputs["flows-checked"], "1", "{:?}", run.outputs);
    let warnings = annotations(&run.commands, "warning");
    assert_eq!(warnings[0].properties["file"], "ivr/flows/support.flow.json");
    assert!(dir.path().join("ivr/cxone-flow-junit.xml").is_file());
    assert!(!dir.path().join("cxone-flow-junit.xml").exists());
}

/// The release workflow publishes what the README's install recipes fetch, and moves the version
/// tag, like the major tag, to the release commit that pins the image by digest.
#[test]
fn the_release_workflow_publishes_what_the_readme_installs() {
    let workflow = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        workflow.contains("image=ghcr.io/${REPOSITORY,,}"),
        "the image name is lowercased"
    );
    assert!(workflow.contains("git push --force \"$remote\" \"HEAD:refs/tags/${TAG}\""));
    assert!(workflow.contains("git push --force \"$remote\" \"HEAD:refs/tags/${major}\""));
    assert!(workflow.contains("sha256sum -- * > SHA256SUMS"));
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(workflow.contains(target), "{target} is built");
    }
    // The names the README fetches are the names the workflow uploads.
    assert!(workflow.contains("dist/cxone-flow-${TAG}-${target}.tar.gz"));
    assert!(readme.contains("releases/download/$v/cxone-flow-$v-$target.tar.gz"));
    assert!(readme.contains("releases/download/$v/SHA256SUMS"));
    assert!(readme.contains("docker run --rm -v \"$PWD:/work\" -w /work ghcr.io/cxone-flow/cxone-flow:"));
}

#[test]
fn in_process_a_push_checks_every_flow_and_a_failing_case_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let (flow, tests) = tiny_flow("t");
    write(dir.path(), "t.flow.json", &flow);
    write(dir.path(), "t.tests.json", &tests);
    let push = [("GITHUB_EVENT_NAME", "push")];
    let run = run_action(dir.path(), &push);
    assert_eq!(run.ending, Some(Ending::Clean), "{}", run.stdout);
    assert_eq!(run.outputs["tests-total"], "1");
    write(
        dir.path(),
        "t.tests.json",
        r#"{"cases": [{"name": "hangs up", "input": {"dtmf": []}, "expect": {"finalElement": "start"}}]}"#,
    );
    let run = run_action(dir.path(), &push);
    assert_eq!(run.ending, Some(Ending::FailingCases));
    assert!(
        annotations(&run.commands, "error")
            .iter()
            .any(|a| a.properties["title"] == "case \"hangs up\" failed"),
        "{}",
        run.stdout
    );
    // A bad input names the input and stops the run (exit 2) before anything is checked.
    let run = run_action(dir.path(), &[("GITHUB_EVENT_NAME", "push"), ("INPUT_SHARD", "3/2")]);
    assert_eq!(run.ending, Some(Ending::BadSetting));
    assert_eq!(
        annotations(&run.commands, "error")[0].properties["title"],
        "cxone-flow input shard"
    );
}
