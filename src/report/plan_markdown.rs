//! The plan as Markdown, for an issue or a pull-request comment: the next
//! projects with their briefs and checklists, the milestones as a table,
//! the path as a table of weeks. Text the roadmaps' authors wrote keeps its
//! Markdown (`authored::markdown`); everything from a scanned repository
//! (repository names, paths in evidence) is escaped.

use super::authored::markdown as authored;
use super::markdown::{escape, mark};
use super::plan::{
    count, first_place, milestone_facts, project_facts, settings, stage_basis, stage_weeks,
};
use crate::model::plan::{Plan, PlanItem};
use crate::model::Status;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Items as one line: `🟡 title; ❌ title`.
fn items(list: &[PlanItem]) -> String {
    list.iter()
        .map(|i| format!("{} {}", mark(i.status), authored(&i.title, false, true)))
        .collect::<Vec<_>>()
        .join("<br>")
}

pub fn render(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let mut md = String::new();
    let repos = match plan.repos.as_slice() {
        [one] => escape(one),
        all => count(all.len(), "repository", "repositories"),
    };
    let _ = writeln!(
        md,
        "## Plan for {repos} against `{}` ({}): checklist score {}/100\n",
        plan.roadmap.replace('`', "'"),
        escape(&plan.roadmap_title),
        plan.score
    );
    let _ = writeln!(md, "{}\n", escape(&settings(plan)));

    let _ = writeln!(
        md,
        "### Next projects\n\nBest first; each closes gaps the ones above it leave open.\n"
    );
    if plan.next_projects.is_empty() {
        let _ = writeln!(md, "No project idea closes an open gap.\n");
    }
    for (n, p) in plan.next_projects.iter().enumerate() {
        let _ = writeln!(md, "#### {}. {}\n", n + 1, authored(&p.title, false, false));
        let _ = writeln!(md, "*{}*\n", escape(&project_facts(p)));
        let _ = writeln!(md, "{}\n", authored(&p.scope, true, false));
        let closes: Vec<String> = p
            .closes
            .iter()
            .map(|i| authored(&i.title, false, false))
            .collect();
        let _ = writeln!(
            md,
            "**Closes {}:** {}\n",
            count(closes.len(), "gap", "gaps"),
            closes.join("; ")
        );
        let _ = writeln!(md, "Acceptance checks (what the audit will show):\n");
        for c in &p.checks {
            let need = c.needs();
            let _ = writeln!(
                md,
                "- [{}] {} — `{}` (now level {})",
                if c.done() { "x" } else { " " },
                authored(&c.text, true, false),
                need,
                c.current
            );
        }
        if !p.exercises.is_empty() {
            let _ = writeln!(
                md,
                "\nBeyond its requirements it exercises {}.",
                p.exercises
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = writeln!(md);
    }

    if !plan.milestones.is_empty() {
        let _ = writeln!(
            md,
            "### Milestones\n\n| | Milestone | Where | Evidence or what is missing |\n|---|---|---|---|"
        );
        for m in &plan.milestones {
            let detail: Vec<String> = m
                .items
                .iter()
                .map(|i| {
                    let at = match (i.status, first_place(&i.evidence)) {
                        (Status::Met, Some(place)) => format!("`{}`", escape(&place)),
                        _ => escape(&i.reason),
                    };
                    if m.items.len() == 1 {
                        at
                    } else {
                        format!(
                            "{} {}: {at}",
                            mark(i.status),
                            authored(&i.title, false, true)
                        )
                    }
                })
                .collect();
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                mark(m.status),
                authored(&m.title, false, true),
                escape(&milestone_facts(m)),
                detail.join("<br>")
            );
        }
        let _ = writeln!(md);
    }

    let path = &plan.path;
    let _ = writeln!(
        md,
        "### Path, week by week ({})\n\n| Weeks | Stage | Build | Open items |\n|---|---|---|---|",
        count(path.weeks as usize, "week", "weeks")
    );
    for s in &path.stages {
        let build: Vec<String> = s
            .projects
            .iter()
            .map(|p| authored(&p.title, false, true))
            .collect();
        let _ = writeln!(
            md,
            "| {} | **{}**<br>{} | {} | {} |",
            escape(&stage_weeks(s)),
            authored(&s.title, false, true),
            escape(&stage_basis(plan, s)),
            build.join("<br>"),
            items(&s.items)
        );
    }
    if !path.alongside.is_empty() {
        let _ = writeln!(
            md,
            "\n**Alongside the phases** (no weeks of their own): {}",
            items(&path.alongside).replace("<br>", "; ")
        );
    }
    if !path.self_report.is_empty() {
        let _ = writeln!(
            md,
            "\n**Self-report**, not measured and not scheduled (record what you did in `portfolio-audit.toml`): {}",
            items(&path.self_report).replace("<br>", "; ")
        );
    }
    out.write_all(md.as_bytes())
}
