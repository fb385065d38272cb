//! The GitHub Action's side of cxone-flow: inputs, the GitHub context, and which flows a run checks.

pub mod context;
pub mod inputs;
pub mod select;
