//! The flow as a graph: adjacency over edges and routing gotos, reachability, cycles and menu depth.

use std::collections::VecDeque;
use std::ops::Index;

use crate::flow::ends::Ends;
use crate::flow::model::{ElementKind, Flow};

/// Adjacency and derived facts of a flow, indexed by element position in `flow.elements`.
pub struct Graph<'a> {
    /// The elements the ids of edges and routing rules name.
    pub ends: &'a Ends,
    /// Outgoing edge indices per element.
    pub out_edges: Adjacency,
    /// Routing rule indices per element (rules naming an existing element).
    pub rules_of: Adjacency,
    /// Successor elements per element (edges and routing gotos), deduplicated, in file order.
    pub successors: Adjacency,
    /// The first `start` element.
    pub start: Option<usize>,
    /// Whether each element can be reached from `start`.
    pub reachable: Vec<bool>,
}

impl<'a> Graph<'a> {
    pub fn new(flow: &Flow, ends: &'a Ends) -> Self {
        let n = flow.elements.len();
        // (element, item) pairs straight from the ends, gone through without being gathered.
        let leaving = |ends: &'a [(Option<usize>, Option<usize>)]| {
            ends.iter()
                .enumerate()
                .filter_map(|(item, &(from, _))| Some((from?, item)))
        };
        let linked =
            |ends: &'a [(Option<usize>, Option<usize>)]| ends.iter().filter_map(|&(from, to)| Some((from?, to?)));
        let out_edges = Adjacency::from_pairs(n, leaving(&ends.edges));
        let rules_of = Adjacency::from_pairs(n, leaving(&ends.rules));
        let successors = Adjacency::from_pairs(n, linked(&ends.edges).chain(linked(&ends.rules))).deduplicated();
        let start = flow.elements.iter().position(|e| e.kind == ElementKind::Start);
        let mut graph = Graph {
            ends,
            out_edges,
            rules_of,
            successors,
            start,
            reachable: vec![false; n],
        };
        graph.reachable = graph.reach_from(start);
        graph
    }

    fn reach_from(&self, start: Option<usize>) -> Vec<bool> {
        let mut seen = vec![false; self.successors.len()];
        let mut stack: Vec<usize> = start.into_iter().collect();
        while let Some(node) = stack.pop() {
            if std::mem::replace(&mut seen[node], true) {
                continue;
            }
            stack.extend(self.successors[node].iter().filter(|&&s| !seen[s]));
        }
        seen
    }

    /// Whether each element can reach some element for which `is_target` holds.
    pub fn can_reach(&self, is_target: impl Fn(usize) -> bool) -> Vec<bool> {
        let n = self.successors.len();
        let reversed = self
            .successors
            .iter()
            .enumerate()
            .flat_map(|(from, succ)| succ.iter().map(move |&to| (to, from)));
        let predecessors = Adjacency::from_pairs(n, reversed);
        let mut reaches = vec![false; n];
        let mut stack: Vec<usize> = (0..n).filter(|&i| is_target(i)).collect();
        while let Some(node) = stack.pop() {
            if std::mem::replace(&mut reaches[node], true) {
                continue;
            }
            stack.extend(predecessors[node].iter().filter(|&&p| !reaches[p]));
        }
        reaches
    }

    /// Strongly connected components of the subgraph of elements where `keep` holds that contain a
    /// cycle (more than one element, or one element that leads to itself). Each is sorted by index.
    pub fn cycles_within(&self, keep: impl Fn(usize) -> bool) -> Vec<Vec<usize>> {
        let n = self.successors.len();
        let kept: Vec<bool> = (0..n).map(&keep).collect();
        if !self.has_cycle_within(&kept) {
            return Vec::new();
        }
        let mut order = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut components = Vec::new();
        let mut counter = 0;
        // Iterative Tarjan: (node, next successor position).
        let mut work = Vec::new();
        for root in (0..n).filter(|&i| kept[i]) {
            if order[root] != usize::MAX {
                continue;
            }
            work.push((root, 0usize));
            while let Some(&mut (node, ref mut next)) = work.last_mut() {
                if *next == 0 && order[node] == usize::MAX {
                    order[node] = counter;
                    low[node] = counter;
                    counter += 1;
                    stack.push(node);
                    on_stack[node] = true;
                }
                if let Some(&succ) = self.successors[node].get(*next) {
                    *next += 1;
                    if !kept[succ] {
                        continue;
                    }
                    if order[succ] == usize::MAX {
                        work.push((succ, 0));
                    } else if on_stack[succ] {
                        low[node] = low[node].min(order[succ]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[node]);
                }
                if low[node] == order[node] {
                    let mut component = Vec::new();
                    while let Some(member) = stack.pop() {
                        on_stack[member] = false;
                        component.push(member);
                        if member == node {
                            break;
                        }
                    }
                    let cyclic = component.len() > 1 || self.successors[node].contains(&node);
                    if cyclic {
                        component.sort_unstable();
                        components.push(component);
                    }
                }
            }
        }
        components.sort();
        components
    }

    /// Whether the subgraph of the `kept` elements has a cycle: what is left once the elements no
    /// kept element leads to are taken away, again and again (Kahn's peeling). Cheaper than finding
    /// the components, and most flows have no such cycle.
    fn has_cycle_within(&self, kept: &[bool]) -> bool {
        let mut entries = vec![0u32; kept.len()];
        for (successors, _) in self.successors.iter().zip(kept).filter(|&(_, &k)| k) {
            for &succ in successors.iter().filter(|&&succ| kept[succ]) {
                entries[succ] += 1;
            }
        }
        let mut free: Vec<usize> = (0..kept.len()).filter(|&i| kept[i] && entries[i] == 0).collect();
        let mut left = kept.iter().filter(|&&k| k).count();
        while let Some(node) = free.pop() {
            left -= 1;
            for &succ in self.successors[node].iter().filter(|&&succ| kept[succ]) {
                entries[succ] -= 1;
                if entries[succ] == 0 {
                    free.push(succ);
                }
            }
        }
        left > 0
    }

    /// For each element reachable from `start`, the least number of elements where `counts` holds that
    /// a call passes before reaching it (the element itself not counted), with the predecessor on such
    /// a least path. A 0-1 breadth-first search: independent of edge order, well defined with cycles.
    pub fn least_counts(&self, counts: impl Fn(usize) -> bool) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
        let n = self.successors.len();
        let mut depth: Vec<Option<usize>> = vec![None; n];
        let mut previous = vec![None; n];
        let Some(start) = self.start else {
            return (depth, previous);
        };
        let mut done = vec![false; n];
        let mut queue = VecDeque::from([start]);
        depth[start] = Some(0);
        while let Some(node) = queue.pop_front() {
            if std::mem::replace(&mut done[node], true) {
                continue;
            }
            let Some(here) = depth[node] else { continue };
            let weight = usize::from(counts(node));
            for &succ in &self.successors[node] {
                let candidate = here + weight;
                if depth[succ].is_none_or(|d| candidate < d) {
                    depth[succ] = Some(candidate);
                    previous[succ] = Some(node);
                    if weight == 0 {
                        queue.push_front(succ);
                    } else {
                        queue.push_back(succ);
                    }
                }
            }
        }
        (depth, previous)
    }
}

/// A list of indices per element, all stored end to end in one vector (no allocation per element).
#[derive(Debug, Clone)]
pub struct Adjacency {
    /// Where each element's list starts in `items`; one more entry for the end.
    starts: Vec<usize>,
    items: Vec<usize>,
}

impl Adjacency {
    /// The lists of `n` elements from `(element, item)` pairs, each list in the pairs' order. The
    /// pairs are gone through twice (to count, then to place), never gathered.
    fn from_pairs(n: usize, pairs: impl Iterator<Item = (usize, usize)> + Clone) -> Self {
        // Counted one place to the right, each list's start ends up where the next list's cursor
        // begins: placing the items moves each start to its own list's end, the next one's start.
        let mut starts = vec![0; n + 2];
        for (element, _) in pairs.clone() {
            starts[element + 2] += 1;
        }
        for i in 2..n + 2 {
            starts[i] += starts[i - 1];
        }
        let mut items = vec![0; starts[n + 1]];
        for (element, item) in pairs {
            items[starts[element + 1]] = item;
            starts[element + 1] += 1;
        }
        starts.pop();
        Adjacency { starts, items }
    }

    /// The same lists with each item kept once, at its first place.
    fn deduplicated(self) -> Self {
        let mut starts = Vec::with_capacity(self.starts.len());
        let mut items = Vec::with_capacity(self.items.len());
        starts.push(0);
        for list in self.iter() {
            let first = items.len();
            for &item in list {
                if !items[first..].contains(&item) {
                    items.push(item);
                }
            }
            starts.push(items.len());
        }
        Adjacency { starts, items }
    }

    /// How many elements have a list.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every element's list, in element order.
    pub fn iter(&self) -> impl Iterator<Item = &[usize]> + Clone {
        self.starts.windows(2).map(|w| &self.items[w[0]..w[1]])
    }
}

impl Index<usize> for Adjacency {
    type Output = [usize];

    fn index(&self, element: usize) -> &[usize] {
        &self.items[self.starts[element]..self.starts[element + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::load::load;
    use crate::source::SourceFile;

    fn flow(elements: &[(&str, &str)], edges: &[(&str, &str)]) -> Flow {
        let elements: Vec<String> = elements
            .iter()
            .map(|(id, t)| format!(r#"{{"id":"{id}","type":"{t}","prompt":"p","queue":"q"}}"#))
            .collect();
        let edges: Vec<String> = edges
            .iter()
            .map(|(from, to)| format!(r#"{{"from":"{from}","to":"{to}"}}"#))
            .collect();
        let text = format!(
            r#"{{"flowId":"f","elements":[{}],"edges":[{}]}}"#,
            elements.join(","),
            edges.join(",")
        );
        let file = SourceFile::new("f.flow.json", text);
        load(crate::json::Tape::parse(&file.text).unwrap().root()).0
    }

    #[test]
    fn cycles_are_found_only_among_kept_elements() {
        let f = flow(
            &[
                ("s", "start"),
                ("a", "play"),
                ("b", "play"),
                ("m", "menu"),
                ("c", "play"),
            ],
            &[("s", "a"), ("a", "b"), ("b", "a"), ("m", "c"), ("c", "m"), ("c", "c")],
        );
        let ends = Ends::of(&f);
        let g = Graph::new(&f, &ends);
        assert_eq!(g.cycles_within(|_| true), vec![vec![1, 2], vec![3, 4]]);
        assert_eq!(g.cycles_within(|i| i != 3), vec![vec![1, 2], vec![4]]);
    }

    proptest::proptest! {
        /// Each element's list holds its pairs' items in the pairs' order (with each item once, in
        /// the deduplicated lists), as gathering them one element at a time does.
        #[test]
        fn adjacency_lists_each_elements_items_in_order(
            n in 0usize..12,
            pairs in proptest::collection::vec((0usize..12, 0usize..6), 0..40),
        ) {
            let pairs: Vec<(usize, usize)> = pairs.into_iter().filter(|&(e, _)| e < n).collect();
            let lists = Adjacency::from_pairs(n, pairs.iter().copied());
            proptest::prop_assert_eq!(lists.len(), n);
            for element in 0..n {
                let items: Vec<usize> = pairs.iter().filter(|&&(e, _)| e == element).map(|&(_, i)| i).collect();
                proptest::prop_assert_eq!(&lists[element], items.as_slice());
            }
            let once = lists.deduplicated();
            for element in 0..n {
                let mut items: Vec<usize> = Vec::new();
                for &(e, i) in &pairs {
                    if e == element && !items.contains(&i) {
                        items.push(i);
                    }
                }
                proptest::prop_assert_eq!(&once[element], items.as_slice());
            }
        }
        #[test]
        fn a_cycle_is_found_among_kept_elements_exactly_when_one_leads_back_to_itself(
            n in 1usize..9,
            edges in proptest::collection::vec((0usize..9, 0usize..9), 0..20),
            kept in proptest::collection::vec(proptest::bool::weighted(0.8), 9),
        ) {
            let ids: Vec<String> = (0..n).map(|i| format!("e{i}")).collect();
            let elements: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "play")).collect();
            let edges: Vec<(&str, &str)> =
                edges.iter().map(|&(a, b)| (ids[a % n].as_str(), ids[b % n].as_str())).collect();
            let f = flow(&elements, &edges);
            let ends = Ends::of(&f);
            let g = Graph::new(&f, &ends);
            // By brute force: some kept element reaches itself through kept elements.
            let back_to_itself = (0..n).filter(|&s| kept[s]).any(|s| {
                let mut seen = vec![false; n];
                let mut stack = vec![s];
                while let Some(node) = stack.pop() {
                    for &succ in g.successors[node].iter().filter(|&&succ| kept[succ]) {
                        if succ == s {
                            return true;
                        }
                        if !std::mem::replace(&mut seen[succ], true) {
                            stack.push(succ);
                        }
                    }
                }
                false
            });
            proptest::prop_assert_eq!(g.has_cycle_within(&kept[..n]), back_to_itself);
            proptest::prop_assert_eq!(g.cycles_within(|i| kept[i]).is_empty(), !back_to_itself);
        }
    }

    #[test]
    fn least_counts_take_the_shortest_menu_path_whatever_the_edge_order() {
        // s -> m1 -> m2 -> q and s -> q: q has depth 0 via the direct edge.
        let direct_last = flow(
            &[("s", "start"), ("m1", "menu"), ("m2", "menu"), ("q", "queue")],
            &[("s", "m1"), ("m1", "m2"), ("m2", "q"), ("s", "q")],
        );
        let ends = Ends::of(&direct_last);
        let g = Graph::new(&direct_last, &ends);
        let (depth, _) = g.least_counts(|i| direct_last.elements[i].kind.takes_input());
        assert_eq!(depth, vec![Some(0), Some(0), Some(1), Some(0)]);
    }

    #[test]
    fn deep_chains_do_not_overflow_the_stack() {
        let n = 200_000;
        let elements: Vec<(String, &str)> = (0..n)
            .map(|i| (format!("e{i}"), if i == 0 { "start" } else { "play" }))
            .collect();
        let refs: Vec<(&str, &str)> = elements.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        let edges: Vec<(String, String)> = (0..n).map(|i| (format!("e{i}"), format!("e{}", (i + 1) % n))).collect();
        let edge_refs: Vec<(&str, &str)> = edges.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let f = flow(&refs, &edge_refs);
        let ends = Ends::of(&f);
        let g = Graph::new(&f, &ends);
        assert_eq!(g.cycles_within(|_| true).len(), 1);
        assert!(g.reachable.iter().all(|&r| r));
    }
}
