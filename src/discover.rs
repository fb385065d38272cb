//! Finds flow files, Studio scripts and test files under the paths the user names, and pairs each
//! test file with its flow or script.

use std::fs::FileType;
use std::path::{Component, Path, PathBuf};

use ignore::overrides::{Override, OverrideBuilder};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

mod sniff;
mod touched;
pub use sniff::{SCRIPT_KEYS, looks_like_script};
pub use touched::Touched;

/// The suffix of flow files.
pub const FLOW_SUFFIX: &str = ".flow.json";
/// The suffix of test files.
pub const TESTS_SUFFIX: &str = ".tests.json";
/// The suffix that names a Studio script whatever it holds (any other `*.json` is a script when its
/// top level names `header`, `actions` and `branches`).
pub const STUDIO_SUFFIX: &str = ".studio.json";
const JSON_SUFFIX: &str = ".json";

/// Whether a flow-side path is a Studio script (`*.studio.json` or another `*.json`) rather than a
/// flow file (`*.flow.json`).
pub fn is_script_path(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(JSON_SUFFIX) && !n.ends_with(FLOW_SUFFIX))
}

/// The largest `*.json` file read to find out whether it is a Studio script (name a bigger one
/// `*.studio.json`).
const MAX_SNIFFED_BYTES: u64 = 16 * 1024 * 1024;

/// Whether a `*.json` file not named like any of ours is a Studio script (read to find out).
fn holds_script(path: &Path) -> bool {
    if std::fs::metadata(path).map_or(true, |m| m.len() > MAX_SNIFFED_BYTES) {
        return false;
    }
    // Not checked as UTF-8 here: a script with a bad byte is found, and the check reports the byte.
    std::fs::read(path).is_ok_and(|bytes| looks_like_script(&bytes))
}

/// A flow to check, with its test file when one exists beside it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unit {
    /// The flow file or Studio script, or `None` for a test file whose flow is missing (or refused).
    pub flow: Option<PathBuf>,
    pub tests: Option<PathBuf>,
    /// Paths named like this unit's files that are not read, and why.
    pub refused: Vec<Refused>,
}

impl Unit {
    /// The unit's first path: its flow, its test file, or a refused path.
    pub fn first_path(&self) -> Option<&Path> {
        self.flow
            .as_deref()
            .or(self.tests.as_deref())
            .or_else(|| self.refused.first().map(|r| r.path.as_path()))
    }

    /// Whether the flow file's path was refused (so a test file beside it is not an orphan).
    pub fn flow_refused(&self) -> bool {
        self.refused.iter().any(|r| r.is_flow)
    }
}

/// A path named like a flow or test file that is not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub path: PathBuf,
    /// Named like a flow file (`*.flow.json`) rather than a test file.
    pub is_flow: bool,
    pub why: Refusal,
}

/// Why a path is not read. Nothing outside the checked tree is ever opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A symbolic link (never followed, wherever it points).
    Symlink,
    /// A symbolic link that cannot be followed: it loops, or points at nothing.
    BrokenSymlink,
    /// A file whose real path leaves the tree being checked (through a linked folder).
    LeavesTree,
    Directory,
    Fifo,
    /// A socket or a device.
    Special,
    /// A name that is not valid UTF-8.
    NotUtf8Name,
}

impl Refused {
    /// Whether the refusal is about a link (the `symlinked-file` finding) rather than what the path is.
    pub fn is_link(&self) -> bool {
        matches!(
            self.why,
            Refusal::Symlink | Refusal::BrokenSymlink | Refusal::LeavesTree
        )
    }

    /// What the path is, and that it was not read; names the path, never what it points at.
    pub fn message(&self) -> String {
        let name = self.path.file_name().unwrap_or_default().to_string_lossy();
        let what = match self.why {
            Refusal::Symlink => format!("`{name}` is a symbolic link"),
            Refusal::BrokenSymlink => format!("`{name}` is a symbolic link that loops or points at nothing"),
            Refusal::LeavesTree => format!("the real path of `{name}` leaves the checked tree through a linked folder"),
            Refusal::Directory => format!("`{name}` is a folder, not a file"),
            Refusal::Fifo => format!("`{name}` is a named pipe (FIFO), not a file"),
            Refusal::Special => format!("`{name}` is a socket or a device, not a file"),
            Refusal::NotUtf8Name => format!("the name `{name}` is not valid UTF-8"),
        };
        format!("{what}; it was not read")
    }
}

/// The user named something that cannot be checked.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("path `{0}` does not exist")]
    Missing(PathBuf),
    #[error("`{0}` is neither a flow file (*.flow.json), a Studio script nor a test file (*.tests.json)")]
    NotAFlowFile(PathBuf),
    #[error("failed to walk `{path}`: {source}")]
    Walk {
        path: PathBuf,
        #[source]
        source: ignore::Error,
    },
    #[error("--exclude `{glob}` is not a valid glob: {message}")]
    BadExclude { glob: String, message: String },
    #[error("no flow files, Studio scripts or test files (*.flow.json, *.json, *.tests.json) under `{0}`")]
    Empty(PathBuf),
}

impl DiscoverError {
    /// The error with its path shown relative to `root`, the folder it was read in.
    pub fn shown_from(self, root: &Path) -> DiscoverError {
        let shown = |path: PathBuf| match path.strip_prefix(root) {
            Ok(inside) if inside.as_os_str().is_empty() => PathBuf::from("."),
            Ok(inside) => inside.to_path_buf(),
            Err(_) => path,
        };
        match self {
            DiscoverError::Missing(path) => DiscoverError::Missing(shown(path)),
            DiscoverError::NotAFlowFile(path) => DiscoverError::NotAFlowFile(shown(path)),
            DiscoverError::Walk { path, source } => DiscoverError::Walk {
                path: shown(path),
                source,
            },
            DiscoverError::Empty(path) => DiscoverError::Empty(shown(path)),
            other @ DiscoverError::BadExclude { .. } => other,
        }
    }
}

/// What discovery found: the units of every path that could be read, and what went wrong with the
/// others (a run still checks the units, then exits 2).
#[derive(Debug, Default)]
pub struct Discovery {
    pub units: Vec<Unit>,
    pub errors: Vec<DiscoverError>,
    /// How many units the paths hold; `None` when [`discover_touched`] did not walk them all.
    pub found: Option<usize>,
    /// Whether no path held anything to check (each one missing, empty or not ours).
    pub nothing: bool,
}

impl Discovery {
    /// The units when every path was found and held something, else the first problem.
    pub fn into_result(self) -> Result<Vec<Unit>, DiscoverError> {
        match self.errors.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(self.units),
        }
    }
}

/// What a walk leaves out besides hidden entries and what the repository's `.gitignore` files (and
/// `.git/info/exclude`) ignore; where files must really be.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Files must really be inside this folder (the Action's workspace), so a linked folder cannot
    /// bring in files from elsewhere on the runner.
    pub boundary: Option<PathBuf>,
    /// Globs in `.gitignore` syntax, matched below each walked folder, of files and folders to
    /// leave out (`legacy/`, `**/*.draft.flow.json`).
    pub exclude: Vec<String>,
}

/// Collects the units under `paths`: directories are walked (hidden entries and what `.gitignore`
/// ignores left out, links never followed), files are taken as named. A test file's flow and a
/// flow's test file are included when they exist on disk. Units come sorted by path, so output is
/// deterministic.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    discover_in(paths, &Scope::default())
}

/// [`discover`], leaving out what `scope` excludes and refusing every file outside its boundary.
pub fn discover_in(paths: &[PathBuf], scope: &Scope) -> Discovery {
    discover_with(paths, scope, None)
}

/// A path without its `.` components.
fn plain(path: &Path) -> PathBuf {
    path.components().filter(|c| *c != Component::CurDir).collect()
}

/// [`discover_in`] for a change: pairs and returns only the units whose stem `touched` holds, and
/// looks only for the files named after them, one `lstat` each, with the ignore rules of the
/// folders above them (the same hidden entries, `.gitignore` files, excludes, links and boundary
/// apply: what is found is what the walk would have found of them), so no folder is listed. The
/// other files under the paths are neither read, named nor counted (`found` is `None`). A pull
/// request's run on 10,000 flows that checks the 3 it changed spent nearly all its instructions on
/// the other 9,997, then on listing their folder.
pub fn discover_touched(paths: &[PathBuf], scope: &Scope, touched: Touched) -> Discovery {
    discover_with(paths, scope, Some(&touched))
}

/// What the walks found: each stem once, with what was found of it.
#[derive(Default)]
struct Found {
    /// Every stem found, with the [`Seen`] bits of what was found of it: one entry per unit, where
    /// a list of every stem found (once per file) and a set of every file's path held three.
    stems: FxHashMap<PathBuf, Seen>,
    /// How many files named like ours were found (a stem counts once per file).
    files: usize,
    bad_names: Vec<Refused>,
    /// `*.json` files that may be scripts, with their stems: each is read to find out, all in
    /// parallel after the walk (reading them one by one held the other cores up before the check
    /// began).
    maybe_scripts: Vec<(PathBuf, PathBuf)>,
}

/// What was found of a stem: which of its files a walk found to be regular files under a folder
/// inside the boundary (so pairing need not look again), and whether its `NAME.json` was read and
/// found to be a script (so pairing does not read it again).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Seen(u8);

impl Seen {
    const FLOW: Seen = Seen(1);
    const STUDIO: Seen = Seen(1 << 1);
    const TESTS: Seen = Seen(1 << 2);
    const SCRIPT: Seen = Seen(1 << 3);

    /// The bit of a regular file named with `suffix`; none for `NAME.json`, a script only once read.
    fn file(suffix: &str) -> Option<Seen> {
        match suffix {
            FLOW_SUFFIX => Some(Seen::FLOW),
            STUDIO_SUFFIX => Some(Seen::STUDIO),
            TESTS_SUFFIX => Some(Seen::TESTS),
            _ => None,
        }
    }

    fn has(self, other: Seen) -> bool {
        self.0 & other.0 == other.0
    }
}

impl Found {
    /// How many files were found to be ours, or refused for their names.
    fn count(&self) -> usize {
        self.files + self.bad_names.len()
    }

    /// Notes a file of `stem`, and what was seen of it.
    fn note(&mut self, stem: PathBuf, seen: Seen) {
        self.files += 1;
        let bits = self.stems.entry(stem).or_default();
        bits.0 |= seen.0;
    }

    /// Takes what a walk found at `path` (below the walked folder), `inside` the boundary when
    /// that folder is.
    fn take(&mut self, path: PathBuf, kind: Option<FileType>, inside: bool) {
        match name_kind(&path) {
            Name::Other => {}
            Name::Json(stem) => {
                if kind.is_some_and(|t| t.is_file()) {
                    self.maybe_scripts.push((path, stem));
                }
            }
            Name::NotUtf8 { is_flow } => self.bad_names.push(Refused {
                path,
                is_flow,
                why: Refusal::NotUtf8Name,
            }),
            Name::Stem(stem) => {
                let walked = kind.is_some_and(|t| t.is_file()) && inside;
                let name = path.as_os_str().as_encoded_bytes();
                let seen = [FLOW_SUFFIX, STUDIO_SUFFIX, TESTS_SUFFIX]
                    .into_iter()
                    .find(|suffix| walked && name.ends_with(suffix.as_bytes()))
                    .and_then(Seen::file)
                    .unwrap_or_default();
                self.note(stem, seen);
            }
        }
    }
}

fn discover_with(paths: &[PathBuf], scope: &Scope, touched: Option<&Touched>) -> Discovery {
    let boundary = scope
        .boundary
        .as_ref()
        .map(|b| b.canonicalize().unwrap_or_else(|_| b.clone()));
    let mut found = Found::default();
    let mut errors = Vec::new();
    // How many of the paths held anything to check.
    let mut holding = 0;
    for path in paths {
        let found_before = found.count();
        if path.as_os_str().is_empty() {
            errors.push(DiscoverError::Missing(path.clone()));
        } else if path.is_dir() {
            // The walk follows no link, so what it finds under a folder inside the boundary is
            // inside too: the folder's real path is taken once, not each file's (20,000 `readlink`
            // calls for a PR run on 10,000 flows that checks 3).
            let inside = boundary
                .as_deref()
                .is_none_or(|boundary| path.canonicalize().is_ok_and(|real| real.starts_with(boundary)));
            let excludes = match excludes(path, &scope.exclude) {
                Ok(excludes) => excludes,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };
            let walk_error = |source| DiscoverError::Walk {
                path: path.clone(),
                source,
            };
            match touched {
                Some(touched) => {
                    for entry in touched::look_up(path, excludes, touched) {
                        match entry {
                            Ok((file, kind)) => found.take(file, Some(kind), inside),
                            Err(source) => errors.push(walk_error(source)),
                        }
                    }
                }
                None => {
                    // A folder named like a flow or test file is one refused entry, not a tree to walk.
                    let mut skipped: Option<PathBuf> = None;
                    for entry in walker(path, excludes) {
                        let entry = match entry {
                            Ok(entry) => entry,
                            Err(source) => {
                                errors.push(walk_error(source));
                                continue;
                            }
                        };
                        if entry.depth() == 0 || skipped.as_ref().is_some_and(|s| entry.path().starts_with(s)) {
                            continue;
                        }
                        let kind = entry.file_type();
                        if kind.is_some_and(|t| t.is_dir()) && matches!(name_kind(entry.path()), Name::Stem(_)) {
                            skipped = Some(entry.path().to_path_buf());
                        }
                        found.take(entry.into_path(), kind, inside);
                    }
                }
            }
            let sniffed: Vec<_> = std::mem::take(&mut found.maybe_scripts)
                .into_par_iter()
                .filter(|(path, _)| holds_script(path))
                .collect();
            for (_, stem) in sniffed {
                found.note(stem, Seen::SCRIPT);
            }
        } else if path.symlink_metadata().is_ok() {
            match name_kind(path) {
                Name::Stem(stem) => found.note(stem, Seen::default()),
                Name::Json(stem) if holds_script(path) => found.note(stem, Seen::SCRIPT),
                Name::NotUtf8 { is_flow } => found.bad_names.push(Refused {
                    path: path.clone(),
                    is_flow,
                    why: Refusal::NotUtf8Name,
                }),
                Name::Other | Name::Json(_) => errors.push(DiscoverError::NotAFlowFile(path.clone())),
            }
        } else {
            errors.push(DiscoverError::Missing(path.clone()));
        }
        if found.count() > found_before {
            holding += 1;
        } else if path.is_dir() {
            // A walk cut short to the touched stems found none: the whole walk says whether the
            // folder holds anything, stopping at the first file it would check.
            if touched.is_some() && holds_anything(path, &scope.exclude) {
                holding += 1;
            } else {
                errors.push(DiscoverError::Empty(path.clone()));
            }
        }
    }
    let counted = touched.is_none().then_some(found.stems.len() + found.bad_names.len());
    // Sorted by path once each stem is there once (a flow and its test file both name it): a
    // comparison parses both paths.
    let mut stems: Vec<(PathBuf, Seen)> = found
        .stems
        .into_iter()
        .filter(|(stem, _)| touched.is_none_or(|touched| touched.has_stem(stem)))
        .collect();
    stems.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut units: Vec<Unit> = stems
        .into_iter()
        .map(|(stem, seen)| {
            let mut unit = Unit::default();
            // The flow side is the first of `NAME.flow.json`, `NAME.studio.json`, `NAME.json` there.
            for (suffix, is_flow) in [
                (FLOW_SUFFIX, true),
                (STUDIO_SUFFIX, true),
                (JSON_SUFFIX, true),
                (TESTS_SUFFIX, false),
            ] {
                if is_flow && (unit.flow.is_some() || unit.flow_refused()) {
                    continue;
                }
                let path = with_suffix(&stem, suffix);
                let entry = if Seen::file(suffix).is_some_and(|file| seen.has(file)) {
                    Entry::File
                } else {
                    classify(&path, boundary.as_deref())
                };
                match entry {
                    Entry::Missing => {}
                    Entry::File if suffix == JSON_SUFFIX => {
                        if seen.has(Seen::SCRIPT) || holds_script(&path) {
                            unit.flow = Some(path);
                        }
                    }
                    Entry::File if is_flow => unit.flow = Some(path),
                    Entry::File => unit.tests = Some(path),
                    Entry::Refused(_) if suffix == JSON_SUFFIX => {}
                    Entry::Refused(why) => unit.refused.push(Refused { path, is_flow, why }),
                }
            }
            unit
        })
        .filter(|unit| unit.first_path().is_some())
        .collect();
    units.extend(found.bad_names.into_iter().map(|refused| Unit {
        refused: vec![refused],
        ..Unit::default()
    }));
    Discovery {
        units,
        errors,
        found: counted,
        nothing: holding == 0,
    }
}

/// Whether the whole walk of `root` finds a file it would check (a flow, test file or script).
fn holds_anything(root: &Path, exclude: &[String]) -> bool {
    excludes(root, exclude).is_ok_and(|excludes| {
        walker(root, excludes)
            .flatten()
            .any(|entry| match name_kind(entry.path()) {
                Name::Other => false,
                Name::Json(_) => entry.file_type().is_some_and(|t| t.is_file()) && holds_script(entry.path()),
                Name::Stem(_) | Name::NotUtf8 { .. } => entry.depth() > 0,
            })
    })
}

/// The `exclude` globs, as `ignore` matches them below `root`.
fn excludes(root: &Path, exclude: &[String]) -> Result<Override, DiscoverError> {
    let mut overrides = OverrideBuilder::new(root);
    for glob in exclude {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|error| DiscoverError::BadExclude {
                glob: glob.clone(),
                message: error.to_string(),
            })?;
    }
    overrides.build().map_err(|error| DiscoverError::BadExclude {
        glob: exclude.join(", "),
        message: error.to_string(),
    })
}

/// A walk of `root` that follows no link and leaves out hidden entries, what `.gitignore` files
/// and `.git/info/exclude` ignore (inside a Git repository or not, but never the machine's global
/// Git settings, so every machine walks alike) and the `excludes` (`touched::look_up` applies the
/// same rules, name by name).
fn walker(root: &Path, excludes: Override) -> ignore::Walk {
    ignore::WalkBuilder::new(root)
        .follow_links(false)
        .hidden(true)
        .ignore(false)
        .git_global(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .overrides(excludes)
        .build()
}

/// What a path's name says it is.
enum Name {
    /// `dir/NAME` of `dir/NAME.flow.json`, `dir/NAME.studio.json` or `dir/NAME.tests.json`.
    Stem(PathBuf),
    /// `dir/NAME` of another `dir/NAME.json`: a Studio script if it holds one.
    Json(PathBuf),
    /// Ends like a flow or test file, but is not UTF-8.
    NotUtf8 {
        is_flow: bool,
    },
    Other,
}

impl Name {
    /// The stem a flow, test file or script would have.
    fn stem(&self) -> Option<&Path> {
        match self {
            Name::Stem(stem) | Name::Json(stem) => Some(stem),
            Name::NotUtf8 { .. } | Name::Other => None,
        }
    }
}

fn name_kind(path: &Path) -> Name {
    let Some(name) = path.file_name() else {
        return Name::Other;
    };
    match name.to_str() {
        Some(name) => match [FLOW_SUFFIX, TESTS_SUFFIX, STUDIO_SUFFIX]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
        {
            Some(stem) if !stem.is_empty() => Name::Stem(path.with_file_name(stem)),
            Some(_) => Name::Other,
            None => name
                .strip_suffix(JSON_SUFFIX)
                .filter(|s| !s.is_empty())
                .map_or(Name::Other, |stem| Name::Json(path.with_file_name(stem))),
        },
        None => {
            let lossy = name.to_string_lossy();
            if lossy.ends_with(FLOW_SUFFIX) || lossy.ends_with(STUDIO_SUFFIX) {
                Name::NotUtf8 { is_flow: true }
            } else if lossy.ends_with(TESTS_SUFFIX) {
                Name::NotUtf8 { is_flow: false }
            } else {
                Name::Other
            }
        }
    }
}

/// What is at a path, looked at without following a link.
enum Entry {
    Missing,
    File,
    Refused(Refusal),
}

fn classify(path: &Path, boundary: Option<&Path>) -> Entry {
    let Ok(meta) = path.symlink_metadata() else {
        return Entry::Missing;
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Entry::Refused(if path.metadata().is_ok() {
            Refusal::Symlink
        } else {
            Refusal::BrokenSymlink
        });
    }
    if kind.is_dir() {
        return Entry::Refused(Refusal::Directory);
    }
    if !kind.is_file() {
        return Entry::Refused(if is_fifo(&kind) {
            Refusal::Fifo
        } else {
            Refusal::Special
        });
    }
    within(path, boundary)
}

/// A regular file, unless a boundary is set and its real path leaves it.
fn within(path: &Path, boundary: Option<&Path>) -> Entry {
    if let Some(boundary) = boundary {
        let inside = path.canonicalize().is_ok_and(|real| real.starts_with(boundary));
        if !inside {
            return Entry::Refused(Refusal::LeavesTree);
        }
    }
    Entry::File
}

#[cfg(unix)]
fn is_fifo(kind: &std::fs::FileType) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(kind)
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::FileType) -> bool {
    false
}

fn with_suffix(stem: &Path, suffix: &str) -> PathBuf {
    let mut name = stem.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A unit of a flow and test file, none refused.
    fn unit(flow: Option<PathBuf>, tests: Option<PathBuf>) -> Unit {
        Unit {
            flow,
            tests,
            refused: vec![],
        }
    }

    /// A folder holding each of `names`, each `{}`.
    fn folder_with(names: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in names {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "{}").unwrap();
        }
        dir
    }

    #[test]
    fn pairs_tests_with_flows_and_keeps_orphans() {
        let dir = folder_with(&[
            "a.flow.json",
            "a.tests.json",
            "b.flow.json",
            "c.tests.json",
            "notes.json",
            ".hidden/d.flow.json",
        ]);
        let root = dir.path();
        let units = discover(&[root.to_path_buf()]).into_result().unwrap();
        assert_eq!(
            units,
            vec![
                unit(Some(root.join("a.flow.json")), Some(root.join("a.tests.json"))),
                unit(Some(root.join("b.flow.json")), None),
                unit(None, Some(root.join("c.tests.json"))),
            ]
        );
        // Naming only the test file still brings its flow.
        let units = discover(&[root.join("a.tests.json")]).into_result().unwrap();
        assert_eq!(units[0].flow, Some(root.join("a.flow.json")));
        assert!(matches!(
            discover(&[root.join("notes.json")]).into_result(),
            Err(DiscoverError::NotAFlowFile(_))
        ));
        // A missing path among others: the others are still found, the missing one is an error.
        let found = discover(&[root.join("nope"), root.join("b.flow.json")]);
        assert_eq!(found.units.len(), 1);
        assert!(matches!(found.errors[..], [DiscoverError::Missing(_)]));
        // A folder with nothing to check, or an empty path, is an error, not "0 flows checked".
        std::fs::create_dir_all(root.join("empty")).unwrap();
        let found = discover(&[root.join("empty")]);
        assert!(found.units.is_empty());
        assert_eq!(
            found.errors[0].to_string(),
            format!(
                "no flow files, Studio scripts or test files (*.flow.json, *.json, *.tests.json) under `{}`",
                root.join("empty").display()
            )
        );
        assert!(matches!(
            discover(&[PathBuf::new()]).into_result(),
            Err(DiscoverError::Missing(_))
        ));
    }

    #[test]
    fn discovering_touched_stems_pairs_them_and_walks_only_their_folders() {
        let dir = folder_with(&[
            "a.flow.json",
            "a.tests.json",
            "b.flow.json",
            "b.tests.json",
            "c.tests.json",
            "team/b.flow.json",
            "other/d.flow.json",
        ]);
        let root = dir.path();
        std::fs::write(root.join("broken.flow.json"), "{").unwrap();
        // A name that is not UTF-8 in a folder no touched stem is in: a walk that went in would
        // bring it as a refused unit.
        let bad = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"other/\xff.flow.json");
        std::fs::write(root.join(bad), "{}").unwrap();
        let all = discover_in(&[root.to_path_buf()], &Scope::default());
        assert!(all.units.iter().any(|unit| !unit.refused.is_empty()));
        let touched = Touched::new(root, ["b", "team/b", "gone"]);
        let found = discover_touched(&[root.to_path_buf()], &Scope::default(), touched);
        assert_eq!(
            found.units,
            vec![
                unit(Some(root.join("b.flow.json")), Some(root.join("b.tests.json"))),
                unit(Some(root.join("team/b.flow.json")), None),
            ]
        );
        assert_eq!((found.found, found.nothing), (None, false));
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        // Nothing touched under a folder that holds flows: no unit, and the folder is not empty.
        let found = discover_touched(&[root.join("other")], &Scope::default(), Touched::new(root, ["b"]));
        assert_eq!((found.units.len(), found.nothing), (0, false));
        assert!(found.errors.is_empty());
        // Everything: every unit paired and counted.
        let all = discover_in(&[root.to_path_buf()], &Scope::default());
        assert_eq!(all.found, Some(all.units.len()));
    }

    #[test]
    fn a_walk_cut_short_to_touched_stems_leaves_out_what_the_whole_walk_leaves_out() {
        let dir = folder_with(&[
            "flows/a.flow.json",
            "flows/a.tests.json",
            "flows/b.draft.flow.json",
            "flows/ignored/c.flow.json",
            "flows/kept/d.flow.json",
            "flows/kept/d.tests.json",
            "flows/legacy/e.flow.json",
            "flows/.hidden/f.flow.json",
            "flows/deep/er/g.tests.json",
            "flows/deep/h.flow.json",
        ]);
        let root = dir.path();
        std::fs::write(root.join(".gitignore"), "ignored/\n*.draft.flow.json\n").unwrap();
        std::fs::write(root.join("flows/kept/.gitignore"), "d.tests.json\n").unwrap();
        let scope = Scope {
            boundary: Some(root.to_path_buf()),
            exclude: vec!["legacy/".into()],
        };
        let stems = [
            "flows/a",
            "flows/b.draft",
            "flows/ignored/c",
            "flows/kept/d",
            "flows/legacy/e",
            "flows/.hidden/f",
            "flows/deep/er/g",
            "flows/missing",
        ];
        let paths = [root.join("flows")];
        let expected = walked_units(&paths, &scope, &Touched::new(root, stems));
        let cut_short = discover_touched(&paths, &scope, Touched::new(root, stems));
        assert_eq!(cut_short.units, expected);
        // The ignored, excluded and hidden ones are left out; a test file's ignored twin is paired,
        // as pairing always did.
        let firsts: Vec<_> = expected.iter().filter_map(Unit::first_path).collect();
        assert_eq!(
            firsts,
            [
                root.join("flows/a.flow.json"),
                root.join("flows/deep/er/g.tests.json"),
                root.join("flows/kept/d.flow.json"),
            ]
        );
    }

    /// Every touched stem's units, by the whole walk of `paths`.
    fn walked_units(paths: &[PathBuf], scope: &Scope, touched: &Touched) -> Vec<Unit> {
        discover_in(paths, scope)
            .units
            .into_iter()
            .filter(|unit| {
                name_kind(unit.first_path().unwrap())
                    .stem()
                    .is_some_and(|stem| touched.has_stem(stem))
            })
            .collect()
    }

    #[test]
    fn touched_files_looked_up_by_name_are_those_the_whole_walk_finds_whatever_rule_applies() {
        let script = r#"{"header": {}, "actions": {}, "branches": {}}"#;
        let dir = folder_with(&[
            "flows/a.flow.json",
            "flows/a.tests.json",
            "flows/.shown.flow.json",
            "flows/.still-hidden.flow.json",
            "flows/wild/w.flow.json",
            "flows/wild/x.flow.json",
            "flows/deep/keep.tmp.flow.json",
            "flows/deep/drop.tmp.flow.json",
            "flows/onlydir/o.flow.json",
            "flows/only.flow.json",
            "flows/named.flow.json/inner.flow.json",
            "flows/git-excluded/e.flow.json",
            "flows/git-excluded/kept.flow.json",
            "flows/s.skip.flow.json",
            "flows/team/t.tests.json",
            "flows/other.json",
            "flows/a.flow.flow.json",
            "top.flow.json",
        ]);
        let root = dir.path();
        std::fs::write(root.join("flows/script.json"), script).unwrap();
        // Rules above the walked folder (the repository's root), in it, and below it; a rule
        // that whitelists what a rule further up ignores; a folder-only rule; `info/exclude`.
        std::fs::write(root.join(".gitignore"), "*.tmp.flow.json\nonlydir/\nonly.flow.json/\n").unwrap();
        std::fs::write(
            root.join("flows/.gitignore"),
            "!.shown.flow.json\nwild/*\n!wild/w.flow.json\n",
        )
        .unwrap();
        std::fs::write(root.join("flows/deep/.gitignore"), "!keep.tmp.flow.json\n").unwrap();
        std::fs::write(root.join("flows/team/.gitignore"), "*.tests.json\n").unwrap();
        std::fs::create_dir_all(root.join(".git/info")).unwrap();
        std::fs::write(
            root.join(".git/info/exclude"),
            "flows/git-excluded/*\n!kept.flow.json\n",
        )
        .unwrap();
        // Links to a file and to a folder, a link that points at nothing, a folder under a link.
        std::os::unix::fs::symlink(root.join("flows/a.flow.json"), root.join("flows/link.flow.json")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("flows/broken.tests.json")).unwrap();
        std::os::unix::fs::symlink(root.join("flows/deep"), root.join("flows/linked")).unwrap();
        let scope = Scope {
            boundary: Some(root.to_path_buf()),
            exclude: vec!["**/*.skip.flow.json".into()],
        };
        let stems = [
            "flows/a",
            "flows/.shown",
            "flows/.still-hidden",
            "flows/wild/w",
            "flows/wild/x",
            "flows/deep/keep.tmp",
            "flows/deep/drop.tmp",
            "flows/onlydir/o",
            "flows/only",
            "flows/named",
            "flows/named.flow.json/inner",
            "flows/git-excluded/e",
            "flows/git-excluded/kept",
            "flows/s.skip",
            "flows/team/t",
            "flows/other",
            "flows/script",
            "flows/a.flow",
            "flows/link",
            "flows/broken",
            "flows/linked/keep.tmp",
            "top",
            "flows/missing/m",
        ];
        for paths in [
            vec![root.join("flows")],
            vec![root.to_path_buf()],
            vec![root.join("flows/deep")],
        ] {
            let expected = walked_units(&paths, &scope, &Touched::new(root, stems));
            let found = discover_touched(&paths, &scope, Touched::new(root, stems));
            assert_eq!(found.units, expected, "under {paths:?}");
            assert!(found.errors.is_empty(), "{:?}", found.errors);
        }
        // What the rules let through, and what they leave out, by name.
        let found = discover_touched(&[root.join("flows")], &scope, Touched::new(root, stems));
        let firsts: Vec<_> = found.units.iter().filter_map(Unit::first_path).collect();
        let flows = root.join("flows");
        assert_eq!(
            firsts,
            [
                flows.join(".shown.flow.json"),
                flows.join("a.flow.json"),
                flows.join("a.flow.flow.json"),
                flows.join("broken.tests.json"),
                flows.join("deep/keep.tmp.flow.json"),
                flows.join("git-excluded/kept.flow.json"),
                flows.join("link.flow.json"),
                flows.join("named.flow.json"),
                flows.join("only.flow.json"),
                flows.join("script.json"),
                flows.join("wild/w.flow.json"),
            ]
            .iter()
            .map(PathBuf::as_path)
            .collect::<Vec<_>>()
        );
    }
}
