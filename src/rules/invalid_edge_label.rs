//! CXF006 invalid-edge-label: an `on` label the source element cannot produce, or a missing one.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::{Edge, Element, ElementKind, Labels, MENU_KEYS};
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (edge, &(from, _)) in cx.flow.edges.iter().zip(&cx.graph.ends.edges) {
        let Some(from) = from else {
            continue;
        };
        let element = &cx.flow.elements[from];
        if element.action.is_some() {
            out.extend(script_menu_label(cx, element, edge));
            continue;
        }
        let kind = element.kind.name();
        let allowed: &[&str] = match element.kind.labels() {
            Labels::Single => {
                if let Some(on) = &edge.on {
                    out.push(
                        Finding::new(
                            Rule::InvalidEdgeLabel,
                            on.span,
                            format!(
                                "edge from {kind} element \"{}\" has `on` \"{}\", but a {kind} has one unlabelled exit",
                                edge.from.value, on.value
                            ),
                        )
                        .with_help("remove `on`"),
                    );
                }
                continue;
            }
            Labels::MenuKeys => &[],
            Labels::InputOutcomes => &["ok", "timeout", "invalid"],
            Labels::Default => &["default"],
            Labels::NoEdges | Labels::Unchecked => continue,
        };
        let expected = || {
            if allowed.is_empty() {
                "a key (0-9, *, #), \"timeout\" or \"invalid\"".to_string()
            } else {
                allowed
                    .iter()
                    .map(|l| format!("\"{l}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        match &edge.on {
            None => out.push(Finding::new(
                Rule::InvalidEdgeLabel,
                edge.from.span,
                format!(
                    "edge from {kind} element \"{}\" to \"{}\" has no `on` label (expected {})",
                    edge.from.value,
                    edge.to.value,
                    expected()
                ),
            )),
            Some(on) => {
                let ok = if allowed.is_empty() {
                    MENU_KEYS.contains(&on.value.as_str()) || on.value == "timeout" || on.value == "invalid"
                } else {
                    allowed.contains(&on.value.as_str())
                };
                if !ok {
                    out.push(
                        Finding::new(
                            Rule::InvalidEdgeLabel,
                            on.span,
                            format!("a {kind} cannot produce the outcome \"{}\"", on.value),
                        )
                        .with_help(format!("edges from a {kind} carry {}", expected())),
                    );
                }
            }
        }
    }
}

/// A Studio MENU's branches are `case` branches labelled with one key, and its `default`; other
/// actions' branch labels are free-form.
fn script_menu_label(cx: &Context, element: &Element, edge: &Edge) -> Option<Finding> {
    let on = edge.on.as_ref()?;
    let valid = element.kind != ElementKind::Menu || MENU_KEYS.contains(&on.value.as_str()) || on.value == "default";
    (!valid).then(|| {
        Finding::new(
            Rule::InvalidEdgeLabel,
            on.span,
            format!(
                "a `case` branch of {} is labelled \"{}\", but a MENU takes one key",
                cx.flow.describe_kind(element),
                on.value
            ),
        )
        .with_help(
            "label each `case` branch with one key (0-9, *, #); silence and other keys take the `default` branch",
        )
    })
}
