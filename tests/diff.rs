//! `portfolio-audit diff`: two revisions of a repository made at run time
//! from fixtures/diff (a script, then its tests, then type hints), and the
//! same diff from two saved JSON reports.

mod common;

use common::{cli, commit_all, copy_tree, root, Run};
use serde_json::Value;
use std::path::{Path, PathBuf};

const STEPS: [&str; 3] = ["1-script", "2-tests", "3-types"];

/// fixtures/diff committed step by step into `parent/wordcount`; returns
/// the repository's path and the commit ids, oldest first.
fn wordcount_repo(parent: &Path) -> (PathBuf, Vec<String>) {
    let dir = parent.join("wordcount");
    std::fs::create_dir(&dir).unwrap();
    let repo = git2::Repository::init(&dir).unwrap();
    let mut ids = Vec::new();
    for (day, step) in STEPS.iter().enumerate() {
        copy_tree(&root().join("fixtures/diff").join(step), &dir);
        let id = commit_all(
            &repo,
            &format!("Add {step}"),
            ("Learner", "learner@example.com"),
            day as i64,
        );
        ids.push(id.to_string());
    }
    (dir, ids)
}

fn run_ok(args: &[&str]) -> Run {
    let run = cli(args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.err);
    run
}

fn diff_json(args: &[&str]) -> Value {
    let mut all = vec!["diff", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&run_ok(&all).out).expect("diff --format json prints JSON")
}

/// (change, id) of every competency change.
fn changes(d: &Value) -> Vec<(String, String)> {
    d["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap().to_string(),
                c["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn paths(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect()
}

#[test]
fn adding_tests_gains_exactly_testing_unit_and_meets_the_checklist_item() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, ids) = wordcount_repo(tmp.path());
    let p = repo.to_str().unwrap();
    let d = diff_json(&[p, "--base", "HEAD~2", "--head", "HEAD~1"]);
    assert_eq!(d["schema_version"], 1);
    assert_eq!(changes(&d), [("gained".into(), "testing.unit".into())]);
    let unit = &d["competencies"][0];
    assert_eq!(
        (unit["before"].as_u64(), unit["after"].as_u64()),
        (Some(0), Some(2))
    );
    let appeared = paths(&unit["appeared"]);
    assert_eq!(appeared.len(), 6, "one per test function");
    assert!(appeared.iter().all(|p| *p == "tests/test_wordcount.py"));
    assert!(paths(&unit["disappeared"]).is_empty());

    let items = d["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["id"], "write-tests");
    assert_eq!(
        (items[0]["before"].as_str(), items[0]["after"].as_str()),
        (Some("missing"), Some("met"))
    );
    assert_eq!(items[0]["direction"], "better");
    assert_eq!(items[0]["evidence"][0]["path"], "tests/test_wordcount.py");

    assert!(d["score"]["after"].as_u64() > d["score"]["before"].as_u64());
    assert_eq!(d["base"]["commit"], ids[0].as_str());
    assert_eq!(d["head"]["commit"], ids[1].as_str());
    assert_eq!(d["findings"]["new"], serde_json::json!([]));
    assert_eq!(d["findings"]["resolved"], serde_json::json!([]));
    assert_eq!(d["regression"], false);
    let summary = d["summary"].as_str().unwrap();
    assert!(
        summary.ends_with("1 competency gained, 0 lost; checklist: 1 item better, 0 worse"),
        "{summary}"
    );
}

#[test]
fn the_reversed_diff_loses_it_and_fail_on_regression_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = wordcount_repo(tmp.path());
    let p = repo.to_str().unwrap();
    let d = diff_json(&[p, "--base", "HEAD~1", "--head", "HEAD~2"]);
    assert_eq!(changes(&d), [("lost".into(), "testing.unit".into())]);
    let gone = paths(&d["competencies"][0]["disappeared"]);
    assert_eq!(gone.len(), 6);
    assert!(gone.iter().all(|p| *p == "tests/test_wordcount.py"));
    let item = &d["items"][0];
    assert_eq!(
        (item["after"].as_str(), item["direction"].as_str()),
        (Some("missing"), Some("worse"))
    );
    let next = item["next_step"].as_str().unwrap();
    assert!(next.contains("tests/test_"), "the rule's advice: {next}");
    assert_eq!(d["regression"], true);
    assert!(d["score"]["change"].as_i64().unwrap() < 0);

    let run = cli(&[
        "diff",
        p,
        "--base",
        "HEAD~1",
        "--head",
        "HEAD~2",
        "--fail-on-regression",
    ]);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(run.err.contains("regression"), "{}", run.err);
    assert!(run.out.contains("lost     testing.unit"), "{}", run.out);
    // Forward, nothing is lost: the flag does not fire.
    let run = cli(&[
        "diff",
        p,
        "--base",
        "HEAD~2",
        "--head",
        "HEAD~1",
        "--fail-on-regression",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
}

#[test]
fn type_hints_and_a_fixed_bare_except_show_as_a_gain_and_a_resolved_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = wordcount_repo(tmp.path());
    // --head defaults to HEAD.
    let d = diff_json(&[repo.to_str().unwrap(), "--base", "HEAD~1"]);
    assert_eq!(d["head"]["given"], "HEAD");
    // A third commit is also version-control history (level 1 at three commits).
    let mut got = changes(&d);
    got.sort();
    assert_eq!(
        got,
        [
            ("gained".into(), "git.history".into()),
            ("gained".into(), "quality.type_hints".into())
        ]
    );
    let history = d["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "git.history")
        .unwrap();
    assert_eq!(history["appeared"][0]["path"], ".", "the whole repository");
    let resolved = d["findings"]["resolved"].as_array().unwrap();
    assert_eq!(resolved.len(), 1, "{resolved:?}");
    assert_eq!(resolved[0]["id"], "quality.bare_except");
    assert_eq!(resolved[0]["path"], "wordcount.py");
    assert_eq!(resolved[0]["repo"], "wordcount");
    assert_eq!(d["findings"]["new"], serde_json::json!([]));
}

/// The diff document without what names its inputs (a revision or a file).
fn without_labels(mut d: Value) -> Value {
    for side in ["base", "head"] {
        let s = d[side].as_object_mut().unwrap();
        s.remove("given");
        s.remove("kind");
    }
    d
}

#[test]
fn two_saved_reports_give_the_same_diff_as_the_revisions() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = wordcount_repo(tmp.path());
    let p = repo.to_str().unwrap();
    let old = tmp.path().join("old.json");
    let new = tmp.path().join("new.json");
    for (rev, file) in [("HEAD~2", &old), ("HEAD", &new)] {
        let f = file.to_str().unwrap();
        run_ok(&["scan", p, "--rev", rev, "--format", "json", "-o", f]);
    }
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let from_revisions = diff_json(&[p, "--base", "HEAD~2", "--head", "HEAD"]);
    let from_reports = diff_json(&[o, n]);
    assert_eq!(from_reports["base"]["kind"], "report");
    assert_eq!(from_reports["base"]["given"], o);
    let gained: Vec<_> = changes(&from_reports);
    assert_eq!(gained.len(), 3, "{gained:?}");
    assert_eq!(
        without_labels(from_reports.clone()),
        without_labels(from_revisions)
    );
    // The same with flags, and a saved report against a revision.
    assert_eq!(diff_json(&["--base", o, "--head", n]), from_reports);
    let mixed = diff_json(&[p, "--base", o]);
    assert_eq!(without_labels(mixed), without_labels(from_reports));
}

#[test]
fn a_bad_revision_is_exit_2_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = wordcount_repo(tmp.path());
    let p = repo.to_str().unwrap();
    for args in [
        vec!["diff", p, "--base", "no-such-branch"],
        vec!["diff", p, "--base", "HEAD~1", "--head", "no-such-branch"],
    ] {
        let run = cli(&args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.err.contains("`no-such-branch` not found"),
            "{}",
            run.err
        );
        assert!(run.out.is_empty());
    }
}

#[test]
fn an_unreadable_or_invalid_report_is_exit_2_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good.json");
    let json = run_ok(&[
        "scan",
        root().join("fixtures/diff/1-script").to_str().unwrap(),
        "--format",
        "json",
    ]);
    std::fs::write(&good, json.out).unwrap();
    let cases = [
        ("broken.json", "{\"schema_version\": 1, \"repos\": ["),
        ("other.json", "{\"name\": \"not a report\"}"),
        (
            "future.json",
            &std::fs::read_to_string(&good).unwrap().replacen(
                "\"schema_version\": 1",
                "\"schema_version\": 99",
                1,
            ),
        ),
    ];
    for (name, text) in cases {
        let bad = tmp.path().join(name);
        std::fs::write(&bad, text).unwrap();
        let b = bad.to_str().unwrap();
        for args in [
            vec!["diff", good.to_str().unwrap(), b],
            vec!["diff", "--base", b, "--head", good.to_str().unwrap()],
        ] {
            let run = cli(&args);
            assert_eq!(run.code, 2, "{args:?}");
            assert!(run.err.contains(b), "{name}: {}", run.err);
        }
    }
    let missing = tmp.path().join("missing.json");
    let run = cli(&["diff", missing.to_str().unwrap(), good.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("missing.json: cannot read"), "{}", run.err);
}

#[test]
fn usage_errors_say_what_to_give() {
    let tmp = tempfile::tempdir().unwrap();
    let run = cli(&["diff", tmp.path().to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("--base is required"), "{}", run.err);

    let plain = root().join("fixtures/diff/1-script");
    let run = cli(&["diff", plain.to_str().unwrap(), "--base", "HEAD~1"]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("not a git repository"), "{}", run.err);

    // Reports measured against different checklists cannot be compared.
    let (repo, _) = wordcount_repo(tmp.path());
    let p = repo.to_str().unwrap();
    let other = tmp.path().join("other.json");
    run_ok(&[
        "scan",
        p,
        "--format",
        "json",
        "--roadmap",
        "developer",
        "-o",
        other.to_str().unwrap(),
    ]);
    let run = cli(&["diff", p, "--base", other.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("different checklists"), "{}", run.err);
}

#[test]
fn the_markdown_diff_leads_with_one_summary_line_and_escapes_file_names() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = wordcount_repo(tmp.path());
    let nasty = repo.join("tests/test_<img src=x>|@octocat.py");
    std::fs::write(
        &nasty,
        "from wordcount import count_words\n\ndef test_one():\n    assert count_words('a') == {'a': 1}\n",
    )
    .unwrap();
    let git = git2::Repository::open(&repo).unwrap();
    commit_all(&git, "Add a test", ("Learner", "learner@example.com"), 9);
    let p = repo.to_str().unwrap();
    let md = run_ok(&["diff", p, "--base", "HEAD~3", "--format", "markdown"]).out;
    let first = md.lines().next().unwrap();
    assert!(first.starts_with("**Score "), "{first}");
    assert!(first.contains("3 competencies gained, 0 lost"), "{first}");
    assert!(
        md.contains("test\\_&lt;img src=x&gt;\\|&#64;octocat.py"),
        "{md}"
    );
    for payload in ["<img", "|@octocat", "@octocat"] {
        assert!(!md.contains(payload), "`{payload}` survived:\n{md}");
    }
    assert!(md.chars().count() <= portfolio_audit::report::markdown::LIMIT);
}

#[test]
fn diff_help_has_examples_and_exit_codes() {
    let run = run_ok(&["diff", "--help"]);
    for text in [
        "Examples:",
        "diff old.json new.json",
        "--fail-on-regression",
        "Exit codes",
    ] {
        assert!(run.out.contains(text), "{text}:\n{}", run.out);
    }
}

/// Snapshots of each renderer on the fixture's steps 1 → 3, with the
/// commit ids (made at run time) filtered out.
#[test]
fn diff_renderers_snapshots() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, ids) = wordcount_repo(tmp.path());
    let p = repo.to_str().unwrap();
    let mut settings = insta::Settings::clone_current();
    for (i, id) in ids.iter().enumerate() {
        settings.add_filter(id, format!("[COMMIT {}]", i + 1));
        settings.add_filter(&id[..7], format!("[COMMIT {}]", i + 1));
    }
    settings.add_filter(&regex::escape(env!("CARGO_PKG_VERSION")), "[VERSION]");
    settings.bind(|| {
        for (name, format) in [("text", "text"), ("markdown", "markdown"), ("json", "json")] {
            let out = run_ok(&["diff", p, "--base", "HEAD~2", "--format", format]).out;
            insta::assert_snapshot!(format!("diff_{name}"), out);
        }
    });
}
