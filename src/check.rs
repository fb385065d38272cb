//! The check pipeline: read, parse, load and check every discovered file, run the test cases of every
//! flow without errors, in parallel across flows, once. Checks only a tenant can make are in `online`.

pub mod online;
pub mod stream;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Finding};
use crate::discover::{Refused, Unit};
use crate::flow::ends::Ends;
use crate::flow::model::Flow;
use crate::json::Tape;
use crate::registry::{Rule, RuleLimits, Severities, Severity};
use crate::sim::cases::{self, TestFile};
use crate::sim::coverage::Coverage;
use crate::sim::run::{CallSummary, DEFAULT_MAX_EXECUTION_MS, Paths, run_cases};
use crate::source::{Location, ReadError, SourceFile, SyntaxError};
use crate::studio::library::{Library, script_stem};
use crate::studio::subscript;
use crate::{flow, rules};

/// What a check run is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub limits: RuleLimits,
    pub severities: Severities,
    /// The execution threshold for every case without its own `maxExecutionMs`.
    pub max_execution_ms: u64,
    /// Flows whose element coverage is below this percentage fail the run.
    pub min_coverage: Option<f64>,
    /// Keep each flow file's JSON and model and each test file's cases in the report, for what
    /// comes after the check (a release's payloads, a PR's diffs and diagrams), so nothing parses
    /// a file twice. Without it they are dropped as soon as the unit is checked.
    pub keep_loaded: bool,
    /// Keep the text of files without diagnostics (for what reads or locates in them after the
    /// check). Without it a clean file's text goes as soon as its unit is checked, so a large run
    /// holds only the texts it may quote, and each file's read reuses the memory of the last.
    pub keep_clean_texts: bool,
    /// Keep every case's path and every flow's uncovered elements and untaken edges (for a report
    /// that lists them all: `--details`, `--coverage`). Without it the report keeps the paths of
    /// failed cases and the lists of flows below `min_coverage` only, which is what a default report
    /// shows, so a large run does not hold thousands of lists it will never print.
    pub keep_details: bool,
    /// The folder the checked paths are shown relative to (the Action's workspace, whose files
    /// are read by their absolute paths); empty to show them as given.
    pub shown_from: PathBuf,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            limits: RuleLimits::default(),
            severities: Severities::default(),
            max_execution_ms: DEFAULT_MAX_EXECUTION_MS,
            min_coverage: None,
            keep_loaded: false,
            keep_clean_texts: true,
            keep_details: true,
            shown_from: PathBuf::new(),
        }
    }
}

/// Whether a file is a flow or a test file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Flow,
    Tests,
}

/// One checked file: its text (for renderers to quote) and its diagnostics, in source order. Flow
/// files also carry the simulation of their cases.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub source: SourceFile,
    pub kind: FileKind,
    pub flow_id: Option<String>,
    /// Where a flow file says its `flowId`, located while its text is there: CXF033 is found
    /// across files afterwards, when a clean file's text may be gone.
    pub flow_id_at: Option<Location>,
    /// A flow file's loaded model, when it could be loaded and the settings keep it.
    pub model: Option<Arc<Flow>>,
    /// A script's model with the scripts its calls follow copied in (`studio::subscript`), which
    /// its cases ran through, when it calls any and the settings keep it.
    pub expanded: Option<Arc<Flow>>,
    /// A flow file's JSON as written, when the settings keep it.
    pub json: Option<Arc<serde_json::Value>>,
    /// A test file's loaded cases, when the settings keep them.
    pub cases: Option<Arc<TestFile>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings the flow's own `suppress` fields turned off.
    pub suppressed: usize,
    pub simulation: Option<Simulation>,
}

impl FileReport {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// Whether the file is a Studio script (a flow-side file not named `*.flow.json`).
    pub fn is_script(&self) -> bool {
        self.kind == FileKind::Flow && crate::discover::is_script_path(&self.source.path)
    }
}

/// A flow's cases and coverage.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    pub cases: Vec<CaseResult>,
    /// `None` when the cases could not run.
    pub coverage: Option<Coverage>,
    /// Why the cases did not run, when they did not.
    pub not_run: Option<String>,
}

impl Simulation {
    pub fn failed(&self) -> usize {
        self.cases.iter().filter(|c| c.failed()).count()
    }

    /// Whether the flow's element coverage is below the minimum.
    pub fn below(&self, min_coverage: Option<f64>) -> bool {
        match (min_coverage, &self.coverage) {
            (Some(min), Some(coverage)) => coverage.element_percent() < min,
            _ => false,
        }
    }
}

/// One case: where it stands in the test file, what its call did, what failed.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    pub name: String,
    /// The case's name in the test file.
    pub location: Location,
    /// `None` when the case did not run.
    pub call: Option<CallSummary>,
    pub failures: Vec<CaseFailure>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.call.is_some() && self.failures.is_empty()
    }

    /// The case ran and broke an expectation (a case that did not run neither passed nor failed).
    pub fn failed(&self) -> bool {
        self.call.is_some() && !self.failures.is_empty()
    }
}

/// An expectation that did not hold, located in the flow file where it happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseFailure {
    pub message: String,
    /// The flow element to blame, in the flow file.
    pub flow_location: Option<Location>,
    pub detail: Vec<String>,
}

/// A flow file and its test file, as checked together.
#[derive(Debug, Clone, Default)]
pub struct UnitReport {
    pub flow: Option<FileReport>,
    pub tests: Option<FileReport>,
}

impl UnitReport {
    /// The flow file, then the test file.
    pub fn files(&self) -> impl Iterator<Item = &FileReport> {
        self.flow.iter().chain(&self.tests)
    }

    /// The flow with its test file and simulation, when its cases were considered.
    pub fn simulated(&self) -> Option<Simulated<'_>> {
        let flow = self.flow.as_ref()?;
        Some(Simulated {
            flow,
            tests: self.tests.as_ref(),
            simulation: flow.simulation.as_ref()?,
        })
    }
}

/// A flow, its test file and its simulation, as renderers read them together.
#[derive(Debug, Clone, Copy)]
pub struct Simulated<'r> {
    pub flow: &'r FileReport,
    pub tests: Option<&'r FileReport>,
    pub simulation: &'r Simulation,
}

impl Simulated<'_> {
    /// The test file's path as displayed, or "" when the flow has none.
    pub fn tests_path(&self) -> String {
        self.tests.map(|t| t.source.display_path()).unwrap_or_default()
    }
}

/// Everything a check run found. Renderers read only this.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// The units kept, in order (none when a streamed run handed each to its renderers and let it
    /// go).
    pub units: Vec<UnitReport>,
    /// The counts of the units a streamed run let go ([`CheckReport::of_streamed`]).
    pub let_go: stream::Tally,
    /// Files that could not be read at all (the run still checks the rest, then exits 2).
    pub read_errors: Vec<ReadError>,
    pub min_coverage: Option<f64>,
}

impl CheckReport {
    /// The report of a streamed run ([`stream::check_each`]): its counts and unreadable files, its
    /// units let go once the renderers had them.
    pub fn of_streamed(streamed: stream::Streamed, min_coverage: Option<f64>) -> CheckReport {
        CheckReport {
            units: Vec::new(),
            let_go: streamed.tally,
            read_errors: streamed.read_errors,
            min_coverage,
        }
    }

    /// Every checked file, each flow before its test file.
    pub fn files(&self) -> impl Iterator<Item = &FileReport> {
        self.units.iter().flat_map(UnitReport::files)
    }

    /// How many diagnostics of a severity the run found.
    pub fn count(&self, severity: Severity) -> usize {
        self.tally().count(severity)
    }

    /// The run's counts (findings, files, cases, coverage), each counted one way for the whole
    /// report and the streamed one.
    pub fn tally(&self) -> stream::Tally {
        let mut tally = self.let_go;
        for unit in &self.units {
            tally.add(unit, self.min_coverage);
        }
        tally
    }

    /// Every diagnostic of every file.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files().flat_map(|f| &f.diagnostics)
    }

    /// Every flow whose cases were considered: the flow, its test file, the simulation.
    pub fn simulations(&self) -> impl Iterator<Item = Simulated<'_>> {
        self.units.iter().filter_map(UnitReport::simulated)
    }

    /// Every case of every flow.
    pub fn cases(&self) -> impl Iterator<Item = &CaseResult> {
        self.simulations().flat_map(|s| &s.simulation.cases)
    }

    pub fn cases_failed(&self) -> usize {
        self.tally().cases_failed
    }

    pub fn cases_not_run(&self) -> usize {
        self.tally().cases_not_run
    }

    /// Elements covered over all flows whose cases ran, in percent; `None` when none ran.
    pub fn coverage_percent(&self) -> Option<f64> {
        self.tally().coverage_percent()
    }

    /// Flows whose coverage is below `--min-coverage`.
    pub fn flows_below_coverage(&self) -> impl Iterator<Item = Simulated<'_>> {
        self.simulations().filter(|s| s.simulation.below(self.min_coverage))
    }

    /// Whether the run fails: findings at or above `fail_on`, a failing case, or low coverage.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.tally().fails(fail_on)
    }
}

/// Checks every unit, in parallel across units; the report keeps the units' order.
pub fn check(units: &[Unit], settings: &Settings) -> CheckReport {
    let mut checked = Vec::with_capacity(units.len());
    // One batch of every unit: the whole report is kept.
    let streamed = stream::in_batches(units, settings, units.len().max(1), |unit| checked.push(unit));
    CheckReport {
        units: checked,
        read_errors: streamed.read_errors,
        min_coverage: settings.min_coverage,
        ..CheckReport::default()
    }
}

/// CXF033, one unit at a time in the units' order: every flow file whose `flowId` an earlier file
/// (by path) already has; both would be released to one CXone flow, and which stays live would
/// depend on timing. Holds each id once with the index of the unit that said it first, whose path
/// the units give back.
struct DuplicateIds<'u> {
    units: &'u [Unit],
    settings: &'u Settings,
    severity: Option<Severity>,
    first: HashMap<Box<str>, usize>,
}

impl<'u> DuplicateIds<'u> {
    fn new(units: &'u [Unit], settings: &'u Settings) -> Self {
        DuplicateIds {
            units,
            settings,
            severity: settings.severities.of(Rule::DuplicateFlowId),
            first: HashMap::default(),
        }
    }

    /// Notes the flow id of `units[index]`, checked as `unit`, and reports it when an earlier unit has it.
    fn note(&mut self, index: usize, unit: &mut UnitReport) {
        let Some(severity) = self.severity else {
            return;
        };
        let Some(file) = unit.flow.as_mut() else {
            return;
        };
        let (Some(id), Some(location)) = (file.flow_id.as_deref(), file.flow_id_at) else {
            return;
        };
        let Some(&owner) = self.first.get(id) else {
            self.first.insert(id.into(), index);
            return;
        };
        let owner = self.units[owner]
            .flow
            .as_deref()
            .map(|path| display_path(path, self.settings))
            .unwrap_or_default();
        let path = &file.source.path;
        // A file beside this one by its name, any other by its path.
        let owner = if owner.parent() == path.parent() {
            owner.file_name().unwrap_or_default().to_string_lossy().into_owned()
        } else {
            owner.to_string_lossy().replace('\\', "/")
        };
        if file.source.text.is_empty()
            && let Some(path) = self.units[index].flow.as_deref()
        {
            restore_text(&mut file.source, path, id, location);
        }
        file.diagnostics.push(Diagnostic {
            rule: Rule::DuplicateFlowId,
            severity,
            message: format!("flowId `{id}` is also the flowId of `{owner}`"),
            location,
            help: Some("each flow file must release to its own CXone flow: give one of them another flowId".into()),
            related: Vec::new(),
        });
        sort_diagnostics(&mut file.diagnostics);
    }
}

/// A clean file's text, let go once it was checked, read again from `path` for the excerpt of a
/// finding at its `flowId` (at `location`); left out when the file no longer says `id` there.
fn restore_text(source: &mut SourceFile, path: &Path, id: &str, location: Location) {
    let Ok((again, None)) = SourceFile::read(path, source.path.clone()) else {
        return;
    };
    if again.line_text(location.line).contains(id) {
        source.set_text(again.text);
    }
}

/// A file's diagnostics in source order, then by code: the order every renderer shows them in.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (a.location, a.rule.code()).cmp(&(b.location, b.rule.code())));
}

fn read(path: &Path, settings: &Settings) -> Result<(SourceFile, Option<SyntaxError>), ReadError> {
    SourceFile::read(path, display_path(path, settings))
}

/// A path as the user sees it: below the folder it is shown from, without a leading `./`.
fn display_path(path: &Path, settings: &Settings) -> PathBuf {
    let path = path.strip_prefix(&settings.shown_from).unwrap_or(path);
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}

fn syntax_finding(error: SyntaxError) -> Finding {
    Finding::new(Rule::InvalidJson, error.span, error.message)
}

/// The report of a path that was not read: one finding that says what the path is.
fn refused_report(refused: &Refused, settings: &Settings) -> FileReport {
    let rule = if refused.is_link() {
        Rule::SymlinkedFile
    } else {
        Rule::UnreadableEntry
    };
    let help = if refused.is_link() {
        "keep flow and test files as regular files inside the repository; cxone-flow never follows links"
    } else {
        "rename or remove it: only regular files with UTF-8 names are checked"
    };
    let finding = Finding::new(rule, Default::default(), refused.message()).with_help(help);
    let source = SourceFile::new(display_path(&refused.path, settings), String::new());
    let kind = if refused.is_flow {
        FileKind::Flow
    } else {
        FileKind::Tests
    };
    finish(source, vec![finding], kind, None, settings)
}

fn check_unit(unit: &Unit, settings: &Settings, library: &Library) -> (UnitReport, Vec<ReadError>) {
    let mut errors = Vec::new();
    let mut flow_part = None;
    if let Some(path) = &unit.flow {
        match read(path, settings) {
            Ok(read) => flow_part = Some(check_flow_source(read, settings, Some(library))),
            Err(error) => errors.push(error),
        }
    }
    // The flow a simulation runs (a script with the scripts it calls copied in) and where its ids
    // lead, for the test file's checks.
    let loaded_flow = flow_part
        .as_ref()
        .and_then(|(_, loaded)| loaded.as_ref())
        .map(Loaded::simulated);
    let mut tests_part = None;
    if let Some(path) = &unit.tests {
        match read(path, settings) {
            Ok(read) => {
                let orphan = (unit.flow.is_none() && !unit.flow_refused()).then(|| orphan_finding(path));
                tests_part = Some(check_tests_source(read, orphan, loaded_flow, settings));
            }
            Err(error) => errors.push(error),
        }
    }
    let flow = flow_part.map(|(mut report, loaded)| {
        if let Some(loaded) = &loaded {
            let (flow, ends) = loaded.simulated();
            let tests = tests_part.as_ref().map(|(report, tests)| (report, tests));
            report.simulation = Some(simulate(flow, ends, &report, tests, settings));
        }
        if let Some(loaded) = loaded.filter(|_| settings.keep_loaded) {
            report.model = Some(Arc::new(loaded.flow));
            report.expanded = loaded.expanded.map(|(flow, _)| Arc::new(flow));
        }
        report
    });
    let tests = tests_part.map(|(mut report, tests)| {
        report.cases = settings.keep_loaded.then(|| Arc::new(tests));
        report
    });
    let mut report = UnitReport { flow, tests };
    if !settings.keep_clean_texts {
        for file in [&mut report.flow, &mut report.tests].into_iter().flatten() {
            if file.diagnostics.is_empty() {
                // CXF033, found across files afterwards, reads the file again in the rare case it
                // quotes a clean one (`DuplicateIds::note`).
                file.source.forget_text();
            }
        }
    }
    for refused in &unit.refused {
        let file = Some(refused_report(refused, settings));
        if refused.is_flow {
            report.flow = file;
        } else {
            report.tests = file;
        }
    }
    (report, errors)
}

/// Runs a flow's cases, unless the flow has errors (then each case is listed as not run).
fn simulate(
    flow: &Flow,
    ends: &Ends,
    flow_report: &FileReport,
    tests: Option<(&FileReport, &TestFile)>,
    settings: &Settings,
) -> Simulation {
    let locate_case = |span| tests.map_or_else(Location::default, |(report, _)| report.source.locate(span));
    if flow_report.has_errors() {
        let errors = flow_report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let cases = tests.map(|(_, t)| t.cases.as_slice()).unwrap_or_default();
        return Simulation {
            cases: cases
                .iter()
                .map(|case| CaseResult {
                    name: case.name.value.clone(),
                    location: locate_case(case.name.span),
                    call: None,
                    failures: Vec::new(),
                })
                .collect(),
            coverage: None,
            not_run: Some(format!(
                "the flow has {errors} error{}: fix {} first",
                if errors == 1 { "" } else { "s" },
                if errors == 1 { "it" } else { "them" }
            )),
        };
    }
    let paths = if settings.keep_details {
        Paths::Every
    } else {
        Paths::OfFailures
    };
    let (runs, coverage) = run_cases(flow, ends, tests.map(|(_, t)| t), settings.max_execution_ms, paths);
    let cases = runs
        .into_iter()
        .map(|run| CaseResult {
            name: run.case.name.value.clone(),
            location: locate_case(run.case.name.span),
            call: Some(run.call),
            failures: run
                .failures
                .into_iter()
                .map(|f| CaseFailure {
                    message: f.message,
                    flow_location: f.at.map(|span| flow_report.source.locate(span)),
                    detail: f.detail,
                })
                .collect(),
        })
        .collect();
    let mut simulation = Simulation {
        cases,
        coverage: Some(coverage),
        not_run: None,
    };
    if !settings.keep_details && !simulation.below(settings.min_coverage) {
        simulation.coverage.iter_mut().for_each(Coverage::forget_lists);
    }
    simulation
}

/// Checks the bytes of one flow file held in memory; returns its report (without simulation) and
/// the flow when it could be loaded, errors or not.
pub fn check_flow_bytes(path: &str, bytes: Vec<u8>, settings: &Settings) -> (FileReport, Option<Flow>) {
    let (report, loaded) = check_flow_source(SourceFile::from_bytes(path, bytes), settings, None);
    (report, loaded.map(|loaded| loaded.flow))
}

/// Checks the bytes of one test file held in memory against its flow, when loaded.
pub fn check_tests_bytes(path: &str, bytes: Vec<u8>, flow: Option<&Flow>, settings: &Settings) -> FileReport {
    let ends = flow.map(Ends::of);
    check_tests_source(
        SourceFile::from_bytes(path, bytes),
        None,
        flow.zip(ends.as_ref()),
        settings,
    )
    .0
}

fn check_tests_source(
    (source, bad_text): (SourceFile, Option<SyntaxError>),
    orphan: Option<Finding>,
    flow: Option<(&Flow, &Ends)>,
    settings: &Settings,
) -> (FileReport, TestFile) {
    let mut findings: Vec<Finding> = orphan.into_iter().collect();
    // The fast path first, for a test file that is plain throughout (`sim::plain`).
    let plain = bad_text
        .is_none()
        .then(|| crate::sim::plain::read(&source.text))
        .flatten();
    let (mut tests, load_findings) = match plain {
        Some(tests) => (tests, Vec::new()),
        None => match bad_text.map_or_else(|| Tape::parse(&source.text), Err) {
            Ok(tape) => {
                let (tests, mut found) = cases::load(tape.root());
                found.extend(crate::json::out_of_range_numbers(&tape));
                (tests, found)
            }
            Err(error) => (TestFile::default(), vec![syntax_finding(error)]),
        },
    };
    findings.extend(load_findings);
    if let Some((flow, _)) = flow {
        cases::resolve_labels(&mut tests, flow);
    }
    findings.extend(cases::check(&tests, flow));
    let flow_id = flow.and_then(|(flow, _)| self::flow_id(flow));
    let report = finish(source, findings, FileKind::Tests, flow_id, settings);
    (report, tests)
}

/// A loaded flow file: the flow, where its ids lead, and for a script that calls others found in
/// `library`, the script with them copied in (`studio::subscript`), which its cases run through.
struct Loaded {
    flow: Flow,
    ends: Ends,
    expanded: Option<(Flow, Ends)>,
}

impl Loaded {
    fn simulated(&self) -> (&Flow, &Ends) {
        self.expanded
            .as_ref()
            .map_or((&self.flow, &self.ends), |(flow, ends)| (flow, ends))
    }
}

/// Parses, loads and checks one flow file; returns its report and, when it could be loaded, the
/// flow and where its ids lead (a script's calls followed into the scripts `library` finds).
fn check_flow_source(
    (source, bad_text): (SourceFile, Option<SyntaxError>),
    settings: &Settings,
    library: Option<&Library>,
) -> (FileReport, Option<Loaded>) {
    let mut suppressed = 0;
    let is_script = crate::discover::is_script_path(&source.path);
    // The fast path first, for a flow file or script that is plain throughout (`flow::plain`,
    // `studio::plain`), unless its JSON is kept for what comes after the check.
    let plain = (bad_text.is_none() && !settings.keep_loaded)
        .then(|| {
            if is_script {
                crate::studio::plain::read(&source.text)
            } else {
                flow::plain::read(&source.text).map(|flow| (flow, Vec::new()))
            }
        })
        .flatten();
    let loaded = match plain {
        Some((flow, findings)) => Ok((flow, findings, None)),
        None => bad_text.map_or_else(|| Tape::parse(&source.text), Err).map(|tape| {
            let (loaded, mut findings) = if is_script {
                crate::studio::load::load(tape.root())
            } else {
                flow::load::load(tape.root())
            };
            findings.extend(crate::json::out_of_range_numbers(&tape));
            let json = settings.keep_loaded.then(|| Arc::new(tape.root().to_json()));
            // The rules read the model only: the tape goes here (it is the size of the text).
            (loaded, findings, json)
        }),
    };
    let (findings, flow, json) = match loaded {
        Ok((loaded, mut findings, json)) => {
            let ends = Ends::of(&loaded);
            findings.extend(rules::check_flow(&loaded, &ends, &settings.limits));
            let expanded = library.filter(|_| is_script).and_then(|library| {
                let stem = script_stem(&source.path);
                let found = subscript::expand(&loaded, stem, &mut |name| {
                    library.find(&settings.shown_from.join(&source.path), name)
                })?;
                findings.extend(found.findings);
                let ends = Ends::of(&found.flow);
                Some((found.flow, ends))
            });
            suppressed = suppress(&mut findings, &loaded.suppressions);
            let loaded = Loaded {
                flow: loaded,
                ends,
                expanded,
            };
            (findings, Some(loaded), json)
        }
        Err(error) => (vec![syntax_finding(error)], None, None),
    };
    let flow_id = flow.as_ref().and_then(|loaded| self::flow_id(&loaded.flow));
    let mut report = finish(source, findings, FileKind::Flow, flow_id, settings);
    report.json = json;
    report.suppressed = suppressed;
    report.flow_id_at = flow
        .as_ref()
        .and_then(|loaded| loaded.flow.flow_id.as_ref())
        // Near the top of the file: its line index (the whole text read) is built only for findings.
        .map(|id| report.source.locate_from_top(id.span));
    (report, flow)
}

/// Drops the findings an element's `suppress` covers (its rule, located inside that element);
/// returns how many.
fn suppress(findings: &mut Vec<Finding>, suppressions: &[crate::flow::model::Suppression]) -> usize {
    if suppressions.is_empty() {
        return 0;
    }
    let before = findings.len();
    findings.retain(|f| {
        !suppressions.iter().any(|s| {
            s.rule == f.rule && s.element_span.start() <= f.span.start() && f.span.end() <= s.element_span.end()
        })
    });
    before - findings.len()
}

fn flow_id(flow: &Flow) -> Option<String> {
    flow.flow_id.as_ref().map(|id| id.value.as_str().to_owned())
}

fn orphan_finding(path: &Path) -> Finding {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let stem = name.strip_suffix(crate::discover::TESTS_SUFFIX).unwrap_or(name);
    Finding::new(
        Rule::OrphanTestFile,
        Default::default(),
        format!("test file has no flow file `{stem}.flow.json` or Studio script `{stem}.json` beside it"),
    )
    .with_help("rename the test file to match its flow, or move it next to the flow")
}

fn finish(
    source: SourceFile,
    findings: Vec<Finding>,
    kind: FileKind,
    flow_id: Option<String>,
    settings: &Settings,
) -> FileReport {
    let mut diagnostics: Vec<Diagnostic> = findings
        .into_iter()
        .filter_map(|f| {
            let severity = settings.severities.of(f.rule)?;
            Some(Diagnostic::locate(f, severity, &source))
        })
        .collect();
    sort_diagnostics(&mut diagnostics);
    // One finding per code and place: a number out of range may also be the wrong type for its field.
    diagnostics.dedup_by(|a, b| a.rule == b.rule && a.location == b.location);
    FileReport {
        source,
        kind,
        flow_id,
        flow_id_at: None,
        model: None,
        expanded: None,
        json: None,
        cases: None,
        diagnostics,
        suppressed: 0,
        simulation: None,
    }
}
