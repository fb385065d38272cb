//! The job summary (Markdown, as `GITHUB_STEP_SUMMARY` and the PR comment show it): totals, a row
//! per flow, each failing case with expected and actual paths, a diagram and semantic diff per
//! changed flow, and the release table. Never larger than its budget; names are escaped.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;
use std::sync::Arc;

use serde_json::Value;

use crate::check::stream::Tally;
use crate::check::{CheckReport, FileReport, UnitReport};
use crate::flow::diff::{self, Change};
use crate::flow::script_view;
use crate::outcome::Outcome;
use crate::printable::plural;
use crate::registry::Severity;
use crate::release::driver::Released;
use crate::report::{explain_case, mermaid};
use crate::sim::run::CallSummary;

/// GitHub's limit for one step's summary.
pub const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

/// Escapes text for Markdown (inline and table cells): HTML entities, and a backslash before
/// every character Markdown could read as markup.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.' | '!' | '|' | '~'
            | '"' | '\'' | ':' | '@' | '$' | '=' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML (inside `<pre>`).
fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A changed flow: its path now, its JSON now, and its JSON at the base (`Ok(None)`: new file;
/// `Err`: why the base could not be read).
pub struct FlowChanges {
    pub path: String,
    pub head: Option<Arc<Value>>,
    pub base: Result<Option<Value>, String>,
    /// The flow's test file, when it has one now or had one at the base and it is not the same
    /// at both (the same file has no case changes).
    pub tests: Option<TestChanges>,
}

/// A test file at the head and at the base of a pull request.
pub struct TestChanges {
    pub path: String,
    /// `None` when the file is not (or no longer) valid JSON or not there.
    pub head: Option<Value>,
    pub base: Result<Option<Value>, String>,
}

impl TestChanges {
    /// Cases added, changed and removed, by name, in the head's order then the removed ones. A
    /// name given to more than one case (CXF028), or none, pairs the n-th such case at the head
    /// with the n-th at the base, so a file the same at both has no changes.
    pub fn case_changes(&self) -> Vec<(&'static str, String)> {
        /// Each case with its name and how many cases of that name come before it.
        fn cases(file: Option<&Value>) -> Vec<((&str, usize), &Value)> {
            let mut before: HashMap<&str, usize> = HashMap::new();
            file.and_then(|f| f.get("cases"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|case| {
                    let name = case["name"].as_str().unwrap_or_default();
                    let count = before.entry(name).or_default();
                    *count += 1;
                    ((name, *count - 1), case)
                })
                .collect()
        }
        let base = match &self.base {
            Ok(base) => cases(base.as_ref()),
            Err(_) => return Vec::new(),
        };
        let head = cases(self.head.as_ref());
        let mut changes = Vec::new();
        for (key, case) in &head {
            match base.iter().find(|(k, _)| k == key) {
                None => changes.push(("added", key.0.to_string())),
                Some((_, old)) if old != case => changes.push(("changed", key.0.to_string())),
                Some(_) => {}
            }
        }
        for (key, _) in &base {
            if !head.iter().any(|(k, _)| k == key) {
                changes.push(("removed", key.0.to_string()));
            }
        }
        changes
    }
}

/// Everything the summary is made from: the run's outcome (its counts, notes and release), the
/// parts that grow with the files, and what only a pull request's run knows.
pub struct SummaryInput<'a> {
    pub outcome: &'a Outcome,
    pub per_file: &'a PerFile,
    /// One sentence: what was selected and why.
    pub scope: String,
    pub changes: Vec<FlowChanges>,
    /// Where the full results are, for the truncation note.
    pub full_results: String,
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_string(), |p| format!("{p:.1}%"))
}

/// Renders the summary in blocks, stopping with a note before `budget` bytes would be passed
/// (`budget` at most the one its [`PerFile`] was filled for).
pub fn render(input: &SummaryInput, budget: usize) -> String {
    let (blocks, left_out) = blocks(input);
    let total = blocks.len() + left_out;
    let mut out = String::new();
    for (i, block) in blocks.into_iter().enumerate() {
        let note = format!(
            "\n> [!NOTE]\n> The summary was cut at GitHub's size limit: {} left out. The full results are in {}.\n",
            plural(total - i, "part"),
            md(&input.full_results)
        );
        if out.len() + block.len() + note.len() + 1 > budget {
            out.push_str(&note);
            return out;
        }
        out.push_str(&block);
    }
    out
}

/// The summary's parts that grow with the files (a row per flow, each error, each failing case),
/// filled unit by unit as the units are checked. Each part keeps its blocks until they pass the
/// budget and then only counts them, as no summary could show them: what it holds stays within
/// three budgets whatever the number of files.
pub struct PerFile {
    budget: usize,
    fail_on: Severity,
    min_coverage: Option<f64>,
    units: usize,
    rows: Blocks,
    errors: Blocks,
    failing: Blocks,
}

#[derive(Default)]
struct Blocks {
    kept: Vec<String>,
    bytes: usize,
    left_out: usize,
}

impl Blocks {
    /// Keeps the block `make` makes while the part has not passed `budget`; counts it after.
    fn add(&mut self, budget: usize, make: impl FnOnce() -> String) {
        if self.bytes <= budget {
            let block = make();
            self.bytes += block.len();
            self.kept.push(block);
        } else {
            self.left_out += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }
}

impl PerFile {
    /// Empty, for a summary of at most `budget` bytes of a run judged at `fail_on`.
    pub fn new(budget: usize, fail_on: Severity, min_coverage: Option<f64>) -> PerFile {
        PerFile {
            budget,
            fail_on,
            min_coverage,
            units: 0,
            rows: Blocks::default(),
            errors: Blocks::default(),
            failing: Blocks::default(),
        }
    }

    /// The parts of every unit of an outcome's report, for the tests (a run feeds them unit by unit).
    #[cfg(test)]
    fn of(outcome: &Outcome, budget: usize) -> PerFile {
        let mut per_file = PerFile::new(budget, outcome.fail_on, outcome.report.min_coverage);
        for unit in &outcome.report.units {
            per_file.unit(unit);
        }
        per_file
    }

    /// Adds a checked unit's row, errors and failing cases.
    pub fn unit(&mut self, unit: &UnitReport) {
        self.units += 1;
        let budget = self.budget;
        let (fail_on, min_coverage) = (self.fail_on, self.min_coverage);
        if let Some(flow) = &unit.flow {
            self.rows.add(budget, || row(unit, flow, fail_on, min_coverage));
        }
        // Each error, where it is and what it says, before the failing cases it may explain.
        for file in unit.files() {
            for diagnostic in file.diagnostics.iter().filter(|d| d.severity == Severity::Error) {
                self.errors.add(budget, || {
                    format!(
                        "| {}:{} | {} {} | {} |\n",
                        md(&file.source.display_path()),
                        diagnostic.location.line,
                        diagnostic.rule.code(),
                        md(diagnostic.rule.name()),
                        md(&diagnostic.message)
                    )
                });
            }
        }
        let Some(simulated) = unit.simulated() else { return };
        let flow_path = simulated.flow.source.display_path();
        for case in simulated.simulation.cases.iter().filter(|c| c.failed()) {
            self.failing.add(budget, || {
                format!(
                    "\n**{}** in {} line {}\n\n<pre>\n{}</pre>\n",
                    md(&case.name),
                    md(&simulated.tests_path()),
                    case.location.line,
                    html(&explain_case(case, &flow_path))
                )
            });
        }
    }
}

/// A flow's row in the table: its counts, its coverage, and whether it fails a run judged at
/// `fail_on`.
fn row(unit: &UnitReport, flow: &FileReport, fail_on: Severity, min_coverage: Option<f64>) -> String {
    let count = |severity| {
        unit.files()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| d.severity == severity)
            .count()
    };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let simulation = flow.simulation.as_ref();
    let cases = simulation.map_or(0, |s| s.cases.len());
    let failed = simulation.map_or(0, |s| s.failed());
    let not_run = simulation.map_or(0, |s| s.cases.iter().filter(|c| c.call.is_none()).count());
    let coverage = simulation
        .and_then(|s| s.coverage.as_ref())
        .map(|c| c.element_percent());
    let below = simulation.is_some_and(|s| s.below(min_coverage));
    let bad = failed > 0 || below || unit.files().flat_map(|f| &f.diagnostics).any(|d| d.severity >= fail_on);
    format!(
        "| {} | {} | {errors} | {warnings} | {} | {failed} | {not_run} | {}{} |\n",
        if bad { "❌" } else { "✅" },
        md(&flow.source.display_path()),
        cases - failed - not_run,
        percent(coverage),
        if below { " (below minimum)" } else { "" }
    )
}

/// The summary's blocks in order, and how many more its [`PerFile`] counted without keeping.
fn blocks<'i>(input: &'i SummaryInput) -> (Vec<Cow<'i, str>>, usize) {
    let report = &input.outcome.report;
    let per_file = input.per_file;
    // Counted once: a report's counts walk every unit it kept.
    let tally = report.tally();
    let mut blocks = vec![Cow::Owned(header(input, &tally))];
    if per_file.units == 0 {
        return (blocks, 0);
    }
    let (title, column) = match (tally.flows - tally.scripts, tally.scripts) {
        (_, 0) => ("Flows", "flow"),
        (0, _) => ("Scripts", "script"),
        _ => ("Flows and scripts", "file"),
    };
    blocks.push(Cow::Owned(format!(
        "\n### {title}\n\n| | {column} | errors | warnings | cases passed | failed | not run | coverage |\n\
         | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    )));
    let mut left_out = 0;
    for (heading, part) in [
        (None, &per_file.rows),
        (
            Some("\n### Errors\n\n| where | code | message |\n| --- | --- | --- |\n"),
            &per_file.errors,
        ),
        (Some("\n### Failing cases\n"), &per_file.failing),
    ] {
        if part.is_empty() {
            continue;
        }
        blocks.extend(heading.map(Cow::Borrowed));
        blocks.extend(part.kept.iter().map(|block| Cow::Borrowed(block.as_str())));
        left_out += part.left_out;
    }
    for changes in &input.changes {
        blocks.push(Cow::Owned(changes_block(report, changes)));
    }
    if let Some(release) = &input.outcome.release {
        blocks.push(Cow::Owned(release_block(release)));
    }
    (blocks, left_out)
}

/// The verdict, the scope and the run's counts (`tally`, the report's).
fn header(input: &SummaryInput, tally: &Tally) -> String {
    let report = &input.outcome.report;
    let (errors, warnings) = (tally.count(Severity::Error), tally.count(Severity::Warning));
    let (cases, failed, not_run) = (tally.cases, tally.cases_failed, tally.cases_not_run);
    let fails = tally.fails(input.outcome.fail_on) || !report.read_errors.is_empty();
    let mut out = format!(
        "## {} cxone-flow: {}\n\n{}\n\n",
        if fails { "❌" } else { "✅" },
        if fails { "checks failed" } else { "checks passed" },
        md(&input.scope)
    );
    // A script is counted as a script; a run with both counts each.
    let (columns, counts) = match (tally.flows - tally.scripts, tally.scripts) {
        (flows, 0) => ("| flows ", format!("| {flows} ")),
        (0, scripts) => ("| scripts ", format!("| {scripts} ")),
        (flows, scripts) => ("| flows | scripts ", format!("| {flows} | {scripts} ")),
    };
    let _ = writeln!(
        out,
        "{columns}| errors | warnings | cases | passed | failed | not run | coverage |\n{}| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        "| ---: ".repeat(columns.matches('|').count())
    );
    let _ = writeln!(
        out,
        "{counts}| {errors} | {warnings} | {cases} | {} | {failed} | {not_run} | {} |",
        cases - failed - not_run,
        percent(tally.coverage_percent())
    );
    for error in &report.read_errors {
        let _ = write!(out, "\n- ❌ {}", md(&error.to_string()));
    }
    for note in &input.outcome.notes {
        let _ = write!(out, "\n- {}", md(note));
    }
    if !report.read_errors.is_empty() || !input.outcome.notes.is_empty() {
        out.push('\n');
    }
    out
}

/// The failing calls of one flow.
/// The report of the flow file at `flow_path`.
fn checked<'r>(report: &'r CheckReport, flow_path: &str) -> Option<&'r FileReport> {
    let mut flows = report.units.iter().filter_map(|unit| unit.flow.as_ref());
    flows.find(|flow| flow.source.display_path() == flow_path)
}

fn failing_calls<'r>(report: &'r CheckReport, flow_path: &str) -> Vec<&'r CallSummary> {
    report
        .simulations()
        .filter(|s| s.flow.source.display_path() == flow_path)
        .flat_map(|s| &s.simulation.cases)
        .filter(|c| !c.failures.is_empty())
        .filter_map(|c| c.call.as_ref())
        .collect()
}

fn changes_block(report: &CheckReport, changes: &FlowChanges) -> String {
    let mut out = format!("\n### Changes in {}\n\n", md(&changes.path));
    let script = match &changes.head {
        Some(head) => script_view::is_script(head),
        None => crate::discover::is_script_path(std::path::Path::new(&changes.path)),
    };
    let word = |flow: &'static str, studio: &'static str| if script { studio } else { flow };
    let Some(head) = &changes.head else {
        let _ = writeln!(
            out,
            "The {} is not valid JSON, so it cannot be compared or drawn.",
            word("flow file", "script")
        );
        return out;
    };
    let list: Vec<Change> = match &changes.base {
        Ok(Some(base)) => diff::diff(base, head),
        Ok(None) => {
            let _ = writeln!(out, "A new {}.\n", word("flow file", "script"));
            Vec::new()
        }
        Err(why) => {
            let _ = writeln!(out, "Not compared with the base: {}\n", md(why));
            Vec::new()
        }
    };
    let case_changes = changes
        .tests
        .as_ref()
        .map(TestChanges::case_changes)
        .unwrap_or_default();
    match &changes.base {
        Ok(Some(base)) if list.is_empty() && script_view::layout_only(base, head) => {
            out.push_str("Layout only: actions moved on the Studio canvas (`x`/`y`), no semantic change.\n\n");
        }
        Ok(Some(base)) if list.is_empty() && base == head.as_ref() && !case_changes.is_empty() => {
            let _ = writeln!(
                out,
                "The {} itself is unchanged; its test cases changed (below).\n",
                word("flow", "script")
            );
        }
        Ok(Some(_)) if list.is_empty() => out.push_str("No semantic change (formatting or key order only).\n\n"),
        _ => {}
    }
    if !list.is_empty() {
        out.push_str("| change | part | which | detail |\n| --- | --- | --- | --- |\n");
        for change in &list {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                change.kind.as_str(),
                change.part_name(),
                md(&change.key),
                md(&change.detail)
            );
        }
        out.push('\n');
    }
    let touched: BTreeSet<String> = match &changes.base {
        Ok(Some(_)) => diff::touched_elements(&list),
        // A new file: every element is new.
        _ => script_view::as_flow(head)["elements"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["id"].as_str().map(str::to_string))
            .collect(),
    };
    if let (false, Some(tests)) = (case_changes.is_empty(), &changes.tests) {
        let _ = writeln!(out, "Test cases in {}:\n", md(&tests.path));
        for (kind, name) in &case_changes {
            let _ = writeln!(out, "- {kind}: {}", md(name));
        }
        out.push('\n');
    }
    match mermaid::render(
        head,
        checked(report, &changes.path),
        &touched,
        &failing_calls(report, &changes.path),
    ) {
        Ok(chart) => {
            let _ = writeln!(
                out,
                "Changed {} are yellow; {} on failing calls are red.\n\n```mermaid",
                word("elements", "actions"),
                word("elements and edges", "actions and branches")
            );
            out.push_str(&chart);
            out.push_str("```\n");
        }
        Err(why) => {
            let _ = writeln!(out, "No diagram: {}.", md(&why));
        }
    }
    out
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn release_block(release: &Released) -> String {
    // A backend without environments (studio) says none.
    let whereto = match &release.environment {
        Some((environment, reason)) if !environment.is_empty() => {
            format!(" to {}\n\n{}.", md(environment), md(&upper_first(reason)))
        }
        _ => String::new(),
    };
    let mut out = format!(
        "\n### {}Release {}{whereto}\n\n| item | id | outcome | version | detail |\n| --- | --- | --- | --- | --- |\n",
        if release.dry_run { "Dry run: " } else { "" },
        md(&release.tag),
    );
    for result in &release.items {
        let detail = std::iter::once(result.detail.clone())
            .chain(result.lines.iter().cloned())
            .chain(result.warning.iter().map(|w| format!("⚠ {w}")))
            .collect::<Vec<_>>()
            .join("; ");
        let _ = writeln!(
            out,
            "| {} | {} | {}{} | {} | {} |",
            md(&result.path),
            md(&result.id),
            if result.failed() { "❌ " } else { "" },
            result.label,
            md(result.version.as_deref().unwrap_or_default()),
            md(&detail)
        );
    }
    let _ = writeln!(out, "\nAudit log: {}", md(&release.audit_log.display().to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_of_one_name_or_none_pair_in_order_so_an_unchanged_file_has_no_changes() {
        let file = |cases: Value| Some(serde_json::json!({ "cases": cases }));
        let changes = |base: Value, head: Value| {
            TestChanges {
                path: "t.tests.json".into(),
                head: file(head),
                base: Ok(file(base)),
            }
            .case_changes()
        };
        let same = serde_json::json!([
            { "name": "a", "expect": 1 }, { "name": "a", "expect": 2 }, { "expect": 3 }, { "expect": 4 }, { "name": "b" },
        ]);
        assert_eq!(changes(same.clone(), same.clone()), []);
        let head = serde_json::json!([
            { "name": "a", "expect": 1 }, { "name": "a", "expect": 5 }, { "name": "a" }, { "expect": 3 },
        ]);
        assert_eq!(
            changes(same, head),
            [
                ("changed", "a".to_string()),
                ("added", "a".to_string()),
                ("removed", String::new()),
                ("removed", "b".to_string())
            ]
        );
    }

    #[test]
    fn markdown_and_html_are_escaped() {
        assert_eq!(
            md("<b>*x*</b> | [a](b)"),
            "&lt;b&gt;\\*x\\*&lt;/b&gt; \\| \\[a\\]\\(b\\)"
        );
        assert_eq!(md("a\nb"), "a b");
    }

    #[test]
    fn the_budget_is_never_passed() {
        let mut outcome = Outcome::checked(CheckReport::default(), Severity::Error);
        outcome.notes.push("n".repeat(100));
        let input = SummaryInput {
            outcome: &outcome,
            per_file: &PerFile::of(&outcome, usize::MAX),
            scope: "x".repeat(5000),
            changes: Vec::new(),
            full_results: "cxone-flow-report.json".into(),
        };
        let full = render(&input, usize::MAX);
        assert!(full.contains("checks passed"));
        let cut = render(&input, 1000);
        assert!(cut.len() <= 1000, "{}", cut.len());
        assert!(cut.contains("cut at GitHub's size limit"));
    }
}

#[cfg(test)]
mod error_list_tests {
    use super::*;
    use crate::check::UnitReport;
    use crate::check::{Settings, check_flow_bytes};

    #[test]
    fn each_error_is_listed_with_its_place_before_the_failing_cases() {
        let (file, _) = check_flow_bytes(
            "flows/a.flow.json",
            br#"{"flowId": "a", "elements": [{"id": "start", "type": "start"}], "edges": [{"from": "start", "to": "x"}]}"#
                .to_vec(),
            &Settings::default(),
        );
        let report = CheckReport {
            units: vec![UnitReport {
                flow: Some(file),
                tests: None,
            }],
            ..CheckReport::default()
        };
        let outcome = Outcome::checked(report, Severity::Error);
        let input = SummaryInput {
            outcome: &outcome,
            per_file: &PerFile::of(&outcome, usize::MAX),
            scope: String::new(),
            changes: Vec::new(),
            full_results: String::new(),
        };
        let text = render(&input, usize::MAX);
        assert!(text.contains("### Errors"), "{text}");
        assert!(
            text.contains("| flows/a\\.flow\\.json:1 | CXF002 dangling\\-edge | edge"),
            "{text}"
        );
    }
}

#[cfg(test)]
mod per_file_tests {
    use super::*;
    use crate::check::{Settings, UnitReport, check_flow_bytes};

    /// A report of `n` flows, each with an error.
    fn flows_with_errors(n: usize) -> Outcome {
        let units = (0..n)
            .map(|i| {
                let (file, _) = check_flow_bytes(
                    &format!("flows/f{i}.flow.json"),
                    br#"{"flowId": "a", "elements": [{"id": "start", "type": "start"}], "edges": [{"from": "start", "to": "x"}]}"#
                        .to_vec(),
                    &Settings::default(),
                );
                UnitReport {
                    flow: Some(file),
                    tests: None,
                }
            })
            .collect();
        let report = CheckReport {
            units,
            ..CheckReport::default()
        };
        Outcome::checked(report, Severity::Error)
    }

    #[test]
    fn an_error_in_a_test_file_without_its_flow_is_listed() {
        let units = crate::discover::discover_in(
            &[std::path::PathBuf::from("tests/fixtures/rules/CXF026")],
            &Default::default(),
        )
        .into_result()
        .unwrap();
        let outcome = Outcome::checked(crate::check::check(&units, &Settings::default()), Severity::Error);
        let per_file = PerFile::of(&outcome, usize::MAX);
        let input = SummaryInput {
            outcome: &outcome,
            per_file: &per_file,
            scope: String::new(),
            changes: Vec::new(),
            full_results: String::new(),
        };
        let text = render(&input, usize::MAX);
        assert!(
            text.contains(
                "| tests/fixtures/rules/CXF026/bad\\-orphan\\.tests\\.json:1 | CXF026 orphan\\-test\\-file |"
            ),
            "{text}"
        );
    }

    #[test]
    fn what_passes_the_budget_is_counted_not_kept_and_the_summary_is_the_same() {
        let outcome = flows_with_errors(400);
        let summary = |per_file: &PerFile, budget| {
            render(
                &SummaryInput {
                    outcome: &outcome,
                    per_file,
                    scope: String::new(),
                    changes: Vec::new(),
                    full_results: "the job log".into(),
                },
                budget,
            )
        };
        let everything = PerFile::of(&outcome, usize::MAX);
        let bounded = PerFile::of(&outcome, 4000);
        assert_eq!(everything.rows.kept.len(), 400);
        // A part keeps blocks until it passes the budget, then counts them.
        for part in [&bounded.rows, &bounded.errors] {
            assert!(part.bytes > 4000 && part.bytes < 4000 + 200, "{}", part.bytes);
            assert_eq!(part.kept.len() + part.left_out, 400);
        }
        for budget in [1000, 4000] {
            let cut = summary(&bounded, budget);
            assert_eq!(cut, summary(&everything, budget));
            assert!(cut.len() <= budget, "{}", cut.len());
        }
        // The parts past the cut are counted, those only counted included: the rows left, the
        // errors' heading and their 400 rows.
        let cut = summary(&bounded, 4000);
        let shown_rows = cut.matches("| ❌ |").count();
        assert!(
            cut.contains(&format!("{} parts left out", 400 - shown_rows + 401)),
            "{cut}"
        );
    }
}
