//! Runs the examples each rule and finding carries: every example is a tiny
//! repository, audited like any other. A competency's level must be what
//! the example says; a finding must be reported (`matches`) or not
//! (`no_match`).

use super::audit;
use crate::model::RepoConfig;
use crate::rules::{Example, RuleSet};
use crate::source::{ListOptions, Repo, RepoInput};
use std::path::Path;

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
    /// The competency's or the finding's id.
    pub rule: String,
    pub source: String,
    pub line: usize,
    pub status: Status,
    pub expected: String,
    /// What the audit said: `level 2`, `1 finding`.
    pub got: String,
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
            "{}:{}: {} {what}: expected {}, got {}{}",
            self.source,
            self.line,
            self.rule,
            self.expected,
            self.got,
            if self.evidence.is_empty() {
                String::new()
            } else {
                format!(" ({})", self.evidence.join("; "))
            }
        )
    }
}

/// What an example's subject is.
#[derive(Clone, Copy)]
enum Subject<'a> {
    Competency(&'a str),
    Finding(&'a str),
}

/// The example's files audited as a repository of their own.
fn audit_example(set: &RuleSet, ex: &Example) -> Option<crate::model::RepoReport> {
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
        web: None,
        archived: false,
        discovered: None,
    };
    audit(&input, set, &ListOptions::default(), RepoConfig::Trust).ok()
}

fn run_one(set: &RuleSet, subject: Subject, source: &Path, ex: &Example) -> ExampleResult {
    let report = audit_example(set, ex);
    let (measured, got, evidence) = match subject {
        Subject::Competency(id) => {
            let found = report.and_then(|r| r.competencies.into_iter().find(|c| c.id == id));
            match found {
                Some(c) => {
                    let ev = c
                        .evidence
                        .iter()
                        .chain(c.hints.iter())
                        .map(|e| match e.cell {
                            Some(cell) => {
                                format!("{} cell {cell}:{}: {}", e.path, e.line, e.detail)
                            }
                            None => format!("{}:{}: {}", e.path, e.line, e.detail),
                        })
                        .collect();
                    (c.level, format!("level {}", c.level), ev)
                }
                None => (0, "level 0".to_string(), Vec::new()),
            }
        }
        Subject::Finding(id) => {
            let found: Vec<_> = report
                .map(|r| r.findings.into_iter().filter(|f| f.id == id).collect())
                .unwrap_or_default();
            let ev = found
                .iter()
                .map(|f| format!("{}:{}: {}", f.path, f.line, f.message))
                .collect();
            let n = found.len();
            let got = format!("{n} finding{}", if n == 1 { "" } else { "s" });
            (u8::from(n > 0), got, ev)
        }
    };
    let (ok, expected, bad) = match (subject, ex.expect_match) {
        (Subject::Finding(_), true) => (measured > 0, "a finding".into(), Status::Missing),
        (Subject::Finding(_), false) => (measured == 0, "no finding".into(), Status::Noisy),
        (Subject::Competency(_), true) => {
            let want = ex.level.unwrap_or(1);
            (
                measured >= want,
                format!("level >= {want}"),
                Status::Missing,
            )
        }
        (Subject::Competency(_), false) => {
            let limit = ex.level.unwrap_or(1);
            (measured < limit, format!("level < {limit}"), Status::Noisy)
        }
    };
    let id = match subject {
        Subject::Competency(id) | Subject::Finding(id) => id,
    };
    ExampleResult {
        rule: id.to_string(),
        source: source.display().to_string(),
        line: ex.line,
        status: if ok { Status::Validated } else { bad },
        expected,
        got,
        evidence,
    }
}

/// Runs the examples of the built-in `possibly-copied` flag: each a small
/// repository that must be flagged or not.
pub fn flag_examples(set: &RuleSet) -> Vec<ExampleResult> {
    let Some(flag) = crate::rules::provenance::copied_flag() else {
        return Vec::new();
    };
    flag.example
        .iter()
        .enumerate()
        .map(|(i, ex)| {
            // The flag's file keeps no spans: its examples are numbered.
            let example = Example {
                line: i + 1,
                expect_match: ex.flagged,
                level: None,
                files: ex
                    .files
                    .iter()
                    .map(|(p, c)| (p.clone(), c.clone()))
                    .collect(),
            };
            let flags = audit_example(set, &example)
                .map(|r| r.flags)
                .unwrap_or_default();
            let raised = flags.iter().find(|f| f.id == flag.id);
            let ok = raised.is_some() == ex.flagged;
            ExampleResult {
                rule: flag.id.clone(),
                source: format!("rules/flags/{}.toml", flag.id),
                line: i + 1,
                status: match (ok, ex.flagged) {
                    (true, _) => Status::Validated,
                    (false, true) => Status::Missing,
                    (false, false) => Status::Noisy,
                },
                expected: if ex.flagged { "flagged" } else { "not flagged" }.to_string(),
                got: if raised.is_some() {
                    "flagged"
                } else {
                    "not flagged"
                }
                .to_string(),
                evidence: raised.map(|f| f.reason.clone()).into_iter().collect(),
            }
        })
        .collect()
}

/// Runs every example of every rule and finding (or of those whose id is in `only`).
pub fn run_all(set: &RuleSet, only: Option<&[String]>) -> Vec<ExampleResult> {
    use rayon::prelude::*;
    let wanted = |id: &String| only.is_none_or(|ids| ids.contains(id));
    let rules = set.rules.iter().filter(|r| wanted(&r.id)).flat_map(|r| {
        r.examples
            .iter()
            .map(move |e| (Subject::Competency(&r.id), r.source.as_path(), e))
    });
    let findings = set.findings.iter().filter(|f| wanted(&f.id)).flat_map(|f| {
        f.examples
            .iter()
            .map(move |e| (Subject::Finding(&f.id), f.source.as_path(), e))
    });
    let jobs: Vec<(Subject, &Path, &Example)> = rules.chain(findings).collect();
    jobs.par_iter()
        .map(|(subject, source, e)| run_one(set, *subject, source, e))
        .collect()
}
