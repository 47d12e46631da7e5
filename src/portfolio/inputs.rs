//! From what the user named to repositories ready to audit: inputs on the
//! command line and in a repos file, accounts listed through their API in
//! parallel, each input discovered (a repository, a folder of them, a URL's
//! clone in the cache, an account's repositories), and URL clones fetched in
//! parallel. An input that cannot be read keeps its place in the order as a
//! failed repository, with a problem that says why; so does an account
//! whose listing stopped early, after its repositories that were listed.

use super::progress::{Phase, Progress};
use super::{Problem, ProblemKind};
use crate::model::{Note, RepoReport};
use crate::source::hosting::{
    self, Account, AccountListing, Hosting, ListingError, ListingErrorKind, Selection,
};
use crate::source::input::{read_repos_file, Input, Target};
use crate::source::remote::{self, FetchSettings};
use crate::source::{discover_input, listed_input, Repo, RepoInput, SourceError};
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
    failed(
        &input.name,
        &input.source,
        input.label.as_ref(),
        e.to_string(),
    )
}

/// The report of something that could not be audited: a repository, an
/// input, an account's listing.
fn failed(name: &str, source: &str, label: Option<&String>, error: String) -> RepoReport {
    RepoReport {
        name: name.to_string(),
        source: source.to_string(),
        label: label.cloned(),
        error: Some(error),
        ..Default::default()
    }
}

/// An account's listing, or why there is none.
pub type Listing = Result<AccountListing, ListingError>;

/// Lists every account input's repositories, in parallel on the audit's
/// threads; by the input's place in `given`.
pub fn list_accounts(
    given: &[Input],
    hosting: &Hosting,
    include_private: bool,
    pool: &rayon::ThreadPool,
    progress: &dyn Progress,
) -> BTreeMap<usize, Listing> {
    let accounts: Vec<(usize, &Account)> = given
        .iter()
        .enumerate()
        .filter_map(|(i, input)| match &input.target {
            Target::Account(a) => Some((i, a)),
            _ => None,
        })
        .collect();
    in_phase(Phase::Listing, &accounts, pool, progress, |(i, account)| {
        let listing = hosting::list(account, hosting, include_private);
        ((*i, listing), account.shown())
    })
    .into_iter()
    .collect()
}

/// `work` on each item in parallel on the audit's threads, as one phase of
/// progress (nothing shown when there are none); `work` returns its result
/// and the name the progress shows done.
fn in_phase<T: Sync, R: Send>(
    phase: Phase,
    items: &[T],
    pool: &rayon::ThreadPool,
    progress: &dyn Progress,
    work: impl Fn(&T) -> (R, String) + Sync,
) -> Vec<R> {
    if items.is_empty() {
        return Vec::new();
    }
    progress.start(phase, items.len());
    let done = pool.install(|| {
        items
            .par_iter()
            .map(|item| {
                let (result, name) = work(item);
                progress.done(phase, &name);
                result
            })
            .collect()
    });
    progress.finish(phase);
    done
}

/// Each input discovered, in order: a path stands for one repository or
/// for each repository of a folder, a URL for its clone under `cache`, an
/// account for the repositories of its listing (from `listings`) that
/// `selection` keeps.
pub fn discover(
    given: &[Input],
    rev: Option<&str>,
    cache: &Path,
    mut listings: BTreeMap<usize, Listing>,
    selection: &Selection,
    problems: &mut Vec<Problem>,
) -> Vec<Slot> {
    let mut slots: Vec<Slot> = Vec::new();
    for (i, input) in given.iter().enumerate() {
        if let Target::Account(account) = &input.target {
            let Some(listing) = listings.remove(&i) else {
                continue;
            };
            let place = Place { input, rev, cache };
            slots.extend(place.account(account, listing, selection, problems));
            continue;
        }
        match discover_input(input, rev, cache) {
            Ok(found) => slots.extend(found.into_iter().map(Ok)),
            Err(e) => {
                problems.push(Problem::new(ProblemKind::Input, e.to_string()));
                let shown = input.target.shown();
                slots.push(Err(failed(
                    &shown,
                    &shown,
                    input.label.as_ref(),
                    e.to_string(),
                )));
            }
        }
    }
    slots
}

/// Where an account's repositories go: the input they come from, the
/// revision to read and the cache to clone into.
struct Place<'a> {
    input: &'a Input,
    rev: Option<&'a str>,
    cache: &'a Path,
}

impl Place<'_> {
    /// An account's repositories as slots, by name, each labeled as the
    /// account: an unknown account is an input error; a listing that failed
    /// or stopped early is a failed entry named after the account (after
    /// the repositories it did list), so a partial listing never passes for
    /// a whole one.
    fn account(
        &self,
        account: &Account,
        listing: Listing,
        selection: &Selection,
        problems: &mut Vec<Problem>,
    ) -> Vec<Slot> {
        let shown = account.shown();
        let label = self.input.label.as_ref();
        let listing = match listing {
            Ok(l) => l,
            Err(e) => {
                let kind = match e.kind {
                    ListingErrorKind::Unknown => ProblemKind::Input,
                    _ => ProblemKind::Repository,
                };
                problems.push(Problem::new(kind, e.to_string()));
                return vec![Err(failed(&shown, &shown, label, e.reason))];
            }
        };
        for w in &listing.warnings {
            problems.push(Problem::new(ProblemKind::Warning, w.clone()));
        }
        let listed = listing.repos.len();
        let selected = selection.select(listing.repos);
        if selected.is_empty() && listing.stopped.is_none() {
            problems.push(Problem::new(
                ProblemKind::Warning,
                format!(
                    "{shown}: no repositories to audit ({listed} listed; forks, private and --exclude'd ones are left out)"
                ),
            ));
        }
        let token = listing.token.as_ref();
        let mut slots: Vec<Slot> = Vec::with_capacity(selected.len() + 1);
        for r in &selected {
            match listed_input(r, account.platform, token, self.rev, self.cache) {
                Ok(mut input) => {
                    input.label = label.cloned();
                    slots.push(Ok(input));
                }
                Err(e) => {
                    problems.push(Problem::new(
                        ProblemKind::Repository,
                        format!("{}: {e}", r.name),
                    ));
                    slots.push(Err(failed(&r.name, &r.web_url, label, e.to_string())));
                }
            }
        }
        if let Some(e) = listing.stopped {
            let why = format!(
                "the listing stopped after page {}: {}; the repositories of later pages are not in this report",
                listing.pages, e.reason
            );
            problems.push(Problem::new(
                ProblemKind::Repository,
                format!("{shown}: {why}"),
            ));
            slots.push(Err(failed(&shown, &shown, label, why)));
        }
        slots
    }
}

/// Where URL inputs are cloned: `--cache-dir`, else the user's cache folder.
pub fn cache_dir(given: Option<&Path>, inputs: &[Input]) -> Result<PathBuf, InputError> {
    let has_url = inputs
        .iter()
        .any(|i| matches!(i.target, Target::Url(_) | Target::Account(_)));
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
    let remotes: Vec<(&Path, (&remote::RemoteUrl, &str))> = remotes.into_iter().collect();
    in_phase(
        Phase::Fetching,
        &remotes,
        pool,
        progress,
        |(path, (url, name))| {
            let result = remote::sync(url, path, settings, &|received, total| {
                progress.transfer(name, received, total);
            });
            progress.transferred(name);
            ((path.to_path_buf(), result), name.to_string())
        },
    )
    .into_iter()
    .collect()
}
