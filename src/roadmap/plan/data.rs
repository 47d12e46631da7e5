//! What a plan is made from, checked: project briefs (`[item.project]`),
//! milestones (`[[milestone]]`) and the seeds' durations (`[[stage]]`) of a
//! roadmap file. Like the items, every problem is `file:line: reason`, at
//! the line of the field (or the check) that is wrong.

use super::super::file::{CheckFile, ItemFile, MilestoneFile, ProjectFile, StageFile};
use super::super::{parse_requirement, Item, Phase, Requirement};
use crate::model::{field_offset, DataError, LineIndex};
use std::collections::BTreeSet;
use std::path::Path;
use toml::Spanned;

/// The specialisations a phase may belong to (`--track`).
pub const TRACKS: [&str; 5] = ["web", "data", "ai", "automation", "devops"];

/// How a seed ranks a project idea.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProjectLevel {
    Beginner,
    Intermediate,
    Advanced,
}

impl ProjectLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectLevel::Beginner => "beginner",
            ProjectLevel::Intermediate => "intermediate",
            ProjectLevel::Advanced => "advanced",
        }
    }
}

/// A seed's duration: `min`..=`max` weeks or months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub min: u32,
    pub max: u32,
    pub months: bool,
}

/// Weeks in a month, for durations a seed gives in months.
const WEEKS_PER_MONTH: f64 = 52.0 / 12.0;

impl Duration {
    /// The middle of the range, in weeks.
    pub fn mid_weeks(&self) -> f64 {
        let mid = f64::from(self.min + self.max) / 2.0;
        if self.months {
            mid * WEEKS_PER_MONTH
        } else {
            mid
        }
    }

    /// `4–6 weeks`, `1 week`, `1–2 months`.
    pub fn text(&self) -> String {
        let unit = match (self.months, self.max) {
            (true, 1) => "month",
            (true, _) => "months",
            (false, 1) => "week",
            (false, _) => "weeks",
        };
        range_text(self.min, self.max, unit)
    }
}

/// `4–6 weeks`, or `3 weeks` when both ends are equal.
pub fn range_text(min: u32, max: u32, unit: &str) -> String {
    if min == max {
        format!("{min} {unit}")
    } else {
        format!("{min}–{max} {unit}")
    }
}

/// One acceptance check: what to build, and the competency (at a level)
/// the audit shows once it is built.
#[derive(Debug, Clone)]
pub struct Check {
    pub needs: Requirement,
    pub text: String,
}

/// A project idea's brief, checked.
#[derive(Debug, Clone)]
pub struct Project {
    /// The phase a plan places it in.
    pub phase: String,
    pub level: Option<ProjectLevel>,
    pub duration: Option<Duration>,
    /// What makes it this project; empty: the item's requirements.
    pub shows: Vec<Requirement>,
    pub scope: String,
    pub checks: Vec<Check>,
    pub seed: Vec<String>,
}

/// A checkpoint of the seed, made of items.
#[derive(Debug, Clone)]
pub struct Milestone {
    pub id: String,
    pub title: String,
    pub phase: String,
    pub items: Vec<String>,
    pub seed: Vec<String>,
}

/// Phases the seed gives one duration for.
#[derive(Debug, Clone)]
pub struct Stage {
    pub id: String,
    pub title: String,
    pub phases: Vec<String>,
    pub duration: Duration,
    /// The hours a week that duration assumes, when the seed says.
    pub hours_per_week: Option<(u32, u32)>,
    pub seed: Vec<String>,
}

/// Where problems go, and how a table's fields find their lines.
pub(in crate::roadmap) struct Errors<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    /// The lines of `text`: many tables look up theirs.
    pub lines: LineIndex,
    pub competencies: &'a BTreeSet<&'a str>,
    pub list: Vec<DataError>,
}

impl Errors<'_> {
    /// The line of `field` in the table whose header starts at `start`
    /// (the header's line when the field is absent).
    pub fn line(&self, start: usize, field: &str) -> usize {
        let table = self.text.get(start..).unwrap_or("");
        field_offset(table, field).map_or(self.lines.line(start), |o| self.lines.line(start + o))
    }

    pub fn push(&mut self, line: usize, message: String) {
        self.list.push(DataError::invalid(self.path, line, message));
    }

    /// Requirements of one field, each checked; the bad ones reported.
    fn requirements(&mut self, list: &[String], line: usize, what: &str) -> Vec<Requirement> {
        let mut out = Vec::new();
        for r in list {
            match parse_requirement(r, self.competencies) {
                Ok(req) => out.push(req),
                Err(m) => self.push(line, format!("{what}: {m}")),
            }
        }
        out
    }

    /// A `[min, max]` (or `[n]`) range of positive numbers.
    fn range(&mut self, values: &[u32], line: usize, what: &str) -> Option<(u32, u32)> {
        match values {
            [n] if *n > 0 => Some((*n, *n)),
            [min, max] if *min > 0 && min <= max => Some((*min, *max)),
            _ => {
                self.push(
                    line,
                    format!("{what}: give `[min, max]` with 0 < min <= max, or one number"),
                );
                None
            }
        }
    }

    /// A duration from `weeks` or `months` (exactly one of them when required).
    fn duration(
        &mut self,
        weeks: Option<&Vec<u32>>,
        months: Option<&Vec<u32>>,
        start: usize,
        what: &str,
        required: bool,
    ) -> Option<Duration> {
        match (weeks, months) {
            (Some(_), Some(_)) => {
                let line = self.line(start, "months");
                self.push(line, format!("{what}: give `weeks` or `months`, not both"));
                None
            }
            (Some(w), None) => {
                let line = self.line(start, "weeks");
                self.range(w, line, &format!("{what}: weeks"))
                    .map(|(min, max)| Duration {
                        min,
                        max,
                        months: false,
                    })
            }
            (None, Some(m)) => {
                let line = self.line(start, "months");
                self.range(m, line, &format!("{what}: months"))
                    .map(|(min, max)| Duration {
                        min,
                        max,
                        months: true,
                    })
            }
            (None, None) => {
                if required {
                    let line = self.line(start, "id");
                    self.push(line, format!("{what}: give its `weeks` or `months`"));
                }
                None
            }
        }
    }
}

fn known_phase(phases: &[Phase], id: &str) -> bool {
    phases.iter().any(|p| p.id == id)
}

/// Checks an item's project brief: its phase, level, duration, what it
/// shows, and that its checks lead to the item (every `requires` at its
/// level, one of `any`).
pub(in crate::roadmap) fn project(
    spanned: &Spanned<ProjectFile>,
    item: &ItemFile,
    checked: &Item,
    phases: &[Phase],
    errors: &mut Errors,
) -> Option<Project> {
    let start = spanned.span().start;
    let p = spanned.get_ref();
    let what = format!("item `{}`: project", item.id);
    let before = errors.list.len();
    let phase = p.phase.clone().unwrap_or_else(|| item.phase.clone());
    if !known_phase(phases, &phase) {
        let line = errors.line(start, "phase");
        errors.push(line, format!("{what}: unknown phase `{phase}`"));
    }
    let level = match p.level.as_deref() {
        None => None,
        Some("beginner") => Some(ProjectLevel::Beginner),
        Some("intermediate") => Some(ProjectLevel::Intermediate),
        Some("advanced") => Some(ProjectLevel::Advanced),
        Some(other) => {
            let line = errors.line(start, "level");
            errors.push(
                line,
                format!("{what}: level `{other}` is not beginner, intermediate or advanced"),
            );
            None
        }
    };
    let duration = errors.duration(p.weeks.as_ref(), p.months.as_ref(), start, &what, false);
    let line = errors.line(start, "shows");
    let shows = errors.requirements(&p.shows, line, &format!("{what}: shows"));
    if p.scope.trim().is_empty() {
        let line = errors.line(start, "scope");
        errors.push(line, format!("{what}: the scope is empty"));
    }
    let checks: Vec<Check> = p
        .checks
        .iter()
        .filter_map(|c| check(c, &what, errors))
        .collect();
    if item.self_report {
        if !p.checks.is_empty() {
            let line = errors.line(start, "checks");
            errors.push(
                line,
                format!("{what}: a self-report project has no checks: no repository can show it"),
            );
        }
    } else if p.checks.is_empty() {
        let line = errors.line(start, "checks");
        errors.push(
            line,
            format!("{what}: give `checks`, the acceptance checks the audit recognises"),
        );
    } else if errors.list.len() == before {
        let covers = |r: &Requirement| {
            checks
                .iter()
                .any(|c| c.needs.id == r.id && c.needs.level >= r.level)
        };
        let line = errors.line(start, "checks");
        for r in checked.requires.iter().filter(|r| !covers(r)) {
            errors.push(
                line,
                format!("{what}: no check leads to `{r}`, which the item requires; add `{{ needs = \"{r}\", text = \"...\" }}`"),
            );
        }
        if !checked.any.is_empty() && !checked.any.iter().any(covers) {
            let alts: Vec<String> = checked.any.iter().map(|r| r.to_string()).collect();
            errors.push(
                line,
                format!(
                    "{what}: no check leads to any of `{}`, one of which the item requires",
                    alts.join("`, `")
                ),
            );
        }
    }
    (errors.list.len() == before).then(|| Project {
        phase,
        level,
        duration,
        shows,
        scope: p.scope.trim().to_string(),
        checks,
        seed: p.seed.clone(),
    })
}

fn check(spanned: &Spanned<CheckFile>, what: &str, errors: &mut Errors) -> Option<Check> {
    let line = errors.lines.line(spanned.span().start);
    let c = spanned.get_ref();
    if c.text.trim().is_empty() {
        errors.push(line, format!("{what}: check `{}` has no text", c.needs));
        return None;
    }
    match parse_requirement(&c.needs, errors.competencies) {
        Ok(needs) => Some(Check {
            needs,
            text: c.text.trim().to_string(),
        }),
        Err(m) => {
            errors.push(line, format!("{what}: check: {m}"));
            None
        }
    }
}

/// Checks the milestones: unique ids, known phases, existing items.
pub(in crate::roadmap) fn milestones(
    file: &[Spanned<MilestoneFile>],
    items: &[Item],
    phases: &[Phase],
    errors: &mut Errors,
) -> Vec<Milestone> {
    let mut out: Vec<Milestone> = Vec::new();
    for spanned in file {
        let start = spanned.span().start;
        let m = spanned.get_ref();
        let what = format!("milestone `{}`", m.id);
        let before = errors.list.len();
        if out.iter().any(|x| x.id == m.id) {
            let line = errors.line(start, "id");
            errors.push(line, format!("{what}: duplicate milestone id"));
        }
        if !known_phase(phases, &m.phase) {
            let line = errors.line(start, "phase");
            errors.push(line, format!("{what}: unknown phase `{}`", m.phase));
        }
        let line = errors.line(start, "items");
        if m.items.is_empty() {
            errors.push(line, format!("{what}: give its `items`"));
        }
        for id in &m.items {
            if !items.iter().any(|i| &i.id == id) {
                errors.push(line, format!("{what}: unknown item `{id}`"));
            }
        }
        let title = match (&m.title, m.items.as_slice()) {
            (Some(t), _) => t.clone(),
            (None, [one]) => items
                .iter()
                .find(|i| &i.id == one)
                .map(|i| i.title.clone())
                .unwrap_or_default(),
            (None, _) => {
                let line = errors.line(start, "id");
                errors.push(
                    line,
                    format!("{what}: give a `title` (only a one-item milestone takes its item's)"),
                );
                String::new()
            }
        };
        if errors.list.len() == before {
            out.push(Milestone {
                id: m.id.clone(),
                title,
                phase: m.phase.clone(),
                items: m.items.clone(),
                seed: m.seed.clone(),
            });
        }
    }
    out
}

/// Checks the stages: unique ids, known phases each in one stage at most,
/// a duration, and the hours a week when given.
pub(in crate::roadmap) fn stages(
    file: &[Spanned<StageFile>],
    phases: &[Phase],
    errors: &mut Errors,
) -> Vec<Stage> {
    let mut out: Vec<Stage> = Vec::new();
    for spanned in file {
        let start = spanned.span().start;
        let s = spanned.get_ref();
        let what = format!("stage `{}`", s.id);
        let before = errors.list.len();
        if out.iter().any(|x| x.id == s.id) {
            let line = errors.line(start, "id");
            errors.push(line, format!("{what}: duplicate stage id"));
        }
        let line = errors.line(start, "phases");
        if s.phases.is_empty() {
            errors.push(line, format!("{what}: give its `phases`"));
        }
        for p in &s.phases {
            if !known_phase(phases, p) {
                errors.push(line, format!("{what}: unknown phase `{p}`"));
            } else if let Some(other) = out.iter().find(|x| x.phases.contains(p)) {
                errors.push(
                    line,
                    format!("{what}: phase `{p}` is already in stage `{}`", other.id),
                );
            } else if phases.iter().any(|x| &x.id == p && x.ongoing) {
                errors.push(
                    line,
                    format!("{what}: phase `{p}` runs alongside the others (ongoing): it takes no weeks of its own"),
                );
            }
        }
        let duration = errors.duration(s.weeks.as_ref(), s.months.as_ref(), start, &what, true);
        let hours = s.hours_per_week.as_ref().and_then(|h| {
            let line = errors.line(start, "hours_per_week");
            errors.range(h, line, &format!("{what}: hours_per_week"))
        });
        if let (Some(duration), true) = (duration, errors.list.len() == before) {
            out.push(Stage {
                id: s.id.clone(),
                title: s.title.clone(),
                phases: s.phases.clone(),
                duration,
                hours_per_week: hours,
                seed: s.seed.clone(),
            });
        }
    }
    out
}
