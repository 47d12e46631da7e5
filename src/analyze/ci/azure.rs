//! Azure Pipelines: `stages` → `jobs` (and deployment jobs, whose steps
//! sit under their `strategy`) → `steps` (`script`, `bash`, `pwsh`,
//! `powershell`, `task`), or a single job's top-level `steps`. Templates
//! in the repository are recorded as includes; `trigger: tags`,
//! `schedules`, tag conditions and `strategy.matrix` are read.

use super::known;
use super::record::{self, Combos, Did, Recorder, CI};
use super::{CI_PIPELINE, CI_RELEASE_TRIGGER, CI_SCHEDULED};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::shell::Dialect;
use crate::analyze::yaml::{Node, Value};

/// Deeper than this, nested strategy hooks are not searched for steps.
const MAX_DEPTH: u32 = 6;

pub(super) fn analyze(text: &str) -> ConfigFacts {
    let mut r = Recorder::new(&CI);
    for doc in r.mapping_documents(
        text,
        "an Azure pipeline is a mapping with `stages:`, `jobs:` or `steps:`",
    ) {
        if let Some((k, _)) = doc.get("trigger").and_then(|t| t.entry("tags")) {
            r.fact(CI_RELEASE_TRIGGER, k.line, "trigger: tags");
        }
        for s in doc.get("schedules").map(Node::items).unwrap_or_default() {
            if let Some(cron) = s.get("cron") {
                let expr = cron.as_str().unwrap_or("");
                r.fact(CI_SCHEDULED, cron.line, format!("cron {expr}"));
            }
        }
        if let Some(t) = doc.get("extends").and_then(|e| e.get("template")) {
            template(&mut r, t);
        }
        let windows = pool_is_windows(&doc);
        for stage in items(&mut r, doc.get("stages"), 0) {
            if let Some(t) = stage.get("template") {
                template(&mut r, t);
            }
            condition(&mut r, stage.get("condition"));
            let windows = windows || pool_is_windows(stage);
            for j in items(&mut r, stage.get("jobs"), 0) {
                job(&mut r, j, windows);
            }
        }
        for j in items(&mut r, doc.get("jobs"), 0) {
            job(&mut r, j, windows);
        }
        if let Some((k, s)) = doc.entry("steps") {
            let mut did = Did::default();
            steps(&mut r, s, windows, &mut did);
            if did.steps {
                r.fact(CI_PIPELINE, k.line, "steps");
            }
        }
    }
    r.finish()
}

/// The items of a list of stages, jobs or steps, with the items of
/// conditional insertions (`- ${{ if startsWith(...) }}:` holding a list)
/// taken in; a condition on tags is a release trigger.
fn items<'a>(r: &mut Recorder, list: Option<&'a Node>, depth: u32) -> Vec<&'a Node> {
    let mut out = Vec::new();
    if depth > MAX_DEPTH {
        return out;
    }
    for item in list.map(Node::items).unwrap_or_default() {
        let entries = item.entries();
        let inserted =
            !entries.is_empty() && entries.iter().all(|(k, _)| k.text.starts_with("${{"));
        if !inserted {
            out.push(item);
            continue;
        }
        for (k, v) in entries {
            if is_tag_condition(&k.text) {
                r.fact(CI_RELEASE_TRIGGER, k.line, k.text.trim().to_string());
            }
            out.extend(items(r, Some(v), depth + 1));
        }
    }
    out
}

fn is_tag_condition(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains("'refs/tags/") && !compact.contains("not(startsWith(")
}

/// A template file of this repository (`path@repo` is another repository's).
fn template(r: &mut Recorder, t: &Node) {
    if let Some(path) = t.as_str() {
        if !path.contains('@') && !record::is_expression(path) {
            r.out.includes.push((path.to_string(), t.line));
        }
    }
}

fn pool_is_windows(n: &Node) -> bool {
    let Some(pool) = n.get("pool") else {
        return false;
    };
    let image = pool
        .get("vmImage")
        .or_else(|| pool.get("name"))
        .unwrap_or(pool);
    image
        .as_str()
        .is_some_and(|s| s.to_ascii_lowercase().contains("windows"))
}

/// A `condition:` that holds only for tags.
fn condition(r: &mut Recorder, cond: Option<&Node>) {
    let Some(cond) = cond else { return };
    let Some(text) = cond.as_str() else { return };
    if is_tag_condition(text) {
        r.fact(
            CI_RELEASE_TRIGGER,
            cond.line,
            format!("condition: {}", text.trim()),
        );
    }
}

fn job(r: &mut Recorder, j: &Node, windows: bool) {
    // A job from a template: a job of the pipeline, whose steps are in the
    // template (read as its own file when it is in this repository).
    if let Some((k, t)) = j.entry("template") {
        template(r, t);
        let path = t.as_str().unwrap_or("");
        r.fact(CI_PIPELINE, k.line, format!("jobs from template {path}"));
        return;
    }
    let Some((key, name)) = j.entry("job").or_else(|| j.entry("deployment")) else {
        return;
    };
    condition(r, j.get("condition"));
    let windows = windows || pool_is_windows(j);
    let mut did = Did::default();
    if let Some(s) = j.get("steps") {
        steps(r, s, windows, &mut did);
    }
    // Deployment jobs: `strategy: runOnce: deploy: steps:` and the other hooks.
    if let Some(strategy) = j.get("strategy") {
        for (k, v) in strategy.entries() {
            if k.text != "matrix" {
                nested_steps(r, v, windows, &mut did, 0);
            }
        }
    }
    if did.steps {
        let name = name.as_str().unwrap_or("");
        r.fact(CI_PIPELINE, key.line, format!("job `{name}`"));
    }
    if let Some((k, m)) = j.get("strategy").and_then(|s| s.entry("matrix")) {
        let n = match &m.value {
            Value::Map(entries) if entries.iter().any(|(k, _)| record::is_expression(&k.text)) => {
                Combos::Computed
            }
            Value::Map(entries) => Combos::Known(entries.len() as u64),
            Value::Scalar { text, .. } if record::is_expression(text) => Combos::Computed,
            _ => Combos::Known(0),
        };
        r.matrix(k.line, n, did);
    }
}

fn nested_steps(r: &mut Recorder, n: &Node, windows: bool, did: &mut Did, depth: u32) {
    if depth > MAX_DEPTH {
        return;
    }
    for (k, v) in n.entries() {
        if k.text == "steps" {
            steps(r, v, windows, did);
        } else {
            nested_steps(r, v, windows, did, depth + 1);
        }
    }
}

fn steps(r: &mut Recorder, steps: &Node, windows: bool, did: &mut Did) {
    for step in items(r, Some(steps), 0) {
        if !step.is_map() {
            continue;
        }
        condition(r, step.get("condition"));
        // `script` runs in cmd.exe on Windows agents and in bash elsewhere.
        let script_dialect = if windows {
            Dialect::Cmd
        } else {
            Dialect::Posix
        };
        for (key, dialect) in [
            ("script", script_dialect),
            ("bash", Dialect::Posix),
            ("pwsh", Dialect::PowerShell),
            ("powershell", Dialect::PowerShell),
        ] {
            if let Some(s) = step.get(key) {
                did.steps = true;
                r.script_node(s, dialect, did);
            }
        }
        if let Some(t) = step.get("template") {
            template(r, t);
        }
        if step.get("checkout").is_some() {
            did.steps = true;
        }
        let Some(task) = step.get("task") else {
            continue;
        };
        did.steps = true;
        let name = task.as_str().unwrap_or("");
        let inputs = step.get("inputs");
        let acts = known::azure_task(name, inputs);
        r.actions(task.line, &acts, &format!("task {name}"), did);
        if let Some((s, d)) = inline_script(name, inputs, windows) {
            r.script_node(s, d, did);
        }
    }
}

/// The inline script of a script task (`Bash@3`, `PowerShell@2`, `CmdLine@2`, `AzureCLI@2`).
fn inline_script<'a>(
    task: &str,
    inputs: Option<&'a Node>,
    windows: bool,
) -> Option<(&'a Node, Dialect)> {
    let inputs = inputs?;
    let input = |key: &str| {
        inputs
            .entries()
            .iter()
            .find(|(k, _)| k.text.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    };
    let name = task.split('@').next().unwrap_or("").to_ascii_lowercase();
    let dialect = match name.as_str() {
        "bash" => Dialect::Posix,
        "powershell" => Dialect::PowerShell,
        "cmdline" if windows => Dialect::Cmd,
        "cmdline" => Dialect::Posix,
        "azurecli" => match input("scriptType").and_then(Node::as_str).unwrap_or("") {
            "ps" | "pscore" => Dialect::PowerShell,
            "batch" => Dialect::Cmd,
            _ => Dialect::Posix,
        },
        _ => return None,
    };
    let script = input("script").or_else(|| input("inlineScript"))?;
    Some((script, dialect))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Vec<String> {
        analyze(text).fact_lines()
    }

    #[test]
    fn conditional_insertions_and_remote_templates() {
        let f = facts(concat!(
            "jobs:\n",                                                                  // 1
            "- template: run-tox-env.yml@tox\n",                                        // 2
            "- ${{ if startsWith(variables['Build.SourceBranch'], 'refs/tags/') }}:\n", // 3
            "  - job: publish\n",                                                       // 4
            "    steps:\n",                                                             // 5
            "    - ${{ each py in parameters.versions }}:\n",                           // 6
            "      - script: twine upload dist/*\n",                                    // 7
            "    strategy:\n",                                                          // 8
            "      matrix:\n",                                                          // 9
            "        ${{ each py in parameters.versions }}:\n",                         // 10
            "          ${{ py }}:\n",                                                   // 11
            "            python.version: ${{ py }}\n",                                  // 12
        ));
        assert_eq!(
            f,
            vec![
                "ci.matrix:9",
                "ci.pipeline:2",
                "ci.pipeline:4",
                "ci.publishes:7",
                "ci.release_trigger:3",
            ]
        );
    }
}
