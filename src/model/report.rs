//! The report model: what every renderer prints, and the JSON contract
//! (schema_version 1: fields are added, never renamed).

use super::{
    area_title, Checklist, Cohort, CompetencyLevel, Finding, Flag, History, Note, RepoChecklist,
    RepoConfig, ShardInfo, Statements, WebRepo,
};
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
    /// What scanned repositories' own project files were allowed to do.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub repo_config: Option<RepoConfig>,
    pub repos: Vec<RepoReport>,
    pub portfolio: Portfolio,
    /// Per student (repositories sharing a label): present when two or more
    /// repositories are labeled.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cohort: Option<Cohort>,
    /// In a shard's report (`scan --shard K/N`): where its repositories sit
    /// among all the inputs, for `merge`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shard: Option<ShardInfo>,
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
    /// Who the repository belongs to (a student's name from --repos-file).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub label: Option<String>,
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
    /// This repository alone against the checklist (absent when not audited).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub checklist: Option<RepoChecklist>,
    /// With `--author`: how much of the repository those authors wrote.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub authorship: Option<Authorship>,
    /// What a reader should know before trusting the levels (`possibly-copied`).
    #[serde(default)]
    pub flags: Vec<Flag>,
    /// What the repository's own portfolio-audit.toml says, and whether it applied.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub statements: Option<Statements>,
    /// Where the repository lives on the web; its evidence links there.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub web: Option<WebRepo>,
    /// Archived on its hosting platform: audited all the same.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub archived: bool,
    /// How the input was read as this repository, and why (`one
    /// repository: its top holds README.md, .github/`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub discovered: Option<String>,
    /// Files with evidence whose working-tree content is not the audited
    /// commit's: named as working-tree files, never linked.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub modified: Vec<String>,
    /// The projects of a monorepo (two or more subfolders, each with its
    /// own manifest or README and code), each measured on its own files.
    /// The repository's levels above count every file, as without them.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub projects: Vec<Project>,
    /// Files whose code is not counted as the learner's (vendored copies,
    /// generated code, what `.gitattributes` marks), a folder as one entry
    /// when all its files share the reason; sorted by path.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub not_counted: Vec<NotCounted>,
}

/// A file, or a folder (its path ends with `/`), whose code is not counted
/// as the learner's, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NotCounted {
    pub path: String,
    /// `vendored: copy of python-slugify (its own LICENSE, setup.py)`,
    /// `generated: protobuf stub (protoc)`,
    /// `gitattributes: linguist-vendored (.gitattributes:3)`.
    pub reason: String,
    /// How many of the repository's files it stands for (1 for a file).
    pub files: u64,
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
    /// Identities the repository's own `.mailmap` merges into the authors,
    /// with the lines that would make theirs; counted only when it was trusted.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub merged: Vec<MergedIdentity>,
    /// Lines blame followed from another file (renamed, copied, or a block
    /// moved or copied within a commit); absent when there are none.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub moves: Option<Moves>,
    /// Each list of revisions blame passes over (the auditor's
    /// `--ignore-revs-file`, the repository's `.git-blame-ignore-revs`), and
    /// what it changed.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub ignored_revs: Vec<IgnoredRevisions>,
}

/// What following lines across files changed: without it, those lines
/// would be the commit's that moved them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moves {
    /// Lines that belong to an earlier commit than the one that moved them.
    pub lines: u64,
    /// The authors' lines if moves were not followed (`lines` above is with them).
    pub theirs_without: u64,
}

/// A list of revisions for blame to pass over, and what it changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IgnoredRevisions {
    /// `.git-blame-ignore-revs` (the repository's own, at the scanned
    /// revision) or the auditor's file as given.
    pub file: String,
    /// Whether it applied: the auditor's always; the repository's under
    /// `--repo-config trust` (under `report`, what it would change is shown).
    pub applied: bool,
    /// Commits of the repository it names.
    pub revisions: u64,
    /// Lines that go to another commit with it than without it.
    pub lines: u64,
    /// The authors' lines without it, and with it.
    pub theirs_without: u64,
    pub theirs_with: u64,
    /// Each commit it names, in the order of its entries: who made it, what
    /// it says, and what passing over it changed.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub commits: Vec<IgnoredCommit>,
}

/// One commit a list of ignored revisions names, and what passing over it
/// changed in the Python files and notebooks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IgnoredCommit {
    /// Its full id.
    pub commit: String,
    /// `Name <email>` as the commit has it.
    pub author: String,
    /// The first line of its message.
    pub summary: String,
    /// Lines it would hold were it alone not passed over: what it changed
    /// that blame gives to earlier commits.
    pub lines: u64,
    /// Of those, the lines that count as the authors' with it passed over.
    pub theirs: u64,
}

/// A project inside a repository: a subfolder with its own manifest or
/// README, and Python code.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Project {
    /// The folder, from the repository's top (`services/api`).
    pub path: String,
    /// What makes it a project: the manifests and README at its top.
    pub markers: Vec<String>,
    /// Its Python files and notebooks, and their lines.
    pub python_files: u64,
    pub lines: u64,
    /// Levels from the files under its folder only (repository-wide files
    /// such as CI workflows at the top count for the repository).
    pub competencies: Vec<CompetencyLevel>,
    /// How many of the repository's findings lie under its folder.
    pub findings: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub checklist: Option<RepoChecklist>,
}

/// Another identity a `.mailmap` maps onto an audited author.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedIdentity {
    /// `Name <email>` as the commits have it.
    pub identity: String,
    /// Lines of Python files and notebooks it wrote last.
    pub lines: u64,
    /// Whether those lines count as the authors' (`--repo-config trust`).
    pub counted: bool,
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
    /// Each area of competencies, in rule order, with its best levels over the repositories.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub areas: Vec<AreaSummary>,
}

/// How far the portfolio goes in one area of competencies (what the
/// HTML report's area chart draws).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaSummary {
    pub id: String,
    pub title: String,
    pub competencies: u32,
    /// How many competencies of the area are at level 0, 1, 2 and 3.
    pub at_level: [u32; 4],
    /// 0..100: the sum of the levels over the most they could be (3 each).
    pub score: u32,
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
        let competencies: Vec<PortfolioCompetency> =
            competencies.into_iter().map(|(_, c)| c).collect();
        let areas = area_summaries(&repos, &competencies);
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool::this(),
            roadmap: None,
            config: Vec::new(),
            repo_config: None,
            repos,
            portfolio: Portfolio {
                competencies,
                checklist: Checklist::default(),
                areas,
            },
            cohort: None,
            shard: None,
        }
    }
}

/// Areas in the order of their first competency, each with the portfolio's
/// levels of its competencies.
fn area_summaries(repos: &[RepoReport], best: &[PortfolioCompetency]) -> Vec<AreaSummary> {
    let area_of: BTreeMap<&str, &str> = repos
        .iter()
        .flat_map(|r| &r.competencies)
        .map(|c| (c.id.as_str(), c.area.as_str()))
        .collect();
    let mut areas: Vec<AreaSummary> = Vec::new();
    for c in best {
        let Some(area) = area_of.get(c.id.as_str()) else {
            continue;
        };
        let at = match areas.iter().position(|a| a.id == *area) {
            Some(i) => i,
            None => {
                areas.push(AreaSummary {
                    id: area.to_string(),
                    title: area_title(area).to_string(),
                    competencies: 0,
                    at_level: [0; 4],
                    score: 0,
                });
                areas.len() - 1
            }
        };
        let a = &mut areas[at];
        a.competencies += 1;
        a.at_level[usize::from(c.level.min(3))] += 1;
    }
    for a in &mut areas {
        let sum: u32 = (1..4u32).map(|l| l * a.at_level[l as usize]).sum();
        a.score = (f64::from(sum) * 100.0 / f64::from(3 * a.competencies.max(1))).round() as u32;
    }
    areas
}
