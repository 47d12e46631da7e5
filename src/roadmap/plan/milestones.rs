//! The seeds' milestones (seed 001's M0-MP, seed 002's "After Phase N"),
//! each met, partial or missing from its items, with their evidence.

use super::{track_keeps, Ground};
use crate::model::plan::{MilestoneItem, MilestoneStatus};
use crate::model::{Catalog, ChecklistItem, CompetencyInfo, Report, Status};
use crate::roadmap::config::Config;
use crate::roadmap::{evaluate, Roadmap};
use std::collections::BTreeMap;

/// The competencies of the report's rules, for evaluating another roadmap.
fn catalog(report: &Report) -> Catalog {
    Catalog::new(
        report
            .repos
            .iter()
            .flat_map(|r| &r.competencies)
            .map(|c| CompetencyInfo {
                id: c.id.clone(),
                title: c.title.clone(),
                area: c.area.clone(),
                advice: String::new(),
            }),
    )
}

/// The milestones of the roadmap, or of the built-in roadmaps when it has
/// none, each measured by its items.
pub(super) fn milestones(
    ground: &Ground,
    pool: &[Roadmap],
    report: &Report,
) -> Vec<MilestoneStatus> {
    let roadmap = ground.roadmap;
    let sources: Vec<&Roadmap> = if roadmap.milestones.is_empty() {
        pool.iter()
            .filter(|r| r.name != roadmap.name && !r.milestones.is_empty())
            .collect()
    } else {
        vec![roadmap]
    };
    let mut out = Vec::new();
    for r in sources {
        // Another roadmap's items are measured as a scan with it would,
        // without the learner's project file.
        let measured;
        let status: BTreeMap<&str, &ChecklistItem> = if r.name == roadmap.name {
            ground.status.clone()
        } else {
            measured = evaluate(r, &report.repos, &catalog(report), &Config::default());
            measured.items.iter().map(|i| (i.id.as_str(), i)).collect()
        };
        for m in &r.milestones {
            let phase = r.phases.iter().find(|p| p.id == m.phase);
            if phase.is_some_and(|p| !track_keeps(ground.options, p)) {
                continue;
            }
            let items: Vec<MilestoneItem> = m
                .items
                .iter()
                .filter_map(|id| status.get(id.as_str()))
                .map(|i| MilestoneItem {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    status: i.status,
                    reason: i.reason.clone(),
                    evidence: i.evidence.clone(),
                })
                .collect();
            out.push(MilestoneStatus {
                id: m.id.clone(),
                roadmap: r.name.clone(),
                seed: r.source.clone(),
                title: m.title.clone(),
                phase: r.phase_title(&m.phase).to_string(),
                status: milestone_status(&items),
                items,
            });
        }
    }
    out
}

/// Met when every measurable item is, missing when none is met or
/// partial, partial otherwise; self-report when nothing is measurable.
fn milestone_status(items: &[MilestoneItem]) -> Status {
    let measured: Vec<Status> = items
        .iter()
        .map(|i| i.status)
        .filter(|s| matches!(s, Status::Met | Status::Partial | Status::Missing))
        .collect();
    if measured.is_empty() {
        Status::SelfReport
    } else if measured.iter().all(|s| *s == Status::Met) {
        Status::Met
    } else if measured.iter().all(|s| *s == Status::Missing) {
        Status::Missing
    } else {
        Status::Partial
    }
}
