//! The persistent cache of audits: a warm run prints what a cold run
//! prints, reuses what did not change and nothing that did, survives a
//! damaged or truncated store (with a warning), a process killed while it
//! writes, two processes at once, and stays under its size.

mod common;

use common::{cli, commit_all, copy_tree, root};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const STORE: &str = "audits.sqlite";

/// `scan ARGS --cache-dir CACHE --format FORMAT`: exit code 0, its output and stderr.
fn scan(cache: &Path, args: &[&str], format: &str) -> (String, String) {
    let mut all = vec!["scan", "--cache-dir", cache.to_str().unwrap()];
    all.extend_from_slice(args);
    all.extend(["--format", format]);
    let r = cli(&all);
    assert_eq!(r.code, 0, "{all:?}: {}", r.err);
    (r.out, r.err)
}

/// The same scan without the cache.
fn uncached(args: &[&str], format: &str) -> String {
    let mut all = vec!["scan", "--no-cache"];
    all.extend_from_slice(args);
    all.extend(["--format", format, "-q"]);
    let r = cli(&all);
    assert_eq!(r.code, 0, "{all:?}: {}", r.err);
    r.out
}

fn portfolio() -> String {
    root().join("fixtures/portfolio").display().to_string()
}

/// Every entry of `kind` (`repo`: a repository's report, `file`: a file's
/// analysis), rewritten by `edit` with a checksum that holds: what a run
/// then prints shows whether it read the cache.
fn rewrite_entries(cache: &Path, kind: &str, edit: impl Fn(&mut serde_json::Value)) -> usize {
    let conn = Connection::open(cache.join(STORE)).unwrap();
    let rows: Vec<(String, Vec<u8>)> = {
        let mut stmt = conn
            .prepare("SELECT key, value FROM payloads JOIN entries USING (key) WHERE kind = ?1")
            .unwrap();
        stmt.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    for (key, value) in &rows {
        let mut doc: serde_json::Value = serde_json::from_slice(value).unwrap();
        edit(&mut doc);
        let bytes = serde_json::to_vec(&doc).unwrap();
        let sum = blake3::hash(&bytes).to_hex().to_string();
        conn.execute(
            "UPDATE payloads SET value = ?2, checksum = ?3 WHERE key = ?1",
            rusqlite::params![key, bytes, sum],
        )
        .unwrap();
    }
    rows.len()
}

#[test]
fn a_warm_run_prints_what_a_cold_run_prints() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let p = portfolio();
    for format in ["json", "text", "markdown", "csv", "html"] {
        let cold = uncached(&[&p], format);
        let (first, _) = scan(&cache, &[&p, "-q"], format);
        let (warm, err) = scan(&cache, &[&p], format);
        assert_eq!(first, cold, "{format}: the run that fills the cache");
        assert_eq!(warm, cold, "{format}: the warm run");
        assert_eq!(
            err.trim_end(),
            "cache: 6 of 6 repositories unchanged",
            "{format}: the warm run says only what the cache gave"
        );
    }
}

#[test]
fn a_repository_is_audited_again_when_what_it_is_made_of_changes() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let work = dir.path().join("calc");
    std::fs::create_dir(&work).unwrap();
    let repo = common::fixture_as_git("calculator-and-todo", &work);
    let w = work.to_str().unwrap();
    let (cold, _) = scan(&cache, &[w, "-q"], "json");
    // A report kept is a report reused: an edited entry shows.
    assert_eq!(
        rewrite_entries(&cache, "repo", |r| r["stats"]["lines"] = 4242.into()),
        1
    );
    let (warm, _) = scan(&cache, &[w, "-q"], "json");
    assert!(warm.contains("4242") && !cold.contains("4242"), "reused");
    // A file edited in the working tree, then committed, then read at a revision.
    std::fs::write(
        work.join("extra.py"),
        "import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n",
    )
    .unwrap();
    let (edited, _) = scan(&cache, &[w, "-q"], "json");
    assert_eq!(edited, uncached(&[w], "json"), "an edited file");
    commit_all(&repo, "Add extra", ("Learner", "learner@example.com"), 1);
    let (committed, _) = scan(&cache, &[w, "-q"], "json");
    assert_eq!(committed, uncached(&[w], "json"), "a commit");
    for rev in ["HEAD~1", "HEAD"] {
        let (at, _) = scan(&cache, &[w, "--rev", rev, "-q"], "json");
        let (again, _) = scan(&cache, &[w, "--rev", rev, "-q"], "json");
        assert_eq!(at, uncached(&[w, "--rev", rev], "json"), "--rev {rev}");
        assert_eq!(again, at, "--rev {rev}, warm");
    }
    // Another --max-file-size is another audit.
    let (capped, _) = scan(&cache, &[w, "--max-file-size", "10", "-q"], "json");
    assert_eq!(capped, uncached(&[w, "--max-file-size", "10"], "json"));
}

#[test]
fn no_cache_reads_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let p = portfolio();
    let (_, _) = scan(&cache, &[&p, "--no-cache", "-q"], "json");
    assert!(!cache.join(STORE).exists());
}

/// A cold run fills the cache; `damage` harms the store; the next run
/// warns once that it discarded it, and prints what a cold run prints.
fn survives(damage: impl Fn(&Path), warning: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let p = portfolio();
    let cold = uncached(&[&p], "json");
    scan(&cache, &[&p, "-q"], "json");
    damage(&cache.join(STORE));
    let (out, err) = scan(&cache, &[&p], "json");
    assert_eq!(out, cold);
    match warning {
        Some(w) => assert!(
            err.contains(w) && warnings(&err).count() == 1,
            "expected one warning with {w:?}: {err}"
        ),
        None => assert_eq!(warnings(&err).count(), 0, "{err}"),
    }
    // Rebuilt: the next run reads it without a warning.
    let (again, err) = scan(&cache, &[&p], "json");
    assert_eq!(again, cold);
    assert_eq!(warnings(&err).count(), 0, "{err}");
    assert!(
        err.contains("cache: 6 of 6 repositories unchanged"),
        "{err}"
    );
    let entries: i64 = Connection::open(cache.join(STORE))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM entries WHERE kind = 'repo'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(entries, 6);
}

#[test]
fn garbage_in_place_of_the_store_is_discarded_and_rebuilt() {
    survives(
        |store| std::fs::write(store, vec![0x5A; 64 * 1024]).unwrap(),
        Some("is damaged"),
    );
}

#[test]
fn a_truncated_store_is_discarded_and_rebuilt() {
    survives(
        |store| {
            let len = std::fs::metadata(store).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(store).unwrap();
            f.set_len(len / 2).unwrap();
        },
        Some("is damaged"),
    );
}

#[test]
fn an_entry_that_does_not_match_its_checksum_is_audited_again() {
    survives(
        |store| {
            let conn = Connection::open(store).unwrap();
            conn.execute(
                "UPDATE payloads SET value = CAST('{\"name\": 1}' AS BLOB)
                 WHERE key = (SELECT min(key) FROM entries WHERE kind = 'repo')",
                [],
            )
            .unwrap();
        },
        Some("damaged entry"),
    );
}

#[test]
fn a_torn_write_ahead_log_is_ignored() {
    // What a process killed in the middle of a write may leave beside the store.
    survives(
        |store| {
            let mut wal = store.as_os_str().to_owned();
            wal.push("-wal");
            std::fs::write(PathBuf::from(wal), vec![0x37; 10_000]).unwrap();
        },
        None,
    );
}

/// `portfolio-audit scan INPUT --format json --cache-dir CACHE` in a process of its own.
fn spawn_scan(input: &str, cache: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_portfolio-audit"))
        .args(["scan", input, "--format", "json", "--cache-dir"])
        .arg(cache)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn processes_killed_while_they_write_leave_a_cache_that_works() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let p = portfolio();
    let cold = uncached(&[&p], "json");
    for wait in [40, 120, 250, 400] {
        let mut child = spawn_scan(&p, &cache);
        std::thread::sleep(std::time::Duration::from_millis(wait));
        let _ = child.kill(); // SIGKILL: no chance to tidy up
        let _ = child.wait();
        let (out, err) = scan(&cache, &[&p], "json");
        assert_eq!(out, cold, "after a kill at {wait} ms");
        assert!(!err.contains("damaged"), "{err}");
    }
}

#[test]
fn two_processes_share_one_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let p = portfolio();
    let cold = uncached(&[&p], "json");
    // Cold and cold, then warm and warm, then one of each: always at once.
    for round in 0..3 {
        if round == 2 {
            let conn = Connection::open(cache.join(STORE)).unwrap();
            conn.execute("DELETE FROM payloads WHERE rowid % 2 = 0", [])
                .unwrap();
        }
        let children: Vec<Child> = (0..2).map(|_| spawn_scan(&p, &cache)).collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "round {round}: {err}");
            assert_eq!(warnings(&err).count(), 0, "round {round}: {err}");
            assert_eq!(String::from_utf8_lossy(&out.stdout), cold, "round {round}");
        }
    }
}

#[test]
fn the_cache_stays_under_its_size_the_least_recently_used_going_first() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let p = portfolio();
    let work = dir.path().join("portfolio");
    std::fs::create_dir(&work).unwrap();
    copy_tree(Path::new(&p), &work);
    let bytes = || -> i64 {
        Connection::open(cache.join(STORE))
            .unwrap()
            .query_row("SELECT COALESCE(SUM(size), 0) FROM entries", [], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let (all, _) = scan(&cache, &[&p, "-q"], "json");
    let full = bytes();
    // The learner's own repositories, scanned last, stay; the oldest go.
    let (_, _) = scan(
        &cache,
        &[
            work.join("flask-blog").to_str().unwrap(),
            "-q",
            "--cache-max-size",
            "100K",
        ],
        "json",
    );
    let kept = bytes();
    assert!(kept > 0 && kept <= 100 * 1024, "{kept} of {full}");
    let names: Vec<String> = {
        let conn = Connection::open(cache.join(STORE)).unwrap();
        let mut stmt = conn
            .prepare("SELECT value FROM payloads JOIN entries USING (key) WHERE kind = 'repo'")
            .unwrap();
        stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))
            .unwrap()
            .map(|v| {
                let doc: serde_json::Value = serde_json::from_slice(&v.unwrap()).unwrap();
                doc["source"].as_str().unwrap().to_string()
            })
            .collect()
    };
    assert!(
        names.iter().any(|n| n.starts_with(work.to_str().unwrap())),
        "the most recent stays: {names:?}"
    );
    // And what is gone is audited again, the same.
    let (again, _) = scan(&cache, &[&p, "-q"], "json");
    assert_eq!(again, all);
}

#[test]
fn cache_info_and_clear_say_what_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let c = cache.to_str().unwrap();
    let none = cli(&["cache", "info", "--cache-dir", c]);
    assert_eq!(none.code, 0, "{}", none.err);
    assert!(none.out.contains("none kept yet"), "{}", none.out);
    scan(&cache, &[&portfolio(), "-q"], "json");
    let info = cli(&["cache", "info", "--cache-dir", c, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&info.out).unwrap();
    assert_eq!(doc["store"]["entries"]["repo"]["count"], 6);
    let files = doc["store"]["entries"]["file"]["count"].as_u64().unwrap();
    assert!(files > 6, "every file's analysis is kept: {files}");
    let text = cli(&["cache", "info", "--cache-dir", c]).out;
    assert!(
        text.contains(&format!(
            "6 repository reports and {files} file analyses kept"
        )),
        "{text}"
    );
    let cleared = cli(&["cache", "clear", "--cache-dir", c]);
    assert_eq!(cleared.code, 0, "{}", cleared.err);
    assert!(
        cleared.out.starts_with(&format!(
            "Removed 6 repository reports and {files} file analyses"
        )),
        "{}",
        cleared.out
    );
    let doc: serde_json::Value =
        serde_json::from_str(&cli(&["cache", "info", "--cache-dir", c, "--format", "json"]).out)
            .unwrap();
    assert_eq!(doc["store"]["bytes"], 0);
}

/// What a run printed on standard error besides the line about the cache.
fn warnings(err: &str) -> impl Iterator<Item = &str> {
    err.lines().filter(|l| !l.starts_with("cache: "))
}

/// (files' analyses reused, files) in the line a run prints on standard
/// error about the cache: `cache: 0 of 1 repositories unchanged; in the
/// others, 19 of 20 files' analyses reused`.
fn files_reused(err: &str) -> (u64, u64) {
    let line = err
        .lines()
        .find(|l| l.starts_with("cache: "))
        .unwrap_or_else(|| panic!("no cache line in: {err}"));
    let counts: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert_eq!(counts.len(), 4, "{line}");
    (counts[2], counts[3])
}

#[test]
fn a_changed_repository_reuses_the_analyses_of_its_unchanged_files() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let work = dir.path().join("blog");
    std::fs::create_dir(&work).unwrap();
    let repo = common::fixture_as_git("flask-blog", &work);
    let w = work.to_str().unwrap();
    let changed = work.join("wsgi.py");
    assert!(changed.exists());
    let edit = |n: u32| {
        let mut text = std::fs::read_to_string(&changed).unwrap();
        text.push_str(&format!("\n\ndef added_{n}():\n    return {n}\n"));
        std::fs::write(&changed, text).unwrap();
    };
    // A working tree, then a revision: one file changed each time, the
    // others' analyses reused, the changed one made again, and the report
    // the one a run without the cache prints.
    let rounds: [&[&str]; 2] = [&[w], &[w, "--rev", "HEAD"]];
    for (round, args) in rounds.into_iter().enumerate() {
        let (_, err) = scan(&cache, args, "json");
        let (reused, files) = files_reused(&err);
        assert!(files > 10 && reused < files, "round {round}: {err}");
        edit(round as u32);
        if round == 1 {
            commit_all(
                &repo,
                "Add a function",
                ("Learner", "learner@example.com"),
                2,
            );
        }
        let (warm, err) = scan(&cache, args, "json");
        assert!(
            err.contains("cache: 0 of 1 repositories unchanged"),
            "{err}"
        );
        assert_eq!(
            files_reused(&err),
            (files - 1, files),
            "round {round}: {err}"
        );
        assert_eq!(warm, uncached(args, "json"), "round {round}");
    }
}

#[test]
fn a_kept_analysis_is_not_reused_once_an_import_names_a_module_of_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let work = dir.path().join("app");
    std::fs::create_dir(&work).unwrap();
    std::fs::write(
        work.join("main.py"),
        "import flask\n\napp = flask.Flask(__name__)\n\n\n@app.route(\"/\")\ndef index():\n    return \"hi\"\n",
    )
    .unwrap();
    let w = work.to_str().unwrap();
    let (before, _) = scan(&cache, &[w, "-q"], "json");
    // main.py is unchanged, but `flask` is now the repository's own module.
    std::fs::write(work.join("flask.py"), "def Flask(name):\n    return name\n").unwrap();
    let (after, _) = scan(&cache, &[w, "-q"], "json");
    assert_eq!(after, uncached(&[w], "json"));
    // Its route is no longer Flask's.
    let route = "Flask route (flask.Flask().route)";
    assert!(before.contains(route), "{before}");
    assert!(!after.contains(route), "{after}");
}

#[test]
fn what_a_repository_may_decide_is_part_of_what_is_kept() {
    // The same tree under trust (its .gitattributes leaves a file out) and
    // under report (it does not): neither run may reuse the other's report
    // or analyses as they stand.
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let work = dir.path().join("app");
    std::fs::create_dir(&work).unwrap();
    std::fs::write(work.join(".gitattributes"), "pasted.py linguist-vendored\n").unwrap();
    std::fs::write(work.join("main.py"), "def run():\n    return 1\n").unwrap();
    std::fs::write(
        work.join("pasted.py"),
        "class Cache:\n    def get(self, key):\n        return key\n",
    )
    .unwrap();
    let w = work.to_str().unwrap();
    for _ in 0..2 {
        for policy in ["trust", "report"] {
            let args = [w, "--repo-config", policy];
            let (kept, _) = scan(&cache, &[w, "--repo-config", policy, "-q"], "json");
            assert_eq!(kept, uncached(&args, "json"), "--repo-config {policy}");
            let json: serde_json::Value = serde_json::from_str(&kept).unwrap();
            let not_counted = &json["repos"][0]["not_counted"];
            assert_eq!(
                not_counted
                    .as_array()
                    .is_some_and(|n| n.iter().any(|e| e["path"] == "pasted.py")),
                policy == "trust",
                "--repo-config {policy}: {not_counted}"
            );
        }
    }
}

#[test]
fn a_repository_read_alone_is_not_given_the_report_kept_from_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let folder = dir.path().join("class");
    for name in ["ada", "alan"] {
        std::fs::create_dir_all(folder.join(name)).unwrap();
        std::fs::write(folder.join(name).join("main.py"), "print('hi')\n").unwrap();
    }
    let f = folder.to_str().unwrap();
    let ada = folder.join("ada");
    let a = ada.to_str().unwrap();
    for args in [
        [f, "--repo-config", "report"],
        [a, "--repo-config", "report"],
    ] {
        let (kept, _) = scan(&cache, &[args[0], args[1], args[2], "-q"], "json");
        assert_eq!(kept, uncached(&args, "json"), "{args:?}");
    }
}

/// A folder with its own licence and metadata is someone else's copy only
/// when the rest of the repository uses it, which the analysis tells; when
/// nothing uses it, a warm run reuses its files' analyses.
#[test]
fn a_warm_run_reuses_a_folder_the_analysis_settled_as_the_learners() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let work = dir.path().join("shop");
    let files = [
        ("README.md", "# Shop\n"),
        (
            "app/main.py",
            "import json\n\n\ndef load(path):\n    return json.load(open(path))\n",
        ),
        (
            "demo/LICENSE",
            "MIT License\n\nCopyright (c) the demo's authors\n",
        ),
        (
            "demo/setup.py",
            "from setuptools import setup\n\nsetup(name=\"demo\")\n",
        ),
        ("demo/demo/__init__.py", "def hello():\n    return \"hi\"\n"),
    ];
    for (path, text) in files {
        let full = work.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let w = work.to_str().unwrap();
    scan(&cache, &[w], "json");
    let main = work.join("app/main.py");
    let mut text = std::fs::read_to_string(&main).unwrap();
    text.push_str("\n\ndef save(path, data):\n    json.dump(data, open(path, \"w\"))\n");
    std::fs::write(&main, text).unwrap();
    let (warm, err) = scan(&cache, &[w], "json");
    // Nothing uses the folder: its files count, their analyses from the cache.
    assert_eq!(files_reused(&err), (4, 5), "{err}");
    assert_eq!(warm, uncached(&[w], "json"));
    let doc: serde_json::Value = serde_json::from_str(&warm).unwrap();
    assert_eq!(doc["repos"][0]["stats"]["python_files"], 3);
}
