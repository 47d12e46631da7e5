//! A repository's progress log: its branch walked from the oldest commit to
//! the newest (first parents only, so a merge is one step), each commit
//! audited as `scan --rev` would, and the changes of level between commits
//! reported with the commit that made them.
//!
//! In: a git repository and a revision. Out: a [`Timeline`]. Each commit's
//! tree is read from the object database (no checkout) and dropped before
//! the next; a [`FileCache`] keeps each file's analysis by path and blob id,
//! so a commit costs the files it changed plus the cross-module pass.

use crate::audit::{audit_revision, FileCache};
use crate::model::timeline::{
    CommitInfo, Event, EventKind, FinalLevel, Timeline, WalkStats, SCHEMA_VERSION,
};
use crate::model::{CompetencyLevel, Evidence, Tool};
use crate::rules::RuleSet;
use crate::source::clock::civil_date;
pub use crate::source::ListOptions;
use crate::source::{
    discover, is_cut, list_commit, open_git, BlobSizes, HistoryWalk, Repo, RepoInput, SourceError,
};
use git2::Oid;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Evidence items shown per event.
const EVIDENCE_PER_EVENT: usize = 3;

/// What to walk.
pub struct TimelineOptions<'a> {
    /// The branch or commit whose first-parent line is walked.
    pub rev: &'a str,
    /// Walk only this many of the newest commits.
    pub max_commits: Option<usize>,
    pub list: ListOptions,
    /// Threads for analysis (default: one per core).
    pub jobs: Option<usize>,
}

/// Why a history could not be walked.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    #[error("{}: a folder of repositories; timeline walks one repository's history", .path.display())]
    Folder { path: PathBuf },
    #[error("{}: not a git repository; timeline reads the commits of one", .path.display())]
    NotGit { path: PathBuf },
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("starting worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
}

/// Walks the history of `opts.rev` in the one git repository at `path` (a
/// working tree with `.git`, or a bare repository). `progress` is told
/// (commit number, total, repository name) before each commit.
pub fn walk(
    path: &Path,
    rules: &RuleSet,
    opts: &TimelineOptions,
    progress: &mut (dyn FnMut(usize, usize, &str) + Send),
) -> Result<Timeline, TimelineError> {
    let mut found = discover(path, Some(opts.rev))?;
    if found.len() != 1 {
        return Err(TimelineError::Folder {
            path: path.to_path_buf(),
        });
    }
    let input = found.remove(0);
    let Repo::Git { path: git, .. } = &input.repo else {
        return Err(TimelineError::NotGit {
            path: path.to_path_buf(),
        });
    };
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = opts.jobs {
        builder = builder.num_threads(n.max(1));
    }
    let pool = builder.build()?;
    let name = input.name.clone();
    let mut tell = |i: usize, n: usize| progress(i, n, &name);
    Ok(pool.install(|| timeline(git, &input.name, rules, opts, &mut tell))?)
}

/// Walks the history of `rev` in the repository at `path` and reports each
/// competency's changes of level. `progress` is told (commit number, total)
/// before each commit.
fn timeline(
    path: &Path,
    name: &str,
    rules: &RuleSet,
    opts: &TimelineOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Timeline, SourceError> {
    let git_err = |e: git2::Error| SourceError::Git {
        path: path.to_path_buf(),
        message: e.message().to_string(),
    };
    let repo = open_git(path)?;
    if repo.is_empty().unwrap_or(false) {
        return Err(SourceError::NoCommits {
            path: path.to_path_buf(),
        });
    }
    let head = repo
        .revparse_single(opts.rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| SourceError::Revision {
            path: path.to_path_buf(),
            rev: opts.rev.to_string(),
            message: e.message().to_string(),
        })?;
    let (line, oldest) = first_parent_line(&head);
    let reaches_root = !is_cut(&repo, &oldest);
    let cut = opts.max_commits.filter(|&n| n < line.len());
    let line = &line[cut.map_or(0, |n| line.len() - n)..];
    let complete = reaches_root && cut.is_none();

    let mut cache = FileCache::new();
    let mut history = HistoryWalk::new(&repo);
    let mut events = Vec::new();
    let mut before: Vec<CompetencyLevel> = Vec::new();
    let mut blobs_before: BTreeMap<String, Oid> = BTreeMap::new();
    let mut ever: BTreeSet<String> = BTreeSet::new();
    let mut stats = WalkStats::default();
    let mut sizes = BlobSizes::new();
    for (i, &oid) in line.iter().enumerate() {
        progress(i + 1, line.len());
        let commit = repo.find_commit(oid).map_err(git_err)?;
        let mut listing = list_commit(&repo, path, &commit, &opts.list, &mut sizes)?;
        history.advance(&repo, oid, None).map_err(git_err)?;
        listing.history = Some(history.history());
        let blobs: BTreeMap<String, Oid> = listing
            .files
            .iter()
            .filter_map(|e| Some((e.path.clone(), e.blob()?)))
            .collect();
        stats.files_listed += blobs.len() as u64;
        let input = RepoInput {
            name: name.to_string(),
            source: path.display().to_string(),
            repo: Repo::Git {
                path: path.to_path_buf(),
                rev: oid.to_string(),
            },
            label: None,
            remote: None,
            web: None,
            archived: false,
            discovered: None,
        };
        let report = audit_revision(&input, listing, rules, &mut cache)?;
        // A file this commit added or changed; for a loss, also one it deleted.
        let changed = |p: &str| blobs.get(p) != blobs_before.get(p);
        let info = commit_info(&commit);
        for now in &report.competencies {
            let was = before
                .iter()
                .find(|c| c.id == now.id)
                .map_or(0, |c| c.level);
            if now.level == was && i > 0 {
                continue;
            }
            let kind = if i == 0 {
                if now.level == 0 {
                    continue;
                }
                if complete {
                    EventKind::First
                } else {
                    EventKind::Present
                }
            } else if now.level == 0 {
                EventKind::Lost
            } else if now.level < was {
                EventKind::Down
            } else if was == 0 && !ever.contains(&now.id) {
                EventKind::First
            } else {
                EventKind::Up
            };
            let evidence = match kind {
                EventKind::Lost | EventKind::Down => {
                    let old = before.iter().find(|c| c.id == now.id);
                    pick(old.map_or(&[][..], |c| &c.evidence), &changed)
                }
                _ => pick(&now.evidence, &changed),
            };
            events.push(Event {
                commit: info.clone(),
                competency: now.id.clone(),
                title: now.title.clone(),
                kind,
                from: if i == 0 { 0 } else { was },
                to: now.level,
                evidence,
            });
        }
        ever.extend(
            report
                .competencies
                .iter()
                .filter(|c| c.level > 0)
                .map(|c| c.id.clone()),
        );
        before = report.competencies;
        blobs_before = blobs;
        stats.commits += 1;
    }
    stats.files_analyzed = cache.analyzed;
    stats.files_reused = cache.reused;
    Ok(Timeline {
        schema_version: SCHEMA_VERSION,
        tool: Tool::this(),
        name: name.to_string(),
        source: path.display().to_string(),
        rev: opts.rev.to_string(),
        head: head.id().to_string(),
        first_parent: true,
        complete,
        events,
        levels: before
            .iter()
            .map(|c| FinalLevel {
                id: c.id.clone(),
                level: c.level,
            })
            .collect(),
        stats,
    })
}

/// The first-parent line ending at `head`, oldest first, and its oldest commit.
fn first_parent_line<'r>(head: &git2::Commit<'r>) -> (Vec<Oid>, git2::Commit<'r>) {
    let mut line = vec![head.id()];
    let mut commit = head.clone();
    while let Ok(parent) = commit.parent(0) {
        line.push(parent.id());
        commit = parent;
    }
    line.reverse();
    (line, commit)
}

/// Evidence in files the commit changed, else the competency's first items.
fn pick(evidence: &[Evidence], changed: &dyn Fn(&str) -> bool) -> Vec<Evidence> {
    let in_changed: Vec<Evidence> = evidence
        .iter()
        .filter(|e| e.path != "." && changed(&e.path))
        .take(EVIDENCE_PER_EVENT)
        .cloned()
        .collect();
    if in_changed.is_empty() {
        evidence.iter().take(EVIDENCE_PER_EVENT).cloned().collect()
    } else {
        in_changed
    }
}

fn commit_info(c: &git2::Commit) -> CommitInfo {
    let author = c.author();
    let when = author.when();
    let id = c.id().to_string();
    CommitInfo {
        short_id: id.get(..7).unwrap_or(&id).to_string(),
        id,
        time: when.seconds(),
        date: civil_date(when.seconds(), when.offset_minutes()),
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        summary: String::from_utf8_lossy(c.summary_bytes().unwrap_or_default()).into_owned(),
    }
}
