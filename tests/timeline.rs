//! `portfolio-audit timeline`: when each competency appeared, rose, fell or
//! was lost, by commit, on histories built at run time from
//! `fixtures/histories/`.

mod common;

use common::{cli, commit_all, git_repo, history_repo, scan_json, Commit};
use git2::{Oid, Repository, Signature, Time};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn timeline_json(path: &Path, extra: &[&str]) -> Value {
    let p = path.to_str().unwrap();
    let mut args = vec!["timeline", p, "--format", "json"];
    args.extend_from_slice(extra);
    let run = cli(&args);
    assert_eq!(run.code, 0, "timeline failed: {}", run.err);
    serde_json::from_str(&run.out).expect("timeline --format json prints JSON")
}

/// (commit, kind, from, to) of one competency's events, oldest first.
fn events_of(t: &Value, id: &str) -> Vec<(String, String, u64, u64)> {
    t["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["competency"] == id)
        .map(|e| {
            (
                e["commit"]["id"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
                e["from"].as_u64().unwrap(),
                e["to"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn first_event<'a>(t: &'a Value, id: &str) -> &'a Value {
    t["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["competency"] == id)
        .unwrap_or_else(|| panic!("no event for {id}"))
}

/// Every competency's level at each commit, replayed from the events.
fn replay(t: &Value, commits: &[Oid]) -> Vec<BTreeMap<String, u64>> {
    let mut levels: BTreeMap<String, u64> = t["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["id"].as_str().unwrap().to_string(), 0))
        .collect();
    commits
        .iter()
        .map(|c| {
            for e in t["events"].as_array().unwrap() {
                if e["commit"]["id"] == c.to_string().as_str() {
                    let id = e["competency"].as_str().unwrap().to_string();
                    levels.insert(id, e["to"].as_u64().unwrap());
                }
            }
            levels.clone()
        })
        .collect()
}

/// (commit, kind) of one competency's events, oldest first.
fn kinds_of(t: &Value, id: &str) -> Vec<(String, String)> {
    events_of(t, id)
        .into_iter()
        .map(|(commit, kind, _, _)| (commit, kind))
        .collect()
}

/// The commits reachable from HEAD, the first one first.
fn oldest_first(repo: &Repository) -> Vec<Oid> {
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    walk.set_sorting(git2::Sort::REVERSE).unwrap();
    walk.map(|id| id.unwrap()).collect()
}

/// The timeline says at each commit what `scan --rev COMMIT` says: the
/// cache never lends a commit another commit's analysis.
fn assert_matches_scans(dir: &Path, t: &Value, commits: &[Oid]) {
    for (commit, levels) in commits.iter().zip(replay(t, commits)) {
        let scan = scan_json(&[dir.to_str().unwrap(), "--rev", &commit.to_string()]);
        let scanned: BTreeMap<String, u64> = scan["repos"][0]["competencies"]
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
        assert_eq!(levels, scanned, "levels at {commit}");
    }
}

#[test]
fn tests_and_type_hints_show_up_at_the_commits_that_brought_them() {
    let dir = tempfile::tempdir().unwrap();
    let ids = history_repo("progress", dir.path());
    let t = timeline_json(dir.path(), &[]);
    assert_eq!(t["schema_version"], 1);
    assert_eq!(t["first_parent"], true);
    assert_eq!(t["complete"], true);
    assert_eq!(t["head"], ids[5].to_string().as_str());

    let unit = events_of(&t, "testing.unit");
    assert_eq!(unit.len(), 2, "{unit:?}");
    assert_eq!(
        (unit[0].0.as_str(), unit[0].1.as_str()),
        (ids[2].to_string().as_str(), "first")
    );
    assert!(unit[0].3 >= 1);
    // Deleting the tests loses the competency, at that commit.
    assert_eq!(
        unit[1],
        (ids[5].to_string(), "lost".to_string(), unit[0].3, 0)
    );
    let first = first_event(&t, "testing.unit");
    assert_eq!(first["evidence"][0]["path"], "tests/test_calc.py");
    assert_eq!(
        first["commit"]["summary"],
        "Add unit tests for the calculator"
    );
    assert_eq!(first["commit"]["email"], "sam@example.com");
    assert_eq!(first["commit"]["date"], "2023-11-16");

    let hints = events_of(&t, "quality.type_hints");
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert_eq!(
        (hints[0].0.as_str(), hints[0].1.as_str()),
        (ids[4].to_string().as_str(), "first")
    );
    assert_eq!(
        first_event(&t, "quality.type_hints")["evidence"][0]["path"],
        "calc.py"
    );

    assert_matches_scans(dir.path(), &t, &ids);
}

#[test]
fn each_file_version_is_analyzed_once() {
    let dir = tempfile::tempdir().unwrap();
    let ids = history_repo("progress", dir.path());
    let repo = Repository::open(dir.path()).unwrap();
    let mut distinct: BTreeSet<(String, Oid)> = BTreeSet::new();
    let mut listed = 0u64;
    for id in &ids {
        let tree = repo.find_commit(*id).unwrap().tree().unwrap();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, e| {
            if e.kind() == Some(git2::ObjectType::Blob) {
                listed += 1;
                distinct.insert((format!("{dir}{}", e.name().unwrap()), e.id()));
            }
            git2::TreeWalkResult::Ok
        })
        .unwrap();
    }
    let t = timeline_json(dir.path(), &[]);
    let stats = &t["stats"];
    assert_eq!(stats["commits"], ids.len() as u64);
    assert_eq!(stats["files_listed"], listed);
    assert_eq!(stats["files_analyzed"], distinct.len() as u64);
    assert_eq!(stats["files_reused"], listed - distinct.len() as u64);
    assert!(stats["files_reused"].as_u64().unwrap() > 0);

    let text = cli(&["timeline", dir.path().to_str().unwrap()]);
    assert!(
        text.out.contains(&format!(
            "{} files analyzed, {} reused",
            distinct.len(),
            listed - distinct.len() as u64
        )),
        "{}",
        text.out
    );
}

/// A folder with its own licence and metadata may be a copy of someone
/// else's project; it is one only when the rest of the repository uses it,
/// which the analysis tells. Each revision analyzes such a folder both
/// ways; both analyses are kept, so a revision that changes one file of the
/// learner's analyzes that one file.
#[test]
fn a_folder_the_analysis_settles_is_not_analyzed_again_at_each_commit() {
    let dir = tempfile::tempdir().unwrap();
    let learner = ("Learner", "learner@example.com");
    let app = |day: i64| {
        let mut text = String::from("import json\n\n\ndef load(path: str) -> dict:\n    with open(path) as f:\n        return json.load(f)\n");
        for d in 1..=day {
            text.push_str(&format!(
                "\n\ndef summary_{d}() -> str:\n    return \"day {d}\"\n"
            ));
        }
        text.into_bytes()
    };
    let commits: Vec<Commit> = (0..4)
        .map(|day| Commit {
            files: if day == 0 {
                vec![
                    ("app/main.py", app(0)),
                    (
                        "demo/LICENSE",
                        b"MIT License\n\nCopyright (c) the demo's authors\n".to_vec(),
                    ),
                    (
                        "demo/setup.py",
                        b"from setuptools import setup\n\nsetup(name=\"demo\")\n".to_vec(),
                    ),
                    (
                        "demo/demo/__init__.py",
                        b"def hello() -> str:\n    return \"hi\"\n".to_vec(),
                    ),
                ]
            } else {
                vec![("app/main.py", app(day))]
            },
            message: "Work on the app",
            author: learner,
            day,
        })
        .collect();
    git_repo(dir.path(), &commits[..1]);
    let analyzed = |t: &Value| t["stats"]["files_analyzed"].as_u64().unwrap();
    let once = analyzed(&timeline_json(dir.path(), &[]));
    let dir4 = tempfile::tempdir().unwrap();
    git_repo(dir4.path(), &commits);
    let t = timeline_json(dir4.path(), &[]);
    assert_eq!(
        analyzed(&t),
        once + 3,
        "{} (one commit: {once})",
        t["stats"]
    );
    // Nothing uses the folder: it counts as the learner's, as a scan says.
    let scan = scan_json(&[dir4.path().to_str().unwrap()]);
    assert_eq!(
        scan["repos"][0]["not_counted"],
        Value::Null,
        "{}",
        scan["repos"][0]["not_counted"]
    );
    assert_eq!(scan["repos"][0]["stats"]["python_files"], 3);
}

/// A revision whose modules export what the last one's did reuses the last
/// cross-module pass; one that changes an export resolves again, so a
/// model stops counting for the ORM at the commit that took its base away.
#[test]
fn names_from_other_modules_resolve_again_when_an_export_changes() {
    let dir = tempfile::tempdir().unwrap();
    let learner = ("Learner", "learner@example.com");
    let extensions =
        |db: &str| format!("from flask_sqlalchemy import SQLAlchemy\n\ndb = {db}\n").into_bytes();
    let models = b"from app.extensions import db\n\n\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n".to_vec();
    let commits = [
        Commit {
            files: vec![
                ("README.md", b"# Shop\n".to_vec()),
                ("app/__init__.py", Vec::new()),
                ("app/extensions.py", extensions("SQLAlchemy()")),
                ("app/models.py", models),
            ],
            message: "Add the user model",
            author: learner,
            day: 0,
        },
        Commit {
            files: vec![("README.md", b"# Shop\n\nA shop.\n".to_vec())],
            message: "Describe the shop",
            author: learner,
            day: 1,
        },
        Commit {
            files: vec![("app/extensions.py", extensions("object()"))],
            message: "Drop the database for now",
            author: learner,
            day: 2,
        },
    ];
    let repo = git_repo(dir.path(), &commits);
    let ids = oldest_first(&repo);
    let t = timeline_json(dir.path(), &[]);
    let orm = kinds_of(&t, "db.orm");
    assert_eq!(
        orm,
        [
            (ids[0].to_string(), "first".to_string()),
            (ids[2].to_string(), "lost".to_string())
        ]
    );
    assert_matches_scans(dir.path(), &t, &ids);
}

#[test]
fn an_unchanged_file_is_analyzed_again_when_its_imports_change_meaning() {
    // fetch.py never changes, but at commit 2 a local requests.py shadows
    // the library, and at commit 3 it is gone again.
    let dir = tempfile::tempdir().unwrap();
    let ids = history_repo("shadowing", dir.path());
    let t = timeline_json(dir.path(), &[]);
    let http = events_of(&t, "web.http_client");
    let kinds: Vec<(String, &str)> = http.iter().map(|e| (e.0.clone(), e.1.as_str())).collect();
    assert_eq!(
        kinds,
        vec![
            (ids[0].to_string(), "first"),
            (ids[1].to_string(), "lost"),
            (ids[2].to_string(), "up"),
        ]
    );
    assert_matches_scans(dir.path(), &t, &ids);
}

#[test]
fn text_is_a_progress_log_newest_last() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("progress", dir.path());
    let run = cli(&["timeline", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.err);
    let tests_at = run.out.find("Add unit tests for the calculator").unwrap();
    let hints_at = run.out.find("Annotate the calculator's functions").unwrap();
    let gone_at = run
        .out
        .find("Remove the tests while the API changes")
        .unwrap();
    assert!(tests_at < hints_at && hints_at < gone_at, "{}", run.out);
    let block = &run.out[tests_at..hints_at];
    assert!(block.contains("+ testing.unit"), "{block}");
    assert!(block.contains("/tests/test_calc.py:"), "{block}");
    assert!(run.out[gone_at..].contains("− testing.unit"), "{}", run.out);
    assert!(
        run.out[gone_at..].contains("lost (was level"),
        "{}",
        run.out
    );
}

#[test]
fn a_merge_is_one_step_of_the_first_parent_line() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "def total(xs):\n    return sum(xs)\n",
    )
    .unwrap();
    let base = commit_all(&repo, "Start", ("Sam", "sam@example.com"), 0);
    // A branch with two commits that add tests, merged into main.
    std::fs::create_dir_all(dir.path().join("tests")).unwrap();
    std::fs::write(
        dir.path().join("tests/test_app.py"),
        "from app import total\n\ndef test_total():\n    assert total([1, 2]) == 3\n",
    )
    .unwrap();
    let side1 = commit_all(&repo, "Test total", ("Sam", "sam@example.com"), 1);
    std::fs::write(dir.path().join("tests/__init__.py"), "").unwrap();
    let side2 = commit_all(&repo, "Make tests a package", ("Sam", "sam@example.com"), 2);
    let sig = Signature::new(
        "Sam",
        "sam@example.com",
        &Time::new(1_700_000_000 + 3 * 86_400, 0),
    )
    .unwrap();
    let tree = repo.find_commit(side2).unwrap().tree().unwrap();
    let parents = [
        &repo.find_commit(base).unwrap(),
        &repo.find_commit(side2).unwrap(),
    ];
    let merge = repo
        .commit(None, &sig, &sig, "Merge the tests", &tree, &parents)
        .unwrap();
    repo.reference("refs/heads/main", merge, true, "merge")
        .unwrap();
    repo.set_head("refs/heads/main").unwrap();

    let t = timeline_json(dir.path(), &[]);
    assert_eq!(
        t["stats"]["commits"], 2,
        "the merged branch's commits are not steps"
    );
    let unit = events_of(&t, "testing.unit");
    assert_eq!(unit.len(), 1);
    assert_eq!(unit[0].0, merge.to_string());
    assert!(!t.to_string().contains(&side1.to_string()));
    // The history competency still counts every commit the merge brings.
    let scan = scan_json(&[dir.path().to_str().unwrap(), "--rev", "main"]);
    assert_eq!(scan["repos"][0]["history"]["commits"], 4);
}

#[test]
fn max_commits_starts_later_and_says_what_was_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let ids = history_repo("progress", dir.path());
    let t = timeline_json(dir.path(), &["--max-commits", "2"]);
    assert_eq!(t["complete"], false);
    assert_eq!(t["stats"]["commits"], 2);
    let unit = events_of(&t, "testing.unit");
    assert_eq!(unit[0].0, ids[4].to_string());
    assert_eq!(unit[0].1, "present");
    assert_eq!(unit[1].1, "lost");
    assert_eq!(events_of(&t, "quality.type_hints")[0].1, "present");
    assert!(events_of(&t, "quality.type_hints")
        .iter()
        .all(|e| e.1 != "first"));
}

#[test]
fn a_shallow_history_is_not_complete() {
    let dir = tempfile::tempdir().unwrap();
    let ids = history_repo("progress", dir.path());
    // What `git clone --depth 4` leaves: commit 3 is where the history starts.
    std::fs::write(dir.path().join(".git/shallow"), format!("{}\n", ids[2])).unwrap();
    let t = timeline_json(dir.path(), &[]);
    assert_eq!(t["complete"], false);
    assert_eq!(t["stats"]["commits"], 4);
    assert_eq!(events_of(&t, "testing.unit")[0].1, "present");
    let scan = scan_json(&[dir.path().to_str().unwrap()]);
    let h = &scan["repos"][0]["history"];
    assert_eq!(h["shallow"], true);
    assert_eq!(h["first_commit"], ids[2].to_string().as_str());
}

#[test]
fn markdown_escapes_what_the_repository_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    std::fs::create_dir_all(dir.path().join("tests")).unwrap();
    std::fs::write(
        dir.path().join("tests/test_x.py"),
        "def test_x():\n    assert 1 + 1 == 2\n",
    )
    .unwrap();
    commit_all(
        &repo,
        "<script>alert(1)</script> | [x](javascript:alert(1)) @octocat",
        ("Mallory | @admin", "m@example.com"),
        0,
    );
    let run = cli(&[
        "timeline",
        dir.path().to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.contains("testing.unit"), "{}", run.out);
    assert!(
        !run.out.contains("<script>") && !run.out.contains("<b>"),
        "{}",
        run.out
    );
    assert!(
        !run.out.contains("](javascript") && !run.out.contains("@octocat"),
        "{}",
        run.out
    );
}

#[test]
fn timeline_needs_a_git_repository_with_commits() {
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("app.py"), "print('hi')\n").unwrap();
    let run = cli(&["timeline", plain.path().to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("not a git repository"), "{}", run.err);

    let empty = tempfile::tempdir().unwrap();
    Repository::init(empty.path()).unwrap();
    let run = cli(&["timeline", empty.path().to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("no commits"), "{}", run.err);

    let dir = tempfile::tempdir().unwrap();
    history_repo("progress", dir.path());
    let run = cli(&[
        "timeline",
        dir.path().to_str().unwrap(),
        "--rev",
        "no-such-branch",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("no-such-branch"), "{}", run.err);
}

#[test]
fn whose_files_are_is_read_again_when_gitattributes_change() {
    let dir = tempfile::tempdir().unwrap();
    let learner = ("Learner", "learner@example.com");
    let readme = |text: &str| ("README.md", text.as_bytes().to_vec());
    let attributes = |text: &str| (".gitattributes", text.as_bytes().to_vec());
    let test = b"from app import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n".to_vec();
    let commit = |files, day| Commit {
        files,
        message: "Work on the app",
        author: learner,
        day,
    };
    let commits = [
        commit(
            vec![
                readme("# App\n"),
                ("app.py", b"def add(a, b):\n    return a + b\n".to_vec()),
                ("tests/test_app.py", test),
                attributes("*.md text\n"),
            ],
            0,
        ),
        commit(vec![readme("# App\n\nAdds.\n")], 1),
        // The tests are marked as someone else's: they no longer count.
        commit(vec![attributes("tests/** linguist-vendored\n")], 2),
        commit(vec![readme("# App\n\nAdds numbers.\n")], 3),
        commit(vec![attributes("*.md text\n")], 4),
    ];
    let repo = git_repo(dir.path(), &commits);
    let ids = oldest_first(&repo);
    let t = timeline_json(dir.path(), &[]);
    let unit = kinds_of(&t, "testing.unit");
    assert_eq!(
        unit,
        [
            (ids[0].to_string(), "first".to_string()),
            (ids[2].to_string(), "lost".to_string()),
            (ids[4].to_string(), "up".to_string()),
        ],
        "{}",
        t["events"]
    );
    assert_matches_scans(dir.path(), &t, &ids);
}
