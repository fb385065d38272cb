//! Runs a flow's test cases through the engine and gathers results and coverage.

use serde::Serialize;

use crate::flow::ends::Ends;
use crate::flow::model::Flow;
use crate::sim::cases::{Case, TestFile};
use crate::sim::coverage::{Coverage, Tally};
use crate::sim::engine::{Call, DEFAULT_MAX_STEPS, Engine, Verdict};
use crate::sim::expect::{self, CaseLimits, Failure};
use crate::sim::ids::Ids;

/// The default execution threshold, in ms.
pub const DEFAULT_MAX_EXECUTION_MS: u64 = 15_000;

/// What a case's call did, in the shape of the CXone simulation endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallSummary {
    pub path: Ids,
    /// How the call left each element of `path`: the `on` of the edge it followed (empty for an
    /// edge without one), `rule` for a routing rule's goto; the last is empty. Diagrams draw the
    /// link the call took when two lead to the same element.
    #[serde(skip)]
    pub exits: Ids,
    pub final_element: String,
    pub execution_time: u64,
    pub timed_out: bool,
    pub result: Verdict,
}

impl CallSummary {
    pub fn of(call: &Call, flow: &Flow, threshold_ms: u64) -> Self {
        CallSummary {
            path: call.path(flow).into_iter().collect(),
            exits: call.exits(flow).into_iter().collect(),
            ..CallSummary::without_path(call, flow, threshold_ms)
        }
    }

    /// A successful call along `path`, leaving each element by `exits` (for the renderers' tests).
    #[cfg(test)]
    pub(crate) fn through(path: &[&str], exits: &[&str]) -> Self {
        CallSummary {
            path: path.iter().copied().collect(),
            exits: exits.iter().copied().collect(),
            final_element: path.last().map_or_else(String::new, |last| last.to_string()),
            execution_time: 0,
            timed_out: false,
            result: Verdict::Success,
        }
    }

    /// The summary with an empty path, for a report that will not show it.
    fn without_path(call: &Call, flow: &Flow, threshold_ms: u64) -> Self {
        CallSummary {
            path: Ids::default(),
            exits: Ids::default(),
            final_element: call.final_element.clone(),
            execution_time: call.execution_time,
            timed_out: call.timed_out,
            result: call.verdict(flow, threshold_ms),
        }
    }
}

/// Which runs keep their call's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paths {
    /// Every run: for a report that lists every case's path.
    Every,
    /// Only the runs that broke an expectation (a passed run's path is left empty): for a report
    /// that shows the paths of failed cases only, so a large run does not hold thousands of paths
    /// it will never print.
    OfFailures,
}

/// One case run: its call and the expectations it broke.
#[derive(Debug, Clone)]
pub struct CaseRun<'c> {
    pub case: &'c Case,
    pub call: CallSummary,
    pub failures: Vec<Failure>,
}

/// Runs every case of `tests` against `flow` (whose ids lead to `ends`); returns the runs, with the
/// paths `paths` asks for, and the coverage they reach.
pub fn run_cases<'c>(
    flow: &Flow,
    ends: &Ends,
    tests: Option<&'c TestFile>,
    threshold_ms: u64,
    paths: Paths,
) -> (Vec<CaseRun<'c>>, Coverage) {
    let limits = CaseLimits {
        threshold_ms,
        max_steps: DEFAULT_MAX_STEPS,
    };
    let cases = tests.map(|t| t.cases.as_slice()).unwrap_or_default();
    let mut tally = Tally::new(flow);
    // A flow without cases needs no engine: its coverage is nothing.
    if cases.is_empty() {
        return (Vec::new(), tally.coverage(flow));
    }
    let engine = Engine::with_ends(flow, ends);
    // One case at a time: its call counts towards coverage and is summed up, then let go, so a
    // run of many cases holds their summaries, never their calls.
    let runs = cases
        .iter()
        .map(|case| {
            let call = engine.run_mocked(&case.dtmf, &case.variables, &case.mock);
            tally.add(&call);
            let failures = expect::evaluate(case, &call, flow, limits);
            let call = if paths == Paths::Every || !failures.is_empty() {
                CallSummary::of(&call, flow, threshold_ms)
            } else {
                CallSummary::without_path(&call, flow, threshold_ms)
            };
            CaseRun { case, call, failures }
        })
        .collect();
    (runs, tally.coverage(flow))
}
