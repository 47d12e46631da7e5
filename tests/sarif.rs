//! `--format sarif`: the findings as SARIF 2.1.0 for code scanning, checked
//! against the official schema (`tests/data/sarif-schema-2.1.0.json`: OASIS's
//! SARIF 2.1.0 errata 01 schema, from the oasis-tcs/sarif-spec repository,
//! `sarif-2.1/schema/sarif-schema-2.1.0.json` at commit e0583813). `scan`
//! reports every finding; `diff` only those the change introduced.

mod common;

use common::cli;
use portfolio_audit::model::Report;
use portfolio_audit::portfolio::RuleSet;
use portfolio_audit::report::sarif::{self, RuleInfo, Rules};
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(common::root().join("tests/data/sarif-schema-2.1.0.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// Parses `text` as SARIF and fails with every schema error when it is not valid.
fn valid_sarif(text: &str) -> Value {
    let doc: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let v = validator();
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid SARIF 2.1.0:\n{}",
        errors.join("\n")
    );
    doc
}

fn results(doc: &Value) -> &Vec<Value> {
    doc["runs"][0]["results"].as_array().unwrap()
}

#[test]
fn the_validator_rejects_what_is_not_sarif() {
    // The check below would prove nothing if the validator accepted anything.
    let v = validator();
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]});
    assert!(!v.is_valid(&bad), "a driver without a name is not SARIF");
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
        "results": [{"ruleId": "a", "message": {"text": "m"}, "level": "fatal"}]}]});
    assert!(!v.is_valid(&bad), "`fatal` is not a level");
}

#[test]
fn a_scan_of_the_fixture_portfolio_is_valid_sarif_with_every_finding() {
    let root = common::root();
    let portfolio = root.join("fixtures/portfolio");
    let run = cli(&["scan", portfolio.to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let doc = valid_sarif(&run.out);
    let json = common::scan_json(&[portfolio.to_str().unwrap()]);
    // (repository, finding), in report order.
    let findings: Vec<(&Value, &Value)> = json["repos"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |f| (&r["name"], f))
        })
        .collect();
    let results = results(&doc);
    assert_eq!(results.len(), findings.len());
    assert!(!results.is_empty());

    let driver = &doc["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "portfolio-audit");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let embedded = RuleSet::embedded().unwrap();
    assert_eq!(
        rules.len(),
        embedded.findings.len(),
        "every finding rule, no competency"
    );
    for rule in rules {
        let f = embedded.finding(rule["id"].as_str().unwrap()).unwrap();
        assert_eq!(rule["shortDescription"]["text"], f.title.as_str());
        assert_eq!(rule["fullDescription"]["text"], f.why.as_str());
        assert_eq!(rule["help"]["text"], f.advice.as_str());
        assert_eq!(rule["defaultConfiguration"]["level"], f.severity.as_str());
        let help = rule["helpUri"].as_str().unwrap();
        assert!(
            help.ends_with(&format!(
                "/blob/v{}/rules/findings/{}.toml",
                env!("CARGO_PKG_VERSION"),
                f.id
            )),
            "{help}"
        );
    }

    for (r, (repo, f)) in results.iter().zip(&findings) {
        assert_eq!(r["ruleId"], f["id"]);
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            f["id"]
        );
        assert_eq!(r["level"], f["severity"]);
        assert_eq!(
            r["partialFingerprints"]["portfolioAudit/v1"],
            f["fingerprint"]
        );
        let loc = &r["locations"][0]["physicalLocation"];
        // The repositories were given by absolute path: each one's results
        // are under its name, as the text report writes them.
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert_eq!(
            uri,
            format!("{}/{}", repo.as_str().unwrap(), f["path"].as_str().unwrap())
        );
        assert_eq!(loc["region"]["startLine"], f["line"]);
    }
    // Competency gaps are not alerts: only finding rules are referenced.
    assert!(results
        .iter()
        .all(|r| embedded.finding(r["ruleId"].as_str().unwrap()).is_some()));
}

#[test]
fn one_repository_scanned_in_place_has_paths_relative_to_it() {
    let dir = tempfile::tempdir().unwrap();
    common::fixture_as_git("flask-blog", dir.path());
    let run = cli(&["scan", dir.path().to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let doc = valid_sarif(&run.out);
    let uris: Vec<&str> = results(&doc)
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris, ["blog/quotes.py", "blog/quotes.py"]);
}

#[test]
fn a_relative_input_keeps_its_path_and_a_notebook_names_the_cell() {
    let run = cli(&["scan", "fixtures/portfolio/flask-blog", "--format", "sarif"]);
    let doc = valid_sarif(&run.out);
    assert_eq!(
        results(&doc)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/portfolio/flask-blog/blog/quotes.py"
    );

    let dir = tempfile::tempdir().unwrap();
    let cells = serde_json::json!({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
                   "source": "x = 1\nAPI_KEY = \"sk-live-0123456789\"\n"}]});
    std::fs::write(dir.path().join("explore.ipynb"), cells.to_string()).unwrap();
    let run = cli(&["scan", dir.path().to_str().unwrap(), "--format", "sarif"]);
    let doc = valid_sarif(&run.out);
    let r = &results(&doc)[0];
    let text = r["message"]["text"].as_str().unwrap();
    assert!(text.ends_with("(cell 1, line 2)"), "{text}");
    // The cell's line is not a line of the .ipynb file: no region.
    assert!(r["locations"][0]["physicalLocation"]
        .get("region")
        .is_none());
}

#[test]
fn diff_reports_only_the_findings_the_change_introduced() {
    let dir = tempfile::tempdir().unwrap();
    let before = "import os\n\nPASSWORD = \"hunter2\"\n";
    // Lines above move the old finding (not new); the bare except is new.
    let after = "\"\"\"Settings.\"\"\"\nimport os\n\nDEBUG = False\nPASSWORD = \"hunter2\"\n\n\ndef load():\n    try:\n        return os.environ[\"X\"]\n    except:\n        return None\n";
    common::two_commits(dir.path(), "settings.py", before, after);
    let p = dir.path().to_str().unwrap();
    let run = cli(&["diff", p, "--base", "HEAD~1", "--format", "sarif"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let doc = valid_sarif(&run.out);
    let ids: Vec<&str> = results(&doc)
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["quality.bare_except"]);
    assert_eq!(
        results(&doc)[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        11
    );
    // Nothing new the other way round: the change only resolves it.
    let run = cli(&[
        "diff", p, "--base", "HEAD", "--head", "HEAD~1", "--format", "sarif",
    ]);
    assert!(results(&valid_sarif(&run.out)).is_empty());
}

#[test]
fn golden_sarif() {
    let text =
        std::fs::read_to_string(common::root().join("tests/data/golden/report.json")).unwrap();
    let report: Report = serde_json::from_str(&text).unwrap();
    let set = RuleSet::embedded().unwrap();
    let rules = Rules {
        information_uri: Some("https://example.org/portfolio-audit".into()),
        rules: set
            .findings
            .iter()
            .map(|f| RuleInfo {
                id: f.id.clone(),
                title: f.title.clone(),
                severity: f.severity,
                why: f.why.clone(),
                advice: f.advice.clone(),
                help_uri: Some(format!("https://example.org/findings/{}", f.id)),
            })
            .collect(),
    };
    let mut out = Vec::new();
    sarif::render(&report, &rules, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    let doc = valid_sarif(&out);
    // The finding's permalink is where a reader can see it.
    assert!(results(&doc)[0]["hostedViewerUri"]
        .as_str()
        .unwrap()
        .contains("/blob/0123456789abcdef"));
    insta::assert_snapshot!("golden_sarif", out);
}
