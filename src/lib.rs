//! cxone-flow: validate, test and release NICE CXone IVR call flows kept in Git.
//!
//! The library behind the `cxone-flow` command. Checking a flow held in memory:
//!
//! ```
//! use cxone_flow::check::{Settings, check_flow_bytes};
//!
//! let flow = br#"{"flowId": "f",
//!   "elements": [{"id": "start", "type": "start"}, {"id": "welcome", "type": "play", "prompt": "Hi"}],
//!   "edges": [{"from": "start", "to": "welcome"}, {"from": "welcome", "to": "queue_x"}]}"#;
//! let (report, _flow) = check_flow_bytes("main.flow.json", flow.to_vec(), &Settings::default());
//! let d = &report.diagnostics[0];
//! assert_eq!((d.rule.code(), d.location.line, d.location.column), ("CXF002", 3, 75));
//! ```

pub mod action;
pub mod allocator;
pub mod check;
pub mod clock;
pub mod cxone;
pub mod diagnostic;
pub mod discover;
pub mod exit;
pub mod flow;
pub mod generate;
pub mod github;
pub mod http;
mod huge_pages;
pub mod json;
pub mod outcome;
pub mod printable;
pub mod progress;
pub mod redact;
pub mod registry;
pub mod release;
pub mod report;
pub mod rules;
pub mod safe_file;
pub mod settings;
pub mod sim;
pub mod source;
pub mod studio;
pub mod studio_lang;
#[cfg(test)]
pub(crate) mod test_script;
