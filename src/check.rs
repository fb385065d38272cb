//! The check pipeline: read, parse, load and check every discovered file, in parallel, once.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Finding, Severity};
use crate::discover::Unit;
use crate::flow::model::Flow;
use crate::rules::{Limits, Rule, Severities};
use crate::sim::cases::{self, TestFile};
use crate::source::{ReadError, SourceFile, SyntaxError};
use crate::{flow, rules};

/// What a check run is configured with.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub limits: Limits,
    pub severities: Severities,
}

/// Whether a file is a flow or a test file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Flow,
    Tests,
}

/// One checked file: its text (for renderers to quote) and its diagnostics, in source order.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub source: SourceFile,
    pub kind: FileKind,
    pub flow_id: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything a check run found. Renderers read only this.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    /// Files that could not be read at all (the run still checks the rest, then exits 2).
    pub read_errors: Vec<ReadError>,
}

impl Report {
    /// How many diagnostics of a severity the run found.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics().filter(|d| d.severity == severity).count()
    }

    /// Every diagnostic of every file.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files.iter().flat_map(|f| &f.diagnostics)
    }

    /// How many flow files were checked.
    pub fn flows_checked(&self) -> usize {
        self.files.iter().filter(|f| f.kind == FileKind::Flow).count()
    }
}

/// Checks every unit, in parallel across units; the report keeps the units' order.
pub fn check(units: &[Unit], settings: &Settings) -> Report {
    let results: Vec<_> = units.par_iter().map(|unit| check_unit(unit, settings)).collect();
    let mut report = Report::default();
    for (files, errors) in results {
        report.files.extend(files);
        report.read_errors.extend(errors);
    }
    report
}

fn read(path: &Path) -> Result<(SourceFile, Option<SyntaxError>), ReadError> {
    SourceFile::read(path, display_path(path))
}

fn display_path(path: &Path) -> PathBuf {
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}

fn syntax_finding(error: SyntaxError) -> Finding {
    Finding::new(Rule::InvalidJson, error.span, error.message)
}

fn check_unit(unit: &Unit, settings: &Settings) -> (Vec<FileReport>, Vec<ReadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut flow = None;
    if let Some(path) = &unit.flow {
        match read(path) {
            Ok(read) => {
                let (report, loaded) = check_flow_source(read, settings);
                files.push(report);
                flow = loaded;
            }
            Err(error) => errors.push(error),
        }
    }
    if let Some(path) = &unit.tests {
        match read(path) {
            Ok(read) => {
                let orphan = unit.flow.is_none().then(|| orphan_finding(path));
                files.push(check_tests_source(read, orphan, flow.as_ref(), settings));
            }
            Err(error) => errors.push(error),
        }
    }
    (files, errors)
}

/// Checks the bytes of one flow file held in memory (used by the fuzz target and property tests).
pub fn check_flow_bytes(path: &str, bytes: Vec<u8>, settings: &Settings) -> FileReport {
    check_flow_source(SourceFile::from_bytes(path, bytes), settings).0
}

/// Checks the bytes of one test file held in memory against its flow, when loaded.
pub fn check_tests_bytes(path: &str, bytes: Vec<u8>, flow: Option<&Flow>, settings: &Settings) -> FileReport {
    check_tests_source(SourceFile::from_bytes(path, bytes), None, flow, settings)
}

fn check_tests_source(
    (source, bad_text): (SourceFile, Option<SyntaxError>),
    orphan: Option<Finding>,
    flow: Option<&Flow>,
    settings: &Settings,
) -> FileReport {
    let mut findings: Vec<Finding> = orphan.into_iter().collect();
    let (tests, load_findings) = match bad_text.map_or_else(|| source.parse_json(), Err) {
        Ok(root) => cases::load(&root),
        Err(error) => (TestFile::default(), vec![syntax_finding(error)]),
    };
    findings.extend(load_findings);
    findings.extend(cases::check(&tests, flow));
    finish(source, findings, FileKind::Tests, flow.and_then(flow_id), settings)
}

/// Parses, loads and checks one flow file; returns its report and the flow when it could be loaded.
fn check_flow_source(
    (source, bad_text): (SourceFile, Option<SyntaxError>),
    settings: &Settings,
) -> (FileReport, Option<Flow>) {
    let (findings, flow) = match bad_text.map_or_else(|| source.parse_json(), Err) {
        Ok(root) => {
            let (loaded, mut findings) = flow::load::load(&root);
            findings.extend(rules::check_flow(&loaded, &settings.limits));
            (findings, Some(loaded))
        }
        Err(error) => (vec![syntax_finding(error)], None),
    };
    let flow_id = flow.as_ref().and_then(flow_id);
    (finish(source, findings, FileKind::Flow, flow_id, settings), flow)
}

fn flow_id(flow: &Flow) -> Option<String> {
    flow.flow_id.as_ref().map(|id| id.value.clone())
}

fn orphan_finding(path: &Path) -> Finding {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let flow_name = name.replace(crate::discover::TESTS_SUFFIX, crate::discover::FLOW_SUFFIX);
    Finding::new(
        Rule::OrphanTestFile,
        Default::default(),
        format!("test file has no flow file `{flow_name}` beside it"),
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
    diagnostics.sort_by(|a, b| (a.location, a.rule.code()).cmp(&(b.location, b.rule.code())));
    FileReport {
        source,
        kind,
        flow_id,
        diagnostics,
    }
}
