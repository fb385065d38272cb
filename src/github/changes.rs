//! The files a pull request changed: their model, and `git diff` between the base and head commits
//! when the REST API cannot say.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

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
fn git_command(folder: &Path, trust: Trust) -> Command {
    let mut command = Command::new("git");
    if trust == Trust::Workspace {
        command.arg("-c").arg(format!("safe.directory={}", folder.display()));
    }
    command.arg("-C").arg(folder);
    command
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
    if git_has_commit(workspace, sha) {
        return Ok(());
    }
    git(
        workspace,
        &["fetch", "--quiet", "--no-tags", "--depth=1", "origin", sha],
    )?;
    git(workspace, &["cat-file", "-e", &format!("{sha}^{{commit}}")]).map(|_| ())
}

/// The merge base of two commits, when the clone has both and one between them.
fn merge_base(workspace: &Path, base: &str, head: &str) -> Option<String> {
    git(workspace, &["merge-base", base, head])
        .ok()
        .map(|out| String::from_utf8_lossy(&out).trim().to_string())
        .filter(|sha| !sha.is_empty())
}

/// The commit a pull request branched from: the merge base of its base and head, deepening a
/// shallow clone (bounded) to find it; the base itself when no merge base can be had.
fn branch_point(workspace: &Path, base: &str, head: &str) -> String {
    merge_base(workspace, base, head)
        .or_else(|| {
            git(
                workspace,
                &["fetch", "--quiet", "--no-tags", "--deepen=1000", "origin", base, head],
            )
            .ok()?;
            merge_base(workspace, base, head)
        })
        .unwrap_or_else(|| base.to_string())
}

/// What `git diff` says a pull request changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    pub files: Vec<ChangedFile>,
    /// When the diff was taken from the base commit itself (the pull request branches from it):
    /// each path the diff touched there, with its blob at the base (`None`: no file there, as for
    /// an added file). A path not in it is at the base as it is at the head. `None` when the
    /// branch starts before the base, so the diff's old side is not the base.
    pub at_base: Option<HashMap<String, Option<String>>>,
}

/// The files a pull request changed: between the merge base of `base` and `head` and `head`
/// (`git diff BASE...HEAD`), so files changed only on the base branch since are not its own.
/// One `git merge-base` and one `git diff` when the clone has both commits; a shallow clone that
/// lacks one is fetched what it lacks first.
pub fn git_diff(workspace: &Path, base: &str, head: &str) -> Result<Diff, GitError> {
    let from = match merge_base(workspace, base, head) {
        Some(from) => from,
        None => {
            ensure_commit(workspace, base)?;
            ensure_commit(workspace, head)?;
            branch_point(workspace, base, head)
        }
    };
    let output = git(
        workspace,
        &["diff", "--raw", "--no-abbrev", "-z", "--find-renames", &from, head],
    )?;
    let (files, old_blobs) = parse_raw(&output);
    Ok(Diff {
        files,
        at_base: (from == base).then_some(old_blobs),
    })
}

/// The bytes of a file at a commit, `None` when it did not exist there.
pub fn git_show(workspace: &Path, commit: &str, path: &str) -> Option<Vec<u8>> {
    git(workspace, &["show", &format!("{commit}:{path}")]).ok()
}

/// Why a file at a commit cannot be read from the clone.
#[derive(Debug, thiserror::Error)]
#[error("the clone does not have the commit {0}")]
pub struct NotInClone(String);

/// The bytes of the file at `path` in `commit` (`None` when no file is there), with one git
/// process: `git cat-file --batch` asked for the commit, then the file; `NotInClone` when the
/// clone lacks the commit (or git cannot be run).
pub fn git_file_at(workspace: &Path, commit: &str, path: &str) -> Result<Option<Vec<u8>>, NotInClone> {
    let not_in_clone = || NotInClone(commit.to_string());
    if path.contains('\n') || commit.contains('\n') {
        // A name of a batch is one line: such a path is asked for on its own.
        return if git_has_commit(workspace, commit) {
            Ok(git_show(workspace, commit, path))
        } else {
            Err(not_in_clone())
        };
    }
    let names = [format!("{commit}^{{commit}}"), format!("{commit}:{path}")];
    let mut answers = cat_batch(workspace, &names).map_err(|_| not_in_clone())?.into_iter();
    match (answers.next().flatten(), answers.next()) {
        (Some(_commit), Some(file)) => Ok(file.filter(|object| object.kind == "blob").map(|object| object.bytes)),
        _ => Err(not_in_clone()),
    }
}

/// The bytes of each of `paths` at a commit (`None` where no file was there), as [`git_show`]
/// reads a file, with two git processes whatever their number: `git ls-tree` finds their
/// blobs, reading each folder's tree once (`git show COMMIT:PATH` reads it again for every path: 15 M
/// instructions a file in a folder of 20,000 entries), then `git cat-file --batch` prints them.
pub fn git_show_all(workspace: &Path, commit: &str, paths: &[&str]) -> Vec<Option<Vec<u8>>> {
    let blobs = blobs_at(workspace, commit, paths).unwrap_or_default();
    let wanted: Vec<&str> = paths
        .iter()
        .filter_map(|path| blobs.get(*path).map(String::as_str))
        .collect();
    let contents = git_blobs(workspace, &wanted);
    paths
        .iter()
        .map(|path| blobs.get(*path).and_then(|blob| contents.get(blob).cloned()))
        .collect()
}

/// The blob of each of `paths` at `commit` that is a file there, by path (from the repository's root).
fn blobs_at(workspace: &Path, commit: &str, paths: &[&str]) -> Result<HashMap<String, String>, GitError> {
    if paths.is_empty() {
        return Ok(HashMap::new());
    }
    let mut args = vec!["--literal-pathspecs", "ls-tree", "-z", "--full-tree", commit, "--"];
    args.extend_from_slice(paths);
    let listing = git(workspace, &args)?;
    // `MODE TYPE OBJECT\tPATH`, each ended by a NUL.
    Ok(listing
        .split(|&byte| byte == 0)
        .filter_map(|line| {
            let line = std::str::from_utf8(line).ok()?;
            let (info, path) = line.split_once('\t')?;
            let mut info = info.split(' ');
            let (_mode, kind, object) = (info.next()?, info.next()?, info.next()?);
            (kind == "blob").then(|| (path.to_string(), object.to_string()))
        })
        .collect())
}

/// The contents of `blobs` (object names), by name, from one `git cat-file --batch`; a name the
/// clone does not have is left out.
pub fn git_blobs(workspace: &Path, blobs: &[&str]) -> HashMap<String, Vec<u8>> {
    let answers = cat_batch(workspace, blobs).unwrap_or_default();
    blobs
        .iter()
        .zip(answers)
        .filter_map(|(name, answer)| {
            let object = answer.filter(|object| object.kind == "blob")?;
            Some((name.to_string(), object.bytes))
        })
        .collect()
}

/// One object `git cat-file --batch` printed.
struct Object {
    kind: String,
    bytes: Vec<u8>,
}

/// The answer to each of `names` (object names or `COMMIT:PATH`, one line each), in their order,
/// from one `git cat-file --batch`: `None` for a name the clone does not have.
fn cat_batch(workspace: &Path, names: &[impl AsRef<str>]) -> Result<Vec<Option<Object>>, GitError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = git_command(workspace, Trust::Workspace)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut input = child.stdin.take().ok_or_else(|| std::io::Error::other("no stdin"))?;
    let lines: String = names.iter().map(|name| format!("{}\n", name.as_ref())).collect();
    // Written from a thread of its own while the answers are read: git answers each name as it
    // reads it, so with both pipes full a writer that waited for its last name would wait forever.
    let output = std::thread::scope(|scope| {
        let writer = scope.spawn(move || input.write_all(lines.as_bytes()));
        let output = child.wait_with_output();
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the writer stopped")));
        output.and_then(|output| written.map(|()| output))
    })?;
    // Each answer: `OBJECT TYPE SIZE\n`, the SIZE bytes, `\n`; or `NAME missing\n` (or
    // `ambiguous`), one a name, in order.
    let mut answers = Vec::with_capacity(names.len());
    let mut rest = output.stdout.as_slice();
    while answers.len() < names.len() {
        let Some(end) = rest.iter().position(|&byte| byte == b'\n') else {
            break;
        };
        let header = String::from_utf8_lossy(&rest[..end]).into_owned();
        rest = &rest[end + 1..];
        let mut fields = header.rsplitn(3, ' ');
        let (Some(size), Some(kind)) = (fields.next(), fields.next()) else {
            answers.push(None);
            continue;
        };
        let Ok(size) = size.parse::<usize>() else {
            // `NAME missing`: a name may hold spaces, the last field is the word.
            answers.push(None);
            continue;
        };
        let Some(bytes) = rest.get(..size) else { break };
        answers.push(Some(Object {
            kind: kind.to_string(),
            bytes: bytes.to_vec(),
        }));
        rest = rest.get(size + 1..).unwrap_or_default();
    }
    answers.resize_with(names.len(), || None);
    Ok(answers)
}

/// Parses `git diff --raw --no-abbrev -z`: `:OLDMODE NEWMODE OLD NEW STATUS`, then one path (two
/// for renames and copies); the files, and the blob at the old side of each path the old side had
/// (`None` for an added file: nothing there).
fn parse_raw(output: &[u8]) -> (Vec<ChangedFile>, HashMap<String, Option<String>>) {
    let mut fields = output
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut files = Vec::new();
    let mut old_blobs = HashMap::new();
    while let Some(info) = fields.next() {
        let mut info = info.trim_start_matches(':').split(' ');
        let (Some(_old_mode), Some(_new_mode), Some(old), Some(_new), Some(status)) =
            (info.next(), info.next(), info.next(), info.next(), info.next())
        else {
            break;
        };
        let Some(first) = fields.next() else { break };
        let old = (!old.bytes().all(|b| b == b'0')).then(|| old.to_string());
        match status.chars().next() {
            Some('R') => {
                let Some(path) = fields.next() else { break };
                old_blobs.insert(first.clone(), old);
                // Nothing was at the new path before, as git found it.
                old_blobs.entry(path.clone()).or_insert(None);
                files.push(ChangedFile {
                    path,
                    previous: Some(first),
                    removed: false,
                });
            }
            Some('C') => {
                let Some(path) = fields.next() else { break };
                old_blobs.entry(path.clone()).or_insert(None);
                files.push(ChangedFile {
                    path,
                    previous: None,
                    removed: false,
                });
            }
            Some(kind) => {
                old_blobs.insert(first.clone(), old);
                files.push(ChangedFile {
                    path: first,
                    previous: None,
                    removed: kind == 'D',
                });
            }
            None => {}
        }
    }
    (files, old_blobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_diff_gives_the_files_and_their_blobs_at_the_old_side() {
        let (a, b, c, zero) = ("a".repeat(40), "b".repeat(40), "c".repeat(40), "0".repeat(40));
        let out = format!(
            ":100644 100644 {a} {b} M\0a.flow.json\0:100644 100644 {b} {c} R087\0old.flow.json\0new.flow.json\0\
             :100644 000000 {c} {zero} D\0gone.tests.json\0:000000 100644 {zero} {a} A\0x y.flow.json\0"
        );
        let (files, at_old) = parse_raw(out.as_bytes());
        assert_eq!(files.len(), 4);
        assert_eq!(files[1].previous.as_deref(), Some("old.flow.json"));
        assert_eq!(files[1].path, "new.flow.json");
        assert!(files[2].removed);
        assert_eq!(files[3].path, "x y.flow.json");
        assert_eq!(at_old["a.flow.json"].as_deref(), Some(a.as_str()));
        assert_eq!(at_old["old.flow.json"].as_deref(), Some(b.as_str()));
        assert_eq!(at_old["new.flow.json"], None);
        assert_eq!(at_old["gone.tests.json"].as_deref(), Some(c.as_str()));
        assert_eq!(at_old["x y.flow.json"], None);
        assert_eq!(at_old.len(), 5);
    }

    #[test]
    fn files_read_at_once_at_a_commit_are_those_read_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let run = |args: &[&str]| {
            let status = Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@t", "-C"])
                .arg(d)
                .args(args)
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        };
        run(&["init", "-q"]);
        let files = [
            ("a.flow.json", "{\"flowId\": \"a\"}\n"),
            ("team/b.tests.json", "{\"cases\": []}"),
            ("team/*[odd] name.flow.json", "glob characters, read literally"),
            ("team/c.flow.json", ""),
        ];
        for (path, text) in files {
            std::fs::create_dir_all(d.join(path).parent().unwrap()).unwrap();
            std::fs::write(d.join(path), text).unwrap();
        }
        run(&["add", "-A"]);
        run(&["commit", "-q", "-m", "base"]);
        // The work tree moves on: what is read is the commit's.
        std::fs::write(d.join("a.flow.json"), "changed").unwrap();
        let commit = git(d, &["rev-parse", "HEAD"]).unwrap();
        let commit = String::from_utf8(commit).unwrap();
        let commit = commit.trim();
        let paths = [
            "team/c.flow.json",
            "a.flow.json",
            "missing.flow.json",
            "team/*[odd] name.flow.json",
            "team/b.tests.json",
            "a.flow.json",
        ];
        let one_by_one: Vec<_> = paths.iter().map(|path| git_show(d, commit, path)).collect();
        assert_eq!(git_show_all(d, commit, &paths), one_by_one);
        assert_eq!(one_by_one[1].as_deref(), Some(files[0].1.as_bytes()));
        assert_eq!(one_by_one[2], None);
        // A folder is not a file; a commit the clone lacks has none.
        assert_eq!(git_show_all(d, commit, &["team"]), [None]);
        assert_eq!(git_show_all(d, &"0".repeat(40), &["a.flow.json"]), [None]);
        // One file at a time, with the commit's presence in the same git process.
        for (path, shown) in paths.iter().zip(&one_by_one) {
            assert_eq!(git_file_at(d, commit, path).unwrap().as_ref(), shown.as_ref(), "{path}");
        }
        assert_eq!(git_file_at(d, commit, "team").unwrap(), None);
        assert!(git_file_at(d, &"0".repeat(40), "a.flow.json").is_err());
        assert!(git_file_at(d, "HEAD", "new\nline.flow.json").unwrap().is_none());
    }

    #[test]
    fn a_pull_request_of_thousands_of_files_is_read_at_once_without_waiting_forever() {
        // More names than a pipe holds, and more content: git's answers fill its output pipe
        // before it has read every name.
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let names: Vec<String> = (0..3000).map(|i| format!("flows/f{i:04}.flow.json")).collect();
        std::fs::create_dir(d.join("flows")).unwrap();
        for (i, name) in names.iter().enumerate() {
            std::fs::write(d.join(name), format!("{i:0>200}")).unwrap();
        }
        for args in [&["init", "-q"][..], &["add", "-A"], &["commit", "-q", "-m", "base"]] {
            git(d, &[&["-c", "user.name=t", "-c", "user.email=t@t"][..], args].concat()).unwrap();
        }
        let commit = String::from_utf8(git(d, &["rev-parse", "HEAD"]).unwrap()).unwrap();
        let paths: Vec<&str> = names.iter().map(String::as_str).collect();
        let read = git_show_all(d, commit.trim(), &paths);
        assert_eq!(read.len(), 3000);
        assert_eq!(read[2999].as_deref(), Some(format!("{:0>200}", 2999).as_bytes()));
        assert!(read.iter().all(Option::is_some));
    }
}
