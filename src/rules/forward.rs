//! A forward pass over a script from BEGIN to a fixed point: what may hold when each action runs,
//! as a set of facts that only grows along the paths, or anything at all.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use super::Context;
use crate::flow::model::Element;

/// What may hold when an action runs: nothing yet (no path reaches it), these facts, or anything.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) enum Facts<T> {
    #[default]
    Unreached,
    Some(T),
    Any,
}

/// Facts that two paths join into one by union.
pub(super) trait Union: Clone + PartialEq {
    fn union(&self, other: &Self) -> Self;
}

impl Union for BTreeSet<String> {
    fn union(&self, other: &Self) -> Self {
        self | other
    }
}

/// Values in the order they were first met.
impl Union for Vec<Json> {
    fn union(&self, other: &Self) -> Self {
        let mut all = self.clone();
        all.extend(other.iter().filter(|v| !self.contains(v)).cloned());
        all
    }
}

impl<T: Union> Facts<T> {
    /// Joins what another path brings; whether that changed anything.
    fn join(&mut self, other: &Facts<T>) -> bool {
        let joined = match (&*self, other) {
            (_, Facts::Unreached) | (Facts::Any, _) => return false,
            (_, Facts::Any) => Facts::Any,
            (Facts::Unreached, other) => other.clone(),
            (Facts::Some(mine), Facts::Some(theirs)) => Facts::Some(mine.union(theirs)),
        };
        let changed = joined != *self;
        *self = joined;
        changed
    }
}

/// The facts before each action: `at_start` at `start`, then each action's `after` carried along
/// every branch until nothing changes.
pub(super) fn before_each<T: Union>(
    cx: &Context,
    start: usize,
    at_start: Facts<T>,
    after: impl Fn(&Element, &Facts<T>) -> Facts<T>,
) -> Vec<Facts<T>> {
    let mut before = vec![Facts::Unreached; cx.flow.elements.len()];
    before[start] = at_start;
    let mut work = vec![start];
    while let Some(i) = work.pop() {
        let after = after(&cx.flow.elements[i], &before[i]);
        for &next in &cx.graph.successors[i] {
            if before[next].join(&after) {
                work.push(next);
            }
        }
    }
    before
}
