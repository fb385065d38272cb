//! Every rule against its fixtures: each bad fixture triggers its rule (snapshot of the output), each
//! good fixture is clean under every rule, and every rule has both.

use std::collections::BTreeMap;
use std::path::PathBuf;

use cxone_flow::check::{Settings, check};
use cxone_flow::discover::discover;
use cxone_flow::outcome::Outcome;
use cxone_flow::registry::{Rule, Severities, Severity};
use cxone_flow::report::human;

use crate::fixture;

/// Fixture stems (`bad-x`, `good-y`) per rule code, with the file to check (flow, or orphan test file).
fn fixtures() -> BTreeMap<String, Vec<(String, PathBuf)>> {
    let mut by_code: BTreeMap<String, Vec<(String, PathBuf)>> = BTreeMap::new();
    for dir in std::fs::read_dir(fixture("rules")).unwrap() {
        let dir = dir.unwrap().path();
        let code = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut stems: Vec<(String, PathBuf)> = Vec::new();
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let stem = name.split('.').next().unwrap().to_string();
            // A flow file, or a Studio script (any other `.json` but a test file).
            let is_flow = !name.ends_with(".tests.json");
            let has_flow = dir.join(format!("{stem}.flow.json")).exists() || dir.join(format!("{stem}.json")).exists();
            if (is_flow || !has_flow) && !stems.iter().any(|(s, _)| *s == stem) {
                stems.push((stem, path));
            }
        }
        stems.sort();
        by_code.insert(code, stems);
    }
    by_code
}

/// Checks one fixture the way `cxone-flow check FILE` does, with paths shown relative to the fixtures.
fn check_fixture(path: &PathBuf) -> cxone_flow::check::CheckReport {
    let units = discover(std::slice::from_ref(path)).into_result().unwrap();
    // Every rule on, those off by default too.
    let all_on: Vec<String> = Rule::ALL
        .iter()
        .filter(|r| r.default_level().is_none())
        .map(|r| format!("{}=warning", r.code()))
        .collect();
    let settings = Settings {
        severities: Severities::parse(all_on.iter().map(String::as_str)).unwrap(),
        ..Settings::default()
    };
    let mut report = check(&units, &settings);
    let base = fixture("");
    for unit in &mut report.units {
        for file in unit.flow.iter_mut().chain(unit.tests.iter_mut()) {
            file.source.path = file.source.path.strip_prefix(&base).unwrap().to_path_buf();
        }
    }
    report
}

/// Rules only a tenant can trigger: the Studio API tests show them against the emulator.
const REMOTE_ONLY: [Rule; 2] = [Rule::RemoteSyntaxCheck, Rule::LiveDrift];

#[test]
fn every_rule_has_a_bad_and_a_good_fixture() {
    let fixtures = fixtures();
    for rule in Rule::ALL.iter().filter(|r| !REMOTE_ONLY.contains(r)) {
        let stems = fixtures
            .get(rule.code())
            .unwrap_or_else(|| panic!("no fixtures for {}", rule.code()));
        assert!(
            stems.iter().any(|(s, _)| s.starts_with("bad-")),
            "{} has no bad fixture",
            rule.code()
        );
        assert!(
            stems.iter().any(|(s, _)| s.starts_with("good-")),
            "{} has no good fixture",
            rule.code()
        );
    }
    assert_eq!(
        fixtures.len(),
        Rule::ALL.len() - REMOTE_ONLY.len(),
        "a fixture folder names no rule"
    );
}

#[test]
fn bad_fixtures_trigger_their_rule() {
    for (code, stems) in fixtures() {
        for (stem, path) in stems.iter().filter(|(s, _)| s.starts_with("bad-")) {
            let outcome = Outcome::checked(check_fixture(path), Severity::Error);
            let report = &outcome.report;
            let codes: Vec<&str> = report.diagnostics().map(|d| d.rule.code()).collect();
            assert!(
                codes.contains(&code.as_str()),
                "{code}/{stem} does not trigger {code}: {codes:?}"
            );
            insta::assert_snapshot!(format!("{code}-{stem}"), human::render(&outcome));
        }
    }
}

#[test]
fn good_fixtures_are_clean_under_every_rule() {
    for (code, stems) in fixtures() {
        for (stem, path) in stems.iter().filter(|(s, _)| s.starts_with("good-")) {
            let outcome = Outcome::checked(check_fixture(path), Severity::Error);
            let report = &outcome.report;
            assert!(
                report.diagnostics().next().is_none(),
                "{code}/{stem} is not clean:\n{}",
                human::render(&outcome)
            );
        }
    }
}

#[test]
fn the_examples_are_clean() {
    let units = discover(&[crate::root().join("examples/flows")]).into_result().unwrap();
    assert!(units.len() >= 2);
    let outcome = Outcome::checked(check(&units, &Settings::default()), Severity::Error);
    let report = &outcome.report;
    assert_eq!(report.diagnostics().count(), 0, "{}", human::render(&outcome));
}

#[test]
fn the_studio_example_is_clean_and_its_cases_pass_with_full_coverage() {
    let units = discover(&[crate::root().join("examples/studio")])
        .into_result()
        .unwrap();
    assert_eq!(units.len(), 2, "each script with its tests is one unit: {units:?}");
    let outcome = Outcome::checked(check(&units, &Settings::default()), Severity::Error);
    let report = &outcome.report;
    assert_eq!(report.diagnostics().count(), 0, "{}", human::render(&outcome));
    assert!(
        report.cases().count() >= 4,
        "the hand-written cases and the generated ones"
    );
    assert_eq!(report.cases_failed(), 0, "{}", human::render(&outcome));
    assert_eq!(report.coverage_percent(), Some(100.0));
}

/// A routing rule's `goto` to a missing element is reported where it stands (CXF017) and counts as
/// the way out of the loop it would leave, so no-terminal-reachable (CXF022) does not repeat it;
/// with the `goto` fixed the flow is clean of both, and without the rule the loop is a trap.
#[test]
fn a_dangling_goto_is_reported_once_not_also_as_a_trap() {
    let flow = |rules: &str| {
        format!(
            r#"{{"flowId": "fixture",
  "elements": [
    {{"id": "start", "type": "start"}},
    {{"id": "hours", "type": "routing"}},
    {{"id": "closed", "type": "menu", "prompt": "We are closed. Press 1 to hear this again."}},
    {{"id": "queue_sales", "type": "queue", "queue": "sales"}}
  ],
  "edges": [
    {{"from": "start", "to": "hours"}},
    {{"from": "hours", "to": "closed", "on": "default"}},
    {{"from": "closed", "to": "hours", "on": "1"}},
    {{"from": "closed", "to": "hours", "on": "timeout"}},
    {{"from": "closed", "to": "hours", "on": "invalid"}}
  ],
  "routingRules": [{rules}]}}"#
        )
    };
    let rule = |goto: &str| {
        format!(
            r#"{{"element": "hours", "condition": {{"variable": "open", "operator": "equals", "value": true}}, "action": {{"goto": "{goto}"}}}}"#
        )
    };
    let codes = |text: String| -> Vec<&'static str> {
        let (report, _) = cxone_flow::check::check_flow_bytes("f.flow.json", text.into_bytes(), &Default::default());
        report.diagnostics.iter().map(|d| d.rule.code()).collect()
    };
    let dangling = codes(flow(&rule("queue_salse")));
    assert!(dangling.contains(&"CXF017"), "{dangling:?}");
    assert!(!dangling.contains(&"CXF022"), "{dangling:?}");
    let fixed = codes(flow(&rule("queue_sales")));
    assert!(!fixed.contains(&"CXF017") && !fixed.contains(&"CXF022"), "{fixed:?}");
    let trapped = codes(flow(""));
    assert!(trapped.contains(&"CXF022"), "{trapped:?}");
}
