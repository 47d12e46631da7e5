//! The terminal report: per repository, each area with its competencies'
//! levels and the strongest evidence, then the findings.

use super::model::{RepoReport, Report};
use super::{authorship_line, location};
use crate::roadmap::{ItemEvidence, Status};
use crate::rules::area_title;
use crate::rules::levels::{CompetencyLevel, Evidence};
use std::io::{self, Write};

fn bar(level: u8) -> &'static str {
    match level {
        0 => "○○○",
        1 => "●○○",
        2 => "●●○",
        _ => "●●●",
    }
}

fn place(repo: &str, e: &Evidence) -> String {
    location(repo, &e.path, e.cell, e.line)
}

/// Areas in the order the report shows them: rule order of first appearance.
fn areas(comps: &[CompetencyLevel]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for c in comps {
        if !out.contains(&c.area.as_str()) {
            out.push(&c.area);
        }
    }
    out
}

fn metric_text(c: &CompetencyLevel) -> String {
    let parts: Vec<String> = c
        .metrics
        .iter()
        .map(|(k, v)| {
            // Ratios (coverage, shares) are 0..1 and read best as percentages.
            if k.ends_with("_coverage") || k.ends_with("_ratio") {
                format!("{k} {:.0}%", v * 100.0)
            } else {
                format!("{k} {v}")
            }
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" [{}]", parts.join(", "))
    }
}

fn render_repo(r: &RepoReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{} ({})", r.name, r.source)?;
    if let Some(err) = &r.error {
        writeln!(out, "  not audited: {err}")?;
        return writeln!(out);
    }
    let s = &r.stats;
    let mut line = format!(
        "  {} files, {} Python ({} lines)",
        s.files, s.python_files, s.lines
    );
    if s.notebooks > 0 {
        line.push_str(&format!(", {} notebooks", s.notebooks));
    }
    if let Some(h) = &r.history {
        line.push_str(&format!(
            ", {} commits over {} days",
            h.commits, h.active_days
        ));
    }
    writeln!(out, "{line}")?;
    if let Some(a) = &r.authorship {
        writeln!(out, "  {}", authorship_line(a))?;
    }
    for f in &r.flags {
        writeln!(out, "  ⚑ {}: {}", f.id, f.reason)?;
    }
    let width = r.competencies.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for area in areas(&r.competencies) {
        let in_area: Vec<&CompetencyLevel> =
            r.competencies.iter().filter(|c| c.area == area).collect();
        let shown: Vec<&&CompetencyLevel> = in_area.iter().filter(|c| c.level > 0).collect();
        writeln!(
            out,
            "  {}: {} of {} seen",
            area_title(area),
            shown.len(),
            in_area.len()
        )?;
        for c in shown {
            let evidence = c
                .evidence
                .first()
                .map(|e| format!("{}  {}", place(&r.name, e), e.detail))
                .unwrap_or_default();
            writeln!(
                out,
                "    {} {:width$}  {}{}",
                bar(c.level),
                c.id,
                evidence,
                metric_text(c)
            )?;
        }
        let missing: Vec<&str> = in_area
            .iter()
            .filter(|c| c.level == 0)
            .map(|c| c.id.as_str())
            .collect();
        if !missing.is_empty() {
            writeln!(out, "    not seen: {}", missing.join(", "))?;
        }
    }
    if !r.findings.is_empty() {
        writeln!(out, "  findings ({})", r.findings.len())?;
        for f in &r.findings {
            let at = location(&r.name, &f.path, f.cell, f.line);
            writeln!(out, "    {:24} {at}  {}", f.id, f.message)?;
        }
    }
    if !r.notes.is_empty() {
        writeln!(out, "  notes ({})", r.notes.len())?;
        for n in &r.notes {
            writeln!(out, "    {}: {}", n.path, n.message)?;
        }
    }
    writeln!(out)
}

fn progress_bar(score: u32) -> String {
    let filled = (score as usize + 5) / 10;
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled.min(10)))
}

fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Met => "✔",
        Status::Partial => "◐",
        Status::Missing => "✘",
        Status::SelfReport => "?",
        Status::NotApplicable => "–",
    }
}

fn item_place(e: &ItemEvidence) -> String {
    location(&e.repo, &e.path, e.cell, e.line)
}

fn render_checklist(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let Some(roadmap) = &report.roadmap else {
        return Ok(());
    };
    let c = &report.portfolio.checklist;
    let count = |s: Status| c.items.iter().filter(|i| i.status == s).count();
    let audited = report.repos.iter().filter(|r| r.error.is_none()).count();
    writeln!(
        out,
        "Checklist `{roadmap}` over {audited} {}: score {}/100 ({} met, {} partial, {} missing of {} measurable; {} self-report)",
        if audited == 1 { "repository" } else { "repositories" },
        c.score,
        count(Status::Met),
        count(Status::Partial),
        count(Status::Missing),
        c.measurable,
        count(Status::SelfReport),
    )?;
    let width = c
        .phases
        .iter()
        .map(|p| p.title.chars().count())
        .max()
        .unwrap_or(0);
    for p in &c.phases {
        let measured = p.met + p.partial + p.missing;
        if measured == 0 {
            writeln!(
                out,
                "  {:width$}  (self-report only: {})",
                p.title, p.self_report
            )?;
        } else {
            writeln!(
                out,
                "  {:width$}  {} {:3}%  {}/{} met",
                p.title,
                progress_bar(p.score),
                p.score,
                p.met,
                measured
            )?;
        }
    }
    let gaps: Vec<_> = c
        .items
        .iter()
        .filter(|i| matches!(i.status, Status::Partial | Status::Missing))
        .collect();
    if !gaps.is_empty() {
        writeln!(out, "\nGaps, in roadmap order ({})", gaps.len())?;
        for i in gaps {
            writeln!(
                out,
                "  {} {}  [{}]",
                status_mark(i.status),
                i.title,
                i.reason
            )?;
            writeln!(out, "      next: {}", i.next_step)?;
            if let Some(claim) = &i.claim {
                writeln!(out, "      claimed (not measured): {claim}")?;
            }
        }
    }
    let met: Vec<_> = c.items.iter().filter(|i| i.status == Status::Met).collect();
    if !met.is_empty() {
        writeln!(out, "\nMet ({})", met.len())?;
        for i in met {
            let shown = i.evidence.first().map(item_place).unwrap_or_default();
            writeln!(out, "  {} {}  {shown}", status_mark(i.status), i.title)?;
        }
    }
    let self_report: Vec<_> = c
        .items
        .iter()
        .filter(|i| i.status == Status::SelfReport)
        .collect();
    if !self_report.is_empty() {
        let recorded = self_report.iter().filter(|i| i.claim.is_some()).count();
        writeln!(
            out,
            "\nSelf-report, not measured ({}; {recorded} recorded in portfolio-audit.toml)",
            self_report.len()
        )?;
        for i in self_report {
            match &i.claim {
                Some(note) => writeln!(out, "  ? {}  (you: {note})", i.title)?,
                None => writeln!(out, "  ? {}", i.title)?,
            }
        }
    }
    let na: Vec<_> = c
        .items
        .iter()
        .filter(|i| i.status == Status::NotApplicable)
        .collect();
    for i in na {
        writeln!(out, "  – {}  ({})", i.title, i.reason)?;
    }
    writeln!(out)
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    render_checklist(report, out)?;
    for r in &report.repos {
        render_repo(r, out)?;
    }
    let audited = report.repos.iter().filter(|r| r.error.is_none()).count();
    if report.repos.len() > 1 {
        let comps = &report.portfolio.competencies;
        let seen = comps.iter().filter(|c| c.level > 0).count();
        writeln!(
            out,
            "Portfolio: {audited} repositories, {seen} of {} competencies seen",
            comps.len()
        )?;
        for level in (1..=3).rev() {
            let ids: Vec<&str> = comps
                .iter()
                .filter(|c| c.level == level)
                .map(|c| c.id.as_str())
                .collect();
            if !ids.is_empty() {
                writeln!(out, "  {} {}", bar(level), ids.join(", "))?;
            }
        }
    }
    Ok(())
}
