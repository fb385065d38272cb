//! Generates realistic, clean flow corpora for the benchmarks: chains of IVR sections, each a
//! prompt, a menu with retry and timeout handling, a `set`, a business-hours routing element with a
//! rule and a default, a queue and a voicemail. Section i's menu key "3" leads to section i+1, so calls
//! can go as deep as the flow is long; the global timeout (one hour) leaves them room to.

#![allow(dead_code, reason = "each benchmark uses its own part of the shared corpus")]

use std::fmt::Write;
use std::path::Path;

/// Elements in one generated section.
pub const SECTION: usize = 6;

/// The text of a flow of about `elements` elements, pretty-printed one element or edge per line, as
/// people write them.
pub fn flow_text(name: &str, elements: usize) -> String {
    let sections = sections(elements);
    let mut els = String::from("    {\"id\": \"start\", \"type\": \"start\"}");
    let mut edges = String::from("    {\"from\": \"start\", \"to\": \"p0\"}");
    let mut rules = String::new();
    for i in 0..sections {
        let _ = write!(
            els,
            ",\n    {{\"id\": \"p{i}\", \"type\": \"play\", \"prompt\": \"Section {i}. Please listen carefully.\", \"promptMs\": 1200}}\
             ,\n    {{\"id\": \"m{i}\", \"type\": \"menu\", \"prompt\": \"For option one press 1, for an agent press 2.\", \"promptMs\": 2500}}\
             ,\n    {{\"id\": \"s{i}\", \"type\": \"set\", \"variable\": \"section\", \"value\": {i}}}\
             ,\n    {{\"id\": \"r{i}\", \"type\": \"routing\", \"description\": \"business hours\"}}\
             ,\n    {{\"id\": \"q{i}\", \"type\": \"queue\", \"queue\": \"Queue {i}\"}}\
             ,\n    {{\"id\": \"v{i}\", \"type\": \"voicemail\"}}"
        );
        let _ = write!(
            edges,
            ",\n    {{\"from\": \"p{i}\", \"to\": \"m{i}\"}}\
             ,\n    {{\"from\": \"m{i}\", \"to\": \"s{i}\", \"on\": \"1\"}}\
             ,\n    {{\"from\": \"m{i}\", \"to\": \"q{i}\", \"on\": \"2\"}}\
             ,\n    {{\"from\": \"m{i}\", \"to\": \"q{i}\", \"on\": \"timeout\"}}\
             ,\n    {{\"from\": \"m{i}\", \"to\": \"p{i}\", \"on\": \"invalid\"}}\
             ,\n    {{\"from\": \"s{i}\", \"to\": \"r{i}\"}}\
             ,\n    {{\"from\": \"r{i}\", \"to\": \"v{i}\", \"on\": \"default\"}}"
        );
        if i + 1 < sections {
            let _ = write!(
                edges,
                ",\n    {{\"from\": \"m{i}\", \"to\": \"p{}\", \"on\": \"3\"}}",
                i + 1
            );
        }
        if i > 0 {
            rules.push_str(",\n");
        }
        let _ = write!(
            rules,
            "    {{\"element\": \"r{i}\", \"condition\": {{\"all\": [{{\"variable\": \"hour\", \"operator\": \"between\", \"value\": [8, 18]}}, {{\"variable\": \"dayOfWeek\", \"operator\": \"notIn\", \"value\": [\"Sat\", \"Sun\"]}}]}}, \"action\": {{\"goto\": \"q{i}\"}}}}"
        );
    }
    format!(
        "{{\n  \"flowId\": \"{name}\",\n  \"name\": \"Generated {name}\",\n  \"elements\": [\n{els}\n  ],\n  \"edges\": [\n{edges}\n  ],\n  \"routingRules\": [\n{rules}\n  ],\n  \"timeouts\": {{\"globalTimeout\": 3600000, \"inputTimeout\": 8000}}\n}}\n"
    )
}

/// Writes `count` flows of about `elements` elements into `dir`; returns the bytes written.
pub fn write_corpus(dir: &Path, count: usize, elements: usize) -> u64 {
    std::fs::create_dir_all(dir).expect("corpus directory");
    let mut bytes = 0;
    for i in 0..count {
        let name = format!("flow-{i:05}");
        let text = flow_text(&name, elements);
        bytes += text.len() as u64;
        std::fs::write(dir.join(format!("{name}.flow.json")), text).expect("corpus file");
    }
    bytes
}

/// The sections of a generated flow of about `elements` elements.
pub fn sections(elements: usize) -> usize {
    (elements.saturating_sub(1) / SECTION).max(1)
}

/// The text of a test file with `count` cases for a generated flow: case k goes `k % sections`
/// sections deep, then tries option 1 in or out of office hours, or asks for an agent, or stays silent.
pub fn tests_text(elements: usize, count: usize) -> String {
    let sections = sections(elements);
    let cases: Vec<String> = (0..count)
        .map(|k| {
            let depth = k % sections;
            let mut keys = vec!["\"3\"".to_string(); depth];
            let (last, hour, expected) = match k % 4 {
                0 => ("\"1\"", 10, format!("q{depth}")),
                1 => ("\"1\"", 22, format!("v{depth}")),
                2 => ("\"2\"", 10, format!("q{depth}")),
                _ => ("\"\"", 10, format!("q{depth}")),
            };
            keys.push(last.to_string());
            format!(
                "    {{\"name\": \"case {k}\", \"input\": {{\"dtmf\": [{}], \"variables\": {{\"hour\": {hour}, \"dayOfWeek\": \"Tue\"}}}}, \"expect\": {{\"finalElement\": \"{expected}\", \"notVisits\": [\"v{}\"], \"maxExecutionMs\": 3600000}}}}",
                keys.join(", "),
                (depth + 1) % sections
            )
        })
        .collect();
    format!("{{\n  \"cases\": [\n{}\n  ]\n}}\n", cases.join(",\n"))
}
