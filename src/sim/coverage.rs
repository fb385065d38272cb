//! Coverage: which elements a flow's cases visit and which edges they take.

use serde::Serialize;

use rustc_hash::FxHashMap;

use crate::flow::model::{ElementKind, Flow};
use crate::sim::engine::Call;

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

impl Coverage {
    /// Coverage of a flow by a set of calls.
    pub fn of<'c>(flow: &Flow, calls: impl IntoIterator<Item = &'c Call>) -> Self {
        let mut visited = vec![false; flow.elements.len()];
        let mut taken = vec![false; flow.edges.len()];
        for call in calls {
            for step in &call.steps {
                visited[step.element] = true;
                if let Some(edge) = step.edge {
                    taken[edge] = true;
                }
            }
        }
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

    /// Elements covered, in percent (100 for a flow without elements).
    pub fn element_percent(&self) -> f64 {
        percent(self.elements_covered, self.elements)
    }

    /// Edges covered, in percent (100 for a flow without edges).
    pub fn edge_percent(&self) -> f64 {
        percent(self.edges_covered, self.edges)
    }
}

/// A list of ids kept end to end in one string: a flow's coverage holds hundreds of them for as
/// long as the run's report lives, at a few bytes each instead of a string's 24.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ids {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<u32>,
}

impl Ids {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The ids, in the order they were listed.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| &self.text[start as usize..end as usize])
    }

    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|listed| listed == id)
    }
}

impl<'a> FromIterator<&'a str> for Ids {
    fn from_iter<I: IntoIterator<Item = &'a str>>(ids: I) -> Self {
        let mut list = Ids::default();
        for id in ids {
            list.text.push_str(id);
            // A flow's text is under 4 GiB (the parser refuses more), and so are its ids together.
            list.ends.push(u32::try_from(list.text.len()).unwrap_or(u32::MAX));
        }
        list
    }
}

impl Serialize for Ids {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids come back as listed, the empty one (an element whose id is missing) included, and are
    /// written to JSON as an array of strings.
    #[test]
    fn ids_keep_each_id_whole_and_in_order() {
        let ids: Ids = ["menu_main", "", "q0", "é"].into_iter().collect();
        assert_eq!(ids.len(), 4);
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["menu_main", "", "q0", "é"]);
        assert!(ids.contains("q0") && ids.contains(""));
        assert!(!ids.contains("menu") && !ids.contains("q0é"));
        assert_eq!(serde_json::to_string(&ids).unwrap(), r#"["menu_main","","q0","é"]"#);
        assert!(Ids::default().is_empty());
        assert_eq!(serde_json::to_string(&Ids::default()).unwrap(), "[]");
    }
}
