//! Call-path simulation: condition evaluation and test cases.

pub mod cases;
pub mod condition;
