//! `scan --author`: only what given authors wrote counts (git blame); and
//! the `possibly-copied` flag for code a repository did not grow itself.

mod common;

use common::{cli, copy_tree, fixture, history_repo, level, root, scan_json};
use serde_json::Value;
use std::path::Path;

fn scan_as(dir: &Path, author: Option<&str>) -> Value {
    let p = dir.to_str().unwrap();
    match author {
        Some(a) => scan_json(&[p, "--author", a]),
        None => scan_json(&[p]),
    }
}

fn repo_name(dir: &Path) -> String {
    dir.canonicalize()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Physical lines of a fixture file (what blame counts).
fn lines_of(rel: &str) -> u64 {
    let text = std::fs::read_to_string(root().join("fixtures/histories").join(rel)).unwrap();
    text.lines().count() as u64
}

#[test]
fn only_the_students_lines_count_under_author() {
    let dir = tempfile::tempdir().unwrap();
    let ids = history_repo("template-and-student", dir.path());
    let name = repo_name(dir.path());
    let all = scan_as(dir.path(), None);
    let theirs = scan_as(dir.path(), Some("sam@example.com"));
    let at = |json: &Value, id: &str| level(json, &name, id);

    // The template shows these; the student wrote none of them.
    for id in [
        "testing.unit",
        "quality.type_hints",
        "devops.docker",
        "git.history",
    ] {
        assert!(at(&all, id) >= 1, "{id} without --author");
        assert_eq!(at(&theirs, id), 0, "{id} under --author");
    }
    // The student wrote these: their levels stay.
    for id in ["oop.classes", "py.comprehensions"] {
        assert!(at(&all, id) >= 1, "{id} without --author");
        assert_eq!(at(&theirs, id), at(&all, id), "{id} under --author");
    }
    // py.comprehensions is in the commit made from the address .mailmap maps.

    // Every piece of evidence left is in the student's files (or the whole repository).
    let repo = &theirs["repos"][0];
    assert_eq!(repo["revision"], ids[2].to_string().as_str());
    for c in repo["competencies"].as_array().unwrap() {
        for e in c["evidence"].as_array().unwrap() {
            let path = e["path"].as_str().unwrap();
            assert!(
                [
                    "app/cart.py",
                    "app/discounts.py",
                    "app/shop/__init__.py",
                    "."
                ]
                .contains(&path),
                "{}: evidence in {path}",
                c["id"]
            );
        }
    }

    let a = &repo["authorship"];
    let mine =
        lines_of("template-and-student/cart.py") + lines_of("template-and-student/discounts.py");
    let total = mine
        + lines_of("template-and-student/config.py")
        + lines_of("template-and-student/test_config.py");
    assert_eq!(a["authors"], serde_json::json!(["sam@example.com"]));
    assert_eq!(a["lines"], mine);
    assert_eq!(a["total"], total);
    let share = ((mine as f64 / total as f64) * 1000.0).round() / 1000.0;
    assert_eq!(a["share"].as_f64().unwrap(), share);
    assert_eq!(a["commits"], 2);
    assert_eq!(a["total_commits"], 3);
    // The report's history stays the whole repository's.
    assert_eq!(repo["history"]["commits"], 3);
    assert!(all["repos"][0].get("authorship").is_none());
}

#[test]
fn the_template_author_keeps_the_template_and_not_the_students_code() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("template-and-student", dir.path());
    let name = repo_name(dir.path());
    let all = scan_as(dir.path(), None);
    let template = scan_as(dir.path(), Some("Course Template"));
    assert_eq!(level(&template, &name, "oop.classes"), 0);
    assert_eq!(level(&template, &name, "py.comprehensions"), 0);
    for id in ["testing.unit", "devops.docker"] {
        assert_eq!(level(&template, &name, id), level(&all, &name, id), "{id}");
    }
    // Annotation coverage counts only the files they wrote, all annotated:
    // higher than over the whole repository, whose student files have none.
    assert!(
        level(&template, &name, "quality.type_hints") > level(&all, &name, "quality.type_hints")
    );
    let coverage = |json: &Value| {
        json["repos"][0]["metrics"]["annotation_coverage"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(coverage(&template), 1.0);
    assert!(coverage(&all) < 1.0);
}

#[test]
fn authors_match_by_name_or_email_in_any_case_and_add_up() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("template-and-student", dir.path());
    let by_email = scan_as(dir.path(), Some("sam@example.com"));
    let by_name = scan_as(dir.path(), Some("SAM STUDENT"));
    assert_eq!(
        by_email["repos"][0]["competencies"],
        by_name["repos"][0]["competencies"]
    );
    let p = dir.path().to_str().unwrap();
    let both = scan_json(&[
        p,
        "--author",
        "sam@example.com",
        "--author",
        "template@example.com",
    ]);
    let a = &both["repos"][0]["authorship"];
    assert_eq!(a["lines"], a["total"]);
    assert_eq!(a["share"].as_f64().unwrap(), 1.0);
}

#[test]
fn text_and_markdown_say_whose_work_counts() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("template-and-student", dir.path());
    let p = dir.path().to_str().unwrap();
    let text = cli(&["scan", p, "--author", "sam@example.com"]);
    assert_eq!(text.code, 0, "{}", text.err);
    assert!(
        text.out
            .contains("only the work of sam@example.com counts: "),
        "{}",
        text.out
    );
    assert!(text.out.contains("2 of 3 commits"), "{}", text.out);
    let md = cli(&[
        "scan",
        p,
        "--author",
        "sam@example.com",
        "--format",
        "markdown",
    ]);
    assert!(
        md.out
            .contains("only the work of sam&#64;example.com counts"),
        "{}",
        md.out
    );
}

#[test]
fn author_needs_git() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("flask-blog"), dir.path());
    let run = cli(&[
        "scan",
        dir.path().to_str().unwrap(),
        "--author",
        "me@example.com",
    ]);
    assert_eq!(run.code, 2, "{}", run.err);
    assert!(
        run.err.contains("--author needs a git repository"),
        "{}",
        run.err
    );
}

#[test]
fn a_first_commit_holding_most_of_the_code_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let ids = history_repo("imported", dir.path());
    let json = scan_as(dir.path(), None);
    let repo = &json["repos"][0];
    let h = &repo["history"];
    assert_eq!(h["first_commit"], ids[0].to_string().as_str());
    // Non-blank lines: the five modules came first, the command line after.
    let code = |f: &str| {
        let t = std::fs::read_to_string(root().join("fixtures/histories/modules").join(f)).unwrap();
        t.lines().filter(|l| !l.trim().is_empty()).count() as f64
    };
    let first: f64 = [
        "inventory.py",
        "orders.py",
        "pricing.py",
        "reports.py",
        "shipping.py",
    ]
    .iter()
    .map(|f| code(f))
    .sum();
    let share = ((first / (first + code("cli.py"))) * 1000.0).round() / 1000.0;
    assert!(share > 0.8);
    assert_eq!(h["first_commit_share"].as_f64().unwrap(), share);
    let flags = repo["flags"].as_array().unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0]["id"], "possibly-copied");
    let reason = flags[0]["reason"].as_str().unwrap();
    assert!(reason.contains(&ids[0].to_string()[..7]), "{reason}");
    assert!(
        reason.contains(&format!("{:.0}%", share * 100.0)),
        "{reason}"
    );

    let text = cli(&["scan", dir.path().to_str().unwrap()]);
    assert!(
        text.out.contains("⚑ possibly-copied: the first commit"),
        "{}",
        text.out
    );
}

#[test]
fn a_repository_built_up_over_commits_is_not_flagged() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("built-up", dir.path());
    let json = scan_as(dir.path(), None);
    let repo = &json["repos"][0];
    assert!(repo["history"]["first_commit_share"].as_f64().unwrap() < 0.3);
    assert_eq!(repo["flags"], serde_json::json!([]));
}

#[test]
fn a_known_tutorial_layout_is_flagged() {
    // The marker files of the Flask tutorial, as rules/templates lists them.
    let spec =
        std::fs::read_to_string(root().join("rules/templates/flask-tutorial-flaskr.toml")).unwrap();
    let spec: toml::Table = toml::from_str(&spec).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"flaskr\"\n",
    )
    .unwrap();
    for m in spec["markers"].as_array().unwrap() {
        let path = dir.path().join(m.as_str().unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "# from the tutorial\n").unwrap();
    }
    let json = scan_as(dir.path(), None);
    let flags = json["repos"][0]["flags"].as_array().unwrap();
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert!(
        flags[0]["reason"].as_str().unwrap().contains("flaskr"),
        "{flags:?}"
    );

    // The fixture portfolio's projects are their own.
    let portfolio = scan_json(&[root().join("fixtures/portfolio").to_str().unwrap()]);
    for r in portfolio["repos"].as_array().unwrap() {
        assert_eq!(r["flags"], serde_json::json!([]), "{}", r["name"]);
    }
}

/// The authorship of one scan of `dir` as `author`, with more arguments.
fn authorship(dir: &Path, author: &str, more: &[&str]) -> Value {
    let mut args = vec![dir.to_str().unwrap(), "--author", author];
    args.extend_from_slice(more);
    scan_json(&args)["repos"][0]["authorship"].clone()
}

/// What `fixtures/histories/reformatted` gives its student, from its files:
/// the bot's commit leaves the student only the lines it did not change
/// (those of the formatted file found as they were in the student's), and
/// with the commit ignored, every line but the blank ones it added (the
/// student's file has none; a wrapped line goes back to the line it was).
fn reformatted_lines() -> (u64, u64, u64) {
    let read = |f: &str| {
        std::fs::read_to_string(root().join("fixtures/histories/reformatted").join(f)).unwrap()
    };
    let (before, after) = (read("prices.py"), read("prices-formatted.py"));
    assert!(before.lines().all(|l| !l.trim().is_empty()));
    let unchanged = after
        .lines()
        .filter(|l| before.lines().any(|b| b == *l))
        .count() as u64;
    let blank = after.lines().filter(|l| l.trim().is_empty()).count() as u64;
    let lines = after.lines().count() as u64;
    (
        unchanged,
        lines - blank,
        lines + lines_of("reformatted/app.py"),
    )
}

#[test]
fn a_reformatting_commit_in_git_blame_ignore_revs_does_not_take_the_students_lines() {
    let dir = tempfile::tempdir().unwrap();
    let ids = history_repo("reformatted", dir.path());
    let (without, with, total) = reformatted_lines();
    // 7 of the 20 lines are the student's after black, 14 with it ignored
    // (`git blame --ignore-revs-file` agrees); 14 more are the template's.
    assert_eq!((without, with, total), (7, 14, 34));
    let share = |n: u64| ((n as f64 / total as f64) * 1000.0).round() / 1000.0;

    // Their own checkout: the repository's list applies.
    let a = authorship(dir.path(), "sam@example.com", &[]);
    assert_eq!(
        (a["lines"].as_u64(), a["total"].as_u64()),
        (Some(with), Some(total))
    );
    assert_eq!(a["share"].as_f64().unwrap(), share(with));
    // The list says which commit it passed over, who made it, and that
    // every line it took goes back to the student.
    let bot_commit = serde_json::json!({
        "commit": ids[2].to_string(), "author": "Style Bot <style-bot@example.com>",
        "summary": "Format the code with black", "lines": with - without, "theirs": with - without
    });
    let list = serde_json::json!({
        "file": ".git-blame-ignore-revs", "applied": true, "revisions": 1,
        "lines": with - without, "theirs_without": without, "theirs_with": with,
        "commits": [bot_commit]
    });
    assert_eq!(a["ignored_revs"], serde_json::json!([list]));
    assert!(a.get("moves").is_none(), "{a}");
    // The bot keeps the blank lines it added; the template's lines stay its.
    let bot = authorship(dir.path(), "style-bot@example.com", &[]);
    assert_eq!(bot["lines"].as_u64(), Some(20 - with));
    let template = authorship(dir.path(), "template@example.com", &[]);
    assert_eq!(
        template["lines"].as_u64(),
        Some(lines_of("reformatted/app.py"))
    );

    // Someone else's repository: the list is the student's claim, only reported.
    let a = authorship(dir.path(), "sam@example.com", &["--repo-config", "report"]);
    assert_eq!(a["lines"].as_u64(), Some(without));
    assert_eq!(a["share"].as_f64().unwrap(), share(without));
    let mut reported = list.clone();
    reported["applied"] = false.into();
    assert_eq!(a["ignored_revs"], serde_json::json!([reported]));
    let a = authorship(dir.path(), "sam@example.com", &["--repo-config", "ignore"]);
    assert_eq!(a["lines"].as_u64(), Some(without));
    assert!(a.get("ignored_revs").is_none(), "{a}");

    // The auditor's own list always applies; an abbreviated hash will do
    // (git blame would refuse it: a note says so), and a hash of no commit
    // here is a note naming the file and line.
    let mine = dir.path().join("ignore-revs.txt");
    let bot_commit = ids[2].to_string();
    std::fs::write(
        &mine,
        format!("# black\n{}\n{}\n", &bot_commit[..10], "0".repeat(40)),
    )
    .unwrap();
    let json = scan_json(&[
        dir.path().to_str().unwrap(),
        "--author",
        "sam@example.com",
        "--repo-config",
        "ignore",
        "--ignore-revs-file",
        mine.to_str().unwrap(),
    ]);
    let a = &json["repos"][0]["authorship"];
    assert_eq!(a["lines"].as_u64(), Some(with));
    assert_eq!(a["ignored_revs"][0]["file"], mine.to_str().unwrap());
    assert_eq!(a["ignored_revs"][0]["applied"], true);
    assert_eq!(a["ignored_revs"][0]["lines"].as_u64(), Some(with - without));
    let notes = json["repos"][0]["notes"].as_array().unwrap();
    assert!(
        notes.contains(&serde_json::json!({
            "path": mine.to_str().unwrap(),
            "message": format!("line 3: `{}` names no commit of this repository; not ignored", "0".repeat(40))
        })),
        "{notes:?}"
    );
    assert!(
        notes.contains(&serde_json::json!({
            "path": mine.to_str().unwrap(),
            "message": format!("line 2: `{}` is abbreviated: applied, but git blame refuses abbreviated hashes; write the full {bot_commit}", &bot_commit[..10])
        })),
        "{notes:?}"
    );

    // Every format says what the list changed.
    let p = dir.path().to_str().unwrap();
    let said = format!(
        ".git-blame-ignore-revs (1 revision) gave {} lines to earlier commits (theirs {with} lines with it, {without} without)",
        with - without
    );
    let commit_said = format!(
        "passed over {} \"Format the code with black\" (Style Bot <style-bot@example.com>): {} lines to earlier commits, {} of them theirs",
        &ids[2].to_string()[..12],
        with - without,
        with - without
    );
    for format in ["text", "markdown", "html"] {
        let run = cli(&[
            "scan",
            p,
            "--author",
            "sam@example.com",
            "--all",
            "--format",
            format,
        ]);
        // Markdown escapes the brackets and the @; HTML, quotes and angle brackets.
        let words = run
            .out
            .replace('\\', "")
            .replace("&#64;", "@")
            .replace("&lt;", "<")
            .replace("&#60;", "<")
            .replace("&#62;", ">")
            .replace("&gt;", ">")
            .replace("&#34;", "\"")
            .replace("&quot;", "\"");
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains(&said), "{format}: {}", run.out);
        assert!(words.contains(&commit_said), "{format}: {}", run.out);
    }
}

#[test]
fn a_bad_line_in_the_auditors_ignore_revs_file_is_a_usage_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("reformatted", dir.path());
    let list = dir.path().join("ignore-revs.txt");
    std::fs::write(&list, "# reformat\nHEAD~1\n").unwrap();
    let run = cli(&[
        "scan",
        dir.path().to_str().unwrap(),
        "--author",
        "sam@example.com",
        "--ignore-revs-file",
        list.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.err);
    assert!(
        run.err.contains(&format!(
            "{}:2: `HEAD~1` is not a commit hash",
            list.display()
        )),
        "{}",
        run.err
    );
}

#[test]
fn moving_and_copying_files_does_not_make_the_mover_their_author() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("moved", dir.path());
    let name = repo_name(dir.path());
    let read =
        |f: &str| std::fs::read_to_string(root().join("fixtures/histories/moved").join(f)).unwrap();
    // The mentor's cart is the student's shop.py up to the discounts, under
    // a docstring and a blank line of theirs; the discounts are the rest.
    let cart = read("cart.py");
    let (doc, body) = cart.split_at(cart.find("\n\n").unwrap() + 2);
    assert_eq!(doc.lines().count(), 2);
    assert_eq!(
        read("shop.py"),
        format!("{body}\n\n{}", read("discounts.py"))
    );
    let (body, discounts, receipt) = (
        body.lines().count() as u64,
        lines_of("moved/discounts.py"),
        lines_of("moved/report.py"),
    );
    // Two receipts: the student's, and the mentor's copy in tools/.
    let total = 2 + body + discounts + 2 * receipt;
    let moved = body + discounts + receipt;
    assert_eq!((moved, total), (31, 40));

    let sam = scan_as(dir.path(), Some("sam@example.com"));
    let a = &sam["repos"][0]["authorship"];
    assert_eq!(a["lines"].as_u64(), Some(total - 2));
    assert_eq!(a["total"].as_u64(), Some(total));
    // Without following them, the moved and copied lines would be the mentor's.
    assert_eq!(
        a["moves"],
        serde_json::json!({"lines": moved, "theirs_without": receipt})
    );
    let max = scan_as(dir.path(), Some("max@example.com"));
    let a = &max["repos"][0]["authorship"];
    assert_eq!(a["lines"].as_u64(), Some(2));
    assert_eq!(a["moves"]["theirs_without"].as_u64(), Some(2 + moved));
    // The comprehensions in the moved cart and the copied receipt stay the student's.
    assert!(level(&sam, &name, "py.comprehensions") >= 1);
    assert_eq!(level(&max, &name, "py.comprehensions"), 0);

    let text = cli(&[
        "scan",
        dir.path().to_str().unwrap(),
        "--author",
        "sam@example.com",
    ]);
    let words = text.out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(&format!(
            "blame followed {moved} lines moved or copied from other files (theirs {} lines with it, {receipt} without)",
            total - 2
        )),
        "{}",
        text.out
    );
}

#[test]
fn mailmap_needs_author() {
    // Without --author nothing is counted by author: a mentor's mailmap
    // given alone would do nothing, silently.
    let dir = tempfile::tempdir().unwrap();
    history_repo("reformatted", dir.path());
    let mailmap = dir.path().join("mentor.mailmap");
    std::fs::write(&mailmap, "Sam <sam@example.com> <sam@old.example>\n").unwrap();
    let p = dir.path().to_str().unwrap();
    let run = cli(&["scan", p, "--mailmap", mailmap.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.err);
    assert!(run.err.contains("--author"), "{}", run.err);
}

#[test]
fn ignore_revs_file_needs_author() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("reformatted", dir.path());
    let list = dir.path().join("ignore-revs.txt");
    std::fs::write(&list, "").unwrap();
    let p = dir.path().to_str().unwrap();
    let run = cli(&["scan", p, "--ignore-revs-file", list.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.err);
    assert!(run.err.contains("--author"), "{}", run.err);
    let missing = dir.path().join("no-such-list.txt");
    let run = cli(&[
        "scan",
        p,
        "--author",
        "sam@example.com",
        "--ignore-revs-file",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.err);
    assert!(run.err.contains("no-such-list.txt"), "{}", run.err);
}

/// The repository's own list is the learner's: a bad line in it is a note
/// naming the file and the line, and the entries around it still apply.
#[test]
fn a_bad_line_in_the_repositorys_own_list_is_a_note_and_the_rest_applies() {
    let dir = tempfile::tempdir().unwrap();
    let ids = history_repo("reformatted", dir.path());
    let list = dir.path().join(".git-blame-ignore-revs");
    std::fs::write(&list, format!("HEAD~2\n{}\n\u{fffd}\u{1b}[31m\n", ids[2])).unwrap();
    let repo = git2::Repository::open(dir.path()).unwrap();
    common::commit_all(
        &repo,
        "Edit the list",
        ("Sam Student", "sam@example.com"),
        9,
    );
    let json = scan_json(&[dir.path().to_str().unwrap(), "--author", "sam@example.com"]);
    let r = &json["repos"][0];
    let (without, with, _) = reformatted_lines();
    assert!(without < with);
    assert_eq!(r["authorship"]["lines"].as_u64(), Some(with), "{r}");
    let notes: Vec<String> = r["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["path"] == ".git-blame-ignore-revs")
        .map(|n| n["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0], "line 1: `HEAD~2` is not a commit hash; skipped");
    assert!(notes[1].starts_with("line 3: "), "{notes:?}");
}

/// Who made an ignored commit and what it says come from the repository:
/// every format shows them as text, never as markup; a listed commit that
/// changed no line of Python is listed with 0.
#[test]
fn an_ignored_commits_message_is_shown_as_text_and_one_that_changed_nothing_says_so() {
    let dir = tempfile::tempdir().unwrap();
    history_repo("reformatted", dir.path());
    let repo = git2::Repository::open(dir.path()).unwrap();
    std::fs::write(dir.path().join("NOTES.txt"), "not Python\n").unwrap();
    let hostile = common::commit_all(
        &repo,
        "<script>alert(1)</script> | **all** [x](javascript:1)\n\nbody",
        ("Eve *Bold*", "eve@example.com"),
        9,
    );
    let list = dir.path().join("ignore-revs.txt");
    std::fs::write(&list, format!("{hostile}\n")).unwrap();
    let (p, list) = (dir.path().to_str().unwrap(), list.to_str().unwrap());
    let run = |format: &str| {
        cli(&[
            "scan",
            p,
            "--author",
            "sam@example.com",
            "--ignore-revs-file",
            list,
            "--all",
            "--format",
            format,
        ])
    };
    let json: Value = serde_json::from_str(&run("json").out).unwrap();
    let lists = &json["repos"][0]["authorship"]["ignored_revs"];
    // The auditor's list comes first; it changed no line of Python.
    assert_eq!(lists[0]["file"], list);
    assert_eq!(lists[0]["lines"].as_u64(), Some(0));
    let c = &lists[0]["commits"][0];
    assert_eq!(
        c["summary"],
        "<script>alert(1)</script> | **all** [x](javascript:1)"
    );
    assert_eq!(
        (c["lines"].as_u64(), c["theirs"].as_u64()),
        (Some(0), Some(0))
    );

    let html = run("html").out;
    assert!(!html.contains("<script>alert"), "{html}");
    let md = run("markdown").out;
    assert!(!md.contains("<script>") && !md.contains("**all**"), "{md}");
    assert!(!md.contains("*Bold*"), "{md}");
    assert!(!md.contains("](javascript"), "{md}");
    let text = run("text").out;
    assert!(
        text.contains(": 0 lines to earlier commits, 0 of them theirs"),
        "{text}"
    );
}

#[test]
fn a_vendored_copy_is_no_ones_share_of_the_code() {
    // The student wrote 2 lines and copied a 30-line library into vendor/:
    // the copy is not counted, so it neither dilutes their share nor adds
    // to the total.
    let library: String = (0..30).map(|i| format!("X{i} = {i}\n")).collect();
    let dir = tempfile::tempdir().unwrap();
    common::git_repo(
        dir.path(),
        &[
            common::Commit {
                files: vec![
                    ("app/main.py", b"def run():\n    return 1\n".to_vec()),
                    ("app/vendor/tinylib/__init__.py", library.into_bytes()),
                ],
                message: "Start, with a copy of tinylib",
                author: ("Sam", "sam@example.com"),
                day: 0,
            },
            common::Commit {
                files: vec![("app/other.py", b"A = 1\n".to_vec())],
                message: "Add a constant",
                author: ("Mentor", "mentor@example.com"),
                day: 1,
            },
        ],
    );
    let json = scan_as(dir.path(), Some("sam@example.com"));
    let repo = &json["repos"][0];
    assert!(
        repo["not_counted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["path"].as_str().unwrap().starts_with("app/vendor/")),
        "{}",
        repo["not_counted"]
    );
    let a = &repo["authorship"];
    assert_eq!(a["total"], 3, "{a}");
    assert_eq!(a["lines"], 2, "{a}");
}

#[test]
fn a_library_vendored_in_the_first_commit_does_not_flag_the_learners_code() {
    // 400 lines of a copied library arrive with the first 10 of the
    // learner's; the learner then writes 75 more over five commits. Counted
    // with the copy, the first commit held 82% of the Python lines.
    let own = |n: usize, tag: &str| -> Vec<u8> {
        (0..n)
            .map(|i| format!("{tag}_{i} = {i}\n"))
            .collect::<String>()
            .into_bytes()
    };
    let mut commits = vec![common::Commit {
        files: vec![
            ("vendor/biglib/__init__.py", own(400, "LIB")),
            ("app/main.py", own(10, "MAIN")),
        ],
        message: "Start the app, with a copy of biglib",
        author: ("Sam", "sam@example.com"),
        day: 0,
    }];
    let names: Vec<String> = (1..=5).map(|i| format!("app/step{i}.py")).collect();
    for (i, name) in names.iter().enumerate() {
        commits.push(common::Commit {
            files: vec![(name.as_str(), own(15, &format!("STEP{i}")))],
            message: "Add a step",
            author: ("Sam", "sam@example.com"),
            day: i as i64 + 1,
        });
    }
    let dir = tempfile::tempdir().unwrap();
    common::git_repo(dir.path(), &commits);
    let json = scan_as(dir.path(), None);
    let repo = &json["repos"][0];
    assert_eq!(
        repo["history"]["first_commit_share"].as_f64(),
        Some(((10.0 / 85.0) * 1000.0_f64).round() / 1000.0),
        "{}",
        repo["history"]
    );
    assert!(
        repo["flags"].as_array().is_none_or(|f| f.is_empty()),
        "{}",
        repo["flags"]
    );
}

#[test]
fn a_file_changed_since_the_first_commit_counts_the_lines_it_kept() {
    // The first commit's app.py had 10 lines; now 6 of them stay, one of
    // those is there twice (the copy is not held), 2 are new, and blank
    // lines do not count. A new module adds 5 lines. Held: 6 of 9 + 5.
    let line = |i: usize| format!("    value_{i} = compute({i})\n");
    let first: String = (0..10).map(line).collect();
    let now: String = (0..6)
        .map(line)
        .chain([line(0), "\n   \n".to_string()])
        .chain((20..22).map(line))
        .collect();
    let commits = [
        common::Commit {
            files: vec![("app.py", first.into_bytes())],
            message: "Start the app",
            author: ("Sam", "sam@example.com"),
            day: 0,
        },
        common::Commit {
            files: vec![
                ("app.py", now.into_bytes()),
                (
                    "extra.py",
                    (30..35).map(line).collect::<String>().into_bytes(),
                ),
            ],
            message: "Rework the app and add a module",
            author: ("Sam", "sam@example.com"),
            day: 1,
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    common::git_repo(dir.path(), &commits);
    let expected = Some(((6.0 / 14.0) * 1000.0_f64).round() / 1000.0);
    let p = dir.path().to_str().unwrap();
    // The working tree, and the commit read from git.
    for args in [vec![p], vec![p, "--rev", "HEAD"]] {
        let json = scan_json(&args);
        let h = &json["repos"][0]["history"];
        assert_eq!(h["first_commit_share"].as_f64(), expected, "{args:?}: {h}");
    }
}
