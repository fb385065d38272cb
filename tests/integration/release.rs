//! Releases end to end against the spawned emulator: the happy path, idempotent re-runs, recovery
//! after a run dies, the version limit, fault storms, webhooks, smoke-test rollback, and secrets.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use cxone_emulator::{Config, Emulator, FaultRule, spawn};
use cxone_flow::check::Settings;
use cxone_flow::cxone::client::{ClientConfig, CxoneClient};
use cxone_flow::cxone::secret::Secret;
use cxone_flow::cxone::types::VersionStatus;
use cxone_flow::discover::discover;
use cxone_flow::release::audit::AuditLog;
use cxone_flow::release::backend::RegistrationWait;
use cxone_flow::release::gate::gate;
use cxone_flow::release::payload::{ReleaseInfo, environment_for};
use cxone_flow::release::pipeline::{FlowResult, Outcome, ReleaseSettings, release};
use cxone_flow::settings::PRODUCTION_TAGS;
use serde_json::Value;

const SECRET: &str = "release-test-secret-7f3a";

async fn emulator(faults: &[&str]) -> Emulator {
    spawn(Config {
        client_secret: SECRET.into(),
        faults: faults.iter().map(|f| FaultRule::parse(f).unwrap()).collect(),
        seed: 11,
        ..Config::default()
    })
    .await
    .unwrap()
}

fn client(emu: &Emulator) -> Arc<CxoneClient> {
    let mut config = ClientConfig::new(emu.base_url(), emu.token_url(), "cxone-flow", Secret::new(SECRET));
    config.backoff_base = Duration::from_millis(2);
    config.backoff_cap = Duration::from_millis(20);
    Arc::new(CxoneClient::new(config).unwrap())
}

fn settings(tag: &str) -> ReleaseSettings {
    let (environment, environment_reason) = environment_for(tag, None, PRODUCTION_TAGS);
    ReleaseSettings {
        release: ReleaseInfo {
            tag: tag.into(),
            environment,
            environment_reason,
            activation_priority: 1,
            created_by: "acme/ivr@abc123".into(),
        },
        force: false,
        max_concurrency: 4,
        case_concurrency: 8,
        qa_webhook_url: None,
        smoke_test: false,
        dry_run: false,
        max_execution_ms: 15_000,
        registration: RegistrationWait {
            timeout: Duration::from_secs(5),
            poll: Duration::from_millis(5),
        },
    }
}

/// A copy of the example flows to change freely.
fn workspace() -> tempfile::TempDir {
    crate::hand_written_examples()
}

/// Changes a prompt of the main IVR (new content, same behaviour).
fn edit_main(dir: &Path) {
    let path = dir.join("main-ivr.flow.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Calls may be recorded.", "Calls are recorded.");
    std::fs::write(path, text).unwrap();
}

async fn run(emu: &Emulator, dir: &Path, settings: ReleaseSettings) -> (Vec<FlowResult>, Vec<Value>) {
    let audit_path = dir.join("audit.jsonl");
    let units = discover(&[dir.to_path_buf()]).into_result().unwrap();
    let flows = gate(&units, &Settings::default(), cxone_flow::registry::Severity::Error)
        .1
        .unwrap_or_else(|blocked| panic!("the gate passes: {blocked:?}"));
    let audit = Arc::new(AuditLog::open(&Default::default(), &audit_path, &settings.release.tag, "abc123").unwrap());
    let results = release(client(emu), flows, settings, audit).await.unwrap();
    (results, audit_lines(&audit_path))
}

fn audit_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn events<'a>(audit: &'a [Value], name: &str) -> Vec<&'a Value> {
    audit.iter().filter(|e| e["event"] == name).collect()
}

fn outcome<'a>(results: &'a [FlowResult], flow_id: &str) -> &'a Outcome {
    &results.iter().find(|r| r.flow_id == flow_id).unwrap().outcome
}

fn versions(emu: &Emulator, flow_id: &str) -> Vec<(String, VersionStatus, Option<String>)> {
    emu.state.lock().versions.get(flow_id).map_or_else(Vec::new, |vs| {
        vs.iter()
            .map(|s| {
                (
                    s.version.payload.id.clone(),
                    s.version.status,
                    s.version.payload.version_tags.rollback_reference.clone(),
                )
            })
            .collect()
    })
}

fn posts(emu: &Emulator) -> usize {
    emu.state
        .lock()
        .log
        .iter()
        .filter(|e| e.method == "POST" && !e.path.ends_with("/simulations") && !e.path.contains("oauth"))
        .count()
}

const MAIN: &str = "acme-bank-main-ivr";
const CARD: &str = "acme-card-activation";

#[tokio::test]
async fn a_happy_release_publishes_every_flow_and_audits_each_step() {
    let emu = emulator(&[]).await;
    let dir = workspace();
    let (results, audit) = run(&emu, dir.path(), settings("v1.0.0-prod")).await;
    for flow in [MAIN, CARD] {
        assert!(
            matches!(outcome(&results, flow), Outcome::Published { resumed: false, .. }),
            "{results:?}"
        );
        let versions = versions(&emu, flow);
        assert_eq!(versions.len(), 1);
        assert_eq!((versions[0].1, versions[0].2.as_deref()), (VersionStatus::Active, None));
    }
    let stored = emu.state.lock().versions[MAIN][0].version.payload.clone();
    assert_eq!(stored.metadata.version_tag, "v1.0.0-prod");
    assert_eq!(stored.metadata.created_by, "acme/ivr@abc123");
    assert_eq!(stored.version_tags.environment, "production");
    assert_eq!(stored.version_tags.release_matrix, "v1.0.0-prod");
    assert_eq!(stored.metadata.content_hash.as_ref().unwrap().len(), 64);
    assert_eq!(events(&audit, "token_acquired").len(), 1);
    assert_eq!(events(&audit, "versions_listed").len(), 2);
    assert_eq!(events(&audit, "version_registered").len(), 2);
    assert_eq!(events(&audit, "simulation_passed").len(), 13, "every case ran remotely");
    let published = events(&audit, "version_published");
    assert_eq!(published.len(), 2);
    assert!(published.iter().all(|e| e["latencyMs"].is_u64()
        && e["versionId"].is_string()
        && e["tag"] == "v1.0.0-prod"
        && e["commit"] == "abc123"));
    assert!(
        events(&audit, "activation_complete")
            .iter()
            .all(|e| e["totalMs"].is_u64())
    );
    assert_eq!(emu.state.lock().tokens_issued, 1, "one token for the whole run");
}

#[tokio::test]
async fn a_rerun_of_the_same_tag_changes_nothing() {
    let emu = emulator(&[]).await;
    let dir = workspace();
    let (first, _) = run(&emu, dir.path(), settings("v1.0.0")).await;
    let posts_before = posts(&emu);
    let (second, audit) = run(&emu, dir.path(), settings("v1.0.0")).await;
    for flow in [MAIN, CARD] {
        let Outcome::Published { version_id, .. } = outcome(&first, flow) else {
            panic!("{first:?}")
        };
        assert_eq!(
            outcome(&second, flow),
            &Outcome::UpToDate {
                version_id: version_id.clone()
            }
        );
        assert_eq!(versions(&emu, flow).len(), 1);
    }
    assert_eq!(posts(&emu), posts_before, "the re-run registered and published nothing");
    assert_eq!(events(&audit, "skipped").len(), 2);
}

#[tokio::test]
async fn a_run_that_dies_between_register_and_publish_is_resumed_once() {
    // The first flow's publishes are all dropped (the run reads back, finds the version still
    // pending and tries twice more): that flow is left with a pending version.
    let emu = emulator(&["drop:next=3:path=/publish"]).await;
    let dir = workspace();
    let mut one_at_a_time = settings("v2.0.0");
    one_at_a_time.max_concurrency = 1;
    let (first, _) = run(&emu, dir.path(), one_at_a_time.clone()).await;
    let failed: Vec<&FlowResult> = first.iter().filter(|r| r.outcome.failed()).collect();
    assert_eq!(failed.len(), 1, "{first:?}");
    let flow = failed[0].flow_id.clone();
    assert_eq!(versions(&emu, &flow)[0].1, VersionStatus::Pending);
    let (second, audit) = run(&emu, dir.path(), one_at_a_time).await;
    assert!(
        matches!(outcome(&second, &flow), Outcome::Published { resumed: true, .. }),
        "{second:?}"
    );
    let versions = versions(&emu, &flow);
    assert_eq!(versions.len(), 1, "exactly one version was ever registered");
    assert_eq!(versions[0].1, VersionStatus::Active);
    assert_eq!(events(&audit, "resumed").len(), 1);
}

#[tokio::test]
async fn the_version_limit_fails_that_flow_only_and_names_the_blockers() {
    let emu = emulator(&[]).await;
    let dir = workspace();
    run(&emu, dir.path(), settings("v1")).await;
    edit_main(dir.path());
    // A run that registers v2 but cannot publish it leaves it pending: ACTIVE + PENDING = the limit.
    emu.state.lock().faults.rules = vec![FaultRule::parse("503:path=/publish").unwrap()];
    run(&emu, dir.path(), settings("v2")).await;
    emu.state.lock().faults.rules.clear();
    std::fs::write(
        dir.path().join("main-ivr.flow.json"),
        std::fs::read_to_string(dir.path().join("main-ivr.flow.json"))
            .unwrap()
            .replace("Calls are recorded.", "Hello."),
    )
    .unwrap();
    let (results, audit) = run(&emu, dir.path(), settings("v3")).await;
    let Outcome::Failed { reason, .. } = outcome(&results, MAIN) else {
        panic!("{results:?}")
    };
    let live: Vec<String> = versions(&emu, MAIN)
        .into_iter()
        .map(|v| format!("{} ({})", v.0, v.1))
        .collect();
    assert!(reason.contains("concurrent-version limit"), "{reason}");
    assert!(live.iter().all(|id| reason.contains(id.as_str())), "{reason}");
    assert_eq!(
        outcome(&results, CARD).label(),
        "up to date",
        "the other flow is unaffected"
    );
    let failed_now = events(&audit, "flow_failed")
        .into_iter()
        .filter(|e| e["tag"] == "v3")
        .count();
    assert_eq!(failed_now, 1);
}

#[tokio::test]
async fn a_429_storm_and_a_revoked_token_do_not_stop_the_release() {
    let emu = emulator(&["429:share=0.3:retry-after=0", "revoke:next=1:after=6"]).await;
    let dir = workspace();
    let (results, _) = run(&emu, dir.path(), settings("v1")).await;
    assert!(
        results.iter().all(|r| matches!(r.outcome, Outcome::Published { .. })),
        "{results:?}"
    );
    let log = emu.state.lock().log.clone();
    assert!(log.iter().filter(|e| e.status == Some(429)).count() >= 3);
    assert!(
        log.iter().any(|e| e.status == Some(401)),
        "the revoked token was refused once"
    );
    assert_eq!(
        emu.state.lock().tokens_issued,
        2,
        "one fresh token after the revocation"
    );
}

#[tokio::test]
async fn a_504_on_simulation_fails_the_flow_with_advice_and_publishes_nothing() {
    let emu = emulator(&["504:path=/simulations"]).await;
    let dir = workspace();
    let (results, audit) = run(&emu, dir.path(), settings("v1")).await;
    for result in &results {
        let Outcome::Failed { reason, .. } = &result.outcome else {
            panic!("{results:?}")
        };
        assert!(
            reason.contains("HTTP 504") && reason.contains("execution window"),
            "{reason}"
        );
    }
    assert!(events(&audit, "version_published").is_empty());
    assert!(emu.state.lock().log.iter().all(|e| !e.path.ends_with("/publish")));
}

#[tokio::test]
async fn three_releases_leave_one_webhook_and_the_receiver_gets_one_signed_event_per_publish() {
    let (url, received) = crate::webhook_receiver(0).await;
    let emu = emulator(&[]).await;
    let dir = workspace();
    let mut with_webhook = settings("v1");
    with_webhook.qa_webhook_url = Some(url.clone());
    run(&emu, dir.path(), with_webhook.clone()).await;
    // The webhook is set up while the flows register, and before any of them publishes.
    let log = emu.state.lock().log.clone();
    let position = |wanted: &dyn Fn(&str) -> bool| log.iter().position(|e| e.method == "POST" && wanted(&e.path));
    let created = position(&|p| p.ends_with("/webhooks")).expect("the webhook is created");
    let first_publish = position(&|p| p.ends_with("/publish")).expect("a publish");
    assert!(created < first_publish, "{log:?}");
    edit_main(dir.path());
    with_webhook.release.tag = "v2".into();
    run(&emu, dir.path(), with_webhook.clone()).await;
    with_webhook.release.tag = "v3".into();
    let (_, audit) = run(&emu, dir.path(), with_webhook).await;
    assert_eq!(emu.state.lock().webhooks.len(), 1, "releases never pile webhooks up");
    assert_eq!(events(&audit, "webhook_registered").len(), 1);
    assert_eq!(events(&audit, "webhook_found").len(), 2);
    // Publishes: 2 (v1) + 1 (v2: only the main IVR changed) + 0 (v3: nothing changed).
    let received = crate::calls_once_deliveries_ended(&emu, &received).await;
    assert_eq!(received.len(), 3);
    assert!(
        received
            .iter()
            .all(|(signature, body)| crate::signed_by_emulator(signature, body))
    );
}

#[tokio::test]
async fn a_failed_smoke_test_rolls_back_to_the_previous_content() {
    let emu = emulator(&[]).await;
    let dir = workspace();
    run(&emu, dir.path(), settings("v1")).await;
    let v1 = versions(&emu, MAIN)[0].0.clone();
    let v1_hash = emu.state.lock().versions[MAIN][0]
        .version
        .payload
        .metadata
        .content_hash
        .clone();
    edit_main(dir.path());
    // The 8 pre-publish simulations of the main IVR pass; the smoke test's then fail.
    emu.state.lock().faults.rules = vec![FaultRule::parse("500:after=8:path=/simulations").unwrap()];
    let mut smoke = settings("v2");
    smoke.smoke_test = true;
    let (results, audit) = run(&emu, dir.path(), smoke).await;
    let Outcome::RolledBack {
        failed_version_id,
        restored_version_id,
        reason,
    } = outcome(&results, MAIN)
    else {
        panic!("{results:?}")
    };
    assert!(reason.contains("HTTP 500"), "{reason}");
    let versions = versions(&emu, MAIN);
    let status = |id: &str| versions.iter().find(|v| v.0 == *id).unwrap().clone();
    assert_eq!(status(&v1).1, VersionStatus::Deprecated);
    assert_eq!(status(failed_version_id).1, VersionStatus::Deprecated);
    let restored = status(restored_version_id);
    assert_eq!(
        (restored.1, restored.2.as_deref()),
        (VersionStatus::Active, Some(failed_version_id.as_str()))
    );
    let restored_hash = emu.state.lock().versions[MAIN]
        .iter()
        .find(|s| s.version.payload.id == *restored_version_id)
        .unwrap()
        .version
        .payload
        .metadata
        .content_hash
        .clone();
    assert_eq!(restored_hash, v1_hash, "the previous content is active again");
    assert_eq!(events(&audit, "rollback").len(), 1);
}

#[tokio::test]
async fn a_dry_run_reads_and_checks_but_sends_nothing() {
    let emu = emulator(&[]).await;
    let dir = workspace();
    let mut dry = settings("v1");
    dry.dry_run = true;
    dry.qa_webhook_url = Some("http://127.0.0.1:9/qa".into());
    let (results, audit) = run(&emu, dir.path(), dry).await;
    for result in &results {
        let Outcome::WouldRelease {
            payload: Some(payload), ..
        } = &result.outcome
        else {
            panic!("{results:?}")
        };
        assert_eq!(payload.metadata.version_tag, "v1");
    }
    assert_eq!(posts(&emu), 0, "no register, webhook or publish call");
    assert!(emu.state.lock().versions.is_empty() && emu.state.lock().webhooks.is_empty());
    assert_eq!(events(&audit, "dry_run_payload").len(), 2);
}

/// [`binary`] on a blocking thread, so the emulator keeps serving on the runtime meanwhile.
async fn binary_async(
    dir: &Path,
    emu: &Arc<Emulator>,
    args: &[&'static str],
    secret: &'static str,
) -> (i32, String, String) {
    let (dir, emu, args) = (dir.to_path_buf(), Arc::clone(emu), args.to_vec());
    tokio::task::spawn_blocking(move || binary(&dir, &emu, &args, secret))
        .await
        .unwrap()
}

fn binary(dir: &Path, emu: &Emulator, args: &[&str], secret: &str) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
        .args(args)
        .args([
            "--base-url",
            &emu.base_url(),
            "--token-url",
            &emu.token_url(),
            "--client-id",
            "cxone-flow",
        ])
        .env("CXONE_CLIENT_SECRET", secret)
        .env_remove("GITHUB_REPOSITORY")
        .current_dir(dir)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_gates_releases_rolls_back_and_never_shows_the_secret() {
    let emu = emulator(&["503:next=1:path=/simulations"]).await;
    let dir = workspace();
    let emu = Arc::new(emu);
    let (code, out, err) = binary_async(dir.path(), &emu, &["release", "--tag", "v1"], SECRET).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("acme-bank-main-ivr  published"), "{out}");
    // The steps as they happen, on standard error: plain lines off a terminal.
    for step in [
        "logged in",
        "acme-bank-main-ivr: registered ",
        "; waiting for registration job ",
        "acme-bank-main-ivr: simulated \"",
        "acme-bank-main-ivr: published ",
        "acme-bank-main-ivr: done: published (",
        "(attempt 1 failed: HTTP 503)",
    ] {
        assert!(err.contains(step), "{step}: {err}");
    }
    edit_main(dir.path());
    let (code, out, _) = binary_async(dir.path(), &emu, &["release", "--tag", "v2"], SECRET).await;
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = binary_async(
        dir.path(),
        &emu,
        &["rollback", "--flow-id", "acme-bank-main-ivr"],
        SECRET,
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("rolled back flow acme-bank-main-ivr"), "{out}");
    let active = versions(&emu, MAIN)
        .into_iter()
        .filter(|v| v.1 == VersionStatus::Active)
        .count();
    assert_eq!(active, 1);
    // A broken flow stops the release before anything is sent.
    std::fs::write(
        dir.path().join("broken.flow.json"),
        r#"{"flowId": "b", "elements": [{"id": "start", "type": "start"}]}"#,
    )
    .unwrap();
    let posts_before = posts(&emu);
    let (code, _, err) = binary_async(dir.path(), &emu, &["release", "--tag", "v3"], SECRET).await;
    assert_eq!(code, 1);
    assert!(err.contains("nothing was sent to CXone"), "{err}");
    assert_eq!(posts(&emu), posts_before);
    let (code, _, err) = binary_async(dir.path(), &emu, &["release", "--tag", "v3"], "").await;
    assert_eq!(code, 2);
    assert!(err.contains("set CXONE_CLIENT_SECRET"), "{err}");
    std::fs::remove_file(dir.path().join("broken.flow.json")).unwrap();
    let (code, out, err) = binary_async(
        dir.path(),
        &emu,
        &["release", "--tag", "v4", "--dry-run"],
        "wrong-secret-abc",
    )
    .await;
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("invalid client credentials"), "{err}");
    let audit = std::fs::read_to_string(dir.path().join("cxone-flow-audit.jsonl")).unwrap();
    for text in [&audit, &out, &err] {
        assert!(!text.contains(SECRET) && !text.contains("wrong-secret-abc"));
    }
    let tokens: Vec<String> = emu.state.lock().tokens.keys().cloned().collect();
    assert!(tokens.iter().all(|t| !audit.contains(t.as_str())));
}

/// The examples released as v1, then with the main IVR edited as v2.
async fn released_twice(emu: &Emulator) -> tempfile::TempDir {
    let dir = workspace();
    run(emu, dir.path(), settings("v1")).await;
    edit_main(dir.path());
    run(emu, dir.path(), settings("v2")).await;
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rollback_dry_run_sends_nothing_and_a_second_rollback_moves_nothing() {
    let emu = Arc::new(emulator(&[]).await);
    let dir = released_twice(&emu).await;
    let rollback = &["rollback", "--flow-id", MAIN];
    let dry_run = &["rollback", "--flow-id", MAIN, "--dry-run"];
    let before = (posts(&emu), versions(&emu, MAIN));
    let (code, out, err) = binary_async(dir.path(), &emu, dry_run, SECRET).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("dry run: would roll back flow acme-bank-main-ivr: the content of ")
            && out.contains("nothing was sent"),
        "{out}"
    );
    assert_eq!(
        (posts(&emu), versions(&emu, MAIN)),
        before,
        "a dry run registers and publishes nothing"
    );
    let (code, out, err) = binary_async(dir.path(), &emu, rollback, SECRET).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("rolled back flow acme-bank-main-ivr"), "{out}");
    let after_first = (posts(&emu), versions(&emu, MAIN));
    // A second rollback does not roll forward to the content the first one undid.
    let (code, out, err) = binary_async(dir.path(), &emu, rollback, SECRET).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("is a rollback already") && out.contains("nothing moved"),
        "{out}"
    );
    assert_eq!((posts(&emu), versions(&emu, MAIN)), after_first);
    // Every audit line names the repository: here, the folder the run started in.
    let folder = dir.path().file_name().unwrap().to_str().unwrap();
    let audit = audit_lines(&dir.path().join("cxone-flow-audit.jsonl"));
    assert!(
        !audit.is_empty() && audit.iter().all(|line| line["repository"] == folder),
        "{audit:?}"
    );
    assert_eq!(events(&audit, "rollback_would_restore").len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn versions_lists_what_cxone_holds_and_marks_the_files_content() {
    let emu = Arc::new(emulator(&[]).await);
    let dir = released_twice(&emu).await;
    let posts_before = posts(&emu);
    let (code, out, err) = binary_async(dir.path(), &emu, &["versions", "main-ivr.flow.json"], SECRET).await;
    assert_eq!(code, 0, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0], "versions of flow acme-bank-main-ivr in CXone (2 versions):",
        "{out}"
    );
    // The active version first: v2, which holds the file's content; then v1, deprecated.
    assert!(
        lines[1].trim_start().starts_with("ACTIVE") && lines[1].contains(" v2 "),
        "{out}"
    );
    assert!(lines[1].ends_with("= main-ivr.flow.json"), "{out}");
    assert!(
        lines[2].trim_start().starts_with("DEPRECATED") && !lines[2].contains(" = "),
        "{out}"
    );
    let active = versions(&emu, MAIN)
        .into_iter()
        .find(|v| v.1 == VersionStatus::Active)
        .unwrap()
        .0;
    assert_eq!(lines[3], format!("main-ivr.flow.json is version {active} (ACTIVE)"));
    assert_eq!(posts(&emu), posts_before, "listing changes nothing");
    assert!(!out.contains(SECRET) && !err.contains(SECRET));

    // Edited again, the file matches no version; JSON says the same for tools.
    std::fs::write(
        dir.path().join("main-ivr.flow.json"),
        std::fs::read_to_string(dir.path().join("main-ivr.flow.json"))
            .unwrap()
            .replace("Calls are recorded.", "Calls are recorded today."),
    )
    .unwrap();
    let (code, out, _) = binary_async(dir.path(), &emu, &["versions", "main-ivr.flow.json"], SECRET).await;
    assert_eq!(code, 0);
    assert!(
        out.ends_with("no version holds the content of main-ivr.flow.json: a release would register a new one\n"),
        "{out}"
    );
    let (code, out, _) = binary_async(
        dir.path(),
        &emu,
        &["versions", "main-ivr.flow.json", "--format", "json"],
        SECRET,
    )
    .await;
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["flowId"], MAIN);
    assert_eq!(json["versions"].as_array().unwrap().len(), 2);
    assert!(
        json["versions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["matchesFile"] == false)
    );

    // A file without a flowId names no flow: exit 2, nothing asked of CXone.
    std::fs::write(dir.path().join("x.flow.json"), r#"{"elements": []}"#).unwrap();
    let (code, _, err) = binary_async(dir.path(), &emu, &["versions", "x.flow.json"], SECRET).await;
    assert_eq!(code, 2);
    assert!(err.contains("has no flowId"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_plans_each_flow_with_its_diff_against_the_active_version() {
    let emu = Arc::new(emulator(&[]).await);
    let dir = workspace();
    let (code, out, _) = binary_async(dir.path(), &emu, &["release", "--tag", "v1"], SECRET).await;
    assert_eq!(code, 0, "{out}");
    edit_main(dir.path());
    let posts_before = posts(&emu);
    let (code, out, err) = binary_async(
        dir.path(),
        &emu,
        &["release", "--tag", "v2", "--dry-run", "--payloads", "plan"],
        SECRET,
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(posts(&emu), posts_before, "a dry run sends nothing");
    assert!(
        out.contains("acme-bank-main-ivr  dry run: would register a new version, simulate and publish it; 1 change against active version"),
        "{out}"
    );
    assert!(out.contains("\n      changed element welcome: prompt: "), "{out}");
    assert!(out.contains("card-activation  up to date: "), "{out}");
    assert!(
        out.ends_with("dry run: 1 would be released, 1 up to date, 0 blocked; nothing was sent\n"),
        "{out}"
    );
    let payload: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("plan/acme-bank-main-ivr.json")).unwrap())
            .unwrap();
    assert_eq!(payload["metadata"]["versionTag"], "v2");
    assert!(
        !dir.path().join("plan/card-activation.json").exists(),
        "no payload for an up-to-date flow"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_environment_gets_its_substitutions_and_qa_webhook_from_the_config_file() {
    let emu = Arc::new(emulator(&[]).await);
    let dir = workspace();
    let flow = dir.path().join("main-ivr.flow.json");
    let text = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(&flow, text.replace("\"Priority Banking\"", "\"{{PRIORITY_QUEUE}}\"")).unwrap();
    std::fs::write(
        dir.path().join("cxone-flow.toml"),
        r#"
[environments.staging]
qa-webhook-url = "http://127.0.0.1:9/staging-qa"
[environments.staging.substitutions]
"{{PRIORITY_QUEUE}}" = "Priority Banking (staging)"
[environments.production.substitutions]
"{{PRIORITY_QUEUE}}" = "Priority Banking"
"#,
    )
    .unwrap();
    let (code, out, err) = binary_async(dir.path(), &emu, &["release", "--tag", "v1"], SECRET).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("to staging"), "{out}");
    let staged = emu.state.lock().versions[MAIN][0].version.payload.elements.clone();
    let staged = serde_json::to_string(&staged).unwrap();
    assert!(
        staged.contains("Priority Banking (staging)") && !staged.contains("{{PRIORITY_QUEUE}}"),
        "{staged}"
    );
    let hooks: Vec<String> = emu.state.lock().webhooks.iter().map(|w| w.url.clone()).collect();
    assert_eq!(hooks, ["http://127.0.0.1:9/staging-qa"]);
    // Production: its own value, and so content (and a version) of its own.
    let (code, out, _) = binary_async(dir.path(), &emu, &["release", "--tag", "v1-prod"], SECRET).await;
    assert_eq!(code, 0, "{out}");
    let versions = emu.state.lock().versions[MAIN].len();
    assert_eq!(versions, 2, "production's content differs from staging's");
    let live = emu.state.lock().versions[MAIN][1].version.payload.elements.clone();
    let live = serde_json::to_string(&live).unwrap();
    assert!(
        live.contains("\"Priority Banking\"") && !live.contains("(staging)"),
        "{live}"
    );
}

/// A substitution reaches the content fields of elements only: an id, an edge's end or a
/// condition holding the same text keeps it, the prompt and the queue get the value.
#[tokio::test(flavor = "multi_thread")]
async fn a_substitution_fills_content_fields_and_never_ids_edges_or_conditions() {
    let (emu, _dir, (code, out, err)) = release_queued("Sales").await;
    assert_eq!(code, 0, "{out}{err}");
    let payload = emu.state.lock().versions["queued"][0].version.payload.clone();
    let ids: Vec<&str> = payload.elements.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["start", "hello_{{Q}}", "route", "q_{{Q}}", "bye"]);
    assert_eq!(payload.elements[1]["prompt"], "Hello from Sales");
    assert_eq!(payload.elements[3]["queue"], "Sales");
    assert_eq!(payload.edges[0]["to"], "hello_{{Q}}");
    assert_eq!(payload.routing_rules[0]["condition"]["value"], "{{Q}}");
    assert_eq!(payload.routing_rules[0]["action"]["goto"], "q_{{Q}}");
}

/// A value that breaks the flow (an empty queue name) is found by checking the substituted flow
/// again: nothing is sent, exit 1, and the error names the flow and the placeholder. A key that
/// is no `{{NAME}}` placeholder (it would match ids) is refused before anything runs.
#[tokio::test(flavor = "multi_thread")]
async fn a_substituted_flow_that_fails_its_checks_stops_the_release_before_anything_is_sent() {
    let (emu, dir, (code, out, err)) = release_queued("").await;
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(posts(&emu), 0, "nothing is sent");
    assert!(
        out.contains("queued.flow.json") && out.contains("`{{Q}}`") && out.contains("CXF004"),
        "{out}"
    );
    assert!(out.contains("not sent: the release stopped because"), "{out}");

    std::fs::write(
        dir.path().join("cxone-flow.toml"),
        "[environments.staging.substitutions]\nstart = \"begin\"\n",
    )
    .unwrap();
    let (code, out, err) = binary_async(dir.path(), &emu, &["release", "--tag", "v1"], SECRET).await;
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("`start` is no placeholder"), "{err}");
    assert_eq!(posts(&emu), 0);
}

/// A flow whose ids, edges and routing condition hold the placeholder text as well as its prompt
/// and queue.
const QUEUED: &str = r#"{"flowId": "queued", "elements": [
  {"id": "start", "type": "start"},
  {"id": "hello_{{Q}}", "type": "play", "prompt": "Hello from {{Q}}"},
  {"id": "route", "type": "routing"},
  {"id": "q_{{Q}}", "type": "queue", "queue": "{{Q}}"},
  {"id": "bye", "type": "hangup"}],
 "edges": [{"from": "start", "to": "hello_{{Q}}"}, {"from": "hello_{{Q}}", "to": "route"},
   {"from": "route", "to": "bye", "on": "default"}],
 "routingRules": [{"element": "route", "condition": {"variable": "team", "operator": "equals", "value": "{{Q}}"},
   "action": {"goto": "q_{{Q}}"}}]}"#;

/// Releases `QUEUED` beside the examples (tag `v1`, so staging), `{{Q}}` standing for `value`.
async fn release_queued(value: &str) -> (Arc<Emulator>, tempfile::TempDir, (i32, String, String)) {
    let emu = Arc::new(emulator(&[]).await);
    let dir = workspace();
    std::fs::write(dir.path().join("queued.flow.json"), QUEUED).unwrap();
    let config = format!("[environments.staging.substitutions]\n\"{{{{Q}}}}\" = \"{value}\"\n");
    std::fs::write(dir.path().join("cxone-flow.toml"), config).unwrap();
    let ran = binary_async(dir.path(), &emu, &["release", "--tag", "v1"], SECRET).await;
    (emu, dir, ran)
}

/// On a terminal the release draws a progress bar over the flows, with each step printed above it.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_a_release_draws_a_progress_bar_above_its_steps() {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    let emu = Arc::new(emulator(&[]).await);
    let dir = workspace();
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 100,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two new descriptors into the two integers, which this test then owns.
    let opened = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
    assert_eq!(opened, 0, "a pseudo-terminal for standard error");
    // SAFETY: both descriptors were just opened by openpty and are owned here only.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    // Read while the release writes, so a full terminal buffer never blocks it; the reading stops
    // when the last writer is gone (EIO on Linux).
    let reader = std::thread::spawn(move || {
        let (mut terminal, mut screen, mut chunk) = (std::fs::File::from(master), Vec::new(), [0u8; 4096]);
        while let Ok(n @ 1..) = terminal.read(&mut chunk) {
            screen.extend_from_slice(&chunk[..n]);
        }
        screen
    });
    let (path, emu2) = (dir.path().to_path_buf(), Arc::clone(&emu));
    let status = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
            .args([
                "release",
                "--tag",
                "v1",
                "--base-url",
                &emu2.base_url(),
                "--token-url",
                &emu2.token_url(),
            ])
            .args(["--client-id", "cxone-flow"])
            .env("CXONE_CLIENT_SECRET", SECRET)
            .current_dir(&path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::from(slave))
            .status()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(status.success());
    let screen = reader.join().unwrap();
    let screen = String::from_utf8_lossy(&screen);
    assert!(screen.contains("flows released or skipped"), "{screen}");
    assert!(screen.contains("acme-bank-main-ivr: published"), "{screen}");
}

/// The flows-api backend refuses what it cannot carry, before anything is sent: Studio's settings
/// (a point of contact mapping, overwriting a released name, a sandbox prefix), exit 2 naming the setting and the
/// backend.
#[tokio::test(flavor = "multi_thread")]
async fn each_setting_the_flows_api_backend_cannot_carry_is_refused_naming_it_and_the_backend() {
    let emu = Arc::new(emulator(&[]).await);
    let dir = workspace();
    for (extra, setting, reason) in [
        (
            &["--point-of-contact", "Main=4001"][..],
            "--point-of-contact",
            "no point of contact is moved",
        ),
        (
            &["--allow-live-overwrite"][..],
            "--allow-live-overwrite",
            "a version is never overwritten; --force releases content a rollback undid",
        ),
        (
            &["--sandbox-prefix", "ci_"][..],
            "--sandbox-prefix",
            "only a Studio release has",
        ),
    ] {
        let args: Vec<&'static str> = [&["release", "--tag", "v1"][..], extra].concat();
        let (code, stdout, stderr) = binary_async(dir.path(), &emu, &args, SECRET).await;
        assert_eq!(code, 2, "{stdout}{stderr}");
        assert!(
            stderr.contains(&format!("{setting} ")) && stderr.contains("cannot be used with the flows-api backend"),
            "{stderr}"
        );
        assert!(stderr.contains(reason), "{stderr}");
    }
    assert_eq!(emu.state.lock().versions.len(), 0, "nothing was sent");
    assert!(
        !dir.path().join("cxone-flow-audit.jsonl").exists(),
        "nothing was audited"
    );
}

/// A third backend, as a contributor would add one: a target (this module's `Skeleton`, a few
/// dozen lines) is all the driver needs; it reads its own connection setting by key from
/// `Settings::backend_values` as Studio reads its own, with no field of `Settings`, and another
/// backend's own release option is refused under it with no line of its own. The rest of the
/// count (8 source files in all, its settings' rows included) is in ARCHITECTURE.md.
mod skeleton {
    use cxone_flow::check::CheckReport;
    use cxone_flow::exit::Ending;
    use cxone_flow::release::driver::{DriverError, Release, asked, prepare, release, roll_back};
    use cxone_flow::release::gate::Blocked;
    use cxone_flow::release::target::{
        ItemResult, ReleaseTarget, RollbackFailure, RolledBackTo, Run, Setting, Status, Stopped,
    };
    use cxone_flow::settings::resolve::{Source, Values};
    use cxone_flow::settings::{Backend, Settings};

    /// A backend that "releases" every file of the report, or stops at its token step.
    struct Skeleton {
        token_refused: bool,
    }

    /// The skeleton's own setting, read by key as a backend reads its rows (those the table marks
    /// `.of(Backend::…)`) in its own module. A test cannot add a row to the table, so it borrows
    /// Studio's `cxone-api-base` (its row: `Url`, marked `.of(Backend::Studio)`); a backend of its
    /// own would read its own backend's values the same way.
    fn api_base(settings: &Settings) -> Result<Option<String>, String> {
        let own = settings.backend_values.of(Backend::Studio);
        own.url("cxone-api-base").map_err(|e| e.to_string())
    }

    impl ReleaseTarget for Skeleton {
        type Item = String;

        /// A test cannot add its variant to `Backend` (a third backend's `backend()` is its own,
        /// and its name that variant's word); the skeleton stands for a backend other than Studio
        /// with flows-api's, and names itself.
        fn backend(&self) -> Backend {
            Backend::FlowsApi
        }

        fn name(&self) -> &'static str {
            "skeleton"
        }

        fn nouns(&self) -> (&'static str, &'static str) {
            ("file", "files")
        }

        fn cannot_carry(&self, setting: Setting) -> Option<&'static str> {
            (setting == Setting::SmokeTest).then_some("it cannot simulate")
        }

        fn ready(&self, settings: &Settings) -> Result<(), String> {
            api_base(settings)?
                .map(drop)
                .ok_or("set `cxone-api-base`, where the skeleton's API is".into())
        }

        fn select(&self, report: &CheckReport, _: cxone_flow::registry::Severity) -> Result<Vec<String>, Blocked> {
            Ok(report
                .units
                .iter()
                .flat_map(|u| u.files())
                .map(|f| f.source.display_path())
                .collect())
        }

        fn apply(&self, items: Vec<String>, run: &Run) -> Result<Vec<ItemResult>, Stopped> {
            if self.token_refused {
                return Err(Stopped {
                    step: "token",
                    reason: "HTTP 401".into(),
                });
            }
            let status = if run.settings.release.dry_run {
                Status::WouldRelease
            } else {
                Status::Released
            };
            Ok(items
                .iter()
                .map(|path| ItemResult::new(path, path, status, "released", "sent".into()))
                .collect())
        }

        fn roll_back(&self, _: &str, _: Option<&str>, _: &Run) -> Result<RolledBackTo, RollbackFailure> {
            Err(RollbackFailure::Failed("nothing to roll back to".into()))
        }
    }

    /// The settings of a run whose workflow sets the skeleton's `cxone-api-base` to `api_base`.
    fn resolved(api_base: &str) -> Result<Settings, String> {
        let mut values = Values::default();
        values.give("cxone-api-base", vec![api_base.into()], Source::Input);
        Settings::resolve(&values).map_err(|e| e.to_string())
    }

    fn settings(dir: &std::path::Path) -> Settings {
        let mut settings = resolved("https://api.skeleton.example").unwrap();
        settings.connection.audit_log = dir.join("audit.jsonl");
        settings.connection.run.commit = Some("abc".into());
        settings.connection.run.repository = Some("acme/ivr".into());
        settings.release.tag = "v1".into();
        settings
    }

    fn report() -> CheckReport {
        let units = cxone_flow::discover::discover_in(
            &[std::path::PathBuf::from("examples/flows/main-ivr.flow.json")],
            &Default::default(),
        )
        .into_result()
        .unwrap();
        cxone_flow::check::check(&units, &cxone_flow::check::Settings::default())
    }

    #[test]
    fn a_third_backend_is_a_target_and_the_driver_does_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = settings(dir.path());
        let skeleton = Skeleton { token_refused: false };
        // What it cannot carry is refused, naming the setting and the backend.
        settings.release.smoke_test = true;
        let refused = prepare(&skeleton, &settings, &asked(&settings, &[])).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "--smoke-test (input `smoke-test`) cannot be used with the skeleton backend: it cannot simulate"
        );
        settings.release.smoke_test = false;
        prepare(&skeleton, &settings, &asked(&settings, &[])).unwrap();
        let Release::Ran(released) = release(&skeleton, &report(), &settings).unwrap() else {
            panic!("blocked")
        };
        assert_eq!(released.ending(), Ending::Clean);
        assert_eq!(released.environment.as_ref().map(|(e, _)| e.as_str()), Some("staging"));
        let text = cxone_flow::report::release::render_release(&released);
        assert!(text.starts_with("release v1 to staging ("), "{text}");
        assert!(
            text.contains("examples/flows/main-ivr.flow.json  released: sent"),
            "{text}"
        );
        // A run that stops is audited as `run_failed` and could not run (exit 2).
        let stopped = release(&Skeleton { token_refused: true }, &report(), &settings).unwrap_err();
        assert_eq!(stopped, DriverError::CannotRun("release v1: HTTP 401".into()));
        let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
        let last: serde_json::Value = serde_json::from_str(audit.lines().last().unwrap()).unwrap();
        assert_eq!(
            (last["event"].as_str(), last["step"].as_str()),
            (Some("run_failed"), Some("token"))
        );
        // A rollback that ran and failed is exit 1.
        let failed = roll_back(&skeleton, "x", None, &settings).unwrap_err();
        assert_eq!(failed.ending(), Ending::RollbackFailed);
    }

    #[test]
    fn another_backend_s_own_release_option_is_refused_with_no_line_of_the_skeleton_s() {
        let mut values = Values::default();
        values.give(
            "cxone-api-base",
            vec!["https://api.skeleton.example".into()],
            Source::Input,
        );
        values.give("sandbox-prefix", vec!["ci_".into()], Source::Flag("sandbox-prefix"));
        let settings = Settings::resolve(&values).unwrap();
        // Studio's `sandbox-prefix` row is marked `.of(Backend::Studio).refused_elsewhere(..)`:
        // the skeleton's `cannot_carry` says nothing of it, and the driver refuses it anyway.
        let refused = prepare(&Skeleton { token_refused: false }, &settings, &asked(&settings, &[])).unwrap_err();
        assert_eq!(refused.ending(), Ending::BadSetting);
        assert_eq!(
            refused.to_string(),
            "--sandbox-prefix (input `sandbox-prefix`) cannot be used with the skeleton backend: it names the sandboxes of Studio's remote syntax check, which only a Studio release has"
        );
    }

    #[test]
    fn studio_s_points_of_contact_and_live_overwrite_are_refused_by_their_value_with_no_line_of_the_skeleton_s() {
        let refusal = |given: &[(&'static str, &str)]| {
            let mut values = Values::default();
            values.give(
                "cxone-api-base",
                vec!["https://api.skeleton.example".into()],
                Source::Input,
            );
            for (key, value) in given {
                values.give(key, vec![value.to_string()], Source::Input);
            }
            let settings = Settings::resolve(&values).unwrap();
            prepare(&Skeleton { token_refused: false }, &settings, &asked(&settings, &[]))
                .err()
                .map(|refused| (refused.ending(), refused.to_string()))
        };
        assert_eq!(
            refusal(&[("points-of-contact", "Acme_Main_IVR=4001")]),
            Some((
                Ending::BadSetting,
                "--point-of-contact (input `points-of-contact`) cannot be used with the skeleton backend: only a Studio release saves scripts that points of contact run; no point of contact is moved".into()
            ))
        );
        assert_eq!(
            refusal(&[("allow-live-overwrite", "true")]),
            Some((
                Ending::BadSetting,
                "--allow-live-overwrite (input `allow-live-overwrite`) cannot be used with the skeleton backend: only a Studio release saves over a script's `NAME__TAG`".into()
            ))
        );
        // Set to a value that asks for nothing (a switch off, no mapping), they are not refused.
        assert_eq!(
            refusal(&[("allow-live-overwrite", "false"), ("points-of-contact", " \n ")]),
            None
        );
    }

    #[test]
    fn the_skeleton_reads_its_own_setting_by_key_and_a_bad_one_never_reaches_it() {
        let dir = tempfile::tempdir().unwrap();
        let skeleton = Skeleton { token_refused: false };
        let settings = settings(dir.path());
        assert_eq!(
            api_base(&settings).unwrap().as_deref(),
            Some("https://api.skeleton.example")
        );
        prepare(&skeleton, &settings, &[]).unwrap();
        // Unset, the target is not ready: the run could not run (exit 2) before anything is sent.
        let unset = Settings {
            connection: settings.connection.clone(),
            ..Settings::default()
        };
        let not_ready = prepare(&skeleton, &unset, &[]).unwrap_err();
        assert_eq!(not_ready.ending(), Ending::CxoneRefused);
        assert_eq!(
            not_ready.to_string(),
            "set `cxone-api-base`, where the skeleton's API is"
        );
        // A value its row's parser refuses stops the settings' resolution, named as it was set
        // (exit 2 in both adapters), before any target is made.
        assert_eq!(
            resolved("ftp://api.skeleton.example").unwrap_err(),
            "input `cxone-api-base`: `ftp://api.skeleton.example` is not an http(s) URL"
        );
    }
}
