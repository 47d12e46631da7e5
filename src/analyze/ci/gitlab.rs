//! GitLab CI: jobs are the top-level keys that are not keywords or hidden
//! (`.template`) keys. A job's keys are looked up through its `extends:`
//! chain; `!reference [.job, script]` items are followed; anchors and
//! `<<:` merges are already applied by the YAML reader. Hidden templates
//! count only through the jobs that extend them, at the template's lines.

use super::record::{self, Combos, Did, Recorder, CI};
use super::{CI_DEPLOYS, CI_PIPELINE, CI_RELEASE_TRIGGER, CI_SCHEDULED};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::shell::Dialect;
use crate::analyze::yaml::{Node, Value};

/// Top-level keys that configure the pipeline rather than name a job.
const KEYWORDS: &[&str] = &[
    "image",
    "services",
    "stages",
    "types",
    "before_script",
    "after_script",
    "variables",
    "cache",
    "include",
    "default",
    "workflow",
    "spec",
];

/// GitLab resolves `extends` up to 11 levels; deeper is a loop or an error.
const MAX_EXTENDS: u32 = 11;

pub(super) fn analyze(text: &str) -> ConfigFacts {
    let mut r = Recorder::new(&CI);
    for doc in r.mapping_documents(text, "a .gitlab-ci.yml is a mapping of jobs") {
        if let Some(inc) = doc.get("include") {
            includes(&mut r, inc);
        }
        if let Some(rules) = doc.get("workflow").and_then(|w| w.get("rules")) {
            rule_conditions(&mut r, rules);
        }
        for (key, job) in doc.entries() {
            if KEYWORDS.contains(&key.text.as_str()) || key.text.starts_with('.') || !job.is_map() {
                continue;
            }
            self::job(&mut r, &doc, &key.text, key.line, job);
        }
    }
    r.finish()
}

/// Local files pulled in by `include:` (a path, a list, `local:` entries);
/// remote, project and template includes are not in the repository.
fn includes(r: &mut Recorder, inc: &Node) {
    let items: Vec<&Node> = match &inc.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![inc],
    };
    for item in items {
        let local = match &item.value {
            Value::Scalar { text, .. } if !text.contains("://") => Some((text.as_str(), item.line)),
            Value::Map(_) => item
                .get("local")
                .and_then(|l| l.as_str().map(|t| (t, l.line))),
            _ => None,
        };
        if let Some((path, line)) = local {
            r.out.includes.push((path.to_string(), line));
        }
    }
}

/// A key of a job, or of the first job up its `extends:` chain that sets it
/// (a later parent overrides an earlier one).
fn lookup<'a>(doc: &'a Node, job: &'a Node, key: &str, depth: u32) -> Option<&'a Node> {
    if let Some(v) = job.get(key) {
        return Some(v);
    }
    if depth >= MAX_EXTENDS {
        return None;
    }
    let parents = job.get("extends").map(Node::strings).unwrap_or_default();
    parents.iter().rev().find_map(|p| {
        let parent = doc.get(p.as_str()?)?;
        lookup(doc, parent, key, depth + 1)
    })
}

fn job(r: &mut Recorder, doc: &Node, name: &str, line: u32, job: &Node) {
    let windows = lookup(doc, job, "tags", 0).is_some_and(|t| {
        t.strings().iter().any(|s| {
            s.as_str()
                .is_some_and(|x| x.to_ascii_lowercase().contains("windows"))
        })
    });
    let dialect = if windows {
        Dialect::PowerShell
    } else {
        Dialect::Posix
    };
    let default = doc.get("default");
    let mut did = Did::default();
    for key in ["before_script", "script", "after_script"] {
        let node = lookup(doc, job, key, 0)
            .or_else(|| default.and_then(|d| d.get(key)))
            .or_else(|| (key != "script").then(|| doc.get(key)).flatten());
        if let Some(node) = node {
            script_items(r, doc, node, dialect, &mut did, 0);
        }
    }
    // A job runs when it has a script (a `trigger:` job starts another pipeline).
    if did.steps && lookup(doc, job, "script", 0).is_some() {
        r.fact(CI_PIPELINE, line, format!("job `{name}`"));
        let stage = lookup(doc, job, "stage", 0)
            .and_then(Node::as_str)
            .unwrap_or("");
        if name == "pages" {
            r.fact(CI_DEPLOYS, line, "GitLab Pages");
        } else if super::named_for_deploying(name) || super::named_for_deploying(stage) {
            r.fact(CI_DEPLOYS, line, format!("job `{name}` deploys"));
        }
    }
    if let Some(parallel) = lookup(doc, job, "parallel", 0) {
        if let Some((k, m)) = parallel.entry("matrix") {
            r.matrix(k.line, combos(m), did);
        }
    }
    if let Some(only) = lookup(doc, job, "only", 0) {
        let refs = only.get("refs").unwrap_or(only);
        for s in refs.strings() {
            match s.as_str() {
                Some("tags") => r.fact(CI_RELEASE_TRIGGER, s.line, "only: tags"),
                Some("schedules") => r.fact(CI_SCHEDULED, s.line, "only: schedules"),
                _ => {}
            }
        }
    }
    if let Some(rules) = lookup(doc, job, "rules", 0) {
        rule_conditions(r, rules);
    }
}

/// Script items: strings, nested lists, and `!reference [.job, key]`
/// (read here as a list of names) resolved in the document.
fn script_items(
    r: &mut Recorder,
    doc: &Node,
    node: &Node,
    dialect: Dialect,
    did: &mut Did,
    depth: u32,
) {
    if depth > MAX_EXTENDS {
        return;
    }
    match &node.value {
        Value::Scalar { .. } => r.script_node(node, dialect, did),
        Value::Seq(items) => {
            for item in items {
                match &item.value {
                    Value::Seq(_) => {
                        if let Some(target) = reference(doc, item) {
                            script_items(r, doc, target, dialect, did, depth + 1);
                        } else {
                            script_items(r, doc, item, dialect, did, depth + 1);
                        }
                    }
                    Value::Scalar { .. } => r.script_node(item, dialect, did),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// What `!reference [.setup, script]` points at, if it is in this file.
fn reference<'a>(doc: &'a Node, item: &Node) -> Option<&'a Node> {
    let path = item.items();
    if path.len() < 2 || path.iter().any(|p| p.as_str().is_none()) {
        return None;
    }
    let mut at = doc;
    for p in path {
        at = at.get(p.as_str()?)?;
    }
    Some(at)
}

/// `rules: - if:` conditions that run a job (or the pipeline) only for tags or schedules.
fn rule_conditions(r: &mut Recorder, rules: &Node) {
    for rule in rules.items() {
        if rule.get("when").and_then(Node::as_str) == Some("never") {
            continue;
        }
        let Some(cond) = rule.get("if") else { continue };
        let Some(text) = cond.as_str() else { continue };
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let negated = |var: &str| {
            compact.contains(&format!("{var}==null"))
                || compact.contains(&format!("{var}==\"\""))
                || compact.contains(&format!("!{var}"))
        };
        if compact.contains("$CI_COMMIT_TAG") && !negated("$CI_COMMIT_TAG") {
            r.fact(
                CI_RELEASE_TRIGGER,
                cond.line,
                format!("if: {}", text.trim()),
            );
        }
        if compact.contains("$CI_PIPELINE_SOURCE==\"schedule\"")
            || compact.contains("$CI_PIPELINE_SOURCE=='schedule'")
        {
            r.fact(CI_SCHEDULED, cond.line, format!("if: {}", text.trim()));
        }
    }
}

/// `parallel: matrix:` is a list of mappings; each gives the product of its
/// variables' values, and the entries add up.
fn combos(m: &Node) -> Combos {
    let mut total = 0u64;
    for entry in m.items() {
        match record::product(entry.entries().iter().map(|(_, v)| v)) {
            Combos::Known(n) if !entry.entries().is_empty() => total = total.saturating_add(n),
            Combos::Known(_) => {}
            Combos::Computed => return Combos::Computed,
        }
    }
    Combos::Known(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Vec<String> {
        analyze(text).fact_lines()
    }

    #[test]
    fn extends_references_and_unused_templates() {
        let f = facts(concat!(
            ".setup:\n",                           // 1
            "  script:\n",                         // 2
            "    - uv sync --frozen\n",            // 3
            ".lint:\n",                            // 4
            "  script: ruff check .\n",            // 5
            ".tests:\n",                           // 6
            "  script:\n",                         // 7
            "    - !reference [.setup, script]\n", // 8
            "    - pytest\n",                      // 9
            "unit:\n",                             // 10
            "  extends: [.lint, .tests]\n",        // 11
        ));
        // `.lint` is overridden by `.tests`, a later parent; nothing runs ruff.
        assert_eq!(
            f,
            vec!["ci.installs_locked:3", "ci.pipeline:10", "ci.runs_tests:9"]
        );
    }

    #[test]
    fn extends_loops_end() {
        let f = facts(
            "a:\n  extends: b\nb:\n  extends: a\nc:\n  extends: [c]\n  script: [[c, script]]\n",
        );
        assert!(f.iter().all(|x| !x.starts_with("ci.runs")), "{f:?}");
    }

    #[test]
    fn rules_for_tags_and_schedules() {
        let f = facts("publish:\n  script: twine upload dist/*\n  rules:\n    - if: $CI_COMMIT_TAG\n    - if: $CI_COMMIT_TAG == null\n      when: never\nnightly:\n  script: pytest\n  rules:\n    - if: '$CI_PIPELINE_SOURCE == \"schedule\"'\n");
        assert_eq!(
            f,
            vec![
                "ci.pipeline:1",
                "ci.pipeline:7",
                "ci.publishes:2",
                "ci.release_trigger:4",
                "ci.runs_tests:8",
                "ci.scheduled:10"
            ]
        );
    }
}
