//! A flow's diagram as a Mermaid flowchart: changed elements, failing call paths and elements no
//! case reaches highlighted.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::Value;

use crate::check::FileReport;
use crate::report::diagram::{Diagram, Highlights, joined};
use crate::sim::run::CallSummary;

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

/// The diagram's source for a PR summary (flows up to `MAX_ELEMENTS`, the copies of the scripts a
/// script's calls follow included when `checked`, its file's report, keeps them), or why it is not
/// drawn.
pub fn render(
    flow: &Value,
    checked: Option<&FileReport>,
    changed: &BTreeSet<String>,
    failing_calls: &[&CallSummary],
) -> Result<String, String> {
    let (file, parts) = if crate::flow::script_view::is_script(flow) {
        ("script", "actions")
    } else {
        ("flow", "elements")
    };
    let flow = crate::flow::script_view::as_flow(flow);
    let diagram = match checked {
        Some(file) => Diagram::of_file(&flow, file),
        None => Diagram::of(&flow),
    };
    if diagram.nodes.len() > MAX_ELEMENTS {
        return Err(format!(
            "the {file} has {} {parts}; diagrams are drawn up to {MAX_ELEMENTS}",
            diagram.nodes.len()
        ));
    }
    let (failing_nodes, failing_links) = diagram.on_paths(failing_calls);
    let highlights = Highlights {
        changed: diagram.nodes_named(changed.iter().map(String::as_str)),
        failing_nodes,
        failing_links,
        uncovered: BTreeSet::new(),
    };
    Ok(write(&diagram, &highlights))
}

/// A diagram as a Mermaid flowchart.
pub fn write(diagram: &Diagram, highlights: &Highlights) -> String {
    let mut out = String::from("flowchart TD\n");
    let node = |out: &mut String, i: usize, indent: &str| {
        let node = &diagram.nodes[i];
        let _ = writeln!(
            out,
            "{indent}n{i}[\"{}<br/>{}\"]",
            label(&node.title()),
            label(node.kind)
        );
    };
    for i in (0..diagram.nodes.len()).filter(|&i| diagram.group_of(i).is_none()) {
        node(&mut out, i, "  ");
    }
    for (g, group) in diagram.groups.iter().enumerate() {
        let _ = writeln!(out, "  subgraph s{g}[\"{}\"]", label(group.title));
        for &i in &group.nodes {
            node(&mut out, i, "    ");
        }
        out.push_str("  end\n");
    }
    for link in &diagram.links {
        let arrow = if link.rule { "-.->" } else { "-->" };
        let (a, b) = (link.from, link.to);
        match link.label {
            Some(on) => {
                let _ = writeln!(out, "  n{a} {arrow}|\"{}\"| n{b}", label(on));
            }
            None => {
                let _ = writeln!(out, "  n{a} {arrow} n{b}");
            }
        }
    }
    out.push_str("  classDef changed fill:#fff5b1,stroke:#9a6700,stroke-width:2px\n");
    out.push_str("  classDef failing stroke:#cf222e,stroke-width:3px\n");
    if !highlights.uncovered.is_empty() {
        out.push_str("  classDef uncovered fill:#f6f8fa,stroke:#8c959f,stroke-dasharray:4 3,color:#57606a\n");
    }
    for (class, nodes) in [
        ("uncovered", &highlights.uncovered),
        ("changed", &highlights.changed),
        ("failing", &highlights.failing_nodes),
    ] {
        if !nodes.is_empty() {
            let _ = writeln!(out, "  class {} {class}", joined(nodes, "n", ","));
        }
    }
    if !highlights.failing_links.is_empty() {
        let links = joined(&highlights.failing_links, "", ",");
        let _ = writeln!(out, "  linkStyle {links} stroke:#cf222e,stroke-width:3px");
    }
    out
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
        let failing = CallSummary::through(&["start", "m\"e<n>u`"], &["", ""]);
        let chart = render(&flow, None, &changed, &[&failing]).unwrap();
        assert!(chart.contains("n1[\"m#quot;e#lt;n#gt;u#96;<br/>menu\"]"), "{chart}");
        assert!(chart.contains("n1 -->|\"1\"| n2"), "{chart}");
        assert!(chart.contains("class n2 changed"));
        assert!(chart.contains("class n0,n1 failing"));
        assert!(chart.contains("linkStyle 0 stroke"));
        assert!(!chart.contains('`'));
    }

    #[test]
    fn a_script_too_large_to_draw_is_counted_in_actions() {
        let actions: serde_json::Map<String, Value> = (1..=MAX_ELEMENTS + 1)
            .map(|id| (id.to_string(), json!({"actionId": id, "name": "PLAY"})))
            .collect();
        let script = json!({"header": {}, "actions": actions, "branches": {}});
        let why = render(&script, None, &BTreeSet::new(), &[]).unwrap_err();
        assert_eq!(
            why,
            format!(
                "the script has {} actions; diagrams are drawn up to {MAX_ELEMENTS}",
                MAX_ELEMENTS + 1
            )
        );
    }

    #[test]
    fn only_the_edge_the_failing_call_took_is_red() {
        let flow = json!({"elements": [{"id": "start", "type": "start"}, {"id": "m", "type": "menu"},
            {"id": "q", "type": "queue"}],
          "edges": [{"from": "start", "to": "m"}, {"from": "m", "to": "q", "on": "1"}, {"from": "m", "to": "q", "on": "2"}]});
        let failing = CallSummary::through(&["start", "m", "q"], &["", "2", ""]);
        let chart = render(&flow, None, &BTreeSet::new(), &[&failing]).unwrap();
        assert!(chart.contains("linkStyle 0,2 stroke"), "{chart}");
    }

    #[test]
    fn directives_and_statements_in_ids_stay_inert() {
        let hostile = "x%%{init: {\"securityLevel\": \"loose\"}}%%\"];click n0 call alert(1);%%";
        let flow = json!({"elements": [{"id": "start", "type": "start"}, {"id": hostile, "type": "menu%%{init}%%"}],
          "edges": [{"from": "start", "to": hostile, "on": "1%%{init: {}}%%\nclick n1 href \"javascript:x\""}]});
        let chart = render(&flow, None, &BTreeSet::new(), &[]).unwrap();
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
