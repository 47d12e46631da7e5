//! A cohort: each student's checklist over their own repositories, their
//! first gaps, and for each checklist item which students meet it.

use super::Status;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cohort {
    /// In the order their labels first appear among the inputs.
    pub students: Vec<Student>,
    /// Every measurable item of the roadmap (self-report items left out), in roadmap order.
    pub items: Vec<CohortItem>,
}

/// One student's checklist, over their repositories only.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Student {
    pub label: String,
    /// Repositories audited.
    pub repos: Vec<String>,
    /// Repositories that could not be audited (each reported with its error).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub not_audited: Vec<String>,
    /// 0..100, as the portfolio's score: met counts 1, partial 1/2.
    pub score: u32,
    pub measurable: u32,
    pub met: u32,
    pub partial: u32,
    pub missing: u32,
    /// The first partial or missing items, by phase then item order.
    pub gaps: Vec<StudentGap>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StudentGap {
    pub id: String,
    pub title: String,
    pub phase: String,
    pub status: Status,
    pub next_step: String,
}

/// Which students meet one checklist item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CohortItem {
    pub id: String,
    pub title: String,
    pub phase: String,
    /// How many students meet it.
    pub met: u32,
    pub met_by: Vec<String>,
    pub partial_by: Vec<String>,
}
