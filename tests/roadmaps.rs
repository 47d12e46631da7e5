//! Roadmap checklists: loading checks, seed coverage, and what the fixture portfolio meets.

mod common;

use common::{cli, fixture};
use portfolio_audit::roadmap::Roadmap;
use portfolio_audit::rules::RuleSet;
use std::collections::BTreeSet;

fn roadmaps() -> Vec<Roadmap> {
    let rules = RuleSet::embedded().unwrap();
    let ids: BTreeSet<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
    Roadmap::embedded(&ids).unwrap_or_else(|e| panic!("built-in roadmaps do not load:\n{e}"))
}

#[test]
fn there_is_a_default_roadmap_and_one_per_seed() {
    let all = roadmaps();
    assert!(all
        .iter()
        .any(|r| r.name == "professional" && r.source.is_none()));
    let seeds: BTreeSet<String> = all.iter().filter_map(|r| r.source.clone()).collect();
    assert_eq!(seeds.len(), 5, "one roadmap per seed: {seeds:?}");
    for r in &all {
        assert!(
            r.items.iter().any(|i| i.self_report),
            "{}: no self-report item",
            r.name
        );
        assert!(
            r.items.iter().filter(|i| !i.self_report).count() >= 10,
            "{}: too few measurable items",
            r.name
        );
    }
}

#[test]
fn every_seed_checklist_item_is_in_its_roadmap() {
    let dir = common::root().join("tests/data/seed_items");
    for r in roadmaps().iter().filter(|r| r.source.is_some()) {
        let source = r.source.as_ref().unwrap();
        let text =
            std::fs::read_to_string(dir.join(source)).unwrap_or_else(|e| panic!("{source}: {e}"));
        let covered: BTreeSet<&str> = r
            .items
            .iter()
            .flat_map(|i| i.seed.iter().map(String::as_str))
            .collect();
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert!(
            lines.len() >= 10,
            "{source}: only {} items extracted",
            lines.len()
        );
        let dropped: Vec<&&str> = lines.iter().filter(|l| !covered.contains(**l)).collect();
        assert!(
            dropped.is_empty(),
            "{}: seed items with no roadmap item: {dropped:?}",
            r.name
        );
    }
}

#[test]
fn the_seed_item_lists_are_lines_of_their_seeds() {
    // The project's copies of the seeds (kept current with ../shared by tests/rule_set.rs).
    let shared = common::root().join("tests/data/seeds");
    let dir = common::root().join("tests/data/seed_items");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap();
        let seed = std::fs::read_to_string(shared.join(entry.file_name())).unwrap();
        for line in std::fs::read_to_string(entry.path())
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            assert!(
                seed.contains(line.trim()),
                "{:?}: `{line}` is not in the seed",
                entry.file_name()
            );
        }
    }
}

#[test]
fn roadmaps_show_prints_every_item_in_text_and_json() {
    let listed = cli(&["roadmaps", "list"]);
    assert_eq!(listed.code, 0, "{}", listed.err);
    for r in roadmaps() {
        assert!(listed.out.contains(&r.name));
        let text = cli(&["roadmaps", "show", &r.name]);
        assert_eq!(text.code, 0, "{}", text.err);
        for i in &r.items {
            assert!(
                text.out.contains(&i.title),
                "{}: `{}` not shown",
                r.name,
                i.title
            );
        }
        let json: serde_json::Value =
            serde_json::from_str(&cli(&["roadmaps", "show", &r.name, "--format", "json"]).out)
                .unwrap();
        assert_eq!(json["items"].as_array().unwrap().len(), r.items.len());
        let self_reports = json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["self_report"] == true)
            .count();
        assert_eq!(
            self_reports,
            r.items.iter().filter(|i| i.self_report).count()
        );
    }
}

fn check_roadmap(text: &str) -> (u8, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, text).unwrap();
    let run = cli(&["roadmaps", "show", path.to_str().unwrap()]);
    (run.code, run.err)
}

const ROADMAP: &str = r#"name = "mine"
title = "Mine"

[[phase]]
id = "basics"
title = "Basics"

[[item]]
id = "tests"
phase = "basics"
title = "Can write tests"
requires = ["testing.unit:2"]

[[item]]
id = "maths"
phase = "basics"
title = "Linear algebra"
self_report = true
"#;

#[test]
fn a_valid_roadmap_file_can_be_shown() {
    let (code, err) = check_roadmap(ROADMAP);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn roadmap_errors_name_file_line_and_reason() {
    let cases = [
        (
            ROADMAP.replace("testing.unit:2", "testing.telepathy"),
            "mine.toml:12: item `tests`: unknown competency `testing.telepathy`",
        ),
        (
            ROADMAP.replace("id = \"maths\"", "id = \"tests\""),
            "mine.toml:15: item `tests`: duplicate item id",
        ),
        (
            ROADMAP.replace("requires = [\"testing.unit:2\"]", ""),
            "mine.toml:11: item `tests`: empty requirement",
        ),
        (
            ROADMAP.replace("testing.unit:2", "testing.unit:5"),
            "the level after `:` must be 1, 2 or 3",
        ),
        (
            ROADMAP.replace(
                "phase = \"basics\"\ntitle = \"Can",
                "phase = \"later\"\ntitle = \"Can",
            ),
            "unknown phase `later`",
        ),
    ];
    for (text, expected) in cases {
        let (code, err) = check_roadmap(&text);
        assert_eq!(code, 2);
        assert!(err.contains(expected), "expected `{expected}`, got:\n{err}");
    }
}

#[test]
fn self_reports_and_claims_are_shown_but_never_raise_the_score() {
    let dir = tempfile::tempdir().unwrap();
    let roadmap = dir.path().join("mine.toml");
    std::fs::write(&roadmap, ROADMAP).unwrap();
    let repo = fixture("calculator-and-todo");
    let base = common::scan_json(&[
        repo.to_str().unwrap(),
        "--roadmap",
        roadmap.to_str().unwrap(),
    ]);
    let config = dir.path().join("portfolio-audit.toml");
    std::fs::write(
        &config,
        "[self_report]\nmaths = \"MIT 18.06 on OCW, 2025\"\n\n[claims]\n\"testing.unit\" = \"wrote pytest suites at my internship (private code)\"\n",
    )
    .unwrap();
    let with = common::scan_json(&[
        repo.to_str().unwrap(),
        "--roadmap",
        roadmap.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    let item = |json: &serde_json::Value, id: &str| {
        json["portfolio"]["checklist"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        with["portfolio"]["checklist"]["score"],
        base["portfolio"]["checklist"]["score"]
    );
    assert_eq!(item(&with, "tests")["status"], "missing");
    assert!(item(&with, "tests")["claim"]
        .as_str()
        .unwrap()
        .contains("internship"));
    assert_eq!(item(&with, "maths")["status"], "self-report");
    assert_eq!(item(&with, "maths")["claim"], "MIT 18.06 on OCW, 2025");
    assert!(item(&base, "maths")["claim"].is_null());
}

#[test]
fn a_bad_project_file_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("portfolio-audit.toml");
    std::fs::write(&config, "[claims]\n\"web.telepathy\" = \"trust me\"\n").unwrap();
    let run = cli(&[
        "scan",
        fixture("calculator-and-todo").to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.err
            .contains("portfolio-audit.toml:2: [claims]: unknown competency `web.telepathy`"),
        "{}",
        run.err
    );
}

#[test]
fn ignored_competencies_take_items_out_of_the_score() {
    let dir = tempfile::tempdir().unwrap();
    let roadmap = dir.path().join("mine.toml");
    std::fs::write(&roadmap, ROADMAP).unwrap();
    let config = dir.path().join("portfolio-audit.toml");
    std::fs::write(
        &config,
        "[ignore]\n\"testing.unit\" = \"this roadmap's testing track is not mine\"\n",
    )
    .unwrap();
    let json = common::scan_json(&[
        fixture("calculator-and-todo").to_str().unwrap(),
        "--roadmap",
        roadmap.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    let c = &json["portfolio"]["checklist"];
    assert_eq!(c["measurable"], 0);
    assert_eq!(c["items"][0]["status"], "not-applicable");
    assert!(c["items"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("not mine"));
}

fn checklist_item(json: &serde_json::Value, id: &str) -> serde_json::Value {
    json["portfolio"]["checklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no checklist item {id}"))
        .clone()
}

#[test]
fn the_beginner_repo_alone_misses_tests_with_pytest_advice() {
    let json = common::scan_json(&[fixture("calculator-and-todo").to_str().unwrap()]);
    assert_eq!(json["roadmap"], "professional");
    let item = checklist_item(&json, "write-tests");
    assert_eq!(item["status"], "missing", "{item}");
    let next = item["next_step"].as_str().unwrap();
    assert!(
        next.contains("pytest") && next.contains("tests/test_"),
        "{next}"
    );
    assert!(
        next.starts_with("Testing"),
        "the next step names its roadmap phase: {next}"
    );
}

#[test]
fn the_fastapi_repo_meets_the_rest_api_item_with_evidence() {
    let json = common::scan_json(&[fixture("fastapi-service").to_str().unwrap()]);
    let item = checklist_item(&json, "rest-api");
    assert_eq!(item["status"], "met", "{item}");
    assert_eq!(item["next_step"], "");
    let ev = &item["evidence"][0];
    assert_eq!(ev["repo"], "fastapi-service");
    assert!(
        ev["path"].as_str().unwrap().ends_with(".py") && ev["line"].as_u64().unwrap() > 0,
        "{ev}"
    );
}

#[test]
fn a_portfolio_scores_over_measurable_items_and_reports_phases() {
    let json = common::scan_json(&[common::root().join("fixtures/portfolio").to_str().unwrap()]);
    let c = &json["portfolio"]["checklist"];
    let items = c["items"].as_array().unwrap();
    let count = |s: &str| items.iter().filter(|i| i["status"] == s).count() as f64;
    let measurable = count("met") + count("partial") + count("missing");
    assert_eq!(c["measurable"].as_f64().unwrap(), measurable);
    let expected = ((count("met") + count("partial") / 2.0) * 100.0 / measurable).round();
    assert_eq!(c["score"].as_f64().unwrap(), expected);
    assert!(
        count("met") > 10.0 && count("missing") > 0.0,
        "met {} missing {}",
        count("met"),
        count("missing")
    );
    assert!(
        items
            .iter()
            .filter(|i| i["status"] == "self-report")
            .all(|i| i["next_step"] == ""),
        "self-report items are never gaps"
    );
    for i in items
        .iter()
        .filter(|i| i["status"] == "partial" || i["status"] == "missing")
    {
        assert!(
            !i["next_step"].as_str().unwrap().is_empty(),
            "{} has no next step",
            i["id"]
        );
    }
    let phases = c["phases"].as_array().unwrap();
    assert!(phases.len() >= 8);
    assert!(phases.iter().all(|p| p["score"].as_u64().unwrap() <= 100));
}

#[test]
fn the_text_report_leads_with_the_gaps_in_roadmap_order() {
    // The default view: what to do next, then what is met.
    let run = cli(&["scan", fixture("calculator-and-todo").to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.err);
    let next = run
        .out
        .find("Next steps, in roadmap order")
        .expect("next steps");
    let met = run.out.find("\nMet (").expect("a met section");
    assert!(next < met, "gaps first, then met");
    // The whole report keeps every gap with its next step, then the details.
    let run = cli(&[
        "scan",
        fixture("calculator-and-todo").to_str().unwrap(),
        "--all",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    let gaps = run
        .out
        .find("Gaps, in roadmap order")
        .expect("a gaps section");
    let met = run.out.find("\nMet (").expect("a met section");
    let repo = run
        .out
        .find("calculator-and-todo (")
        .expect("the repository section");
    assert!(
        gaps < met && met < repo,
        "gaps first, then met, then details"
    );
    let tests = run.out.find("Writes unit tests").unwrap();
    let rest = run.out.find("Builds a REST API").unwrap();
    assert!(tests < rest, "roadmap order: testing before APIs");
}

#[test]
fn another_roadmap_can_be_chosen_by_name() {
    let json = common::scan_json(&[
        fixture("flask-blog").to_str().unwrap(),
        "--roadmap",
        "backend-and-ai",
    ]);
    assert_eq!(json["roadmap"], "backend-and-ai");
    assert!(
        json["portfolio"]["checklist"]["items"]
            .as_array()
            .unwrap()
            .len()
            > 100
    );
    let run = cli(&[
        "scan",
        fixture("flask-blog").to_str().unwrap(),
        "--roadmap",
        "no-such-roadmap",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.err.contains("built-in roadmaps: backend-and-ai"),
        "{}",
        run.err
    );
}
