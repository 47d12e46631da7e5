//! Renderers: one per format, each printing the model ([`crate::model`]).
//!
//! Renderers never compute; everything they print is in the model.

pub(crate) mod authored;
pub mod badge;
pub mod card;
pub mod csv;
pub mod diff;
pub mod html;
pub mod json;
pub mod markdown;
pub mod plan;
pub mod plan_markdown;
pub mod plan_text;
pub mod sarif;
pub mod summary;

pub mod text;
pub mod timeline;

use crate::model::{
    Authorship, Checklist, CompetencyLevel, IgnoredItem, NotCounted, Project, Report, Statements,
    Status,
};
use std::collections::BTreeMap;
use std::collections::BTreeSet;

/// Where something is, as every format writes it: `repo/path:line`,
/// `repo/notebook.ipynb cell 3:2` in a notebook, or the whole repository
/// (path `.`, line 0) for what the history or a metric shows.
pub fn location(repo: &str, path: &str, cell: Option<u32>, line: u32) -> String {
    match (path, cell) {
        (".", _) => format!("{repo} (whole repository)"),
        (_, Some(c)) => format!("{repo}/{path} cell {c}:{line}"),
        (_, None) => format!("{repo}/{path}:{line}"),
    }
}

/// How a scan report names a place: `repo@1a2b3c4:path:line` in a
/// repository read at a commit (what `git show 1a2b3c4:path` opens), else
/// `repo/path:line` (a folder without git, or a working-tree file that
/// differs from that commit).
pub struct Places<'a> {
    /// Each repository's short commit and its files changed since.
    repos: BTreeMap<&'a str, (&'a str, &'a [String])>,
}

impl<'a> Places<'a> {
    pub fn of(report: &'a Report) -> Places<'a> {
        let mut repos = BTreeMap::new();
        for r in &report.repos {
            if let Some(rev) = &r.revision {
                repos
                    .entry(r.name.as_str())
                    .or_insert((rev.get(..7).unwrap_or(rev), r.modified.as_slice()));
            }
        }
        Places { repos }
    }

    pub fn name(&self, repo: &str, path: &str, cell: Option<u32>, line: u32) -> String {
        match self.repos.get(repo) {
            Some((short, modified)) if path != "." && !modified.iter().any(|m| m == path) => {
                match cell {
                    Some(c) => format!("{repo}@{short}:{path} cell {c}:{line}"),
                    None => format!("{repo}@{short}:{path}:{line}"),
                }
            }
            _ => location(repo, path, cell, line),
        }
    }
}

/// A link that is safe to write into a page or a Markdown link: an http(s)
/// URL whose characters cannot end the link (parentheses, angle brackets,
/// quotes and spaces are percent-encoded).
pub fn safe_url(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '\'' => out.push_str("%27"),
            ' ' => out.push_str("%20"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// A competency's metrics as every format writes them: `name value, ...`,
/// ratios (coverage, shares: 0..1) as percentages.
pub fn metrics_text(metrics: &BTreeMap<String, f64>) -> String {
    metrics
        .iter()
        .map(|(k, v)| {
            if k.ends_with("_coverage") || k.ends_with("_ratio") {
                format!("{k} {:.0}%", v * 100.0)
            } else {
                format!("{k} {v}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a score (0..100) reads, with the steps every format colours it by:
/// the badge's red below 50, yellow below 75, green from 75.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    Low,
    Fair,
    Good,
}

impl Grade {
    pub fn of(score: u32) -> Grade {
        match score {
            75.. => Grade::Good,
            50..=74 => Grade::Fair,
            _ => Grade::Low,
        }
    }
}

/// A checklist status as one character (text and HTML).
pub fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Met => "✔",
        Status::Partial => "◐",
        Status::Missing => "✘",
        Status::SelfReport => "?",
        Status::NotApplicable => "–",
    }
}

/// A repository's areas in the order the reports show them: rule order of
/// first appearance.
pub fn areas(comps: &[CompetencyLevel]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for c in comps {
        if !out.contains(&c.area.as_str()) {
            out.push(&c.area);
        }
    }
    out
}

/// Competencies a project shows at most, strongest first.
const PROJECT_COMPETENCIES_SHOWN: usize = 6;

/// A monorepo's project as every format words it: its folder, what marks
/// it, its code and score, and its strongest competencies.
pub struct ProjectSummary<'a> {
    pub path: &'a str,
    pub markers: String,
    pub code: String,
    pub score: Option<u32>,
    /// `(id, level)`, strongest first, at most [`PROJECT_COMPETENCIES_SHOWN`].
    pub strongest: Vec<(&'a str, u8)>,
    /// How many more competencies it shows than listed.
    pub more: usize,
}

impl<'a> ProjectSummary<'a> {
    pub fn of(p: &'a Project) -> ProjectSummary<'a> {
        let mut seen: Vec<&CompetencyLevel> =
            p.competencies.iter().filter(|c| c.level > 0).collect();
        seen.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.id.cmp(&b.id)));
        let files = if p.python_files == 1 { "file" } else { "files" };
        let mut code = format!("{} Python {files}, {} lines", p.python_files, p.lines);
        if p.findings > 0 {
            code.push_str(&format!(", {} findings", p.findings));
        }
        ProjectSummary {
            path: &p.path,
            markers: p.markers.join(", "),
            code,
            score: p.checklist.as_ref().map(|c| c.score),
            more: seen.len().saturating_sub(PROJECT_COMPETENCIES_SHOWN),
            strongest: seen
                .into_iter()
                .take(PROJECT_COMPETENCIES_SHOWN)
                .map(|c| (c.id.as_str(), c.level))
                .collect(),
        }
    }

    /// `web.fastapi 2, env.dependencies 2, … (+3 more)`.
    pub fn strongest_text(&self) -> String {
        let list: Vec<String> = self
            .strongest
            .iter()
            .map(|(id, level)| format!("{id} {level}"))
            .collect();
        match (list.is_empty(), self.more) {
            (true, _) => "no competency seen".to_string(),
            (false, 0) => list.join(", "),
            (false, more) => format!("{} (+{more} more)", list.join(", ")),
        }
    }

    /// One line: `shop-api (requirements.txt): 1 Python file, 25 lines; score 11/100; web.fastapi 2, …`.
    pub fn line(&self) -> String {
        let score = self
            .score
            .map(|s| format!("; score {s}/100"))
            .unwrap_or_default();
        format!(
            "project {} ({}): {}{score}; {}",
            self.path,
            self.markers,
            self.code,
            self.strongest_text()
        )
    }
}

/// What `--author` kept, as every format words it: the authors' lines and
/// commits, with their totals.
pub fn authorship_line(a: &Authorship) -> String {
    let mut line = format!(
        "only the work of {} counts: {} of {} lines of Python ({:.0}%), {} of {} commits",
        a.authors.join(", "),
        a.lines,
        a.total,
        a.share * 100.0,
        a.commits,
        a.total_commits
    );
    if !a.merged.is_empty() {
        let who: Vec<String> = a
            .merged
            .iter()
            .map(|m| format!("{} ({} lines)", m.identity, m.lines))
            .collect();
        let counted = if a.merged.iter().all(|m| m.counted) {
            "counted as theirs"
        } else {
            "not counted (--repo-config report)"
        };
        line.push_str(&format!(
            "; the repository's .mailmap merges {} into them: {counted}",
            who.join(", ")
        ));
    }
    line
}

/// What following moves and each list of ignored revisions changed in
/// `--author`'s blame, as every format words it under the authorship line:
/// `blame followed 25 lines moved or copied from other files (theirs 55
/// lines with it, 30 without); .git-blame-ignore-revs (1 revision) gave 31
/// lines to earlier commits (...)`. `None` when neither did anything.
pub fn blame_line(a: &Authorship) -> Option<String> {
    let lines = |n: u64| {
        if n == 1 {
            "1 line".to_string()
        } else {
            format!("{n} lines")
        }
    };
    let mut parts = Vec::new();
    if let Some(m) = &a.moves {
        parts.push(format!(
            "blame followed {} moved or copied from other files (theirs {} with it, {} without)",
            lines(m.lines),
            lines(a.lines),
            m.theirs_without
        ));
    }
    for r in &a.ignored_revs {
        let revisions = if r.revisions == 1 {
            "1 revision".to_string()
        } else {
            format!("{} revisions", r.revisions)
        };
        let effect = format!(
            "{} to earlier commits (theirs {} with it, {} without)",
            lines(r.lines),
            lines(r.theirs_with),
            r.theirs_without
        );
        parts.push(if r.applied {
            format!("{} ({revisions}) gave {effect}", r.file)
        } else {
            format!(
                "{} ({revisions}) not applied (--repo-config report): it would give {effect}",
                r.file
            )
        });
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Each commit the lists of ignored revisions name, one line each, as
/// every format words it under [`blame_line`]: `passed over 3c1f2a9b8d7e
/// "Format with black" (Style Bot <bot@example.com>): 6 lines to earlier
/// commits, 6 of them theirs`. Who made a commit and what it says let a
/// reader judge whether passing over it is fair (a reformat, or someone
/// else's rewrite the list would credit to the authors).
pub fn ignored_commit_lines(a: &Authorship) -> Vec<String> {
    let mut out = Vec::new();
    for r in &a.ignored_revs {
        let verb = if r.applied {
            "passed over"
        } else {
            "would pass over"
        };
        for c in &r.commits {
            let lines = if c.lines == 1 { "line" } else { "lines" };
            out.push(format!(
                "{verb} {} \"{}\" ({}): {} {lines} to earlier commits, {} of them theirs",
                c.commit.get(..12).unwrap_or(&c.commit),
                c.summary,
                c.author,
                c.lines,
                c.theirs
            ));
        }
    }
    out
}

fn sources(items: &[IgnoredItem]) -> String {
    let files: BTreeSet<&str> = items.iter().map(|i| i.source.as_str()).collect();
    files.into_iter().collect::<Vec<_>>().join(", ")
}

fn items(n: usize) -> &'static str {
    if n == 1 {
        "item"
    } else {
        "items"
    }
}

/// What project files did to the score, as every format words it beside
/// the score: `scored on 10 of 66 items; 56 ignored by shop/portfolio-audit.toml
/// (the code alone scores 11/100)`, or that a repository asked to ignore
/// items and was not heeded. `None` when nothing was ignored or asked.
pub fn config_note(c: &Checklist) -> Option<String> {
    let mut parts = Vec::new();
    if !c.ignored.is_empty() {
        let n = c.ignored.len();
        let mut part = format!(
            "scored on {} of {} items; {n} ignored by {}",
            c.measurable,
            c.measurable as usize + n,
            sources(&c.ignored)
        );
        if let Some(alone) = c.measured_score {
            part.push_str(&format!(" (the code alone scores {alone}/100)"));
        }
        parts.push(part);
    }
    if !c.ignore_requests.is_empty() {
        let n = c.ignore_requests.len();
        parts.push(format!(
            "{} asked to ignore {n} {}, not applied (--repo-config report)",
            sources(&c.ignore_requests),
            items(n)
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A repository's own project file in one line: what it says, and whether
/// it counted.
pub fn statements_line(s: &Statements) -> String {
    let mut said = Vec::new();
    let list = |m: &std::collections::BTreeMap<String, String>| {
        m.iter()
            .map(|(k, v)| format!("{k} ({v})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !s.ignore.is_empty() {
        said.push(format!("ignore {}", list(&s.ignore)));
    }
    if !s.claims.is_empty() {
        said.push(format!("claims {}", list(&s.claims)));
    }
    if !s.self_report.is_empty() {
        said.push(format!("self-reports {}", list(&s.self_report)));
    }
    let counted = if s.applied {
        "applied"
    } else {
        "shown, not applied (--repo-config report)"
    };
    format!("{} {counted}: {}", s.source, said.join("; "))
}

/// What is not counted as the learner's code, in one line, as every format
/// words it: `not counted: 14 files (12 vendored, 2 generated)`, the
/// reasons by their kind (the part before `:`). `None` when all counts.
pub fn not_counted_line(list: &[NotCounted]) -> Option<String> {
    if list.is_empty() {
        return None;
    }
    let total: u64 = list.iter().map(|n| n.files).sum();
    let mut kinds: BTreeMap<&str, u64> = BTreeMap::new();
    for n in list {
        let kind = n.reason.split(':').next().unwrap_or(&n.reason);
        *kinds.entry(kind).or_default() += n.files;
    }
    let order = |k: &str| match k {
        "vendored" => 0,
        "generated" => 1,
        "gitattributes" => 2,
        _ => 3,
    };
    let mut kinds: Vec<(&str, u64)> = kinds.into_iter().collect();
    kinds.sort_by_key(|(k, _)| order(k));
    let parts: Vec<String> = kinds
        .iter()
        .map(|(k, n)| match *k {
            "gitattributes" => format!("{n} marked in .gitattributes"),
            k => format!("{n} {k}"),
        })
        .collect();
    let files = if total == 1 { "file" } else { "files" };
    Some(format!(
        "not counted: {total} {files} ({})",
        parts.join(", ")
    ))
}

/// One entry of the not-counted list: `libs/ (8 files): vendored: ...`.
pub fn not_counted_entry(n: &NotCounted) -> String {
    if n.files > 1 {
        format!("{} ({} files): {}", n.path, n.files, n.reason)
    } else {
        format!("{}: {}", n.path, n.reason)
    }
}
