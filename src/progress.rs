//! A long run's progress as it happens (a release's steps, every retry of a call), as lines for
//! whoever shows them: the command line prints them, with a progress bar on a terminal.

use std::sync::Arc;
use std::time::Duration;

/// One step: which flow (when it is about one), what happened, and whether the flow is done.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub flow: Option<String>,
    pub text: String,
    pub finished: bool,
}

/// Whoever shows the steps; nobody by default.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(Step) + Send + Sync>>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(shown)"
        } else {
            "Progress(none)"
        })
    }
}

impl Progress {
    pub fn new(show: impl Fn(Step) + Send + Sync + 'static) -> Self {
        Progress(Some(Arc::new(show)))
    }

    /// Whether anyone is shown the steps.
    pub fn is_shown(&self) -> bool {
        self.0.is_some()
    }

    pub fn emit(&self, step: Step) {
        if let Some(show) = &self.0 {
            show(step);
        }
    }

    /// A call about to be tried again, and why.
    pub fn retry(&self, call: &str, attempt: u32, wait: Duration, reason: &str) {
        self.emit(Step {
            flow: None,
            text: format!(
                "retrying \"{call}\" in {:.1} s (attempt {} failed: {reason})",
                wait.as_secs_f64(),
                attempt
            ),
            finished: false,
        });
    }
}
