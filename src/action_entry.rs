//! The Action's adapter: reads the runner's environment, masks the secrets, enters the workspace,
//! runs the library's Action ([`cxone_flow::action::run::run`]) with its log on standard output,
//! and exits with the code it decided.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use cxone_flow::action::context::GitHubContext;
use cxone_flow::action::inputs::secrets;
use cxone_flow::action::run::Log;
use cxone_flow::exit::Exit;
use cxone_flow::redact::Redactor;
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
    // Masks first, before a single other line reaches the log; the same secrets are scrubbed from
    // every text a server sends back.
    let redactor = Redactor::new();
    for secret in secrets(&vars) {
        redactor.add(&secret);
        for line in secret.lines().filter(|l| !l.trim().is_empty()) {
            log(&format!("::add-mask::{}", escape_data(line)));
        }
    }
    let context = GitHubContext::read(&vars);
    if let Some(workspace) = &context.workspace
        && let Err(error) = std::env::set_current_dir(workspace)
    {
        log(&format!(
            "::error title=cxone-flow::{}",
            escape_data(&format!(
                "failed to enter the workspace `{}`: {error}",
                workspace.display()
            ))
        ));
        return Exit::CannotRun.into();
    }
    let workspace = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cxone_flow::safe_file::confine_to(&workspace);
    cxone_flow::action::run::run(&vars, context, workspace, redactor, Log::new(log)).into()
}
