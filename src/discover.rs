//! Finds flow and test files under the paths the user names, and pairs each test file with its flow.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The suffix of flow files.
pub const FLOW_SUFFIX: &str = ".flow.json";
/// The suffix of test files.
pub const TESTS_SUFFIX: &str = ".tests.json";

/// A flow to check, with its test file when one exists beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The flow file, or `None` for a test file whose flow is missing.
    pub flow: Option<PathBuf>,
    pub tests: Option<PathBuf>,
}

/// The user named something that cannot be checked.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("path `{0}` does not exist")]
    Missing(PathBuf),
    #[error("`{0}` is neither a flow file (*.flow.json) nor a test file (*.tests.json)")]
    NotAFlowFile(PathBuf),
    #[error("failed to walk `{path}`: {source}")]
    Walk {
        path: PathBuf,
        #[source]
        source: walkdir::Error,
    },
}

/// Collects the units under `paths`: directories are walked (hidden directories skipped), files are
/// taken as named. A test file's flow and a flow's test file are included when they exist on disk.
/// Units come sorted by path, so output is deterministic.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Unit>, DiscoverError> {
    let mut stems = BTreeSet::new();
    for path in paths {
        if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .follow_links(false)
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
            for entry in walker {
                let entry = entry.map_err(|source| DiscoverError::Walk {
                    path: path.clone(),
                    source,
                })?;
                if entry.file_type().is_file()
                    && let Some(stem) = stem_of(entry.path())
                {
                    stems.insert(stem);
                }
            }
        } else if path.is_file() {
            let stem = stem_of(path).ok_or_else(|| DiscoverError::NotAFlowFile(path.clone()))?;
            stems.insert(stem);
        } else {
            return Err(DiscoverError::Missing(path.clone()));
        }
    }
    Ok(stems
        .into_iter()
        .map(|stem| {
            let flow = with_suffix(&stem, FLOW_SUFFIX);
            let tests = with_suffix(&stem, TESTS_SUFFIX);
            Unit {
                flow: flow.is_file().then_some(flow),
                tests: tests.is_file().then_some(tests),
            }
        })
        .filter(|unit| unit.flow.is_some() || unit.tests.is_some())
        .collect())
}

/// `dir/NAME` for `dir/NAME.flow.json` or `dir/NAME.tests.json`.
fn stem_of(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(FLOW_SUFFIX)
        .or_else(|| name.strip_suffix(TESTS_SUFFIX))
        .filter(|s| !s.is_empty())?;
    Some(path.with_file_name(stem))
}

fn with_suffix(stem: &Path, suffix: &str) -> PathBuf {
    let mut name = stem.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_tests_with_flows_and_keeps_orphans() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "a.flow.json",
            "a.tests.json",
            "b.flow.json",
            "c.tests.json",
            "notes.json",
            ".hidden/d.flow.json",
        ] {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "{}").unwrap();
        }
        let units = discover(&[root.to_path_buf()]).unwrap();
        assert_eq!(
            units,
            vec![
                Unit {
                    flow: Some(root.join("a.flow.json")),
                    tests: Some(root.join("a.tests.json"))
                },
                Unit {
                    flow: Some(root.join("b.flow.json")),
                    tests: None
                },
                Unit {
                    flow: None,
                    tests: Some(root.join("c.tests.json"))
                },
            ]
        );
        // Naming only the test file still brings its flow.
        let units = discover(&[root.join("a.tests.json")]).unwrap();
        assert_eq!(units[0].flow, Some(root.join("a.flow.json")));
        assert!(matches!(
            discover(&[root.join("notes.json")]),
            Err(DiscoverError::NotAFlowFile(_))
        ));
        assert!(matches!(discover(&[root.join("nope")]), Err(DiscoverError::Missing(_))));
    }
}
