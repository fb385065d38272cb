//! Releasing to CXone on a tag: one driver (`driver.rs`) over release targets (`target.rs`), the
//! flows-api backend (`flows_api.rs` over the `Backend` port: payloads, the pipeline, rollback) and
//! the Studio backend (`studio_target.rs` over `studio.rs`, its cutovers and rollbacks, pull and
//! drift); and the audit log every backend writes. [`with_target`] is the one place a backend is
//! chosen, for both adapters' releases and rollbacks.

pub mod audit;
pub mod backend;
pub mod converge;
pub mod driver;
#[cfg(test)]
pub mod fake;
pub mod flows_api;
pub mod gate;
pub mod payload;
pub mod pipeline;
pub mod rollback;
pub mod run;
pub mod studio;
pub mod studio_calls;
pub mod studio_cutover;
pub mod studio_pull;
pub mod studio_target;
pub mod studio_tenant;
pub mod target;

use crate::settings::{Backend, Settings};
use flows_api::FlowsApi;
use studio_target::StudioTarget;
use studio_tenant::StudioSettings;
use target::{ReleaseTarget, Setting};

/// What an adapter does with the release target `--backend` (input `backend`) names.
pub trait WithTarget {
    type Output;
    fn with<T: ReleaseTarget>(self, target: &T) -> Self::Output;
}

/// Hands the target of `settings.backend` to `with`; an error when the backend's own settings are
/// wrong (a host a credential may not go to).
pub fn with_target<W: WithTarget>(settings: &Settings, with: W) -> Result<W::Output, String> {
    Ok(match settings.backend {
        Backend::FlowsApi => with.with(&FlowsApi),
        Backend::Studio => with.with(&StudioTarget {
            studio: StudioSettings::checked(settings)?,
        }),
    })
}

/// The settings a run asks for that some backend may not carry: `driver::asked`'s, `outside`
/// (what only the adapter knows: `--payloads`), and those among a backend's own settings that
/// another backend cannot carry (Studio's points of contact and live overwrite).
pub fn asked(settings: &Settings, outside: &[(Setting, bool)]) -> Result<Vec<Setting>, String> {
    let studio = StudioSettings::of(settings).map_err(|e| e.to_string())?;
    let own = [
        (Setting::PointsOfContact, !studio.points_of_contact.is_empty()),
        (Setting::AllowLiveOverwrite, studio.allow_live_overwrite),
    ];
    Ok(driver::asked(settings, &[outside, &own[..]].concat()))
}

/// Where the backend of `settings` sends a credential, each URL named by its setting; an error when
/// one may not take it.
pub fn credential_urls(settings: &Settings) -> Result<Vec<(&'static str, String)>, String> {
    Ok(match settings.backend {
        Backend::FlowsApi => vec![
            ("cxone-token-url", settings.connection.token_url.clone()),
            ("cxone-base-url", settings.connection.base_url.clone()),
        ],
        Backend::Studio => StudioSettings::checked(settings)?.credential_urls(),
    })
}
