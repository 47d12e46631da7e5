//! A repository's competencies commit by commit: the changes of level with
//! the commit that made them. Its own JSON document (`schema_version` 1 of
//! the timeline document: fields are added, never renamed).

use super::{Evidence, Tool};
use serde::{Deserialize, Serialize};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timeline {
    pub schema_version: u32,
    pub tool: Tool,
    pub name: String,
    pub source: String,
    /// The revision asked for, and the commit it named.
    pub rev: String,
    pub head: String,
    /// Only first parents are followed: a merge is one step.
    pub first_parent: bool,
    /// The walk starts at the repository's first commit. False when
    /// `--max-commits` or a shallow clone cut it: then what the first walked
    /// commit already shows is `present`, not `first`.
    pub complete: bool,
    /// Changes of level, oldest first.
    pub events: Vec<Event>,
    /// Every competency's level at the newest commit.
    pub levels: Vec<FinalLevel>,
    pub stats: WalkStats,
}

/// A commit, as a progress log names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitInfo {
    pub id: String,
    pub short_id: String,
    /// Author time, seconds since 1970 (UTC).
    pub time: i64,
    /// The author's calendar day, `YYYY-MM-DD`.
    pub date: String,
    pub author: String,
    pub email: String,
    /// The first line of the message.
    pub summary: String,
}

/// What happened to a competency at a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// Reached level 1 or more for the first time.
    First,
    /// Level went up (or came back after a loss).
    Up,
    /// Level went down, not to 0.
    Down,
    /// Level fell to 0: the evidence went away (tests deleted, say).
    Lost,
    /// Already there at the first commit of a walk that does not start at
    /// the repository's first commit.
    Present,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub commit: CommitInfo,
    pub competency: String,
    pub title: String,
    pub kind: EventKind,
    pub from: u8,
    pub to: u8,
    /// What brought the change: evidence in files the commit changed (else
    /// the competency's first evidence); for a drop, what was there before.
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FinalLevel {
    pub id: String,
    pub level: u8,
}

/// What the walk cost: files are analyzed once per distinct (path, blob).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkStats {
    pub commits: u64,
    /// Files listed, summed over the commits walked.
    pub files_listed: u64,
    /// Files (path and blob) analyzed.
    pub files_analyzed: u64,
    /// Files whose analysis an earlier commit had already made.
    pub files_reused: u64,
}

impl WalkStats {
    /// The walk's cost in one line, as every format words it.
    pub fn line(&self) -> String {
        format!(
            "{} commits walked: {} files analyzed, {} reused from earlier commits, of {} listed",
            self.commits, self.files_analyzed, self.files_reused, self.files_listed
        )
    }
}
