//! Runs the examples each rule carries: every example is a tiny repository,
//! audited like any other, and the rule's level must be what the example says.

use super::audit;
use crate::rules::{Example, Rule, RuleSet};
use crate::source::{ListOptions, Repo, RepoInput};

/// How an example fared (the names follow detection-theory use in ast-grep).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Matched as expected, or stayed quiet as expected.
    Validated,
    /// Should have matched (at the expected level) and did not.
    Missing,
    /// Should not have matched and did.
    Noisy,
}

#[derive(Debug, Clone)]
pub struct ExampleResult {
    pub rule: String,
    pub source: String,
    pub line: usize,
    pub status: Status,
    pub level: u8,
    pub expected: String,
    /// What matched, for a noisy example; what little did, for a missing one.
    pub evidence: Vec<String>,
}

impl ExampleResult {
    pub fn describe(&self) -> String {
        let what = match self.status {
            Status::Validated => "ok",
            Status::Missing => "MISSING",
            Status::Noisy => "NOISY",
        };
        format!(
            "{}:{}: {} {what}: expected {}, got level {}{}",
            self.source,
            self.line,
            self.rule,
            self.expected,
            self.level,
            if self.evidence.is_empty() {
                String::new()
            } else {
                format!(" ({})", self.evidence.join("; "))
            }
        )
    }
}

fn run_one(set: &RuleSet, rule: &Rule, ex: &Example) -> ExampleResult {
    let files = ex
        .files
        .iter()
        .map(|(p, c)| (p.clone(), c.clone().into_bytes()))
        .collect();
    let input = RepoInput {
        name: "example".into(),
        source: "example".into(),
        repo: Repo::Memory { files },
        label: None,
        remote: None,
    };
    let report = audit(&input, set, &ListOptions::default());
    let found = report
        .ok()
        .and_then(|r| r.competencies.into_iter().find(|c| c.id == rule.id));
    let (level, evidence) = match found {
        Some(c) => {
            let ev = c
                .evidence
                .iter()
                .chain(c.hints.iter())
                .map(|e| format!("line {}: {}", e.line, e.detail))
                .collect();
            (c.level, ev)
        }
        None => (0, Vec::new()),
    };
    let (ok, expected, bad) = if ex.expect_match {
        let want = ex.level.unwrap_or(1);
        (level >= want, format!("level >= {want}"), Status::Missing)
    } else {
        let limit = ex.level.unwrap_or(1);
        (level < limit, format!("level < {limit}"), Status::Noisy)
    };
    ExampleResult {
        rule: rule.id.clone(),
        source: rule.source.display().to_string(),
        line: ex.line,
        status: if ok { Status::Validated } else { bad },
        level,
        expected,
        evidence,
    }
}

/// Runs every example of every rule (or of the rules whose id is in `only`).
pub fn run_all(set: &RuleSet, only: Option<&[String]>) -> Vec<ExampleResult> {
    use rayon::prelude::*;
    let jobs: Vec<(&Rule, &Example)> = set
        .rules
        .iter()
        .filter(|r| only.is_none_or(|ids| ids.contains(&r.id)))
        .flat_map(|r| r.examples.iter().map(move |e| (r, e)))
        .collect();
    jobs.par_iter().map(|(r, e)| run_one(set, r, e)).collect()
}
