//! The tests file a generation writes: a fresh one, or an existing one with its generated cases
//! replaced and every other case kept exactly as written, and the changes to the generated ones.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::discover::{FLOW_SUFFIX, STUDIO_SUFFIX, TESTS_SUFFIX};
use crate::generate::GeneratedCase;
use crate::json::Tape;
use crate::source::SourceFile;

/// The merged file and what changed among the generated cases, one line (or three) each.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub text: String,
    pub changes: Vec<String>,
}

/// `dir/NAME.tests.json` for `dir/NAME.flow.json`, `dir/NAME.studio.json` or a script
/// `dir/NAME.json` (else the path with `.tests.json` added).
pub fn tests_path_of(flow: &Path) -> PathBuf {
    let name = flow
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = [FLOW_SUFFIX, STUDIO_SUFFIX, ".json"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(&name);
    flow.with_file_name(format!("{stem}{TESTS_SUFFIX}"))
}

/// A tests file holding only `cases`.
pub fn fresh(cases: &[GeneratedCase]) -> String {
    format!("{{\n  \"cases\": {}\n}}\n", array(&[], cases))
}

/// `existing` with its generated cases replaced by `cases`; the others keep their text.
pub fn merge(existing: &str, cases: &[GeneratedCase]) -> Result<Merged, String> {
    let source = SourceFile::new("tests", existing.to_string());
    let root = Tape::parse(&source.text).map_err(|e| format!("not JSON: {}", e.message))?;
    let Some(list) = root
        .root()
        .as_object()
        .and_then(|o| o.get("cases"))
        .and_then(|p| p.value.as_array())
    else {
        return Err("it has no `cases` array to merge into".into());
    };
    let mut kept = Vec::new();
    let mut before: BTreeMap<String, (String, Value)> = BTreeMap::new();
    for case in list.iter() {
        let json = case.to_json();
        if json.get("generated") == Some(&Value::Bool(true)) {
            before.insert(
                input_key(&json["input"]),
                (text_of(&json["name"]), json["expect"].clone()),
            );
        } else {
            kept.push(case.raw().to_string());
        }
    }
    let range = list.span();
    let text = format!(
        "{}{}{}",
        &existing[..range.start()],
        array(&kept, cases),
        &existing[range.end()..]
    );
    Ok(Merged {
        text,
        changes: changes(&before, cases),
    })
}

/// The `cases` array: the kept cases' own text, then the generated ones.
fn array(kept: &[String], cases: &[GeneratedCase]) -> String {
    let generated = cases.iter().map(|case| {
        let text = serde_json::to_string_pretty(case).unwrap_or_default();
        text.lines().collect::<Vec<_>>().join("\n    ")
    });
    let items: Vec<String> = kept
        .iter()
        .cloned()
        .chain(generated)
        .map(|item| format!("    {item}"))
        .collect();
    if items.is_empty() {
        "[]".into()
    } else {
        format!("[\n{}\n  ]", items.join(",\n"))
    }
}

/// A generated case is the same case when its input is the same.
fn input_key(input: &Value) -> String {
    let dtmf = input.get("dtmf").cloned().unwrap_or(Value::Array(Vec::new()));
    let variables = input
        .get("variables")
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    serde_json::json!([dtmf, variables]).to_string()
}

fn text_of(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

fn route(expect: &Value) -> String {
    let path: Vec<&str> = expect["path"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    format!(
        "{} (ends at {})",
        path.join(" → "),
        expect["finalElement"].as_str().unwrap_or("?")
    )
}

/// What changed for callers: each generated case whose expected call changed, was added or removed.
fn changes(before: &BTreeMap<String, (String, Value)>, cases: &[GeneratedCase]) -> Vec<String> {
    let mut out = Vec::new();
    let mut now: BTreeMap<String, &GeneratedCase> = BTreeMap::new();
    for case in cases {
        let input = serde_json::to_value(&case.input).unwrap_or_default();
        now.insert(input_key(&input), case);
    }
    for (key, case) in &now {
        let expect = serde_json::to_value(&case.expect).unwrap_or_default();
        match before.get(key) {
            Some((_, old)) if old["path"] == expect["path"] && old["finalElement"] == expect["finalElement"] => {}
            Some((old_name, old)) => out.push(format!(
                "changed: {old_name}\n    was: {}\n    now: {}",
                route(old),
                route(&expect)
            )),
            None => out.push(format!("added: {}", case.name)),
        }
    }
    for (key, (name, _)) in before {
        if !now.contains_key(key) {
            out.push(format!("removed: {name}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{GeneratedExpect, GeneratedInput};

    fn case(name: &str, dtmf: &[&str], path: &[&str]) -> GeneratedCase {
        GeneratedCase {
            name: name.into(),
            generated: true,
            input: GeneratedInput {
                dtmf: dtmf.iter().map(|s| s.to_string()).collect(),
                variables: Default::default(),
            },
            mock: Default::default(),
            expect: GeneratedExpect {
                final_element: path.last().unwrap().to_string(),
                path: path.iter().map(|s| s.to_string()).collect(),
                max_execution_ms: None,
            },
        }
    }

    #[test]
    fn people_s_cases_keep_their_text_and_generated_ones_are_replaced_with_a_diff() {
        let first = fresh(&[
            case("key 1", &["1"], &["start", "menu", "sales"]),
            case("key 2", &["2"], &["start", "menu", "support"]),
        ]);
        let hand = r#"{"name": "mine",   "input": {"dtmf": ["9"]}}"#;
        let existing = first.replacen("\"cases\": [\n", &format!("\"cases\": [\n    {hand},\n"), 1);
        let merged = merge(
            &existing,
            &[
                case("key 1", &["1"], &["start", "menu", "hours", "sales"]),
                case("key 3", &["3"], &["start", "menu", "billing"]),
            ],
        )
        .unwrap();
        assert!(merged.text.contains(hand), "{}", merged.text);
        assert_eq!(merged.text.matches("\"generated\": true").count(), 2);
        assert_eq!(
            merged.changes,
            [
                "changed: key 1\n    was: start → menu → sales (ends at sales)\n    now: start → menu → hours → sales (ends at sales)",
                "added: key 3",
                "removed: key 2",
            ]
        );
        let again = merge(
            &merged.text,
            &[
                case("key 1", &["1"], &["start", "menu", "hours", "sales"]),
                case("key 3", &["3"], &["start", "menu", "billing"]),
            ],
        )
        .unwrap();
        assert_eq!(
            again.text, merged.text,
            "a regeneration with no change writes the same bytes"
        );
        assert!(again.changes.is_empty());
        assert!(merge("[]", &[]).unwrap_err().contains("no `cases` array"));
    }

    #[test]
    fn the_tests_file_sits_beside_the_flow() {
        assert_eq!(
            tests_path_of(Path::new("flows/main.flow.json")),
            PathBuf::from("flows/main.tests.json")
        );
    }
}
