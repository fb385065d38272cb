//! Test cases as `cxone-flow check` runs them: explained failures, JSON, JUnit, coverage, and the
//! `simulate` trace.

use std::fs;

use crate::{fixture, root, run};

/// Runs the binary from the repository root so paths in the output are repository-relative.
fn run_here(args: &[&str]) -> (i32, String, String) {
    run(&root(), args)
}

#[test]
fn failing_cases_explain_where_the_call_went_another_way() {
    let (code, out, _) = run_here(&["check", "tests/fixtures/cases"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("support-failures", out);
}

#[test]
fn the_json_report_carries_cases_and_coverage() {
    let (_, out, _) = run_here(&["check", "tests/fixtures/cases", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["summary"]["casesTotal"], 6);
    assert_eq!(json["summary"]["casesFailed"], 5);
    let flow = &json["files"][0];
    let first = &flow["cases"][0];
    assert_eq!(first["name"], "billing in office hours");
    assert_eq!(first["passed"], true);
    assert_eq!(first["finalElement"], "queue_billing");
    assert_eq!(first["executionTime"], 6000);
    assert_eq!(first["timedOut"], false);
    assert_eq!(first["result"], "SUCCESS");
    // A passing case's path and empty failures are left out unless asked for.
    assert_eq!(first.get("path"), None);
    assert_eq!(first.get("failures"), None);
    let second = &flow["cases"][1];
    assert_eq!(second["passed"], false);
    assert_eq!(second["line"], 8);
    assert_eq!(
        second["path"],
        serde_json::json!(["start", "welcome", "menu_main", "queue_tech"])
    );
    assert_eq!(
        second["failures"][0]["message"],
        "path parts at step 4: expected \"routing_billing\", got \"queue_tech\""
    );
    assert_eq!(second["failures"][0]["flowLocation"]["line"], 7);
    let coverage = &flow["coverage"];
    assert_eq!(
        (coverage["elements"].as_u64(), coverage["elementsCovered"].as_u64()),
        (Some(8), Some(8))
    );
    assert_eq!(
        (coverage["edges"].as_u64(), coverage["edgesCovered"].as_u64()),
        (Some(7), Some(7))
    );
    assert_eq!(coverage.get("uncoveredElements"), None);

    let (_, out, _) = run_here(&["check", "tests/fixtures/cases", "--format", "json", "--details"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let flow = &json["files"][0];
    assert_eq!(flow["cases"][0]["path"].as_array().unwrap().len(), 5);
    assert_eq!(flow["coverage"]["uncoveredElements"], serde_json::json!([]));
}

#[test]
fn coverage_lists_unreached_elements_and_min_coverage_fails_the_run() {
    // The examples as people wrote them leave one element unreached (their generated cases do not).
    let examples = crate::hand_written_examples();
    let dir = examples.path().join("examples/flows");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(examples.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::rename(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    let run_here = |args: &[&str]| crate::run(examples.path(), args);
    let (code, out, _) = run_here(&["check", "examples/flows", "--format", "json", "--details"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let main = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["flowId"] == "acme-bank-main-ivr")
        .unwrap();
    assert_eq!(
        main["coverage"]["uncoveredElements"],
        serde_json::json!(["main_menu_retry"])
    );
    assert_eq!(main["coverage"]["elementPercent"], 94.4);
    let (code, out, _) = run_here(&["check", "examples/flows", "--min-coverage", "95"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("examples/flows/main-ivr.flow.json: coverage 94.4% of elements is below --min-coverage 95; no case reaches: main_menu_retry"),
        "{out}"
    );
    // Without --details, a flow below the minimum still names what no case reaches.
    let (_, out, _) = run_here(&["check", "examples/flows", "--format", "json", "--min-coverage", "95"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let coverages: Vec<_> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["coverage"])
        .collect();
    assert!(
        coverages
            .iter()
            .any(|c| c["belowMinimum"] == true && c["uncoveredElements"] == serde_json::json!(["main_menu_retry"])),
        "{out}"
    );
    assert!(
        coverages
            .iter()
            .all(|c| c["belowMinimum"] == true || c.get("uncoveredElements").is_none())
    );
    assert_eq!(run_here(&["check", "examples/flows", "--min-coverage", "90"]).0, 0);
    let (code, _, err) = run_here(&["check", "examples/flows", "--min-coverage", "120"]);
    assert_eq!(code, 2, "{err}");
}

/// A check that keeps no details holds only what a default report shows: the paths of failed
/// cases, and the uncovered elements of flows below the minimum coverage; the counts stay whole.
/// The library's default keeps every path and list.
#[test]
fn a_check_without_details_keeps_only_what_a_default_report_shows() {
    use cxone_flow::check::{CheckReport, Settings, check};
    use cxone_flow::discover::{Scope, discover_in};
    let examples = crate::hand_written_examples();
    for name in ["support.flow.json", "support.tests.json"] {
        fs::copy(fixture(&format!("cases/{name}")), examples.path().join(name)).unwrap();
    }
    let found = discover_in(&[examples.path().to_path_buf()], &Scope::default());
    let run = |keep_details, min_coverage| {
        check(
            &found.units,
            &Settings {
                keep_details,
                min_coverage,
                ..Settings::default()
            },
        )
    };
    // Per flow (by file name): each case's path length and whether it failed; the coverage's
    // covered count, how many elements it lists as uncovered, and how many untaken edges.
    type Kept = Vec<(String, Vec<(usize, bool)>, (usize, usize, usize))>;
    let kept = |report: &CheckReport| -> Kept {
        let mut kept: Kept = report
            .simulations()
            .map(|s| {
                let coverage = s.simulation.coverage.as_ref().unwrap();
                (
                    s.flow.source.path.file_name().unwrap().to_string_lossy().into_owned(),
                    s.simulation
                        .cases
                        .iter()
                        .map(|c| (c.call.as_ref().unwrap().path.len(), c.failed()))
                        .collect(),
                    (
                        coverage.elements_covered,
                        coverage.uncovered_elements.len(),
                        coverage.untaken_edges.len(),
                    ),
                )
            })
            .collect();
        kept.sort();
        kept
    };
    let everything = kept(&run(true, None));
    let main = everything
        .iter()
        .find(|(name, ..)| name == "main-ivr.flow.json")
        .unwrap();
    assert_eq!(main.2.1, 1, "the hand-written main IVR leaves one element unreached");
    assert!(
        everything
            .iter()
            .flat_map(|(_, cases, _)| cases)
            .all(|&(len, _)| len > 0)
    );
    let failures_only = kept(&run(false, None));
    for (whole, trimmed) in everything.iter().zip(&failures_only) {
        assert_eq!(whole.0, trimmed.0);
        for (&(len, failed), &(kept_len, kept_failed)) in whole.1.iter().zip(&trimmed.1) {
            assert_eq!(failed, kept_failed);
            assert_eq!(kept_len, if failed { len } else { 0 }, "{}", whole.0);
        }
        assert_eq!(trimmed.2, (whole.2.0, 0, 0), "{}: counts kept, lists let go", whole.0);
    }
    assert!(
        failures_only
            .iter()
            .flat_map(|(_, cases, _)| cases)
            .any(|&(len, failed)| failed && len > 0)
    );
    // Below the minimum, a flow keeps its lists: the report names what no case reaches.
    let below = kept(&run(false, Some(95.0)));
    let main_below = below.iter().find(|(name, ..)| name == "main-ivr.flow.json").unwrap();
    assert_eq!(main_below.2, main.2);
}

#[test]
fn max_execution_ms_applies_to_every_case_without_its_own_limit() {
    let (code, out, _) = run_here(&["check", "examples/flows", "--max-execution-ms", "12000"]);
    assert_eq!(code, 1);
    assert!(out.contains("over the 12000 ms limit (--max-execution-ms)"), "{out}");
    // The case with its own maxExecutionMs (20000) keeps it.
    assert!(!out.contains("short account number is asked again"), "{out}");
}

#[test]
fn cases_of_a_flow_with_errors_are_not_run() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("x.flow.json"),
        r#"{"flowId": "x", "elements": [{"id": "start", "type": "start"}], "edges": [{"from": "start", "to": "nowhere"}]}"#,
    )
    .unwrap();
    fs::write(
        dir.path().join("x.tests.json"),
        r#"{"cases": [{"name": "a"}, {"name": "b"}]}"#,
    )
    .unwrap();
    let (code, out, _) = run(dir.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("x.tests.json: 2 cases not run: the flow has 1 error: fix it first"),
        "{out}"
    );
    assert!(out.contains("2 cases: 0 passed, 0 failed, 2 not run"), "{out}");
}

#[test]
fn the_report_files_are_written_the_same_when_the_temporary_folder_cannot_be_used() {
    let dir = tempfile::tempdir().unwrap();
    let check = |name: &str, temporary: &std::path::Path| {
        let (junit, sarif) = (
            dir.path().join(format!("{name}.xml")),
            dir.path().join(format!("{name}.sarif")),
        );
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_cxone-flow"))
            .args(["check", "tests/fixtures/cases", "--junit"])
            .arg(&junit)
            .arg("--sarif")
            .arg(&sarif)
            .current_dir(root())
            .env("TMPDIR", temporary)
            .output()
            .unwrap();
        let read = |path| fs::read_to_string(path).unwrap_or_default();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            read(junit),
            read(sarif),
        )
    };
    let usual = check("usual", dir.path());
    // The parts wait in memory instead: the run is the same, its files too.
    let without = check("without", &dir.path().join("missing"));
    assert_eq!(usual.0, Some(1), "{}", usual.1);
    assert!(usual.2.contains("<testsuite ") && usual.3.contains("\"results\""));
    assert_eq!(without, usual);
}

#[test]
fn junit_has_a_suite_per_flow_a_case_per_case_and_a_validate_case() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let (code, _, _) = run_here(&[
        "check",
        "tests/fixtures/cases",
        "examples/flows",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let xml = fs::read_to_string(&junit).unwrap();
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let names: Vec<&str> = report.test_suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "examples/flows/card-activation.flow.json",
            "examples/flows/main-ivr.flow.json",
            "tests/fixtures/cases/support.flow.json"
        ]
    );
    // ... and the cases `cases generate` added to the examples: 3 and 8.
    assert_eq!(report.tests, 2 + 5 + 8 + 6 + 1 + 3 + 8);
    assert_eq!(report.failures, 5);
    let support = &report.test_suites[2];
    assert_eq!(support.test_cases[0].name.as_str(), "validate");
    assert!(
        matches!(
            support.test_cases[0].status,
            quick_junit::TestCaseStatus::Success { .. }
        ),
        "warnings do not fail validation"
    );
    let failing = &support.test_cases[2];
    assert_eq!(failing.name.as_str(), "billing expected but technical pressed");
    assert_eq!(
        failing.classname.as_ref().unwrap().as_str(),
        "tests/fixtures/cases/support.flow.json"
    );
    assert_eq!(
        failing.extra.get("file").unwrap().as_str(),
        "tests/fixtures/cases/support.tests.json"
    );
    assert_eq!(failing.extra.get("line").unwrap().as_str(), "8");
    assert_eq!(
        failing.time,
        Some(std::time::Duration::from_millis(6000)),
        "time is the simulated call's duration"
    );
    match &failing.status {
        quick_junit::TestCaseStatus::NonSuccess {
            message, description, ..
        } => {
            let message = message.as_ref().unwrap().as_str();
            assert_eq!(
                message,
                "path parts at step 4: expected \"routing_billing\", got \"queue_tech\""
            );
            assert!(!message.contains('\n'));
            let body = description.as_ref().unwrap().as_str();
            assert!(
                body.contains("expected: start → welcome → menu_main → routing_billing → queue_billing"),
                "{body}"
            );
            assert!(
                body.contains("--> tests/fixtures/cases/support.flow.json:7:12"),
                "{body}"
            );
            // The lines dorny/test-reporter's java-junit and jest-junit parsers read a location from.
            assert!(
                body.contains("\nat tests.fixtures.cases.Case(support.tests.json:8)"),
                "{body}"
            );
            assert!(
                body.ends_with("\nat (tests/fixtures/cases/support.tests.json:8:14)"),
                "{body}"
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn junit_validate_case_carries_error_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let path = fixture("rules/CXF002/bad-unknown-to.flow.json");
    run_here(&["check", path.to_str().unwrap(), "--junit", junit.to_str().unwrap()]);
    let report = quick_junit::Report::deserialize_from_str(&fs::read_to_string(&junit).unwrap()).unwrap();
    let validate = &report.test_suites[0].test_cases[0];
    assert_eq!(validate.name.as_str(), "validate");
    assert_eq!(validate.extra.get("line").unwrap().as_str(), "11");
    match &validate.status {
        quick_junit::TestCaseStatus::NonSuccess {
            message, description, ..
        } => {
            assert_eq!(
                message.as_ref().unwrap().as_str(),
                "1 error: dangling-edge[CXF002] edge from \"menu_main\" on \"1\" points to unknown element \"queue_x\""
            );
            assert!(
                description
                    .as_ref()
                    .unwrap()
                    .contains(":11:33: error[CXF002] dangling-edge:")
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn simulate_prints_a_trace_and_exits_by_verdict() {
    let (code, out, _) = run_here(&[
        "simulate",
        "examples/flows/main-ivr.flow.json",
        "--dtmf",
        "1,,12345678",
        "--var",
        "hour=10",
        "--var",
        "dayOfWeek=Tue",
    ]);
    assert_eq!(code, 0, "{out}");
    insta::assert_snapshot!("simulate-silent-at-main-menu", out);
    let (code, out, _) = run_here(&[
        "simulate",
        "tests/fixtures/cases/support.flow.json",
        "--dtmf",
        "",
        "--var",
        "hour=\"10\"",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("simulate-implicit-error", out);
    let (code, _, err) = run_here(&["simulate", "examples/flows/main-ivr.flow.json", "--dtmf", "1,a"]);
    assert_eq!(code, 2);
    assert!(err.contains("--dtmf entry `a` is not a string of keys"), "{err}");
    assert_eq!(
        run_here(&["simulate", "examples/flows/main-ivr.flow.json", "--var", "novalue"]).0,
        2
    );
}
