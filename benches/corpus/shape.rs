//! The shapes of the generated corpora: one IVR (see the module above) built as a JSON tree in
//! three graphs (the usual, a sparse and a dense one), with tests that expect a final element or the
//! full path, and written in the layouts people commit: one element per line, every object and array
//! broken across lines with 2 or 4 spaces or a tab (as `JSON.stringify(x, null, 2)` and editors write
//! them), minified, CRLF line ends.

use super::{SECTION, sections};

/// A JSON value as the generator builds it: members keep their order.
pub enum Json {
    Object(Vec<(String, Json)>),
    Array(Vec<Json>),
    String(String),
    Number(i64),
    Bool(bool),
}

/// An object of `members`, in their order.
fn object<const N: usize>(members: [(&str, Json); N]) -> Json {
    Json::Object(
        members
            .into_iter()
            .map(|(key, value)| (key.to_string(), value))
            .collect(),
    )
}

fn string(text: impl Into<String>) -> Json {
    Json::String(text.into())
}

fn strings<const N: usize>(texts: [&str; N]) -> Json {
    Json::Array(texts.into_iter().map(string).collect())
}

/// How a tree is written out.
pub struct Layout {
    /// One level of indent.
    indent: &'static str,
    newline: &'static str,
    /// Between a key and its value.
    colon: &'static str,
    /// After the comma between the members of a container kept on one line.
    comma: &'static str,
    /// Whether the container at `depth` whose members are all containers (or not) is broken across
    /// lines, one member per line.
    broken: fn(depth: usize, of_containers: bool) -> bool,
    /// Whether the text ends with a line end, as editors save it.
    final_newline: bool,
}

/// One element, edge, case, action, property list or branch list per line: the corpus of the
/// earlier sessions.
pub const LINES: Layout = Layout {
    indent: "  ",
    newline: "\n",
    colon: ": ",
    comma: " ",
    broken: |depth, of_containers| depth == 0 || (depth == 1 && of_containers),
    final_newline: true,
};

/// Every object and array broken across lines with `indent`, as `JSON.stringify(x, null, indent)`
/// writes them, with a final line end as editors save them.
const fn pretty(indent: &'static str, newline: &'static str) -> Layout {
    Layout {
        indent,
        newline,
        colon: ": ",
        comma: "",
        broken: |_, _| true,
        final_newline: true,
    }
}

/// No whitespace at all, as `JSON.stringify(x)` writes it and APIs answer.
const MINIFIED: Layout = Layout {
    indent: "",
    newline: "",
    colon: ":",
    comma: "",
    broken: |_, _| false,
    final_newline: false,
};

impl Json {
    /// The tree as text in `layout`.
    pub fn write(&self, layout: &Layout) -> String {
        let mut out = String::new();
        self.write_at(layout, 0, &mut out);
        if layout.final_newline {
            out.push_str(layout.newline);
        }
        out
    }

    fn write_at(&self, layout: &Layout, depth: usize, out: &mut String) {
        match self {
            Json::Object(members) => {
                let members = members.iter().map(|(key, value)| (Some(key.as_str()), value));
                write_container(layout, depth, ('{', '}'), members.collect(), out);
            }
            Json::Array(items) => {
                write_container(
                    layout,
                    depth,
                    ('[', ']'),
                    items.iter().map(|i| (None, i)).collect(),
                    out,
                );
            }
            Json::String(text) => out.push_str(&serde_json::to_string(text).expect("a string")),
            Json::Number(n) => out.push_str(&n.to_string()),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        }
    }

    fn is_container(&self) -> bool {
        matches!(self, Json::Object(_) | Json::Array(_))
    }
}

fn write_container(
    layout: &Layout,
    depth: usize,
    (open, close): (char, char),
    members: Vec<(Option<&str>, &Json)>,
    out: &mut String,
) {
    out.push(open);
    if members.is_empty() {
        out.push(close);
        return;
    }
    let broken = (layout.broken)(depth, members.iter().all(|(_, value)| value.is_container()));
    for (at, (key, value)) in members.iter().enumerate() {
        if at > 0 {
            out.push(',');
            if !broken {
                out.push_str(layout.comma);
            }
        }
        if broken {
            out.push_str(layout.newline);
            out.push_str(&layout.indent.repeat(depth + 1));
        }
        if let Some(key) = key {
            out.push_str(&serde_json::to_string(key).expect("a key"));
            out.push_str(layout.colon);
        }
        value.write_at(layout, depth + 1, out);
    }
    if broken {
        out.push_str(layout.newline);
        out.push_str(&layout.indent.repeat(depth));
    }
    out.push(close);
}

/// How many edges and routing rules a flow's sections have.
#[derive(Clone, Copy, PartialEq)]
pub enum Graph {
    /// 1.33 edges per element, a routing rule per section (the earlier sessions' corpus).
    Standard,
    /// 1.17 edges per element (no menu key 2), a routing rule every third section (11 in a flow of
    /// 200 elements), as in the flows issue 36 measured on.
    Sparse,
    /// 1.5 edges per element (menu key 0 repeats the prompt), two routing rules per section.
    Dense,
}

impl Graph {
    fn has_key_2(self) -> bool {
        self != Graph::Sparse
    }

    /// The routing rules of section `i`.
    fn rules(self, i: usize) -> usize {
        match self {
            Graph::Standard => 1,
            Graph::Sparse => usize::from(i.is_multiple_of(3)),
            Graph::Dense => 2,
        }
    }
}

/// A flow of about `elements` elements: sections of a prompt, a menu with retry and timeout handling,
/// a `set`, a business-hours routing element with its rules and a default, a queue and a voicemail.
/// Menu key 3 of section i leads to section i+1.
pub fn flow(name: &str, elements: usize, graph: Graph) -> Json {
    let sections = sections(elements);
    let mut els = vec![object([("id", string("start")), ("type", string("start"))])];
    let edge = |from: String, to: String, on: Option<&str>| {
        let mut edge = vec![("from".to_string(), string(from)), ("to".to_string(), string(to))];
        edge.extend(on.map(|on| ("on".to_string(), string(on))));
        Json::Object(edge)
    };
    let mut edges = vec![edge("start".into(), "p0".into(), None)];
    let mut rules = Vec::new();
    for i in 0..sections {
        els.extend([
            object([
                ("id", string(format!("p{i}"))),
                ("type", string("play")),
                ("prompt", string(format!("Section {i}. Please listen carefully."))),
                ("promptMs", Json::Number(1200)),
            ]),
            object([
                ("id", string(format!("m{i}"))),
                ("type", string("menu")),
                ("prompt", string("For option one press 1, for an agent press 2.")),
                ("promptMs", Json::Number(2500)),
            ]),
            object([
                ("id", string(format!("s{i}"))),
                ("type", string("set")),
                ("variable", string("section")),
                ("value", Json::Number(i as i64)),
            ]),
            object([
                ("id", string(format!("r{i}"))),
                ("type", string("routing")),
                ("description", string("business hours")),
            ]),
            object([
                ("id", string(format!("q{i}"))),
                ("type", string("queue")),
                ("queue", string(format!("Queue {i}"))),
            ]),
            object([("id", string(format!("v{i}"))), ("type", string("voicemail"))]),
        ]);
        let id = |letter: &str| format!("{letter}{i}");
        edges.push(edge(id("p"), id("m"), None));
        edges.push(edge(id("m"), id("s"), Some("1")));
        if graph.has_key_2() {
            edges.push(edge(id("m"), id("q"), Some("2")));
        }
        edges.push(edge(id("m"), id("q"), Some("timeout")));
        edges.push(edge(id("m"), id("p"), Some("invalid")));
        if graph == Graph::Dense {
            edges.push(edge(id("m"), id("p"), Some("0")));
        }
        edges.push(edge(id("s"), id("r"), None));
        edges.push(edge(id("r"), id("v"), Some("default")));
        if i + 1 < sections {
            edges.push(edge(id("m"), format!("p{}", i + 1), Some("3")));
        }
        let compare = |variable: &str, operator: &str, value: Json| {
            object([
                ("variable", string(variable)),
                ("operator", string(operator)),
                ("value", value),
            ])
        };
        // A rule of `r{i}` to `q{i}` when all (or any) of `parts` hold.
        let rule = |combine: &str, parts: Vec<Json>| {
            object([
                ("element", string(id("r"))),
                ("condition", object([(combine, Json::Array(parts))])),
                ("action", object([("goto", string(id("q")))])),
            ])
        };
        if graph.rules(i) >= 1 {
            let hours = Json::Array(vec![Json::Number(8), Json::Number(18)]);
            rules.push(rule(
                "all",
                vec![
                    compare("hour", "between", hours),
                    compare("dayOfWeek", "notIn", strings(["Sat", "Sun"])),
                ],
            ));
        }
        if graph.rules(i) >= 2 {
            rules.push(rule(
                "any",
                vec![
                    compare("vip", "equals", Json::Bool(true)),
                    compare("callerId", "startsWith", string("+44")),
                ],
            ));
        }
    }
    let timeouts = object([
        ("globalTimeout", Json::Number(3_600_000)),
        ("inputTimeout", Json::Number(8000)),
    ]);
    object([
        ("flowId", string(name)),
        ("name", string(format!("Generated {name}"))),
        ("elements", Json::Array(els)),
        ("edges", Json::Array(edges)),
        ("routingRules", Json::Array(rules)),
        ("timeouts", timeouts),
    ])
}

/// A test file with `count` cases for a generated flow: case k goes `k % sections` sections deep,
/// then tries option 1 in or out of office hours, or asks for an agent (option 1 again in the sparse
/// graph, which has no key 2), or stays silent. Each expects its final element and that it does not
/// visit the next section's voicemail, or (`paths`) its final element and its whole path.
pub fn tests(elements: usize, count: usize, graph: Graph, paths: bool) -> Json {
    let sections = sections(elements);
    let cases = (0..count).map(|k| {
        let depth = k % sections;
        let (last, hour) = match k % 4 {
            0 => ("1", 10),
            1 => ("1", 22),
            2 if graph.has_key_2() => ("2", 10),
            2 => ("1", 10),
            _ => ("", 10),
        };
        let mut path: Vec<String> = vec!["start".into()];
        for section in 0..=depth {
            path.extend([format!("p{section}"), format!("m{section}")]);
        }
        let at = |letter: &str| format!("{letter}{depth}");
        match last {
            "1" if hour == 10 && graph.rules(depth) > 0 => path.extend([at("s"), at("r"), at("q")]),
            "1" => path.extend([at("s"), at("r"), at("v")]),
            _ => path.push(at("q")),
        }
        let mut dtmf = vec!["3"; depth];
        dtmf.push(last);
        let final_element = string(path.last().expect("a path").clone());
        let expect = if paths {
            object([
                ("finalElement", final_element),
                ("path", Json::Array(path.into_iter().map(Json::String).collect())),
            ])
        } else {
            object([
                ("finalElement", final_element),
                ("notVisits", strings([format!("v{}", (depth + 1) % sections).as_str()])),
                ("maxExecutionMs", Json::Number(3_600_000)),
            ])
        };
        let variables = object([("hour", Json::Number(hour)), ("dayOfWeek", string("Tue"))]);
        object([
            ("name", string(format!("case {k}"))),
            (
                "input",
                object([
                    ("dtmf", Json::Array(dtmf.into_iter().map(string).collect())),
                    ("variables", variables),
                ]),
            ),
            ("expect", expect),
        ])
    });
    object([("cases", Json::Array(cases.collect()))])
}

/// A Studio script of about `elements` actions, the same IVR as [`flow`] in Studio's terms: BEGIN, a
/// shared MUSIC hold loop, then sections of PLAY, MENU (1 → ASSIGN, 2 and default → REQAGENT, 3 →
/// next section), ASSIGN, an opaque hours check (Open → REQAGENT, Closed → HANGUP), REQAGENT (→ hold)
/// and HANGUP. `as_read` adds the header's and the actions' fields a script read from web Studio
/// carries and cxone-flow does not read (`purposeType`, `libraryId`, `masterId`, `dependencyOrder`).
pub fn script(name: &str, elements: usize, as_read: bool) -> Json {
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
        let (x, y) = (((id % 8) * 220) as i64, ((id / 8) * 160) as i64);
        let mut fields = vec![
            ("actionId".to_string(), Json::Number(id as i64)),
            ("libraryId".to_string(), string(guid)),
            ("name".to_string(), string(name)),
            ("version".to_string(), Json::Number(1)),
            ("label".to_string(), string(label)),
        ];
        if as_read {
            fields.push(("dependencyOrder".to_string(), Json::Number(id as i64)));
        }
        for (key, at) in [("x", x), ("y", y), ("xws", x), ("yws", y)] {
            fields.push((key.to_string(), Json::Number(at)));
        }
        actions.push((id.to_string(), Json::Object(fields)));
    };
    let property = |id: usize, pairs: &[(&str, String)]| {
        let list = pairs.iter().enumerate().map(|(i, (name, value))| {
            (
                i.to_string(),
                object([("name", string(*name)), ("value", string(value.clone()))]),
            )
        });
        (id.to_string(), Json::Object(list.collect()))
    };
    let branch = |from: usize, list: &[(usize, &str)]| {
        let list = list.iter().enumerate().map(|(i, (to, label))| {
            let kind = if *label == "Default" { "default" } else { "case" };
            object([
                ("to", Json::Number(*to as i64)),
                ("label", string(*label)),
                ("type", string(kind)),
                ("index", Json::Number(i as i64)),
            ])
        });
        (from.to_string(), Json::Array(list.collect()))
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
    let next = (3 + sections * SECTION) as i64;
    let mut header = vec![
        ("scriptName".to_string(), string(name)),
        ("busNo".to_string(), Json::Number(4_600_012)),
        ("mediaType".to_string(), Json::Number(4)),
        ("mediaTypeName".to_string(), string("call")),
    ];
    if as_read {
        header.extend([
            ("purposeType".to_string(), string("General")),
            ("libraryId".to_string(), string("0d1c2b3a-4f5e-6d7c-8b9a-0f1e2d3c4b5a")),
            ("masterId".to_string(), string("5a4b3c2d-1e0f-9a8b-7c6d-5e4f3a2b1c0d")),
        ]);
    }
    header.extend([
        ("nextActionId".to_string(), Json::Number(next)),
        ("status".to_string(), string("Active")),
    ]);
    object([
        ("header", Json::Object(header)),
        ("actions", Json::Object(actions)),
        ("properties", Json::Object(properties)),
        ("branches", Json::Object(branches)),
    ])
}

/// What a corpus holds: flows with their test files, or Studio scripts.
#[derive(Clone, Copy, PartialEq)]
pub enum Files {
    /// Flows of this graph with test files; `paths`: the cases expect their whole paths.
    Flows { graph: Graph, paths: bool },
    /// Scripts; `as_read`: with the fields web Studio adds (see [`script`]).
    Scripts { as_read: bool },
}

/// One corpus of the family: what it holds and how it is written.
pub struct Shape {
    pub name: &'static str,
    pub files: Files,
    pub layout: Layout,
    /// Only for Studio scripts: the flow shape in the same layout, whose cost per byte the scripts'
    /// is set against.
    pub flows_alike: &'static str,
}

const STANDARD: Files = Files::Flows {
    graph: Graph::Standard,
    paths: false,
};

/// The family, in the order the benchmark runs them.
pub const SHAPES: [Shape; 11] = [
    Shape {
        name: "lines",
        files: STANDARD,
        layout: LINES,
        flows_alike: "",
    },
    Shape {
        name: "indent2",
        files: STANDARD,
        layout: pretty("  ", "\n"),
        flows_alike: "",
    },
    Shape {
        name: "indent4",
        files: STANDARD,
        layout: pretty("    ", "\n"),
        flows_alike: "",
    },
    Shape {
        name: "tabs",
        files: STANDARD,
        layout: pretty("\t", "\n"),
        flows_alike: "",
    },
    Shape {
        name: "minified",
        files: STANDARD,
        layout: MINIFIED,
        flows_alike: "",
    },
    Shape {
        name: "crlf",
        files: STANDARD,
        layout: pretty("  ", "\r\n"),
        flows_alike: "",
    },
    Shape {
        name: "sparse-paths",
        files: Files::Flows {
            graph: Graph::Sparse,
            paths: true,
        },
        layout: pretty("  ", "\n"),
        flows_alike: "",
    },
    Shape {
        name: "dense-paths",
        files: Files::Flows {
            graph: Graph::Dense,
            paths: true,
        },
        layout: pretty("  ", "\n"),
        flows_alike: "",
    },
    Shape {
        name: "scripts-lines",
        files: Files::Scripts { as_read: false },
        layout: LINES,
        flows_alike: "lines",
    },
    Shape {
        name: "scripts-indent2",
        files: Files::Scripts { as_read: true },
        layout: pretty("  ", "\n"),
        flows_alike: "indent2",
    },
    Shape {
        name: "scripts-minified",
        files: Files::Scripts { as_read: true },
        layout: MINIFIED,
        flows_alike: "minified",
    },
];

/// Writes `count` files of `shape` of about `elements` elements into `dir` (flows with a test file of
/// `cases` cases each, or none for 0); returns the bytes of the flows or scripts and of every file.
pub fn write(dir: &std::path::Path, shape: &Shape, count: usize, elements: usize, cases: usize) -> (u64, u64) {
    std::fs::create_dir_all(dir).expect("corpus directory");
    let (mut main, mut all) = (0, 0);
    let mut put = |name: String, text: String| {
        all += text.len() as u64;
        std::fs::write(dir.join(name), text).expect("corpus file");
    };
    for i in 0..count {
        match shape.files {
            Files::Flows { graph, paths } => {
                let name = format!("flow-{i:05}");
                let text = flow(&name, elements, graph).write(&shape.layout);
                main += text.len() as u64;
                put(format!("{name}.flow.json"), text);
                if cases > 0 {
                    put(
                        format!("{name}.tests.json"),
                        tests(elements, cases, graph, paths).write(&shape.layout),
                    );
                }
            }
            Files::Scripts { as_read } => {
                let name = format!("script_{i:05}");
                let text = script(&name, elements, as_read).write(&shape.layout);
                main += text.len() as u64;
                put(format!("{name}.json"), text);
            }
        }
    }
    (main, all)
}
