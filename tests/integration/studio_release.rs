//! Releasing Studio scripts to the emulated tenant from the command line: save under the tag's
//! name and cut over, a re-run that changes nothing, a rollback by repoint, a refused overwrite of
//! a released name, CXone's syntax check as located findings, pull and drift, and no secret
//! anywhere (a hostile tenant's answers: `studio_tenant.rs`).

use std::path::Path;
use std::process::Command;

use cxone_emulator::studio::StudioConfig as EmulatorStudio;
use serde_json::{Value, json};

use crate::studio_api::{access_key, client, example_script, point, studio_emulator};

const KEY_SECRET: &str = "emulator-access-secret";

/// A repository holding the example script (and its tests) under `ivr/`.
pub(crate) fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("ivr")).unwrap();
    for name in [
        "acme_main_ivr.json",
        "acme_main_ivr.tests.json",
        "acme_caller_tier.json",
        "acme_caller_tier.tests.json",
    ] {
        std::fs::copy(
            crate::root().join("examples/studio").join(name),
            dir.path().join("ivr").join(name),
        )
        .unwrap();
    }
    dir
}

pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary in `dir` against the emulator, the access key in the environment.
pub(crate) fn cxone_flow(dir: &Path, emulator: &cxone_emulator::Emulator, args: &[&str]) -> Run {
    let origin = emulator.origin();
    let output = Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
        .args(args)
        .args([
            "--cxone-issuer",
            &origin,
            "--cxone-access-key-url",
            &format!("{origin}/authentication/v1/token/access-key"),
            "--cxone-cluster-api",
            "http://127.0.0.1:{cluster}",
        ])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CXONE_ACCESS_KEY_ID", "emulator-access-key")
        .env("CXONE_ACCESS_KEY_SECRET", KEY_SECRET)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub(crate) fn audit(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("cxone-flow-audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `rollback --backend studio` of the example script's main line, with `extra`.
pub(crate) fn rollback(dir: &Path, emulator: &cxone_emulator::Emulator, extra: &[&str]) -> Run {
    let args = [
        &[
            "rollback",
            "--backend",
            "studio",
            "--script",
            "Acme_Main_IVR",
            "--point-of-contact",
            "Acme_Main_IVR=4001",
        ][..],
        extra,
    ]
    .concat();
    cxone_flow(dir, emulator, &args)
}

pub(crate) fn release(dir: &Path, emulator: &cxone_emulator::Emulator, tag: &str, extra: &[&str]) -> Run {
    let args = [
        &[
            "release",
            "--backend",
            "studio",
            "--tag",
            tag,
            "--point-of-contact",
            "Acme_Main_IVR=4001",
        ][..],
        extra,
        &["ivr"],
    ]
    .concat();
    cxone_flow(dir, emulator, &args)
}

/// An emulated tenant whose main line (contactCode 4001) runs `Old_IVR` today.
pub(crate) async fn tenant(skills: &[&str]) -> cxone_emulator::Emulator {
    tenant_with(&["4001=Old_IVR:Main line:11"], skills).await
}

/// An emulated tenant with these points of contact (`CODE=SCRIPT:DESCRIPTION:SKILL_ID`) and skills,
/// and the script `Old_IVR`.
pub(crate) async fn tenant_with(points: &[&str], skills: &[&str]) -> cxone_emulator::Emulator {
    let emulator = studio_emulator(EmulatorStudio {
        points_of_contact: points.iter().map(|p| point(p)).collect(),
        skills: skills.iter().map(|s| s.to_string()).collect(),
        ..EmulatorStudio::default()
    })
    .await;
    let mut old = example_script("Old_IVR");
    old["properties"]["9"]["0"]["value"] = json!("Claims");
    client(&emulator, access_key()).save(&old).await.unwrap();
    emulator
}

/// Runs `f` on the repository's folder and the emulator off the async runtime, which serves the
/// emulator meanwhile.
pub(crate) async fn off_runtime<T: Send + 'static>(
    emulator: &std::sync::Arc<cxone_emulator::Emulator>,
    repo: &std::sync::Arc<tempfile::TempDir>,
    f: impl FnOnce(&Path, &cxone_emulator::Emulator) -> T + Send + 'static,
) -> T {
    let (emulator, repo) = (emulator.clone(), repo.clone());
    tokio::task::spawn_blocking(move || f(repo.path(), &emulator))
        .await
        .unwrap()
}

/// Asserts that a run's output says `wanted`, showing the output when it does not.
#[track_caller]
pub(crate) fn says(output: &str, wanted: &str) {
    assert!(output.contains(wanted), "wanted `{wanted}` in:\n{output}");
}

/// The drift warning of an Action run, if it has one.
fn drift_warning(run: &crate::action::ActionRun) -> Option<&crate::action::WorkflowCommand> {
    run.commands
        .iter()
        .find(|c| c.name == "warning" && c.properties.get("title").is_some_and(|t| t == "CXF044 live-drift"))
}

/// The example script with another greeting: other content, for another tag.
pub(crate) fn edit_greeting(dir: &Path, greeting: &str) {
    let path = dir.join("ivr/acme_main_ivr.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace("Thank you for calling Acme Insurance.", greeting);
    assert_ne!(edited, text);
    std::fs::write(&path, edited).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_release_saves_once_cuts_over_and_a_rollback_repoints_back() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    let first = off_runtime(&emulator, &repo, move |d, e| release(d, e, "v1", &[])).await;
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    says(
        &first.stdout,
        "  ivr/acme_main_ivr.json  Acme_Main_IVR  released: saved as `Acme_Main_IVR__v1`",
    );
    says(
        &first.stdout,
        "point of contact 4001: moved from `Old_IVR` to `Acme_Main_IVR__v1` (read back)",
    );
    let studio = client(&emulator, access_key());
    let main_line = studio.point_of_contact(4001).await.unwrap();
    assert_eq!(main_line.script_name, "Acme_Main_IVR__v1");
    assert_eq!(
        (
            main_line.contact_description.as_deref(),
            main_line.default_skill_id.clone()
        ),
        (Some("Main line"), Some(json!(11))),
        "the PUT sent the point of contact back whole"
    );
    let lines = audit(repo.path());
    let moves: Vec<(&str, &str)> = lines
        .iter()
        .filter(|e| e["pointOfContact"] == "4001")
        .map(|e| (e["event"].as_str().unwrap(), e["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        moves,
        [
            ("point_of_contact_repointing", "Acme_Main_IVR__v1"),
            ("point_of_contact_repointed", "Acme_Main_IVR__v1")
        ],
        "a line before the PUT and one after its read-back"
    );

    // The same tag again: the read-back carries a masterId and lacks the layout, and still
    // nothing is saved, nothing moved.
    let read_back = studio.get("Acme_Main_IVR__v1").await.unwrap().unwrap();
    assert!(read_back["header"]["masterId"].is_number() && read_back["actions"]["1"].get("xws").is_none());
    let again = off_runtime(&emulator, &repo, move |d, e| release(d, e, "v1", &[])).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    says(
        &again.stdout,
        "unchanged: `Acme_Main_IVR__v1` already holds this content",
    );
    assert!(
        again
            .stdout
            .contains("point of contact 4001: already runs `Acme_Main_IVR__v1`")
    );
    let history = studio.history("Acme_Main_IVR__v1").await.unwrap();
    assert_eq!(
        history["versions"].as_array().unwrap().len(),
        1,
        "saved once: {history}"
    );

    // A rollback of the first release would go to Old_IVR, which is no version of the script.
    let refused = off_runtime(&emulator, &repo, move |d, e| rollback(d, e, &[])).await;
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    says(&refused.stderr, "`Old_IVR` is not a version of `Acme_Main_IVR`");

    // A second tag, then a rollback to the first.
    edit_greeting(repo.path(), "Welcome to Acme.");
    assert_eq!(
        off_runtime(&emulator, &repo, move |d, e| release(d, e, "v2", &[]))
            .await
            .code,
        0
    );
    let back = off_runtime(&emulator, &repo, move |d, e| rollback(d, e, &[])).await;
    assert_eq!(back.code, 0, "{}{}", back.stdout, back.stderr);
    says(
        &back.stdout,
        "point of contact 4001 moved back from `Acme_Main_IVR__v2` to `Acme_Main_IVR__v1`",
    );
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Acme_Main_IVR__v1"
    );
    // Forward again to a named tag.
    let to_tag = off_runtime(&emulator, &repo, move |d, e| rollback(d, e, &["--to", "v2"])).await;
    assert_eq!(to_tag.code, 0, "{}", to_tag.stderr);
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Acme_Main_IVR__v2"
    );

    // No secret in any output or in the audit log.
    let audit_text = std::fs::read_to_string(repo.path().join("cxone-flow-audit.jsonl")).unwrap();
    for text in [&first.stdout, &first.stderr, &again.stdout, &back.stdout, &audit_text] {
        assert!(!text.contains(KEY_SECRET), "{text}");
        assert!(
            !text.contains("emulator\"") && !text.contains(".emulator"),
            "no token: {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_released_name_is_never_overwritten_with_other_content_unless_forced_and_a_dry_run_claims_nothing() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    assert_eq!(
        off_runtime(&emulator, &repo, move |d, e| release(d, e, "v1", &[]))
            .await
            .code,
        0
    );
    edit_greeting(repo.path(), "Welcome to Acme.");
    assert_eq!(
        off_runtime(&emulator, &repo, move |d, e| release(d, e, "v2", &[]))
            .await
            .code,
        0
    );
    // v1 runs nowhere now; releasing v1 again with v2's content would still make a rollback to v1
    // restore the wrong content.
    let refused = off_runtime(&emulator, &repo, move |d, e| release(d, e, "v1", &[])).await;
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    says(
        &refused.stdout,
        "  ivr/acme_main_ivr.json  Acme_Main_IVR  refused: `Acme_Main_IVR__v1` already holds other content than this file",
    );
    let studio = client(&emulator, access_key());
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Acme_Main_IVR__v2"
    );

    let dry = off_runtime(&emulator, &repo, move |d, e| release(d, e, "v3", &["--dry-run"])).await;
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    says(&dry.stdout, "would save as `Acme_Main_IVR__v3`");
    says(
        &dry.stdout,
        "would move from `Acme_Main_IVR__v2` to `Acme_Main_IVR__v3`",
    );
    assert!(
        !dry.stderr.contains("now runs"),
        "a dry run claims no repoint: {}",
        dry.stderr
    );
    says(
        &dry.stderr,
        "dry run: point of contact 4001 would move from Acme_Main_IVR__v2 to Acme_Main_IVR__v3",
    );
    assert_eq!(
        studio.get("Acme_Main_IVR__v3").await.unwrap(),
        None,
        "a dry run saves nothing"
    );
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Acme_Main_IVR__v2"
    );

    let forced = off_runtime(&emulator, &repo, move |d, e| release(d, e, "v1", &["--force"])).await;
    assert_eq!(forced.code, 0, "{}", forced.stdout);
    let v1 = studio.get("Acme_Main_IVR__v1").await.unwrap().unwrap();
    assert!(v1.to_string().contains("Welcome to Acme."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cxone_s_syntax_check_blocks_the_release_and_lands_on_the_action_s_line() {
    let emulator = std::sync::Arc::new(tenant(&["Claims"]).await);
    let repo = std::sync::Arc::new(repository());
    let rejected = off_runtime(&emulator, &repo, move |d, e| release(d, e, "v1", &[])).await;
    assert_eq!(rejected.code, 1, "{}", rejected.stdout);
    says(
        &rejected.stdout,
        "REJECTED by CXone's syntax check, nothing saved: action 9 skill-not-found",
    );
    let studio = client(&emulator, access_key());
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Old_IVR",
        "nothing moved"
    );

    let validated = off_runtime(&emulator, &repo, move |d, e| {
        cxone_flow(d, e, &["validate", "--remote", "--sarif", "out.sarif", "ivr"])
    })
    .await;
    assert_eq!(validated.code, 1, "{}{}", validated.stdout, validated.stderr);
    let text = std::fs::read_to_string(repo.path().join("ivr/acme_main_ivr.json")).unwrap();
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("\"9\": {"))
        .unwrap()
        + 1;
    let located = format!(
        "ivr/acme_main_ivr.json:{line}:5: error[CXF040] remote-syntax-check: CXone's syntax check rejects it with `skill-not-found` on action 9 \"Billing Queue\" (REQAGENT)"
    );
    says(&validated.stdout, &located);
    // The release shows the same finding at the same file and line.
    says(&rejected.stdout, &located);
    says(
        &validated.stdout,
        "remote: ivr/acme_main_ivr.json rejected by CXone's syntax check (1 error, 0 warnings), nothing saved\nFAILED (exit 1)\n",
    );
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(repo.path().join("out.sarif")).unwrap()).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "CXF040");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], line);
    assert!(
        studio.get("Acme_Main_IVR__ci").await.unwrap().is_none(),
        "a rejected sandbox save saves nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_round_trips_and_drift_is_reported() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    let pulled = off_runtime(&emulator, &repo, move |d, e| {
        cxone_flow(d, e, &["pull", "--script", "Old_IVR", "--out", "live"])
    })
    .await;
    assert_eq!(pulled.code, 0, "{}", pulled.stderr);
    let path = repo.path().join("live/Old_IVR.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("{\n  \"header\": {\n"), "stable key order: {text}");
    let studio = client(&emulator, access_key());
    let live = studio.get("Old_IVR").await.unwrap().unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    assert!(
        cxone_flow::release::studio::same_content(&file, &live),
        "the file is the live script"
    );
    assert!(
        file["header"].get("masterId").is_none() && file["header"].get("lockInfo").is_none(),
        "without the tenant's own header fields: {text}"
    );
    let checked = off_runtime(&emulator, &repo, move |d, e| {
        cxone_flow(
            d,
            e,
            &[
                "validate",
                "--backend",
                "studio",
                "--remote",
                "--sandbox-prefix",
                "CI_",
                // A read-back has no xws/yws, as NICE's own scripts.
                "--severity",
                "CXF037=off",
                "live",
            ],
        )
    })
    .await;
    assert_eq!(checked.code, 0, "the pulled script checks clean: {}", checked.stdout);
    says(
        &checked.stdout,
        "remote: live/Old_IVR.json clean, saved as CI_Old_IVR__ci\n",
    );
    assert!(!checked.stdout.contains("FAILED"), "{}", checked.stdout);
    assert!(
        studio.get("CI_Old_IVR__ci").await.unwrap().is_some(),
        "the sandbox, prefixed"
    );

    let clean = off_runtime(&emulator, &repo, move |d, e| {
        cxone_flow(d, e, &["pull", "--script", "Old_IVR", "--out", "live", "--check-drift"])
    })
    .await;
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    says(&clean.stdout, "0 of 1 live script drifted");
    std::fs::write(&path, text.replace("Claims", "Sales")).unwrap();
    let drift = off_runtime(&emulator, &repo, move |d, e| {
        cxone_flow(d, e, &["pull", "--script", "Old_IVR", "--out", "live", "--check-drift"])
    })
    .await;
    assert_eq!(drift.code, 1, "{}", drift.stdout);
    says(
        &drift.stdout,
        "live/Old_IVR.json: the live script `Old_IVR` differs from this file",
    );
}

/// The Action's inputs for the Studio backend against the emulator.
fn action_inputs(emulator: &cxone_emulator::Emulator) -> Vec<(String, String)> {
    let origin = emulator.origin();
    [
        ("INPUT_PATHS", "ivr".to_string()),
        ("INPUT_BACKEND", "studio".into()),
        ("INPUT_CXONE-ACCESS-KEY-ID", "emulator-access-key".into()),
        ("INPUT_CXONE-ACCESS-KEY-SECRET", KEY_SECRET.into()),
        ("INPUT_CXONE-ISSUER", origin.clone()),
        (
            "INPUT_CXONE-ACCESS-KEY-URL",
            format!("{origin}/authentication/v1/token/access-key"),
        ),
        ("INPUT_CXONE-CLUSTER-API", "http://127.0.0.1:{cluster}".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Asserts that the Action annotated CXone's rejection of action 9 (`skill-not-found`) as CXF040
/// at that action's line of the script `text`.
#[track_caller]
fn assert_rejection_annotated_at_action_9(run: &crate::action::ActionRun, text: &str) {
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("\"9\": {"))
        .unwrap()
        + 1;
    let annotation = run
        .commands
        .iter()
        .find(|c| c.name == "error" && c.properties.get("title").is_some_and(|t| t.contains("CXF040")))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(annotation.properties["file"], "ivr/acme_main_ivr.json");
    assert_eq!(annotation.properties["line"], line.to_string());
    assert!(annotation.data.contains("skill-not-found"), "{}", annotation.data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_request_s_remote_syntax_check_lands_as_an_annotation_on_the_action() {
    use crate::action::{commit_all, git, pull_request_event, run_action_async};
    let emulator = tenant(&["Claims", "Billing"]).await;
    let repo = repository();
    let d = repo.path();
    git(d, &["init", "-q", "-b", "main"]);
    let base = commit_all(d, "base");
    // The pull request queues billing calls on a skill the tenant does not have.
    let path = d.join("ivr/acme_main_ivr.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("\"value\": \"Billing\"", "\"value\": \"Billing Team\"", 1),
    )
    .unwrap();
    let head = commit_all(d, "rename the billing skill");
    let runner = tempfile::tempdir().unwrap();
    let event = pull_request_event(runner.path(), &base, &head, 1);
    let mut vars = action_inputs(&emulator);
    vars.extend([
        ("GITHUB_EVENT_NAME".to_string(), "pull_request".to_string()),
        ("GITHUB_EVENT_PATH".into(), event.to_str().unwrap().to_string()),
        ("INPUT_REMOTE-VALIDATE".into(), "true".into()),
    ]);
    let run = run_action_async(d, vars).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_rejection_annotated_at_action_9(&run, &text);
    assert!(
        run.stdout.starts_with("::add-mask::"),
        "the secret is masked before anything else"
    );
    assert_eq!(
        run.stdout.matches(KEY_SECRET).count(),
        1,
        "only in the mask command: {}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_pushed_releases_the_scripts_and_cuts_over_from_the_action() {
    use crate::action::run_action_async;
    let emulator = tenant(&[]).await;
    let repo = repository();
    let mut vars = action_inputs(&emulator);
    vars.extend([
        ("GITHUB_EVENT_NAME".to_string(), "push".to_string()),
        ("GITHUB_REF".into(), "refs/tags/v7".into()),
        ("GITHUB_REF_TYPE".into(), "tag".into()),
        ("INPUT_RELEASE-ON-TAG".into(), "true".into()),
        // Named by its description, as a team may.
        ("INPUT_POINTS-OF-CONTACT".into(), "Acme_Main_IVR=Main line".into()),
    ]);
    let run = run_action_async(repo.path(), vars).await;
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.summary.contains("### Release v7\n"), "{}", run.summary);
    // The same outputs as a flows-api release: what was released, and the audit log.
    let published: serde_json::Value = serde_json::from_str(&run.outputs["published"]).unwrap();
    assert_eq!(
        published,
        json!([
            {"path": "ivr/acme_caller_tier.json", "flowId": "acme_caller_tier", "outcome": "released", "versionId": "acme_caller_tier__v7"},
            {"path": "ivr/acme_main_ivr.json", "flowId": "Acme_Main_IVR", "outcome": "released", "versionId": "Acme_Main_IVR__v7"}
        ])
    );
    assert_eq!(run.outputs["audit-log"], "cxone-flow-audit.jsonl");
    assert!(
        run.summary.contains(r"| released | Acme\_Main\_IVR\_\_v7 |")
            && run.summary.contains(r"point of contact 4001\: moved from \`Old\_IVR\`"),
        "{}",
        run.summary
    );
    says(
        &run.stdout,
        "point of contact 4001: moved from `Old_IVR` to `Acme_Main_IVR__v7` (read back)",
    );
    let studio = client(&emulator, access_key());
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Acme_Main_IVR__v7"
    );
    assert_eq!(run.stdout.matches(KEY_SECRET).count(), 1, "{}", run.stdout);
    // The secret scan of every output: the log (past its mask), the summary, every file written.
    let mut outputs = vec![
        run.stdout.replacen(&format!("::add-mask::{KEY_SECRET}"), "", 1),
        run.summary.clone(),
    ];
    for file in [
        "cxone-flow-audit.jsonl",
        "cxone-flow-report.json",
        "cxone-flow-junit.xml",
        "cxone-flow.sarif",
    ] {
        outputs.push(std::fs::read_to_string(repo.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}")));
    }
    for text in &outputs {
        assert!(!text.contains(KEY_SECRET) && !text.contains(".emulator"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_action_s_rollback_input_repoints_a_studio_script_back() {
    use crate::action::run_action_async;
    let emulator = tenant(&[]).await;
    let repo = repository();
    let mut vars = action_inputs(&emulator);
    vars.push(("INPUT_POINTS-OF-CONTACT".into(), "Acme_Main_IVR=4001".into()));
    let tag = |tag: &str| {
        let mut vars = vars.clone();
        vars.extend([
            ("GITHUB_EVENT_NAME".to_string(), "push".to_string()),
            ("GITHUB_REF".into(), format!("refs/tags/{tag}")),
            ("GITHUB_REF_TYPE".into(), "tag".into()),
            ("INPUT_RELEASE-ON-TAG".into(), "true".into()),
        ]);
        vars
    };
    assert_eq!(run_action_async(repo.path(), tag("v7")).await.code, 0);
    edit_greeting(repo.path(), "Welcome to Acme.");
    assert_eq!(run_action_async(repo.path(), tag("v8")).await.code, 0);
    let studio = client(&emulator, access_key());
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Acme_Main_IVR__v8"
    );

    let rollback = |script: &str| {
        let mut vars = vars.clone();
        vars.extend([
            ("GITHUB_EVENT_NAME".to_string(), "workflow_dispatch".to_string()),
            ("INPUT_ROLLBACK-FLOW-ID".into(), script.to_string()),
        ]);
        vars
    };
    let run = run_action_async(repo.path(), rollback("Acme_Main_IVR")).await;
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Acme_Main_IVR__v7"
    );
    says(
        &run.stdout,
        "point of contact 4001 moved back from `Acme_Main_IVR__v8` to `Acme_Main_IVR__v7`",
    );
    let published: serde_json::Value = serde_json::from_str(&run.outputs["published"]).unwrap();
    assert_eq!(
        published,
        json!([{"script": "Acme_Main_IVR", "pointOfContact": "4001", "from": "Acme_Main_IVR__v8", "to": "Acme_Main_IVR__v7", "outcome": "rolled back"}])
    );
    assert!(run.summary.contains(r"rollback of Acme\_Main\_IVR"), "{}", run.summary);

    // A script the audit log never released is named in the failure, and nothing moves.
    let failed = run_action_async(repo.path(), rollback("Other_IVR")).await;
    assert_ne!(failed.code, 0, "{}", failed.stdout);
    says(&failed.stdout, "Other_IVR");
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Acme_Main_IVR__v7"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_release_cxone_rejects_is_annotated_at_the_action_s_line_and_moves_nothing() {
    use crate::action::run_action_async;
    // The tenant has no Billing skill, so CXone's syntax check rejects the script on save.
    let emulator = tenant(&["Claims"]).await;
    let repo = repository();
    let mut vars = action_inputs(&emulator);
    vars.extend([
        ("GITHUB_EVENT_NAME".to_string(), "push".to_string()),
        ("GITHUB_REF".into(), "refs/tags/v8".into()),
        ("GITHUB_REF_TYPE".into(), "tag".into()),
        ("INPUT_RELEASE-ON-TAG".into(), "true".into()),
        ("INPUT_POINTS-OF-CONTACT".into(), "Acme_Main_IVR=4001".into()),
    ]);
    let run = run_action_async(repo.path(), vars).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    let text = std::fs::read_to_string(repo.path().join("ivr/acme_main_ivr.json")).unwrap();
    assert_rejection_annotated_at_action_9(&run, &text);
    // The report files and the summary hold the finding too.
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("cxone-flow.sarif")).unwrap()).unwrap();
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "CXF040"),
        "{sarif}"
    );
    assert!(run.summary.contains("CXF040"), "{}", run.summary);
    let studio = client(&emulator, access_key());
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Old_IVR",
        "nothing moved"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drift_check_warns_about_scripts_whose_live_content_differs() {
    use crate::action::run_action_async;
    let emulator = tenant(&[]).await;
    let repo = repository();
    // The tenant's Acme_Main_IVR was edited in Studio: its greeting differs from the file.
    let mut live = example_script("Acme_Main_IVR");
    live["properties"]["2"]["0"]["value"] = json!("\"%Welcome, edited in Studio.\"");
    client(&emulator, access_key()).save(&live).await.unwrap();
    let mut vars = action_inputs(&emulator);
    vars.push(("INPUT_CHECK-DRIFT".to_string(), "true".to_string()));
    let run = run_action_async(repo.path(), vars).await;
    assert_eq!(run.code, 0, "drift warns, it does not fail: {}", run.stdout);
    let warning = drift_warning(&run).unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(warning.properties["file"], "ivr/acme_main_ivr.json");
    assert!(
        warning
            .data
            .starts_with("the live script `Acme_Main_IVR` differs from this file"),
        "{}",
        warning.data
    );
    // A finding like any other: in the reports, at the top of the file.
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("cxone-flow.sarif")).unwrap()).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        (result["ruleId"].as_str(), result["level"].as_str()),
        (Some("CXF044"), Some("warning"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn right_after_a_release_the_drift_check_finds_no_drift_and_then_finds_an_edit_in_studio() {
    use crate::action::run_action_async;
    let emulator = tenant(&[]).await;
    let repo = repository();
    let mut vars = action_inputs(&emulator);
    vars.push(("INPUT_POINTS-OF-CONTACT".to_string(), "Acme_Main_IVR=4001".to_string()));
    let dir = repo.path().to_path_buf();
    let released = tokio::task::block_in_place(|| release(&dir, &emulator, "v1", &[]));
    assert_eq!(released.code, 0, "{}", released.stdout);
    let mut drift_vars = vars.clone();
    drift_vars.push(("INPUT_CHECK-DRIFT".to_string(), "true".to_string()));
    let run = run_action_async(&dir, drift_vars.clone()).await;
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        drift_warning(&run).is_none(),
        "no drift right after a release: {}",
        run.stdout
    );
    // Someone edits the released version in Studio: that is drift.
    let studio = client(&emulator, access_key());
    let mut live = example_script("Acme_Main_IVR__v1");
    live["properties"]["2"]["0"]["value"] = json!("\"%Welcome, edited in Studio.\"");
    assert_eq!(studio.save(&live).await.unwrap().succeeded(), Some(true));
    let run = run_action_async(&dir, drift_vars).await;
    let warning = drift_warning(&run).unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(warning.properties["file"], "ivr/acme_main_ivr.json");
    assert!(
        warning
            .data
            .starts_with("point of contact 4001 runs `Acme_Main_IVR__v1`, which differs from this file"),
        "{}",
        warning.data
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_writes_what_the_point_of_contact_runs_under_the_script_s_own_name() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    assert_eq!(
        off_runtime(&emulator, &repo, |d, e| release(d, e, "v1", &[]))
            .await
            .code,
        0
    );
    let pulled = off_runtime(&emulator, &repo, |d, e| {
        cxone_flow(
            d,
            e,
            &["pull", "--point-of-contact", "Acme_Main_IVR=Main line", "--out", "live"],
        )
    })
    .await;
    assert_eq!(pulled.code, 0, "{}{}", pulled.stdout, pulled.stderr);
    says(&pulled.stdout, "wrote live/Acme_Main_IVR.json");
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("live/Acme_Main_IVR.json")).unwrap()).unwrap();
    let ours: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("ivr/acme_main_ivr.json")).unwrap()).unwrap();
    assert_eq!(
        file["header"]["scriptName"], "Acme_Main_IVR",
        "the base name, not the version"
    );
    assert!(
        cxone_flow::release::studio::same_content(&file, &ours),
        "the released content"
    );
    let drift = off_runtime(&emulator, &repo, |d, e| {
        cxone_flow(
            d,
            e,
            &[
                "pull",
                "--point-of-contact",
                "Acme_Main_IVR=4001",
                "--out",
                "live",
                "--check-drift",
            ],
        )
    })
    .await;
    assert_eq!(drift.code, 0, "{}", drift.stdout);
    says(&drift.stdout, "0 of 1 live script drifted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_released_script_calls_the_version_released_with_it_and_waits_for_it() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    let first = off_runtime(&emulator, &repo, |d, e| release(d, e, "v1", &[])).await;
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    let studio = client(&emulator, access_key());
    let main = studio.get("Acme_Main_IVR__v1").await.unwrap().unwrap();
    assert_eq!(
        main["properties"]["13"]["0"],
        json!({"name": "ScriptName", "value": "acme_caller_tier__v1"}),
        "the RUNSUB runs the version released with it"
    );
    assert!(studio.get("acme_caller_tier__v1").await.unwrap().is_some());
    let saved: Vec<String> = audit(repo.path())
        .into_iter()
        .filter(|e| e["event"] == "script_saved")
        .map(|e| e["flowId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(saved, ["acme_caller_tier", "Acme_Main_IVR"], "the called script first");

    // Its name taken by other content, the called script is not saved under v2: the caller is
    // saved, but its point of contact stays where it was.
    studio.save(&example_script("acme_caller_tier__v2")).await.unwrap();
    edit_greeting(repo.path(), "Welcome to Acme.");
    let second = off_runtime(&emulator, &repo, |d, e| release(d, e, "v2", &[])).await;
    assert_eq!(second.code, 1, "{}{}", second.stdout, second.stderr);
    says(
        &second.stdout,
        "point of contact 4001: FAILED to repoint: not moved: `Acme_Main_IVR__v2` runs `acme_caller_tier__v2`, which this release did not save (ivr/acme_caller_tier.json)",
    );
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Acme_Main_IVR__v1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_studio_scaffolds_a_repository_that_checks_and_plans_its_release() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let plain = |dir: &Path, args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
            .args(args)
            .current_dir(dir)
            .env_remove("CXONE_ACCESS_KEY_SECRET")
            .output()
            .unwrap();
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        (output.status.code(), text(&output.stdout), text(&output.stderr))
    };
    let (code, out, err) = plain(repo.path(), &["init", "--studio"]);
    assert_eq!(code, Some(0), "{out}{err}");
    for file in [
        "ivr/acme_main_ivr.json",
        "ivr/acme_main_ivr.tests.json",
        "cxone-flow.toml",
        ".github/workflows/cxone-flow-check.yml",
        ".github/workflows/cxone-flow-release.yml",
    ] {
        assert!(repo.path().join(file).is_file(), "{file}: {out}");
    }
    let workflows = [
        std::fs::read_to_string(repo.path().join(".github/workflows/cxone-flow-check.yml")).unwrap(),
        std::fs::read_to_string(repo.path().join(".github/workflows/cxone-flow-release.yml")).unwrap(),
    ];
    assert!(workflows[0].contains("remote-validate: true") && workflows[1].contains("release-on-tag: true"));
    assert!(
        workflows
            .iter()
            .all(|w| w.contains("cxone-access-key-secret: ${{ secrets.CXONE_ACCESS_KEY_SECRET }}"))
    );
    // `check` with no path checks what the settings file's `paths` names: the script and its cases.
    let (code, out, err) = plain(repo.path(), &["check"]);
    assert_eq!(code, Some(0), "{out}{err}");
    // Every case of the example scripts the scaffold copies (the main one and the one it calls)
    // runs and passes.
    let cases: usize = ["acme_main_ivr", "acme_caller_tier"]
        .iter()
        .map(|name| {
            let example =
                std::fs::read_to_string(crate::root().join(format!("examples/studio/{name}.tests.json"))).unwrap();
            serde_json::from_str::<Value>(&example).unwrap()["cases"]
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    assert!(
        out.contains(&format!("{cases} cases: {cases} passed, 0 failed")),
        "{out}"
    );
    let (_, out, _) = plain(repo.path(), &["config"]);
    assert!(out.contains("paths (arguments)            ivr "), "{out}");
    // The tag's release, planned against the tenant: the backend, the paths and the point of
    // contact all come from the settings file.
    let dry = off_runtime(&emulator, &repo, |dir, emulator| {
        cxone_flow(dir, emulator, &["release", "--tag", "v1", "--dry-run"])
    })
    .await;
    assert_eq!(dry.code, 0, "{}{}", dry.stdout, dry.stderr);
    assert!(
        dry.stdout.contains("would save as `Acme_Main_IVR__v1`"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("would move from `Old_IVR` to `Acme_Main_IVR__v1`"),
        "{}",
        dry.stdout
    );
    assert_eq!(
        client(&emulator, access_key()).get("Acme_Main_IVR__v1").await.unwrap(),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_tagged_ci_never_saves_onto_the_sandbox_nor_moves_a_point_of_contact_onto_it() {
    // `NAME__ci` is what every pull request's `validate --remote` overwrites: a point of contact
    // running it would run whatever the last pull request sent.
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    let run = off_runtime(&emulator, &repo, move |d, e| release(d, e, "ci", &[])).await;
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    says(&run.stderr, "the tag \"ci\" cannot name a Studio release");
    let studio = client(&emulator, access_key());
    assert_eq!(studio.point_of_contact(4001).await.unwrap().script_name, "Old_IVR");
    assert!(studio.get("Acme_Main_IVR__ci").await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_point_of_contact_mapped_to_two_released_scripts_is_refused_before_anything_moves() {
    // Mapped once by its code and once by its description: each cutover alone would pass its own
    // read-back, the last would win, and the release would claim both with exit 0.
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    let main = repo.path().join("ivr/acme_main_ivr.json");
    let mut other: Value = serde_json::from_str(&std::fs::read_to_string(&main).unwrap()).unwrap();
    other["header"]["scriptName"] = json!("Acme_Other_IVR");
    std::fs::write(
        repo.path().join("ivr/acme_other_ivr.json"),
        serde_json::to_string_pretty(&other).unwrap(),
    )
    .unwrap();
    let run = off_runtime(&emulator, &repo, move |d, e| {
        release(d, e, "v1", &["--point-of-contact", "Acme_Other_IVR=Main line"])
    })
    .await;
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    says(
        &run.stderr,
        "point of contact 4001 is mapped to both `Acme_Main_IVR` and `Acme_Other_IVR`",
    );
    let studio = client(&emulator, access_key());
    assert_eq!(studio.point_of_contact(4001).await.unwrap().script_name, "Old_IVR");
    assert!(studio.get("Acme_Main_IVR__v1").await.unwrap().is_none());
}

/// Every release setting the Studio backend cannot carry is refused before anything is sent, exit
/// 2, naming the setting and the backend: none is silently ignored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_setting_the_studio_backend_cannot_carry_is_refused_naming_it_and_the_backend() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    let refused = [
        (vec!["--environment", "production"], "--environment"),
        (vec!["--smoke-test"], "--smoke-test"),
        (
            vec!["--qa-webhook-url", "https://qa.example.com/hooks"],
            "--qa-webhook-url",
        ),
        (vec!["--production-tags", "release-*"], "--production-tags"),
        (vec!["--activation-priority", "3"], "--activation-priority"),
        (vec!["--max-concurrency", "2"], "--max-concurrency"),
    ];
    for (extra, setting) in refused {
        let run = off_runtime(&emulator, &repo, move |d, e| release(d, e, "v1", &extra)).await;
        assert_eq!(run.code, 2, "{setting}: {}{}", run.stdout, run.stderr);
        says(&run.stderr, setting);
        says(&run.stderr, "cannot be used with the studio backend");
    }
    // A setting from the settings file is as much the user's as a flag.
    std::fs::write(repo.path().join("cxone-flow.toml"), "activation-priority = 3\n").unwrap();
    let run = off_runtime(&emulator, &repo, move |d, e| release(d, e, "v1", &[])).await;
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    says(&run.stderr, "activation-priority");
    says(&run.stderr, "cannot be used with the studio backend");
    // The release environment's substitutions, from the settings file.
    std::fs::write(
        repo.path().join("cxone-flow.toml"),
        "[environments.staging.substitutions]\n\"{{QUEUE}}\" = \"Sales\"\n",
    )
    .unwrap();
    let run = off_runtime(&emulator, &repo, move |d, e| release(d, e, "v1", &[])).await;
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    says(&run.stderr, "substitutions");
    says(&run.stderr, "cannot be used with the studio backend");
    assert!(audit(repo.path()).is_empty(), "nothing was audited");
    let studio = client(&emulator, access_key());
    assert_eq!(
        studio.get("Acme_Main_IVR__v1").await.unwrap(),
        None,
        "nothing was saved"
    );
}

/// What the Studio backend can carry it honours: a dry run's `--payloads` writes each script it
/// would save as NAME__TAG.json, and `rollback --dry-run` says what would move and moves nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_studio_dry_run_writes_its_payloads_and_a_rollback_dry_run_moves_nothing() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    let dry = off_runtime(&emulator, &repo, move |d, e| {
        release(d, e, "v1", &["--dry-run", "--payloads", "out"])
    })
    .await;
    assert_eq!(dry.code, 0, "{}{}", dry.stdout, dry.stderr);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("out/Acme_Main_IVR__v1.json")).unwrap())
            .unwrap();
    assert_eq!(written["header"]["scriptName"], "Acme_Main_IVR__v1");
    for tag in ["v1", "v2"] {
        if tag == "v2" {
            edit_greeting(repo.path(), "Welcome to Acme.");
        }
        let run = off_runtime(&emulator, &repo, move |d, e| release(d, e, tag, &[])).await;
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    }
    let back = off_runtime(&emulator, &repo, move |d, e| rollback(d, e, &["--dry-run"])).await;
    assert_eq!(back.code, 0, "{}{}", back.stdout, back.stderr);
    says(
        &back.stdout,
        "point of contact 4001 would move back from `Acme_Main_IVR__v2` to `Acme_Main_IVR__v1`",
    );
    let studio = client(&emulator, access_key());
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Acme_Main_IVR__v2",
        "a dry run moves nothing"
    );
}

/// A misconfigured rollback (no point of contact mapped) could not run: exit 2, as under flows-api.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misconfigured_studio_rollback_exits_2() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    let run = off_runtime(&emulator, &repo, move |d, e| {
        cxone_flow(d, e, &["rollback", "--backend", "studio", "--script", "Acme_Main_IVR"])
    })
    .await;
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    says(&run.stderr, "no point of contact is mapped to `Acme_Main_IVR`");
}

/// Without an access key (a pull request from a fork gets no secrets), the Action's online check
/// is skipped with a note in the summary, and the offline checks decide the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_access_key_the_remote_syntax_check_is_skipped_with_a_note() {
    use crate::action::run_action_async;
    let emulator = tenant(&["Claims"]).await;
    let repo = repository();
    let mut vars: Vec<(String, String)> = action_inputs(&emulator)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("INPUT_CXONE-ACCESS-KEY"))
        .collect();
    vars.extend([
        ("GITHUB_EVENT_NAME".to_string(), "push".to_string()),
        ("GITHUB_REF".into(), "refs/heads/main".into()),
        ("INPUT_REMOTE-VALIDATE".into(), "true".into()),
    ]);
    let run = run_action_async(repo.path(), vars).await;
    assert_eq!(run.code, 0, "{}", run.stdout);
    says(&run.summary, "CXF040");
    says(&run.summary, r"were skipped\: no credentials");
    let studio = client(&emulator, access_key());
    assert_eq!(studio.get("Acme_Main_IVR__ci").await.unwrap(), None, "nothing was sent");
}

/// A Studio release whose access key is refused stops before any script, exit 2, and the audit
/// log says so with `run_failed`, as a flows-api release does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_access_key_is_audited_as_run_failed() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository());
    let run = off_runtime(&emulator, &repo, move |d, e| {
        release(d, e, "v1", &["--access-key-id", "not-a-key"])
    })
    .await;
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let events = audit(repo.path());
    let last = events.last().unwrap_or_else(|| panic!("no audit log: {}", run.stderr));
    assert_eq!(
        (last["event"].as_str(), last["step"].as_str()),
        (Some("run_failed"), Some("token"))
    );
    assert!(!last.to_string().contains(KEY_SECRET), "{last}");
}
