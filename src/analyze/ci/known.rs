//! Well-known steps that are not shell commands: GitHub actions (`uses:`),
//! CircleCI orb commands and jobs, Azure Pipelines tasks, Bitbucket pipes,
//! Drone/Woodpecker plugins, pre-commit hooks and Jenkins pipeline steps,
//! each by what it does as `rules/tools/ci_steps.toml` says.
//!
//! The table is read on first use and checked like `commands.toml` (see
//! [`table`](crate::analyze::shell::table)). What stays here is how each
//! system names a step (`owner/repo@ref`, `Task@2`, `image:tag`) and so
//! what the table's names are matched against.

use crate::analyze::shell::table::{load_once, At, Example, Pattern, Reader};
use crate::analyze::shell::Action;
use crate::analyze::yaml::Node;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use toml::Spanned;

/// The table's file in `rules/tools/`.
const FILE: &str = "ci_steps.toml";

/// `ci_steps.toml` as written; the format is described at its top.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDe {
    #[serde(default)]
    github: Vec<Spanned<StepDe>>,
    #[serde(default)]
    circleci: Vec<Spanned<StepDe>>,
    #[serde(default)]
    azure: Vec<Spanned<StepDe>>,
    #[serde(default)]
    bitbucket: Vec<Spanned<StepDe>>,
    #[serde(default)]
    drone: Vec<Spanned<StepDe>>,
    #[serde(default)]
    precommit: Vec<Spanned<StepDe>>,
    #[serde(default)]
    jenkins: Vec<Spanned<StepDe>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepDe {
    names: Vec<Spanned<String>>,
    /// `does = []` written out: the entry decides that its steps do nothing.
    does: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    when: Vec<Spanned<WhenDe>>,
    #[serde(default)]
    examples: Vec<Spanned<ExampleDe>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenDe {
    input: BTreeMap<String, Spanned<String>>,
    does: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExampleDe {
    step: String,
    #[serde(default)]
    inputs: BTreeMap<String, String>,
    does: Vec<Spanned<String>>,
}

/// The systems whose steps the table names, one section each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum System {
    Github,
    Circleci,
    Azure,
    Bitbucket,
    Drone,
    Precommit,
    Jenkins,
}

/// The table, compiled: each system's entries in file order.
struct Steps {
    systems: Vec<(System, Vec<Step>)>,
}

/// One entry.
// `at` and `examples` are read by the tests, which run every example.
#[cfg_attr(not(test), allow(dead_code))]
struct Step {
    at: At,
    names: Vec<Pattern>,
    does: Vec<Action>,
    when: Vec<When>,
    examples: Vec<Example>,
}

/// A `when`: the inputs, each with the pattern its value must match, and
/// what the step does when they all do.
struct When {
    inputs: Vec<(String, Pattern)>,
    does: Vec<Action>,
}

/// The compiled table; empty if it does not load (a test keeps that from shipping).
fn steps() -> &'static Steps {
    static EMPTY: Steps = Steps {
        systems: Vec::new(),
    };
    loaded().as_ref().unwrap_or(&EMPTY)
}

fn loaded() -> &'static Result<Steps, Vec<String>> {
    static TABLE: OnceLock<Result<Steps, Vec<String>>> = OnceLock::new();
    load_once(&TABLE, FILE, compile)
}

/// Checks the table as read and compiles it; every error names its line.
fn compile(file: FileDe, mut r: Reader) -> Result<Steps, Vec<String>> {
    let sections = [
        (System::Github, &file.github),
        (System::Circleci, &file.circleci),
        (System::Azure, &file.azure),
        (System::Bitbucket, &file.bitbucket),
        (System::Drone, &file.drone),
        (System::Precommit, &file.precommit),
        (System::Jenkins, &file.jenkins),
    ];
    let systems = sections
        .into_iter()
        .map(|(system, entries)| {
            // Jenkins steps are Groovy names, matched as written.
            let lowercase = system != System::Jenkins;
            let compiled = entries
                .iter()
                .map(|e| compile_step(&mut r, e, lowercase))
                .collect();
            (system, compiled)
        })
        .collect();
    r.finish(Steps { systems })
}

fn compile_step(r: &mut Reader, s: &Spanned<StepDe>, lowercase: bool) -> Step {
    let d = s.get_ref();
    if d.names.is_empty() || d.names.iter().any(|n| n.get_ref().is_empty()) {
        r.error(s.span(), "a step entry needs `names`, none of them empty");
    }
    if d.does.is_none() && d.when.is_empty() {
        r.error(
            s.span(),
            "an entry without `does` or `when` (`does = []` for steps that do nothing)",
        );
    }
    let mut when = Vec::new();
    for w in &d.when {
        let inputs: Vec<(String, Pattern)> = w
            .get_ref()
            .input
            .iter()
            .filter_map(|(k, v)| r.pattern(v, true).map(|p| (k.clone(), p)))
            .collect();
        if w.get_ref().input.is_empty() || w.get_ref().does.is_empty() {
            r.error(w.span(), "a `when` needs an `input` and what it `does`");
        }
        when.push(When {
            inputs,
            does: r.actions(&w.get_ref().does),
        });
    }
    Step {
        at: r.at(s.span()),
        names: r.patterns(&d.names, lowercase),
        does: r.actions(d.does.as_deref().unwrap_or_default()),
        when,
        examples: d
            .examples
            .iter()
            .map(|e| {
                let x = e.get_ref();
                r.example(e.span(), &x.step, &x.inputs, &x.does)
            })
            .collect(),
    }
}

/// The names the table is searched for, for a step as `system` writes
/// it; none for a step that is never looked up.
fn lookup_names(system: System, step: &str) -> Vec<String> {
    // Without `@ref`/`@version` or `:tag`, trimmed and lowercased.
    let bare = |sep: char| {
        step.split(sep)
            .next()
            .unwrap_or(step)
            .trim()
            .to_ascii_lowercase()
    };
    // `owner/repo/path` is also named by `owner/repo`.
    let with_parents = |name: String| {
        let mut names: Vec<String> = name
            .match_indices('/')
            .map(|(i, _)| name[..i].to_string())
            .collect();
        names.push(name);
        names
    };
    match system {
        System::Github => {
            let name = bare('@');
            // `./.github/actions/x` (read as its own file) and `docker://image`.
            if name.starts_with('.') || name.contains("://") {
                return Vec::new();
            }
            with_parents(name)
        }
        System::Circleci => with_parents(step.to_ascii_lowercase()),
        System::Precommit => vec![step.to_ascii_lowercase()],
        System::Azure => vec![bare('@')],
        System::Bitbucket => {
            let name = bare(':');
            let name = name.strip_prefix("docker://").unwrap_or(&name);
            vec![name.rsplit('/').next().unwrap_or(name).to_string()]
        }
        System::Drone => {
            let name = bare(':');
            let plugin = name.starts_with("plugins/")
                || name.starts_with("woodpeckerci/")
                || name.contains("/plugin-")
                || name.starts_with("drone-");
            if !plugin {
                return Vec::new();
            }
            let repo = name.rsplit('/').next().unwrap_or(&name);
            vec![repo.strip_prefix("plugin-").unwrap_or(repo).to_string()]
        }
        System::Jenkins => vec![step.to_string()],
    }
}

/// The entry that decides for a step: the first of its system's that names it.
fn entry(system: System, step: &str) -> Option<&'static Step> {
    let names = lookup_names(system, step);
    steps()
        .systems
        .iter()
        .find(|(s, _)| *s == system)
        .and_then(|(_, entries)| {
            entries
                .iter()
                .find(|e| names.iter().any(|n| e.names.iter().any(|p| p.matches(n))))
        })
}

/// What a step does, given its inputs (`input(key)`: the value, lowercased, or "").
fn actions(system: System, step: &str, input: &dyn Fn(&str) -> String) -> Vec<Action> {
    let Some(e) = entry(system, step) else {
        return Vec::new();
    };
    let mut acts = e.does.clone();
    for w in &e.when {
        if w.inputs.iter().all(|(k, p)| p.matches(&input(k))) {
            acts.extend(&w.does);
        }
    }
    acts
}

/// A step without inputs.
fn no_input(_: &str) -> String {
    String::new()
}

/// What a GitHub action does, by its `uses:` value (`owner/repo[/path]@ref`)
/// and, for actions whose inputs choose, its `with:`.
pub(super) fn github_action(uses: &str, with: Option<&Node>) -> Vec<Action> {
    let input = |key: &str| {
        with.and_then(|w| w.get(key))
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    actions(System::Github, uses, &input)
}

/// What a CircleCI orb step or job does (`codecov/upload`, `heroku/deploy-via-git`).
pub(super) fn circle_orb(name: &str) -> Vec<Action> {
    actions(System::Circleci, name, &no_input)
}

/// What an Azure Pipelines task does (`Docker@2`, `AzureWebApp@1`), with its `inputs:`.
pub(super) fn azure_task(task: &str, inputs: Option<&Node>) -> Vec<Action> {
    let input = |key: &str| {
        inputs
            .and_then(|w| {
                // Task inputs are case-insensitive.
                w.entries()
                    .iter()
                    .find(|(k, _)| k.text.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            })
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    actions(System::Azure, task, &input)
}

/// What a Bitbucket pipe does (`atlassian/heroku-deploy:2.2.0`).
pub(super) fn bitbucket_pipe(pipe: &str) -> Vec<Action> {
    actions(System::Bitbucket, pipe, &no_input)
}

/// What a Drone or Woodpecker plugin image does (`plugins/docker`).
pub(super) fn container_plugin(image: &str) -> Vec<Action> {
    actions(System::Drone, image, &no_input)
}

/// What a pre-commit hook does by its `id:`; nothing for an id the table
/// does not name (its `entry:` may still say).
pub(super) fn precommit_hook(id: &str) -> Vec<Action> {
    actions(System::Precommit, id, &no_input)
}

/// What a Jenkins pipeline step called by name does (`publishCoverage`).
pub(super) fn jenkins_step(name: &str) -> Vec<Action> {
    actions(System::Jenkins, name, &no_input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    #[test]
    fn actions_by_name_and_inputs() {
        assert_eq!(
            github_action("codecov/codecov-action@v4", None),
            vec![Coverage]
        );
        assert_eq!(
            github_action("github/codeql-action/analyze@v3", None),
            vec![SecurityScan]
        );
        assert!(github_action("github/codeql-action/init@v3", None).is_empty());
        assert_eq!(
            github_action("snyk/actions/python@master", None),
            vec![SecurityScan]
        );
        assert!(github_action("superfly/flyctl-actions/setup-flyctl@master", None).is_empty());
        assert!(github_action("actions/checkout@v4", None).is_empty());
        assert!(github_action("./.github/actions/setup", None).is_empty());
        // A longer name that only starts like a known one is another action.
        assert!(github_action("psf/blackbox@v1", None).is_empty());
        assert_eq!(circle_orb("heroku/deploy-via-git"), vec![Deploys]);
        assert_eq!(azure_task("Docker@2", None), vec![BuildsImage]);
        assert_eq!(
            bitbucket_pipe("atlassian/pypi-publish:0.3.1"),
            vec![Publishes]
        );
        assert_eq!(container_plugin("plugins/docker:20"), vec![BuildsImage]);
        assert!(container_plugin("python:3.12").is_empty());
    }

    #[test]
    fn the_table_loads() {
        if let Err(errors) = loaded() {
            panic!("{}", errors.join("\n"));
        }
        assert_eq!(steps().systems.len(), 7);
    }

    /// What the analyzers would find for an example's step: through the
    /// same function each format's reader calls.
    fn example_actions(system: System, e: &Example) -> Vec<Action> {
        let input = |k: &str| {
            e.inputs
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.to_ascii_lowercase())
                .unwrap_or_default()
        };
        match system {
            System::Precommit => super::super::precommit::hook_actions(&e.text, None),
            _ => actions(system, &e.text, &input),
        }
    }

    /// Every example does what it says, and one that does something (or
    /// any, of an entry that does nothing) is decided by its own entry, not
    /// shadowed by an earlier one.
    #[test]
    fn every_example_holds() {
        let mut failures = Vec::new();
        for (system, entries) in &steps().systems {
            for step in entries {
                if step.examples.is_empty() {
                    failures.push(format!("{}: an entry without examples", step.at));
                }
                for e in &step.examples {
                    failures.extend(e.mismatch(&example_actions(*system, e)));
                    let decided = entry(*system, &e.text).is_some_and(|d| std::ptr::eq(d, step));
                    let nothing = step.does.is_empty() && step.when.is_empty();
                    if (!e.does.is_empty() || nothing) && !decided {
                        failures.push(format!(
                            "{}: `{}` is not decided by this entry",
                            e.at, e.text
                        ));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn malformed_tables_are_errors_at_their_line() {
        let errors = |text: &'static str| match Reader::parse::<FileDe>(FILE, text)
            .and_then(|(f, r)| compile(f, r))
        {
            Ok(_) => Vec::new(),
            Err(e) => e,
        };
        let e = errors("[[github]]\nnames = [\"Codecov/codecov-action\"]\ndoes = [\"coverage\"]\n");
        assert_eq!(
            e,
            ["rules/tools/ci_steps.toml:2: `Codecov/codecov-action` is matched against lowercased text: write it `codecov/codecov-action`"]
        );
        let e = errors("[[gitlab]]\nnames = [\"x\"]\n");
        assert!(
            e[0].starts_with("rules/tools/ci_steps.toml:1: unknown field `gitlab`"),
            "{e:?}"
        );
        let e = errors("[[azure]]\nnames = [\"docker\"]\nwhen = [{ input = { command = \"b||c\" }, does = [\"deploy\"] }]\n");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].contains(":3: `b||c` has an empty alternative"),
            "{e:?}"
        );
        assert!(e[1].contains(":3: unknown action `deploy`"), "{e:?}");
    }
}
