//! The CXone API: wire types, the token cache, and the retrying client.

pub mod auth;
pub mod client;
pub mod secret;
pub mod types;
