//! The repositories × competencies matrix as CSV: one row per repository
//! (with its student's label when a repos file gave one), one column per
//! competency level, for spreadsheets.

use crate::model::Report;
use std::io::{self, Write};

/// A CSV field: quoted when it must be (RFC 4180), and a leading `=`, `+`,
/// `-` or `@` defused, since spreadsheets run such a cell as a formula and
/// repository names come from strangers.
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let ids: Vec<&str> = report
        .portfolio
        .competencies
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    // The label column appears only when a repos file gave labels.
    let labeled = report.repos.iter().any(|r| r.label.is_some());
    let mut header = vec!["repository".to_string()];
    if labeled {
        header.push("label".to_string());
    }
    header.push("error".to_string());
    // Only when a project file took items out of a score, or asked to.
    let ignoring = report.repos.iter().any(|r| {
        r.checklist
            .as_ref()
            .is_some_and(|c| c.ignored > 0 || c.ignore_requests > 0)
    });
    if ignoring {
        header.extend(["score", "ignored_items", "ignore_requests"].map(String::from));
    }
    header.extend(ids.iter().map(|id| field(id)));
    writeln!(out, "{}", header.join(","))?;
    for r in &report.repos {
        let mut row = vec![field(&r.name)];
        if labeled {
            row.push(field(r.label.as_deref().unwrap_or("")));
        }
        row.push(field(r.error.as_deref().unwrap_or("")));
        if ignoring {
            let c = r.checklist.as_ref();
            row.push(c.map(|c| c.score.to_string()).unwrap_or_default());
            row.push(c.map(|c| c.ignored.to_string()).unwrap_or_default());
            row.push(c.map(|c| c.ignore_requests.to_string()).unwrap_or_default());
        }
        for id in &ids {
            let level = r
                .competencies
                .iter()
                .find(|c| c.id == *id)
                .map(|c| c.level.to_string());
            row.push(level.unwrap_or_default());
        }
        writeln!(out, "{}", row.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(super::field("plain"), "plain");
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(
            super::field("=HYPERLINK(\"x\")"),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
    }
}
