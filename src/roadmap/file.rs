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
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseFile {
    pub id: String,
    pub title: String,
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
}
