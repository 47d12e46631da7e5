//! The HTML report: one self-contained page (inline CSS and SVG, no script,
//! nothing fetched) for a learner, a mentor or a cohort. The score and the
//! phases first with a chart of the competency areas, a repositories × items
//! matrix when there are several repositories, the next steps, the whole
//! checklist with its evidence, the findings, then each repository's
//! competencies with their evidence and notes.
//!
//! The page is an askama template (`templates/report.html`): every value is
//! escaped when it is written, so names, paths and messages from a scanned
//! repository or a custom rule cannot become markup. The views below only
//! arrange the model's values and lay out the chart; they compute nothing
//! the report states.

use super::authored::{self, Piece};
use super::{
    areas, authorship_line, blame_line, config_note, ignored_commit_lines, metrics_text,
    not_counted_entry, not_counted_line, safe_url, statements_line, status_mark, Grade, Places,
};
use crate::model::area_title;
use crate::model::plan::Plan;
use crate::model::CompetencyLevel;
use crate::model::{AreaSummary, RepoReport, Report};
use crate::model::{ChecklistItem, PhaseProgress, Status};
use askama::Template;
use std::io::{self, Write};

/// Evidence items shown per competency before the rest is folded.
const EVIDENCE_SHOWN: usize = 3;

/// The page's Content-Security-Policy: nothing may load or run, only the
/// inline style and inline images apply.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

#[derive(Template)]
#[template(path = "report.html", config = "src/report/templates/askama.toml")]
struct Page<'a> {
    csp: &'static str,
    title: String,
    tool: String,
    roadmap: &'a str,
    config: &'a [String],
    score: u32,
    score_class: &'static str,
    ring: Ring,
    counts: Counts,
    audited: usize,
    phases: Vec<PhaseView<'a>>,
    /// Partial and missing items, in roadmap order.
    gaps: Vec<ItemView<'a>>,
    chart: AreaChart,
    matrix: Option<Matrix<'a>>,
    findings: Vec<FindingRow<'a>>,
    repos: Vec<RepoView<'a>>,
    /// What project files did to the score (ignored items, ignored requests).
    config_note: Option<String>,
    /// "Your next project", at the top, when the scan came with a plan.
    next: Option<NextProject<'a>>,
}

/// The plan's first project, with its brief, and the ones after it.
struct NextProject<'a> {
    title: &'a str,
    facts: String,
    scope: Vec<Span<'a>>,
    closes: Vec<&'a str>,
    /// Each acceptance check: done now, what it needs, what to build.
    checks: Vec<(bool, String, Vec<Span<'a>>)>,
    then: Vec<&'a str>,
}

fn next_project(plan: &Plan) -> Option<NextProject<'_>> {
    let (first, rest) = plan.next_projects.split_first()?;
    Some(NextProject {
        title: &first.title,
        facts: super::plan::project_facts(first),
        scope: spans(&first.scope, true),
        closes: first.closes.iter().map(|i| i.title.as_str()).collect(),
        checks: first
            .checks
            .iter()
            .map(|c| {
                let need = c.needs();
                (c.done(), need, spans(&c.text, true))
            })
            .collect(),
        then: rest.iter().map(|p| p.title.as_str()).collect(),
    })
}

struct Counts {
    met: usize,
    partial: usize,
    missing: usize,
    self_report: usize,
    not_applicable: usize,
    measurable: u32,
}

/// The score as an arc: `dash` of the ring's `circumference` is drawn.
struct Ring {
    dash: String,
    circumference: String,
}

struct PhaseView<'a> {
    title: &'a str,
    score: u32,
    score_class: &'static str,
    met: u32,
    measured: u32,
    self_report: u32,
    items: Vec<ItemView<'a>>,
}

struct ItemView<'a> {
    item: &'a ChecklistItem,
    status: &'static str,
    mark: &'static str,
    label: &'static str,
    next_step: Vec<Span<'a>>,
    /// Where each met requirement shows, and which competency it is.
    evidence: Vec<(Place, String)>,
}

/// A place in a repository as the page names it, with its permalink.
struct Place {
    at: String,
    /// Only an http(s) URL, with nothing that could end the attribute.
    url: Option<String>,
}

impl Place {
    fn new(
        places: &Places,
        repo: &str,
        path: &str,
        cell: Option<u32>,
        line: u32,
        url: Option<&String>,
    ) -> Place {
        Place {
            at: places.name(repo, path, cell, line),
            url: url.and_then(|u| safe_url(u)),
        }
    }
}

struct AreaChart {
    width: u32,
    height: u32,
    /// Where labels end, bars start and end, the score column ends.
    label_end: u32,
    bar_x: u32,
    bar_width: u32,
    score_x: u32,
    rows: Vec<AreaRow>,
}

struct AreaRow {
    title: String,
    /// Baseline of the row's text, and top of its bar.
    text_y: String,
    bar_y: String,
    segments: Vec<Segment>,
    score: u32,
    /// Competencies seen of the area's.
    seen: String,
}

struct Segment {
    x: String,
    width: String,
    class: &'static str,
    tip: String,
}

struct Matrix<'a> {
    repos: Vec<MatrixRepo<'a>>,
    groups: Vec<MatrixGroup<'a>>,
}

struct MatrixRepo<'a> {
    name: &'a str,
    anchor: String,
    score: u32,
    score_class: &'static str,
}

struct MatrixGroup<'a> {
    title: &'a str,
    rows: Vec<MatrixRow<'a>>,
}

struct MatrixRow<'a> {
    item: &'a ChecklistItem,
    overall: Cell,
    cells: Vec<Cell>,
}

struct Cell {
    status: &'static str,
    mark: &'static str,
    label: &'static str,
}

struct FindingRow<'a> {
    id: &'a str,
    at: Place,
    message: Vec<Span<'a>>,
}

/// A piece of authored text (advice, a finding's message) as the page
/// writes it: `kind` is `text`, `code`, `strong`, `em` or `link`.
struct Span<'a> {
    kind: &'static str,
    text: &'a str,
    /// For a link: an http(s) URL, made safe.
    url: String,
}

/// Authored text read for its Markdown (code, emphasis, links when
/// `links`); nothing in it becomes raw HTML.
fn spans(text: &str, links: bool) -> Vec<Span<'_>> {
    authored::pieces(text, links)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => Span {
                kind: "text",
                text: t,
                url: String::new(),
            },
            Piece::Code(t) => Span {
                kind: "code",
                text: t,
                url: String::new(),
            },
            Piece::Strong(t) => Span {
                kind: "strong",
                text: t,
                url: String::new(),
            },
            Piece::Emphasis(t) => Span {
                kind: "em",
                text: t,
                url: String::new(),
            },
            Piece::Link { text, url } => Span {
                kind: "link",
                text,
                url,
            },
        })
        .collect()
}

struct RepoView<'a> {
    repo: &'a RepoReport,
    anchor: String,
    revision: Option<&'a str>,
    facts: String,
    /// With `--author`: how much of it is theirs, and what blame followed.
    authorship: Vec<String>,
    /// What its own portfolio-audit.toml says, and whether it applied.
    statements: Option<String>,
    /// What is not counted as the learner's code, in one line; each entry
    /// is listed under it.
    not_counted: Option<String>,
    not_counted_entries: Vec<String>,
    /// This repository's own checklist score, and its colour.
    score: Option<u32>,
    score_class: &'static str,
    /// The projects of a monorepo, each on its own.
    projects: Vec<super::ProjectSummary<'a>>,
    areas: Vec<RepoArea<'a>>,
}

struct RepoArea<'a> {
    title: &'a str,
    seen: usize,
    total: usize,
    shown: Vec<CompetencyView<'a>>,
    not_seen: String,
}

struct CompetencyView<'a> {
    c: &'a CompetencyLevel,
    /// The classes of the level's three dots.
    dots: [&'static str; 3],
    first: Vec<(Place, &'a str)>,
    rest: Vec<(Place, &'a str)>,
    metrics: String,
    /// "4 shown of 37 hits" when the evidence list was cut.
    hits: String,
}

/// A status's CSS class, mark and words.
fn status_view(s: Status) -> (&'static str, &'static str, &'static str) {
    let label = match s {
        Status::NotApplicable => "not applicable",
        s => s.as_str(),
    };
    (s.as_str(), status_mark(s), label)
}

fn cell(s: Status) -> Cell {
    let (status, mark, label) = status_view(s);
    Cell {
        status,
        mark,
        label,
    }
}

/// A score's colour, with the badge's steps.
fn score_class(score: u32) -> &'static str {
    match Grade::of(score) {
        Grade::Good => "good",
        Grade::Fair => "fair",
        Grade::Low => "low",
    }
}

fn ring(score: u32) -> Ring {
    let circumference = 2.0 * std::f64::consts::PI * 52.0;
    Ring {
        dash: format!("{:.1}", circumference * f64::from(score.min(100)) / 100.0),
        circumference: format!("{circumference:.1}"),
    }
}

fn item_view<'a>(i: &'a ChecklistItem, places: &Places) -> ItemView<'a> {
    let (status, mark, label) = status_view(i.status);
    ItemView {
        item: i,
        status,
        mark,
        label,
        next_step: spans(&i.next_step, true),
        evidence: i
            .evidence
            .iter()
            .map(|e| {
                (
                    Place::new(places, &e.repo, &e.path, e.cell, e.line, e.url.as_ref()),
                    e.competency.clone(),
                )
            })
            .collect(),
    }
}

fn phase_views<'a>(report: &'a Report, places: &Places) -> Vec<PhaseView<'a>> {
    let c = &report.portfolio.checklist;
    let view = |p: &'a PhaseProgress| PhaseView {
        title: &p.title,
        score: p.score,
        score_class: score_class(p.score),
        met: p.met,
        measured: p.met + p.partial + p.missing,
        self_report: p.self_report,
        items: c
            .items
            .iter()
            .filter(|i| i.phase == p.id)
            .map(|i| item_view(i, places))
            .collect(),
    };
    let mut phases: Vec<PhaseView> = c.phases.iter().map(view).collect();
    // Items of a phase the roadmap does not list still show, last.
    let orphans: Vec<ItemView> = c
        .items
        .iter()
        .filter(|i| !c.phases.iter().any(|p| p.id == i.phase))
        .map(|i| item_view(i, places))
        .collect();
    if !orphans.is_empty() {
        phases.push(PhaseView {
            title: "Other items",
            score: 0,
            score_class: "low",
            met: 0,
            measured: 0,
            self_report: 0,
            items: orphans,
        });
    }
    phases
}

/// Horizontal bars, one per area, split by how many competencies are at
/// each level (3 first). Sizes are in the SVG's own units; it scales.
fn area_chart(areas: &[AreaSummary]) -> AreaChart {
    const LABEL: f64 = 250.0;
    const BAR: f64 = 210.0;
    const ROW: f64 = 30.0;
    const CLASSES: [&str; 4] = ["l0", "l1", "l2", "l3"];
    let rows = areas
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let top = ROW * i as f64 + 24.0;
            let mut x = LABEL;
            let mut segments = Vec::new();
            for level in (0..4).rev() {
                let n = a.at_level[level];
                if n == 0 {
                    continue;
                }
                let w = BAR * f64::from(n) / f64::from(a.competencies.max(1));
                segments.push(Segment {
                    x: format!("{x:.1}"),
                    width: format!("{w:.1}"),
                    class: CLASSES[level],
                    tip: match level {
                        0 => format!("{n} not seen"),
                        l => format!("{n} at level {l}"),
                    },
                });
                x += w;
            }
            let seen = a.competencies - a.at_level[0];
            AreaRow {
                title: a.title.clone(),
                text_y: format!("{:.1}", top + 14.0),
                bar_y: format!("{:.1}", top),
                segments,
                score: a.score,
                seen: format!("{seen}/{}", a.competencies),
            }
        })
        .collect();
    AreaChart {
        width: (LABEL + BAR + 92.0) as u32,
        height: (ROW * areas.len() as f64 + 28.0) as u32,
        label_end: (LABEL - 8.0) as u32,
        bar_x: LABEL as u32,
        bar_width: BAR as u32,
        score_x: (LABEL + BAR + 46.0) as u32,
        rows,
    }
}

fn matrix<'a>(report: &'a Report, repos: &[RepoView<'a>]) -> Option<Matrix<'a>> {
    let columns: Vec<(&RepoView, &crate::model::RepoChecklist)> = repos
        .iter()
        .filter_map(|v| v.repo.checklist.as_ref().map(|c| (v, c)))
        .collect();
    if columns.len() < 2 {
        return None;
    }
    let c = &report.portfolio.checklist;
    let measured =
        |i: &&ChecklistItem| !matches!(i.status, Status::SelfReport | Status::NotApplicable);
    let groups = c
        .phases
        .iter()
        .map(|p| MatrixGroup {
            title: &p.title,
            rows: c
                .items
                .iter()
                .filter(|i| i.phase == p.id)
                .filter(measured)
                .map(|i| MatrixRow {
                    item: i,
                    overall: cell(i.status),
                    cells: columns
                        .iter()
                        .map(|(_, rc)| cell(rc.status(&i.id).unwrap_or(Status::NotApplicable)))
                        .collect(),
                })
                .collect(),
        })
        .filter(|g: &MatrixGroup| !g.rows.is_empty())
        .collect();
    Some(Matrix {
        repos: columns
            .iter()
            .map(|(v, rc)| MatrixRepo {
                name: &v.repo.name,
                anchor: v.anchor.clone(),
                score: rc.score,
                score_class: score_class(rc.score),
            })
            .collect(),
        groups,
    })
}

fn evidence_line<'a>(
    places: &Places,
    repo: &str,
    e: &'a crate::model::Evidence,
) -> (Place, &'a str) {
    (
        Place::new(places, repo, &e.path, e.cell, e.line, e.url.as_ref()),
        e.detail.as_str(),
    )
}

/// `1 file`, `2 files`.
fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn repo_view<'a>(index: usize, r: &'a RepoReport, places: &Places) -> RepoView<'a> {
    let s = &r.stats;
    let mut facts = vec![format!(
        "{}, {} Python ({})",
        count(s.files, "file"),
        s.python_files,
        count(s.lines, "line")
    )];
    if s.notebooks > 0 {
        facts.push(count(s.notebooks, "notebook"));
    }
    if let Some(d) = &r.discovered {
        facts.push(format!("read as {d}"));
    }
    if let Some(h) = &r.history {
        facts.push(format!(
            "{} on {} over {}, {}",
            count(h.commits, "commit"),
            count(h.active_days, "day"),
            count(h.span_days, "day"),
            count(h.authors, "author")
        ));
    }
    let areas = areas(&r.competencies)
        .into_iter()
        .map(|area| {
            let in_area: Vec<&CompetencyLevel> =
                r.competencies.iter().filter(|c| c.area == area).collect();
            let shown: Vec<CompetencyView> = in_area
                .iter()
                .filter(|c| c.level > 0)
                .map(|c| {
                    let mut lines = c.evidence.iter().map(|e| evidence_line(places, &r.name, e));
                    CompetencyView {
                        c,
                        dots: [1, 2, 3].map(|l| if c.level >= l { "dot on" } else { "dot" }),
                        first: lines.by_ref().take(EVIDENCE_SHOWN).collect(),
                        rest: lines.collect(),
                        metrics: metrics_text(&c.metrics),
                        hits: if c.evidence_count > c.evidence.len() as u64 {
                            format!("{} shown of {} hits", c.evidence.len(), c.evidence_count)
                        } else {
                            String::new()
                        },
                    }
                })
                .collect();
            let not_seen: Vec<&str> = in_area
                .iter()
                .filter(|c| c.level == 0)
                .map(|c| c.id.as_str())
                .collect();
            RepoArea {
                title: area_title(area),
                seen: shown.len(),
                total: in_area.len(),
                shown,
                not_seen: not_seen.join(", "),
            }
        })
        .collect();
    RepoView {
        repo: r,
        anchor: format!("repo-{}", index + 1),
        revision: r
            .revision
            .as_deref()
            .map(|rev| rev.get(..12).unwrap_or(rev)),
        facts: facts.join(" · "),
        authorship: r.authorship.as_ref().map_or_else(Vec::new, |a| {
            std::iter::once(authorship_line(a))
                .chain(blame_line(a))
                .chain(ignored_commit_lines(a))
                .collect()
        }),
        statements: r.statements.as_ref().map(statements_line),
        not_counted: not_counted_line(&r.not_counted),
        not_counted_entries: r.not_counted.iter().map(not_counted_entry).collect(),
        score: r.checklist.as_ref().map(|c| c.score),
        score_class: score_class(r.checklist.as_ref().map_or(0, |c| c.score)),
        projects: r.projects.iter().map(super::ProjectSummary::of).collect(),
        areas,
    }
}

fn page<'a>(report: &'a Report, plan: Option<&'a Plan>) -> Page<'a> {
    let places = Places::of(report);
    let c = &report.portfolio.checklist;
    let count = |s: Status| c.items.iter().filter(|i| i.status == s).count();
    let audited: Vec<&RepoReport> = report.repos.iter().filter(|r| r.error.is_none()).collect();
    let title = match report.repos.as_slice() {
        [one] => one.name.clone(),
        all => format!("{} repositories", all.len()),
    };
    let repos: Vec<RepoView> = report
        .repos
        .iter()
        .enumerate()
        .map(|(i, r)| repo_view(i, r, &places))
        .collect();
    Page {
        csp: CSP,
        title,
        tool: format!("{} {}", report.tool.name, report.tool.version),
        roadmap: report.roadmap.as_deref().unwrap_or(""),
        config: &report.config,
        score: c.score,
        score_class: score_class(c.score),
        ring: ring(c.score),
        counts: Counts {
            met: count(Status::Met),
            partial: count(Status::Partial),
            missing: count(Status::Missing),
            self_report: count(Status::SelfReport),
            not_applicable: count(Status::NotApplicable),
            measurable: c.measurable,
        },
        audited: audited.len(),
        phases: phase_views(report, &places),
        gaps: c
            .items
            .iter()
            .filter(|i| i.status.is_gap())
            .map(|i| item_view(i, &places))
            .collect(),
        chart: area_chart(&report.portfolio.areas),
        matrix: matrix(report, &repos),
        config_note: config_note(c),
        next: plan.and_then(next_project),
        findings: report
            .repos
            .iter()
            .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
            .map(|(r, f)| FindingRow {
                id: &f.id,
                at: Place::new(&places, &r.name, &f.path, f.cell, f.line, f.url.as_ref()),
                message: spans(&f.message, false),
            })
            .collect(),
        repos,
    }
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    render_with_plan(report, None, out)
}

/// The page with "Your next project" at the top: the plan's first project
/// for this report, with its brief and the gaps it closes.
pub fn render_with_plan(
    report: &Report,
    plan: Option<&Plan>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let html = page(report, plan).render().map_err(io::Error::other)?;
    out.write_all(html.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::spans;

    fn shown(text: &str) -> Vec<(&'static str, &str)> {
        spans(text, true)
            .into_iter()
            .map(|s| (s.kind, s.text))
            .collect()
    }

    #[test]
    fn authored_markdown_makes_code_emphasis_and_links() {
        assert_eq!(
            shown("Use `re.compile` then **match**."),
            vec![
                ("text", "Use "),
                ("code", "re.compile"),
                ("text", " then "),
                ("strong", "match"),
                ("text", "."),
            ]
        );
        assert_eq!(shown("an odd ` stays"), vec![("text", "an odd ` stays")]);
        assert_eq!(shown("`all code`"), vec![("code", "all code")]);
        let link = spans("[docs](https://docs.python.org)", true);
        assert_eq!(
            (link[0].kind, link[0].url.as_str()),
            ("link", "https://docs.python.org")
        );
        assert_eq!(spans("[x](javascript:alert(1))", true)[0].kind, "text");
    }
}
