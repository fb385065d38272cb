//! CXF013 duplicate-edge: two edges leave one element on the same outcome.

use rustc_hash::FxHashMap;

use super::Context;
use crate::diagnostic::Finding;
use crate::json::tape::same_bytes;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let edges = &cx.flow.edges;
    let label = |e: usize| edges[e].on.as_ref().map(|on| on.value.as_str());
    // Labels are a few bytes: compared in place, without a call to memcmp.
    let same_label = |a: usize, b: usize| match (label(a), label(b)) {
        (Some(a), Some(b)) => same_bytes(a.as_bytes(), b.as_bytes()),
        (a, b) => a.is_none() && b.is_none(),
    };
    // Edges from an element with a few out-edges are compared among them; the rest (edges from an
    // id no element has, or from an element with very many) through a map.
    let mut by_key: FxHashMap<(&str, Option<&str>), usize> = FxHashMap::default();
    for (i, edge) in edges.iter().enumerate() {
        let first = match cx.graph.ends.edges[i].0 {
            Some(from) if cx.graph.out_edges[from].len() <= 16 => cx.graph.out_edges[from]
                .iter()
                .copied()
                .take_while(|&e| e < i)
                .find(|&e| same_label(e, i)),
            _ => {
                let first = *by_key.entry((edge.from.value.as_str(), label(i))).or_insert(i);
                (first != i).then_some(first)
            }
        };
        let Some(first) = first else { continue };
        let on = edge
            .on
            .as_ref()
            .map_or("without a label".to_string(), |on| format!("on \"{}\"", on.value));
        let span = edge.on.as_ref().map_or(edge.from.span, |on| on.span);
        let message = if cx.flow.is_script() {
            let from = cx.graph.ends.edges[i].0.map(|e| &cx.flow.elements[e]);
            let from = from.map_or_else(|| format!("action {}", edge.from.value), |e| cx.flow.describe(e));
            format!("{from} already has a branch {on}")
        } else {
            format!("element \"{}\" already has an edge {on}", edge.from.value)
        };
        out.push(
            Finding::new(Rule::DuplicateEdge, span, message)
                .with_related(edges[first].span, "the first edge")
                .with_help("one edge per (from, on): the call can only take one"),
        );
    }
}
