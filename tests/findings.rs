//! Findings are rules: data files with their messages and examples, which a
//! user can add with `--rules DIR` (its `findings/` folder) like a competency.

mod common;

use common::cli;

const PRINT_FINDING: &str = r#"id = "style.print_calls"
title = "print left in library code"
severity = "note"
why = "Library code that prints cannot be silenced by its callers."
advice = "Use the logging module, so callers choose what is shown."

[[signal]]
name = "print"
scope = "code"
calls = ["builtins.print"]
message = "`{detail}` writes to standard output: log it instead"

[[example]]
matches = '''
print("hello")
'''

[[example]]
no_match = '''
import logging
logging.info("hello")
'''
"#;

fn rules_with_finding(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("findings")).unwrap();
    std::fs::write(dir.path().join("findings/style.print_calls.toml"), text).unwrap();
    dir
}

#[test]
fn a_custom_finding_is_reported_with_its_message_and_severity() {
    let rules = rules_with_finding(PRINT_FINDING);
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("greet.py"),
        "def greet():\n    print('hi')\n",
    )
    .unwrap();
    let run = cli(&[
        "scan",
        repo.path().to_str().unwrap(),
        "--rules",
        rules.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    let json: serde_json::Value = serde_json::from_str(&run.out).unwrap();
    let findings = json["repos"][0]["findings"].as_array().unwrap();
    let mine: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["id"] == "style.print_calls")
        .collect();
    assert_eq!(mine.len(), 1, "{findings:?}");
    assert_eq!(mine[0]["path"], "greet.py");
    assert_eq!(mine[0]["line"], 2);
    assert_eq!(mine[0]["severity"], "note");
    assert_eq!(
        mine[0]["message"],
        "`builtins.print` writes to standard output: log it instead"
    );
}

#[test]
fn rules_check_runs_a_findings_examples() {
    let rules = rules_with_finding(PRINT_FINDING);
    // `rules check` needs competency rules at the folder's top too.
    std::fs::write(
        rules.path().join("my.flask_views.toml"),
        r#"id = "my.flask_views"
title = "Flask views"
area = "web"
why = "Views are where requests become responses."
advice = "Add a Flask view with @app.route and test it."

[[signal]]
name = "route"
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
no_match = "x = 1"
"#,
    )
    .unwrap();
    let run = cli(&["rules", "check", rules.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(
        run.out
            .contains("1 rules, 1 findings, 4 examples: 4 passed, 0 failed"),
        "{}",
        run.out
    );
}

#[test]
fn a_findings_signal_without_a_message_is_an_error_at_its_line() {
    let broken = PRINT_FINDING.replace(
        "message = \"`{detail}` writes to standard output: log it instead\"\n",
        "",
    );
    let rules = rules_with_finding(&broken);
    let run = cli(&[
        "rules",
        "explain",
        "style.print_calls",
        "--rules",
        rules.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.err.contains(
            "style.print_calls.toml:8: signal `print`: a finding's signal needs a `message`"
        ),
        "{}",
        run.err
    );
}

#[test]
fn a_noisy_finding_example_is_named_with_what_it_reported() {
    let noisy = PRINT_FINDING.replace(
        "no_match = '''\nimport logging\nlogging.info(\"hello\")\n'''",
        "no_match = '''\nprint(\"still here\")\n'''",
    );
    let rules = rules_with_finding(&noisy);
    let run = cli(&[
        "rules",
        "test",
        "style.print_calls",
        "--rules",
        rules.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.err.contains("style.print_calls NOISY: expected no finding, got 1 finding (example.py:1: `builtins.print` writes"),
        "{}",
        run.err
    );
}

#[test]
fn built_in_findings_flag_their_cases_and_only_them() {
    // One repository, one of each built-in finding's cases, and the line of each.
    let repo = tempfile::tempdir().unwrap();
    let files = [
        ("app.py", "import requests\n\ndef get(url):\n    try:\n        return requests.get(url)\n    except:\n        return None\n"),
        ("calc.py", "def run(expr):\n    return eval(expr)\n"),
        ("db.py", "def find(cur, name):\n    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n"),
        ("debug.py", "def f():\n    breakpoint()\n"),
        ("mysite/settings.py", "INSTALLED_APPS = []\nDEBUG = True\n"),
        ("keys.py", "API_KEY = \"9f8e7d6c5b4a\"\n"),
        ("ok.py", "import os\nimport requests\nTOKEN = os.environ['TOKEN']\nrequests.get('https://x', timeout=5)\n"),
    ];
    for (path, text) in files {
        let full = repo.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let json = common::scan_json(&[repo.path().to_str().unwrap()]);
    let mut got: Vec<String> = json["repos"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["id"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "quality.bare_except app.py:6",
            "quality.debugger debug.py:2",
            "sec.eval calc.py:2",
            "sec.secrets keys.py:1",
            "sec.sql_injection db.py:2",
            "web.django_debug mysite/settings.py:2",
            "web.requests_no_timeout app.py:5",
        ]
    );
}
