//! From what the user named to repositories ready to audit: inputs on the
//! command line and in a repos file, each discovered (a repository, a folder
//! of them, a URL's clone in the cache), and URL clones fetched in parallel.
//! An input that cannot be read keeps its place in the order as a failed
//! repository, with a problem that says why.

use super::progress::{Phase, Progress};
use super::{Problem, ProblemKind};
use crate::model::{Note, RepoReport};
use crate::source::input::{read_repos_file, Input, Target};
use crate::source::remote::{self, FetchSettings};
use crate::source::{discover_input, Repo, RepoInput, SourceError};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// An input in the order given: ready to audit, or already failed (its report says why).
pub type Slot = Result<RepoInput, RepoReport>;

/// Why the inputs themselves cannot be used: nothing was audited.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{0}")]
    Malformed(String),
    #[error("{}", .0.join("\n"))]
    ReposFile(Vec<String>),
    #[error("no cache folder for cloned repositories on this system: give --cache-dir DIR")]
    NoCache,
}

/// The inputs named on the command line and in the repos file, or `.`.
pub fn gather(args: &[PathBuf], repos_file: Option<&Path>) -> Result<Vec<Input>, InputError> {
    let mut given: Vec<Input> = Vec::new();
    for path in args {
        match path.to_str().map(Input::from_arg) {
            Some(Ok(input)) => given.push(input),
            Some(Err(e)) => return Err(InputError::Malformed(e)),
            None => given.push(Input::path(path.clone())),
        }
    }
    if let Some(file) = repos_file {
        let inputs = read_repos_file(file).map_err(|errors| {
            InputError::ReposFile(errors.iter().map(|e| e.to_string()).collect())
        })?;
        given.extend(inputs);
    }
    if given.is_empty() {
        given.push(Input::path("."));
    }
    Ok(given)
}

/// The report of a repository that could not be audited, and why.
pub fn not_audited(input: &RepoInput, e: &SourceError) -> RepoReport {
    RepoReport {
        name: input.name.clone(),
        source: input.source.clone(),
        label: input.label.clone(),
        error: Some(e.to_string()),
        ..Default::default()
    }
}

/// Each input discovered, in order: a path stands for one repository or
/// for each repository of a folder, a URL for its clone under `cache`.
pub fn discover(
    given: &[Input],
    rev: Option<&str>,
    cache: &Path,
    problems: &mut Vec<Problem>,
) -> Vec<Slot> {
    let mut slots: Vec<Slot> = Vec::new();
    for input in given {
        match discover_input(input, rev, cache) {
            Ok(found) => slots.extend(found.into_iter().map(Ok)),
            Err(e) => {
                problems.push(Problem::new(ProblemKind::Input, e.to_string()));
                let shown = match &input.target {
                    Target::Path(p) => p.display().to_string(),
                    Target::Url(u) => u.shown().to_string(),
                };
                slots.push(Err(RepoReport {
                    name: shown.clone(),
                    source: shown,
                    label: input.label.clone(),
                    error: Some(e.to_string()),
                    ..Default::default()
                }));
            }
        }
    }
    slots
}

/// Where URL inputs are cloned: `--cache-dir`, else the user's cache folder.
pub fn cache_dir(given: Option<&Path>, inputs: &[Input]) -> Result<PathBuf, InputError> {
    let has_url = inputs.iter().any(|i| matches!(i.target, Target::Url(_)));
    match given
        .map(Path::to_path_buf)
        .or_else(remote::default_cache_dir)
    {
        Some(c) => Ok(c),
        None if has_url => Err(InputError::NoCache),
        None => Ok(PathBuf::new()),
    }
}

/// Fetches every URL input once (inputs may share a clone), in parallel on
/// the audit's threads: a slow or unreachable remote holds up only its own.
/// A clone that could not be updated is read as fetched before, with a note;
/// an empty repository is read as empty, with a note (nothing to audit is
/// not a failure); the notes are returned by slot. One that could not be
/// fetched at all becomes a failed repository.
pub fn fetch(
    slots: &mut [Slot],
    pool: &rayon::ThreadPool,
    progress: &dyn Progress,
    settings: FetchSettings,
    problems: &mut Vec<Problem>,
) -> BTreeMap<usize, Note> {
    let fetched = fetch_remotes(slots, pool, progress, settings);
    let mut notes: BTreeMap<usize, Note> = BTreeMap::new();
    for (i, slot) in slots.iter_mut().enumerate() {
        let Ok(input) = slot else { continue };
        let (Some(url), Repo::Git { path, .. }) = (&input.remote, &input.repo) else {
            continue;
        };
        let whole = |message: String| Note {
            path: ".".into(),
            message,
        };
        match fetched.get(path) {
            Some(Ok(remote::Synced { stale: Some(why) })) => {
                problems.push(Problem::new(
                    ProblemKind::Warning,
                    format!(
                        "{}: not updated ({why}); reading the clone fetched earlier",
                        url.shown()
                    ),
                ));
                let message = format!(
                    "not updated from {} ({why}): the clone fetched on an earlier run was read",
                    url.shown()
                );
                notes.insert(i, whole(message));
            }
            Some(Err(e @ SourceError::Empty { .. })) => {
                problems.push(Problem::new(
                    ProblemKind::Warning,
                    format!("{}: {e}", input.name),
                ));
                notes.insert(
                    i,
                    whole("the repository is empty (no commits yet): nothing to audit".into()),
                );
                input.repo = Repo::Memory { files: Vec::new() };
            }
            Some(Err(e)) => {
                problems.push(Problem::new(
                    ProblemKind::Repository,
                    format!("{}: {e}", input.name),
                ));
                *slot = Err(not_audited(input, e));
            }
            _ => {}
        }
    }
    notes
}

fn fetch_remotes(
    slots: &[Slot],
    pool: &rayon::ThreadPool,
    progress: &dyn Progress,
    settings: FetchSettings,
) -> BTreeMap<PathBuf, Result<remote::Synced, SourceError>> {
    let mut remotes: BTreeMap<&Path, (&remote::RemoteUrl, &str)> = BTreeMap::new();
    for input in slots.iter().filter_map(|s| s.as_ref().ok()) {
        if let (Some(url), Repo::Git { path, .. }) = (&input.remote, &input.repo) {
            remotes.entry(path).or_insert((url, &input.name));
        }
    }
    if remotes.is_empty() {
        return BTreeMap::new();
    }
    progress.start(Phase::Fetching, remotes.len());
    let fetched = pool.install(|| {
        remotes
            .par_iter()
            .map(|(path, (url, name))| {
                let result = remote::sync(url, path, settings, &|received, total| {
                    progress.transfer(name, received, total);
                });
                progress.transferred(name);
                progress.done(Phase::Fetching, name);
                (path.to_path_buf(), result)
            })
            .collect()
    });
    progress.finish(Phase::Fetching);
    fetched
}
