//! CXF013 duplicate-edge: two edges leave one element on the same outcome.

use rustc_hash::FxHashMap;

use super::Context;
use crate::diagnostic::Finding;
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut first_edge: FxHashMap<(&str, Option<&str>), usize> = FxHashMap::default();
    for (i, edge) in cx.flow.edges.iter().enumerate() {
        let key = (edge.from.value.as_str(), edge.on.as_ref().map(|on| on.value.as_str()));
        let Some(&first) = first_edge.get(&key) else {
            first_edge.insert(key, i);
            continue;
        };
        let on = edge
            .on
            .as_ref()
            .map_or("without a label".to_string(), |on| format!("on \"{}\"", on.value));
        let span = edge.on.as_ref().map_or(edge.from.span, |on| on.span);
        let message = if cx.flow.is_script() {
            format!("action {} already has a branch {on}", edge.from.value)
        } else {
            format!("element \"{}\" already has an edge {on}", edge.from.value)
        };
        out.push(
            Finding::new(Rule::DuplicateEdge, span, message)
                .with_related(cx.flow.edges[first].span, "the first edge")
                .with_help("one edge per (from, on): the call can only take one"),
        );
    }
}
