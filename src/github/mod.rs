//! Talking to GitHub: the files a pull request changed (REST, or `git diff`) and the PR comment.

pub mod api;
pub mod changes;
