//! A finding's fingerprint stays while its line's text stays: code added
//! above it moves its line number, not its fingerprint, so code scanning
//! (SARIF `partialFingerprints`) and GitLab Code Quality keep one alert
//! across commits instead of closing it and opening a new one.

mod common;

use common::scan_json;
use serde_json::Value;
use std::path::Path;

const CODE: &str = r#"import requests

PASSWORD = "hunter2"


def fetch(url):
    try:
        return requests.get(url)
    except:
        return None


def again(url):
    try:
        return requests.get(url)
    except:
        return None
"#;

/// (id, line, fingerprint) of every finding of the one repository in `dir`.
fn findings(dir: &Path) -> Vec<(String, u64, String)> {
    let report = scan_json(&[dir.to_str().unwrap()]);
    let repos = report["repos"].as_array().unwrap();
    assert_eq!(repos.len(), 1);
    repos[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f: &Value| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["fingerprint"]
                    .as_str()
                    .expect("every finding has a fingerprint")
                    .to_string(),
            )
        })
        .collect()
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

fn fingerprints(found: &[(String, u64, String)]) -> Vec<(&str, &str)> {
    found
        .iter()
        .map(|(id, _, fp)| (id.as_str(), fp.as_str()))
        .collect()
}

#[test]
fn lines_inserted_above_move_findings_but_keep_their_fingerprints() {
    let before = findings(project(&[("app/client.py", CODE)]).path());
    let moved = format!("\"\"\"A client.\"\"\"\n\nTIMEOUT = 5\nRETRIES = 3\n\n{CODE}");
    let after = findings(project(&[("app/client.py", &moved)]).path());
    let ids: Vec<&str> = before.iter().map(|(id, _, _)| id.as_str()).collect();
    assert!(ids.contains(&"sec.secrets"), "{before:?}");
    assert_eq!(
        ids.iter()
            .filter(|id| **id == "quality.bare_except")
            .count(),
        2,
        "{before:?}"
    );
    for ((_, line_before, _), (_, line_after, _)) in before.iter().zip(&after) {
        assert_eq!(line_after, &(line_before + 5), "every finding moved down");
    }
    assert_eq!(fingerprints(&before), fingerprints(&after));
}

#[test]
fn identical_lines_get_different_fingerprints_and_a_changed_line_a_new_one() {
    let before = findings(project(&[("client.py", CODE)]).path());
    let mut all: Vec<&str> = before.iter().map(|(_, _, fp)| fp.as_str()).collect();
    all.sort();
    all.dedup();
    assert_eq!(
        all.len(),
        before.len(),
        "two `except:` lines, two fingerprints"
    );

    let edited = CODE.replace("hunter2", "tr0ub4dor&3");
    let after = findings(project(&[("client.py", &edited)]).path());
    let secret = |f: &[(String, u64, String)]| {
        f.iter()
            .find(|(id, _, _)| id == "sec.secrets")
            .map(|(_, _, fp)| fp.clone())
            .unwrap()
    };
    assert_ne!(secret(&before), secret(&after), "the flagged line changed");
    // The same code in another file is another finding.
    let renamed = findings(project(&[("other.py", CODE)]).path());
    assert_ne!(secret(&before), secret(&renamed));
}

fn notebook(cells: &[&str]) -> String {
    let cells: Vec<Value> = cells
        .iter()
        .map(|src| {
            serde_json::json!({"cell_type": "code", "metadata": {}, "outputs": [],
                               "execution_count": null, "source": src})
        })
        .collect();
    serde_json::json!({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})
        .to_string()
}

#[test]
fn a_notebook_finding_keeps_its_fingerprint_when_a_cell_is_added_above() {
    let flagged = "API_KEY = \"sk-live-0123456789\"\nprint(API_KEY)\n";
    let before = findings(project(&[("explore.ipynb", &notebook(&["x = 1\n", flagged]))]).path());
    let after = findings(
        project(&[(
            "explore.ipynb",
            &notebook(&["import os\n", "x = 1\ny = 2\n", flagged]),
        )])
        .path(),
    );
    assert!(!before.is_empty(), "the secret in the notebook is found");
    assert_eq!(fingerprints(&before), fingerprints(&after));
    // The cell's line is what is hashed: another line, another fingerprint.
    let other = flagged.replace("0123456789", "9876543210");
    let changed = findings(project(&[("explore.ipynb", &notebook(&["x = 1\n", &other]))]).path());
    assert_ne!(fingerprints(&before), fingerprints(&changed));
}
