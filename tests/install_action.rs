//! The action's install step, `scripts/install.sh`, against a fake release
//! served from a temporary folder on 127.0.0.1: it picks the archive of the
//! platform, checks it against SHA256SUMS before anything of it runs (a
//! tampered one is refused), keeps what it installed for the next run, and
//! builds from source with cargo when no archive fits. The binaries are
//! shell scripts that say which target they are; the fallback's cargo is a
//! stand-in that records how it was called. Needs bash, curl, tar and
//! sha256sum, as the runners have.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const OWNER_REPO: &str = "owner/portfolio-audit";
const TARGETS: &[&str] = &[
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

/// Serves the files of a folder over HTTP on 127.0.0.1 (404 for anything
/// else) and records the paths asked for; stops when dropped.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn serve(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (root, log, stopped) = (root.to_path_buf(), requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(s) = stream {
                    answer(s, &root, &log);
                }
            }
        });
        Server {
            port,
            requests,
            stop,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn answer(mut stream: TcpStream, root: &Path, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
    log.lock().unwrap().push(path.clone());
    let file = root.join(path.trim_start_matches('/'));
    let body = if path.contains("..") {
        None
    } else {
        std::fs::read(&file).ok()
    };
    let (status, body) = match body {
        Some(b) => ("200 OK", b),
        None => ("404 Not Found", b"not found\n".to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn sh(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A release of `version` as the release workflow publishes it: one
/// `portfolio-audit-TARGET.tar.gz` per target, each with a fake binary in a
/// folder, and SHA256SUMS. Returns the folder the files are in.
fn fake_release(site: &Path, version: &str) -> PathBuf {
    let dir = site.join(format!("{OWNER_REPO}/releases/download/v{version}"));
    std::fs::create_dir_all(&dir).unwrap();
    for target in TARGETS {
        let name = format!("portfolio-audit-{target}");
        let staging = tempfile::tempdir().unwrap();
        std::fs::create_dir(staging.path().join(&name)).unwrap();
        let exe = if target.contains("windows") {
            "portfolio-audit.exe"
        } else {
            "portfolio-audit"
        };
        let script = format!(
            "#!/bin/sh\n[ -z \"$FAKE_RAN\" ] || touch \"$FAKE_RAN\"\necho \"portfolio-audit {version} {target}\"\n"
        );
        let bin = staging.path().join(&name).join(exe);
        std::fs::write(&bin, script).unwrap();
        sh(Command::new("chmod").arg("+x").arg(&bin));
        std::fs::write(staging.path().join(&name).join("README.md"), "readme\n").unwrap();
        sh(Command::new("tar")
            .arg("-czf")
            .arg(dir.join(format!("{name}.tar.gz")))
            .arg("-C")
            .arg(staging.path())
            .arg(&name));
    }
    let sums = sh(Command::new("sh")
        .arg("-c")
        .arg("sha256sum *.tar.gz")
        .current_dir(&dir));
    std::fs::write(dir.join("SHA256SUMS"), sums).unwrap();
    dir
}

/// A fake release of a version, served on 127.0.0.1 as GitHub serves
/// releases: `/OWNER/NAME/releases/download/vVERSION/FILE`.
struct Release {
    site: tempfile::TempDir,
    /// The folder of the release's files.
    dir: PathBuf,
    server: Server,
    url: String,
}

impl Release {
    fn of(version: &str) -> Release {
        let site = tempfile::tempdir().unwrap();
        let dir = fake_release(site.path(), version);
        let server = Server::serve(site.path());
        let url = server.url();
        Release {
            site,
            dir,
            server,
            url,
        }
    }
}

/// What a run of the script left.
struct Installed {
    code: i32,
    out: String,
    err: String,
}

/// A sandbox for runs of the script: a cache folder, the GitHub files it
/// writes to, a stand-in cargo that records its arguments.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let cargo = dir.path().join("cargo");
        // Records its arguments, then installs a binary where --root says.
        std::fs::write(
            &cargo,
            "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/cargo.log\"\n\
             while [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=\"$2\"; shift; done\n\
             mkdir -p \"$root/bin\"\nprintf '#!/bin/sh\\necho built from source\\n' > \"$root/bin/portfolio-audit\"\n\
             chmod +x \"$root/bin/portfolio-audit\"\n",
        )
        .unwrap();
        sh(Command::new("chmod").arg("+x").arg(&cargo));
        Sandbox { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }

    /// Runs `script` with the sandbox's settings plus `env`.
    fn run_script(&self, script: &Path, env: &[(&str, &str)]) -> Installed {
        let mut cmd = Command::new("bash");
        cmd.arg(script);
        for var in [
            "GITHUB_ACTION_REPOSITORY",
            "GITHUB_SERVER_URL",
            "RUNNER_TOOL_CACHE",
            "PORTFOLIO_AUDIT_VERSION",
            "PORTFOLIO_AUDIT_REPOSITORY",
            "PORTFOLIO_AUDIT_RELEASE_URL",
            "PORTFOLIO_AUDIT_TARGET",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("PORTFOLIO_AUDIT_CACHE", self.path("cache"))
            .env("PORTFOLIO_AUDIT_CARGO", self.path("cargo"))
            .env("GITHUB_PATH", self.path("github_path"))
            .env("GITHUB_OUTPUT", self.path("github_output"))
            .env("FAKE_RAN", self.path("fake-ran"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        Installed {
            code: out.status.code().unwrap_or(-1),
            out: String::from_utf8_lossy(&out.stdout).into_owned(),
            err: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn run(&self, env: &[(&str, &str)]) -> Installed {
        self.run_script(&common::root().join("scripts/install.sh"), env)
    }

    /// Runs the script against `release` on its server, `env` on top.
    fn install(&self, release: &Release, env: &[(&str, &str)]) -> Installed {
        let mut all = vec![
            ("GITHUB_SERVER_URL", release.url.as_str()),
            ("PORTFOLIO_AUDIT_REPOSITORY", OWNER_REPO),
        ];
        all.extend_from_slice(env);
        self.run(&all)
    }
}

/// The binary path a successful run printed last.
fn bin_of(run: &Installed) -> PathBuf {
    assert_eq!(run.code, 0, "{}", run.err);
    PathBuf::from(run.out.lines().last().unwrap())
}

fn run_bin(bin: &Path) -> String {
    sh(&mut Command::new(bin))
}

/// The release target of the machine the tests run on.
fn this_target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-gnu"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-gnu"),
        ("macos", "x86_64") => Some("x86_64-apple-darwin"),
        ("macos", "aarch64") => Some("aarch64-apple-darwin"),
        _ => None,
    }
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

#[test]
fn picks_this_machines_archive_from_the_release_and_checks_it() {
    let release = Release::of(VERSION);
    let sandbox = Sandbox::new();
    let run = sandbox.install(&release, &[]);
    let bin = bin_of(&run);
    let target = this_target().expect("a platform the release builds for");
    assert_eq!(
        run_bin(&bin).trim(),
        format!("portfolio-audit {VERSION} {target}")
    );
    assert!(
        run.err.contains("checked against SHA256SUMS"),
        "{}",
        run.err
    );
    let base = format!("/{OWNER_REPO}/releases/download/v{VERSION}");
    assert_eq!(
        release.server.requests(),
        [
            format!("{base}/SHA256SUMS"),
            format!("{base}/portfolio-audit-{target}.tar.gz")
        ]
    );
    // GitHub Actions: the folder on PATH for the next steps, the binary as an output.
    assert_eq!(
        sandbox.read("github_path").trim(),
        bin.parent().unwrap().to_str().unwrap()
    );
    assert_eq!(
        sandbox.read("github_output").trim(),
        format!("path={}", bin.display())
    );
    assert!(sandbox.read("cargo.log").is_empty(), "nothing built");
}

#[test]
fn picks_the_archive_of_the_target_named_windows_included() {
    let release = Release::of(VERSION);
    let url = format!(
        "{}/{}",
        release.url,
        release
            .dir
            .strip_prefix(release.site.path())
            .unwrap()
            .display()
    );
    for target in ["aarch64-apple-darwin", "x86_64-pc-windows-msvc"] {
        let sandbox = Sandbox::new();
        let run = sandbox.run(&[
            ("PORTFOLIO_AUDIT_RELEASE_URL", &url),
            ("PORTFOLIO_AUDIT_TARGET", target),
        ]);
        let bin = bin_of(&run);
        assert!(
            bin.ends_with(format!(
                "{VERSION}/{target}/bin/portfolio-audit{}",
                if target.contains("windows") {
                    ".exe"
                } else {
                    ""
                }
            )),
            "{}",
            bin.display()
        );
        assert_eq!(
            run_bin(&bin).trim(),
            format!("portfolio-audit {VERSION} {target}")
        );
    }
}

#[test]
fn a_tampered_archive_is_refused_and_nothing_of_it_runs() {
    let release = Release::of(VERSION);
    let target = "x86_64-unknown-linux-gnu";
    // Another archive in place of the one SHA256SUMS lists.
    let archive = release.dir.join(format!("portfolio-audit-{target}.tar.gz"));
    std::fs::copy(
        release
            .dir
            .join("portfolio-audit-aarch64-unknown-linux-gnu.tar.gz"),
        &archive,
    )
    .unwrap();
    let sandbox = Sandbox::new();
    let run = sandbox.install(&release, &[("PORTFOLIO_AUDIT_TARGET", target)]);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(
        run.err.contains(&format!(
            "error: portfolio-audit-{target}.tar.gz: SHA-256 is"
        )) && run.err.contains("not installed, nothing run"),
        "{}",
        run.err
    );
    assert!(!sandbox.path("fake-ran").exists(), "the binary never ran");
    assert!(
        !sandbox
            .path(&format!("cache/{VERSION}/{target}/bin"))
            .exists(),
        "nothing installed"
    );
    assert!(sandbox.read("github_path").is_empty());
    assert!(
        sandbox.read("cargo.log").is_empty(),
        "a bad download is an error, not a reason to build"
    );
}

#[test]
fn a_second_run_uses_the_cache_without_the_network() {
    let release = Release::of(VERSION);
    let sandbox = Sandbox::new();
    let env = [("PORTFOLIO_AUDIT_TARGET", "x86_64-unknown-linux-gnu")];
    let first = bin_of(&sandbox.install(&release, &env));
    let asked = release.server.requests().len();
    assert_eq!(asked, 2);
    let again = sandbox.install(&release, &env);
    assert_eq!(bin_of(&again), first);
    assert!(again.err.contains("from the cache"), "{}", again.err);
    assert_eq!(
        release.server.requests().len(),
        asked,
        "no request on the second run"
    );
}

#[test]
fn no_archive_for_the_platform_builds_this_checkout_with_cargo() {
    let release = Release::of(VERSION);
    let sandbox = Sandbox::new();
    let run = sandbox.install(
        &release,
        &[("PORTFOLIO_AUDIT_TARGET", "riscv64gc-unknown-linux-gnu")],
    );
    let bin = bin_of(&run);
    assert!(
        run.err
            .contains("the release has no portfolio-audit-riscv64gc"),
        "{}",
        run.err
    );
    assert_eq!(run_bin(&bin).trim(), "built from source");
    let root = sandbox.path(&format!("cache/{VERSION}/riscv64gc-unknown-linux-gnu"));
    assert_eq!(
        sandbox.read("cargo.log").trim(),
        format!(
            "install --locked --root {} --path {}",
            root.display(),
            common::root().display()
        )
    );
}

#[test]
fn no_release_of_another_version_builds_it_from_crates_io() {
    let release = Release::of(VERSION);
    let sandbox = Sandbox::new();
    let run = sandbox.install(
        &release,
        &[
            ("PORTFOLIO_AUDIT_VERSION", "v9.9.9"),
            ("PORTFOLIO_AUDIT_TARGET", "x86_64-unknown-linux-gnu"),
        ],
    );
    bin_of(&run);
    assert!(run.err.contains("no SHA256SUMS"), "{}", run.err);
    let log = sandbox.read("cargo.log");
    assert!(
        log.trim().ends_with("--version 9.9.9 portfolio-audit"),
        "{log}"
    );
}

#[test]
fn as_an_action_it_finds_its_version_and_repository_from_where_it_was_checked_out() {
    // The runner checks an action out to .../_actions/OWNER/NAME/REF.
    let runner = tempfile::tempdir().unwrap();
    let action = runner.path().join("_actions").join(OWNER_REPO).join("v1");
    std::fs::create_dir_all(action.join("scripts")).unwrap();
    std::fs::copy(
        common::root().join("scripts/install.sh"),
        action.join("scripts/install.sh"),
    )
    .unwrap();
    std::fs::write(
        action.join("Cargo.toml"),
        "[package]\nname = \"portfolio-audit\"\nversion = \"1.2.3\"\n",
    )
    .unwrap();
    let release = Release::of("1.2.3");
    let sandbox = Sandbox::new();
    let run = sandbox.run_script(
        &action.join("scripts/install.sh"),
        &[
            ("GITHUB_SERVER_URL", &release.url),
            ("PORTFOLIO_AUDIT_TARGET", "aarch64-unknown-linux-gnu"),
        ],
    );
    assert_eq!(
        run_bin(&bin_of(&run)).trim(),
        "portfolio-audit 1.2.3 aarch64-unknown-linux-gnu"
    );
    assert!(release.server.requests()[0]
        .starts_with(&format!("/{OWNER_REPO}/releases/download/v1.2.3/")));
}

#[test]
fn plan_says_what_would_be_installed_and_installs_nothing() {
    let sandbox = Sandbox::new();
    let out = Command::new("bash")
        .arg(common::root().join("scripts/install.sh"))
        .arg("--plan")
        .env("PORTFOLIO_AUDIT_CACHE", sandbox.path("cache"))
        .env("PORTFOLIO_AUDIT_TARGET", "x86_64-apple-darwin")
        .env("PORTFOLIO_AUDIT_VERSION", "2.0.0")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        format!(
            "version=2.0.0\ntarget=x86_64-apple-darwin\ndir={}/2.0.0/x86_64-apple-darwin\n",
            sandbox.path("cache").display()
        )
    );
    assert!(!sandbox.path("cache").exists());
}

/// The release workflow publishes what the script downloads: an archive
/// `portfolio-audit-<target>.tar.gz` for each target of the fake release
/// above (the upload action's default name, `$bin-$target`, with `tar: all`),
/// and SHA256SUMS.
#[test]
fn the_release_workflow_builds_the_archives_the_script_downloads() {
    use saphyr::{LoadableYamlNode, Yaml};
    let text =
        std::fs::read_to_string(common::root().join(".github/workflows/release.yml")).unwrap();
    let docs = Yaml::load_from_str(&text).expect("release.yml is YAML");
    let job = &docs[0]["jobs"]["upload-assets"];
    let mut targets: Vec<&str> = job["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    targets.sort();
    let mut expected = TARGETS.to_vec();
    expected.sort();
    assert_eq!(targets, expected);
    let upload = job["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| {
            s.as_mapping_get("uses")
                .and_then(|u| u.as_str())
                .is_some_and(|u| u.starts_with("taiki-e/upload-rust-binary-action@"))
        })
        .expect("the upload step");
    let with = &upload["with"];
    assert_eq!(with["bin"].as_str(), Some("portfolio-audit"));
    assert_eq!(with["tar"].as_str(), Some("all"));
    assert!(with.as_mapping_get("archive").is_none(), "the default name");
    assert!(text.contains("sha256sum portfolio-audit-* > SHA256SUMS"));
}
