//! The timeline as a progress log for the terminal: one block per commit
//! that changed something, oldest first, newest last.

use crate::model::timeline::{Event, EventKind, Timeline};
use crate::report::location;
use std::io::{self, Write};

fn mark(kind: EventKind) -> &'static str {
    match kind {
        EventKind::First => "+",
        EventKind::Up => "↑",
        EventKind::Down => "↓",
        EventKind::Lost => "−",
        EventKind::Present => "=",
    }
}

/// The change in words: `new, level 1`, `level 1 → 2`, `lost (was 2)`.
pub fn change(e: &Event) -> String {
    match e.kind {
        EventKind::First => format!("new, level {}", e.to),
        EventKind::Present => format!("level {} when the walk starts", e.to),
        EventKind::Lost => format!("lost (was level {})", e.from),
        EventKind::Up | EventKind::Down => format!("level {} → {}", e.from, e.to),
    }
}

pub fn render(t: &Timeline, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Timeline of {} at {} ({}), first-parent history, oldest first",
        t.name,
        t.rev,
        t.head.get(..7).unwrap_or(&t.head)
    )?;
    if !t.complete {
        writeln!(
            out,
            "  the walk does not start at the repository's first commit (--max-commits or a shallow clone): `=` marks what was already there"
        )?;
    }
    let width = t
        .events
        .iter()
        .map(|e| e.competency.len())
        .max()
        .unwrap_or(0);
    let mut shown_commit = "";
    for e in &t.events {
        if e.commit.id != shown_commit {
            shown_commit = &e.commit.id;
            let c = &e.commit;
            writeln!(
                out,
                "\n{}  {}  {} <{}>  {}",
                c.date, c.short_id, c.author, c.email, c.summary
            )?;
        }
        let at = e
            .evidence
            .first()
            .map(|ev| {
                format!(
                    "  {}  {}",
                    location(&t.name, &ev.path, ev.cell, ev.line),
                    ev.detail
                )
            })
            .unwrap_or_default();
        writeln!(
            out,
            "  {} {:width$}  {}{at}",
            mark(e.kind),
            e.competency,
            change(e)
        )?;
    }
    if t.events.is_empty() {
        writeln!(out, "\nno competency changed level")?;
    }
    let now = t.levels.iter().filter(|l| l.level > 0).count();
    writeln!(
        out,
        "\nNow: {now} of {} competencies seen. {}",
        t.levels.len(),
        t.stats.line()
    )
}
