//! The trace of one ad-hoc call (`cxone-flow simulate`): element (a script's action), type, outcome
//! and clock per step, then the result in the shape of the CXone simulation endpoint; ids, labels
//! and values shown as data ([`crate::printable`]).

use std::fmt::Write;

use crate::flow::model::Flow;
use crate::printable::{escape, shown};
use crate::sim::engine::{Call, Ending};
use crate::sim::expect::{MockSyntax, describe_step, unmocked};

/// Traces longer than this show their first and last steps only.
const SHOWN_STEPS: usize = 60;

/// Renders a call's trace.
pub fn render(flow: &Flow, call: &Call, threshold_ms: u64) -> String {
    let rows: Vec<[String; 5]> = call
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let element = &flow.elements[step.element];
            // A script's action by id and label, of its Studio type.
            let (name, kind) = match &element.action {
                Some(action) => (
                    action.label.as_ref().map_or_else(
                        || element.id.value.to_string(),
                        |label| format!("{} {label}", element.id.value),
                    ),
                    action.name.to_string(),
                ),
                None => (element.id.value.to_string(), element.kind.name().to_string()),
            };
            [
                (i + 1).to_string(),
                name,
                kind,
                describe_step(flow, step),
                format!("{} ms", step.clock_ms),
            ]
            .map(|cell| escape(&cell))
        })
        .collect();
    let header = ["step", flow.word("element", "action"), "type", "outcome", "clock"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, row: &[String; 5]| {
        let _ = writeln!(
            out,
            "{:>w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {:>w4$}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
            w4 = widths[4]
        );
    };
    line(&mut out, &header);
    let half = SHOWN_STEPS / 2;
    for (i, row) in rows.iter().enumerate() {
        if rows.len() > SHOWN_STEPS && i == half {
            let _ = writeln!(
                out,
                "{:>w$}  … {} steps not shown …",
                "",
                rows.len() - SHOWN_STEPS,
                w = widths[0]
            );
        }
        if rows.len() <= SHOWN_STEPS || i < half || i >= rows.len() - half {
            line(&mut out, row);
        }
    }
    let last = call
        .steps
        .last()
        .map_or_else(|| "\"start\"".to_string(), |s| flow.named(&flow.elements[s.element]));
    let last = shown(&last);
    match &call.ending {
        Ending::Terminal => {}
        Ending::GlobalTimeout => {
            let _ = writeln!(
                out,
                "ended: the clock passed globalTimeout ({} ms) during {last}",
                flow.timeouts.global_ms()
            );
        }
        Ending::MissingEdge { label: Some(label) } => {
            let _ = writeln!(
                out,
                "ended: implicit error: {last} has no `{}` {}",
                shown(label),
                flow.word("edge", "branch")
            );
        }
        Ending::MissingEdge { label: None } if call.steps.is_empty() => {
            let _ = writeln!(
                out,
                "ended: {}",
                flow.word("the flow has no start element", "the script has no BEGIN action")
            );
        }
        Ending::MissingEdge { label: None } => {
            let _ = writeln!(out, "ended: implicit error: {last} has no way on");
        }
        Ending::Loop => {
            let _ = writeln!(out, "ended: looped, {} steps without ending", call.steps.len());
        }
        Ending::ScriptEnd { label } => {
            let why = match label {
                Some(label) => format!("it has no `{label}` branch"),
                None => "it has no branch".to_string(),
            };
            let _ = writeln!(
                out,
                "ended: the script ends at {last}: {why} (Studio ends a script there)"
            );
        }
        Ending::Unmocked => {
            let at = call.steps.last().map_or(0, |s| s.element);
            let _ = writeln!(out, "ended: {}", shown(&unmocked(flow, at, MockSyntax::CommandLine)));
        }
    }
    if call.execution_time > threshold_ms {
        let _ = writeln!(
            out,
            "the call took {} ms, over the {threshold_ms} ms execution threshold",
            call.execution_time
        );
    }
    let verdict = call.verdict(flow, threshold_ms).as_str();
    // A script's last action by id and label; an ending no action has (`error`) as it is.
    let final_element = flow
        .elements
        .iter()
        .find(|e| e.action.is_some() && e.id.value == call.final_element)
        .map_or_else(|| call.final_element.to_string(), |e| flow.named(e));
    let _ = writeln!(
        out,
        "result: {verdict}  finalElement: {}  executionTime: {} ms  timedOut: {}",
        shown(&final_element),
        call.execution_time,
        call.timed_out
    );
    if !call.variables.is_empty() {
        let variables: Vec<String> = call.variables.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(out, "variables: {}", shown(&variables.join(" ")));
    }
    out
}
