//! CXF025 menu-too-deep: a caller must pass more menus and inputs than the limit to reach an element.

use super::Context;
use crate::diagnostic::Finding;
use crate::registry::Rule;

/// At most this many ids of the deepest path are named.
const NAMED: usize = 24;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let elements = &cx.flow.elements;
    let (depths, previous) = cx.graph.least_counts(|i| elements[i].kind.takes_input());
    let limit = cx.limits.max_menu_depth;
    let deepest = depths
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.map(|d| (d, i)))
        .max_by_key(|&(d, i)| (d, std::cmp::Reverse(i)));
    let Some((depth, element)) = deepest.filter(|&(d, _)| d > limit) else {
        return;
    };
    let mut path = vec![element];
    let mut current = element;
    while let Some(before) = previous[current] {
        path.push(before);
        current = before;
    }
    path.reverse();
    let mut names: Vec<&str> = path.iter().map(|&i| elements[i].short_name()).collect();
    if names.len() > NAMED {
        names.splice(NAMED / 2..names.len() - NAMED / 2, ["…"]);
    }
    out.push(
        Finding::new(
            Rule::MenuTooDeep,
            elements[element].id.span,
            format!(
                "a caller passes {depth} {} to reach {}, over the limit of {limit}: {}",
                cx.flow.word("menus or inputs", "MENU actions"),
                cx.flow.named(&elements[element]),
                names.join(" → ")
            ),
        )
        .with_help("callers abandon deep menus; flatten the menu tree or raise --max-menu-depth"),
    );
}
