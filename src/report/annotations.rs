//! GitHub workflow-command annotations: exact escaping, ranking by severity, the runner's limits.
//!
//! The runner (`ActionCommand.TryParseV2`) unescapes data with `%0D`, `%0A`, `%25` and properties
//! also with `%3A` and `%2C`; escaping the same characters the same way means no text from a flow
//! file (element ids, file names, messages) can end a property or start a new command.

use std::fmt::Write;

use crate::diagnostic::Diagnostic;
use crate::outcome::Outcome;
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
    Notice,
}

impl Level {
    pub fn command(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
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

/// Every annotation an outcome's report deserves, ranked: errors, then warnings, each in file
/// order; failing cases are errors at the case in the test file.
pub fn collect(outcome: &Outcome) -> Vec<Annotation> {
    let report = &outcome.report;
    let mut all = Vec::new();
    for file in report.files() {
        let path = file.source.display_path();
        all.extend(
            file.diagnostics
                .iter()
                .map(|d| Annotation::of_diagnostic(path.clone(), d)),
        );
    }
    for simulated in report.simulations() {
        let flow_path = simulated.flow.source.display_path();
        let file = match simulated.tests {
            Some(tests) => tests.source.display_path(),
            None => flow_path.clone(),
        };
        for case in simulated.simulation.cases.iter().filter(|c| c.failed()) {
            all.push(Annotation::at(
                Level::Error,
                file.clone(),
                case.location,
                format!("case \"{}\" failed", case.name),
                crate::report::explain_case(case, &flow_path),
            ));
        }
    }
    all.sort_by_key(|a| a.level);
    all
}

/// The annotations to print within the runner's limits, and the notice that counts the rest.
pub fn within_limits<'a>(ranked: &'a [Annotation], left_out_hint: &str) -> (Vec<&'a Annotation>, Option<String>) {
    let mut shown: Vec<&'a Annotation> = Vec::new();
    let mut left_out = [0usize; 3];
    let levels = [Level::Error, Level::Warning, Level::Notice];
    for annotation in ranked {
        let of_type = shown.iter().filter(|a| a.level == annotation.level).count();
        // One notice slot stays free for the count of what was left out.
        let type_limit = if annotation.level == Level::Notice {
            PER_TYPE_LIMIT - 1
        } else {
            PER_TYPE_LIMIT
        };
        if of_type < type_limit && shown.len() < PER_JOB_LIMIT - 1 {
            shown.push(annotation);
        } else {
            left_out[annotation.level as usize] += 1;
        }
    }
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
        let mut ranked: Vec<Annotation> = (1..=12).map(|n| annotation(Level::Error, n)).collect();
        ranked.extend((1..=3).map(|n| annotation(Level::Warning, n)));
        let (shown, notice) = within_limits(&ranked, "see the job summary");
        assert_eq!(shown.iter().filter(|a| a.level == Level::Error).count(), 10);
        assert_eq!(shown.iter().filter(|a| a.level == Level::Warning).count(), 3);
        let notice = notice.unwrap();
        assert!(notice.contains("2 errors not shown"), "{notice}");
        let (_, none) = within_limits(&ranked[..5], "x");
        assert!(none.is_none());
    }
}
