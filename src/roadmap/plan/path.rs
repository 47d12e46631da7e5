//! The path, week by week: stretches of phases in roadmap order, each given
//! the seed's weeks for the work left, or an estimate per open item.

use super::data::{self, range_text};
use super::pick::Pick;
use super::{Ground, DEFAULT_HOURS_PER_WEEK, HOURS_PER_ITEM};
use crate::model::plan::{PathStage, PlanItem, PlanPath, ProjectRef};
use crate::model::Status;
use crate::roadmap::Item;

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

pub(super) fn path(ground: &Ground, picks: &[Pick]) -> PlanPath {
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
