//! Running `git` in a folder: how it is told to trust the folder, and what it said or why it failed.

use std::path::Path;
use std::process::Command;

/// Why `git` could not say what changed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("failed to run git: {0}")]
    Spawn(#[from] std::io::Error),
    #[error("`git {args}` failed: {stderr}")]
    Failed { args: String, stderr: String },
}

/// Whether git is told to trust a folder another user owns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trust {
    /// The Action's workspace: in a container it belongs to another user, and git refuses such
    /// repositories unless `safe.directory` names them.
    Workspace,
    /// A user's own checkout (the command line): git's own `safe.directory` check stands.
    AsGitDecides,
}

/// Runs git in the Action's `workspace`, trusting it.
pub(super) fn git(workspace: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    git_with(workspace, Trust::Workspace, args)
}

fn git_with(folder: &Path, trust: Trust, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = git_command(folder, trust).args(args).output()?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(GitError::Failed {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        })
    }
}

/// `git` run in `folder`, trusting it as `trust` says (`safe.directory` for the workspace).
pub(super) fn git_command(folder: &Path, trust: Trust) -> Command {
    let mut command = Command::new("git");
    if trust == Trust::Workspace {
        command.arg("-c").arg(format!("safe.directory={}", folder.display()));
    }
    command.arg("-C").arg(folder);
    command
}

/// The commit checked out in `folder`, when it is a clone with one.
pub fn git_head(folder: &Path, trust: Trust) -> Option<String> {
    let out = git_with(folder, trust, &["rev-parse", "HEAD"]).ok()?;
    Some(String::from_utf8_lossy(&out).trim().to_string()).filter(|sha| !sha.is_empty())
}

/// The bytes of a file at a commit, `None` when it did not exist there.
pub(super) fn git_show(workspace: &Path, commit: &str, path: &str) -> Option<Vec<u8>> {
    git(workspace, &["show", &format!("{commit}:{path}")]).ok()
}
