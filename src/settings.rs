//! One home for configuration: every setting a run takes, each default written once here. The CLI
//! reads them from flags and the Action from `INPUT_*`; both hand the library one [`Settings`].

use std::path::PathBuf;

use crate::check::Settings as CheckSettings;
use crate::cxone::secret::Secret;
use crate::redact::Redactor;
use crate::registry::{RuleLimits, Severities, Severity};
use resolve::{BackendValues, SettingError, Values, parse_percent};
use run_info::RunInfo;

pub mod file;
pub mod resolve;
pub mod run_info;
pub mod table;

pub use crate::settings::file::EnvironmentSettings;

/// Remote simulations of one flow at once.
pub const DEFAULT_CASE_CONCURRENCY: usize = 8;

pub use table::{
    ACCESS_KEY_SECRET_ENV, Backend, DEFAULT_ACTIVATION_PRIORITY, DEFAULT_AUDIT_LOG, DEFAULT_BASE_URL,
    DEFAULT_CLUSTER_API, DEFAULT_MAX_CONCURRENCY, DEFAULT_TOKEN_URL, PRODUCTION_TAGS, SECRET_ENV,
};

/// `error` or `warning` (`--fail-on`, `fail-on`).
pub fn parse_fail_on(text: &str) -> Result<Severity, String> {
    match text {
        "error" => Ok(Severity::Error),
        "warning" => Ok(Severity::Warning),
        other => Err(format!("`{other}` is neither `error` nor `warning`")),
    }
}

/// `production` or `staging` (`--environment`, `environment`).
pub fn parse_environment(text: &str) -> Result<String, String> {
    match text {
        "production" | "staging" => Ok(text.to_string()),
        other => Err(format!("`{other}` is neither `production` nor `staging`")),
    }
}

/// Everything a run is configured with, resolved once from the table ([`table::SETTINGS`]) by
/// [`resolve::Values::settings`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// Limits, severities, the execution threshold and the coverage floor.
    pub check: CheckSettings,
    /// The least severity that fails the run (and blocks a release).
    pub fail_on: Severity,
    /// Globs of files and folders discovery leaves out.
    pub exclude: Vec<String>,
    /// Which CXone API a release, a rollback, a remote check talks to.
    pub backend: Backend,
    pub connection: Connection,
    /// Each backend's own settings (Studio's connection, points of contact...), by key: the backend
    /// reads them in its own module (`release/studio_tenant.rs`'s `StudioSettings::of`).
    pub backend_values: BackendValues,
    /// Hosts besides NICE's and loopback that a key or token may go to: the workflow's input or
    /// the command line's flag only, never the settings file.
    pub allowed_hosts: Vec<String>,
    pub release: ReleaseOptions,
    /// The report files written beside the output.
    pub reports: ReportPaths,
    /// The keys of the table someone set (a flag, an input, an environment variable, the settings
    /// file), not left at their default: a backend refuses those it cannot carry.
    pub set: std::collections::BTreeSet<&'static str>,
}

impl Default for Settings {
    /// Every setting at the table's default (the only place a default is written).
    fn default() -> Self {
        Settings::resolve(&Values::default()).expect("the settings table's defaults parse (a unit test holds them)")
    }
}

impl Settings {
    /// Every setting a run is configured with, each read from `values` (the flags or inputs, the
    /// environment, the settings file, the table's defaults) by its parser.
    pub fn resolve(values: &Values) -> Result<Settings, SettingError> {
        let check = crate::check::Settings {
            limits: RuleLimits {
                max_decision_nodes: values.number("max-decision-nodes")?,
                max_menu_depth: values.number("max-menu-depth")?,
            },
            severities: values
                .parsed("severity", |t| Severities::parse([t]))?
                .unwrap_or_default(),
            max_execution_ms: values.number("max-execution-ms")?,
            min_coverage: values.parsed("min-coverage", parse_percent)?,
            ..crate::check::Settings::default()
        };
        let connection = Connection {
            base_url: values.url("cxone-base-url")?.unwrap_or_default(),
            token_url: values.url("cxone-token-url")?.unwrap_or_default(),
            client_id: values.text("cxone-client-id"),
            client_secret: values.secret("cxone-client-secret"),
            max_retries: values.number("max-retries")?,
            audit_log: values.path("audit-log").unwrap_or_default(),
            run: RunInfo {
                commit: values.text("commit"),
                repository: values.text("repository"),
                ..RunInfo::default()
            },
            root: Default::default(),
            redactor: Redactor::new(),
            progress: Default::default(),
        };
        let release = ReleaseOptions {
            tag: String::new(),
            environment: values.parsed("environment", parse_environment)?,
            production_tags: values.text("production-tags").unwrap_or_default(),
            activation_priority: values.number("activation-priority")?,
            max_concurrency: values.number("max-concurrency")?,
            qa_webhook_url: values.url("qa-webhook-url")?,
            smoke_test: values.switch("smoke-test")?,
            dry_run: values.switch("dry-run")?,
            force: values.switch("force")?,
            per_environment: values.file().map(|f| f.environments.clone()).unwrap_or_default(),
        };
        // The table's words are the only ones `choice` lets through, and it has a default.
        let backend = values
            .choice("backend")?
            .as_deref()
            .and_then(Backend::of_word)
            .unwrap_or(Backend::FlowsApi);
        Ok(Settings {
            check,
            fail_on: values.required("fail-on", parse_fail_on)?,
            exclude: values.list("exclude"),
            backend,
            connection,
            backend_values: values.backend_values()?,
            allowed_hosts: values.list("cxone-allowed-hosts"),
            release,
            reports: ReportPaths(
                table::SETTINGS
                    .iter()
                    .filter(|setting| setting.report)
                    .filter_map(|setting| Some((setting.key, values.path(setting.key)?)))
                    .collect(),
            ),
            set: table::SETTINGS
                .iter()
                .map(|setting| setting.key)
                .filter(|key| values.items(key).1 != resolve::Source::Default)
                .collect(),
        })
    }
}

/// The report files a run writes besides its output, each by the key of its setting (`junit-path`:
/// the table's rows marked `report`), in the table's order; one not asked for is absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportPaths(pub Vec<(&'static str, PathBuf)>);

impl ReportPaths {
    /// The path of the report file whose setting is `key`, when it is asked for.
    pub fn get(&self, key: &str) -> Option<&std::path::Path> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, path)| path.as_path())
    }

    /// Only the report files whose settings the `commands` take as flags (a command line run
    /// writes no file its `--help` does not offer, whatever the settings file says).
    pub fn taken_by(&self, commands: table::Commands) -> ReportPaths {
        ReportPaths(
            self.0
                .iter()
                .filter(|(key, _)| table::setting(key).is_some_and(|s| s.commands & commands != 0))
                .cloned()
                .collect(),
        )
    }

    /// Every path passed through `f` (the Action's, under its working directory).
    pub fn map(self, f: impl Fn(PathBuf) -> PathBuf) -> ReportPaths {
        ReportPaths(self.0.into_iter().map(|(key, path)| (key, f(path))).collect())
    }
}

/// Where CXone is and who is calling.
#[derive(Debug, Clone)]
pub struct Connection {
    pub base_url: String,
    pub token_url: String,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub max_retries: u32,
    pub audit_log: PathBuf,
    /// Who and what runs: the flags `--commit` and `--repository` here, the rest filled in by the
    /// adapter (the runner's variables, the current folder) before a release or a rollback.
    pub run: RunInfo,
    /// Where the audit log is written and read: the Action's workspace, else the current folder.
    pub root: crate::safe_file::Root,
    /// The run's secrets, scrubbed from whatever a server answers.
    pub redactor: Redactor,
    /// Shown each step of a release and each retry as they happen.
    pub progress: crate::progress::Progress,
}

/// What a release asks for.
#[derive(Debug, Clone)]
pub struct ReleaseOptions {
    pub tag: String,
    /// `production` or `staging`; `None` to decide from the tag.
    pub environment: Option<String>,
    /// Tags that release to production (comma-separated globs).
    pub production_tags: String,
    pub activation_priority: u32,
    pub max_concurrency: usize,
    pub qa_webhook_url: Option<String>,
    pub smoke_test: bool,
    pub dry_run: bool,
    /// Release content a rollback undid.
    pub force: bool,
    /// What differs per environment (`production`, `staging`), from the config file.
    pub per_environment: std::collections::BTreeMap<String, EnvironmentSettings>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_the_same_from_flags_and_inputs() {
        assert_eq!(parse_percent("80%"), Ok(80.0));
        assert!(parse_percent("101").is_err());
        assert_eq!(parse_fail_on("warning"), Ok(Severity::Warning));
        assert!(parse_fail_on("fatal").unwrap_err().contains("neither"));
        assert_eq!(parse_environment("staging").as_deref(), Ok("staging"));
        assert!(parse_environment("prod").is_err());
    }
}
