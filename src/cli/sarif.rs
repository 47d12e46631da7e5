//! What `--format sarif` needs beyond a report: the finding rules as SARIF
//! describes them, from the loaded rule set (each built-in finding linked
//! to its data file at this version's release tag), and for `diff`, the
//! head's report narrowed to the findings the change introduced.

use crate::model::diff::RepoFinding;
use crate::model::Report;
use crate::portfolio::RuleSet;
use crate::report::sarif::{RuleInfo, Rules};
use std::path::Path;

/// Where the project lives: Cargo.toml's `repository`.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The finding rules of the built-in set plus `dir`'s (as `--rules DIR` loads them).
pub fn rules(dir: Option<&Path>) -> anyhow::Result<Rules> {
    let set = RuleSet::with_dir(dir)?;
    let home = (!REPOSITORY.is_empty()).then(|| REPOSITORY.trim_end_matches('/').to_string());
    let rules = set
        .findings
        .iter()
        .map(|f| {
            // A custom finding (from `dir`) has no page of ours.
            let builtin = dir.is_none_or(|d| !f.source.starts_with(d));
            let help_uri = home.as_ref().filter(|_| builtin).map(|home| {
                format!(
                    "{home}/blob/v{}/rules/findings/{}.toml",
                    env!("CARGO_PKG_VERSION"),
                    f.id
                )
            });
            RuleInfo {
                id: f.id.clone(),
                title: f.title.clone(),
                severity: f.severity,
                why: f.why.clone(),
                advice: f.advice.clone(),
                help_uri,
            }
        })
        .collect();
    Ok(Rules {
        information_uri: home,
        rules,
    })
}

/// `head` with only the findings listed in `new` (the diff's new findings).
pub fn only_new(head: &Report, new: &[RepoFinding]) -> Report {
    let mut report = head.clone();
    for r in &mut report.repos {
        let mut wanted: Vec<&RepoFinding> = new.iter().filter(|n| n.repo == r.name).collect();
        r.findings.retain(|f| {
            let at = wanted.iter().position(|n| {
                (&n.id, &n.path, n.cell, n.line, &n.message)
                    == (&f.id, &f.path, f.cell, f.line, &f.message)
            });
            at.map(|i| wanted.remove(i)).is_some()
        });
    }
    report
}
