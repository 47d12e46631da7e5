//! Travis CI: the phases (`install`, `script`, ...) of the build and of
//! each `jobs.include` entry, `deploy` providers, the build matrix that
//! `python:` × `os:` × `env:` lists make, and `if:` conditions on tags
//! and cron builds.

use super::record::{Combos, Did, Recorder, CI};
use super::{CI_DEPLOYS, CI_PIPELINE, CI_PUBLISHES, CI_RELEASE_TRIGGER, CI_SCHEDULED};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::shell::Dialect;
use crate::analyze::yaml::{Node, Value};

const PHASES: &[&str] = &[
    "before_install",
    "install",
    "before_script",
    "script",
    "after_success",
    "after_failure",
    "after_script",
    "before_deploy",
    "after_deploy",
];

pub(super) fn analyze(text: &str) -> ConfigFacts {
    let mut r = Recorder::new(&CI);
    for doc in r.mapping_documents(
        text,
        "a .travis.yml is a mapping with `language:` and `script:`",
    ) {
        let did = build(&mut r, &doc);
        let jobs = doc.get("jobs").or_else(|| doc.get("matrix"));
        let mut all = did;
        let mut included = 0u64;
        let mut include_line = None;
        if let Some((k, include)) = jobs.and_then(|j| j.entry("include")) {
            include_line = Some(k.line);
            for entry in include.items() {
                if !entry.is_map() {
                    continue;
                }
                all.add(build(&mut r, entry));
                // An entry that varies the build (not a lint or deploy stage) is a combination.
                if ["python", "os", "env", "arch"]
                    .iter()
                    .any(|k| entry.get(k).is_some())
                {
                    included += 1;
                }
            }
        }
        for stage in doc.get("stages").map(Node::items).unwrap_or_default() {
            condition(&mut r, stage.get("if"));
        }
        // `jobs.include` entries add jobs to the matrix that the top-level lists expand to.
        let Combos::Known(base) = combos(&doc) else {
            continue;
        };
        match (doc.entry("python"), include_line) {
            (Some((k, _)), _) if base >= 2 => r.matrix(k.line, Combos::Known(base + included), all),
            (_, Some(line)) => r.matrix(line, Combos::Known(base + included), all),
            (Some((k, _)), None) => r.matrix(k.line, Combos::Known(base), all),
            (None, None) => {}
        }
    }
    r.finish()
}

/// The phases, deploy and condition of the build or of one job; the
/// pipeline fact goes at its `script:` (or first phase).
fn build(r: &mut Recorder, n: &Node) -> Did {
    let mut did = Did::default();
    let mut at = None;
    for phase in PHASES {
        if let Some((k, v)) = n.entry(phase) {
            r.script_list(v, Dialect::Posix, &mut did);
            if at.is_none() || *phase == "script" {
                at = Some(k.line);
            }
        }
    }
    if let Some(d) = n.get("deploy") {
        deploy(r, d, &mut did);
    }
    condition(r, n.get("if"));
    if did.steps {
        if let Some(line) = at.or_else(|| n.entry("deploy").map(|(k, _)| k.line)) {
            r.fact(CI_PIPELINE, line, "build");
        }
    }
    did
}

/// `deploy:` providers (one or a list): `pypi` publishes, `releases`
/// attaches files to a GitHub release, the others deploy; `on: tags: true`.
fn deploy(r: &mut Recorder, d: &Node, did: &mut Did) {
    let items: Vec<&Node> = match &d.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![d],
    };
    for item in items {
        if let Some(p) = item.get("provider") {
            let provider = p.as_str().unwrap_or("").to_ascii_lowercase();
            did.steps = true;
            match provider.as_str() {
                "pypi" => r.fact(CI_PUBLISHES, p.line, "deploy: provider pypi"),
                "releases" | "" => {}
                "script" => {
                    if let Some(s) = item.get("script") {
                        r.script_list(s, Dialect::Posix, did);
                    }
                }
                other => r.fact(CI_DEPLOYS, p.line, format!("deploy: provider {other}")),
            }
        }
        if let Some((k, v)) = item.get("on").and_then(|o| o.entry("tags")) {
            if v.as_str() == Some("true") {
                r.fact(CI_RELEASE_TRIGGER, k.line, "deploy on tags");
            }
        }
    }
}

/// `if: tag IS present`, `if: type = cron`.
fn condition(r: &mut Recorder, cond: Option<&Node>) {
    let Some(cond) = cond else { return };
    let Some(text) = cond.as_str() else { return };
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let has = |seq: &[&str]| {
        words
            .windows(seq.len())
            .any(|w| w.iter().zip(seq).all(|(a, b)| a == b))
    };
    if has(&["tag", "is", "present"]) || has(&["tag", "=~"]) {
        r.fact(
            CI_RELEASE_TRIGGER,
            cond.line,
            format!("if: {}", text.trim()),
        );
    }
    if has(&["type", "=", "cron"]) || has(&["type", "is", "cron"]) || has(&["type", "==", "cron"]) {
        r.fact(CI_SCHEDULED, cond.line, format!("if: {}", text.trim()));
    }
}

/// `python:` × `os:` × `env:` (its `jobs:`/`matrix:` list when it is a mapping).
fn combos(doc: &Node) -> Combos {
    let len = |n: Option<&Node>| match n.map(|n| &n.value) {
        Some(Value::Seq(items)) => items.len().max(1) as u64,
        _ => 1,
    };
    let env = doc.get("env").map(|e| {
        if e.is_map() {
            e.get("jobs").or_else(|| e.get("matrix"))
        } else {
            Some(e)
        }
    });
    Combos::Known(len(doc.get("python")) * len(doc.get("os")) * len(env.flatten()))
}
