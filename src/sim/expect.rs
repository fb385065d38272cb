//! Checks a simulated call against its case's expectations, and explains every failure: what was
//! expected, what happened, and the element where the call went another way.

use serde_json::Value;

use crate::flow::model::Flow;
use crate::sim::cases::Case;
use crate::sim::condition::json_equal;
use crate::sim::engine::{Call, Ending, Outcome, Step};
use crate::source::Span;

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// One line: what went wrong.
    pub message: String,
    /// The flow element where it happened, if one is to blame.
    pub at: Option<Span>,
    /// Further lines: where the call went, expected against actual paths.
    pub detail: Vec<String>,
}

/// Where an execution-time limit comes from, for messages.
#[derive(Debug, Clone, Copy)]
pub struct CaseLimits {
    /// The run's threshold (`--max-execution-ms`).
    pub threshold_ms: u64,
    /// The engine's step bound, for the loop message.
    pub max_steps: usize,
}

/// Every expectation of `case` that `call` breaks. Empty means the case passed.
pub fn evaluate(case: &Case, call: &Call, flow: &Flow, limits: CaseLimits) -> Vec<Failure> {
    let check = Check {
        call,
        flow,
        path: call.path(flow),
    };
    let expect = &case.expect;
    let mut failures = Vec::new();
    if call.ending == Ending::Loop {
        failures.push(check.at_last(
            format!("the call looped: {} steps without ending", limits.max_steps),
            vec![check.actual_path()],
        ));
    }
    match &expect.final_element {
        Some(expected) if expected.value != call.final_element => {
            let mut detail = check.ending_explained().into_iter().collect::<Vec<_>>();
            detail.push(check.actual_path());
            failures.push(check.at_last(
                format!(
                    "ended at {}, expected {}",
                    check.named(&call.final_element),
                    check.named(&expected.value)
                ),
                detail,
            ));
        }
        None if call.ending != Ending::Loop && check.ended_badly() => {
            let mut detail: Vec<String> = check.ending_explained().into_iter().collect();
            detail.push(check.actual_path());
            detail.push("expect this ending with \"finalElement\" if it is what the case tests".into());
            failures.push(check.at_last(
                format!("ended at {} without expecting it", check.named(&call.final_element)),
                detail,
            ));
        }
        _ => {}
    }
    if let Some(expected) = &expect.path {
        let expected: Vec<&str> = expected.iter().map(|s| s.value.as_str()).collect();
        failures.extend(check.path(&expected));
    }
    if let Some(expected) = &expect.path_contains {
        let expected: Vec<&str> = expected.iter().map(|s| s.value.as_str()).collect();
        failures.extend(check.path_contains(&expected));
    }
    for forbidden in expect.not_visits.iter().flatten() {
        if let Some(step) = check.path.iter().position(|id| *id == forbidden.value) {
            failures.push(Failure {
                message: format!(
                    "visited {} at step {}, which it must not",
                    check.named(&forbidden.value),
                    step + 1
                ),
                at: Some(check.element_span(step)),
                detail: check
                    .decision_before(step)
                    .into_iter()
                    .chain([check.actual_path()])
                    .collect(),
            });
        }
    }
    let (limit, source) = match expect.max_execution_ms {
        Some(ms) => (ms, "the case's maxExecutionMs"),
        None => (limits.threshold_ms, "--max-execution-ms"),
    };
    if call.execution_time > limit {
        let step = call.steps.iter().position(|s| s.clock_ms > limit).unwrap_or(0);
        failures.push(Failure {
            message: format!(
                "took {} ms, over the {limit} ms limit ({source})",
                call.execution_time,
                limit = limit
            ),
            at: Some(check.element_span(step)),
            detail: vec![
                format!(
                    "the clock passed {limit} ms during {} ({} ms after it)",
                    check.named(check.path[step]),
                    call.steps[step].clock_ms
                ),
                "shorten prompts, lower inputTimeout, or raise the limit if callers really wait this long".into(),
            ],
        });
    }
    if let Some(expected) = expect.timed_out
        && expected != call.timed_out
    {
        let message = if call.timed_out {
            format!(
                "timed out during {}, expected no timeout",
                check.named(check.path.last().copied().unwrap_or_default())
            )
        } else {
            "did not time out, expected a timeout".to_string()
        };
        failures.push(check.at_last(message, vec![check.actual_path()]));
    }
    for (name, expected) in expect.variables.iter().flatten() {
        let message = match call.variables.get(name) {
            None => format!("variable `{name}` is not set at the end, expected {}", show(expected)),
            Some(actual) if !same(actual, expected) => {
                format!(
                    "variable `{name}` is {} at the end, expected {}",
                    show(actual),
                    show(expected)
                )
            }
            Some(_) => continue,
        };
        failures.push(Failure {
            message,
            at: None,
            detail: Vec::new(),
        });
    }
    failures
}

fn same(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b) && json_equal(a, b)
}

fn show(value: &Value) -> String {
    value.to_string()
}

struct Check<'a> {
    call: &'a Call,
    flow: &'a Flow,
    path: Vec<&'a str>,
}

impl Check<'_> {
    fn element_span(&self, step: usize) -> Span {
        self.call
            .steps
            .get(step)
            .map_or_else(Span::default, |s| self.flow.elements[s.element].id.span)
    }

    fn at_last(&self, message: String, detail: Vec<String>) -> Failure {
        Failure {
            message,
            at: self.call.steps.len().checked_sub(1).map(|last| self.element_span(last)),
            detail,
        }
    }

    fn ended_badly(&self) -> bool {
        use crate::flow::model::ElementKind;
        self.call.ending != Ending::Terminal
            || self.call.steps.last().is_some_and(|s| {
                matches!(
                    self.flow.elements[s.element].kind,
                    ElementKind::Timeout | ElementKind::Error
                )
            })
    }

    fn actual_path(&self) -> String {
        format!("actual:   {}", self.joined(&self.path))
    }

    /// How a message names the element `id` (or an expectation naming one): `"menu_main"`
    /// in a flow file, `action 4 "Main Menu" (MENU)` in a script (an id or label no action has,
    /// like `timeout`, stays quoted).
    fn named(&self, id: &str) -> String {
        self.action(id)
            .and_then(|e| Some(e.action.as_ref()?.describe(&e.id.value)))
            .unwrap_or_else(|| format!("\"{id}\""))
    }

    /// A script's action with this id (or, failing that, this label).
    fn action(&self, id: &str) -> Option<&crate::flow::model::Element> {
        let elements = &self.flow.elements;
        self.flow.is_script().then_some(())?;
        elements.iter().find(|e| e.id.value == id).or_else(|| {
            elements
                .iter()
                .find(|e| e.action.as_ref().is_some_and(|a| a.label.as_deref() == Some(id)))
        })
    }

    /// A path as people read it: ids in a flow file, each action's label (else its id) in a script.
    fn joined(&self, path: &[&str]) -> String {
        let short = |id: &&str| self.action(id).map_or(*id, |e| e.short_name()).to_string();
        path.iter().map(short).collect::<Vec<_>>().join(" → ")
    }

    /// What the element before `step` did to lead there. A script's action that fell to its
    /// `default` branch says so, as Studio does.
    fn decision_before(&self, step: usize) -> Option<String> {
        let before = step.checked_sub(1)?;
        let how = describe_step(self.flow, &self.call.steps[before]);
        Some(format!("at {} the call took {how}", self.named(self.path[before])))
    }

    /// Why the call ended as it did, when it did not end at a terminal.
    fn ending_explained(&self) -> Option<String> {
        let last = self.path.last().copied().unwrap_or("start");
        let step = self.call.steps.last();
        match &self.call.ending {
            Ending::Terminal | Ending::ScriptEnd { .. } => None,
            Ending::GlobalTimeout => Some(format!(
                "the clock passed globalTimeout ({} ms) during {}, at {} ms",
                self.flow.timeouts.global_ms(),
                self.named(last),
                self.call.execution_time
            )),
            Ending::MissingEdge { label } => Some(match (label, step) {
                (_, None) => "the flow has no start element".to_string(),
                (Some(_), Some(step)) => {
                    format!(
                        "implicit error: {} has no edge for {}",
                        self.named(last),
                        describe(&step.outcome)
                    )
                }
                (None, Some(step)) => format!(
                    "implicit error: {} has no way on after {}",
                    self.named(last),
                    describe(&step.outcome)
                ),
            }),
            Ending::Loop => Some("the call looped without ending".to_string()),
            Ending::Unmocked => step.map(|step| unmocked(self.flow, step.element, MockSyntax::Case)),
        }
    }

    fn path(&self, expected: &[&str]) -> Option<Failure> {
        let actual = &self.path;
        let parted = (0..expected.len().max(actual.len())).find(|&i| expected.get(i) != actual.get(i))?;
        let detail_paths = [format!("expected: {}", self.joined(expected)), self.actual_path()];
        let (message, blame) = match (expected.get(parted), actual.get(parted)) {
            (Some(e), Some(a)) => (
                format!(
                    "path parts at step {}: expected {}, got {}",
                    parted + 1,
                    self.named(e),
                    self.named(a)
                ),
                parted.saturating_sub(1),
            ),
            (Some(e), None) => (
                format!("path ends after step {parted}; expected {} next", self.named(e)),
                parted.saturating_sub(1),
            ),
            (None, Some(a)) => (
                format!(
                    "path goes on past the expected end: step {} is {}",
                    parted + 1,
                    self.named(a)
                ),
                parted.saturating_sub(1),
            ),
            (None, None) => return None,
        };
        let mut detail: Vec<String> = if parted < actual.len() {
            self.decision_before(parted).into_iter().collect()
        } else {
            self.ending_explained().into_iter().collect()
        };
        detail.extend(detail_paths);
        Some(Failure {
            message,
            at: Some(self.element_span(blame)),
            detail,
        })
    }

    fn path_contains(&self, expected: &[&str]) -> Option<Failure> {
        let mut from = 0;
        for (j, id) in expected.iter().enumerate() {
            match self.path[from..].iter().position(|a| a == id) {
                Some(found) => from += found + 1,
                None => {
                    let after = if j == 0 {
                        String::new()
                    } else {
                        format!(" after {}", self.named(expected[j - 1]))
                    };
                    return Some(Failure {
                        message: format!("path does not contain {}{after}", self.named(id)),
                        at: from.checked_sub(1).map(|step| self.element_span(step)),
                        detail: vec![
                            format!("expected in order: {}", self.joined(expected)),
                            self.actual_path(),
                        ],
                    });
                }
            }
        }
        None
    }
}

/// How a mock is written where the reader is: in a test case, or on the `simulate` command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MockSyntax {
    Case,
    CommandLine,
}

/// Why a call stopped at the opaque action `element`, and the mock that would take it on, written
/// as `syntax` says.
pub fn unmocked(flow: &Flow, element: usize, syntax: MockSyntax) -> String {
    let element = &flow.elements[element];
    let id = element.id.value.as_str();
    let Some(action) = &element.action else {
        return format!("the case does not mock \"{id}\"");
    };
    let name = action.label.as_deref().unwrap_or(id);
    let (described, branches) = (action.describe(id), action.branches.join("\", \""));
    match syntax {
        MockSyntax::Case => format!(
            "the case does not mock {described}: add \"mock\": {{\"{name}\": BRANCH}}, BRANCH one of \"{branches}\""
        ),
        MockSyntax::CommandLine => {
            format!("no --mock names {described}: add --mock \"{name}=BRANCH\", BRANCH one of \"{branches}\"")
        }
    }
}

/// What one step did, as [`describe`] says it; a script's action that fell to its `default`
/// branch says so, as Studio does.
pub fn describe_step(flow: &Flow, step: &Step) -> String {
    let default = flow.is_script()
        && step
            .edge
            .and_then(|e| flow.edges[e].on.as_ref())
            .is_some_and(|on| on.value == "default");
    match &step.outcome {
        Outcome::Silence if default => "branch `default` (the caller was silent)".into(),
        Outcome::Invalid(entry) if default => format!("branch `default` (for \"{entry}\")"),
        Outcome::Key(key) if default => format!("branch `default` (key \"{key}\" has no branch of its own)"),
        outcome => describe(outcome),
    }
}

/// An outcome in words, for explanations.
pub fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Next => "its only exit".into(),
        Outcome::Key(key) => format!("key \"{key}\""),
        Outcome::Entered(digits) => format!("`ok` with \"{digits}\""),
        Outcome::Silence => "`timeout` (the caller was silent)".into(),
        Outcome::Invalid(entry) => format!("`invalid` for \"{entry}\""),
        Outcome::Rule(i) => format!("routing rule {}", i + 1),
        Outcome::NoRuleMatched => "`default` (no rule matched)".into(),
        Outcome::Mocked(branch) => format!("branch \"{branch}\" (mocked)"),
        Outcome::Decided(branch) => format!("branch \"{branch}\" (its own logic)"),
        Outcome::Digit(key) => format!("key \"{key}\" during the prompt (`Digit`)"),
        Outcome::End => "the end of the call".into(),
    }
}
