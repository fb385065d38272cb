//! A flow's diagram in Graphviz DOT: changed elements, failing call paths and elements no case
//! reaches highlighted, as the Mermaid writer does.

use std::fmt::Write;

use crate::report::diagram::{Diagram, Highlights};

/// Escapes text for inside a quoted DOT string (backslashes and quotes; line breaks as spaces).
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A diagram as a DOT digraph.
pub fn write(diagram: &Diagram, highlights: &Highlights) -> String {
    let mut out = String::from("digraph flow {\n  node [shape=box, fontname=\"Helvetica\"];\n");
    let node = |out: &mut String, i: usize, indent: &str| {
        let node = &diagram.nodes[i];
        let mut style = Vec::new();
        if highlights.uncovered.contains(&i) {
            style.push("style=\"dashed,filled\", fillcolor=\"#f6f8fa\", color=\"#8c959f\", fontcolor=\"#57606a\"");
        }
        if highlights.changed.contains(&i) {
            style.push("style=filled, fillcolor=\"#fff5b1\"");
        }
        if highlights.failing_nodes.contains(&i) {
            style.push("color=\"#cf222e\", penwidth=3");
        }
        let extra: String = style.iter().map(|s| format!(", {s}")).collect();
        let (title, kind) = (escaped(&node.title()), escaped(node.kind));
        let _ = writeln!(out, "{indent}n{i} [label=\"{title}\\n{kind}\"{extra}];");
    };
    for i in (0..diagram.nodes.len()).filter(|&i| diagram.group_of(i).is_none()) {
        node(&mut out, i, "  ");
    }
    for (g, group) in diagram.groups.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{g} {{\n    label=\"{}\";",
            escaped(group.title)
        );
        for &i in &group.nodes {
            node(&mut out, i, "    ");
        }
        out.push_str("  }\n");
    }
    for (l, link) in diagram.links.iter().enumerate() {
        let mut attributes = Vec::new();
        if let Some(on) = link.label {
            attributes.push(format!("label=\"{}\"", escaped(on)));
        }
        if link.rule {
            attributes.push("style=dashed".to_string());
        }
        if highlights.failing_links.contains(&l) {
            attributes.push("color=\"#cf222e\", penwidth=3".to_string());
        }
        let attributes = if attributes.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attributes.join(", "))
        };
        let _ = writeln!(out, "  n{} -> n{}{attributes};", link.from, link.to);
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nodes_links_and_highlights_are_quoted_and_styled() {
        let flow = json!({"elements": [{"id": "start", "type": "start"}, {"id": "m\"\\x", "type": "menu"}],
          "edges": [{"from": "start", "to": "m\"\\x", "on": "1\"]"}],
          "routingRules": [{"element": "m\"\\x", "action": {"goto": "start"}}]});
        let diagram = Diagram::of(&flow);
        let highlights = Highlights {
            uncovered: [1].into(),
            failing_links: [0].into(),
            ..Highlights::default()
        };
        let dot = write(&diagram, &highlights);
        assert!(
            dot.contains(r#"n1 [label="m\"\\x\nmenu", style="dashed,filled""#),
            "{dot}"
        );
        assert!(
            dot.contains(r##"n0 -> n1 [label="1\"]", color="#cf222e", penwidth=3];"##),
            "{dot}"
        );
        assert!(dot.contains(r#"n1 -> n0 [label="rule", style=dashed];"#), "{dot}");
        assert!(dot.starts_with("digraph flow {") && dot.ends_with("}\n"));
    }

    #[test]
    fn a_studio_action_is_titled_with_its_label() {
        let flow = json!({"elements": [{"id": "7", "type": "MENU", "label": "Main \"Menu\""}], "edges": []});
        let dot = write(&Diagram::of(&flow), &Highlights::default());
        assert!(dot.contains(r#"n0 [label="7 Main \"Menu\"\nMENU"];"#), "{dot}");
    }
}
