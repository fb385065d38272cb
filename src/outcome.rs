//! What a run produced, for the CLI and the Action, a check and a release alike: the checked report,
//! the release when one ran, the notes worth saying, and every way the run ended. Every renderer
//! (`report/`) reads an [`Outcome`], and [`Outcome::ending`] is the one map from it to an
//! [`Ending`], whose [`Ending::exit`] is README's exit-code table.

use crate::check::CheckReport;
use crate::exit::{Ending, Exit};
use crate::registry::Severity;
use crate::release::driver::Released;

/// Everything a run produced that a renderer or the exit code reads.
#[derive(Debug)]
pub struct Outcome {
    /// What the checks found (CXone's syntax-check findings filed on it, when a release or an
    /// online check ran).
    pub report: CheckReport,
    /// The least severity that fails the run.
    pub fail_on: Severity,
    /// The release, when one ran.
    pub release: Option<Released>,
    /// What is worth saying and changes no exit: an online check skipped without credentials, a
    /// fallback taken, a flow the pull request deleted.
    pub notes: Vec<String>,
    /// How the run ended beside what the report and the release say, each with its words: a path
    /// not found, a report not written, a release the checks blocked, a rollback that failed.
    pub problems: Vec<Problem>,
}

/// One way a run ended badly that the report does not hold, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub ending: Ending,
    pub message: String,
}

impl From<Problem> for Outcome {
    /// The outcome of a run that stopped before it checked anything, for `problem`.
    fn from(problem: Problem) -> Outcome {
        let mut outcome = Outcome::unchecked();
        outcome.problems.push(problem);
        outcome
    }
}

impl Outcome {
    /// The outcome of a check: its report judged at `fail_on`, nothing else yet.
    pub fn checked(report: CheckReport, fail_on: Severity) -> Outcome {
        Outcome {
            report,
            fail_on,
            release: None,
            notes: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The outcome of a run that checked nothing (a rollback).
    pub fn unchecked() -> Outcome {
        Outcome::checked(CheckReport::default(), Severity::Error)
    }

    /// Records a way the run ended badly.
    pub fn problem(&mut self, ending: Ending, message: impl Into<String>) {
        self.problems.push(Problem {
            ending,
            message: message.into(),
        });
    }

    /// Every way the run ended: the check's, the release's, then each problem's.
    pub fn endings(&self) -> impl Iterator<Item = Ending> + '_ {
        [
            Ending::of_check(&self.report, self.fail_on),
            self.release.as_ref().map_or(Ending::Clean, Released::ending),
        ]
        .into_iter()
        .chain(self.problems.iter().map(|p| p.ending))
    }

    /// The one map from an outcome to its ending: the worst of [`Outcome::endings`] (the first of
    /// the worst when several share an exit).
    pub fn ending(&self) -> Ending {
        self.endings().fold(
            Ending::Clean,
            |worst, ending| {
                if ending.exit() > worst.exit() { ending } else { worst }
            },
        )
    }

    /// The run's exit: its ending's code.
    pub fn exit(&self) -> Exit {
        self.ending().exit()
    }

    /// The problems that stop the run from doing what it was asked (exit 2), in order.
    pub fn cannot_run(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.ending.exit() == Exit::CannotRun)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_ending_decides_the_exit() {
        let mut outcome = Outcome::checked(CheckReport::default(), Severity::Error);
        assert_eq!((outcome.ending(), outcome.exit()), (Ending::Clean, Exit::Clean));
        outcome.problem(Ending::RollbackFailed, "could not restore");
        assert_eq!(
            (outcome.ending(), outcome.exit()),
            (Ending::RollbackFailed, Exit::Findings)
        );
        outcome.problem(Ending::NotWritten, "disk full");
        outcome.problem(Ending::CxoneRefused, "HTTP 401");
        assert_eq!(
            (outcome.ending(), outcome.exit()),
            (Ending::NotWritten, Exit::CannotRun)
        );
        assert_eq!(
            outcome.cannot_run().map(|p| p.message.as_str()).collect::<Vec<_>>(),
            ["disk full", "HTTP 401"]
        );
    }
}
