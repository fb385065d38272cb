//! The README's commands, run against the examples. Every ```sh block carries a marker on the line
//! before its fence: `<!-- docs-test: run -->` (each `cxone-flow` line is run, and must run: exit 0
//! or 1, never 2) or `<!-- docs-test: skip: REASON -->` (placeholders, secrets, a tenant, a
//! download). A block marked `<!-- docs-test: output -->` is what the last command of the run
//! block before it prints: its lines in order, `...` standing for any lines between.

use std::path::Path;
use std::process::Command;

const RUN: &str = "<!-- docs-test: run -->";
const OUTPUT: &str = "<!-- docs-test: output -->";
const SKIP: &str = "<!-- docs-test: skip: ";

/// A fenced block: its language, the marker before it, its text and its first line's number.
struct Block<'t> {
    language: &'t str,
    marker: Option<&'t str>,
    text: String,
    line: usize,
}

fn blocks(readme: &str) -> Vec<Block<'_>> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(language) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let marker = i
            .checked_sub(1)
            .map(|before| lines[before].trim())
            .filter(|l| l.starts_with("<!-- docs-test:"));
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].starts_with("```"))
            .unwrap_or(lines.len());
        found.push(Block {
            language,
            marker,
            text: lines[i + 1..end].join("\n"),
            line: i + 1,
        });
        i = end + 1;
    }
    found
}

/// A command line split into words: double and single quotes group, a `#` after a space starts a
/// comment, and a pipe or redirection ends what is ours to run.
fn words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
    let mut previous = ' ';
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => (quote, started) = (Some(c), true),
            (None, '#') if previous == ' ' => break,
            (None, '|' | '>') => break,
            (None, ' ') => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (None, c) => (word.push(c), started = true).1,
        }
        previous = c;
    }
    if started {
        words.push(word);
    }
    words
}

/// The `cxone-flow` commands of a block (continued lines joined), as arguments.
fn commands(text: &str) -> Vec<Vec<String>> {
    text.replace("\\\n", " ")
        .lines()
        .map(words)
        .filter(|w| !w.is_empty())
        .map(|w| {
            assert_eq!(w[0], "cxone-flow", "a run block holds cxone-flow commands only: {w:?}");
            w[1..].to_vec()
        })
        .collect()
}

/// A workspace as the README's commands expect it: the examples under `examples/`, the flows
/// under `flows/` and the script under `ivr/`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("examples/flows", "examples/flows"),
        ("examples/studio", "examples/studio"),
        ("examples/flows", "flows"),
        ("examples/studio", "ivr"),
    ] {
        std::fs::create_dir_all(dir.path().join(to)).unwrap();
        for entry in std::fs::read_dir(crate::root().join(from)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(to).join(entry.file_name())).unwrap();
        }
    }
    dir
}

fn run(dir: &Path, args: &[String]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CXONE_CLIENT_SECRET")
        .output()
        .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

/// Whether `printed` holds `shown`'s lines in order, `...` standing for any lines.
fn shows(printed: &str, shown: &str) -> bool {
    let mut printed = printed.lines().map(str::trim_end);
    let mut skipping = false;
    for line in shown.lines().map(str::trim_end) {
        if line.trim() == "..." {
            skipping = true;
            continue;
        }
        let found = if skipping {
            printed.any(|p| p == line)
        } else {
            printed.next() == Some(line)
        };
        if !found {
            return false;
        }
        skipping = false;
    }
    true
}

#[test]
fn every_command_the_readme_shows_runs_and_prints_what_it_shows() {
    let readme = std::fs::read_to_string(crate::root().join("README.md")).unwrap();
    let dir = workspace();
    let (mut ran, mut compared) = (0, 0);
    let mut last: Option<(String, String)> = None;
    for block in blocks(&readme) {
        let at = format!("README.md:{}", block.line);
        match (block.language, block.marker) {
            ("sh", Some(RUN)) => {
                for args in commands(&block.text) {
                    let (code, stdout, stderr) = run(dir.path(), &args);
                    assert!(
                        matches!(code, Some(0 | 1)),
                        "{at}: `cxone-flow {}` exited {code:?}\n{stdout}{stderr}",
                        args.join(" ")
                    );
                    last = Some((args.join(" "), stdout));
                    ran += 1;
                }
            }
            ("sh", Some(marker)) if marker.starts_with(SKIP) => {}
            ("sh", marker) => panic!("{at}: a sh block needs `{RUN}` or `{SKIP}REASON -->` before it, not {marker:?}"),
            (_, Some(OUTPUT)) => {
                let (command, stdout) = last.as_ref().unwrap_or_else(|| panic!("{at}: no command ran before"));
                assert!(
                    shows(stdout, &block.text),
                    "{at}: `cxone-flow {command}` prints\n{stdout}\nnot what the README shows\n{}",
                    block.text
                );
                compared += 1;
            }
            _ => {}
        }
    }
    assert!(
        ran >= 5 && compared >= 1,
        "{ran} commands run, {compared} outputs compared"
    );
}

#[test]
fn words_split_like_a_shell_for_the_readme_s_lines() {
    assert_eq!(
        words(r#"cxone-flow simulate a.json --mock "Business Hours?=Open"  # comment"#),
        ["cxone-flow", "simulate", "a.json", "--mock", "Business Hours?=Open"]
    );
    assert_eq!(
        words("cxone-flow graph f --format dot | dot -Tsvg > x.svg"),
        ["cxone-flow", "graph", "f", "--format", "dot"]
    );
    assert!(shows("a\nb\nc\nd\n", "a\n...\nd"));
    assert!(!shows("a\nb\n", "a\nc"));
}
