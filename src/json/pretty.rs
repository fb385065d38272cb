//! Writes JSON the way people lay out flow and script files: two-space indents, and the keys of each
//! object in a stable order that puts the identifying ones first.

use std::fmt::Write;

use serde_json::Value;

/// Where keys go: those in `first`, in that order, then every other key alphabetically.
pub fn pretty(value: &Value, first: &[&str]) -> String {
    let mut out = String::new();
    write_value(&mut out, value, first, 0);
    out.push('\n');
    out
}

fn write_value(out: &mut String, value: &Value, first: &[&str], depth: usize) {
    let indent = |out: &mut String, depth: usize| out.extend(std::iter::repeat_n("  ", depth));
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                indent(out, depth + 1);
                write_value(out, item, first, depth + 1);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            indent(out, depth);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by_key(|k| (first.iter().position(|f| f == k).unwrap_or(first.len()), k.as_str()));
            out.push_str("{\n");
            for (i, key) in keys.iter().enumerate() {
                indent(out, depth + 1);
                let _ = write!(out, "{}: ", Value::String((*key).clone()));
                write_value(out, &map[key.as_str()], first, depth + 1);
                out.push_str(if i + 1 < keys.len() { ",\n" } else { "\n" });
            }
            indent(out, depth);
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn named_keys_come_first_and_the_text_reads_back_the_same() {
        let value = json!({"edges": [], "b": {"z": 1, "id": "x"}, "id": "f", "list": [1, "two", null]});
        let text = pretty(&value, &["id", "edges"]);
        assert!(
            text.starts_with("{\n  \"id\": \"f\",\n  \"edges\": [],\n  \"b\": {\n    \"id\": \"x\",\n"),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }
}
