//! Helpers shared by the integration tests: run the CLI in-process, and make
//! git repositories at run time from files under `fixtures/`.
#![allow(dead_code)] // each test binary uses its own subset

pub mod browser;
pub mod expectations;

use git2::{Repository, Signature, Time};
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures/portfolio").join(name)
}

/// Exit code, standard output and standard error of one CLI run.
pub struct Run {
    pub code: u8,
    pub out: String,
    pub err: String,
}

pub fn cli(args: &[&str]) -> Run {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut argv = vec!["portfolio-audit"];
    argv.extend_from_slice(args);
    // Each test's runs stay its own: no audit is kept in the user's cache
    // folder, where another test (or a real run) could find it. The cache
    // itself is tested with a --cache-dir of its own (tests/cache.rs).
    let audits = matches!(args.first(), Some(&("scan" | "badge" | "card" | "plan")));
    let chosen = args
        .iter()
        .any(|a| *a == "--cache-dir" || *a == "--no-cache");
    if audits && !chosen {
        argv.push("--no-cache");
    }
    let code = portfolio_audit::run(argv, &mut out, &mut err);
    Run {
        code,
        out: String::from_utf8_lossy(&out).into_owned(),
        err: String::from_utf8_lossy(&err).into_owned(),
    }
}

pub fn scan_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let run = cli(&all);
    assert!(
        run.code == 0 || run.code == 3,
        "scan failed ({}): {}",
        run.code,
        run.err
    );
    serde_json::from_str(&run.out).expect("scan --format json prints JSON")
}

/// Copies a folder's files (recursively) into `dest`.
pub fn copy_tree(from: &Path, dest: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = dest.join(entry.file_name());
        let ft = entry.file_type().unwrap();
        if ft.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else if ft.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// One commit to make: files to write (path, content), a message, an author, a day.
pub struct Commit<'a> {
    pub files: Vec<(&'a str, Vec<u8>)>,
    pub message: &'a str,
    pub author: (&'a str, &'a str),
    pub day: i64,
}

/// Makes a git repository in `dir` with these commits, each adding or
/// replacing its files on top of the previous tree.
pub fn git_repo(dir: &Path, commits: &[Commit]) -> Repository {
    let repo = Repository::init(dir).unwrap();
    for c in commits {
        for (path, content) in &c.files {
            let full = dir.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, content).unwrap();
        }
        commit_all(&repo, c.message, c.author, c.day);
    }
    repo
}

/// Stages the working tree as it is (new, changed and deleted files) and commits it.
pub fn commit_all(repo: &Repository, message: &str, author: (&str, &str), day: i64) -> git2::Oid {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::FORCE, None)
        .unwrap();
    index.update_all(["*"].iter(), None).unwrap();
    index.write().unwrap();
    let tree_id = index.write_tree().unwrap();
    let tree = repo.find_tree(tree_id).unwrap();
    let sig = Signature::new(
        author.0,
        author.1,
        &Time::new(1_700_000_000 + day * 86_400, 0),
    )
    .unwrap();
    let parents: Vec<git2::Commit> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parent_refs)
        .unwrap()
}

/// The files of `from` committed as one git repository in `dest`.
pub fn fixture_as_git_from(from: &Path, dest: &Path) -> Repository {
    copy_tree(from, dest);
    let repo = Repository::init(dest).unwrap();
    commit_all(
        &repo,
        "Import the project",
        ("Learner", "learner@example.com"),
        0,
    );
    repo
}

/// A fixture repository of `fixtures/portfolio` committed as one git repository.
pub fn fixture_as_git(name: &str, dest: &Path) -> Repository {
    fixture_as_git_from(&fixture(name), dest)
}

/// The entry of repository `name` in a scan's JSON.
pub fn repo<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    let repos = json["repos"].as_array().expect("a report's repos");
    repos.iter().find(|r| r["name"] == name).unwrap_or_else(|| {
        let names: Vec<&serde_json::Value> = repos.iter().map(|r| &r["name"]).collect();
        panic!("no repository {name} among {names:?}")
    })
}

/// The competency entry of repository `repo` in a scan's JSON.
pub fn competency<'a>(json: &'a serde_json::Value, repo: &str, id: &str) -> &'a serde_json::Value {
    self::repo(json, repo)["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no competency {id}"))
}

pub fn level(json: &serde_json::Value, repo: &str, id: &str) -> u64 {
    competency(json, repo, id)["level"].as_u64().unwrap()
}

/// A commit of a `fixtures/histories/<name>/history.toml`.
#[derive(serde::Deserialize)]
struct HistoryCommit {
    message: String,
    /// `Name <email>`.
    author: String,
    /// Repository path = fixture file, relative to the history's folder.
    #[serde(default)]
    write: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    delete: Vec<String>,
}

#[derive(serde::Deserialize)]
struct HistoryFile {
    commit: Vec<HistoryCommit>,
}

/// Makes the git repository that `fixtures/histories/<name>/history.toml`
/// describes in `dest`, one commit per day; returns the commits, oldest first.
/// `{{commit N}}` in a written file becomes the id of the Nth commit (from 1).
pub fn history_repo(name: &str, dest: &Path) -> Vec<git2::Oid> {
    let dir = root().join("fixtures/histories").join(name);
    let text = std::fs::read_to_string(dir.join("history.toml")).unwrap();
    let history: HistoryFile = toml::from_str(&text).unwrap();
    let repo = Repository::init(dest).unwrap();
    let mut ids: Vec<git2::Oid> = Vec::new();
    for (day, c) in history.commit.iter().enumerate() {
        for (path, from) in &c.write {
            let full = dest.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            let bytes =
                std::fs::read(dir.join(from)).unwrap_or_else(|e| panic!("{name}: {from}: {e}"));
            let bytes = match String::from_utf8(bytes) {
                Ok(mut text) => {
                    for (i, id) in ids.iter().enumerate() {
                        text = text.replace(&format!("{{{{commit {}}}}}", i + 1), &id.to_string());
                    }
                    assert!(
                        !text.contains("{{commit "),
                        "{name}: {from}: a later commit"
                    );
                    text.into_bytes()
                }
                Err(e) => e.into_bytes(),
            };
            std::fs::write(&full, bytes).unwrap();
        }
        for path in &c.delete {
            std::fs::remove_file(dest.join(path)).unwrap();
        }
        let (author, email) = c.author.trim_end_matches('>').split_once(" <").unwrap();
        ids.push(commit_all(&repo, &c.message, (author, email), day as i64));
    }
    ids
}

/// A git repository in `dir` where one file, `path`, is committed as
/// `before`, then changed to `after`: the two commits' ids (base, head).
pub fn two_commits(dir: &Path, path: &str, before: &str, after: &str) -> (String, String) {
    let author = ("Learner", "learner@example.com");
    let commit = |text: &str, message, day| Commit {
        files: vec![(path, text.as_bytes().to_vec())],
        message,
        author,
        day,
    };
    let repo = git_repo(
        dir,
        &[commit(before, "Before", 0), commit(after, "After", 1)],
    );
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let base = head.parent(0).unwrap();
    (base.id().to_string(), head.id().to_string())
}
