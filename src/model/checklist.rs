//! A checklist measured: each item's status with its reason, evidence or
//! next step, the score and the progress per phase, for the portfolio and
//! for each repository alone.

use serde::{Deserialize, Serialize};

/// A checklist item's status. `SelfReport` and `NotApplicable` never count in the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Met,
    Partial,
    Missing,
    SelfReport,
    NotApplicable,
}

impl Status {
    /// A gap: measured and not met (what the reports list as next steps).
    pub fn is_gap(self) -> bool {
        matches!(self, Status::Partial | Status::Missing)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Partial => "partial",
            Status::Missing => "missing",
            Status::SelfReport => "self-report",
            Status::NotApplicable => "not-applicable",
        }
    }
}

/// Where a met requirement shows in the portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemEvidence {
    pub competency: String,
    pub level: u8,
    pub repo: String,
    pub path: String,
    pub line: u32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cell: Option<u32>,
    /// The line's permalink at the audited commit, when known.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub id: String,
    pub title: String,
    pub phase: String,
    pub status: Status,
    /// Every requirement, as `id` or `id:level`; `any` ones are listed after `|`.
    pub requires: Vec<String>,
    /// What to do next, for partial and missing items (empty otherwise).
    pub next_step: String,
    /// Why the status: which requirements hold, at which levels.
    pub reason: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub evidence: Vec<ItemEvidence>,
    /// The learner's own word (portfolio-audit.toml), never counted as measured.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub claim: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PhaseProgress {
    pub id: String,
    pub title: String,
    pub met: u32,
    pub partial: u32,
    pub missing: u32,
    pub self_report: u32,
    pub score: u32,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Checklist {
    /// 0..100 over the measurable items: met counts 1, partial counts 1/2.
    pub score: u32,
    pub measurable: u32,
    pub items: Vec<ChecklistItem>,
    pub phases: Vec<PhaseProgress>,
    /// Items out of the score because a project file ignores what they
    /// require, each with the file that said so.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub ignored: Vec<IgnoredItem>,
    /// The score as the code alone shows it, without what repositories'
    /// own project files ignore; present when they changed what is scored.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub measured_score: Option<u32>,
    /// Items a repository's own project file asked to ignore, not applied
    /// (`--repo-config report`): shown, never taken out of the score.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub ignore_requests: Vec<IgnoredItem>,
}

/// A checklist item a project file takes out of the score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IgnoredItem {
    pub id: String,
    /// The competencies it requires that the file ignores.
    pub competencies: Vec<String>,
    /// The file: `repo/portfolio-audit.toml`, or the auditor's `--config`.
    pub source: String,
}

/// One repository measured alone against the checklist: a column of a
/// cohort's repositories × items matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoChecklist {
    /// 0..100, as the portfolio's score but over this repository only.
    pub score: u32,
    pub measurable: u32,
    /// Every item's status for this repository alone, in roadmap order.
    pub items: Vec<ItemStatus>,
    /// Items out of this repository's score because a project file ignores them.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub ignored: u32,
    /// Items its own project file asked to ignore, not applied.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub ignore_requests: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A checklist item's status, by item id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemStatus {
    pub id: String,
    pub status: Status,
}

impl From<&Checklist> for RepoChecklist {
    fn from(c: &Checklist) -> RepoChecklist {
        RepoChecklist {
            score: c.score,
            measurable: c.measurable,
            items: c
                .items
                .iter()
                .map(|i| ItemStatus {
                    id: i.id.clone(),
                    status: i.status,
                })
                .collect(),
            ignored: c.ignored.len() as u32,
            ignore_requests: c.ignore_requests.len() as u32,
        }
    }
}

impl RepoChecklist {
    /// The status of item `id` for this repository, if the roadmap has it.
    pub fn status(&self, id: &str) -> Option<Status> {
        self.items.iter().find(|i| i.id == id).map(|i| i.status)
    }
}
