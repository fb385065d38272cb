//! CXF023 unhandled-input: a `menu` or `input` with no edge for silence or for a wrong entry.

use super::Context;
use crate::diagnostic::Finding;
use crate::flow::model::{ElementKind, MENU_KEYS, menu_key};
use crate::registry::Rule;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, element) in cx.flow.elements.iter().enumerate() {
        // A Studio MENU has one `default` branch for both (menu-without-default checks it).
        if !element.kind.takes_input() || element.action.is_some() {
            continue;
        }
        // One pass over the element's edges: silence, a wrong entry, and each key it has an edge for.
        let (mut timeout, mut invalid, mut keys) = (false, false, 0u16);
        for &e in &cx.graph.out_edges[i] {
            let Some(on) = &cx.flow.edges[e].on else { continue };
            match on.value.as_str() {
                "timeout" => timeout = true,
                "invalid" => invalid = true,
                label => keys |= menu_key(label).map_or(0, |key| 1 << key),
            }
        }
        let invalid_possible = match element.kind {
            ElementKind::Menu => keys != (1 << MENU_KEYS.len()) - 1,
            _ => element.min_digits.unwrap_or(1) > 1 || element.max_digits.is_some(),
        };
        let mut missing = Vec::new();
        if !timeout {
            missing.push("`timeout` (the caller stays silent)");
        }
        if invalid_possible && !invalid {
            missing.push(if element.kind == ElementKind::Menu {
                "`invalid` (a key with no edge of its own)"
            } else {
                "`invalid` (too few or too many digits)"
            });
        }
        if missing.is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                Rule::UnhandledInput,
                element.id.span,
                format!(
                    "{} \"{}\" has no edge for {}",
                    element.kind.name(),
                    element.id.value,
                    missing.join(" or ")
                ),
            )
            .with_help("such calls end in an implicit error; add the edge, usually to a retry prompt or an agent"),
        );
    }
}
