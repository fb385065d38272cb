//! Studio's languages, below the flow model that holds what they parse: its values, expressions,
//! Snippet code, and an action's logic as parsed from its properties.

pub mod expr;
pub mod parsed;
pub mod snippet;
pub mod value;
