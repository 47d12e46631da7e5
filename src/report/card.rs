//! A shareable card: a self-contained SVG (no script, no font or image
//! fetched) with the checklist score and how far the portfolio goes in each
//! competency area, for a profile README; and that README's Markdown
//! snippet, the card with links to the strongest evidence. Only measured
//! levels are drawn: claims and self-reports are never shown as measured.

use super::markdown::escape;
use super::{badge, config_note, safe_url, Places};
use crate::model::{AreaSummary, Report};
use askama::Template;
use std::fmt::Write as _;
use std::io::{self, Write};

const WIDTH: u32 = 495;
const ROW: u32 = 22;
const TOP: u32 = 76;
const BAR_X: u32 = 250;
const BAR_WIDTH: u32 = 150;

struct AreaRow<'a> {
    id: &'a str,
    title: &'a str,
    score: u32,
    /// The highest level any competency of the area reaches (0..3).
    top: usize,
    seen: u32,
    total: u32,
    y: u32,
    bar: u32,
    color: &'static str,
}

#[derive(Template)]
#[template(path = "card.svg", config = "src/report/templates/askama.toml")]
struct Card<'a> {
    title: &'a str,
    subtitle: String,
    roadmap: &'a str,
    score: u32,
    color: &'static str,
    /// The score was narrowed by ignored items: a mark, explained below.
    marked: bool,
    note: String,
    note_line: Option<String>,
    areas: Vec<AreaRow<'a>>,
    width: u32,
    height: u32,
    bar_x: u32,
    bar_width: u32,
}

fn row(i: usize, a: &AreaSummary) -> AreaRow<'_> {
    let seen: u32 = a.at_level[1..].iter().sum();
    AreaRow {
        id: &a.id,
        title: &a.title,
        score: a.score,
        top: (1..4).rev().find(|&l| a.at_level[l] > 0).unwrap_or(0),
        seen,
        total: a.competencies,
        y: TOP + i as u32 * ROW,
        bar: a.score.min(100) * BAR_WIDTH / 100,
        color: badge::color(a.score),
    }
}

/// The card as SVG; `title` heads it (a name, an account).
pub fn render_svg(report: &Report, title: &str, out: &mut dyn Write) -> io::Result<()> {
    let c = &report.portfolio.checklist;
    let audited = report.repos.iter().filter(|r| r.error.is_none()).count();
    let roadmap = report.roadmap.as_deref().unwrap_or("");
    let areas: Vec<AreaRow> = report
        .portfolio
        .areas
        .iter()
        .enumerate()
        .map(|(i, a)| row(i, a))
        .collect();
    let note = config_note(c);
    let height = TOP + areas.len() as u32 * ROW + if note.is_some() { 30 } else { 10 };
    let card = Card {
        title,
        subtitle: format!(
            "checklist {roadmap} · {audited} {} · {} met of {} measured",
            if audited == 1 {
                "repository"
            } else {
                "repositories"
            },
            c.items
                .iter()
                .filter(|i| i.status == crate::model::Status::Met)
                .count(),
            c.measurable
        ),
        roadmap,
        score: c.score,
        color: badge::color(c.score),
        marked: !c.ignored.is_empty(),
        note: note
            .as_ref()
            .map(|n| format!(" (*{n})"))
            .unwrap_or_default(),
        note_line: note,
        areas,
        width: WIDTH,
        height,
        bar_x: BAR_X,
        bar_width: BAR_WIDTH,
    };
    let svg = card.render().map_err(io::Error::other)?;
    out.write_all(svg.as_bytes())
}

/// A profile README's snippet: the card (at `image`), then for each area
/// the strongest competency and the line that shows it, linked.
pub fn render_markdown(report: &Report, image: &str, out: &mut dyn Write) -> io::Result<()> {
    let c = &report.portfolio.checklist;
    let roadmap = report.roadmap.as_deref().unwrap_or("");
    let mut md = String::new();
    let alt = format!(
        "Portfolio audit: {}/100 on the {roadmap} checklist",
        c.score
    );
    let image = safe_url(image).unwrap_or_else(|| image.replace([' ', '(', ')', '<', '>'], ""));
    let _ = writeln!(md, "![{}]({image})\n", escape(&alt));
    if let Some(note) = config_note(c) {
        let _ = writeln!(md, "<sub>* {}</sub>\n", escape(&note));
    }
    let places = Places::of(report);
    let mut lines = Vec::new();
    for area in &report.portfolio.areas {
        let best = report
            .portfolio
            .competencies
            .iter()
            .filter(|pc| pc.level > 0)
            .filter(|pc| {
                report
                    .repos
                    .iter()
                    .flat_map(|r| &r.competencies)
                    .any(|c| c.id == pc.id && c.area == area.id)
            })
            .max_by_key(|pc| pc.level);
        let Some(best) = best else { continue };
        // The first repository at that level, and its first piece of evidence.
        let shown = report.repos.iter().find_map(|r| {
            let c = r
                .competencies
                .iter()
                .find(|c| c.id == best.id && c.level == best.level)?;
            let e = c.evidence.first()?;
            let name = places.name(&r.name, &e.path, e.cell, e.line);
            Some((c, name, e.url.as_deref().and_then(safe_url)))
        });
        let Some((competency, name, url)) = shown else {
            continue;
        };
        let place = match url {
            Some(u) => format!("[{}]({u})", escape(&name)),
            None => escape(&name),
        };
        lines.push(format!(
            "- **{}**: {} (level {}) — {place}",
            escape(&area.title),
            escape(&competency.title),
            best.level
        ));
    }
    if !lines.is_empty() {
        let _ = writeln!(md, "Strongest evidence, by area:\n");
        for l in lines {
            let _ = writeln!(md, "{l}");
        }
        md.push('\n');
    }
    let _ = writeln!(
        md,
        "<sub>Measured by {} {} from the code; claims and self-reports are not counted.</sub>",
        report.tool.name, report.tool.version
    );
    out.write_all(md.as_bytes())
}
