//! Flows: the typed model of a flow file, its loader, and its graph.

pub mod diff;
pub mod ends;
pub mod graph;
pub mod load;
pub mod model;
