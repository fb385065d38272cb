//! Generates realistic, clean flow corpora for the benchmarks: chains of IVR sections, each a
//! prompt, a menu with retry and timeout handling, a `set`, a business-hours routing element with a
//! rule and a default, a queue and a voicemail. Section i's menu key "3" leads to section i+1, so calls
//! can go as deep as the flow is long; the global timeout (one hour) leaves them room to.

#![allow(dead_code, reason = "each benchmark uses its own part of the shared corpus")]

pub mod shape;

use std::path::{Path, PathBuf};

use shape::Graph;

/// Elements in one generated section.
pub const SECTION: usize = 6;

/// The text of a flow of about `elements` elements, pretty-printed one element or edge per line, as
/// people write them.
pub fn flow_text(name: &str, elements: usize) -> String {
    shape::flow(name, elements, Graph::Standard).write(&shape::LINES)
}

/// Writes `count` flows of about `elements` elements into `dir`; returns the bytes written.
pub fn write_corpus(dir: &Path, count: usize, elements: usize) -> u64 {
    write_flows(dir, count, elements, None).0
}

/// Writes `count` flows of about `elements` elements into `dir`, each with a test file of `cases`
/// cases; returns the flows' bytes and each flow's path with its test file's.
pub fn write_corpus_with_cases(
    dir: &Path,
    count: usize,
    elements: usize,
    cases: usize,
) -> (u64, Vec<(PathBuf, PathBuf)>) {
    let (bytes, files) = write_flows(dir, count, elements, Some(cases));
    let pairs = files.into_iter().filter_map(|(flow, tests)| Some((flow, tests?)));
    (bytes, pairs.collect())
}

/// Writes `count` flows into `dir`, each with a test file of that many cases when `cases` says
/// so; returns the flows' bytes and each flow's path with its test file's.
fn write_flows(
    dir: &Path,
    count: usize,
    elements: usize,
    cases: Option<usize>,
) -> (u64, Vec<(PathBuf, Option<PathBuf>)>) {
    std::fs::create_dir_all(dir).expect("corpus directory");
    let mut flow_bytes = 0;
    let mut files = Vec::with_capacity(count);
    for i in 0..count {
        let name = format!("flow-{i:05}");
        let flow = flow_text(&name, elements);
        flow_bytes += flow.len() as u64;
        let flow_path = dir.join(format!("{name}.flow.json"));
        std::fs::write(&flow_path, flow).expect("corpus file");
        let tests_path = cases.map(|cases| {
            let path = dir.join(format!("{name}.tests.json"));
            std::fs::write(&path, tests_text(elements, cases)).expect("corpus file");
            path
        });
        files.push((flow_path, tests_path));
    }
    (flow_bytes, files)
}

/// The sections of a generated flow of about `elements` elements.
pub fn sections(elements: usize) -> usize {
    (elements.saturating_sub(1) / SECTION).max(1)
}

/// The text of a test file with `count` cases for a generated flow, one case per line (see
/// [`shape::tests`]).
pub fn tests_text(elements: usize, count: usize) -> String {
    shape::tests(elements, count, Graph::Standard, false).write(&shape::LINES)
}

/// The text of a Studio script of about `elements` actions, one action, property list or branch list
/// per line (see [`shape::script`]).
pub fn script_text(name: &str, elements: usize) -> String {
    shape::script(name, elements, false).write(&shape::LINES)
}

/// Writes `count` scripts of about `elements` actions into `dir`; returns the bytes written.
pub fn write_script_corpus(dir: &Path, count: usize, elements: usize) -> u64 {
    std::fs::create_dir_all(dir).expect("corpus directory");
    let mut bytes = 0;
    for i in 0..count {
        let name = format!("script_{i:05}");
        let text = script_text(&name, elements);
        bytes += text.len() as u64;
        std::fs::write(dir.join(format!("{name}.json")), text).expect("corpus file");
    }
    bytes
}
