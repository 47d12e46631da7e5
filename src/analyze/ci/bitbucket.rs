//! Bitbucket Pipelines: `pipelines` (`default`, `branches`, `tags`,
//! `pull-requests`, `custom`) hold steps, directly or in `parallel` and
//! `stage` groups; a step's `script` holds commands and `pipe:`s.
//! Steps shared through `definitions` anchors arrive already merged.

use super::known;
use super::record::{Did, Recorder, CI};
use super::{CI_PIPELINE, CI_RELEASE_TRIGGER};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::shell::Dialect;
use crate::analyze::yaml::{Node, Value};

/// Groups nest (`parallel` in a `stage`); deeper than this is not a pipeline.
const MAX_DEPTH: u32 = 6;

pub(super) fn analyze(text: &str) -> ConfigFacts {
    let mut r = Recorder::new(&CI);
    for doc in r.mapping_documents(
        text,
        "a bitbucket-pipelines.yml is a mapping with `pipelines:`",
    ) {
        let Some(pipelines) = doc.get("pipelines") else {
            continue;
        };
        for (key, v) in pipelines.entries() {
            match key.text.as_str() {
                "default" => {
                    items(&mut r, v, 0);
                }
                _ => {
                    let mut did = Did::default();
                    for (_, group) in v.entries() {
                        did.add(items(&mut r, group, 0));
                    }
                    if key.text == "tags" && did.steps {
                        r.fact(CI_RELEASE_TRIGGER, key.line, "pipelines: tags");
                    }
                }
            }
        }
    }
    r.finish()
}

/// A list of `step`, `parallel` and `stage` items; what they did.
fn items(r: &mut Recorder, list: &Node, depth: u32) -> Did {
    let mut did = Did::default();
    if depth > MAX_DEPTH {
        return did;
    }
    for item in list.items() {
        if let Some((k, s)) = item.entry("step") {
            let mut step_did = Did::default();
            let windows = s
                .get("runs-on")
                .is_some_and(|n| n.strings().iter().any(|x| x.as_str() == Some("windows")));
            let dialect = if windows {
                Dialect::PowerShell
            } else {
                Dialect::Posix
            };
            for key in ["script", "after-script"] {
                for cmd in s.get(key).map(Node::items).unwrap_or_default() {
                    match &cmd.value {
                        Value::Scalar { .. } => r.script_node(cmd, dialect, &mut step_did),
                        Value::Map(_) => {
                            if let Some(pipe) = cmd.get("pipe") {
                                let name = pipe.as_str().unwrap_or("");
                                let acts = known::bitbucket_pipe(name);
                                r.actions(pipe.line, &acts, &format!("pipe {name}"), &mut step_did);
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(one) = s.get(key).filter(|n| n.as_str().is_some()) {
                    r.script_node(one, dialect, &mut step_did);
                }
            }
            if step_did.steps {
                let name = s.get("name").and_then(Node::as_str).unwrap_or("");
                r.fact(CI_PIPELINE, k.line, format!("step `{name}`"));
            }
            did.add(step_did);
        }
        if let Some(p) = item.get("parallel") {
            // `parallel:` is a list of steps, or `{steps: [...], fail-fast}`.
            let list = p.get("steps").unwrap_or(p);
            did.add(items(r, list, depth + 1));
        }
        if let Some(stage) = item.get("stage") {
            if let Some(steps) = stage.get("steps") {
                did.add(items(r, steps, depth + 1));
            }
        }
    }
    did
}
