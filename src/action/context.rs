//! The GitHub context: what triggered the run, where the workspace and the command files are.

use std::collections::HashMap;
use std::path::PathBuf;

/// What the workflow run was triggered by, as far as cxone-flow cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// A pull request: check the flows it touches.
    PullRequest(PullRequest),
    /// A tag push: check everything, then release the tag.
    Tag(String),
    /// A branch push, `workflow_dispatch`, or anything else: check everything.
    Other,
}

/// The pull request an event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    pub base_sha: String,
    pub head_sha: String,
    /// `changed_files` from the payload, when present.
    pub changed_files: Option<u64>,
}

impl PullRequest {
    /// Whether it changes more files than GitHub lists of a pull request: its changed files are
    /// then not looked for, every flow is checked.
    pub fn changes_more_than_listed(&self) -> bool {
        self.changed_files
            .is_some_and(|n| n as usize > crate::github::api::FILES_CAP)
    }
}

/// The `GITHUB_*` variables cxone-flow reads.
#[derive(Debug, Clone)]
pub struct GitHubContext {
    pub event_name: String,
    pub trigger: Trigger,
    pub workspace: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub step_summary: Option<PathBuf>,
    pub api_url: String,
    pub repository: Option<String>,
    /// Why the event payload could not be used, when it could not.
    pub event_problem: Option<String>,
}

fn var(vars: &HashMap<String, String>, name: &str) -> Option<String> {
    vars.get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl GitHubContext {
    pub fn read(vars: &HashMap<String, String>) -> GitHubContext {
        let event_name = var(vars, "GITHUB_EVENT_NAME").unwrap_or_default();
        let git_ref = var(vars, "GITHUB_REF").unwrap_or_default();
        let ref_type = var(vars, "GITHUB_REF_TYPE");
        let mut event_problem = None;
        let trigger = match event_name.as_str() {
            "pull_request" | "pull_request_target" => {
                match read_pull_request(var(vars, "GITHUB_EVENT_PATH").map(PathBuf::from)) {
                    Ok(pr) => Trigger::PullRequest(pr),
                    Err(problem) => {
                        event_problem = Some(problem);
                        Trigger::Other
                    }
                }
            }
            "push" => match git_ref.strip_prefix("refs/tags/") {
                Some(tag) if ref_type.as_deref().is_none_or(|t| t == "tag") => Trigger::Tag(tag.to_string()),
                _ => Trigger::Other,
            },
            _ => Trigger::Other,
        };
        GitHubContext {
            event_name,
            trigger,
            workspace: var(vars, "GITHUB_WORKSPACE").map(PathBuf::from),
            output: var(vars, "GITHUB_OUTPUT").map(PathBuf::from),
            step_summary: var(vars, "GITHUB_STEP_SUMMARY").map(PathBuf::from),
            api_url: var(vars, "GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into()),
            repository: var(vars, "GITHUB_REPOSITORY"),
            event_problem,
        }
    }
}

/// The pull request of a `pull_request` event payload.
fn read_pull_request(path: Option<PathBuf>) -> Result<PullRequest, String> {
    let path = path.ok_or("GITHUB_EVENT_PATH is not set")?;
    let text =
        std::fs::read(&path).map_err(|e| format!("failed to read the event payload `{}`: {e}", path.display()))?;
    let event: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| format!("the event payload `{}` is not JSON: {e}", path.display()))?;
    let pr = &event["pull_request"];
    let sha = |side: &str| pr[side]["sha"].as_str().map(str::to_string);
    match (
        pr["number"].as_u64().or(event["number"].as_u64()),
        sha("base"),
        sha("head"),
    ) {
        (Some(number), Some(base_sha), Some(head_sha)) => Ok(PullRequest {
            number,
            base_sha,
            head_sha,
            changed_files: pr["changed_files"].as_u64(),
        }),
        _ => Err(format!(
            "the event payload `{}` has no pull_request number, base.sha and head.sha",
            path.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pull_requests_and_everything_else() {
        let dir = tempfile::tempdir().unwrap();
        let event = dir.path().join("event.json");
        std::fs::write(
            &event,
            r#"{"number": 7, "pull_request": {"number": 7, "changed_files": 2,
                "base": {"sha": "b1"}, "head": {"sha": "h1"}}}"#,
        )
        .unwrap();
        let vars = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        let pr = GitHubContext::read(&vars(&[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ]));
        assert_eq!(
            pr.trigger,
            Trigger::PullRequest(PullRequest {
                number: 7,
                base_sha: "b1".into(),
                head_sha: "h1".into(),
                changed_files: Some(2)
            })
        );
        let tag = GitHubContext::read(&vars(&[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_REF", "refs/tags/v1.2.0-prod"),
            ("GITHUB_REF_TYPE", "tag"),
        ]));
        assert_eq!(tag.trigger, Trigger::Tag("v1.2.0-prod".into()));
        let branch = GitHubContext::read(&vars(&[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_REF", "refs/heads/main"),
        ]));
        assert_eq!(branch.trigger, Trigger::Other);
        let broken = GitHubContext::read(&vars(&[("GITHUB_EVENT_NAME", "pull_request")]));
        assert_eq!(broken.trigger, Trigger::Other);
        assert!(broken.event_problem.unwrap().contains("GITHUB_EVENT_PATH"));
    }
}
