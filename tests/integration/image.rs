//! The Action's image, as the `Dockerfile` builds it, run as the runner runs it. The build is a
//! release build (minutes on two cores), so `cargo test` leaves this test out (`#[ignore]`) and
//! `.ci/run` runs it: `cargo test --test integration image:: -- --ignored`.
//!
//! With a Docker daemon, the image itself is built and run. Without one, the binary is built with
//! the Dockerfile's own `cargo build` line for the target the Dockerfile's Alpine stage has (musl,
//! a static binary) when rustup has that target, else for the host (the test says which on stderr),
//! and run alone in an empty folder with an empty environment, as on `FROM scratch`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::root;

/// The target the Dockerfile's build stage compiles for: Alpine's host target.
const IMAGE_TARGET: &str = "x86_64-unknown-linux-musl";

/// The Dockerfile's `RUN cargo build` arguments, once its stages are as this test expects.
fn dockerfile_build_args() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let build = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("RUN cargo build"))
        .expect("the Dockerfile builds with cargo");
    let args = build
        .split('\\')
        .next()
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    assert!(
        text.lines()
            .any(|l| l.starts_with("FROM rust:") && l.contains("-alpine")),
        "the build stage is Alpine (musl): {IMAGE_TARGET} below relies on it"
    );
    assert!(text.contains("FROM scratch") && text.contains("ENTRYPOINT [\"/cxone-flow\"]"));
    assert!(!text.lines().any(|l| l.starts_with("USER")));
    args
}

/// A workspace with two examples, as a repository checked out by the runner.
fn workspace() -> tempfile::TempDir {
    let workspace = tempfile::tempdir().unwrap();
    let flows = workspace.path().join("examples/flows");
    std::fs::create_dir_all(&flows).unwrap();
    for name in ["main-ivr", "card-activation"] {
        for kind in ["flow", "tests"] {
            let file = format!("{name}.{kind}.json");
            std::fs::write(flows.join(&file), crate::hand_written_example(&file)).unwrap();
        }
    }
    workspace
}

/// The runner's variables for a push run over `examples/flows`, with `workspace` and `files` (where
/// the output and summary files go) as the binary sees them.
fn runner_variables(workspace: &Path, files: &Path) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("GITHUB_ACTIONS", "true".into()),
        ("GITHUB_WORKSPACE", workspace.into()),
        ("GITHUB_EVENT_NAME", "push".into()),
        ("GITHUB_REF", "refs/heads/main".into()),
        ("GITHUB_OUTPUT", files.join("output")),
        ("GITHUB_STEP_SUMMARY", files.join("summary")),
        ("INPUT_PATHS", "examples/flows".into()),
        ("INPUT_CHANGED-ONLY", "true".into()),
    ]
}

/// `name=value` lines of a `GITHUB_OUTPUT` file (a push run of clean flows writes no multi-line
/// value).
fn outputs(files: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(files.join("output"))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// Whether a Docker daemon answers.
fn docker_available() -> bool {
    Command::new("docker")
        .arg("info")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether rustup has the standard library for `target`.
fn target_installed(target: &str) -> bool {
    Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l == target))
}

/// Whether an ELF executable asks for a dynamic loader (has a `PT_INTERP` program header).
fn asks_for_a_loader(path: &Path) -> bool {
    const PT_INTERP: u32 = 3;
    let mut binary = Vec::new();
    let head = std::io::Read::take(std::fs::File::open(path).unwrap(), 64 << 10);
    std::io::Read::read_to_end(&mut { head }, &mut binary).unwrap();
    let read = |at: usize, n: usize| {
        binary[at..at + n]
            .iter()
            .rev()
            .fold(0usize, |v, &b| (v << 8) | b as usize)
    };
    assert_eq!(&binary[..5], b"\x7fELF\x02", "a 64-bit ELF file");
    let (offset, size, count) = (read(0x20, 8), read(0x36, 2), read(0x38, 2));
    (0..count).any(|i| read(offset + i * size, 4) as u32 == PT_INTERP)
}

fn check_the_run(output: &Output, workspace: &Path, files: &Path) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let outputs = outputs(files);
    assert_eq!(
        (outputs["flows-checked"].as_str(), outputs["tests-failed"].as_str()),
        ("2", "0")
    );
    assert!(workspace.join("cxone-flow.sarif").is_file());
}

/// Builds the image with Docker and runs it as the runner runs a Docker action: the workspace and
/// the file-command folder mounted, the working directory the workspace, no other variable.
fn build_and_run_the_image() {
    let tag = format!("cxone-flow-image-test:{}", std::process::id());
    let build = Command::new("docker")
        .args(["build", "--quiet", "--tag", &tag, "."])
        .current_dir(root())
        .status()
        .unwrap();
    assert!(build.success(), "docker build");
    let (workspace, files) = (workspace(), tempfile::tempdir().unwrap());
    let mut run = Command::new("docker");
    run.args(["run", "--rm", "--workdir", "/github/workspace", "--network", "none"])
        .arg("--volume")
        .arg(format!("{}:/github/workspace", workspace.path().display()))
        .arg("--volume")
        .arg(format!("{}:/github/file_commands", files.path().display()));
    for (name, value) in runner_variables(Path::new("/github/workspace"), Path::new("/github/file_commands")) {
        run.arg("--env").arg(format!("{name}={}", value.display()));
    }
    let output = run.arg(&tag).output().unwrap();
    let _ = Command::new("docker").args(["image", "rm", "--force", &tag]).output();
    check_the_run(&output, workspace.path(), files.path());
}

/// Builds the binary with the Dockerfile's `cargo build` line and runs it alone in an empty folder
/// with an empty environment plus the runner's variables.
fn build_and_run_the_binary(build_args: &[String]) {
    let for_the_image = target_installed(IMAGE_TARGET);
    if !for_the_image {
        // Straight to the process's stderr: the test harness would hide an `eprintln!` of a test
        // that passes, and this says what the pass does not cover.
        let _ = writeln!(
            std::io::stderr(),
            "no Docker daemon and no `{IMAGE_TARGET}` target (`rustup target add {IMAGE_TARGET}`): \
             the Dockerfile's cargo build runs for the host target, so the binary is not static"
        );
    }
    // The variables cargo sets for this test (CARGO_MANIFEST_DIR, CARGO_PKG_*...) must not reach the
    // nested build: build scripts watch some of them, and a change rebuilds ring and reqwest in the
    // normal release cache.
    let mut build = Command::new(env!("CARGO"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if (name.starts_with("CARGO_") && !matches!(&*name, "CARGO_HOME" | "CARGO_TARGET_DIR"))
            || matches!(
                &*name,
                "OUT_DIR" | "RUST_TEST_THREADS" | "RUST_BACKTRACE" | "RUST_MIN_STACK"
            )
        {
            build.env_remove(&*name);
        }
    }
    // Its own target folder (`target/image`), apart from the debug builds: it never waits for their
    // lock, so `.ci/run` starts this very build in the background while the tests compile and run.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root().join("target"), PathBuf::from)
        .join("image");
    build.arg("build").args(build_args).arg("--target-dir").arg(&target);
    if for_the_image {
        build.args(["--target", IMAGE_TARGET]);
    }
    assert!(build.current_dir(root()).status().unwrap().success());
    let built = if for_the_image {
        target.join(IMAGE_TARGET).join("release/cxone-flow")
    } else {
        target.join("release/cxone-flow")
    };
    let image = tempfile::tempdir().unwrap();
    let binary = image.path().join("cxone-flow");
    std::fs::copy(built, &binary).unwrap();
    if for_the_image {
        assert!(
            !asks_for_a_loader(&binary),
            "the binary is static, as `FROM scratch` needs"
        );
    }
    let size = std::fs::metadata(&binary).unwrap().len();
    assert!(size < 20 * 1024 * 1024, "the binary alone is {size} bytes");
    let (workspace, files) = (workspace(), tempfile::tempdir().unwrap());
    let output = Command::new(&binary)
        .env_clear()
        .envs(runner_variables(workspace.path(), files.path()))
        .current_dir(image.path())
        .output()
        .unwrap();
    check_the_run(&output, workspace.path(), files.path());
}

#[test]
#[ignore = "a release build as the Dockerfile's (minutes): .ci/run runs it with --ignored"]
fn the_binary_built_as_the_dockerfile_builds_it_runs_in_an_empty_environment() {
    let build_args = dockerfile_build_args();
    if docker_available() {
        build_and_run_the_image();
    } else {
        build_and_run_the_binary(&build_args);
    }
}

/// The static check above tells a static binary from a dynamic one: this test binary asks for a
/// loader (it is built for the host, glibc).
#[cfg(target_env = "gnu")]
#[test]
fn the_static_check_tells_a_dynamic_binary() {
    assert!(asks_for_a_loader(&std::env::current_exe().unwrap()));
}
