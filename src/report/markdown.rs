//! Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY`: the
//! checklist score and phases, the gaps with next steps, met items and
//! per-repository details folded in `<details>`, findings as a table.
//!
//! Everything that comes from a scanned repository (names, paths, commit
//! text, rule advice from custom rules) is escaped: it is written by
//! strangers, and a comment must not run their HTML, links or @mentions.
//! The whole stays under GitHub's comment limit; long lists are cut with a
//! count of what was left out.

use super::location;
use super::model::{RepoReport, Report};
use crate::roadmap::{ItemEvidence, Status};
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

fn mark(s: Status) -> &'static str {
    match s {
        Status::Met => "✅",
        Status::Partial => "🟡",
        Status::Missing => "❌",
        Status::SelfReport => "📝",
        Status::NotApplicable => "➖",
    }
}

fn at(e: &ItemEvidence) -> String {
    escape(&location(&e.repo, &e.path, e.cell, e.line))
}

/// Appends lines while they fit in `budget` characters; then says how many did not.
pub(crate) fn push_limited(out: &mut String, lines: &[String], budget: usize) {
    let start = out.chars().count();
    for (i, line) in lines.iter().enumerate() {
        if out.chars().count() - start + line.chars().count() + 1 > budget {
            let _ = writeln!(
                out,
                "\n… {} more not shown (the report's other formats have them all)",
                lines.len() - i
            );
            return;
        }
        let _ = writeln!(out, "{line}");
    }
}

/// A section with a heading and a table, given at most half the room left
/// (so the sections after it still fit); nothing for no rows.
fn table(out: &mut String, heading: &str, header: &str, rows: &[String]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n### {heading}\n\n{header}");
    let budget = remaining(out) / 2;
    push_limited(out, rows, budget);
}

fn remaining(out: &str) -> usize {
    LIMIT.saturating_sub(out.chars().count() + RESERVE)
}

fn checklist(report: &Report, out: &mut String) {
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
    let _ = writeln!(out, "| Phase | Progress | Met |\n|---|---:|---:|");
    for p in &c.phases {
        let measured = p.met + p.partial + p.missing;
        if measured > 0 {
            let _ = writeln!(
                out,
                "| {} | {}% | {}/{} |",
                escape(&p.title),
                p.score,
                p.met,
                measured
            );
        }
    }
    let gaps: Vec<String> = c
        .items
        .iter()
        .filter(|i| matches!(i.status, Status::Partial | Status::Missing))
        .map(|i| {
            format!(
                "| {} | {} | {} |",
                mark(i.status),
                escape(&i.title),
                escape(&i.next_step)
            )
        })
        .collect();
    let heading = format!("Gaps ({}), in roadmap order", gaps.len());
    table(
        out,
        &heading,
        "| | Item | Next step |\n|---|---|---|",
        &gaps,
    );
    let met: Vec<String> = c
        .items
        .iter()
        .filter(|i| i.status == Status::Met)
        .map(|i| {
            let shown = i
                .evidence
                .first()
                .map(|e| format!(" — {}", at(e)))
                .unwrap_or_default();
            format!("- {} {}{shown}", mark(i.status), escape(&i.title))
        })
        .collect();
    if !met.is_empty() {
        let _ = writeln!(out, "\n<details><summary>Met ({})</summary>\n", met.len());
        let budget = remaining(out) / 2;
        push_limited(out, &met, budget);
        let _ = writeln!(out, "\n</details>");
    }
}

fn findings(report: &Report, out: &mut String) {
    let rows: Vec<String> = report
        .repos
        .iter()
        .flat_map(|r| {
            r.findings.iter().map(move |f| {
                let place = escape(&location(&r.name, &f.path, f.cell, f.line));
                format!("| {} | {place} | {} |", escape(&f.id), escape(&f.message))
            })
        })
        .collect();
    let heading = format!("Findings ({})", rows.len());
    table(
        out,
        &heading,
        "| Finding | Where | What to do |\n|---|---|---|",
        &rows,
    );
}

fn repo_lines(r: &RepoReport) -> Vec<String> {
    if let Some(e) = &r.error {
        return vec![format!(
            "- **{}**: not audited: {}",
            escape(&r.name),
            escape(e)
        )];
    }
    let mut lines = vec![format!(
        "- **{}**: {} files, {} Python ({} lines)",
        escape(&r.name),
        r.stats.files,
        r.stats.python_files,
        r.stats.lines
    )];
    if let Some(a) = &r.authorship {
        lines.push(format!("  - {}", escape(&super::authorship_line(a))));
    }
    for f in &r.flags {
        lines.push(format!("  - ⚑ {}: {}", escape(&f.id), escape(&f.reason)));
    }
    for c in r.competencies.iter().filter(|c| c.level > 0) {
        let shown = c
            .evidence
            .first()
            .map(|e| format!(" {}", escape(&location(&r.name, &e.path, e.cell, e.line))))
            .unwrap_or_default();
        lines.push(format!("  - {} level {}{shown}", escape(&c.id), c.level));
    }
    lines
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut md = String::new();
    checklist(report, &mut md);
    findings(report, &mut md);
    let lines: Vec<String> = report.repos.iter().flat_map(repo_lines).collect();
    if !lines.is_empty() {
        let _ = writeln!(
            md,
            "\n<details><summary>Repositories ({})</summary>\n",
            report.repos.len()
        );
        let budget = remaining(&md);
        push_limited(&mut md, &lines, budget);
        let _ = writeln!(md, "\n</details>");
    }
    let _ = writeln!(
        md,
        "\n<sub>{} {}</sub>",
        escape(&report.tool.name),
        escape(&report.tool.version)
    );
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
