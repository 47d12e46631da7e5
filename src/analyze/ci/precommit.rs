//! `.pre-commit-config.yaml`: each hook by its `id`, what it checks
//! (lint, type-check, tests, vulnerabilities and secrets), a local hook by
//! the command in its `entry`, and a `ci:` section for pre-commit.ci.

use super::known;
use super::record::{Recorder, CI};
use super::{
    PRECOMMIT_CI, PRECOMMIT_HOOKS, PRECOMMIT_LINTS, PRECOMMIT_RUNS_TESTS, PRECOMMIT_SECURITY,
    PRECOMMIT_TYPE_CHECKS, PRECOMMIT_TYPE_CHECKS_STRICT,
};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::shell::{self, Action};
use crate::analyze::yaml::Node;

pub(super) fn analyze(text: &str) -> ConfigFacts {
    let mut r = Recorder::new(&CI);
    for doc in r.mapping_documents(text, "a pre-commit config is a mapping with `repos:`") {
        if let Some((k, v)) = doc.entry("ci") {
            if v.is_map() {
                r.fact(PRECOMMIT_CI, k.line, "pre-commit.ci");
            }
        }
        for repo in doc.get("repos").map(Node::items).unwrap_or_default() {
            for hook in repo.get("hooks").map(Node::items).unwrap_or_default() {
                let Some(id) = hook.get("id") else { continue };
                let Some(name) = id.as_str() else { continue };
                r.fact(PRECOMMIT_HOOKS, id.line, name);
                let entry = hook.get("entry").and_then(Node::as_str);
                let acts = hook_actions(name, entry);
                for a in &acts {
                    let fact = match a {
                        Action::Lints => PRECOMMIT_LINTS,
                        Action::TypeChecks => PRECOMMIT_TYPE_CHECKS,
                        Action::SecurityScan => PRECOMMIT_SECURITY,
                        Action::RunsTests => PRECOMMIT_RUNS_TESTS,
                        _ => continue,
                    };
                    r.fact(fact, id.line, name);
                }
                let strict = hook
                    .get("args")
                    .map(Node::strings)
                    .unwrap_or_default()
                    .iter()
                    .any(|a| a.as_str() == Some("--strict"))
                    || entry.is_some_and(|e| e.split_whitespace().any(|w| w == "--strict"));
                if strict && acts.contains(&Action::TypeChecks) {
                    r.fact(
                        PRECOMMIT_TYPE_CHECKS_STRICT,
                        id.line,
                        format!("{name} --strict"),
                    );
                }
            }
        }
    }
    r.finish()
}

/// What a hook does: by its id (`rules/tools/ci_steps.toml`), else by the
/// command in its `entry` (local hooks: `entry: pytest`), else by the id
/// as a tool name.
pub(super) fn hook_actions(id: &str, entry: Option<&str>) -> Vec<Action> {
    let id = id.to_ascii_lowercase();
    let known = known::precommit_hook(&id);
    if !known.is_empty() {
        return known;
    }
    if let Some(e) = entry {
        let acts: Vec<Action> = shell::commands(e)
            .first()
            .map(|c| shell::classify(&c.words))
            .unwrap_or_default();
        if !acts.is_empty() {
            return acts;
        }
    }
    shell::classify(&[id])
}
