//! `portfolio-audit plan` (issue 16): the project briefs, milestones and
//! durations as data, checked on load like the items.

mod common;

use common::cli;

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
