//! The shape of a roadmap file (`rules/roadmaps/<name>.toml`), as serde reads it.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadmapFile {
    /// Equal to the file stem (`professional`).
    pub name: String,
    pub title: String,
    /// The seed roadmap this checklist was made from (`001_ae31f65ae56a6018.txt`).
    pub source: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub phase: Vec<Spanned<PhaseFile>>,
    #[serde(default)]
    pub item: Vec<Spanned<ItemFile>>,
    /// Checkpoints a seed names (seed 001's M0–MP, seed 002's "After Phase N"),
    /// each made of items.
    #[serde(default)]
    pub milestone: Vec<Spanned<MilestoneFile>>,
    /// How long stretches of phases take, where the seed says.
    #[serde(default)]
    pub stage: Vec<Spanned<StageFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseFile {
    pub id: String,
    pub title: String,
    /// The specialisation this phase belongs to (`web`, `data`, `ai`,
    /// `automation`, `devops`); none for the phases every learner takes.
    pub track: Option<String>,
    /// Habits, tips and checkpoints that run alongside the other phases:
    /// a plan lists their open items, never schedules weeks for them.
    #[serde(default)]
    pub ongoing: bool,
    /// Phases that are alternatives share a choice (seed 002's Flask,
    /// Django or FastAPI): a plan follows the one the learner is furthest in.
    pub choice: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemFile {
    pub id: String,
    pub phase: String,
    pub title: String,
    /// Every one of these: `"testing.unit"` (level 1) or `"testing.unit:2"`.
    #[serde(default)]
    pub requires: Vec<String>,
    /// At least one of these as well.
    #[serde(default)]
    pub any: Vec<String>,
    /// Nothing in a repository can show it; the learner says so in portfolio-audit.toml.
    #[serde(default)]
    pub self_report: bool,
    /// The seed's lines this item covers, verbatim.
    #[serde(default)]
    pub seed: Vec<String>,
    /// A next step to show instead of the rules' advice.
    pub next_step: Option<String>,
    /// For a project idea: what a learner needs to start it (`[item.project]`).
    pub project: Option<Spanned<ProjectFile>>,
}

/// A project idea's brief: the item says what a finished project shows,
/// this says how to build one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    /// The phase a plan places it in (default: the item's phase).
    pub phase: Option<String>,
    /// `beginner`, `intermediate` or `advanced`, as the seed ranks it.
    pub level: Option<String>,
    /// How long, where the seed says: `[1, 2]` weeks (or `months`).
    pub weeks: Option<Vec<u32>>,
    pub months: Option<Vec<u32>>,
    /// What it builds: a learner who shows all of these has built one and
    /// is not told to build it again (default: the item's requirements).
    #[serde(default)]
    pub shows: Vec<String>,
    /// The project in a few lines.
    pub scope: String,
    /// Acceptance checks, each the competency (and level) the audit will
    /// show once it is done: `{ needs = "testing.unit:2", text = "..." }`.
    #[serde(default)]
    pub checks: Vec<Spanned<CheckFile>>,
    /// Seed lines the brief draws on beyond the item's (a duration, a
    /// monthly plan), verbatim.
    #[serde(default)]
    pub seed: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckFile {
    /// `"testing.unit"` (level 1) or `"testing.unit:2"`.
    pub needs: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneFile {
    pub id: String,
    /// Default: the title of its one item.
    pub title: Option<String>,
    /// The phase it closes.
    pub phase: String,
    /// The items that make it: all met is met, none seen is missing.
    pub items: Vec<String>,
    #[serde(default)]
    pub seed: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageFile {
    pub id: String,
    pub title: String,
    /// The phases it spans, in roadmap order.
    pub phases: Vec<String>,
    /// `[4, 6]` weeks, or `months = [1, 2]`.
    pub weeks: Option<Vec<u32>>,
    pub months: Option<Vec<u32>>,
    /// `[15, 20]`, when the seed gives the hours a week that duration assumes.
    pub hours_per_week: Option<Vec<u32>>,
    #[serde(default)]
    pub seed: Vec<String>,
}
