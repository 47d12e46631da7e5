//! A cohort spread over machines: `scan --shard K/N` audits a slice of the
//! repositories, and `merge` puts the slices back together, byte for byte
//! the report of one run over all the inputs, in every format.

mod common;

use common::{cli, root, Run};
use std::path::{Path, PathBuf};

/// Runs the CLI and checks its exit code.
fn run(args: &[&str], code: u8) -> Run {
    let r = cli(args);
    assert_eq!(r.code, code, "{args:?}: {}", r.err);
    r
}

/// `scan ARGS --shard K/N --format json` for K = 1..N, each written to a file.
fn shards(args: &[&str], n: u32, code: u8, dir: &Path) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let file = dir.join(format!("shard-{k}-of-{n}.json"));
            let shard = format!("{k}/{n}");
            let mut all = args.to_vec();
            all.extend([
                "--shard",
                &shard,
                "--format",
                "json",
                "-q",
                "-o",
                file.to_str().unwrap(),
            ]);
            // A shard without a failed repository exits 0.
            let r = cli(&all);
            assert!(r.code == 0 || r.code == code, "{all:?}: {}", r.err);
            file
        })
        .collect()
}

/// `merge FILES --format FORMAT`, to standard output.
fn merge(files: &[PathBuf], format: &str, code: u8) -> String {
    let mut args = vec!["merge", "--format", format];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    run(&args, code).out
}

/// `scan ARGS --format FORMAT`, to standard output.
fn single(args: &[&str], format: &str, code: u8) -> String {
    let mut all = args.to_vec();
    all.extend(["--format", format, "-q"]);
    run(&all, code).out
}

/// For each N, shards merged give the single run's JSON; for the last N,
/// every other format too (listed in another order than K's).
fn merges_to_a_single_run(args: &[&str], ns: &[u32], code: u8) {
    let dir = tempfile::tempdir().unwrap();
    let whole = single(args, "json", code);
    for &n in ns {
        let files = shards(args, n, code, dir.path());
        assert_eq!(merge(&files, "json", code), whole, "{n} shards of {args:?}");
        let doc: serde_json::Value = serde_json::from_str(&whole).unwrap();
        assert!(doc.get("shard").is_none(), "a merged report is one run's");
    }
    let mut files = shards(args, *ns.last().unwrap(), code, dir.path());
    files.reverse();
    for format in ["text", "markdown", "csv", "html"] {
        assert_eq!(
            merge(&files, format, code),
            single(args, format, code),
            "{format}"
        );
    }
}

fn portfolio() -> String {
    root().join("fixtures/portfolio").display().to_string()
}

#[test]
fn the_fixture_portfolio_in_1_2_3_and_7_shards_merges_to_one_run() {
    // Seven shards for six repositories: some shards are empty.
    merges_to_a_single_run(
        &[&["scan"], &[portfolio().as_str()][..]].concat(),
        &[1, 2, 3, 7],
        0,
    );
}

/// A class list: students with one or two repositories, an unlabeled one,
/// a repository with its own portfolio-audit.toml, and a URL that cannot be
/// fetched.
fn class_list(dir: &Path) -> PathBuf {
    let p = |rel: &str| root().join(rel).display().to_string();
    let text = format!(
        "# class of 2026\n\
         Ada Lovelace     {}\n\
         Grace Hopper     {}\n\
         Ada Lovelace     {}\n\
         {}\n\
         Alan Turing      {}\n\
         Grace Hopper     {}\n\
         Mary Jackson     {}\n\
         Mary Jackson     file://{}/nowhere.git\n",
        p("fixtures/portfolio/flask-blog"),
        p("fixtures/portfolio/django-shop"),
        p("fixtures/portfolio/fastapi-service"),
        p("fixtures/portfolio/messy-first-project"),
        p("fixtures/portfolio/data-ml-project"),
        p("fixtures/repo-config/scraper"),
        p("fixtures/portfolio/calculator-and-todo"),
        dir.display(),
    );
    let file = dir.join("class.txt");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn a_labeled_class_list_merges_to_one_run_with_its_cohort() {
    let dir = tempfile::tempdir().unwrap();
    let class = class_list(dir.path());
    let cache = dir.path().join("cache");
    let (class, cache) = (class.to_str().unwrap(), cache.to_str().unwrap());
    let args = ["scan", "--repos-file", class, "--cache-dir", cache];
    let whole: serde_json::Value = serde_json::from_str(&single(&args, "json", 3)).unwrap();
    assert_eq!(whole["cohort"]["students"].as_array().unwrap().len(), 4);
    assert!(whole["portfolio"]["checklist"]["ignore_requests"].is_array());
    // The repository's own file shown, not applied (a class list), and applied.
    merges_to_a_single_run(&args, &[1, 2, 3, 7], 3);
    let trusted = [&args[..], &["--repo-config", "trust"]].concat();
    let doc: serde_json::Value = serde_json::from_str(&single(&trusted, "json", 3)).unwrap();
    assert!(doc["portfolio"]["checklist"]["measured_score"].is_u64());
    merges_to_a_single_run(&trusted, &[3], 3);
}

#[test]
fn a_repository_keeps_its_shard_when_other_inputs_come_and_go() {
    let dir = tempfile::tempdir().unwrap();
    let names = |args: &[&str], k: u32| -> Vec<String> {
        let shard = format!("{k}/3");
        let mut all = args.to_vec();
        all.extend(["--shard", &shard]);
        let doc = common::scan_json(&all);
        doc["repos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    let p = portfolio();
    let more = dir.path().join("more");
    common::copy_tree(&root().join("fixtures/repo-config"), {
        std::fs::create_dir(&more).unwrap();
        &more
    });
    let mut seen = 0;
    for k in 1..=3 {
        let alone = names(&[p.as_str()], k);
        let with_more = names(&[p.as_str(), more.to_str().unwrap()], k);
        assert!(
            alone.iter().all(|n| with_more.contains(n)),
            "shard {k}: {alone:?} then {with_more:?}"
        );
        seen += alone.len();
    }
    assert_eq!(seen, 6, "each repository in exactly one shard");
}

#[test]
fn a_saved_report_renders_again_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = portfolio();
    let file = dir.path().join("report.json");
    std::fs::write(&file, single(&["scan", &p], "json", 0)).unwrap();
    for format in ["json", "markdown", "html", "csv", "text"] {
        assert_eq!(
            merge(std::slice::from_ref(&file), format, 0),
            single(&["scan", &p], format, 0),
            "{format}"
        );
    }
}

#[test]
fn shards_that_are_not_one_whole_run_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = portfolio();
    let three = shards(&["scan", &p], 3, 0, dir.path());
    let two = shards(&["scan", &p], 2, 0, dir.path());
    let whole = dir.path().join("whole.json");
    std::fs::write(&whole, single(&["scan", &p], "json", 0)).unwrap();
    let refused = |files: &[&PathBuf], extra: &[&str], says: &str| {
        let mut args = vec!["merge"];
        args.extend(files.iter().map(|f| f.to_str().unwrap()));
        args.extend(extra);
        let r = run(&args, 2);
        assert!(r.err.contains(says), "{args:?}: {}", r.err);
        assert!(r.out.is_empty());
    };
    refused(&[&three[0], &three[2]], &[], "shard 2 of 3 missing");
    refused(
        &[&three[0], &three[1], &three[1], &three[2]],
        &[],
        "shard 2/3 is given twice",
    );
    refused(&[&three[0], &two[1]], &[], "the number of shards differs");
    refused(&[&whole, &three[0]], &[], "not a shard's report");
    refused(
        &[&three[0], &three[1], &three[2]],
        &["--roadmap", "backend-and-ai"],
        "give merge the same --roadmap as the scans",
    );
    // The same shards, in any order, merge.
    run(
        &[
            "merge",
            three[2].to_str().unwrap(),
            three[0].to_str().unwrap(),
            three[1].to_str().unwrap(),
        ],
        0,
    );
}
