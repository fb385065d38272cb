//! The Action's adapter: reads the runner's environment, masks the secrets, sets up the GitHub
//! port over REST, runs the library's Action ([`cxone_flow::action::run::run`]) with its log on
//! standard output, and exits with the code it decided.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use cxone_flow::action::context::GitHubContext;
use cxone_flow::action::run::{Log, mask, rest_github};
use cxone_flow::github::GitHub;
use cxone_flow::report::annotations::escape_data;

/// Writes to the job log.
fn log(text: &str) {
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
    let job_log = Log::new(log);
    let redactor = mask(&vars, &job_log);
    let context = GitHubContext::read(&vars);
    let workspace = context
        .workspace
        .clone()
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    // Without GitHub the run goes on: the changed files come from git, and no comment is made.
    let github = rest_github(&vars, &context, &redactor).unwrap_or_else(|error| {
        log(&format!(
            "::warning title=cxone-flow GitHub API::{}",
            escape_data(&error.to_string())
        ));
        None
    });
    let port = github.as_ref().map(|g| g as &dyn GitHub);
    cxone_flow::action::run::run(&vars, context, workspace, redactor, port, job_log).into()
}
