//! The exit code policy, decided once for the CLI and the Action, both backends alike: every way a
//! run can end is an [`Ending`] (a run's outcome is mapped to one by `Outcome::ending`),
//! [`Ending::exit`] is the one map from an ending to its code (0 clean, 1 findings or failures of
//! what was asked, 2 the tool could not run), and README's exit-code table is written from
//! [`Ending::ALL`] (a test compares the two).

use crate::check::CheckReport;
use crate::check::stream::Tally;
use crate::registry::Severity;

/// How a run ends: its process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Nothing at or above `fail-on`, every case passed, coverage met, the release (if any) done.
    Clean,
    /// Findings, failing cases, low coverage, or a release that failed for a flow.
    Findings,
    /// Bad configuration, unreadable input, CXone unreachable or refusing, a report not written.
    CannotRun,
}

/// Every way a run ends that README's exit-code table documents, one row each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Clean,
    /// A finding at or above `fail-on`.
    Findings,
    /// A failing case, or a flow below `min-coverage`.
    FailingCases,
    /// A release refused because the checks failed, or a flow or script the release could not
    /// release.
    ReleaseFailed,
    /// A rollback that ran and could not restore.
    RollbackFailed,
    /// A file the command cannot work on: `convert` or `cases generate` of a file with errors, a
    /// simulated call that fails, a live script that drifted (`pull --check-drift`).
    NotAsked,
    /// A bad flag, input, environment variable or settings file.
    BadSetting,
    /// A path that does not exist, a file that cannot be read.
    Unreadable,
    /// A report, payload, output or summary file that could not be written.
    NotWritten,
    /// The audit log could not be opened or written.
    AuditLogNotWritten,
    /// Missing credentials, a CXone URL that is not https (or loopback), a host not allowed, a
    /// login refused or redirected, CXone unreachable or refusing a call.
    CxoneRefused,
    /// A checked flow or script that cannot become what is sent (nothing is sent).
    NotSendable,
}

impl Ending {
    /// Every ending, in README's order.
    pub const ALL: [Ending; 12] = [
        Ending::Clean,
        Ending::Findings,
        Ending::FailingCases,
        Ending::ReleaseFailed,
        Ending::RollbackFailed,
        Ending::NotAsked,
        Ending::BadSetting,
        Ending::Unreadable,
        Ending::NotWritten,
        Ending::AuditLogNotWritten,
        Ending::CxoneRefused,
        Ending::NotSendable,
    ];

    /// The one map from an ending to its exit.
    pub const fn exit(self) -> Exit {
        match self {
            Ending::Clean => Exit::Clean,
            Ending::Findings
            | Ending::FailingCases
            | Ending::ReleaseFailed
            | Ending::RollbackFailed
            | Ending::NotAsked => Exit::Findings,
            Ending::BadSetting
            | Ending::Unreadable
            | Ending::NotWritten
            | Ending::AuditLogNotWritten
            | Ending::CxoneRefused
            | Ending::NotSendable => Exit::CannotRun,
        }
    }

    /// What the ending means, as README's table says it.
    pub const fn meaning(self) -> &'static str {
        match self {
            Ending::Clean => {
                "no finding at or above `fail-on`, every case passed, coverage at or above `min-coverage`, the release or rollback (if any) done"
            }
            Ending::Findings => "a finding at or above `fail-on`",
            Ending::FailingCases => "a failing case, or a flow below `min-coverage`",
            Ending::ReleaseFailed => {
                "a release refused because the checks failed, or a flow or script the release could not release (a QA webhook that could not be set up: the flow is still released, its row says so)"
            }
            Ending::RollbackFailed => "a rollback that ran and could not restore",
            Ending::NotAsked => {
                "a file the command cannot work on: `convert` or `cases generate` of a file with errors, a `simulate`d call that fails, a live script that drifted (`pull --check-drift`)"
            }
            Ending::BadSetting => {
                "a bad flag, input, environment variable or `cxone-flow.toml`, a setting the backend cannot carry, a rollback with nothing mapped to roll back"
            }
            Ending::Unreadable => {
                "a path that does not exist, a file that cannot be read (the other files are still checked and reported)"
            }
            Ending::NotWritten => "a report, payload, step output or job summary that could not be written",
            Ending::AuditLogNotWritten => "the audit log could not be opened or written (either backend)",
            Ending::CxoneRefused => {
                "missing CXone credentials, a CXone URL that is not https (or loopback), a host not allowed, a login refused or redirected, CXone unreachable or refusing a call"
            }
            Ending::NotSendable => "a checked flow or script that cannot become what is sent (then nothing is sent)",
        }
    }

    /// How a check ended: unreadable files, else findings (or failing cases) at `fail_on`.
    pub fn of_check(report: &CheckReport, fail_on: Severity) -> Ending {
        Ending::of_counts(&report.tally(), !report.read_errors.is_empty(), fail_on)
    }

    /// How a check ended, from its counts and whether a file could not be read.
    pub fn of_counts(tally: &Tally, unreadable: bool, fail_on: Severity) -> Ending {
        if unreadable {
            Ending::Unreadable
        } else if tally.has_failing_findings(fail_on) {
            Ending::Findings
        } else if tally.has_failing_cases() {
            Ending::FailingCases
        } else {
            Ending::Clean
        }
    }

    /// `self` when `happened`, else `Clean`.
    pub fn when(self, happened: bool) -> Ending {
        if happened { self } else { Ending::Clean }
    }
}

/// README's exit-code table: a row per code, its endings' meanings.
pub fn table_markdown() -> String {
    let mut out = String::from("| code | meaning |\n| --- | --- |\n");
    for exit in [Exit::Clean, Exit::Findings, Exit::CannotRun] {
        let meanings: Vec<&str> = Ending::ALL
            .iter()
            .filter(|e| e.exit() == exit)
            .map(|e| e.meaning())
            .collect();
        out.push_str(&format!("| {} | {} |\n", exit.code(), meanings.join("; ")));
    }
    out
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
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

impl From<Ending> for std::process::ExitCode {
    fn from(ending: Ending) -> Self {
        ending.exit().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_case_ends_as_one_unless_a_finding_fails_the_run_too() {
        let cases = Tally {
            cases_failed: 1,
            ..Tally::default()
        };
        assert_eq!(Ending::of_counts(&cases, false, Severity::Error), Ending::FailingCases);
        let low = Tally {
            flows_below_coverage: 1,
            ..Tally::default()
        };
        assert_eq!(Ending::of_counts(&low, false, Severity::Error), Ending::FailingCases);
        let both = Tally { errors: 1, ..cases };
        assert_eq!(Ending::of_counts(&both, false, Severity::Error), Ending::Findings);
        let warned = Tally {
            warnings: 1,
            ..Tally::default()
        };
        assert_eq!(Ending::of_counts(&warned, false, Severity::Error), Ending::Clean);
        assert_eq!(Ending::of_counts(&warned, false, Severity::Warning), Ending::Findings);
    }

    #[test]
    fn exits_are_ordered_by_how_bad_and_codes_are_documented() {
        assert!(Exit::Clean < Exit::Findings && Exit::Findings < Exit::CannotRun);
        assert_eq!(
            [Exit::Clean, Exit::Findings, Exit::CannotRun].map(Exit::code),
            [0, 1, 2]
        );
        let clean = CheckReport::default();
        assert_eq!(Ending::of_check(&clean, Severity::Error), Ending::Clean);
    }
}
