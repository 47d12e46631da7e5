//! Revisions blame passes over: git's `.git-blame-ignore-revs` format, and
//! the lists that apply to one repository, resolved to its commits.
//!
//! In: the auditor's list (`--ignore-revs-file`, always applied) and the
//! repository's own `.git-blame-ignore-revs` at the scanned revision (its
//! claim, read as `--repo-config` allows). Out: the commits of each list,
//! and a note, naming the file and the line, for each entry that names no
//! commit. It never decides whose a line is: the walk does.

use super::Authors;
use crate::model::{Note, RepoConfig};
use git2::{ErrorCode, Oid, Repository};
use std::collections::HashSet;

/// The repository's own list, at its top, as GitHub's blame view reads it.
pub const REPO_FILE: &str = ".git-blame-ignore-revs";

/// A list of revisions in git's format: one full commit hash a line; `#`
/// starts a comment; blank lines are skipped. An abbreviated hash, which
/// git refuses, is read too (with a note), so that one typo does not undo
/// a whole list.
#[derive(Debug, Clone)]
pub struct RevList {
    /// Where it comes from, as messages name it.
    pub name: String,
    /// (line, hash) of each entry, lines from 1.
    entries: Vec<(u32, String)>,
    /// (line, text) of each line that is not a hash.
    pub malformed: Vec<(u32, String)>,
}

impl RevList {
    pub fn parse(name: &str, text: &str) -> RevList {
        let mut list = RevList {
            name: name.to_string(),
            entries: Vec::new(),
            malformed: Vec::new(),
        };
        for (i, line) in text.lines().enumerate() {
            let line_no = i as u32 + 1;
            let entry = line.split('#').next().unwrap_or("").trim();
            if entry.is_empty() {
                continue;
            }
            // git's shortest abbreviation is 4 digits; a SHA-256 name has 64.
            let hex =
                (4..=64).contains(&entry.len()) && entry.chars().all(|c| c.is_ascii_hexdigit());
            if hex {
                list.entries.push((line_no, entry.to_lowercase()));
            } else {
                list.malformed.push((line_no, entry.to_string()));
            }
        }
        list
    }

    /// The commits its entries name in `repo`; a note for each entry that
    /// names none (or is not a hash), with the file and the line.
    fn resolve(&self, repo: &Repository, applied: bool) -> (IgnoreList, Vec<Note>) {
        let note = |line: u32, message: String| Note {
            path: self.name.clone(),
            message: format!("line {line}: {message}"),
        };
        let mut notes: Vec<Note> = self
            .malformed
            .iter()
            .map(|(line, text)| note(*line, format!("`{text}` is not a commit hash; skipped")))
            .collect();
        let mut seen = HashSet::new();
        let mut commits = Vec::new();
        for (line, hash) in &self.entries {
            match find_commit(repo, hash) {
                Ok(c) => {
                    // Applied all the same (the intent is plain), but the
                    // learner's own `git blame` would stop at this line.
                    if hash.len() < c.id.to_string().len() {
                        notes.push(note(
                            *line,
                            format!(
                                "`{hash}` is abbreviated: applied, but git blame refuses \
                                 abbreviated hashes; write the full {}",
                                c.id
                            ),
                        ));
                    }
                    if seen.insert(c.id) {
                        commits.push(c);
                    }
                }
                Err(why) => notes.push(note(*line, format!("`{hash}` {why}; not ignored"))),
            }
        }
        let list = IgnoreList {
            name: self.name.clone(),
            applied,
            commits,
            ids: seen,
        };
        (list, notes)
    }
}

/// The commit a full or abbreviated hash names, or why none.
fn find_commit(repo: &Repository, hash: &str) -> Result<IgnoredCommit, &'static str> {
    let object = repo.find_object_by_prefix(hash, None).map_err(|e| {
        if e.code() == ErrorCode::Ambiguous {
            "is ambiguous (more than one object starts with it)"
        } else {
            "names no commit of this repository"
        }
    })?;
    object
        .peel_to_commit()
        .map(|c| IgnoredCommit::of(&c))
        .map_err(|_| "names an object that is not a commit")
}

/// A commit a list names, as the report describes it: a reader judges
/// from who made it and what it says whether passing over it is fair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredCommit {
    pub id: Oid,
    /// `Name <email>`, as the commit has it (no mailmap: the commit as made).
    pub author: String,
    /// The first line of its message.
    pub summary: String,
}

impl IgnoredCommit {
    fn of(c: &git2::Commit) -> IgnoredCommit {
        let author = c.author();
        let name = String::from_utf8_lossy(author.name_bytes()).into_owned();
        let email = String::from_utf8_lossy(author.email_bytes()).into_owned();
        let message = String::from_utf8_lossy(c.message_bytes()).into_owned();
        IgnoredCommit {
            id: c.id(),
            author: printable(&format!("{name} <{email}>")),
            summary: printable(message.lines().next().unwrap_or("").trim()),
        }
    }
}

/// Longest summary the report repeats: a first line is meant to be short,
/// and a report line should stay one line.
const MAX_SUMMARY_CHARS: usize = 100;

/// Text from a commit as the report may print it on a terminal: without
/// control characters (an escape sequence in a message must not reach the
/// reader's terminal), at most [`MAX_SUMMARY_CHARS`] characters.
fn printable(text: &str) -> String {
    let kept: Vec<char> = text.chars().filter(|c| !c.is_control()).collect();
    if kept.len() <= MAX_SUMMARY_CHARS {
        return kept.into_iter().collect();
    }
    let mut short: String = kept[..MAX_SUMMARY_CHARS - 1].iter().collect();
    short.push('…');
    short
}

/// One list's revisions found in a repository.
#[derive(Debug, Clone)]
pub struct IgnoreList {
    /// [`REPO_FILE`], or the auditor's file as given.
    pub name: String,
    /// Whether blame applies it; the repository's own list is only
    /// reported (what it would change) unless it is trusted.
    pub applied: bool,
    /// The commits it names, in the order of its entries, each once.
    pub commits: Vec<IgnoredCommit>,
    ids: HashSet<Oid>,
}

impl IgnoreList {
    /// How many commits of the repository it names.
    pub fn revisions(&self) -> u64 {
        self.commits.len() as u64
    }

    pub fn contains(&self, commit: Oid) -> bool {
        self.ids.contains(&commit)
    }
}

/// The lists that apply to one repository: the auditor's first, then the
/// repository's own.
#[derive(Debug, Clone, Default)]
pub struct IgnoredRevs {
    pub lists: Vec<IgnoreList>,
}

impl IgnoredRevs {
    /// The auditor's list and, unless the policy is `ignore`, the
    /// repository's [`REPO_FILE`] in the tree of `commit`, resolved in `repo`.
    pub(super) fn read(
        repo: &Repository,
        commit: Oid,
        authors: &Authors,
    ) -> (IgnoredRevs, Vec<Note>) {
        let mut lists = Vec::new();
        let mut notes = Vec::new();
        if let Some(auditor) = &authors.ignore_revs {
            let (list, n) = auditor.resolve(repo, true);
            lists.push(list);
            notes.extend(n);
        }
        let policy = authors.identities.repo;
        let own = match policy {
            RepoConfig::Ignore => None,
            _ => repo
                .find_commit(commit)
                .ok()
                .and_then(|c| super::blob_at(&c, REPO_FILE))
                .and_then(|b| repo.find_blob(b).ok())
                .map(|b| RevList::parse(REPO_FILE, &String::from_utf8_lossy(b.content()))),
        };
        if let Some(own) = own {
            let (list, n) = own.resolve(repo, policy == RepoConfig::Trust);
            lists.push(list);
            notes.extend(n);
        }
        (IgnoredRevs { lists }, notes)
    }

    /// Whether the walk passes over `commit` (a list names it, applied or
    /// only reported: what it changes is measured either way).
    pub(super) fn passes_over(&self, commit: Oid) -> bool {
        self.lists.iter().any(|l| l.contains(commit))
    }

    /// Whether `commit` is passed over with the lists `applied` says
    /// (one flag per list).
    pub(super) fn ignored_with(&self, commit: Oid, applied: &[bool]) -> bool {
        self.lists
            .iter()
            .zip(applied)
            .any(|(l, on)| *on && l.contains(commit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_text_loses_control_characters_and_stays_one_short_line() {
        assert_eq!(
            printable("Format\u{1b}[2J with black"),
            "Format[2J with black"
        );
        let long = printable(&"x".repeat(300));
        assert_eq!(long.chars().count(), MAX_SUMMARY_CHARS);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn the_format_is_gits_hashes_comments_and_blank_lines() {
        let list = RevList::parse(
            "ignore.txt",
            "# Black, 2024\n\nABCDEF0123456789abcdef0123456789abcdef01  # reformat\n  1234567\nnot a hash\nxyz\n",
        );
        assert_eq!(
            list.entries,
            vec![
                (3, "abcdef0123456789abcdef0123456789abcdef01".to_string()),
                (4, "1234567".to_string())
            ]
        );
        assert_eq!(
            list.malformed,
            vec![(5, "not a hash".to_string()), (6, "xyz".to_string())]
        );
    }

    #[test]
    fn entries_resolve_to_commits_or_say_which_line_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let tree = repo.treebuilder(None).unwrap().write().unwrap();
        let tree = repo.find_tree(tree).unwrap();
        let sig = git2::Signature::new("a", "a@example.com", &git2::Time::new(0, 0)).unwrap();
        let c = repo
            .commit(
                None,
                &sig,
                &sig,
                "Format with black\n\nAll files.",
                &tree,
                &[],
            )
            .unwrap();
        let full = c.to_string();
        let text = format!(
            "{}\n{full}\n0000000000000000000000000000000000000001\nnope\n",
            &full[..8]
        );
        let (list, notes) = RevList::parse("ignore.txt", &text).resolve(&repo, true);
        // Named twice (abbreviated, then in full): one revision.
        assert_eq!(list.revisions(), 1);
        assert!(list.contains(c) && list.applied);
        let described = IgnoredCommit {
            id: c,
            author: "a <a@example.com>".into(),
            summary: "Format with black".into(),
        };
        assert_eq!(list.commits, vec![described]);
        let said: Vec<String> = notes
            .iter()
            .map(|n| format!("{}: {}", n.path, n.message))
            .collect();
        assert_eq!(
            said,
            vec![
                "ignore.txt: line 4: `nope` is not a commit hash; skipped".to_string(),
                format!("ignore.txt: line 1: `{}` is abbreviated: applied, but git blame refuses abbreviated hashes; write the full {full}", &full[..8]),
                "ignore.txt: line 3: `0000000000000000000000000000000000000001` names no commit of this repository; not ignored".to_string(),
            ]
        );
        // A tree is an object, not a commit.
        let (_, notes) = RevList::parse("ignore.txt", &tree.id().to_string()).resolve(&repo, true);
        assert!(notes[0].message.contains("not a commit"), "{notes:?}");
    }
}
