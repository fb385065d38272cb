//! Running `git` in a folder: how it is told to trust the folder, and what it said or why it failed.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

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
    said(args, git_command(folder, trust).args(args).output()?)
}

/// What git printed, or why it failed (its arguments and its error output).
fn said(args: &[impl AsRef<str>], output: Output) -> Result<Vec<u8>, GitError> {
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(GitError::Failed {
            args: args.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(" "),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        })
    }
}

/// A git command started in the Action's workspace before the run asks for its output, so git
/// works while the run does; one never asked for is stopped when dropped.
pub(super) struct Started {
    args: Vec<String>,
    /// `None` once its output has been taken.
    child: Option<Child>,
}

impl Started {
    /// Starts `git ARGS` in `workspace`; `None` when git cannot be started (asking later says why).
    pub(super) fn start(workspace: &Path, args: &[&str]) -> Option<Started> {
        let child = git_command(workspace, Trust::Workspace)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .ok()?;
        Some(Started {
            args: args.iter().map(|arg| arg.to_string()).collect(),
            child: Some(child),
        })
    }

    /// Whether it is `git ARGS`.
    pub(super) fn is(&self, args: &[&str]) -> bool {
        self.args.iter().map(String::as_str).eq(args.iter().copied())
    }

    /// Its process id, until its output is taken.
    #[cfg(test)]
    pub(super) fn id(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// What it printed, or why it failed, as [`git`] says.
    pub(super) fn output(mut self) -> Result<Vec<u8>, GitError> {
        let child = self
            .child
            .take()
            .ok_or_else(|| std::io::Error::other("its output was taken"))?;
        said(&self.args, child.wait_with_output()?)
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        // Not asked for: git may be stopped on a full pipe, so it is ended and waited for.
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
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

/// Commits everything in the repository in `dir` (as a test's author), even nothing; the commit's id.
#[cfg(test)]
pub(super) fn commit_all(dir: &Path, message: &str) -> String {
    let config = ["-c", "user.name=t", "-c", "user.email=t@t"];
    git(dir, &[&config[..], &["add", "-A"]].concat()).unwrap();
    git(
        dir,
        &[&config[..], &["commit", "-q", "--allow-empty", "-m", message]].concat(),
    )
    .unwrap();
    String::from_utf8(git(dir, &["rev-parse", "HEAD"]).unwrap())
        .unwrap()
        .trim()
        .to_string()
}
