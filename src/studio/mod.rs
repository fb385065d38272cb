//! Studio scripts, the real CXone IVR format: their loader into the flow model (and its fast path
//! for plain scripts), their action types, their prompts, and their conversion to and from flow
//! files.

pub mod actions;
pub mod convert;
pub mod library;
pub mod load;
pub mod logic;
pub mod plain;
pub mod prompt;
pub mod properties;
pub mod subscript;
