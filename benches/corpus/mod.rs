//! Generates realistic, clean flow corpora for the benchmarks: chains of IVR sections, each a
//! prompt, a menu with retry and timeout handling, a `set`, a business-hours routing element with a
//! rule and a default, a queue and a voicemail. Section i's menu key "3" leads to section i+1, so calls
//! can go as deep as the flow is long; the global timeout (one hour) leaves them room to.

#![allow(dead_code, reason = "each benchmark uses its own part of the shared corpus")]

use std::fmt::Write;
use std::path::{Path, PathBuf};

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

/// The text of a Studio script of about `elements` actions, the same IVR as [`flow_text`] in
/// Studio's terms, one action, property list or branch list per line: BEGIN, a shared MUSIC hold
/// loop, then sections of PLAY, MENU (1 → ASSIGN, 2 and default → REQAGENT, 3 → next section),
/// ASSIGN, an opaque hours check (Open → REQAGENT, Closed → HANGUP), REQAGENT (→ hold) and HANGUP.
pub fn script_text(name: &str, elements: usize) -> String {
    const GUIDS: [(&str, &str); 8] = [
        ("BEGIN", "b2f794c5-0232-40e7-9830-76d573bf57d7"),
        ("MUSIC", "dbcc742b-28d8-42d1-9d95-0d9abf20b04b"),
        ("PLAY", "b1b9a2dd-65b6-4626-9cf5-9cfa69cf59e2"),
        ("MENU", "daee9c00-12ce-4222-a42e-307c37d53b7f"),
        ("ASSIGN", "9015c095-98d9-441f-bf92-e90f5c5ed8c8"),
        ("HOURS", "6e2f3a41-8c1d-4b7e-9f0a-2d5c7b8e1f34"),
        ("REQAGENT", "689a4a1b-fa0d-47b3-9a02-cbeb4735f08f"),
        ("HANGUP", "b64a6796-4f66-4b1b-a9b5-3af926ab4b7c"),
    ];
    let sections = sections(elements);
    let (mut actions, mut properties, mut branches) = (Vec::new(), Vec::new(), Vec::new());
    let mut action = |id: usize, kind: usize, label: String| {
        let (name, guid) = GUIDS[kind];
        let (x, y) = ((id % 8) * 220, (id / 8) * 160);
        actions.push(format!(
            "    \"{id}\": {{\"actionId\": {id}, \"libraryId\": \"{guid}\", \"name\": \"{name}\", \"version\": 1, \"label\": \"{label}\", \"x\": {x}, \"y\": {y}, \"xws\": {x}, \"yws\": {y}}}"
        ));
    };
    let property = |id: usize, pairs: &[(&str, String)]| {
        let list: Vec<String> = pairs
            .iter()
            .enumerate()
            .map(|(i, (name, value))| {
                format!(
                    "\"{i}\": {{\"name\": \"{name}\", \"value\": {}}}",
                    serde_json::json!(value)
                )
            })
            .collect();
        format!("    \"{id}\": {{{}}}", list.join(", "))
    };
    let branch = |from: usize, list: &[(usize, &str)]| {
        let list: Vec<String> = list
            .iter()
            .enumerate()
            .map(|(i, (to, label))| {
                let kind = if *label == "Default" { "default" } else { "case" };
                format!("{{\"to\": {to}, \"label\": \"{label}\", \"type\": \"{kind}\", \"index\": {i}}}")
            })
            .collect();
        format!("    \"{from}\": [{}]", list.join(", "))
    };
    action(1, 0, "Begin".into());
    action(2, 1, "Hold".into());
    properties.push(property(
        2,
        &[("MusicFile", "hold.wav".into()), ("SecondstoPlay", "60".into())],
    ));
    branches.push(branch(1, &[(3, "Default")]));
    branches.push(branch(2, &[(2, "Default")]));
    for i in 0..sections {
        let base = 3 + i * SECTION;
        let (play, menu, assign, hours, queue, hangup) = (base, base + 1, base + 2, base + 3, base + 4, base + 5);
        action(play, 2, format!("Section {i}"));
        action(menu, 3, format!("Menu {i}"));
        action(assign, 4, format!("Mark {i}"));
        action(hours, 5, format!("Hours {i}"));
        action(queue, 6, format!("Queue {i}"));
        action(hangup, 7, format!("Goodbye {i}"));
        properties.push(property(
            play,
            &[
                ("Sequence", format!("\"%Section {i}. Please listen carefully.\"")),
                ("DetectDTMF", "False".into()),
            ],
        ));
        properties.push(property(
            menu,
            &[
                ("Sequence", "\"%For option one press 1, for an agent press 2.\"".into()),
                ("Timeout", "8".into()),
            ],
        ));
        properties.push(property(
            assign,
            &[("Variable", "section".into()), ("Expression", i.to_string())],
        ));
        properties.push(property(queue, &[("Skill", format!("Queue {i}"))]));
        branches.push(branch(play, &[(menu, "Default")]));
        let mut menu_branches = vec![(assign, "1"), (queue, "2"), (queue, "Default")];
        if i + 1 < sections {
            menu_branches.push((base + SECTION, "3"));
        }
        branches.push(branch(menu, &menu_branches));
        branches.push(branch(assign, &[(hours, "Default")]));
        branches.push(branch(hours, &[(queue, "Open"), (hangup, "Closed")]));
        branches.push(branch(queue, &[(2, "Default")]));
    }
    let next = 3 + sections * SECTION;
    format!(
        "{{\n  \"header\": {{\"scriptName\": \"{name}\", \"busNo\": 4600012, \"mediaType\": 4, \"mediaTypeName\": \"call\", \"nextActionId\": {next}, \"status\": \"Active\"}},\n  \"actions\": {{\n{}\n  }},\n  \"properties\": {{\n{}\n  }},\n  \"branches\": {{\n{}\n  }}\n}}\n",
        actions.join(",\n"),
        properties.join(",\n"),
        branches.join(",\n")
    )
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
