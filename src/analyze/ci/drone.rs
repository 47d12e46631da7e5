//! Drone and Woodpecker (a fork of Drone): pipelines of container steps,
//! each with `commands` or a plugin `image`; `trigger`/`when` events
//! (`tag`, `cron`), and Woodpecker's top-level `matrix`.

use super::known;
use super::record::{self, Combos, Did, Recorder, CI};
use super::{CI_PIPELINE, CI_RELEASE_TRIGGER, CI_SCHEDULED};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::shell::Dialect;
use crate::analyze::yaml::{Node, Value};

/// Which of the two formats a file is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    Drone,
    Woodpecker,
}

pub(super) fn analyze(text: &str, flavor: Flavor) -> ConfigFacts {
    let mut r = Recorder::new(&CI);
    for doc in r.mapping_documents(text, "a pipeline is a mapping with `steps:`") {
        // Woodpecker before 2.0 called its steps `pipeline:`.
        let entry = doc.entry("steps").or_else(|| match flavor {
            Flavor::Woodpecker => doc.entry("pipeline"),
            Flavor::Drone => None,
        });
        let mut did = Did::default();
        if let Some((key, steps)) = entry {
            // A list of steps with `name:`, or (Woodpecker) a mapping of names to steps.
            let list: Vec<&Node> = match &steps.value {
                Value::Seq(items) => items.iter().collect(),
                Value::Map(m) => m.iter().map(|(_, v)| v).collect(),
                _ => Vec::new(),
            };
            for s in list {
                step(&mut r, s, &mut did);
            }
            if did.steps {
                let detail = match doc.get("name").and_then(Node::as_str) {
                    Some(name) => format!("pipeline `{name}`"),
                    None => "steps".to_string(),
                };
                r.fact(CI_PIPELINE, key.line, detail);
            }
        }
        for key in ["trigger", "when"] {
            if let Some(w) = doc.get(key) {
                events(&mut r, w);
            }
        }
        if flavor == Flavor::Woodpecker {
            if let Some((k, m)) = doc.entry("matrix") {
                r.matrix(k.line, combos(m), did);
            }
        }
    }
    r.finish()
}

fn step(r: &mut Recorder, s: &Node, did: &mut Did) {
    if !s.is_map() {
        return;
    }
    if let Some(commands) = s.get("commands") {
        did.steps = true;
        r.script_list(commands, Dialect::Posix, did);
    }
    if let Some(image) = s.get("image") {
        did.steps = true;
        let name = image.as_str().unwrap_or("");
        let acts = known::container_plugin(name);
        r.actions(image.line, &acts, &format!("image {name}"), did);
    }
    if let Some(w) = s.get("when") {
        events(r, w);
    }
}

/// `event: [tag, cron]` in a `trigger:`/`when:` (a mapping or a list of them).
fn events(r: &mut Recorder, w: &Node) {
    let conds: Vec<&Node> = match &w.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![w],
    };
    for c in conds {
        let Some(ev) = c.get("event") else { continue };
        let list = ev.get("include").unwrap_or(ev);
        for e in list.strings() {
            match e.as_str() {
                Some("tag") => r.fact(CI_RELEASE_TRIGGER, e.line, "event: tag"),
                Some("cron") => r.fact(CI_SCHEDULED, e.line, "event: cron"),
                _ => {}
            }
        }
    }
}

/// Woodpecker's `matrix:`: the product of its axes, or its `include` entries.
fn combos(m: &Node) -> Combos {
    if let Some(include) = m.get("include") {
        return Combos::Known(include.items().len() as u64);
    }
    if m.entries().is_empty() {
        return Combos::Known(0);
    }
    record::product(m.entries().iter().map(|(_, v)| v))
}
