//! A roadmap against a portfolio: each item's status, evidence and next step.

use super::config::{Config, Said};
use super::{Item, Requirement, Roadmap};
use crate::model::{Catalog, Evidence, RepoReport};
use crate::model::{Checklist, ChecklistItem, IgnoredItem, ItemEvidence, PhaseProgress, Status};
use std::collections::BTreeMap;

/// Next steps name at most this many unmet requirements, so each stays one action.
const STEPS_PER_ITEM: usize = 2;

/// A competency's best level over the audited repositories, and where it shows.
struct Best<'a> {
    level: u8,
    repo: &'a str,
    evidence: Option<&'a Evidence>,
}

fn best_levels<'a>(repos: &[&'a RepoReport]) -> BTreeMap<&'a str, Best<'a>> {
    let mut best: BTreeMap<&str, Best> = BTreeMap::new();
    for r in repos.iter().filter(|r| r.error.is_none()) {
        for c in &r.competencies {
            let better = best.get(c.id.as_str()).is_none_or(|b| c.level > b.level);
            if better {
                best.insert(
                    &c.id,
                    Best {
                        level: c.level,
                        repo: &r.name,
                        evidence: c.evidence.first(),
                    },
                );
            }
        }
    }
    best
}

fn score(met: u32, partial: u32, measurable: u32) -> u32 {
    if measurable == 0 {
        0
    } else {
        ((f64::from(met) + f64::from(partial) / 2.0) * 100.0 / f64::from(measurable)).round() as u32
    }
}

/// Evaluates a roadmap over audited repositories, with the learner's project file.
pub fn evaluate(
    roadmap: &Roadmap,
    repos: &[RepoReport],
    catalog: &Catalog,
    config: &Config,
) -> Checklist {
    evaluate_over(roadmap, &repos.iter().collect::<Vec<_>>(), catalog, config)
}

/// [`evaluate`] over some of the repositories (one student's, in a cohort).
pub fn evaluate_over(
    roadmap: &Roadmap,
    repos: &[&RepoReport],
    catalog: &Catalog,
    config: &Config,
) -> Checklist {
    let best = best_levels(repos);
    let level = |r: &Requirement| best.get(r.id.as_str()).map_or(0, |b| b.level);
    let mut items = Vec::new();
    let mut ignored = Vec::new();
    for item in &roadmap.items {
        let requires = item.requirement_list();
        let mut out = ChecklistItem {
            id: item.id.clone(),
            title: item.title.clone(),
            phase: item.phase.clone(),
            status: Status::SelfReport,
            requires,
            next_step: String::new(),
            reason: String::new(),
            evidence: Vec::new(),
            claim: None,
        };
        if item.self_report {
            out.reason = "no repository can show this; record it in portfolio-audit.toml".into();
            out.claim = config
                .self_reported(&roadmap.name, &item.id)
                .map(|s| s.note.clone());
            items.push(out);
            continue;
        }
        let active = |list: &[Requirement]| -> Vec<Requirement> {
            list.iter()
                .filter(|r| !config.ignore.contains_key(&r.id))
                .cloned()
                .collect()
        };
        let reqs = active(&item.requires);
        let anys = active(&item.any);
        if let Some(gone) = ignored_by(item, &config.ignore) {
            ignored.push(gone);
            out.status = Status::NotApplicable;
            let reasons: Vec<String> = item
                .requires
                .iter()
                .chain(&item.any)
                .filter_map(|r| {
                    config
                        .ignore
                        .get(&r.id)
                        .map(|why| format!("{} ignored: {}", r.id, why.note))
                })
                .collect();
            out.reason = reasons.join("; ");
            items.push(out);
            continue;
        }
        let holds = |r: &Requirement| level(r) >= r.level;
        let all_ok = reqs.iter().all(holds);
        let any_ok = anys.is_empty() || anys.iter().any(holds);
        let seen = reqs.iter().chain(&anys).any(|r| level(r) > 0);
        out.status = if all_ok && any_ok {
            Status::Met
        } else if seen {
            Status::Partial
        } else {
            Status::Missing
        };
        out.reason = reqs
            .iter()
            .chain(&anys)
            .map(|r| {
                if holds(r) {
                    format!("{} level {} (needs {})", r.id, level(r), r.level)
                } else {
                    format!("{} level {}, needs {}", r.id, level(r), r.level)
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        for r in reqs.iter().chain(&anys).filter(|r| holds(r)) {
            if let Some(b) = best.get(r.id.as_str()) {
                if let Some(e) = b.evidence {
                    out.evidence.push(ItemEvidence {
                        competency: r.id.clone(),
                        level: b.level,
                        repo: b.repo.to_string(),
                        path: e.path.clone(),
                        line: e.line,
                        cell: e.cell,
                        url: e.url.clone(),
                    });
                }
            }
        }
        if out.status != Status::Met {
            let mut unmet: Vec<&Requirement> = reqs.iter().filter(|r| !holds(r)).collect();
            if !any_ok {
                // The closest of the alternatives: the one already seen, else the first.
                if let Some(a) = anys
                    .iter()
                    .max_by_key(|r| (level(r), std::cmp::Reverse(r.id.clone())))
                {
                    unmet.push(a);
                }
            }
            let phase = roadmap.phase_title(&item.phase);
            out.next_step = match &item.next_step {
                Some(s) => format!("{phase}: {s}"),
                None => {
                    let steps: Vec<String> = unmet
                        .iter()
                        .take(STEPS_PER_ITEM)
                        .map(|r| {
                            let advice = catalog.advice(&r.id);
                            format!(
                                "{advice} ({} is at level {}, needs {})",
                                r.id,
                                level(r),
                                r.level
                            )
                        })
                        .collect();
                    format!("{phase}: {}", steps.join(" Then: "))
                }
            };
            let claimed: Vec<String> = unmet
                .iter()
                .filter_map(|r| {
                    config
                        .claims
                        .get(&r.id)
                        .map(|n| format!("{}: {}", r.id, n.note))
                })
                .collect();
            if !claimed.is_empty() {
                out.claim = Some(claimed.join("; "));
            }
        }
        items.push(out);
    }
    let count =
        |items: &[&ChecklistItem], s: Status| items.iter().filter(|i| i.status == s).count() as u32;
    let all: Vec<&ChecklistItem> = items.iter().collect();
    let (met, partial, missing) = (
        count(&all, Status::Met),
        count(&all, Status::Partial),
        count(&all, Status::Missing),
    );
    let measurable = met + partial + missing;
    let phases = roadmap
        .phases
        .iter()
        .map(|p| {
            let in_phase: Vec<&ChecklistItem> = items.iter().filter(|i| i.phase == p.id).collect();
            let (m, pa, mi) = (
                count(&in_phase, Status::Met),
                count(&in_phase, Status::Partial),
                count(&in_phase, Status::Missing),
            );
            PhaseProgress {
                id: p.id.clone(),
                title: p.title.clone(),
                met: m,
                partial: pa,
                missing: mi,
                self_report: count(&in_phase, Status::SelfReport),
                score: score(m, pa, m + pa + mi),
            }
        })
        .collect();
    Checklist {
        score: score(met, partial, measurable),
        measurable,
        items,
        phases,
        ignored,
        measured_score: None,
        ignore_requests: Vec::new(),
    }
}

/// The item as an ignore list takes it out of the score: when it requires
/// nothing the list does not ignore. Named by the file of its first ignore.
pub fn ignored_by(item: &Item, ignore: &BTreeMap<String, Said>) -> Option<IgnoredItem> {
    if item.self_report {
        return None;
    }
    let all: Vec<&Requirement> = item.requires.iter().chain(&item.any).collect();
    if all.is_empty() || !all.iter().all(|r| ignore.contains_key(&r.id)) {
        return None;
    }
    let mut competencies: Vec<String> = all.iter().map(|r| r.id.clone()).collect();
    competencies.dedup();
    let source = ignore.get(&all[0].id).map(|s| s.source.clone())?;
    Some(IgnoredItem {
        id: item.id.clone(),
        competencies,
        source,
    })
}

/// The items of a roadmap an ignore list would take out of the score.
pub fn ignored_items(roadmap: &Roadmap, ignore: &BTreeMap<String, Said>) -> Vec<IgnoredItem> {
    roadmap
        .items
        .iter()
        .filter_map(|i| ignored_by(i, ignore))
        .collect()
}
