//! Repository URLs (cloned into a cache folder and fetched again on the next
//! run), repos files with labels, and the cohort view. No network: origins
//! are git repositories made at run time and read through `file://` URLs;
//! unreachable URLs point at nothing or at a closed local port.

mod common;

use common::{cli, commit_all, fixture, fixture_as_git, level, scan_json, Run};
use std::path::{Path, PathBuf};

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The entries of a cache folder, by name, but for the store of audits
/// kept beside the clones (`audits.sqlite`, with its log).
fn cache_entries(cache: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(cache)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.retain(|p| {
        !p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("audits.sqlite"))
    });
    entries.sort();
    entries
}

/// A fixture committed as a git repository in a folder named `name`, to
/// clone from (the repository's name in reports comes from it).
fn origin(fixture_name: &str, name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::create_dir(&path).unwrap();
    fixture_as_git(fixture_name, &path);
    (dir, path)
}

/// `scan ARGS --cache-dir CACHE`.
fn scan_cached(cache: &Path, args: &[&str]) -> Run {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.extend(["--cache-dir", cache.to_str().unwrap()]);
    cli(&all)
}

fn json_of(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.out).unwrap_or_else(|e| panic!("{e}: {}\n{}", run.out, run.err))
}

#[test]
fn a_url_is_cloned_into_the_cache_and_updated_on_the_next_run() {
    let origin = tempfile::tempdir().unwrap();
    let repo = fixture_as_git("calculator-and-todo", origin.path());
    let cache = tempfile::tempdir().unwrap();
    let url = file_url(origin.path());
    let cache_arg = cache.path().to_str().unwrap();
    let name = origin.path().file_name().unwrap().to_str().unwrap();

    let first = scan_json(&[&url, "--cache-dir", cache_arg]);
    let head = repo
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
        .to_string();
    assert_eq!(first["repos"][0]["revision"], head);
    assert_eq!(first["repos"][0]["source"], url);
    assert_eq!(level(&first, name, "async.asyncio"), 0);
    let entries = cache_entries(cache.path());
    assert_eq!(entries.len(), 1, "one clone: {entries:?}");
    let clone = git2::Repository::open_bare(&entries[0]).expect("the cache holds a bare clone");
    assert_eq!(
        clone
            .head()
            .unwrap()
            .peel_to_commit()
            .unwrap()
            .id()
            .to_string(),
        head
    );
    // A file the next run must keep: proof that it fetches into the clone
    // rather than cloning again.
    std::fs::write(entries[0].join("kept-by-the-update"), "").unwrap();

    std::fs::write(
        origin.path().join("worker.py"),
        "import asyncio\n\nasync def main():\n    await asyncio.sleep(0)\n\nasyncio.run(main())\n",
    )
    .unwrap();
    let new_head = commit_all(
        &repo,
        "Run the reminders in an event loop",
        ("Learner", "learner@example.com"),
        1,
    );
    let second = scan_json(&[&url, "--cache-dir", cache_arg]);
    assert_eq!(second["repos"][0]["revision"], new_head.to_string());
    assert!(
        level(&second, name, "async.asyncio") >= 1,
        "the new commit is seen: {}",
        common::competency(&second, name, "async.asyncio")
    );
    assert_eq!(second["repos"][0]["history"]["commits"], 2);
    assert_eq!(cache_entries(cache.path()), entries, "the same clone");
    assert!(entries[0].join("kept-by-the-update").exists());
}

#[test]
fn the_remote_default_branch_is_read_unless_rev_names_another() {
    let origin = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(origin.path()).unwrap();
    repo.set_head("refs/heads/main").unwrap();
    std::fs::write(origin.path().join("app.py"), "print('hi')\n").unwrap();
    let main = commit_all(&repo, "Start the app", ("A", "a@x.org"), 0);
    repo.branch("feature", &repo.find_commit(main).unwrap(), false)
        .unwrap();
    repo.set_head("refs/heads/feature").unwrap();
    std::fs::write(
        origin.path().join("test_app.py"),
        "def test_one():\n    assert 1 == 1\n",
    )
    .unwrap();
    let feature = commit_all(&repo, "Add a first test", ("A", "a@x.org"), 1);
    repo.set_head("refs/heads/main").unwrap();

    let cache = tempfile::tempdir().unwrap();
    let url = file_url(origin.path());
    let cache_arg = cache.path().to_str().unwrap();
    let name = origin.path().file_name().unwrap().to_str().unwrap();
    let default = scan_json(&[&url, "--cache-dir", cache_arg]);
    assert_eq!(default["repos"][0]["revision"], main.to_string());
    assert_eq!(level(&default, name, "testing.unit"), 0);
    let at_feature = scan_json(&[&url, "--cache-dir", cache_arg, "--rev", "feature"]);
    assert_eq!(at_feature["repos"][0]["revision"], feature.to_string());
    assert!(level(&at_feature, name, "testing.unit") >= 1);

    let run = scan_cached(cache.path(), &[&url, "--rev", "no-such-branch"]);
    assert_eq!(run.code, 3, "{}", run.err);
    assert!(run.err.contains("no-such-branch"), "{}", run.err);
}

#[test]
fn unreachable_urls_are_errors_and_the_others_are_reported() {
    let origin = tempfile::tempdir().unwrap();
    fixture_as_git("flask-blog", origin.path());
    let cache = tempfile::tempdir().unwrap();
    let good = file_url(origin.path());
    let missing = "file:///nonexistent/repo.git";
    // Port 9 (discard) is closed: the connection is refused at once.
    let refused = "https://127.0.0.1:9/x.git";
    // Refused too, which shows the ssh transport is built in (not "unsupported").
    let refused_ssh = "ssh://git@127.0.0.1:9/ada/y.git";
    let run = scan_cached(
        cache.path(),
        &[&good, missing, refused, refused_ssh, "--format", "json"],
    );
    assert_eq!(run.code, 3, "{}", run.err);
    let json = json_of(&run);
    let repos = json["repos"].as_array().unwrap();
    assert_eq!(repos.len(), 4);
    assert!(repos[0]["error"].is_null(), "{}", repos[0]["error"]);
    assert!(level(&json, repos[0]["name"].as_str().unwrap(), "web.flask") >= 1);
    for (repo, url) in [
        (&repos[1], missing),
        (&repos[2], refused),
        (&repos[3], refused_ssh),
    ] {
        let error = repo["error"].as_str().unwrap_or_default();
        assert!(error.starts_with(&format!("{url}: ")), "{error}");
        assert!(error.len() > url.len() + 2, "a reason follows: {error}");
        assert!(run.err.contains(url), "{}", run.err);
    }
    for repo in &repos[2..] {
        let error = repo["error"].as_str().unwrap();
        assert!(error.contains("Connection refused"), "{error}");
    }
}

/// A local HTTP server that answers every request with 401, as GitHub does
/// for a private or missing repository; it serves until the test ends.
fn server_asking_for_credentials() -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let _ = (&stream).write_all(
                b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn a_private_repository_fails_at_once_without_asking_for_credentials() {
    let server = server_asking_for_credentials();
    let cache = tempfile::tempdir().unwrap();
    let url = format!("{server}/ada/private.git");
    let started = std::time::Instant::now();
    let run = scan_cached(cache.path(), &[&url, "--format", "json"]);
    assert_eq!(run.code, 3, "{}", run.err);
    let json = json_of(&run);
    let error = json["repos"][0]["error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!("{url}: authentication required")),
        "{error}"
    );
    assert!(run.err.contains("authentication required"), "{}", run.err);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(
        cache_entries(cache.path()).is_empty(),
        "no half clone is left"
    );
}

#[test]
fn credentials_in_a_url_are_never_printed() {
    let cache = tempfile::tempdir().unwrap();
    let run = scan_cached(
        cache.path(),
        &[
            "https://learner:s3cret-token@127.0.0.1:9/ada/portfolio.git",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 3, "{}", run.err);
    assert!(!run.out.contains("s3cret") && !run.err.contains("s3cret"));
    assert!(
        run.err.contains("https://127.0.0.1:9/ada/portfolio.git"),
        "{}",
        run.err
    );
}

#[test]
fn a_failed_update_reads_the_earlier_clone_with_a_warning() {
    let (_dir, origin) = origin("django-shop", "shop");
    let cache = tempfile::tempdir().unwrap();
    let url = file_url(&origin);
    let cache_arg = cache.path().to_str().unwrap();
    let first = scan_json(&[&url, "--cache-dir", cache_arg]);
    std::fs::remove_dir_all(&origin).unwrap();

    let run = scan_cached(cache.path(), &[&url, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(
        run.err.contains("warning:") && run.err.contains("not updated"),
        "{}",
        run.err
    );
    let json = json_of(&run);
    assert_eq!(json["repos"][0]["revision"], first["repos"][0]["revision"]);
    assert!(level(&json, "shop", "web.django") >= 1);
    assert!(
        json["repos"][0]["notes"]
            .to_string()
            .contains("not updated"),
        "{}",
        json["repos"][0]["notes"]
    );

    let quiet = scan_cached(cache.path(), &[&url, "--quiet"]);
    assert_eq!(quiet.code, 0);
    assert_eq!(quiet.err, "", "--quiet silences warnings");
}

#[test]
fn depth_falls_back_to_a_whole_clone_over_file_urls() {
    let origin = tempfile::tempdir().unwrap();
    let repo = fixture_as_git("calculator-and-todo", origin.path());
    std::fs::write(origin.path().join("extra.py"), "x = 1\n").unwrap();
    commit_all(&repo, "Add an extra module", ("A", "a@x.org"), 2);
    let cache = tempfile::tempdir().unwrap();
    let json = scan_json(&[
        &file_url(origin.path()),
        "--cache-dir",
        cache.path().to_str().unwrap(),
        "--depth",
        "1",
    ]);
    assert!(json["repos"][0]["error"].is_null());
    assert_eq!(json["repos"][0]["history"]["commits"], 2);
}

#[test]
fn the_default_cache_is_under_the_user_cache_folder() {
    let origin = tempfile::tempdir().unwrap();
    fixture_as_git("calculator-and-todo", origin.path());
    let xdg = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("portfolio-audit")
        .unwrap()
        .env("XDG_CACHE_HOME", xdg.path())
        .args(["scan", &file_url(origin.path()), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let entries = cache_entries(&xdg.path().join("portfolio-audit/repos"));
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].to_string_lossy().ends_with(".git"));
}

/// A repos file in `dir` with these lines.
fn repos_file(dir: &Path, lines: &[String]) -> PathBuf {
    let path = dir.join("class.txt");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn a_repos_file_labels_every_report_and_a_broken_entry_is_named() {
    let (_dir, blog) = origin("flask-blog", "blog");
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let broken = "file:///nonexistent/ada/shop.git";
    let file = repos_file(
        dir.path(),
        &[
            "# class of 2026".into(),
            format!("Ada Lovelace  {}", file_url(&blog)),
            format!("Ada Lovelace\t{broken}   # moved?"),
            String::new(),
            format!("Grace Hopper    {}", fixture("django-shop").display()),
        ],
    );
    let file_arg = file.to_str().unwrap();
    let run = scan_cached(
        cache.path(),
        &["--repos-file", file_arg, "--format", "json"],
    );
    assert_eq!(run.code, 3, "{}", run.err);
    assert!(run.err.contains(broken), "{}", run.err);
    let json = json_of(&run);
    let repos = json["repos"].as_array().unwrap();
    let summary: Vec<(String, String, bool)> = repos
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap_or("").to_string(),
                r["name"].as_str().unwrap_or("").to_string(),
                r["error"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Ada Lovelace".into(), "blog".into(), true),
            ("Ada Lovelace".into(), "shop".into(), false),
            ("Grace Hopper".into(), "django-shop".into(), true),
        ]
    );
    assert!(repos[1]["error"].as_str().unwrap().starts_with(broken));

    let text = scan_cached(cache.path(), &["--repos-file", file_arg, "--all"]);
    assert!(text.out.contains("Ada Lovelace: blog ("), "{}", text.out);
    assert!(
        text.out.contains("Grace Hopper: django-shop ("),
        "{}",
        text.out
    );
    let csv = scan_cached(cache.path(), &["--repos-file", file_arg, "--format", "csv"]);
    assert!(
        csv.out.starts_with("repository,label,error,"),
        "{}",
        csv.out
    );
    assert!(csv.out.contains("\nblog,Ada Lovelace,,"), "{}", csv.out);
    let md = scan_cached(
        cache.path(),
        &["--repos-file", file_arg, "--format", "markdown"],
    );
    assert!(md.out.contains("- Ada Lovelace · **blog**"), "{}", md.out);
    assert!(md.out.contains("### Cohort (2 students)"), "{}", md.out);
}

#[test]
fn a_malformed_repos_file_line_is_named_and_nothing_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let file = repos_file(
        dir.path(),
        &[
            format!("Ada  {}", fixture("flask-blog").display()),
            "# Grace's line below has her name split by two spaces".into(),
            format!("Grace  Hopper  {}", fixture("django-shop").display()),
        ],
    );
    let run = cli(&["scan", "--repos-file", file.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.err);
    assert!(
        run.err.contains(&format!("{}:3: ", file.display())),
        "{}",
        run.err
    );
    assert_eq!(run.out, "");
}

#[test]
fn a_missing_path_outranks_an_unreachable_url_in_the_exit_code() {
    let cache = tempfile::tempdir().unwrap();
    let run = scan_cached(
        cache.path(),
        &["/no/such/folder", "file:///nonexistent/repo.git"],
    );
    assert_eq!(run.code, 2, "{}", run.err);
    assert!(
        run.err.contains("/no/such/folder") && run.err.contains("file:///nonexistent/repo.git")
    );
}

#[test]
fn a_bad_url_on_the_command_line_is_a_usage_error() {
    let run = cli(&["scan", "ftp://example.org/ada/portfolio"]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("unsupported URL scheme"), "{}", run.err);
}

/// Status of each checklist item in a scan's JSON.
fn met_items(json: &serde_json::Value) -> Vec<String> {
    json["portfolio"]["checklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "met")
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_cohort_scores_each_student_over_their_own_repositories() {
    let students: [(&str, &[&str]); 3] = [
        ("Ada Lovelace", &["flask-blog", "data-ml-project"]),
        ("Grace Hopper", &["django-shop"]),
        ("Alan Turing", &["calculator-and-todo"]),
    ];
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = students
        .iter()
        .flat_map(|(label, repos)| {
            repos
                .iter()
                .map(move |r| format!("{label}    {}", fixture(r).display()))
        })
        .collect();
    let file = repos_file(dir.path(), &lines);
    let file_arg = file.to_str().unwrap();
    let with_jobs = |n: &str| {
        cli(&[
            "scan",
            "--repos-file",
            file_arg,
            "--format",
            "json",
            "--jobs",
            n,
        ])
    };
    let cohort_run = with_jobs("1");
    assert_eq!(cohort_run.code, 0, "{}", cohort_run.err);
    let json = json_of(&cohort_run);
    let cohort = &json["cohort"];
    let listed: Vec<&str> = cohort["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["Ada Lovelace", "Grace Hopper", "Alan Turing"]);

    // Each student scanned alone gives the same score and the same met items.
    let mut met_by: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (i, (label, repos)) in students.iter().enumerate() {
        let paths: Vec<String> = repos
            .iter()
            .map(|r| fixture(r).display().to_string())
            .collect();
        let mut args: Vec<&str> = paths.iter().map(String::as_str).collect();
        args.extend(["--jobs", "1"]);
        let alone = scan_json(&args);
        let student = &cohort["students"][i];
        assert_eq!(
            student["score"], alone["portfolio"]["checklist"]["score"],
            "{label}"
        );
        assert_eq!(student["repos"].as_array().unwrap().len(), repos.len());
        let gaps = student["gaps"].as_array().unwrap();
        assert_eq!(gaps.len(), 3, "{label}");
        for g in gaps {
            assert!(g["status"] == "missing" || g["status"] == "partial", "{g}");
        }
        for id in met_items(&alone) {
            met_by.entry(id).or_default().push(label.to_string());
        }
    }
    let items = cohort["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for item in items {
        let id = item["id"].as_str().unwrap();
        let expected = met_by.get(id).cloned().unwrap_or_default();
        let got: Vec<String> = item["met_by"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, expected, "{id}");
        assert_eq!(item["met"], expected.len(), "{id}");
    }
    assert!(
        items.iter().any(|i| i["met"] == 1) && items.iter().any(|i| i["met"] == 3),
        "the cohort differs item by item"
    );

    let four = with_jobs("4");
    assert!(
        four.out == cohort_run.out,
        "JSON differs between --jobs 1 and --jobs 4"
    );
    let text = cli(&["scan", "--repos-file", file_arg]);
    assert!(text.out.starts_with("Cohort: 3 students"), "{}", text.out);
}

#[test]
fn unlabeled_scans_have_no_cohort() {
    let json = scan_json(&[
        fixture("flask-blog").to_str().unwrap(),
        fixture("django-shop").to_str().unwrap(),
    ]);
    assert!(json.get("cohort").is_none());
    assert!(json["repos"][0].get("label").is_none());
}

#[test]
fn an_empty_repository_is_a_note_not_an_error() {
    let origin = tempfile::tempdir().unwrap();
    let path = origin.path().join("empty.git");
    git2::Repository::init_bare(&path).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let url = file_url(&path);
    for extra in [&[][..], &["--author", "ada@example.com"][..]] {
        let mut args = vec![url.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        let run = scan_cached(cache.path(), &args);
        assert_eq!(run.code, 0, "{extra:?}: {}", run.err);
        let json = json_of(&run);
        let repo = &json["repos"][0];
        assert_eq!(repo["name"], "empty");
        assert!(repo["error"].is_null(), "{repo}");
        assert_eq!(
            repo["notes"][0]["message"],
            "the repository is empty (no commits yet): nothing to audit"
        );
        assert!(
            run.err
                .starts_with(&format!("warning: empty: {url}: the repository is empty")),
            "{}",
            run.err
        );
    }
    assert!(cache_entries(cache.path()).is_empty(), "nothing is cached");
}
