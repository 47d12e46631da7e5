//! Invariants over the whole built-in rule set, checked in both directions.

mod common;

use portfolio_audit::audit::examples::{run_all, Status};
use portfolio_audit::rules::RuleSet;
use std::collections::BTreeSet;

fn catalog_ids() -> BTreeSet<String> {
    let text = std::fs::read_to_string(common::root().join("tests/data/catalog_ids.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn catalog_copy_matches_the_shared_catalog_when_present() {
    let shared = common::root().join("../shared/catalog.md");
    let Ok(text) = std::fs::read_to_string(&shared) else {
        return;
    };
    let from_catalog: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|id| id.contains('.'))
        .map(str::to_string)
        .collect();
    assert_eq!(
        from_catalog,
        catalog_ids(),
        "tests/data/catalog_ids.txt is out of date with {}",
        shared.display()
    );
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
fn every_rule_example_holds() {
    let set = RuleSet::embedded().unwrap();
    let results = run_all(&set, None);
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.status != Status::Validated)
        .map(|r| r.describe())
        .collect();
    assert!(
        results.len() >= set.rules.len() * 2,
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
