//! Calls between the scripts of one Studio release. A RUNSUB or RUNSCRIPT that runs a script the
//! same release saves (found as a simulation finds it: `NAME.studio.json` or `NAME.json` in the
//! caller's folder, `NAME` the last part of `ScriptName`) is saved calling `ScriptName__TAG`, the
//! name that script is saved under, so the released caller runs the script released with it, not
//! whatever the plain name holds on the tenant (a release saves only versioned names). Drift and
//! pull read such a call back as written in the file.

use std::path::Path;

use serde_json::Value;

use crate::discover::STUDIO_SUFFIX;
use crate::release::studio_tenant::{ScriptToRelease, versioned_name};
use crate::studio::actions;
use crate::studio::library::script_stem;
use crate::studio::properties::{property, set_property};
use crate::studio::subscript::script_file_stem;

/// One action that runs another script of the release.
#[derive(Debug)]
struct Call {
    /// The action's id.
    action: String,
    /// Its `ScriptName`, as written.
    script_name: String,
    /// The index of the script it runs.
    callee: usize,
}

/// Per script of a release, each of its actions that runs another script of the release.
#[derive(Debug, Default)]
pub struct Calls {
    per_script: Vec<Vec<Call>>,
}

impl Calls {
    /// The calls among `scripts`.
    pub fn within(scripts: &[ScriptToRelease]) -> Calls {
        let per_script = scripts
            .iter()
            .map(|script| {
                calling_actions(&script.content)
                    .filter_map(|(action, script_name)| {
                        let callee = called(scripts, &script.path, &script_name)?;
                        Some(Call {
                            action,
                            script_name,
                            callee,
                        })
                    })
                    .collect()
            })
            .collect();
        Calls { per_script }
    }

    /// The scripts of the release that `script` runs.
    pub fn callees(&self, script: usize) -> impl Iterator<Item = usize> + '_ {
        self.per_script
            .get(script)
            .into_iter()
            .flatten()
            .map(|call| call.callee)
    }

    /// Calls that find their script by its file's name while the script is saved under another
    /// name: CXone, which goes by the saved name, would not find the versioned one. A release of
    /// them is refused, each said with its place.
    pub fn misnamed(&self, scripts: &[ScriptToRelease]) -> Vec<String> {
        let mut problems = Vec::new();
        for (caller, calls) in scripts.iter().zip(&self.per_script) {
            for call in calls {
                let callee = &scripts[call.callee];
                if script_file_stem(&callee.name) != script_file_stem(&call.script_name) {
                    problems.push(format!(
                        "{} cannot be released: action {} runs `{}`, which is {} here, but that script is saved as `{}`: CXone would look for `{}`; make the call name the script's `header.scriptName`",
                        caller.path, call.action, call.script_name, callee.path, callee.name, call.script_name
                    ));
                }
            }
        }
        problems
    }

    /// Every script's index, each script after the scripts it runs (scripts that run each other
    /// in a circle keep their order among themselves).
    pub fn save_order(&self) -> Vec<usize> {
        let mut order = Vec::with_capacity(self.per_script.len());
        let mut placed = vec![false; self.per_script.len()];
        for script in 0..self.per_script.len() {
            self.place(script, &mut placed, &mut order);
        }
        order
    }

    fn place(&self, script: usize, placed: &mut [bool], order: &mut Vec<usize>) {
        if placed[script] {
            return;
        }
        placed[script] = true;
        for callee in self.callees(script) {
            self.place(callee, placed, order);
        }
        order.push(script);
    }

    /// `scripts[index]`'s content as a release under `tag` saves it: named `NAME__TAG`, and each
    /// call of another script of the release calling `ScriptName__TAG`.
    pub fn as_released(&self, scripts: &[ScriptToRelease], index: usize, tag: &str) -> Value {
        let script = &scripts[index];
        let mut content = script.named(&versioned_name(&script.name, tag));
        for call in self.per_script.get(index).into_iter().flatten() {
            if let Some(properties) = content.get_mut("properties").and_then(|p| p.get_mut(&call.action)) {
                set_property(properties, "ScriptName", versioned_name(&call.script_name, tag));
            }
        }
        content
    }
}

/// A script saved under `tag` with its calls as its file writes them: every RUNSUB or RUNSCRIPT
/// calling `NAME__TAG` calls `NAME` again.
pub fn untagged_calls(mut content: Value, tag: &str) -> Value {
    if tag.is_empty() {
        return content;
    }
    let suffix = versioned_name("", tag);
    let calls: Vec<(String, String)> = calling_actions(&content)
        .filter_map(|(id, name)| Some((id, name.strip_suffix(&suffix)?.to_string())))
        .collect();
    for (id, name) in calls {
        if let Some(properties) = content.get_mut("properties").and_then(|p| p.get_mut(&id)) {
            set_property(properties, "ScriptName", name);
        }
    }
    content
}

/// The RUNSUB and RUNSCRIPT actions of a script: each one's id and the `ScriptName` it runs.
fn calling_actions(content: &Value) -> impl Iterator<Item = (String, String)> + '_ {
    let actions = content.get("actions").and_then(Value::as_object).into_iter().flatten();
    actions.filter_map(|(id, action)| {
        let library_id = action.get("libraryId").and_then(Value::as_str);
        let name = action.get("name").and_then(Value::as_str).unwrap_or_default();
        let kind = actions::known(library_id, name)?;
        if !matches!(kind.name, "RUNSUB" | "RUNSCRIPT") {
            return None;
        }
        let script_name = property(content.get("properties")?.get(id)?, "ScriptName")?;
        Some((id.clone(), script_name.to_string()))
    })
}

/// The script of the release a call from `caller` (a path) naming `script_name` runs: the one in
/// the caller's folder whose file is named after it, `NAME.studio.json` before `NAME.json`.
fn called(scripts: &[ScriptToRelease], caller: &str, script_name: &str) -> Option<usize> {
    let stem = script_file_stem(script_name)?;
    let folder = Path::new(caller).parent();
    let beside = |s: &&ScriptToRelease| {
        let path = Path::new(&s.path);
        path.parent() == folder && script_stem(path) == stem
    };
    let mut found: Vec<usize> = (0..scripts.len()).filter(|&i| beside(&&scripts[i])).collect();
    found.sort_by_key(|&i| !scripts[i].path.ends_with(STUDIO_SUFFIX));
    found.first().copied()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn script(path: &str, name: &str, calls: &[(&str, &str, &str)]) -> ScriptToRelease {
        let mut actions = json!({"1": {"name": "BEGIN"}});
        let mut properties = json!({});
        for (id, kind, callee) in calls {
            actions[*id] = json!({"name": kind});
            properties[*id] =
                json!({"0": {"name": "ScriptName", "value": callee}, "1": {"name": "Parameters", "value": "{ANI}"}});
        }
        ScriptToRelease {
            path: path.to_string(),
            name: name.to_string(),
            content: json!({"header": {"scriptName": name}, "actions": actions, "properties": properties, "branches": {}}),
        }
    }

    #[test]
    fn a_call_of_a_script_released_with_it_names_that_script_s_version() {
        let scripts = [
            script(
                "ivr/main.json",
                "Main",
                &[("5", "RUNSUB", "Acme\\tier"), ("6", "RUNSCRIPT", "elsewhere")],
            ),
            script("ivr/tier.json", "Acme\\tier", &[]),
            script("other/elsewhere.json", "Elsewhere", &[]),
        ];
        let calls = Calls::within(&scripts);
        let main = calls.as_released(&scripts, 0, "v2");
        assert_eq!(main["header"]["scriptName"], "Main__v2");
        assert_eq!(property(&main["properties"]["5"], "ScriptName"), Some("Acme\\tier__v2"));
        assert_eq!(property(&main["properties"]["5"], "Parameters"), Some("{ANI}"));
        // `elsewhere` is not in the caller's folder: the call is saved as written.
        assert_eq!(property(&main["properties"]["6"], "ScriptName"), Some("elsewhere"));
        assert_eq!(calls.callees(0).collect::<Vec<_>>(), [1]);
        assert_eq!(calls.save_order(), [1, 0, 2]);
        assert!(calls.misnamed(&scripts).is_empty());
        // Read back, the call is the file's again; a call of another version is left alone.
        assert_eq!(
            untagged_calls(main.clone(), "v2")["properties"],
            scripts[0].content["properties"]
        );
        assert_eq!(untagged_calls(main.clone(), "v1")["properties"], main["properties"]);
    }

    #[test]
    fn a_call_that_finds_its_script_by_file_name_only_is_refused() {
        let scripts = [
            script("ivr/main.json", "Main", &[("5", "RUNSUB", "tier")]),
            script("ivr/tier.json", "Caller_Tier", &[]),
        ];
        let problems = Calls::within(&scripts).misnamed(&scripts);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("ivr/main.json cannot be released: action 5 runs `tier`"),
            "{problems:?}"
        );
        assert!(problems[0].contains("saved as `Caller_Tier`"), "{problems:?}");
    }

    #[test]
    fn the_studio_file_wins_over_the_plain_one_and_a_circle_keeps_its_order() {
        let scripts = [
            script("a.json", "A", &[("2", "RUNSUB", "b")]),
            script("b.json", "B plain", &[("2", "RUNSUB", "a")]),
            script("b.studio.json", "B", &[("2", "RUNSUB", "a")]),
        ];
        let calls = Calls::within(&scripts);
        assert_eq!(calls.callees(0).collect::<Vec<_>>(), [2]);
        assert_eq!(calls.save_order(), [2, 0, 1]);
    }
}
