//! Generates a flow's test cases from the flow alone. Every class of starting variables the routing
//! conditions can tell apart, and every key, entry and silence at every menu and input, is explored
//! with the engine; then as few calls as cover every reachable edge (or element, or path) become
//! cases expecting exactly what the engine does. What no input reaches is reported with the reason.

pub mod merge;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use serde::Serialize;
use serde_json::Value;

use crate::flow::ends::Ends;
use crate::flow::graph::Graph;
use compact_str::CompactString;

use crate::flow::model::{Condition, ElementKind, Flow, MENU_KEYS, Test};
use crate::sim::classes::{Classes, combination, combinations, value_classes};
use crate::sim::condition::{Variables, holds};
use crate::sim::engine::{Call, DEFAULT_MAX_STEPS, Ending, Engine, Outcome};
use crate::sim::run::DEFAULT_MAX_EXECUTION_MS;
use crate::source::{Span, Spanned};
use crate::studio::logic;
use crate::studio_lang::expr::CompareOp;
use crate::studio_lang::value::Value as StudioValue;

/// What the cases must cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// Every reachable edge and routing rule (the default).
    Edges,
    /// Every reachable element.
    Elements,
    /// Every distinct call path explored (up to the case limit).
    Paths,
}

impl std::str::FromStr for Goal {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "edges" => Ok(Goal::Edges),
            "elements" => Ok(Goal::Elements),
            "paths" => Ok(Goal::Paths),
            other => Err(format!("`{other}` is not edges, elements or paths")),
        }
    }
}

/// The most cases written unless asked otherwise.
pub const DEFAULT_MAX_CASES: usize = 200;
/// The most calls explored for one flow.
const MAX_CALLS: usize = 200_000;
/// The most combinations of starting variables tried.
const MAX_ASSIGNMENTS: usize = 4_096;
/// The most states the explored calls may hold unless asked otherwise: a state is a step of a call
/// or an opaque action's branch the call was mocked with. It bounds the generator's memory and
/// work (a script of thousands of opaque actions in a chain makes thousands of calls of a thousand
/// steps each, every one mocking every action).
pub const DEFAULT_MAX_STATES: usize = 2_000_000;

/// Something a case can cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// An edge, by its index in `edges`.
    Edge(usize),
    /// A routing rule's goto, by its index in `routingRules`.
    Rule(usize),
    /// An element, by its index in `elements`.
    Element(usize),
}

/// A generated case, in the test file's shape (`generated: true` marks it for regeneration).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeneratedCase {
    pub name: String,
    pub generated: bool,
    pub input: GeneratedInput,
    /// A Studio script's opaque actions: the branch each takes, by label (or id).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub mock: BTreeMap<String, String>,
    pub expect: GeneratedExpect,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeneratedInput {
    pub dtmf: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: Variables,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedExpect {
    pub final_element: String,
    pub path: Vec<String>,
    /// Set when the call takes longer than the default threshold, so the case holds anyway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_execution_ms: Option<u64>,
}

/// A target no explored input reaches, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreachable {
    pub target: Target,
    /// `edge menu_main -[1]-> queue_sales`, `rule 2 of routing_hours (goto queue_vip)`.
    pub what: String,
    pub reason: String,
    /// Where the edge or rule is written.
    pub span: Span,
}

/// The cases, what they cover, and what nothing reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub cases: Vec<GeneratedCase>,
    pub unreachable: Vec<Unreachable>,
    /// Targets covered by the cases, and all targets of the goal.
    pub covered: usize,
    pub targets: usize,
    /// Calls the engine ran while exploring.
    pub explored: usize,
    /// Set to the state budget when exploring stopped at it: the cases cover what was explored
    /// before, and targets past it may be called unreachable.
    pub stopped_at_budget: Option<usize>,
}

/// One explored call and the input that made it.
struct Explored {
    dtmf: Vec<String>,
    variables: Variables,
    mock: MockChoice,
    call: Call,
}

/// The branch every opaque action of a script takes in one call: (action label or id, branch).
type MockChoice = Vec<(Spanned<String>, Spanned<String>)>;

/// The most combinations of opaque actions' branches tried.
const MAX_MOCK_CHOICES: usize = 64;

/// The branch choices to explore for a script's opaque actions: every combination when there are
/// few, else each action's branches in turn with the others at their first. A flow has one, empty.
/// Each choice is built when it is explored, never all at once (a chain of thousands of actions has
/// thousands of choices, each naming every action).
struct MockChoices {
    /// Each opaque action's name (its label, or its id when another action has the label) and
    /// branches.
    opaque: Vec<(String, Vec<String>)>,
    /// Every combination (when there are at most `MAX_MOCK_CHOICES`), else one branch at a time.
    combinations: Option<usize>,
}

/// How a generated case names each element (by index): a script's action by its label when no
/// other action has that label or that id (a case may name an action so), else by its id; a flow
/// file's element by its id.
fn case_names(flow: &Flow) -> Vec<&str> {
    let mut label_uses: HashMap<&str, usize> = HashMap::new();
    for label in flow.elements.iter().filter_map(|o| o.action.as_ref()?.label.as_deref()) {
        *label_uses.entry(label).or_default() += 1;
    }
    let ids: HashSet<&str> = flow.elements.iter().map(|e| e.id.value.as_str()).collect();
    flow.elements
        .iter()
        .map(|e| {
            let label = e.action.as_ref().and_then(|a| a.label.as_deref());
            label
                .filter(|label| label_uses[label] == 1 && !ids.contains(label))
                .unwrap_or(&e.id.value)
        })
        .collect()
}

impl MockChoices {
    fn of(flow: &Flow) -> Self {
        let names = case_names(flow);
        let opaque: Vec<(String, Vec<String>)> = flow
            .elements
            .iter()
            // An action whose logic the simulation runs takes its branches from the starting
            // variables.
            .zip(&names)
            .filter(|(e, _)| e.kind == ElementKind::Unknown && e.action.as_ref().is_none_or(|a| a.logic.is_none()))
            .filter_map(|(e, name)| {
                let action = e.action.as_ref()?;
                let mut branches: Vec<String> = action.branches.iter().map(|b| b.to_string()).collect();
                branches.dedup();
                (!branches.is_empty()).then_some((name.to_string(), branches))
            })
            .collect();
        let combinations = opaque
            .iter()
            .try_fold(1usize, |n, (_, b)| n.checked_mul(b.len()))
            .filter(|&n| n <= MAX_MOCK_CHOICES);
        MockChoices { opaque, combinations }
    }

    fn len(&self) -> usize {
        self.combinations
            .unwrap_or_else(|| 1 + self.opaque.iter().map(|(_, b)| b.len() - 1).sum::<usize>())
    }

    /// The `i`th choice (`i < len()`).
    fn choice(&self, mut i: usize) -> MockChoice {
        let picks: Vec<usize> = match self.combinations {
            Some(_) => self
                .opaque
                .iter()
                .map(|(_, b)| {
                    let pick = i % b.len();
                    i /= b.len();
                    pick
                })
                .collect(),
            None => {
                // 0 is every action at its first branch; then each action's other branches in turn.
                let mut picks = vec![0; self.opaque.len()];
                for (a, (_, branches)) in self.opaque.iter().enumerate() {
                    if i == 0 {
                        break;
                    }
                    if i < branches.len() {
                        picks[a] = i;
                        break;
                    }
                    i -= branches.len() - 1;
                }
                picks
            }
        };
        self.opaque
            .iter()
            .zip(picks)
            .map(|((key, branches), pick)| {
                (
                    Spanned::new(key.clone(), Span::default()),
                    Spanned::new(branches[pick].clone(), Span::default()),
                )
            })
            .collect()
    }
}

/// Generates the cases of a flow that checks without errors, within the default state budget.
pub fn generate(flow: &Flow, goal: Goal, max_cases: usize) -> Generated {
    generate_within(flow, goal, max_cases, DEFAULT_MAX_STATES)
}

/// Generates the cases of a flow that checks without errors; exploring stops once the explored
/// calls hold `max_states` states (`Generated::stopped_at_budget` says so).
pub fn generate_within(flow: &Flow, goal: Goal, max_cases: usize, max_states: usize) -> Generated {
    let ends = Ends::of(flow);
    let graph = Graph::new(flow, &ends);
    let engine = Engine::with_ends(flow, &ends);
    let rules_of = engine_rules(flow, &graph);
    let (explored, stopped) = explore(flow, &engine, max_states);
    let targets = all_targets(flow, goal);
    // A call that loops cannot be a passing case: it covers nothing.
    let covers: Vec<BTreeSet<Target>> = explored
        .iter()
        .map(|e| match e.call.ending {
            Ending::Loop => BTreeSet::new(),
            _ if flow.is_script() => covered_in_script(flow, &e.call, goal),
            _ => covered_by(&e.call, goal, &rules_of),
        })
        .collect();
    let reached: BTreeSet<Target> = covers.iter().flatten().copied().collect();
    let chosen = match goal {
        Goal::Paths => distinct_paths(&explored, max_cases),
        Goal::Edges | Goal::Elements => cover(&covers, &targets, max_cases),
    };
    let mut names: HashMap<String, usize> = HashMap::new();
    let element_names = case_names(flow);
    let cases: Vec<GeneratedCase> = chosen
        .iter()
        .map(|&i| {
            let mut case = case_of(flow, &element_names, &explored[i]);
            let seen = names.entry(case.name.clone()).or_default();
            *seen += 1;
            if *seen > 1 {
                case.name = format!("{} #{seen}", case.name);
            }
            case
        })
        .collect();
    let covered: BTreeSet<Target> = chosen.iter().flat_map(|&i| covers[i].iter().copied()).collect();
    let unreachable = targets
        .iter()
        .filter(|t| !reached.contains(t))
        .map(|&t| explain(flow, &ends, &graph, t, explored.len()))
        .collect();
    Generated {
        covered: covered.intersection(&targets).count(),
        targets: targets.len(),
        cases,
        unreachable,
        explored: explored.len(),
        stopped_at_budget: stopped.then_some(max_states),
    }
}

/// The routing rules the engine tries at each element, in its order (rules with a condition).
fn engine_rules(flow: &Flow, graph: &Graph) -> Vec<Vec<usize>> {
    graph
        .rules_of
        .iter()
        .map(|rules| {
            rules
                .iter()
                .copied()
                .filter(|&r| flow.routing_rules[r].condition.is_some())
                .collect()
        })
        .collect()
}

fn all_targets(flow: &Flow, goal: Goal) -> BTreeSet<Target> {
    match goal {
        Goal::Elements => (0..flow.elements.len()).map(Target::Element).collect(),
        Goal::Edges | Goal::Paths => (0..flow.edges.len())
            .map(Target::Edge)
            .chain(
                flow.routing_rules
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.condition.is_some() && r.goto.is_some())
                    .map(|(i, _)| Target::Rule(i)),
            )
            .collect(),
    }
}

fn covered_by(call: &Call, goal: Goal, rules_of: &[Vec<usize>]) -> BTreeSet<Target> {
    let mut covered = BTreeSet::new();
    for step in &call.steps {
        match goal {
            Goal::Elements => {
                covered.insert(Target::Element(step.element));
            }
            Goal::Edges | Goal::Paths => {
                if let Some(edge) = step.edge {
                    covered.insert(Target::Edge(edge));
                }
                if let Outcome::Rule(i) = step.outcome
                    && let Some(&rule) = rules_of[step.element].get(i)
                {
                    covered.insert(Target::Rule(rule));
                }
            }
        }
    }
    covered
}

/// What a call through a script covers, its REQAGENTs' hold loops included (as coverage counts them).
fn covered_in_script(flow: &Flow, call: &Call, goal: Goal) -> BTreeSet<Target> {
    let coverage = crate::sim::coverage::Coverage::of(flow, std::iter::once(call));
    match goal {
        Goal::Elements => (0..flow.elements.len())
            .filter(|&i| !coverage.uncovered_elements.contains(&flow.elements[i].id.value))
            .map(Target::Element)
            .collect(),
        Goal::Edges | Goal::Paths => (0..flow.edges.len())
            .filter(|e| !coverage.untaken_edges.contains(&(*e as u32)))
            .map(Target::Edge)
            .collect(),
    }
}

/// The starting variables to try: none, then one value per class of each variable on its own,
/// then every combination (bounded), so `all` conditions over several variables are reached.
fn assignments(flow: &Flow) -> Vec<Variables> {
    let logic = logic_conditions(flow);
    let conditions: Vec<&Condition> = flow
        .routing_rules
        .iter()
        .filter_map(|r| r.condition.as_ref())
        .chain(logic.iter().map(|(_, c)| c))
        .collect();
    let classes: Vec<Classes> = value_classes(&conditions)
        .into_iter()
        .map(|(name, values)| (name, values.into_iter().filter_map(natural).map(whole).collect()))
        .collect();
    let mut out = vec![Variables::new()];
    for (name, values) in &classes {
        for value in values.iter().flatten() {
            out.push(Variables::from([(name.clone(), value.clone())]));
        }
    }
    // Every combination of the variables one routing element compares, and of two elements'
    // together (so a call can pass one and take a branch of the next); all of them when few.
    let mut groups: BTreeSet<BTreeSet<&str>> = BTreeSet::new();
    for element in &flow.elements {
        let compared: BTreeSet<&str> = flow
            .routing_rules
            .iter()
            .filter(|r| r.element.value == element.id.value)
            .filter_map(|r| r.condition.as_ref())
            .chain(logic.iter().filter(|(id, _)| **id == element.id.value).map(|(_, c)| c))
            .flat_map(variables_of)
            .collect();
        if !compared.is_empty() {
            groups.insert(compared);
        }
    }
    let groups: Vec<BTreeSet<&str>> = groups.into_iter().collect();
    let mut sets: Vec<BTreeSet<&str>> = vec![classes.iter().map(|(name, _)| name.as_str()).collect()];
    for (i, a) in groups.iter().enumerate() {
        sets.push(a.clone());
        sets.extend(groups[i + 1..].iter().map(|b| a.union(b).copied().collect()));
    }
    for set in sets {
        if out.len() > 4 * MAX_ASSIGNMENTS {
            break;
        }
        let chosen: Vec<Classes> = classes
            .iter()
            .filter(|(name, _)| set.contains(name.as_str()))
            .cloned()
            .collect();
        if let Some(n) = combinations(&chosen).filter(|&n| n <= MAX_ASSIGNMENTS) {
            out.extend((0..n).map(|i| combination(&chosen, i)));
        }
    }
    // Two assignments that every comparison treats alike lead every call alike: keep one.
    let leaves = leaves(&conditions);
    let written: BTreeSet<&str> = flow
        .elements
        .iter()
        .filter(|e| matches!(e.kind, ElementKind::Set | ElementKind::Input))
        .filter_map(|e| e.variable.as_deref())
        .collect();
    let mut seen = BTreeSet::new();
    out.retain(|vars| {
        let signature: Vec<String> = leaves
            .iter()
            .map(|leaf| match leaf {
                Condition::Compare { variable, .. } if written.contains(variable.as_str()) => {
                    serde_json::to_string(&vars.get(variable.as_str())).unwrap_or_default()
                }
                leaf => holds(leaf, vars).to_string(),
            })
            .collect();
        seen.insert(signature)
    });
    out
}

/// What a Studio script's IF, CASE and SNIPPET actions compare, as routing conditions (by the
/// action's id), so starting variables are chosen from the classes they tell apart.
fn logic_conditions(flow: &Flow) -> Vec<(&CompactString, Condition)> {
    let mut out = Vec::new();
    for element in &flow.elements {
        let Some(logic) = element.action.as_ref().and_then(|a| a.logic.as_deref()) else {
            continue;
        };
        for comparison in logic::comparisons(logic, element) {
            let literal = match &comparison.literal {
                StudioValue::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
                other => Value::String(other.to_text()),
            };
            let number = comparison.literal.as_number();
            let test = match (comparison.op, number) {
                (CompareOp::Eq, _) => Test::Equals(literal),
                (CompareOp::Ne, _) => Test::NotEquals(literal),
                (CompareOp::Gt | CompareOp::Ge, Some(n)) => Test::GreaterThan(n),
                (CompareOp::Lt | CompareOp::Le, Some(n)) => Test::LessThan(n),
                _ => continue,
            };
            let variable = CompactString::from(comparison.variable.as_str());
            out.push((&element.id.value, Condition::Compare { variable, test }));
        }
    }
    // A called script's parameter takes the value of the call's `{var}`: comparing it compares that.
    let passed: Vec<(&str, &str)> = flow
        .elements
        .iter()
        .filter_map(|e| e.action.as_ref()?.logic.as_deref())
        .flat_map(logic::passed_variables)
        .collect();
    let through_calls: Vec<_> = out
        .iter()
        .filter_map(|(id, condition)| {
            let Condition::Compare { variable, test } = condition else {
                return None;
            };
            let (_, from) = passed.iter().find(|(to, _)| to.eq_ignore_ascii_case(variable))?;
            let variable = CompactString::from(*from);
            Some((
                *id,
                Condition::Compare {
                    variable,
                    test: test.clone(),
                },
            ))
        })
        .collect();
    out.extend(through_calls);
    out
}

/// The variables a condition compares.
fn variables_of(condition: &Condition) -> Vec<&str> {
    leaves(&[condition])
        .into_iter()
        .filter_map(|leaf| match leaf {
            Condition::Compare { variable, .. } => Some(variable.as_str()),
            _ => None,
        })
        .collect()
}

/// Every comparison inside the conditions (the leaves under `all`, `any` and `not`).
fn leaves<'c>(conditions: &[&'c Condition]) -> Vec<&'c Condition> {
    let mut out = Vec::new();
    let mut stack: Vec<&Condition> = conditions.to_vec();
    while let Some(condition) = stack.pop() {
        match condition {
            Condition::All(parts) | Condition::Any(parts) => stack.extend(parts.iter()),
            Condition::Not(inner) => stack.push(inner),
            leaf @ Condition::Compare { .. } => out.push(leaf),
        }
    }
    out
}

/// A whole number as an integer (`8`, not `8.0`), as a person writes it; the same for every condition.
fn whole(value: Option<Value>) -> Option<Value> {
    match value {
        Some(Value::Number(n)) if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 1e15) => {
            Some(Value::from(n.as_f64().unwrap_or_default() as i64))
        }
        other => other,
    }
}

/// The value a person would write for a class: missing, a number, a string or a boolean. `null`
/// and `{}` only tell classes apart in theory and are left out; a string that stands for "some
/// other string" (a control character) becomes a visible one of the same class (`~` for it).
fn natural(value: Option<Value>) -> Option<Option<Value>> {
    match value {
        None => Some(None),
        Some(Value::Number(n)) => Some(Some(Value::Number(n))),
        Some(Value::Bool(b)) => Some(Some(Value::Bool(b))),
        Some(Value::String(s)) => Some(Some(Value::String(
            s.chars().map(|c| if c.is_control() { '~' } else { c }).collect(),
        ))),
        Some(_) => None,
    }
}

/// What a caller can do at a menu or input: each key with an edge, a key without one, each entry
/// the conditions tell apart, entries out of bounds, and silence; at a PLAY with a `Digit` branch,
/// a key or silence.
fn options(flow: &Flow, at: usize, digit_values: &[String]) -> Vec<String> {
    let element = &flow.elements[at];
    let mut out = Vec::new();
    match element.kind {
        ElementKind::Menu => {
            let keyed: BTreeSet<&str> = flow
                .edges
                .iter()
                .filter(|e| e.from.value == element.id.value)
                .filter_map(|e| e.on.as_ref().map(|on| on.value.as_str()))
                .collect();
            out.extend(MENU_KEYS.iter().filter(|k| keyed.contains(*k)).map(|k| k.to_string()));
            if let Some(unkeyed) = MENU_KEYS.iter().find(|k| !keyed.contains(*k)) {
                out.push(unkeyed.to_string());
            }
        }
        ElementKind::Input => {
            let min = element.min_digits.unwrap_or(1).max(1) as usize;
            let max = element.max_digits.map(|m| m as usize);
            // Each value the conditions tell apart, padded with zeros to the shortest entry allowed.
            out.extend(
                digit_values
                    .iter()
                    .map(|d| format!("{d:0<min$}"))
                    .filter(|d| max.is_none_or(|m| d.len() <= m)),
            );
            out.push("1".repeat(min));
            if min > 1 {
                out.push("1".repeat(min - 1));
            }
            if let Some(max) = max {
                out.push("1".repeat(max + 1));
            }
        }
        ElementKind::Play => out.push("1".into()),
        _ => {}
    }
    out.push(String::new());
    let mut seen = BTreeSet::new();
    out.retain(|o| seen.insert(o.clone()));
    out
}

/// Digit strings the conditions tell apart: constants and prefixes made of keys, extended to a
/// few lengths, so an input can steer a later routing rule.
fn digit_values(flow: &Flow) -> Vec<String> {
    let conditions: Vec<&Condition> = flow.routing_rules.iter().filter_map(|r| r.condition.as_ref()).collect();
    let mut values = BTreeSet::new();
    for (_, classes) in value_classes(&conditions) {
        for value in classes.into_iter().flatten() {
            let text = match value {
                Value::String(s) => s,
                _ => continue,
            };
            let text: String = text.chars().filter(char::is_ascii_digit).collect();
            if text.is_empty() {
                continue;
            }
            values.insert(text.clone());
            values.insert(format!("{text}0"));
        }
    }
    values.into_iter().collect()
}

/// Explores every starting assignment and every option at every menu and input, breadth first,
/// skipping a state (element, variables) already reached as early on the clock; stops (`true`)
/// before the explored calls would hold more than `max_states` states.
fn explore(flow: &Flow, engine: &Engine, max_states: usize) -> (Vec<Explored>, bool) {
    let digits = digit_values(flow);
    let mut explored = Vec::new();
    let mut held = 0usize;
    let mut within_budget = |call: &Call, mock: &MockChoice| {
        held = held.saturating_add(call.steps.len() + mock.len());
        held <= max_states
    };
    let mocks = MockChoices::of(flow);
    let starts = assignments(flow)
        .into_iter()
        .flat_map(|variables| (0..mocks.len()).map(move |i| (variables.clone(), i)));
    for (variables, choice) in starts {
        let mock = &mocks.choice(choice);
        let first_of_assignment = explored.len();
        // Per state: the earliest clock it was reached at, and the prefix that reached it then.
        let mut earliest: HashMap<(usize, String), (u64, Vec<String>)> = HashMap::new();
        // Prefixes that reached an explored state again, in a call that then looped.
        let mut rejoined: Vec<(Vec<String>, (usize, String))> = Vec::new();
        let mut queue: VecDeque<Vec<String>> = VecDeque::from([Vec::new()]);
        while let Some(dtmf) = queue.pop_front() {
            if explored.len() >= MAX_CALLS {
                return (explored, false);
            }
            let call = engine.run_mocked(&dtmf, &variables, mock);
            if !within_budget(&call, mock) {
                return (explored, true);
            }
            // Where the next entry would be keyed: the menu, input or PLAY with a `Digit` branch
            // after the given entries. A call that loops later may still branch here: another
            // entry may lead out.
            let asks: Vec<usize> = call
                .steps
                .iter()
                .enumerate()
                .filter(|(_, s)| engine.takes_entry(s.element))
                .map(|(i, _)| i)
                .collect();
            if let Some(&step) = asks.get(dtmf.len()) {
                let at = call.steps[step].element;
                let clock = if step == 0 { 0 } else { call.steps[step - 1].clock_ms };
                let state = (at, state_of(flow, &call, step, &variables));
                if earliest.get(&state).is_none_or(|(seen, _)| clock < *seen) {
                    earliest.insert(state, (clock, dtmf.clone()));
                    for option in options(flow, at, &digits) {
                        let mut next = dtmf.clone();
                        next.push(option);
                        queue.push_back(next);
                    }
                } else if call.ending == Ending::Loop {
                    rejoined.push((dtmf.clone(), state));
                }
            }
            explored.push(Explored {
                dtmf,
                variables: variables.clone(),
                mock: mock.clone(),
                call,
            });
        }
        // A prefix that rejoined an explored state only to loop still took its own edges on the
        // way: it gets the shortest continuation that leads out of that state.
        for (prefix, state) in rejoined {
            let Some((_, canonical)) = earliest.get(&state) else {
                continue;
            };
            let way_out = explored[first_of_assignment..]
                .iter()
                .find(|e| e.call.ending != Ending::Loop && e.dtmf.starts_with(canonical))
                .map(|e| e.dtmf[canonical.len()..].to_vec());
            if let Some(way_out) = way_out {
                let dtmf: Vec<String> = prefix.into_iter().chain(way_out).collect();
                let call = engine.run_mocked(&dtmf, &variables, mock);
                if !within_budget(&call, mock) {
                    return (explored, true);
                }
                explored.push(Explored {
                    dtmf,
                    variables: variables.clone(),
                    mock: mock.clone(),
                    call,
                });
            }
        }
    }
    (explored, false)
}

/// The variables when the call reaches step `upto`, as text (set elements and inputs replayed).
fn state_of(flow: &Flow, call: &Call, upto: usize, start: &Variables) -> String {
    let mut variables = start.clone();
    for step in &call.steps[..upto] {
        let element = &flow.elements[step.element];
        match (&element.kind, &step.outcome, &element.variable) {
            (ElementKind::Set, _, Some(name)) => {
                if let Some(value) = &element.value {
                    variables.insert(name.as_str().to_owned(), (**value).clone());
                }
            }
            (ElementKind::Input, Outcome::Entered(text), Some(name)) => {
                variables.insert(name.as_str().to_owned(), Value::String(text.clone()));
            }
            _ => {}
        }
    }
    serde_json::to_string(&variables).unwrap_or_default()
}

/// Greedy set cover, deterministic: the call that covers the most uncovered targets, earliest first.
/// Lazy: a call's gain only shrinks, so a stale gain on top of the heap is recomputed, not all.
fn cover(covers: &[BTreeSet<Target>], targets: &BTreeSet<Target>, max_cases: usize) -> Vec<usize> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut uncovered: BTreeSet<Target> = covers
        .iter()
        .flatten()
        .filter(|t| targets.contains(t))
        .copied()
        .collect();
    let gain = |i: usize, uncovered: &BTreeSet<Target>| covers[i].iter().filter(|t| uncovered.contains(t)).count();
    let mut heap: BinaryHeap<(usize, Reverse<usize>)> = (0..covers.len())
        .map(|i| (gain(i, &uncovered), Reverse(i)))
        .filter(|(g, _)| *g > 0)
        .collect();
    let mut chosen = Vec::new();
    while chosen.len() < max_cases {
        let Some((stale, Reverse(i))) = heap.pop() else { break };
        let fresh = gain(i, &uncovered);
        if fresh == 0 {
            continue;
        }
        if fresh < stale {
            heap.push((fresh, Reverse(i)));
            continue;
        }
        uncovered.retain(|t| !covers[i].contains(t));
        chosen.push(i);
    }
    chosen.sort_unstable();
    chosen
}

fn distinct_paths(explored: &[Explored], max_cases: usize) -> Vec<usize> {
    let mut seen = BTreeSet::new();
    explored
        .iter()
        .enumerate()
        .filter(|(_, e)| e.call.ending != Ending::Loop)
        .filter(|(_, e)| seen.insert(e.call.steps.iter().map(|s| s.element).collect::<Vec<_>>()))
        .map(|(i, _)| i)
        .take(max_cases)
        .collect()
}

/// The case for an explored call: a readable name, its input, and what the engine did (a script's
/// actions named as [`case_names`] says).
fn case_of(flow: &Flow, element_names: &[&str], explored: &Explored) -> GeneratedCase {
    let call = &explored.call;
    // The names (id and label) of the actions the call reached, once, not once per mocked action.
    let reached_names: HashSet<&str> = call
        .steps
        .iter()
        .map(|s| &flow.elements[s.element])
        .filter_map(|e| Some((e.id.value.as_str(), e.action.as_ref()?)))
        .flat_map(|(id, action)| std::iter::once(id).chain(action.label.as_deref()))
        .collect();
    let path: Vec<String> = call
        .steps
        .iter()
        .map(|s| element_names[s.element].to_string())
        .collect();
    // An ending no element has (`error`) as the engine says it.
    let final_element = match call.steps.last() {
        Some(last) if flow.elements[last.element].id.value == call.final_element => {
            element_names[last.element].to_string()
        }
        _ => call.final_element.clone(),
    };
    GeneratedCase {
        name: name_of(flow, explored),
        generated: true,
        input: GeneratedInput {
            dtmf: explored.dtmf.clone(),
            variables: explored.variables.clone(),
        },
        // Only the opaque actions the call reached.
        mock: explored
            .mock
            .iter()
            .filter(|(key, _)| reached_names.contains(key.value.as_str()))
            .map(|(key, branch)| (key.value.clone(), branch.value.clone()))
            .collect(),
        expect: GeneratedExpect {
            final_element,
            path,
            max_execution_ms: (call.execution_time > DEFAULT_MAX_EXECUTION_MS).then_some(call.execution_time),
        },
    }
}

/// "key 2, then silence at account_input", with the starting variables first.
fn name_of(flow: &Flow, explored: &Explored) -> String {
    let mut parts = Vec::new();
    for step in &explored.call.steps {
        let element = &flow.elements[step.element];
        // A script's action by its label, as its author named it.
        let id = element
            .action
            .as_ref()
            .and_then(|a| a.label.as_deref())
            .unwrap_or(&element.id.value);
        let part = match (&element.kind, &step.outcome) {
            (ElementKind::Menu, Outcome::Key(key)) => format!("key {key}"),
            (ElementKind::Menu, Outcome::Invalid(key)) => format!("unmapped key {key} at {id}"),
            (ElementKind::Input, Outcome::Entered(text)) => format!("{text} at {id}"),
            (ElementKind::Input, Outcome::Invalid(text)) => format!("{text} (out of bounds) at {id}"),
            (_, Outcome::Silence) => format!("silence at {id}"),
            (_, Outcome::Mocked(branch)) => format!("{id} {branch}"),
            (_, Outcome::Digit(key)) => format!("key {key} during {id}"),
            (_, Outcome::Decided(branch)) => format!("{id} {branch}"),
            _ => continue,
        };
        parts.push(part);
    }
    let input = if parts.is_empty() {
        "no input".to_string()
    } else {
        parts.join(", then ")
    };
    let variables: Vec<String> = explored.variables.iter().map(|(k, v)| format!("{k}={}", v)).collect();
    let last = explored.call.steps.last().map(|s| &flow.elements[s.element]);
    let label = last.and_then(|e| e.action.as_ref()).and_then(|a| a.label.as_deref());
    let ending = match label.filter(|_| explored.call.ending == Ending::Terminal) {
        Some(label) => format!(" → {label}"),
        None => format!(" → {}", explored.call.final_element),
    };
    if variables.is_empty() {
        format!("{input}{ending}")
    } else {
        format!("{}: {input}{ending}", variables.join(", "))
    }
}

/// Why no explored input reaches a target.
fn explain(flow: &Flow, ends: &Ends, graph: &Graph, target: Target, explored: usize) -> Unreachable {
    let id = |i: usize| flow.elements[i].id.value.clone();
    let index_of = |name: &str| ends.find(flow, name);
    let (what, span, source) = match target {
        Target::Edge(e) => {
            let edge = &flow.edges[e];
            let what = format!("{} {}", flow.word("edge", "branch"), flow.arrow(edge));
            (what, edge.span, index_of(&edge.from.value))
        }
        Target::Rule(r) => {
            let rule = &flow.routing_rules[r];
            let goto = rule.goto.as_ref().map(|g| g.value.clone()).unwrap_or_default();
            let position = flow.routing_rules[..r]
                .iter()
                .filter(|o| o.element.value == rule.element.value)
                .count()
                + 1;
            (
                format!("rule {position} of {} (goto {goto})", rule.element.value),
                rule.span,
                index_of(&rule.element.value),
            )
        }
        Target::Element(i) => (
            match &flow.elements[i].action {
                Some(action) => action.describe(&id(i)),
                None => format!("element {}", id(i)),
            },
            flow.elements[i].span,
            Some(i),
        ),
    };
    let reason = match source {
        Some(at) if !graph.reachable[at] => match &flow.elements[at].action {
            Some(action) => format!("{} cannot be reached from BEGIN", action.describe(&id(at))),
            None => format!("`{}` cannot be reached from start", id(at)),
        },
        Some(at) => routing_reason(flow, graph, at, target).unwrap_or_else(|| {
            format!(
                "no input reaches it within the engine's {DEFAULT_MAX_STEPS}-step bound: {explored} calls explored (every key, entry and silence, every class of starting variables)"
            )
        }),
        None => "its element does not exist".to_string(),
    };
    Unreachable {
        target,
        what,
        reason,
        span,
    }
}

/// For a routing element's rule or default: whether any values of its variables make it the one
/// that decides, and if not, why.
fn routing_reason(flow: &Flow, graph: &Graph, at: usize, target: Target) -> Option<String> {
    if flow.elements[at].kind != ElementKind::Routing {
        return None;
    }
    let rules: Vec<usize> = graph.rules_of[at]
        .iter()
        .copied()
        .filter(|&r| flow.routing_rules[r].condition.is_some())
        .collect();
    let conditions: Vec<&Condition> = rules
        .iter()
        .filter_map(|&r| flow.routing_rules[r].condition.as_ref())
        .collect();
    let classes = value_classes(&conditions);
    let n = combinations(&classes).filter(|&n| n <= 20_000)?;
    let wanted = match target {
        Target::Rule(r) => rules.iter().position(|&x| x == r),
        _ => None,
    };
    let decides = (0..n).any(|i| {
        let call = combination(&classes, i);
        conditions.iter().position(|c| holds(c, &call)) == wanted
    });
    if decides {
        return Some("the values that reach it are never set by the time the call gets there".into());
    }
    let holds_ever = |rule: usize| (0..n).any(|i| holds(conditions[rule], &combination(&classes, i)));
    Some(match wanted {
        Some(rule) if !holds_ever(rule) => "its condition holds for no values (a contradiction)".into(),
        Some(_) => "the rules before it match every call that its condition matches (CXF020)".into(),
        None => "every call matches one of the element's rules, so `default` is never taken".into(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::check::{Settings, check_flow_bytes};

    fn flow(text: &str) -> Flow {
        check_flow_bytes("g.flow.json", text.as_bytes().to_vec(), &Settings::default())
            .1
            .unwrap()
    }

    /// A menu to a routing element whose second rule is shadowed and whose third contradicts itself.
    const ROUTED: &str = r#"{"flowId": "g", "elements": [
        {"id": "start", "type": "start"}, {"id": "menu", "type": "menu", "prompt": "p"},
        {"id": "route", "type": "routing"}, {"id": "sales", "type": "queue", "queue": "S"},
        {"id": "vip", "type": "queue", "queue": "V"}, {"id": "never", "type": "queue", "queue": "N"},
        {"id": "closed", "type": "voicemail"}, {"id": "bye", "type": "hangup"}],
      "edges": [{"from": "start", "to": "menu"}, {"from": "menu", "to": "route", "on": "1"},
        {"from": "menu", "to": "bye", "on": "timeout"}, {"from": "menu", "to": "bye", "on": "invalid"},
        {"from": "route", "to": "closed", "on": "default"}],
      "routingRules": [
        {"element": "route", "condition": {"variable": "hour", "operator": "between", "value": [9, 17]}, "action": {"goto": "sales"}},
        {"element": "route", "condition": {"variable": "hour", "operator": "between", "value": [10, 12]}, "action": {"goto": "vip"}},
        {"element": "route", "condition": {"all": [{"variable": "hour", "operator": "lessThan", "value": 5}, {"variable": "hour", "operator": "greaterThan", "value": 6}]}, "action": {"goto": "never"}}]}"#;

    #[test]
    fn every_reachable_edge_is_covered_and_the_rest_is_explained() {
        let flow = flow(ROUTED);
        let generated = generate(&flow, Goal::Edges, DEFAULT_MAX_CASES);
        assert_eq!((generated.covered, generated.targets), (6, 8));
        let reasons: Vec<(&str, &str)> = generated
            .unreachable
            .iter()
            .map(|u| (u.what.as_str(), u.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    "rule 2 of route (goto vip)",
                    "the rules before it match every call that its condition matches (CXF020)"
                ),
                (
                    "rule 3 of route (goto never)",
                    "its condition holds for no values (a contradiction)"
                ),
            ]
        );
        let names: Vec<&str> = generated.cases.iter().map(|c| c.name.as_str()).collect();
        assert!(names.contains(&"hour=9: key 1 → sales"), "{names:?}");
        assert!(names.iter().any(|n| n.ends_with("→ closed")), "{names:?}");
        assert!(names.iter().any(|n| n.contains("silence at menu")), "{names:?}");
        // The same flow gives the same cases.
        assert_eq!(generate(&flow, Goal::Edges, DEFAULT_MAX_CASES), generated);
    }

    #[test]
    fn goals_cover_elements_or_every_path_and_the_case_limit_holds() {
        let flow = flow(ROUTED);
        let elements = generate(&flow, Goal::Elements, DEFAULT_MAX_CASES);
        assert_eq!(
            (elements.covered, elements.targets),
            (6, 8),
            "vip and never are never reached"
        );
        let paths = generate(&flow, Goal::Paths, DEFAULT_MAX_CASES);
        let distinct: BTreeSet<&Vec<String>> = paths.cases.iter().map(|c| &c.expect.path).collect();
        assert_eq!(distinct.len(), paths.cases.len(), "one case per distinct path");
        assert_eq!(paths.cases.len(), 3, "to bye, to sales, to closed");
        assert_eq!(generate(&flow, Goal::Edges, 1).cases.len(), 1);
    }

    #[test]
    fn starting_variables_come_from_the_condition_classes() {
        let flow = flow(
            r#"{"flowId": "v", "elements": [{"id": "start", "type": "start"}, {"id": "route", "type": "routing"},
               {"id": "a", "type": "hangup"}, {"id": "b", "type": "hangup"}, {"id": "c", "type": "hangup"}],
             "edges": [{"from": "start", "to": "route"}, {"from": "route", "to": "c", "on": "default"}],
             "routingRules": [
               {"element": "route", "condition": {"variable": "lang", "operator": "in", "value": ["es", "fr"]}, "action": {"goto": "a"}},
               {"element": "route", "condition": {"variable": "hour", "operator": "between", "value": [9, 17]}, "action": {"goto": "b"}}]}"#,
        );
        let tried = assignments(&flow);
        // One value per class the conditions tell apart: an `in` member ("es" and "fr" are alike
        // for every comparison, so one stands for both), a value inside the `between`, and the
        // variables missing (which, here, is also what a value outside the hours does).
        assert_eq!(
            tried,
            [
                Variables::new(),
                Variables::from([("hour".to_string(), json!(9))]),
                Variables::from([("lang".to_string(), json!("es"))]),
                Variables::from([("hour".to_string(), json!(9)), ("lang".to_string(), json!("es"))]),
            ]
        );
        // And the cases take every branch: a by a member, b inside the hours, c with neither.
        let generated = generate(&flow, Goal::Edges, DEFAULT_MAX_CASES);
        assert_eq!((generated.covered, generated.targets), (4, 4));
    }

    #[test]
    fn an_element_cut_off_from_start_says_so() {
        let flow = flow(
            r#"{"flowId": "g", "elements": [{"id": "start", "type": "start"}, {"id": "bye", "type": "hangup"},
               {"id": "island", "type": "play", "prompt": "p"}],
             "edges": [{"from": "start", "to": "bye"}, {"from": "island", "to": "bye"}]}"#,
        );
        let generated = generate(&flow, Goal::Edges, DEFAULT_MAX_CASES);
        assert_eq!(generated.unreachable.len(), 1);
        assert_eq!(generated.unreachable[0].reason, "`island` cannot be reached from start");
    }
}
