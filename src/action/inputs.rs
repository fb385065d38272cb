//! The Action's inputs, read from `INPUT_*` variables exactly as the runner sets them, validated
//! strictly: a bad value names its input and nothing runs.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::registry::Severity;
use crate::registry::{RuleLimits, Severities};
use crate::settings::{self, ReleaseOptions};
use crate::sim::run::DEFAULT_MAX_EXECUTION_MS;

/// Every input action.yml declares, in its order (a test keeps the two in step).
pub const NAMES: &[&str] = &[
    "working-directory",
    "paths",
    "exclude",
    "changed-only",
    "fail-on",
    "max-decision-nodes",
    "max-menu-depth",
    "max-execution-ms",
    "min-coverage",
    "severity",
    "junit-path",
    "sarif-path",
    "report-path",
    "annotations",
    "summary",
    "comment",
    "github-token",
    "shard",
    "release-on-tag",
    "cxone-base-url",
    "cxone-token-url",
    "cxone-client-id",
    "cxone-client-secret",
    "backend",
    "cxone-access-key-id",
    "cxone-access-key-secret",
    "cxone-region",
    "cxone-issuer",
    "cxone-access-key-url",
    "cxone-api-base",
    "cxone-cluster-api",
    "cxone-api-version",
    "points-of-contact",
    "allow-live-overwrite",
    "remote-validate",
    "sandbox-prefix",
    "cxone-renames",
    "check-drift",
    "cxone-allowed-hosts",
    "environment",
    "production-tags",
    "force",
    "activation-priority",
    "max-concurrency",
    "qa-webhook-url",
    "smoke-test",
    "dry-run",
    "audit-log",
    "rollback-flow-id",
    "rollback-to",
];

/// An input with a value the Action cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("input `{input}`: {message}")]
pub struct InputError {
    pub input: &'static str,
    pub message: String,
}

/// `k/n`: this job checks the k-th of n deterministic slices of the selected flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    pub fn parse(text: &str) -> Result<Shard, String> {
        let parsed = text
            .split_once('/')
            .and_then(|(k, n)| Some((k.trim().parse::<usize>().ok()?, n.trim().parse::<usize>().ok()?)));
        match parsed {
            Some((index, count)) if count >= 1 && (1..=count).contains(&index) => Ok(Shard { index, count }),
            _ => Err(format!("`{text}` is not k/n with 1 <= k <= n (such as `2/4`)")),
        }
    }

    /// Whether the item at `position` (0-based, in a sorted list) belongs to this shard.
    pub fn keeps(self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

/// Where CXone is and who calls it.
#[derive(Debug, Clone)]
pub struct CxoneInputs {
    pub base_url: String,
    pub token_url: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// Everything the Action is configured with.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Resolved under `working-directory` (the repository's root by default), as the report paths.
    pub paths: Vec<PathBuf>,
    /// Globs of files and folders to leave out (as `--exclude`).
    pub exclude: Vec<String>,
    pub changed_only: bool,
    pub fail_on: Severity,
    pub limits: RuleLimits,
    pub max_execution_ms: u64,
    pub min_coverage: Option<f64>,
    pub severities: Severities,
    pub junit_path: Option<PathBuf>,
    pub sarif_path: Option<PathBuf>,
    pub report_path: Option<PathBuf>,
    pub annotations: bool,
    pub summary: bool,
    pub comment: bool,
    pub github_token: Option<String>,
    pub shard: Shard,
    pub release_on_tag: bool,
    pub cxone: CxoneInputs,
    /// What a release on a tag asks for (its `tag` is the pushed tag's, set at the release).
    pub release: ReleaseOptions,
    pub audit_log: PathBuf,
    pub rollback_flow_id: Option<String>,
    pub rollback_to: Option<String>,
    /// `backend: studio`: releases go to a real tenant's Studio scripts.
    pub studio_backend: bool,
    pub studio: settings::StudioSettings,
    /// Also run CXone's own syntax check on the checked scripts.
    pub remote_validate: bool,
    /// Warn about checked scripts whose live content differs from the file.
    pub check_drift: bool,
    /// Hosts besides NICE's and loopback that a key or token may go to (the workflow's own input).
    pub allowed_hosts: Vec<String>,
}

/// The values that must never be printed: masked with `::add-mask::` before anything else.
pub fn secrets(vars: &HashMap<String, String>) -> Vec<String> {
    let reader = Reader { vars };
    let mut found: Vec<String> = ["github-token", "cxone-client-secret", "cxone-access-key-secret"]
        .into_iter()
        .filter_map(|name| reader.get(name).map(str::to_string))
        .collect();
    found.extend(
        [settings::SECRET_ENV, settings::ACCESS_KEY_SECRET_ENV]
            .iter()
            .filter_map(|name| vars.get(*name))
            .filter(|s| !s.trim().is_empty())
            .cloned(),
    );
    found.sort();
    found.dedup();
    found
}

/// The `working-directory` input, checked (a folder inside the workspace), and the `github-token`
/// input: what a run needs before its settings file is chosen.
pub fn early(vars: &HashMap<String, String>) -> Result<(PathBuf, Option<String>), InputError> {
    let reader = Reader { vars };
    Ok((
        working_directory(&reader.text("working-directory", "."))?,
        reader.optional("github-token"),
    ))
}

struct Reader<'v> {
    vars: &'v HashMap<String, String>,
}

impl Reader<'_> {
    /// The input's value: `INPUT_MAX-MENU-DEPTH` as the runner sets it, else `INPUT_MAX_MENU_DEPTH`;
    /// blank counts as unset.
    /// The input's value as set, trimmed, even when empty; `None` when the variable is absent.
    fn raw(&self, name: &str) -> Option<&str> {
        let upper = name.to_ascii_uppercase();
        [format!("INPUT_{upper}"), format!("INPUT_{}", upper.replace('-', "_"))]
            .iter()
            .find_map(|key| self.vars.get(key))
            .map(|v| v.trim())
    }

    /// The input's value; blank counts as not set (the default applies).
    fn get(&self, name: &str) -> Option<&str> {
        self.raw(name).filter(|v| !v.is_empty())
    }

    fn text(&self, name: &str, default: &str) -> String {
        self.get(name).unwrap_or(default).to_string()
    }

    fn optional(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_string)
    }

    /// A report path: absent, the default; set to an empty string (`junit-path: ''`), no file.
    fn path(&self, name: &str, default: &str) -> Option<PathBuf> {
        Some(PathBuf::from(self.raw(name).unwrap_or(default))).filter(|p| !p.as_os_str().is_empty())
    }

    /// YAML 1.2 core-schema booleans only, as the toolkit's `getBooleanInput` accepts them.
    fn boolean(&self, name: &'static str, default: bool) -> Result<bool, InputError> {
        match self.get(name) {
            None => Ok(default),
            Some("true" | "True" | "TRUE") => Ok(true),
            Some("false" | "False" | "FALSE") => Ok(false),
            Some(other) => Err(InputError {
                input: name,
                message: format!("`{other}` is not a boolean (use true or false)"),
            }),
        }
    }

    fn number<T>(&self, name: &'static str, default: T, least: T) -> Result<T, InputError>
    where
        T: std::str::FromStr + PartialOrd + std::fmt::Display,
    {
        let Some(text) = self.get(name) else { return Ok(default) };
        match text.parse::<T>() {
            Ok(n) if n >= least => Ok(n),
            _ => Err(InputError {
                input: name,
                message: format!("`{text}` is not a whole number of at least {least}"),
            }),
        }
    }

    fn parsed<T>(
        &self,
        name: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, InputError> {
        self.get(name)
            .map(parse)
            .transpose()
            .map_err(|message| InputError { input: name, message })
    }
}

/// Splits a list input on newlines and commas.
/// The `working-directory` input: a folder inside the workspace, as a relative path without `..`
/// (empty for the workspace itself), so paths stay repository-relative and annotations land.
fn working_directory(text: &str) -> Result<PathBuf, InputError> {
    use std::path::Component;
    let path = PathBuf::from(text.trim());
    let mut inside = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::Normal(part) => inside.push(part),
            _ => {
                return Err(InputError {
                    input: "working-directory",
                    message: format!(
                        "`{text}` must be a folder inside the workspace, written relative to it, without `..`"
                    ),
                });
            }
        }
    }
    Ok(inside)
}

fn list(text: &str) -> Vec<String> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl Inputs {
    /// Reads and validates every input from the environment's variables.
    pub fn read(vars: &HashMap<String, String>) -> Result<Inputs, InputError> {
        let r = Reader { vars };
        let defaults = RuleLimits::default();
        let fail_on = r.parsed("fail-on", settings::parse_fail_on)?.unwrap_or(Severity::Error);
        let severity_list = list(&r.text("severity", ""));
        let severities = Severities::parse(severity_list.iter().map(String::as_str)).map_err(|message| InputError {
            input: "severity",
            message,
        })?;
        let min_coverage = r.parsed("min-coverage", settings::parse_percent)?;
        let environment = r.parsed("environment", settings::parse_environment)?;
        let url = |name: &'static str, default: &str| -> Result<String, InputError> {
            let text = r.text(name, default);
            if text.starts_with("https://") || text.starts_with("http://") {
                Ok(text)
            } else {
                Err(InputError {
                    input: name,
                    message: format!("`{text}` is not an http(s) URL"),
                })
            }
        };
        let qa_webhook_url = match r.get("qa-webhook-url") {
            Some(_) => Some(url("qa-webhook-url", "")?),
            None => None,
        };
        let base = working_directory(&r.text("working-directory", "."))?;
        // Joined onto the empty path (the workspace itself), a path stays as it is.
        let under = |path: PathBuf| base.join(path);
        Ok(Inputs {
            paths: list(&r.text("paths", "."))
                .into_iter()
                .map(|p| under(PathBuf::from(p)))
                .collect(),
            exclude: list(&r.text("exclude", "")),
            changed_only: r.boolean("changed-only", true)?,
            fail_on,
            limits: RuleLimits {
                max_decision_nodes: r.number("max-decision-nodes", defaults.max_decision_nodes, 1)?,
                max_menu_depth: r.number("max-menu-depth", defaults.max_menu_depth, 1)?,
            },
            max_execution_ms: r.number("max-execution-ms", DEFAULT_MAX_EXECUTION_MS, 1)?,
            min_coverage,
            severities,
            junit_path: r.path("junit-path", "cxone-flow-junit.xml").map(under),
            sarif_path: r.path("sarif-path", "cxone-flow.sarif").map(under),
            report_path: r.path("report-path", "cxone-flow-report.json").map(under),
            annotations: r.boolean("annotations", true)?,
            summary: r.boolean("summary", true)?,
            comment: r.boolean("comment", false)?,
            github_token: r.optional("github-token"),
            shard: r.parsed("shard", Shard::parse)?.unwrap_or(Shard::WHOLE),
            release_on_tag: r.boolean("release-on-tag", false)?,
            cxone: CxoneInputs {
                base_url: url("cxone-base-url", settings::DEFAULT_BASE_URL)?,
                token_url: url("cxone-token-url", settings::DEFAULT_TOKEN_URL)?,
                client_id: r.optional("cxone-client-id"),
                client_secret: r.optional("cxone-client-secret"),
            },
            release: ReleaseOptions {
                tag: String::new(),
                environment,
                production_tags: r.text("production-tags", settings::PRODUCTION_TAGS),
                force: r.boolean("force", false)?,
                activation_priority: r.number("activation-priority", settings::DEFAULT_ACTIVATION_PRIORITY, 0)?,
                max_concurrency: r.number("max-concurrency", settings::DEFAULT_MAX_CONCURRENCY, 1)?,
                qa_webhook_url,
                smoke_test: r.boolean("smoke-test", false)?,
                dry_run: r.boolean("dry-run", false)?,
                // From the config file, when there is one (`config_file::ConfigFile::environments`).
                per_environment: Default::default(),
            },
            audit_log: PathBuf::from(r.text("audit-log", settings::DEFAULT_AUDIT_LOG)),
            rollback_flow_id: r.optional("rollback-flow-id"),
            rollback_to: r.optional("rollback-to"),
            studio_backend: match r.text("backend", "flows-api").as_str() {
                "flows-api" => false,
                "studio" => true,
                other => {
                    return Err(InputError {
                        input: "backend",
                        message: format!("`{other}` is not flows-api or studio"),
                    });
                }
            },
            studio: settings::StudioSettings {
                region: r
                    .parsed("cxone-region", |t| t.parse())?
                    .unwrap_or(crate::cxone::studio::Region::Global),
                issuer: r.get("cxone-issuer").map(|_| url("cxone-issuer", "")).transpose()?,
                access_key_url: r
                    .get("cxone-access-key-url")
                    .map(|_| url("cxone-access-key-url", ""))
                    .transpose()?,
                api_base: r.get("cxone-api-base").map(|_| url("cxone-api-base", "")).transpose()?,
                cluster_api: url("cxone-cluster-api", settings::DEFAULT_CLUSTER_API)?,
                api_version: r.text("cxone-api-version", crate::cxone::studio_types::DEFAULT_API_VERSION),
                access_key_id: r.optional("cxone-access-key-id"),
                access_key_secret: r
                    .optional("cxone-access-key-secret")
                    .or_else(|| vars.get(settings::ACCESS_KEY_SECRET_ENV).cloned())
                    .filter(|s| !s.trim().is_empty())
                    .map(crate::cxone::secret::Secret::new),
                points_of_contact: r
                    .parsed("points-of-contact", |t| settings::parse_points_of_contact([t]))?
                    .unwrap_or_default(),
                allow_live_overwrite: r.boolean("allow-live-overwrite", false)?,
                sandbox_prefix: r.text("sandbox-prefix", ""),
                renames: r
                    .parsed("cxone-renames", |t| crate::cxone::studio::Renames::parse([t]))?
                    .unwrap_or_default(),
            },
            remote_validate: r.boolean("remote-validate", false)?,
            check_drift: r.boolean("check-drift", false)?,
            allowed_hosts: list(&r.text("cxone-allowed-hosts", "")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reads_both_spellings_and_defaults() {
        let inputs = Inputs::read(&vars(&[
            ("INPUT_MAX-MENU-DEPTH", "7"),
            ("INPUT_MAX_DECISION_NODES", "20"),
        ]))
        .unwrap();
        assert_eq!(inputs.limits.max_menu_depth, 7);
        assert_eq!(inputs.limits.max_decision_nodes, 20);
        assert!(inputs.changed_only && inputs.annotations && !inputs.comment);
        assert_eq!(inputs.paths, vec![PathBuf::from(".")]);
        assert_eq!(inputs.shard, Shard::WHOLE);
    }

    #[test]
    fn the_working_directory_prefixes_paths_and_report_files_and_stays_inside() {
        let inputs = Inputs::read(&vars(&[
            ("INPUT_WORKING-DIRECTORY", "./ivr/"),
            ("INPUT_PATHS", "flows, more"),
            ("INPUT_SARIF-PATH", ""),
        ]))
        .unwrap();
        assert_eq!(
            inputs.paths,
            vec![PathBuf::from("ivr/flows"), PathBuf::from("ivr/more")]
        );
        assert_eq!(inputs.junit_path, Some(PathBuf::from("ivr/cxone-flow-junit.xml")));
        assert_eq!(inputs.sarif_path, None);
        let root = Inputs::read(&vars(&[("INPUT_WORKING-DIRECTORY", ".")])).unwrap();
        assert_eq!(root.paths, vec![PathBuf::from(".")]);
        assert_eq!(root.junit_path, Some(PathBuf::from("cxone-flow-junit.xml")));
        for outside in ["..", "ivr/../..", "/etc"] {
            let error = Inputs::read(&vars(&[("INPUT_WORKING-DIRECTORY", outside)])).unwrap_err();
            assert_eq!(error.input, "working-directory", "{outside}");
        }
    }

    #[test]
    fn booleans_are_strict_and_errors_name_the_input() {
        for yes in ["true", "True", "TRUE"] {
            assert!(Inputs::read(&vars(&[("INPUT_COMMENT", yes)])).unwrap().comment);
        }
        let error = Inputs::read(&vars(&[("INPUT_CHANGED-ONLY", "yes")])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "input `changed-only`: `yes` is not a boolean (use true or false)"
        );
        let error = Inputs::read(&vars(&[("INPUT_MAX-MENU-DEPTH", "deep")])).unwrap_err();
        assert_eq!(error.input, "max-menu-depth");
        assert_eq!(
            Inputs::read(&vars(&[("INPUT_SHARD", "3/2")])).unwrap_err().input,
            "shard"
        );
        assert_eq!(
            Inputs::read(&vars(&[("INPUT_SEVERITY", "CXF999=error")]))
                .unwrap_err()
                .input,
            "severity"
        );
        assert_eq!(
            Inputs::read(&vars(&[("INPUT_MIN-COVERAGE", "120")])).unwrap_err().input,
            "min-coverage"
        );
    }

    #[test]
    fn an_empty_report_path_means_no_file_and_a_release_is_opted_into() {
        let inputs = Inputs::read(&vars(&[("INPUT_JUNIT-PATH", ""), ("INPUT_SARIF_PATH", "  ")])).unwrap();
        assert_eq!((inputs.junit_path, inputs.sarif_path), (None, None));
        assert_eq!(inputs.report_path, Some(PathBuf::from("cxone-flow-report.json")));
        assert!(!inputs.release_on_tag, "a tag on a check workflow releases nothing");
        let inputs = Inputs::read(&vars(&[("INPUT_AUDIT-LOG", ""), ("INPUT_RELEASE-ON-TAG", "true")])).unwrap();
        assert_eq!(inputs.audit_log, PathBuf::from(settings::DEFAULT_AUDIT_LOG));
        assert!(inputs.release_on_tag);
    }

    #[test]
    fn shards_split_round_robin() {
        let shard = Shard::parse("2/3").unwrap();
        let kept: Vec<usize> = (0..7).filter(|&i| shard.keeps(i)).collect();
        assert_eq!(kept, vec![1, 4]);
        assert!(Shard::parse("0/3").is_err() && Shard::parse("a/b").is_err() && Shard::parse("1/0").is_err());
    }

    #[test]
    fn secrets_are_found_in_either_spelling() {
        let found = secrets(&vars(&[
            ("INPUT_GITHUB-TOKEN", "ghs_x"),
            ("INPUT_CXONE_CLIENT_SECRET", "s3"),
        ]));
        assert_eq!(found, vec!["ghs_x".to_string(), "s3".to_string()]);
    }
}
