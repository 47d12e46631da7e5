//! The command line as a user meets it: help, errors that name the input, exit codes.

mod common;

use common::cli;

#[test]
fn every_command_has_help_with_an_example() {
    for args in [
        vec!["--help"],
        vec!["scan", "--help"],
        vec!["rules", "list", "--help"],
        vec!["rules", "check", "--help"],
        vec!["rules", "test", "--help"],
        vec!["rules", "explain", "--help"],
        vec!["rules", "dump-tree", "--help"],
    ] {
        let run = cli(&args);
        assert_eq!(run.code, 0, "{args:?}");
        assert!(
            run.out.contains("Example"),
            "{args:?} has no example:\n{}",
            run.out
        );
    }
}

#[test]
fn unknown_flags_are_usage_errors() {
    let run = cli(&["scan", "--frobnicate"]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("--frobnicate"));
}

#[test]
fn a_missing_path_is_named_and_exits_2() {
    let run = cli(&["scan", "/no/such/place"]);
    assert_eq!(run.code, 2);
    assert!(
        run.err.contains("/no/such/place: no such file or folder"),
        "{}",
        run.err
    );
}

#[test]
fn rules_list_shows_catalog_ids() {
    let run = cli(&["rules", "list"]);
    assert_eq!(run.code, 0);
    for id in [
        "py.functions",
        "testing.unit",
        "devops.docker",
        "web.fastapi",
    ] {
        assert!(
            run.out.lines().any(|l| l.starts_with(id)),
            "{id} not listed"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&cli(&["rules", "list", "--format", "json"]).out).unwrap();
    assert!(json
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "py.regex" && r["area"] == "foundations"));
}

#[test]
fn rules_explain_shows_advice_and_levels() {
    let run = cli(&["rules", "explain", "py.regex"]);
    assert_eq!(run.code, 0);
    assert!(run.out.contains("Next step when missing:"));
    assert!(run.out.contains("Levels:"));
    let run = cli(&["rules", "explain", "no.such"]);
    assert_eq!(run.code, 2);
    assert!(
        run.err.contains("no rule or finding `no.such`"),
        "{}",
        run.err
    );
}

#[test]
fn rules_explain_shows_the_possibly_copied_flag_from_its_data_file() {
    let run = cli(&["rules", "explain", "possibly-copied"]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run
        .out
        .starts_with("possibly-copied — Possibly copied (flag)"));
    assert!(run
        .out
        .contains("80% or more of the Python lines (repositories of 50 lines or more)"));
    assert!(run
        .out
        .contains("Defined in rules/flags/possibly-copied.toml"));
}

#[test]
fn rules_explain_shows_a_finding_with_its_severity_and_messages() {
    let run = cli(&["rules", "explain", "sec.sql_injection"]);
    assert_eq!(run.code, 0, "{}", run.err);
    // The competency of the same id comes first, then the finding.
    assert!(run
        .out
        .contains("sec.sql_injection — SQL built from strings (finding, error)"));
    assert!(run
        .out
        .contains("{detail} is executed: pass the values as query parameters"));
    assert!(run
        .out
        .contains("Defined in rules/findings/sec.sql_injection.toml"));
    let competency = run.out.find("Next step when missing:").unwrap();
    let finding = run.out.find("(finding, error)").unwrap();
    assert!(competency < finding);
}

fn rules_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

const GOOD: &str = r#"id = "my.flask_views"
title = "Flask views"
area = "web"
why = "Views are where requests become responses."
advice = "Add a Flask view with @app.route and test it."

[[signal]]
name = "routes"
decorators = ["flask.Flask().route"]

[[example]]
matches = '''
from flask import Flask
app = Flask(__name__)
@app.route("/")
def index():
    return "hi"
'''

[[example]]
no_match = '''
def route(x):
    return x
'''
"#;

#[test]
fn rules_check_accepts_a_good_rule_and_runs_its_examples() {
    let dir = rules_dir(&[("my.flask_views.toml", GOOD)]);
    let run = cli(&["rules", "check", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(
        run.out.contains("1 rules, 2 examples: 2 passed, 0 failed"),
        "{}",
        run.out
    );
}

#[test]
fn rules_check_names_file_line_and_reason() {
    let cases: Vec<(&str, String, &str, usize)> = vec![
        (
            "my.flask_views.toml",
            GOOD.replace("decorators =", "decoratorz ="),
            "unknown field `decoratorz`",
            9,
        ),
        (
            "my.flask_views.toml",
            GOOD.replace(
                "name = \"routes\"",
                "name = \"routes\"\nfeatures = [\"telepathy\"]",
            ),
            "unknown feature `telepathy`",
            9,
        ),
        (
            "my.flask_views.toml",
            GOOD.replace(
                "name = \"routes\"",
                "name = \"routes\"\nfacts = [\"ci.telepathy\"]",
            ),
            "unknown fact `ci.telepathy`",
            9,
        ),
        (
            "my.flask_views.toml",
            GOOD.replace(
                "name = \"routes\"",
                "name = \"routes\"\nsyntax = [\"no_such_node\"]",
            ),
            "not a node kind",
            9,
        ),
        (
            "other.name.toml",
            GOOD.to_string(),
            "must equal the file name",
            1,
        ),
        (
            "my.flask_views.toml",
            GOOD.replace(
                "[[example]]\nmatches",
                "[[level]]\nany = [\"nope\"]\n\n[[example]]\nmatches",
            ),
            "unknown signal `nope`",
            12,
        ),
        (
            "my.flask_views.toml",
            GOOD.replace(
                "decorators = [\"flask.Flask().route\"]",
                "paths = [\"x\"]\ntext = \"(unclosed\"\nfiles = [\"x\"]",
            ),
            "bad regex",
            10,
        ),
    ];
    for (file, text, reason, line) in cases {
        let dir = rules_dir(&[(file, &text)]);
        let run = cli(&["rules", "check", dir.path().to_str().unwrap()]);
        assert_eq!(run.code, 2, "{reason}: {}", run.out);
        let expected = format!("{file}:{line}: ");
        assert!(
            run.err.contains(&expected) && run.err.contains(reason),
            "expected `{expected}...{reason}`, got:\n{}",
            run.err
        );
    }
}

#[test]
fn failing_examples_are_reported_with_what_matched() {
    let noisy = GOOD.replace("def route(x):\n    return x", "from flask import Flask\napp = Flask(__name__)\n@app.route('/x')\ndef x():\n    return 'x'");
    let dir = rules_dir(&[("my.flask_views.toml", &noisy)]);
    let run = cli(&["rules", "check", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("my.flask_views NOISY"), "{}", run.err);
    assert!(run.err.contains("flask.Flask().route"), "{}", run.err);
}

#[test]
fn custom_rules_extend_the_scan() {
    let dir = rules_dir(&[("my.flask_views.toml", GOOD)]);
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join("app.py"), "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef index():\n    return 'hi'\n").unwrap();
    let json = common::scan_json(&[
        repo.path().to_str().unwrap(),
        "--rules",
        dir.path().to_str().unwrap(),
    ]);
    let name = repo.path().file_name().unwrap().to_str().unwrap();
    let c = common::competency(&json, name, "my.flask_views");
    assert_eq!(c["level"], 1);
    assert_eq!(c["evidence"][0]["path"], "app.py");
    assert_eq!(c["evidence"][0]["line"], 4);
}

#[test]
fn custom_rules_ask_for_configuration_facts_by_name() {
    let rule = r#"id = "my.tooling"
title = "Tooling"
area = "quality"
why = "Configured tools run the same way for everyone."
advice = "Configure your tools in pyproject.toml."

[[signal]]
name = "configured"
facts = ["tool.*"]
"#;
    let dir = rules_dir(&[("my.tooling.toml", rule)]);
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n\n[tool.ruff]\nline-length = 100\n# [tool.mypy] is not a table\n",
    )
    .unwrap();
    let json = common::scan_json(&[
        repo.path().to_str().unwrap(),
        "--rules",
        dir.path().to_str().unwrap(),
    ]);
    let name = repo.path().file_name().unwrap().to_str().unwrap();
    let c = common::competency(&json, name, "my.tooling");
    assert_eq!(c["level"], 1);
    let evidence = c["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 1, "{evidence:?}");
    assert_eq!(evidence[0]["path"], "pyproject.toml");
    assert_eq!(evidence[0]["line"], 4);
    assert_eq!(evidence[0]["detail"], "[tool.ruff]");
}

#[test]
fn invalid_custom_rules_stop_the_scan_with_the_reason() {
    let dir = rules_dir(&[("my.flask_views.toml", "id = ")]);
    let run = cli(&["scan", ".", "--rules", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("my.flask_views.toml:1:"), "{}", run.err);
}

#[test]
fn dump_tree_prints_node_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("m.py");
    std::fs::write(&f, "match x:\n    case 1:\n        pass\n").unwrap();
    let run = cli(&["rules", "dump-tree", f.to_str().unwrap()]);
    assert_eq!(run.code, 0);
    assert!(run.out.contains("match_statement"));
}
