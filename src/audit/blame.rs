//! `--author`: which hits, findings and lines count, from git blame at the
//! scanned revision, and how much of the repository the authors wrote.

use super::FileOutcome;
use crate::analyze::FileKind;
use crate::model::{Authorship, History, MergedIdentity};
use crate::source::blame::{Authors, Blamer, FileBlame};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One file's blame for `--author`; a file not blamed counts for nobody.
#[derive(Default)]
pub(super) struct Blamed {
    pub theirs: Option<FileBlame>,
    pub error: Option<String>,
}

impl Blamed {
    /// Whether a hit or finding on this line counts: the authors wrote the
    /// line; in a notebook (whose lines are its cells' code, not the file's),
    /// they wrote at least half of the file.
    pub fn counts(&self, o: &FileOutcome, line: u32) -> bool {
        let Some(b) = &self.theirs else {
            return false;
        };
        if o.kind == Some(FileKind::Notebook) {
            b.mostly_mine()
        } else {
            b.is_mine(line)
        }
    }
}

/// Blames (in parallel) the files that carry hits, findings or code.
pub(super) fn blame_files(
    outcomes: &[Arc<FileOutcome>],
    path: &std::path::Path,
    rev: &str,
    authors: &Authors,
) -> Vec<Blamed> {
    outcomes
        .par_iter()
        .map_init(
            || Blamer::open(path, rev, authors),
            |blamer, o| {
                let code = matches!(o.kind, Some(FileKind::Python | FileKind::Notebook));
                let carries = !o.hits.is_empty()
                    || !o.deferred.is_empty()
                    || o.alone.as_ref().is_some_and(|a| !a.counts.is_empty());
                if !code && !carries {
                    return Blamed::default();
                }
                match blamer {
                    Ok(b) => match b.blame(&o.path, authors) {
                        Ok(theirs) => Blamed {
                            theirs: Some(theirs),
                            error: None,
                        },
                        Err(e) => Blamed {
                            theirs: None,
                            error: Some(e),
                        },
                    },
                    Err(e) => Blamed {
                        theirs: None,
                        error: Some(e.to_string()),
                    },
                }
            },
        )
        .collect()
}

/// How much of the repository the authors wrote: lines of its Python files
/// and notebooks, and commits.
pub(super) fn authorship_of(
    authors: &Authors,
    outcomes: &[Arc<FileOutcome>],
    blames: &[Blamed],
    theirs: Option<&History>,
    all: Option<&History>,
) -> Authorship {
    let (mut lines, mut total) = (0u64, 0u64);
    let mut merged: BTreeMap<&str, u64> = BTreeMap::new();
    for (o, b) in outcomes.iter().zip(blames) {
        if !matches!(o.kind, Some(FileKind::Python | FileKind::Notebook)) {
            continue;
        }
        if let Some(t) = &b.theirs {
            lines += t.mine();
            total += t.lines();
            for (who, n) in &t.merged {
                *merged.entry(who).or_default() += n;
            }
        }
    }
    Authorship {
        authors: authors.given().to_vec(),
        lines,
        total,
        share: if total == 0 {
            0.0
        } else {
            ((lines as f64 / total as f64) * 1000.0).round() / 1000.0
        },
        commits: theirs.map_or(0, |h| h.commits),
        total_commits: all.map_or(0, |h| h.commits),
        merged: merged
            .into_iter()
            .map(|(identity, lines)| MergedIdentity {
                identity: identity.to_string(),
                lines,
                counted: authors.merged_count(),
            })
            .collect(),
    }
}
