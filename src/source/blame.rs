//! Who wrote which lines (`--author`): git blame at the scanned revision,
//! with git2, and the commits of given authors.
//!
//! In: a git repository, a commit, paths, and the authors (emails or names).
//! Out: per file, which lines those authors wrote last. Blame walks a file's
//! history, so the audit asks only for files that carry evidence or code.

use super::git::{self, History};
use super::SourceError;
use git2::{BlameOptions, Mailmap, Oid, Repository, Signature};
use std::path::Path;

/// The people whose work counts: emails or names, compared without regard
/// to case with commit authors after the repository's `.mailmap`.
#[derive(Debug, Clone, Default)]
pub struct Authors {
    given: Vec<String>,
    wanted: Vec<String>,
}

impl Authors {
    pub fn new(given: &[String]) -> Self {
        let given: Vec<String> = given.iter().map(|g| g.trim().to_string()).collect();
        Authors {
            wanted: given.iter().map(|g| g.to_lowercase()).collect(),
            given,
        }
    }

    /// The authors as given on the command line.
    pub fn given(&self) -> &[String] {
        &self.given
    }

    pub fn matches(&self, sig: &Signature) -> bool {
        let email = sig.email().unwrap_or("").to_lowercase();
        let name = sig.name().unwrap_or("").to_lowercase();
        self.wanted.iter().any(|w| *w == email || *w == name)
    }

    /// Whether they wrote a commit (its author, after `.mailmap`).
    fn wrote(&self, commit: &git2::Commit, mailmap: Option<&Mailmap>) -> bool {
        let author = commit.author();
        match mailmap.and_then(|m| m.resolve_signature(&author).ok()) {
            Some(mapped) => self.matches(&mapped),
            None => self.matches(&author),
        }
    }
}

/// Which lines of one file the authors wrote last.
#[derive(Debug, Clone, Default)]
pub struct FileBlame {
    /// Indexed by line - 1.
    mine: Vec<bool>,
    /// An empty file has no line to blame: it is theirs when they committed it.
    empty_mine: bool,
}

impl FileBlame {
    pub fn lines(&self) -> u64 {
        self.mine.len() as u64
    }

    /// Lines the authors wrote last.
    pub fn mine(&self) -> u64 {
        self.mine.iter().filter(|m| **m).count() as u64
    }

    /// Whether the authors wrote this (1-based) line; line 1 of an empty
    /// file is theirs when they committed the file.
    pub fn is_mine(&self, line: u32) -> bool {
        if self.mine.is_empty() {
            return line <= 1 && self.empty_mine;
        }
        line >= 1 && self.mine.get(line as usize - 1).copied().unwrap_or(false)
    }

    /// Whether they wrote at least half of the file (an empty file: committed it).
    pub fn mostly_mine(&self) -> bool {
        if self.mine.is_empty() {
            return self.empty_mine;
        }
        self.mine() * 2 >= self.lines()
    }
}

/// Blames files of one commit; one per thread (git handles are not shared).
pub struct Blamer {
    repo: Repository,
    commit: Oid,
}

impl Blamer {
    pub fn open(path: &Path, commit: &str) -> Result<Blamer, SourceError> {
        let repo = git::open(path)?;
        let commit = Oid::from_str(commit).map_err(|e| SourceError::Git {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
        Ok(Blamer { repo, commit })
    }

    /// Which lines of `path` (at the commit) the authors wrote last.
    pub fn blame(&self, path: &str, authors: &Authors) -> Result<FileBlame, String> {
        let mut opts = BlameOptions::new();
        opts.newest_commit(self.commit).use_mailmap(true);
        let blame = self
            .repo
            .blame_file(Path::new(path), Some(&mut opts))
            .map_err(|e| e.message().to_string())?;
        let mut out = FileBlame::default();
        for hunk in blame.iter() {
            let start = hunk.final_start_line().saturating_sub(1);
            let end = start + hunk.lines_in_hunk();
            let theirs = hunk.final_signature().is_some_and(|s| authors.matches(&s));
            if out.mine.len() < end {
                out.mine.resize(end, false);
            }
            out.mine[start..end].fill(theirs);
        }
        if out.mine.is_empty() {
            out.empty_mine = self.added_by(path, authors);
        }
        Ok(out)
    }

    /// Whether the authors wrote the commit that added `path` (the oldest
    /// commit of the first-parent line that has it).
    fn added_by(&self, path: &str, authors: &Authors) -> bool {
        let mailmap = self.repo.mailmap().ok();
        let has = |c: &git2::Commit| c.tree().is_ok_and(|t| t.get_path(Path::new(path)).is_ok());
        let Ok(mut commit) = self.repo.find_commit(self.commit) else {
            return false;
        };
        while let Ok(parent) = commit.parent(0) {
            if !has(&parent) {
                break;
            }
            commit = parent;
        }
        authors.wrote(&commit, mailmap.as_ref())
    }
}

/// The history of `rev` counting only the authors' commits.
pub fn authored_history(
    path: &Path,
    rev: &str,
    authors: &Authors,
) -> Result<Option<History>, SourceError> {
    let repo = git::open(path)?;
    let mailmap = repo.mailmap().ok();
    let wrote = |c: &git2::Commit| authors.wrote(c, mailmap.as_ref());
    git::history_of(&repo, path, rev, Some(&wrote))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_match_email_or_name_whatever_the_case() {
        let a = Authors::new(&["Student@Example.com".into(), "Ada L".into()]);
        let sig = |name: &str, email: &str| Signature::now(name, email).unwrap();
        assert!(a.matches(&sig("Someone", "student@example.COM")));
        assert!(a.matches(&sig("ada l", "ada@elsewhere.org")));
        assert!(!a.matches(&sig("Template Author", "template@example.com")));
    }

    #[test]
    fn an_empty_file_is_theirs_when_they_added_it() {
        let mut b = FileBlame::default();
        assert!(!b.is_mine(1));
        b.empty_mine = true;
        assert!(b.is_mine(1) && !b.is_mine(2) && b.mostly_mine());
        let b = FileBlame {
            mine: vec![true, false, false],
            empty_mine: false,
        };
        assert!(b.is_mine(1) && !b.is_mine(2) && !b.is_mine(0) && !b.is_mine(9));
        assert!(!b.mostly_mine());
    }
}
