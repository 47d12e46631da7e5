//! The timeline as Markdown: one table row per change, oldest first, under
//! GitHub's comment limit. Commit messages, names and paths come from the
//! repository and are escaped.

use super::text::change;
use crate::model::timeline::Timeline;
use crate::report::location;
use crate::report::markdown::{escape, push_limited, LIMIT};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Room kept for the lines after the table.
const RESERVE: usize = 1_000;

pub fn render(t: &Timeline, out: &mut dyn Write) -> io::Result<()> {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## Timeline of {} at `{}`\n",
        escape(&t.name),
        escape(t.head.get(..7).unwrap_or(&t.head))
    );
    if !t.complete {
        let _ = writeln!(
            md,
            "The walk does not start at the repository's first commit: *present* marks what was already there.\n"
        );
    }
    let _ = writeln!(
        md,
        "| Date | Commit | Author | Competency | Change | Evidence |\n|---|---|---|---|---|---|"
    );
    let rows: Vec<String> = t
        .events
        .iter()
        .map(|e| {
            let at = e
                .evidence
                .first()
                .map(|ev| escape(&location(&t.name, &ev.path, ev.cell, ev.line)))
                .unwrap_or_default();
            format!(
                "| {} | {} {} | {} | {} | {} | {} |",
                escape(&e.commit.date),
                escape(&e.commit.short_id),
                escape(&e.commit.summary),
                escape(&e.commit.author),
                escape(&e.competency),
                escape(&change(e)),
                at
            )
        })
        .collect();
    let budget = LIMIT.saturating_sub(md.chars().count() + RESERVE);
    push_limited(&mut md, &rows, budget, "events");
    let _ = writeln!(md, "\n<sub>{}</sub>", escape(&t.stats.line()));
    out.write_all(md.as_bytes())
}
