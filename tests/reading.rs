//! Reports a learner reads in a minute: Markdown that renders as written
//! (our advice keeps its code spans, the repository's text stays literal),
//! a terminal report that fits two screens, one set of output flags.

mod common;

use common::{cli, commit_all, copy_tree, fixture, root, Commit};
use std::path::Path;

/// Markdown rendered as GitHub renders it: CommonMark with tables.
fn to_html(md: &str) -> String {
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(md, opts));
    html
}

/// The `<code>` elements' texts.
fn codes(html: &str) -> Vec<String> {
    html.split("<code>")
        .skip(1)
        .filter_map(|s| s.split("</code>").next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_advice_keeps_its_code_spans_in_the_rendered_comment() {
    let run = cli(&[
        "scan",
        root().join("fixtures/portfolio").to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    let html = to_html(&run.out);
    // The gaps table's next steps: our backticks became code.
    let gaps = &html[html.find("Gaps (").unwrap()..];
    let gaps = &gaps[..gaps.find("</table>").unwrap()];
    let code = codes(gaps);
    assert!(code.len() >= 5, "{code:?}");
    assert!(
        !gaps.contains('`'),
        "a backtick shown as text in the gaps:\n{gaps}"
    );
    // The finding messages too (their templates write names in backticks).
    let findings = &html[html.find("Findings (").unwrap()..];
    assert!(findings.contains("<code>SECRET_KEY</code>"), "{findings}");
}

/// A repository whose file names are Markdown and HTML, and whose code
/// holds a mention, gives evidence and a finding at those names.
fn repo_with_markup_names(dir: &Path) {
    let names = [
        "[docs](https://evil.example)*shout*.py",
        "<b>bold</b> @octocat.py",
    ];
    let code = b"import re\nPAT = re.compile('x')\npassword = 'hunter22'\n".to_vec();
    common::git_repo(
        dir,
        &[Commit {
            files: names.iter().map(|n| (*n, code.clone())).collect(),
            message: "Add [files](https://evil.example) for @octocat",
            author: ("Learner", "learner@example.com"),
            day: 0,
        }],
    );
}

#[test]
fn repository_text_stays_literal_when_rendered() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("markup");
    std::fs::create_dir(&repo).unwrap();
    repo_with_markup_names(&repo);
    let run = cli(&["scan", repo.to_str().unwrap(), "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let html = to_html(&run.out);
    assert!(
        !html.contains("evil.example\""),
        "a repository-derived link:\n{html}"
    );
    assert!(!html.contains("<b>bold"), "repository HTML passed through");
    assert!(!html.contains("<em>shout"), "repository emphasis applied");
    assert!(!run.out.contains("@octocat"), "a mention in the Markdown");
    // Still there, as text.
    assert!(
        html.contains("*shout*.py") || html.contains("*shout*"),
        "{html}"
    );
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"), "{html}");
}

#[test]
fn the_diff_renders_our_code_spans_and_keeps_file_names_literal() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("wc");
    std::fs::create_dir(&repo).unwrap();
    let git = git2::Repository::init(&repo).unwrap();
    copy_tree(&root().join("fixtures/diff/1-script"), &repo);
    let base = commit_all(&git, "script", ("L", "l@example.com"), 0).to_string();
    // A fixed bare except (a resolved finding) and a file named like a link.
    copy_tree(&root().join("fixtures/diff/2-tests"), &repo);
    std::fs::write(
        repo.join("[click](evil.example) @octocat.py"),
        "import re\nP = re.compile('x')\n",
    )
    .unwrap();
    let head = commit_all(&git, "tests", ("L", "l@example.com"), 1).to_string();
    let run = cli(&[
        "diff",
        repo.to_str().unwrap(),
        "--base",
        &base,
        "--head",
        &head,
        "--format",
        "markdown",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    let html = to_html(&run.out);
    assert!(!html.contains("href=\"evil.example"), "{html}");
    assert!(!run.out.contains("@octocat"), "a mention in the diff");
    let items = &html[html.find("Checklist items").unwrap()..];
    assert!(!codes(items).is_empty() || !items.contains('`'), "{items}");
}

#[test]
fn the_default_text_report_fits_two_screens_and_all_has_every_gap() {
    for name in [
        "calculator-and-todo",
        "data-ml-project",
        "django-shop",
        "fastapi-service",
        "flask-blog",
        "messy-first-project",
    ] {
        let path = fixture(name);
        let run = cli(&["scan", path.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.err);
        let lines: Vec<&str> = run.out.lines().collect();
        assert!(
            lines.len() <= 60,
            "{name}: {} lines\n{}",
            lines.len(),
            run.out
        );
        for l in &lines {
            assert!(l.chars().count() <= 100, "{name}: wider than 100: {l}");
        }
        assert!(run.out.contains("Next steps, in roadmap order"));
        let json = common::scan_json(&[path.to_str().unwrap()]);
        let gaps: Vec<String> = json["portfolio"]["checklist"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["status"] == "partial" || i["status"] == "missing")
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect();
        if gaps.len() > 5 {
            assert!(
                run.out
                    .contains(&format!("{} more gaps: --all", gaps.len() - 5)),
                "{name}"
            );
        }
        let all = cli(&["scan", path.to_str().unwrap(), "--all"]);
        for g in &gaps {
            assert!(
                all.out.contains(g.as_str()),
                "{name}: --all lacks the gap {g}"
            );
        }
        let verbose = cli(&["scan", path.to_str().unwrap(), "--verbose"]);
        assert_eq!(verbose.out, all.out, "--verbose is --all");
    }
}

#[test]
fn wording_says_what_a_level_needs_and_which_competency_met_an_item() {
    let json = common::scan_json(&[fixture("fastapi-service").to_str().unwrap()]);
    let items = json["portfolio"]["checklist"]["items"].as_array().unwrap();
    let of = regex::Regex::new(r"level \d of \d").unwrap();
    for i in items {
        let reason = i["reason"].as_str().unwrap();
        assert!(!of.is_match(reason), "{reason}");
    }
    let met = items.iter().find(|i| i["id"] == "write-tests").unwrap();
    assert!(
        met["reason"]
            .as_str()
            .unwrap()
            .contains("testing.unit level 2 (needs 2)"),
        "{met}"
    );
    let text = cli(&["scan", fixture("fastapi-service").to_str().unwrap()]).out;
    assert!(
        text.contains("write-tests (testing.unit, test_bookmarks.py:11)"),
        "{text}"
    );
    assert!(
        text.contains("Checklist `professional`, 1 repository: "),
        "{text}"
    );
}

/// Every subcommand that prints, with the arguments it needs.
fn printing_commands(dir: &Path) -> Vec<Vec<String>> {
    let portfolio = fixture("calculator-and-todo");
    let p = portfolio.to_str().unwrap().to_string();
    // A git repository for timeline and diff.
    let repo = dir.join("repo");
    std::fs::create_dir(&repo).unwrap();
    common::fixture_as_git("calculator-and-todo", &repo);
    let r = repo.to_str().unwrap().to_string();
    let rule = root().join("rules/py.regex.toml");
    let rules_dir = dir.join("rules");
    std::fs::create_dir(&rules_dir).unwrap();
    std::fs::copy(&rule, rules_dir.join("py.regex.toml")).unwrap();
    let py = root().join("fixtures/portfolio/calculator-and-todo/calculator.py");
    let cache = dir.join("cache");
    // A saved report for merge to render again.
    let saved = dir.join("report.json");
    let scan = cli(&[
        "scan",
        &p,
        "--format",
        "json",
        "-q",
        "-o",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(scan.code, 0, "{}", scan.err);
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        s(&["scan", &p]),
        s(&["merge", saved.to_str().unwrap()]),
        s(&["badge", &p]),
        s(&["card", &p]),
        s(&["diff", &r, "--base", "HEAD", "--head", "HEAD"]),
        s(&["timeline", &r]),
        s(&["plan", &p]),
        s(&["rules", "list"]),
        s(&["rules", "explain", "py.regex"]),
        s(&["rules", "features"]),
        s(&["rules", "metrics"]),
        s(&["rules", "test", "py.regex"]),
        s(&["rules", "check", rules_dir.to_str().unwrap()]),
        s(&["rules", "dump-tree", py.to_str().unwrap()]),
        s(&["roadmaps", "list"]),
        s(&["roadmaps", "show", "professional"]),
        s(&["cache", "info", "--cache-dir", cache.to_str().unwrap()]),
        s(&["cache", "clear", "--cache-dir", cache.to_str().unwrap()]),
    ]
}

#[test]
fn every_printing_subcommand_takes_quiet_output_and_color() {
    let dir = tempfile::tempdir().unwrap();
    for (i, cmd) in printing_commands(dir.path()).into_iter().enumerate() {
        let file = dir.path().join(format!("out-{i}"));
        let mut args: Vec<String> = cmd.clone();
        args.extend(["-q", "-o", file.to_str().unwrap(), "--color", "never"].map(String::from));
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = cli(&argv);
        assert_eq!(run.code, 0, "{cmd:?}: {}", run.err);
        assert!(
            run.out.is_empty(),
            "{cmd:?} printed to stdout with -o: {}",
            run.out
        );
        let written = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(!written.is_empty(), "{cmd:?} wrote nothing to -o");
        // The long spellings mean the same.
        let mut long: Vec<String> = cmd.clone();
        let file2 = dir.path().join(format!("long-{i}"));
        long.extend(
            [
                "--quiet",
                "--output",
                file2.to_str().unwrap(),
                "--color=always",
            ]
            .map(String::from),
        );
        let argv: Vec<&str> = long.iter().map(String::as_str).collect();
        let run = cli(&argv);
        assert_eq!(run.code, 0, "{long:?}: {}", run.err);
        assert!(std::fs::metadata(&file2).is_ok(), "{long:?}");
    }
}
