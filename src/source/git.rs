//! A revision read from a git object database with git2: no checkout, works
//! on bare repositories. Also the repository's history.

use super::skip::{classify_dir, Skip};
use super::{skip_finding, ListOptions, Listing, Loc, Note, SourceError};
use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// What a repository's history shows.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct History {
    /// The scanned commit.
    pub head: String,
    pub commits: u64,
    pub active_days: u64,
    pub span_days: u64,
    pub authors: u64,
    pub merges: u64,
    pub branches: u64,
    pub tags: u64,
    pub descriptive_commits: u64,
}

pub fn open(path: &Path) -> Result<Repository, SourceError> {
    Repository::open(path).map_err(|e| SourceError::Git {
        path: path.to_path_buf(),
        message: e.message().to_string(),
    })
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
                let size = odb
                    .read_header(entry.id())
                    .map(|(s, _)| s as u64)
                    .unwrap_or(0);
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
    for (dir, skip) in skipped {
        if let Some(f) = skip_finding(&dir, skip) {
            listing.findings.push(f);
        }
    }
    listing.history = history_at(&repo, path, &commit.id().to_string())?;
    if repo.is_shallow() {
        listing.notes.push(Note {
            path: ".".into(),
            message: "shallow clone (--depth): the history counts only the commits fetched".into(),
        });
    }
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
    let mut walk = repo.revwalk().map_err(git_err(path))?;
    walk.push(start).map_err(git_err(path))?;
    let mut h = History {
        head: start.to_string(),
        ..Default::default()
    };
    let mut days = BTreeSet::new();
    let mut authors = BTreeSet::new();
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    for oid in walk {
        // A shallow clone ends its walk early; what was walked still counts.
        let Ok(oid) = oid else { break };
        let Ok(commit) = repo.find_commit(oid) else {
            continue;
        };
        h.commits += 1;
        let t = commit.author().when().seconds();
        first = first.min(t);
        last = last.max(t);
        days.insert(t.div_euclid(86_400));
        authors.insert(commit.author().email().unwrap_or("").to_lowercase());
        if commit.parent_count() > 1 {
            h.merges += 1;
        }
        if is_descriptive(commit.message().unwrap_or("")) {
            h.descriptive_commits += 1;
        }
    }
    h.active_days = days.len() as u64;
    h.span_days = if h.commits > 0 {
        ((last - first).max(0) / 86_400) as u64
    } else {
        0
    };
    h.authors = authors.len() as u64;
    h.branches = repo.branches(None).map(|b| b.count() as u64).unwrap_or(0);
    h.tags = repo.tag_names(None).map(|t| t.len() as u64).unwrap_or(0);
    Ok(Some(h))
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
