//! Generates realistic, clean flow corpora for the benchmarks: chains of IVR sections, each a
//! prompt, a menu with retry and timeout handling, a `set`, a business-hours routing element with a
//! rule and a default, a queue and a voicemail.

use std::fmt::Write;
use std::path::Path;

/// Elements in one generated section.
pub const SECTION: usize = 6;

/// The text of a flow of about `elements` elements, pretty-printed one element or edge per line, as
/// people write them.
pub fn flow_text(name: &str, elements: usize) -> String {
    let sections = (elements.saturating_sub(1) / SECTION).max(1);
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
        "{{\n  \"flowId\": \"{name}\",\n  \"name\": \"Generated {name}\",\n  \"elements\": [\n{els}\n  ],\n  \"edges\": [\n{edges}\n  ],\n  \"routingRules\": [\n{rules}\n  ],\n  \"timeouts\": {{\"globalTimeout\": 30000, \"inputTimeout\": 8000}}\n}}\n"
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
