//! Releasing flows to CXone on a tag: payloads, the audit log, the pipeline, rollback; and Studio
//! scripts to a real tenant (`studio.rs`, its cutovers and rollbacks, pull and drift).

pub mod audit;
pub mod backend;
pub mod converge;
#[cfg(test)]
pub mod fake;
pub mod gate;
pub mod payload;
pub mod pipeline;
pub mod rollback;
pub mod run;
pub mod studio;
pub mod studio_cutover;
pub mod studio_pull;
