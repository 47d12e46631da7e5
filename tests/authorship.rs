//! `scan --author`: only what given authors wrote counts (git blame); and
//! the `possibly-copied` flag for code a repository did not grow itself.

mod common;

use common::{cli, copy_tree, fixture, history_repo, level, root, scan_json};
use serde_json::Value;
use std::path::Path;

fn scan_as(dir: &Path, author: Option<&str>) -> Value {
    let p = dir.to_str().unwrap();
    match author {
        Some(a) => scan_json(&[p, "--author", a]),
        None => scan_json(&[p]),
    }
}

fn repo_name(dir: &Path) -> String {
    dir.canonicalize()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Physical lines of a fixture file (what blame counts).
fn lines_of(rel: &str) -> u64 {
    let text = std::fs::read_to_string(root().join("fixtures/histories").join(rel)).unwrap();
    text.lines().count() as u64
}

#[test]
fn only_the_students_lines_count_under_author() {
    let dir = tempfile::tempdir().unwrap();
    let ids = history_repo("template-and-student", dir.path());
    let name = repo_name(dir.path());
    let all = scan_as(dir.path(), None);
    let theirs = scan_as(dir.path(), Some("sam@example.com"));
    let at = |json: &Value, id: &str| level(json, &name, id);

    // The template shows these; the student wrote none of them.
    for id in [
        "testing.unit",
        "quality.type_hints",
        "devops.docker",
        "git.history",
    ] {
        assert!(at(&all, id) >= 1, "{id} without --author");
        assert_eq!(at(&theirs, id), 0, "{id} under --author");
    }
    // The student wrote these: their levels stay.
    for id in ["oop.classes", "py.comprehensions"] {
        assert!(at(&all, id) >= 1, "{id} without --author");
        assert_eq!(at(&theirs, id), at(&all, id), "{id} under --author");
    }
    // py.comprehensions is in the commit made from the address .mailmap maps.

    // Every piece of evidence left is in the student's files (or the whole repository).
    let repo = &theirs["repos"][0];
    assert_eq!(repo["revision"], ids[2].to_string().as_str());
    for c in repo["competencies"].as_array().unwrap() {
        for e in c["evidence"].as_array().unwrap() {
            let path = e["path"].as_str().unwrap();
            assert!(
                [
                    "app/cart.py",
                    "app/discounts.py",
                    "app/shop/__init__.py",
                    "."
                ]
                .contains(&path),
                "{}: evidence in {path}",
                c["id"]
            );
        }
    }

    let a = &repo["authorship"];
    let mine =
        lines_of("template-and-student/cart.py") + lines_of("template-and-student/discounts.py");
    let total = mine
        + lines_of("template-and-student/config.py")
        + lines_of("template-and-student/test_config.py");
    assert_eq!(a["authors"], serde_json::json!(["sam@example.com"]));
    assert_eq!(a["lines"], mine);
    assert_eq!(a["total"], total);
    let share = ((mine as f64 / total as f64) * 1000.0).round() / 1000.0;
    assert_eq!(a["share"].as_f64().unwrap(), share);
    assert_eq!(a["commits"], 2);
    assert_eq!(a["total_commits"], 3);
    // The report's history stays the whole repository's.
    assert_eq!(repo["history"]["commits"], 3);
    assert!(all["repos"][0].get("authorship").is_none());
}

#[test]
fn the_template_author_keeps_the_template_and_not_the_students_code() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("template-and-student", dir.path());
    let name = repo_name(dir.path());
    let all = scan_as(dir.path(), None);
    let template = scan_as(dir.path(), Some("Course Template"));
    assert_eq!(level(&template, &name, "oop.classes"), 0);
    assert_eq!(level(&template, &name, "py.comprehensions"), 0);
    for id in ["testing.unit", "devops.docker"] {
        assert_eq!(level(&template, &name, id), level(&all, &name, id), "{id}");
    }
    // Annotation coverage counts only the files they wrote, all annotated:
    // higher than over the whole repository, whose student files have none.
    assert!(
        level(&template, &name, "quality.type_hints") > level(&all, &name, "quality.type_hints")
    );
    let coverage = |json: &Value| {
        json["repos"][0]["metrics"]["annotation_coverage"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(coverage(&template), 1.0);
    assert!(coverage(&all) < 1.0);
}

#[test]
fn authors_match_by_name_or_email_in_any_case_and_add_up() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("template-and-student", dir.path());
    let by_email = scan_as(dir.path(), Some("sam@example.com"));
    let by_name = scan_as(dir.path(), Some("SAM STUDENT"));
    assert_eq!(
        by_email["repos"][0]["competencies"],
        by_name["repos"][0]["competencies"]
    );
    let p = dir.path().to_str().unwrap();
    let both = scan_json(&[
        p,
        "--author",
        "sam@example.com",
        "--author",
        "template@example.com",
    ]);
    let a = &both["repos"][0]["authorship"];
    assert_eq!(a["lines"], a["total"]);
    assert_eq!(a["share"].as_f64().unwrap(), 1.0);
}

#[test]
fn text_and_markdown_say_whose_work_counts() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("template-and-student", dir.path());
    let p = dir.path().to_str().unwrap();
    let text = cli(&["scan", p, "--author", "sam@example.com"]);
    assert_eq!(text.code, 0, "{}", text.err);
    assert!(
        text.out
            .contains("only the work of sam@example.com counts: "),
        "{}",
        text.out
    );
    assert!(text.out.contains("2 of 3 commits"), "{}", text.out);
    let md = cli(&[
        "scan",
        p,
        "--author",
        "sam@example.com",
        "--format",
        "markdown",
    ]);
    assert!(
        md.out
            .contains("only the work of sam&#64;example.com counts"),
        "{}",
        md.out
    );
}

#[test]
fn author_needs_git() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("flask-blog"), dir.path());
    let run = cli(&[
        "scan",
        dir.path().to_str().unwrap(),
        "--author",
        "me@example.com",
    ]);
    assert_eq!(run.code, 2, "{}", run.err);
    assert!(
        run.err.contains("--author needs a git repository"),
        "{}",
        run.err
    );
}

#[test]
fn a_first_commit_holding_most_of_the_code_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let ids = history_repo("imported", dir.path());
    let json = scan_as(dir.path(), None);
    let repo = &json["repos"][0];
    let h = &repo["history"];
    assert_eq!(h["first_commit"], ids[0].to_string().as_str());
    // Non-blank lines: the five modules came first, the command line after.
    let code = |f: &str| {
        let t = std::fs::read_to_string(root().join("fixtures/histories/modules").join(f)).unwrap();
        t.lines().filter(|l| !l.trim().is_empty()).count() as f64
    };
    let first: f64 = [
        "inventory.py",
        "orders.py",
        "pricing.py",
        "reports.py",
        "shipping.py",
    ]
    .iter()
    .map(|f| code(f))
    .sum();
    let share = ((first / (first + code("cli.py"))) * 1000.0).round() / 1000.0;
    assert!(share > 0.8);
    assert_eq!(h["first_commit_share"].as_f64().unwrap(), share);
    let flags = repo["flags"].as_array().unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0]["id"], "possibly-copied");
    let reason = flags[0]["reason"].as_str().unwrap();
    assert!(reason.contains(&ids[0].to_string()[..7]), "{reason}");
    assert!(
        reason.contains(&format!("{:.0}%", share * 100.0)),
        "{reason}"
    );

    let text = cli(&["scan", dir.path().to_str().unwrap()]);
    assert!(
        text.out.contains("⚑ possibly-copied: the first commit"),
        "{}",
        text.out
    );
}

#[test]
fn a_repository_built_up_over_commits_is_not_flagged() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("built-up", dir.path());
    let json = scan_as(dir.path(), None);
    let repo = &json["repos"][0];
    assert!(repo["history"]["first_commit_share"].as_f64().unwrap() < 0.3);
    assert_eq!(repo["flags"], serde_json::json!([]));
}

#[test]
fn a_known_tutorial_layout_is_flagged() {
    // The marker files of the Flask tutorial, as rules/templates lists them.
    let spec =
        std::fs::read_to_string(root().join("rules/templates/flask-tutorial-flaskr.toml")).unwrap();
    let spec: toml::Table = toml::from_str(&spec).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"flaskr\"\n",
    )
    .unwrap();
    for m in spec["markers"].as_array().unwrap() {
        let path = dir.path().join(m.as_str().unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "# from the tutorial\n").unwrap();
    }
    let json = scan_as(dir.path(), None);
    let flags = json["repos"][0]["flags"].as_array().unwrap();
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert!(
        flags[0]["reason"].as_str().unwrap().contains("flaskr"),
        "{flags:?}"
    );

    // The fixture portfolio's projects are their own.
    let portfolio = scan_json(&[root().join("fixtures/portfolio").to_str().unwrap()]);
    for r in portfolio["repos"].as_array().unwrap() {
        assert_eq!(r["flags"], serde_json::json!([]), "{}", r["name"]);
    }
}
