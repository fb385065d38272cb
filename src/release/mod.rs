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
use target::ReleaseTarget;

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
