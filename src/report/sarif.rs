//! SARIF 2.1.0 for code scanning: one rule per code with its documentation link, one result per
//! diagnostic at its file, line and column.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::check::UnitReport;
use crate::diagnostic::Diagnostic;
use crate::outcome::Outcome;
use crate::registry::Rule;
use crate::registry::Severity;
use crate::report::UnitWriter;
use crate::report::spill::Spill;

/// Where the rules are documented; each rule links to its own section.
pub fn rule_docs_url(rule: Rule) -> String {
    format!(
        "{}/blob/main/docs/rules.md#{}-{}",
        env!("CARGO_PKG_REPOSITORY"),
        rule.code().to_ascii_lowercase(),
        rule.name()
    )
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The SARIF log written unit by unit: the log without results pretty-printed once, each
/// diagnostic's result spilled as its unit is checked, indented as it sits in the log's `results`,
/// and the log written around them at the end.
pub struct Writer {
    /// The log up to its empty `results` list's `]`, and from it on.
    before: String,
    after: String,
    /// The depth of the `results` key in the log, in spaces.
    depth: usize,
    results: Spill,
    /// No result spilled yet (the next goes without a comma before it).
    first: bool,
}

impl Writer {
    pub fn new() -> io::Result<Writer> {
        let mut before = serde_json::to_string_pretty(&log())?;
        // A string's quotes are escaped, so only the key matches.
        let at = before
            .find(EMPTY_RESULTS)
            .map_or(before.len(), |at| at + EMPTY_RESULTS.len() - 1);
        let after = before.split_off(at);
        let line = &before[before.rfind('\n').map_or(0, |at| at + 1)..];
        Ok(Writer {
            depth: line.len() - line.trim_start().len(),
            before,
            after,
            results: Spill::default(),
            first: true,
        })
    }
}

/// The log's `results` while empty, as serde_json pretty-prints them.
const EMPTY_RESULTS: &str = "\"results\": []";

/// The spaces serde_json's pretty printer indents each level by.
const LEVEL: usize = 2;

impl UnitWriter for Writer {
    fn unit(&mut self, unit: &UnitReport) -> io::Result<()> {
        // Every line break of pretty-printed JSON is its layout (a string escapes its own), so
        // indenting each line puts a result printed alone at its depth in the list.
        let line_break = format!("\n{:1$}", "", self.depth + LEVEL);
        for file in unit.files() {
            let uri = file.source.display_path();
            for diagnostic in &file.diagnostics {
                if !std::mem::take(&mut self.first) {
                    self.results.write_all(b",")?;
                }
                let text = serde_json::to_string_pretty(&result(&uri, diagnostic))?;
                self.results.write_all(line_break.as_bytes())?;
                self.results.write_all(text.replace('\n', &line_break).as_bytes())?;
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>, _: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.before.as_bytes())?;
        let any = !self.first;
        self.results.copy_to(out)?;
        // A list with items closes on a line of its own, at its key's depth.
        if any {
            write!(out, "\n{:1$}", "", self.depth)?;
        }
        out.write_all(self.after.as_bytes())
    }
}

/// The log without its results: the tool and its rules, the source root.
fn log() -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code(),
                "name": rule.name(),
                "shortDescription": { "text": rule.summary() },
                "helpUri": rule_docs_url(*rule),
                "help": { "text": format!("{}: see {}", rule.summary(), rule_docs_url(*rule)) },
                "defaultConfiguration": match rule.default_level() {
                    Some(severity) => json!({ "level": level(severity) }),
                    None => json!({ "enabled": false }),
                },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "cxone-flow",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "the repository root" } } },
            "results": [],
        }]
    })
}

/// A diagnostic's result at its file (`uri`, relative to the repository root, `%SRCROOT%`), line
/// and column, with its related locations.
fn result(uri: &str, d: &Diagnostic) -> Value {
    let index = Rule::ALL.iter().position(|r| *r == d.rule).unwrap_or_default();
    let region = |loc: crate::source::Location| {
        json!({
            "startLine": loc.line,
            "startColumn": loc.column,
            "endLine": loc.end_line,
            "endColumn": loc.end_column,
        })
    };
    let physical = |loc| {
        json!({
            "physicalLocation": {
                "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
                "region": region(loc),
            }
        })
    };
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str(&format!(" ({help})"));
    }
    let related: Vec<Value> = d
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut location = physical(r.location);
            location["id"] = json!(i);
            location["message"] = json!({ "text": r.message });
            location
        })
        .collect();
    let mut result = json!({
        "ruleId": d.rule.code(),
        "ruleIndex": index,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [physical(d.location)],
    });
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    result
}

/// The whole log pretty-printed in one go, for the tests to hold the spliced one to.
#[cfg(test)]
pub(crate) fn render(outcome: &Outcome) -> String {
    let results: Vec<Value> = outcome
        .report
        .files()
        .flat_map(|file| file.diagnostics.iter().map(|d| result(&file.source.display_path(), d)))
        .collect();
    let mut log = log();
    log["runs"][0]["results"] = json!(results);
    serde_json::to_string_pretty(&log).expect("serialized")
}
