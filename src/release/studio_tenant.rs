//! The Studio tenant as every release step meets it: Studio's own settings (read from the
//! settings table's rows marked Studio's), the client for it (access key pair, app credentials),
//! the scripts a release sends, and the names they are saved under there (`NAME__TAG`, the
//! `NAME__ci` sandbox).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::cxone::config::{ClientConfig, Grant};
use crate::cxone::secret::Secret;
use crate::cxone::studio::{Region, Renames, StudioClient, StudioConfig, parse_points_of_contact};
use crate::settings::resolve::SettingError;
use crate::settings::{ACCESS_KEY_SECRET_ENV, Backend, Connection, Settings};

/// Where a real CXone tenant is and how Studio scripts go live there (docs/real-cxone.md). The access
/// key id comes with its secret (`CXONE_ACCESS_KEY_SECRET`); a registered app's client id and
/// secret, when `Connection` has both, switch the login to the OIDC password grant.
#[derive(Debug, Clone)]
pub struct StudioSettings {
    pub region: Region,
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
    pub points_of_contact: BTreeMap<String, Vec<String>>,
    pub allow_live_overwrite: bool,
    /// Put before each sandbox name (`NAME__ci`) of the remote syntax check.
    pub sandbox_prefix: String,
    /// API names the tenant spells otherwise than docs/real-cxone.md.
    pub renames: Renames,
}

impl StudioSettings {
    /// Studio's own settings as the run resolved them (`settings/table.rs`'s rows marked
    /// `.of(Backend::Studio)`, each read by its row's parser then, so a bad one already stopped
    /// the run; the error still names whoever set it).
    pub fn of(settings: &Settings) -> Result<StudioSettings, SettingError> {
        let values = settings.backend_values.of(Backend::Studio);
        Ok(StudioSettings {
            region: values.required("cxone-region", str::parse)?,
            issuer: values.url("cxone-issuer")?,
            access_key_url: values.url("cxone-access-key-url")?,
            api_base: values.url("cxone-api-base")?,
            cluster_api: values.url("cxone-cluster-api")?.unwrap_or_default(),
            api_version: values.text("cxone-api-version").unwrap_or_default(),
            access_key_id: values.text("cxone-access-key-id"),
            access_key_secret: values.secret("cxone-access-key-secret"),
            points_of_contact: values
                .parsed("points-of-contact", |t| parse_points_of_contact([t]))?
                .unwrap_or_default(),
            allow_live_overwrite: values.switch("allow-live-overwrite")?,
            sandbox_prefix: values.text("sandbox-prefix").unwrap_or_default(),
            renames: values
                .parsed("cxone-renames", |t| Renames::parse([t]))?
                .unwrap_or_default(),
        })
    }

    /// Studio's settings, once every host a credential would go to is NICE's, loopback or one of
    /// the run's `cxone-allowed-hosts`: what a release, a rollback, `validate --remote`, `pull`
    /// and `check`'s online hook read.
    pub fn checked(settings: &Settings) -> Result<StudioSettings, String> {
        let studio = StudioSettings::of(settings).map_err(|e| e.to_string())?;
        for (what, url) in studio.credential_urls() {
            crate::cxone::hosts::check(what, &url, &settings.allowed_hosts).map_err(|e| e.to_string())?;
        }
        Ok(studio)
    }

    /// What chose the login URL, for a login failure to name: the setting that overrides it, or
    /// the region's preset (`oidc`: the issuer of the password grant, else the access-key route).
    pub fn login_origin(&self, oidc: bool) -> String {
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

/// A Studio client for the configured tenant: the access key pair (its secret added to the run's
/// redactor), by the OIDC password grant when an app's client id and secret are set too.
pub fn client(connection: &Connection, studio: &StudioSettings) -> Result<StudioClient, String> {
    let key_id = studio
        .access_key_id
        .clone()
        .ok_or("set the `cxone-access-key-id` input (CXONE_ACCESS_KEY_ID on the command line)")?;
    let key_secret = studio.access_key_secret.clone().ok_or(format!(
        "set {ACCESS_KEY_SECRET_ENV} to the access key's secret (in the Action: the `cxone-access-key-secret` input, from a repository secret)"
    ))?;
    connection.redactor.add(key_secret.expose());
    let app = connection.client_id.clone().zip(connection.client_secret.clone());
    let (grant, client_id, client_secret) = match app {
        Some((id, secret)) => {
            connection.redactor.add(secret.expose());
            (Grant::Password { key_id, key_secret }, id, secret)
        }
        None => (
            Grant::AccessKey { key_id, key_secret },
            String::new(),
            Secret::new(String::new()),
        ),
    };
    let mut config = ClientConfig::new("", "", client_id, client_secret);
    config.credentials.origin = studio.login_origin(matches!(grant, Grant::Password { .. }));
    config.max_retries = connection.max_retries;
    config.redactor = connection.redactor.clone();
    config.progress = connection.progress.clone();
    let issuer = studio
        .issuer
        .clone()
        .unwrap_or_else(|| studio.region.issuer().to_string());
    StudioClient::new(StudioConfig {
        client: config,
        grant,
        token_url: studio
            .access_key_url
            .clone()
            .unwrap_or_else(|| studio.region.access_key_url().to_string()),
        issuer,
        api_base: studio.api_base.clone(),
        cluster_api: studio.cluster_api.clone(),
        api_version: studio.api_version.clone(),
        renames: studio.renames.clone(),
    })
    .map_err(|e| e.to_string())
}

/// One script to release: where it is, its name (`header.scriptName`) and its content.
#[derive(Debug, Clone)]
pub struct ScriptToRelease {
    pub path: String,
    pub name: String,
    pub content: Value,
}

impl ScriptToRelease {
    /// The content saved under another name.
    pub fn named(&self, name: &str) -> Value {
        let mut content = self.content.clone();
        content["header"]["scriptName"] = Value::String(name.to_string());
        content
    }
}

/// The name a script is saved under for a tag: `NAME__TAG`.
pub fn versioned_name(name: &str, tag: &str) -> String {
    format!("{name}__{tag}")
}

/// The sandbox a script's remote syntax check is saved under: `PREFIX` + `NAME__ci`, one per
/// script, overwritten by every run and kept (docs/real-cxone.md says why). The prefix files
/// sandboxes apart (a folder path, or a naming convention of the tenant's).
pub fn sandbox_name(prefix: &str, name: &str) -> String {
    format!("{prefix}{name}__ci")
}

/// A tag a Studio release can save under: `NAME__TAG` must be a version of NAME (never the
/// sandbox `NAME__ci`, which every pull request's remote check overwrites, so a point of contact
/// moved onto it would run whatever the last pull request sent) and one script of Studio's tree
/// (no folder separator, no control character).
pub fn check_tag(tag: &str) -> Result<(), String> {
    let bad = tag.chars().any(|c| matches!(c, '/' | '\\') || c.is_control());
    if bad || !is_version_of("NAME", &versioned_name("NAME", tag)) {
        return Err(format!(
            "the tag {tag:?} cannot name a Studio release: NAME__TAG would be the remote check's sandbox (`ci`), empty, or a path in Studio's folders; release another tag"
        ));
    }
    Ok(())
}

/// Whether `name` is a released version of `script`: `script` itself or `script__TAG`, never its
/// sandbox (`script__ci`).
pub fn is_version_of(script: &str, name: &str) -> bool {
    let tag = tag_of(script, name);
    name == script || (!tag.is_empty() && tag != "ci")
}

/// The tag of `name` as a version of `script` (`A__v2` of `A`: `v2`); empty for any other name.
pub fn tag_of<'n>(script: &str, name: &'n str) -> &'n str {
    name.strip_prefix(script)
        .and_then(|rest| rest.strip_prefix("__"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_names_the_setting_or_the_region_preset_that_chose_its_url() {
        let mut studio = StudioSettings {
            region: Region::Europe,
            ..StudioSettings::of(&Settings::default()).unwrap()
        };
        assert_eq!(
            studio.login_origin(false),
            "the `eu` region preset of `cxone-region` (`cxone-access-key-url` overrides it)"
        );
        studio.issuer = Some("https://issuer.example".into());
        assert_eq!(studio.login_origin(true), "set by `cxone-issuer`");
    }

    #[test]
    fn a_release_tag_never_names_the_sandbox_or_a_folder() {
        assert!(check_tag("v1.2.0").is_ok());
        for tag in ["ci", "", "release/v1", "v1\\x", "v1\n"] {
            assert!(
                check_tag(tag).unwrap_err().contains("cannot name a Studio release"),
                "{tag:?}"
            );
        }
    }

    #[test]
    fn a_version_of_a_script_is_its_name_or_a_tag_of_it_never_its_sandbox() {
        assert!(is_version_of("Main", "Main"));
        assert!(is_version_of("Main", "Main__v1.2"));
        assert!(!is_version_of("Main", "Main__ci"));
        assert!(!is_version_of("Main", "Main__"));
        assert!(!is_version_of("Main", "Old_IVR"));
        assert!(!is_version_of("Main", "MainLine__v1"));
    }
}
