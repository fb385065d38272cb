//! The Action's adapter: reads the runner's environment, masks the secrets, sets up the GitHub
//! port over REST, resolves the settings ([`cxone_flow::action::resolve`]), runs the library's
//! Action ([`cxone_flow::action::run`]) with its log on standard output, and exits with the code
//! of the outcome it returns.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use cxone_flow::action::context::GitHubContext;
use cxone_flow::action::log::{Log, mask};
use cxone_flow::action::resolve::rest_github;
use cxone_flow::github::GitHub;

/// Whether to run as the Action: on a GitHub runner (`GITHUB_ACTIONS=true`), with no arguments.
pub fn wanted() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") && std::env::args_os().len() == 1
}

/// Writes to the job log.
fn print_line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = out.write_all(b"\n");
    }
    let _ = out.flush();
}

fn environment() -> HashMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

pub fn run() -> ExitCode {
    let vars = environment();
    let log = Log::new(print_line);
    let redactor = mask(&vars, &log);
    let mut context = GitHubContext::read(&vars);
    if context.workspace.is_none() {
        context.workspace = std::env::current_dir().ok();
    }
    // Without GitHub the run goes on: the changed files come from git, and no comment is made.
    let github = rest_github(&vars, &context, &redactor).unwrap_or_else(|error| {
        log.warning("cxone-flow GitHub API", &error.to_string());
        None
    });
    let port = github.as_ref().map(|g| g as &dyn GitHub);
    let outcome = match cxone_flow::action::resolve(&vars, &context, &redactor, port, &log) {
        Ok(settings) => cxone_flow::action::run(&settings, &context, port, &log),
        Err(problem) => problem.into(),
    };
    outcome.exit().into()
}
