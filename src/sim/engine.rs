//! The local simulation engine: pure, synchronous, deterministic. Runs one call through a flow and
//! returns what the CXone simulation endpoint returns, plus the trace the reports need.

use std::collections::HashMap;

use serde_json::Value;

use crate::flow::ends::Ends;
use crate::flow::model::{Condition, ElementKind, Flow, menu_key};
use crate::sim::condition::{Variables, holds};
use crate::source::Spanned;
use crate::studio::logic;

/// The step bound: a call that visits more elements than this without ending is a loop.
pub const DEFAULT_MAX_STEPS: usize = 1000;

/// What happened at one element, which decided where the call went next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `start`, `play`, `set`: the element's single exit.
    Next,
    /// A key pressed at a menu.
    Key(char),
    /// A digit string entered at an input, in bounds.
    Entered(String),
    /// Silence at a menu or input (no entry left, or an empty one).
    Silence,
    /// A key with no edge of its own at a menu, or a digit string out of bounds at an input.
    Invalid(String),
    /// A routing rule matched (its index among the element's rules, from 0).
    Rule(usize),
    /// No routing rule matched.
    NoRuleMatched,
    /// An opaque Studio action took the branch the case's `mock` names.
    Mocked(String),
    /// The caller keyed during a Studio PLAY that has a `Digit` branch.
    Digit(char),
    /// A Studio IF, CASE or SNIPPET took this branch by its own logic.
    Decided(String),
    /// The call ended here (terminal element).
    End,
}

impl Outcome {
    /// The `on` label of the edge this outcome follows, if it follows an edge.
    pub fn label(&self) -> Option<String> {
        match self {
            Outcome::Next => None,
            Outcome::Key(key) => Some(key.to_string()),
            Outcome::Entered(_) => Some("ok".into()),
            Outcome::Silence => Some("timeout".into()),
            Outcome::Invalid(_) => Some("invalid".into()),
            Outcome::NoRuleMatched => Some("default".into()),
            Outcome::Mocked(branch) => Some(branch.clone()),
            Outcome::Digit(_) => Some(DIGIT.into()),
            Outcome::Decided(branch) => Some(branch.clone()),
            Outcome::Rule(_) | Outcome::End => None,
        }
    }
}

/// One element visited: which, what happened there, the clock after it, and the edge taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub element: usize,
    pub outcome: Outcome,
    pub clock_ms: u64,
    /// The index of the edge followed from here, if an edge was followed.
    pub edge: Option<usize>,
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// At a terminal element.
    Terminal,
    /// The clock passed `globalTimeout` during the last element.
    GlobalTimeout,
    /// The last element's outcome had no edge (an implicit error). `label` is the missing `on`.
    MissingEdge { label: Option<String> },
    /// The step bound was reached without ending.
    Loop,
    /// The call reached an opaque Studio action that the case does not mock.
    Unmocked,
    /// A Studio script's action had no branch for its outcome (or none at all): Studio ends the
    /// script there, as it ends at END. `label` is the branch it would have followed.
    ScriptEnd { label: Option<String> },
}

/// The branch a Studio PLAY takes when the caller keys during its prompt.
pub const DIGIT: &str = "Digit";

/// What a case says opaque Studio actions do: (action label or id, branch label) pairs, located in
/// the test file.
pub type Mocks = [(Spanned<String>, Spanned<String>)];

/// `SUCCESS` or `FAILURE`, as the CXone simulation endpoint says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    Success,
    Failure,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Success => "SUCCESS",
            Verdict::Failure => "FAILURE",
        }
    }
}

/// The result of one simulated call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub steps: Vec<Step>,
    /// `finalElement`: the terminal's id, or the literal `timeout` / `error`.
    pub final_element: String,
    /// `executionTime`: the clock at the end, in ms.
    pub execution_time: u64,
    pub timed_out: bool,
    pub ending: Ending,
    pub variables: Variables,
}

impl Call {
    /// The element ids visited, in order.
    pub fn path<'f>(&self, flow: &'f Flow) -> Vec<&'f str> {
        self.steps
            .iter()
            .map(|s| flow.elements[s.element].id.value.as_str())
            .collect()
    }

    /// How the call left each element visited: the `on` of the edge followed (empty without
    /// one), `rule` for a routing rule's goto, empty where it ended.
    pub fn exits<'f>(&self, flow: &'f Flow) -> Vec<&'f str> {
        self.steps
            .iter()
            .map(|s| match (s.edge, &s.outcome) {
                (Some(edge), _) => flow.edges[edge].on.as_ref().map_or("", |on| on.value.as_str()),
                (None, Outcome::Rule(_)) => "rule",
                (None, _) => "",
            })
            .collect()
    }

    /// `SUCCESS` unless the call timed out, ended in a `timeout`/`error` element or an implicit error,
    /// looped, or ran past `threshold_ms`.
    pub fn verdict(&self, flow: &Flow, threshold_ms: u64) -> Verdict {
        let sink = self
            .steps
            .last()
            .is_some_and(|s| matches!(flow.elements[s.element].kind, ElementKind::Timeout | ElementKind::Error));
        let ended = matches!(self.ending, Ending::Terminal | Ending::ScriptEnd { .. });
        if !ended || sink || self.timed_out || self.execution_time > threshold_ms {
            Verdict::Failure
        } else {
            Verdict::Success
        }
    }
}

/// A flow prepared for simulation: every exit resolved to an element index once.
pub struct Engine<'f> {
    flow: &'f Flow,
    nodes: Vec<Node<'f>>,
    start: Option<usize>,
    global_timeout: u64,
    max_steps: usize,
}

/// An exit: the target element, and the edge that leads there (none for a routing rule's goto).
#[derive(Debug, Clone, Copy)]
struct Exit {
    to: usize,
    edge: Option<usize>,
}

struct Node<'f> {
    kind: ElementKind,
    prompt_ms: u64,
    /// How long a menu or input waits for a silent caller.
    input_timeout: u64,
    /// A prompt a caller with a key ready cuts short (Studio's `DetectDTMF`).
    detect_dtmf: bool,
    /// A Studio PLAY's `Digit` branch, taken when the caller keys during its prompt.
    digit: Option<Exit>,
    /// The exit of `start`/`play`/`set`, or the `ok` exit of an input.
    next: Option<Exit>,
    keys: [Option<Exit>; 12],
    timeout: Option<Exit>,
    invalid: Option<Exit>,
    /// A routing element's `default`, or a Studio MENU's (taken for silence and for a key without
    /// a branch of its own, when no `timeout` or `invalid` exit says otherwise).
    default: Option<Exit>,
    rules: Vec<(&'f Condition, Option<usize>)>,
    /// An opaque action's exits by branch label.
    branches: Vec<(&'f str, Exit)>,
}

/// Where the key a caller pressed stands in `MENU_KEYS`.
fn key_slot(key: char) -> Option<usize> {
    menu_key(key.encode_utf8(&mut [0; 4]))
}

impl<'f> Engine<'f> {
    /// Prepares a flow. Works on any loaded flow, even one with errors: a missing or dangling exit
    /// is simply an implicit error when a call needs it.
    pub fn new(flow: &'f Flow) -> Self {
        Engine::with_ends(flow, &Ends::of(flow))
    }

    /// [`Engine::new`], with the elements the flow's ids name already found.
    pub fn with_ends(flow: &'f Flow, ends: &Ends) -> Self {
        let mut nodes: Vec<Node> = flow
            .elements
            .iter()
            .map(|e| Node {
                kind: e.kind,
                prompt_ms: e.prompt_ms,
                input_timeout: e
                    .action
                    .as_ref()
                    .and_then(|a| a.input_timeout_ms)
                    .unwrap_or_else(|| flow.timeouts.input_ms()),
                detect_dtmf: e.action.as_ref().is_some_and(|a| a.detect_dtmf),
                digit: None,
                next: None,
                keys: [None; 12],
                timeout: None,
                invalid: None,
                default: None,
                rules: Vec::new(),
                branches: Vec::new(),
            })
            .collect();
        let script = flow.is_script();
        for (e, (edge, &(from, to))) in flow.edges.iter().zip(&ends.edges).enumerate() {
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            let exit = Some(Exit { to, edge: Some(e) });
            let node = &mut nodes[from];
            let slot = match (node.kind, edge.on.as_ref().map(|on| on.value.as_str())) {
                (ElementKind::Unknown, Some(label)) => {
                    if !node.branches.iter().any(|(l, _)| *l == label) {
                        node.branches.push((label, Exit { to, edge: Some(e) }));
                    }
                    continue;
                }
                (ElementKind::Start | ElementKind::Play | ElementKind::Set, None) => &mut node.next,
                // A script's single exit, and its MENU's exit for silence and stray keys.
                (ElementKind::Start | ElementKind::Play | ElementKind::Set, Some("default")) if script => {
                    &mut node.next
                }
                (ElementKind::Menu, Some("default")) if script => &mut node.default,
                (ElementKind::Play, Some(DIGIT)) if script => &mut node.digit,
                (ElementKind::Input, Some("ok")) => &mut node.next,
                (ElementKind::Menu | ElementKind::Input, Some("timeout")) => &mut node.timeout,
                (ElementKind::Menu | ElementKind::Input, Some("invalid")) => &mut node.invalid,
                (ElementKind::Routing, Some("default")) => &mut node.default,
                (ElementKind::Menu, Some(key)) => match menu_key(key) {
                    Some(slot) => &mut node.keys[slot],
                    None => continue,
                },
                _ => continue,
            };
            // The first edge for an outcome wins, as duplicate-edge documents.
            if slot.is_none() {
                *slot = exit;
            }
        }
        for (rule, &(at, goto)) in flow.routing_rules.iter().zip(&ends.rules) {
            let (Some(at), Some(condition)) = (at, rule.condition.as_ref()) else {
                continue;
            };
            nodes[at].rules.push((condition, goto));
        }
        Engine {
            flow,
            nodes,
            start: flow.elements.iter().position(|e| e.kind == ElementKind::Start),
            global_timeout: flow.timeouts.global_ms(),
            max_steps: DEFAULT_MAX_STEPS,
        }
    }

    /// Whether a call at the element takes the caller's next entry: a menu, an input, or a Studio
    /// PLAY with a `Digit` branch.
    pub fn takes_entry(&self, at: usize) -> bool {
        let node = &self.nodes[at];
        node.kind.takes_input() || node.digit.is_some()
    }

    /// Changes the step bound.
    pub fn with_max_steps(mut self, max_steps: usize) -> Self {
        self.max_steps = max_steps;
        self
    }

    /// Runs one call: the caller keys `dtmf` (one entry per menu or input reached; `""` is silence),
    /// starting with `variables`.
    pub fn run(&self, dtmf: &[String], variables: &Variables) -> Call {
        self.run_mocked(dtmf, variables, &[])
    }

    /// [`Engine::run`], with opaque Studio actions taking the branches `mocks` names.
    pub fn run_mocked(&self, dtmf: &[String], variables: &Variables, mocks: &Mocks) -> Call {
        // Where each name is first mocked: a call through thousands of opaque actions finds each
        // one's branch at once, not by reading the whole list at every action.
        let mut first_mock: HashMap<&str, usize> = HashMap::with_capacity(mocks.len());
        for (i, (key, _)) in mocks.iter().enumerate() {
            first_mock.entry(key.value.as_str()).or_insert(i);
        }
        let mut variables = variables.clone();
        let mut steps = Vec::new();
        let mut clock: u64 = 0;
        let mut entries = dtmf.iter().peekable();
        let Some(mut at) = self.start else {
            return Call {
                steps,
                final_element: "error".into(),
                execution_time: 0,
                timed_out: false,
                ending: Ending::MissingEdge { label: None },
                variables,
            };
        };
        loop {
            if steps.len() == self.max_steps {
                return self.end(steps, clock, Ending::Loop, variables);
            }
            let node = &self.nodes[at];
            let mut prompt_ms = node.prompt_ms;
            let (outcome, exit) = match node.kind {
                ElementKind::Start => (Outcome::Next, node.next),
                // A PLAY with a `Digit` branch takes the caller's next entry as a MENU does: a key
                // cuts the prompt and takes `Digit`; silence hears it out.
                ElementKind::Play if node.digit.is_some() => match entries.next().filter(|e| !e.is_empty()) {
                    Some(entry) => {
                        prompt_ms = 0;
                        (Outcome::Digit(entry.chars().next().unwrap_or_default()), node.digit)
                    }
                    None => (Outcome::Next, node.next),
                },
                ElementKind::Play => {
                    if node.detect_dtmf && entries.peek().is_some_and(|e| !e.is_empty()) {
                        prompt_ms = 0;
                    }
                    (Outcome::Next, node.next)
                }
                ElementKind::Set => {
                    let element = &self.flow.elements[at];
                    let logic = element.action.as_ref().and_then(|a| a.logic.as_deref());
                    // An ASSIGN whose value is worked out per call; else (or when this call's
                    // values leave the subset) the value as written.
                    let assigned = logic.and_then(|logic| logic::decide(logic, element, &mut variables));
                    if let (None, Some(name), Some(value)) = (assigned, &element.variable, &element.value) {
                        variables.insert(name.as_str().to_owned(), (**value).clone());
                    }
                    (Outcome::Next, node.next)
                }
                ElementKind::Menu => match entries.next().filter(|e| !e.is_empty()) {
                    None => {
                        clock = clock.saturating_add(node.input_timeout);
                        (Outcome::Silence, node.timeout.or(node.default))
                    }
                    Some(entry) => {
                        let key = entry.chars().next().unwrap_or_default();
                        match key_slot(key).and_then(|slot| node.keys[slot]) {
                            Some(exit) => (Outcome::Key(key), Some(exit)),
                            None => (Outcome::Invalid(key.to_string()), node.invalid.or(node.default)),
                        }
                    }
                },
                ElementKind::Input => match entries.next().filter(|e| !e.is_empty()) {
                    None => {
                        clock = clock.saturating_add(node.input_timeout);
                        (Outcome::Silence, node.timeout)
                    }
                    Some(entry) => {
                        let element = &self.flow.elements[at];
                        let length = entry.chars().count() as u64;
                        let in_bounds = length >= element.min_digits.unwrap_or(1)
                            && element.max_digits.is_none_or(|max| length <= max);
                        if in_bounds {
                            if let Some(name) = &element.variable {
                                variables.insert(name.as_str().to_owned(), Value::String(entry.clone()));
                            }
                            (Outcome::Entered(entry.clone()), node.next)
                        } else {
                            (Outcome::Invalid(entry.clone()), node.invalid)
                        }
                    }
                },
                ElementKind::Routing => match node.rules.iter().position(|(c, _)| holds(c, &variables)) {
                    Some(rule) => {
                        let goto = node.rules[rule].1.map(|to| Exit { to, edge: None });
                        (Outcome::Rule(rule), goto)
                    }
                    None => (Outcome::NoRuleMatched, node.default),
                },
                // An opaque action without a branch has nothing to decide: the script ends there.
                ElementKind::Unknown if node.branches.is_empty() && self.flow.is_script() => (Outcome::End, None),
                ElementKind::Unknown => {
                    let element = &self.flow.elements[at];
                    // The first mock naming the action by its id or its label.
                    let mocked = element.action.as_ref().and_then(|action| {
                        [Some(element.id.value.as_str()), action.label.as_deref()]
                            .into_iter()
                            .flatten()
                            .filter_map(|name| first_mock.get(name))
                            .min()
                            .map(|&i| &mocks[i])
                    });
                    let decided = match mocked {
                        Some(_) => None,
                        None => element
                            .action
                            .as_ref()
                            .and_then(|a| a.logic.as_deref())
                            .and_then(|logic| logic::decide(logic, element, &mut variables)),
                    };
                    if let Some(branch) = decided {
                        let exit = node
                            .branches
                            .iter()
                            .find(|(label, _)| *label == branch)
                            .map(|(_, e)| *e);
                        (Outcome::Decided(branch.to_string()), exit)
                    } else {
                        let Some((_, branch)) = mocked else {
                            steps.push(Step {
                                element: at,
                                outcome: Outcome::End,
                                clock_ms: clock,
                                edge: None,
                            });
                            return self.end(steps, clock, Ending::Unmocked, variables);
                        };
                        let exit = node
                            .branches
                            .iter()
                            .find(|(label, _)| *label == branch.value)
                            .map(|(_, e)| *e);
                        (Outcome::Mocked(branch.value.clone()), exit)
                    }
                }
                _ => (Outcome::End, None),
            };
            clock = clock.saturating_add(prompt_ms);
            // Time ran out during this element: the call ends here and follows no edge.
            let timed_out = clock > self.global_timeout;
            let edge = exit.and_then(|e| e.edge).filter(|_| !timed_out);
            steps.push(Step {
                element: at,
                outcome: outcome.clone(),
                clock_ms: clock,
                edge,
            });
            if timed_out {
                return self.end(steps, clock, Ending::GlobalTimeout, variables);
            }
            if node.kind.is_terminal() {
                return self.end(steps, clock, Ending::Terminal, variables);
            }
            match exit {
                Some(exit) => at = exit.to,
                None => {
                    let label = outcome.label();
                    let ending = if self.flow.is_script() {
                        Ending::ScriptEnd { label }
                    } else {
                        Ending::MissingEdge { label }
                    };
                    return self.end(steps, clock, ending, variables);
                }
            }
        }
    }

    fn end(&self, steps: Vec<Step>, clock: u64, ending: Ending, mut variables: Variables) -> Call {
        // A call that ends in a sub-script reports that script's variables, not the callers' kept aside.
        variables.retain(|name, value| !logic::is_kept_scope(name, value));
        let final_element = match ending {
            Ending::Terminal | Ending::ScriptEnd { .. } => steps.last().map_or_else(String::new, |s| {
                self.flow.elements[s.element].id.value.as_str().to_owned()
            }),
            Ending::GlobalTimeout => "timeout".into(),
            Ending::MissingEdge { .. } | Ending::Loop | Ending::Unmocked => "error".into(),
        };
        Call {
            timed_out: ending == Ending::GlobalTimeout,
            steps,
            final_element,
            execution_time: clock,
            ending,
            variables,
        }
    }
}
