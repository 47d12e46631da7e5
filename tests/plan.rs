//! `portfolio-audit plan` (issue 16): the project briefs, milestones and
//! durations as data (checked on load, every seed's project ideas present),
//! and the plan drawn from them: the next projects for each fixture learner,
//! a REST API never proposed to who built one, milestones on a fixture built
//! for them, the pace changing the weeks only, and deterministic output.

mod common;

use common::{cli, fixture, root};
use portfolio_audit::roadmap::Roadmap;
use portfolio_audit::rules::RuleSet;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn roadmaps() -> Vec<Roadmap> {
    let rules = RuleSet::embedded().unwrap();
    Roadmap::embedded(&rules.ids()).unwrap_or_else(|e| panic!("built-in roadmaps:\n{e}"))
}

/// `plan --format json` over `args`.
fn plan_json(args: &[&str]) -> Value {
    let mut all = vec!["plan", "--format", "json", "-q"];
    all.extend_from_slice(args);
    let run = cli(&all);
    assert_eq!(run.code, 0, "plan {args:?}: {}", run.err);
    serde_json::from_str(&run.out).expect("plan --format json prints JSON")
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

/// Every project the plan proposes, next and along the path, as `roadmap/id`.
fn proposed(plan: &Value) -> Vec<String> {
    let next = plan["next_projects"].as_array().unwrap().iter();
    let path = plan["path"]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["projects"].as_array().unwrap().iter());
    next.chain(path)
        .map(|p| {
            format!(
                "{}/{}",
                p["roadmap"].as_str().unwrap(),
                p["id"].as_str().unwrap()
            )
        })
        .collect()
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

// --- the plan ----------------------------------------------------------

#[derive(serde::Deserialize)]
struct Expectations {
    learner: Vec<Learner>,
}

#[derive(serde::Deserialize)]
struct Learner {
    repo: String,
    roadmap: String,
    next: Vec<Next>,
}

#[derive(serde::Deserialize)]
struct Next {
    /// `roadmap/item` of the project's idea.
    project: String,
    closes: Vec<String>,
}

#[test]
fn each_fixture_learner_gets_the_expected_next_projects_in_order() {
    let text = std::fs::read_to_string(root().join("tests/data/plan_expectations.toml")).unwrap();
    let expected: Expectations = toml::from_str(&text).unwrap();
    let learners: BTreeSet<&str> = expected.learner.iter().map(|l| l.repo.as_str()).collect();
    let fixtures: BTreeSet<String> = std::fs::read_dir(root().join("fixtures/portfolio"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        learners,
        fixtures.iter().map(String::as_str).collect(),
        "every fixture learner has expectations"
    );
    let sources = roadmaps();
    for l in &expected.learner {
        let plan = plan_json(&[fixture(&l.repo).to_str().unwrap(), "--roadmap", &l.roadmap]);
        let got: Vec<(String, Vec<String>)> = plan["next_projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    format!(
                        "{}/{}",
                        p["roadmap"].as_str().unwrap(),
                        p["id"].as_str().unwrap()
                    ),
                    ids(&p["closes"]),
                )
            })
            .collect();
        let want: Vec<(String, Vec<String>)> = l
            .next
            .iter()
            .map(|n| (n.project.clone(), n.closes.clone()))
            .collect();
        assert_eq!(got, want, "{} against {}", l.repo, l.roadmap);
        assert_eq!(plan["schema_version"], 1);
        // What it closes are gaps now, each in the roadmap's checklist; the
        // seed is the one its roadmap was made from.
        for p in plan["next_projects"].as_array().unwrap() {
            let from = sources
                .iter()
                .find(|r| r.name == p["roadmap"].as_str().unwrap())
                .unwrap();
            assert_eq!(p["seed"].as_str(), from.source.as_deref(), "{p}");
            assert!(from.source.is_some(), "every idea comes from a seed: {p}");
            for c in p["closes"].as_array().unwrap() {
                assert!(c["status"] == "partial" || c["status"] == "missing", "{c}");
            }
            assert!(!p["scope"].as_str().unwrap().is_empty());
            assert!(p["checks"].as_array().unwrap().len() >= 3);
        }
    }
}

#[test]
fn a_learner_who_built_a_rest_api_is_not_told_to_build_one() {
    // Projects that are a REST API in some framework: nothing else to them.
    let frameworks = ["web.rest_api", "web.flask", "web.django", "web.fastapi"];
    let rest_projects: BTreeSet<String> = roadmaps()
        .iter()
        .flat_map(|r| {
            r.items
                .iter()
                .filter(|i| i.project.is_some())
                .filter(|i| {
                    let all: Vec<&str> = i
                        .requires
                        .iter()
                        .chain(&i.any)
                        .map(|q| q.id.as_str())
                        .collect();
                    all.contains(&"web.rest_api") && all.iter().all(|c| frameworks.contains(c))
                })
                .map(|i| format!("{}/{}", r.name, i.id))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        rest_projects.contains("fundamentals-to-pro/flask-rest-api"),
        "{rest_projects:?}"
    );
    let built = fixture("fastapi-service");
    let beginner = fixture("calculator-and-todo");
    let mut told_the_beginner = false;
    for r in roadmaps() {
        let plan = plan_json(&[built.to_str().unwrap(), "--roadmap", &r.name]);
        let offered = proposed(&plan);
        for p in &offered {
            assert!(
                !rest_projects.contains(p),
                "{}: {p} proposed to a learner whose FastAPI service is a REST API",
                r.name
            );
        }
        for p in plan["next_projects"].as_array().unwrap() {
            let shows: Vec<&str> = p["shows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            assert!(!shows.contains(&"web.rest_api:2"), "{}: {p}", r.name);
        }
        let plan = plan_json(&[beginner.to_str().unwrap(), "--roadmap", &r.name]);
        told_the_beginner |= proposed(&plan).iter().any(|p| rest_projects.contains(p));
    }
    // The Flask one is not met by the FastAPI service (no Flask): what it
    // builds, a REST API, is what keeps it out, and a beginner is told.
    assert!(
        told_the_beginner,
        "a learner without a REST API is told to build one"
    );
}

#[test]
fn no_learner_is_proposed_a_project_whose_competencies_they_have_shown() {
    let all = roadmaps();
    let mut proposals = 0;
    for entry in std::fs::read_dir(root().join("fixtures/portfolio")).unwrap() {
        let repo = entry.unwrap().path();
        let input = repo.to_str().unwrap();
        let scan = common::scan_json(&[input, "-q"]);
        let levels: BTreeMap<String, u64> = scan["portfolio"]["competencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_string(),
                    c["level"].as_u64().unwrap(),
                )
            })
            .collect();
        let holds = |r: &portfolio_audit::roadmap::Requirement| {
            levels.get(&r.id).copied().unwrap_or(0) >= u64::from(r.level)
        };
        for roadmap in ["professional", "phased-professional", "enterprise-backend"] {
            let plan = plan_json(&[input, "--roadmap", roadmap]);
            for p in proposed(&plan) {
                let (from, id) = p.split_once('/').unwrap();
                let item = all
                    .iter()
                    .find(|r| r.name == from)
                    .and_then(|r| r.items.iter().find(|i| i.id == id))
                    .unwrap();
                let project = item.project.as_ref().unwrap();
                // What the project builds: its `shows`, else its item.
                let met = item.requires.iter().all(holds)
                    && (item.any.is_empty() || item.any.iter().any(holds));
                let shown = !project.shows.is_empty() && project.shows.iter().all(holds);
                assert!(
                    !met && !shown,
                    "{}: {roadmap}: {p} is proposed, yet already shown",
                    repo.display()
                );
                proposals += 1;
            }
        }
    }
    // Not vacuous: the learners are told to build something.
    assert!(proposals > 100, "{proposals} proposals");
}

#[test]
fn plan_takes_scans_inputs_and_plans_from_the_repositories_it_could_audit() {
    // A URL (a git repository read through file://, no network), a path and
    // a broken URL, all in a repos file.
    let origin = tempfile::tempdir().unwrap();
    let calculator = origin.path().join("calculator-and-todo");
    std::fs::create_dir(&calculator).unwrap();
    common::fixture_as_git("calculator-and-todo", &calculator);
    let broken = "file:///nonexistent/ada/shop.git";
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("class.txt");
    std::fs::write(
        &list,
        format!(
            "Ada  file://{}\nAda  {broken}\nAda  {}\n",
            calculator.display(),
            fixture("django-shop").display()
        ),
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let run = cli(&[
        "plan",
        "--repos-file",
        list.to_str().unwrap(),
        "--cache-dir",
        cache.path().to_str().unwrap(),
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(
        run.code, 3,
        "a repository could not be audited: {}",
        run.err
    );
    assert!(run.err.contains(broken), "{}", run.err);
    let from_file: Value = serde_json::from_str(&run.out).unwrap();
    assert_eq!(
        from_file["repos"],
        serde_json::json!(["calculator-and-todo", "django-shop"])
    );
    // The same plan as from the two folders.
    let direct = plan_json(&[
        fixture("calculator-and-todo").to_str().unwrap(),
        fixture("django-shop").to_str().unwrap(),
    ]);
    for key in ["score", "current_phase", "next_projects", "path"] {
        assert_eq!(from_file[key], direct[key], "{key}");
    }
    assert!(!direct["next_projects"].as_array().unwrap().is_empty());
}

/// Copies `fixtures/plan/<name>` into `dest` as a git repository of three
/// commits on three days (the code, then the tests, then the README).
fn committed(name: &str, dest: &Path) {
    let from = root().join("fixtures/plan").join(name);
    let repo = git2::Repository::init(dest).unwrap();
    let author = ("Learner", "learner@example.com");
    let steps: [(&[&str], &str); 3] = [
        (
            &["requirements.txt", "wordfreq.toml", "wordfreq"],
            "Count the words of text files",
        ),
        (&["tests"], "Test counting and the settings"),
        (&["README.md"], "Explain installation and usage"),
    ];
    for (day, (paths, message)) in steps.iter().enumerate() {
        for p in paths.iter() {
            let src = from.join(p);
            if src.is_dir() {
                std::fs::create_dir_all(dest.join(p)).unwrap();
                common::copy_tree(&src, &dest.join(p));
            } else {
                std::fs::copy(&src, dest.join(p)).unwrap();
            }
        }
        common::commit_all(&repo, message, author, day as i64);
    }
}

fn milestone_status(plan: &Value, id: &str) -> String {
    plan["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no milestone {id}"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn milestones_are_met_partial_or_missing_on_a_fixture_built_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("robust-cli");
    committed("robust-cli", &repo);
    let path = repo.to_str().unwrap();
    let expected = [
        ("M0", "met"),
        ("M1", "met"),
        ("M2", "met"),
        ("M3", "missing"),
        ("M4", "missing"),
        ("after-phase-1", "met"),
        ("after-phase-2", "partial"),
        ("after-phase-4", "missing"),
    ];
    // Its own roadmap's milestones, and the same borrowed by the default one.
    for roadmap in ["phased-professional", "backend-and-ai", "professional"] {
        let plan = plan_json(&[path, "--roadmap", roadmap]);
        for (id, status) in expected {
            let own = plan["milestones"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == id);
            if roadmap == "professional" || own {
                assert_eq!(milestone_status(&plan, id), status, "{roadmap}: {id}");
            }
        }
        // A met milestone points at the fixture's code.
        let m2 = plan["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == "M2");
        if let Some(m2) = m2 {
            let places: Vec<String> = m2["items"][0]["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| format!("{}:{}", e["path"].as_str().unwrap(), e["line"]))
                .collect();
            assert!(
                places.iter().any(|p| p.starts_with("wordfreq/cli.py:")),
                "{places:?}"
            );
        }
    }
    let text = cli(&["plan", path, "--roadmap", "phased-professional", "-q"]).out;
    assert!(text.contains("✔  Milestone M2: robust CLI"), "{text}");
    assert!(text.contains("✘  Milestone M4"), "{text}");
}

#[test]
fn hours_per_week_changes_the_weeks_not_the_order() {
    let p = fixture("calculator-and-todo");
    let p = p.to_str().unwrap();
    for roadmap in ["backend-and-ai", "professional"] {
        let slow = plan_json(&[p, "--roadmap", roadmap, "--hours-per-week", "5"]);
        let fast = plan_json(&[p, "--roadmap", roadmap, "--hours-per-week", "40"]);
        let seed = plan_json(&[p, "--roadmap", roadmap]);
        for key in ["next_projects", "milestones", "current_phase"] {
            assert_eq!(slow[key], fast[key], "{roadmap}: {key}");
            assert_eq!(slow[key], seed[key], "{roadmap}: {key}");
        }
        let order = |plan: &Value| -> Vec<(String, Vec<String>, Vec<String>)> {
            plan["path"]["stages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s["id"].to_string(), ids(&s["items"]), ids(&s["projects"])))
                .collect()
        };
        assert_eq!(order(&slow), order(&fast), "{roadmap}");
        assert_eq!(order(&slow), order(&seed), "{roadmap}");
        let weeks = |plan: &Value| plan["path"]["weeks"].as_u64().unwrap();
        assert!(
            weeks(&slow) > weeks(&seed) && weeks(&seed) > weeks(&fast),
            "{roadmap}"
        );
        for (s, f) in slow["path"]["stages"]
            .as_array()
            .unwrap()
            .iter()
            .zip(fast["path"]["stages"].as_array().unwrap())
        {
            assert_eq!(s["hours"], f["hours"], "the work left is the same");
            assert!(s["weeks"].as_u64() >= f["weeks"].as_u64());
        }
        assert_eq!(slow["hours_per_week"], 5);
        assert!(seed["hours_per_week"].is_null());
    }
}

#[test]
fn the_seeds_durations_set_the_weeks_and_self_reports_are_never_scheduled() {
    let plan = plan_json(&[
        fixture("calculator-and-todo").to_str().unwrap(),
        "--roadmap",
        "backend-and-ai",
    ]);
    let stages = plan["path"]["stages"].as_array().unwrap();
    let phase1 = stages.iter().find(|s| s["id"] == "phase-1").unwrap();
    assert_eq!(phase1["basis"], "seed");
    assert_eq!(phase1["seed_duration"], "4–6 weeks at 15–20 hours a week");
    assert_eq!(phase1["hours_per_week"], 17.5);
    // Phase 4 is wholly missing: the seed's 8-12 weeks at 20-30 hours.
    let phase4 = stages.iter().find(|s| s["id"] == "phase-4").unwrap();
    assert_eq!(phase4["weeks"], 10);
    let scheduled: BTreeSet<String> = stages.iter().flat_map(|s| ids(&s["items"])).collect();
    let self_report = ids(&plan["path"]["self_report"]);
    assert!(
        self_report.contains(&"linear-algebra".to_string()),
        "{self_report:?}"
    );
    for id in &self_report {
        assert!(
            !scheduled.contains(id),
            "{id} is self-report, yet scheduled"
        );
    }
    // Habits and checkpoints run alongside, without weeks of their own.
    let alongside = ids(&plan["path"]["alongside"]);
    assert!(
        alongside.contains(&"after-p1-projects".to_string()),
        "{alongside:?}"
    );
    assert!(!stages
        .iter()
        .any(|s| s["phases"].as_array().unwrap().iter().any(|p| p == "tips")));
}

#[test]
fn a_track_keeps_the_common_phases_and_its_own() {
    let p = fixture("calculator-and-todo");
    let plan = plan_json(&[
        p.to_str().unwrap(),
        "--roadmap",
        "backend-and-ai",
        "--track",
        "data",
    ]);
    let phases: Vec<String> = plan["path"]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["phases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().to_string())
        })
        .collect();
    assert!(phases.contains(&"p3-testing".to_string()), "{phases:?}");
    assert!(phases.contains(&"p4-ml".to_string()), "{phases:?}");
    assert!(
        !phases.iter().any(|p| p == "p3-web" || p == "p3-flask"),
        "{phases:?}"
    );
    let milestones = ids(&plan["milestones"]);
    assert!(
        !milestones.contains(&"after-phase-3".to_string()),
        "{milestones:?}"
    );
    assert_eq!(plan["track"], "data");
    let unknown = cli(&["plan", p.to_str().unwrap(), "--track", "cooking"]);
    assert_eq!(unknown.code, 2);
}

#[test]
fn of_alternative_phases_the_plan_follows_the_one_the_learner_took() {
    // Seed 002: Flask, Django or FastAPI, "choose one to start".
    for (repo, kept) in [
        ("flask-blog", "p3-flask"),
        ("django-shop", "p3-django"),
        ("fastapi-service", "p3-fastapi"),
    ] {
        let plan = plan_json(&[
            fixture(repo).to_str().unwrap(),
            "--roadmap",
            "backend-and-ai",
        ]);
        let text = plan["path"].to_string();
        for framework in ["p3-flask", "p3-django", "p3-fastapi"] {
            assert_eq!(
                text.contains(framework),
                framework == kept,
                "{repo}: {framework}"
            );
        }
    }
}

#[test]
fn the_plan_is_deterministic_in_every_format() {
    let p = fixture("fastapi-service");
    let parent = root().join("fixtures/portfolio");
    for format in ["json", "text", "markdown"] {
        let run = |jobs: &str, input: &Path| {
            let out = cli(&[
                "plan",
                input.to_str().unwrap(),
                "--format",
                format,
                "--jobs",
                jobs,
                "-q",
            ]);
            assert_eq!(out.code, 0, "{}", out.err);
            out.out
        };
        assert_eq!(run("1", &p), run("2", &p), "{format}");
        assert_eq!(run("1", &parent), run("2", &parent), "{format}");
    }
}

#[test]
fn the_markdown_escapes_what_comes_from_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("x<b>y|z");
    std::fs::create_dir(&repo).unwrap();
    common::copy_tree(&fixture("calculator-and-todo"), &repo);
    let run = cli(&["plan", repo.to_str().unwrap(), "--format", "markdown", "-q"]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(!run.out.contains("x<b>y"), "{}", run.out);
    assert!(run.out.contains("x&lt;b&gt;y\\|z"), "{}", run.out);
    assert!(run.out.contains("### Next projects"));
    assert!(
        run.out.contains("- [ ] "),
        "checks as a task list:\n{}",
        run.out
    );
}

#[test]
fn the_html_report_opens_with_your_next_project() {
    let p = fixture("calculator-and-todo");
    let p = p.to_str().unwrap();
    let plan = plan_json(&[p]);
    let first = &plan["next_projects"][0];
    let run = cli(&["scan", p, "--format", "html", "-q"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let html = run.out;
    let next = html
        .find("<section id=\"next-project\"")
        .expect("a next-project section");
    let overview = html.find("<section id=\"overview\"").unwrap();
    assert!(next < overview, "the next project comes first");
    let section = &html[next..overview];
    assert!(
        section.contains(first["title"].as_str().unwrap()),
        "{section}"
    );
    for gap in first["closes"].as_array().unwrap() {
        assert!(
            section.contains(gap["title"].as_str().unwrap()),
            "{section}"
        );
    }
    assert_eq!(
        section.matches("<li class=").count(),
        first["checks"].as_array().unwrap().len()
    );
    assert!(html.contains("<a href=\"#next-project\">Your next project</a>"));
}

/// A roadmap of two phases and three ideas for a learner without classes,
/// custom exceptions or decorators (calculator-and-todo): `basics-one`
/// closes one gap of the current phase, `basics-pair` two, and
/// `later-three`, an idea of the next phase, three in all (both of the
/// current phase's among them).
const RANKED: &str = r#"name = "ranked"
title = "Ranked"

[[phase]]
id = "basics"
title = "Basics"

[[phase]]
id = "later"
title = "Later"

[[phase]]
id = "projects"
title = "Projects"
ongoing = true

[[item]]
id = "classes"
phase = "basics"
title = "Designs classes"
requires = ["oop.classes:2"]

[[item]]
id = "errors"
phase = "basics"
title = "Defines its own exceptions"
requires = ["py.custom_exceptions"]

[[item]]
id = "decorators"
phase = "later"
title = "Writes decorators"
requires = ["adv.decorators"]

[[item]]
id = "later-three"
phase = "projects"
title = "Project: a bank with audit decorators"
requires = ["oop.classes:2", "py.custom_exceptions", "adv.decorators"]

[item.project]
phase = "later"
scope = "Accounts as classes that refuse overdrafts, every change logged by a decorator."
checks = [
  { needs = "oop.classes:2", text = "Account classes." },
  { needs = "py.custom_exceptions", text = "An InsufficientFunds error." },
  { needs = "adv.decorators", text = "An audit decorator." },
]

[[item]]
id = "basics-one"
phase = "projects"
title = "Project: shapes"
requires = ["oop.classes:2"]

[item.project]
phase = "basics"
scope = "Shapes as classes."
checks = [{ needs = "oop.classes:2", text = "Shape classes." }]

[[item]]
id = "basics-pair"
phase = "projects"
title = "Project: a validated inventory"
requires = ["oop.classes:2", "py.custom_exceptions"]

[item.project]
phase = "basics"
scope = "Stock items as classes that refuse bad quantities."
checks = [
  { needs = "oop.classes:2", text = "Item and Inventory classes." },
  { needs = "py.custom_exceptions", text = "An OutOfStock error." },
]
"#;

#[test]
fn projects_of_the_current_phase_rank_by_the_gaps_they_close_there() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ranked.toml");
    std::fs::write(&file, RANKED).unwrap();
    let plan = plan_json(&[
        fixture("calculator-and-todo").to_str().unwrap(),
        "--roadmap",
        file.to_str().unwrap(),
    ]);
    assert_eq!(plan["current_phase"]["id"], "basics");
    let next: Vec<(String, Vec<String>)> = plan["next_projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().to_string(), ids(&p["closes"])))
        .collect();
    // Two gaps of the current phase beat one (`basics-one` comes first in
    // the file); an idea of a later phase waits for its phase, however much
    // it closes; and `basics-pair` meets `basics-one`'s item too, which is
    // then built and never proposed.
    assert_eq!(
        next,
        [
            (
                "basics-pair".to_string(),
                vec![
                    "classes".into(),
                    "errors".into(),
                    "basics-one".into(),
                    "basics-pair".into()
                ]
            ),
            (
                "later-three".to_string(),
                vec!["decorators".into(), "later-three".into()]
            ),
        ]
    );
}
