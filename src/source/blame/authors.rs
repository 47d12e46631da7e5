//! Whose work counts under `--author`: the given authors, matched against
//! commit authors after the mailmaps that apply.
//!
//! In: emails or names, the auditor's mailmap, the policy for the
//! repository's own `.mailmap`. Out: for a commit, whether it is theirs, or
//! someone a repository's `.mailmap` merges into them. It never blames.

use super::{blob_at, RevList};
use crate::model::RepoConfig;
use git2::{Mailmap, Oid, Repository, Signature};

/// The people whose work counts: emails or names, compared without regard
/// to case with commit authors after the mailmaps that apply.
#[derive(Debug, Clone, Default)]
pub struct Authors {
    given: Vec<String>,
    wanted: Vec<String>,
    pub(super) identities: Identities,
    /// The auditor's revisions to pass over (`--ignore-revs-file`).
    pub(super) ignore_revs: Option<RevList>,
}

/// Which mailmaps say who is who. The auditor's always applies; the
/// repository's own `.mailmap` (read at the scanned revision) is the
/// claim of the person under audit: applied under `trust`, only reported
/// under `report`, not read under `ignore`.
#[derive(Debug, Clone)]
pub struct Identities {
    /// The auditor's mailmap, in git's format (`--mailmap FILE`).
    pub auditor: Option<String>,
    pub repo: RepoConfig,
}

impl Default for Identities {
    fn default() -> Self {
        Identities {
            auditor: None,
            repo: RepoConfig::Trust,
        }
    }
}

/// Who wrote a commit, as the audit counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    /// The authors, without the repository's `.mailmap`.
    Theirs,
    /// Someone the repository's `.mailmap` maps onto the authors: their work
    /// only if that file is trusted. The identity as the commit has it.
    Merged(String),
    Others,
}

impl Authors {
    pub fn new(given: &[String]) -> Self {
        let given: Vec<String> = given.iter().map(|g| g.trim().to_string()).collect();
        Authors {
            wanted: given.iter().map(|g| g.to_lowercase()).collect(),
            given,
            identities: Identities::default(),
            ignore_revs: None,
        }
    }

    /// The same authors, with these mailmaps (and this policy for the
    /// repository's own `.mailmap` and `.git-blame-ignore-revs`).
    pub fn with_identities(mut self, identities: Identities) -> Self {
        self.identities = identities;
        self
    }

    /// The same authors, with the auditor's list of revisions for blame to
    /// pass over, which always applies.
    pub fn with_ignore_revs(mut self, list: Option<RevList>) -> Self {
        self.ignore_revs = list;
        self
    }

    /// Whether lines a repository's `.mailmap` merges into the authors count.
    pub fn merged_count(&self) -> bool {
        self.identities.repo == RepoConfig::Trust
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

    /// Whether they wrote a commit (its author, after `mailmap`).
    fn wrote_as(&self, author: &Signature, mailmap: Option<&Mailmap>) -> bool {
        match mailmap.and_then(|m| m.resolve_signature(author).ok()) {
            Some(mapped) => self.matches(&mapped),
            None => self.matches(author),
        }
    }

    /// Who wrote a commit: the authors by the auditor's mailmap alone, or
    /// someone the repository's merges into them, or someone else.
    pub(super) fn whose(&self, commit: &git2::Commit, maps: &Maps) -> Whose {
        let author = commit.author();
        if self.wrote_as(&author, maps.auditor.as_ref()) {
            return Whose::Theirs;
        }
        if self.wrote_as(&author, maps.with_repo.as_ref()) {
            let name = String::from_utf8_lossy(author.name_bytes()).into_owned();
            let email = String::from_utf8_lossy(author.email_bytes()).into_owned();
            return Whose::Merged(format!("{name} <{email}>"));
        }
        Whose::Others
    }

    /// Whether their work includes a commit of this kind.
    pub(super) fn counts(&self, whose: &Whose) -> bool {
        match whose {
            Whose::Theirs => true,
            Whose::Merged(_) => self.merged_count(),
            Whose::Others => false,
        }
    }
}

/// The mailmaps of one repository at one revision: the auditor's alone,
/// and the auditor's with the repository's own `.mailmap` (when it is read).
pub(super) struct Maps {
    auditor: Option<Mailmap>,
    with_repo: Option<Mailmap>,
}

impl Maps {
    pub(super) fn of(repo: &Repository, commit: Oid, identities: &Identities) -> Maps {
        let auditor_text = identities.auditor.clone().unwrap_or_default();
        let build = |text: &str| {
            (!text.trim().is_empty())
                .then(|| Mailmap::from_buffer(text).ok())
                .flatten()
        };
        let repo_text = match identities.repo {
            RepoConfig::Ignore => None,
            _ => repo
                .find_commit(commit)
                .ok()
                .and_then(|c| blob_at(&c, ".mailmap"))
                .and_then(|b| repo.find_blob(b).ok())
                .map(|b| String::from_utf8_lossy(b.content()).into_owned()),
        };
        // The auditor's entries come last: for the same identity, git's
        // mailmap keeps the last entry read, so the auditor's word wins.
        Maps {
            auditor: build(&auditor_text),
            with_repo: repo_text.and_then(|t| build(&format!("{t}\n{auditor_text}"))),
        }
    }
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
}
