//! Releases converge, end to end with real `cxone-flow` processes against the spawned emulator:
//! racing runners on one tag, re-runs of older tags, publishes and registrations whose answers are
//! lost, smoke-test rollbacks and their re-runs, one flowId per file, the environment from the tag,
//! paged listings, and random interleavings of kills, re-runs and races.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cxone_emulator::{Config, Emulator, FaultRule, Latency, spawn};
use cxone_flow::release::payload::content_hash;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::Value;

use crate::action::{tiny_flow, write};

const SECRET: &str = "converge-test-secret-4d2e";
const QA: &str = "https://qa.example.com/cxone-hook";

async fn emulator(config: Config) -> Emulator {
    spawn(Config {
        client_secret: SECRET.into(),
        ..config
    })
    .await
    .unwrap()
}

/// Starts `cxone-flow release --tag TAG .` (plus `extra`) in `dir` against the emulator.
fn start(dir: &Path, emu: &Emulator, tag: &str, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
        .args(["release", "--tag", tag, "--client-id", "cxone-flow"])
        .args(["--base-url", &emu.base_url(), "--token-url", &emu.token_url()])
        .args(extra)
        .arg(".")
        .env("CXONE_CLIENT_SECRET", SECRET)
        .env_remove("GITHUB_ACTIONS")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits (at most 60 s) for a run: its exit code and its stdout and stderr.
fn finish(child: Child) -> (i32, String) {
    let started = Instant::now();
    let mut child = child;
    while child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(60), "a release hangs");
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

async fn release(dir: &Path, emu: &Emulator, tag: &str, extra: &[&str]) -> (i32, String) {
    let child = start(dir, emu, tag, extra);
    tokio::task::spawn_blocking(move || finish(child)).await.unwrap()
}

/// `(id, status, versionTag, environment, rollbackReference)` of a flow's versions, in order.
fn versions(emu: &Emulator, flow: &str) -> Vec<(String, String, String, String, Option<String>)> {
    let inner = emu.state.lock();
    inner
        .versions
        .get(flow)
        .map(|list| {
            list.iter()
                .map(|s| {
                    let p = &s.version.payload;
                    (
                        p.id.clone(),
                        s.version.status.to_string(),
                        p.metadata.version_tag.clone(),
                        p.version_tags.environment.clone(),
                        p.version_tags.rollback_reference.clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The content hash of the flow's ACTIVE versions (there must be exactly one).
fn active_hash(emu: &Emulator, flow: &str) -> String {
    let inner = emu.state.lock();
    let active: Vec<String> = inner.versions[flow]
        .iter()
        .filter(|s| s.version.status.to_string() == "ACTIVE")
        .map(|s| s.version.payload.metadata.content_hash.clone().unwrap_or_default())
        .collect();
    assert_eq!(active.len(), 1, "exactly one ACTIVE version of {flow}");
    active[0].clone()
}

fn webhooks(emu: &Emulator) -> usize {
    emu.state.lock().webhooks.len()
}

/// API calls that change something (token requests aside).
fn posts(emu: &Emulator) -> usize {
    emu.state
        .lock()
        .log
        .iter()
        .filter(|e| e.method == "POST" && !e.path.ends_with("/oauth/token"))
        .count()
}

/// Writes a tiny flow `id` named `words` (same behaviour, other content).
fn flow(dir: &Path, id: &str, words: &str) -> String {
    let (text, tests) = tiny_flow(id);
    let text = text.replacen(
        &format!(r#""flowId": "{id}","#),
        &format!(r#""flowId": "{id}", "name": "{words}","#),
        1,
    );
    write(dir, &format!("{id}.flow.json"), &text);
    write(dir, &format!("{id}.tests.json"), &tests);
    content_hash(text.as_bytes())
}

fn audit(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("cxone-flow-audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("audit line `{l}`: {e}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runners_on_one_tag_end_with_each_flow_active_once_and_one_webhook() {
    for round in 0..4 {
        let emu = emulator(Config {
            latency: Latency {
                fixed_ms: 2,
                jitter_ms: 6,
            },
            seed: round,
            ..Config::default()
        })
        .await;
        let dir = tempfile::tempdir().unwrap();
        let hashes: Vec<(String, String)> = ["alpha", "beta", "gamma"]
            .iter()
            .map(|id| (id.to_string(), flow(dir.path(), id, "Goodbye.")))
            .collect();
        let extra = ["--qa-webhook-url", QA];
        let (a, b) = (
            start(dir.path(), &emu, "v1.0.0", &extra),
            start(dir.path(), &emu, "v1.0.0", &extra),
        );
        let ((code_a, out_a), (code_b, out_b)) = tokio::task::spawn_blocking(move || (finish(a), finish(b)))
            .await
            .unwrap();
        assert_eq!((code_a, code_b), (0, 0), "round {round}:\n{out_a}\n---\n{out_b}");
        for (id, hash) in &hashes {
            assert_eq!(&active_hash(&emu, id), hash);
            assert_eq!(versions(&emu, id).len(), 1, "round {round}: {:?}", versions(&emu, id));
            // One run says it published the flow; the other that it was done.
            let line = |out: &str| {
                out.lines()
                    .find(|l| l.contains(&format!("{id}.flow.json  {id}  ")))
                    .unwrap_or_default()
                    .to_string()
            };
            let (a, b) = (line(&out_a), line(&out_b));
            let ours = |l: &str| l.contains("  published:") || l.contains("  resumed and published:");
            let done = |l: &str| l.contains("published by another run") || l.contains("already active");
            assert!(
                (ours(&a) && done(&b)) || (done(&a) && ours(&b)),
                "round {round}:\n{a}\n{b}"
            );
        }
        assert_eq!(webhooks(&emu), 1, "round {round}");
        let published = emu
            .state
            .lock()
            .log
            .iter()
            .filter(|e| e.path.ends_with("/publish") && e.status == Some(200))
            .count();
        assert_eq!(published, 3, "each content was published exactly once");
        audit(dir.path());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn re_running_an_older_tag_makes_it_live_again_once() {
    let emu = emulator(Config::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let v1 = flow(dir.path(), "main", "Goodbye.");
    assert_eq!(release(dir.path(), &emu, "v1.0.0", &[]).await.0, 0);
    let v11 = flow(dir.path(), "main", "Bye now.");
    assert_eq!(release(dir.path(), &emu, "v1.1.0", &[]).await.0, 0);
    let replaced = versions(&emu, "main")[1].0.clone();
    flow(dir.path(), "main", "Goodbye.");
    let (code, out) = release(dir.path(), &emu, "v1.0.0", &[]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("main  published"), "{out}");
    assert_eq!(active_hash(&emu, "main"), v1);
    let listed = versions(&emu, "main");
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert_eq!(
        listed[2].4.as_deref(),
        Some(replaced.as_str()),
        "it names the version it replaces"
    );
    assert_eq!(listed[2].2, "v1.0.0");
    // A further re-run changes nothing.
    let before = posts(&emu);
    let (code, out) = release(dir.path(), &emu, "v1.0.0", &[]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("already active"), "{out}");
    assert_eq!(posts(&emu), before);
    assert_ne!(v1, v11);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishes_and_registrations_whose_answers_are_lost_are_read_back() {
    // The publish takes effect, then the connection drops.
    let emu = emulator(Config {
        faults: vec![FaultRule::parse("act-then-drop:next=1:path=/publish").unwrap()],
        ..Config::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let hash = flow(dir.path(), "main", "Goodbye.");
    let (code, out) = release(dir.path(), &emu, "v1", &["--smoke-test"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("main  published"), "{out}");
    assert_eq!(active_hash(&emu, "main"), hash);
    let events = audit(dir.path());
    let published: Vec<&Value> = events.iter().filter(|e| e["event"] == "version_published").collect();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0]["confirmedByReadingBack"], true);
    assert!(
        events.iter().any(|e| e["event"] == "smoke_test_passed"),
        "the smoke test runs after a confirmed publish"
    );

    // The registration takes effect, then the connection drops.
    let emu = emulator(Config {
        faults: vec![FaultRule::parse("act-then-drop:next=1:path=/versions:method=POST").unwrap()],
        ..Config::default()
    })
    .await;
    let (code, out) = release(dir.path(), &emu, "v1", &[]).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(versions(&emu, "main").len(), 1, "registered once");
    assert_eq!(active_hash(&emu, "main"), hash);

    // A publish that answers after the client gave up: still PENDING? no, ACTIVE: published.
    let emu = emulator(Config {
        faults: vec![FaultRule::parse("act-then-drop:next=1:path=/publish").unwrap()],
        registration_delay: Duration::from_millis(50),
        ..Config::default()
    })
    .await;
    let (code, out) = release(dir.path(), &emu, "v1", &[]).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(active_hash(&emu, "main"), hash);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_tag_stays_rolled_back_unless_forced_and_rollbacks_say_what_they_restored() {
    let emu = emulator(Config::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let good = flow(dir.path(), "main", "Goodbye.");
    assert_eq!(release(dir.path(), &emu, "v1.0.0-prod", &[]).await.0, 0);
    let bad = flow(dir.path(), "main", "Bye now.");
    // The two simulations before the publish pass; the smoke test's fail.
    emu.state.lock().faults.rules = vec![FaultRule::parse("500:after=1:path=/simulations").unwrap()];
    let (code, out) = release(dir.path(), &emu, "v1.1.0", &["--smoke-test", "--max-retries", "0"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("rolled back"), "{out}");
    emu.state.lock().faults.rules.clear();
    assert_eq!(active_hash(&emu, "main"), good);
    // The restored version carries the restored content's own tag and environment.
    let listed = versions(&emu, "main");
    let restored = listed.last().unwrap();
    assert_eq!(
        (restored.2.as_str(), restored.3.as_str()),
        ("v1.0.0-prod", "production"),
        "{listed:?}"
    );

    // A re-run of the rolled-back tag says so and sends nothing.
    let before = posts(&emu);
    let (code, out) = release(dir.path(), &emu, "v1.1.0", &[]).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("main  was rolled back"), "{out}");
    assert!(out.contains("use --force"), "{out}");
    assert_eq!(posts(&emu), before);

    // Unless forced.
    let (code, out) = release(dir.path(), &emu, "v1.1.0", &["--force"]).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(active_hash(&emu, "main"), bad);

    // A manual rollback to the content already active changes nothing and says so.
    let active_id = versions(&emu, "main").last().unwrap().0.clone();
    let child = Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
        .args([
            "rollback",
            "--flow-id",
            "main",
            "--to",
            &active_id,
            "--client-id",
            "cxone-flow",
        ])
        .args(["--base-url", &emu.base_url(), "--token-url", &emu.token_url()])
        .env("CXONE_CLIENT_SECRET", SECRET)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let before = posts(&emu);
    let (code, out) = tokio::task::spawn_blocking(move || finish(child)).await.unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("is already active") && out.contains("nothing changed"),
        "{out}"
    );
    assert_eq!(posts(&emu), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_files_with_one_flow_id_are_refused_before_anything_is_sent() {
    let emu = emulator(Config::default()).await;
    let dir = tempfile::tempdir().unwrap();
    flow(dir.path(), "main", "Goodbye.");
    let copy = std::fs::read_to_string(dir.path().join("main.flow.json")).unwrap();
    write(dir.path(), "main-copy.flow.json", &copy);
    let (code, out) = release(dir.path(), &emu, "v1", &[]).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("main-copy.flow.json:1:12: error[CXF033] duplicate-flow-id: flowId `main` is also the flowId of `main.flow.json`"),
        "{out}"
    );
    assert!(out.contains("nothing was sent to CXone"));
    assert!(emu.state.lock().log.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environment_comes_from_a_documented_tag_pattern_and_says_why() {
    let emu = emulator(Config::default()).await;
    let dir = tempfile::tempdir().unwrap();
    flow(dir.path(), "main", "Goodbye.");
    for (tag, extra, expected) in [
        (
            "v1-nonprod",
            &[][..],
            "to staging (tag `v1-nonprod` matches no production pattern (*-prod, prod-*)",
        ),
        (
            "preprod-7",
            &[][..],
            "to staging (tag `preprod-7` matches no production pattern",
        ),
        (
            "products-v2",
            &[][..],
            "to staging (tag `products-v2` matches no production pattern",
        ),
        ("v1.2-prod", &[][..], "to production (tag `v1.2-prod` matches `*-prod`"),
        (
            "release-9",
            &["--production-tags", "release-*"][..],
            "to production (tag `release-9` matches `release-*`",
        ),
        (
            "v3",
            &["--environment", "production"][..],
            "to production (`production` was asked for",
        ),
    ] {
        let mut args = vec!["--dry-run"];
        args.extend_from_slice(extra);
        let (code, out) = release(dir.path(), &emu, tag, &args).await;
        assert_eq!(code, 0, "{out}");
        assert!(out.contains(&format!("dry run: release {tag} {expected}")), "{out}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_that_page_are_read_whole() {
    let emu = emulator(Config {
        page_size: 2,
        ..Config::default()
    })
    .await;
    // Other webhooks fill the first pages; ours is found on the last.
    for i in 0..3 {
        emu.state.lock().webhooks.push(cxone_flow::cxone::types::Webhook {
            id: format!("other-{i}"),
            name: format!("other {i}"),
            event: cxone_flow::cxone::types::FLOW_VERSION_PUBLISHED.into(),
            url: format!("https://other.example.com/{i}"),
            active: true,
        });
    }
    let dir = tempfile::tempdir().unwrap();
    // Five releases: the ACTIVE version is the fifth, on the third page.
    for (i, words) in ["One.", "Two.", "Three.", "Four.", "Five."].iter().enumerate() {
        flow(dir.path(), "main", words);
        let (code, out) = release(dir.path(), &emu, &format!("v{i}"), &["--qa-webhook-url", QA]).await;
        assert_eq!(code, 0, "{out}");
    }
    assert_eq!(
        webhooks(&emu),
        4,
        "ours was created once, found on the second page after that"
    );
    let before = posts(&emu);
    let (code, out) = release(dir.path(), &emu, "v4", &["--qa-webhook-url", QA]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("already active"), "{out}");
    assert_eq!(posts(&emu), before);
    assert_eq!(versions(&emu, "main").len(), 5);
    let pages = emu
        .state
        .lock()
        .log
        .iter()
        .filter(|e| e.method == "GET" && e.path.ends_with("/flows/main/versions"))
        .count();
    assert!(pages >= 3, "the versions were read in pages ({pages} requests)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_kills_reruns_and_races_converge_after_a_clean_run() {
    for seed in [1u64, 2, 3] {
        let mut rng = StdRng::seed_from_u64(seed);
        let emu = emulator(Config {
            latency: Latency {
                fixed_ms: 2,
                jitter_ms: 4,
            },
            registration_delay: Duration::from_millis(15),
            seed,
            ..Config::default()
        })
        .await;
        let dir = tempfile::tempdir().unwrap();
        let flows = ["alpha", "beta", "gamma"];
        let tags = [("v1", "Goodbye."), ("v2", "Bye now.")];
        let extra = ["--qa-webhook-url", QA];
        let mut last = tags[0];
        for _ in 0..10 {
            let tag = tags[rng.random_range(0..tags.len())];
            for id in flows {
                flow(dir.path(), id, tag.1);
            }
            last = tag;
            match rng.random_range(0..3) {
                0 => {
                    release(dir.path(), &emu, tag.0, &extra).await;
                }
                1 => {
                    let (a, b) = (
                        start(dir.path(), &emu, tag.0, &extra),
                        start(dir.path(), &emu, tag.0, &extra),
                    );
                    tokio::task::spawn_blocking(move || (finish(a), finish(b)))
                        .await
                        .unwrap();
                }
                _ => {
                    let mut child = start(dir.path(), &emu, tag.0, &extra);
                    let after = Duration::from_millis(rng.random_range(5..120));
                    tokio::time::sleep(after).await;
                    let _ = child.kill();
                    let _ = child.wait();
                }
            }
        }
        let (code, out) = release(dir.path(), &emu, last.0, &extra).await;
        assert_eq!(code, 0, "seed {seed}: the clean run fails:\n{out}");
        for id in flows {
            let expected = flow(dir.path(), id, last.1);
            assert_eq!(
                active_hash(&emu, id),
                expected,
                "seed {seed}: {id} runs the last tag's content"
            );
            let pending = versions(&emu, id).iter().filter(|v| v.1 == "PENDING").count();
            assert!(pending <= 1, "seed {seed}: {id} has {pending} PENDING versions");
        }
        assert_eq!(webhooks(&emu), 1, "seed {seed}");
        audit(dir.path());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn release_takes_every_option_check_takes() {
    let emu = emulator(Config::default()).await;
    let dir = tempfile::tempdir().unwrap();
    flow(dir.path(), "main", "Goodbye.");
    let path = dir.path().join("main.flow.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(r#""type": "hangup"}"#, r#""type": "hangup", "meta": 1}"#);
    std::fs::write(&path, text).unwrap();
    // An unknown field is a warning: released by default, blocked when the user says so.
    for blocked in [&["--severity", "CXF007=error"][..], &["--fail-on", "warning"][..]] {
        let (code, out) = release(dir.path(), &emu, "v1", blocked).await;
        assert_eq!(code, 1, "{blocked:?}: {out}");
        assert!(out.contains("nothing was sent to CXone"), "{out}");
    }
    assert!(emu.state.lock().log.is_empty());
    let (code, out) = release(
        dir.path(),
        &emu,
        "v1",
        &["--severity", "unknown-field=off", "--max-menu-depth", "9"],
    )
    .await;
    assert_eq!(code, 0, "{out}");
}
