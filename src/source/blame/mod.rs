//! Who wrote which lines (`--author`): git blame at the scanned revision,
//! with git2, and the commits of given authors.
//!
//! In: a git repository, a commit, paths, and the authors (emails or names).
//! Out: per file, which lines those authors wrote last, and how many lines
//! following moves and passing over ignored revisions gave to someone else.
//! Blame walks a file's history, so the audit asks only for files that
//! carry evidence or code.

mod authors;
mod effect;
mod ignore_revs;
mod lines;

use super::git;
use super::SourceError;
use crate::model::{History, Note};
use authors::Maps;
pub use authors::{Authors, Identities, Whose};
pub use effect::{CommitEffect, FileBlame, Handed, ListEffect};
use git2::{DiffFindOptions, Oid, Repository};
pub use ignore_revs::{
    IgnoreList, IgnoredCommit, IgnoredRevs, RevList, REPO_FILE as IGNORE_REVS_FILE,
};
use lines::{line_count, moved_from, score, split_lines, LineMap, MOVE_SCORE};
use std::cell::{OnceCell, RefCell};
use std::collections::{BinaryHeap, HashMap};
use std::path::Path;
use std::rc::Rc;

/// The ignored revisions that apply to the repository at `commit`, with a
/// note for each entry of a list that names no commit of it.
pub fn ignored_revs(
    path: &Path,
    commit: &str,
    authors: &Authors,
) -> Result<(IgnoredRevs, Vec<Note>), SourceError> {
    let repo = git::open(path)?;
    let commit = parse_oid(path, commit)?;
    Ok(IgnoredRevs::read(&repo, commit, authors))
}

fn parse_oid(path: &Path, commit: &str) -> Result<Oid, SourceError> {
    Oid::from_str(commit).map_err(|e| SourceError::Git {
        path: path.to_path_buf(),
        message: e.message().to_string(),
    })
}

/// A commit that changes more files than this (a mass reformat, a vendored
/// library) is not searched for blocks moved between its files; renames and
/// copies git detects are still followed.
const MAX_MOVE_SOURCES: usize = 100;

/// Blobs larger than this are no source file to copy lines from.
const MAX_MOVE_SOURCE_BYTES: usize = 1 << 20;

/// Blames files of one commit; one per thread (git handles are not shared).
///
/// The walk is git's blame on git2's object reads and blob diffs: from the
/// commit back through the history, a line passes to the parent where it
/// is unchanged (all of them to a parent holding the same blob, which is
/// most commits), and belongs to the commit where no parent has it. Like
/// `git blame -C`, it follows lines across files: renames as git detects
/// them (at least 50% similar), a file copied whole from one the commit left
/// unchanged, and blocks moved or copied from files the same commit changed
/// or deleted (at least [`MOVE_SCORE`] letters and digits together, git's
/// default); unlike it, not lines moved within a file.
///
/// Like `git blame --ignore-rev`, a line an ignored revision changed passes
/// to the parent's line its hunk replaced, line for line, and the extra
/// lines of a hunk that grew (a long line wrapped over several) to its last
/// replaced line; blank lines it added, and lines of a hunk that only
/// inserts, stay with it. Git matches the extra lines by similarity
/// instead, and leaves those it cannot match with the ignored revision: on
/// a reformatting commit the two agree.
///
/// Without moves or ignored revisions it agrees with libgit2's `blame_file`
/// (a test compares them) and, on the repositories measured, with `git
/// blame`; with moves, with `git blame -C` but for lines moved within a
/// file. libgit2's blame took ~250 ms a file on a 1,000-commit history,
/// this walk ~2 ms.
pub struct Blamer {
    repo: Repository,
    commit: Oid,
    maps: Maps,
    ignored: IgnoredRevs,
    /// Whose each commit seen so far is.
    whose: RefCell<HashMap<Oid, Whose>>,
    /// What a commit changed from a parent, by (parent, commit).
    changes: RefCell<HashMap<(Oid, Oid), Rc<Changes>>>,
}

/// What a commit changed from one parent, for following lines across files.
#[derive(Default)]
struct Changes {
    /// Files the commit changed or deleted: (old path, old blob), where
    /// moved blocks may come from.
    changed: Vec<(String, Oid)>,
    /// New path → old path, for renames as git detects them; found when
    /// first asked (it compares the contents of added and deleted files).
    renames: OnceCell<HashMap<String, String>>,
}

/// Lines of one version of the file: (line in this version, line in the
/// blamed version), both from 0.
type Lines = Vec<(u32, u32)>;

/// Lines of one version of the file still waiting for their commit.
struct Suspect {
    path: String,
    blob: Oid,
    lines: Lines,
}

/// How the walk brought a line past a commit that changed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handover {
    /// From another file of the parent: a rename, a copy, a moved block.
    Moved,
    /// Through a revision a list of ignored revisions names.
    Ignored,
}

/// One line of the blamed file: the commit the walk left it with, and the
/// commits that handed it over on the way, newest first. With a handover
/// not taken, the line belongs to the commit that would have handed it over.
#[derive(Debug, Clone)]
struct LineHistory {
    owner: Oid,
    handovers: Vec<(Oid, Handover)>,
}

/// A commit the walk is at, with one version of the file it holds lines of.
struct Step<'a> {
    commit: &'a git2::Commit<'a>,
    parents: &'a [git2::Commit<'a>],
    path: &'a str,
    /// The file's text at the commit.
    text: &'a [u8],
    /// Its versions in the parents, already diffed.
    versions: &'a [Version],
}

/// One version of the file in a parent, and the map of the commit's lines to it.
struct Version {
    parent: usize,
    path: String,
    blob: Oid,
    map: LineMap,
}

impl Blamer {
    /// A blamer of `commit` that passes over the revisions `ignored` names.
    pub fn open(
        path: &Path,
        commit: &str,
        authors: &Authors,
        ignored: &IgnoredRevs,
    ) -> Result<Blamer, SourceError> {
        let repo = git::open(path)?;
        let commit = parse_oid(path, commit)?;
        let maps = Maps::of(&repo, commit, &authors.identities);
        Ok(Blamer {
            repo,
            commit,
            maps,
            ignored: ignored.clone(),
            whose: Default::default(),
            changes: Default::default(),
        })
    }

    /// Which lines of `path` (at the commit) the authors wrote last, and
    /// what following moves and each list of ignored revisions changed.
    pub fn blame(&self, path: &str, authors: &Authors) -> Result<FileBlame, String> {
        let lines = self
            .line_histories(path)
            .map_err(|e| e.message().to_string())?;
        let applied: Vec<bool> = self.ignored.lists.iter().map(|l| l.applied).collect();
        // Each list the other way: off when it applies, on when it is only reported.
        let toggled: Vec<Vec<bool>> = (0..applied.len())
            .map(|i| {
                let mut other = applied.clone();
                other[i] = !other[i];
                other
            })
            .collect();
        let mut out = FileBlame {
            ignored: vec![ListEffect::default(); applied.len()],
            ..FileBlame::default()
        };
        let theirs = |c: Oid| authors.counts(&self.whose(c, authors));
        for line in &lines {
            let owner = self.owner(line, true, &applied);
            let whose = self.whose(owner, authors);
            let mine = authors.counts(&whose);
            out.mine.push(mine);
            if let Whose::Merged(identity) = whose {
                *out.merged.entry(identity).or_default() += 1;
            }
            let unmoved = self.owner(line, false, &applied);
            out.moves.add(unmoved != owner, theirs(unmoved), mine);
            for (i, (list, other)) in self.ignored.lists.iter().zip(&toggled).enumerate() {
                let alt = self.owner(line, true, other);
                let (without, with, on) = if list.applied {
                    (theirs(alt), mine, &applied)
                } else {
                    (mine, theirs(alt), other)
                };
                let effect = &mut out.ignored[i];
                effect.handed.add(alt != owner, without, with);
                // Per commit, with the list on: what each one passed on.
                for c in self.passed_over(line, on) {
                    if list.contains(c) {
                        let e = effect.commits.entry(c).or_default();
                        e.lines += 1;
                        e.theirs += u64::from(with);
                    }
                }
            }
        }
        if out.mine.is_empty() {
            out.empty_mine = self.added_by(path, authors);
        }
        Ok(out)
    }

    /// The commit a line belongs to when moves are followed or not and the
    /// lists of ignored revisions apply as `applied` says: the first
    /// handover not taken, or the commit the walk left it with.
    fn owner(&self, line: &LineHistory, moves: bool, applied: &[bool]) -> Oid {
        for (commit, how) in &line.handovers {
            let taken = match how {
                Handover::Moved => moves,
                Handover::Ignored => self.ignored.ignored_with(*commit, applied),
            };
            if !taken {
                return *commit;
            }
        }
        line.owner
    }

    /// The ignored commits a line passes on its way to its owner, with
    /// moves followed and the lists applied as `applied` says.
    fn passed_over(&self, line: &LineHistory, applied: &[bool]) -> Vec<Oid> {
        let mut passed = Vec::new();
        for (commit, how) in &line.handovers {
            match how {
                Handover::Moved => {}
                Handover::Ignored if self.ignored.ignored_with(*commit, applied) => {
                    passed.push(*commit);
                }
                Handover::Ignored => break,
            }
        }
        passed
    }

    fn whose(&self, commit: Oid, authors: &Authors) -> Whose {
        if let Some(known) = self.whose.borrow().get(&commit) {
            return known.clone();
        }
        let whose = self
            .repo
            .find_commit(commit)
            .map_or(Whose::Others, |c| authors.whose(&c, &self.maps));
        self.whose.borrow_mut().insert(commit, whose.clone());
        whose
    }

    /// The commit that last changed each line of `path` at the commit, as
    /// blame counts it with moves followed and every list applied.
    #[cfg(test)]
    fn line_commits(&self, path: &str) -> Result<Vec<Oid>, git2::Error> {
        let applied: Vec<bool> = self.ignored.lists.iter().map(|l| l.applied).collect();
        Ok(self
            .line_histories(path)?
            .iter()
            .map(|l| self.owner(l, true, &applied))
            .collect())
    }

    /// For each line of `path` at the commit, the commit the walk leaves it
    /// with, following moves and passing over every listed revision, and
    /// the handovers on the way.
    fn line_histories(&self, path: &str) -> Result<Vec<LineHistory>, git2::Error> {
        let repo = &self.repo;
        let start = repo.find_commit(self.commit)?;
        let blob = blob_at(&start, path)
            .ok_or_else(|| git2::Error::from_str("not a file of the scanned commit"))?;
        let n = line_count(repo.find_blob(blob)?.content());
        let mut lines = vec![
            LineHistory {
                owner: start.id(),
                handovers: Vec::new(),
            };
            n as usize
        ];
        let mut board = Scoreboard::default();
        board.suspect(
            &start,
            Suspect {
                path: path.to_string(),
                blob,
                lines: (0..n).map(|i| (i, i)).collect(),
            },
        );
        while let Some((oid, mut s)) = board.next() {
            let commit = repo.find_commit(oid)?;
            // A shallow clone's boundary, or a missing parent: the lines stop here.
            let parents: Vec<git2::Commit> = (0..commit.parent_count())
                .filter_map(|i| commit.parent(i).ok())
                .collect();
            if let Some(same) = parents.iter().find(|p| blob_at(p, &s.path) == Some(s.blob)) {
                board.suspect(same, s);
                continue;
            }
            let mut left = std::mem::take(&mut s.lines);
            let new = repo.find_blob(s.blob)?;
            let mut versions: Vec<Version> = Vec::new();
            for (i, p) in parents.iter().enumerate() {
                let Some((old_path, old_blob)) = self.version_in(p, &commit, &s)? else {
                    continue;
                };
                let map = LineMap::of(repo.find_blob(old_blob)?.content(), new.content())?;
                let (kept, changed) =
                    take(left, |l| map.unchanged.get(l as usize).copied().flatten());
                if old_path != s.path {
                    mark(&mut lines, &kept, oid, Handover::Moved);
                }
                board.suspect(p, Suspect::of(&old_path, old_blob, kept));
                versions.push(Version {
                    parent: i,
                    path: old_path,
                    blob: old_blob,
                    map,
                });
                left = changed;
                if left.is_empty() {
                    break;
                }
            }
            if !left.is_empty() {
                let at = Step {
                    commit: &commit,
                    parents: &parents,
                    path: &s.path,
                    text: new.content(),
                    versions: &versions,
                };
                left = self.follow_moves(&at, left, &mut lines, &mut board)?;
            }
            if let Some(v) = versions.first().filter(|_| self.ignored.passes_over(oid)) {
                let (passed, kept) =
                    take(left, |l| v.map.replaced.get(l as usize).copied().flatten());
                mark(&mut lines, &passed, oid, Handover::Ignored);
                board.suspect(&parents[v.parent], Suspect::of(&v.path, v.blob, passed));
                left = kept;
            }
            for (_, f) in left {
                lines[f as usize].owner = oid;
            }
        }
        Ok(lines)
    }

    /// The version of the suspect's file in `parent`: at the same path, or
    /// the file `commit` renamed it from, or a file the parent holds with
    /// the very same content (a copy).
    fn version_in(
        &self,
        parent: &git2::Commit,
        commit: &git2::Commit,
        s: &Suspect,
    ) -> Result<Option<(String, Oid)>, git2::Error> {
        if let Some(b) = blob_at(parent, &s.path) {
            return Ok(Some((s.path.clone(), b)));
        }
        if let Some(old) = self.renamed_from(parent, commit, &s.path)? {
            if let Some(b) = blob_at(parent, &old) {
                return Ok(Some((old, b)));
            }
        }
        Ok(path_of_blob(&parent.tree()?, s.blob).map(|p| (p, s.blob)))
    }

    /// Hands the `left` lines that sit in blocks moved or copied from the
    /// files `commit` changed or deleted to those files; returns the rest.
    fn follow_moves(
        &self,
        at: &Step,
        mut left: Lines,
        lines: &mut [LineHistory],
        board: &mut Scoreboard,
    ) -> Result<Lines, git2::Error> {
        let new_lines = split_lines(at.text);
        let worth: usize = left
            .iter()
            .filter_map(|(l, _)| new_lines.get(*l as usize))
            .map(|line| score(line))
            .sum();
        if worth < MOVE_SCORE {
            return Ok(left);
        }
        let odb = self.repo.odb()?;
        for (i, p) in at.parents.iter().enumerate() {
            let changes = self.changes(p, at.commit)?;
            if changes.changed.len() > MAX_MOVE_SOURCES {
                continue;
            }
            for (path, blob) in &changes.changed {
                // Versions already diffed have nothing more to give.
                let seen =
                    path == at.path || at.versions.iter().any(|v| v.parent == i && v.path == *path);
                let small = odb
                    .read_header(*blob)
                    .is_ok_and(|(size, _)| size <= MAX_MOVE_SOURCE_BYTES);
                if seen || !small {
                    continue;
                }
                let mut wanted: Vec<u32> = left.iter().map(|(l, _)| *l).collect();
                wanted.sort_unstable();
                wanted.dedup();
                let old = self.repo.find_blob(*blob)?;
                let from: HashMap<u32, u32> =
                    moved_from(old.content(), at.text, &new_lines, &wanted)?
                        .into_iter()
                        .collect();
                if from.is_empty() {
                    continue;
                }
                let (moved, rest) = take(left, |l| from.get(&l).copied());
                mark(lines, &moved, at.commit.id(), Handover::Moved);
                board.suspect(p, Suspect::of(path, *blob, moved));
                left = rest;
                if left.is_empty() {
                    return Ok(left);
                }
            }
        }
        Ok(left)
    }

    /// What `commit` changed from `parent` (kept per pair of commits).
    fn changes(
        &self,
        parent: &git2::Commit,
        commit: &git2::Commit,
    ) -> Result<Rc<Changes>, git2::Error> {
        let key = (parent.id(), commit.id());
        if let Some(known) = self.changes.borrow().get(&key) {
            return Ok(known.clone());
        }
        let diff = self.diff(parent, commit)?;
        let is_blob = |f: &git2::DiffFile| {
            matches!(
                f.mode(),
                git2::FileMode::Blob | git2::FileMode::BlobExecutable
            )
        };
        let changed = diff
            .deltas()
            .filter(|d| matches!(d.status(), git2::Delta::Modified | git2::Delta::Deleted))
            .filter(|d| is_blob(&d.old_file()))
            .filter_map(|d| Some((path_of(d.old_file())?, d.old_file().id())))
            .collect();
        let changes = Rc::new(Changes {
            changed,
            renames: OnceCell::new(),
        });
        self.changes.borrow_mut().insert(key, changes.clone());
        Ok(changes)
    }

    /// The path `path` had in `parent` when `commit` renamed it (git's
    /// rename detection: at least 50% similar).
    fn renamed_from(
        &self,
        parent: &git2::Commit,
        commit: &git2::Commit,
        path: &str,
    ) -> Result<Option<String>, git2::Error> {
        let changes = self.changes(parent, commit)?;
        if changes.renames.get().is_none() {
            let mut diff = self.diff(parent, commit)?;
            diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
            let renames = diff
                .deltas()
                .filter(|d| d.status() == git2::Delta::Renamed)
                .filter_map(|d| Some((path_of(d.new_file())?, path_of(d.old_file())?)))
                .collect();
            let _ = changes.renames.set(renames);
        }
        Ok(changes.renames.get().and_then(|r| r.get(path).cloned()))
    }

    fn diff(
        &self,
        parent: &git2::Commit,
        commit: &git2::Commit,
    ) -> Result<git2::Diff<'_>, git2::Error> {
        self.repo
            .diff_tree_to_tree(Some(&parent.tree()?), Some(&commit.tree()?), None)
    }

    /// Whether the authors wrote the commit that added `path` (the oldest
    /// commit of the first-parent line that has it).
    fn added_by(&self, path: &str, authors: &Authors) -> bool {
        let Ok(mut commit) = self.repo.find_commit(self.commit) else {
            return false;
        };
        while let Ok(parent) = commit.parent(0) {
            if blob_at(&parent, path).is_none() {
                break;
            }
            commit = parent;
        }
        let whose = self.whose(commit.id(), authors);
        authors.counts(&whose)
    }
}

impl Suspect {
    fn of(path: &str, blob: Oid, lines: Lines) -> Suspect {
        Suspect {
            path: path.to_string(),
            blob,
            lines,
        }
    }
}

/// Splits lines into those `to` maps to another line (with that line) and the rest.
fn take(lines: Lines, to: impl Fn(u32) -> Option<u32>) -> (Lines, Lines) {
    let mut taken = Vec::new();
    let mut rest = Vec::new();
    for (l, f) in lines {
        match to(l) {
            Some(t) => taken.push((t, f)),
            None => rest.push((l, f)),
        }
    }
    (taken, rest)
}

/// Records that `commit` handed these lines (by their blamed line) over.
fn mark(lines: &mut [LineHistory], passed: &[(u32, u32)], commit: Oid, how: Handover) {
    for (_, f) in passed {
        if let Some(line) = lines.get_mut(*f as usize) {
            line.handovers.push((commit, how));
        }
    }
}

/// Commits still holding lines, newest first: a commit's children have
/// passed it their lines by the time it is looked at.
#[derive(Default)]
struct Scoreboard {
    pending: HashMap<(Oid, String), Suspect>,
    queue: BinaryHeap<(i64, Oid, String)>,
}

impl Scoreboard {
    /// Hands lines over to a commit (with those other children gave it).
    fn suspect(&mut self, commit: &git2::Commit, s: Suspect) {
        if s.lines.is_empty() {
            return;
        }
        let key = (commit.id(), s.path.clone());
        match self.pending.get_mut(&key) {
            Some(p) if p.blob == s.blob => p.lines.extend(s.lines),
            // The same path with other content cannot come from one commit.
            Some(_) => {}
            None => {
                self.queue
                    .push((commit.time().seconds(), commit.id(), s.path.clone()));
                self.pending.insert(key, s);
            }
        }
    }

    fn next(&mut self) -> Option<(Oid, Suspect)> {
        while let Some((_, oid, path)) = self.queue.pop() {
            if let Some(s) = self.pending.remove(&(oid, path)) {
                return Some((oid, s));
            }
        }
        None
    }
}

/// A diff side's path, as text.
fn path_of(f: git2::DiffFile) -> Option<String> {
    f.path().map(|p| p.to_string_lossy().into_owned())
}

/// The blob at `path` in a commit's tree.
fn blob_at(commit: &git2::Commit, path: &str) -> Option<Oid> {
    let entry = commit.tree().ok()?.get_path(Path::new(path)).ok()?;
    (entry.kind() == Some(git2::ObjectType::Blob)).then(|| entry.id())
}

/// The first path (in tree order) of a tree that holds `blob`.
fn path_of_blob(tree: &git2::Tree, blob: Oid) -> Option<String> {
    let mut found = None;
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.id() == blob && entry.kind() == Some(git2::ObjectType::Blob) {
            found = entry.name().ok().map(|name| format!("{dir}{name}"));
            return git2::TreeWalkResult::Abort;
        }
        git2::TreeWalkResult::Ok
    })
    .ok();
    found
}

/// The history of `rev` counting only the authors' commits.
pub fn authored_history(
    path: &Path,
    rev: &str,
    authors: &Authors,
) -> Result<Option<History>, SourceError> {
    let repo = git::open(path)?;
    let head = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| SourceError::Revision {
            path: path.to_path_buf(),
            rev: rev.to_string(),
            message: e.message().to_string(),
        })?;
    let maps = Maps::of(&repo, head.id(), &authors.identities);
    let wrote = |c: &git2::Commit| authors.counts(&authors.whose(c, &maps));
    git::history_of(&repo, path, rev, Some(&wrote))
}

#[cfg(test)]
mod tests;
