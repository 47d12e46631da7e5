//! The Markdown and CSV reports, --fail-under, and text from a repository
//! that tries to inject markup into them.

mod common;

use common::{cli, fixture};

#[test]
fn markdown_leads_with_the_score_and_gaps_and_folds_the_rest() {
    let run = cli(&[
        "scan",
        common::root().join("fixtures/portfolio").to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    let md = &run.out;
    assert!(
        md.starts_with("## Portfolio audit: "),
        "{}",
        &md[..80.min(md.len())]
    );
    let gaps = md.find("### Gaps").unwrap();
    let met = md.find("<details><summary>Met (").unwrap();
    let findings = md.find("### Findings").unwrap();
    assert!(gaps < met && met < findings);
    assert!(
        md.contains("| `sec.sql\\_injection` |") || md.contains("| sec.sql\\_injection |"),
        "findings as a table"
    );
    assert!(md.chars().count() <= portfolio_audit::report::markdown::LIMIT);
}

/// The count in "… N more NOUN not shown", or 0 when nothing was cut.
fn cut(md: &str, noun: &str) -> usize {
    let re = regex::Regex::new(&format!(r"… (\d+) more {noun} not shown")).unwrap();
    re.captures(md).map_or(0, |c| c[1].parse().unwrap())
}

#[test]
fn markdown_stays_within_the_comment_limit_with_a_count_of_what_was_cut() {
    // 300 repositories with 3 findings each: far more than a comment holds.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        let repo = dir.path().join(format!("student-{i:03}"));
        std::fs::create_dir(&repo).unwrap();
        let body = "import sqlite3\nconn = sqlite3.connect('x')\ndef find(name):\n    conn.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n".repeat(3);
        std::fs::write(repo.join("app.py"), body).unwrap();
    }
    let run = cli(&["scan", dir.path().to_str().unwrap(), "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let md = &run.out;
    let chars = md.chars().count();
    assert!(
        chars <= portfolio_audit::report::markdown::LIMIT,
        "{chars} chars"
    );
    assert!(chars > 50_000, "the room is used: {chars} chars");

    // What is shown plus what is said to be cut is everything.
    assert!(
        md.contains("### Findings (900)"),
        "three findings per repository"
    );
    let rows = md.lines().filter(|l| l.starts_with("| sec.sql")).count();
    assert!(rows > 0 && cut(md, "findings") > 0, "some shown, some cut");
    assert_eq!(rows + cut(md, "findings"), 900);
    assert!(md.contains("<summary>Repositories (300)</summary>"));
    let repos = md.lines().filter(|l| l.starts_with("- **student-")).count();
    assert!(
        repos > 0 && cut(md, "repositories") > 0,
        "some shown, some cut"
    );
    assert_eq!(repos + cut(md, "repositories"), 300);
    // Every section still closes.
    assert!(md.trim_end().ends_with("</sub>"));
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
}

#[test]
fn csv_has_a_row_per_repository_and_a_column_per_competency() {
    let run = cli(&[
        "scan",
        common::root().join("fixtures/portfolio").to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    let lines: Vec<&str> = run.out.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(&header[..2], &["repository", "error"]);
    let rules = portfolio_audit::rules::RuleSet::embedded()
        .unwrap()
        .rules
        .len();
    assert_eq!(header.len(), rules + 2);
    assert_eq!(lines.len(), 7, "a header and six repositories");
    let flask: Vec<&str> = lines
        .iter()
        .find(|l| l.starts_with("flask-blog,"))
        .unwrap()
        .split(',')
        .collect();
    let col = header.iter().position(|h| *h == "web.flask").unwrap();
    assert!(flask[col].parse::<u8>().unwrap() >= 1);
}

#[test]
fn fail_under_sets_exit_code_1_below_the_score() {
    let repo = fixture("calculator-and-todo");
    let json = common::scan_json(&[repo.to_str().unwrap()]);
    let score = json["portfolio"]["checklist"]["score"].as_u64().unwrap();
    let above = (score + 1).to_string();
    let run = cli(&["scan", repo.to_str().unwrap(), "--fail-under", &above]);
    assert_eq!(run.code, 1);
    assert!(
        run.err.contains(&format!(
            "checklist score {score} is below --fail-under {above}"
        )),
        "{}",
        run.err
    );
    let at = score.to_string();
    assert_eq!(
        cli(&["scan", repo.to_str().unwrap(), "--fail-under", &at]).code,
        0
    );
    assert_eq!(
        cli(&["scan", repo.to_str().unwrap(), "--fail-under", "101"]).code,
        2,
        "a score is 0 to 100"
    );
    // A missing input (2) says more than a low score (1).
    let run = cli(&[
        "scan",
        repo.to_str().unwrap(),
        "/no/such/repo",
        "--fail-under",
        "100",
    ]);
    assert_eq!(run.code, 2);
}

#[test]
fn names_from_a_repository_cannot_inject_markup() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("evil<script>alert(1)<");
    std::fs::create_dir(&repo).unwrap();
    let code = "import re\nPAT = re.compile('x')\npassword = 'hunter22'\n";
    for name in [
        "<img src=x onerror=alert(1)>.py",
        "](javascript:alert(1)).py",
        "@octocat.py",
        "a|b.py",
    ] {
        std::fs::write(repo.join(name), code).unwrap();
    }
    let run = cli(&["scan", repo.to_str().unwrap(), "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let md = run.out;
    assert!(md.contains("onerror"), "the file is reported");
    for payload in ["<img", "<script", "](javascript:", "@octocat", "a|b"] {
        assert!(!md.contains(payload), "`{payload}` survived:\n{md}");
    }
}
