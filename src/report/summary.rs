//! The default terminal report: what to do next, on about two screens.
//! The score and the phase bars, the first gaps in roadmap order with a
//! one-line next step, the met items as one compact list with where each
//! shows, the first findings; `--all` (`text::render_with`) has the rest.
//! Lines fit `width` columns: titles are cut with an ellipsis, never wrapped.

use super::authored;
use super::text::{paint, progress_bar, render_cohort, Palette};
use super::{
    authorship_line, blame_line, config_note, ignored_commit_lines, not_counted_line,
    statements_line, status_mark, Places,
};
use crate::model::{NotCounted, Report, Status};
use std::io::{self, Write};

/// Gaps shown before "N more gaps: --all".
pub const GAPS_SHOWN: usize = 5;
/// Findings shown before "N more: --all".
const FINDINGS_SHOWN: usize = 5;

/// `n` and the noun, pluralised: `1 gap`, `3 gaps`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `s` cut to `width` characters, with an ellipsis when cut.
pub fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `s` in lines of at most `width` columns, broken at spaces; the lines
/// after the first are indented by two.
pub(crate) fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
            line.push_str("  ");
        } else if len > 0 {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// `left` and `right` in `room` columns, `right` aligned to the end: each
/// gets at least `min_left` and `max_right` columns, and is cut with an
/// ellipsis beyond.
fn columns(left: &str, right: &str, room: usize, max_right: usize) -> String {
    let right = fit(right, max_right.min(room / 2));
    let left_room = room.saturating_sub(right.chars().count() + 2);
    let left = fit(left, left_room);
    let pad = left_room.saturating_sub(left.chars().count());
    format!("{left}{}  {right}", " ".repeat(pad))
}

/// The short form of where something shows, for the compact list: the
/// file's name and line (the full place is in `--all` and every other format).
fn short_place(path: &str, cell: Option<u32>, line: u32) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match (path, cell) {
        (".", _) => "whole repository".to_string(),
        (_, Some(c)) => format!("{name} cell {c}:{line}"),
        (_, None) => format!("{name}:{line}"),
    }
}

/// The report as a learner reads it first, laid out in `width` columns.
pub fn render(report: &Report, out: &mut dyn Write, p: &Palette, width: usize) -> io::Result<()> {
    render_cohort(report, out, p)?;
    let c = &report.portfolio.checklist;
    let tally = |s: Status| c.items.iter().filter(|i| i.status == s).count();
    let audited = report.repos.iter().filter(|r| r.error.is_none()).count();
    if let Some(roadmap) = &report.roadmap {
        let heading = format!(
            "Checklist `{roadmap}`, {}:",
            count(audited, "repository", "repositories")
        );
        writeln!(
            out,
            "{} score {}",
            paint(p.heading, heading),
            paint(p.score(c.score), format!("{}/100", c.score)),
        )?;
        let counts = format!(
            "{} met, {} partial, {} missing of {}; {} self-report",
            tally(Status::Met),
            tally(Status::Partial),
            tally(Status::Missing),
            count(c.measurable as usize, "measurable item", "measurable items"),
            tally(Status::SelfReport),
        );
        writeln!(out, "  {}", fit(&counts, width - 2))?;
        // Never cut: a narrowed score is said whole, wrapped at words.
        if let Some(note) = config_note(c) {
            for line in wrap(&format!("⚠ {note}"), width - 4) {
                writeln!(out, "  {}", paint(p.partial, line))?;
            }
        }
        // What was set aside as not the learner's changes every level: say
        // so here, where the levels are read; the list is in --all.
        let set_aside: Vec<NotCounted> = report
            .repos
            .iter()
            .flat_map(|r| r.not_counted.iter().cloned())
            .collect();
        if let Some(line) = not_counted_line(&set_aside) {
            writeln!(out, "  {}", fit(&format!("{line}: --all"), width - 2))?;
        }
        let measured: Vec<_> = c
            .phases
            .iter()
            .filter(|ph| ph.met + ph.partial + ph.missing > 0)
            .collect();
        let title_room = width.saturating_sub(2 + 2 + 10 + 5 + 12).clamp(12, 48);
        for ph in measured {
            let total = ph.met + ph.partial + ph.missing;
            writeln!(
                out,
                "  {:title_room$}  {} {:3}%  {}/{total} met",
                fit(&ph.title, title_room),
                paint(p.score(ph.score), progress_bar(ph.score)),
                ph.score,
                ph.met,
            )?;
        }
    }
    let gaps: Vec<_> = c.items.iter().filter(|i| i.status.is_gap()).collect();
    if !gaps.is_empty() {
        let heading = format!(
            "Next steps, in roadmap order ({} of {})",
            gaps.len().min(GAPS_SHOWN),
            count(gaps.len(), "gap", "gaps")
        );
        writeln!(out, "\n{}", paint(p.heading, heading))?;
        for i in gaps.iter().take(GAPS_SHOWN) {
            let mark = paint(p.status(i.status), status_mark(i.status));
            let line = columns(&authored::plain(&i.title), &i.reason, width - 4, 44);
            writeln!(out, "  {mark} {line}")?;
            // The next step without its phase (the bars above name it).
            let phase = format!("{}: ", report_phase_title(report, &i.phase));
            let step = i.next_step.strip_prefix(&phase).unwrap_or(&i.next_step);
            writeln!(out, "    → {}", fit(&authored::plain(step), width - 6))?;
        }
        if gaps.len() > GAPS_SHOWN {
            let more = count(gaps.len() - GAPS_SHOWN, "more gap", "more gaps");
            writeln!(out, "  {more}: --all")?;
        }
    }
    render_met(report, out, p, width)?;
    render_findings(report, out, p, width)?;
    render_caveats(report, out, p, width)?;
    let self_report = tally(Status::SelfReport);
    let notes: usize = report.repos.iter().map(|r| r.notes.len()).sum();
    let mut rest = Vec::new();
    if self_report > 0 {
        rest.push(count(self_report, "self-report item", "self-report items"));
    }
    if notes > 0 {
        rest.push(count(notes, "note", "notes"));
    }
    if !rest.is_empty() {
        writeln!(
            out,
            "\n{}; each repository's competencies: --all",
            rest.join("; ")
        )?;
    }
    Ok(())
}

/// What a reader must know before trusting a repository's levels, whole:
/// whose work counted, flags, what its own project file said, why it could
/// not be audited.
fn render_caveats(
    report: &Report,
    out: &mut dyn Write,
    p: &Palette,
    width: usize,
) -> io::Result<()> {
    let mut first = true;
    for r in &report.repos {
        let mut lines = Vec::new();
        if let Some(e) = &r.error {
            lines.push(paint(p.missing, format!("not audited: {e}")));
        }
        if let Some(a) = &r.authorship {
            lines.push(authorship_line(a));
            lines.extend(blame_line(a));
            lines.extend(ignored_commit_lines(a));
        }
        for f in &r.flags {
            lines.push(format!("⚑ {}: {}", f.id, f.reason));
        }
        if let Some(st) = &r.statements {
            lines.push(statements_line(st));
        }
        if lines.is_empty() {
            continue;
        }
        if first {
            writeln!(out, "\n{}", paint(p.heading, "Before trusting the levels"))?;
            first = false;
        }
        let who = match &r.label {
            Some(l) => format!("{l}: {}", r.name),
            None => r.name.clone(),
        };
        writeln!(out, "  {who}")?;
        for l in lines {
            for part in wrap(&l, width - 4) {
                writeln!(out, "    {part}")?;
            }
        }
    }
    Ok(())
}

fn report_phase_title<'a>(report: &'a Report, id: &'a str) -> &'a str {
    report
        .portfolio
        .checklist
        .phases
        .iter()
        .find(|p| p.id == id)
        .map_or(id, |p| p.title.as_str())
}

/// Met items as one compact list, a paragraph per phase, wrapped at words
/// (nothing cut): the item, the competency that met it, and where it shows.
fn render_met(report: &Report, out: &mut dyn Write, p: &Palette, width: usize) -> io::Result<()> {
    let c = &report.portfolio.checklist;
    let met: Vec<_> = c.items.iter().filter(|i| i.status == Status::Met).collect();
    if met.is_empty() {
        return Ok(());
    }
    let heading = format!(
        "Met ({}): item (the competency that shows it, where)",
        met.len()
    );
    writeln!(out, "\n{}", paint(p.heading, heading))?;
    let mut phases: Vec<&str> = Vec::new();
    for i in &met {
        if !phases.contains(&i.phase.as_str()) {
            phases.push(&i.phase);
        }
    }
    for phase in phases {
        let entries: Vec<String> = met
            .iter()
            .filter(|i| i.phase == phase)
            .map(|i| match i.evidence.first() {
                Some(e) => format!(
                    "{} ({}, {})",
                    i.id,
                    e.competency,
                    short_place(&e.path, e.cell, e.line)
                ),
                None => i.id.clone(),
            })
            .collect();
        let text = format!(
            "{} {}: {}",
            status_mark(Status::Met),
            report_phase_title(report, phase),
            entries.join(" · ")
        );
        for line in wrap(&text, width - 2) {
            writeln!(out, "  {}", paint(p.met, line))?;
        }
    }
    Ok(())
}

fn render_findings(
    report: &Report,
    out: &mut dyn Write,
    p: &Palette,
    width: usize,
) -> io::Result<()> {
    let places = Places::of(report);
    let all: Vec<String> = report
        .repos
        .iter()
        .flat_map(|r| {
            let places = &places;
            r.findings.iter().map(move |f| {
                let at = places.name(&r.name, &f.path, f.cell, f.line);
                format!("{}  {at}  {}", f.id, authored::plain(&f.message))
            })
        })
        .collect();
    if all.is_empty() {
        return Ok(());
    }
    let heading = format!("Findings ({})", all.len());
    writeln!(out, "\n{}", paint(p.missing, heading))?;
    for f in all.iter().take(FINDINGS_SHOWN) {
        writeln!(out, "  {}", fit(f, width - 2))?;
    }
    if all.len() > FINDINGS_SHOWN {
        writeln!(out, "  {} more: --all", all.len() - FINDINGS_SHOWN)?;
    }
    Ok(())
}
