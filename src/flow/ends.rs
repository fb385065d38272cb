//! Where a flow's ids lead: each edge's and routing rule's ends, and each element's first namesake,
//! found in one pass over the ids and shared by the rules' graph, the simulation engine and the
//! test file's checks.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rustc_hash::FxBuildHasher;

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
    /// The first element with each id, by index, found by the id's hash: the ids themselves stay
    /// in the flow (a slot is four bytes, and nothing here borrows the flow).
    index: HashTable<u32>,
}

impl Ends {
    pub fn of(flow: &Flow) -> Self {
        let mut index = HashTable::with_capacity(flow.elements.len());
        let first_with_id = flow
            .elements
            .iter()
            .enumerate()
            .map(|(i, element)| {
                let wanted = element.id.value.as_str();
                let rehash = |&j: &u32| hash(id(flow, j).unwrap_or_default());
                match index.entry(hash(wanted), has_id(flow, wanted), rehash) {
                    Entry::Occupied(first) => *first.get() as usize,
                    Entry::Vacant(slot) => {
                        // An element's position fits: the parser keeps a text under 512 MiB.
                        slot.insert(i as u32);
                        i
                    }
                }
            })
            .collect();
        let mut ends = Ends {
            first_with_id,
            edges: Vec::new(),
            rules: Vec::new(),
            index,
        };
        ends.edges = flow
            .edges
            .iter()
            .map(|edge| (ends.find(flow, &edge.from.value), ends.find(flow, &edge.to.value)))
            .collect();
        ends.rules = flow
            .routing_rules
            .iter()
            .map(|rule| {
                (
                    ends.find(flow, &rule.element.value),
                    rule.goto.as_ref().and_then(|g| ends.find(flow, &g.value)),
                )
            })
            .collect();
        ends
    }

    /// The first element of `flow` (the flow these ends were found in) with the id `wanted`.
    pub fn find(&self, flow: &Flow, wanted: &str) -> Option<usize> {
        self.index.find(hash(wanted), has_id(flow, wanted)).map(|&j| j as usize)
    }
}

/// The id of element `i`, if the flow has it.
fn id(flow: &Flow, i: u32) -> Option<&str> {
    flow.elements.get(i as usize).map(|e| e.id.value.as_str())
}

/// Whether the element a slot names has the id `wanted`.
fn has_id<'a>(flow: &'a Flow, wanted: &'a str) -> impl Fn(&u32) -> bool + 'a {
    move |&j| id(flow, j).is_some_and(|id| same_bytes(id.as_bytes(), wanted.as_bytes()))
}

/// An id's hash, from its text.
fn hash(id: &str) -> u64 {
    FxBuildHasher.hash_one(id)
}

#[cfg(test)]
mod tests {
    use compact_str::CompactString;
    use proptest::prelude::*;

    use super::*;
    use crate::flow::model::{Edge, Element, ElementKind, RoutingRule};
    use crate::source::{Span, Spanned};

    fn spanned(id: &str) -> Spanned<CompactString> {
        Spanned::new(id.into(), Span::default())
    }

    /// Where a linear search finds an id first.
    fn first(ids: &[String], wanted: &str) -> Option<usize> {
        ids.iter().position(|id| id == wanted)
    }

    proptest! {
        /// Ids drawn from a few letters, long and short, so they repeat, differ in one byte or
        /// only in length: every end is the first element with the id, as a linear search finds.
        #[test]
        fn each_id_leads_to_its_first_element(
            ids in prop::collection::vec("[ab]{0,3}|[ab]{15,18}", 0..40),
            asked in prop::collection::vec("[ab]{0,3}|[ab]{15,18}", 0..40),
        ) {
            let flow = Flow {
                elements: ids
                .iter()
                .map(|id| Element::new(spanned(id), ElementKind::Play, Span::default(), Span::default()))
                .collect(),
                edges: asked
                .chunks(2)
                .map(|pair| Edge {
                    from: spanned(&pair[0]),
                    to: spanned(pair.get(1).unwrap_or(&pair[0])),
                    on: None,
                    span: Span::default(),
                })
                .collect(),
                routing_rules: asked
                .iter()
                .map(|id| RoutingRule {
                    element: spanned(id),
                    condition: None,
                    goto: Some(spanned(&ids.first().cloned().unwrap_or_default())),
                    span: Span::default(),
                })
                .collect(),
                ..Flow::default()
            };
            let ends = Ends::of(&flow);
            for (i, id) in ids.iter().enumerate() {
                prop_assert_eq!(ends.first_with_id[i], first(&ids, id).unwrap());
            }
            for (edge, &(from, to)) in flow.edges.iter().zip(&ends.edges) {
                prop_assert_eq!(from, first(&ids, &edge.from.value));
                prop_assert_eq!(to, first(&ids, &edge.to.value));
            }
            for (rule, &(at, goto)) in flow.routing_rules.iter().zip(&ends.rules) {
                prop_assert_eq!(at, first(&ids, &rule.element.value));
                prop_assert_eq!(goto, first(&ids, &rule.goto.as_ref().unwrap().value));
            }
            for wanted in &asked {
                prop_assert_eq!(ends.find(&flow, wanted), first(&ids, wanted));
            }
        }
    }
}
