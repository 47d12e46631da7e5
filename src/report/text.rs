//! The terminal report: per repository, each area with its competencies'
//! levels and the strongest evidence, then the findings.
//!
//! Colour is a [`Palette`]: [`render`] writes none, [`render_with`] the
//! palette the command line chose (`--color`, `NO_COLOR`, a terminal).

use super::{
    areas, authorship_line, blame_line, config_note, ignored_commit_lines, metrics_text,
    not_counted_entry, not_counted_line, statements_line, status_mark, Grade, Places,
};
use crate::model::area_title;
use crate::model::{CompetencyLevel, Evidence};
use crate::model::{ItemEvidence, Status};
use crate::model::{RepoReport, Report};
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

/// Entries of a repository's not-counted list shown before "N more".
const NOT_COUNTED_SHOWN: usize = 10;

/// Styles of the terminal report; [`Palette::PLAIN`] writes no escape codes.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub heading: Style,
    pub met: Style,
    pub partial: Style,
    pub missing: Style,
    /// Secondary text: locations, what was not seen.
    pub dim: Style,
}

impl Palette {
    pub const PLAIN: Palette = Palette {
        heading: Style::new(),
        met: Style::new(),
        partial: Style::new(),
        missing: Style::new(),
        dim: Style::new(),
    };
    /// Modest ANSI colours: bold headings, green/yellow/red for met/partial/missing.
    pub const ANSI: Palette = Palette {
        heading: Style::new().bold(),
        met: AnsiColor::Green.on_default(),
        partial: AnsiColor::Yellow.on_default(),
        missing: AnsiColor::Red.on_default(),
        dim: Style::new().dimmed(),
    };

    pub(crate) fn status(&self, s: Status) -> Style {
        match s {
            Status::Met => self.met,
            Status::Partial => self.partial,
            Status::Missing => self.missing,
            Status::SelfReport | Status::NotApplicable => self.dim,
        }
    }

    /// A competency level: 3 reads as met, 1-2 as on the way.
    fn level(&self, level: u8) -> Style {
        match level {
            0 => self.dim,
            1 | 2 => self.partial,
            _ => self.met,
        }
    }

    /// A score out of 100, coloured as the badge is.
    pub(crate) fn score(&self, score: u32) -> Style {
        match Grade::of(score) {
            Grade::Good => self.met,
            Grade::Fair => self.partial,
            Grade::Low => self.missing,
        }
    }
}

/// `text` in `style` (nothing added for a plain style).
pub(crate) fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

fn bar(level: u8) -> &'static str {
    match level {
        0 => "○○○",
        1 => "●○○",
        2 => "●●○",
        _ => "●●●",
    }
}

fn place(places: &Places, repo: &str, e: &Evidence) -> String {
    places.name(repo, &e.path, e.cell, e.line)
}

fn metric_text(c: &CompetencyLevel) -> String {
    if c.metrics.is_empty() {
        String::new()
    } else {
        format!(" [{}]", metrics_text(&c.metrics))
    }
}

fn render_repo(
    r: &RepoReport,
    places: &Places,
    out: &mut dyn Write,
    p: &Palette,
) -> io::Result<()> {
    let name = paint(p.heading, &r.name);
    match &r.label {
        Some(label) => writeln!(out, "{label}: {name} ({})", r.source)?,
        None => writeln!(out, "{name} ({})", r.source)?,
    }
    if let Some(err) = &r.error {
        writeln!(out, "  {}: {err}", paint(p.missing, "not audited"))?;
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
    if let Some(d) = &r.discovered {
        writeln!(out, "  read as {d}")?;
    }
    for p in &r.projects {
        writeln!(out, "  {}", super::ProjectSummary::of(p).line())?;
    }
    if let Some(a) = &r.authorship {
        writeln!(out, "  {}", authorship_line(a))?;
        if let Some(line) = blame_line(a) {
            writeln!(out, "  {line}")?;
        }
        for line in ignored_commit_lines(a) {
            writeln!(out, "    {line}")?;
        }
    }
    for f in &r.flags {
        writeln!(out, "  ⚑ {}: {}", f.id, f.reason)?;
    }
    if let Some(st) = &r.statements {
        writeln!(out, "  {}", statements_line(st))?;
    }
    if let Some(line) = not_counted_line(&r.not_counted) {
        writeln!(out, "  {line}")?;
        for n in r.not_counted.iter().take(NOT_COUNTED_SHOWN) {
            writeln!(out, "    {}", paint(p.dim, not_counted_entry(n)))?;
        }
        if r.not_counted.len() > NOT_COUNTED_SHOWN {
            let more = r.not_counted.len() - NOT_COUNTED_SHOWN;
            writeln!(
                out,
                "    {}",
                paint(p.dim, format!("{more} more: --format json"))
            )?;
        }
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
                .map(|e| format!("{}  {}", place(places, &r.name, e), e.detail))
                .unwrap_or_default();
            writeln!(
                out,
                "    {} {:width$}  {}{}",
                paint(p.level(c.level), bar(c.level)),
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
            writeln!(
                out,
                "    {}",
                paint(p.dim, format!("not seen: {}", missing.join(", ")))
            )?;
        }
    }
    let unused: Vec<String> = r
        .competencies
        .iter()
        .flat_map(|c| {
            c.declared_unused.iter().map(move |e| {
                format!(
                    "{}  {}, but nothing uses it for {}",
                    place(places, &r.name, e),
                    e.detail,
                    c.id
                )
            })
        })
        .collect();
    if !unused.is_empty() {
        let heading = format!("declared but not used ({})", unused.len());
        writeln!(out, "  {}", paint(p.heading, heading))?;
        for u in unused {
            writeln!(out, "    {}", paint(p.dim, u))?;
        }
    }
    if !r.findings.is_empty() {
        let heading = format!("findings ({})", r.findings.len());
        writeln!(out, "  {}", paint(p.heading, heading))?;
        for f in &r.findings {
            let at = places.name(&r.name, &f.path, f.cell, f.line);
            let id = paint(p.missing, format!("{:24}", f.id));
            writeln!(out, "    {id} {at}  {}", f.message)?;
        }
    }
    if !r.notes.is_empty() {
        writeln!(
            out,
            "  {}",
            paint(p.heading, format!("notes ({})", r.notes.len()))
        )?;
        for n in &r.notes {
            writeln!(out, "    {}: {}", n.path, n.message)?;
        }
    }
    writeln!(out)
}

pub(crate) fn progress_bar(score: u32) -> String {
    let filled = (score as usize + 5) / 10;
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled.min(10)))
}

fn item_place(places: &Places, e: &ItemEvidence) -> String {
    places.name(&e.repo, &e.path, e.cell, e.line)
}

fn render_checklist(
    report: &Report,
    places: &Places,
    out: &mut dyn Write,
    p: &Palette,
) -> io::Result<()> {
    let Some(roadmap) = &report.roadmap else {
        return Ok(());
    };
    let c = &report.portfolio.checklist;
    let count = |s: Status| c.items.iter().filter(|i| i.status == s).count();
    let audited = report.repos.iter().filter(|r| r.error.is_none()).count();
    let heading = format!(
        "Checklist `{roadmap}` over {audited} {}:",
        if audited == 1 {
            "repository"
        } else {
            "repositories"
        }
    );
    writeln!(
        out,
        "{} score {} ({} met, {} partial, {} missing of {} measurable; {} self-report){}",
        paint(p.heading, heading),
        paint(p.score(c.score), format!("{}/100", c.score)),
        count(Status::Met),
        count(Status::Partial),
        count(Status::Missing),
        c.measurable,
        count(Status::SelfReport),
        config_note(c)
            .map(|n| format!("\n  {}", paint(p.partial, format!("⚠ {n}"))))
            .unwrap_or_default(),
    )?;
    let width = c
        .phases
        .iter()
        .map(|p| p.title.chars().count())
        .max()
        .unwrap_or(0);
    for phase in &c.phases {
        let measured = phase.met + phase.partial + phase.missing;
        if measured == 0 {
            writeln!(
                out,
                "  {:width$}  (self-report only: {})",
                phase.title, phase.self_report
            )?;
        } else {
            writeln!(
                out,
                "  {:width$}  {} {:3}%  {}/{} met",
                phase.title,
                paint(p.score(phase.score), progress_bar(phase.score)),
                phase.score,
                phase.met,
                measured
            )?;
        }
    }
    let gaps: Vec<_> = c.items.iter().filter(|i| i.status.is_gap()).collect();
    if !gaps.is_empty() {
        let heading = format!("Gaps, in roadmap order ({})", gaps.len());
        writeln!(out, "\n{}", paint(p.heading, heading))?;
        for i in gaps {
            writeln!(
                out,
                "  {} {}  [{}]",
                paint(p.status(i.status), status_mark(i.status)),
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
        writeln!(
            out,
            "\n{}",
            paint(p.heading, format!("Met ({})", met.len()))
        )?;
        for i in met {
            let shown = i
                .evidence
                .first()
                .map(|e| item_place(places, e))
                .unwrap_or_default();
            let mark = paint(p.status(i.status), status_mark(i.status));
            writeln!(out, "  {mark} {}  {shown}", i.title)?;
        }
    }
    let self_report: Vec<_> = c
        .items
        .iter()
        .filter(|i| i.status == Status::SelfReport)
        .collect();
    if !self_report.is_empty() {
        let recorded = self_report.iter().filter(|i| i.claim.is_some()).count();
        let heading = format!(
            "Self-report, not measured ({}; {recorded} recorded in portfolio-audit.toml)",
            self_report.len()
        );
        writeln!(out, "\n{}", paint(p.heading, heading))?;
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

/// Each student's score and first gaps, then who meets each item.
pub(crate) fn render_cohort(report: &Report, out: &mut dyn Write, p: &Palette) -> io::Result<()> {
    let Some(cohort) = &report.cohort else {
        return Ok(());
    };
    let n = cohort.students.len();
    writeln!(
        out,
        "Cohort: {n} {}, checklist `{}` over each one's own repositories",
        if n == 1 { "student" } else { "students" },
        report.roadmap.as_deref().unwrap_or("")
    )?;
    let width = cohort
        .students
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(0);
    for s in &cohort.students {
        if s.repos.is_empty() {
            writeln!(
                out,
                "  {:width$}  not audited: {} (see the errors below)",
                s.label,
                s.not_audited.join(", ")
            )?;
            continue;
        }
        let mut line = format!(
            "  {:width$}  {}/100  {} met, {} partial, {} missing  [{}]",
            s.label,
            paint(p.score(s.score), format!("{:3}", s.score)),
            s.met,
            s.partial,
            s.missing,
            s.repos.join(", ")
        );
        if !s.not_audited.is_empty() {
            line.push_str(&format!("  not audited: {}", s.not_audited.join(", ")));
        }
        writeln!(out, "{line}")?;
        for g in &s.gaps {
            writeln!(
                out,
                "  {:width$}      {} {}",
                "",
                paint(p.status(g.status), status_mark(g.status)),
                g.title
            )?;
        }
    }
    writeln!(
        out,
        "\nChecklist items across the cohort (students meeting each)"
    )?;
    for i in &cohort.items {
        let mut who = i.met_by.join(", ");
        if !i.partial_by.is_empty() {
            if !who.is_empty() {
                who.push_str("; ");
            }
            who.push_str(&format!("partial: {}", i.partial_by.join(", ")));
        }
        let who = if who.is_empty() {
            String::new()
        } else {
            format!("  ({who})")
        };
        writeln!(out, "  {:>3}/{n}  {}{who}", i.met, i.title)?;
    }
    writeln!(out)
}

/// The whole report (`--all`) without colour.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    render_with(report, out, &Palette::PLAIN)
}

/// The whole report (`--all`) in the palette's styles: every gap with its
/// next step, every met and self-report item, each repository's competencies.
pub fn render_with(report: &Report, out: &mut dyn Write, p: &Palette) -> io::Result<()> {
    render_cohort(report, out, p)?;
    let places = Places::of(report);
    render_checklist(report, &places, out, p)?;
    for r in &report.repos {
        render_repo(r, &places, out, p)?;
    }
    let audited = report.repos.iter().filter(|r| r.error.is_none()).count();
    if report.repos.len() > 1 {
        let comps = &report.portfolio.competencies;
        let seen = comps.iter().filter(|c| c.level > 0).count();
        let heading = format!(
            "Portfolio: {audited} repositories, {seen} of {} competencies seen",
            comps.len()
        );
        writeln!(out, "{}", paint(p.heading, heading))?;
        for level in (1..=3).rev() {
            let ids: Vec<&str> = comps
                .iter()
                .filter(|c| c.level == level)
                .map(|c| c.id.as_str())
                .collect();
            if !ids.is_empty() {
                writeln!(
                    out,
                    "  {} {}",
                    paint(p.level(level), bar(level)),
                    ids.join(", ")
                )?;
            }
        }
    }
    Ok(())
}
