//! The GitHub Action's side of cxone-flow: inputs, the GitHub context, and which flows a run checks.

pub mod context;
pub mod inputs;
pub mod run;
pub mod select;
pub mod settings_file;

/// Whether to run as the Action: on a GitHub runner (`GITHUB_ACTIONS=true`), with no arguments.
pub fn wanted() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") && std::env::args_os().len() == 1
}
