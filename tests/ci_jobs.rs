//! The CI jobs users copy, run here with the binary this build made on PATH
//! and stand-ins for `gh` and `curl` that record how they were called.
//! Needs bash and jq.
//! - The GitHub Action (`action.yml`) and its run step,
//!   `scripts/action-run.sh`: on a pull request it diffs the base and head
//!   commits, writes the job summary, the report in the asked format and the
//!   step outputs (score, regression, report-path, sarif-path, and `failed`,
//!   which the action's last step turns into a failed job), and comments
//!   unless the pull request comes from a fork.
//! - The GitLab job (`examples/gitlab-ci/.gitlab-ci.yml`), its `script`:
//!   the JSON report, the findings as a Code Quality report, the diff as one
//!   merge-request note (created, then updated), and the job's exit code.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A repository whose second commit adds a finding (a bare `except:`).
fn repository(dir: &Path) -> (String, String) {
    let before = "def parse(text):\n    return int(text)\n";
    let after =
        "def parse(text):\n    try:\n        return int(text)\n    except:\n        return 0\n";
    common::two_commits(dir, "parse.py", before, after)
}

/// A folder `work/tools` holding a stand-in `name` (the `script`), and a
/// PATH with it first, then this build's portfolio-audit, then the system's.
fn tools(work: &Path, name: &str, script: &str) -> String {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_portfolio-audit"));
    let tools = work.join("tools");
    std::fs::create_dir_all(&tools).unwrap();
    let stand_in = tools.join(name);
    std::fs::write(&stand_in, script).unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&stand_in)
        .status()
        .unwrap();
    format!(
        "{}:{}:{}",
        tools.display(),
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

struct Step {
    code: i32,
    stdout: String,
    outputs: BTreeMap<String, String>,
    summary: String,
    gh: String,
}

/// Runs the step as the action does, with `env` (INPUT_*, event data).
fn run_step(work: &Path, env: &[(&str, &str)]) -> Step {
    let path = tools(
        work,
        "gh",
        "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/gh.log\"\n",
    );
    let temp = work.join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(common::root().join("scripts/action-run.sh"))
        .env("PATH", path)
        .env("RUNNER_TEMP", &temp)
        // Audits are kept in the test's own folder, not the user's cache.
        .env("XDG_CACHE_HOME", work.join("cache"))
        .env("GITHUB_OUTPUT", work.join("output"))
        .env("GITHUB_STEP_SUMMARY", work.join("summary"))
        .env("GITHUB_REPOSITORY", "ada/shop");
    for var in [
        "GITHUB_EVENT_NAME",
        "PR_NUMBER",
        "PR_BASE",
        "PR_HEAD",
        "PR_REPO",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let read = |name: &str| std::fs::read_to_string(work.join(name)).unwrap_or_default();
    let outputs = read("output")
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Step {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr),
        outputs,
        summary: read("summary"),
        gh: read("tools/gh.log"),
    }
}

/// Runs the step on pull request 7, from `pr_repo`, of a repository whose
/// head commit adds a finding; `inputs` on top.
fn on_pull_request(work: &Path, pr_repo: &str, inputs: &[(&str, &str)]) -> Step {
    let repo = work.join("repo");
    let (base, head) = repository(&repo);
    let mut env = vec![
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("INPUT_PATHS", repo.to_str().unwrap()),
        ("PR_NUMBER", "7"),
        ("PR_BASE", &base),
        ("PR_HEAD", &head),
        ("PR_REPO", pr_repo),
    ];
    env.extend_from_slice(inputs);
    run_step(work, &env)
}

#[test]
fn on_a_pull_request_it_diffs_comments_and_reports_the_regression() {
    let work = tempfile::tempdir().unwrap();
    let step = on_pull_request(work.path(), "ada/shop", &[("INPUT_FORMAT", "sarif")]);
    assert_eq!(step.code, 0, "{}", step.stdout);
    assert_eq!(step.outputs["regression"], "true");
    assert!(
        step.outputs["failed"].contains("adds a finding"),
        "{:?}",
        step.outputs
    );
    assert!(step.outputs["score"].parse::<u32>().is_ok());
    // The report in the format asked: the findings the change introduced.
    let report = &step.outputs["report-path"];
    assert!(report.ends_with("diff.sarif"), "{report}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"],
        "quality.bare_except"
    );
    assert!(step.summary.starts_with("**Score"), "{}", step.summary);
    let md = work.path().join("runner-temp/portfolio-audit/diff.md");
    assert_eq!(
        step.gh.trim(),
        format!("pr comment 7 --body-file {} --edit-last", md.display())
    );
}

#[test]
fn a_pull_request_from_a_fork_gets_no_comment_and_a_regression_can_pass() {
    let work = tempfile::tempdir().unwrap();
    let step = on_pull_request(
        work.path(),
        "someone/shop",
        &[("INPUT_FAIL_ON_REGRESSION", "false")],
    );
    assert_eq!(step.code, 0, "{}", step.stdout);
    assert!(step.gh.is_empty(), "{}", step.gh);
    assert!(step.stdout.contains("from a fork"), "{}", step.stdout);
    assert_eq!(step.outputs["regression"], "true");
    assert_eq!(step.outputs["failed"], "");
    assert!(step.outputs["report-path"].ends_with("diff.md"));
}

/// Runs the step on pull request 8, from `pr_repo`, whose head commit adds
/// a `portfolio-audit.toml` that ignores most checklist items the scraper's
/// code does not show (fixtures/repo-config/scraper); the score after it.
fn score_with_a_self_grading_file(work: &Path, pr_repo: &str, inputs: &[(&str, &str)]) -> u32 {
    let repo = work.join("repo");
    let scraper = common::root().join("fixtures/repo-config/scraper");
    let file = |name: &'static str| (name, std::fs::read(scraper.join(name)).unwrap());
    let commit = |files, message, day| common::Commit {
        files,
        message,
        author: ("Learner", "learner@example.com"),
        day,
    };
    let git = common::git_repo(
        &repo,
        &[
            commit(
                vec![file("scraper.py"), file("requirements.txt")],
                "Code",
                0,
            ),
            commit(vec![file("portfolio-audit.toml")], "Not my focus", 1),
        ],
    );
    let head = git.head().unwrap().peel_to_commit().unwrap();
    let base = head.parent(0).unwrap().id().to_string();
    let head = head.id().to_string();
    let mut env = vec![
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("INPUT_PATHS", repo.to_str().unwrap()),
        ("INPUT_FORMAT", "json"),
        ("PR_NUMBER", "8"),
        ("PR_BASE", &base),
        ("PR_HEAD", &head),
        ("PR_REPO", pr_repo),
    ];
    env.extend_from_slice(inputs);
    let step = run_step(work, &env);
    assert_eq!(step.code, 0, "{}", step.stdout);
    step.outputs["score"].parse().unwrap()
}

#[test]
fn a_pull_request_from_a_fork_does_not_grade_itself() {
    let own = score_with_a_self_grading_file(tempfile::tempdir().unwrap().path(), "ada/shop", &[]);
    let fork =
        score_with_a_self_grading_file(tempfile::tempdir().unwrap().path(), "someone/shop", &[]);
    let reported = score_with_a_self_grading_file(
        tempfile::tempdir().unwrap().path(),
        "ada/shop",
        &[("INPUT_REPO_CONFIG", "report")],
    );
    let trusted_fork = score_with_a_self_grading_file(
        tempfile::tempdir().unwrap().path(),
        "someone/shop",
        &[("INPUT_REPO_CONFIG", "trust")],
    );
    // Trusted, the file takes the ignored items out of the score.
    assert!(own > fork, "own {own}, fork {fork}");
    assert_eq!(trusted_fork, own);
    assert_eq!(reported, fork);
}

#[test]
fn an_unknown_repo_config_stops_the_step() {
    let work = tempfile::tempdir().unwrap();
    let step = on_pull_request(work.path(), "ada/shop", &[("INPUT_REPO_CONFIG", "maybe")]);
    assert_eq!(step.code, 2, "{}", step.stdout);
    assert!(
        step.stdout
            .contains("repo-config must be trust, report or ignore"),
        "{}",
        step.stdout
    );
}

#[test]
fn a_scan_below_fail_under_fails_and_sarif_has_every_finding() {
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    repository(&repo);
    let step = run_step(
        work.path(),
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("INPUT_PATHS", repo.to_str().unwrap()),
            ("INPUT_FORMAT", "json"),
            ("INPUT_FAIL_UNDER", "100"),
            ("INPUT_SARIF", "true"),
        ],
    );
    assert_eq!(step.code, 0, "{}", step.stdout);
    let score = &step.outputs["score"];
    assert_eq!(
        step.outputs["failed"],
        format!("the checklist score {score} is below fail-under 100")
    );
    assert_eq!(step.outputs["regression"], "false");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&step.outputs["report-path"]).unwrap())
            .unwrap();
    assert_eq!(
        report["portfolio"]["checklist"]["score"].to_string(),
        *score
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&step.outputs["sarif-path"]).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    assert!(
        step.summary.starts_with("## Portfolio audit"),
        "{}",
        step.summary
    );
    assert!(step.gh.is_empty(), "no pull request, no comment");
}

#[test]
fn badge_writes_the_svg() {
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    repository(&repo);
    let step = run_step(
        work.path(),
        &[
            ("INPUT_COMMAND", "badge"),
            ("INPUT_PATHS", repo.to_str().unwrap()),
        ],
    );
    assert_eq!(step.code, 0, "{}", step.stdout);
    let svg = std::fs::read_to_string(&step.outputs["report-path"]).unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(step
        .summary
        .contains(&format!("**{}/100**", step.outputs["score"])));
}

#[test]
fn bad_inputs_stop_the_step_with_an_error() {
    let work = tempfile::tempdir().unwrap();
    for (env, says) in [
        (
            vec![("INPUT_COMMAND", "lint")],
            "command must be scan, diff or badge",
        ),
        (
            vec![("INPUT_FAIL_UNDER", "high")],
            "fail-under must be a number",
        ),
        (
            vec![("INPUT_COMMAND", "diff"), ("GITHUB_EVENT_NAME", "push")],
            "diff needs a base revision",
        ),
    ] {
        let step = run_step(work.path(), &env);
        assert_eq!(step.code, 2, "{env:?}");
        assert!(step.stdout.contains(says), "{}", step.stdout);
    }
}

/// `action.yml` is YAML whose run steps pass every declared input to the
/// script (as INPUT_*) and run scripts that exist.
#[test]
fn the_action_passes_every_input_and_runs_its_scripts() {
    use saphyr::{LoadableYamlNode, Yaml};
    let text = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    let docs = Yaml::load_from_str(&text).expect("action.yml is YAML");
    let action = &docs[0];
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let inputs: Vec<String> = action["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    let script = std::fs::read_to_string(common::root().join("scripts/action-run.sh")).unwrap();
    for input in &inputs {
        let used = text.contains(&format!("${{{{ inputs.{input} }}}}"));
        assert!(used, "input `{input}` is declared but never used");
        if !matches!(input.as_str(), "version" | "token") {
            let var = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
            assert!(script.contains(&var), "{var} is not read by the script");
        }
    }
    let mut scripts = Vec::new();
    for step in action["runs"]["steps"].as_sequence().unwrap() {
        if let Some(run) = step.as_mapping_get("run").and_then(|r| r.as_str()) {
            for word in run.split(['"', ' ', '\n']) {
                if let Some(rel) = word.strip_prefix("$GITHUB_ACTION_PATH/") {
                    assert!(common::root().join(rel).is_file(), "{rel} is missing");
                    scripts.push(rel.to_string());
                }
            }
        }
    }
    scripts.sort();
    scripts.dedup();
    assert_eq!(scripts, ["scripts/action-run.sh", "scripts/install.sh"]);
}

/// The lines of the GitLab job's `key` (`script`, `before_script`), and
/// the job itself checked: it runs on merge requests and keeps the Code
/// Quality report.
fn gitlab_lines(key: &str) -> Vec<String> {
    use saphyr::{LoadableYamlNode, Yaml};
    let text =
        std::fs::read_to_string(common::root().join("examples/gitlab-ci/.gitlab-ci.yml")).unwrap();
    let docs = Yaml::load_from_str(&text).expect("the GitLab example is YAML");
    let job = &docs[0]["portfolio-audit"];
    assert_eq!(
        job["rules"][0]["if"].as_str(),
        Some("$CI_PIPELINE_SOURCE == \"merge_request_event\"")
    );
    assert_eq!(
        job["artifacts"]["reports"]["codequality"].as_str(),
        Some("gl-code-quality-report.json")
    );
    job[key]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect()
}

struct Job {
    code: i32,
    log: String,
    curl: String,
}

/// Runs the GitLab job's script in `repo` (a merge request from `base` to
/// `head`); `curl` answers the notes listing with `notes`.
fn run_gitlab_job(
    work: &Path,
    repo: &Path,
    base: &str,
    head: &str,
    token: bool,
    notes: &str,
) -> Job {
    // Records the method, the URL and the data sent; lists `$FAKE_NOTES`.
    let curl = "#!/bin/sh\nmethod=GET; url=; data=\n\
        while [ $# -gt 0 ]; do case \"$1\" in -X) method=\"$2\"; shift ;; --data) data=\"$2\"; shift ;; \
        --header) shift ;; http*) url=\"$1\" ;; esac; shift; done\n\
        log=\"$(dirname \"$0\")/curl.log\"\necho \"$method $url\" >> \"$log\"\n\
        if [ -n \"$data\" ]; then cat \"${data#@}\" >> \"$log\"; echo >> \"$log\"; fi\n\
        if [ \"$method\" = GET ]; then printf '%s' \"$FAKE_NOTES\"; fi\n";
    let path = tools(work, "curl", curl);
    let script = work.join("gitlab-script.sh");
    // As the runner runs it: one bash script that stops at the first failure.
    let text = format!("set -eo pipefail\n{}\n", gitlab_lines("script").join("\n"));
    std::fs::write(&script, text).unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(&script)
        .current_dir(repo)
        .env("PATH", path)
        .env("XDG_CACHE_HOME", work.join("cache"))
        .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", base)
        .env("CI_COMMIT_SHA", head)
        .env("CI_API_V4_URL", "https://gitlab.example/api/v4")
        .env("CI_PROJECT_ID", "3")
        .env("CI_MERGE_REQUEST_IID", "9")
        .env("FAKE_NOTES", notes)
        .env_remove("PORTFOLIO_AUDIT_TOKEN");
    if token {
        cmd.env("PORTFOLIO_AUDIT_TOKEN", "glpat-test");
    }
    let out = cmd.output().unwrap();
    Job {
        code: out.status.code().unwrap_or(-1),
        log: String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr),
        curl: std::fs::read_to_string(work.join("tools/curl.log")).unwrap_or_default(),
    }
}

const NOTES_URL: &str = "https://gitlab.example/api/v4/projects/3/merge_requests/9/notes";

#[test]
fn the_gitlab_job_posts_one_note_keeps_the_report_and_the_code_quality_findings() {
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    let (base, head) = repository(&repo);
    let job = run_gitlab_job(work.path(), &repo, &base, &head, true, "[]");
    // The merge request added a finding: the note is posted, then the job fails.
    assert_eq!(job.code, 1, "{}", job.log);
    let mut calls = job.curl.lines();
    assert_eq!(
        calls.next(),
        Some(format!("GET {NOTES_URL}?per_page=100&sort=desc").as_str())
    );
    assert_eq!(calls.next(), Some(format!("POST {NOTES_URL}").as_str()));
    let sent: serde_json::Value =
        serde_json::from_str(&calls.collect::<Vec<_>>().join("\n")).unwrap();
    let body = sent["body"].as_str().unwrap();
    assert!(
        body.starts_with("<!-- portfolio-audit -->\n**Score"),
        "{body}"
    );
    assert!(body.contains("findings: 1 new"), "{body}");

    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("portfolio-audit.json")).unwrap())
            .unwrap();
    let finding = &report["repos"][0]["findings"][0];
    let quality: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.join("gl-code-quality-report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        quality,
        serde_json::json!([{
            "description": finding["message"],
            "check_name": "quality.bare_except",
            "fingerprint": finding["fingerprint"],
            "severity": "major",
            "location": {"path": "parse.py", "lines": {"begin": 4}}
        }])
    );
}

#[test]
fn the_gitlab_job_updates_its_note_and_runs_without_a_token() {
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    let (base, head) = repository(&repo);
    let notes =
        r#"[{"id": 41, "body": "LGTM"}, {"id": 42, "body": "<!-- portfolio-audit -->\nold"}]"#;
    let job = run_gitlab_job(work.path(), &repo, &base, &head, true, notes);
    assert_eq!(job.code, 1, "{}", job.log);
    assert_eq!(
        job.curl.lines().nth(1),
        Some(format!("PUT {NOTES_URL}/42").as_str())
    );

    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    let (base, head) = repository(&repo);
    let job = run_gitlab_job(work.path(), &repo, &base, &head, false, "[]");
    assert_eq!(job.code, 1, "{}", job.log);
    assert!(job.curl.is_empty());
    assert!(
        job.log.contains("PORTFOLIO_AUDIT_TOKEN is not set"),
        "{}",
        job.log
    );
    // Between the same two commits nothing changes, nothing fails.
    let job = run_gitlab_job(work.path(), &repo, &head, &head, false, "[]");
    assert_eq!(job.code, 0, "{}", job.log);
}

#[test]
fn the_gitlab_install_step_is_valid_shell_that_checks_the_download() {
    let script = gitlab_lines("before_script").join("\n");
    assert!(script.contains("sha256sum -c -"), "{script}");
    let check = Command::new("bash")
        .arg("-n")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
