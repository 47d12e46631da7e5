//! From a measured checklist to a plan: the next projects to build, the
//! milestones met or missing, and a week-by-week path through what remains.
//!
//! In: a roadmap, the built-in roadmaps (whose project ideas and milestones
//! a roadmap without its own borrows), and a [`Report`] measured against
//! that roadmap. Out: a [`Plan`]. It reads no file; it computes, the
//! renderers only format.
//!
//! Submodules: [`data`] (what a plan is made from, checked on load),
//! `pick` (the next projects), `milestones` and `path`.

pub mod data;
mod milestones;
mod path;
mod pick;

use super::{Item, Phase, Roadmap};
use crate::model::plan::{PhaseRef, Plan, PlanItem, PLAN_SCHEMA_VERSION};
use crate::model::{ChecklistItem, Report, Status, Tool};
use pick::Levels;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

/// The hours a week a stage is planned at when neither the seed nor
/// `--hours-per-week` says: the lowest any seed gives (seed 002's 15–20).
pub const DEFAULT_HOURS_PER_WEEK: u32 = 15;

/// The hours of work an open item takes where the seed gives no duration:
/// seed 002's Phase 1, 4–6 weeks at 15–20 hours for its 18 items, is about
/// 5 hours an item.
pub const HOURS_PER_ITEM: f64 = 5.0;

/// How many projects a plan proposes next.
pub const NEXT: usize = 3;

/// What the learner asks of the plan.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// One of [`data::TRACKS`]: the phases of other tracks are left out.
    pub track: Option<String>,
    /// The learner's pace; by default each stage's seed pace.
    pub hours_per_week: Option<u32>,
}

/// An open gap of the plan's roadmap.
struct Gap<'a> {
    item: &'a Item,
    /// Its phase's index, or `None` for a phase that runs alongside.
    phase: Option<usize>,
}

/// What a plan is computed over: the roadmap, the learner's statuses and
/// the phases the track keeps.
struct Ground<'a> {
    roadmap: &'a Roadmap,
    status: BTreeMap<&'a str, &'a ChecklistItem>,
    options: &'a Options,
    /// Phases left out as the alternatives not taken (see [`not_chosen`]).
    skipped: BTreeSet<usize>,
}

impl<'a> Ground<'a> {
    fn phase_index(&self, id: &str) -> Option<usize> {
        self.roadmap.phases.iter().position(|p| p.id == id)
    }

    /// Whether the plan covers the phase: in the track, and not an
    /// alternative the learner did not take.
    fn in_track(&self, phase: usize) -> bool {
        !self.skipped.contains(&phase) && track_keeps(self.options, &self.roadmap.phases[phase])
    }

    fn ongoing(&self, phase: usize) -> bool {
        self.roadmap.phases[phase].ongoing
    }

    fn status(&self, id: &str) -> Option<Status> {
        self.status.get(id).map(|i| i.status)
    }

    fn phase_ref(&self, phase: usize) -> PhaseRef {
        let p = &self.roadmap.phases[phase];
        PhaseRef {
            id: p.id.clone(),
            title: p.title.clone(),
            track: p.track.clone(),
        }
    }

    fn plan_item(&self, item: &Item) -> PlanItem {
        PlanItem {
            id: item.id.clone(),
            title: item.title.clone(),
            phase: item.phase.clone(),
            status: self.status(&item.id).unwrap_or(Status::Missing),
        }
    }

    /// The items of in-track phases the learner has yet to meet.
    fn gaps(&self) -> Vec<Gap<'a>> {
        self.roadmap
            .items
            .iter()
            .filter(|i| self.status(&i.id).is_some_and(Status::is_gap))
            .filter_map(|i| {
                let at = self.phase_index(&i.phase)?;
                self.in_track(at).then(|| Gap {
                    item: i,
                    phase: (!self.ongoing(at)).then_some(at),
                })
            })
            .collect()
    }

    /// Where an idea of another roadmap sits in this one: the phase most
    /// of the items sharing a competency with its item's requirements are
    /// in (the later on a tie, where its harder half is): what it teaches,
    /// not what it touches.
    fn home_of(&self, item: &Item) -> Option<usize> {
        let core: BTreeSet<&str> = item
            .requires
            .iter()
            .chain(&item.any)
            .map(|r| r.id.as_str())
            .collect();
        let mut count: BTreeMap<usize, usize> = BTreeMap::new();
        for i in &self.roadmap.items {
            let shares = i
                .requires
                .iter()
                .chain(&i.any)
                .any(|r| core.contains(r.id.as_str()));
            if let Some(at) = self
                .phase_index(&i.phase)
                .filter(|&p| shares && !self.ongoing(p))
            {
                *count.entry(at).or_default() += 1;
            }
        }
        count
            .iter()
            .max_by_key(|(phase, n)| (**n, **phase))
            .map(|(phase, _)| *phase)
    }
}

/// Whether `--track` keeps a phase: every phase without a track does.
fn track_keeps(options: &Options, phase: &Phase) -> bool {
    match (&options.track, &phase.track) {
        (Some(want), Some(track)) => want == track,
        _ => true,
    }
}

/// Of phases that are alternatives (one `choice`), the ones a plan leaves
/// out: all but the one the learner is furthest in (met items, partial
/// ones counting half), the first on a tie.
fn not_chosen(roadmap: &Roadmap, status: &BTreeMap<&str, &ChecklistItem>) -> BTreeSet<usize> {
    let progress = |phase: &str| -> u32 {
        roadmap
            .items
            .iter()
            .filter(|i| i.phase == phase)
            .map(|i| match status.get(i.id.as_str()).map(|c| c.status) {
                Some(Status::Met) => 2,
                Some(Status::Partial) => 1,
                _ => 0,
            })
            .sum()
    };
    let mut groups: BTreeMap<&str, Vec<(usize, u32)>> = BTreeMap::new();
    for (at, p) in roadmap.phases.iter().enumerate() {
        if let Some(choice) = &p.choice {
            groups
                .entry(choice)
                .or_default()
                .push((at, progress(&p.id)));
        }
    }
    let mut out = BTreeSet::new();
    for members in groups.values() {
        let kept = members
            .iter()
            .max_by_key(|(at, n)| (*n, Reverse(*at)))
            .map(|(at, _)| *at);
        out.extend(
            members
                .iter()
                .map(|(at, _)| *at)
                .filter(|at| Some(*at) != kept),
        );
    }
    out
}

/// Plans the learner's next steps through `roadmap` from a report measured
/// against it. `pool`: the built-in roadmaps, whose project ideas and
/// milestones a roadmap without its own borrows.
pub fn plan(roadmap: &Roadmap, pool: &[Roadmap], report: &Report, options: &Options) -> Plan {
    let checklist = &report.portfolio.checklist;
    let status: BTreeMap<&str, &ChecklistItem> =
        checklist.items.iter().map(|i| (i.id.as_str(), i)).collect();
    let ground = Ground {
        roadmap,
        skipped: not_chosen(roadmap, &status),
        status,
        options,
    };
    let levels: Levels = report
        .portfolio
        .competencies
        .iter()
        .map(|c| (c.id.clone(), c.level))
        .collect();
    let ignored: BTreeSet<String> = checklist
        .ignored
        .iter()
        .flat_map(|i| i.competencies.iter().cloned())
        .collect();
    let ideas = pick::ideas(&ground, pool);
    let gaps = ground.gaps();
    let picks = pick::pick(&ground, &ideas, &gaps, &levels, &ignored);
    let current_phase = gaps.iter().filter_map(|g| g.phase).min();
    let mut projects_from: Vec<String> = ideas.iter().map(|i| i.roadmap.name.clone()).collect();
    projects_from.dedup();
    Plan {
        schema_version: PLAN_SCHEMA_VERSION,
        tool: Tool::this(),
        roadmap: roadmap.name.clone(),
        roadmap_title: roadmap.title.clone(),
        source: roadmap.source.clone(),
        track: options.track.clone(),
        hours_per_week: options.hours_per_week,
        hours_per_item: HOURS_PER_ITEM,
        repos: report
            .repos
            .iter()
            .filter(|r| r.error.is_none())
            .map(|r| r.name.clone())
            .collect(),
        score: checklist.score,
        current_phase: current_phase.map(|p| ground.phase_ref(p)),
        projects_from,
        next_projects: picks
            .iter()
            .take(NEXT)
            .map(|p| pick::project_plan(&ground, p, &levels))
            .collect(),
        milestones: milestones::milestones(&ground, pool, report),
        path: path::path(&ground, &picks),
    }
}
