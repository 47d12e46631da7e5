//! Analyses of files kept between runs, in the persistent cache: a file's
//! analysis is found again by a key of its path and content (the git blob
//! id, or a hash of a working tree's file), so a repository with one file
//! changed costs that file's analysis plus the repository pass.
//!
//! Kept as postcard, a compact binary form of the same serde data: a
//! Django working tree reads back 6,800 analyses on a run with one file
//! changed, and decoding them from JSON was a tenth of that run.
//!
//! An analysis kept is checked like one a timeline reuses (see
//! [`super::cache`]): the names other modules import the file by, and the
//! answers to which imported names are the repository's own modules, must
//! still hold.

use super::cache::{missing, still_valid};
use super::file::{analyze_files, reads_content};
use super::{FileOutcome, RepoContext};
use crate::analyze;
use crate::source::{Entry, Repo};
use rayon::prelude::*;
use std::sync::Arc;

/// Where analyses of files are kept between runs, and under what keys.
pub trait FileStore: Sync {
    /// The key of a file's analysis: its path and content, with all else
    /// the analysis depends on (the tool, the rules, the size cap); `None`
    /// when the file has none (it is analyzed, never kept).
    fn key(&self, entry: &Entry) -> Option<String>;
    /// The values kept under `keys`, in order.
    fn get_many(&self, keys: &[&str]) -> Vec<Option<Vec<u8>>>;
    /// Told, for each repository, how many files it has and how many of
    /// their analyses were reused.
    fn reused(&self, files: usize, reused: usize);
    /// Keeps each file's analysis under its key, unless the file changed
    /// since its key was made.
    fn put_many(&self, entries: Vec<(&Entry, Vec<u8>)>);
}

/// Every file's analysis, in listing order: a kept one when still valid,
/// otherwise made (in parallel) and kept; and how many were kept ones.
pub(super) fn analyze(
    files: &[Entry],
    ctx: &RepoContext,
    repo: &Repo,
    store: &dyn FileStore,
) -> (Vec<Arc<FileOutcome>>, usize) {
    // A file whose content is not read is analyzed again: its path is all
    // it costs, less than reading it back from the store.
    let keys: Vec<Option<String>> = files
        .par_iter()
        .map(|e| {
            let read = reads_content(e, analyze::classify(&e.path), ctx);
            read.then(|| store.key(e)).flatten()
        })
        .collect();
    let wanted: Vec<&str> = keys.iter().flatten().map(String::as_str).collect();
    let mut found = store.get_many(&wanted).into_iter();
    let values: Vec<Option<Vec<u8>>> = keys
        .iter()
        .map(|k| k.as_ref().and_then(|_| found.next().flatten()))
        .collect();
    let mut out: Vec<Option<Arc<FileOutcome>>> = values
        .into_par_iter()
        .zip(files)
        .map(|(value, entry)| {
            let mut o: FileOutcome = postcard::from_bytes(&value?).ok()?;
            o.kind = Some(analyze::classify(&o.path));
            (o.path == entry.path && still_valid(&o, ctx)).then(|| Arc::new(o))
        })
        .collect();
    let missing = missing(files, &out);
    let fresh = analyze_files(&missing, ctx, repo);
    let keep: Vec<(&Entry, Vec<u8>)> = fresh
        .par_iter()
        .zip(&missing)
        .filter(|(_, entry)| reads_content(entry, analyze::classify(&entry.path), ctx))
        // A file that could not be read is tried again next time.
        .filter(|(o, _)| {
            o.kind.is_some() && !o.notes.iter().any(|n| n.message.starts_with("not read"))
        })
        .filter_map(|(o, entry)| Some((entry, postcard::to_stdvec(&**o).ok()?)))
        .collect();
    store.put_many(keep);
    let mut fresh = fresh.into_iter();
    for slot in out.iter_mut().filter(|o| o.is_none()) {
        *slot = fresh.next();
    }
    let reused = files.len() - missing.len();
    (out.into_iter().flatten().collect(), reused)
}
