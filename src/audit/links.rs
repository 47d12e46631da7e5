//! Permalinks: each piece of evidence and each finding of a repository
//! whose web location is known links to its line at the audited commit.
//! A working-tree file whose content is not that commit's gets no link
//! (the link would show other lines), and a note says why.

use crate::model::{Evidence, Note, RepoReport};
use std::collections::BTreeSet;

/// Links the report's evidence and findings; lists the files it could not
/// link because the working tree changed them (`changed`).
pub(super) fn link(report: &mut RepoReport, changed: &BTreeSet<String>) {
    let mut modified: BTreeSet<String> = BTreeSet::new();
    let mut shown = |path: &str| {
        if changed.contains(path) {
            modified.insert(path.to_string());
            false
        } else {
            true
        }
    };
    let target = match (&report.web, &report.revision) {
        (Some(web), Some(rev)) => Some((web.clone(), rev.clone())),
        _ => None,
    };
    // A notebook's lines are its cells', not the file's: link the file.
    let url = |path: &str, line: u32, cell: Option<u32>| {
        target.as_ref().map(|(web, rev)| {
            let line = if cell.is_some() { 0 } else { line };
            web.blob(rev, path, line)
        })
    };
    let mut each = |e: &mut Evidence| {
        if shown(&e.path) {
            e.url = url(&e.path, e.line, e.cell);
        }
    };
    let projects = report.projects.iter_mut().flat_map(|p| &mut p.competencies);
    for c in report.competencies.iter_mut().chain(projects) {
        c.evidence.iter_mut().for_each(&mut each);
        c.hints.iter_mut().for_each(&mut each);
        c.declared_unused.iter_mut().for_each(&mut each);
    }
    for f in &mut report.findings {
        if shown(&f.path) {
            f.url = url(&f.path, f.line, f.cell);
        }
    }
    if let (Some(_), Some(rev)) = (&report.web, &report.revision) {
        let short = rev.get(..7).unwrap_or(rev);
        for path in &modified {
            report.notes.push(Note {
                path: path.clone(),
                message: format!(
                    "not linked: the working tree changed it since the audited commit ({short}), so a permalink would show other lines"
                ),
            });
        }
        report.notes.sort();
    }
    report.modified = modified.into_iter().collect();
}
