//! What a repository's git history shows, summed up: the numbers the
//! history metrics and the `possibly-copied` flag read.

use serde::Serialize;

/// What a repository's history shows.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct History {
    /// The scanned commit.
    pub head: String,
    pub commits: u64,
    pub active_days: u64,
    pub span_days: u64,
    pub authors: u64,
    pub merges: u64,
    pub branches: u64,
    pub tags: u64,
    pub descriptive_commits: u64,
    /// The first commit of the first-parent line (in a shallow clone, the
    /// first one the clone has).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_commit: Option<String>,
    /// Share (0..1) of the non-blank Python lines at the scanned revision that
    /// the first commit already held at the same path: near 1, the first
    /// commit imported the bulk of the code. Null without Python code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_commit_share: Option<f64>,
    /// A shallow clone: the history is cut, and `first_commit` is only the
    /// first commit the clone has, not the repository's first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shallow: bool,
}
