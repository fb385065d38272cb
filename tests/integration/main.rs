//! The integration test binary: one module per area.

mod action;
mod cases;
mod cli;
mod config;
mod converge;
mod costs;
mod cxone;
mod differential;
mod engine;
mod exits;
mod generate;
mod hostile;
mod image;
mod plain;
mod props;
mod readme;
mod release;
mod rules;
mod studio;
mod studio_api;
mod studio_release;
mod studio_tenant;
mod studio_wire;
mod trust;
mod words;

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An example file as people wrote it: a tests file without the cases `cases generate` added
/// (the tests that count cases or uncovered elements were written against those).
pub fn hand_written_example(name: &str) -> String {
    let text = std::fs::read_to_string(root().join("examples/flows").join(name)).unwrap();
    if name.ends_with(".tests.json") {
        cxone_flow::generate::merge::merge(&text, &[]).unwrap().text
    } else {
        text
    }
}

/// Copies the examples, as people wrote them, into a fresh folder.
pub fn hand_written_examples() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("examples/flows")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        std::fs::write(dir.path().join(&name), hand_written_example(&name)).unwrap();
    }
    dir
}

/// A path under `tests/fixtures`.
pub fn fixture(relative: &str) -> PathBuf {
    root().join("tests/fixtures").join(relative)
}

/// A received webhook call: its `x-cxone-signature` header and its raw body.
pub type SignedBody = (String, Vec<u8>);

/// Starts a webhook receiver on 127.0.0.1 port 0 that answers 500 to its first `failures` calls,
/// then 200, keeping what it accepted. Returns its URL and the calls.
pub async fn webhook_receiver(failures: u32) -> (String, std::sync::Arc<std::sync::Mutex<Vec<SignedBody>>>) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    let received: Arc<std::sync::Mutex<Vec<SignedBody>>> = Arc::default();
    let failures_left = Arc::new(AtomicU32::new(failures));
    let app = {
        let received = Arc::clone(&received);
        axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let (received, failures_left) = (Arc::clone(&received), Arc::clone(&failures_left));
                async move {
                    if failures_left
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok()
                    {
                        return axum::http::StatusCode::INTERNAL_SERVER_ERROR;
                    }
                    let signature = headers["x-cxone-signature"].to_str().unwrap_or_default().to_string();
                    received.lock().unwrap().push((signature, body.to_vec()));
                    axum::http::StatusCode::OK
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

/// The webhook calls received once every delivery the emulator started has ended: no call of an
/// earlier publish can arrive after this, so a late duplicate is counted, not missed.
pub async fn calls_once_deliveries_ended(
    emu: &cxone_emulator::Emulator,
    received: &std::sync::Mutex<Vec<SignedBody>>,
) -> Vec<SignedBody> {
    emu.deliveries_ended().await;
    received.lock().unwrap().clone()
}

/// Whether a webhook signature is the HMAC-SHA256 of the body under the emulator's default key.
pub fn signed_by_emulator(signature: &str, body: &[u8]) -> bool {
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(b"emulator-webhook-secret").unwrap();
    mac.update(body);
    signature == format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Every element type name, then `extra` (invalid ones, for generators).
pub fn element_types(extra: &[&'static str]) -> Vec<&'static str> {
    let defined = cxone_flow::flow::model::ElementKind::NAMED
        .iter()
        .map(|(name, _)| *name);
    defined.chain(extra.iter().copied()).collect()
}

/// Every condition operator, then `extra`.
pub fn operators(extra: &[&'static str]) -> Vec<&'static str> {
    cxone_flow::flow::model::OPERATORS
        .iter()
        .chain(extra)
        .copied()
        .collect()
}

/// Runs the built `cxone-flow` binary in `dir` and returns (exit code, stdout, stderr).
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
