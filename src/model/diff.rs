//! What changed between two reports of the same portfolio: competencies
//! gained or lost (with the evidence that appeared or disappeared), checklist
//! items that changed status, the score before and after, findings new and
//! resolved. Its own JSON document (`schema_version` 1: fields are added,
//! never renamed).

use super::{Evidence, IgnoredItem, ItemEvidence, Status, Tool};
use serde::{Deserialize, Serialize};

/// The diff document's own version: fields are added, never renamed.
pub const SCHEMA_VERSION: u32 = 1;

/// Two reports compared: everything a renderer prints.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Diff {
    pub schema_version: u32,
    pub tool: Tool,
    pub roadmap: Option<String>,
    /// The one-line summary: `Score 54% → 61% (+7); 2 competencies gained, 0 lost`.
    pub summary: String,
    /// Whether the head lost something: a competency lost or lowered, a
    /// checklist item worse, a new finding (what `--fail-on-regression` checks).
    pub regression: bool,
    pub base: Side,
    pub head: Side,
    pub score: ScoreChange,
    /// Per repository, gained first, then raised, lowered, lost; rule order within.
    pub competencies: Vec<CompetencyChange>,
    /// Checklist items whose status changed, in roadmap order.
    pub items: Vec<ItemChange>,
    pub findings: FindingChanges,
    pub repos: RepoChanges,
    /// What project files changed: items ignored or back in the score,
    /// statements added or removed.
    #[serde(default)]
    pub config: ConfigChanges,
}

/// Changes made by configuration rather than code.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConfigChanges {
    /// Items the head takes out of the score that the base scored.
    pub ignored: Vec<IgnoredItem>,
    /// Items the base left out of the score that the head scores again.
    pub unignored: Vec<IgnoredItem>,
    /// Statements of repositories' own project files the head adds:
    /// `shop: ignore testing.unit (not my focus)`.
    pub added: Vec<String>,
    /// Statements the head no longer makes.
    pub removed: Vec<String>,
}

impl ConfigChanges {
    pub fn is_empty(&self) -> bool {
        self.ignored.is_empty()
            && self.unignored.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
    }
}

/// Where a side of the diff came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SideKind {
    /// A git revision, audited for this diff.
    Revision,
    /// A JSON report written by `scan --format json`.
    Report,
}

/// One side of the diff: what the user gave, and what it held.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Side {
    pub kind: SideKind,
    /// The revision or file as given (`origin/main`, `old.json`).
    pub given: String,
    /// The commit, when the side is one repository at a git revision.
    pub commit: Option<String>,
    pub score: u32,
}

impl Side {
    /// `origin/main (1a2b3c4)`, or `old.json (report)`.
    pub fn label(&self) -> String {
        let commit = self
            .commit
            .as_deref()
            .map(|c| format!(" ({})", c.get(..7).unwrap_or(c)))
            .unwrap_or_default();
        let kind = match self.kind {
            SideKind::Revision => "",
            SideKind::Report => " (report)",
        };
        format!("{}{commit}{kind}", self.given)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ScoreChange {
    pub before: u32,
    pub after: u32,
    pub change: i64,
    /// Of the change, what the code made: the scores as the code alone
    /// shows them (without repositories' own ignores), compared. Present
    /// when project files changed a score on either side.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub by_code: Option<i64>,
    /// Of the change, what configuration made (`change - by_code`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub by_config: Option<i64>,
}

/// How a competency's level moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LevelChange {
    /// From level 0 to a level.
    Gained,
    /// Up, from a level to a higher one.
    Raised,
    /// Down, but not to 0.
    Lowered,
    /// Down to level 0.
    Lost,
}

/// A competency whose level changed in one repository.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompetencyChange {
    pub repo: String,
    pub id: String,
    pub title: String,
    pub change: LevelChange,
    pub before: u8,
    pub after: u8,
    /// Evidence in the head that the base did not have.
    pub appeared: Vec<Evidence>,
    /// Evidence in the base that the head no longer has.
    pub disappeared: Vec<Evidence>,
}

/// Whether a checklist item moved towards met or away from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Better,
    Worse,
    /// To or from self-report or not-applicable, or an item only one side has.
    Other,
}

/// A checklist item whose status changed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemChange {
    pub id: String,
    pub title: String,
    pub phase: String,
    /// Null when the base's checklist did not have this item.
    pub before: Option<Status>,
    /// Null when the head's checklist no longer has this item.
    pub after: Option<Status>,
    pub direction: Direction,
    /// Why the head's status, as the report says it.
    pub reason: String,
    /// What to do next, for an item now partial or missing.
    pub next_step: String,
    /// Where a now-met item shows.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub evidence: Vec<ItemEvidence>,
}

/// A finding with the repository it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoFinding {
    pub repo: String,
    pub id: String,
    pub path: String,
    pub line: u32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cell: Option<u32>,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FindingChanges {
    /// In the head, not in the base.
    pub new: Vec<RepoFinding>,
    /// In the base, no longer in the head.
    pub resolved: Vec<RepoFinding>,
}

/// Repositories that only one side has, or that could not be compared.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RepoChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub not_compared: Vec<NotCompared>,
}

/// A repository that could not be audited on one side, so its changes are unknown.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotCompared {
    pub name: String,
    pub reason: String,
}

impl Diff {
    /// Competency changes of one kind.
    pub fn count(&self, change: LevelChange) -> usize {
        self.competencies
            .iter()
            .filter(|c| c.change == change)
            .count()
    }

    /// Whether nothing a renderer lists changed.
    pub fn is_empty(&self) -> bool {
        self.competencies.is_empty()
            && self.items.is_empty()
            && self.findings.new.is_empty()
            && self.findings.resolved.is_empty()
            && self.repos.added.is_empty()
            && self.repos.removed.is_empty()
            && self.repos.not_compared.is_empty()
            && self.config.is_empty()
    }
}
