//! The scripts a RUNSUB or RUNSCRIPT may call: `NAME.studio.json` or `NAME.json` beside the
//! caller (NICE's help: the main script and the subscript must be in the same folder), each read
//! and loaded once however many scripts call it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use crate::flow::model::Flow;
use crate::json::Tape;
use crate::studio::subscript::{self, Found, script_file_stem};

/// The largest script file a call is followed into (as large as the discovery reads).
const MAX_SCRIPT_BYTES: u64 = 16 * 1024 * 1024;

/// Scripts found beside their callers, loaded on first use.
#[derive(Debug, Default)]
pub struct Library {
    loaded: Mutex<FxHashMap<PathBuf, Option<Arc<Flow>>>>,
}

impl Library {
    /// The script `script_name` names, beside `caller`; a file there that cannot be loaded (a
    /// link, too large, not UTF-8 or not JSON) is `Unloadable`: its own check says why.
    pub fn find(&self, caller: &Path, script_name: &str) -> Found {
        let Some(stem) = script_file_stem(script_name) else {
            return Found::Missing;
        };
        let folder = caller.parent().unwrap_or(Path::new(""));
        let path = [".studio.json", ".json"]
            .iter()
            .map(|suffix| folder.join(format!("{stem}{suffix}")))
            .find(|path| path.symlink_metadata().is_ok());
        let Some(path) = path else {
            return Found::Missing;
        };
        let mut loaded = self.loaded.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let flow = loaded.entry(path).or_insert_with_key(|path| load(path).map(Arc::new));
        flow.clone().map_or(Found::Unloadable, Found::Script)
    }
}

/// A script with the scripts its calls find beside `path` copied in (`studio::subscript`): what a
/// simulation of it runs. A flow file, or a script that calls no script, is itself.
pub fn with_called_scripts(path: &Path, flow: Flow) -> Flow {
    if !flow.is_script() {
        return flow;
    }
    let library = Library::default();
    let mut find = |name: &str| library.find(path, name);
    match subscript::expand(&flow, script_stem(path), &mut find) {
        Some(expanded) => expanded.flow,
        None => flow,
    }
}

/// The name a script file goes by in calls: its file name without `.studio.json` or `.json`.
pub fn script_stem(path: &Path) -> &str {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    [crate::discover::STUDIO_SUFFIX, ".json"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(name)
}

/// A script file as a flow, when it is a regular file of JSON.
fn load(path: &Path) -> Option<Flow> {
    let metadata = path.symlink_metadata().ok()?;
    if !metadata.is_file() || metadata.len() > MAX_SCRIPT_BYTES {
        return None;
    }
    let text = String::from_utf8(std::fs::read(path).ok()?).ok()?;
    if let Some((flow, _)) = crate::studio::plain::read(&text) {
        return Some(flow);
    }
    let tape = Tape::parse(&text).ok()?;
    Some(crate::studio::load::load(tape.root()).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_is_found_beside_its_caller_by_the_last_part_of_its_name() {
        let folder = tempfile::tempdir().unwrap();
        let script = r#"{"header": {"scriptName": "CheckVip"}, "actions": {"1": {"name": "BEGIN", "libraryId": "b2f794c5-0232-40e7-9830-76d573bf57d7"}}, "branches": {}}"#;
        std::fs::write(folder.path().join("CheckVip.json"), script).unwrap();
        std::fs::write(folder.path().join("Broken.studio.json"), "{").unwrap();
        let caller = folder.path().join("main.json");
        let library = Library::default();
        let script = |found: Found| match found {
            Found::Script(flow) => flow,
            other => panic!("{other:?}"),
        };
        let found = script(library.find(&caller, r"Acme\CheckVip"));
        assert_eq!(found.elements.len(), 1);
        assert!(Arc::ptr_eq(&found, &script(library.find(&caller, "CheckVip"))));
        assert_eq!(library.find(&caller, "Broken"), Found::Unloadable);
        assert_eq!(library.find(&caller, "Absent"), Found::Missing);
        let beside = script(library.find(&caller, "../CheckVip"));
        assert!(
            Arc::ptr_eq(&found, &beside),
            "only the last part is a name: never another folder"
        );
        assert_eq!(library.find(&caller, "x/.."), Found::Missing);
    }
}
