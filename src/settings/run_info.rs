//! Who and what a run is (the repository and commit it releases from, who started it, the workflow
//! run's page), resolved once by each adapter: the Action from the runner's variables, the command
//! line from its flags, its environment and the current folder. The library reads only this, never
//! the process, so two runs in one process stay apart.

use std::path::Path;

use crate::github::git::{Trust, git_head};

/// Who and what ran: written on every audit line, and `owner/repo@commit` on every version a
/// release registers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunInfo {
    /// `owner/repo`.
    pub repository: Option<String>,
    /// The commit released.
    pub commit: Option<String>,
    /// Who started the run (`GITHUB_ACTOR`).
    pub actor: Option<String>,
    /// The workflow run's page: `GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID`.
    pub run_url: Option<String>,
}

/// What the audit log and `createdBy` say of a repository or commit nobody named.
const UNKNOWN: &str = "unknown";

impl RunInfo {
    /// From the runner's `GITHUB_*` variables, each read by `var`; empty outside a workflow.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let get = |key: &str| var(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let repository = get("GITHUB_REPOSITORY");
        let run_url = match (get("GITHUB_SERVER_URL"), &repository, get("GITHUB_RUN_ID")) {
            (Some(server), Some(repository), Some(run)) => {
                let attempt = get("GITHUB_RUN_ATTEMPT")
                    .map(|a| format!("/attempts/{a}"))
                    .unwrap_or_default();
                Some(format!(
                    "{}/{repository}/actions/runs/{run}{attempt}",
                    server.trim_end_matches('/')
                ))
            }
            _ => None,
        };
        RunInfo {
            repository,
            commit: get("GITHUB_SHA"),
            actor: get("GITHUB_ACTOR"),
            run_url,
        }
    }

    /// `self` (what the flags named) completed from the runner's variables (each read by `var`),
    /// then from the checkout in `folder` (git trusting it as `trust` says): its `HEAD` commit, its
    /// name as the repository's.
    pub fn completed(self, var: impl Fn(&str) -> Option<String>, folder: Option<&Path>, trust: Trust) -> RunInfo {
        let mut run = self.or(RunInfo::from_vars(var));
        if let Some(folder) = folder {
            if run.commit.is_none() {
                run.commit = git_head(folder, trust);
            }
            if run.repository.is_none() {
                run.repository = folder.file_name().and_then(|name| name.to_str()).map(str::to_string);
            }
        }
        run
    }

    /// Each field of `self`, else `other`'s.
    fn or(self, other: RunInfo) -> RunInfo {
        RunInfo {
            repository: self.repository.or(other.repository),
            commit: self.commit.or(other.commit),
            actor: self.actor.or(other.actor),
            run_url: self.run_url.or(other.run_url),
        }
    }

    /// The repository, `unknown` when nobody named it.
    pub fn repository_or_unknown(&self) -> &str {
        self.repository.as_deref().unwrap_or(UNKNOWN)
    }

    /// The commit, `unknown` when nobody named it.
    pub fn commit_or_unknown(&self) -> &str {
        self.commit.as_deref().unwrap_or(UNKNOWN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_runner_s_variables_name_the_run_and_given_values_come_first() {
        let runner = RunInfo::from_vars(vars(&[
            ("GITHUB_REPOSITORY", "acme/ivr"),
            ("GITHUB_SHA", "abc123"),
            ("GITHUB_ACTOR", "dev"),
            ("GITHUB_SERVER_URL", "https://github.com/"),
            ("GITHUB_RUN_ID", "42"),
            ("GITHUB_RUN_ATTEMPT", "2"),
        ]));
        assert_eq!(
            runner,
            RunInfo {
                repository: Some("acme/ivr".into()),
                commit: Some("abc123".into()),
                actor: Some("dev".into()),
                run_url: Some("https://github.com/acme/ivr/actions/runs/42/attempts/2".into()),
            }
        );
        let given = RunInfo {
            commit: Some("fed987".into()),
            ..RunInfo::default()
        };
        let resolved = given.or(runner);
        assert_eq!(
            (resolved.commit_or_unknown(), resolved.repository_or_unknown()),
            ("fed987", "acme/ivr")
        );
        let outside = RunInfo::from_vars(vars(&[("GITHUB_ACTOR", " "), ("GITHUB_RUN_ID", "42")]));
        assert_eq!(outside, RunInfo::default());
        assert_eq!(
            (outside.commit_or_unknown(), outside.repository_or_unknown()),
            ("unknown", "unknown")
        );
    }
}
