//! Releasing to CXone on a tag: one driver (`driver.rs`) over release targets (`target.rs`), the
//! flows-api backend (`flows_api.rs` over the `Backend` port: payloads, the pipeline, rollback) and
//! the Studio backend (`studio_target.rs` over `studio.rs`, its cutovers and rollbacks, pull and
//! drift); and the audit log every backend writes.

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
