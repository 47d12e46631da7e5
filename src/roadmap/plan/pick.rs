//! Which projects to build, in order: the ideas a plan draws on, each
//! tried on top of the levels so far, and the briefs of those picked.
//!
//! Projects are picked one after another: each time, the open gaps (partial
//! and missing items, within the track) decide the current phase, the first
//! with a gap; every idea not yet built is tried on top of the levels so
//! far, and the one that closes gaps earliest in the roadmap wins: its
//! phase (never earlier than the current one), then the earliest phase it
//! closes gaps in and how many it closes there, then in all, then its level
//! and its order in the data. Its competencies are then taken as shown and
//! the next is picked, so each project closes what the ones before it leave.
//!
//! The idea's own phase comes first so that the plan follows the order the
//! roadmap teaches: a later phase's project that happens to close more of
//! today's gaps (a capstone touches everything) waits for its phase.

use super::data::Project;
use super::{Gap, Ground};
use crate::model::plan::{PlanCheck, ProjectPlan};
use crate::roadmap::{Item, Requirement, Roadmap};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

/// Competency levels by id.
pub(super) type Levels = BTreeMap<String, u8>;

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
pub(super) struct Idea<'a> {
    pub(super) roadmap: &'a Roadmap,
    pub(super) item: &'a Item,
    project: &'a Project,
    /// Its phase's index in the plan's roadmap; `None`: it meets none of
    /// its items alone, and takes the phase of what it closes.
    home: Option<usize>,
}

/// A project the plan picked, with the gaps it closes and its phase.
pub(super) struct Pick<'a> {
    pub(super) idea: &'a Idea<'a>,
    closes: Vec<&'a Item>,
    pub(super) phase: usize,
}

/// The project ideas a plan draws on: the roadmap's own, or, when it has
/// none, those of every other built-in roadmap, in name order.
pub(super) fn ideas<'a>(ground: &Ground<'a>, pool: &'a [Roadmap]) -> Vec<Idea<'a>> {
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
pub(super) fn pick<'a>(
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

pub(super) fn project_plan(ground: &Ground, pick: &Pick, levels: &Levels) -> ProjectPlan {
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
