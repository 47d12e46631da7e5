//! How much of the learner's own Python the first commit already held
//! ([`History::first_commit_share`]): each file's non-blank lines are
//! counted as it is analyzed (and kept with its analysis); only a file
//! whose content is not the first commit's at its path is read again, to
//! match its lines with that file's.
//!
//! [`History::first_commit_share`]: crate::model::History::first_commit_share

use super::FileOutcome;
use crate::source::{Entry, FirstCommit, Repo};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// Share (0..1) of the learner's non-blank Python lines that the first
/// commit already held; a vendored copy or tool output imported at the
/// start says nothing of how the learner's own code grew. `None` without
/// such lines.
pub(super) fn share(
    first: &FirstCommit,
    files: &[Entry],
    outcomes: &[Arc<FileOutcome>],
    repo: &Repo,
) -> Option<f64> {
    let entries: HashMap<&str, &Entry> = files.iter().map(|e| (e.path.as_str(), e)).collect();
    let (mut now, mut then) = (0u64, 0u64);
    let mut compared = Vec::new();
    for o in outcomes.iter().filter(|o| o.not_mine.is_none()) {
        let (Some(lines), Some(entry)) = (o.code_lines, entries.get(o.path.as_str())) else {
            continue;
        };
        now += lines;
        match first.blob(&o.path) {
            None => {}
            Some(blob) if entry.blob() == Some(blob) => then += lines,
            Some(blob) => compared.push((*entry, blob)),
        }
    }
    then += compared
        .par_iter()
        .map_init(
            || Some((repo.reader().ok()?, first.open().ok()?)),
            |handles, (entry, blob)| {
                let (reader, git) = handles.as_ref()?;
                let content = reader.read(entry).ok()?;
                Some(FirstCommit::lines_held(git, *blob, &content))
            },
        )
        .flatten()
        .sum::<u64>();
    (now > 0).then(|| ((then as f64 / now as f64) * 1000.0).round() / 1000.0)
}
