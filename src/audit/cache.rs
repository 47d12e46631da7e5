//! Per-file analyses kept across the revisions of one repository (a
//! timeline), by path and git blob id.
//!
//! A file's analysis depends on its path, its content (the blob) and, for
//! Python, on two things of the revision around it: the names other modules
//! import it by (which folders are packages) and which of the names it
//! imports are the repository's own modules; and on whose the file is
//! (`.gitattributes`, the folder it sits in). All are checked before an
//! analysis is reused; the second through the lookups the analysis recorded.

use super::file::analyze_files;
use super::not_counted::{Basis, Origins};
use super::{FileOutcome, RepoContext};
use crate::analyze;
use crate::model::RepoConfig;
use crate::rules::matching::FileHits;
use crate::source::{Entry, Listing, Repo, RepoInput};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Analyses of files by blob id (each blob may sit at several paths).
#[derive(Default)]
pub struct FileCache {
    by_blob: FxHashMap<git2::Oid, Vec<Arc<FileOutcome>>>,
    /// Files (path and blob) analyzed.
    pub analyzed: u64,
    /// Files whose analysis was reused from an earlier revision.
    pub reused: u64,
    /// The last revision's cross-module pass.
    resolved: Resolved,
    /// The last revision's origins, before the analysis confirmed its
    /// copies, and what they were read from.
    origins: Option<(Basis, Origins)>,
}

/// Each file's hits after the cross-module pass, by its analysis (the
/// `Arc`, held so its address names it), and the digest of what the pass
/// depended on besides the file ([`Exports::digest`]). Most commits leave
/// every module's exports as they were: the pass is then the last one's.
///
/// [`Exports::digest`]: crate::analyze::crossref::Exports::digest
#[derive(Default)]
pub(super) struct Resolved {
    basis: u64,
    by_outcome: FxHashMap<usize, (Arc<FileOutcome>, Arc<FileHits>)>,
}

impl Resolved {
    /// The hits the last revision's pass gave `o`, if it rested on `basis` too.
    pub(super) fn get(&self, o: &Arc<FileOutcome>) -> Option<Arc<FileHits>> {
        let (_, hits) = self.by_outcome.get(&(Arc::as_ptr(o) as usize))?;
        Some(Arc::clone(hits))
    }
}

impl FileCache {
    pub fn new() -> Self {
        FileCache::default()
    }

    /// Analyses kept: one per distinct (path, blob) analyzed.
    pub fn len(&self) -> usize {
        self.by_blob.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_blob.is_empty()
    }

    /// Whose each file of this revision is: the last revision's verdicts
    /// when the paths and the files they were read from are the same (most
    /// commits touch neither), otherwise read again.
    pub(super) fn origins(
        &mut self,
        input: &RepoInput,
        listing: &Listing,
        policy: RepoConfig,
    ) -> Origins {
        if let Some((basis, origins)) = &self.origins {
            if basis.holds(listing) {
                return origins.clone();
            }
        }
        let (origins, basis) = Origins::read_with_basis(input, listing, policy);
        self.origins = basis.is_of_blobs().then(|| (basis, origins.clone()));
        origins
    }

    /// The last revision's cross-module pass, when it rested on `basis`
    /// (otherwise nothing).
    pub(super) fn take_resolved(&mut self, basis: u64) -> Resolved {
        let last = std::mem::take(&mut self.resolved);
        if last.basis == basis {
            last
        } else {
            Resolved {
                basis,
                by_outcome: FxHashMap::default(),
            }
        }
    }

    /// Keeps this revision's cross-module pass (resting on what `before`
    /// rested on) for the next.
    pub(super) fn keep_resolved<'a>(
        &mut self,
        before: Resolved,
        resolved: impl Iterator<Item = (&'a Arc<FileOutcome>, &'a Arc<FileHits>)>,
    ) {
        self.resolved = Resolved {
            basis: before.basis,
            by_outcome: resolved
                .map(|(o, h)| (Arc::as_ptr(o) as usize, (Arc::clone(o), Arc::clone(h))))
                .collect(),
        };
    }

    /// Every file's analysis, in listing order: reused when still valid,
    /// otherwise made (in parallel) and kept.
    pub(super) fn analyze(
        &mut self,
        files: &[Entry],
        ctx: &RepoContext,
        repo: &Repo,
    ) -> Vec<Arc<FileOutcome>> {
        let mut out: Vec<Option<Arc<FileOutcome>>> =
            files.iter().map(|e| self.lookup(e, ctx)).collect();
        let missing = missing(files, &out);
        self.reused += (files.len() - missing.len()) as u64;
        self.analyzed += missing.len() as u64;
        let mut fresh = analyze_files(&missing, ctx, repo).into_iter();
        for (slot, entry) in out.iter_mut().zip(files) {
            if slot.is_some() {
                continue;
            }
            let Some(o) = fresh.next() else { break };
            if let Some(blob) = entry.blob() {
                let kept = self.by_blob.entry(blob).or_default();
                // An analysis no longer valid for this path is replaced;
                // one made with the file given to someone else is kept
                // beside it: a copy that only the analysis confirms as one
                // is analyzed both ways, and would be again at each revision.
                kept.retain(|k| k.path != o.path || k.given != o.given);
                kept.push(Arc::clone(&o));
            }
            *slot = Some(o);
        }
        out.into_iter().flatten().collect()
    }

    fn lookup(&self, entry: &Entry, ctx: &RepoContext) -> Option<Arc<FileOutcome>> {
        let kept = self.by_blob.get(&entry.blob()?)?;
        kept.iter()
            .find(|o| o.path == entry.path && still_valid(o, ctx))
            .map(Arc::clone)
    }
}

/// The files whose analysis was not found (in listing order), to make.
pub(super) fn missing(files: &[Entry], found: &[Option<Arc<FileOutcome>>]) -> Vec<Entry> {
    files
        .iter()
        .zip(found)
        .filter(|(_, o)| o.is_none())
        .map(|(e, _)| e.clone())
        .collect()
}

/// Whether an analysis made at another revision (or run) holds at this one.
pub(super) fn still_valid(o: &FileOutcome, ctx: &RepoContext) -> bool {
    if o.given != ctx.origins.given(&o.path) {
        return false;
    }
    if !o.modules.is_empty() && o.modules != analyze::module_candidates(&o.path, ctx.packages) {
        return false;
    }
    o.asked
        .iter()
        .all(|(head, was)| ctx.local_heads.contains(head.as_str()) == *was)
}
