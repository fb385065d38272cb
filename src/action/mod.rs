//! The GitHub Action's side of cxone-flow: its settings resolved from the runner's variables and
//! the GitHub context ([`resolve`]), which flows a run checks, and the run itself ([`run`]), a
//! library call that returns the run's outcome.

pub mod context;
pub mod inputs;
pub mod log;
mod logged;
pub mod resolve;
pub mod run;
pub mod select;
pub mod settings_file;

pub use resolve::resolve;
pub use run::run;
