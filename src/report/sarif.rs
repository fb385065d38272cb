//! SARIF 2.1.0 for code scanning: one rule per code with its documentation link, one result per
//! diagnostic at its file, line and column.

use serde_json::{Value, json};

use crate::outcome::Outcome;
use crate::registry::Rule;
use crate::registry::Severity;

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

/// The SARIF log of an outcome's report; paths are relative to the repository root (`%SRCROOT%`).
pub fn render(outcome: &Outcome) -> String {
    let report = &outcome.report;
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
    let mut results = Vec::new();
    for file in report.files() {
        let uri = file.source.display_path();
        for d in &file.diagnostics {
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
            results.push(result);
        }
    }
    let log = json!({
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
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}
