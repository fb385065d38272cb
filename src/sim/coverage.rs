//! Coverage: which elements a flow's cases visit and which edges they take.

use serde::Serialize;

use rustc_hash::FxHashMap;

use crate::flow::model::{ElementKind, Flow};
use crate::sim::engine::Call;
use crate::sim::ids::Ids;

/// Elements visited and edges taken by a flow's cases, and the elements no case reaches.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    pub elements: usize,
    pub elements_covered: usize,
    pub edges: usize,
    pub edges_covered: usize,
    /// Ids of the elements no case reaches, in file order.
    pub uncovered_elements: Ids,
    /// Indices (in `edges`) of the edges no case takes, in file order.
    #[serde(skip)]
    pub untaken_edges: Vec<u32>,
}

/// Elements visited and edges taken so far, one call at a time: the calls need not be kept.
#[derive(Debug)]
pub struct Tally {
    visited: Vec<bool>,
    taken: Vec<bool>,
}

impl Tally {
    pub fn new(flow: &Flow) -> Self {
        Tally {
            visited: vec![false; flow.elements.len()],
            taken: vec![false; flow.edges.len()],
        }
    }

    pub fn add(&mut self, call: &Call) {
        for step in &call.steps {
            self.visited[step.element] = true;
            if let Some(edge) = step.edge {
                self.taken[edge] = true;
            }
        }
    }

    /// The coverage of the calls added.
    pub fn coverage(self, flow: &Flow) -> Coverage {
        let Tally { mut visited, mut taken } = self;
        if flow.is_script() {
            cover_hold_loops(flow, &mut visited, &mut taken);
        }
        Coverage {
            elements: visited.len(),
            elements_covered: visited.iter().filter(|&&v| v).count(),
            edges: taken.len(),
            edges_covered: taken.iter().filter(|&&t| t).count(),
            uncovered_elements: flow
                .elements
                .iter()
                .zip(&visited)
                .filter(|(_, v)| !**v)
                .map(|(e, _)| e.id.value.as_str())
                .collect(),
            untaken_edges: (0..taken.len()).filter(|&e| !taken[e]).map(|e| e as u32).collect(),
        }
    }
}

impl Coverage {
    /// Coverage of a flow by a set of calls.
    pub fn of<'c>(flow: &Flow, calls: impl IntoIterator<Item = &'c Call>) -> Self {
        let mut tally = Tally::new(flow);
        calls.into_iter().for_each(|call| tally.add(call));
        tally.coverage(flow)
    }

    /// Lets the lists go (uncovered elements, untaken edges) and keeps the counts, for a report that
    /// will not show the lists.
    pub fn forget_lists(&mut self) {
        self.uncovered_elements = Ids::default();
        self.untaken_edges = Vec::new();
    }

    /// Elements covered, in percent (100 for a flow without elements).
    pub fn element_percent(&self) -> f64 {
        percent(self.elements_covered, self.elements)
    }

    /// Edges covered, in percent (100 for a flow without edges).
    pub fn edge_percent(&self) -> f64 {
        percent(self.edges_covered, self.edges)
    }
}

/// A Studio REQAGENT ends the call path, and its caller then waits in the hold loop behind it: a
/// case that reaches the REQAGENT covers the branches into that loop and its MUSIC actions.
fn cover_hold_loops(flow: &Flow, visited: &mut [bool], taken: &mut [bool]) {
    let index: FxHashMap<&str, usize> = flow
        .elements
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.value.as_str(), i))
        .collect();
    let is_hold = |i: usize| flow.elements[i].action.as_ref().is_some_and(|a| a.is_hold);
    let mut stack: Vec<usize> = (0..visited.len())
        .filter(|&i| visited[i] && flow.elements[i].kind == ElementKind::Queue)
        .collect();
    while let Some(at) = stack.pop() {
        let from = flow.elements[at].id.value.as_str();
        for (e, edge) in flow.edges.iter().enumerate() {
            let Some(&to) = index.get(edge.to.value.as_str()) else {
                continue;
            };
            if edge.from.value != from || !is_hold(to) {
                continue;
            }
            taken[e] = true;
            if !std::mem::replace(&mut visited[to], true) {
                stack.push(to);
            }
        }
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}
