//! The online hook of `check`: checks only a tenant can make (CXone's own syntax check, CXF040;
//! drift of the live version from the file, CXF044), run after the offline ones by a backend's
//! checker and filed on the report as findings at their file and line, so every renderer shows
//! them; skipped with a note when there are no credentials.

use crate::check::CheckReport;
use crate::diagnostic::{Diagnostic, Finding};
use crate::registry::{Rule, Severities, Severity};

/// One error or warning of CXone's syntax check, by action id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFinding {
    pub action: String,
    pub action_type: Option<String>,
    pub key: String,
    pub error: bool,
}

impl RemoteFinding {
    /// Where it stands: `action 12` or, when CXone named no action, `the script`.
    pub fn place(&self) -> String {
        if self.action.is_empty() {
            "the script".to_string()
        } else {
            format!("action {}", self.action)
        }
    }
}

/// Where each of `findings` stands, for messages: `action 12 Timeout, action 14 Prompt`.
pub fn listed<'f>(findings: impl IntoIterator<Item = &'f RemoteFinding>) -> String {
    findings
        .into_iter()
        .map(|f| format!("{} {}", f.place(), f.key))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A backend's online checks of a checked report.
pub trait OnlineChecker {
    /// Whether it has what it needs to reach the tenant (credentials); when not, the online
    /// checks are skipped with a note.
    fn has_credentials(&self) -> bool;
    /// CXone's syntax check of what the report holds that it checks: the findings per file path.
    fn syntax(&self, report: &CheckReport) -> Result<Vec<(String, Vec<RemoteFinding>)>, String>;
    /// The files whose live version differs from them: (path, how).
    fn drift(&self, report: &CheckReport) -> Result<Vec<(String, String)>, String>;
}

/// What the online checks did.
#[derive(Debug, Clone, PartialEq)]
pub enum Online {
    /// Run: CXone's findings per file path (filed on the report).
    Checked(Vec<(String, Vec<RemoteFinding>)>),
    /// Not run: why, as a note for the log and the summary.
    Skipped(String),
}

/// Runs the online syntax check and files its findings on the report, or says why it was skipped;
/// `Err` when it could not run once it had credentials.
pub fn check_online(report: &mut CheckReport, checker: &dyn OnlineChecker) -> Result<Online, String> {
    if !checker.has_credentials() {
        return Ok(Online::Skipped(
            "the online checks (CXone's syntax check, CXF040) were skipped: no credentials".to_string(),
        ));
    }
    let found = checker.syntax(report)?;
    file_findings(report, &found);
    Ok(Online::Checked(found))
}

/// Compares the live version of each checked file with it and files each difference as CXF044 at
/// the top of its file (at the severity in force; nothing when the rule is off); a note when it was
/// skipped, `Err` when it could not run once it had credentials.
pub fn check_drift(
    report: &mut CheckReport,
    checker: &dyn OnlineChecker,
    severities: &Severities,
) -> Result<Option<String>, String> {
    let Some(severity) = severities.of(Rule::LiveDrift) else {
        return Ok(None);
    };
    if !checker.has_credentials() {
        return Ok(Some("the drift check (CXF044) was skipped: no credentials".to_string()));
    }
    let drifted = checker.drift(report)?;
    for file in report.units.iter_mut().filter_map(|u| u.flow.as_mut()) {
        let path = file.source.display_path();
        for (_, how) in drifted.iter().filter(|(p, _)| *p == path) {
            let finding = Finding::new(Rule::LiveDrift, Default::default(), how.clone())
                .with_help("the script was changed in the tenant; `cxone-flow pull` writes what runs there");
            file.diagnostics
                .push(Diagnostic::locate(finding, severity, &file.source));
        }
        crate::check::sort_diagnostics(&mut file.diagnostics);
    }
    Ok(None)
}

/// Files CXone's findings on a checked report: each at its action's id in the script, under
/// CXF040 (an error or a warning, as CXone said), unless the file holds it already (an online
/// check before a release said the same). Returns what it filed, with each file's path.
pub fn file_findings(report: &mut CheckReport, found: &[(String, Vec<RemoteFinding>)]) -> Vec<(String, Diagnostic)> {
    let mut filed = Vec::new();
    for file in report.units.iter_mut().filter_map(|u| u.flow.as_mut()) {
        let path = file.source.display_path();
        let Some((_, findings)) = found.iter().find(|(p, _)| *p == path) else {
            continue;
        };
        for finding in findings {
            let element = file
                .model
                .as_ref()
                .and_then(|m| m.elements.iter().find(|e| e.id.value == finding.action).map(|e| (m, e)));
            let (span, what) = match element {
                Some((model, element)) => (element.id.span, model.describe(element)),
                None => (Default::default(), finding.place()),
            };
            let severity = if finding.error {
                Severity::Error
            } else {
                Severity::Warning
            };
            let message = format!(
                "CXone's syntax check {} `{}` on {what}",
                if finding.error { "rejects it with" } else { "warns" },
                finding.key
            );
            let finding = Finding::new(Rule::RemoteSyntaxCheck, span, message)
                .with_help("the tenant's own check, run by saving the script under its sandbox name (NAME__ci)");
            let diagnostic = Diagnostic::locate(finding, severity, &file.source);
            if !file.diagnostics.contains(&diagnostic) {
                filed.push((path.clone(), diagnostic.clone()));
                file.diagnostics.push(diagnostic);
            }
        }
        crate::check::sort_diagnostics(&mut file.diagnostics);
    }
    filed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked_script() -> CheckReport {
        let units = crate::discover::discover_in(
            &[std::path::PathBuf::from("examples/studio/acme_main_ivr.json")],
            &Default::default(),
        )
        .into_result()
        .unwrap();
        crate::check::check(&units, &crate::check::Settings::default())
    }

    #[test]
    fn a_finding_is_filed_once_and_what_was_filed_is_returned() {
        let mut report = checked_script();
        let path = report.units[0].flow.as_ref().unwrap().source.display_path();
        let found = vec![(
            path.clone(),
            vec![RemoteFinding {
                action: "2".into(),
                action_type: Some("PLAY".into()),
                key: "Sequence".into(),
                error: true,
            }],
        )];
        let remote = |report: &CheckReport| {
            report.units[0]
                .flow
                .as_ref()
                .unwrap()
                .diagnostics
                .iter()
                .filter(|d| d.rule == Rule::RemoteSyntaxCheck)
                .count()
        };
        let filed = file_findings(&mut report, &found);
        assert_eq!(filed.len(), 1);
        assert_eq!(filed[0].0, path);
        assert_eq!(filed[0].1.severity, Severity::Error);
        assert!(filed[0].1.message.contains("`Sequence`"), "{}", filed[0].1.message);
        assert_eq!(remote(&report), 1);
        // An online check before the release said the same: nothing new is filed or returned.
        assert!(file_findings(&mut report, &found).is_empty());
        assert_eq!(remote(&report), 1);
    }
}
