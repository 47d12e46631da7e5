//! Headless Chromium for the HTML tests: load a file, read the DOM after
//! load and every console message the page caused.
//!
//! Why `--dump-dom` with `--enable-logging=stderr --v=0`, rather than
//! chromedriver or the DevTools protocol: it needs no extra crate, no port
//! and no driver process, and Chromium writes each console message of the
//! page (a script's `console.*`, a Content-Security-Policy violation, a
//! resource that failed to load) to stderr as
//! `[...:INFO:CONSOLE:1] "message", source: file:///... (1)`. That line is
//! not an API, so [`require`] first loads a page that must log and must run
//! a script: if Chromium ever stops logging or running them there, every
//! browser test fails instead of passing blind.
//!
//! No Chromium: the tests fail with how to install it, unless
//! `PORTFOLIO_AUDIT_SKIP_BROWSER=1` says to skip them (and they say so).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const SKIP_VAR: &str = "PORTFOLIO_AUDIT_SKIP_BROWSER";
const TIMEOUT: Duration = Duration::from_secs(90);

/// What the browser made of a page.
pub struct Loaded {
    /// The DOM after load, serialized.
    pub dom: String,
    /// Console messages, one per line Chromium logged.
    pub console: Vec<String>,
}

impl Loaded {
    /// The text of the document's `<title>` after load (scripts may change it).
    pub fn title(&self) -> &str {
        let Some(start) = self.dom.find("<title>") else {
            return "";
        };
        let rest = &self.dom[start + "<title>".len()..];
        &rest[..rest.find("</title>").unwrap_or(rest.len())]
    }
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PORTFOLIO_AUDIT_CHROMIUM") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let names = ["chromium", "chromium-browser", "google-chrome", "chrome"];
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Chromium, checked to log console messages and run scripts; `None` only
/// when it is absent and PORTFOLIO_AUDIT_SKIP_BROWSER=1. Panics otherwise.
pub fn require() -> Option<&'static Path> {
    static CHECKED: OnceLock<Option<PathBuf>> = OnceLock::new();
    CHECKED
        .get_or_init(|| {
            let Some(chromium) = find_chromium() else {
                if std::env::var_os(SKIP_VAR).is_some_and(|v| v == "1") {
                    eprintln!("SKIPPED: headless Chromium not found and {SKIP_VAR}=1: the browser checks did not run");
                    return None;
                }
                panic!(
                    "headless Chromium not found (looked for chromium, chromium-browser, google-chrome on PATH, \
                     and $PORTFOLIO_AUDIT_CHROMIUM). Install it (`apt-get install -y chromium`; .ci/run does), \
                     or set {SKIP_VAR}=1 to skip the browser checks knowingly."
                );
            };
            self_check(&chromium);
            Some(chromium)
        })
        .as_deref()
}

/// A page that logs, breaks its CSP and runs a script must show all three,
/// or the absence of console messages elsewhere would prove nothing.
fn self_check(chromium: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("canary.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><title>before</title></head><body>\
         <script>console.error('canary-logged'); document.title = 'script-ran';</script></body></html>",
    )
    .unwrap();
    let loaded = load_with(chromium, &page);
    assert!(
        loaded.console.iter().any(|m| m.contains("canary-logged")),
        "Chromium did not report the canary page's console.error; the console check cannot work.\nconsole: {:?}",
        loaded.console
    );
    assert_eq!(
        loaded.title(),
        "script-ran",
        "Chromium did not run the canary page's script"
    );
}

/// Loads `file` in headless Chromium; panics if it cannot.
pub fn load(file: &Path) -> Loaded {
    let chromium = require().expect("callers skip when require() is None");
    load_with(chromium, file)
}

fn load_with(chromium: &Path, file: &Path) -> Loaded {
    let profile = tempfile::tempdir().unwrap();
    let file = file.canonicalize().unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", file.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", chromium.display()));
    // Read both pipes on threads so a full pipe cannot stall Chromium.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).map(|_| s)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "Chromium did not finish loading {} in {TIMEOUT:?}",
                file.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let dom = out.join().unwrap().unwrap_or_default();
    let log = err.join().unwrap().unwrap_or_default();
    assert!(
        status.success(),
        "Chromium failed ({status}) on {}:\n{log}",
        file.display()
    );
    let console = log
        .lines()
        .filter(|l| l.contains(":CONSOLE:") || l.contains(":CONSOLE("))
        .map(str::to_string)
        .collect();
    assert!(
        dom.contains("<html"),
        "Chromium printed no DOM for {}:\n{log}",
        file.display()
    );
    Loaded { dom, console }
}
