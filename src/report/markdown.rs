//! Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY`: the
//! checklist score and phases, the gaps with next steps, met items and
//! per-repository details folded in `<details>`, findings as a table.
//!
//! Everything that comes from a scanned repository (names, paths, commit
//! text, rule advice from custom rules) is escaped: it is written by
//! strangers, and a comment must not run their HTML, links or @mentions.
//! The whole stays under GitHub's comment limit; long lists are cut with a
//! count of what was left out.

use super::{authored, config_note, not_counted_line, safe_url, statements_line, Places};
use crate::model::{ItemEvidence, Status};
use crate::model::{RepoReport, Report, Tool};
use std::fmt::Write as _;
use std::io::{self, Write};

/// GitHub's limit for a comment body, in characters.
pub const LIMIT: usize = 65_536;
/// Room kept for the closing lines of each section.
const RESERVE: usize = 2_000;

/// Text safe to put anywhere in Markdown: no HTML, no links, no emphasis,
/// no table breaks, no @mentions, one line.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("&#64;"),
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '~' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A status as Markdown shows it: an emoji.
pub(crate) fn mark(s: Status) -> &'static str {
    match s {
        Status::Met => "✅",
        Status::Partial => "🟡",
        Status::Missing => "❌",
        Status::SelfReport => "📝",
        Status::NotApplicable => "➖",
    }
}

/// A place as Markdown: its name, escaped, linked to its permalink when there is one.
fn linked(name: &str, url: Option<&String>) -> String {
    match url.and_then(|u| safe_url(u)) {
        Some(u) => format!("[{}]({u})", escape(name)),
        None => escape(name),
    }
}

fn at(places: &Places, e: &ItemEvidence) -> String {
    linked(
        &places.name(&e.repo, &e.path, e.cell, e.line),
        e.url.as_ref(),
    )
}

/// Appends entries (a line each, or several for one repository) while they
/// fit in `budget` characters; then says how many `noun` did not.
pub(crate) fn push_limited(out: &mut String, entries: &[String], budget: usize, noun: &str) {
    let mut used = 0;
    for (i, entry) in entries.iter().enumerate() {
        let len = entry.chars().count() + 1;
        if used + len > budget {
            let _ = writeln!(
                out,
                "\n… {} more {noun} not shown (the report's other formats have them all)",
                entries.len() - i
            );
            return;
        }
        used += len;
        let _ = writeln!(out, "{entry}");
    }
}

/// A section with a heading and a table, given at most half the room left
/// (so the sections after it still fit); nothing for no rows.
pub(crate) fn table(out: &mut String, heading: &str, header: &str, rows: &[String], noun: &str) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n### {heading}\n\n{header}");
    let budget = remaining(out) / 2;
    push_limited(out, rows, budget, noun);
}

/// The last line: which tool wrote this, and its version.
pub(crate) fn footer(out: &mut String, tool: &Tool) {
    let _ = writeln!(
        out,
        "\n<sub>{} {}</sub>",
        escape(&tool.name),
        escape(&tool.version)
    );
}

/// Characters still free under [`LIMIT`], keeping [`RESERVE`] for closing lines.
pub(crate) fn remaining(out: &str) -> usize {
    LIMIT.saturating_sub(out.chars().count() + RESERVE)
}

fn checklist(report: &Report, out: &mut String) {
    let places = Places::of(report);
    let Some(roadmap) = &report.roadmap else {
        return;
    };
    let c = &report.portfolio.checklist;
    let count = |s: Status| c.items.iter().filter(|i| i.status == s).count();
    let audited = report.repos.iter().filter(|r| r.error.is_none()).count();
    let _ = writeln!(
        out,
        "## Portfolio audit: {}/100 on the `{}` checklist\n",
        c.score,
        escape(roadmap)
    );
    let _ =
        writeln!(
        out,
        "{audited} {} · {} met · {} partial · {} missing of {} measurable items · {} self-report\n",
        if audited == 1 { "repository" } else { "repositories" },
        count(Status::Met),
        count(Status::Partial),
        count(Status::Missing),
        c.measurable,
        count(Status::SelfReport)
    );
    if let Some(note) = config_note(c) {
        // A path from a scanned repository is in it: escaped like the rest.
        let _ = writeln!(out, "> ⚠ **{}**\n", escape(&note));
    }
    // A roadmap file may have any number of phases: they share the budget too.
    let phases: Vec<String> = c
        .phases
        .iter()
        .filter(|p| p.met + p.partial + p.missing > 0)
        .map(|p| {
            let measured = p.met + p.partial + p.missing;
            format!(
                "| {} | {}% | {}/{} |",
                escape(&p.title),
                p.score,
                p.met,
                measured
            )
        })
        .collect();
    let _ = writeln!(out, "| Phase | Progress | Met |\n|---|---:|---:|");
    let budget = remaining(out) / 4;
    push_limited(out, &phases, budget, "phases");
    let gaps: Vec<String> = c
        .items
        .iter()
        .filter(|i| i.status.is_gap())
        .map(|i| {
            format!(
                "| {} | {} | {} |",
                mark(i.status),
                authored::markdown(&i.title, true, true),
                authored::markdown(&i.next_step, true, true)
            )
        })
        .collect();
    let heading = format!("Gaps ({}), in roadmap order", gaps.len());
    table(
        out,
        &heading,
        "| | Item | Next step |\n|---|---|---|",
        &gaps,
        "gaps",
    );
    let met: Vec<String> = c
        .items
        .iter()
        .filter(|i| i.status == Status::Met)
        .map(|i| {
            let shown = i
                .evidence
                .first()
                .map(|e| format!(" — {}", at(&places, e)))
                .unwrap_or_default();
            format!(
                "- {} {}{shown}",
                mark(i.status),
                authored::markdown(&i.title, true, false)
            )
        })
        .collect();
    if !met.is_empty() {
        let _ = writeln!(out, "\n<details><summary>Met ({})</summary>\n", met.len());
        let budget = remaining(out) / 2;
        push_limited(out, &met, budget, "met items");
        let _ = writeln!(out, "\n</details>");
    }
}

fn findings(report: &Report, out: &mut String) {
    let places = Places::of(report);
    let rows: Vec<String> = report
        .repos
        .iter()
        .flat_map(|r| {
            r.findings.iter().map(|f| {
                let place = linked(
                    &places.name(&r.name, &f.path, f.cell, f.line),
                    f.url.as_ref(),
                );
                format!(
                    "| {} | {place} | {} |",
                    escape(&f.id),
                    authored::markdown(&f.message, false, true)
                )
            })
        })
        .collect();
    let heading = format!("Findings ({})", rows.len());
    table(
        out,
        &heading,
        "| Finding | Where | What to do |\n|---|---|---|",
        &rows,
        "findings",
    );
}

/// Each student's score and first gaps, then who meets each item.
fn cohort(report: &Report, out: &mut String) {
    let Some(cohort) = &report.cohort else {
        return;
    };
    let n = cohort.students.len();
    let students: Vec<String> = cohort
        .students
        .iter()
        .map(|s| {
            let gaps: Vec<String> = s
                .gaps
                .iter()
                .map(|g| {
                    format!(
                        "{} {}",
                        mark(g.status),
                        authored::markdown(&g.title, true, true)
                    )
                })
                .collect();
            let score = if s.repos.is_empty() {
                "not audited".to_string()
            } else {
                format!("{}/100", s.score)
            };
            format!(
                "| {} | {score} | {} | {} |",
                escape(&s.label),
                escape(&s.repos.join(", ")),
                gaps.join("<br>")
            )
        })
        .collect();
    let heading = format!("Cohort ({n} students)");
    table(
        out,
        &heading,
        "| Student | Score | Repositories | First gaps |\n|---|---:|---|---|",
        &students,
        "students",
    );
    let items: Vec<String> = cohort
        .items
        .iter()
        .map(|i| {
            format!(
                "| {} | {}/{n} | {} |",
                authored::markdown(&i.title, true, true),
                i.met,
                escape(&i.met_by.join(", "))
            )
        })
        .collect();
    table(
        out,
        "Checklist items across the cohort",
        "| Item | Met | By |\n|---|---:|---|",
        &items,
        "items",
    );
}

fn repo_lines(r: &RepoReport, places: &Places) -> Vec<String> {
    let who = r
        .label
        .as_ref()
        .map(|l| format!("{} · ", escape(l)))
        .unwrap_or_default();
    if let Some(e) = &r.error {
        return vec![format!(
            "- {who}**{}**: not audited: {}",
            escape(&r.name),
            escape(e)
        )];
    }
    let mut lines = vec![format!(
        "- {who}**{}**: {} files, {} Python ({} lines)",
        escape(&r.name),
        r.stats.files,
        r.stats.python_files,
        r.stats.lines
    )];
    if let Some(d) = &r.discovered {
        lines.push(format!("  - read as {}", escape(d)));
    }
    for p in &r.projects {
        lines.push(format!(
            "  - {}",
            escape(&super::ProjectSummary::of(p).line())
        ));
    }
    if let Some(a) = &r.authorship {
        lines.push(format!("  - {}", escape(&super::authorship_line(a))));
        if let Some(line) = super::blame_line(a) {
            lines.push(format!("  - {}", escape(&line)));
        }
        for line in super::ignored_commit_lines(a) {
            lines.push(format!("    - {}", escape(&line)));
        }
    }
    for f in &r.flags {
        lines.push(format!("  - ⚑ {}: {}", escape(&f.id), escape(&f.reason)));
    }
    if let Some(st) = &r.statements {
        lines.push(format!("  - {}", escape(&statements_line(st))));
    }
    if let Some(line) = not_counted_line(&r.not_counted) {
        lines.push(format!("  - {}", escape(&line)));
    }
    for c in r.competencies.iter().filter(|c| c.level > 0) {
        let shown = c
            .evidence
            .first()
            .map(|e| {
                let name = places.name(&r.name, &e.path, e.cell, e.line);
                format!(" {}", linked(&name, e.url.as_ref()))
            })
            .unwrap_or_default();
        lines.push(format!("  - {} level {}{shown}", escape(&c.id), c.level));
    }
    lines
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut md = String::new();
    checklist(report, &mut md);
    cohort(report, &mut md);
    findings(report, &mut md);
    let places = Places::of(report);
    let repos: Vec<String> = report
        .repos
        .iter()
        .map(|r| repo_lines(r, &places).join("\n"))
        .collect();
    if !repos.is_empty() {
        let _ = writeln!(
            md,
            "\n<details><summary>Repositories ({})</summary>\n",
            report.repos.len()
        );
        let budget = remaining(&md);
        push_limited(&mut md, &repos, budget, "repositories");
        let _ = writeln!(md, "\n</details>");
    }
    footer(&mut md, &report.tool);
    out.write_all(md.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn repository_text_cannot_inject() {
        let e = escape(
            "<script>alert(1)</script> [x](javascript:alert(1)) @octocat a|b <img onerror=x>",
        );
        assert!(!e.contains('<') && !e.contains('>'), "{e}");
        assert!(!e.contains("](") && !e.contains("@octocat"), "{e}");
        assert!(e.contains("\\|"), "{e}");
    }
}
