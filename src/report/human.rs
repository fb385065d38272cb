//! The human format: `path:line:col: severity[CODE] name: message`, the source line and a caret.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::check::stream::Tally;
use crate::check::{CheckReport, UnitReport};
use crate::diagnostic::Diagnostic;
use crate::outcome::Outcome;
use crate::printable::{plural, shown};
use crate::registry::Severity;
use crate::report::explain_case;
use crate::source::SourceFile;

/// Lines longer than this are shown as a window around the column.
const MAX_SHOWN: usize = 120;

/// The styles of the human format: none (files, snapshots, logs), or the colours a terminal
/// shows, which the command line writes through `anstream` (stripped unless the terminal, `NO_COLOR`
/// and `--color` all allow them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub error: Style,
    pub warning: Style,
    /// `path:line:col` and the gutter.
    pub location: Style,
    /// `= help:` and `= note:`.
    pub label: Style,
}

impl Palette {
    pub const PLAIN: Palette = Palette {
        error: Style::new(),
        warning: Style::new(),
        location: Style::new(),
        label: Style::new(),
    };

    pub const COLOUR: Palette = Palette {
        error: AnsiColor::Red.on_default().bold(),
        warning: AnsiColor::Yellow.on_default().bold(),
        location: Style::new().bold(),
        label: AnsiColor::Cyan.on_default().bold(),
    };

    /// The style of a severity, of the `FAIL` of a failing case, and of a failed run's last line.
    pub fn severity(&self, severity: Severity) -> Style {
        match severity {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
        }
    }
}

/// Renders every diagnostic, every failing case, coverage shortfalls and a closing summary line,
/// without colour.
pub fn render(outcome: &Outcome) -> String {
    render_styled(outcome, &Palette::PLAIN, false)
}

/// [`render`] in `palette`'s styles, with every flow's coverage before the summary line when
/// `coverage` is asked for (`check --coverage`).
pub fn render_styled(outcome: &Outcome, palette: &Palette, coverage: bool) -> String {
    let mut out = render_findings(&outcome.report, palette);
    if coverage {
        out.push_str(&render_coverage(&outcome.report));
    }
    out.push_str(&summary(outcome));
    out
}

/// Every diagnostic, every failing case and coverage shortfalls of a report, without the summary
/// line.
fn render_findings(report: &CheckReport, palette: &Palette) -> String {
    let mut findings = Findings::new(*palette, report.min_coverage);
    for unit in &report.units {
        findings.unit(unit);
    }
    findings.into_text()
}

/// The findings' three parts (diagnostics, failing cases, coverage shortfalls), each filled unit by
/// unit as the units are checked ([`crate::check::stream`]) and shown one after the other: a
/// clean file adds nothing.
pub struct Findings {
    palette: Palette,
    min_coverage: Option<f64>,
    diagnostics: String,
    cases: String,
    below: String,
}

impl Findings {
    pub fn new(palette: Palette, min_coverage: Option<f64>) -> Self {
        Findings {
            palette,
            min_coverage,
            diagnostics: String::new(),
            cases: String::new(),
            below: String::new(),
        }
    }

    pub fn unit(&mut self, unit: &UnitReport) {
        let palette = &self.palette;
        for file in unit.files() {
            for diagnostic in &file.diagnostics {
                render_diagnostic(&mut self.diagnostics, &file.source, diagnostic, palette);
            }
        }
        let Some(flow) = unit.flow.as_ref() else {
            return;
        };
        let Some(simulation) = flow.simulation.as_ref() else {
            return;
        };
        let tests_path = unit.tests.as_ref().map(|t| t.source.display_path()).unwrap_or_default();
        let out = &mut self.cases;
        for case in simulation.cases.iter().filter(|c| c.failed()) {
            let (place, fail) = (palette.location, palette.error);
            let _ = writeln!(
                out,
                "{place}{}:{}:{}:{place:#} {fail}FAIL{fail:#} case \"{}\"",
                shown(&tests_path),
                case.location.line,
                case.location.column,
                shown(&case.name)
            );
            for line in explain_case(case, &flow.source.display_path()).lines() {
                let _ = writeln!(out, "  {line}");
            }
            out.push('\n');
        }
        if let Some(reason) = simulation.not_run.as_deref().filter(|_| !simulation.cases.is_empty()) {
            let _ = writeln!(
                out,
                "{}: {} not run: {}\n",
                shown(&tests_path),
                plural(simulation.cases.len(), "case"),
                shown(reason)
            );
        }
        if !simulation.below(self.min_coverage) {
            return;
        }
        if let (Some(coverage), Some(min)) = (&simulation.coverage, self.min_coverage) {
            let mut uncovered: Vec<&str> = coverage.uncovered_elements.iter().take(10).collect();
            if coverage.uncovered_elements.len() > 10 {
                uncovered.push("…");
            }
            let _ = writeln!(
                self.below,
                "{}: coverage {:.1}% of {} is below --min-coverage {min}; no case reaches: {}\n",
                shown(&flow.source.display_path()),
                coverage.element_percent(),
                parts(flow.is_script()).0,
                shown(&uncovered.join(", "))
            );
        }
    }

    /// The three parts, one after the other.
    pub fn into_text(self) -> String {
        let mut text = self.diagnostics;
        text.push_str(&self.cases);
        text.push_str(&self.below);
        text
    }
}

/// One diagnostic, as rustc and ruff print them.
pub fn render_diagnostic(out: &mut String, source: &SourceFile, d: &Diagnostic, palette: &Palette) {
    let loc = d.location;
    let (place, severity, label) = (palette.location, palette.severity(d.severity), palette.label);
    let _ = writeln!(
        out,
        "{place}{}:{}:{}:{place:#} {severity}{}[{}]{severity:#} {}: {}",
        shown(&source.display_path()),
        loc.line,
        loc.column,
        d.severity,
        d.rule.code(),
        d.rule.name(),
        shown(&d.message)
    );
    let gutter = loc.line.to_string().len();
    let pad = " ".repeat(gutter);
    let width = if loc.end_line == loc.line {
        loc.end_column.saturating_sub(loc.column).max(1)
    } else {
        1
    };
    // A file that was never read (a link, a folder) has no text to quote.
    if !source.text.is_empty() {
        let (shown, caret_column) = window(source, loc.line, loc.column);
        let _ = writeln!(out, "{place}{pad} |{place:#}");
        let _ = writeln!(
            out,
            "{place}{} |{place:#} {}",
            loc.line,
            crate::printable::shown(&shown)
        );
        let width = width.min(shown.chars().count().saturating_sub(caret_column - 1).max(1));
        let carets = "^".repeat(width);
        let _ = writeln!(
            out,
            "{place}{pad} |{place:#} {}{severity}{carets}{severity:#}",
            " ".repeat(caret_column - 1)
        );
    }
    for related in &d.related {
        let _ = writeln!(
            out,
            "{pad} {label}= note:{label:#} {}:{}:{}: {}",
            shown(&source.display_path()),
            related.location.line,
            related.location.column,
            shown(&related.message)
        );
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} {label}= help:{label:#} {}", shown(help));
    }
    out.push('\n');
}

/// The part of a line to show (tabs as spaces, long lines cut around the column) and the column
/// of the caret within it. Only the window is read, however long the line: a minified file has
/// thousands of findings on one line of megabytes.
fn window(source: &SourceFile, line: usize, column: usize) -> (String, usize) {
    let spaced = |text: &str| text.replace('\t', " ");
    let length = source.line_chars(line);
    if length <= MAX_SHOWN {
        return (spaced(source.line_text(line)), column);
    }
    let start = column
        .saturating_sub(MAX_SHOWN / 2)
        .min(length.saturating_sub(MAX_SHOWN));
    let end = (start + MAX_SHOWN).min(length);
    let mut shown = String::new();
    let mut caret = column - start;
    if start > 0 {
        shown.push('…');
        caret += 1;
    }
    shown.push_str(&spaced(source.line_slice(line, start, end)));
    if end < length {
        shown.push('…');
    }
    (shown, caret.max(1))
}

/// Every flow's coverage, with the elements no case reaches and the edges no case takes (edges are
/// named when the report kept the flow's model; `check --coverage` keeps it).
fn render_coverage(report: &CheckReport) -> String {
    let mut out = String::from("Coverage:\n");
    for simulated in report.simulations() {
        let path = simulated.flow.source.display_path();
        let Some(coverage) = &simulated.simulation.coverage else {
            let why = simulated
                .simulation
                .not_run
                .as_deref()
                .unwrap_or("the cases did not run");
            let _ = writeln!(out, "  {}: no coverage: {}", shown(&path), shown(why));
            continue;
        };
        let (elements, edges) = parts(simulated.flow.is_script());
        let _ = writeln!(
            out,
            "  {}: {:.1}% of {elements} ({} of {}), {:.1}% of {edges} ({} of {}){}",
            shown(&path),
            coverage.element_percent(),
            coverage.elements_covered,
            coverage.elements,
            coverage.edge_percent(),
            coverage.edges_covered,
            coverage.edges,
            if simulated.tests.is_none() {
                "; no test file"
            } else {
                ""
            }
        );
        if !coverage.uncovered_elements.is_empty() {
            // A script's actions by id and label, when the report kept the model.
            let model = simulated.flow.model.as_deref();
            let named = |id: &str| {
                model
                    .and_then(|m| m.elements.iter().find(|e| e.id.value == id))
                    .and_then(|e| Some(e.action.as_ref()?.describe(&e.id.value)))
                    .unwrap_or_else(|| id.to_string())
            };
            let names: Vec<String> = coverage.uncovered_elements.iter().map(named).collect();
            let _ = writeln!(out, "    no case reaches: {}", shown(&names.join(", ")));
        }
        if let Some(model) = &simulated.flow.model {
            // A script's calls into other scripts are edges of the flow its cases ran through,
            // past the edges of the file's own model: those are named by their elements above.
            for edge in coverage
                .untaken_edges
                .iter()
                .filter_map(|&e| model.edges.get(e as usize))
            {
                let _ = writeln!(out, "    no case takes: {}", shown(&model.arrow(edge)));
            }
        }
    }
    out.push('\n');
    out
}

/// What coverage counts in a flow file (elements, edges) or in Studio's words in a script.
fn parts(script: bool) -> (&'static str, &'static str) {
    if script {
        ("actions", "branches")
    } else {
        ("elements", "edges")
    }
}

/// The closing line: what was checked and what was found.
pub fn summary(outcome: &Outcome) -> String {
    summary_of(&outcome.report.tally())
}

/// The closing line of a run's counts.
pub fn summary_of(tally: &Tally) -> String {
    let tests = tally.files - tally.flows;
    let scripts = tally.scripts;
    let flows = tally.flows - scripts;
    // A script is named as Studio names it; flow files keep their word; a run with neither says
    // `0 flow files`.
    let checked = match (flows, scripts) {
        (_, 0) => plural(flows, "flow file"),
        (0, _) => plural(scripts, "script"),
        _ => format!("{}, {}", plural(flows, "flow file"), plural(scripts, "script")),
    };
    let mut line = format!(
        "Checked {checked} and {}: {}, {}",
        plural(tests, "test file"),
        plural(tally.errors, "error"),
        plural(tally.warnings, "warning"),
    );
    let suppressed = tally.suppressed;
    if suppressed > 0 {
        let _ = write!(
            line,
            " ({suppressed} suppressed in the {})",
            if flows == 0 { "scripts" } else { "flows" }
        );
    }
    let total = tally.cases;
    if total > 0 {
        let not_run = tally.cases_not_run;
        let failed = tally.cases_failed;
        let _ = write!(
            line,
            "; {}: {} passed, {failed} failed",
            plural(total, "case"),
            total - failed - not_run
        );
        if not_run > 0 {
            let _ = write!(line, ", {not_run} not run");
        }
    }
    if let Some(coverage) = tally.coverage_percent().filter(|_| total > 0) {
        let of = match (flows, scripts) {
            (_, 0) => "elements",
            (0, _) => "actions",
            _ => "elements and actions",
        };
        let _ = write!(line, "; coverage {coverage:.1}% of {of}");
    }
    line.push_str(".\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_windowed_around_the_column() {
        let line = "x".repeat(1000) + "HERE" + &"y".repeat(1000);
        let file = SourceFile::new("a.json", format!("{{\n{line}\na\tb\n}}"));
        let (shown, caret) = window(&file, 2, 1001);
        assert!(shown.chars().count() <= MAX_SHOWN + 2);
        assert_eq!(shown.chars().skip(caret - 1).take(4).collect::<String>(), "HERE");
        assert_eq!(window(&file, 3, 3), ("a b".to_string(), 3));
        let (shown, caret) = window(&file, 2, 2004);
        assert_eq!(
            (shown.chars().last(), shown.chars().count(), caret),
            (Some('y'), MAX_SHOWN + 1, MAX_SHOWN + 1)
        );
    }
}
