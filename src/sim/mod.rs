//! Call-path simulation: condition evaluation and test cases.

pub mod cases;
pub mod classes;
pub mod condition;
pub mod coverage;
pub mod engine;
pub mod expect;
pub mod ids;
pub mod plain;
pub mod run;
