//! Which flows a run checks: those a pull request touched (a changed test file selects its flow, a
//! changed flow its tests), or everything; then this job's shard of them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::action::inputs::Shard;
use crate::discover::{FLOW_SUFFIX, STUDIO_SUFFIX, TESTS_SUFFIX, Touched, Unit};
use crate::github::changes::ChangedFile;

/// The flows this job checks, and why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub units: Vec<Unit>,
    /// Flows the change touched (directly, through their tests, or a file renamed away from their
    /// name): path now -> path at the base (the flow file's own, before its rename).
    pub changed_flows: BTreeMap<String, String>,
    /// Flow files the change deleted: noted, not checked.
    pub deleted_flows: Vec<String>,
    /// How many flows were found under the paths, before selecting; `None` when discovery looked
    /// only for the changed ones.
    pub found: Option<usize>,
    /// How many were selected, before this job's shard was taken.
    pub selected: usize,
    /// `None` when only changed flows were selected; else why everything was.
    pub everything_because: Option<String>,
}

/// A path as the repository names it: forward slashes, no leading `./`, relative to the workspace.
pub fn repo_path(path: &Path, workspace: &Path) -> String {
    let relative = path.strip_prefix(workspace).unwrap_or(path);
    let text = relative.to_string_lossy().replace('\\', "/");
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_string()
}

/// `dir/name` for `dir/name.flow.json`, `dir/name.tests.json`, `dir/name.studio.json` or (a Studio
/// script) `dir/name.json`.
fn stem(path: &str) -> Option<&str> {
    [FLOW_SUFFIX, TESTS_SUFFIX, STUDIO_SUFFIX, ".json"]
        .iter()
        .find_map(|suffix| path.strip_suffix(suffix))
}

fn unit_stem(unit: &Unit, workspace: &Path) -> String {
    let path = unit.first_path().map(|p| repo_path(p, workspace)).unwrap_or_default();
    stem(&path).unwrap_or(&path).to_string()
}

/// The stems (`dir/NAME`) of the flows, scripts and test files a change touched, as the repository
/// names them (a renamed file's old one too): all discovery needs to look for when only changed
/// flows are checked.
pub fn touched(changes: &[ChangedFile], workspace: &Path) -> Touched {
    let paths = changes
        .iter()
        .flat_map(|file| [Some(file.path.as_str()), file.previous.as_deref()]);
    Touched::new(workspace, paths.flatten().filter_map(stem))
}

/// Selects from the units discovered (`found` of them under the paths, when discovery counted them): the changed ones when `changes` is given, else all of them; then
/// keeps this job's shard (round robin over the sorted units).
pub fn select(
    all: Vec<Unit>,
    found: Option<usize>,
    changes: Result<&[ChangedFile], String>,
    shard: Shard,
    workspace: &Path,
) -> Selection {
    let mut selection = Selection {
        found,
        ..Selection::default()
    };
    let all: Vec<(String, Unit)> = all.into_iter().map(|u| (unit_stem(&u, workspace), u)).collect();
    let mut chosen: Vec<(String, Unit)> = match changes {
        Err(reason) => {
            selection.everything_because = Some(reason);
            all
        }
        Ok(changes) => {
            // The stems the change touched, and each renamed file's path at the base: a flow's base
            // is its own file's, never its test file's (a test file renamed to an untouched flow's
            // name leaves the flow where it was).
            let mut touched: BTreeSet<&str> = BTreeSet::new();
            let renamed: BTreeMap<&str, &str> = changes
                .iter()
                .filter_map(|file| Some((file.path.as_str(), file.previous.as_deref()?)))
                .collect();
            for file in changes {
                // A renamed file left its old place: the flow there lost (or gained) it too.
                touched.extend(file.previous.as_deref().and_then(stem));
                let Some(now) = stem(&file.path) else { continue };
                touched.insert(now);
                let flow_side = file.path.ends_with(FLOW_SUFFIX) || file.path.ends_with(STUDIO_SUFFIX);
                if file.removed && flow_side && !workspace.join(&file.path).exists() {
                    selection.deleted_flows.push(file.path.clone());
                }
            }
            all.into_iter()
                .filter(|(stem, unit)| {
                    if !touched.contains(stem.as_str()) {
                        return false;
                    }
                    if let Some(flow) = &unit.flow {
                        let path = repo_path(flow, workspace);
                        let before = renamed
                            .get(path.as_str())
                            .map_or_else(|| path.clone(), |before| before.to_string());
                        selection.changed_flows.insert(path, before);
                    }
                    true
                })
                .collect()
        }
    };
    selection.selected = chosen.len();
    chosen.sort_by(|a, b| a.0.cmp(&b.0));
    selection.units = chosen
        .into_iter()
        .enumerate()
        .filter(|(i, _)| shard.keeps(*i))
        .map(|(_, (_, unit))| unit)
        .collect();
    selection
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn unit(stem: &str, tests: bool) -> Unit {
        Unit {
            refused: Vec::new(),
            flow: Some(PathBuf::from(format!("./flows/{stem}.flow.json"))),
            tests: tests.then(|| PathBuf::from(format!("./flows/{stem}.tests.json"))),
        }
    }

    fn changed(path: &str, previous: Option<&str>, removed: bool) -> ChangedFile {
        ChangedFile {
            path: path.into(),
            previous: previous.map(str::to_string),
            removed,
        }
    }

    #[test]
    fn changed_tests_select_their_flow_and_renames_keep_their_base() {
        let all = vec![unit("a", true), unit("b", true), unit("c", false), unit("d", false)];
        let changes = [
            changed("flows/a.tests.json", None, false),
            changed("flows/c.flow.json", Some("flows/old-c.flow.json"), false),
            changed("flows/gone.flow.json", None, true),
            changed("README.md", None, false),
        ];
        let selection = select(all, None, Ok(&changes), Shard::WHOLE, Path::new("/nonexistent"));
        let stems: Vec<String> = selection.units.iter().map(|u| unit_stem(u, Path::new("."))).collect();
        assert_eq!(stems, vec!["flows/a", "flows/c"]);
        assert_eq!(selection.changed_flows["flows/c.flow.json"], "flows/old-c.flow.json");
        assert_eq!(selection.changed_flows["flows/a.flow.json"], "flows/a.flow.json");
        assert_eq!(selection.deleted_flows, vec!["flows/gone.flow.json"]);
        assert_eq!((selection.found, selection.everything_because), (None, None));
    }

    #[test]
    fn a_test_file_renamed_to_a_flow_s_name_leaves_the_flow_at_its_own_base() {
        // git pairs a deleted test file with a new, similar one as a rename; the flow the new
        // one tests was there, untouched, at the base, and the flow that lost its test file is
        // touched too. A flow renamed with its test file keeps its own rename.
        let all = vec![
            unit("c", true),
            unit("e", false),
            unit("new", true),
            unit("rewritten", true),
        ];
        let changes = [
            changed("flows/c.tests.json", Some("flows/e.tests.json"), false),
            changed("flows/new.flow.json", Some("flows/old.flow.json"), false),
            changed("flows/new.tests.json", Some("flows/old.tests.json"), false),
            // A flow git did not pair with the one it replaced is new, as git says.
            changed("flows/first.flow.json", None, true),
            changed("flows/rewritten.flow.json", None, false),
            changed("flows/rewritten.tests.json", Some("flows/first.tests.json"), false),
        ];
        let selection = select(all, None, Ok(&changes), Shard::WHOLE, Path::new("/nonexistent"));
        assert_eq!(selection.changed_flows["flows/c.flow.json"], "flows/c.flow.json");
        assert_eq!(selection.changed_flows["flows/new.flow.json"], "flows/old.flow.json");
        assert_eq!(
            selection.changed_flows["flows/rewritten.flow.json"],
            "flows/rewritten.flow.json"
        );
        // The flow whose test file went is checked again, at its own base.
        assert_eq!(selection.changed_flows["flows/e.flow.json"], "flows/e.flow.json");
        assert_eq!(selection.changed_flows.len(), 4);
        assert_eq!(selection.deleted_flows, ["flows/first.flow.json"]);
    }

    #[test]
    fn shards_partition_everything() {
        let all: Vec<Unit> = (0..10).map(|i| unit(&format!("f{i:02}"), false)).collect();
        let mut seen = Vec::new();
        for k in 1..=3 {
            let shard = Shard { index: k, count: 3 };
            let selection = select(all.clone(), Some(10), Err("push".into()), shard, Path::new("."));
            assert!(selection.units.len() >= 3);
            seen.extend(selection.units);
        }
        seen.sort_by_key(|u| u.flow.clone());
        assert_eq!(seen, all);
    }
}
