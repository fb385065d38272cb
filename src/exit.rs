//! The exit code policy, decided once for the CLI and the Action: 0 clean, 1 findings or failures
//! of what was asked, 2 the tool could not run.

use crate::check::CheckReport;
use crate::registry::Severity;

/// How a run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Nothing at or above `fail-on`, every case passed, coverage met, the release (if any) done.
    Clean,
    /// Findings, failing cases, low coverage, or a release that failed for a flow.
    Findings,
    /// Bad configuration, unreadable input, CXone unreachable or refusing, a report not written.
    CannotRun,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::CannotRun => 2,
        }
    }

    /// The exit of a check: files that could not be read make it 2, a failing report 1.
    pub fn of_check(report: &CheckReport, fail_on: Severity) -> Exit {
        if !report.read_errors.is_empty() {
            Exit::CannotRun
        } else if report.fails(fail_on) {
            Exit::Findings
        } else {
            Exit::Clean
        }
    }

    /// `Findings` when `failed`, else `Clean`.
    pub fn findings_if(failed: bool) -> Exit {
        if failed { Exit::Findings } else { Exit::Clean }
    }

    /// The worse of two.
    pub fn and(self, other: Exit) -> Exit {
        self.max(other)
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worse_exit_wins_and_codes_are_documented() {
        assert_eq!(Exit::Clean.and(Exit::Findings), Exit::Findings);
        assert_eq!(Exit::CannotRun.and(Exit::Findings), Exit::CannotRun);
        assert_eq!(
            [Exit::Clean, Exit::Findings, Exit::CannotRun].map(Exit::code),
            [0, 1, 2]
        );
        assert_eq!(Exit::findings_if(true), Exit::Findings);
        let clean = CheckReport::default();
        assert_eq!(Exit::of_check(&clean, Severity::Error), Exit::Clean);
    }
}
