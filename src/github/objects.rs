//! The clone's objects, read through one `git cat-file --batch` that starts when first asked and
//! serves the whole run: the settings file at the base commit, whether the clone has a commit, a
//! commit's ancestry, the base versions of the changed files.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::sync::{Arc, Mutex, PoisonError};

use crate::github::git::{GitError, Started, Trust, git_command, git_show};

/// One object the clone has.
pub struct Object {
    /// Its full object id.
    pub id: String,
    /// `blob`, `tree`, `commit` or `tag`.
    pub kind: String,
    pub bytes: Vec<u8>,
}

/// Why a file at a commit cannot be read from the clone.
#[derive(Debug, thiserror::Error)]
#[error("the clone does not have the commit {0}")]
pub struct NotInClone(String);

/// How many commits [`GitObjects::reaches`] reads before it leaves the question to `git merge-base`.
const ANCESTRY_READ: usize = 64;

/// The clone in a folder (the Action's workspace, trusted as such), asked for objects by one
/// `git cat-file --batch` kept for the run; a clone of the handle shares the process.
#[derive(Clone)]
pub struct GitObjects {
    folder: PathBuf,
    batch: Arc<Mutex<Option<Batch>>>,
    /// A command started ahead of being asked for ([`GitObjects::start_ahead`]).
    ahead: Arc<Mutex<Option<Started>>>,
}

impl std::fmt::Debug for GitObjects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("GitObjects").field(&self.folder).finish()
    }
}

impl GitObjects {
    /// The clone in `folder`; no git process starts until an object is asked for.
    pub fn new(folder: &Path) -> GitObjects {
        GitObjects {
            folder: folder.to_path_buf(),
            batch: Arc::default(),
            ahead: Arc::default(),
        }
    }

    /// Starts `git ARGS` now, in the background, for the run to take with
    /// [`GitObjects::take_ahead`] once it knows it wants it (one at a time: an earlier one is stopped).
    pub fn start_ahead(&self, args: &[&str]) {
        let started = Started::start(&self.folder, args);
        *self.ahead.lock().unwrap_or_else(PoisonError::into_inner) = started;
    }

    /// The command started ahead, if any, taken: its output is read, or it is stopped when dropped.
    pub(super) fn take_ahead(&self) -> Option<Started> {
        self.ahead.lock().unwrap_or_else(PoisonError::into_inner).take()
    }

    /// Stops the command started ahead, if any: the run will not want it.
    pub fn stop_ahead(&self) {
        drop(self.take_ahead());
    }

    /// The process id of the command started ahead, while it waits to be taken.
    #[cfg(test)]
    pub(crate) fn ahead_process(&self) -> Option<u32> {
        self.ahead.lock().unwrap_or_else(PoisonError::into_inner).as_ref()?.id()
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The answer to each of `names` (object ids, `COMMIT:PATH`, `REV^{commit}`), in their order:
    /// `None` for a name the clone does not have (and for a name of more than one line, which
    /// cannot be asked). A process that fails is not asked again: the next call starts another.
    pub fn read_all(&self, names: &[impl AsRef<str>]) -> Result<Vec<Option<Object>>, GitError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut slot = self.batch.lock().unwrap_or_else(PoisonError::into_inner);
        let batch = match slot.as_mut() {
            Some(batch) => batch,
            None => slot.insert(Batch::start(&self.folder)?),
        };
        let answers = batch.ask(names);
        if answers.is_err() {
            *slot = None;
        }
        answers
    }

    /// Whether the clone has the commit `sha` names (`REV^{commit}`: git answers it with a
    /// commit or not at all).
    pub fn has_commit(&self, sha: &str) -> bool {
        self.read_all(&[format!("{sha}^{{commit}}")])
            .is_ok_and(|answers| answers.into_iter().flatten().next().is_some())
    }

    /// The bytes of the file at `path` in `commit` (`None` when no file is there), asked with the
    /// commit in one round; `NotInClone` when the clone lacks the commit (or git cannot be run).
    pub fn file_at(&self, commit: &str, path: &str) -> Result<Option<Vec<u8>>, NotInClone> {
        let not_in_clone = || NotInClone(commit.to_string());
        if path.contains('\n') {
            // A name asked of the batch is one line: such a path is asked for on its own.
            return if self.has_commit(commit) {
                Ok(git_show(&self.folder, commit, path))
            } else {
                Err(not_in_clone())
            };
        }
        let names = [format!("{commit}^{{commit}}"), format!("{commit}:{path}")];
        let mut answers = self.read_all(&names).map_err(|_| not_in_clone())?.into_iter();
        match (answers.next().flatten(), answers.next()) {
            (Some(_commit), Some(file)) => Ok(file.filter(|object| object.kind == "blob").map(|object| object.bytes)),
            _ => Err(not_in_clone()),
        }
    }

    /// The contents of `blobs` (object ids), by id; an id the clone does not have as a blob is left out.
    pub fn blobs(&self, blobs: &[&str]) -> std::collections::HashMap<String, Vec<u8>> {
        let answers = self.read_all(blobs).unwrap_or_default();
        blobs
            .iter()
            .zip(answers)
            .filter_map(|(name, answer)| {
                let object = answer.filter(|object| object.kind == "blob")?;
                Some((name.to_string(), object.bytes))
            })
            .collect()
    }

    /// Whether `ancestor` (a full object id) is `commit` or one of its ancestors that the clone
    /// has, found among at most 64 commits (`ANCESTRY_READ`) read back from `commit`, a generation
    /// at a time. `false` says only that it was not found so: `git merge-base` has the last word
    /// (and the grafts of `.git/info/grafts`, which only it follows).
    pub fn reaches(&self, commit: &str, ancestor: &str) -> bool {
        let mut generation = vec![format!("{commit}^{{commit}}")];
        let mut seen = HashSet::new();
        let mut read = 0;
        while !generation.is_empty() && read < ANCESTRY_READ {
            generation.truncate(ANCESTRY_READ - read);
            let Ok(commits) = self.read_all(&generation) else {
                return false;
            };
            read += generation.len();
            generation = Vec::new();
            for found in commits.into_iter().flatten().filter(|object| object.kind == "commit") {
                // Found only when read: a shallow clone names parents it does not have.
                if found.id == ancestor {
                    return true;
                }
                generation.extend(
                    parents(&found.bytes)
                        .into_iter()
                        .filter(|parent| seen.insert(parent.clone())),
                );
            }
        }
        false
    }
}

/// The parents a commit object names: its `parent ID` lines, after `tree ID`; a line that does not
/// hold an object id (40 or 64 hex digits) is left out, never asked of git as a name.
fn parents(commit: &[u8]) -> Vec<String> {
    commit
        .split(|&byte| byte == b'\n')
        .skip(1)
        .map_while(|line| line.strip_prefix(b"parent "))
        .filter(|id| is_object_id(id))
        .map(|id| String::from_utf8_lossy(id).into_owned())
        .collect()
}

/// Whether `name` is a full object id: 40 (SHA-1) or 64 (SHA-256) hex digits.
pub fn is_object_id(name: &[u8]) -> bool {
    matches!(name.len(), 40 | 64) && name.iter().all(u8::is_ascii_hexdigit)
}

/// A running `git cat-file --batch`: names go in, one a line; each answer is `ID TYPE SIZE\n`, the
/// SIZE bytes and `\n`, or `NAME missing\n` (or `ambiguous`).
struct Batch {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Batch {
    fn start(folder: &Path) -> Result<Batch, GitError> {
        let mut child = git_command(folder, Trust::Workspace)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let closed = || std::io::Error::other("git cat-file has no pipes");
        let input = child.stdin.take().ok_or_else(closed)?;
        let output = child.stdout.take().ok_or_else(closed)?;
        Ok(Batch {
            child,
            input,
            output: BufReader::new(output),
        })
    }

    fn ask(&mut self, names: &[impl AsRef<str>]) -> Result<Vec<Option<Object>>, GitError> {
        let one_line = |name: &&str| !name.contains('\n');
        let lines: String = names
            .iter()
            .map(AsRef::as_ref)
            .filter(one_line)
            .map(|name| format!("{name}\n"))
            .collect();
        let Batch { child, input, output } = self;
        // Written from a thread of its own while the answers are read: git answers each name as it
        // reads it, so with both pipes full a writer that waited for its last name would wait forever.
        std::thread::scope(|scope| {
            let writer = scope.spawn(move || input.write_all(lines.as_bytes()));
            let answers = names
                .iter()
                .map(|name| match one_line(&name.as_ref()) {
                    true => answer(output),
                    false => Ok(None),
                })
                .collect::<Result<Vec<_>, _>>();
            if answers.is_err() {
                // The answers are no longer read: git, stopped on a full pipe, would never read
                // the rest of the names, and the writer would wait for it forever.
                let _ = child.kill();
            }
            let written = writer
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the writer stopped")));
            written?;
            answers
        })
    }
}

/// The next answer of `git cat-file --batch`.
fn answer(output: &mut impl BufRead) -> Result<Option<Object>, GitError> {
    let mut header = Vec::new();
    if output.read_until(b'\n', &mut header)? == 0 || header.pop() != Some(b'\n') {
        return Err(std::io::Error::other("git cat-file stopped answering").into());
    }
    let header = String::from_utf8_lossy(&header);
    let mut fields = header.rsplitn(3, ' ');
    let (Some(size), Some(kind), Some(id)) = (fields.next(), fields.next(), fields.next()) else {
        return Ok(None);
    };
    // `NAME missing`: a name may hold spaces, the last field is the word.
    let Ok(size) = size.parse::<usize>() else {
        return Ok(None);
    };
    // Read as it comes (the size a header gives is not set aside before the bytes are there).
    let mut bytes = Vec::new();
    output
        .by_ref()
        .take((size as u64).saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.pop() != Some(b'\n') || bytes.len() != size {
        return Err(std::io::Error::other("git cat-file stopped in the middle of an object").into());
    }
    Ok(Some(Object {
        id: id.to_string(),
        kind: kind.to_string(),
        bytes,
    }))
}

impl Drop for Batch {
    fn drop(&mut self) {
        // Nothing more is asked or read (git may be stopped on a full pipe, so closing its input
        // would not end it): git is ended, and waited for so that no process is left behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::git::{commit_all as commit, git};

    /// A repository in `dir`: `main` of `count` commits, each writing `n.txt`; the commits' ids.
    fn chain(dir: &Path, count: usize) -> Vec<String> {
        git(dir, &["init", "-q", "-b", "main"]).unwrap();
        (0..count)
            .map(|n| {
                std::fs::write(dir.join(format!("{n}.txt")), format!("{n}\n")).unwrap();
                commit(dir, &format!("{n}"))
            })
            .collect()
    }

    #[test]
    fn a_commit_reaches_what_it_comes_after_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let main = chain(d, 3);
        git(d, &["checkout", "-q", "-b", "side", &main[0]]).unwrap();
        let side = commit(d, "side");
        git(d, &["checkout", "-q", "main"]).unwrap();
        let config = ["-c", "user.name=t", "-c", "user.email=t@t"];
        git(
            d,
            &[&config[..], &["merge", "-q", "--no-ff", "-m", "merge", "side"]].concat(),
        )
        .unwrap();
        let merge = String::from_utf8(git(d, &["rev-parse", "HEAD"]).unwrap()).unwrap();
        let merge = merge.trim();
        let objects = GitObjects::new(d);
        assert!(objects.reaches(&main[2], &main[0]));
        assert!(objects.reaches(&main[2], &main[2]));
        assert!(objects.reaches("main", &main[1]), "a name is read as git reads it");
        assert!(
            !objects.reaches(&main[0], &main[2]),
            "a parent does not reach its child"
        );
        assert!(
            !objects.reaches(&main[2], &side),
            "nor does a branch reach another's commits"
        );
        assert!(
            objects.reaches(merge, &side),
            "a merge reaches both its parents' histories"
        );
        assert!(!objects.reaches(&"0".repeat(40), &main[0]));
        assert!(!objects.reaches(&main[2], "not an id"));
    }

    #[test]
    fn a_commit_far_back_or_missing_from_a_shallow_clone_is_left_to_git_merge_base() {
        let dir = tempfile::tempdir().unwrap();
        let main = chain(dir.path(), ANCESTRY_READ + 2);
        let objects = GitObjects::new(dir.path());
        let last = main.last().unwrap();
        assert!(objects.reaches(last, &main[2]));
        assert!(!objects.reaches(last, &main[0]), "more commits back than it reads");
        // The shallow clone's commit names its parent, which the clone does not have.
        let clone = tempfile::tempdir().unwrap();
        let source = format!("file://{}", dir.path().display());
        git(clone.path(), &["clone", "-q", "--depth=1", &source, "."]).unwrap();
        let shallow = GitObjects::new(clone.path());
        assert!(shallow.reaches(last, last));
        assert!(!shallow.reaches(last, &main[main.len() - 2]));
        assert!(!shallow.has_commit(&main[main.len() - 2]));
    }

    #[test]
    fn only_object_ids_on_a_commit_s_parent_lines_are_followed() {
        let (sha1, sha256) = ("a".repeat(40), "B".repeat(64));
        let commit = format!(
            "tree {sha1}\nparent {sha1}\nparent origin/main\nparent HEAD@{{9}}\nparent {sha256}\nparent {}\nauthor t <t@t> 0 +0000\nparent {sha1}\n\nparent {sha1}\n",
            "g".repeat(40)
        );
        assert_eq!(parents(commit.as_bytes()), [sha1.clone(), sha256]);
        assert!(parents(format!("tree {sha1}\nauthor t <t@t> 0 +0000\n").as_bytes()).is_empty());
    }

    /// The process a handle asks, when one is running.
    fn process(objects: &GitObjects) -> Option<u32> {
        let slot = objects.batch.lock().unwrap();
        slot.as_ref().map(|batch| batch.child.id())
    }

    #[test]
    fn one_git_process_answers_every_question_of_a_run_and_a_broken_one_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let main = chain(d, 2);
        let objects = GitObjects::new(d);
        assert_eq!(process(&objects), None, "nothing starts before it is asked");
        assert_eq!(
            objects.file_at(&main[1], "1.txt").unwrap().as_deref(),
            Some(&b"1\n"[..])
        );
        let first = process(&objects).unwrap();
        let shared = objects.clone();
        assert!(shared.has_commit(&main[0]));
        assert!(shared.reaches(&main[1], &main[0]));
        let names = [
            format!("{}:0.txt", main[0]),
            "no such name".to_string(),
            "two\nlines".to_string(),
            format!("{}:1.txt", main[0]),
            format!("{}:1.txt", main[1]),
        ];
        let answers = objects.read_all(&names).unwrap();
        let texts: Vec<Option<&[u8]>> = answers.iter().map(|a| a.as_ref().map(|o| o.bytes.as_slice())).collect();
        assert_eq!(texts, [Some(&b"0\n"[..]), None, None, None, Some(&b"1\n"[..])]);
        assert_eq!(process(&objects), Some(first), "the same process answered");
        // A process that dies is replaced on the next question, which is answered.
        std::process::Command::new("kill")
            .arg("-9")
            .arg(first.to_string())
            .status()
            .unwrap();
        assert!(
            objects.read_all(&[&main[0]]).is_err(),
            "a dead process's answer is an error"
        );
        assert_eq!(process(&objects), None, "it is not asked again");
        assert!(objects.has_commit(&main[1]));
        assert!(process(&objects).is_some_and(|pid| pid != first));
    }
}
