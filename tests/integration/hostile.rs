//! Hostile servers, repositories and inputs, each seen as a user sees it: the exit code, what the
//! log, the reports and the audit log say, and what never leaves the machine. The servers are raw
//! HTTP/1.1 on 127.0.0.1 port 0 (redirects, huge, endless and broken bodies, echoed secrets, extreme
//! token lifetimes); the repositories hold links out of the tree, FIFOs, loops and names that are not
//! UTF-8.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cxone_emulator::{Config, Emulator, FaultRule, spawn};
use cxone_flow::clock::Clock;
use cxone_flow::cxone::client::{ClientConfig, CxoneClient};
use cxone_flow::cxone::secret::Secret;
use cxone_flow::exit::Ending;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::action::{annotations, example, owned, run_action, run_action_async, write};

const SECRET: &str = "hostile-test-secret/+&= 9c1f";
const TOKEN: &str = "tok-issued-by-the-server-5e2b";

// ---------------------------------------------------------------------------------------------
// A raw HTTP server that does whatever a test asks.

/// A request as the server received it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    head: String,
    body: String,
}

/// How the server answers one request.
enum Reply {
    Json(u16, String),
    Redirect(u16, String),
    /// 200, no length, this many bytes, then close.
    Huge(usize),
    /// 200, no length, bytes until the client hangs up (bounded: 256 MiB or 20 s).
    Endless,
    /// 200 that promises 1,000 bytes and closes after 10.
    BrokenOff,
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn count(&self, method: &str, path_part: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.method == method && s.path.contains(path_part))
            .count()
    }
}

/// Starts a server whose answer to each request is `answer(request, how many requests before it)`.
async fn serve(answer: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let answer = Arc::new(answer);
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (answer, log) = (Arc::clone(&answer), Arc::clone(&log));
            tokio::spawn(async move {
                let _ = handle(stream, answer.as_ref(), &log).await;
            });
        }
    });
    Server { url, seen }
}

async fn handle(
    mut stream: TcpStream,
    answer: &(dyn Fn(&Seen, usize) -> Reply + Send + Sync),
    log: &Mutex<Vec<Seen>>,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let mut words = head.split_whitespace();
    let seen = Seen {
        method: words.next().unwrap_or_default().to_string(),
        path: words.next().unwrap_or_default().to_string(),
        body: String::from_utf8_lossy(&buffer[head_end..]).into_owned(),
        head,
    };
    let before = {
        let mut log = log.lock().unwrap();
        log.push(seen.clone());
        log.len() - 1
    };
    let open = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n";
    match answer(&seen, before) {
        Reply::Json(status, body) => {
            let text = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(text.as_bytes()).await?;
        }
        Reply::Redirect(status, location) => {
            let text = format!(
                "HTTP/1.1 {status} Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            stream.write_all(text.as_bytes()).await?;
        }
        Reply::Huge(size) => {
            stream.write_all(format!("{open}\r\n").as_bytes()).await?;
            let block = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < size {
                stream.write_all(&block).await?;
                sent += block.len();
            }
        }
        Reply::Endless => {
            stream.write_all(format!("{open}\r\n[").as_bytes()).await?;
            let block = "0,".repeat(32 * 1024);
            let started = Instant::now();
            for _ in 0..4096 {
                if started.elapsed() > Duration::from_secs(20) {
                    break;
                }
                stream.write_all(block.as_bytes()).await?;
            }
        }
        Reply::BrokenOff => {
            stream
                .write_all(format!("{open}content-length: 1000\r\n\r\n{{\"entities\"").as_bytes())
                .await?;
        }
    }
    stream.shutdown().await
}

/// A server that issues tokens and answers every other call with `answer`.
async fn api(answer: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Server {
    serve(move |seen, before| {
        if seen.path.contains("/oauth/token") {
            token_reply("3600")
        } else {
            answer(seen, before)
        }
    })
    .await
}

fn token_reply(expires_in: &str) -> Reply {
    Reply::Json(
        200,
        format!(r#"{{"access_token": "{TOKEN}", "expires_in": {expires_in}, "token_type": "Bearer"}}"#),
    )
}

fn no_versions() -> Reply {
    Reply::Json(200, r#"{"entities": []}"#.into())
}

// ---------------------------------------------------------------------------------------------
// Running the binary.

/// What a run of the binary left: exit code, stdout, stderr and the audit log.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
    audit: String,
}

impl Ran {
    /// Everything a user can read after the run.
    fn everything(&self) -> String {
        format!("{}\n{}\n{}", self.stdout, self.stderr, self.audit)
    }
}

/// Runs `cxone-flow ARGS` in `dir` with the client secret in the environment, killed after 60 s.
fn cli(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Ran {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cxone-flow"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env("CXONE_CLIENT_SECRET", SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(60), "cxone-flow {args:?} hangs");
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    Ran {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        audit: std::fs::read_to_string(dir.join("cxone-flow-audit.jsonl")).unwrap_or_default(),
    }
}

async fn cli_async(dir: &Path, args: Vec<String>, env: Vec<(String, String)>) -> Ran {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        cli(&dir, &args, &env)
    })
    .await
    .unwrap()
}

/// `release --tag v1` of the card-activation example against the server at `root`
/// (`ROOT/api/v2`, `ROOT/oauth/token`).
async fn release_against(root: &str, extra: &[&str]) -> (tempfile::TempDir, Ran) {
    let (base_url, token_url) = (format!("{root}/api/v2"), format!("{root}/oauth/token"));
    let dir = example_repo();
    let mut args: Vec<String> = [
        "release",
        "--tag",
        "v1",
        "--base-url",
        &base_url,
        "--token-url",
        &token_url,
        "--client-id",
        "cxone-flow",
        "--max-retries",
        "1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push("flows".into());
    let ran = cli_async(dir.path(), args, Vec::new()).await;
    (dir, ran)
}

fn example_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["card-activation.flow.json", "card-activation.tests.json"] {
        write(dir.path(), &format!("flows/{name}"), &example(name));
    }
    dir
}

/// The secret and the token in every form a server may echo them.
fn secret_forms() -> Vec<String> {
    let form: String = form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
    vec![SECRET.to_string(), form, TOKEN.to_string()]
}

fn assert_no_secret(text: &str) {
    for form in secret_forms() {
        assert!(!text.contains(&form), "`{form}` leaked:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Credentials never travel to another place.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_from_the_token_url_is_an_error_and_the_secret_never_reaches_its_target() {
    let target = serve(|_, _| token_reply("3600")).await;
    let location = format!("{}/oauth/token", target.url);
    let hostile = serve(move |_, _| Reply::Redirect(307, location.clone())).await;
    let (_dir, ran) = release_against(&hostile.url, &[]).await;
    assert_eq!(ran.code, 2, "{}", ran.everything());
    assert!(
        ran.stderr.contains("failed to fetch an access token: HTTP 307"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("redirects are not followed"), "{}", ran.stderr);
    assert!(
        target.seen().is_empty(),
        "the redirect target was called: {:?}",
        target.seen()
    );
    assert_eq!(hostile.count("POST", "/oauth/token"), 1, "a redirect is not retried");
    assert_no_secret(&ran.everything());
    let failed: Vec<Value> = ran.audit.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let last = failed.last().expect("the audit log records the failure");
    assert_eq!(last["event"], "run_failed");
    assert!(last["reason"].as_str().unwrap().contains("HTTP 307"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_calls_never_follow_a_redirect_to_another_origin() {
    let target = serve(|_, _| no_versions()).await;
    let elsewhere = format!("{}/api/v2/flows/acme-card-activation/versions", target.url);
    let hostile = api(move |_, _| Reply::Redirect(302, elsewhere.clone())).await;
    let (_dir, ran) = release_against(&hostile.url, &[]).await;
    assert_eq!(ran.code, 1, "{}", ran.everything());
    assert!(
        ran.stdout
            .contains("failed to list the versions of flow `acme-card-activation`: HTTP 302")
    );
    assert!(
        target.seen().is_empty(),
        "the other origin was called: {:?}",
        target.seen()
    );
    assert_no_secret(&ran.everything());
}

#[test]
fn plain_http_urls_are_refused_unless_they_are_loopback() {
    let dir = example_repo();
    for (flag, url, what) in [
        ("--token-url", "http://api.cxone.example/oauth/token", "CXone token URL"),
        ("--base-url", "http://api.cxone.example/api/v2", "CXone base URL"),
    ] {
        let mut args = vec!["release", "--tag", "v1", "--client-id", "id", "flows"];
        args.extend([flag, url]);
        let ran = cli(dir.path(), &args, &[]);
        assert_eq!(ran.code, 2, "{}", ran.everything());
        assert!(
            ran.stderr.contains(&format!("the {what} `{url}` is plain http")),
            "{}",
            ran.stderr
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Bounded everything; 5. echoed secrets are redacted; 7. retries as documented.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_and_endless_answers_stop_at_the_cap_and_name_the_call() {
    for endless in [false, true] {
        let hostile = serve(move |seen, _| match seen.path.as_str() {
            p if p.contains("/oauth/token") => token_reply("3600"),
            _ if endless => Reply::Endless,
            _ => Reply::Huge(20 * 1024 * 1024),
        })
        .await;
        let started = Instant::now();
        let (_dir, ran) = release_against(&hostile.url, &[]).await;
        assert_eq!(ran.code, 1, "{}", ran.everything());
        assert!(
            ran.stdout
                .contains("failed to list the versions of flow `acme-card-activation`: HTTP 200 OK: the answer is larger than 16 MiB"),
            "{}",
            ran.stdout
        );
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_text_from_a_server_is_cut_and_scrubbed_of_the_secret_and_the_token() {
    // The token endpoint refuses and echoes the form it was sent (the secret form-encoded).
    let echo_form = serve(|seen, _| {
        Reply::Json(
            401,
            json!({"error": "invalid_client", "message": format!("bad form: {}", seen.body)}).to_string(),
        )
    })
    .await;
    let (_dir, ran) = release_against(&echo_form.url, &[]).await;
    assert_eq!(ran.code, 2, "{}", ran.everything());
    assert!(
        ran.stderr.contains("bad form:") && ran.stderr.contains("client_secret=***"),
        "{}",
        ran.stderr
    );
    assert_no_secret(&ran.everything());

    // The API answers 500 with the request's headers, the raw secret and 20,000 more characters.
    let echo_all = serve(|seen, _| {
        if seen.path.contains("/oauth/token") {
            return token_reply("3600");
        }
        let message = format!("{} raw {SECRET} {}", seen.head, "x".repeat(20_000));
        Reply::Json(500, json!({"error": "boom", "message": message}).to_string())
    })
    .await;
    let (_dir, ran) = release_against(&echo_all.url, &[]).await;
    assert_eq!(ran.code, 1, "{}", ran.everything());
    assert!(ran.stdout.contains("Bearer ***"), "{}", ran.stdout);
    assert_no_secret(&ran.everything());
    let longest = ran.everything().lines().map(str::len).max().unwrap_or(0);
    assert!(longest < 2_000, "a line of {longest} characters reached the output");
    assert!(ran.stdout.contains("more characters)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_token_lifetime_is_survived_and_zero_does_not_refetch_per_call() {
    // u64::MAX used to overflow the expiry instant: exit 101.
    let huge = serve(|seen, _| {
        if seen.path.contains("/oauth/token") {
            token_reply("18446744073709551615")
        } else {
            Reply::Json(404, r#"{"error": "not_found", "message": "no flow"}"#.into())
        }
    })
    .await;
    let (_dir, ran) = release_against(&huge.url, &[]).await;
    assert_eq!(ran.code, 1, "{}", ran.everything());
    assert!(!ran.stderr.contains("panicked"));

    let zero = serve(|seen, _| {
        if seen.path.contains("/oauth/token") {
            token_reply("0")
        } else {
            no_versions()
        }
    })
    .await;
    let client = client(&zero.url);
    for _ in 0..5 {
        client.list_versions("main").await.unwrap();
    }
    assert_eq!(
        zero.count("POST", "/oauth/token"),
        1,
        "expires_in: 0 fetched a token per call"
    );
}

fn client(url: &str) -> CxoneClient {
    let mut config = ClientConfig::new(
        format!("{url}/api/v2"),
        format!("{url}/oauth/token"),
        "cxone-flow",
        Secret::new(SECRET),
    );
    config.backoff_base = Duration::from_millis(1);
    config.backoff_cap = Duration::from_millis(5);
    CxoneClient::new(config).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_breaks_off_is_retried_on_a_safe_call_only() {
    let server = api(|_, _| Reply::BrokenOff).await;
    let client = client(&server.url);
    // Reads: retried until the client gives up (the server always breaks off here).
    let error = client.list_versions("main").await.unwrap_err();
    assert_eq!(server.count("GET", "/versions"), 6, "5 retries after the first attempt");
    assert!(
        error.message.contains("broke off") || error.message.contains("connection"),
        "{error}"
    );
    // Writes: never resent after the server may have acted.
    let error = client.publish("main", "v").await.unwrap_err();
    assert_eq!(server.count("POST", "/publish"), 1, "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_whose_body_breaks_off_once_succeeds_on_the_retry() {
    let server = serve(|seen, before| {
        if seen.path.contains("/oauth/token") {
            token_reply("3600")
        } else if before == 1 {
            Reply::BrokenOff
        } else {
            no_versions()
        }
    })
    .await;
    let versions = client(&server.url).list_versions("main").await.unwrap();
    assert!(versions.is_empty());
    assert_eq!(server.count("GET", "/versions"), 2);
}

// ---------------------------------------------------------------------------------------------
// 2. Nothing outside the checked tree is read.

const OUTSIDE: &str = "TOPSECRET-CONTENT-OUTSIDE-THE-TREE";

/// A flow file whose content is the marker that must never be printed.
fn outside_flow(dir: &Path) -> PathBuf {
    let path = dir.join("secret.flow.json");
    std::fs::write(
        &path,
        format!(r#"{{"flowId": "{OUTSIDE}", "elements": [{{"id": "{OUTSIDE}", "type": "start"}}]}}"#),
    )
    .unwrap();
    path
}

#[cfg(unix)]
#[test]
fn links_fifos_folders_loops_and_bad_names_are_findings_never_reads() {
    use std::os::unix::ffi::OsStrExt;
    let outside = tempfile::tempdir().unwrap();
    let target = outside_flow(outside.path());
    let dir = tempfile::tempdir().unwrap();
    let flows = dir.path().join("flows");
    std::fs::create_dir_all(flows.join("folder.flow.json")).unwrap();
    std::os::unix::fs::symlink(&target, flows.join("linked.flow.json")).unwrap();
    std::os::unix::fs::symlink(&target, flows.join("clean.tests.json")).unwrap();
    std::fs::write(flows.join("clean.flow.json"), crate::action::tiny_flow("clean").0).unwrap();
    std::os::unix::fs::symlink("loop.flow.json", flows.join("loop.flow.json")).unwrap();
    let fifo = Command::new("mkfifo")
        .arg(flows.join("pipe.flow.json"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let bad_name = std::ffi::OsStr::from_bytes(b"bad-\xff.flow.json");
    std::fs::write(flows.join(bad_name), crate::action::tiny_flow("bad").0).unwrap();

    let ran = cli(dir.path(), &["check", "flows"], &[]);
    assert_eq!(ran.code, 1, "{}", ran.everything());
    let out = &ran.stdout;
    for expected in [
        "flows/linked.flow.json:1:1: error[CXF031] symlinked-file: `linked.flow.json` is a symbolic link; it was not read",
        "flows/clean.tests.json:1:1: error[CXF031] symlinked-file: `clean.tests.json` is a symbolic link",
        "flows/loop.flow.json:1:1: error[CXF031] symlinked-file: `loop.flow.json` is a symbolic link that loops or points at nothing",
        "flows/pipe.flow.json:1:1: error[CXF032] unreadable-entry: `pipe.flow.json` is a named pipe (FIFO), not a file",
        "flows/folder.flow.json:1:1: error[CXF032] unreadable-entry: `folder.flow.json` is a folder, not a file",
        "error[CXF032] unreadable-entry: the name `bad-\u{fffd}.flow.json` is not valid UTF-8",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    assert!(
        !ran.everything().contains(OUTSIDE),
        "the link's target was read:\n{}",
        ran.everything()
    );
    assert!(!out.contains("orphan"), "{out}");

    // The JSON report and SARIF say the same, and quote nothing of the target either.
    let ran = cli(
        dir.path(),
        &["check", "flows", "--format", "json", "--sarif", "out.sarif"],
        &[],
    );
    let sarif = std::fs::read_to_string(dir.path().join("out.sarif")).unwrap();
    assert!(ran.stdout.contains("CXF031") && sarif.contains("CXF031") && sarif.contains("CXF032"));
    assert!(!ran.stdout.contains(OUTSIDE) && !sarif.contains(OUTSIDE));
}

#[cfg(unix)]
#[test]
fn in_action_mode_a_folder_linked_out_of_the_workspace_brings_nothing_in() {
    let outside = tempfile::tempdir().unwrap();
    outside_flow(outside.path());
    let workspace = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), workspace.path().join("flows")).unwrap();
    let run = run_action(
        workspace.path(),
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_REF", "refs/heads/main"),
            ("INPUT_PATHS", "flows"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let errors = annotations(&run.commands, "error");
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert_eq!(errors[0].properties["file"], "flows/secret.flow.json");
    assert!(errors[0].properties["title"].contains("CXF031"));
    assert!(errors[0].data.contains("leaves the checked tree"));
    assert!(!run.stdout.contains(OUTSIDE) && !run.summary.contains(OUTSIDE));
}

// ---------------------------------------------------------------------------------------------
// 3. Exit codes never lie.

pub(crate) async fn emulator(faults: &[&str]) -> Emulator {
    spawn(Config {
        client_secret: SECRET.into(),
        faults: faults.iter().map(|f| FaultRule::parse(f).unwrap()).collect(),
        ..Config::default()
    })
    .await
    .unwrap()
}

async fn requests(emu: &Emulator) -> Vec<Value> {
    reqwest::get(format!("{}/requests", emu.admin_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The variables of a push of tag `v1.0.0` that releases to `emu`, then `extra`.
pub(crate) fn tag_push(emu: &Emulator, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let (base, token) = (emu.base_url(), emu.token_url());
    let mut vars = owned(&[
        ("INPUT_CXONE-BASE-URL", base.as_str()),
        ("INPUT_CXONE-TOKEN-URL", token.as_str()),
        ("INPUT_CXONE-CLIENT-ID", "cxone-flow"),
        ("INPUT_CXONE-CLIENT-SECRET", SECRET),
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_REF", "refs/tags/v1.0.0"),
        ("GITHUB_REF_TYPE", "tag"),
        ("INPUT_RELEASE-ON-TAG", "true"),
        ("GITHUB_SHA", "abc123"),
    ]);
    vars.extend(owned(extra));
    vars
}

/// The tiny flow with `value` as an extra field of its hangup element.
fn flow_with(id: &str, value: &str) -> String {
    format!(
        r#"{{"flowId": "{id}", "elements": [{{"id": "start", "type": "start"}}, {{"id": "bye", "type": "hangup", "meta": {value}}}],
  "edges": [{{"from": "start", "to": "bye"}}]}}"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_no_reader_can_hold_fails_the_check_and_the_tag_sends_nothing() {
    let emu = emulator(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.flow.json", &flow_with("a", "1e400"));
    let ran = cli(dir.path(), &["check", "."], &[]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stdout
            .contains("error[CXF004] invalid-field-value: the number 1e400 is out of range"),
        "{}",
        ran.stdout
    );
    let run = run_action_async(dir.path(), tag_push(&emu, &[])).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("release v1.0.0: the checks failed, so nothing was sent to CXone")
    );
    assert!(requests(&emu).await.is_empty(), "CXone was called");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nesting_the_check_accepts_is_released_and_read_back() {
    let emu = emulator(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    write(dir.path(), "deep.flow.json", &flow_with("deep", &deep));
    let run = run_action_async(dir.path(), tag_push(&emu, &[])).await;
    assert_eq!(run.code, 0, "{}", run.stdout);
    let published: Value = serde_json::from_str(&run.outputs["published"]).unwrap();
    assert_eq!(published[0]["outcome"], "published");
    // A second run reads the stored version (300 levels deep) back and finds it up to date.
    let again = run_action_async(dir.path(), tag_push(&emu, &[])).await;
    assert_eq!(again.code, 0, "{}", again.stdout);
    let published: Value = serde_json::from_str(&again.outputs["published"]).unwrap();
    assert_eq!(published[0]["outcome"], "up to date");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flow_that_cannot_be_prepared_fails_the_tag_with_exit_2() {
    let emu = emulator(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "flows/real.flow.json", &crate::action::tiny_flow("real").0);
    std::os::unix::fs::symlink("real.flow.json", dir.path().join("flows/link.flow.json")).unwrap();
    // The link's finding turned off: the checks pass, but the link cannot become a payload.
    let run = run_action_async(dir.path(), tag_push(&emu, &[("INPUT_SEVERITY", "CXF031=off")])).await;
    assert_eq!(run.ending, Some(Ending::NotSendable), "{}", run.stdout);
    let errors = annotations(&run.commands, "error");
    assert!(
        errors
            .iter()
            .any(|e| e.data.contains("flows/link.flow.json cannot be released")),
        "{}",
        run.stdout
    );
    assert!(requests(&emu).await.is_empty(), "CXone was called");
}

// ---------------------------------------------------------------------------------------------
// 7. A failing QA webhook; 8. the audit log records failures too.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_qa_webhook_warns_on_every_row_and_fails_the_run_at_the_end() {
    let emu = emulator(&["500:path=/webhooks:method=POST"]).await;
    let root = format!("http://{}", emu.addr);
    let (dir, ran) = release_against(&root, &["--qa-webhook-url", "https://qa.example.com/hook"]).await;
    assert_eq!(ran.code, 1, "{}", ran.everything());
    assert!(ran.stdout.contains("acme-card-activation  published"), "{}", ran.stdout);
    assert!(
        ran.stdout
            .contains("warning: the QA webhook was not set up, so QA hears nothing of this release"),
        "{}",
        ran.stdout
    );
    let events: Vec<Value> = ran.audit.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(events.iter().any(|e| e["event"] == "webhook_failed"));
    assert!(events.iter().any(|e| e["event"] == "version_published"));
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_audit_line_says_who_ran_and_a_refused_token_is_recorded() {
    let emu = spawn(Config {
        client_secret: "not-the-secret-we-send".into(),
        ..Config::default()
    })
    .await
    .unwrap();
    let dir = example_repo();
    let args: Vec<String> = [
        "release",
        "--tag",
        "v1",
        "--base-url",
        &emu.base_url(),
        "--token-url",
        &emu.token_url(),
        "--client-id",
        "cxone-flow",
        "flows",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let env = owned(&[
        ("GITHUB_REPOSITORY", "acme/ivr"),
        ("GITHUB_ACTOR", "release-bot"),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_RUN_ID", "77"),
    ]);
    let ran = cli_async(dir.path(), args, env).await;
    assert_eq!(ran.code, 2, "{}", ran.everything());
    let events: Vec<Value> = ran.audit.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let failed = events.iter().find(|e| e["event"] == "run_failed").expect("run_failed");
    assert!(
        failed["reason"]
            .as_str()
            .unwrap()
            .contains("failed to fetch an access token: HTTP 401")
    );
    for event in &events {
        assert_eq!(event["repository"], "acme/ivr");
        assert_eq!(event["actor"], "release-bot");
        assert_eq!(event["runUrl"], "https://github.com/acme/ivr/actions/runs/77");
        assert!(event["tool"].as_str().unwrap().starts_with("cxone-flow "));
        let timestamp = event["timestamp"].as_str().unwrap();
        assert_eq!(timestamp.len(), "2026-11-30T00:00:00.000Z".len(), "{timestamp}");
    }
    assert_no_secret(&ran.everything());
}

// ---------------------------------------------------------------------------------------------
// 10. The emulator reproduces what a real server does wrong.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_acts_then_drops_or_delays_and_lists_its_faults() {
    // Registrations finish when the test moves the emulator's clock, not after a sleep.
    let clock = Clock::manual();
    let emu = spawn(Config {
        client_secret: SECRET.into(),
        clock: clock.clone(),
        ..Config::default()
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    // A rule posted without `next` or `share` fires on every matching call.
    let rules = json!({"rules": [{"kind": "actThenDrop", "path": "/publish"}]});
    http.post(format!("{}/faults", emu.admin_url()))
        .json(&rules)
        .send()
        .await
        .unwrap();
    let listed: Value = http
        .get(format!("{}/faults", emu.admin_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["rules"][0]["kind"], "actThenDrop");
    assert_eq!(listed["rules"][0]["share"], 1.0);

    let client = client_for(&emu, Duration::from_secs(30));
    let payload = |id: &str| complete_example(id);
    let register = |id: &'static str| {
        let http = http.clone();
        let (url, token_url) = (emu.base_url(), emu.token_url());
        async move {
            let token: Value = http
                .post(token_url)
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", "cxone-flow"),
                    ("client_secret", SECRET),
                    ("scope", cxone_flow::cxone::types::SCOPES),
                ])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let answer = http
                .post(format!("{url}/flows/main/versions"))
                .bearer_auth(token["access_token"].as_str().unwrap())
                .json(&payload(id))
                .send()
                .await
                .unwrap();
            answer.status().as_u16()
        }
    };
    // The tutorial's complete example, without createdBy, rollbackReference or timeouts, registers.
    let first = "11111111-1111-4111-8111-111111111111";
    assert_eq!(register(first).await, 202);
    clock.advance(emu.state.config.registration_delay);
    let error = client.publish("main", first).await.unwrap_err();
    assert!(error.status.is_none(), "the answer was dropped: {error}");
    let state = state_of(&emu, "main").await;
    assert_eq!(state[0]["status"], "ACTIVE", "the publish took effect: {state}");

    // Act then delay: the client gives up, the call worked (the answer would come a minute later).
    let rules = json!({"rules": [{"kind": "actThenDelay", "delayMs": 60_000, "path": "/publish"}]});
    http.post(format!("{}/faults", emu.admin_url()))
        .json(&rules)
        .send()
        .await
        .unwrap();
    let second = "22222222-2222-4222-8222-222222222222";
    assert_eq!(register(second).await, 202);
    clock.advance(emu.state.config.registration_delay);
    let impatient = client_for(&emu, Duration::from_secs(1));
    let error = impatient.publish("main", second).await.unwrap_err();
    assert!(error.message.contains("timed out"), "{error}");
    let state = state_of(&emu, "main").await;
    assert_eq!(state[1]["status"], "ACTIVE", "{state}");
    assert_eq!(state[0]["status"], "DEPRECATED", "{state}");
}

fn client_for(emu: &Emulator, timeout: Duration) -> CxoneClient {
    let mut config = ClientConfig::new(emu.base_url(), emu.token_url(), "cxone-flow", Secret::new(SECRET));
    config.request_timeout = timeout;
    CxoneClient::new(config).unwrap()
}

async fn state_of(emu: &Emulator, flow: &str) -> Value {
    let state: Value = reqwest::get(format!("{}/state", emu.admin_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    state["versions"][flow].clone()
}

/// The contract's version payload as a client written to the tutorial's complete example sends it:
/// no `createdBy`, no `rollbackReference`, no `timeouts`.
fn complete_example(id: &str) -> Value {
    json!({
        "id": id, "flowId": "main",
        "metadata": {"versionTag": "v1.4.0", "activationPriority": 1, "timestamp": "2026-11-30T00:00:00Z"},
        "versionTags": {"environment": "staging", "releaseMatrix": "v1.4.0"},
        "elements": [{"id": "start", "type": "start"}, {"id": "bye", "type": "hangup"}],
        "edges": [{"from": "start", "to": "bye"}],
        "routingRules": []
    })
}

// ---------------------------------------------------------------------------------------------
// Listings that page: by `totalRecords` alone, and a `next` link that leaves the API's origin.

fn version_entity(id: &str) -> Value {
    json!({
        "id": id, "flowId": "main", "status": "DEPRECATED",
        "metadata": {"versionTag": "v", "activationPriority": 1, "timestamp": "2026-11-30T00:00:00Z"},
        "versionTags": {"environment": "staging", "releaseMatrix": "v"},
        "elements": [], "edges": [], "routingRules": []
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_paged_by_total_records_is_read_whole_and_a_foreign_next_link_is_refused() {
    let server = serve(|seen, _| {
        if seen.path.contains("/oauth/token") {
            return token_reply("3600");
        }
        let skip: usize = seen
            .path
            .split("skip=")
            .nth(1)
            .and_then(|rest| rest.split('&').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let page: Vec<Value> = (skip..(skip + 2).min(5))
            .map(|i| version_entity(&format!("v{i}")))
            .collect();
        Reply::Json(200, json!({"entities": page, "totalRecords": 5}).to_string())
    })
    .await;
    let versions = client(&server.url).list_versions("main").await.unwrap();
    let ids: Vec<&str> = versions.iter().map(|v| v.payload.id.as_str()).collect();
    assert_eq!(ids, ["v0", "v1", "v2", "v3", "v4"]);
    assert_eq!(server.count("GET", "/versions"), 3);

    let elsewhere = serve(|_, _| no_versions()).await;
    let next = format!("{}/api/v2/flows/main/versions?skip=1", elsewhere.url);
    let foreign = serve(move |seen, _| {
        if seen.path.contains("/oauth/token") {
            token_reply("3600")
        } else {
            Reply::Json(
                200,
                json!({"entities": [version_entity("v0")], "next": next}).to_string(),
            )
        }
    })
    .await;
    let error = client(&foreign.url).list_versions("main").await.unwrap_err();
    assert!(error.to_string().contains("leaves the API's origin"), "{error}");
    assert!(elsewhere.seen().is_empty());
}
