//! GitHub workflow-command annotations: exact escaping, ranking by severity, the runner's limits.
//!
//! The runner (`ActionCommand.TryParseV2`) unescapes data with `%0D`, `%0A`, `%25` and properties
//! also with `%3A` and `%2C`; escaping the same characters the same way means no text from a flow
//! file (element ids, file names, messages) can end a property or start a new command.

use std::fmt::Write;

use crate::check::UnitReport;
use crate::diagnostic::Diagnostic;
use crate::registry::Severity;
use crate::source::Location;

/// The runner shows at most this many annotations of one type per step.
pub const PER_TYPE_LIMIT: usize = 10;
/// The runner shows at most this many annotations per job.
pub const PER_JOB_LIMIT: usize = 50;

/// Escapes a command's data (the text after `::`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command property's value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The annotation types, in the order they are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    pub fn command(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

impl From<Severity> for Level {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        }
    }
}

/// One annotation: where, what type, a title and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub level: Level,
    /// Repository-relative path, forward slashes.
    pub file: String,
    pub line: usize,
    pub end_line: usize,
    /// Columns are only given when the annotation stays on one line.
    pub columns: Option<(usize, usize)>,
    pub title: String,
    pub message: String,
}

impl Annotation {
    /// An annotation at a location; columns only when it stays on one line.
    fn at(level: Level, file: String, loc: Location, title: String, message: String) -> Self {
        Annotation {
            level,
            file,
            line: loc.line,
            end_line: loc.end_line,
            columns: (loc.line == loc.end_line).then_some((loc.column, loc.end_column)),
            title,
            message,
        }
    }

    /// A finding's annotation, at its place in the file at `path`, its help under its message.
    pub fn of_diagnostic(path: String, d: &Diagnostic) -> Self {
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        Annotation::at(
            d.severity.into(),
            path,
            d.location,
            format!("{} {}", d.rule.code(), d.rule.name()),
            message,
        )
    }

    /// The workflow command line (without the newline).
    pub fn command(&self) -> String {
        let mut properties = vec![
            ("file", escape_property(&self.file)),
            ("line", self.line.to_string()),
            ("endLine", self.end_line.to_string()),
        ];
        if let Some((col, end_col)) = self.columns {
            properties.push(("col", col.to_string()));
            properties.push(("endColumn", end_col.to_string()));
        }
        properties.push(("title", escape_property(&self.title)));
        let properties: Vec<String> = properties.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!(
            "::{} {}::{}",
            self.level.command(),
            properties.join(","),
            escape_data(&self.message)
        )
    }
}

/// The annotations a run deserves, in the order the runner is given them: error findings, then
/// failing cases (errors at the case in the test file), then warnings, each in file order. Filled
/// unit by unit as the units are checked; of each rank only what the runner can show is kept and
/// the rest is counted, so it holds no more for ten thousand files than for ten.
#[derive(Debug, Default)]
pub struct Ranked {
    /// Error findings, failing cases, warnings.
    ranks: [Rank; 3],
}

#[derive(Debug, Default)]
struct Rank {
    kept: Vec<Annotation>,
    left_out: usize,
}

/// Where a finding ranks, by its level; the failing cases rank between errors and warnings.
const ERRORS: usize = 0;
const FAILING_CASES: usize = 1;
const WARNINGS: usize = 2;

impl Ranked {
    /// Adds a checked unit's findings and failing cases.
    pub fn unit(&mut self, unit: &UnitReport) {
        for file in unit.files() {
            for d in &file.diagnostics {
                let rank = match d.severity {
                    Severity::Error => ERRORS,
                    Severity::Warning => WARNINGS,
                };
                self.add(rank, || Annotation::of_diagnostic(file.source.display_path(), d));
            }
        }
        let Some(simulated) = unit.simulated() else { return };
        let flow_path = simulated.flow.source.display_path();
        let file = match simulated.tests {
            Some(tests) => tests.source.display_path(),
            None => flow_path.clone(),
        };
        for case in simulated.simulation.cases.iter().filter(|c| c.failed()) {
            self.add(FAILING_CASES, || {
                Annotation::at(
                    Level::Error,
                    file.clone(),
                    case.location,
                    format!("case \"{}\" failed", case.name),
                    crate::report::explain_case(case, &flow_path),
                )
            });
        }
    }

    /// Keeps the annotation `make` makes while its rank has room for one more the runner shows;
    /// past that, counts it without making it.
    fn add(&mut self, rank: usize, make: impl FnOnce() -> Annotation) {
        let rank = &mut self.ranks[rank];
        if rank.kept.len() < PER_TYPE_LIMIT {
            rank.kept.push(make());
        } else {
            rank.left_out += 1;
        }
    }

    /// The annotations to print within the runner's limits, and the notice that counts the rest.
    pub fn within_limits(&self, left_out_hint: &str) -> (Vec<&Annotation>, Option<String>) {
        let mut shown: Vec<&Annotation> = Vec::new();
        let levels = [Level::Error, Level::Warning];
        let mut left_out = [0usize; 2];
        for rank in &self.ranks {
            for annotation in &rank.kept {
                let of_type = shown.iter().filter(|a| a.level == annotation.level).count();
                if of_type < PER_TYPE_LIMIT && shown.len() < PER_JOB_LIMIT - 1 {
                    shown.push(annotation);
                } else {
                    left_out[annotation.level as usize] += 1;
                }
            }
        }
        left_out[Level::Error as usize] += self.ranks[ERRORS].left_out + self.ranks[FAILING_CASES].left_out;
        left_out[Level::Warning as usize] += self.ranks[WARNINGS].left_out;
        if left_out.iter().sum::<usize>() == 0 {
            return (shown, None);
        }
        let parts: Vec<String> = levels
            .iter()
            .zip(left_out)
            .filter(|(_, n)| *n > 0)
            .map(|(level, n)| crate::printable::plural(n, level.command()))
            .collect();
        let notice = format!(
            "::notice title={}::{}",
            escape_property("cxone-flow: more findings"),
            escape_data(&format!(
                "{} not shown as annotations (GitHub shows {PER_TYPE_LIMIT} per type per step); {left_out_hint}",
                parts.join(", ")
            ))
        );
        (shown, Some(notice))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotation(level: Level, n: usize) -> Annotation {
        Annotation {
            level,
            file: "f.flow.json".into(),
            line: n,
            end_line: n,
            columns: Some((1, 2)),
            title: "t".into(),
            message: "m".into(),
        }
    }

    #[test]
    fn escaping_matches_the_runner() {
        assert_eq!(escape_data("a%0A\r\n:,"), "a%250A%0D%0A:,");
        assert_eq!(
            escape_property("x%0A::error::pwned,y:z"),
            "x%250A%3A%3Aerror%3A%3Apwned%2Cy%3Az"
        );
    }

    #[test]
    fn columns_only_on_one_line_and_properties_are_escaped() {
        let mut a = annotation(Level::Error, 3);
        a.file = "dir,x/a:b.flow.json".into();
        a.title = "CXF002 dangling-edge".into();
        assert_eq!(
            a.command(),
            "::error file=dir%2Cx/a%3Ab.flow.json,line=3,endLine=3,col=1,endColumn=2,title=CXF002 dangling-edge::m"
        );
        a.columns = None;
        a.end_line = 5;
        assert!(
            a.command()
                .starts_with("::error file=dir%2Cx/a%3Ab.flow.json,line=3,endLine=5,title=")
        );
    }

    #[test]
    fn limits_keep_ten_per_type_and_count_the_rest() {
        let mut ranked = Ranked::default();
        for n in 1..=7 {
            ranked.add(ERRORS, || annotation(Level::Error, n));
            ranked.add(FAILING_CASES, || annotation(Level::Error, 100 + n));
        }
        for n in 1..=3 {
            ranked.add(WARNINGS, || annotation(Level::Warning, n));
        }
        let (shown, notice) = ranked.within_limits("see the job summary");
        let lines = |level| {
            shown
                .iter()
                .filter(|a| a.level == level)
                .map(|a| a.line)
                .collect::<Vec<_>>()
        };
        // The error findings first, then the failing cases, to ten in all.
        assert_eq!(lines(Level::Error), [1, 2, 3, 4, 5, 6, 7, 101, 102, 103]);
        assert_eq!(lines(Level::Warning), [1, 2, 3]);
        let notice = notice.unwrap();
        assert!(notice.contains("4 errors not shown"), "{notice}");
        assert!(!notice.contains("warning"), "{notice}");
        let mut few = Ranked::default();
        few.add(WARNINGS, || annotation(Level::Warning, 1));
        assert!(few.within_limits("x").1.is_none());
    }
}
