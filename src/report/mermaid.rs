//! A Mermaid flowchart of a flow, with changed elements and failing call paths highlighted.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use serde_json::Value;

/// Flows larger than this are not drawn (GitHub's renderer gives up on them anyway).
pub const MAX_ELEMENTS: usize = 150;

/// Escapes text for a quoted Mermaid label: entity codes for everything that could end the
/// label, start markup, close the surrounding code block, or form a directive (Mermaid reads
/// `%%{init: ...}%%` anywhere in the text, so no `%` reaches it).
fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '#' => out.push_str("#35;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            '%' => out.push_str("#37;"),
            ';' => out.push_str("#59;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn text<'v>(value: &'v Value, field: &str) -> &'v str {
    value.get(field).and_then(Value::as_str).unwrap_or_default()
}

/// The diagram's source, or why it is not drawn.
pub fn render(flow: &Value, changed: &BTreeSet<String>, failing_paths: &[Vec<String>]) -> Result<String, String> {
    let elements = flow
        .get("elements")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if elements.len() > MAX_ELEMENTS {
        return Err(format!(
            "the flow has {} elements; diagrams are drawn up to {MAX_ELEMENTS}",
            elements.len()
        ));
    }
    let mut out = String::from("flowchart TD\n");
    let mut node: HashMap<&str, String> = HashMap::new();
    for (i, element) in elements.iter().enumerate() {
        let id = text(element, "id");
        if node.contains_key(id) {
            continue;
        }
        let name = format!("n{i}");
        let _ = writeln!(out, "  {name}[\"{}<br/>{}\"]", label(id), label(text(element, "type")));
        node.insert(id, name);
    }
    // Edges on a failing path: consecutive pairs of the calls' paths.
    let failing_steps: BTreeSet<(&str, &str)> = failing_paths
        .iter()
        .flat_map(|path| path.windows(2).map(|w| (w[0].as_str(), w[1].as_str())))
        .collect();
    let mut links = 0usize;
    let mut failing_links = Vec::new();
    let mut link = |out: &mut String, from: &str, to: &str, arrow: &str, on: Option<&str>| {
        let (Some(a), Some(b)) = (node.get(from), node.get(to)) else {
            return;
        };
        match on {
            Some(on) => {
                let _ = writeln!(out, "  {a} {arrow}|\"{}\"| {b}", label(on));
            }
            None => {
                let _ = writeln!(out, "  {a} {arrow} {b}");
            }
        }
        if failing_steps.contains(&(from, to)) {
            failing_links.push(links);
        }
        links += 1;
    };
    for edge in flow.get("edges").and_then(Value::as_array).into_iter().flatten() {
        let on = edge.get("on").and_then(Value::as_str);
        link(&mut out, text(edge, "from"), text(edge, "to"), "-->", on);
    }
    for rule in flow.get("routingRules").and_then(Value::as_array).into_iter().flatten() {
        let goto = rule.get("action").map(|a| text(a, "goto")).unwrap_or_default();
        link(&mut out, text(rule, "element"), goto, "-.->", Some("rule"));
    }
    let on_failing_path: BTreeSet<&str> = failing_paths.iter().flatten().map(String::as_str).collect();
    let classed = |ids: &mut dyn Iterator<Item = &str>| -> Vec<String> {
        let mut names: Vec<String> = ids.filter_map(|id| node.get(id).cloned()).collect();
        names.sort();
        names.dedup();
        names
    };
    let changed_nodes = classed(&mut changed.iter().map(String::as_str));
    let failing_nodes = classed(&mut on_failing_path.iter().copied());
    out.push_str("  classDef changed fill:#fff5b1,stroke:#9a6700,stroke-width:2px\n");
    out.push_str("  classDef failing stroke:#cf222e,stroke-width:3px\n");
    if !changed_nodes.is_empty() {
        let _ = writeln!(out, "  class {} changed", changed_nodes.join(","));
    }
    if !failing_nodes.is_empty() {
        let _ = writeln!(out, "  class {} failing", failing_nodes.join(","));
    }
    if !failing_links.is_empty() {
        let list: Vec<String> = failing_links.iter().map(usize::to_string).collect();
        let _ = writeln!(out, "  linkStyle {} stroke:#cf222e,stroke-width:3px", list.join(","));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn draws_nodes_edges_and_highlights() {
        let flow = json!({"elements": [
            {"id": "start", "type": "start"}, {"id": "m\"e<n>u`", "type": "menu"}, {"id": "q", "type": "queue"}],
          "edges": [{"from": "start", "to": "m\"e<n>u`"}, {"from": "m\"e<n>u`", "to": "q", "on": "1"}]});
        let changed: BTreeSet<String> = ["q".to_string()].into();
        let failing = vec![vec!["start".to_string(), "m\"e<n>u`".to_string()]];
        let chart = render(&flow, &changed, &failing).unwrap();
        assert!(chart.contains("n1[\"m#quot;e#lt;n#gt;u#96;<br/>menu\"]"), "{chart}");
        assert!(chart.contains("n1 -->|\"1\"| n2"), "{chart}");
        assert!(chart.contains("class n2 changed"));
        assert!(chart.contains("class n0,n1 failing"));
        assert!(chart.contains("linkStyle 0 stroke"));
        assert!(!chart.contains('`'));
    }

    #[test]
    fn directives_and_statements_in_ids_stay_inert() {
        let hostile = "x%%{init: {\"securityLevel\": \"loose\"}}%%\"];click n0 call alert(1);%%";
        let flow = json!({"elements": [{"id": "start", "type": "start"}, {"id": hostile, "type": "menu%%{init}%%"}],
          "edges": [{"from": "start", "to": hostile, "on": "1%%{init: {}}%%\nclick n1 href \"javascript:x\""}]});
        let chart = render(&flow, &BTreeSet::new(), &[]).unwrap();
        assert!(!chart.contains('%'), "{chart}");
        assert!(!chart.contains("\"];") && chart.contains("#quot;]#59;click"), "{chart}");
        // Every line is one of ours: a node, an edge, a class definition; none starts with `click`.
        for line in chart.lines().skip(1) {
            let line = line.trim_start();
            assert!(
                line.starts_with('n') || line.starts_with("classDef") || line.starts_with("class "),
                "{line}"
            );
        }
        assert_eq!(chart.matches("\"]").count(), 2, "each label closes once: {chart}");
    }
}
