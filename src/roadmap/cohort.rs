//! A cohort: the roadmap evaluated for each student over that student's
//! repositories only (those sharing a label), the first gaps of each, and
//! for each checklist item which students meet it.
//!
//! In: audited repositories with labels, the roadmap, each student's project
//! file. Out: a [`Cohort`]. Unlabeled repositories take no part.

use super::config::Config;
use super::evaluate::evaluate_over;
use super::Roadmap;
use crate::model::{Catalog, RepoReport};
use crate::model::{ChecklistItem, Cohort, CohortItem, Status, Student, StudentGap};
use std::collections::BTreeMap;

/// Gaps listed per student: the first ones in roadmap order.
pub const GAPS_PER_STUDENT: usize = 3;

/// The cohort of labeled repositories, or `None` when fewer than two carry a label.
/// `configs` holds each student's project file; `fallback` serves the others.
pub fn cohort(
    roadmap: &Roadmap,
    repos: &[RepoReport],
    catalog: &Catalog,
    configs: &BTreeMap<String, Config>,
    fallback: &Config,
) -> Option<Cohort> {
    let mut labels: Vec<&str> = Vec::new();
    for l in repos.iter().filter_map(|r| r.label.as_deref()) {
        if !labels.contains(&l) {
            labels.push(l);
        }
    }
    if repos.iter().filter(|r| r.label.is_some()).count() < 2 {
        return None;
    }
    let phase_rank = |phase: &str| roadmap.phases.iter().position(|p| p.id == phase);
    let mut items: Vec<CohortItem> = roadmap
        .items
        .iter()
        .filter(|i| !i.self_report)
        .map(|i| CohortItem {
            id: i.id.clone(),
            title: i.title.clone(),
            phase: i.phase.clone(),
            met: 0,
            met_by: Vec::new(),
            partial_by: Vec::new(),
        })
        .collect();
    let mut students = Vec::new();
    for label in labels {
        let own: Vec<&RepoReport> = repos
            .iter()
            .filter(|r| r.label.as_deref() == Some(label))
            .collect();
        let config = configs.get(label).unwrap_or(fallback);
        let checklist = evaluate_over(roadmap, &own, catalog, config);
        let count = |s: Status| checklist.items.iter().filter(|i| i.status == s).count() as u32;
        let mut gaps: Vec<(usize, &ChecklistItem)> = checklist
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.status.is_gap())
            .collect();
        gaps.sort_by_key(|(order, i)| (phase_rank(&i.phase), *order));
        for item in &checklist.items {
            let Some(entry) = items.iter_mut().find(|c| c.id == item.id) else {
                continue;
            };
            match item.status {
                Status::Met => {
                    entry.met += 1;
                    entry.met_by.push(label.to_string());
                }
                Status::Partial => entry.partial_by.push(label.to_string()),
                _ => {}
            }
        }
        students.push(Student {
            label: label.to_string(),
            repos: own
                .iter()
                .filter(|r| r.error.is_none())
                .map(|r| r.name.clone())
                .collect(),
            not_audited: own
                .iter()
                .filter(|r| r.error.is_some())
                .map(|r| r.name.clone())
                .collect(),
            score: checklist.score,
            measurable: checklist.measurable,
            met: count(Status::Met),
            partial: count(Status::Partial),
            missing: count(Status::Missing),
            gaps: gaps
                .into_iter()
                .take(GAPS_PER_STUDENT)
                .map(|(_, i)| StudentGap {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    phase: i.phase.clone(),
                    status: i.status,
                    next_step: i.next_step.clone(),
                })
                .collect(),
        });
    }
    Some(Cohort { students, items })
}
