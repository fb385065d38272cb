//! The CXone API: wire types, the client's set-up, the transport (one call, retried), the token
//! cache, and the client.

pub mod auth;
pub mod client;
pub mod config;
pub mod hosts;
pub mod secret;
pub mod studio;
pub mod studio_types;
pub mod transport;
pub mod types;
