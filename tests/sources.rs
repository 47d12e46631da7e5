//! Where files come from: git revisions without checkout, bare repositories,
//! skipped folders, symlinks, oversized and broken files.

mod common;

use common::{
    cli, commit_all, competency, fixture, fixture_as_git, git_repo, level, scan_json, Commit,
};

#[test]
fn a_git_revision_is_read_from_the_object_database() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git_repo(
        dir.path(),
        &[
            Commit {
                files: vec![("app.py", b"print('hi')\n".to_vec())],
                message: "Start the app",
                author: ("A", "a@x.org"),
                day: 0,
            },
            Commit {
                files: vec![(
                    "tests/test_app.py",
                    b"def test_one():\n    assert 1 == 1\n".to_vec(),
                )],
                message: "Add a first test",
                author: ("A", "a@x.org"),
                day: 2,
            },
        ],
    );
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let first = head.parent(0).unwrap().id().to_string();
    // The working tree changes after the commits: --rev must not see it.
    std::fs::remove_file(dir.path().join("tests/test_app.py")).unwrap();
    let p = dir.path().to_str().unwrap();
    let name = dir.path().file_name().unwrap().to_str().unwrap();

    let at_head = scan_json(&[p, "--rev", "HEAD"]);
    assert_eq!(at_head["repos"][0]["revision"], head.id().to_string());
    assert_eq!(
        level(&at_head, name, "testing.unit"),
        1,
        "{}",
        competency(&at_head, name, "testing.unit")
    );
    assert_eq!(at_head["repos"][0]["history"]["commits"], 2);
    assert_eq!(at_head["repos"][0]["history"]["active_days"], 2);

    let at_first = scan_json(&[p, "--rev", &first]);
    assert_eq!(level(&at_first, name, "testing.unit"), 0);

    let workdir = scan_json(&[p]);
    assert_eq!(
        level(&workdir, name, "testing.unit"),
        0,
        "the working tree has no test any more"
    );
}

#[test]
fn a_bare_repository_is_scanned_without_checkout() {
    let src = tempfile::tempdir().unwrap();
    fixture_as_git("flask-blog", src.path());
    let bare_dir = tempfile::tempdir().unwrap();
    let bare = bare_dir.path().join("flask-blog.git");
    git2::build::RepoBuilder::new()
        .bare(true)
        .clone(&format!("file://{}", src.path().display()), &bare)
        .unwrap();
    let json = scan_json(&[bare.to_str().unwrap()]);
    assert_eq!(json["repos"][0]["name"], "flask-blog");
    assert!(level(&json, "flask-blog", "web.flask") >= 1);
    let workdir = scan_json(&[fixture("flask-blog").to_str().unwrap()]);
    for id in ["web.flask", "testing.unit", "db.orm", "py.functions"] {
        assert_eq!(
            level(&json, "flask-blog", id),
            level(&workdir, "flask-blog", id),
            "{id}: git and working tree differ"
        );
    }
}

#[test]
fn a_bad_revision_fails_that_repository_only() {
    let good = tempfile::tempdir().unwrap();
    fixture_as_git("calculator-and-todo", good.path());
    let run = cli(&[
        "scan",
        good.path().to_str().unwrap(),
        "--rev",
        "no-such-branch",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 3, "{}", run.err);
    assert!(run.err.contains("no-such-branch"), "{}", run.err);
    let json: serde_json::Value = serde_json::from_str(&run.out).unwrap();
    assert!(json["repos"][0]["error"]
        .as_str()
        .unwrap()
        .contains("no-such-branch"));
}

#[test]
fn one_broken_input_does_not_stop_the_others() {
    let run = cli(&[
        "scan",
        fixture("calculator-and-todo").to_str().unwrap(),
        "/no/such/repo",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 2);
    let json: serde_json::Value = serde_json::from_str(&run.out).unwrap();
    let repos = json["repos"].as_array().unwrap();
    assert_eq!(repos.len(), 2);
    assert!(repos
        .iter()
        .any(|r| r["name"] == "calculator-and-todo" && r["error"].is_null()));
    assert!(repos.iter().any(|r| r["error"]
        .as_str()
        .is_some_and(|e| e.contains("/no/such/repo"))));
}

#[test]
fn the_messy_repository_is_audited_in_part_and_never_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy-first-project");
    std::fs::create_dir(&messy).unwrap();
    common::copy_tree(&fixture("messy-first-project"), &messy);
    let outside = dir.path().join("outside-secret.py");
    std::fs::write(
        &outside,
        "import asyncio\nasync def leak():\n    await asyncio.sleep(1)\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, messy.join("linked.py")).unwrap();
    std::fs::write(messy.join("big_data.py"), "x = 1\n".repeat(900_000)).unwrap();

    let json = scan_json(&[messy.to_str().unwrap()]);
    let repo = &json["repos"][0];
    let notes: Vec<String> = repo["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| format!("{}: {}", n["path"], n["message"]))
        .collect();
    let has_note =
        |path: &str, words: &str| notes.iter().any(|n| n.contains(path) && n.contains(words));
    assert!(has_note("linked.py", "outside the repository"), "{notes:?}");
    assert!(has_note("big_data.py", "over the"), "{notes:?}");
    assert!(has_note("broken.py", "syntax error"), "{notes:?}");
    assert!(has_note("legacy_latin1.py", "UTF-8"), "{notes:?}");
    assert_eq!(repo["stats"]["syntax_errors"], 1);
    assert_eq!(repo["stats"]["not_utf8"], 1);
    let findings: Vec<&str> = repo["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(findings.contains(&"git.committed_venv"), "{findings:?}");
    assert!(findings.contains(&"git.committed_pycache"), "{findings:?}");
    let name = "messy-first-project";
    assert_eq!(
        level(&json, name, "async.asyncio"),
        0,
        "neither the venv nor the symlink target is the learner's code"
    );
    assert!(
        level(&json, name, "py.regex") >= 1,
        "the part of broken.py before the error still counts"
    );
    assert!(
        level(&json, name, "oop.dunder_methods") >= 1,
        "the latin-1 file is still analyzed"
    );
}

#[test]
fn gitignored_folders_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "generated/\n").unwrap();
    std::fs::create_dir(dir.path().join("generated")).unwrap();
    std::fs::write(
        dir.path().join("generated/client.py"),
        "import asyncio\nasync def f():\n    await asyncio.sleep(0)\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("main.py"), "print('hello')\n").unwrap();
    let json = scan_json(&[dir.path().to_str().unwrap()]);
    let name = dir.path().file_name().unwrap().to_str().unwrap();
    assert_eq!(level(&json, name, "async.asyncio"), 0);
    assert_eq!(json["repos"][0]["stats"]["python_files"], 1);
}

#[test]
fn history_counts_commits_days_and_authors() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git_repo(
        dir.path(),
        &[
            Commit {
                files: vec![("a.py", b"x = 1\n".to_vec())],
                message: "update",
                author: ("A", "a@x.org"),
                day: 0,
            },
            Commit {
                files: vec![("b.py", b"y = 2\n".to_vec())],
                message: "Add the parser for dates",
                author: ("B", "b@x.org"),
                day: 3,
            },
        ],
    );
    std::fs::write(dir.path().join("c.py"), "z = 3\n").unwrap();
    commit_all(
        &repo,
        "Handle empty input in the parser",
        ("A", "a@x.org"),
        3,
    );
    let json = scan_json(&[dir.path().to_str().unwrap()]);
    let h = &json["repos"][0]["history"];
    assert_eq!(h["commits"], 3);
    assert_eq!(h["active_days"], 2);
    assert_eq!(h["span_days"], 3);
    assert_eq!(h["authors"], 2);
    assert_eq!(h["descriptive_commits"], 2);
}

#[test]
fn an_empty_repository_is_reported_not_crashed() {
    let dir = tempfile::tempdir().unwrap();
    git2::Repository::init(dir.path()).unwrap();
    std::fs::write(dir.path().join("main.py"), "print(1)\n").unwrap();
    let json = scan_json(&[dir.path().to_str().unwrap()]);
    let notes = json["repos"][0]["notes"].to_string();
    assert!(notes.contains("no commits"), "{notes}");
}
