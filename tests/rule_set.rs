//! Invariants over the whole built-in rule set, checked in both directions.

mod common;

use portfolio_audit::audit::examples::{run_all, Status};
use portfolio_audit::rules::RuleSet;
use std::collections::BTreeSet;

/// The competency ids of the catalog (the contract), from the project's
/// copy of `../shared/catalog.md`.
fn catalog_ids() -> BTreeSet<String> {
    let text = std::fs::read_to_string(common::root().join("tests/data/catalog.md")).unwrap();
    let ids: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|id| id.contains('.'))
        .map(str::to_string)
        .collect();
    assert!(
        ids.len() > 100,
        "only {} ids read from the catalog",
        ids.len()
    );
    ids
}

/// The project carries its own copies of the shared catalog and seeds, so
/// every check runs on a fresh clone; beside the shared folder, the copies
/// must be current.
#[test]
fn the_copies_of_the_shared_catalog_and_seeds_are_current() {
    let shared = common::root().join("../shared");
    if !shared.is_dir() {
        eprintln!(
            "skipped: {} is not beside this checkout; the checks use tests/data/catalog.md and tests/data/seeds/",
            shared.display()
        );
        return;
    }
    let same = |ours: &str, theirs: std::path::PathBuf| {
        let ours_text = std::fs::read_to_string(common::root().join(ours)).unwrap();
        let theirs_text = std::fs::read_to_string(&theirs).unwrap();
        assert!(
            ours_text == theirs_text,
            "{ours} is out of date with {}: copy it again",
            theirs.display()
        );
    };
    same("tests/data/catalog.md", shared.join("catalog.md"));
    for entry in std::fs::read_dir(shared.join("seeds")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        same(&format!("tests/data/seeds/{name}"), entry.path());
    }
}

#[test]
fn every_catalog_id_has_a_rule_and_every_rule_is_in_the_catalog() {
    let set = RuleSet::embedded().unwrap_or_else(|e| panic!("built-in rules do not load:\n{e}"));
    let rules: BTreeSet<String> = set.rules.iter().map(|r| r.id.clone()).collect();
    let catalog = catalog_ids();
    let missing: Vec<&String> = catalog.difference(&rules).collect();
    let extra: Vec<&String> = rules.difference(&catalog).collect();
    assert!(
        missing.is_empty(),
        "catalog ids without a rule: {missing:?}"
    );
    assert!(extra.is_empty(), "rules not in the catalog: {extra:?}");
}

#[test]
fn every_rule_explains_itself_and_carries_both_kinds_of_example() {
    let set = RuleSet::embedded().unwrap();
    let areas = portfolio_audit::model::AREAS;
    for r in &set.rules {
        assert!(
            areas.iter().any(|(a, _)| *a == r.area),
            "{}: unknown area {}",
            r.id,
            r.area
        );
        // Examples have no git history: a rule measured only on history can
        // only show what does not count.
        let history_only = set.signals[r.signals.clone()]
            .iter()
            .all(|s| s.metric.is_some());
        let matches = r.examples.iter().any(|e| e.expect_match);
        assert!(history_only || matches, "{}: no `matches` example", r.id);
        assert!(
            r.examples.iter().any(|e| !e.expect_match),
            "{}: no `no_match` example",
            r.id
        );
        assert!(
            r.advice.len() > 20,
            "{}: advice too short to be a next step",
            r.id
        );
    }
}

#[test]
fn every_finding_explains_itself_carries_both_kinds_of_example_and_is_documented() {
    let set = RuleSet::embedded().unwrap();
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(set.findings.len() >= 9, "{} findings", set.findings.len());
    for f in &set.findings {
        assert!(
            f.examples.iter().any(|e| e.expect_match),
            "{}: no `matches` example",
            f.id
        );
        assert!(
            f.examples.iter().any(|e| !e.expect_match),
            "{}: no `no_match` example",
            f.id
        );
        assert!(f.advice.len() > 20, "{}: advice too short to act on", f.id);
        assert!(
            readme.contains(&format!("`{}`", f.id)),
            "{}: the README's list of findings does not name it",
            f.id
        );
        for s in &set.signals[f.signals.clone()] {
            assert!(
                s.message.as_ref().is_some_and(|m| m.len() > 10),
                "{} signal {}",
                f.id,
                s.name
            );
        }
    }
}

#[test]
fn every_rule_example_holds() {
    let set = RuleSet::embedded().unwrap();
    let results = run_all(&set, None);
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.status != Status::Validated)
        .map(|r| r.describe())
        .collect();
    assert!(
        results.len() >= (set.rules.len() + set.findings.len()) * 2,
        "too few examples: {}",
        results.len()
    );
    assert!(
        failed.is_empty(),
        "{} of {} examples fail:\n{}",
        failed.len(),
        results.len(),
        failed.join("\n")
    );
}

/// The embedded rules' `text` regexes are not parsed when rules load (that
/// is start-up time every scan would pay); this is where they are checked.
#[test]
fn embedded_text_regexes_compile() {
    let set = RuleSet::embedded().unwrap();
    let mut checked = 0;
    for s in &set.signals {
        if let Some(lazy) = &s.text {
            let rule = &set.rules[s.rule];
            assert!(
                lazy.get().is_some(),
                "{} signal `{}`: its `text` regex does not compile",
                rule.id,
                s.name
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no text regexes were checked");
}

/// An audit compiles the built-in rules without their examples (start-up):
/// the same rules, findings and signals, only the examples left out.
#[test]
fn an_audit_compiles_the_same_rules_without_the_builtin_examples() {
    let sources = RuleSet::embedded_sources();
    let mut whole = RuleSet::compile(&sources).unwrap();
    let mut audit = RuleSet::compile_for_audit(&sources).unwrap();
    let without = audit.rules.iter().filter(|r| r.examples.is_empty()).count();
    assert!(without > audit.rules.len() / 2, "{without} rules left out");
    for set in [&mut whole, &mut audit] {
        set.rules.iter_mut().for_each(|r| r.examples.clear());
        set.findings.iter_mut().for_each(|f| f.examples.clear());
    }
    assert_eq!(format!("{:?}", audit.rules), format!("{:?}", whole.rules));
    assert_eq!(
        format!("{:?}", audit.findings),
        format!("{:?}", whole.findings)
    );
    assert_eq!(
        format!("{:?}", audit.signals),
        format!("{:?}", whole.signals)
    );
}
