//! Every file cxone-flow writes (reports, the audit log, payloads, `init` and `pull` files) goes
//! through here: a link is never followed, and in Action mode nothing lands outside the workspace.
//!
//! A whole file is written to a fresh temporary file in the target's folder (created exclusively,
//! so an existing name or link is never opened) and renamed over the target: a rename replaces a
//! link that sits at the target's name, it never writes through it. An appended file (the audit
//! log) is opened with `O_NOFOLLOW`. Below the root (the workspace in Action mode, else the current
//! folder) every folder on the way is checked not to be a link, and missing ones are created one at
//! a time the same way; in Action mode a path that leaves the root (absolute elsewhere, or `..`
//! past it) is refused.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("`{0}` is a symbolic link; cxone-flow never writes through a link")]
    Link(PathBuf),
    #[error("`{path}` is outside the workspace `{root}`; in Action mode every written file stays inside it")]
    Outside { path: PathBuf, root: PathBuf },
    #[error("`{path}`: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where a run's relative paths are written: under the current folder (the command line, where a
/// path the user names may go anywhere), or inside a workspace (the Action, where nothing may leave
/// it). A run carries its root down to every file it writes; nothing about it is process-wide, so
/// two runs in one process each stay in their own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Root {
    /// Empty for the current folder, as it is when a file is written.
    dir: PathBuf,
    confined: bool,
}

impl Root {
    /// Action mode: every write through this root must land inside `workspace`.
    pub fn workspace(workspace: &Path) -> Root {
        Root {
            dir: std::fs::canonicalize(workspace).unwrap_or_else(|_| workspace.to_path_buf()),
            confined: true,
        }
    }

    /// `path` as it is read: joined onto the workspace (an absolute path stays as it is).
    pub fn resolve(&self, path: &Path) -> PathBuf {
        self.dir.join(path)
    }

    fn dir(&self) -> PathBuf {
        if self.dir.as_os_str().is_empty() {
            std::env::current_dir().unwrap_or_default()
        } else {
            self.dir.clone()
        }
    }

    /// Writes `bytes` as the whole of `path` (replacing it), creating its folders.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
        write_under(&self.dir(), self.confined, path, bytes)
    }

    /// Writes the whole of `path` (replacing it) as `fill` writes it into the opened file, creating
    /// its folders: a file too large to hold goes out as it is made, and is only renamed into
    /// place once `fill` succeeded.
    pub fn write_with(
        &self,
        path: &Path,
        fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), WriteError> {
        write_with_under(&self.dir(), self.confined, path, fill)
    }

    /// Opens `path` for appending (creating it and its folders), never through a link.
    pub fn append(&self, path: &Path) -> Result<std::fs::File, WriteError> {
        append_under(&self.dir(), self.confined, path)
    }
}

/// [`Root::write`] against an explicit root.
fn write_under(root: &Path, confined: bool, path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_with_under(root, confined, path, |file| file.write_all(bytes))
}

/// [`Root::write_with`] against an explicit root.
fn write_with_under(
    root: &Path,
    confined: bool,
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let target = prepare(root, confined, path)?;
    let folder = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let temporary = folder.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .and_then(|mut file| fill(&mut file).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, &target));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(io(path))
}

/// [`Root::append`] against an explicit root.
fn append_under(root: &Path, confined: bool, path: &Path) -> Result<std::fs::File, WriteError> {
    let target = prepare(root, confined, path)?;
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(target_os = "linux"))]
    if is_link(&target) {
        return Err(WriteError::Link(path.to_path_buf()));
    }
    options.open(&target).map_err(|error| {
        // O_NOFOLLOW on a link: ELOOP.
        if is_link(&target) {
            WriteError::Link(path.to_path_buf())
        } else {
            io(path)(error)
        }
    })
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The target as an absolute path whose folders below `root` exist and are no links; refused when
/// it leaves `root` and `confined`, or names a folder.
fn prepare(root: &Path, confined: bool, path: &Path) -> Result<PathBuf, WriteError> {
    let absolute = lexical(&root.join(path)).ok_or_else(|| outside(path, root))?;
    let root = lexical(root).unwrap_or_else(|| root.to_path_buf());
    let inside = absolute.strip_prefix(&root).ok().map(Path::to_path_buf);
    let Some(inside) = inside.filter(|i| !i.as_os_str().is_empty()) else {
        if confined {
            return Err(outside(path, &root));
        }
        if let Some(parent) = absolute.parent() {
            std::fs::create_dir_all(parent).map_err(io(path))?;
        }
        return Ok(absolute);
    };
    let mut folder = root.clone();
    let parts: Vec<_> = inside.components().collect();
    for part in &parts[..parts.len() - 1] {
        folder.push(part);
        match std::fs::symlink_metadata(&folder) {
            Ok(meta) if meta.file_type().is_symlink() => return Err(WriteError::Link(folder)),
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&folder).map_err(io(path))?;
            }
            Err(error) => return Err(io(path)(error)),
        }
    }
    Ok(absolute)
}

fn outside(path: &Path, root: &Path) -> WriteError {
    WriteError::Outside {
        path: path.to_path_buf(),
        root: root.to_path_buf(),
    }
}

/// `path` with `.` dropped and each `..` taking its folder away; `None` when `..` climbs past the
/// top.
fn lexical(path: &Path) -> Option<PathBuf> {
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !clean.pop() || clean.as_os_str().is_empty() {
                    return None;
                }
            }
            other => clean.push(other),
        }
    }
    Some(clean)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_link_at_the_name_is_replaced_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "precious").unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir(&root).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("report.xml")).unwrap();
        write_under(&root, true, Path::new("report.xml"), b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
        assert!(!is_link(&root.join("report.xml")));
        assert_eq!(std::fs::read_to_string(root.join("report.xml")).unwrap(), "new");
        // An appended file that is a link is refused.
        std::os::unix::fs::symlink(&outside, root.join("audit.jsonl")).unwrap();
        let refused = append_under(&root, true, Path::new("audit.jsonl")).unwrap_err();
        assert!(matches!(refused, WriteError::Link(_)), "{refused}");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
    }

    #[test]
    fn a_file_written_as_it_is_made_replaces_its_target_only_when_all_of_it_was_written() {
        let dir = tempfile::tempdir().unwrap();
        write_under(dir.path(), true, Path::new("report.xml"), b"old").unwrap();
        let failed = write_with_under(dir.path(), true, Path::new("report.xml"), |file| {
            file.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(failed.to_string().ends_with("disk full"), "{failed}");
        // The target is as it was and no temporary file is left beside it.
        assert_eq!(std::fs::read_to_string(dir.path().join("report.xml")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_with_under(dir.path(), true, Path::new("report.xml"), |file| {
            file.write_all(b"new, ")?;
            file.write_all(b"in parts")
        })
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("report.xml")).unwrap(),
            "new, in parts"
        );
    }

    #[test]
    fn a_linked_folder_and_a_path_out_of_the_workspace_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir_all(root.join("real")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("reports")).unwrap();
        let link = write_under(&root, true, Path::new("reports/x.pth"), b"x").unwrap_err();
        assert!(matches!(link, WriteError::Link(_)), "{link}");
        assert!(!dir.path().join("x.pth").exists());
        for escape in ["../x", "/tmp/x", "real/../../x"] {
            let error = write_under(&root, true, Path::new(escape), b"x").unwrap_err();
            assert!(matches!(error, WriteError::Outside { .. }), "{escape}: {error}");
        }
        write_under(&root, true, Path::new("new/deep/x.json"), b"{}").unwrap();
        assert!(root.join("new/deep/x.json").is_file());
        // Outside Action mode a path the user names outside the folder is theirs to choose.
        write_under(&root, false, &dir.path().join("mine.txt"), b"ok").unwrap();
        assert!(dir.path().join("mine.txt").is_file());
    }
}
