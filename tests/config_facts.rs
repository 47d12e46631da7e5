//! Every configuration analyzer against its fixtures: `fixtures/config/*/`
//! holds files at the paths they would have in a repository, and each
//! folder's `expected.toml` lists the facts, dependencies, includes and
//! problems each file must give (see `fixtures/config/README.md`); and
//! together they state every fact the analyzers register.

mod common;

use portfolio_audit::analyze::ci::nox;
use portfolio_audit::analyze::config;
use portfolio_audit::analyze::facts::ConfigFacts;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    #[serde(default)]
    file: Vec<FileExpectation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileExpectation {
    path: String,
    facts: Vec<String>,
    #[serde(default)]
    deps: Option<Vec<String>>,
    #[serde(default)]
    includes: Vec<String>,
    #[serde(default)]
    problems: Vec<String>,
}

fn files_under(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, base, out);
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel != "expected.toml" {
                out.push(rel);
            }
        }
    }
}

/// What the analyzer of `path` states about `text`: a configuration
/// file's, or for `noxfile.py` (Python, which the scan reads with the
/// module's own syntax tree) the nox reader's.
fn facts_of(path: &str, text: &str) -> Option<ConfigFacts> {
    if let Some(kind) = config::kind_of(path) {
        return Some(config::analyze(kind, text));
    }
    if !nox::is_noxfile(path) {
        return None;
    }
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .ok()?;
    let tree = parser.parse(text, None)?;
    Some(nox::read(tree.root_node(), text))
}

fn check_folder(name: &str) {
    let dir = common::root().join("fixtures/config").join(name);
    let text = std::fs::read_to_string(dir.join("expected.toml"))
        .unwrap_or_else(|e| panic!("fixtures/config/{name}/expected.toml: {e}"));
    let expected: Expected = toml::from_str(&text)
        .unwrap_or_else(|e| panic!("fixtures/config/{name}/expected.toml: {e}"));
    assert!(
        !expected.file.is_empty(),
        "fixtures/config/{name}/expected.toml lists no files"
    );
    let mut on_disk = Vec::new();
    files_under(&dir, &dir, &mut on_disk);
    let listed: BTreeSet<&str> = expected.file.iter().map(|f| f.path.as_str()).collect();
    let unlisted: Vec<&String> = on_disk
        .iter()
        .filter(|p| !listed.contains(p.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "fixtures/config/{name}: files without expectations: {unlisted:?}"
    );
    let mut failures = Vec::new();
    for f in &expected.file {
        let bytes = std::fs::read(dir.join(&f.path))
            .unwrap_or_else(|e| panic!("fixtures/config/{name}/{}: {e}", f.path));
        let text = String::from_utf8_lossy(&bytes);
        let Some(got) = facts_of(&f.path, &text) else {
            failures.push(format!("{}: no analyzer reads this path", f.path));
            continue;
        };
        let facts: BTreeSet<String> = got
            .facts
            .iter()
            .map(|x| format!("{}:{}", x.name, x.line))
            .collect();
        let want: BTreeSet<String> = f.facts.iter().cloned().collect();
        if facts != want {
            failures.push(format!(
                "{}: facts\n    missing: {:?}\n    unexpected: {:?}",
                f.path,
                want.difference(&facts).collect::<Vec<_>>(),
                facts.difference(&want).collect::<Vec<_>>()
            ));
        }
        if let Some(deps) = &f.deps {
            let got_deps: BTreeSet<String> =
                got.deps.iter().map(|(n, l)| format!("{n}:{l}")).collect();
            let want: BTreeSet<String> = deps.iter().cloned().collect();
            if got_deps != want {
                failures.push(format!(
                    "{}: deps\n    missing: {:?}\n    unexpected: {:?}",
                    f.path,
                    want.difference(&got_deps).collect::<Vec<_>>(),
                    got_deps.difference(&want).collect::<Vec<_>>()
                ));
            }
        }
        let got_includes: Vec<String> = got
            .includes
            .iter()
            .map(|(p, l)| format!("{p}:{l}"))
            .collect();
        if got_includes != f.includes {
            failures.push(format!(
                "{}: includes {:?}, expected {:?}",
                f.path, got_includes, f.includes
            ));
        }
        for p in &f.problems {
            if !got.problems.iter().any(|g| g.contains(p.as_str())) {
                failures.push(format!(
                    "{}: no problem saying {p:?}; got {:?}",
                    f.path, got.problems
                ));
            }
        }
        if f.problems.is_empty() && !got.problems.is_empty() {
            failures.push(format!(
                "{}: unexpected problems {:?}",
                f.path, got.problems
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fixtures/config/{name}:\n  {}",
        failures.join("\n  ")
    );
}

#[test]
fn manifests_state_their_facts() {
    check_folder("manifests");
}

#[test]
fn ci_pipelines_state_their_facts() {
    check_folder("ci");
}

#[test]
fn docker_files_state_their_facts() {
    check_folder("docker");
}

#[test]
fn infrastructure_files_state_their_facts() {
    check_folder("infra");
}

/// The registry and the fixtures agree, both ways: every fact an analyzer
/// registers (`facts!`) is stated by some fixture under `fixtures/config/`
/// (so each is shown working, at a line `expected.toml` checks), and every
/// fact the fixtures state is registered (the rules check their `facts =
/// [...]` against the registry, so an unregistered one would match nothing).
#[test]
fn every_registered_fact_is_stated_by_a_fixture() {
    let base = common::root().join("fixtures/config");
    let mut stated: BTreeSet<&'static str> = BTreeSet::new();
    let mut folders: Vec<_> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for dir in folders {
        let mut files = Vec::new();
        files_under(&dir, &dir, &mut files);
        for rel in files {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            if let Some(got) = facts_of(&rel, &String::from_utf8_lossy(&bytes)) {
                stated.extend(got.facts.iter().map(|f| f.name));
            }
        }
    }
    let registered: BTreeSet<&'static str> = config::known_facts().map(|f| f.name).collect();
    let unstated: Vec<_> = registered.difference(&stated).collect();
    let unregistered: Vec<_> = stated.difference(&registered).collect();
    assert!(
        unstated.is_empty() && unregistered.is_empty(),
        "registered but stated by no fixture under fixtures/config/: {unstated:?}\nstated by a fixture but not registered: {unregistered:?}"
    );
}
