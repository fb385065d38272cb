//! Where the Action's job log goes: a [`Log`] the adapter hands in (standard output, or a test's
//! buffer), the secrets masked on it before anything else, and the error that stops a run.

use std::collections::HashMap;

use crate::action::inputs;
use crate::exit::Ending;
use crate::outcome::Problem;
use crate::redact::Redactor;
use crate::report::annotations::{escape_data, escape_property};

/// Where the job log goes: each call one line (or more) the runner reads as it comes.
pub struct Log(Box<dyn Fn(&str)>);

impl Log {
    pub fn new(write: impl Fn(&str) + 'static) -> Log {
        Log(Box::new(write))
    }

    /// A line of the log, workflow commands included.
    pub fn line(&self, text: &str) {
        (self.0)(text);
    }

    /// An `::error::` titled `title` without a location.
    pub fn error(&self, title: &str, message: &str) {
        self.annotation("error", title, message);
    }

    /// A `::warning::` titled `title` without a location.
    pub fn warning(&self, title: &str, message: &str) {
        self.annotation("warning", title, message);
    }

    fn annotation(&self, level: &str, title: &str, message: &str) {
        self.line(&format!(
            "::{level} title={}::{}",
            escape_property(title),
            escape_data(message)
        ));
    }

    /// Why a run stops before it checks anything: `ending`, said in an `::error::` titled `title`.
    pub fn stopped(&self, title: &str, ending: Ending, message: &str) -> Problem {
        self.error(title, message);
        Problem {
            ending,
            message: message.to_string(),
        }
    }

    /// Text that may hold anything a pull request wrote (element ids, file names, file lines),
    /// with the runner's command processing stopped, under a token nobody can guess: the runner
    /// reads `::cmd::` at the start of a line and `##[cmd]` anywhere in one.
    pub fn untrusted(&self, text: &str) {
        let token = uuid::Uuid::new_v4().simple().to_string();
        self.line(&format!("::stop-commands::{token}"));
        self.line(text);
        self.line(&format!("::{token}::"));
    }

    /// [`Log::untrusted`] in a collapsed group.
    pub fn group(&self, title: &str, text: &str) {
        self.line(&format!("::group::{}", escape_data(title)));
        self.untrusted(text);
        self.line("::endgroup::");
    }
}

/// Masks the run's secrets (`::add-mask::`, one line of each at a time) before a single other line
/// reaches the log; the returned redactor scrubs the same secrets from every text a server sends.
pub fn mask(vars: &HashMap<String, String>, log: &Log) -> Redactor {
    let redactor = Redactor::new();
    for secret in inputs::secrets(vars) {
        redactor.add(&secret);
        for line in secret.lines().filter(|l| !l.trim().is_empty()) {
            log.line(&format!("::add-mask::{}", escape_data(line)));
        }
    }
    redactor
}
