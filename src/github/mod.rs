//! Talking to GitHub: the port the Action asks GitHub through ([`GitHub`]), its REST
//! implementation, and the files a pull request changed (REST, or `git diff` and the clone's
//! objects).

pub mod api;
pub mod changes;
pub mod git;
pub mod objects;

use crate::github::api::{CommentAction, GitHubError, PullFiles};

/// What the Action asks of GitHub. [`api::RestGitHub`] answers over the REST API; a test answers
/// from memory.
pub trait GitHub {
    /// Every file of a pull request, up to the API's cap of [`api::FILES_CAP`].
    fn pull_files(&self, number: u64) -> Result<PullFiles, GitHubError>;
    /// A file's bytes at a commit; `None` when it did not exist there.
    fn file_at(&self, path: &str, commit: &str) -> Result<Option<Vec<u8>>, GitHubError>;
    /// Creates the pull request comment that carries `marker`, or updates ours in place (one with
    /// the marker written by anyone else is left alone).
    fn upsert_comment(&self, number: u64, marker: &str, body: &str) -> Result<CommentAction, GitHubError>;
}
