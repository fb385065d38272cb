//! Where a flow's ids lead: each edge's and routing rule's ends, and each element's first namesake,
//! found in one pass over the ids and shared by the rules' graph and the simulation engine.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap;

use crate::flow::model::Flow;
use crate::json::tape::same_bytes;

/// The elements a flow's ids name, by index in `flow.elements`.
#[derive(Debug)]
pub struct Ends {
    /// Per element, the index of the first element with its id (itself unless it repeats an id).
    pub first_with_id: Vec<usize>,
    /// Per edge, the elements its `from` and `to` name (`None`: no such element).
    pub edges: Vec<(Option<usize>, Option<usize>)>,
    /// Per routing rule, the elements its `element` and its `goto` name (`None`: no such element,
    /// or no `goto`).
    pub rules: Vec<(Option<usize>, Option<usize>)>,
}

impl Ends {
    pub fn of(flow: &Flow) -> Self {
        let mut index: FxHashMap<Id, usize> =
            FxHashMap::with_capacity_and_hasher(flow.elements.len(), Default::default());
        let first_with_id = flow
            .elements
            .iter()
            .enumerate()
            .map(|(i, element)| *index.entry(Id(&element.id.value)).or_insert(i))
            .collect();
        let find = |id: &str| index.get(&Id(id)).copied();
        Ends {
            first_with_id,
            edges: flow
                .edges
                .iter()
                .map(|edge| (find(&edge.from.value), find(&edge.to.value)))
                .collect(),
            rules: flow
                .routing_rules
                .iter()
                .map(|rule| {
                    (
                        find(&rule.element.value),
                        rule.goto.as_ref().and_then(|g| find(&g.value)),
                    )
                })
                .collect(),
        }
    }
}

/// An id as a key of the map: hashed as its text, and compared without a call to memcmp (ids are
/// short, and a flow's ids are looked up hundreds of times).
#[derive(Debug, Clone, Copy)]
struct Id<'a>(&'a str);

impl PartialEq for Id<'_> {
    fn eq(&self, other: &Self) -> bool {
        same_bytes(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl Eq for Id<'_> {}

impl Hash for Id<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}
