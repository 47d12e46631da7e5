//! What blame found in one file for the authors, and what following moves
//! and passing over ignored revisions changed in it.

use git2::Oid;
use std::collections::BTreeMap;

/// Which lines of one file the authors wrote last.
#[derive(Debug, Clone, Default)]
pub struct FileBlame {
    /// Indexed by line - 1.
    pub(super) mine: Vec<bool>,
    /// An empty file has no line to blame: it is theirs when they committed it.
    pub(super) empty_mine: bool,
    /// Lines written by identities the repository's `.mailmap` merges into
    /// the authors, by identity (counted in `mine` only when it is trusted).
    pub merged: BTreeMap<String, u64>,
    /// What following lines moved or copied from other files changed.
    pub moves: Handed,
    /// What each list of ignored revisions changed, in the order of
    /// [`super::IgnoredRevs::lists`].
    pub ignored: Vec<ListEffect>,
}

/// What one list of ignored revisions changed in a file: in all, and per
/// commit it names, so that the report can say what each one took or gave.
#[derive(Debug, Clone, Default)]
pub struct ListEffect {
    pub handed: Handed,
    /// Per commit of the list that passed lines on.
    pub commits: BTreeMap<Oid, CommitEffect>,
}

/// What passing over one commit changed: the lines it would hold were it
/// alone not passed over (the other revisions still are), and how many of
/// those count as the authors' with it passed over. A line a second ignored
/// commit changed too counts for both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CommitEffect {
    pub lines: u64,
    pub theirs: u64,
}

impl CommitEffect {
    /// The sum of two files' counts.
    pub fn plus(self, other: CommitEffect) -> CommitEffect {
        CommitEffect {
            lines: self.lines + other.lines,
            theirs: self.theirs + other.theirs,
        }
    }
}

/// What one way of following lines changed: lines that went to another
/// commit, and the authors' lines without it and with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Handed {
    pub lines: u64,
    pub theirs_without: u64,
    pub theirs_with: u64,
}

impl Handed {
    pub(super) fn add(&mut self, changed: bool, without: bool, with: bool) {
        self.lines += u64::from(changed);
        self.theirs_without += u64::from(without);
        self.theirs_with += u64::from(with);
    }

    /// The sum of two files' counts.
    pub fn plus(self, other: Handed) -> Handed {
        Handed {
            lines: self.lines + other.lines,
            theirs_without: self.theirs_without + other.theirs_without,
            theirs_with: self.theirs_with + other.theirs_with,
        }
    }
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
