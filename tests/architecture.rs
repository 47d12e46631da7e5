//! The house plan, checked: each top-level module of `src/` may use only
//! the modules its row allows. The pipeline runs one way (source → analyze →
//! rules → roadmap → report), `model` is the floor every stage stands on,
//! the library entry (`audit` for one repository, `portfolio` for a whole
//! run, `timeline` for a history) runs the stages, and `cli` sits on top.
//! A `crate::NAME` path anywhere in a module's files (tests included) that
//! its row does not allow fails this test, naming the file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may use.
const PLAN: &[(&str, &[&str])] = &[
    // The types every stage exchanges; it uses nothing of the crate.
    ("model", &[]),
    // Inputs become repositories and files: reads, never judges.
    ("source", &["model"]),
    // Bytes become facts, one analyzer per kind of file.
    ("analyze", &["model"]),
    // Facts become levels, evidence and findings.
    ("rules", &["analyze", "model"]),
    // Levels become checklist items; it sees the model, never files or rules.
    ("roadmap", &["model"]),
    // The model becomes text, JSON, Markdown, CSV, HTML, SVG: it only formats.
    ("report", &["model"]),
    // One repository through source, analyze and rules.
    ("audit", &["source", "analyze", "rules", "model"]),
    // A repository's history, one audit per commit.
    ("timeline", &["audit", "source", "rules", "model"]),
    // The library entry: inputs in, a report out.
    (
        "portfolio",
        &["audit", "source", "analyze", "rules", "roadmap", "model"],
    ),
    // Arguments in, exit code out; it calls the library and picks a renderer.
    (
        "cli",
        &[
            "portfolio",
            "audit",
            "timeline",
            "report",
            "model",
            "exit_codes",
        ],
    ),
    ("exit_codes", &[]),
];

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`None` for the crate root).
fn module_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (!matches!(name.as_str(), "lib" | "main")).then_some(name)
}

/// Every `crate::NAME` a line uses, `use crate::{a, b::c}` groups included.
fn crate_paths(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
        rest = after;
    }
    out
}

#[test]
fn every_module_uses_only_what_the_plan_allows() {
    let plan: BTreeMap<&str, BTreeSet<&str>> = PLAN
        .iter()
        .map(|(m, uses)| (*m, uses.iter().copied().collect()))
        .collect();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    let mut broken = Vec::new();
    let mut unplanned = BTreeSet::new();
    for file in &files {
        let Some(module) = module_of(file) else {
            continue;
        };
        let Some(allowed) = plan.get(module.as_str()) else {
            unplanned.insert(module);
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for used in crate_paths(line) {
                if used != module && !allowed.contains(used.as_str()) {
                    broken.push(format!(
                        "{}:{}: {module} uses {used}, which its row does not allow",
                        file.strip_prefix(src()).unwrap().display(),
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(
        unplanned.is_empty(),
        "top-level modules missing from the plan in tests/architecture.rs: {unplanned:?}"
    );
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The plan itself has no cycle: no two stages depend on each other, even
/// through a third.
#[test]
fn the_plan_runs_one_way() {
    let uses: BTreeMap<&str, &[&str]> = PLAN.iter().copied().collect();
    fn reaches(
        from: &str,
        to: &str,
        uses: &BTreeMap<&str, &[&str]>,
        seen: &mut Vec<String>,
    ) -> bool {
        if seen.iter().any(|s| s == from) {
            return false;
        }
        seen.push(from.to_string());
        uses.get(from)
            .is_some_and(|next| next.iter().any(|n| *n == to || reaches(n, to, uses, seen)))
    }
    for (module, _) in PLAN {
        assert!(
            !reaches(module, module, &uses, &mut Vec::new()),
            "{module} depends on itself through the plan"
        );
        for used in uses[module].iter() {
            assert!(
                uses.contains_key(used),
                "{module} may use {used}, which has no row"
            );
        }
    }
    // The floor and the top.
    assert!(uses["model"].is_empty());
    assert!(PLAN.iter().all(|(m, u)| *m == "cli" || !u.contains(&"cli")));
}

#[test]
fn paths_are_read_from_use_lines_and_groups() {
    assert_eq!(
        crate_paths("use crate::{model::Note, rules::RuleSet};"),
        ["model", "rules"]
    );
    assert_eq!(
        crate_paths("    let x = crate::analyze::classify(p); crate::model::Status::Met"),
        ["analyze", "model"]
    );
}
