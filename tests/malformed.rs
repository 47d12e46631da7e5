//! Broken configuration files (`fixtures/malformed/`): each problem is a
//! note that names the file and says what is wrong and where, nothing
//! panics, and the rest of the repository is still audited.

mod common;

use serde_json::Value;

fn notes_of(repo: &Value) -> Vec<(String, String)> {
    repo["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["path"].as_str().unwrap().to_string(),
                n["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn level(repo: &Value, id: &str) -> u64 {
    repo["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not in the report"))["level"]
        .as_u64()
        .unwrap()
}

fn assert_note(notes: &[(String, String)], path: &str, starts: &str) {
    assert!(
        notes
            .iter()
            .any(|(p, m)| p == path && m.starts_with(starts)),
        "no note on {path} starting {starts:?}; notes: {notes:#?}"
    );
}

#[test]
fn each_broken_file_is_a_note_and_the_rest_is_audited() {
    let dir = common::root().join("fixtures/malformed");
    let json = common::scan_json(&[dir.to_str().unwrap()]);
    let repo = &json["repos"][0];
    assert!(repo["error"].is_null(), "{}", repo["error"]);
    let notes = notes_of(repo);
    assert_note(&notes, "pyproject.toml", "not valid TOML: line 4: ");
    assert_note(&notes, "environment.yml", "not valid YAML: line 4: ");
    assert_note(
        &notes,
        ".github/workflows/ci.yml",
        "not valid YAML: line 7: ",
    );
    assert_note(
        &notes,
        "notebooks/analysis.ipynb",
        "notebook cell 2: `source` is neither a string nor a list of strings",
    );
    assert_note(
        &notes,
        "requirements.txt",
        "line 2: includes `requirements/missing.txt`, which is not in the repository",
    );
    assert_note(
        &notes,
        "requirements.txt",
        "requirements include each other in a cycle: requirements.txt → requirements/base.txt → requirements.txt",
    );
    // What parsed still counts: the tests, the code, the notebook's other
    // cells, and the dependencies of the files in the cycle.
    assert!(level(repo, "testing.unit") >= 1);
    assert!(level(repo, "quality.type_hints") >= 1);
    assert!(level(repo, "data.pandas") >= 1);
    assert!(level(repo, "env.dependencies") >= 1);
    // A workflow that does not parse shows nothing, not a guess.
    assert_eq!(level(repo, "devops.ci"), 0);
}

fn evidence_lines(repo: &Value, id: &str) -> Vec<(String, u64)> {
    repo["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn dockerfile_lines_stay_right_after_continuations_and_heredocs() {
    let dir = common::root().join("fixtures/malformed");
    let json = common::scan_json(&[dir.to_str().unwrap()]);
    let repo = &json["repos"][0];
    // Multi-stage with `USER app` in the final stage is level 3; the
    // `# USER root` inside the heredoc is script text, not an instruction.
    assert_eq!(level(repo, "devops.docker"), 3);
    let docker = evidence_lines(repo, "devops.docker");
    for line in [4, 14, 17] {
        assert!(
            docker.contains(&("Dockerfile".to_string(), line)),
            "no devops.docker evidence at Dockerfile:{line}: {docker:?}"
        );
    }
    assert!(evidence_lines(repo, "devops.deploy").contains(&("Dockerfile".to_string(), 18)));
    assert!(notes_of(repo).iter().all(|(p, _)| p != "Dockerfile"));
}
