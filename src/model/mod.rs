//! The model: the types every stage exchanges, and nothing that reads a
//! file, runs a parser or prints. `source` summarizes history into it,
//! `rules` turns facts into its levels, evidence and findings, `roadmap`
//! measures checklists over them, the library entry assembles the
//! [`Report`], and `report` only formats it. It depends on no other module
//! of the crate; every stage depends on it.
//!
//! What is serialized here is the JSON contract (`schema_version` 1 of each
//! document: fields are added, never renamed).

mod catalog;
mod checklist;
mod cohort;
mod data_error;
pub mod diff;
mod evidence;
mod history;
pub mod plan;
mod report;
mod shard;
mod statements;
pub mod timeline;
mod web;

pub use catalog::{area_rank, area_title, Catalog, CompetencyInfo, AREAS};
pub use checklist::{
    Checklist, ChecklistItem, IgnoredItem, ItemEvidence, ItemStatus, PhaseProgress, RepoChecklist,
    Status,
};
pub use cohort::{Cohort, CohortItem, Student, StudentGap};
pub use data_error::{field_offset, line_at, DataError, DataErrors, LineIndex};
pub use evidence::{CompetencyLevel, Evidence, Finding, Flag, Note, Severity};
pub use history::History;
pub use plan::{Plan, PLAN_SCHEMA_VERSION};
pub use report::{
    AreaSummary, Authorship, IgnoredCommit, IgnoredRevisions, MergedIdentity, Moves, NotCounted,
    Portfolio, PortfolioCompetency, Project, RepoReport, Report, Stats, Tool, SCHEMA_VERSION,
};
pub use shard::{Fingerprints, ShardInfo};
pub use statements::{RepoConfig, Statements};
pub use web::{Forge, WebRepo, SEGMENT as URL_SEGMENT};
