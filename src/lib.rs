//! cxone-flow: validate, test and release NICE CXone IVR call flows kept in Git.

pub mod check;
pub mod diagnostic;
pub mod discover;
pub mod flow;
pub mod json;
pub mod report;
pub mod rules;
pub mod sim;
pub mod source;
