//! Flows: the typed model of a flow file, its loaders, and its graph.

pub mod diff;
pub mod ends;
pub mod graph;
pub mod load;
pub mod model;
pub mod plain;
pub mod script_view;
