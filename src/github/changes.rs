//! The files a pull request changed: their model, and `git diff` between the base and head commits
//! when the REST API cannot say.

use std::collections::HashMap;
use std::path::Path;

use crate::github::git::{GitError, git};
use crate::github::objects::GitObjects;

/// One file a pull request touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedFile {
    /// Repository-relative path, forward slashes (the new path of a rename).
    pub path: String,
    /// The path before a rename.
    pub previous: Option<String>,
    pub removed: bool,
}

/// Makes sure a commit is present, fetching it (depth 1) when a shallow clone lacks it.
fn ensure_commit(objects: &GitObjects, sha: &str) -> Result<(), GitError> {
    if objects.has_commit(sha) {
        return Ok(());
    }
    let workspace = objects.folder();
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

/// The arguments of the `git diff` that says what changed from the commit `from` to `head`.
pub fn diff_args<'a>(from: &'a str, head: &'a str) -> [&'a str; 7] {
    ["diff", "--raw", "--no-abbrev", "-z", "--find-renames", from, head]
}

/// The files a pull request changed: between the merge base of `base` and `head` and `head`
/// (`git diff BASE...HEAD`), so files changed only on the base branch since are not its own.
/// When `head` is `base` or comes after it (found by reading a few commits back from `head`
/// through `objects`), the merge base is `base` and one `git diff` is all it takes (the one
/// `objects` started ahead, when it is that one); else one `git merge-base` first, and a shallow
/// clone that lacks a commit is fetched what it lacks.
pub fn git_diff(objects: &GitObjects, base: &str, head: &str) -> Result<Diff, GitError> {
    let workspace = objects.folder();
    let merged = || match merge_base(workspace, base, head) {
        Some(from) => Ok(from),
        None => {
            ensure_commit(objects, base)?;
            ensure_commit(objects, head)?;
            Ok::<_, GitError>(branch_point(workspace, base, head))
        }
    };
    let mut ahead = objects.take_ahead();
    let from = match objects.reaches(head, base) {
        true => base.to_string(),
        false => {
            // Not the diff wanted: stopped before the merge base is looked for.
            ahead = None;
            merged()?
        }
    };
    let args = diff_args(&from, head);
    let output = match ahead {
        // A diff started ahead that failed (or was ended from outside) is run again, to say why.
        Some(started) if started.is(&args) => started.output().or_else(|_| git(workspace, &args))?,
        _ => git(workspace, &args)?,
    };
    let (files, old_blobs) = parse_raw(&output);
    Ok(Diff {
        files,
        at_base: (from == base).then_some(old_blobs),
    })
}

/// The bytes of each of `paths` at a commit (`None` where no file was there), as `git show
/// COMMIT:PATH` reads a file, whatever their number: one `git ls-tree` finds their blobs, reading
/// each folder's tree once (`git show` reads it again for every path: 15 M instructions a file in
/// a folder of 20,000 entries), then `objects` prints them.
pub fn git_show_all(objects: &GitObjects, commit: &str, paths: &[&str]) -> Vec<Option<Vec<u8>>> {
    let blobs = blobs_at(objects.folder(), commit, paths).unwrap_or_default();
    let wanted: Vec<&str> = paths
        .iter()
        .filter_map(|path| blobs.get(*path).map(String::as_str))
        .collect();
    let contents = objects.blobs(&wanted);
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
    use crate::github::git::{commit_all, git_show};
    use std::process::Command;

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
        git(d, &["init", "-q"]).unwrap();
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
        let commit = &commit_all(d, "base");
        // The work tree moves on: what is read is the commit's.
        std::fs::write(d.join("a.flow.json"), "changed").unwrap();
        let paths = [
            "team/c.flow.json",
            "a.flow.json",
            "missing.flow.json",
            "team/*[odd] name.flow.json",
            "team/b.tests.json",
            "a.flow.json",
        ];
        let objects = GitObjects::new(d);
        let one_by_one: Vec<_> = paths.iter().map(|path| git_show(d, commit, path)).collect();
        assert_eq!(git_show_all(&objects, commit, &paths), one_by_one);
        assert_eq!(one_by_one[1].as_deref(), Some(files[0].1.as_bytes()));
        assert_eq!(one_by_one[2], None);
        // A folder is not a file; a commit the clone lacks has none.
        assert_eq!(git_show_all(&objects, commit, &["team"]), [None]);
        assert_eq!(git_show_all(&objects, &"0".repeat(40), &["a.flow.json"]), [None]);
        // One file at a time, with the commit's presence in the same round.
        for (path, shown) in paths.iter().zip(&one_by_one) {
            assert_eq!(
                objects.file_at(commit, path).unwrap().as_ref(),
                shown.as_ref(),
                "{path}"
            );
        }
        assert_eq!(objects.file_at(commit, "team").unwrap(), None);
        assert!(objects.file_at(&"0".repeat(40), "a.flow.json").is_err());
        assert!(objects.file_at("HEAD", "new\nline.flow.json").unwrap().is_none());
        // A tree's name is not a commit's.
        let tree = String::from_utf8(git(d, &["rev-parse", "HEAD^{tree}"]).unwrap()).unwrap();
        assert!(objects.file_at(tree.trim(), "a.flow.json").is_err());
    }

    /// Whether a process is still there (running, or ended and not waited for).
    fn is_there(pid: u32) -> bool {
        Path::new(&format!("/proc/{pid}")).exists()
    }

    #[test]
    fn a_diff_started_ahead_is_taken_when_it_is_the_one_wanted_and_stopped_when_not() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let commit = |text: &str, also: Option<&str>| {
            std::fs::write(d.join("a.flow.json"), text).unwrap();
            if let Some(name) = also {
                std::fs::write(d.join(name), "{}").unwrap();
            }
            commit_all(d, text)
        };
        git(d, &["init", "-q"]).unwrap();
        let first = commit("1", None);
        let base = commit("2", Some("b.flow.json"));
        let head = commit("3", None);
        git(d, &["checkout", "-q", "-b", "side", &first]).unwrap();
        let side = commit("9", None);
        let fresh = |from: &str| git_diff(&GitObjects::new(d), from, &head).unwrap();

        let expected = fresh(&base);
        assert_eq!(
            expected.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            ["a.flow.json"]
        );

        // Wanted: the head comes after the base. The diff started ahead gives the answer, and is
        // waited for: once it has ended, the head's tree is taken from the clone, so a diff run
        // now would fail (the ancestry read reads only commits).
        let objects = GitObjects::new(d);
        objects.start_ahead(&diff_args(&base, &head));
        let pid = objects.ahead_process().unwrap();
        let ended = || std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| stat.contains(") Z "));
        let waited = std::time::Instant::now();
        while !ended() {
            assert!(waited.elapsed().as_secs() < 30, "git diff {pid} did not end");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let tree = String::from_utf8(git(d, &["rev-parse", &format!("{head}^{{tree}}")]).unwrap()).unwrap();
        let (folder, file) = tree.trim().split_at(2);
        let loose = d.join(".git/objects").join(folder).join(file);
        let kept = std::fs::read(&loose).unwrap();
        std::fs::remove_file(&loose).unwrap();
        assert!(git(d, &diff_args(&base, &head)).is_err(), "the head's tree is gone");
        let diff = git_diff(&objects, &base, &head).unwrap();
        assert_eq!(diff, expected);
        assert!(diff.at_base.is_some());
        assert!(objects.take_ahead().is_none());
        assert!(!is_there(pid), "git diff {pid} was left behind");
        std::fs::write(&loose, kept).unwrap();

        // Ended from outside before it was asked: git is run again.
        objects.start_ahead(&diff_args(&base, &head));
        let pid = objects.ahead_process().unwrap();
        assert!(
            Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status()
                .unwrap()
                .success()
        );
        assert_eq!(git_diff(&objects, &base, &head).unwrap(), expected);

        // Not wanted: the head does not come after `side`, so the diff is taken from their merge
        // base, and the one started ahead from `side` is stopped.
        objects.start_ahead(&diff_args(&side, &head));
        let pid = objects.ahead_process().unwrap();
        let diff = git_diff(&objects, &side, &head).unwrap();
        assert_eq!(diff, fresh(&side));
        assert_eq!(
            diff.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            ["a.flow.json", "b.flow.json"]
        );
        assert_eq!(diff.at_base, None);
        assert!(!is_there(pid), "git diff {pid} was left behind");

        // Never asked for: stopped with the last handle, and a later start replaces an earlier.
        let objects = GitObjects::new(d);
        objects.start_ahead(&diff_args(&base, &head));
        let earlier = objects.ahead_process().unwrap();
        objects.clone().start_ahead(&diff_args(&first, &head));
        let later = objects.ahead_process().unwrap();
        assert!(!is_there(earlier), "git diff {earlier} was left behind");
        drop(objects);
        assert!(!is_there(later), "git diff {later} was left behind");
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
        git(d, &["init", "-q"]).unwrap();
        let commit = commit_all(d, "base");
        let paths: Vec<&str> = names.iter().map(String::as_str).collect();
        let read = git_show_all(&GitObjects::new(d), &commit, &paths);
        assert_eq!(read.len(), 3000);
        assert_eq!(read[2999].as_deref(), Some(format!("{:0>200}", 2999).as_bytes()));
        assert!(read.iter().all(Option::is_some));
    }
}
