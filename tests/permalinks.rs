//! Every claim a link: evidence, findings and checklist evidence of a
//! repository whose web location is known carry the permalink of their line
//! at the audited commit; a working-tree file that differs from that commit
//! gets none, and a note says why.

mod common;

use common::{cli, fixture_as_git, scan_json};
use serde_json::Value;

const ORIGIN: &str = "https://github.com/ada/shop.git";

fn head(repo: &git2::Repository) -> String {
    repo.head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
        .to_string()
}

/// A repository's name in reports: its folder's.
fn folder_name(dir: &std::path::Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

fn evidence_of<'a>(json: &'a Value, id: &str) -> &'a Vec<Value> {
    json["repos"][0]["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()["evidence"]
        .as_array()
        .unwrap()
}

#[test]
fn evidence_links_to_its_line_at_the_audited_commit() {
    let dir = tempfile::tempdir().unwrap();
    let repo = fixture_as_git("fastapi-service", dir.path());
    repo.remote("origin", ORIGIN).unwrap();
    let sha = head(&repo);
    let json = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(json["repos"][0]["revision"], sha.as_str());
    assert_eq!(
        json["repos"][0]["web"]["url"],
        "https://github.com/ada/shop"
    );
    let expect = |e: &Value| {
        format!(
            "https://github.com/ada/shop/blob/{sha}/{}#L{}",
            e["path"].as_str().unwrap(),
            e["line"]
        )
    };
    // A line of Python, and a line of a manifest.
    let python = &evidence_of(&json, "web.fastapi")[0];
    assert!(
        python["path"].as_str().unwrap().ends_with(".py"),
        "{python}"
    );
    assert_eq!(python["url"], expect(python).as_str());
    let manifest = evidence_of(&json, "env.dependencies")
        .iter()
        .find(|e| e["path"] == "pyproject.toml")
        .expect("pyproject.toml evidence");
    assert_eq!(manifest["url"], expect(manifest).as_str());
    // Checklist evidence carries the same link.
    let items = json["portfolio"]["checklist"]["items"].as_array().unwrap();
    let linked = items
        .iter()
        .flat_map(|i| i["evidence"].as_array().into_iter().flatten())
        .find(|e| e["path"] == python["path"] && e["line"] == python["line"])
        .expect("a checklist item shows the FastAPI evidence");
    assert_eq!(linked["url"], python["url"]);
    // The text report names lines at the commit.
    let text = cli(&["scan", dir.path().to_str().unwrap(), "--all"]);
    let name = folder_name(dir.path());
    assert!(
        text.out.contains(&format!(
            "{name}@{}:{}:{}",
            &sha[..7],
            python["path"].as_str().unwrap(),
            python["line"]
        )),
        "{}",
        text.out
    );
}

#[test]
fn a_file_the_working_tree_changed_gets_no_link_and_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let repo = fixture_as_git("fastapi-service", dir.path());
    repo.remote("origin", ORIGIN).unwrap();
    let before = scan_json(&[dir.path().to_str().unwrap()]);
    let python = evidence_of(&before, "web.fastapi")[0].clone();
    let path = python["path"].as_str().unwrap().to_string();
    // An edit above the evidence moves its line: a link would show another line.
    let file = dir.path().join(&path);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("# a comment added after the commit\n{text}")).unwrap();
    let after = scan_json(&[dir.path().to_str().unwrap()]);
    let moved = evidence_of(&after, "web.fastapi")
        .iter()
        .find(|e| e["path"] == path.as_str())
        .unwrap();
    assert!(moved["url"].is_null(), "{moved}");
    assert_eq!(after["repos"][0]["modified"][0], path.as_str());
    let notes = after["repos"][0]["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["path"] == path.as_str()
            && n["message"]
                .as_str()
                .unwrap()
                .starts_with("not linked: the working tree changed it")),
        "{notes:?}"
    );
    // Other files keep their links.
    let other = evidence_of(&after, "env.dependencies")
        .iter()
        .find(|e| e["path"] == "pyproject.toml")
        .unwrap();
    assert!(other["url"]
        .as_str()
        .unwrap()
        .starts_with("https://github.com/ada/shop/blob/"));
    // And the text names the changed file as a working-tree file.
    let text = cli(&["scan", dir.path().to_str().unwrap(), "--all"]);
    let name = folder_name(dir.path());
    assert!(
        text.out.contains(&format!("{name}/{path}:")),
        "{}",
        text.out
    );
}

#[test]
fn without_a_web_location_nothing_is_linked() {
    let dir = tempfile::tempdir().unwrap();
    fixture_as_git("fastapi-service", dir.path());
    let json = scan_json(&[dir.path().to_str().unwrap()]);
    assert!(json["repos"][0]["web"].is_null());
    assert!(evidence_of(&json, "web.fastapi")
        .iter()
        .all(|e| e["url"].is_null()));
}
