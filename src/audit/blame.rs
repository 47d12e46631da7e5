//! `--author`: which hits, findings and lines count, from git blame at the
//! scanned revision, and how much of the repository the authors wrote.

use super::FileOutcome;
use crate::analyze::FileKind;
use crate::model::{
    Authorship, History, IgnoredCommit, IgnoredRevisions, MergedIdentity, Moves, Note,
};
use crate::source::blame::{
    ignored_revs, Authors, Blamer, CommitEffect, FileBlame, Handed, IgnoreList, IgnoredRevs,
    ListEffect,
};
use crate::source::SourceError;
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

/// A repository's blame for `--author`: per file, and the revisions it
/// passed over.
pub(super) struct RepoBlame {
    /// One per file, in the order of the outcomes.
    pub files: Vec<Blamed>,
    pub ignored: IgnoredRevs,
    /// Entries of the lists of ignored revisions that name no commit.
    pub notes: Vec<Note>,
}

/// Reads the lists of revisions to pass over, then blames (in parallel)
/// the files that carry hits, findings or code.
pub(super) fn blame_repo(
    outcomes: &[Arc<FileOutcome>],
    path: &std::path::Path,
    rev: &str,
    authors: &Authors,
) -> Result<RepoBlame, SourceError> {
    let (ignored, notes) = ignored_revs(path, rev, authors)?;
    let files = blame_files(outcomes, path, rev, authors, &ignored);
    Ok(RepoBlame {
        files,
        ignored,
        notes,
    })
}

/// Blames (in parallel) the files that carry hits, findings or code.
fn blame_files(
    outcomes: &[Arc<FileOutcome>],
    path: &std::path::Path,
    rev: &str,
    authors: &Authors,
    ignored: &IgnoredRevs,
) -> Vec<Blamed> {
    outcomes
        .par_iter()
        .map_init(
            || Blamer::open(path, rev, authors, ignored),
            |blamer, o| {
                let code = matches!(o.kind, Some(FileKind::Python | FileKind::Notebook))
                    && o.not_mine.is_none();
                let carries =
                    !o.hits.is_empty() || !o.deferred.is_empty() || !o.summary.counts.is_empty();
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

/// The authors' history and the whole repository's.
pub(super) struct Histories<'a> {
    pub theirs: Option<&'a History>,
    pub all: Option<&'a History>,
}

/// How much of the repository the authors wrote: lines of its own Python
/// files and notebooks (not what is vendored or generated), and commits; and what following moves and each list of
/// ignored revisions changed in those lines.
pub(super) fn authorship_of(
    authors: &Authors,
    outcomes: &[Arc<FileOutcome>],
    blame: &RepoBlame,
    h: &Histories,
) -> Authorship {
    let (mut lines, mut total) = (0u64, 0u64);
    let mut merged: BTreeMap<&str, u64> = BTreeMap::new();
    let mut moves = Handed::default();
    let mut ignored = vec![ListEffect::default(); blame.ignored.lists.len()];
    for (o, b) in outcomes.iter().zip(&blame.files) {
        // A vendored copy or tool output is nobody's share of the learner's code.
        if !matches!(o.kind, Some(FileKind::Python | FileKind::Notebook)) || o.not_mine.is_some() {
            continue;
        }
        if let Some(t) = &b.theirs {
            lines += t.mine();
            total += t.lines();
            for (who, n) in &t.merged {
                *merged.entry(who).or_default() += n;
            }
            moves = moves.plus(t.moves);
            for (sum, file) in ignored.iter_mut().zip(&t.ignored) {
                sum.handed = sum.handed.plus(file.handed);
                for (c, e) in &file.commits {
                    let total = sum.commits.entry(*c).or_default();
                    *total = total.plus(*e);
                }
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
        commits: h.theirs.map_or(0, |h| h.commits),
        total_commits: h.all.map_or(0, |h| h.commits),
        merged: merged
            .into_iter()
            .map(|(identity, lines)| MergedIdentity {
                identity: identity.to_string(),
                lines,
                counted: authors.merged_count(),
            })
            .collect(),
        moves: (moves.lines > 0).then_some(Moves {
            lines: moves.lines,
            theirs_without: moves.theirs_without,
        }),
        ignored_revs: blame
            .ignored
            .lists
            .iter()
            .zip(&ignored)
            .map(|(list, effect)| ignored_revisions(list, effect))
            .collect(),
    }
}

/// One list of ignored revisions in the report: what it changed, in all
/// and per commit (a commit that changed no counted line says 0).
fn ignored_revisions(list: &IgnoreList, effect: &ListEffect) -> IgnoredRevisions {
    let Handed {
        lines,
        theirs_without,
        theirs_with,
    } = effect.handed;
    IgnoredRevisions {
        file: list.name.clone(),
        applied: list.applied,
        revisions: list.revisions(),
        lines,
        theirs_without,
        theirs_with,
        commits: list
            .commits
            .iter()
            .map(|c| {
                let e: CommitEffect = effect.commits.get(&c.id).copied().unwrap_or_default();
                IgnoredCommit {
                    commit: c.id.to_string(),
                    author: c.author.clone(),
                    summary: c.summary.clone(),
                    lines: e.lines,
                    theirs: e.theirs,
                }
            })
            .collect(),
    }
}
