//! `cxone-flow.toml`: the settings a repository keeps. Its keys are the settings table's
//! (`settings::table`: the Action's input names, `fail-on`, `points-of-contact`, ...); a key the
//! table says never goes in the file (a secret, a per-run setting, `cxone-allowed-hosts`) is
//! refused, as is an unknown one; flags, environment variables and inputs override it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file's name, looked for in the checked path's folder and every folder above it.
pub const FILE_NAME: &str = "cxone-flow.toml";

/// A release environment's own settings: text replaced in the released flows (queue names,
/// transfer targets, URLs written as placeholders) and its QA webhook.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnvironmentSettings {
    /// (placeholder, value) pairs, replaced in every string of a released flow's content.
    pub substitutions: Vec<(String, String)>,
    pub qa_webhook_url: Option<String>,
}

/// A loaded config file: each key's values as text (a list's items, a table's `KEY=VALUE` items).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub values: BTreeMap<String, Vec<String>>,
    /// `[environments.production]`, `[environments.staging]`: what a release to each replaces in
    /// the flows (`[environments.NAME.substitutions]`) and its `qa-webhook-url`.
    pub environments: BTreeMap<String, EnvironmentSettings>,
}

/// The config file for `start` (a file or folder): `start`'s folder, then each folder above it up
/// to the repository's root (the folder holding `.git`); a file above the repository never applies.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    let first = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    for dir in first.ancestors() {
        let candidate = dir.join(FILE_NAME);
        // A link is found too, so that loading it refuses it rather than reading a file above.
        if std::fs::symlink_metadata(&candidate).is_ok() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

impl ConfigFile {
    /// Reads and validates a config file: TOML, known keys only, no secrets.
    pub fn load(path: &Path) -> Result<ConfigFile, String> {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "`{}` is a symbolic link; a settings file is read only as a file of its own",
                path.display()
            ));
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("failed to read `{}`: {e}", path.display()))?;
        ConfigFile::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, String> {
        let fail = |message: String| format!("{}: {message}", path.display());
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| fail(e.to_string()))?;
        use crate::settings::table::{self, Scope};
        let known: Vec<&str> = table::file_keys().collect();
        let mut values = BTreeMap::new();
        let mut environments = BTreeMap::new();
        for (key, value) in table {
            if key == "environments" {
                environments = environments_of(&value).map_err(|m| fail(format!("`environments`: {m}")))?;
                continue;
            }
            let scope = table::setting(&key).map(|s| s.scope);
            if scope == Some(Scope::Secret) {
                return Err(fail(format!(
                    "`{key}` is a secret and never goes in a committed file: set it from a repository secret (an input or the environment)"
                )));
            }
            if scope == Some(Scope::WorkflowOnly) {
                return Err(fail(format!(
                    "`{key}` widens where credentials may go, so only the workflow's own input sets it, never a committed file"
                )));
            }
            if !known.contains(&key.as_str()) {
                let hint =
                    crate::json::closest(&key, &known).map_or(String::new(), |k| format!(" (did you mean `{k}`?)"));
                return Err(fail(format!("unknown setting `{key}`{hint}")));
            }
            let items = texts(&value).map_err(|m| fail(format!("`{key}`: {m}")))?;
            values.insert(key, items);
        }
        Ok(ConfigFile {
            path: path.to_path_buf(),
            values,
            environments,
        })
    }

    /// A setting's values, when the file sets it.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.values.get(key).map(Vec::as_slice)
    }

    /// `paths`, each read from the file's folder (as the Action reads them from the repository's)
    /// and written relative to `here` when it lies under it, so reports name files as a path
    /// argument would.
    pub fn paths_from(&self, here: &Path) -> Option<Vec<PathBuf>> {
        let folder = self.path.parent()?;
        let paths = self.get("paths")?.iter().map(|item| {
            let path = folder.join(item);
            match path.strip_prefix(here) {
                Ok(inside) if inside.as_os_str().is_empty() => PathBuf::from("."),
                Ok(inside) => inside.to_path_buf(),
                Err(_) => path,
            }
        });
        Some(paths.collect())
    }
}

/// Whether `text` is a placeholder: `{{NAME}}`, NAME of ASCII letters, digits and `_`.
fn is_placeholder(text: &str) -> bool {
    text.strip_prefix("{{")
        .and_then(|rest| rest.strip_suffix("}}"))
        .is_some_and(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// `[environments.NAME]` tables: `production` and `staging`, each with `substitutions` (a table of
/// placeholder = value) and `qa-webhook-url`.
fn environments_of(value: &toml::Value) -> Result<BTreeMap<String, EnvironmentSettings>, String> {
    let table = value
        .as_table()
        .ok_or("must be a table of [environments.NAME] tables")?;
    let mut found = BTreeMap::new();
    for (name, settings) in table {
        if !["production", "staging"].contains(&name.as_str()) {
            return Err(format!("`{name}` is no environment (production or staging)"));
        }
        let settings = settings.as_table().ok_or(format!("`{name}` must be a table"))?;
        let mut environment = EnvironmentSettings::default();
        for (key, value) in settings {
            match key.as_str() {
                "substitutions" => {
                    let pairs = value
                        .as_table()
                        .ok_or("`substitutions` must be a table of PLACEHOLDER = \"value\"")?;
                    for (placeholder, replacement) in pairs {
                        let replacement = replacement
                            .as_str()
                            .ok_or(format!("the substitution of `{placeholder}` must be a string"))?;
                        if !is_placeholder(placeholder) {
                            return Err(format!(
                                "`{placeholder}` is no placeholder: write `{{{{NAME}}}}`, NAME of letters, digits and `_`"
                            ));
                        }
                        environment
                            .substitutions
                            .push((placeholder.clone(), replacement.to_string()));
                    }
                }
                "qa-webhook-url" => {
                    let url = value.as_str().ok_or("`qa-webhook-url` must be a string")?;
                    environment.qa_webhook_url = Some(url.to_string());
                }
                other => {
                    return Err(format!(
                        "`{name}` has no setting `{other}` (substitutions, qa-webhook-url)"
                    ));
                }
            }
        }
        found.insert(name.clone(), environment);
    }
    Ok(found)
}

/// A value as text items: a scalar is one, an array one per item, a table one `KEY=VALUE` per
/// entry (an array value joined with commas: `SCRIPT=ID,ID`).
fn texts(value: &toml::Value) -> Result<Vec<String>, String> {
    let scalar = |v: &toml::Value| -> Result<String, String> {
        match v {
            toml::Value::String(s) => Ok(s.clone()),
            toml::Value::Integer(n) => Ok(n.to_string()),
            toml::Value::Float(f) => Ok(f.to_string()),
            toml::Value::Boolean(b) => Ok(b.to_string()),
            other => Err(format!("{} is not a string, number or boolean", other.type_str())),
        }
    };
    match value {
        toml::Value::Array(items) => items.iter().map(scalar).collect(),
        toml::Value::Table(entries) => entries
            .iter()
            .map(|(k, v)| {
                let joined = match v {
                    toml::Value::Array(items) => items.iter().map(scalar).collect::<Result<Vec<_>, _>>()?.join(","),
                    other => scalar(other)?,
                };
                Ok(format!("{k}={joined}"))
            })
            .collect(),
        other => Ok(vec![scalar(other)?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_lists_and_tables_become_text_items() {
        let text = r#"
fail-on = "warning"
max-menu-depth = 6
exclude = ["legacy/", "**/*.draft.flow.json"]
[points-of-contact]
Acme_Main_IVR = ["poc-main", "poc-es"]
[severity]
CXF011 = "error"
"#;
        let config = ConfigFile::parse(Path::new("cxone-flow.toml"), text).unwrap();
        assert_eq!(config.get("fail-on"), Some(&["warning".to_string()][..]));
        assert_eq!(config.get("max-menu-depth").unwrap(), ["6"]);
        assert_eq!(config.get("exclude").unwrap().len(), 2);
        assert_eq!(
            config.get("points-of-contact").unwrap(),
            ["Acme_Main_IVR=poc-main,poc-es"]
        );
        assert_eq!(config.get("severity").unwrap(), ["CXF011=error"]);
    }

    #[test]
    fn secrets_typos_and_per_run_settings_are_refused() {
        let refused = |text: &str| ConfigFile::parse(Path::new("c.toml"), text).unwrap_err();
        assert!(refused("cxone-access-key-secret = \"x\"").contains("is a secret and never goes in a committed file"));
        assert!(refused("fail-onn = \"error\"").contains("unknown setting `fail-onn` (did you mean `fail-on`?)"));
        assert!(refused("rollback-to = \"v1\"").contains("unknown setting `rollback-to`"));
        assert!(refused("fail-on = ").starts_with("c.toml:"));
        assert!(
            refused("[environments.qa]\nqa-webhook-url = \"x\"")
                .contains("`qa` is no environment (production or staging)")
        );
        assert!(refused("[environments.staging]\nqueue = \"x\"").contains("`staging` has no setting `queue`"));
    }
}
