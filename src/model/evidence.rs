//! What a repository shows and what stands against it: a competency's level
//! with its evidence, findings, notes on what was not read, and flags a
//! reader should know about. Every item points at a file and a line.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a competency shows: a file, a line, and what matched.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct Evidence {
    pub path: String,
    /// For a notebook: the line in its cell.
    pub line: u32,
    /// For a notebook: the cell (counting every cell from 1).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cell: Option<u32>,
    pub detail: String,
    /// The line's permalink at the audited commit, when the repository's
    /// web location is known and the file is the commit's.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
}

/// A competency's level in one repository, and why.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CompetencyLevel {
    pub id: String,
    pub title: String,
    pub area: String,
    pub level: u8,
    /// How many hits the evidence list was taken from.
    pub evidence_count: u64,
    pub evidence: Vec<Evidence>,
    /// Shown, never counted: a declared dependency, say.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub hints: Vec<Evidence>,
    /// At level 0: packages for this competency declared in a manifest but
    /// never used in the code (`pytest` in requirements.txt, no test).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub declared_unused: Vec<Evidence>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub metrics: BTreeMap<String, f64>,
}

/// A problem found in the code, reported beside the levels with its location.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub path: String,
    /// For a notebook: the line in its cell.
    pub line: u32,
    /// For a notebook: the cell (counting every cell from 1).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cell: Option<u32>,
    pub message: String,
    #[serde(default)]
    pub severity: Severity,
    /// The line's permalink at the audited commit (as for evidence).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
    /// The same across commits while the flagged line's text stays: a hash
    /// of the id, the path, the line's trimmed text and its occurrence among
    /// the file's same findings on identical lines, never the line number
    /// (SARIF's `partialFingerprints`, GitLab Code Quality's `fingerprint`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fingerprint: Option<String>,
}

/// How bad a finding is (the levels of SARIF and of code scanning).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    #[default]
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// Something not read, or read only in part, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct Note {
    pub path: String,
    pub message: String,
}

/// Something about a repository a reader should know before trusting its levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// `possibly-copied`.
    pub id: String,
    pub reason: String,
}
