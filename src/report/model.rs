//! The report model: what every renderer prints, and the JSON contract
//! (schema_version 1: fields are added, never renamed).

use crate::analyze::facts::Finding;
pub use crate::roadmap::Checklist;
use crate::rules::levels::CompetencyLevel;
pub use crate::rules::provenance::Flag;
use crate::source::{History, Note};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// The checklist the portfolio was measured against.
    pub roadmap: Option<String>,
    /// Project files (portfolio-audit.toml) whose self-reports and claims were read.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub config: Vec<String>,
    pub repos: Vec<RepoReport>,
    pub portfolio: Portfolio,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    pub fn this() -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RepoReport {
    pub name: String,
    pub source: String,
    /// The commit scanned (HEAD for a working tree), or null outside git.
    pub revision: Option<String>,
    pub stats: Stats,
    /// Every rule of the loaded set, level 0 included, in rule order.
    pub competencies: Vec<CompetencyLevel>,
    pub findings: Vec<Finding>,
    /// What was not read, or read only in part, and why.
    pub notes: Vec<Note>,
    pub metrics: BTreeMap<String, f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub history: Option<History>,
    /// Why this repository could not be audited; the others still were.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// With `--author`: how much of the repository those authors wrote.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub authorship: Option<Authorship>,
    /// What a reader should know before trusting the levels (`possibly-copied`).
    #[serde(default)]
    pub flags: Vec<Flag>,
}

/// How much of a repository the `--author` authors wrote (git blame at the
/// scanned revision, after `.mailmap`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Authorship {
    /// As given with `--author`.
    pub authors: Vec<String>,
    /// Lines of the Python files and notebooks that they wrote last.
    pub lines: u64,
    /// All lines of those files.
    pub total: u64,
    /// `lines / total` (0..1; 0 when there are no lines).
    pub share: f64,
    /// Commits they authored, reachable from the scanned revision.
    pub commits: u64,
    /// All commits reachable from the scanned revision.
    pub total_commits: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub files: u64,
    pub python_files: u64,
    pub lines: u64,
    pub notebooks: u64,
    /// Python files with syntax errors (analyzed in part).
    pub syntax_errors: u64,
    /// Files read with replacement characters.
    pub not_utf8: u64,
    /// Files not read (over the size cap, unreadable).
    pub skipped: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Portfolio {
    pub competencies: Vec<PortfolioCompetency>,
    pub checklist: Checklist,
}

/// A competency's best level over the repositories, and where it shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PortfolioCompetency {
    pub id: String,
    pub level: u8,
    pub repos: Vec<String>,
}

impl Report {
    /// A report over audited repositories: the portfolio is aggregated here,
    /// once, so every renderer shows the same numbers.
    pub fn new(repos: Vec<RepoReport>) -> Report {
        let mut best: BTreeMap<&str, (u8, Vec<String>, usize)> = BTreeMap::new();
        for (order, c) in repos.iter().flat_map(|r| r.competencies.iter().enumerate()) {
            best.entry(&c.id).or_insert((0, Vec::new(), order));
        }
        for r in repos.iter().filter(|r| r.error.is_none()) {
            for c in &r.competencies {
                let e = best.entry(&c.id).or_insert((0, Vec::new(), usize::MAX));
                e.0 = e.0.max(c.level);
                if c.level > 0 {
                    e.1.push(r.name.clone());
                }
            }
        }
        let mut competencies: Vec<(usize, PortfolioCompetency)> = best
            .into_iter()
            .map(|(id, (level, repos, order))| {
                (
                    order,
                    PortfolioCompetency {
                        id: id.to_string(),
                        level,
                        repos,
                    },
                )
            })
            .collect();
        competencies.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool::this(),
            roadmap: None,
            config: Vec::new(),
            repos,
            portfolio: Portfolio {
                competencies: competencies.into_iter().map(|(_, c)| c).collect(),
                checklist: Checklist::default(),
            },
        }
    }
}
