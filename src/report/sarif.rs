//! SARIF 2.1.0 for code scanning: one rule per code with its documentation link, one result per
//! diagnostic at its file, line and column.

use std::io::{self, Write};

use serde::Serialize;
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

/// The log without its results: the tool and its rules, the source root. Each object's keys are
/// in the order `serde_json::Value` sorts them (the log was once built as one), so the file reads
/// as before; building it as these types takes a quarter of the instructions.
#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    original_uri_base_ids: SourceRoot,
    results: [(); 0],
    tool: Tool,
}

#[derive(Serialize)]
struct SourceRoot {
    #[serde(rename = "%SRCROOT%")]
    root: Described,
}

#[derive(Serialize)]
struct Described {
    description: Text,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<RuleEntry>,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleEntry {
    default_configuration: Configuration,
    help: Text,
    help_uri: String,
    id: &'static str,
    name: &'static str,
    short_description: Text,
}

/// A rule's level, or `enabled: false` for a rule off by default.
#[derive(Serialize)]
struct Configuration {
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<&'static str>,
}

fn log() -> Log {
    let rules = Rule::ALL
        .iter()
        .map(|rule| {
            let url = rule_docs_url(*rule);
            RuleEntry {
                default_configuration: Configuration {
                    enabled: rule.default_level().is_none().then_some(false),
                    level: rule.default_level().map(level),
                },
                help: Text {
                    text: format!("{}: see {url}", rule.summary()),
                },
                help_uri: url,
                id: rule.code(),
                name: rule.name(),
                short_description: Text {
                    text: rule.summary().to_string(),
                },
            }
        })
        .collect();
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            original_uri_base_ids: SourceRoot {
                root: Described {
                    description: Text {
                        text: "the repository root".to_string(),
                    },
                },
            },
            results: [],
            tool: Tool {
                driver: Driver {
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    name: "cxone-flow",
                    rules,
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    }
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
    let mut log = serde_json::to_value(log()).expect("serialized");
    log["runs"][0]["results"] = json!(results);
    serde_json::to_string_pretty(&log).expect("serialized")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_names_the_tool_its_rules_and_the_source_root_as_sarif_reads_them() {
        let log = serde_json::to_value(log()).unwrap();
        assert_eq!(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["results"], json!([]));
        assert_eq!(
            run["originalUriBaseIds"],
            json!({ "%SRCROOT%": { "description": { "text": "the repository root" } } })
        );
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "cxone-flow");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(rules.len(), Rule::ALL.len());
        let url = format!(
            "{}/blob/main/docs/rules.md#cxf007-unknown-field",
            env!("CARGO_PKG_REPOSITORY")
        );
        let summary = Rule::UnknownField.summary();
        assert_eq!(
            rules[Rule::ALL.iter().position(|r| *r == Rule::UnknownField).unwrap()],
            json!({
                "id": "CXF007",
                "name": "unknown-field",
                "shortDescription": { "text": summary },
                "helpUri": url,
                "help": { "text": format!("{summary}: see {url}") },
                "defaultConfiguration": { "level": "warning" },
            })
        );
        // A rule off unless a settings file turns it on.
        let off: Vec<&Value> = rules
            .iter()
            .filter(|r| r["defaultConfiguration"]["enabled"] == false)
            .collect();
        let off_by_default = Rule::ALL.iter().filter(|r| r.default_level().is_none()).count();
        assert!(off_by_default > 0);
        assert_eq!(off.len(), off_by_default);
        assert!(
            off.iter()
                .all(|r| r["defaultConfiguration"].as_object().unwrap().len() == 1)
        );
    }
}
