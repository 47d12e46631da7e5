//! Roadmaps: checklists built from the seed roadmaps, and how a portfolio's
//! competency levels satisfy them.
//!
//! In: roadmap files (`rules/roadmaps/*.toml`, compiled in), the audited
//! repositories, and the learner's own `portfolio-audit.toml`. Out: a
//! [`Checklist`]: each item met, partial, missing, self-report or not
//! applicable, with its evidence or its next step, a score and per-phase
//! progress. It never reads a repository.

pub mod cohort;
pub mod config;
mod evaluate;
pub mod file;
pub mod plan;

use crate::model::{line_at, DataError, DataErrors, LineIndex};
pub use evaluate::{evaluate, ignored_items};
use file::RoadmapFile;
use plan::data::{self as plan_data, Milestone, Project, Stage, TRACKS};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_roadmaps.rs"));
}

/// The roadmap used when none is named.
pub const DEFAULT: &str = "professional";

/// A competency at a minimum level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    pub id: String,
    pub level: u8,
}

impl std::fmt::Display for Requirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.level > 1 {
            write!(f, "{}:{}", self.id, self.level)
        } else {
            write!(f, "{}", self.id)
        }
    }
}

#[derive(Debug, Clone)]
pub struct Phase {
    pub id: String,
    pub title: String,
    /// The specialisation it belongs to (one of [`TRACKS`]); none for all learners.
    pub track: Option<String>,
    /// Runs alongside the other phases (habits, tips, checkpoints): a plan
    /// lists its open items and schedules no weeks for it.
    pub ongoing: bool,
    /// Alternatives share a choice: a plan follows one of them.
    pub choice: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub phase: String,
    pub title: String,
    pub requires: Vec<Requirement>,
    pub any: Vec<Requirement>,
    pub self_report: bool,
    pub seed: Vec<String>,
    pub next_step: Option<String>,
    /// For a project idea: its brief.
    pub project: Option<Project>,
}

impl Item {
    /// Its requirements as reports list them: `id` or `id:level`, then
    /// `any of: a, b` for the alternatives.
    pub fn requirement_list(&self) -> Vec<String> {
        let mut out: Vec<String> = self.requires.iter().map(|r| r.to_string()).collect();
        if !self.any.is_empty() {
            let alts: Vec<String> = self.any.iter().map(|r| r.to_string()).collect();
            out.push(format!("any of: {}", alts.join(", ")));
        }
        out
    }
}

/// A checked roadmap.
#[derive(Debug, Clone)]
pub struct Roadmap {
    pub name: String,
    pub title: String,
    pub source: Option<String>,
    pub description: String,
    pub phases: Vec<Phase>,
    pub items: Vec<Item>,
    pub milestones: Vec<Milestone>,
    pub stages: Vec<Stage>,
    pub path: PathBuf,
}

pub(crate) fn parse_requirement(s: &str, known: &BTreeSet<&str>) -> Result<Requirement, String> {
    let (id, level) = match s.split_once(':') {
        Some((id, l)) => {
            let level: u8 = l
                .parse()
                .map_err(|_| format!("`{s}`: the level after `:` must be 1, 2 or 3"))?;
            (id, level)
        }
        None => (s, 1),
    };
    if !(1..=3).contains(&level) {
        return Err(format!("`{s}`: the level after `:` must be 1, 2 or 3"));
    }
    if !known.contains(id) {
        return Err(format!(
            "unknown competency `{id}`; `portfolio-audit rules list` shows the ids"
        ));
    }
    Ok(Requirement {
        id: id.to_string(),
        level,
    })
}

impl Roadmap {
    /// Parses and checks a roadmap against the loaded competency ids.
    /// Every problem is reported as `file:line: reason`.
    pub fn parse(
        path: &Path,
        text: &str,
        competencies: &BTreeSet<&str>,
    ) -> Result<Roadmap, DataErrors> {
        let file: RoadmapFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_at(text, s.start)).unwrap_or(1);
            DataErrors(vec![DataError::invalid(path, line, e.message().trim())])
        })?;
        let mut errors = Vec::new();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if file.name != stem {
            errors.push(DataError::invalid(
                path,
                1,
                format!(
                    "roadmap name `{}` must equal the file name `{stem}.toml`",
                    file.name
                ),
            ));
        }
        let lines = LineIndex::new(text);
        let mut phases: Vec<Phase> = Vec::new();
        for p in &file.phase {
            let line = lines.line(p.span().start);
            let p = p.get_ref();
            if phases.iter().any(|x| x.id == p.id) {
                errors.push(DataError::invalid(
                    path,
                    line,
                    format!("duplicate phase id `{}`", p.id),
                ));
            }
            if let Some(t) = p.track.as_deref().filter(|t| !TRACKS.contains(t)) {
                errors.push(DataError::invalid(
                    path,
                    line,
                    format!(
                        "phase `{}`: unknown track `{t}`; tracks: {}",
                        p.id,
                        TRACKS.join(", ")
                    ),
                ));
            }
            phases.push(Phase {
                id: p.id.clone(),
                title: p.title.clone(),
                track: p.track.clone(),
                ongoing: p.ongoing,
                choice: p.choice.clone(),
            });
        }
        let mut checked = plan_data::Errors {
            path,
            text,
            lines,
            competencies,
            list: errors,
        };
        let mut items: Vec<Item> = Vec::new();
        let mut item_ids: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for spanned in &file.item {
            let start = spanned.span().start;
            let it = spanned.get_ref();
            let err = |checked: &mut plan_data::Errors, field: &str, m: String| {
                let line = checked.line(start, field);
                checked.push(line, format!("item `{}`: {m}", it.id));
            };
            if !item_ids.insert(it.id.as_str()) {
                err(&mut checked, "id", "duplicate item id".to_string());
            }
            if !phases.iter().any(|p| p.id == it.phase) {
                err(
                    &mut checked,
                    "phase",
                    format!("unknown phase `{}`", it.phase),
                );
            }
            let mut parse_all = |list: &[String], field: &str| -> Vec<Requirement> {
                list.iter()
                    .filter_map(|r| match parse_requirement(r, competencies) {
                        Ok(req) => Some(req),
                        Err(m) => {
                            err(&mut checked, field, m);
                            None
                        }
                    })
                    .collect()
            };
            let requires = parse_all(&it.requires, "requires");
            let any = parse_all(&it.any, "any");
            let empty = it.requires.is_empty() && it.any.is_empty();
            if it.self_report && !empty {
                err(
                    &mut checked,
                    "self_report",
                    "a self-report item requires no competency".to_string(),
                );
            } else if !it.self_report && empty {
                err(
                    &mut checked,
                    "title",
                    "empty requirement: give `requires`/`any`, or `self_report = true`".to_string(),
                );
            }
            let mut item = Item {
                id: it.id.clone(),
                phase: it.phase.clone(),
                title: it.title.clone(),
                requires,
                any,
                self_report: it.self_report,
                seed: it.seed.clone(),
                next_step: it.next_step.clone(),
                project: None,
            };
            if let Some(p) = &it.project {
                item.project = plan_data::project(p, it, &item, &phases, &mut checked);
            }
            items.push(item);
        }
        let milestones = plan_data::milestones(&file.milestone, &items, &phases, &mut checked);
        let stages = plan_data::stages(&file.stage, &phases, &mut checked);
        let mut errors = checked.list;
        if items.is_empty() {
            errors.push(DataError::invalid(
                path,
                1,
                "a roadmap needs at least one [[item]]",
            ));
        }
        if !errors.is_empty() {
            return Err(DataErrors(errors));
        }
        Ok(Roadmap {
            name: file.name,
            title: file.title,
            source: file.source,
            description: file.description,
            phases,
            items,
            milestones,
            stages,
            path: path.to_path_buf(),
        })
    }

    /// The built-in roadmaps, in name order.
    pub fn embedded(competencies: &BTreeSet<&str>) -> Result<Vec<Roadmap>, DataErrors> {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for (name, text) in embedded::ROADMAPS {
            match Roadmap::parse(&Path::new("rules/roadmaps").join(name), text, competencies) {
                Ok(r) => out.push(r),
                Err(mut e) => errors.append(&mut e.0),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(DataErrors(errors))
        }
    }

    /// A built-in roadmap by name, or a roadmap file by path.
    pub fn find(name_or_path: &str, competencies: &BTreeSet<&str>) -> Result<Roadmap, DataErrors> {
        let as_path = Path::new(name_or_path);
        if name_or_path.ends_with(".toml") || as_path.is_file() {
            let text = std::fs::read_to_string(as_path).map_err(|source| {
                DataErrors(vec![DataError::Read {
                    path: as_path.to_path_buf(),
                    source,
                }])
            })?;
            return Roadmap::parse(as_path, &text, competencies);
        }
        // Only the roadmap asked for is parsed (a built-in roadmap's name is
        // its file's stem); the others only to name them when none matches.
        let file = format!("{name_or_path}.toml");
        if let Some((name, text)) = embedded::ROADMAPS.iter().find(|(n, _)| *n == file) {
            return Roadmap::parse(&Path::new("rules/roadmaps").join(name), text, competencies);
        }
        let all = Roadmap::embedded(competencies)?;
        let names: Vec<String> = all.iter().map(|r| r.name.clone()).collect();
        all.into_iter()
            .find(|r| r.name == name_or_path)
            .ok_or_else(|| {
                DataErrors(vec![DataError::invalid(
                    Path::new(name_or_path),
                    0,
                    format!(
                        "no roadmap of that name; built-in roadmaps: {}",
                        names.join(", ")
                    ),
                )])
            })
    }

    pub fn phase_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.phases
            .iter()
            .find(|p| p.id == id)
            .map_or(id, |p| p.title.as_str())
    }
}
