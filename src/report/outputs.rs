//! The Action's step outputs of an outcome, in the `GITHUB_OUTPUT` file format: `name=value`, or
//! the heredoc form with a delimiter that does not occur in the value when the value spans lines.

use crate::outcome::Outcome;
use crate::registry::Severity;
use crate::settings::ReportPaths;
use crate::settings::table::SETTINGS;

/// The outputs of a run: the counts, each report file's path (empty when none is written: one
/// output per report setting the Action takes, named as the input), and a release's `published`
/// and `audit-log`.
pub fn of(outcome: &Outcome, reports: &ReportPaths) -> Vec<(&'static str, String)> {
    // Counted once: a report's counts walk every unit it kept.
    let tally = outcome.report.tally();
    let mut pairs = vec![
        ("flows-checked", (tally.flows - tally.scripts).to_string()),
        ("scripts-checked", tally.scripts.to_string()),
        ("errors", tally.count(Severity::Error).to_string()),
        ("warnings", tally.count(Severity::Warning).to_string()),
        ("tests-total", tally.cases.to_string()),
        ("tests-failed", tally.cases_failed.to_string()),
        (
            "coverage",
            tally.coverage_percent().map(|c| format!("{c:.1}")).unwrap_or_default(),
        ),
    ];
    for setting in SETTINGS.iter().filter(|s| s.report && s.input) {
        let path = reports.get(setting.key).map(|p| p.display().to_string());
        pairs.push((setting.key, path.unwrap_or_default()));
    }
    if let Some(released) = &outcome.release {
        let published = crate::report::release::published(released);
        pairs.push(("published", published.to_string()));
        pairs.push(("audit-log", released.audit_log.display().to_string()));
    }
    pairs
}

/// Formats one output. A value with a line break (or one that would be ambiguous) takes the
/// multi-line form; its delimiter is random and checked against the value.
pub fn format(name: &str, value: &str) -> String {
    if !value.contains(['\n', '\r']) {
        return format!("{name}={value}\n");
    }
    let mut delimiter = format!("ghadelimiter_{}", uuid::Uuid::new_v4());
    while value.contains(&delimiter) {
        delimiter = format!("ghadelimiter_{}", uuid::Uuid::new_v4());
    }
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_and_multi_line_values() {
        assert_eq!(format("errors", "3"), "errors=3\n");
        let text = format("published", "[\n1\n]");
        let delimiter = text.lines().next().unwrap().strip_prefix("published<<").unwrap();
        assert!(delimiter.starts_with("ghadelimiter_"));
        assert_eq!(text, format!("published<<{delimiter}\n[\n1\n]\n{delimiter}\n"));
    }
}
