//! The diff as a pull-request comment: the one-line summary first, then
//! tables of competencies, checklist items and findings that changed.
//! Escaped and cut to GitHub's limit as the scan's Markdown is.

use crate::model::diff::{Diff, Direction, LevelChange};
use crate::model::Evidence;
use crate::report::markdown::{escape, footer, push_limited, remaining, table};
use crate::report::{authored, location, safe_url};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Evidence locations listed per competency; the JSON diff has them all.
const EVIDENCE_SHOWN: usize = 3;

fn change_mark(c: LevelChange) -> &'static str {
    match c {
        LevelChange::Gained => "🟢 gained",
        LevelChange::Raised => "⬆️ raised",
        LevelChange::Lowered => "⬇️ lowered",
        LevelChange::Lost => "🔴 lost",
    }
}

fn evidence(repo: &str, sign: &str, list: &[Evidence]) -> Vec<String> {
    list.iter()
        .map(|e| {
            let at = escape(&location(repo, &e.path, e.cell, e.line));
            match e.url.as_deref().and_then(safe_url) {
                Some(u) => format!("{sign} [{at}]({u})"),
                None => format!("{sign} {at}"),
            }
        })
        .collect()
}

fn competencies(d: &Diff, out: &mut String) {
    let rows: Vec<String> = d
        .competencies
        .iter()
        .map(|c| {
            let mut places = evidence(&c.repo, "+", &c.appeared);
            places.extend(evidence(&c.repo, "−", &c.disappeared));
            let more = places.len().saturating_sub(EVIDENCE_SHOWN);
            places.truncate(EVIDENCE_SHOWN);
            if more > 0 {
                places.push(format!("and {more} more"));
            }
            if places.is_empty() {
                places.push(escape(&c.repo));
            }
            format!(
                "| {} | **{}** {} | {} → {} | {} |",
                change_mark(c.change),
                escape(&c.id),
                escape(&c.title),
                c.before,
                c.after,
                places.join("<br>")
            )
        })
        .collect();
    let heading = format!("Competencies ({})", rows.len());
    table(
        out,
        &heading,
        "| | Competency | Level | Evidence |\n|---|---|---|---|",
        &rows,
        "competency changes",
    );
}

fn items(d: &Diff, out: &mut String) {
    let rows: Vec<String> = d
        .items
        .iter()
        .map(|i| {
            let mark = match i.direction {
                Direction::Better => "✅",
                Direction::Worse => "❌",
                Direction::Other => "➖",
            };
            let status = |s: Option<crate::model::Status>| s.map_or("—", |s| s.as_str());
            let then = match i.evidence.first() {
                Some(e) => escape(&location(&e.repo, &e.path, e.cell, e.line)),
                None => authored::markdown(&i.next_step, true, true),
            };
            format!(
                "| {mark} | {} | {} → {} | {then} |",
                authored::markdown(&i.title, true, true),
                status(i.before),
                status(i.after)
            )
        })
        .collect();
    let heading = format!("Checklist items ({})", rows.len());
    table(
        out,
        &heading,
        "| | Item | Status | Evidence or next step |\n|---|---|---|---|",
        &rows,
        "checklist items",
    );
}

fn findings(d: &Diff, out: &mut String) {
    let row = |mark: &str, f: &crate::model::diff::RepoFinding| {
        format!(
            "| {mark} | {} | {} | {} |",
            escape(&f.id),
            escape(&location(&f.repo, &f.path, f.cell, f.line)),
            authored::markdown(&f.message, false, true)
        )
    };
    let mut rows: Vec<String> = d.findings.new.iter().map(|f| row("🆕 new", f)).collect();
    rows.extend(d.findings.resolved.iter().map(|f| row("✔️ resolved", f)));
    let heading = format!(
        "Findings ({} new, {} resolved)",
        d.findings.new.len(),
        d.findings.resolved.len()
    );
    table(
        out,
        &heading,
        "| | Finding | Where | What it says |\n|---|---|---|---|",
        &rows,
        "findings",
    );
}

fn repos(d: &Diff, out: &mut String) {
    let name = |what: &str, n: &String| format!("- {what}: **{}**", escape(n));
    let mut lines: Vec<String> = d.repos.added.iter().map(|n| name("Added", n)).collect();
    lines.extend(d.repos.removed.iter().map(|n| name("Removed", n)));
    lines.extend(
        d.repos
            .not_compared
            .iter()
            .map(|n| format!("{}: {}", name("Not compared", &n.name), escape(&n.reason))),
    );
    if !lines.is_empty() {
        let _ = writeln!(out, "\n### Repositories\n");
        let budget = remaining(out);
        push_limited(out, &lines, budget, "repositories");
    }
}

fn configuration(d: &Diff, out: &mut String) {
    let lines: Vec<String> = super::config_lines(&d.config)
        .iter()
        .map(|l| format!("- {}", escape(l)))
        .collect();
    if !lines.is_empty() {
        let _ = writeln!(
            out,
            "\n### Configuration, not code\n\nChanges to `portfolio-audit.toml`, which move the score without any code:\n"
        );
        let budget = remaining(out);
        push_limited(out, &lines, budget, "configuration changes");
    }
}

pub fn render(d: &Diff, out: &mut dyn Write) -> io::Result<()> {
    let mut md = String::new();
    let _ = writeln!(md, "**{}**\n", escape(&d.summary));
    let roadmap = d
        .roadmap
        .as_deref()
        .map(|r| format!("checklist {}: ", escape(r)))
        .unwrap_or_default();
    let _ = writeln!(
        md,
        "<sub>{roadmap}{} → {}</sub>",
        escape(&d.base.label()),
        escape(&d.head.label())
    );
    if d.is_empty() {
        let _ = writeln!(md, "\nNo competency, checklist item or finding changed.");
    }
    competencies(d, &mut md);
    items(d, &mut md);
    findings(d, &mut md);
    configuration(d, &mut md);
    repos(d, &mut md);
    footer(&mut md, &d.tool);
    out.write_all(md.as_bytes())
}
