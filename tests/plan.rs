//! `portfolio-audit plan` (issue 16): the project briefs, milestones and
//! durations as data, checked on load like the items, with every seed's
//! project ideas present.

mod common;

use common::{cli, root};
use portfolio_audit::roadmap::Roadmap;
use portfolio_audit::rules::RuleSet;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn roadmaps() -> Vec<Roadmap> {
    let rules = RuleSet::embedded().unwrap();
    Roadmap::embedded(&rules.ids()).unwrap_or_else(|e| panic!("built-in roadmaps:\n{e}"))
}

// --- the data --------------------------------------------------------

const PLANNED: &str = r#"name = "mine"
title = "Mine"

[[phase]]
id = "basics"
title = "Basics"

[[phase]]
id = "habits"
title = "Habits"
ongoing = true

[[item]]
id = "tests"
phase = "basics"
title = "Project: a tested library"
requires = ["testing.unit:2"]

[item.project]
level = "beginner"
weeks = [1, 2]
scope = "A small library with its tests."
checks = [
  { needs = "testing.unit:2", text = "Five pytest tests." },
  { needs = "py.functions", text = "Functions." },
]

[[item]]
id = "maths"
phase = "habits"
title = "Linear algebra"
self_report = true

[[milestone]]
id = "first"
phase = "basics"
items = ["tests"]

[[stage]]
id = "start"
title = "The start"
phases = ["basics"]
weeks = [4, 6]
hours_per_week = [15, 20]
"#;

fn show(text: &str) -> (u8, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, text).unwrap();
    let run = cli(&["roadmaps", "show", path.to_str().unwrap()]);
    (run.code, run.out, run.err)
}

#[test]
fn a_roadmap_with_a_brief_a_milestone_and_a_stage_loads_and_shows_them() {
    let (code, out, err) = show(PLANNED);
    assert_eq!(code, 0, "{err}");
    for shown in [
        "scope: A small library with its tests.",
        "check testing.unit:2: Five pytest tests.",
        "beginner · 1–2 weeks",
        "first",
        "The start: 4–6 weeks at 15–20 hours a week",
        "Habits (alongside the others)",
    ] {
        assert!(out.contains(shown), "`{shown}` not in:\n{out}");
    }
}

#[test]
fn plan_data_errors_name_file_line_and_reason() {
    let cases = [
        (
            PLANNED.replace("\"py.functions\"", "\"py.telepathy\""),
            "mine.toml:25: item `tests`: project: check: unknown competency `py.telepathy`",
        ),
        (
            PLANNED.replace("\"py.functions\"", "\"py.functions:4\""),
            "mine.toml:25: item `tests`: project: check: `py.functions:4`: the level after `:` must be 1, 2 or 3",
        ),
        (
            PLANNED.replace("\"testing.unit:2\", text", "\"testing.unit\", text"),
            "mine.toml:23: item `tests`: project: no check leads to `testing.unit:2`, which the item requires",
        ),
        (
            PLANNED.replace("level = \"beginner\"", "level = \"expert\""),
            "mine.toml:20: item `tests`: project: level `expert` is not beginner, intermediate or advanced",
        ),
        (
            PLANNED.replace("weeks = [1, 2]", "weeks = [2, 1]"),
            "mine.toml:21: item `tests`: project: weeks: give `[min, max]`",
        ),
        (
            PLANNED.replace("level = \"beginner\"", "phase = \"later\""),
            "mine.toml:20: item `tests`: project: unknown phase `later`",
        ),
        (
            PLANNED.replace("items = [\"tests\"]", "items = [\"tset\"]"),
            "mine.toml:37: milestone `first`: unknown item `tset`",
        ),
        (
            PLANNED.replace("phases = [\"basics\"]", "phases = [\"habits\"]"),
            "mine.toml:42: stage `start`: phase `habits` runs alongside the others",
        ),
        (
            PLANNED.replace("weeks = [4, 6]\n", ""),
            "mine.toml:40: stage `start`: give its `weeks` or `months`",
        ),
        (
            PLANNED.replace("ongoing = true", "track = \"cooking\""),
            "mine.toml:8: phase `habits`: unknown track `cooking`",
        ),
        (
            PLANNED.replace("scope = \"A small library with its tests.\"", "scope = \"A small library.\"\nsnope = 1"),
            "mine.toml:23: unknown field `snope`",
        ),
    ];
    for (text, expected) in cases {
        let (code, _, err) = show(&text);
        assert_eq!(code, 2, "expected `{expected}`");
        assert!(err.contains(expected), "expected `{expected}`, got:\n{err}");
    }
}

/// The non-comment lines of a `tests/data/seed_projects` file.
fn seed_projects(seed: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("tests/data/seed_projects").join(seed)).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

#[test]
fn every_project_idea_of_each_seed_has_a_brief_counted_per_seed() {
    // The ideas each seed names, counted: one a line of the seed (seed 001
    // lists four small programs on one line; seed 002 repeats four ideas in
    // its monthly plan, which carries their durations).
    let expected: BTreeMap<&str, usize> = [
        ("000_6fb6dadca086c5a6.txt", 10),
        ("001_ae31f65ae56a6018.txt", 25),
        ("002_5523af28420022c7.txt", 31),
        ("003_4e8512502f1d8ba6.txt", 0),
        ("004_8815a5c461c6ccd3.txt", 18),
    ]
    .into();
    let all = roadmaps();
    for (seed, count) in expected {
        let ideas = seed_projects(seed);
        assert_eq!(ideas.len(), count, "{seed}: project ideas listed");
        let text = std::fs::read_to_string(root().join("tests/data/seeds").join(seed)).unwrap();
        let roadmap = all
            .iter()
            .find(|r| r.source.as_deref() == Some(seed))
            .unwrap_or_else(|| panic!("no roadmap made from {seed}"));
        let briefed: BTreeSet<&str> = roadmap
            .items
            .iter()
            .filter_map(|i| i.project.as_ref().map(|p| (i, p)))
            .flat_map(|(i, p)| i.seed.iter().chain(&p.seed).map(String::as_str))
            .collect();
        for idea in &ideas {
            assert!(
                text.contains(idea.as_str()),
                "{seed}: `{idea}` is not in the seed"
            );
            assert!(
                briefed.contains(idea.as_str()),
                "{}: the idea `{idea}` has no project brief",
                roadmap.name
            );
        }
        // And no brief stands for an idea the list does not count.
        let briefs = roadmap.items.iter().filter(|i| i.project.is_some()).count();
        assert!(
            briefs <= count,
            "{}: {briefs} briefs for {count} ideas",
            roadmap.name
        );
    }
}

#[test]
fn briefs_milestones_and_durations_quote_their_seeds() {
    let seeds: Vec<String> = std::fs::read_dir(root().join("tests/data/seeds"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    for r in roadmaps() {
        let own = r
            .source
            .as_ref()
            .map(|s| std::fs::read_to_string(root().join("tests/data/seeds").join(s)).unwrap());
        let quoted = r
            .items
            .iter()
            .filter_map(|i| i.project.as_ref())
            .flat_map(|p| &p.seed)
            .chain(r.milestones.iter().flat_map(|m| &m.seed))
            .chain(r.stages.iter().flat_map(|s| &s.seed));
        for line in quoted {
            // A seed roadmap quotes its seed; the synthesis quotes any.
            let found = match &own {
                Some(text) => text.contains(line.as_str()),
                None => seeds.iter().any(|t| t.contains(line.as_str())),
            };
            assert!(found, "{}: `{line}` is not in its seed", r.name);
        }
        for i in &r.items {
            if let Some(p) = &i.project {
                assert!(
                    i.self_report || p.checks.len() >= 3,
                    "{}/{}: a brief needs three acceptance checks or more",
                    r.name,
                    i.id
                );
            }
        }
    }
}

#[test]
fn the_seeds_milestones_are_data_and_roadmaps_show_lists_them() {
    let all = roadmaps();
    let milestones = |name: &str| -> Vec<String> {
        let r = all.iter().find(|r| r.name == name).unwrap();
        r.milestones.iter().map(|m| m.id.clone()).collect()
    };
    assert_eq!(
        milestones("phased-professional"),
        ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "MP"]
    );
    assert_eq!(
        milestones("backend-and-ai"),
        [
            "after-phase-1",
            "after-phase-2",
            "after-phase-3",
            "after-phase-4"
        ]
    );
    for r in &all {
        let text = cli(&["roadmaps", "show", &r.name]).out;
        for m in &r.milestones {
            assert!(text.contains(&m.title), "{}: {} not shown", r.name, m.id);
        }
        for i in r.items.iter().filter(|i| i.project.is_some()) {
            let p = i.project.as_ref().unwrap();
            assert!(
                text.contains(&format!("scope: {}", p.scope)),
                "{}/{}",
                r.name,
                i.id
            );
        }
        let json: Value =
            serde_json::from_str(&cli(&["roadmaps", "show", &r.name, "--format", "json"]).out)
                .unwrap();
        assert_eq!(
            json["milestones"].as_array().unwrap().len(),
            r.milestones.len()
        );
        assert_eq!(json["stages"].as_array().unwrap().len(), r.stages.len());
        let briefs = json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| !i["project"].is_null())
            .count();
        assert_eq!(
            briefs,
            r.items.iter().filter(|i| i.project.is_some()).count()
        );
    }
}
