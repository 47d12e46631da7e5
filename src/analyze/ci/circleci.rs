//! CircleCI: `jobs` with `steps` (`run:` scripts, reusable `commands`,
//! orb commands), and `workflows` that run the jobs, with matrices,
//! tag filters and scheduled triggers.

use super::known;
use super::record::{self, Combos, Did, Recorder, CI};
use super::{CI_PIPELINE, CI_RELEASE_TRIGGER, CI_SCHEDULED};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::shell::Dialect;
use crate::analyze::yaml::{Node, Value};

/// Reusable commands may call others; deeper than this is a loop.
const MAX_DEPTH: u32 = 8;

pub(super) fn analyze(text: &str) -> ConfigFacts {
    let mut r = Recorder::new(&CI);
    for doc in r.mapping_documents(
        text,
        "a CircleCI config is a mapping with `jobs:` and `workflows:`",
    ) {
        let mut jobs: Vec<(&str, Did)> = Vec::new();
        for (key, job) in doc.get("jobs").map(Node::entries).unwrap_or_default() {
            if !job.is_map() {
                continue;
            }
            let windows = ["executor", "machine", "resource_class"]
                .iter()
                .any(|k| job.get(k).is_some_and(mentions_windows));
            let dialect = match job.get("shell").and_then(Node::as_str) {
                Some(s) => record::dialect_of(s),
                None if windows => Some(Dialect::PowerShell),
                None => Some(Dialect::Posix),
            };
            let mut did = Did::default();
            steps(&mut r, &doc, job.get("steps"), dialect, &mut did, 0);
            if did.steps {
                r.fact(CI_PIPELINE, key.line, format!("job `{}`", key.text));
            }
            jobs.push((key.text.as_str(), did));
        }
        for (_, wf) in doc.get("workflows").map(Node::entries).unwrap_or_default() {
            workflow(&mut r, wf, &jobs);
        }
    }
    r.finish()
}

fn mentions_windows(n: &Node) -> bool {
    match &n.value {
        Value::Scalar { text, .. } => text.to_ascii_lowercase().contains("win"),
        Value::Map(m) => m.iter().any(|(_, v)| mentions_windows(v)),
        _ => false,
    }
}

/// Steps: `checkout`, `run:` (a string or `command:`), `when`/`unless`
/// blocks, the file's own `commands`, and orb commands (`codecov/upload`).
fn steps(
    r: &mut Recorder,
    doc: &Node,
    steps: Option<&Node>,
    dialect: Option<Dialect>,
    did: &mut Did,
    depth: u32,
) {
    let Some(steps) = steps else { return };
    if depth > MAX_DEPTH {
        return;
    }
    for step in steps.items() {
        match &step.value {
            Value::Scalar { text, .. } => named(r, doc, text, step.line, dialect, did, depth),
            Value::Map(entries) => {
                for (k, v) in entries {
                    match k.text.as_str() {
                        "run" => {
                            did.steps = true;
                            let (script, shell) = match &v.value {
                                Value::Map(_) => (v.get("command"), v.get("shell")),
                                _ => (Some(v), None),
                            };
                            let d = match shell.and_then(Node::as_str) {
                                Some(s) => record::dialect_of(s),
                                None => dialect,
                            };
                            if let (Some(script), Some(d)) = (script, d) {
                                r.script_node(script, d, did);
                            }
                        }
                        "when" | "unless" => {
                            self::steps(r, doc, v.get("steps"), dialect, did, depth + 1)
                        }
                        name => named(r, doc, name, k.line, dialect, did, depth),
                    }
                }
            }
            _ => {}
        }
    }
}

/// A step by name: a command of this file, or an orb's.
fn named(
    r: &mut Recorder,
    doc: &Node,
    name: &str,
    line: u32,
    dialect: Option<Dialect>,
    did: &mut Did,
    depth: u32,
) {
    did.steps = true;
    if let Some(command) = doc.get("commands").and_then(|c| c.get(name)) {
        steps(r, doc, command.get("steps"), dialect, did, depth + 1);
        return;
    }
    let acts = known::circle_orb(name);
    r.actions(line, &acts, name, did);
}

/// A workflow: the jobs it runs (with their matrix and tag filters) and
/// its schedule.
fn workflow(r: &mut Recorder, wf: &Node, jobs: &[(&str, Did)]) {
    for t in wf.get("triggers").map(Node::items).unwrap_or_default() {
        if let Some(cron) = t.get("schedule").and_then(|s| s.get("cron")) {
            let expr = cron.as_str().unwrap_or("");
            r.fact(CI_SCHEDULED, cron.line, format!("cron {expr}"));
        }
    }
    if let Some(when) = wf.get("when").or_else(|| wf.get("unless")) {
        if let Some(line) = find_scalar(when, "scheduled_pipeline") {
            r.fact(CI_SCHEDULED, line, "when: scheduled_pipeline");
        }
    }
    for item in wf.get("jobs").map(Node::items).unwrap_or_default() {
        let (name, line, cfg) = match &item.value {
            Value::Scalar { text, .. } => (text.as_str(), item.line, None),
            Value::Map(m) => match m.first() {
                Some((k, v)) => (k.text.as_str(), k.line, Some(v)),
                None => continue,
            },
            _ => continue,
        };
        let did = match jobs.iter().find(|(n, _)| *n == name) {
            Some((_, did)) => *did,
            None => {
                // An orb's job (`python/test`), run by name.
                let mut did = Did::default();
                let acts = known::circle_orb(name);
                if name.contains('/') {
                    r.actions(line, &acts, name, &mut did);
                    r.fact(CI_PIPELINE, line, format!("job `{name}`"));
                }
                did
            }
        };
        let Some(cfg) = cfg else { continue };
        if let Some((k, m)) = cfg.entry("matrix") {
            let params = m.get("parameters");
            let n = match params.map(|p| record::product(p.entries().iter().map(|(_, v)| v))) {
                Some(Combos::Known(n)) => {
                    let excluded = m.get("exclude").map_or(0, |e| e.items().len() as u64);
                    Combos::Known(n.saturating_sub(excluded))
                }
                Some(Combos::Computed) => Combos::Computed,
                None => Combos::Known(0),
            };
            r.matrix(k.line, n, did);
        }
        if let Some((k, tags)) = cfg.get("filters").and_then(|f| f.entry("tags")) {
            if tags.get("only").is_some() {
                r.fact(CI_RELEASE_TRIGGER, k.line, "filters: tags: only");
            }
        }
    }
}

/// The line of a scalar equal to `want` anywhere under `n`.
fn find_scalar(n: &Node, want: &str) -> Option<u32> {
    match &n.value {
        Value::Scalar { text, .. } if text == want => Some(n.line),
        Value::Seq(items) => items.iter().find_map(|i| find_scalar(i, want)),
        Value::Map(m) => m.iter().find_map(|(_, v)| find_scalar(v, want)),
        _ => None,
    }
}
