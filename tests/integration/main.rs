//! The integration test binary: one module per area.

mod cases;
mod cli;
mod cxone;
mod differential;
mod engine;
mod props;
mod release;
mod rules;

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `tests/fixtures`.
pub fn fixture(relative: &str) -> PathBuf {
    root().join("tests/fixtures").join(relative)
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
