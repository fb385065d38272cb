//! Renderers: each turns the one `Report` into one output format.

pub mod human;
pub mod json;
