//! JUnit XML (`--junit PATH`): one `testsuite` per flow file, one `testcase` per case, and one
//! `validate` testcase per flow carrying its error diagnostics.
//!
//! What the common readers take from it: `file` and `line` attributes on each testcase (the
//! extension that mikepenz/action-junit-report and EnricoMi/publish-unit-test-result-action read),
//! the `failure` element's `message` (one line) and text (the full explanation). dorny/test-reporter
//! reads locations only from stack-trace lines in the text, so the text ends with one line in its
//! `java-junit` form (`at dir.dir.Case(FILE:LINE)`) and one in its `jest-junit` form
//! (`at (PATH:LINE:COL)`). A testcase's `time` is the simulated call's duration. The output validates
//! against the Jenkins/Ant JUnit XSD, `file` and `line` being the extension those readers read.

use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite, XmlString};

use crate::check::{CaseResult, FileReport, UnitReport};
use crate::outcome::Outcome;
use crate::registry::Severity;
use crate::report::spill::Spill;
use crate::report::{UnitWriter, case_headline, explain_case};
use crate::source::Location;

/// The name of the testcase that carries a flow's error diagnostics.
pub const VALIDATE: &str = "validate";

/// The root element's name.
const NAME: &str = "cxone-flow";

/// The JUnit report written unit by unit: each unit's `testsuite` spilled as it is checked, the
/// root's counts and time added up as quick-junit adds a suite's, and the root's start tag written
/// before the suites at the end.
pub struct Writer {
    /// The root `testsuites`, its counts and time, without its suites (each spilled once counted).
    root: JunitReport,
    suites: Spill,
}

impl Default for Writer {
    fn default() -> Writer {
        let mut root = JunitReport::new(NAME);
        root.set_time(Duration::ZERO);
        Writer {
            root,
            suites: Spill::default(),
        }
    }
}

impl UnitWriter for Writer {
    fn unit(&mut self, unit: &UnitReport) -> io::Result<()> {
        let Some(suite) = suite(unit) else {
            return Ok(());
        };
        let time = suite.time.unwrap_or_default();
        // quick-junit serializes a suite only within a report: a report of this one suite holds it
        // at the depth the whole report does, indented the same.
        let mut alone = JunitReport::new(NAME);
        alone.add_test_suite(suite);
        let xml = alone.to_string().map_err(io::Error::other)?;
        self.suites.write_all(&xml.as_bytes()[suites_span(&xml)])?;
        // The root counts the suite as quick-junit adds one, then lets it go: its text is spilled.
        self.root.add_test_suites(alone.test_suites.drain(..));
        self.root.test_suites.clear();
        self.root.set_time(self.root.time.unwrap_or_default() + time);
        Ok(())
    }

    fn finish(self: Box<Self>, _: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        let root = without_root_skipped(self.root.to_string().map_err(io::Error::other)?);
        let suites = suites_span(&root);
        out.write_all(&root.as_bytes()[..suites.start])?;
        self.suites.copy_to(out)?;
        out.write_all(&root.as_bytes()[suites.end..])
    }
}

/// Where a serialized report's suites lie: from the end of the root's start tag to the line of its
/// end tag (empty for a report without suites).
fn suites_span(xml: &str) -> Range<usize> {
    let root = xml.find("<testsuites").unwrap_or_default();
    let start = xml[root..].find('>').map_or(xml.len(), |end| root + end + 1);
    let end = xml.rfind("\n</testsuites>").unwrap_or(xml.len()).max(start);
    start..end
}

/// A unit's `testsuite`, named by its flow (its test file when it has none): the `validate` case,
/// then one testcase per case, timed by the simulated calls.
fn suite(unit: &UnitReport) -> Option<TestSuite> {
    let file = unit.flow.as_ref().or(unit.tests.as_ref())?;
    let flow_path = file.source.display_path();
    let mut suite = TestSuite::new(flow_path.clone());
    let files: Vec<&FileReport> = unit.files().collect();
    suite.add_test_case(validate_case(&flow_path, &files));
    let mut suite_time = Duration::ZERO;
    if let Some(simulation) = &file.simulation {
        let tests_path = unit.tests.as_ref().map(|t| t.source.display_path()).unwrap_or_default();
        let repeated = Repeated::new(&flow_path, &tests_path);
        for case in &simulation.cases {
            let test_case = case_testcase(case, &flow_path, &tests_path, &repeated, simulation.not_run.as_deref());
            suite_time += test_case.time.unwrap_or_default();
            suite.add_test_case(test_case);
        }
    }
    suite.set_time(suite_time);
    Some(suite)
}

/// The whole report as quick-junit writes it in one go, for the tests to hold the spliced one to.
#[cfg(test)]
pub(crate) fn render(outcome: &Outcome) -> String {
    let mut junit = JunitReport::new(NAME);
    let suites: Vec<TestSuite> = outcome.report.units.iter().filter_map(suite).collect();
    junit.set_time(suites.iter().map(|s| s.time.unwrap_or_default()).sum());
    junit.add_test_suites(suites);
    without_root_skipped(junit.to_string().expect("serialized"))
}

/// Removes the `skipped` count quick-junit writes on `<testsuites>`: the Jenkins/Ant JUnit XSD does
/// not allow it there (the readers count skipped cases per `<testsuite>`, where it stays).
fn without_root_skipped(mut xml: String) -> String {
    let Some(root) = xml.find("<testsuites") else {
        return xml;
    };
    let root_end = xml[root..].find('>').map_or(xml.len(), |end| root + end);
    if let Some(at) = xml[root..root_end].find(" skipped=\"") {
        let start = root + at;
        if let Some(len) = xml[start + 10..root_end].find('"') {
            xml.replace_range(start..start + 10 + len + 1, "");
        }
    }
    xml
}

fn validate_case(flow_path: &str, files: &[&FileReport]) -> TestCase {
    let errors: Vec<(&FileReport, &crate::diagnostic::Diagnostic)> = files
        .iter()
        .flat_map(|f| {
            f.diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(move |d| (*f, d))
        })
        .collect();
    let status = match errors.first() {
        None => TestCaseStatus::success(),
        Some((first_file, first)) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let count = if errors.len() == 1 {
                "1 error".to_string()
            } else {
                format!("{} errors", errors.len())
            };
            status.set_message(format!(
                "{count}: {}[{}] {}",
                first.rule.name(),
                first.rule.code(),
                first.message
            ));
            status.set_type("validation");
            let mut body: Vec<String> = errors
                .iter()
                .map(|(f, d)| {
                    format!(
                        "{}:{}:{}: error[{}] {}: {}",
                        f.source.display_path(),
                        d.location.line,
                        d.location.column,
                        d.rule.code(),
                        d.rule.name(),
                        d.message
                    )
                })
                .collect();
            body.extend(trace_lines(&first_file.source.display_path(), first.location));
            status.set_description(body.join("\n"));
            status
        }
    };
    let mut case = TestCase::new(VALIDATE, status);
    case.set_classname(flow_path);
    let (file, line) = errors.first().map_or((flow_path.to_string(), 1), |(f, d)| {
        (f.source.display_path(), d.location.line)
    });
    case.extra.insert("file".into(), file.into());
    case.extra.insert("line".into(), line.to_string().into());
    case
}

/// The strings every case's testcase in a suite holds, made once and cloned: quick-junit strips
/// escapes from each string it is given, one character at a time (some 150 instructions a byte),
/// and not from a string it made.
struct Repeated {
    classname: XmlString,
    tests_path: XmlString,
    file: XmlString,
    line: XmlString,
}

impl Repeated {
    fn new(flow_path: &str, tests_path: &str) -> Repeated {
        Repeated {
            classname: XmlString::new(flow_path),
            tests_path: XmlString::new(tests_path),
            file: XmlString::new("file"),
            line: XmlString::new("line"),
        }
    }
}

fn case_testcase(
    case: &CaseResult,
    flow_path: &str,
    tests_path: &str,
    repeated: &Repeated,
    not_run: Option<&str>,
) -> TestCase {
    let status = match &case.call {
        None => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(format!(
                "not run: {}",
                not_run.unwrap_or("the flow could not be simulated")
            ));
            status
        }
        Some(_) if case.failures.is_empty() => TestCaseStatus::success(),
        Some(_) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(case_headline(case));
            status.set_type("case failed");
            let mut body = format!("case \"{}\" ({tests_path}:{}) failed:\n", case.name, case.location.line);
            body.push_str(&explain_case(case, flow_path));
            body.push_str(&trace_lines(tests_path, case.location).join("\n"));
            status.set_description(body);
            status
        }
    };
    let mut test_case = TestCase::new(case.name.as_str(), status);
    test_case.set_classname(repeated.classname.clone());
    test_case
        .extra
        .insert(repeated.file.clone(), repeated.tests_path.clone());
    test_case
        .extra
        .insert(repeated.line.clone(), case.location.line.to_string().into());
    if let Some(call) = &case.call {
        test_case.set_time(Duration::from_millis(call.execution_time));
    }
    test_case
}

/// Stack-trace-shaped lines that dorny/test-reporter's parsers turn into an annotation at `location`.
fn trace_lines(path: &str, location: Location) -> Vec<String> {
    let file = Path::new(path);
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or(path);
    let package: Vec<&str> = file
        .parent()
        .into_iter()
        .flat_map(|dir| dir.iter())
        .filter_map(|part| part.to_str())
        .collect();
    let mut lines = Vec::new();
    if !package.is_empty() {
        lines.push(format!("at {}.Case({name}:{})", package.join("."), location.line));
    }
    lines.push(format!("at ({path}:{}:{})", location.line, location.column));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_root_loses_its_skipped_count() {
        let xml = "<?xml?>\n<testsuites name=\"cxone-flow\" tests=\"2\" skipped=\"10\" failures=\"0\">\n<testsuite skipped=\"1\">";
        assert_eq!(
            without_root_skipped(xml.to_string()),
            "<?xml?>\n<testsuites name=\"cxone-flow\" tests=\"2\" failures=\"0\">\n<testsuite skipped=\"1\">"
        );
    }
}
