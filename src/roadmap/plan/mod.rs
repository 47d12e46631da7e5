//! From a measured checklist to a plan: the next projects to build, the
//! milestones met or missing, and a week-by-week path through what remains.
//!
//! In: a roadmap, the built-in roadmaps (whose project ideas and milestones
//! a roadmap without its own borrows), and a [`Report`] measured against
//! that roadmap. Out: a [`Plan`]. It reads no file; it computes, the
//! renderers only format.
//!
//! Projects are picked one after another: each time, the open gaps (partial
//! and missing items, within the track) decide the current phase, the first
//! with a gap; every idea not yet built is tried on top of the levels so
//! far, and the one that closes gaps earliest in the roadmap wins: its
//! phase (never earlier than the current one), then how many gaps it closes
//! in the current phase, then in all, then its level and its order in the
//! data. Its competencies are then taken as shown and the next is picked,
//! so each project closes what the ones before it leave.

pub mod data;

use super::config::Config;
use super::{evaluate, Item, Phase, Requirement, Roadmap};
use crate::model::plan::{
    MilestoneItem, MilestoneStatus, PathStage, PhaseRef, Plan, PlanCheck, PlanItem, PlanPath,
    ProjectPlan, ProjectRef, PLAN_SCHEMA_VERSION,
};
use crate::model::{Catalog, ChecklistItem, CompetencyInfo, Report, Status, Tool};
use data::{range_text, Project};
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

/// Competency levels by id.
type Levels = BTreeMap<String, u8>;

fn holds(r: &Requirement, levels: &Levels) -> bool {
    levels.get(&r.id).copied().unwrap_or(0) >= r.level
}

/// Whether the levels meet a measurable item.
fn met(item: &Item, levels: &Levels) -> bool {
    !item.self_report
        && item.requires.iter().all(|r| holds(r, levels))
        && (item.any.is_empty() || item.any.iter().any(|r| holds(r, levels)))
}

/// The levels once a project's checks are done.
fn with_project(levels: &Levels, project: &Project) -> Levels {
    let mut out = levels.clone();
    for c in &project.checks {
        let l = out.entry(c.needs.id.clone()).or_insert(0);
        *l = (*l).max(c.needs.level);
    }
    out
}

/// A project idea, where it comes from, and its phase in the plan's roadmap.
struct Idea<'a> {
    roadmap: &'a Roadmap,
    item: &'a Item,
    project: &'a Project,
    /// Its phase's index in the plan's roadmap; `None`: it meets none of
    /// its items alone, and takes the phase of what it closes.
    home: Option<usize>,
}

/// An open gap of the plan's roadmap.
struct Gap<'a> {
    item: &'a Item,
    /// Its phase's index, or `None` for a phase that runs alongside.
    phase: Option<usize>,
}

/// A project the plan picked, with the gaps it closes and its phase.
struct Pick<'a> {
    idea: &'a Idea<'a>,
    closes: Vec<&'a Item>,
    phase: usize,
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
            .filter(|i| matches!(self.status(&i.id), Some(Status::Partial | Status::Missing)))
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

/// The project ideas a plan draws on: the roadmap's own, or, when it has
/// none, those of every other built-in roadmap, in name order.
fn ideas<'a>(ground: &Ground<'a>, pool: &'a [Roadmap]) -> Vec<Idea<'a>> {
    let own = ground.roadmap.items.iter().any(|i| i.project.is_some());
    let sources: Vec<&Roadmap> = if own {
        vec![ground.roadmap]
    } else {
        pool.iter()
            .filter(|r| r.name != ground.roadmap.name)
            .collect()
    };
    let mut out = Vec::new();
    for r in sources {
        for item in &r.items {
            let Some(project) = &item.project else {
                continue;
            };
            let home = if own {
                ground
                    .phase_index(&project.phase)
                    .map(|p| if ground.ongoing(p) { 0 } else { p })
            } else {
                ground.home_of(item)
            };
            out.push(Idea {
                roadmap: r,
                item,
                project,
                home,
            });
        }
    }
    out
}

/// How picks compare, least first: the project's phase (never before the
/// current one), the earliest phase it closes gaps in, how many it closes
/// there, how many in all, its level, its order in the data.
type Key = (usize, usize, Reverse<usize>, Reverse<usize>, u8, usize);

/// Picks projects until none closes an open gap (see the module's docs).
fn pick<'a>(
    ground: &Ground<'a>,
    ideas: &'a [Idea<'a>],
    gaps: &[Gap<'a>],
    start: &Levels,
    ignored: &BTreeSet<String>,
) -> Vec<Pick<'a>> {
    let mut levels = start.clone();
    let mut picks: Vec<Pick> = Vec::new();
    let mut used = vec![false; ideas.len()];
    loop {
        let open: Vec<&Gap> = gaps.iter().filter(|g| !met(g.item, &levels)).collect();
        let Some(current) = open.iter().filter_map(|g| g.phase).min() else {
            break;
        };
        let mut best: Option<(Key, Pick)> = None;
        for (n, idea) in ideas.iter().enumerate() {
            let shown = if idea.project.shows.is_empty() {
                met(idea.item, &levels)
            } else {
                met(idea.item, &levels) || idea.project.shows.iter().all(|r| holds(r, &levels))
            };
            let refused = idea
                .item
                .requires
                .iter()
                .chain(&idea.item.any)
                .any(|r| ignored.contains(&r.id));
            if used[n] || idea.project.checks.is_empty() || shown || refused {
                continue;
            }
            let after = with_project(&levels, idea.project);
            let closes: Vec<&Gap> = open
                .iter()
                .copied()
                .filter(|g| met(g.item, &after))
                .collect();
            let first = closes.iter().filter_map(|g| g.phase).min();
            let Some(home) = idea.home.or(first) else {
                continue;
            };
            if !ground.in_track(home) || closes.is_empty() {
                continue;
            }
            let phase = home.max(current);
            // The earliest phase it helps with, and how much it helps there:
            // the current phase's gaps first, then the next phase's.
            let target = first.unwrap_or(usize::MAX).max(phase);
            let there = closes.iter().filter(|g| g.phase == Some(target)).count();
            let level = idea.project.level.map_or(1, |l| l as u8);
            let key = (
                phase,
                target,
                Reverse(there),
                Reverse(closes.len()),
                level,
                n,
            );
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((
                    key,
                    Pick {
                        idea,
                        closes: closes.iter().map(|g| g.item).collect(),
                        // Placed where its work begins.
                        phase: if target == usize::MAX { phase } else { target },
                    },
                ));
            }
        }
        let Some((key, chosen)) = best else {
            break;
        };
        used[key.5] = true;
        levels = with_project(&levels, chosen.idea.project);
        picks.push(chosen);
    }
    picks
}

fn project_plan(ground: &Ground, pick: &Pick, levels: &Levels) -> ProjectPlan {
    let Idea {
        roadmap,
        item,
        project,
        ..
    } = pick.idea;
    let covered = |c: &Requirement| {
        item.requires
            .iter()
            .chain(&item.any)
            .any(|r| r.id == c.id && r.level >= c.level)
    };
    let mut exercises: Vec<String> = Vec::new();
    for c in project.checks.iter().filter(|c| !covered(&c.needs)) {
        let s = c.needs.to_string();
        if !exercises.contains(&s) {
            exercises.push(s);
        }
    }
    ProjectPlan {
        id: item.id.clone(),
        roadmap: roadmap.name.clone(),
        seed: roadmap.source.clone(),
        title: item.title.clone(),
        phase: ground.phase_ref(pick.phase),
        level: project.level.map(|l| l.as_str().to_string()),
        duration: project.duration.map(|d| d.text()),
        scope: project.scope.clone(),
        checks: project
            .checks
            .iter()
            .map(|c| PlanCheck {
                competency: c.needs.id.clone(),
                level: c.needs.level,
                current: levels.get(&c.needs.id).copied().unwrap_or(0),
                text: c.text.clone(),
            })
            .collect(),
        requires: item.requirement_list(),
        shows: if project.shows.is_empty() {
            item.requirement_list()
        } else {
            project.shows.iter().map(|r| r.to_string()).collect()
        },
        exercises,
        closes: pick.closes.iter().map(|i| ground.plan_item(i)).collect(),
        seed_lines: item.seed.iter().chain(&project.seed).cloned().collect(),
    }
}

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
fn milestones(ground: &Ground, pool: &[Roadmap], report: &Report) -> Vec<MilestoneStatus> {
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

/// A stretch of phases on the path, before it is given its weeks.
struct Stretch<'a> {
    id: String,
    title: String,
    phases: Vec<usize>,
    seed: Option<&'a data::Stage>,
}

/// The stages of the roadmap, and one per phase the seed gives no duration
/// for, in roadmap order (phases that run alongside take no weeks).
fn stretches<'a>(ground: &Ground<'a>) -> Vec<Stretch<'a>> {
    let roadmap = ground.roadmap;
    let mut out: Vec<Stretch> = roadmap
        .stages
        .iter()
        .map(|s| Stretch {
            id: s.id.clone(),
            title: s.title.clone(),
            phases: s
                .phases
                .iter()
                .filter_map(|p| ground.phase_index(p))
                .collect(),
            seed: Some(s),
        })
        .collect();
    for (at, p) in roadmap.phases.iter().enumerate() {
        if !p.ongoing && !out.iter().any(|s| s.phases.contains(&at)) {
            out.push(Stretch {
                id: p.id.clone(),
                title: p.title.clone(),
                phases: vec![at],
                seed: None,
            });
        }
    }
    out.sort_by_key(|s| s.phases.iter().min().copied());
    out
}

fn path(ground: &Ground, picks: &[Pick]) -> PlanPath {
    let roadmap = ground.roadmap;
    let mut stages = Vec::new();
    let mut week = 0;
    for s in stretches(ground) {
        let phases: Vec<usize> = s
            .phases
            .iter()
            .copied()
            .filter(|&p| ground.in_track(p))
            .collect();
        let in_stage = |item: &&Item| {
            ground
                .phase_index(&item.phase)
                .is_some_and(|p| phases.contains(&p))
        };
        let measured: Vec<(&Item, Status)> = roadmap
            .items
            .iter()
            .filter(in_stage)
            .filter_map(|i| ground.status(&i.id).map(|s| (i, s)))
            .filter(|(_, s)| matches!(s, Status::Met | Status::Partial | Status::Missing))
            .collect();
        let open: Vec<&Item> = measured
            .iter()
            .filter(|(_, s)| *s != Status::Met)
            .map(|(i, _)| *i)
            .collect();
        if open.is_empty() {
            continue;
        }
        let left: f64 = measured
            .iter()
            .map(|(_, s)| match s {
                Status::Missing => 1.0,
                Status::Partial => 0.5,
                _ => 0.0,
            })
            .sum();
        let seed_hours = s
            .seed
            .and_then(|st| st.hours_per_week)
            .map(|(a, b)| f64::from(a + b) / 2.0);
        let hours = match s.seed {
            Some(st) => {
                let whole = st.duration.mid_weeks()
                    * seed_hours.unwrap_or(f64::from(DEFAULT_HOURS_PER_WEEK));
                whole * left / measured.len() as f64
            }
            None => left * HOURS_PER_ITEM,
        };
        let pace = ground
            .options
            .hours_per_week
            .map(f64::from)
            .or(seed_hours)
            .unwrap_or(f64::from(DEFAULT_HOURS_PER_WEEK));
        let weeks = ((hours / pace).ceil() as u32).max(1);
        let seed_duration = s.seed.map(|st| match st.hours_per_week {
            Some((a, b)) => format!(
                "{} at {} a week",
                st.duration.text(),
                range_text(a, b, "hours")
            ),
            None => st.duration.text(),
        });
        stages.push(PathStage {
            id: s.id,
            title: s.title,
            phases: phases
                .iter()
                .map(|&p| roadmap.phases[p].id.clone())
                .collect(),
            first_week: week + 1,
            last_week: week + weeks,
            weeks,
            hours: hours.round() as u32,
            hours_per_week: pace,
            basis: if s.seed.is_some() { "seed" } else { "estimate" }.to_string(),
            seed_duration,
            items: open.iter().map(|i| ground.plan_item(i)).collect(),
            projects: picks
                .iter()
                .filter(|p| phases.contains(&p.phase))
                .map(|p| ProjectRef {
                    roadmap: p.idea.roadmap.name.clone(),
                    id: p.idea.item.id.clone(),
                    title: p.idea.item.title.clone(),
                })
                .collect(),
        });
        week += weeks;
    }
    let listed = |wanted: &dyn Fn(Status, bool) -> bool| -> Vec<PlanItem> {
        roadmap
            .items
            .iter()
            .filter(|i| {
                ground.phase_index(&i.phase).is_some_and(|p| {
                    ground.in_track(p)
                        && ground
                            .status(&i.id)
                            .is_some_and(|s| wanted(s, ground.ongoing(p)))
                })
            })
            .map(|i| ground.plan_item(i))
            .collect()
    };
    PlanPath {
        stages,
        weeks: week,
        alongside: listed(&|s, ongoing| ongoing && matches!(s, Status::Partial | Status::Missing)),
        self_report: listed(&|s, _| s == Status::SelfReport),
    }
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
    let ideas = ideas(&ground, pool);
    let gaps = ground.gaps();
    let picks = pick(&ground, &ideas, &gaps, &levels, &ignored);
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
            .map(|p| project_plan(&ground, p, &levels))
            .collect(),
        milestones: milestones(&ground, pool, report),
        path: path(&ground, &picks),
    }
}
