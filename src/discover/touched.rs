//! Finds the files a change touched by their names, applying the ignore rules a walk would apply,
//! so a pull request's run lists no folder: one `lstat` per name a touched stem's files may have.

use std::fs::FileType;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::Override;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{FLOW_SUFFIX, JSON_SUFFIX, Name, STUDIO_SUFFIX, TESTS_SUFFIX, name_kind, plain};

/// The stems (`dir/NAME`) a change touched, relative to `workspace` (the current folder).
#[derive(Debug, Default)]
pub struct Touched {
    workspace: PathBuf,
    stems: FxHashSet<PathBuf>,
}

impl Touched {
    pub fn new<'a>(workspace: &Path, stems: impl IntoIterator<Item = &'a str>) -> Self {
        Touched {
            workspace: workspace.to_path_buf(),
            stems: stems.into_iter().map(|stem| plain(Path::new(stem))).collect(),
        }
    }

    /// `path` relative to the workspace, without `.` components: how stems are kept.
    fn key(&self, path: &Path) -> PathBuf {
        plain(path.strip_prefix(&self.workspace).unwrap_or(path))
    }

    pub(super) fn has_stem(&self, stem: &Path) -> bool {
        self.stems.contains(&self.key(stem))
    }

    /// The paths, relative to `root`, that a touched stem's files may have under it (each once):
    /// `NAME.flow.json`, `NAME.studio.json`, `NAME.json` and `NAME.tests.json` in the stem's folder,
    /// each kept only when the stem its name gives is touched (`a.flow.json` is `a`'s, not `a.flow`'s).
    fn names_under(&self, root: &Path) -> Vec<PathBuf> {
        let base = self.key(root);
        let mut names = FxHashSet::default();
        for stem in &self.stems {
            let Ok(inside) = stem.strip_prefix(&base) else { continue };
            let Some(name) = inside.file_name() else { continue };
            for suffix in [FLOW_SUFFIX, STUDIO_SUFFIX, JSON_SUFFIX, TESTS_SUFFIX] {
                let mut file = name.to_os_string();
                file.push(suffix);
                let candidate = inside.with_file_name(file);
                if name_kind(&root.join(&candidate))
                    .stem()
                    .is_some_and(|stem| self.has_stem(stem))
                {
                    names.insert(candidate);
                }
            }
        }
        names.into_iter().collect()
    }
}

/// What a walk of `root` (hidden entries, `.gitignore` files and `.git/info/exclude` of every
/// folder from the filesystem's root down, the `exclude` globs, no links) would find of the files
/// `touched` names: each one's path and type, found by name, never by listing a folder. A path
/// that cannot be looked at for another reason than its absence is an error.
pub(super) fn look_up(
    root: &Path,
    excludes: Override,
    touched: &Touched,
) -> Vec<Result<(PathBuf, FileType), ignore::Error>> {
    let mut rules = Rules::new(root, excludes);
    touched
        .names_under(root)
        .into_iter()
        .filter_map(|name| match rules.find(&name) {
            Ok(Some(kind)) => Some(Ok((root.join(name), kind))),
            Ok(None) => None,
            Err(error) => Some(Err(ignore::Error::WithPath {
                path: root.join(name),
                err: Box::new(ignore::Error::Io(error)),
            })),
        })
        .collect()
}

/// One folder's ignore files, read as a walk reads them.
struct FolderRules {
    gitignore: Gitignore,
    /// `.git/info/exclude`, when the folder holds a `.git`.
    git_exclude: Gitignore,
}

impl FolderRules {
    fn read(dir: &Path) -> FolderRules {
        let git = dir.join(".git");
        let git_exclude = git
            .metadata()
            .ok()
            .and_then(|meta| git_dir(&git, meta.file_type()))
            .map_or_else(Gitignore::empty, |git_dir| rules_of(dir, &git_dir.join("info/exclude")));
        FolderRules {
            gitignore: rules_of(dir, &dir.join(".gitignore")),
            git_exclude,
        }
    }
}

/// The rules of one ignore file, matched relative to `dir`. A line that does not parse is left
/// out and the others kept, as a walk does (it reports nothing about ignore files).
fn rules_of(dir: &Path, file: &Path) -> Gitignore {
    if !file.exists() {
        return Gitignore::empty();
    }
    let mut builder = GitignoreBuilder::new(dir);
    // A partial error: the lines that parsed are in the builder.
    let _partial = builder.add(file);
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// The Git folder whose `info/exclude` applies: `.git` itself, or for a `.git` file (a worktree)
/// the common folder its `gitdir:` line leads to; `None` when that cannot be read.
fn git_dir(git: &Path, kind: FileType) -> Option<PathBuf> {
    if !kind.is_file() {
        return Some(git.to_path_buf());
    }
    let first_line = |path: &Path| {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| text.lines().next().map(str::to_string))
    };
    let real = PathBuf::from(first_line(git)?.strip_prefix("gitdir: ")?);
    let common = first_line(&real.join("commondir"))?;
    Some(if common.starts_with('.') {
        real.join(common)
    } else {
        PathBuf::from(common)
    })
}

/// The ignore rules a walk of one root applies, read folder by folder as names need them.
struct Rules<'a> {
    root: &'a Path,
    excludes: Override,
    /// The root's real path and the rules of the folders above it, innermost first (a walk reads
    /// those too, and matches them against the real path).
    above: Option<(PathBuf, Vec<FolderRules>)>,
    /// The rules of the folders at and below the root already read, by path relative to it.
    below: FxHashMap<PathBuf, FolderRules>,
    /// Whether a walk enters each folder below the root looked at so far.
    enters: FxHashMap<PathBuf, bool>,
}

impl<'a> Rules<'a> {
    fn new(root: &'a Path, excludes: Override) -> Self {
        let above = root.canonicalize().ok().map(|real| {
            let folders = real.ancestors().skip(1).map(FolderRules::read).collect();
            (real, folders)
        });
        Rules {
            root,
            excludes,
            above,
            below: FxHashMap::default(),
            enters: FxHashMap::default(),
        }
    }

    /// The path a walk gives the entry at `inside` (relative to the root).
    fn walked(&self, inside: &Path) -> PathBuf {
        if inside.as_os_str().is_empty() {
            self.root.to_path_buf()
        } else {
            self.root.join(inside)
        }
    }

    /// The type of what is at `name` (relative to the root) when a walk would find it there.
    fn find(&mut self, name: &Path) -> std::io::Result<Option<FileType>> {
        // The folders on the way, outermost first.
        let folders: Vec<&Path> = name
            .ancestors()
            .skip(1)
            .filter(|folder| !folder.as_os_str().is_empty())
            .collect();
        for folder in folders.into_iter().rev() {
            if !self.enters(folder)? {
                return Ok(None);
            }
        }
        let Some(kind) = lstat(&self.walked(name))? else {
            return Ok(None);
        };
        Ok((!self.ignored(name, kind.is_dir())).then_some(kind))
    }

    /// Whether a walk goes into the folder at `folder` (below the root, every folder above it
    /// entered): a real folder, not a link, not named like a flow or test file, not ignored.
    fn enters(&mut self, folder: &Path) -> std::io::Result<bool> {
        if let Some(&enters) = self.enters.get(folder) {
            return Ok(enters);
        }
        let path = self.walked(folder);
        let enters = lstat(&path)?.is_some_and(|kind| kind.is_dir())
            && !matches!(name_kind(&path), Name::Stem(_))
            && !self.ignored(folder, true);
        self.enters.insert(folder.to_path_buf(), enters);
        Ok(enters)
    }

    /// Whether a walk leaves out the entry at `inside`, as `ignore`'s walker decides: an
    /// `exclude` glob first; then the innermost `.gitignore` rule that matches in the folders from
    /// the entry's up to the filesystem's root, else the innermost `.git/info/exclude` rule; a
    /// hidden name when no rule said anything.
    fn ignored(&mut self, inside: &Path, is_dir: bool) -> bool {
        let path = self.walked(inside);
        let excluded = self.excludes.matched(&path, is_dir);
        if !excluded.is_none() {
            return excluded.is_ignore();
        }
        let (mut gitignore, mut git_exclude) = (Match::None, Match::None);
        let mut consult = |rules: &FolderRules, path: &Path| {
            if gitignore.is_none() {
                gitignore = rules.gitignore.matched(path, is_dir).map(|_| ());
            }
            if git_exclude.is_none() {
                git_exclude = rules.git_exclude.matched(path, is_dir).map(|_| ());
            }
        };
        for folder in inside.ancestors().skip(1) {
            let walked = self.walked(folder);
            let rules = self
                .below
                .entry(folder.to_path_buf())
                .or_insert_with(|| FolderRules::read(&walked));
            consult(rules, &path);
        }
        if let Some((real, above)) = &self.above {
            let real_path = real.join(inside);
            for rules in above {
                consult(rules, &real_path);
            }
        }
        match gitignore.or(git_exclude) {
            Match::Ignore(()) => true,
            Match::Whitelist(()) => false,
            Match::None => inside
                .file_name()
                .is_some_and(|name| name.as_encoded_bytes().starts_with(b".")),
        }
    }
}

/// What is at `path`, without following a link; `None` when nothing is (or a folder on the way is
/// not one).
fn lstat(path: &Path) -> std::io::Result<Option<FileType>> {
    match path.symlink_metadata() {
        Ok(meta) => Ok(Some(meta.file_type())),
        Err(error) if matches!(error.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => Ok(None),
        Err(error) => Err(error),
    }
}
