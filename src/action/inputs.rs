//! The Action's settings ([`ActionSettings`]: the library's `Settings` and what only the Action
//! does), read from `INPUT_*` variables exactly as the runner sets them (both spellings, blank
//! meaning unset), layered over the environment and the settings file and resolved through the
//! settings table like the command line's flags: a bad value names its input and nothing runs.
//! The run's identity comes from the runner's variables, its files from the workspace.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::github::git::Trust;
use crate::github::objects::GitObjects;
use crate::redact::Redactor;
use crate::safe_file::Root;
use crate::settings::Settings;
use crate::settings::file::ConfigFile;
use crate::settings::resolve::{SettingError, Source, Values};
use crate::settings::table::{self, Kind};

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

/// Everything the Action is configured with: the run's [`Settings`] and what only the Action does.
#[derive(Debug, Clone)]
pub struct ActionSettings {
    /// Paths, report paths and the audit log resolved under `working-directory`; files written
    /// through the workspace's [`Root`]; the run's identity from the runner's variables.
    pub settings: Settings,
    /// The folder the run reads and writes in: the checkout.
    pub workspace: PathBuf,
    /// The checkout's git objects, read by one `git cat-file` for the whole run.
    pub git: GitObjects,
    /// Resolved under `working-directory` (the repository's root by default), as the report paths.
    pub paths: Vec<PathBuf>,
    pub changed_only: bool,
    pub annotations: bool,
    pub summary: bool,
    pub comment: bool,
    /// Whether the run has a `github-token` to ask GitHub with (the token itself goes to the
    /// REST port only, and is masked).
    pub has_github_token: bool,
    pub shard: Shard,
    pub release_on_tag: bool,
    pub rollback_flow_id: Option<String>,
    pub rollback_to: Option<String>,
    /// Also run CXone's own syntax check on the checked scripts.
    pub remote_validate: bool,
    /// Warn about checked scripts whose live content differs from the file.
    pub check_drift: bool,
}

/// The input's value as the runner set it: `INPUT_MAX-MENU-DEPTH`, else `INPUT_MAX_MENU_DEPTH`;
/// trimmed, even when empty; `None` when the variable is absent.
fn raw<'v>(vars: &'v HashMap<String, String>, name: &str) -> Option<&'v str> {
    let upper = name.to_ascii_uppercase();
    [format!("INPUT_{upper}"), format!("INPUT_{}", upper.replace('-', "_"))]
        .iter()
        .find_map(|key| vars.get(key))
        .map(|v| v.trim())
}

/// The values that must never be printed: masked with `::add-mask::` before anything else.
pub fn secrets(vars: &HashMap<String, String>) -> Vec<String> {
    let mut found: Vec<String> = table::SETTINGS
        .iter()
        .filter(|s| s.kind == Kind::Secret)
        .flat_map(|s| {
            [
                raw(vars, s.key).map(str::to_string),
                s.env.and_then(|e| vars.get(e).cloned()),
            ]
        })
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The `working-directory` input, checked (a folder inside the workspace), and the `github-token`
/// input: what a run needs before its settings file is chosen.
pub fn early(vars: &HashMap<String, String>) -> Result<(PathBuf, Option<String>), SettingError> {
    Ok((
        working_directory(raw(vars, "working-directory").filter(|t| !t.is_empty()).unwrap_or("."))?,
        raw(vars, "github-token").filter(|t| !t.is_empty()).map(str::to_string),
    ))
}

/// The `working-directory` input: a folder inside the workspace, as a relative path without `..`
/// (empty for the workspace itself), so paths stay repository-relative and annotations land.
fn working_directory(text: &str) -> Result<PathBuf, SettingError> {
    use std::path::Component;
    let path = PathBuf::from(text.trim());
    let mut inside = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::Normal(part) => inside.push(part),
            _ => {
                return Err(SettingError {
                    key: "working-directory",
                    origin: Source::Input,
                    message: format!(
                        "`{text}` must be a folder inside the workspace, written relative to it, without `..`"
                    ),
                });
            }
        }
    }
    Ok(inside)
}

impl ActionSettings {
    /// Reads and validates every input from the runner's variables, over the settings file, for a
    /// run in the clone `git` reads (the workspace) whose secrets `redactor` masks: every text from
    /// a server the run keeps (the audit log, errors) goes through it, with the secrets the run's
    /// clients add to it.
    pub fn read(
        vars: &HashMap<String, String>,
        file: Option<&ConfigFile>,
        git: GitObjects,
        redactor: &Redactor,
    ) -> Result<ActionSettings, SettingError> {
        let workspace = &git.folder().to_path_buf();
        let environment = |name: &str| vars.get(name).cloned();
        let mut values = Values::new(&environment, file, true);
        for setting in table::inputs() {
            let Some(text) = raw(vars, setting.key) else { continue };
            // Blank means unset, except a path set empty: no such file (`junit-path: ''`).
            if !text.is_empty() || setting.kind == Kind::Path && setting.action_default.is_some() {
                values.give(setting.key, vec![text.to_string()], Source::Input);
            }
        }
        let base = working_directory(&values.text("working-directory").unwrap_or_default())?;
        // Joined onto the empty path (the workspace itself), a path stays as it is.
        let under = |path: PathBuf| base.join(path);
        let mut settings = Settings::resolve(&values)?;
        settings.reports = settings.reports.map(under);
        // Whether each file's JSON, model, text and every case's path are kept after its check
        // depends on the event (`run.rs`: what comes after the check).
        // Files are read by their absolute paths in the workspace and shown relative to it.
        settings.check.shown_from = workspace.to_path_buf();
        settings.connection.root = Root::workspace(workspace);
        settings.connection.redactor = redactor.clone();
        settings.connection.run = std::mem::take(&mut settings.connection.run).completed(
            |name| vars.get(name).cloned(),
            Some(workspace),
            Trust::Workspace,
        );
        Ok(ActionSettings {
            settings,
            workspace: workspace.to_path_buf(),
            git,
            // The file's `paths` too are read under `working-directory`.
            paths: values
                .list("paths")
                .into_iter()
                .map(|p| under(PathBuf::from(p)))
                .collect(),
            changed_only: values.switch("changed-only")?,
            annotations: values.switch("annotations")?,
            summary: values.switch("summary")?,
            comment: values.switch("comment")?,
            has_github_token: values.text("github-token").is_some_and(|t| !t.is_empty()),
            shard: values.parsed("shard", Shard::parse)?.unwrap_or(Shard::WHOLE),
            release_on_tag: values.switch("release-on-tag")?,
            rollback_flow_id: values.text("rollback-flow-id"),
            rollback_to: values.text("rollback-to"),
            remote_validate: values.switch("remote-validate")?,
            check_drift: values.switch("check-drift")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn read(vars: &HashMap<String, String>) -> Result<ActionSettings, SettingError> {
        ActionSettings::read(vars, None, GitObjects::new(Path::new(".")), &Redactor::new())
    }

    #[test]
    fn the_settings_printed_show_no_secret() {
        let settings = read(&vars(&[
            ("INPUT_GITHUB-TOKEN", "ghs_token_text"),
            ("INPUT_CXONE-CLIENT-SECRET", "client_secret_text"),
            ("INPUT_CXONE-ACCESS-KEY-SECRET", "access_key_secret_text"),
        ]))
        .unwrap();
        assert!(settings.has_github_token);
        let printed = format!("{settings:?}");
        for secret in ["ghs_token_text", "client_secret_text", "access_key_secret_text"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }

    #[test]
    fn the_settings_read_scrub_what_the_run_masks() {
        // What the runner masked (the adapter's redactor) is scrubbed from every text the run
        // keeps from a server, whoever reads the settings: no way to read them without it.
        let redactor = Redactor::new();
        redactor.add("ghs_token_text");
        let settings = ActionSettings::read(&vars(&[]), None, GitObjects::new(Path::new(".")), &redactor).unwrap();
        let kept = settings
            .settings
            .connection
            .redactor
            .scrub("HTTP 401: bad token ghs_token_text");
        assert_eq!(kept, "HTTP 401: bad token ***");
    }

    #[test]
    fn reads_both_spellings_and_defaults() {
        let inputs = read(&vars(&[
            ("INPUT_MAX-MENU-DEPTH", "7"),
            ("INPUT_MAX_DECISION_NODES", "20"),
        ]))
        .unwrap();
        assert_eq!(inputs.settings.check.limits.max_menu_depth, 7);
        assert_eq!(inputs.settings.check.limits.max_decision_nodes, 20);
        assert!(inputs.changed_only && inputs.annotations && !inputs.comment);
        assert_eq!(inputs.paths, vec![PathBuf::from(".")]);
        assert_eq!(inputs.shard, Shard::WHOLE);
    }

    #[test]
    fn the_working_directory_prefixes_paths_and_report_files_and_stays_inside() {
        let inputs = read(&vars(&[
            ("INPUT_WORKING-DIRECTORY", "./ivr/"),
            ("INPUT_PATHS", "flows, more"),
            ("INPUT_SARIF-PATH", ""),
        ]))
        .unwrap();
        assert_eq!(
            inputs.paths,
            vec![PathBuf::from("ivr/flows"), PathBuf::from("ivr/more")]
        );
        assert_eq!(
            inputs.settings.reports.get("junit-path"),
            Some(Path::new("ivr/cxone-flow-junit.xml"))
        );
        assert_eq!(inputs.settings.reports.get("sarif-path"), None);
        let root = read(&vars(&[("INPUT_WORKING-DIRECTORY", ".")])).unwrap();
        assert_eq!(root.paths, vec![PathBuf::from(".")]);
        assert_eq!(
            root.settings.reports.get("junit-path"),
            Some(Path::new("cxone-flow-junit.xml"))
        );
        for outside in ["..", "ivr/../..", "/etc"] {
            let error = read(&vars(&[("INPUT_WORKING-DIRECTORY", outside)])).unwrap_err();
            assert_eq!(error.key, "working-directory", "{outside}");
        }
    }

    #[test]
    fn booleans_are_strict_and_errors_name_the_input() {
        for yes in ["true", "True", "TRUE"] {
            assert!(read(&vars(&[("INPUT_COMMENT", yes)])).unwrap().comment);
        }
        let error = read(&vars(&[("INPUT_CHANGED-ONLY", "yes")])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "input `changed-only`: `yes` is not a boolean (use true or false)"
        );
        let error = read(&vars(&[("INPUT_MAX-MENU-DEPTH", "deep")])).unwrap_err();
        assert_eq!(error.key, "max-menu-depth");
        assert_eq!(read(&vars(&[("INPUT_SHARD", "3/2")])).unwrap_err().key, "shard");
        assert_eq!(
            read(&vars(&[("INPUT_SEVERITY", "CXF999=error")])).unwrap_err().key,
            "severity"
        );
        assert_eq!(
            read(&vars(&[("INPUT_MIN-COVERAGE", "120")])).unwrap_err().key,
            "min-coverage"
        );
    }

    #[test]
    fn an_empty_report_path_means_no_file_and_a_release_is_opted_into() {
        let inputs = read(&vars(&[("INPUT_JUNIT-PATH", ""), ("INPUT_SARIF_PATH", "  ")])).unwrap();
        assert_eq!(
            (
                inputs.settings.reports.get("junit-path"),
                inputs.settings.reports.get("sarif-path")
            ),
            (None, None)
        );
        assert_eq!(
            inputs.settings.reports.get("report-path"),
            Some(Path::new("cxone-flow-report.json"))
        );
        assert!(!inputs.release_on_tag, "a tag on a check workflow releases nothing");
        let inputs = read(&vars(&[("INPUT_AUDIT-LOG", ""), ("INPUT_RELEASE-ON-TAG", "true")])).unwrap();
        assert_eq!(
            inputs.settings.connection.audit_log,
            PathBuf::from(crate::settings::DEFAULT_AUDIT_LOG)
        );
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
