//! The fixture portfolio: what each learner repository must show, the traps
//! it must not fall for, and the findings it must report (tests/data/portfolio_expectations.toml).

mod common;

use common::expectations::Expectations;
use common::{competency, level, scan_json};
use std::sync::OnceLock;

fn expectations() -> Expectations {
    Expectations::load("tests/data/portfolio_expectations.toml")
}

/// One scan of the whole portfolio, shared by the tests of this file.
fn portfolio() -> &'static serde_json::Value {
    static JSON: OnceLock<serde_json::Value> = OnceLock::new();
    JSON.get_or_init(|| scan_json(&[common::root().join("fixtures/portfolio").to_str().unwrap()]))
}

#[test]
fn the_portfolio_folder_holds_each_fixture_repository() {
    let names: Vec<&str> = portfolio()["repos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for r in expectations().repo {
        assert!(
            names.contains(&r.name.as_str()),
            "{} not scanned as a repository: {names:?}",
            r.name
        );
    }
    assert!(names.len() >= 6);
}

#[test]
fn each_repository_shows_its_competencies_with_evidence() {
    let json = portfolio();
    let failures: Vec<String> = expectations()
        .repo
        .iter()
        .flat_map(|r| r.missed(json))
        .collect();
    assert!(
        failures.is_empty(),
        "{} missed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn traps_stay_at_level_zero() {
    let json = portfolio();
    let failures: Vec<String> = expectations()
        .repo
        .iter()
        .flat_map(|r| r.false_positives(json))
        .collect();
    assert!(
        failures.is_empty(),
        "{} false positives:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn findings_point_at_the_offending_line() {
    let json = portfolio();
    let failures: Vec<String> = expectations()
        .repo
        .iter()
        .flat_map(|r| r.missing_findings(json))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_is_reported_for_every_repository() {
    let json = portfolio();
    let rules = portfolio_audit::rules::RuleSet::embedded()
        .unwrap()
        .rules
        .len();
    for r in json["repos"].as_array().unwrap() {
        assert_eq!(
            r["competencies"].as_array().unwrap().len(),
            rules,
            "{}",
            r["name"]
        );
    }
    assert_eq!(json["schema_version"], 1);
    assert_eq!(
        json["portfolio"]["competencies"].as_array().unwrap().len(),
        rules
    );
}

#[test]
fn the_portfolio_level_is_the_best_over_repositories() {
    let json = portfolio();
    for pc in json["portfolio"]["competencies"].as_array().unwrap() {
        let id = pc["id"].as_str().unwrap();
        let best = json["repos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| level(json, r["name"].as_str().unwrap(), id))
            .max()
            .unwrap();
        assert_eq!(pc["level"].as_u64().unwrap(), best, "{id}");
        let shown = json["repos"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| level(json, r["name"].as_str().unwrap(), id) > 0)
            .count();
        assert_eq!(pc["repos"].as_array().unwrap().len(), shown, "{id}");
    }
}

#[test]
fn json_is_identical_with_one_thread_and_four() {
    let path = common::root().join("fixtures/portfolio");
    let one = common::cli(&[
        "scan",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--jobs",
        "1",
    ]);
    let four = common::cli(&[
        "scan",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--jobs",
        "4",
    ]);
    assert_eq!(one.code, four.code);
    assert!(
        one.out == four.out,
        "JSON differs between --jobs 1 and --jobs 4"
    );
}

#[test]
fn the_text_report_leads_with_levels_and_evidence() {
    let path = common::fixture("flask-blog");
    let run = common::cli(&["scan", path.to_str().unwrap(), "--all"]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.contains("web.flask"), "{}", run.out);
    assert!(
        run.out.contains("flask-blog/"),
        "evidence is shown as repo/path:line:\n{}",
        run.out
    );
    assert!(run.out.contains("findings"), "{}", run.out);
}

#[test]
fn a_declared_package_that_nothing_uses_is_said() {
    // calculator-and-todo's requirements.txt lists pytest, and no test exists.
    let json = portfolio();
    let c = competency(json, "calculator-and-todo", "testing.unit");
    assert_eq!(c["level"], 0);
    let unused = c["declared_unused"].as_array().expect("declared_unused");
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert_eq!(unused[0]["path"], "requirements.txt");
    assert_eq!(unused[0]["line"], 1);
    assert!(unused[0]["detail"].as_str().unwrap().contains("pytest"));
    // Where the package is used, it is evidence, not a hint.
    let flask = competency(json, "flask-blog", "testing.unit");
    assert!(flask["level"].as_u64().unwrap() > 0);
    assert!(flask.get("declared_unused").is_none());

    let path = common::fixture("calculator-and-todo");
    let run = common::cli(&["scan", path.to_str().unwrap(), "--all"]);
    assert!(
        run.out.contains("declared but not used (1)")
            && run.out.contains("calculator-and-todo/requirements.txt:1  test runner declared (declares pytest), but nothing uses it for testing.unit"),
        "{}",
        run.out
    );
}
