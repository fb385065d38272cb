//! A Studio release against a tenant that answers otherwise than the emulator by default: saves
//! answered 206 with their totals as strings, lost or undecodable answers, a syntax check that
//! refuses without naming an action, a point of contact that does not move, a history moved by
//! hand, names that collide on disk and answers that are not scripts.

use std::path::Path;

use cxone_emulator::FaultRule;
use cxone_emulator::faults::FaultKind;
use serde_json::{Value, json};

use crate::studio_api::{access_key, client, example_script};
use crate::studio_release::{
    Run, audit, cxone_flow, edit_greeting, off_runtime, repository, rollback, says, tenant, tenant_with,
};

/// From now on, calls of `method` to a path containing `path` get `status` and `body`, and nothing
/// is done.
fn answer(emulator: &cxone_emulator::Emulator, method: &str, path: &str, status: u16, body: Value) {
    emulator.state.lock().faults.rules.push(
        FaultRule {
            kind: FaultKind::Answer { status, body },
            next: None,
            share: None,
            after: None,
            path: Some(path.into()),
            method: Some(method.into()),
        }
        .always_unless_limited(),
    );
}

/// A release of the repository's scripts that maps no point of contact, with `extra`.
fn unmapped_release(dir: &Path, emulator: &cxone_emulator::Emulator, tag: &str, extra: &[&str]) -> Run {
    let args = [&["release", "--backend", "studio", "--tag", tag][..], extra, &["ivr"]].concat();
    cxone_flow(dir, emulator, &args)
}

/// From now on, the next call of `method` to `path` is done and its answer lost.
fn lose_answer(emulator: &cxone_emulator::Emulator, method: &str, path: &str) {
    let rule = FaultRule::parse(&format!("act-then-drop:next=1:path={path}:method={method}")).unwrap();
    emulator.state.lock().faults.rules.push(rule);
}

/// The repository with the example script's REQAGENT 8 left without branches: its default branch
/// leads nowhere, so CXone saves it with a warning (206).
fn repository_with_an_unwired_queue() -> tempfile::TempDir {
    let repo = repository();
    let path = repo.path().join("ivr/acme_main_ivr.json");
    let mut script: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    script["branches"]["8"] = json!([]);
    std::fs::write(&path, serde_json::to_string_pretty(&script).unwrap()).unwrap();
    repo
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_answered_206_with_string_totals_is_a_save_with_its_warning() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository_with_an_unwired_queue());
    let run = off_runtime(&emulator, &repo, move |d, e| {
        unmapped_release(d, e, "v1", &["--severity", "unwired-queue-default=off"])
    })
    .await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    says(
        &run.stdout,
        "saved as `Acme_Main_IVR__v1` with 1 warning from CXone's syntax check (action 8 unwired-queue-default)",
    );
    let log = emulator.state.lock().log.clone();
    assert!(
        log.iter().any(|e| e.method == "POST" && e.status == Some(206)),
        "answered 206: {log:?}"
    );
}

/// `validate --remote` on a script CXone saves with a warning (206): the warning lands at its
/// action, the run passes, and the per-script line says the sandbox was saved with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_remote_says_a_script_was_saved_with_warnings_and_passes() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let repo = std::sync::Arc::new(repository_with_an_unwired_queue());
    let run = off_runtime(&emulator, &repo, move |d, e| {
        cxone_flow(
            d,
            e,
            &["validate", "--remote", "--severity", "unwired-queue-default=off", "ivr"],
        )
    })
    .await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    says(
        &run.stdout,
        "remote: ivr/acme_main_ivr.json saved as Acme_Main_IVR__ci with 1 warning\n",
    );
    says(&run.stdout, "unwired-queue-default");
    assert!(!run.stdout.contains("FAILED"), "{}", run.stdout);
    let studio = client(&emulator, access_key());
    assert!(
        studio.get("Acme_Main_IVR__ci").await.unwrap().is_some(),
        "a save with warnings is saved"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_save_answer_is_read_back_before_it_is_called_failed() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    lose_answer(&emulator, "POST", "/v30.0/scripts");
    let repo = std::sync::Arc::new(repository());
    let run = off_runtime(&emulator, &repo, move |d, e| unmapped_release(d, e, "v1", &[])).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    says(&run.stdout, "saved as `Acme_Main_IVR__v1`");
    // An answer that is no save answer, for a save that did not happen: failed, saying so.
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    answer(&emulator, "POST", "/v30.0/scripts", 200, json!(null));
    let run = off_runtime(&emulator, &repo, move |d, e| unmapped_release(d, e, "v2", &[])).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    says(
        &run.stdout,
        "failed: CXone answered 200 with a body that is not a save answer, but the tenant has no `Acme_Main_IVR__v2` when read back",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_answered_in_the_specs_shape_without_success_is_read_back_not_called_rejected() {
    // NICE's spec (calljacob/nice-cxone-api, AdminGeneralService.ts `createScript`) answers
    // `{errorCount?: number; results?: [{success?: boolean; libraryId?: string}]}`: `success` may
    // be absent. Nothing is saved here, so the read-back must say so.
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    answer(
        &emulator,
        "POST",
        "/v30.0/scripts",
        200,
        json!({"errorCount": 0, "results": [{"libraryId": "0b6b3c4e-lib"}]}),
    );
    let repo = std::sync::Arc::new(repository());
    let run = off_runtime(&emulator, &repo, move |d, e| unmapped_release(d, e, "v1", &[])).await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    says(&run.stdout, "but the tenant has no `Acme_Main_IVR__v1` when read back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_remote_check_never_passes_a_refusal_that_names_no_action() {
    for (status, body) in [
        (409, json!({"results": [{"success": false}]})),
        (409, json!({"error": "Conflict"})),
        (
            200,
            json!({"results": [{"success": false, "error_code": {"details": {"totalErrors": "0"}}}]}),
        ),
        // The spec's own shape, `success` absent: CXone did not say it passed.
        (
            200,
            json!({"errorCount": 0, "results": [{"libraryId": "0b6b3c4e-lib"}]}),
        ),
    ] {
        let emulator = std::sync::Arc::new(tenant(&[]).await);
        answer(&emulator, "POST", "/v30.0/scripts", status, body.clone());
        let repo = std::sync::Arc::new(repository());
        let run = off_runtime(&emulator, &repo, move |d, e| {
            cxone_flow(d, e, &["validate", "--remote", "ivr"])
        })
        .await;
        assert_eq!(run.code, 1, "{status} {body}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains(
                "ivr/acme_main_ivr.json:1:1: error[CXF040] remote-syntax-check: CXone's syntax check rejects it with"
            ),
            "{status} {body}: {}",
            run.stdout
        );
        says(&run.stdout, "on the script");
    }
}

/// A tenant whose main line (4001) and Spanish line (4002) both run `Old_IVR`.
async fn two_lines() -> cxone_emulator::Emulator {
    tenant_with(&["4001=Old_IVR:Main line:11", "4002=Old_IVR:Spanish line:12"], &[]).await
}

fn release_both(dir: &Path, emulator: &cxone_emulator::Emulator, tag: &str) -> Run {
    let args = [
        "release",
        "--backend",
        "studio",
        "--tag",
        tag,
        "--point-of-contact",
        "Acme_Main_IVR=4001,Spanish line",
        "ivr",
    ];
    cxone_flow(dir, emulator, &args)
}

/// `rollback` of the example script's main line and, mapped by a second flag, its Spanish line.
fn rollback_both(dir: &Path, emulator: &cxone_emulator::Emulator) -> Run {
    rollback(dir, emulator, &["--point-of-contact", "Acme_Main_IVR=4002"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cutover_that_leaves_one_point_of_contact_behind_is_undone_for_all() {
    let emulator = std::sync::Arc::new(two_lines().await);
    // The Spanish line's update is answered 200 and not made (another run, a tenant's rule).
    answer(&emulator, "PUT", "/points-of-contact/4002", 200, json!({}));
    let repo = std::sync::Arc::new(repository());
    let run = off_runtime(&emulator, &repo, move |d, e| release_both(d, e, "v1")).await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    says(
        &run.stdout,
        "point of contact 4002: FAILED to repoint: CXone accepted the change, but it runs `Old_IVR` when read back",
    );
    says(
        &run.stdout,
        "point of contact 4001: FAILED to repoint: moved back to `Old_IVR`, all or nothing",
    );
    let studio = client(&emulator, access_key());
    for code in [4001, 4002] {
        assert_eq!(
            studio.point_of_contact(code).await.unwrap().script_name,
            "Old_IVR",
            "{code}"
        );
    }
    let lines = audit(repo.path());
    assert!(
        lines
            .iter()
            .any(|e| e["event"] == "point_of_contact_rolled_back" && e["pointOfContact"] == "4001"),
        "the undo is in the audit log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_refuses_a_history_moved_by_hand_before_moving_anything() {
    let emulator = std::sync::Arc::new(two_lines().await);
    let repo = std::sync::Arc::new(repository());
    assert_eq!(
        off_runtime(&emulator, &repo, move |d, e| release_both(d, e, "v1"))
            .await
            .code,
        0
    );
    edit_greeting(repo.path(), "Welcome to Acme.");
    assert_eq!(
        off_runtime(&emulator, &repo, move |d, e| release_both(d, e, "v2"))
            .await
            .code,
        0
    );
    // Someone points the Spanish line elsewhere in CXone, outside this audit log.
    let studio = client(&emulator, access_key());
    let spanish = studio.point_of_contact(4002).await.unwrap();
    studio.repoint(&spanish, "Old_IVR").await.unwrap();
    let run = off_runtime(&emulator, &repo, rollback_both).await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    says(
        &run.stderr,
        "point of contact 4002 runs `Old_IVR`, but the audit log last moved it to `Acme_Main_IVR__v2`",
    );
    assert_eq!(
        studio.point_of_contact(4001).await.unwrap().script_name,
        "Acme_Main_IVR__v2",
        "checked every target before moving any"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_that_cannot_move_one_point_of_contact_moves_none() {
    let emulator = std::sync::Arc::new(two_lines().await);
    let repo = std::sync::Arc::new(repository());
    for tag in ["v1", "v2"] {
        if tag == "v2" {
            edit_greeting(repo.path(), "Welcome to Acme.");
        }
        let run = off_runtime(&emulator, &repo, move |d, e| release_both(d, e, tag)).await;
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    }
    // The Spanish line's update is refused, by a tenant that echoes the access key's secret: the
    // main line must not stay on v1 alone, and the secret reaches no output and no audit line.
    let secret = "emulator-access-secret";
    let refusal = json!({"error": "Bad Request", "error_Description": format!("refused for {secret}")});
    answer(&emulator, "PUT", "/points-of-contact/4002", 400, refusal);
    let run = off_runtime(&emulator, &repo, rollback_both).await;
    assert_ne!(run.code, 0, "{}{}", run.stdout, run.stderr);
    says(
        &run.stderr,
        "point of contact 4001 moved back to `Acme_Main_IVR__v2`, all or nothing",
    );
    let audit_text = std::fs::read_to_string(repo.path().join("cxone-flow-audit.jsonl")).unwrap();
    for (what, text) in [
        ("stdout", &run.stdout),
        ("stderr", &run.stderr),
        ("the audit log", &audit_text),
    ] {
        assert!(!text.contains(secret), "the secret in {what}: {text}");
    }
    let studio = client(&emulator, access_key());
    for code in [4001, 4002] {
        assert_eq!(
            studio.point_of_contact(code).await.unwrap().script_name,
            "Acme_Main_IVR__v2",
            "{code}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_point_of_contact_past_the_list_s_first_page_is_found_and_moved() {
    // CXone's lists page at 50 unless asked (outboundani/cxone-mcp src/cxone.js); the spec's
    // `getPointsOfContact` takes `skip` and `top`.
    let points: Vec<String> = (1..=60).map(|i| format!("{}=Old_IVR:Line {i}:11", 5000 + i)).collect();
    let points: Vec<&str> = points.iter().map(String::as_str).collect();
    let emulator = std::sync::Arc::new(tenant_with(&points, &[]).await);
    let repo = std::sync::Arc::new(repository());
    let run = off_runtime(&emulator, &repo, move |d, e| {
        let args = [
            "release",
            "--backend",
            "studio",
            "--tag",
            "v1",
            "--point-of-contact",
            "Acme_Main_IVR=5060",
            "ivr",
        ];
        cxone_flow(d, e, &args)
    })
    .await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let studio = client(&emulator, access_key());
    assert_eq!(
        studio.point_of_contact(5060).await.unwrap().script_name,
        "Acme_Main_IVR__v1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_refuses_names_that_share_a_file_and_answers_that_are_not_scripts() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    let studio = client(&emulator, access_key());
    for name in ["Sales/IVR", "Sales:IVR"] {
        let mut script = example_script(name);
        script["properties"]["9"]["0"]["value"] = json!("Claims");
        assert_eq!(studio.save(&script).await.unwrap().succeeded(), Some(true));
    }
    let repo = std::sync::Arc::new(repository());
    let run = off_runtime(&emulator, &repo, move |d, e| {
        cxone_flow(d, e, &["pull", "--out", "live"])
    })
    .await;
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    says(
        &run.stderr,
        "`Sales/IVR` and `Sales:IVR` would both be written to Sales_IVR.json: nothing pulled",
    );
    assert!(!repo.path().join("live").exists(), "nothing written");

    // A script answered as `null`: the local file stays.
    std::fs::create_dir_all(repo.path().join("live")).unwrap();
    let kept = repo.path().join("live/Old_IVR.json");
    std::fs::write(&kept, "{\"header\": {\"scriptName\": \"Old_IVR\"}}").unwrap();
    answer(&emulator, "GET", "/v30.0/scripts", 200, json!(null));
    let run = off_runtime(&emulator, &repo, move |d, e| {
        cxone_flow(d, e, &["pull", "--script", "Old_IVR", "--out", "live"])
    })
    .await;
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    says(&run.stderr, "the tenant's answer for `Old_IVR` is not a script (null)");
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        "{\"header\": {\"scriptName\": \"Old_IVR\"}}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_that_maps_no_point_of_contact_never_reads_them() {
    let emulator = std::sync::Arc::new(tenant(&[]).await);
    // A tenant whose list would not decode: a release without a mapping must not care.
    answer(
        &emulator,
        "GET",
        "/points-of-contact",
        200,
        json!({"pointsOfContact": [{"id": "x"}]}),
    );
    let repo = std::sync::Arc::new(repository());
    let run = off_runtime(&emulator, &repo, move |d, e| unmapped_release(d, e, "v1", &[])).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let log = emulator.state.lock().log.clone();
    assert!(!log.iter().any(|e| e.path.contains("points-of-contact")), "{log:?}");
}
