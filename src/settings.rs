//! One home for configuration: every setting a run takes, each default written once here. The CLI
//! reads them from flags and the Action from `INPUT_*`; both hand the library one [`Settings`].

use std::path::PathBuf;

use crate::check::Settings as CheckSettings;
use crate::cxone::secret::Secret;
use crate::redact::Redactor;
use crate::registry::{RuleLimits, Severities, Severity};
use resolve::{SettingError, Values};

pub mod resolve;
pub mod table;

pub use crate::config_file::EnvironmentSettings;

/// Remote simulations of one flow at once.
pub const DEFAULT_CASE_CONCURRENCY: usize = 8;

pub use table::{
    ACCESS_KEY_SECRET_ENV, Backend, DEFAULT_ACTIVATION_PRIORITY, DEFAULT_AUDIT_LOG, DEFAULT_BASE_URL,
    DEFAULT_CLUSTER_API, DEFAULT_MAX_CONCURRENCY, DEFAULT_TOKEN_URL, PRODUCTION_TAGS, SECRET_ENV,
};

/// A percentage from 0 to 100, `%` allowed (`--min-coverage`, `min-coverage`).
pub fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(pct) if (0.0..=100.0).contains(&pct) => Ok(pct),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

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
    /// The real tenant's Studio connection (`backend: studio`).
    pub studio: StudioSettings,
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
        let secret = |key| values.text(key).filter(|s| !s.is_empty()).map(Secret::new);
        let connection = Connection {
            base_url: values.url("cxone-base-url")?.unwrap_or_default(),
            token_url: values.url("cxone-token-url")?.unwrap_or_default(),
            client_id: values.text("cxone-client-id"),
            client_secret: secret("cxone-client-secret"),
            max_retries: values.number("max-retries")?,
            audit_log: values.path("audit-log").unwrap_or_default(),
            commit: values.text("commit"),
            repository: values.text("repository"),
            root: Default::default(),
            redactor: Redactor::new(),
            progress: Default::default(),
        };
        let studio = StudioSettings {
            region: values.required("cxone-region", str::parse)?,
            issuer: values.url("cxone-issuer")?,
            access_key_url: values.url("cxone-access-key-url")?,
            api_base: values.url("cxone-api-base")?,
            cluster_api: values.url("cxone-cluster-api")?.unwrap_or_default(),
            api_version: values.text("cxone-api-version").unwrap_or_default(),
            access_key_id: values.text("cxone-access-key-id"),
            access_key_secret: secret("cxone-access-key-secret"),
            points_of_contact: values
                .parsed("points-of-contact", |t| parse_points_of_contact([t]))?
                .unwrap_or_default(),
            allow_live_overwrite: values.switch("allow-live-overwrite")?,
            sandbox_prefix: values.text("sandbox-prefix").unwrap_or_default(),
            renames: values
                .parsed("cxone-renames", |t| crate::cxone::studio::Renames::parse([t]))?
                .unwrap_or_default(),
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
            studio,
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

    /// The Studio settings, once every host a credential would go to is NICE's, loopback or one
    /// of [`Settings::allowed_hosts`].
    pub fn checked_studio(&self) -> Result<&StudioSettings, String> {
        for (what, url) in self.studio.credential_urls() {
            crate::cxone::hosts::check(what, &url, &self.allowed_hosts).map_err(|e| e.to_string())?;
        }
        Ok(&self.studio)
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

/// Where a real CXone tenant is and how Studio scripts go live there (docs/real-cxone.md). The access
/// key id comes with its secret (`CXONE_ACCESS_KEY_SECRET`); a registered app's client id and
/// secret, when `Connection` has both, switch the login to the OIDC password grant.
#[derive(Debug, Clone)]
pub struct StudioSettings {
    pub region: crate::cxone::studio::Region,
    /// Overrides of the region's issuer and access-key route.
    pub issuer: Option<String>,
    pub access_key_url: Option<String>,
    /// The API host; discovered from the token when not set.
    pub api_base: Option<String>,
    /// The fallback API host, `{cluster}` for the token's `icClusterId`.
    pub cluster_api: String,
    pub api_version: String,
    pub access_key_id: Option<String>,
    pub access_key_secret: Option<Secret>,
    /// Script name → the points of contact that run it once released.
    pub points_of_contact: std::collections::BTreeMap<String, Vec<String>>,
    pub allow_live_overwrite: bool,
    /// Put before each sandbox name (`NAME__ci`) of the remote syntax check.
    pub sandbox_prefix: String,
    /// API names the tenant spells otherwise than docs/real-cxone.md.
    pub renames: crate::cxone::studio::Renames,
}

impl StudioSettings {
    /// What chose the login URL, for a login failure to name: the setting that overrides it, or
    /// the region's preset (`oidc`: the issuer of the password grant, else the access-key route).
    pub fn login_origin(&self, oidc: bool) -> String {
        use crate::cxone::studio::Region;
        let (setting, overridden) = match oidc {
            true => ("cxone-issuer", self.issuer.is_some()),
            false => ("cxone-access-key-url", self.access_key_url.is_some()),
        };
        if overridden {
            return format!("set by `{setting}`");
        }
        let region = match self.region {
            Region::Global => "global",
            Region::FedRamp => "fedramp",
            Region::Australia => "au",
            Region::Europe => "eu",
        };
        format!("the `{region}` region preset of `cxone-region` (`{setting}` overrides it)")
    }

    /// Every URL a key or token is sent to, named by its setting: the issuer, the access-key route,
    /// and the API base (or the cluster fallback, its `{cluster}` left in).
    pub fn credential_urls(&self) -> Vec<(&'static str, String)> {
        let api = match &self.api_base {
            Some(base) => ("cxone-api-base", base.clone()),
            None => ("cxone-cluster-api", self.cluster_api.clone()),
        };
        vec![
            (
                "cxone-issuer",
                self.issuer.clone().unwrap_or_else(|| self.region.issuer().to_string()),
            ),
            (
                "cxone-access-key-url",
                self.access_key_url
                    .clone()
                    .unwrap_or_else(|| self.region.access_key_url().to_string()),
            ),
            api,
        ]
    }
}

/// `SCRIPT=ID[,ID...]` items (comma- or line-separated lists of them too) as script → points of
/// contact.
pub fn parse_points_of_contact<'a>(
    items: impl IntoIterator<Item = &'a str>,
) -> Result<std::collections::BTreeMap<String, Vec<String>>, String> {
    let mut map: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for item in items.into_iter().flat_map(|s| s.split(['\n', ';'])) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (script, ids) = item
            .split_once('=')
            .filter(|(s, ids)| !s.trim().is_empty() && !ids.trim().is_empty())
            .ok_or_else(|| format!("point of contact mapping `{item}` is not SCRIPT=ID[,ID...]"))?;
        let ids = ids
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(str::to_string);
        map.entry(script.trim().to_string()).or_default().extend(ids);
    }
    Ok(map)
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
    /// The commit released (default: `GITHUB_SHA`, else `git rev-parse HEAD`).
    pub commit: Option<String>,
    /// The repository released from (default: `GITHUB_REPOSITORY`, else the folder's name).
    pub repository: Option<String>,
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

    #[test]
    fn a_login_names_the_setting_or_the_region_preset_that_chose_its_url() {
        let mut studio = StudioSettings {
            region: crate::cxone::studio::Region::Europe,
            ..Settings::default().studio
        };
        assert_eq!(
            studio.login_origin(false),
            "the `eu` region preset of `cxone-region` (`cxone-access-key-url` overrides it)"
        );
        studio.issuer = Some("https://issuer.example".into());
        assert_eq!(studio.login_origin(true), "set by `cxone-issuer`");
    }
}
