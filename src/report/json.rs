//! The JSON format (`--format json`): the documented, machine-readable form of a `CheckReport`.

use std::io::{self, Write};

use serde::Serialize;

use crate::check::stream::Tally;
use crate::check::{CaseFailure, FileKind, FileReport, UnitReport};
use crate::diagnostic::Related;
use crate::outcome::Outcome;
use crate::registry::Severity;
use crate::report::UnitWriter;
use crate::report::spill::Spill;
use crate::sim::coverage::Coverage;
use crate::sim::ids::Ids;
use crate::sim::run::CallSummary;
use crate::source::{Location, ReadError};

/// The version of this format; bumped only for incompatible changes (2: paths and uncovered
/// elements only with `--details`, for failures or below the minimum coverage; no empty `failures`;
/// 3: a Studio script's `kind` is `script`, counted in `scriptsChecked`, not `flowsChecked`).
pub const FORMAT_VERSION: u32 = 3;

/// How much of each passing call and covered flow the report spells out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Paths of failed cases and uncovered elements of flows below the minimum only.
    #[default]
    Failures,
    /// Every case's path and every flow's uncovered elements.
    Everything,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    flows_checked: usize,
    scripts_checked: usize,
    files_checked: usize,
    errors: usize,
    warnings: usize,
    cases_total: usize,
    cases_failed: usize,
    cases_not_run: usize,
    /// Elements covered over every flow whose cases ran, in percent.
    coverage: Option<f64>,
    min_coverage: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFile<'a> {
    path: String,
    /// `flow`, `script` or `tests`.
    kind: &'static str,
    flow_id: Option<&'a str>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    /// Flow files only: the cases, and the coverage they reach.
    #[serde(skip_serializing_if = "Option::is_none")]
    cases: Option<Vec<JsonCase<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cases_not_run: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<JsonCoverage<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonCase<'a> {
    name: &'a str,
    line: usize,
    column: usize,
    /// `null` when the case did not run.
    passed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a Ids>,
    #[serde(flatten)]
    call: Option<JsonCall<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    failures: &'a [CaseFailure],
}

/// A call as the CXone simulation endpoint shapes it, its path apart.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonCall<'a> {
    final_element: &'a str,
    execution_time: u64,
    timed_out: bool,
    result: crate::sim::engine::Verdict,
}

impl<'a> From<&'a CallSummary> for JsonCall<'a> {
    fn from(call: &'a CallSummary) -> Self {
        JsonCall {
            final_element: &call.final_element,
            execution_time: call.execution_time,
            timed_out: call.timed_out,
            result: call.result,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonCoverage<'a> {
    elements: usize,
    elements_covered: usize,
    edges: usize,
    edges_covered: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    uncovered_elements: Option<&'a Ids>,
    element_percent: f64,
    edge_percent: f64,
    below_minimum: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    location: Location,
    help: Option<&'a str>,
    related: &'a [Related],
}

/// Percentages with one decimal, as the human output shows them.
fn round(pct: f64) -> f64 {
    (pct * 10.0).round() / 10.0
}

impl<'a> JsonCoverage<'a> {
    fn of(counts: &'a Coverage, below_minimum: bool, detail: Detail) -> Self {
        JsonCoverage {
            elements: counts.elements,
            elements_covered: counts.elements_covered,
            edges: counts.edges,
            edges_covered: counts.edges_covered,
            uncovered_elements: (below_minimum || detail == Detail::Everything).then_some(&counts.uncovered_elements),
            element_percent: round(counts.element_percent()),
            edge_percent: round(counts.edge_percent()),
            below_minimum,
        }
    }
}

/// Renders the outcome's report as JSON, one line.
pub fn render(outcome: &Outcome, detail: Detail) -> String {
    let mut text = Vec::new();
    let _ = write(outcome, detail, &mut text);
    String::from_utf8(text).unwrap_or_default()
}

/// Writes the report as JSON, one line, to `out` as it is serialized (a large run's report is
/// never held whole, nor each file's part of it), then flushes it.
pub fn write(outcome: &Outcome, detail: Detail, mut out: impl Write) -> io::Result<()> {
    let report = &outcome.report;
    write_head(&mut out, &report.tally(), report.min_coverage)?;
    let mut first = true;
    for unit in &report.units {
        write_unit(&mut out, &mut first, unit, report.min_coverage, detail)?;
    }
    write_tail(&mut out, &report.read_errors)
}

/// The report written as the check goes ([`crate::check::stream`]): each unit's files are spilled
/// ([`Spill`]) as the unit is checked, and at the end the summary, known only then, is written
/// first and the files copied after it.
pub struct Spilled {
    files: Spill,
    first: bool,
    detail: Detail,
    min_coverage: Option<f64>,
}

impl Spilled {
    pub fn new(detail: Detail, min_coverage: Option<f64>) -> Self {
        Spilled {
            files: Spill::default(),
            first: true,
            detail,
            min_coverage,
        }
    }

    /// Writes a checked unit's files.
    pub fn unit(&mut self, unit: &UnitReport) -> io::Result<()> {
        write_unit(&mut self.files, &mut self.first, unit, self.min_coverage, self.detail)
    }

    /// Writes the whole report to `out`: the summary, the files written so far, the read errors.
    pub fn finish(self, tally: &Tally, read_errors: &[ReadError], mut out: impl Write) -> io::Result<()> {
        write_head(&mut out, tally, self.min_coverage)?;
        self.files.copy_to(&mut out)?;
        write_tail(&mut out, read_errors)
    }
}

/// The JSON report file (`report-path`): the report as `--format json` writes it, its counts and
/// read errors from the outcome.
impl UnitWriter for Spilled {
    fn unit(&mut self, unit: &UnitReport) -> io::Result<()> {
        Spilled::unit(self, unit)
    }

    fn finish(self: Box<Self>, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        let report = &outcome.report;
        Spilled::finish(*self, &report.tally(), &report.read_errors, out)
    }
}

/// `{"version":3,"summary":{…},"files":[`, as serde writes the start of the report's object.
fn write_head(out: &mut impl Write, tally: &Tally, min_coverage: Option<f64>) -> io::Result<()> {
    write!(out, "{{\"version\":{FORMAT_VERSION},\"summary\":")?;
    serde_json::to_writer(&mut *out, &Summary::of(tally, min_coverage))?;
    out.write_all(b",\"files\":[")
}

/// A unit's files, each after a comma but the report's first.
fn write_unit(
    out: &mut impl Write,
    first: &mut bool,
    unit: &UnitReport,
    min_coverage: Option<f64>,
    detail: Detail,
) -> io::Result<()> {
    for file in unit.files() {
        if !std::mem::take(first) {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &json_file(min_coverage, file, detail))?;
    }
    Ok(())
}

/// `],"readErrors":[…]}` and the line's end, then flushes.
fn write_tail(out: &mut impl Write, read_errors: &[ReadError]) -> io::Result<()> {
    out.write_all(b"],\"readErrors\":")?;
    let read_errors: Vec<String> = read_errors.iter().map(|e| e.to_string()).collect();
    serde_json::to_writer(&mut *out, &read_errors)?;
    out.write_all(b"}\n")?;
    out.flush()
}

impl Summary {
    fn of(tally: &Tally, min_coverage: Option<f64>) -> Self {
        Summary {
            flows_checked: tally.flows - tally.scripts,
            scripts_checked: tally.scripts,
            files_checked: tally.files,
            errors: tally.errors,
            warnings: tally.warnings,
            cases_total: tally.cases,
            cases_failed: tally.cases_failed,
            cases_not_run: tally.cases_not_run,
            coverage: tally.coverage_percent().map(round),
            min_coverage,
        }
    }
}

/// One file in the format's shape, borrowing from it.
fn json_file(min_coverage: Option<f64>, file: &FileReport, detail: Detail) -> JsonFile<'_> {
    JsonFile {
        path: file.source.display_path(),
        kind: match file.kind {
            FileKind::Flow if file.is_script() => "script",
            FileKind::Flow => "flow",
            FileKind::Tests => "tests",
        },
        flow_id: file.flow_id.as_deref(),
        diagnostics: file
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.rule.code(),
                name: d.rule.name(),
                severity: d.severity,
                message: &d.message,
                location: d.location,
                help: d.help.as_deref(),
                related: &d.related,
            })
            .collect(),
        cases: file.simulation.as_ref().map(|s| {
            s.cases
                .iter()
                .map(|c| JsonCase {
                    name: &c.name,
                    line: c.location.line,
                    column: c.location.column,
                    passed: c.call.as_ref().map(|_| c.failures.is_empty()),
                    path: c
                        .call
                        .as_ref()
                        .filter(|_| c.failed() || detail == Detail::Everything)
                        .map(|call| &call.path),
                    call: c.call.as_ref().map(JsonCall::from),
                    failures: &c.failures,
                })
                .collect()
        }),
        cases_not_run: file.simulation.as_ref().and_then(|s| s.not_run.as_deref()),
        coverage: file.simulation.as_ref().and_then(|s| {
            let below_minimum = s.below(min_coverage);
            s.coverage
                .as_ref()
                .map(|counts| JsonCoverage::of(counts, below_minimum, detail))
        }),
    }
}
