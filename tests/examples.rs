//! The cohort examples run as written: the Kubernetes Indexed Job's shard
//! script once per completion index, then its merge Job's script, give the
//! report of one run over the class list. (The GitHub Actions example is
//! checked by actionlint in `.ci/run`.)

mod common;

use common::root;
use saphyr::{LoadableYamlNode, Yaml};
use std::path::Path;
use std::process::Command;

/// The `sh -c` script of the first container of a Job, and its SHARDS.
fn job_script(docs: &[Yaml], name: &str) -> (String, String) {
    let job = docs
        .iter()
        .find(|d| d["kind"].as_str() == Some("Job") && d["metadata"]["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no Job {name}"));
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["command"][1].as_str(), Some("-c"));
    let env = &container["env"][0];
    assert_eq!(env["name"].as_str(), Some("SHARDS"));
    (
        container["args"][0].as_str().unwrap().to_string(),
        env["value"].as_str().unwrap().to_string(),
    )
}

/// Runs `script` with sh, the binary on PATH, the pod's folders under `dir`.
fn run(script: &str, dir: &Path, env: &[(&str, String)]) {
    let script = script
        .replace("/class/", &format!("{}/class/", dir.display()))
        .replace("/reports", &format!("{}/reports", dir.display()))
        .replace("/cache", &format!("{}/cache", dir.display()));
    let bin = Path::new(env!("CARGO_BIN_EXE_portfolio-audit"))
        .parent()
        .unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let out = Command::new("sh")
        .args(["-c", &script])
        .env("PATH", path)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_kubernetes_indexed_job_and_its_merge_give_one_runs_report() {
    let text = std::fs::read_to_string(root().join("examples/kubernetes/cohort-job.yaml")).unwrap();
    let docs = Yaml::load_from_str(&text).unwrap();
    let shards = docs
        .iter()
        .find(|d| {
            d["kind"].as_str() == Some("Job")
                && d["metadata"]["name"].as_str() == Some("cohort-shards")
        })
        .unwrap();
    assert_eq!(shards["spec"]["completionMode"].as_str(), Some("Indexed"));
    let completions = shards["spec"]["completions"].as_integer().unwrap();
    let (shard, n) = job_script(&docs, "cohort-shards");
    let (merge, n_merge) = job_script(&docs, "cohort-merge");
    assert_eq!(n, completions.to_string(), "SHARDS = completions");
    assert_eq!(n_merge, n, "the merge waits for every shard");

    let dir = tempfile::tempdir().unwrap();
    for sub in ["class", "reports", "cache"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    let portfolio = root().join("fixtures/portfolio");
    let class = [
        "flask-blog",
        "django-shop",
        "fastapi-service",
        "data-ml-project",
    ]
    .iter()
    .enumerate()
    .map(|(i, repo)| format!("Student {}    {}\n", i % 3, portfolio.join(repo).display()))
    .collect::<String>();
    let class_file = dir.path().join("class/class.txt");
    std::fs::write(&class_file, class).unwrap();
    // The pods, in any order.
    for index in (0..completions).rev() {
        run(
            &shard,
            dir.path(),
            &[
                ("SHARDS", n.clone()),
                ("JOB_COMPLETION_INDEX", index.to_string()),
            ],
        );
    }
    run(&merge, dir.path(), &[("SHARDS", n.clone())]);
    let merged = std::fs::read_to_string(dir.path().join("reports/cohort.json")).unwrap();
    let single = common::cli(&[
        "scan",
        "--repos-file",
        class_file.to_str().unwrap(),
        "--no-cache",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(single.code, 0, "{}", single.err);
    assert_eq!(merged, single.out);
    assert!(dir.path().join("reports/cohort.html").exists());
}
