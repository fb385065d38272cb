//! The files a pull request changed: their model, and `git diff` between the base and head commits
//! when the REST API cannot say.

use std::path::Path;
use std::process::Command;

/// One file a pull request touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedFile {
    /// Repository-relative path, forward slashes (the new path of a rename).
    pub path: String,
    /// The path before a rename.
    pub previous: Option<String>,
    pub removed: bool,
}

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
fn git(workspace: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    git_with(workspace, Trust::Workspace, args)
}

fn git_with(folder: &Path, trust: Trust, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let mut command = Command::new("git");
    if trust == Trust::Workspace {
        command.arg("-c").arg(format!("safe.directory={}", folder.display()));
    }
    let output = command.arg("-C").arg(folder).args(args).output()?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(GitError::Failed {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        })
    }
}

/// Whether the clone has a commit.
pub fn git_has_commit(workspace: &Path, sha: &str) -> bool {
    git(workspace, &["cat-file", "-e", &format!("{sha}^{{commit}}")]).is_ok()
}

/// The commit checked out in `folder`, when it is a clone with one.
pub fn git_head(folder: &Path, trust: Trust) -> Option<String> {
    let out = git_with(folder, trust, &["rev-parse", "HEAD"]).ok()?;
    Some(String::from_utf8_lossy(&out).trim().to_string()).filter(|sha| !sha.is_empty())
}

/// Makes sure a commit is present, fetching it (depth 1) when a shallow clone lacks it.
fn ensure_commit(workspace: &Path, sha: &str) -> Result<(), GitError> {
    let object = format!("{sha}^{{commit}}");
    if git(workspace, &["cat-file", "-e", &object]).is_ok() {
        return Ok(());
    }
    git(
        workspace,
        &["fetch", "--quiet", "--no-tags", "--depth=1", "origin", sha],
    )?;
    git(workspace, &["cat-file", "-e", &object]).map(|_| ())
}

/// The commit a pull request branched from: the merge base of its base and head, deepening a
/// shallow clone (bounded) to find it; the base itself when no merge base can be had.
fn branch_point(workspace: &Path, base: &str, head: &str) -> String {
    let merge_base = || {
        git(workspace, &["merge-base", base, head])
            .ok()
            .map(|out| String::from_utf8_lossy(&out).trim().to_string())
            .filter(|sha| !sha.is_empty())
    };
    merge_base()
        .or_else(|| {
            git(
                workspace,
                &["fetch", "--quiet", "--no-tags", "--deepen=1000", "origin", base, head],
            )
            .ok()?;
            merge_base()
        })
        .unwrap_or_else(|| base.to_string())
}

/// The files a pull request changed: between the merge base of `base` and `head` and `head`
/// (`git diff BASE...HEAD`), so files changed only on the base branch since are not its own.
pub fn git_diff(workspace: &Path, base: &str, head: &str) -> Result<Vec<ChangedFile>, GitError> {
    ensure_commit(workspace, base)?;
    ensure_commit(workspace, head)?;
    let from = branch_point(workspace, base, head);
    let output = git(
        workspace,
        &["diff", "--name-status", "-z", "--find-renames", &from, head],
    )?;
    Ok(parse_name_status(&output))
}

/// The bytes of a file at a commit, `None` when it did not exist there.
pub fn git_show(workspace: &Path, commit: &str, path: &str) -> Option<Vec<u8>> {
    git(workspace, &["show", &format!("{commit}:{path}")]).ok()
}

/// Parses `git diff --name-status -z`: a status, then one path (two for renames and copies).
fn parse_name_status(output: &[u8]) -> Vec<ChangedFile> {
    let mut fields = output
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut files = Vec::new();
    while let Some(status) = fields.next() {
        let Some(first) = fields.next() else { break };
        match status.chars().next() {
            Some('R') => {
                let Some(path) = fields.next() else { break };
                files.push(ChangedFile {
                    path,
                    previous: Some(first),
                    removed: false,
                });
            }
            Some('C') => {
                let Some(path) = fields.next() else { break };
                files.push(ChangedFile {
                    path,
                    previous: None,
                    removed: false,
                });
            }
            Some(kind) => files.push(ChangedFile {
                path: first,
                previous: None,
                removed: kind == 'D',
            }),
            None => {}
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_status_with_renames_and_removals() {
        let out = b"M\0a.flow.json\0R087\0old.flow.json\0new.flow.json\0D\0gone.tests.json\0A\0x y.flow.json\0";
        let files = parse_name_status(out);
        assert_eq!(files.len(), 4);
        assert_eq!(files[1].previous.as_deref(), Some("old.flow.json"));
        assert_eq!(files[1].path, "new.flow.json");
        assert!(files[2].removed);
        assert_eq!(files[3].path, "x y.flow.json");
    }
}
