//! Renderers of a [`Plan`]: text for the terminal ([`super::plan_text`]),
//! Markdown for an issue or a pull-request comment
//! ([`super::plan_markdown`]) and its JSON document ([`render_json`]). What
//! they share is here: how a plan's facts read in words. They format; the
//! plan was computed by the roadmap stage.

use crate::model::plan::{MilestoneStatus, PathStage, Plan};
use crate::model::ItemEvidence;
use std::io::{self, Write};

/// The JSON document (`schema_version` 1), pretty-printed.
pub fn render_json(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    super::json::render(plan, out)
}

/// `n` and the noun, pluralised.
pub fn count(n: usize, one: &str, many: &str) -> String {
    super::summary::count(n, one, many)
}

/// The plan's first line: what it was drawn from.
pub fn headline(plan: &Plan) -> String {
    let repos = match plan.repos.as_slice() {
        [one] => one.clone(),
        all => count(all.len(), "repository", "repositories"),
    };
    format!(
        "Plan for {repos} against `{}` ({}): checklist score {}/100",
        plan.roadmap, plan.roadmap_title, plan.score
    )
}

/// Where the plan stands and how it was asked: phase, track, pace.
pub fn settings(plan: &Plan) -> String {
    let phase = match &plan.current_phase {
        Some(p) => format!("current phase: {}", p.title),
        None => "every measurable item in reach is met".to_string(),
    };
    let track = match &plan.track {
        Some(t) => format!("track: {t}"),
        None => "all tracks".to_string(),
    };
    let pace = match plan.hours_per_week {
        Some(h) => format!("{h} hours a week"),
        None => "each stage at the hours a week its seed gives (else 15)".to_string(),
    };
    format!("{phase} · {track} · pace: {pace}")
}

/// Where a project idea comes from: `seed 002_5523af28420022c7.txt (backend-and-ai)`.
pub fn origin(roadmap: &str, seed: Option<&str>) -> String {
    match seed {
        Some(s) => format!("seed {s} ({roadmap})"),
        None => format!("roadmap {roadmap}"),
    }
}

/// The facts of a project after its title: phase, level, duration.
pub fn project_facts(p: &crate::model::plan::ProjectPlan) -> String {
    let mut facts = vec![p.phase.title.clone()];
    if let Some(l) = &p.level {
        facts.push(l.clone());
    }
    if let Some(d) = &p.duration {
        facts.push(format!("about {d} (seed)"));
    }
    facts.push(origin(&p.roadmap, p.seed.as_deref()));
    facts.join(" · ")
}

/// A stage's weeks and how they were reckoned.
pub fn stage_weeks(s: &PathStage) -> String {
    if s.first_week == s.last_week {
        format!("Week {}", s.first_week)
    } else {
        format!("Weeks {}–{}", s.first_week, s.last_week)
    }
}

/// `about 24 h at 15 h a week; the seed gives 4–6 weeks at 15–20 hours a
/// week for all of it`, or the estimate per item the plan used.
pub fn stage_basis(plan: &Plan, s: &PathStage) -> String {
    let items = count(s.items.len(), "open item", "open items");
    let pace = format!("{} h at {} h a week", s.hours, hours(s.hours_per_week));
    match &s.seed_duration {
        Some(d) => format!("{items}, about {pace}; the seed gives {d} for all of it"),
        None => format!(
            "{items}, about {pace} (estimate: {} h an open item)",
            hours(plan.hours_per_item)
        ),
    }
}

/// Hours as people write them: `15`, `17.5`.
pub fn hours(h: f64) -> String {
    if h.fract() == 0.0 {
        format!("{h:.0}")
    } else {
        format!("{h:.1}")
    }
}

/// A milestone's origin and phase: `phased-professional · Phase 1: ...`.
pub fn milestone_facts(m: &MilestoneStatus) -> String {
    format!("{} · {}", m.phase, origin(&m.roadmap, m.seed.as_deref()))
}

/// The first place an item's evidence shows.
pub fn first_place(evidence: &[ItemEvidence]) -> Option<String> {
    evidence
        .first()
        .map(|e| super::location(&e.repo, &e.path, e.cell, e.line))
}
