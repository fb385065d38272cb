//! Reading a tenant's Studio scripts back: drift (what each mapped point of contact runs, against
//! the script's file in the repository) and pull (the scripts a team starts from, validated whole
//! before a file is written).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::cxone::studio::StudioClient;
use crate::cxone::studio_types::PointOfContact;
use crate::release::run::runtime;
use crate::release::studio::same_content;
use crate::release::studio_calls::untagged_calls;
use crate::release::studio_tenant::{ScriptToRelease, StudioSettings, client, is_version_of, tag_of};
use crate::settings::Connection;

/// Header fields the tenant writes of its own: never part of a pulled file.
const TENANT_HEADER: [&str; 3] = ["masterId", "lockInfo", "lastSavedIn"];

/// The point of contact a mapping names: by `contactCode` or description.
fn find<'p>(points: &'p [PointOfContact], name: &str) -> Option<&'p PointOfContact> {
    points.iter().find(|p| p.is_named(name))
}

/// The checked scripts whose live content differs from their file: (path, why). A script mapped to
/// points of contact is compared with what each of them runs (a version of it); one with none
/// mapped with the tenant's script of its own name, when the tenant has one. Sandboxes and other
/// versions are never compared.
pub fn drift(
    connection: &Connection,
    studio: &StudioSettings,
    scripts: &[ScriptToRelease],
) -> Result<Vec<(String, String)>, String> {
    let client = client(connection, studio)?;
    let mapped = |name: &str| studio.points_of_contact.get(name).map_or(&[][..], Vec::as_slice);
    runtime()?.block_on(async {
        let points = if scripts.iter().any(|s| !mapped(&s.name).is_empty()) {
            client.points_of_contact().await.map_err(|e| e.to_string())?
        } else {
            Vec::new()
        };
        let mut drifted = Vec::new();
        for script in scripts {
            let names = mapped(&script.name);
            if names.is_empty() {
                let live = client.get(&script.name).await.map_err(|e| e.to_string())?;
                if live.is_some_and(|live| !same_content(&live, &script.content)) {
                    drifted.push((
                        script.path.clone(),
                        format!("the live script `{}` differs from this file", script.name),
                    ));
                }
                continue;
            }
            for name in names {
                if let Some(why) = runs_other(&client, &points, name, script).await? {
                    drifted.push((script.path.clone(), why));
                }
            }
        }
        Ok(drifted)
    })
}

/// Why the point of contact `name` does not run `script`'s content, or `None` when it does.
async fn runs_other(
    client: &StudioClient,
    points: &[PointOfContact],
    name: &str,
    script: &ScriptToRelease,
) -> Result<Option<String>, String> {
    let Some(point) = find(points, name) else {
        return Ok(Some(format!("the tenant has no point of contact `{name}`")));
    };
    let (code, runs) = (point.contact_code.0, &point.script_name);
    if !is_version_of(&script.name, runs) {
        return Ok(Some(format!(
            "point of contact {code} runs `{runs}`, not a version of `{}`",
            script.name
        )));
    }
    let live = client.get(runs).await.map_err(|e| e.to_string())?;
    Ok(
        match live.map(|live| untagged_calls(live, tag_of(&script.name, runs))) {
            Some(live) if same_content(&live, &script.named(runs)) => None,
            Some(_) => Some(format!(
                "point of contact {code} runs `{runs}`, which differs from this file"
            )),
            None => Some(format!(
                "point of contact {code} runs `{runs}`, which the tenant does not have"
            )),
        },
    )
}

/// The file a pulled script is written to: its name with every character that is not a letter,
/// digit, space, `-`, `_` or `.` replaced by `_`, then `.json`; `None` for a name that would still
/// leave the folder or hide (`..`, `.x`). A tenant's names never choose where a file lands.
pub fn file_name_of(name: &str) -> Option<String> {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (!safe.is_empty() && !safe.starts_with('.')).then(|| format!("{safe}.json"))
}

/// One script to pull: the tenant's name of it, the name it is filed under (`header.scriptName`
/// of the file) and the file.
#[derive(Debug, Clone, PartialEq)]
struct Wanted {
    tenant_name: String,
    name: String,
    file: String,
}

/// A pulled script: its file name (under the output folder) and its content, named as the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Pulled {
    pub tenant_name: String,
    pub file: String,
    pub content: Value,
}

/// The scripts to pull, each with its file: the names given; else, for every script mapped to
/// points of contact, the version they run, filed under the script's own name; else every script
/// of the tenant but sandboxes and versions (names with `__`). Two names for one file are refused.
async fn wanted(client: &StudioClient, studio: &StudioSettings, names: &[String]) -> Result<Vec<Wanted>, String> {
    let pairs: Vec<(String, String)> = if !names.is_empty() {
        names.iter().map(|n| (n.clone(), n.clone())).collect()
    } else if !studio.points_of_contact.is_empty() {
        let points = client.points_of_contact().await.map_err(|e| e.to_string())?;
        let mut pairs = Vec::new();
        for (script, mapped) in &studio.points_of_contact {
            let mut runs: Vec<&str> = Vec::new();
            for name in mapped {
                let point =
                    find(&points, name).ok_or_else(|| format!("the tenant has no point of contact `{name}`"))?;
                if !runs.contains(&point.script_name.as_str()) {
                    runs.push(&point.script_name);
                }
            }
            match runs[..] {
                [one] => pairs.push((one.to_string(), script.clone())),
                [] => {}
                _ => {
                    return Err(format!(
                        "the points of contact mapped to `{script}` run different scripts ({}): pull one with --script NAME",
                        runs.join(", ")
                    ));
                }
            }
        }
        pairs
    } else {
        let mut all: Vec<String> = client
            .search("")
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|s| s.script_name)
            .filter(|n| !n.contains("__"))
            .collect();
        all.sort();
        all.dedup();
        all.into_iter().map(|n| (n.clone(), n)).collect()
    };
    let mut files: BTreeMap<String, &str> = BTreeMap::new();
    let mut found = Vec::new();
    for (tenant_name, name) in &pairs {
        let file = file_name_of(name).ok_or_else(|| format!("the script name `{name}` cannot be a file name here"))?;
        // Case apart, two names are one file on some file systems.
        if let Some(other) = files.insert(file.to_lowercase(), name) {
            return Err(format!(
                "`{other}` and `{name}` would both be written to {file}: nothing pulled; pull them one at a time with --script NAME --out DIR"
            ));
        }
        found.push(Wanted {
            tenant_name: tenant_name.clone(),
            name: name.clone(),
            file,
        });
    }
    Ok(found)
}

/// A script as it is filed: named `name`, without the header fields the tenant writes itself.
/// `Err` for an answer that is not a script (`null`, an array, no header).
fn filed(mut script: Value, name: &str) -> Result<Value, String> {
    let has_actions = script.get("actions").is_some_and(Value::is_object);
    let Some(header) = script
        .get_mut("header")
        .and_then(Value::as_object_mut)
        .filter(|_| has_actions)
    else {
        let what = match &script {
            Value::Null => "null",
            Value::Array(_) => "an array",
            Value::Object(o) if o.get("header").is_some_and(Value::is_object) => "an object without actions",
            Value::Object(_) => "an object without a header",
            _ => "not an object",
        };
        return Err(format!("the tenant's answer for `{name}` is not a script ({what})"));
    };
    for key in TENANT_HEADER {
        header.remove(key);
    }
    header.insert("scriptName".into(), Value::String(name.to_string()));
    Ok(script)
}

/// The scripts to pull (see [`wanted`]), every one read and checked to be a script before any is
/// returned, so a bad answer or name stops the pull before a file is written.
pub fn pull_scripts(connection: &Connection, studio: &StudioSettings, names: &[String]) -> Result<Vec<Pulled>, String> {
    let client = client(connection, studio)?;
    runtime()?.block_on(async {
        let mut pulled = Vec::new();
        for want in wanted(&client, studio, names).await? {
            let script = client
                .get(&want.tenant_name)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("the tenant has no script `{}`", want.tenant_name))?;
            let script = untagged_calls(script, tag_of(&want.name, &want.tenant_name));
            pulled.push(Pulled {
                content: filed(script, &want.name)?,
                tenant_name: want.tenant_name,
                file: want.file,
            });
        }
        Ok(pulled)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_tenant_s_script_name_never_leaves_the_folder() {
        assert_eq!(file_name_of("Acme_Main_IVR").as_deref(), Some("Acme_Main_IVR.json"));
        assert_eq!(file_name_of("Sales\\IVR v2").as_deref(), Some("Sales_IVR v2.json"));
        assert_eq!(file_name_of("../../etc/passwd").as_deref(), None);
        assert_eq!(file_name_of("a/../../b").as_deref(), Some("a_.._.._b.json"));
        assert_eq!(file_name_of("").as_deref(), None);
    }

    #[test]
    fn only_a_script_is_filed_and_without_the_tenant_s_header_fields() {
        for answer in [
            json!(null),
            json!([1]),
            json!({"actions": {}}),
            json!("x"),
            json!({"header": {"scriptName": "A"}}),
            json!({"header": {}, "actions": []}),
        ] {
            assert!(filed(answer, "A").unwrap_err().contains("is not a script"));
        }
        let script = json!({"header": {"scriptName": "A__v2", "masterId": 9, "lockInfo": {}, "lastSavedIn": "x", "busNo": 1}, "actions": {}});
        assert_eq!(
            filed(script, "A").unwrap(),
            json!({"header": {"scriptName": "A", "busNo": 1}, "actions": {}})
        );
    }
}
