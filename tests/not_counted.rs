//! Vendored and generated code is not the learner's (issue 15): copies of
//! other people's code, tool output and what `.gitattributes` marks are
//! listed as not counted, with the reason, and give no level; the
//! learner's `.gitattributes` overrides detection both ways, someone
//! else's is only reported. The fixture is `fixtures/trees/vendored-and-generated`,
//! its expectations beside it.

mod common;

use common::{cli, commit_all, fixture_as_git_from, git_repo, root, scan_json, Commit};
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn tree() -> PathBuf {
    root().join("fixtures/trees/vendored-and-generated")
}

#[derive(Deserialize)]
struct Expectations {
    expect: Vec<Expect>,
    not_counted: Vec<Entry>,
}

#[derive(Deserialize)]
struct Expect {
    id: String,
    level: u64,
    path: Option<String>,
    line: Option<u64>,
    why: String,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Entry {
    path: String,
    reason: String,
    files: u64,
}

fn expectations() -> Expectations {
    let path = root().join("tests/data/not_counted_expectations.toml");
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn the_repo(json: &Value) -> &Value {
    &json["repos"][0]
}

fn competency<'a>(json: &'a Value, id: &str) -> &'a Value {
    the_repo(json)["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no competency {id}"))
}

fn not_counted(json: &Value) -> Vec<Entry> {
    serde_json::from_value(the_repo(json)["not_counted"].clone()).unwrap_or_default()
}

fn level(json: &Value, id: &str) -> u64 {
    competency(json, id)["level"].as_u64().unwrap()
}

/// Every evidence path of every competency, with the competency.
fn evidence_paths(json: &Value) -> Vec<(String, String)> {
    the_repo(json)["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["evidence"].as_array().unwrap().iter().map(move |e| {
                (
                    c["id"].as_str().unwrap().to_string(),
                    e["path"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect()
}

fn scan(path: &Path, extra: &[&str]) -> Value {
    let mut args = vec![path.to_str().unwrap()];
    args.extend_from_slice(extra);
    scan_json(&args)
}

#[test]
fn the_learners_levels_and_evidence_leave_out_what_is_not_theirs() {
    let json = scan(&tree(), &[]);
    assert_eq!(json["repo_config"], "trust");
    let mut failures = Vec::new();
    for e in expectations().expect {
        let c = competency(&json, &e.id);
        let got = c["level"].as_u64().unwrap();
        if got != e.level {
            failures.push(format!(
                "{} is level {got}, expected {} ({}): evidence {}",
                e.id, e.level, e.why, c["evidence"]
            ));
        }
        if let Some(path) = &e.path {
            let at = c["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["path"] == path.as_str() && e.line.is_none_or(|l| x["line"] == l));
            if !at {
                failures.push(format!(
                    "{} has no evidence at {path}:{:?} ({}): {}",
                    e.id, e.line, e.why, c["evidence"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn nothing_of_a_vendored_copy_or_a_checkpoint_is_evidence() {
    let json = scan(&tree(), &[]);
    let excluded: Vec<Entry> = not_counted(&json)
        .into_iter()
        .filter(|n| {
            n.reason.starts_with("vendored")
                || n.reason.contains("linguist-vendored")
                || n.reason.contains("checkpoint")
        })
        .collect();
    assert_eq!(excluded.len(), 4, "{excluded:?}");
    let inside = |path: &str, n: &Entry| match n.path.strip_suffix('/') {
        Some(dir) => path.starts_with(&format!("{dir}/")),
        None => path == n.path,
    };
    for (id, path) in evidence_paths(&json) {
        if let Some(n) = excluded.iter().find(|n| inside(&path, n)) {
            panic!(
                "{id} has evidence at {path}, which is not counted: {}",
                n.reason
            );
        }
        // A stub's presence may count; its code (classes, annotations) never does.
        if path.contains("_pb2") {
            assert!(
                !matches!(
                    id.as_str(),
                    "oop.classes" | "quality.type_hints" | "quality.docstrings"
                ),
                "{id} from the stub {path}"
            );
        }
    }
    // Nor is their code the learner's lines: 8 Python files of the learner's,
    // of the 17 in the tree.
    let stats = &the_repo(&json)["stats"];
    assert_eq!(stats["python_files"], 8, "{stats}");
    assert_eq!(stats["files"], 30, "{stats}");
}

#[test]
fn each_path_not_counted_is_listed_once_with_its_reason() {
    let json = scan(&tree(), &[]);
    assert_eq!(not_counted(&json), expectations().not_counted);
}

#[test]
fn a_copy_of_the_tree_read_at_a_git_revision_gives_the_same_list() {
    let dir = tempfile::tempdir().unwrap();
    fixture_as_git_from(&tree(), dir.path());
    let json = scan(dir.path(), &["--rev", "HEAD"]);
    assert_eq!(not_counted(&json), expectations().not_counted);
    assert_eq!(level(&json, "py.pattern_matching"), 1);
    assert_eq!(level(&json, "adv.decorators"), 0);
}

#[test]
fn someone_elses_gitattributes_is_shown_and_not_applied() {
    let json = scan(&tree(), &["--repo-config", "report"]);
    let list = not_counted(&json);
    // Detection alone decides: the header makes units.py generated, the
    // third_party/ folder takes the patch, and the pasted decorator counts.
    let reasons: Vec<(&str, &str)> = list
        .iter()
        .map(|n| (n.path.as_str(), n.reason.as_str()))
        .collect();
    assert!(reasons.contains(&("weather/units.py", "generated: header \"DO NOT EDIT\"")));
    assert!(reasons.contains(&("third_party/", "vendored: in a third_party/ folder")));
    assert!(!reasons.iter().any(|(p, _)| *p == "weather/retry.py"));
    assert_eq!(level(&json, "py.pattern_matching"), 0);
    assert_eq!(level(&json, "oop.dataclasses"), 0);
    assert!(level(&json, "adv.decorators") >= 1);
    // What it asked is a note at each of its lines.
    let notes: Vec<String> = the_repo(&json)["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["path"] == ".gitattributes")
        .map(|n| n["message"].as_str().unwrap().to_string())
        .collect();
    let expected = [
        "line 11: `weather/retry.py linguist-vendored` would leave 1 file out of the count",
        "line 5: `weather/units.py -linguist-generated` would count 1 file that detection leaves out",
        "line 8: `third_party/weather_patch.py linguist-vendored=false` would count 1 file that detection leaves out",
    ];
    assert_eq!(notes.len(), expected.len(), "{notes:?}");
    for (note, start) in notes.iter().zip(expected) {
        assert!(note.starts_with(start), "{note}");
        assert!(note.ends_with(
            "not applied (--repo-config report: a repository does not decide what counts)"
        ));
    }
    // Not read at all: detection alone, and no note.
    let ignored = scan(&tree(), &["--repo-config", "ignore"]);
    assert_eq!(not_counted(&ignored), list);
    assert!(!the_repo(&ignored)["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["path"] == ".gitattributes"));
}

#[test]
fn every_text_format_says_how_many_files_are_not_counted_and_why() {
    let path = tree();
    let p = path.to_str().unwrap();
    let line = "not counted: 13 files (7 vendored, 5 generated, 1 marked in .gitattributes)";
    // The default view says it under the score, and where the list is.
    let summary = cli(&["scan", p, "--color", "never"]);
    assert!(
        summary.out.contains(&format!("\n  {line}: --all\n")),
        "{}",
        summary.out
    );
    let text = cli(&["scan", p, "--all", "--color", "never"]);
    assert!(text.out.contains(line), "{}", text.out);
    assert!(
        text.out.contains(
            "libs/ (5 files): vendored: copy of python-slugify (its own LICENSE, setup.py)"
        ),
        "{}",
        text.out
    );
    let markdown = cli(&["scan", p, "--format", "markdown"]);
    let escaped = line.replace('(', "\\(").replace(')', "\\)");
    assert!(
        markdown.out.contains(&format!("  - {escaped}\n")),
        "{}",
        markdown.out
    );
    let html = cli(&["scan", p, "--format", "html"]);
    assert!(
        html.out.contains(&format!("<summary>{line}</summary>")),
        "{}",
        html.out
    );
    assert!(html.out.contains(
        "<li>weather/retry.py: gitattributes: linguist-vendored (.gitattributes:11)</li>"
    ));
}

/// A small repository of (path, text) files in a temporary folder.
fn write_tree(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
}

const ANNOTATED: &str = "def total(prices: list[float], tax: float = 0.2) -> float:\n    return sum(prices) * (1 + tax)\n\n\ndef mean(xs: list[float]) -> float:\n    return sum(xs) / len(xs)\n\n\ndef top(xs: list[float], n: int = 3) -> list[float]:\n    return sorted(xs)[-n:]\n";

#[test]
fn a_licensed_subproject_nothing_uses_is_the_learners_but_an_unpacked_sdist_is_not() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("pyproject.toml", "[project]\nname = \"shop\"\n"),
            ("LICENSE", "MIT License\n\nCopyright (c) 2026 Sam Student\n"),
            ("shop/__init__.py", ""),
            ("shop/app.py", "def run():\n    return 1\n"),
            // Its own licence and metadata, but nothing imports or declares it:
            // a tool of the learner's own, published apart.
            ("tools/house-lint/LICENSE", "Apache License 2.0\n\nCopyright 2026 Sam Student\n"),
            ("tools/house-lint/setup.py", "from setuptools import setup\nsetup(name=\"house-lint\")\n"),
            ("tools/house-lint/house_lint/__init__.py", ANNOTATED),
            // An unpacked source distribution: PKG-INFO, which only tools write.
            ("deps/six-1.16.0/PKG-INFO", "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n\nSix\n"),
            ("deps/six-1.16.0/six.py", "class Moved:\n    def __init__(self, name: str) -> None:\n        self.name = name\n"),
        ],
    );
    let json = scan(dir.path(), &[]);
    assert_eq!(
        not_counted(&json),
        [Entry {
            path: "deps/".into(),
            reason: "vendored: copy of six (an unpacked source distribution: PKG-INFO)".into(),
            files: 2,
        }]
    );
    let hints = competency(&json, "quality.type_hints");
    assert!(
        hints["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["path"] == "tools/house-lint/house_lint/__init__.py"),
        "{hints}"
    );
    assert!(hints["level"].as_u64().unwrap() >= 1, "{hints}");
    assert_eq!(level(&json, "oop.classes"), 0);
}

#[test]
fn a_timeline_follows_gitattributes_commit_by_commit() {
    // decorators.py never changes: its analysis is reused, except when
    // .gitattributes changes whose it is.
    let decorator = "import functools\n\n\ndef logged(func):\n    @functools.wraps(func)\n    def wrapper(*args):\n        return func(*args)\n\n    return wrapper\n";
    let author = ("Sam", "sam@example.com");
    let dir = tempfile::tempdir().unwrap();
    let repo = git_repo(
        dir.path(),
        &[
            Commit {
                files: vec![
                    ("app.py", b"def run():\n    return 1\n".to_vec()),
                    ("decorators.py", decorator.as_bytes().to_vec()),
                ],
                message: "Add the app and its decorator",
                author,
                day: 0,
            },
            Commit {
                files: vec![(
                    ".gitattributes",
                    b"decorators.py linguist-vendored\n".to_vec(),
                )],
                message: "Mark the copied decorator as vendored",
                author,
                day: 1,
            },
        ],
    );
    std::fs::write(
        dir.path().join(".gitattributes"),
        "decorators.py -linguist-vendored\n",
    )
    .unwrap();
    commit_all(&repo, "It was mine after all", author, 2);
    let run = cli(&["timeline", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let t: Value = serde_json::from_str(&run.out).unwrap();
    let kinds: Vec<&str> = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["competency"] == "adv.decorators")
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["first", "lost", "up"], "{}", t["events"]);
}

#[test]
fn a_nested_gitattributes_applies_below_it_and_a_folder_pattern_is_a_note() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            // Git gives a folder pattern's attributes to no file inside it.
            (".gitattributes", "lib/ linguist-vendored\n"),
            ("lib/helpers.py", ANNOTATED),
            (
                "pkg/.gitattributes",
                "# copied from a gist\ncopied.py linguist-vendored\n",
            ),
            ("pkg/__init__.py", ""),
            (
                "pkg/copied.py",
                "class Cache:\n    def get(self, key):\n        return key\n",
            ),
            ("pkg/mine.py", "def run():\n    return 1\n"),
        ],
    );
    let json = scan(dir.path(), &[]);
    assert_eq!(
        not_counted(&json),
        [Entry {
            path: "pkg/copied.py".into(),
            reason: "gitattributes: linguist-vendored (pkg/.gitattributes:2)".into(),
            files: 1,
        }]
    );
    assert_eq!(level(&json, "oop.classes"), 0);
    assert!(level(&json, "quality.type_hints") >= 1, "lib/ still counts");
    let notes = the_repo(&json)["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["path"] == ".gitattributes"
            && n["message"]
                .as_str()
                .unwrap()
                .starts_with("line 1: `lib/` names a folder")
            && n["message"].as_str().unwrap().contains("`lib/**`")),
        "{notes:?}"
    );
}

#[test]
fn notebooks_hidden_from_the_language_bar_still_count() {
    // GitHub's documentation suggests `*.ipynb linguist-vendored` to keep a
    // repository of notebooks from showing as "Jupyter Notebook": a learner
    // who did so still wrote them.
    let notebook = std::fs::read_to_string(tree().join("notebooks/explore.ipynb")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                ".gitattributes",
                "*.ipynb linguist-vendored\nscratch/** linguist-vendored\n",
            ),
            ("analysis/explore.ipynb", &notebook),
            ("scratch/copied.ipynb", &notebook),
        ],
    );
    let json = scan(dir.path(), &[]);
    assert!(level(&json, "data.notebooks") >= 1);
    assert!(evidence_paths(&json)
        .iter()
        .any(|(id, p)| id == "data.pandas" && p == "analysis/explore.ipynb"));
    // A named folder is still the repository's word.
    assert_eq!(
        not_counted(&json),
        [Entry {
            path: "scratch/copied.ipynb".into(),
            reason: "gitattributes: linguist-vendored (.gitattributes:2)".into(),
            files: 1,
        }]
    );
    let notes = the_repo(&json)["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["path"] == ".gitattributes"
            && n["message"].as_str().unwrap().starts_with(
                "line 1: `*.ipynb linguist-vendored` marks a whole file type, as one does to keep it out of GitHub's language bar"
            )
            && n["message"].as_str().unwrap().contains("its 1 file still counts")),
        "{notes:?}"
    );
}
