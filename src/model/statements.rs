//! What a repository says of itself in its own `portfolio-audit.toml`:
//! self-reports, claims and competencies it asks to ignore, each with the
//! learner's note. Whether they counted depends on who audits
//! (`--repo-config`): the learner auditing their own work, or someone else.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who decides what a scanned repository's own project file may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RepoConfig {
    /// Its statements apply: the learner audits their own work.
    Trust,
    /// Its statements are shown; the score is computed as if it were absent.
    Report,
    /// It is not read.
    Ignore,
}

impl RepoConfig {
    pub fn as_str(self) -> &'static str {
        match self {
            RepoConfig::Trust => "trust",
            RepoConfig::Report => "report",
            RepoConfig::Ignore => "ignore",
        }
    }
}

/// A repository's own project file, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statements {
    /// The file, as `repo/portfolio-audit.toml`.
    pub source: String,
    /// Whether its statements applied to the score and statuses.
    pub applied: bool,
    /// Roadmap item id → what the learner says they did.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub self_report: BTreeMap<String, String>,
    /// Competency id → where the learner says they showed it.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub claims: BTreeMap<String, String>,
    /// Competency id → why the learner says it does not apply.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub ignore: BTreeMap<String, String>,
}
