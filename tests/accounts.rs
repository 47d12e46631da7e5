//! Hosting accounts (`github:USER`, `gitlab:GROUP`): listed through a small
//! HTTP server on 127.0.0.1 that answers in GitHub's and GitLab's shapes
//! (pages through `Link` and `x-next-page`), whose repositories are bare
//! repositories made at run time and given as `file://` clone URLs. The
//! real binary runs with the API variables and tokens in its own
//! environment only. No network.

mod common;

use common::{fixture_as_git, git_repo, repo, Commit};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// At most this many connections per server: it stops by itself.
const MAX_CONNECTIONS: usize = 500;

/// A canned answer; `{authorization}` in the body is replaced by the
/// request's Authorization header (a server that echoes it back).
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

fn reply(status: u16, body: impl ToString) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_string(),
    }
}

fn ok(body: Value) -> Reply {
    reply(200, body)
}

impl Reply {
    fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request as the server saw it: its target and headers (names lower-cased).
#[derive(Debug, Clone)]
struct Request {
    target: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The fake API: answers its routes (path and query, exactly), 404 otherwise.
struct Server {
    base: String,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(routes: impl FnOnce(&str) -> Vec<(String, Reply)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: HashMap<String, Reply> = routes(&base).into_iter().collect();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopped) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming().take(MAX_CONNECTIONS) {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    answer(stream, &routes, &seen);
                }
            }
        });
        Server {
            base,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// `scan ARGS` against this API, without tokens.
    fn scan(&self, cache: &Path, args: &[&str]) -> Run {
        run(self, cache, &[], &[&["scan"], args].concat())
    }

    /// `scan ARGS --format json` against this API, without tokens.
    fn scan_json(&self, cache: &Path, args: &[&str]) -> Run {
        self.scan(cache, &[args, &["--format", "json"]].concat())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(stream: TcpStream, routes: &HashMap<String, Reply>, seen: &Mutex<Vec<Request>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let request = Request { target, headers };
    let found = routes
        .get(&request.target)
        .cloned()
        .unwrap_or_else(|| reply(404, json!({"message": "Not Found"})));
    let body = found.body.replace(
        "{authorization}",
        request.header("authorization").unwrap_or(""),
    );
    seen.lock().unwrap().push(request);
    let mut out = format!(
        "HTTP/1.1 {} Canned\r\nContent-Length: {}\r\nConnection: close\r\n",
        found.status,
        body.len()
    );
    for (n, v) in &found.headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&body);
    let mut stream = stream;
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.flush();
}

/// The origins that the listed repositories are cloned from.
struct Origins {
    dir: tempfile::TempDir,
}

impl Origins {
    fn new() -> Origins {
        Origins {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A bare repository `NAME.git` cloned from a working tree that `make`
    /// fills and commits; its `file://` URL.
    fn bare(&self, name: &str, make: impl FnOnce(&Path)) -> String {
        let work = self.dir.path().join("work").join(name);
        std::fs::create_dir_all(&work).unwrap();
        make(&work);
        let bare = self.dir.path().join("bare").join(format!("{name}.git"));
        git2::build::RepoBuilder::new()
            .bare(true)
            .clone(&format!("file://{}", work.display()), &bare)
            .unwrap();
        format!("file://{}", bare.display())
    }

    /// A bare repository of a fixture under `fixtures/portfolio/`.
    fn fixture(&self, name: &str, fixture: &str) -> String {
        self.bare(name, |work| {
            fixture_as_git(fixture, work);
        })
    }

    /// A bare repository with no commits.
    fn empty(&self, name: &str) -> String {
        let bare = self.dir.path().join("bare").join(format!("{name}.git"));
        git2::Repository::init_bare(&bare).unwrap();
        format!("file://{}", bare.display())
    }

    /// A file beside the origins (a repos file); its path.
    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    }

    /// A URL where nothing is.
    fn missing(&self, name: &str) -> String {
        format!(
            "file://{}",
            self.dir.path().join("nowhere").join(name).display()
        )
    }
}

/// A repository as GitHub lists it.
fn gh_repo(owner: &str, name: &str, clone_url: &str, pushed: &str) -> Value {
    json!({
        "id": 1, "name": name, "full_name": format!("{owner}/{name}"),
        "clone_url": clone_url, "html_url": format!("https://github.com/{owner}/{name}"),
        "fork": false, "archived": false, "private": false, "visibility": "public",
        "pushed_at": pushed, "size": 12, "default_branch": "main",
    })
}

fn with(mut repo: Value, field: &str, value: Value) -> Value {
    repo[field] = value;
    repo
}

/// `Link` for page `page` of `last` of GitHub's list at `url`.
fn link(url: &str, page: u32, last: u32) -> String {
    let mut parts = Vec::new();
    if page < last {
        parts.push(format!("<{url}&page={}>; rel=\"next\"", page + 1));
        parts.push(format!("<{url}&page={last}>; rel=\"last\""));
    }
    if page > 1 {
        parts.push(format!("<{url}&page={}>; rel=\"prev\"", page - 1));
        parts.push(format!("<{url}&page=1>; rel=\"first\""));
    }
    parts.join(", ")
}

const GH_QUERY: &str = "type=owner&sort=pushed&per_page=100";

/// A GitHub user and the pages of its repository list.
fn gh_user(base: &str, login: &str, pages: Vec<Reply>) -> Vec<(String, Reply)> {
    let list = format!("/users/{login}/repos?{GH_QUERY}");
    let last = pages.len() as u32;
    let mut routes = vec![(
        format!("/users/{login}"),
        ok(json!({"login": login, "id": 9, "type": "User"})),
    )];
    for (i, page) in pages.into_iter().enumerate() {
        let n = i as u32 + 1;
        let target = if n == 1 {
            list.clone()
        } else {
            format!("{list}&page={n}")
        };
        let page = match link(&format!("{base}{list}"), n, last) {
            l if l.is_empty() => page,
            l => page.header("Link", l),
        };
        routes.push((target, page));
    }
    routes
}

/// The environment variables a run must not inherit.
const CLEARED: &[&str] = &[
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITLAB_TOKEN",
    "GITHUB_API_URL",
    "GITLAB_API_URL",
    "CI_API_V4_URL",
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "NO_PROXY",
    "no_proxy",
];

struct Run {
    code: i32,
    out: String,
    err: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.out)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.out, self.err))
    }
}

/// The binary, with the fake API as GitHub's and GitLab's, `env` on top.
fn run(api: &Server, cache: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = assert_cmd::Command::cargo_bin("portfolio-audit").unwrap();
    for v in CLEARED {
        cmd.env_remove(v);
    }
    cmd.env("GITHUB_API_URL", &api.base)
        .env("GITLAB_API_URL", format!("{}/api/v4", api.base))
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args)
        .args(["--cache-dir", cache.to_str().unwrap(), "--jobs", "2"]);
    let output = cmd.timeout(Duration::from_secs(300)).output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&output.stdout).into_owned(),
        err: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn names(report: &Value) -> Vec<String> {
    report["repos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

/// Ada's GitHub account, three pages: a fork, an archived repository, an
/// empty one, one whose clone fails, one without Python code.
fn ada(origins: &Origins) -> impl FnOnce(&str) -> Vec<(String, Reply)> {
    let blog = origins.fixture("flask-blog", "flask-blog");
    let api = origins.fixture("fastapi-service", "fastapi-service");
    let fork = origins.fixture("forked-lib", "django-shop");
    let calculator = origins.fixture("old-calculator", "calculator-and-todo");
    let empty = origins.empty("empty");
    let broken = origins.missing("broken.git");
    let website = origins.bare("website", |work| {
        git_repo(
            work,
            &[Commit {
                files: vec![
                    ("README.md", b"# My site\n".to_vec()),
                    ("index.html", b"<h1>Hello</h1>\n".to_vec()),
                    ("app.js", b"console.log('hi');\n".to_vec()),
                ],
                message: "A static site",
                author: ("Ada", "ada@example.com"),
                day: 3,
            }],
        );
    });
    move |base| {
        gh_user(
            base,
            "ada",
            vec![
                ok(json!([
                    gh_repo("ada", "flask-blog", &blog, "2026-11-01T10:00:00Z"),
                    gh_repo("ada", "fastapi-service", &api, "2026-06-01T10:00:00Z"),
                    with(
                        gh_repo("ada", "forked-lib", &fork, "2026-11-20T10:00:00Z"),
                        "fork",
                        json!(true)
                    ),
                ])),
                ok(json!([
                    with(
                        gh_repo("ada", "old-calculator", &calculator, "2024-01-01T10:00:00Z"),
                        "archived",
                        json!(true)
                    ),
                    gh_repo("ada", "empty", &empty, "2025-01-01T10:00:00Z"),
                    gh_repo("ada", "broken", &broken, "2025-02-01T10:00:00Z"),
                ])),
                ok(json!([gh_repo(
                    "ada",
                    "website",
                    &website,
                    "2026-11-10T10:00:00Z"
                )])),
            ],
        )
    }
}

#[test]
fn a_github_account_is_listed_page_by_page_cloned_and_audited_as_one_portfolio() {
    let origins = Origins::new();
    let api = Server::start(ada(&origins));
    let cache = tempfile::tempdir().unwrap();
    let class = origins.file(
        "class.txt",
        "# class of 2026\nAda Lovelace     github:ada\n",
    );

    let run1 = api.scan_json(cache.path(), &["--repos-file", &class]);
    assert_eq!(run1.code, 3, "a clone failed: {}", run1.err);
    let report = run1.json();
    assert_eq!(
        names(&report),
        [
            "broken",
            "empty",
            "fastapi-service",
            "flask-blog",
            "old-calculator",
            "website"
        ],
        "every page, by name, the fork left out"
    );
    for r in report["repos"].as_array().unwrap() {
        assert_eq!(r["label"], "Ada Lovelace", "{}", r["name"]);
    }
    assert!(repo(&report, "broken")["error"]
        .as_str()
        .unwrap()
        .contains("broken.git"));
    let empty = repo(&report, "empty");
    assert!(empty["error"].is_null(), "an empty repository is no error");
    assert!(
        empty["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["message"].as_str().unwrap().contains("empty")),
        "{empty}"
    );
    assert_eq!(repo(&report, "old-calculator")["archived"], true);
    assert!(repo(&report, "flask-blog")["archived"].is_null());
    assert_eq!(
        repo(&report, "flask-blog")["web"],
        json!({"forge": "github", "url": "https://github.com/ada/flask-blog"})
    );
    assert!(repo(&report, "flask-blog")["revision"].is_string());
    assert_eq!(repo(&report, "website")["stats"]["python_files"], 0);
    assert_eq!(report["repo_config"], "report", "someone else's work");
    let errors: Vec<&str> = run1
        .err
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run1.err);
    assert!(errors[0].starts_with("error: broken: "), "{}", run1.err);
    assert!(
        run1.err.contains("warning: empty: ") && run1.err.contains("is empty"),
        "{}",
        run1.err
    );
    let pages: Vec<String> = api
        .requests()
        .iter()
        .map(|r| r.target.clone())
        .filter(|t| t.starts_with("/users/ada/repos"))
        .collect();
    assert_eq!(
        pages,
        [
            format!("/users/ada/repos?{GH_QUERY}"),
            format!("/users/ada/repos?{GH_QUERY}&page=2"),
            format!("/users/ada/repos?{GH_QUERY}&page=3"),
        ]
    );
    assert!(api
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_none()));

    // A repository without Python code never lowers the score.
    let without = api
        .scan_json(cache.path(), &["github:ada", "--exclude", "WEB*"])
        .json();
    assert!(!names(&without).contains(&"website".to_string()));
    assert_eq!(
        report["portfolio"]["checklist"]["score"],
        without["portfolio"]["checklist"]["score"]
    );

    // Forks on request; names left out by glob, in any case; the newest N.
    let forks = api.scan_json(
        cache.path(),
        &[
            "github:ada",
            "--include-forks",
            "--exclude",
            "old-*",
            "--exclude",
            "BROKEN",
        ],
    );
    assert_eq!(forks.code, 0, "{}", forks.err);
    assert_eq!(
        names(&forks.json()),
        [
            "empty",
            "fastapi-service",
            "flask-blog",
            "forked-lib",
            "website"
        ]
    );
    let newest = api.scan_json(cache.path(), &["github:ada", "--limit", "2"]);
    assert_eq!(newest.code, 0, "{}", newest.err);
    assert_eq!(names(&newest.json()), ["flask-blog", "website"]);
}

#[test]
fn an_unknown_account_is_an_input_error_that_names_it() {
    let origins = Origins::new();
    let api = Server::start(ada(&origins));
    let cache = tempfile::tempdir().unwrap();
    let alone = api.scan(cache.path(), &["github:ghost"]);
    assert_eq!(alone.code, 2, "{}", alone.err);
    assert_eq!(
        alone.err.trim(),
        format!(
            "error: github:ghost: no GitHub user or organisation named ghost at {}",
            api.base
        )
    );

    // In a class list, the others are audited all the same.
    let class = origins.file("class.txt", "Ada  github:ada\nGhost  github:ghost\n");
    let both = api.scan_json(
        cache.path(),
        &["--repos-file", &class, "--exclude", "broken"],
    );
    assert_eq!(both.code, 2, "2 wins over 3: {}", both.err);
    let report = both.json();
    let ghost = repo(&report, "github:ghost");
    assert_eq!(ghost["label"], "Ghost");
    assert!(ghost["error"]
        .as_str()
        .unwrap()
        .starts_with("no GitHub user or organisation named ghost"));
    assert_eq!(names(&report).len(), 6, "{:?}", names(&report));
}

/// 403 with no requests left, as GitHub answers when the rate limit is reached.
fn rate_limited() -> Reply {
    reply(
        403,
        json!({"message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)"}),
    )
    .header("x-ratelimit-limit", "60")
    .header("x-ratelimit-remaining", "0")
    .header("x-ratelimit-reset", "1796668800")
}

#[test]
fn a_rate_limit_says_when_it_resets_and_that_a_token_raises_it() {
    let origins = Origins::new();
    let blog = origins.fixture("flask-blog", "flask-blog");
    let api = Server::start(|base| {
        let mut routes = vec![("/users/busy".to_string(), rate_limited())];
        routes.extend(gh_user(
            base,
            "mid",
            vec![
                ok(json!([gh_repo(
                    "mid",
                    "flask-blog",
                    &blog,
                    "2026-01-01T00:00:00Z"
                )])),
                rate_limited(),
            ],
        ));
        routes
    });
    let cache = tempfile::tempdir().unwrap();
    let busy = api.scan_json(cache.path(), &["github:busy"]);
    assert_eq!(busy.code, 3, "{}", busy.err);
    assert_eq!(
        busy.err.trim(),
        "error: github:busy: GitHub rate limit reached: it resets at 2026-12-07 18:40 UTC; a token (GITHUB_TOKEN or GH_TOKEN) raises the limit"
    );

    // Stopped after page 1: what was listed is audited, and the report says
    // the rest is missing.
    let mid = api.scan_json(cache.path(), &["github:mid"]);
    assert_eq!(mid.code, 3, "{}", mid.err);
    let report = mid.json();
    assert_eq!(names(&report), ["flask-blog", "github:mid"]);
    assert!(repo(&report, "flask-blog")["error"].is_null());
    let cut = repo(&report, "github:mid")["error"].as_str().unwrap();
    assert!(
        cut.starts_with("the listing stopped after page 1: GitHub rate limit reached: it resets at 2026-12-07 18:40 UTC")
            && cut.ends_with("the repositories of later pages are not in this report"),
        "{cut}"
    );
    assert!(mid
        .err
        .contains("error: github:mid: the listing stopped after page 1"));
    let text = api.scan(cache.path(), &["github:mid"]);
    assert!(
        text.out
            .contains("not audited: the listing stopped after page 1"),
        "{}",
        text.out
    );
}

#[test]
fn garbled_or_truncated_answers_are_named_and_never_pass_for_complete() {
    let origins = Origins::new();
    let api_repo = origins.fixture("fastapi-service", "fastapi-service");
    let api = Server::start(|base| {
        let mut routes = gh_user(
            base,
            "garbled",
            vec![reply(200, "<html>Bad gateway</html>")],
        );
        routes.extend(gh_user(
            base,
            "cut",
            vec![
                ok(json!([gh_repo(
                    "cut",
                    "fastapi-service",
                    &api_repo,
                    "2026-01-01T00:00:00Z"
                )])),
                reply(200, r#"[{"name": "half", "clone_url": "file:///x"#),
            ],
        ));
        routes
    });
    let cache = tempfile::tempdir().unwrap();
    let garbled = api.scan_json(cache.path(), &["github:garbled"]);
    assert_eq!(garbled.code, 3, "{}", garbled.err);
    assert!(
        garbled.err.starts_with(
            "error: github:garbled: the GitHub API's answer is not a list of repositories: expected value"
        ),
        "{}",
        garbled.err
    );
    assert_eq!(garbled.err.lines().count(), 1);

    let cut = api.scan_json(cache.path(), &["github:cut"]);
    assert_eq!(cut.code, 3, "{}", cut.err);
    let report = cut.json();
    assert_eq!(names(&report), ["fastapi-service", "github:cut"]);
    let why = repo(&report, "github:cut")["error"].as_str().unwrap();
    assert!(
        why.starts_with(
            "the listing stopped after page 1: the GitHub API's answer (page 2) is not a list of repositories: EOF"
        ),
        "{why}"
    );
}

#[test]
fn a_gitlab_group_is_listed_with_its_subgroups_through_x_next_page() {
    let origins = Origins::new();
    let shop = origins.fixture("shop", "django-shop");
    let service = origins.fixture("api", "fastapi-service");
    let notebook = origins.fixture("notebook", "data-ml-project");
    let fork = origins.fixture("fork", "flask-blog");
    let project = |full: &str, clone: &str, activity: &str| {
        json!({
            "id": 3, "path": full.rsplit('/').next().unwrap(), "path_with_namespace": full,
            "http_url_to_repo": clone, "web_url": format!("https://gitlab.com/{full}"),
            "archived": false, "visibility": "public", "last_activity_at": activity,
            "empty_repo": false,
        })
    };
    let query = "include_subgroups=true&with_shared=false&per_page=100&order_by=last_activity_at&sort=desc&visibility=public";
    let api = Server::start(|_| {
        let list = format!("/api/v4/groups/class%2F2026/projects?{query}");
        vec![
            (
                list.clone(),
                ok(json!([
                    project("class/2026/ada/shop", &shop, "2026-11-02T10:00:00.000Z"),
                    project("class/2026/grace/api", &service, "2026-11-01T10:00:00.000Z"),
                    with(
                        project("class/2026/alan/blog", &fork, "2026-11-03T10:00:00.000Z"),
                        "forked_from_project",
                        json!({"id": 1, "path_with_namespace": "someone/blog"})
                    ),
                ]))
                .header("x-page", "1")
                .header("x-next-page", "2")
                .header("x-total-pages", "2"),
            ),
            (
                format!("{list}&page=2"),
                ok(json!([with(
                    project(
                        "class/2026/alan/notebook",
                        &notebook,
                        "2025-01-01T10:00:00.000Z"
                    ),
                    "archived",
                    json!(true)
                )]))
                .header("x-page", "2")
                .header("x-next-page", "")
                .header("x-total-pages", "2"),
            ),
            ("/api/v4/users?username=nobody".to_string(), ok(json!([]))),
        ]
    });
    let cache = tempfile::tempdir().unwrap();
    let group = api.scan_json(cache.path(), &["gitlab:class/2026"]);
    assert_eq!(group.code, 0, "{}", group.err);
    let report = group.json();
    assert_eq!(names(&report), ["ada/shop", "alan/notebook", "grace/api"]);
    assert_eq!(repo(&report, "alan/notebook")["archived"], true);
    assert_eq!(
        repo(&report, "ada/shop")["web"],
        json!({"forge": "gitlab", "url": "https://gitlab.com/class/2026/ada/shop"})
    );

    let nobody = api.scan(cache.path(), &["gitlab:nobody"]);
    assert_eq!(nobody.code, 2, "{}", nobody.err);
    assert!(
        nobody
            .err
            .starts_with("error: gitlab:nobody: no GitLab user or group named nobody at "),
        "{}",
        nobody.err
    );
}

/// Standard base64, padded: how a Basic credential is sent.
fn base64(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn a_token_is_sent_to_the_api_and_appears_in_no_output_and_no_cached_file() {
    const TOKEN: &str = "ghp_TESTSECRET0123456789abcdefABCDEF";
    const GL_TOKEN: &str = "glpat-TESTSECRET-9876543210";
    let origins = Origins::new();
    let blog = origins.fixture("flask-blog", "flask-blog");
    let secret = origins.fixture("secret-project", "data-ml-project");
    let api = Server::start(|base| {
        // A private repository served over http by this same host: it asks
        // for credentials, and gets the token as a Basic password.
        let remote = format!("{base}/ada/secret-remote.git");
        vec![
            (
                "/ada/secret-remote.git/info/refs?service=git-upload-pack".to_string(),
                reply(401, "").header("WWW-Authenticate", "Basic realm=\"git\""),
            ),
            (
                "/users/ada".to_string(),
                ok(json!({"login": "ada", "type": "User"})),
            ),
            (
                "/user".to_string(),
                ok(json!({"login": "Ada", "type": "User"})),
            ),
            (
                "/user/repos?affiliation=owner&visibility=all&sort=pushed&per_page=100".to_string(),
                ok(json!([
                    gh_repo("ada", "flask-blog", &blog, "2026-01-01T00:00:00Z"),
                    with(
                        with(
                            gh_repo("ada", "secret-project", &secret, "2026-02-01T00:00:00Z"),
                            "private",
                            json!(true)
                        ),
                        "visibility",
                        json!("private")
                    ),
                    with(
                        gh_repo("ada", "secret-remote", &remote, "2026-03-01T00:00:00Z"),
                        "private",
                        json!(true)
                    ),
                ])),
            ),
            (
                // A server that echoes the token back in its error.
                "/users/echo".to_string(),
                reply(500, json!({"message": "cannot use {authorization}"})),
            ),
            ("/users/busy".to_string(), rate_limited()),
            (
                "/api/v4/users?username=grace".to_string(),
                ok(json!([{"id": 7, "username": "grace"}])),
            ),
            (
                // No `visibility=public`: a token and --include-private.
                "/api/v4/users/7/projects?per_page=100&order_by=last_activity_at&sort=desc"
                    .to_string(),
                ok(json!([])).header("x-next-page", ""),
            ),
        ]
    });
    let cache = tempfile::tempdir().unwrap();
    let output = origins.dir.path().join("report.json");
    let env = [("GITHUB_TOKEN", TOKEN), ("GITLAB_TOKEN", GL_TOKEN)];
    let scan = |args: &[&str]| run(&api, cache.path(), &env, &[&["scan"], args].concat());
    let runs = [
        scan(&[
            "github:ada",
            "--include-private",
            "--format",
            "json",
            "-o",
            output.to_str().unwrap(),
        ]),
        scan(&["github:ada", "--include-private", "--format", "html"]),
        scan(&["github:echo", "--format", "markdown"]),
        scan(&["github:busy"]),
        scan(&["gitlab:grace", "--include-private"]),
    ];

    let report: Value = serde_json::from_slice(&std::fs::read(&output).unwrap()).unwrap();
    assert_eq!(
        names(&report),
        ["flask-blog", "secret-project", "secret-remote"],
        "the token owner's private repositories with --include-private: {}",
        runs[0].err
    );
    assert_eq!(runs[0].code, 3, "{}", runs[0].err);
    assert!(
        repo(&report, "secret-remote")["error"]
            .as_str()
            .unwrap()
            .contains("authentication required"),
        "the server refuses it: {report}"
    );
    assert!(
        runs[2].err.contains("cannot use Bearer ***"),
        "{}",
        runs[2].err
    );
    assert_eq!(
        runs[3].err.trim(),
        "error: github:busy: GitHub rate limit reached for the token in GITHUB_TOKEN: it resets at 2026-12-07 18:40 UTC"
    );
    let requests = api.requests();
    let clones: Vec<&Request> = requests
        .iter()
        .filter(|r| r.target.starts_with("/ada/secret-remote.git/"))
        .collect();
    let basic = format!("Basic {}", base64(&format!("x-access-token:{TOKEN}")));
    assert!(
        clones
            .iter()
            .any(|r| r.header("authorization") == Some(basic.as_str())),
        "git answered with the token: {clones:?}"
    );
    let github: Vec<&Request> = requests
        .iter()
        .filter(|r| !r.target.starts_with("/api/v4/") && !r.target.starts_with("/ada/"))
        .collect();
    assert!(github
        .iter()
        .all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}"))));
    let gitlab: Vec<&Request> = requests
        .iter()
        .filter(|r| r.target.starts_with("/api/v4/"))
        .collect();
    assert_eq!(gitlab.len(), 2, "{gitlab:?}");
    assert!(gitlab.iter().all(
        |r| r.header("private-token") == Some(GL_TOKEN) && r.header("authorization").is_none()
    ));

    for secret in [TOKEN, GL_TOKEN] {
        for r in &runs {
            assert!(!r.out.contains(secret), "stdout: {}", r.out);
            assert!(!r.err.contains(secret), "stderr: {}", r.err);
        }
        assert!(!std::fs::read_to_string(&output).unwrap().contains(secret));
        let files = files_under(cache.path());
        assert!(files.len() > 10, "the clones are there: {files:?}");
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds the token",
                f.display()
            );
            assert!(!f.to_string_lossy().contains(secret));
        }
    }
}
