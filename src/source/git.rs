//! A revision read from a git object database with git2: no checkout, works
//! on bare repositories. Also the repository's history.

use super::skip::{classify_dir, Skip};
use super::{Entry, ListOptions, Listing, Loc, SourceError};
use crate::model::{History, Note};
use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Starts libgit2, once. Its start also starts OpenSSL, which reads every
/// certificate authority of the system (about 15 ms).
fn start() {
    // libgit2 hashes every object it reads again to check its id (SHA-1
    // with collision detection): 8% of a timeline of flask. git itself
    // checks on fsck, not on every read, and an audit writes nothing back.
    static READ_WITHOUT_REHASHING: std::sync::Once = std::sync::Once::new();
    READ_WITHOUT_REHASHING.call_once(|| git2::opts::strict_hash_verification(false));
}

/// Starts libgit2 on another thread, so its start overlaps other work
/// (the rules' compilation); the first use of git waits for it.
pub fn start_in_background() {
    std::thread::spawn(start);
}

pub fn open(path: &Path) -> Result<Repository, SourceError> {
    start();
    Repository::open(path).map_err(|e| SourceError::Git {
        path: path.to_path_buf(),
        message: e.message().to_string(),
    })
}

/// A file at the top of the tree of `rev` (a blob, not a link), as in
/// [`super::Repo::top_file`].
pub fn top_file(
    path: &Path,
    rev: &str,
    name: &str,
    cap: u64,
) -> Result<Option<Vec<u8>>, super::TopFileError> {
    use super::TopFileError::{TooLarge, Unreadable};
    let repo = open(path).map_err(|e| Unreadable(e.to_string()))?;
    let tree = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| Unreadable(e.message().to_string()))?;
    let Some(entry) = tree.get_name(name) else {
        return Ok(None);
    };
    if entry.kind() != Some(ObjectType::Blob) || entry.filemode() == 0o120000 {
        return Ok(None);
    }
    let odb = repo
        .odb()
        .map_err(|e| Unreadable(e.message().to_string()))?;
    let (size, _) = odb
        .read_header(entry.id())
        .map_err(|e| Unreadable(e.message().to_string()))?;
    if size as u64 > cap {
        return Err(TooLarge(size as u64));
    }
    let blob = repo
        .find_blob(entry.id())
        .map_err(|e| Unreadable(e.message().to_string()))?;
    Ok(Some(blob.content().to_vec()))
}

/// The files of a working tree that differ from HEAD: changed or added
/// (staged or not) and untracked; ignored files are not listed anyway.
pub fn changed_since_head(root: &Path) -> BTreeSet<String> {
    let Ok(repo) = Repository::open(root) else {
        return BTreeSet::new();
    };
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .renames_head_to_index(false);
    let Ok(statuses) = repo.statuses(Some(&mut opts)) else {
        return BTreeSet::new();
    };
    statuses
        .iter()
        .filter(|e| e.status() != git2::Status::CURRENT)
        .filter_map(|e| e.path().ok().map(str::to_string))
        .collect()
}

fn git_err(path: &Path) -> impl Fn(git2::Error) -> SourceError + '_ {
    move |e| SourceError::Git {
        path: path.to_path_buf(),
        message: e.message().to_string(),
    }
}

pub fn list(path: &Path, rev: &str, opts: &ListOptions) -> Result<Listing, SourceError> {
    let repo = open(path)?;
    let object = repo
        .revparse_single(rev)
        .map_err(|e| SourceError::Revision {
            path: path.to_path_buf(),
            rev: rev.to_string(),
            message: e.message().to_string(),
        })?;
    let commit = object.peel_to_commit().map_err(git_err(path))?;
    let mut listing = list_commit(&repo, path, &commit, opts, &mut BlobSizes::new())?;
    listing.history = history_at(&repo, path, &commit.id().to_string())?;
    if let Some(h) = &listing.history {
        listing.first_commit = first_commit(&repo, h, &listing.files);
    }
    if repo.is_shallow() {
        listing.notes.push(Note {
            path: ".".into(),
            message: "shallow clone (--depth): the history counts only the commits fetched".into(),
        });
    }
    Ok(listing)
}

/// The files of one commit's tree, without its history (a timeline keeps
/// that itself, commit after commit).
/// Sizes of blobs already listed, by id: the revisions of one history
/// share most of their blobs, and reading a size from a pack resolves the
/// blob's delta chain.
pub type BlobSizes = HashMap<Oid, u64>;

/// The listing of `commit`'s tree; sizes of blobs not in `sizes` are read
/// and added there.
pub fn list_commit(
    repo: &Repository,
    path: &Path,
    commit: &git2::Commit,
    opts: &ListOptions,
    sizes: &mut BlobSizes,
) -> Result<Listing, SourceError> {
    let tree = commit.tree().map_err(git_err(path))?;
    let odb = repo.odb().map_err(git_err(path))?;
    let mut listing = Listing {
        revision: Some(commit.id().to_string()),
        ..Default::default()
    };
    let mut skipped: Vec<(String, Skip)> = Vec::new();
    tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
        let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
        let full = format!("{dir}{name}");
        match entry.kind() {
            Some(ObjectType::Tree) => {
                let sub = repo.find_tree(entry.id()).ok();
                let has = |p: &str| {
                    sub.as_ref()
                        .is_some_and(|t| t.get_path(Path::new(p)).is_ok())
                };
                match classify_dir(&name, &has) {
                    Some(skip) => {
                        skipped.push((full, skip));
                        TreeWalkResult::Skip
                    }
                    None => TreeWalkResult::Ok,
                }
            }
            Some(ObjectType::Blob) => {
                if entry.filemode() == 0o120000 {
                    listing.notes.push(Note {
                        path: full,
                        message: "symlink not followed".into(),
                    });
                    return TreeWalkResult::Ok;
                }
                let size = *sizes.entry(entry.id()).or_insert_with(|| {
                    odb.read_header(entry.id())
                        .map(|(s, _)| s as u64)
                        .unwrap_or(0)
                });
                listing.push_file(full, size, Loc::Blob(entry.id()), opts);
                TreeWalkResult::Ok
            }
            _ => {
                listing.notes.push(Note {
                    path: full,
                    message: "submodule not read".into(),
                });
                TreeWalkResult::Ok
            }
        }
    })
    .map_err(git_err(path))?;
    listing.record_skipped(skipped);
    Ok(listing)
}

/// Commit messages that say nothing about the change.
const VAGUE: &[&str] = &[
    "update",
    "updates",
    "updated",
    "fix",
    "fixes",
    "fixed",
    "wip",
    "changes",
    "change",
    "commit",
    "stuff",
    "asdf",
    "test",
    "tests",
    "minor",
    "misc",
    "save",
    "done",
    "final",
    "edit",
    "edits",
    "more",
    "temp",
    "tmp",
    "initial commit",
    "first commit",
    "add files via upload",
    "update readme.md",
    "create readme.md",
];

fn is_descriptive(message: &str) -> bool {
    let first = message
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches('.')
        .to_lowercase();
    first.split_whitespace().count() >= 2 && first.len() >= 10 && !VAGUE.contains(&first.as_str())
}

/// The history reachable from `rev`, or `None` for a repository without commits.
pub fn history_at(
    repo: &Repository,
    path: &Path,
    rev: &str,
) -> Result<Option<History>, SourceError> {
    history_of(repo, path, rev, None)
}

/// The history reachable from `rev`, counting only the commits `counts`
/// accepts (all of them without it); `None` for a repository without commits.
pub fn history_of(
    repo: &Repository,
    path: &Path,
    rev: &str,
    counts: Option<&dyn Fn(&git2::Commit) -> bool>,
) -> Result<Option<History>, SourceError> {
    let start: Oid = match repo.revparse_single(rev).and_then(|o| o.peel_to_commit()) {
        Ok(c) => c.id(),
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            return Ok(None)
        }
        Err(e) => return Err(git_err(path)(e)),
    };
    let mut walk = HistoryWalk::new(repo);
    walk.advance(repo, start, counts).map_err(git_err(path))?;
    let mut h = walk.history();
    let (first, shallow) = first_parent_root(repo, start).map_err(git_err(path))?;
    h.first_commit = Some(first.to_string());
    h.shallow = shallow;
    Ok(Some(h))
}

/// The first commit of the first-parent line from `start`, and whether the
/// line is cut there (see [`is_cut`]).
fn first_parent_root(repo: &Repository, start: Oid) -> Result<(Oid, bool), git2::Error> {
    let mut commit = repo.find_commit(start)?;
    while let Ok(parent) = commit.parent(0) {
        commit = parent;
    }
    Ok((commit.id(), is_cut(repo, &commit)))
}

/// Whether the oldest commit a walk reached is not the repository's first:
/// a shallow clone (git hides the parents of its boundary commits), or a
/// parent that is missing from the object database.
pub fn is_cut(repo: &Repository, oldest: &git2::Commit) -> bool {
    repo.is_shallow() || oldest.parent_count() > 0
}

/// A history built commit by commit. A timeline moves it forward along the
/// first-parent line; each step walks only the commits the step adds (a
/// merged branch's commits included), so a walk over N commits costs N.
pub struct HistoryWalk {
    h: History,
    days: BTreeSet<i64>,
    authors: BTreeSet<String>,
    span: Option<(i64, i64)>,
    last: Option<Oid>,
}

impl HistoryWalk {
    pub fn new(repo: &Repository) -> Self {
        HistoryWalk {
            h: History {
                branches: repo.branches(None).map(|b| b.count() as u64).unwrap_or(0),
                tags: repo.tag_names(None).map(|t| t.len() as u64).unwrap_or(0),
                ..Default::default()
            },
            days: BTreeSet::new(),
            authors: BTreeSet::new(),
            span: None,
            last: None,
        }
    }

    /// Moves to `commit`, a descendant of the commit it was at: counts the
    /// commits reachable from it and not from that one.
    pub fn advance(
        &mut self,
        repo: &Repository,
        commit: Oid,
        counts: Option<&dyn Fn(&git2::Commit) -> bool>,
    ) -> Result<(), git2::Error> {
        let mut walk = repo.revwalk()?;
        walk.push(commit)?;
        if let Some(prev) = self.last {
            walk.hide(prev)?;
        }
        for oid in walk {
            // A shallow clone ends its walk early; what was walked still counts.
            let Ok(oid) = oid else { break };
            let Ok(c) = repo.find_commit(oid) else {
                continue;
            };
            if counts.is_some_and(|f| !f(&c)) {
                continue;
            }
            let h = &mut self.h;
            h.commits += 1;
            let t = c.author().when().seconds();
            self.span = Some(match self.span {
                Some((first, last)) => (first.min(t), last.max(t)),
                None => (t, t),
            });
            self.days.insert(t.div_euclid(86_400));
            self.authors
                .insert(c.author().email().unwrap_or("").to_lowercase());
            if c.parent_count() > 1 {
                h.merges += 1;
            }
            if is_descriptive(c.message().unwrap_or("")) {
                h.descriptive_commits += 1;
            }
        }
        self.last = Some(commit);
        self.h.head = commit.to_string();
        Ok(())
    }

    /// The history up to the commit it is at.
    pub fn history(&self) -> History {
        History {
            active_days: self.days.len() as u64,
            span_days: self
                .span
                .map_or(0, |(first, last)| ((last - first).max(0) / 86_400) as u64),
            authors: self.authors.len() as u64,
            ..self.h.clone()
        }
    }
}

/// The first commit's Python files: each one's blob, by path, in the
/// repository at `git`.
#[derive(Debug)]
pub struct FirstCommit {
    git: PathBuf,
    blobs: HashMap<String, Oid>,
}

/// The first commit of `history`, with its blobs of the Python files among
/// `files` (only their folders are walked).
pub fn first_commit(repo: &Repository, history: &History, files: &[Entry]) -> Option<FirstCommit> {
    let id = Oid::from_str(history.first_commit.as_deref()?).ok()?;
    let tree = repo.find_commit(id).ok()?.tree().ok()?;
    let wanted: HashSet<&str> = files
        .iter()
        .filter(|e| e.path.ends_with(".py") && !e.oversize)
        .map(|e| e.path.as_str())
        .collect();
    let folders: HashSet<&str> = wanted
        .iter()
        .flat_map(|p| p.match_indices('/').map(|(i, _)| &p[..=i]))
        .collect();
    let mut blobs = HashMap::new();
    let walked = tree.walk(TreeWalkMode::PreOrder, |dir, e| {
        let Ok(name) = e.name() else {
            return TreeWalkResult::Skip;
        };
        let path = format!("{dir}{name}");
        match e.kind() {
            Some(ObjectType::Tree) if !folders.contains(format!("{path}/").as_str()) => {
                TreeWalkResult::Skip
            }
            Some(ObjectType::Blob) if wanted.contains(path.as_str()) => {
                blobs.insert(path, e.id());
                TreeWalkResult::Ok
            }
            _ => TreeWalkResult::Ok,
        }
    });
    walked.ok()?;
    Some(FirstCommit {
        git: repo.path().to_path_buf(),
        blobs,
    })
}

impl FirstCommit {
    /// The blob the first commit held at `path`, when it held a file there.
    pub fn blob(&self, path: &str) -> Option<Oid> {
        self.blobs.get(path).copied()
    }

    /// The repository, opened again (for another thread).
    pub fn open(&self) -> Result<Repository, SourceError> {
        open(&self.git)
    }

    /// How many of the non-blank lines of `content` the first commit's
    /// `blob` already held (each of its lines matched once).
    pub fn lines_held(repo: &Repository, blob: Oid, content: &[u8]) -> u64 {
        let Ok(old) = repo.find_blob(blob) else {
            return 0;
        };
        let mut before: HashMap<&[u8], u32> = HashMap::new();
        for l in code_lines(old.content()) {
            *before.entry(l).or_default() += 1;
        }
        let mut held = 0;
        for l in code_lines(content) {
            if let Some(n) = before.get_mut(l).filter(|n| **n > 0) {
                *n -= 1;
                held += 1;
            }
        }
        held
    }
}

/// Non-blank lines, trimmed.
pub fn code_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes
        .split(|&b| b == b'\n')
        .map(|l| l.trim_ascii())
        .filter(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn vague_messages_are_not_descriptive() {
        assert!(!super::is_descriptive("update"));
        assert!(!super::is_descriptive("fix"));
        assert!(!super::is_descriptive("Initial commit"));
        assert!(super::is_descriptive("Add pagination to the posts API"));
    }

    #[test]
    fn vague_list_is_lowercase() {
        assert!(super::VAGUE.iter().all(|v| v.to_lowercase() == *v));
    }
}
