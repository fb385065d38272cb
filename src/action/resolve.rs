//! The Action's settings resolved once, before anything runs: from the runner's variables and the
//! event's context (the workspace, the pull request whose base commit's settings file applies,
//! read from git or through the [`GitHub`] port), the settings file chosen, the inputs read, the
//! hosts a credential may go to checked; or the problem of a run that cannot start (exit 2).

use std::collections::HashMap;

use crate::action::context::{GitHubContext, Trigger};
use crate::action::inputs::{self, ActionSettings};
use crate::action::log::Log;
use crate::action::settings_file;
use crate::exit::Ending;
use crate::github::GitHub;
use crate::github::api::{GitHubError, RestGitHub};
use crate::github::changes;
use crate::github::objects::{GitObjects, is_object_id};
use crate::outcome::Problem;
use crate::redact::Redactor;
use crate::settings::Backend;

/// The GitHub port over REST for a run: none without a `github-token` or a repository.
pub fn rest_github(
    vars: &HashMap<String, String>,
    context: &GitHubContext,
    redactor: &Redactor,
) -> Result<Option<RestGitHub>, GitHubError> {
    let (Ok((_, Some(token))), Some(repository)) = (inputs::early(vars), context.repository.as_deref()) else {
        return Ok(None);
    };
    RestGitHub::new(&context.api_url, repository, &token, redactor.clone()).map(Some)
}

/// The settings of one run of the Action from the runner's variables and the event's `context`,
/// asking GitHub through `github` (none without a token or a repository) for a pull request's base
/// settings file; `redactor` holds the secrets already masked. The settings line and the CXone
/// hosts go to `log`; a run that cannot start gets the problem that says why (its outcome:
/// `Outcome::from`), logged as an error.
pub fn resolve(
    vars: &HashMap<String, String>,
    context: &GitHubContext,
    redactor: &Redactor,
    github: Option<&dyn GitHub>,
    log: &Log,
) -> Result<ActionSettings, Problem> {
    let Some(workspace) = context.workspace.as_deref() else {
        return Err(log.stopped("cxone-flow", Ending::BadSetting, "GITHUB_WORKSPACE is not set"));
    };
    if let Err(error) = std::fs::read_dir(workspace) {
        return Err(log.stopped(
            "cxone-flow",
            Ending::Unreadable,
            &format!("failed to enter the workspace `{}`: {error}", workspace.display()),
        ));
    }
    // One `git cat-file` reads the base commit's settings file and, later, the run's base versions.
    let git = GitObjects::new(workspace);
    let early = inputs::early(vars);
    // GitHub is asked only with a token.
    let github = github.filter(|_| matches!(early, Ok((_, Some(_)))));
    start_diff_ahead(&git, context, github);
    let chosen = early
        .map_err(|error| error.to_string())
        .and_then(|(working_directory, _)| {
            let pull_request = match &context.trigger {
                Trigger::PullRequest(pr) => Some(pr),
                _ => None,
            };
            let read_base = |path: &str| read_at_base(&git, context, github, path);
            settings_file::choose(workspace, &working_directory, pull_request, read_base).map_err(|e| e.to_string())
        });
    let config = match chosen {
        Ok(chosen) => {
            log.untrusted(&chosen.described);
            chosen.config
        }
        Err(message) => return Err(log.stopped("cxone-flow config", Ending::BadSetting, &message)),
    };
    let settings = match ActionSettings::read(vars, config.as_ref(), git, redactor) {
        Ok(settings) => settings,
        Err(error) => {
            let title = format!("cxone-flow input {}", error.key);
            return Err(log.stopped(&title, Ending::BadSetting, &error.to_string()));
        }
    };
    if !settings.changed_only || settings.rollback_flow_id.is_some() {
        // Every flow is checked, or none: the changed files are not looked for.
        settings.git.stop_ahead();
    }
    if let Err(message) = log_cxone_hosts(&settings, log) {
        return Err(log.stopped("cxone-flow", Ending::CxoneRefused, &message));
    }
    Ok(settings)
}

/// Starts, for a pull request whose changed files git must say (no `github` to ask: no token or no
/// repository), the `git diff` from its base to its head, so git reads the trees
/// while the run reads its settings. It is stopped once the settings are read if they say the
/// changed files are not looked for (`changed-only: false`, a rollback), and when the run finds
/// that the head does not come after the base (the diff wanted is then another); else the run
/// takes its output.
fn start_diff_ahead(git: &GitObjects, context: &GitHubContext, github: Option<&dyn GitHub>) {
    let Trigger::PullRequest(pr) = &context.trigger else {
        return;
    };
    // Only object ids are passed to git ahead of any check of them.
    let ids = [&pr.base_sha, &pr.head_sha]
        .iter()
        .all(|sha| is_object_id(sha.as_bytes()));
    if github.is_none() && ids && !pr.changes_more_than_listed() {
        git.start_ahead(&changes::diff_args(&pr.base_sha, &pr.head_sha));
    }
}

/// A repository path at the pull request's base commit: from git when the clone has the commit,
/// else from GitHub (when the run has a `github-token`).
fn read_at_base(
    git: &GitObjects,
    context: &GitHubContext,
    github: Option<&dyn GitHub>,
    path: &str,
) -> Result<Option<Vec<u8>>, String> {
    let Trigger::PullRequest(pr) = &context.trigger else {
        return Ok(None);
    };
    if let Ok(found) = git.file_at(&pr.base_sha, path) {
        return Ok(found);
    }
    let Some(github) = github else {
        return Err(NO_TOKEN_FOR_BASE.into());
    };
    github.file_at(path, &pr.base_sha).map_err(|e| e.to_string())
}

/// Why a base version cannot be read.
pub(crate) const NO_TOKEN_FOR_BASE: &str =
    "the base commit is not in the clone and there is no github-token to ask GitHub";

/// Logs where a key or token may go this run, after refusing any host that is not NICE's, loopback
/// or named in the workflow's `cxone-allowed-hosts`.
fn log_cxone_hosts(action: &ActionSettings, log: &Log) -> Result<(), String> {
    let studio = action.settings.backend == Backend::Studio;
    let calls_cxone = action.release_on_tag
        || action.rollback_flow_id.is_some()
        || (studio && (action.remote_validate || action.check_drift));
    if !calls_cxone {
        return Ok(());
    }
    let urls = crate::release::credential_urls(&action.settings)?;
    let hosts: Vec<String> = urls
        .iter()
        .map(|(what, url)| {
            let host = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
            let host = host.split(['/', '?']).next().unwrap_or_default();
            let host = host.rsplit('@').next().unwrap_or_default();
            format!("{what} {host}")
        })
        .collect();
    log.untrusted(&format!("CXone hosts: {}", hosts.join(", ")));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runner's variables of a pull request's run in `dir` (its event there too), with `more`
    /// (`base`: the base commit's id in the event).
    fn pull_request(dir: &std::path::Path, changed_files: u64, more: &[(&str, &str)]) -> HashMap<String, String> {
        let event = dir.join("event.json");
        let base = more
            .iter()
            .find(|(k, _)| *k == "base")
            .map_or("a".repeat(40), |(_, v)| v.to_string());
        let payload = serde_json::json!({ "number": 1, "pull_request": {
            "number": 1, "changed_files": changed_files,
            "base": { "sha": base }, "head": { "sha": "b".repeat(40) },
        }});
        std::fs::write(&event, payload.to_string()).unwrap();
        let mut vars: HashMap<String, String> = [
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("GITHUB_WORKSPACE", dir.to_str().unwrap()),
            ("GITHUB_REPOSITORY", "o/r"),
        ]
        .iter()
        .chain(more)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        vars.retain(|_, v| !v.is_empty());
        vars
    }

    #[test]
    fn git_diff_starts_ahead_only_for_a_pull_request_whose_changed_files_git_must_say() {
        let dir = tempfile::tempdir().unwrap();
        let started = |vars: &HashMap<String, String>| {
            let context = GitHubContext::read(vars);
            let github = rest_github(vars, &context, &Redactor::new()).unwrap();
            let git = GitObjects::new(dir.path());
            start_diff_ahead(&git, &context, github.as_ref().map(|g| g as &dyn GitHub));
            git.ahead_process().is_some()
        };
        assert!(started(&pull_request(dir.path(), 3, &[])), "no token");
        assert!(
            !started(&pull_request(dir.path(), 3, &[("INPUT_GITHUB-TOKEN", "t0ken")])),
            "GitHub lists the changed files"
        );
        assert!(
            started(&pull_request(
                dir.path(),
                3,
                &[("INPUT_GITHUB-TOKEN", "t0ken"), ("GITHUB_REPOSITORY", "")]
            )),
            "a token but no repository to ask about"
        );
        assert!(!started(&pull_request(dir.path(), 3001, &[])), "every flow is checked");
        let mut push = pull_request(dir.path(), 3, &[]);
        push.insert("GITHUB_EVENT_NAME".into(), "push".into());
        assert!(!started(&push), "not a pull request");
        assert!(
            !started(&pull_request(dir.path(), 3, &[("base", "--output=x")])),
            "a base that is not an object id"
        );
    }

    #[test]
    fn a_diff_started_ahead_is_stopped_once_the_settings_say_the_changed_files_are_not_looked_for() {
        let dir = tempfile::tempdir().unwrap();
        let ahead = |more: &[(&str, &str)]| {
            let vars = pull_request(dir.path(), 3, more);
            let context = GitHubContext::read(&vars);
            let settings = resolve(&vars, &context, &Redactor::new(), None, &Log::new(|_| {})).unwrap();
            settings.git.ahead_process().is_some()
        };
        assert!(ahead(&[]));
        assert!(!ahead(&[("INPUT_CHANGED-ONLY", "false")]));
        assert!(!ahead(&[("INPUT_ROLLBACK-FLOW-ID", "flow-1")]));
    }
}
