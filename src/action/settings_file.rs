//! Which `cxone-flow.toml` an Action run takes. On a push or a manual run, the checkout's, found in
//! `working-directory` or a folder above it up to the workspace. On a pull request, the **base**
//! commit's: a pull request's own file is data it wrote, and it would otherwise choose where the
//! credentials go, which checks run and whether the check can fail.

use std::path::{Path, PathBuf};

use crate::action::context::PullRequest;
use crate::settings::file::{ConfigFile, FILE_NAME};

/// Why no settings could be taken (the run stops with exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsFileError {
    #[error("{0}")]
    Invalid(String),
    #[error(
        "this pull request's checkout has `{head}`, and a pull request's settings come from its base commit, whose \
         `{FILE_NAME}` cannot be read ({why}); give the Action a github-token or fetch the base commit \
         (actions/checkout with fetch-depth: 0)"
    )]
    BaseUnreadable { head: String, why: String },
}

/// The settings a run takes, and the line the log shows about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    pub config: Option<ConfigFile>,
    /// `settings: ...`: which file, from where.
    pub described: String,
}

/// The repository-relative places a settings file is looked for: `working-directory`'s folder,
/// then each folder above it up to the workspace's root.
fn candidates(working_directory: &Path) -> Vec<String> {
    let mut found: Vec<String> = working_directory
        .ancestors()
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| format!("{}/{FILE_NAME}", dir.to_string_lossy()))
        .collect();
    found.push(FILE_NAME.to_string());
    found
}

/// The checkout's settings file: the first candidate that is a file (a link is refused by the
/// loader).
fn in_checkout(workspace: &Path, working_directory: &Path) -> Option<String> {
    candidates(working_directory)
        .into_iter()
        .find(|candidate| std::fs::symlink_metadata(workspace.join(candidate)).is_ok())
}

/// Whether `path`'s folder, links resolved, is inside the workspace.
fn inside(workspace: &Path, path: &str) -> bool {
    let folder = workspace.join(path);
    let folder = folder.parent().unwrap_or(workspace);
    match (std::fs::canonicalize(folder), std::fs::canonicalize(workspace)) {
        (Ok(folder), Ok(workspace)) => folder.starts_with(workspace),
        _ => false,
    }
}

/// Chooses the run's settings. `read_base(path)` reads a repository path at the pull request's base
/// commit (`Ok(None)` when the base has no such file).
pub fn choose(
    workspace: &Path,
    working_directory: &Path,
    pull_request: Option<&PullRequest>,
    mut read_base: impl FnMut(&str) -> Result<Option<Vec<u8>>, String>,
) -> Result<Chosen, SettingsFileError> {
    let head = in_checkout(workspace, working_directory);
    let Some(pr) = pull_request else {
        if let Some(path) = &head
            && !inside(workspace, path)
        {
            return Err(SettingsFileError::Invalid(format!(
                "`{path}` is reached through a link out of the workspace; a settings file is read only inside it"
            )));
        }
        let config = head
            .as_ref()
            .map(|path| ConfigFile::load(&workspace.join(path)).map_err(SettingsFileError::Invalid))
            .transpose()?;
        let described = match &head {
            Some(path) => format!("settings: {path}"),
            None => format!("settings: no {FILE_NAME} in the workspace; the defaults and the inputs apply"),
        };
        return Ok(Chosen { config, described });
    };
    let short = &pr.base_sha[..pr.base_sha.len().min(12)];
    for candidate in candidates(working_directory) {
        let bytes = match read_base(&candidate) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => continue,
            Err(why) => {
                return match head {
                    Some(head) => Err(SettingsFileError::BaseUnreadable { head, why }),
                    None => Ok(Chosen {
                        config: None,
                        described: format!(
                            "settings: none (the checkout has no {FILE_NAME}, and the base commit's cannot be read: {why})"
                        ),
                    }),
                };
            }
        };
        let text = String::from_utf8(bytes.clone())
            .map_err(|_| SettingsFileError::Invalid(format!("{candidate} at {short}: not UTF-8 text")))?;
        let config = ConfigFile::parse(&PathBuf::from(format!("{candidate} at {short}")), &text)
            .map_err(SettingsFileError::Invalid)?;
        let changed = head.as_ref().is_none_or(|head| {
            *head != candidate || std::fs::read(workspace.join(head)).ok().as_deref() != Some(&bytes[..])
        });
        let note = if changed {
            "; this pull request changes the settings file, and its changes apply once merged"
        } else {
            ""
        };
        return Ok(Chosen {
            config: Some(config),
            described: format!("settings: {candidate} at the base commit {short}{note}"),
        });
    }
    let note = match &head {
        Some(head) => format!("; this pull request adds {head}, which applies once merged"),
        None => String::new(),
    };
    Ok(Chosen {
        config: None,
        described: format!(
            "settings: the base commit {short} has no {FILE_NAME}; the defaults and the inputs apply{note}"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pr() -> PullRequest {
        PullRequest {
            number: 1,
            base_sha: "b".repeat(40),
            head_sha: "h".repeat(40),
            changed_files: None,
        }
    }

    #[test]
    fn the_places_run_from_the_working_directory_up_to_the_root() {
        assert_eq!(
            candidates(Path::new("ivr/sub")),
            ["ivr/sub/cxone-flow.toml", "ivr/cxone-flow.toml", "cxone-flow.toml"]
        );
        assert_eq!(candidates(Path::new("")), ["cxone-flow.toml"]);
    }

    #[test]
    fn a_pull_request_takes_the_base_s_file_never_its_own() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "cxone-api-base = \"https://evil.example\"\n",
        )
        .unwrap();
        let chosen = choose(dir.path(), Path::new(""), Some(&pr()), |path| {
            Ok((path == FILE_NAME).then(|| b"fail-on = \"warning\"\n".to_vec()))
        })
        .unwrap();
        let config = chosen.config.unwrap();
        assert_eq!(config.get("fail-on").unwrap(), ["warning"]);
        assert_eq!(config.get("cxone-api-base"), None);
        assert!(
            chosen
                .described
                .contains("at the base commit bbbbbbbbbbbb; this pull request changes"),
            "{}",
            chosen.described
        );
        // The base has none: the pull request's own file does not apply either.
        let none = choose(dir.path(), Path::new(""), Some(&pr()), |_| Ok(None)).unwrap();
        assert_eq!(none.config, None);
        assert!(
            none.described.contains("this pull request adds cxone-flow.toml"),
            "{}",
            none.described
        );
        // The base cannot be read: refused, saying why and what to do.
        let refused = choose(dir.path(), Path::new(""), Some(&pr()), |_| Err("no token".into())).unwrap_err();
        assert!(refused.to_string().contains("no token") && refused.to_string().contains("fetch-depth: 0"));
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_linked_out_of_the_workspace_brings_no_settings_in() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join(FILE_NAME), "fail-on = \"warning\"\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("ivr")).unwrap();
        let refused = choose(dir.path(), Path::new("ivr"), None, |_| Ok(None)).unwrap_err();
        assert!(
            refused.to_string().contains("through a link out of the workspace"),
            "{refused}"
        );
    }
}
