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

/// The level of `id` in a project of the JSON.
fn project_level(project: &serde_json::Value, id: &str) -> u64 {
    project["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .and_then(|c| c["level"].as_u64())
        .unwrap_or_else(|| panic!("{}: no {id}", project["path"]))
}

#[test]
fn a_monorepo_reports_each_project_on_its_own_files() {
    let repo = common::repo(trees(), "monorepo");
    let projects = repo["projects"].as_array().expect("projects");
    let found: Vec<(&str, &serde_json::Value)> = projects
        .iter()
        .map(|p| (p["path"].as_str().unwrap(), &p["markers"]))
        .collect();
    assert_eq!(
        found,
        vec![
            ("sales-analysis", &serde_json::json!(["README.md"])),
            ("shop-api", &serde_json::json!(["requirements.txt"])),
            ("todo-cli", &serde_json::json!(["pyproject.toml"])),
        ]
    );
    let [sales, shop, todo] = [&projects[0], &projects[1], &projects[2]];
    // Each project has its own competencies, and not its neighbours'.
    assert!(project_level(shop, "web.fastapi") >= 1);
    assert_eq!(project_level(todo, "web.fastapi"), 0);
    assert!(project_level(todo, "testing.unit") >= 1);
    assert_eq!(project_level(shop, "testing.unit"), 0);
    assert!(project_level(sales, "data.pandas") >= 1);
    assert_eq!(project_level(sales, "pkg.pyproject"), 0);
    // CI at the repository's top is the repository's, no project's.
    assert!(common::level(trees(), "monorepo", "devops.ci") >= 1);
    for p in projects {
        assert_eq!(project_level(p, "devops.ci"), 0, "{}", p["path"]);
    }
    // Evidence names files from the repository's top.
    let fastapi = shop["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "web.fastapi")
        .unwrap();
    assert_eq!(fastapi["evidence"][0]["path"], "shop-api/main.py");
    assert_eq!(shop["python_files"], 1);
    assert_eq!(todo["python_files"], 3);
    // Counts and scores: the repository's totals take in every project.
    for p in projects {
        let score = p["checklist"]["score"].as_u64().expect("a project's score");
        assert!(score <= repo["checklist"]["score"].as_u64().unwrap());
        for c in p["competencies"].as_array().unwrap() {
            let id = c["id"].as_str().unwrap();
            assert!(
                c["level"].as_u64() <= Some(common::level(trees(), "monorepo", id)),
                "{} {id} above the repository's",
                p["path"]
            );
        }
    }
    let lines: u64 = projects.iter().map(|p| p["lines"].as_u64().unwrap()).sum();
    assert_eq!(lines, repo["stats"]["lines"].as_u64().unwrap());
}

#[test]
fn a_repository_with_one_project_folder_has_no_projects() {
    let repo = common::repo(trees(), "archive-shaped");
    assert!(repo.get("projects").is_none(), "{}", repo["projects"]);
}

#[test]
fn markdown_and_html_show_the_projects() {
    let path = common::root().join("fixtures/trees/monorepo");
    let path = path.to_str().unwrap();
    let md = common::cli(&["scan", path, "--format", "markdown"]);
    assert!(
        md.out.contains(
            "  - project shop-api \\(requirements.txt\\): 1 Python file, 25 lines; score "
        ),
        "{}",
        md.out
    );
    let html = common::cli(&["scan", path, "--format", "html"]);
    assert!(
        html.out.contains("<table class=\"projects\">"),
        "{}",
        html.out
    );
    assert!(html
        .out
        .contains("<code>todo-cli/</code><span class=\"ctitle\">pyproject.toml</span>"));
    let text = common::cli(&["scan", path, "--all"]);
    assert!(text
        .out
        .contains("  project sales-analysis (README.md): 1 Python file, 11 lines; score "));
}
