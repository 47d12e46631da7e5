//! The project files (`portfolio-audit.toml`) an audit reads, and who may
//! say what. The auditor's own file (`--config`) always applies. A scanned
//! repository's own file is a claim by the person under audit: it applies
//! when they audit their own work (`trust`), is shown but not applied when
//! someone else audits it (`report`), or is not read (`ignore`). It is read
//! from the repository the same way however the repository is read (working
//! tree, `--rev`, a clone).

use crate::model::{Note, RepoConfig};
use crate::roadmap::config::{Config, FILE_NAME, MAX_BYTES};
use crate::source::input::{Input, Target};
use crate::source::{RepoInput, TopFileError};
use std::collections::BTreeSet;

/// The policy when none is given: `trust` for one local path that is one
/// repository (a learner auditing their own work), `report` whenever the
/// inputs are someone else's: URLs, listed inputs (a repos file, an
/// account), or more than one repository.
pub fn default_policy(given: &[Input], repositories: usize) -> RepoConfig {
    match given {
        [one] if !one.listed && matches!(one.target, Target::Path(_)) && repositories == 1 => {
            RepoConfig::Trust
        }
        _ => RepoConfig::Report,
    }
}

/// A repository's own project file as read: what it says (when it could
/// be read), and notes on what could not.
#[derive(Debug, Default)]
pub struct RepoFile {
    pub config: Option<Config>,
    pub notes: Vec<Note>,
    /// How reports name it: `repo/portfolio-audit.toml`.
    pub source: String,
}

/// Reads the project file at the top of a repository; `None` when the
/// policy is `ignore` or there is none.
pub fn read_repo_file(
    input: &RepoInput,
    policy: RepoConfig,
    ids: &BTreeSet<&str>,
) -> Option<RepoFile> {
    if policy == RepoConfig::Ignore {
        return None;
    }
    let source = format!("{}/{FILE_NAME}", input.name);
    let note = |message: String| Note {
        path: FILE_NAME.to_string(),
        message,
    };
    match input.repo.top_file(FILE_NAME, MAX_BYTES) {
        Ok(None) => None,
        Ok(Some(bytes)) => {
            let (config, problems) = Config::parse(&source, &bytes, ids);
            Some(RepoFile {
                config,
                notes: problems.into_iter().map(note).collect(),
                source,
            })
        }
        Err(TopFileError::TooLarge(n)) => Some(RepoFile {
            config: None,
            notes: vec![note(format!(
                "not read: {n} bytes, over the {MAX_BYTES} bytes a project file may hold"
            ))],
            source,
        }),
        Err(e) => Some(RepoFile {
            config: None,
            notes: vec![note(e.to_string())],
            source,
        }),
    }
}
