//! Trees as people have them (fixtures/trees/, tests/data/trees_expectations.toml):
//! a downloaded archive without `.git`, local modules named like libraries,
//! competencies capped by the audit's own findings. Which folder is a
//! repository, and why the report says it is.

mod common;

use common::expectations::Expectations;
use common::scan_json;
use std::sync::OnceLock;

fn expectations() -> Expectations {
    Expectations::load("tests/data/trees_expectations.toml")
}

/// One scan of fixtures/trees, a folder of repositories.
fn trees() -> &'static serde_json::Value {
    static JSON: OnceLock<serde_json::Value> = OnceLock::new();
    JSON.get_or_init(|| scan_json(&[common::root().join("fixtures/trees").to_str().unwrap()]))
}

fn each(check: impl Fn(&common::expectations::RepoExpect) -> Vec<String>) {
    let failures: Vec<String> = expectations().repo.iter().flat_map(check).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn each_tree_shows_its_competencies_with_evidence() {
    each(|r| r.missed(trees()));
}

#[test]
fn each_tree_avoids_its_traps() {
    each(|r| r.false_positives(trees()));
}

#[test]
fn each_tree_reports_its_findings_at_their_line() {
    each(|r| r.missing_findings(trees()));
}

#[test]
fn a_folder_without_repository_files_at_its_top_is_a_folder_of_repositories() {
    let repos = trees()["repos"].as_array().unwrap();
    assert_eq!(repos.len(), expectations().repo.len());
    for r in repos {
        let why = r["discovered"].as_str().unwrap();
        assert!(
            why.starts_with(&format!("one of {} repositories in ", repos.len()))
                && why.ends_with(
                    "fixtures/trees, which has no README, licence, CI, manifest or code at its top"
                ),
            "{}: {why}",
            r["name"]
        );
    }
}

#[test]
fn an_archive_with_its_code_in_a_subfolder_is_one_repository() {
    let path = common::root().join("fixtures/trees/archive-shaped");
    let json = scan_json(&[path.to_str().unwrap()]);
    let repos = json["repos"].as_array().unwrap();
    assert_eq!(repos.len(), 1, "{repos:?}");
    assert_eq!(repos[0]["name"], "archive-shaped");
    assert_eq!(
        repos[0]["discovered"],
        "one repository: its top holds .github/, .gitignore, LICENSE and 2 more"
    );
    // What lies at the top is the repository's.
    assert!(common::level(&json, "archive-shaped", "devops.ci") >= 1);
    assert!(common::level(&json, "archive-shaped", "devops.compose") >= 1);

    // The text report says which way it decided.
    let run = common::cli(&["scan", path.to_str().unwrap(), "--all"]);
    assert!(
        run.out
            .contains("one repository: its top holds .github/, .gitignore, LICENSE and 2 more"),
        "{}",
        run.out
    );
}

#[test]
fn a_folder_holding_only_a_project_folder_is_a_folder_of_one_repository() {
    // The archive's code alone, as someone who copied only the subfolder.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("shop")).unwrap();
    common::copy_tree(
        &common::root().join("fixtures/trees/archive-shaped/shop"),
        &dir.path().join("shop"),
    );
    let json = scan_json(&[dir.path().to_str().unwrap()]);
    let repos = json["repos"].as_array().unwrap();
    assert_eq!(repos.len(), 1, "{repos:?}");
    assert_eq!(repos[0]["name"], "shop");
    let why = repos[0]["discovered"].as_str().unwrap();
    assert!(why.starts_with("one of 1 repositor"), "{why}");
}

#[test]
fn a_local_module_named_like_a_library_gives_no_finding_of_the_library() {
    // app.py calls requests.get() without timeout=: the learner's own
    // requests.py, not the library, so no web.requests_no_timeout.
    let repo = common::repo(trees(), "local-libraries");
    assert_eq!(
        repo["findings"],
        serde_json::json!([]),
        "{}",
        repo["findings"]
    );
}
