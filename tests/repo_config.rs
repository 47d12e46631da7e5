//! A repository cannot grade itself: its own portfolio-audit.toml (and,
//! with --author, its .mailmap) counts when a learner audits their own
//! work, and is shown but not applied when someone else audits it.

mod common;

use common::{cli, copy_tree, history_repo, repo, root, scan_json};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    root().join("fixtures/repo-config").join(name)
}

/// The scraper fixture copied without its project file: what the code alone scores.
fn scraper_without_file(dir: &Path) -> PathBuf {
    let dest = dir.join("scraper");
    std::fs::create_dir_all(&dest).unwrap();
    copy_tree(&fixture("scraper"), &dest);
    std::fs::remove_file(dest.join("portfolio-audit.toml")).unwrap();
    dest
}

fn score(json: &Value) -> u64 {
    json["portfolio"]["checklist"]["score"].as_u64().unwrap()
}

#[test]
fn a_single_path_is_the_learners_own_and_the_headline_says_what_was_ignored() {
    let scraper = fixture("scraper");
    let json = scan_json(&[scraper.to_str().unwrap()]);
    let tmp = tempfile::tempdir().unwrap();
    let alone = scan_json(&[scraper_without_file(tmp.path()).to_str().unwrap()]);
    assert_eq!(json["repo_config"], "trust");
    let c = &json["portfolio"]["checklist"];
    let ignored = c["ignored"].as_array().unwrap();
    assert!(ignored.len() >= 5, "{ignored:?}");
    assert!(ignored
        .iter()
        .all(|i| i["source"] == "scraper/portfolio-audit.toml"));
    // Fewer items are scored, and the score rises above what the code shows.
    assert!(
        score(&json) > score(&alone),
        "{} vs {}",
        score(&json),
        score(&alone)
    );
    assert_eq!(
        c["measured_score"],
        alone["portfolio"]["checklist"]["score"]
    );
    // Said whole (wrapped at words to the width, never cut).
    let text = cli(&["scan", scraper.to_str().unwrap()]);
    let words = text.out.split_whitespace().collect::<Vec<_>>().join(" ");
    let headline = format!(
        "⚠ scored on {} of {} items; {} ignored by scraper/portfolio-audit.toml (the code alone scores {}/100)",
        c["measurable"],
        c["measurable"].as_u64().unwrap() + ignored.len() as u64,
        ignored.len(),
        score(&alone)
    );
    assert!(words.contains(&headline), "{}", text.out);
    let md = cli(&["scan", scraper.to_str().unwrap(), "--format", "markdown"]);
    assert!(
        md.out.contains(&format!(
            "{} ignored by scraper/portfolio-audit.toml",
            ignored.len()
        )),
        "{}",
        md.out
    );
    let badge = cli(&["badge", scraper.to_str().unwrap()]);
    assert!(
        badge.out.contains(&format!(">{}%*</text>", score(&json))),
        "{}",
        badge.out
    );
}

/// Someone else's repositories: two working trees, a repos file, a
/// file:// URL. Each is scored as if its file were absent, and what the
/// file says is listed.
#[test]
fn someone_elses_repositories_are_scored_as_if_the_file_were_absent() {
    let tmp = tempfile::tempdir().unwrap();
    let alone = scan_json(&[
        scraper_without_file(tmp.path()).to_str().unwrap(),
        fixture("classmate").to_str().unwrap(),
    ]);
    let expected = repo(&alone, "scraper")["checklist"]["score"].clone();
    let check = |json: &Value, how: &str| {
        assert_eq!(json["repo_config"], "report", "{how}");
        let r = repo(json, "scraper");
        assert_eq!(r["checklist"]["score"], expected, "{how}");
        let st = &r["statements"];
        assert_eq!(st["applied"], false, "{how}");
        assert_eq!(st["ignore"]["testing.unit"], "not my focus", "{how}");
        assert_eq!(
            st["claims"]["async.asyncio"],
            "wrote an async crawler at my internship"
        );
        assert_eq!(st["self_report"]["community"], "I help on the course forum");
        assert!(
            r["checklist"]["ignore_requests"].as_u64().unwrap() >= 5,
            "{how}"
        );
        let c = &json["portfolio"]["checklist"];
        assert!(c["ignored"].is_null(), "{how}: nothing was ignored");
        assert!(
            !c["ignore_requests"].as_array().unwrap().is_empty(),
            "{how}"
        );
        // The claim and the self-report are not taken as the learner's word.
        let community = c["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == "community")
            .unwrap();
        assert!(community["claim"].is_null(), "{how}");
    };
    // Two working trees on the command line.
    let two = scan_json(&[
        fixture("scraper").to_str().unwrap(),
        fixture("classmate").to_str().unwrap(),
    ]);
    check(&two, "two paths");
    assert_eq!(score(&two), score(&alone));
    let text = cli(&[
        "scan",
        fixture("scraper").to_str().unwrap(),
        fixture("classmate").to_str().unwrap(),
    ]);
    let asked = two["portfolio"]["checklist"]["ignore_requests"]
        .as_array()
        .unwrap()
        .len();
    assert!(
        text.out.contains(&format!(
            "scraper/portfolio-audit.toml asked to ignore {asked} items, not applied (--repo-config report)"
        )),
        "{}",
        text.out
    );
    assert!(text
        .out
        .contains("scraper/portfolio-audit.toml shown, not applied"));

    // A repos file, even of one line.
    let list = tmp.path().join("class.txt");
    std::fs::write(&list, format!("Sam  {}\n", fixture("scraper").display())).unwrap();
    let listed = scan_json(&["--repos-file", list.to_str().unwrap()]);
    assert_eq!(listed["repo_config"], "report");
    assert_eq!(repo(&listed, "scraper")["checklist"]["score"], expected);

    // A clone from a URL reads the file from the repository, the same way.
    let origin = tmp.path().join("origin");
    std::fs::create_dir_all(&origin).unwrap();
    common::fixture_as_git_from(&fixture("scraper"), &origin);
    let url = format!("file://{}", origin.display());
    let cache = tmp.path().join("cache");
    let cloned = scan_json(&[&url, "--cache-dir", cache.to_str().unwrap()]);
    assert_eq!(cloned["repo_config"], "report");
    let r = &cloned["repos"][0];
    assert_eq!(r["checklist"]["score"], expected);
    assert_eq!(r["statements"]["ignore"]["devops.ci"], "not my focus");
}

#[test]
fn trust_in_a_cohort_applies_the_files_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("class.txt");
    std::fs::write(
        &list,
        format!(
            "Sam  {}\nAda  {}\n",
            fixture("scraper").display(),
            fixture("classmate").display()
        ),
    )
    .unwrap();
    let report = scan_json(&["--repos-file", list.to_str().unwrap()]);
    let trusted = scan_json(&[
        "--repos-file",
        list.to_str().unwrap(),
        "--repo-config",
        "trust",
    ]);
    assert_eq!(trusted["repo_config"], "trust");
    let sam = |json: &Value| {
        json["cohort"]["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["label"] == "Sam")
            .unwrap()["score"]
            .as_u64()
            .unwrap()
    };
    assert!(
        sam(&trusted) > sam(&report),
        "{} vs {}",
        sam(&trusted),
        sam(&report)
    );
    assert_eq!(repo(&trusted, "scraper")["statements"]["applied"], true);
    assert!(!trusted["portfolio"]["checklist"]["ignored"]
        .as_array()
        .unwrap()
        .is_empty());
    // `ignore` does not even read it.
    let ignored = scan_json(&[
        "--repos-file",
        list.to_str().unwrap(),
        "--repo-config",
        "ignore",
    ]);
    assert!(repo(&ignored, "scraper")["statements"].is_null());
    assert_eq!(sam(&ignored), sam(&report));
}

#[test]
fn a_malformed_or_oversized_file_is_a_note_not_a_failed_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    copy_tree(&fixture("classmate"), &broken);
    std::fs::write(
        broken.join("portfolio-audit.toml"),
        "[ignore]\n\"testing.unit\" = \"not mine\"\n\"web.telepathy\" = \"trust me\"\n[grades]\nme = \"A\"\n",
    )
    .unwrap();
    let big = tmp.path().join("big");
    std::fs::create_dir_all(&big).unwrap();
    copy_tree(&fixture("classmate"), &big);
    let mut text = String::from("[self_report]\n");
    for i in 0..2000 {
        text.push_str(&format!("item{i} = \"done, and done again, and again\"\n"));
    }
    std::fs::write(big.join("portfolio-audit.toml"), text).unwrap();
    let run = cli(&[
        "scan",
        broken.to_str().unwrap(),
        big.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    let json: Value = serde_json::from_str(&run.out).unwrap();
    let notes = |name: &str| -> Vec<String> {
        repo(&json, name)["notes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["path"] == "portfolio-audit.toml")
            .map(|n| n["message"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        notes("broken"),
        [
            "line 3: [ignore]: unknown competency `web.telepathy`",
            "line 4: unknown table `grades` (expected self_report, claims or ignore)"
        ]
    );
    // What could be read is still shown.
    assert_eq!(
        repo(&json, "broken")["statements"]["ignore"]["testing.unit"],
        "not mine"
    );
    let big_notes = notes("big");
    assert_eq!(big_notes.len(), 1, "{big_notes:?}");
    assert!(
        big_notes[0].starts_with("not read: ") && big_notes[0].contains("over the 16384 bytes"),
        "{big_notes:?}"
    );
    assert!(repo(&json, "big")["statements"].is_null());
}

#[test]
fn diff_tells_a_configuration_change_from_a_code_change_and_gates_it() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = history_repo("ignores-added", tmp.path());
    let (base, head) = (ids[0].to_string(), ids[1].to_string());
    let run = cli(&[
        "diff",
        tmp.path().to_str().unwrap(),
        "--base",
        &base,
        "--head",
        &head,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    let d: Value = serde_json::from_str(&run.out).unwrap();
    assert!(d["score"]["change"].as_i64().unwrap() > 0, "{}", d["score"]);
    assert_eq!(d["score"]["by_code"], 0);
    assert_eq!(d["score"]["by_config"], d["score"]["change"]);
    assert!(d["competencies"].as_array().unwrap().is_empty());
    // The same items a scan of the head says it ignores.
    let scanned = scan_json(&[tmp.path().to_str().unwrap(), "--rev", &head]);
    let ignored = scanned["portfolio"]["checklist"]["ignored"]
        .as_array()
        .unwrap();
    assert_eq!(
        &d["config"]["ignored"],
        &scanned["portfolio"]["checklist"]["ignored"]
    );
    let repo_name = scanned["repos"][0]["name"].as_str().unwrap();
    assert!(d["config"]["added"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| *s == format!("{repo_name}: ignore devops.ci (not my focus)")));
    assert_eq!(d["regression"], true);

    let md = cli(&[
        "diff",
        tmp.path().to_str().unwrap(),
        "--base",
        &base,
        "--head",
        &head,
        "--format",
        "markdown",
    ]);
    assert!(md.out.contains("### Configuration, not code"), "{}", md.out);
    assert!(md.out.contains("by configuration"), "{}", md.out);

    let gate = cli(&[
        "diff",
        tmp.path().to_str().unwrap(),
        "--base",
        &base,
        "--head",
        &head,
        "--fail-on-regression",
    ]);
    assert_eq!(gate.code, 1, "{}{}", gate.out, gate.err);
    assert!(
        gate.err.contains(&format!(
            "{} items newly ignored by portfolio-audit.toml",
            ignored.len()
        )),
        "{}",
        gate.err
    );
}

fn asyncio_level(json: &Value) -> u64 {
    json["repos"][0]["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "async.asyncio")
        .unwrap()["level"]
        .as_u64()
        .unwrap()
}

#[test]
fn a_students_mailmap_cannot_make_the_templates_code_theirs() {
    let tmp = tempfile::tempdir().unwrap();
    let student = tmp.path().join("student");
    history_repo("mailmap-takes-template", &student);
    // In a cohort (a repos file), the repository's .mailmap is reported, not applied.
    let list = tmp.path().join("class.txt");
    std::fs::write(&list, format!("Sam  {}\n", student.display())).unwrap();
    let cohort = scan_json(&[
        "--repos-file",
        list.to_str().unwrap(),
        "--author",
        "sam@example.com",
    ]);
    assert_eq!(
        asyncio_level(&cohort),
        0,
        "the template's async code is not Sam's"
    );
    let merged = &cohort["repos"][0]["authorship"]["merged"];
    assert_eq!(
        merged[0]["identity"],
        "Course Template <template@example.com>"
    );
    assert_eq!(merged[0]["counted"], false);
    assert!(merged[0]["lines"].as_u64().unwrap() >= 10, "{merged}");
    let text = cli(&[
        "scan",
        "--repos-file",
        list.to_str().unwrap(),
        "--author",
        "sam@example.com",
    ]);
    // Said before trusting the levels (wrapped at words in the terminal).
    let words = text.out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("the repository's .mailmap merges Course Template <template@example.com>"),
        "{}",
        text.out
    );
    assert!(words.contains("not counted (--repo-config report)"));

    // The mentor's own mailmap always applies.
    let mentor = tmp.path().join("mentor.mailmap");
    std::fs::write(
        &mentor,
        "Sam Student <sam@example.com> Course Template <template@example.com>\n",
    )
    .unwrap();
    let with_mentors = scan_json(&[
        "--repos-file",
        list.to_str().unwrap(),
        "--author",
        "sam@example.com",
        "--mailmap",
        mentor.to_str().unwrap(),
    ]);
    assert!(asyncio_level(&with_mentors) >= 1);

    // Auditing their own checkout, the learner's .mailmap is theirs to use.
    let own = scan_json(&[student.to_str().unwrap(), "--author", "sam@example.com"]);
    assert!(asyncio_level(&own) >= 1);
    assert_eq!(own["repos"][0]["authorship"]["merged"][0]["counted"], true);
}
