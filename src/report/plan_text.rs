//! The plan for the terminal: the next projects with their briefs, the
//! milestones, then the path week by week. Lines are wrapped to `width`.

use super::authored::plain;
use super::plan::{
    count, first_place, headline, milestone_facts, project_facts, settings, stage_basis,
    stage_weeks,
};
use super::status_mark;
use super::summary::wrap;
use super::text::{paint, Palette};
use crate::model::plan::{Plan, PlanItem};
use crate::model::Status;
use std::io::{self, Write};

/// Items listed per stage before "and N more".
const ITEMS_SHOWN: usize = 6;

/// Writes `text` wrapped to `width`, every line after `indent`.
fn para(out: &mut dyn Write, indent: &str, text: &str, width: usize) -> io::Result<()> {
    for line in wrap(text, width.saturating_sub(indent.len()).max(20)) {
        writeln!(out, "{indent}{}", line.trim_end())?;
    }
    Ok(())
}

fn item_line(p: &Palette, i: &PlanItem) -> String {
    paint(
        p.status(i.status),
        format!("{} {}", status_mark(i.status), i.title),
    )
}

pub fn render(plan: &Plan, out: &mut dyn Write, p: &Palette, width: usize) -> io::Result<()> {
    writeln!(out, "{}", paint(p.heading, headline(plan)))?;
    para(out, "", &settings(plan), width)?;

    writeln!(
        out,
        "\n{}  best first; each closes gaps the ones above it leave open",
        paint(p.heading, "Next projects")
    )?;
    if plan.next_projects.is_empty() {
        writeln!(
            out,
            "  No project idea closes an open gap{}.",
            if plan.current_phase.is_none() {
                ": the checklist is met within reach"
            } else {
                ""
            }
        )?;
    }
    for (n, pr) in plan.next_projects.iter().enumerate() {
        writeln!(out, "\n  {}. {}", n + 1, paint(p.heading, &pr.title))?;
        para(out, "     ", &project_facts(pr), width)?;
        let closes: Vec<String> = pr.closes.iter().map(|i| i.title.clone()).collect();
        para(
            out,
            "     ",
            &format!(
                "Closes {}: {}",
                count(closes.len(), "gap", "gaps"),
                closes.join("; ")
            ),
            width,
        )?;
        para(out, "     ", &format!("Scope: {}", plain(&pr.scope)), width)?;
        writeln!(out, "     Acceptance checks (what the audit will show):")?;
        for c in &pr.checks {
            let (mark, style) = if c.done() {
                ("✔", p.met)
            } else {
                ("☐", p.missing)
            };
            let need = c.needs();
            let head = format!("{} {need} (now {}): ", paint(style, mark), c.current);
            let text = format!("{head}{}", plain(&c.text));
            para(out, "       ", &text, width)?;
        }
        if !pr.exercises.is_empty() {
            para(
                out,
                "     ",
                &format!(
                    "Beyond its requirements it exercises {}",
                    pr.exercises.join(", ")
                ),
                width,
            )?;
        }
    }

    if !plan.milestones.is_empty() {
        writeln!(out, "\n{}", paint(p.heading, "Milestones"))?;
        for m in &plan.milestones {
            writeln!(
                out,
                "  {}  {}",
                paint(p.status(m.status), status_mark(m.status)),
                m.title
            )?;
            para(out, "       ", &milestone_facts(m), width)?;
            for i in &m.items {
                let at = match (i.status, first_place(&i.evidence)) {
                    (Status::Met, Some(place)) => place,
                    _ => i.reason.clone(),
                };
                let line = if m.items.len() == 1 {
                    at
                } else {
                    format!("{} {}: {at}", status_mark(i.status), i.title)
                };
                para(out, "       ", &line, width)?;
            }
        }
    }

    let path = &plan.path;
    writeln!(
        out,
        "\n{}",
        paint(
            p.heading,
            format!(
                "Path, week by week ({})",
                count(path.weeks as usize, "week", "weeks")
            )
        )
    )?;
    for s in &path.stages {
        writeln!(
            out,
            "  {:12} {}",
            stage_weeks(s),
            paint(p.heading, &s.title)
        )?;
        para(out, "               ", &stage_basis(plan, s), width)?;
        for pr in &s.projects {
            para(
                out,
                "               ",
                &format!("build: {}", pr.title),
                width,
            )?;
        }
        for i in s.items.iter().take(ITEMS_SHOWN) {
            writeln!(out, "               {}", item_line(p, i))?;
        }
        if s.items.len() > ITEMS_SHOWN {
            writeln!(
                out,
                "               and {} more",
                s.items.len() - ITEMS_SHOWN
            )?;
        }
    }
    let lists = [
        (
            &path.alongside,
            "Alongside the phases ({}, no weeks of their own):",
        ),
        (
            &path.self_report,
            "Self-report ({}): not measured and not scheduled; record what you did in portfolio-audit.toml",
        ),
    ];
    for (items, head) in lists {
        if items.is_empty() {
            continue;
        }
        writeln!(out, "  {}", head.replace("{}", &items.len().to_string()))?;
        for i in items {
            writeln!(out, "               {}", item_line(p, i))?;
        }
    }
    Ok(())
}
