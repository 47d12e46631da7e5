//! The terminal report: per repository, each area with its competencies'
//! levels and the strongest evidence, then the findings.

use super::model::{RepoReport, Report};
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
    match e.cell {
        Some(cell) => format!("{repo}/{} cell {cell}:{}", e.path, e.line),
        None => format!("{repo}/{}:{}", e.path, e.line),
    }
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
            if v.fract() == 0.0 {
                format!("{k} {v}")
            } else {
                format!("{k} {:.0}%", v * 100.0)
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
    let width = r.competencies.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for area in areas(&r.competencies) {
        let in_area: Vec<&CompetencyLevel> =
            r.competencies.iter().filter(|c| c.area == area).collect();
        let shown: Vec<&&CompetencyLevel> = in_area.iter().filter(|c| c.level > 0).collect();
        writeln!(out, "  {area}: {} of {} seen", shown.len(), in_area.len())?;
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
            let at = match f.cell {
                Some(c) => format!("{}/{} cell {c}:{}", r.name, f.path, f.line),
                None => format!("{}/{}:{}", r.name, f.path, f.line),
            };
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

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
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
