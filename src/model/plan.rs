//! A plan: from a measured checklist to what to build next. The next one
//! to three projects with the gaps each closes and its brief, the status of
//! the seeds' milestones with their evidence, and a week-by-week path
//! through what remains. Its own JSON document (`schema_version` 1: fields
//! are added, never renamed).

use super::{ItemEvidence, Status, Tool};
use serde::{Deserialize, Serialize};

/// The version of the plan's JSON document.
pub const PLAN_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub schema_version: u32,
    pub tool: Tool,
    /// The checklist the plan follows.
    pub roadmap: String,
    pub roadmap_title: String,
    /// The seed roadmap it was made from (`001_ae31f65ae56a6018.txt`).
    pub source: Option<String>,
    /// `--track`: only the phases every learner takes and this track's.
    pub track: Option<String>,
    /// `--hours-per-week`; absent: each stage at the pace its seed gives.
    pub hours_per_week: Option<u32>,
    /// The hours an open item takes in a stage the seed gives no duration for.
    pub hours_per_item: f64,
    /// The repositories the plan was drawn from (those that were audited).
    pub repos: Vec<String>,
    /// The checklist score they reach now.
    pub score: u32,
    /// The first phase (in roadmap order, within the track) with a gap.
    pub current_phase: Option<PhaseRef>,
    /// The roadmaps whose project ideas were considered: this one's own, or
    /// every seed's when it has none.
    pub projects_from: Vec<String>,
    /// The next projects, best first; each closes gaps the ones before it leave.
    pub next_projects: Vec<ProjectPlan>,
    pub milestones: Vec<MilestoneStatus>,
    pub path: PlanPath,
}

/// A phase of the plan's roadmap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseRef {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub track: Option<String>,
}

/// A project idea proposed to the learner, with its brief.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectPlan {
    /// The project's checklist item in the roadmap that holds the idea.
    pub id: String,
    pub roadmap: String,
    /// The seed roadmap the idea comes from.
    pub seed: Option<String>,
    pub title: String,
    /// Where it sits in the plan's roadmap.
    pub phase: PhaseRef,
    /// `beginner`, `intermediate` or `advanced`, when the seed ranks it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub level: Option<String>,
    /// How long, when the seed says (`1–2 months`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub duration: Option<String>,
    pub scope: String,
    /// The acceptance checks, each with the level the audit shows now.
    pub checks: Vec<PlanCheck>,
    /// The item's requirements, as `id` or `id:level`.
    pub requires: Vec<String>,
    /// What it builds: a learner who shows all of these (or meets the
    /// item) has built one and is not told to build it again.
    pub shows: Vec<String>,
    /// What its checks exercise beyond those requirements.
    pub exercises: Vec<String>,
    /// The learner's gaps (checklist items of the plan's roadmap) it closes.
    pub closes: Vec<PlanItem>,
    /// The seed's lines for this idea, verbatim.
    pub seed_lines: Vec<String>,
}

/// An acceptance check, measured now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCheck {
    pub competency: String,
    /// The level the check asks for.
    pub level: u8,
    /// The level the portfolio shows now.
    pub current: u8,
    pub text: String,
}

impl PlanCheck {
    pub fn done(&self) -> bool {
        self.current >= self.level
    }

    /// What it needs as roadmaps write it: `testing.unit`, `testing.unit:2`.
    pub fn needs(&self) -> String {
        if self.level > 1 {
            format!("{}:{}", self.competency, self.level)
        } else {
            self.competency.clone()
        }
    }
}

/// A checklist item as a plan lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    pub id: String,
    pub title: String,
    pub phase: String,
    pub status: Status,
}

/// A milestone of a seed, measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MilestoneStatus {
    pub id: String,
    /// The roadmap that defines it, and its seed.
    pub roadmap: String,
    pub seed: Option<String>,
    pub title: String,
    /// The title of the phase it closes.
    pub phase: String,
    /// Met when every measurable item is met, missing when none is met or
    /// partial, partial otherwise (self-report items never count).
    pub status: Status,
    pub items: Vec<MilestoneItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MilestoneItem {
    pub id: String,
    pub title: String,
    pub status: Status,
    /// Which requirements hold, at which levels.
    pub reason: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub evidence: Vec<ItemEvidence>,
}

/// The week-by-week path through what remains.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PlanPath {
    /// Stretches of phases in roadmap order, each with its weeks.
    pub stages: Vec<PathStage>,
    /// All the weeks.
    pub weeks: u32,
    /// Open items of the phases that run alongside (habits, tips, checkpoints).
    pub alongside: Vec<PlanItem>,
    /// Items no repository can show: listed, never scheduled.
    pub self_report: Vec<PlanItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PathStage {
    pub id: String,
    pub title: String,
    pub phases: Vec<String>,
    pub first_week: u32,
    pub last_week: u32,
    pub weeks: u32,
    /// The hours of work left in it.
    pub hours: u32,
    pub hours_per_week: f64,
    /// Where the duration comes from: `seed` (the seed's weeks for the
    /// stage, scaled to what is left) or `estimate` (hours per open item).
    pub basis: String,
    /// The seed's duration, when it gives one: `4–6 weeks at 15–20 hours a week`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub seed_duration: Option<String>,
    /// Its open (partial and missing) items, in roadmap order.
    pub items: Vec<PlanItem>,
    /// Projects to build in it, in the order the plan picked them.
    pub projects: Vec<ProjectRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRef {
    pub roadmap: String,
    pub id: String,
    pub title: String,
}
