//! `portfolio-audit roadmaps ...`: the checklists, their items and requirements.

use super::output::OutputArgs;
use super::{ListFormat as Format, RulesArg};
use crate::exit_codes;
use crate::portfolio::plan::{range_text, Item, Project};
use crate::portfolio::{Roadmap, RuleSet};
use std::io::Write;

/// `portfolio-audit roadmaps ...`: the subcommand, and where its output goes.
#[derive(Debug, clap::Args)]
pub struct RoadmapsArgs {
    #[command(subcommand)]
    pub command: RoadmapsCommand,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum RoadmapsCommand {
    /// List the built-in roadmaps: name, items (measurable / self-report), title, seed.
    #[command(after_help = "Example:\n  portfolio-audit roadmaps list --format json")]
    List {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show a roadmap's phases and items, what each requires, and which are self-report.
    #[command(
        after_help = "Examples:\n  portfolio-audit roadmaps show professional\n  portfolio-audit roadmaps show my-roadmap.toml --format json"
    )]
    Show {
        /// A built-in roadmap's name, or a roadmap file.
        name: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        rules: RulesArg,
    },
}

fn roadmap_json(r: &Roadmap) -> serde_json::Value {
    serde_json::json!({
        "name": r.name,
        "title": r.title,
        "source": r.source,
        "description": r.description,
        "phases": r.phases.iter().map(|p| serde_json::json!({
            "id": p.id,
            "title": p.title,
            "track": p.track,
            "ongoing": p.ongoing,
            "choice": p.choice,
        })).collect::<Vec<_>>(),
        "items": r.items.iter().map(|i| serde_json::json!({
            "id": i.id,
            "phase": i.phase,
            "title": i.title,
            "requires": i.requires.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
            "any": i.any.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
            "self_report": i.self_report,
            "project": i.project.as_ref().map(|p| serde_json::json!({
                "phase": p.phase,
                "level": p.level.map(|l| l.as_str()),
                "duration": p.duration.map(|d| d.text()),
                "shows": p.shows.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
                "scope": p.scope,
                "checks": p.checks.iter().map(|c| serde_json::json!({
                    "needs": c.needs.to_string(),
                    "text": c.text,
                })).collect::<Vec<_>>(),
                "seed": p.seed,
            })),
        })).collect::<Vec<_>>(),
        "milestones": r.milestones.iter().map(|m| serde_json::json!({
            "id": m.id,
            "title": m.title,
            "phase": m.phase,
            "items": m.items,
            "seed": m.seed,
        })).collect::<Vec<_>>(),
        "stages": r.stages.iter().map(|s| serde_json::json!({
            "id": s.id,
            "title": s.title,
            "phases": s.phases,
            "duration": s.duration.text(),
            "hours_per_week": s.hours_per_week.map(|(a, b)| [a, b]),
            "seed": s.seed,
        })).collect::<Vec<_>>(),
    })
}

/// A requirement list as `roadmaps show` writes it: `a + b:2 + one of c | d`.
fn needs(i: &Item) -> String {
    if i.self_report {
        return "self-report".to_string();
    }
    let mut parts: Vec<String> = i.requires.iter().map(|x| x.to_string()).collect();
    if !i.any.is_empty() {
        parts.push(format!(
            "one of {}",
            i.any
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    parts.join(" + ")
}

/// A project idea's brief, under its item.
fn write_project(out: &mut dyn Write, r: &Roadmap, p: &Project) -> std::io::Result<()> {
    let mut facts = vec![format!("project in {}", r.phase_title(&p.phase))];
    if let Some(l) = p.level {
        facts.push(l.as_str().to_string());
    }
    if let Some(d) = p.duration {
        facts.push(d.text());
    }
    if !p.shows.is_empty() {
        let shows: Vec<String> = p.shows.iter().map(|x| x.to_string()).collect();
        facts.push(format!("shows {}", shows.join(" + ")));
    }
    writeln!(out, "      {}", facts.join(" · "))?;
    writeln!(out, "      scope: {}", p.scope)?;
    for c in &p.checks {
        writeln!(out, "      check {}: {}", c.needs, c.text)?;
    }
    Ok(())
}

/// The milestones and the seed's durations, after the phases.
fn write_plan_data(out: &mut dyn Write, r: &Roadmap) -> std::io::Result<()> {
    if !r.milestones.is_empty() {
        writeln!(out, "\nMilestones")?;
        for m in &r.milestones {
            writeln!(
                out,
                "  {:28} {}  [{}; closes {}]",
                m.id,
                m.title,
                m.items.join(", "),
                r.phase_title(&m.phase)
            )?;
        }
    }
    if !r.stages.is_empty() {
        writeln!(out, "\nDurations the seed gives")?;
        for s in &r.stages {
            let hours = s
                .hours_per_week
                .map(|(a, b)| format!(" at {} a week", range_text(a, b, "hours")))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:28} {}: {}{hours}  [{}]",
                s.id,
                s.title,
                s.duration.text(),
                s.phases.join(", ")
            )?;
        }
    }
    Ok(())
}

pub fn run(args: &RoadmapsArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let mut buffer = Vec::new();
    let code = run_command(&args.command, &mut buffer, err)?;
    args.output.write(&buffer, out)?;
    Ok(code)
}

fn run_command(
    cmd: &RoadmapsCommand,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<u8> {
    let rules_dir = match cmd {
        RoadmapsCommand::Show { rules, .. } => rules.rules.clone(),
        RoadmapsCommand::List { .. } => None,
    };
    let rules = match RuleSet::with_dir(rules_dir.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "error: invalid rules:\n{e}")?;
            return Ok(exit_codes::USAGE);
        }
    };
    let ids = rules.ids();
    match cmd {
        RoadmapsCommand::List { format } => {
            let all = match Roadmap::embedded(&ids) {
                Ok(a) => a,
                Err(e) => {
                    writeln!(err, "error: invalid roadmaps:\n{e}")?;
                    return Ok(exit_codes::USAGE);
                }
            };
            match format {
                Format::Json => {
                    let list: Vec<serde_json::Value> = all
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "name": r.name, "title": r.title, "source": r.source,
                                "items": r.items.len(),
                                "self_report": r.items.iter().filter(|i| i.self_report).count(),
                            })
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut *out, &list)?;
                    writeln!(out)?;
                }
                Format::Text => {
                    for r in &all {
                        let sr = r.items.iter().filter(|i| i.self_report).count();
                        let source = r
                            .source
                            .as_deref()
                            .map(|s| format!(" (from {s})"))
                            .unwrap_or_default();
                        writeln!(
                            out,
                            "{:22} {:3} items ({:2} self-report)  {}{source}",
                            r.name,
                            r.items.len(),
                            sr,
                            r.title
                        )?;
                    }
                }
            }
            Ok(exit_codes::OK)
        }
        RoadmapsCommand::Show { name, format, .. } => {
            let r = match Roadmap::find(name, &ids) {
                Ok(r) => r,
                Err(e) => {
                    writeln!(err, "error: {e}")?;
                    return Ok(exit_codes::USAGE);
                }
            };
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut *out, &roadmap_json(&r))?;
                    writeln!(out)?;
                }
                Format::Text => {
                    writeln!(out, "{} — {}", r.name, r.title)?;
                    if let Some(s) = &r.source {
                        writeln!(out, "from the seed roadmap {s}")?;
                    }
                    if !r.description.is_empty() {
                        writeln!(out, "{}", r.description)?;
                    }
                    for p in &r.phases {
                        let mut notes = Vec::new();
                        if let Some(t) = &p.track {
                            notes.push(format!("track {t}"));
                        }
                        if p.ongoing {
                            notes.push("alongside the others".to_string());
                        }
                        if let Some(c) = &p.choice {
                            notes.push(format!("one {c} of several"));
                        }
                        if notes.is_empty() {
                            writeln!(out, "\n{}", p.title)?;
                        } else {
                            writeln!(out, "\n{} ({})", p.title, notes.join(", "))?;
                        }
                        for i in r.items.iter().filter(|i| i.phase == p.id) {
                            writeln!(out, "  {:28} {}  [{}]", i.id, i.title, needs(i))?;
                            if let Some(project) = &i.project {
                                write_project(out, &r, project)?;
                            }
                        }
                    }
                    write_plan_data(out, &r)?;
                }
            }
            Ok(exit_codes::OK)
        }
    }
}
