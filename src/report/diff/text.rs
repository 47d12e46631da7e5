//! The diff for the terminal: the summary, then each change with its evidence.

use crate::model::diff::{Diff, Direction, LevelChange, RepoFinding};
use crate::model::Status;
use crate::report::location;
use std::io::{self, Write};

fn change_word(c: LevelChange) -> &'static str {
    match c {
        LevelChange::Gained => "gained",
        LevelChange::Raised => "raised",
        LevelChange::Lowered => "lowered",
        LevelChange::Lost => "lost",
    }
}

fn status(s: Option<Status>) -> &'static str {
    s.map_or("(not in this checklist)", |s| s.as_str())
}

fn finding(out: &mut dyn Write, word: &str, f: &RepoFinding) -> io::Result<()> {
    let at = location(&f.repo, &f.path, f.cell, f.line);
    writeln!(out, "  {word:8} {:24} {at}  {}", f.id, f.message)
}

pub fn render(d: &Diff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", d.summary)?;
    let roadmap = d
        .roadmap
        .as_deref()
        .map(|r| format!("Checklist `{r}`: "))
        .unwrap_or_default();
    writeln!(out, "{roadmap}{} → {}", d.base.label(), d.head.label())?;
    if d.is_empty() {
        return writeln!(out, "No competency, checklist item or finding changed.");
    }
    if !d.competencies.is_empty() {
        writeln!(out, "\nCompetencies ({})", d.competencies.len())?;
        let width = d.competencies.iter().map(|c| c.id.len()).max().unwrap_or(0);
        for c in &d.competencies {
            writeln!(
                out,
                "  {:7}  {:width$}  level {} → {}  {}  [{}]",
                change_word(c.change),
                c.id,
                c.before,
                c.after,
                c.title,
                c.repo
            )?;
            for (sign, list) in [("+", &c.appeared), ("-", &c.disappeared)] {
                for e in list {
                    let at = location(&c.repo, &e.path, e.cell, e.line);
                    writeln!(out, "      {sign} {at}  {}", e.detail)?;
                }
            }
        }
    }
    if !d.items.is_empty() {
        writeln!(out, "\nChecklist items ({})", d.items.len())?;
        for i in &d.items {
            let mark = match i.direction {
                Direction::Better => "✔",
                Direction::Worse => "✘",
                Direction::Other => "–",
            };
            writeln!(
                out,
                "  {mark} {}  {} → {}",
                i.title,
                status(i.before),
                status(i.after)
            )?;
            if let Some(e) = i.evidence.first() {
                writeln!(out, "      {}", location(&e.repo, &e.path, e.cell, e.line))?;
            }
            if !i.next_step.is_empty() {
                writeln!(out, "      next: {}", i.next_step)?;
            }
        }
    }
    let f = &d.findings;
    if !f.new.is_empty() || !f.resolved.is_empty() {
        writeln!(
            out,
            "\nFindings ({} new, {} resolved)",
            f.new.len(),
            f.resolved.len()
        )?;
        for x in &f.new {
            finding(out, "new", x)?;
        }
        for x in &f.resolved {
            finding(out, "resolved", x)?;
        }
    }
    let config = super::config_lines(&d.config);
    if !config.is_empty() {
        writeln!(
            out,
            "\nConfiguration, not code (portfolio-audit.toml; {})",
            config.len()
        )?;
        for line in config {
            writeln!(out, "  {line}")?;
        }
    }
    let r = &d.repos;
    if !r.added.is_empty() {
        writeln!(out, "\nRepositories added: {}", r.added.join(", "))?;
    }
    if !r.removed.is_empty() {
        writeln!(out, "\nRepositories removed: {}", r.removed.join(", "))?;
    }
    for n in &r.not_compared {
        writeln!(out, "\nNot compared: {}: {}", n.name, n.reason)?;
    }
    Ok(())
}
