//! Settings resolved once: each key's value taken from the first place that sets it (the flag or
//! the Action's input, then its environment variable, then the settings file, then the table's
//! default) and read with the one parser its kind and field call for, for both adapters.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::cxone::secret::Secret;
use crate::settings::file::ConfigFile;
use crate::settings::table::{self, Backend, Kind, Setting};

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// The Action's input.
    Input,
    /// An environment variable.
    Environment(&'static str),
    /// The settings file.
    File(PathBuf),
    /// The table's default.
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "--{flag}"),
            Source::Input => write!(f, "input"),
            Source::Environment(name) => write!(f, "environment {name}"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Default => write!(f, "default"),
        }
    }
}

/// A value a setting cannot take, named as whoever set it would look for it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: {message}", self.named())]
pub struct SettingError {
    pub key: &'static str,
    pub origin: Source,
    pub message: String,
}

impl SettingError {
    fn named(&self) -> String {
        match &self.origin {
            Source::Flag(flag) => format!("--{flag}"),
            Source::Input => format!("input `{}`", self.key),
            Source::Environment(name) => name.to_string(),
            Source::File(path) => format!("{}: `{}`", path.display(), self.key),
            Source::Default => format!("`{}`", self.key),
        }
    }
}

/// The values one run was given, layered: what the adapter was given (flags or inputs, by key),
/// the environment, the settings file.
pub struct Values<'a> {
    /// Keys set by a flag (`Source::Flag`) or an input (`Source::Input`), with their items.
    given: HashMap<&'static str, (Vec<String>, Source)>,
    environment: &'a dyn Fn(&str) -> Option<String>,
    file: Option<&'a ConfigFile>,
    /// The Action's defaults apply.
    action: bool,
    /// Only this backend's own settings may be read (its values kept by [`BackendValues`]).
    only: Option<Backend>,
}

/// No environment at all (tests, and the table's own defaults).
fn no_environment(_: &str) -> Option<String> {
    None
}

impl Default for Values<'_> {
    /// Nothing given: every setting at the table's default.
    fn default() -> Self {
        Values {
            given: HashMap::new(),
            environment: &no_environment,
            file: None,
            action: false,
            only: None,
        }
    }
}

impl<'a> Values<'a> {
    pub fn new(
        environment: &'a dyn Fn(&str) -> Option<String>,
        file: Option<&'a ConfigFile>,
        action: bool,
    ) -> Values<'a> {
        Values {
            given: HashMap::new(),
            environment,
            file,
            action,
            only: None,
        }
    }

    /// A flag's or an input's items (an input that is a list: split on lines and commas).
    pub fn give(&mut self, key: &'static str, items: Vec<String>, source: Source) {
        self.given.insert(key, (items, source));
    }

    /// The settings file, when there is one.
    pub fn file(&self) -> Option<&'a ConfigFile> {
        self.file
    }

    /// A key's items and where they came from; `None` items when nothing sets it.
    pub fn items(&self, key: &'static str) -> (Option<Vec<String>>, Source) {
        let setting = setting(key);
        if let Some(backend) = self.only {
            assert!(
                setting.backend == Some(backend),
                "`{key}` is not a setting of the {backend:?} backend (the table marks its own with `.of`)"
            );
        }
        if let Some((items, source)) = self.given.get(key) {
            return (Some(items.clone()), source.clone());
        }
        if let Some(name) = setting.env
            && let Some(value) = (self.environment)(name).filter(|v| !v.trim().is_empty())
        {
            return (Some(vec![value]), Source::Environment(name));
        }
        if setting.scope == table::Scope::Anywhere
            && let Some(file) = self.file
            && let Some(items) = file.get(key)
        {
            return (Some(items.to_vec()), Source::File(file.path.clone()));
        }
        (
            setting.default_for(self.action).text().map(|t| vec![t]),
            Source::Default,
        )
    }

    /// A key's value as one text (items joined by lines), trimmed; `None` when unset.
    pub fn text(&self, key: &'static str) -> Option<String> {
        self.items(key).0.map(|items| items.join("\n").trim().to_string())
    }

    /// A key's value read by `parse`, the error naming where the value came from.
    pub fn parsed<T>(
        &self,
        key: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, SettingError> {
        let (items, source) = self.items(key);
        let Some(items) = items else { return Ok(None) };
        let text = items.join("\n");
        parse(text.trim()).map(Some).map_err(|message| SettingError {
            key,
            origin: source,
            message,
        })
    }

    /// A value every setting of this key has (a default in the table, or a switch).
    pub fn required<T>(
        &self,
        key: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, SettingError> {
        self.parsed(key, parse)?.ok_or_else(|| SettingError {
            key,
            origin: Source::Default,
            message: "has no value and no default".into(),
        })
    }

    /// A switch: `true` or `false` (the YAML 1.2 core schema's spellings, as the runner's toolkit).
    pub fn switch(&self, key: &'static str) -> Result<bool, SettingError> {
        Ok(self.parsed(key, parse_switch)?.unwrap_or(false))
    }

    /// A whole number of at least the table's least.
    pub fn number<T: std::str::FromStr + TryFrom<u64>>(&self, key: &'static str) -> Result<T, SettingError> {
        let least = match setting(key).kind {
            Kind::Number(least) => least,
            _ => 0,
        };
        self.required(key, |text| {
            text.parse::<u64>()
                .ok()
                .filter(|n| *n >= least)
                .and_then(|n| T::try_from(n).ok())
                .ok_or_else(|| format!("`{text}` is not a whole number of at least {least}"))
        })
    }

    /// A list's items: a flag's values and the file's items as they are; an input's or an
    /// environment variable's text split on lines and commas.
    pub fn list(&self, key: &'static str) -> Vec<String> {
        let (items, source) = self.items(key);
        let items = items.unwrap_or_default();
        let split = matches!(source, Source::Input | Source::Environment(_) | Source::Default);
        items
            .iter()
            .flat_map(|item| {
                if split {
                    item.split(['\n', ',']).map(str::to_string).collect::<Vec<_>>()
                } else {
                    vec![item.clone()]
                }
            })
            .map(|item| item.trim().to_string())
            .filter(|item| !item.is_empty())
            .collect()
    }

    /// A URL setting's value, `http://` or `https://` (whether a credential may go there is
    /// `cxone::hosts`'s and the transport's call).
    pub fn url(&self, key: &'static str) -> Result<Option<String>, SettingError> {
        self.parsed(key, |text| {
            if text.starts_with("https://") || text.starts_with("http://") {
                Ok(text.to_string())
            } else {
                Err(format!("`{text}` is not an http(s) URL"))
            }
        })
    }

    /// A secret: `None` when unset or set empty.
    pub fn secret(&self, key: &'static str) -> Option<Secret> {
        self.text(key).filter(|s| !s.is_empty()).map(Secret::new)
    }

    /// A path setting: `None` when unset or set empty (a report path set empty: no file).
    pub fn path(&self, key: &'static str) -> Option<PathBuf> {
        self.text(key).filter(|t| !t.is_empty()).map(PathBuf::from)
    }

    /// A choice among the table's words.
    pub fn choice(&self, key: &'static str) -> Result<Option<String>, SettingError> {
        let Kind::Choice(words) = setting(key).kind else {
            return self.parsed(key, |t| Ok(t.to_string()));
        };
        self.parsed(key, |text| {
            words
                .iter()
                .find(|w| **w == text)
                .map(|w| w.to_string())
                .ok_or_else(|| format!("`{text}` is not {}", words.join(", ")))
        })
    }

    /// Whether a key asks for something: set (not left at its default) to a switch that is on,
    /// a list or pairs with an item, or any value of another kind. A backend's own release
    /// option is refused elsewhere when it asks for something (`release::driver::asked`).
    pub fn asks(&self, key: &'static str) -> bool {
        let (items, source) = self.items(key);
        if items.is_none() || source == Source::Default {
            return false;
        }
        match setting(key).kind {
            Kind::Switch => self.switch(key).unwrap_or(false),
            Kind::List | Kind::Pairs => !self.list(key).is_empty(),
            _ => true,
        }
    }

    /// Parses a setting's value as its row says (by its own parser, else its kind's) and keeps
    /// nothing: the error, naming whoever set it, of a value that does not parse; nothing to
    /// parse when it is unset.
    pub fn ensure_parses(&self, setting: &'static Setting) -> Result<(), SettingError> {
        let key = setting.key;
        if self.items(key).0.is_none() {
            return Ok(());
        }
        if let Some(parser) = setting.parser {
            return self.parsed(key, parser).map(drop);
        }
        match setting.kind {
            Kind::Switch => self.switch(key).map(drop),
            Kind::Number(_) => self.number::<u64>(key).map(drop),
            Kind::Percent => self.parsed(key, parse_percent).map(drop),
            Kind::Choice(_) => self.choice(key).map(drop),
            Kind::Url => self.url(key).map(drop),
            Kind::Text | Kind::Path | Kind::List | Kind::Pairs | Kind::Secret => Ok(()),
        }
    }

    /// Every backend's own settings (the table's rows marked with a backend), each checked by its
    /// parser and kept with where it came from.
    pub fn backend_values(&self) -> Result<BackendValues, SettingError> {
        let mut kept = Vec::new();
        for setting in table::SETTINGS.iter().filter(|s| s.backend.is_some()) {
            self.ensure_parses(setting)?;
            if let (Some(items), source) = self.items(setting.key) {
                kept.push((setting.key, items, source));
            }
        }
        Ok(BackendValues {
            kept,
            action: self.action,
        })
    }

    /// The `paths` a command reads when its arguments name none: the file's (each from the file's
    /// folder, written relative to `here` when under it), else the default.
    pub fn paths(&self, here: &std::path::Path) -> Vec<PathBuf> {
        if let Some(paths) = self.file.and_then(|f| f.paths_from(here)) {
            return paths;
        }
        self.list("paths").into_iter().map(PathBuf::from).collect()
    }
}

/// The values of every backend's own settings (the table's rows marked `.of(backend)`), kept by
/// key when the settings were resolved, each with where it came from and read by its parser then
/// (a bad one stopped the run, named). A backend reads its typed settings from them in its own
/// module, with the readers of [`Values`], so a backend's setting is its row and that module's read
/// of it, never a field of `Settings`.
#[derive(Clone, Default)]
pub struct BackendValues {
    kept: Vec<(&'static str, Vec<String>, Source)>,
    action: bool,
}

impl BackendValues {
    /// `backend`'s own settings, as they were resolved; reading any other key is a bug (a panic
    /// naming it, which any test of the backend's reader finds).
    pub fn of(&self, backend: Backend) -> Values<'static> {
        let mut values = Values {
            action: self.action,
            only: Some(backend),
            ..Values::default()
        };
        for (key, items, source) in &self.kept {
            if setting(key).backend == Some(backend) {
                values.give(key, items.clone(), source.clone());
            }
        }
        values
    }
}

impl std::fmt::Debug for BackendValues {
    /// Each kept key and where it came from; never a value (a secret's, an access key's).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.kept.iter().map(|(key, _, source)| (key, source)))
            .finish()
    }
}

/// The table's entry of a key the code reads (a test holds every key read to the table).
fn setting(key: &str) -> &'static Setting {
    table::setting(key).unwrap_or_else(|| panic!("the settings table declares no `{key}`"))
}

/// A percentage from 0 to 100, `%` allowed (`--min-coverage`, `min-coverage`).
pub fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(pct) if (0.0..=100.0).contains(&pct) => Ok(pct),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

/// `true` or `false` in the YAML 1.2 core schema's spellings.
pub fn parse_switch(text: &str) -> Result<bool, String> {
    match text {
        "true" | "True" | "TRUE" => Ok(true),
        "false" | "False" | "FALSE" => Ok(false),
        other => Err(format!("`{other}` is not a boolean (use true or false)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Severity;
    use crate::settings::Settings;

    #[test]
    fn the_table_s_defaults_parse_and_match_the_lower_layers_own() {
        // `Settings::default()` is this resolution: it must parse.
        let settings = Settings::resolve(&Values::default()).unwrap();
        let check = crate::check::Settings::default();
        assert_eq!(settings.check.limits, check.limits);
        assert_eq!(settings.check.max_execution_ms, check.max_execution_ms);
        assert_eq!(
            settings.connection.max_retries,
            crate::cxone::config::DEFAULT_MAX_RETRIES
        );
        assert_eq!(settings.connection.base_url, crate::settings::DEFAULT_BASE_URL);
        assert_eq!(
            settings
                .backend_values
                .of(Backend::Studio)
                .text("cxone-region")
                .as_deref(),
            Some("global")
        );
        assert_eq!(settings.backend, crate::settings::Backend::FlowsApi);
        assert_eq!(settings.fail_on, Severity::Error);
        assert_eq!(
            settings.reports.get("junit-path"),
            None,
            "the command line writes no report unless asked"
        );
    }

    #[test]
    fn a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default() {
        let file = ConfigFile::parse(
            std::path::Path::new("c.toml"),
            "fail-on = \"warning\"\nmax-retries = 3\ncxone-region = \"eu\"\n",
        )
        .unwrap();
        let environment = |name: &str| (name == "CXONE_REGION").then(|| "au".to_string());
        let mut values = Values::new(&environment, Some(&file), false);
        assert_eq!(values.items("max-retries").1, Source::File(PathBuf::from("c.toml")));
        assert_eq!(values.items("cxone-region").1, Source::Environment("CXONE_REGION"));
        assert_eq!(values.items("max-menu-depth").1, Source::Default);
        values.give("fail-on", vec!["error".into()], Source::Flag("fail-on"));
        let settings = crate::settings::Settings::resolve(&values).unwrap();
        assert_eq!(settings.fail_on, Severity::Error);
        assert_eq!(settings.connection.max_retries, 3);
        let studio = settings.backend_values.of(Backend::Studio);
        assert_eq!(
            studio.items("cxone-region"),
            (Some(vec!["au".to_string()]), Source::Environment("CXONE_REGION"))
        );
    }

    #[test]
    fn a_backend_s_own_setting_is_read_by_its_row_s_parser_when_resolved() {
        let file = ConfigFile::parse(std::path::Path::new("c.toml"), "cxone-cluster-api = \"ftp://x\"\n").unwrap();
        let environment = |name: &str| (name == "CXONE_REGION").then(|| "mars".to_string());
        let mut values = Values::new(&environment, Some(&file), false);
        let error = Settings::resolve(&values).unwrap_err();
        assert_eq!(
            error.to_string(),
            "CXONE_REGION: `mars` is not a CXone region (global, fedramp, au, eu)"
        );
        values.give("cxone-region", vec!["eu".into()], Source::Input);
        assert_eq!(
            Settings::resolve(&values).unwrap_err().to_string(),
            "c.toml: `cxone-cluster-api`: `ftp://x` is not an http(s) URL"
        );
        values.give("cxone-cluster-api", vec!["https://x".into()], Source::Input);
        values.give("points-of-contact", vec!["Main".into()], Source::Input);
        assert_eq!(
            Settings::resolve(&values).unwrap_err().to_string(),
            "input `points-of-contact`: point of contact mapping `Main` is not SCRIPT=ID[,ID...]"
        );
    }

    #[test]
    fn a_backend_s_values_show_no_value_when_printed() {
        let environment = |name: &str| (name == "CXONE_ACCESS_KEY_SECRET").then(|| "s3cr3t-key".to_string());
        let settings = Settings::resolve(&Values::new(&environment, None, false)).unwrap();
        let studio = settings.backend_values.of(Backend::Studio);
        assert_eq!(studio.text("cxone-access-key-secret").as_deref(), Some("s3cr3t-key"));
        let printed = format!("{settings:?}");
        assert!(
            printed.contains("cxone-access-key-secret") && !printed.contains("s3cr3t"),
            "{printed}"
        );
    }

    #[test]
    #[should_panic(expected = "`max-retries` is not a setting of the Studio backend")]
    fn a_backend_reads_only_its_own_settings_from_its_values() {
        Settings::default()
            .backend_values
            .of(Backend::Studio)
            .text("max-retries");
    }

    #[test]
    fn a_bad_value_is_named_as_whoever_set_it() {
        let mut values = Values::default();
        values.give("max-menu-depth", vec!["deep".into()], Source::Flag("max-menu-depth"));
        let error = crate::settings::Settings::resolve(&values).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--max-menu-depth: `deep` is not a whole number of at least 0"
        );
        let mut values = Values::default();
        values.give("backend", vec!["archy".into()], Source::Input);
        assert_eq!(
            crate::settings::Settings::resolve(&values).unwrap_err().to_string(),
            "input `backend`: `archy` is not flows-api, studio"
        );
    }
}
