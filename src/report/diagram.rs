//! A flow as a diagram: its elements as nodes, its edges and rule gotos as links, and which of them
//! to highlight (changed, on a failing call, reached by no case). `mermaid.rs` and `dot.rs` write it.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::check::FileReport;
use crate::flow::model::Flow;
use crate::sim::run::CallSummary;

/// One element.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'v> {
    pub id: &'v str,
    pub kind: &'v str,
    /// A Studio action's label.
    pub label: Option<&'v str>,
}

impl Node<'_> {
    /// How a diagram titles the node: its id, and a Studio action's label after it (`7 Main Menu`).
    pub fn title(&self) -> String {
        match self.label {
            Some(label) => format!("{} {label}", self.id),
            None => self.id.to_string(),
        }
    }
}

/// One edge (with its `on` label) or rule goto (labelled `rule`, drawn dashed).
#[derive(Debug, Clone, PartialEq)]
pub struct Link<'v> {
    pub from: usize,
    pub to: usize,
    pub label: Option<&'v str>,
    pub rule: bool,
}

/// The copy of a called script, drawn as a box of its own: its name as the copy's ids are
/// prefixed (`Acme_Caller_Tier`, `Tier/Lookup` for a script that script calls) and its nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Group<'v> {
    pub title: &'v str,
    pub nodes: Vec<usize>,
}

/// A flow's nodes and links, read from its JSON (a Studio script through
/// [`crate::flow::script_view::as_flow`]; the first element of a duplicated id stands for
/// it; links to ids that are no element are left out), and the scripts its calls follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram<'v> {
    pub nodes: Vec<Node<'v>>,
    pub links: Vec<Link<'v>>,
    /// The called scripts' copies, each node in at most one (none for a flow file).
    pub groups: Vec<Group<'v>>,
}

/// What to highlight, by node and link position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlights {
    pub changed: BTreeSet<usize>,
    pub failing_nodes: BTreeSet<usize>,
    pub failing_links: BTreeSet<usize>,
    pub uncovered: BTreeSet<usize>,
}

fn text<'v>(value: &'v Value, field: &str) -> &'v str {
    value.get(field).and_then(Value::as_str).unwrap_or_default()
}

impl<'v> Diagram<'v> {
    pub fn of(flow: &'v Value) -> Self {
        let mut nodes = Vec::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for element in flow.get("elements").and_then(Value::as_array).into_iter().flatten() {
            let id = text(element, "id");
            if position.contains_key(id) {
                continue;
            }
            position.insert(id, nodes.len());
            nodes.push(Node {
                id,
                kind: text(element, "type"),
                label: element.get("label").and_then(Value::as_str),
            });
        }
        let edges = flow.get("edges").and_then(Value::as_array).into_iter().flatten();
        let edges = edges.map(|e| {
            (
                text(e, "from"),
                text(e, "to"),
                e.get("on").and_then(Value::as_str),
                false,
            )
        });
        let rules = flow.get("routingRules").and_then(Value::as_array).into_iter().flatten();
        let rules = rules.map(|r| {
            let goto = r.get("action").map(|a| text(a, "goto")).unwrap_or_default();
            (text(r, "element"), goto, Some("rule"), true)
        });
        let links = edges
            .chain(rules)
            .filter_map(|(from, to, label, rule)| {
                Some(Link {
                    from: *position.get(from)?,
                    to: *position.get(to)?,
                    label,
                    rule,
                })
            })
            .collect();
        Diagram {
            nodes,
            links,
            groups: Vec::new(),
        }
    }

    /// The diagram of a checked file from its JSON `view` ([`crate::flow::script_view::as_flow`]), with
    /// the scripts its calls follow when the report keeps them.
    pub fn of_file(view: &'v Value, file: &'v FileReport) -> Self {
        let diagram = Diagram::of(view);
        match (file.model.as_deref(), file.expanded.as_deref()) {
            (Some(root), Some(expanded)) => diagram.with_called_scripts(root, expanded),
            _ => diagram,
        }
    }

    /// The diagram of a script `root` with the copies of the scripts its calls follow
    /// (`expanded`, from [`crate::studio::subscript::expand`], which appends them to `root`'s
    /// actions and branches): each copy a group, wired by the `sub-script` branch from the call
    /// into its BEGIN and the `return` branches from its RETURNs back to the call.
    fn with_called_scripts(mut self, root: &Flow, expanded: &'v Flow) -> Self {
        let copied = expanded.elements.get(root.elements.len()..).unwrap_or_default();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            position.entry(node.id).or_insert(i);
        }
        for element in copied {
            let id = element.id.value.as_str();
            let Some((title, _)) = id.rsplit_once('/') else {
                continue;
            };
            let action = element.action.as_deref();
            let label = action.and_then(|a| a.label.as_deref());
            let label = label.map(|l| l.strip_prefix(title).and_then(|l| l.strip_prefix('/')).unwrap_or(l));
            position.entry(id).or_insert(self.nodes.len());
            match self.groups.iter_mut().find(|g| g.title == title) {
                Some(group) => group.nodes.push(self.nodes.len()),
                None => self.groups.push(Group {
                    title,
                    nodes: vec![self.nodes.len()],
                }),
            }
            self.nodes.push(Node {
                id,
                kind: action.map_or("", |a| a.name.as_str()),
                label,
            });
        }
        for edge in expanded.edges.get(root.edges.len()..).unwrap_or_default() {
            let ends = (
                position.get(edge.from.value.as_str()),
                position.get(edge.to.value.as_str()),
            );
            if let (Some(&from), Some(&to)) = ends {
                self.links.push(Link {
                    from,
                    to,
                    label: edge.on.as_ref().map(|on| on.value.as_str()),
                    rule: false,
                });
            }
        }
        self
    }

    /// The group a node is drawn in, if any.
    pub fn group_of(&self, node: usize) -> Option<usize> {
        self.groups.iter().position(|g| g.nodes.contains(&node))
    }

    /// The positions of the nodes with these ids.
    pub fn nodes_named<'i>(&self, ids: impl IntoIterator<Item = &'i str>) -> BTreeSet<usize> {
        let wanted: BTreeSet<&str> = ids.into_iter().collect();
        (0..self.nodes.len())
            .filter(|&i| wanted.contains(self.nodes[i].id))
            .collect()
    }

    /// Nodes and links that the calls go through: a link when its two ends are consecutive on a
    /// call's path and it is the way the call left (the edge's `on`, or `rule`), so of two links
    /// between the same elements only the one taken is marked.
    pub fn on_paths(&self, calls: &[&CallSummary]) -> (BTreeSet<usize>, BTreeSet<usize>) {
        let steps: BTreeSet<(&str, &str, &str)> = calls
            .iter()
            .flat_map(|call| {
                let from = call.path.iter().zip(call.exits.iter());
                from.zip(call.path.iter().skip(1))
                    .map(|((from, exit), to)| (from, to, exit))
            })
            .collect();
        let nodes = self.nodes_named(calls.iter().flat_map(|call| call.path.iter()));
        let links = (0..self.links.len())
            .filter(|&l| {
                let link = &self.links[l];
                let exit = link.label.unwrap_or_default();
                steps.contains(&(self.nodes[link.from].id, self.nodes[link.to].id, exit))
            })
            .collect();
        (nodes, links)
    }
}

/// Node and link positions, joined as a writer's list: `n0,n3` (or `0,3`).
pub fn joined(positions: &BTreeSet<usize>, prefix: &str, separator: &str) -> String {
    positions
        .iter()
        .map(|p| format!("{prefix}{p}"))
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A script's JSON and its loaded model.
    fn script(actions: &[crate::test_script::TestAction]) -> (Value, Flow) {
        let text = String::from_utf8(crate::test_script::script(actions)).unwrap();
        let json: Value = serde_json::from_str(&text).unwrap();
        let tape = crate::json::Tape::parse(&text).unwrap();
        (json, crate::studio::load::load(tape.root()).0)
    }

    #[test]
    fn each_followed_call_s_copy_is_a_group_wired_in_and_back_and_a_missing_one_is_no_group() {
        use std::sync::Arc;

        use crate::studio::subscript::{Found, expand};
        let (root_json, root) = script(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (2, "RUNSUB", json!({"ScriptName": "Tier"}), &[("", 3)]),
            (3, "RUNSUB", json!({"ScriptName": "Gone"}), &[("", 4)]),
            (4, "HANGUP", json!({}), &[]),
        ]);
        let (_, tier) = script(&[
            (1, "BEGIN", json!({}), &[("", 2)]),
            (2, "RUNSUB", json!({"ScriptName": "Inner"}), &[("", 3)]),
            (3, "RETURN", json!({}), &[]),
        ]);
        let (_, inner) = script(&[(1, "BEGIN", json!({}), &[("", 2)]), (2, "RETURN", json!({}), &[])]);
        let (tier, inner) = (Arc::new(tier), Arc::new(inner));
        let mut find = |name: &str| match name {
            "Tier" => Found::Script(tier.clone()),
            "Inner" => Found::Script(inner.clone()),
            _ => Found::Missing,
        };
        let expanded = expand(&root, "main", &mut find).unwrap().flow;
        let view = crate::flow::script_view::as_flow(&root_json);
        let alone = Diagram::of(&view);
        let diagram = alone.clone().with_called_scripts(&root, &expanded);
        assert_eq!(
            diagram.nodes[..4],
            alone.nodes[..],
            "the script's own nodes come first, as they were"
        );
        assert_eq!(diagram.links[..alone.links.len()], alone.links[..]);
        let titles: Vec<&str> = diagram.groups.iter().map(|g| g.title).collect();
        assert_eq!(titles, ["Tier", "Tier/Inner"], "the call of Gone is no group");
        assert_eq!(diagram.groups[0].nodes, [4, 5, 6]);
        let titled = |i: usize| diagram.nodes[i].title();
        assert_eq!(titled(5), "Tier/2 A2", "the label without the prefix, the id with it");
        assert_eq!(diagram.nodes[5].kind, "RUNSUB");
        let link = |from: &str, to: &str, on: &str| {
            let id = |i: usize| diagram.nodes[i].id;
            diagram
                .links
                .iter()
                .any(|l| (id(l.from), id(l.to), l.label) == (from, to, Some(on)))
        };
        assert!(link("2", "Tier/1", "sub-script") && link("Tier/3", "2", "return"));
        assert!(link("Tier/2", "Tier/Inner/1", "sub-script") && link("Tier/Inner/2", "Tier/2", "return"));
        assert!(link("Tier/1", "Tier/2", "default"));
        assert!(
            !diagram
                .links
                .iter()
                .any(|l| l.from == 2 && l.label == Some("sub-script"))
        );
    }

    #[test]
    fn nodes_links_and_paths() {
        let flow = json!({"elements": [{"id": "start", "type": "start"}, {"id": "m", "type": "menu"},
            {"id": "q", "type": "queue"}, {"id": "m", "type": "play"}],
          "edges": [{"from": "start", "to": "m"}, {"from": "m", "to": "q", "on": "1"}, {"from": "m", "to": "x", "on": "2"}],
          "routingRules": [{"element": "m", "action": {"goto": "q"}}]});
        let diagram = Diagram::of(&flow);
        assert_eq!(diagram.nodes.len(), 3, "a duplicated id is one node");
        assert_eq!(diagram.links.len(), 3, "the edge to an unknown id is left out");
        assert!(diagram.links[2].rule && diagram.links[2].label == Some("rule"));
        let by_key = CallSummary::through(&["start", "m", "q"], &["", "1", ""]);
        let (nodes, links) = diagram.on_paths(&[&by_key]);
        assert_eq!(nodes, [0, 1, 2].into());
        assert_eq!(links, [0, 1].into(), "m to q by key 1, not by the rule");
        let by_rule = CallSummary::through(&["start", "m", "q"], &["", "rule", ""]);
        assert_eq!(diagram.on_paths(&[&by_rule]).1, [0, 2].into(), "m to q by the rule");
    }
}
