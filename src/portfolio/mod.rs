//! The library entry: inputs in, a [`Report`] out, with the stages run in
//! order (`source` → `analyze` → `rules` → `roadmap`) and nothing printed.
//!
//! [`Portfolio`] holds what an audit needs, loaded once (the rules, the
//! checklist, the threads); [`Portfolio::audit`] audits inputs in parallel
//! and measures them against the checklist. `scan`, `badge` and `diff` are
//! this one call with another renderer; `timeline` walks a history with the
//! same rules. Problems with one input or one repository are data
//! ([`Problem`]), never a stop: the others are still audited.

pub mod cache;
mod config;
pub mod diff;
pub mod inputs;
pub mod merge;
mod outcome;
pub mod plan;
pub mod progress;
pub mod reference;
pub mod shard;
mod stamps;
pub mod store;

pub use crate::roadmap::{Roadmap, DEFAULT as DEFAULT_ROADMAP};
pub use crate::rules::{read_dir as read_rule_dir, FindingRule, Rule, RuleSet};
pub use crate::source::hosting::{Hosting, Selection, Token};
pub use crate::source::input::{Input, Target};
pub use crate::source::start_git;
pub use crate::source::DEFAULT_MAX_FILE_SIZE;
pub use inputs::InputError;
pub use merge::MergeError;
pub use progress::{Phase, Progress, Silent};
pub use shard::Shard;

pub use crate::model::RepoConfig;

use crate::audit::{audit, audit_authored, audit_kept};
use crate::model::{DataErrors, Note, RepoChecklist, RepoReport, Report, ShardInfo};
use crate::roadmap::cohort::cohort;
use crate::roadmap::config::Config;
use crate::roadmap::{evaluate, ignored_items};
use crate::source::blame::{Authors, Identities, RevList};
use crate::source::remote::FetchSettings;
use crate::source::{discover, ListOptions, Repo, SourceError};
pub use cache::CacheUse;
use cache::{Cache, Key};
use config::RepoFile;
use inputs::Slot;
pub use outcome::{Audit, Problem, ProblemKind};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use store::Store;

/// How to audit: everything but the rules and the checklist.
#[derive(Debug, Clone)]
pub struct Options {
    /// Threads for fetching and analysis (default: one per core).
    pub jobs: Option<usize>,
    /// Files larger than this are listed but not read.
    pub max_file_size: u64,
    /// Read this git revision instead of the working tree.
    pub rev: Option<String>,
    /// Count only what these authors wrote (git blame); needs git.
    pub authors: Vec<String>,
    /// The auditor's project file (self-reports, claims, ignores), instead of
    /// each working tree's `portfolio-audit.toml`.
    pub config: Option<PathBuf>,
    /// Where URL inputs are cloned (default: the user's cache folder).
    pub cache_dir: Option<PathBuf>,
    /// Clone only the last N commits of each URL.
    pub depth: Option<u32>,
    /// What scanned repositories' own `portfolio-audit.toml` may do; by
    /// default `trust` for one local repository, `report` otherwise.
    pub repo_config: Option<RepoConfig>,
    /// The auditor's mailmap for `--author`, applied whatever the policy.
    pub mailmap: Option<PathBuf>,
    /// The auditor's list of revisions for blame to pass over (git's
    /// `.git-blame-ignore-revs` format), applied whatever the policy.
    pub ignore_revs_file: Option<PathBuf>,
    /// Where account inputs are listed, and which of their repositories count.
    pub accounts: AccountOptions,
    /// Audit only this slice of the repositories the inputs stand for.
    pub shard: Option<Shard>,
    /// Keep each repository's report in the cache folder's store and reuse
    /// it while nothing it is made from changed; `None`: no such cache.
    pub store: Option<StoreSettings>,
}

/// The persistent cache of audits (`--no-cache` turns it off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreSettings {
    /// The entries are kept under this many bytes, the least recently used
    /// removed first.
    pub max_size: u64,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            max_size: DEFAULT_CACHE_MAX_SIZE,
        }
    }
}

/// `--cache-max-size` when not given: 1 GiB.
pub const DEFAULT_CACHE_MAX_SIZE: u64 = 1 << 30;

/// Account inputs (`github:ada`): where their API answers, with which
/// token, and which of their repositories are audited.
#[derive(Debug, Clone, Default)]
pub struct AccountOptions {
    /// API bases and tokens (the CLI reads them from the environment;
    /// by default the public hosts, without a token).
    pub hosting: Hosting,
    /// Forks, private repositories, excluded names, how many.
    pub selection: Selection,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            jobs: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            rev: None,
            authors: Vec::new(),
            config: None,
            cache_dir: None,
            depth: None,
            repo_config: None,
            mailmap: None,
            ignore_revs_file: None,
            accounts: AccountOptions::default(),
            shard: None,
            store: None,
        }
    }
}

/// Why nothing could be audited.
#[derive(Debug, thiserror::Error)]
pub enum PortfolioError {
    #[error("invalid rules:\n{0}")]
    Rules(DataErrors),
    #[error("roadmap: {0}")]
    Roadmap(DataErrors),
    #[error("starting worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    #[error(transparent)]
    Inputs(#[from] InputError),
    #[error("{0}")]
    Config(DataErrors),
    #[error("{}: cannot read the mailmap: {source}", .path.display())]
    Mailmap {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot read the revisions to ignore: {source}", .path.display())]
    IgnoreRevs {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: `{text}` is not a commit hash (git's format: one full commit hash a line, `#` starts a comment)", .path.display())]
    IgnoreRevsLine {
        path: PathBuf,
        line: u32,
        text: String,
    },
}

/// The auditor's list of revisions to ignore; a line that is not a hash
/// is an error naming it (every repository would be blamed without it).
fn read_ignore_revs(path: &Path) -> Result<RevList, PortfolioError> {
    let text = std::fs::read_to_string(path).map_err(|source| PortfolioError::IgnoreRevs {
        path: path.to_path_buf(),
        source,
    })?;
    let list = RevList::parse(&path.display().to_string(), &text);
    match list.malformed.first() {
        Some((line, text)) => Err(PortfolioError::IgnoreRevsLine {
            path: path.to_path_buf(),
            line: *line,
            text: text.clone(),
        }),
        None => Ok(list),
    }
}

/// Why one revision of one repository could not be audited.
#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{}: not a git repository", .path.display())]
    NotGit { path: PathBuf },
    #[error("{}: holds {count} repositories", .path.display())]
    Several { path: PathBuf, count: usize },
    #[error(transparent)]
    Portfolio(#[from] PortfolioError),
}

/// What one run measures with besides the rules and the checklist.
#[derive(Clone, Copy)]
struct Run<'a> {
    /// What the repositories' own project files may do.
    policy: RepoConfig,
    /// The auditor's own project file (`--config`).
    auditor: &'a Config,
    /// The persistent cache of audits, when there is one.
    cache: Option<&'a Cache>,
}

/// What an audit needs, loaded once: the rules, the checklist and the threads.
///
/// ```
/// use portfolio_audit::portfolio::{Input, Options, Portfolio, Roadmap, RuleSet, Silent};
///
/// let rules = RuleSet::embedded()?;
/// let roadmap = Roadmap::find("professional", &rules.ids())?;
/// let portfolio = Portfolio::new(rules, roadmap, Options::default())?;
/// let audit = portfolio.audit(&[Input::path("fixtures/portfolio/fastapi-service")], &Silent)?;
/// let report = &audit.report;
/// assert_eq!(report.repos[0].name, "fastapi-service");
/// assert!(report.portfolio.checklist.score > 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Portfolio {
    rules: RuleSet,
    roadmap: Roadmap,
    options: Options,
    pool: rayon::ThreadPool,
    /// With `--author`: only their lines count.
    authors: Option<Authors>,
    /// The auditor's mailmap (`--mailmap`), as read.
    mailmap: Option<String>,
    /// The auditor's revisions to ignore (`--ignore-revs-file`), as read.
    ignore_revs: Option<RevList>,
    /// The digest of the rule files, when the rules were loaded from them.
    rules_digest: Option<String>,
}

impl Portfolio {
    /// Ready to audit with these rules and this checklist.
    pub fn new(
        rules: RuleSet,
        roadmap: Roadmap,
        options: Options,
    ) -> Result<Portfolio, PortfolioError> {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(n) = options.jobs {
            builder = builder.num_threads(n.max(1));
        }
        let pool = builder.build()?;
        let authors = (!options.authors.is_empty()).then(|| Authors::new(&options.authors));
        let mailmap =
            match &options.mailmap {
                Some(path) => Some(std::fs::read_to_string(path).map_err(|source| {
                    PortfolioError::Mailmap {
                        path: path.clone(),
                        source,
                    }
                })?),
                None => None,
            };
        let ignore_revs = match &options.ignore_revs_file {
            Some(path) => Some(read_ignore_revs(path)?),
            None => None,
        };
        Ok(Portfolio {
            rules,
            roadmap,
            options,
            pool,
            authors,
            mailmap,
            ignore_revs,
            rules_digest: None,
        })
    }

    /// The built-in rules (plus a folder of custom ones) and a roadmap by
    /// name or file; either invalid is an error naming the file and line.
    /// An audit runs no example: the built-in rules come without theirs
    /// ([`RuleSet::compile_for_audit`]).
    pub fn load(
        rules_dir: Option<&Path>,
        roadmap: &str,
        options: Options,
    ) -> Result<Portfolio, PortfolioError> {
        let mut sources = RuleSet::embedded_sources();
        if let Some(dir) = rules_dir {
            sources.extend(read_rule_dir(dir).map_err(PortfolioError::Rules)?);
        }
        let rules = RuleSet::compile_for_audit(&sources).map_err(PortfolioError::Rules)?;
        let roadmap = Roadmap::find(roadmap, &rules.ids()).map_err(PortfolioError::Roadmap)?;
        let mut portfolio = Portfolio::new(rules, roadmap, options)?;
        portfolio.rules_digest = Some(shard::rules_digest(&sources));
        Ok(portfolio)
    }

    /// The auditor's project file (`--config`), or none.
    fn auditor(&self) -> Result<Config, PortfolioError> {
        match &self.options.config {
            Some(path) => Config::load(path, &self.rules.ids()).map_err(PortfolioError::Config),
            None => Ok(Config::default()),
        }
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    pub fn roadmap(&self) -> &Roadmap {
        &self.roadmap
    }

    /// Audits the inputs (paths, folders of repositories, URLs fetched into
    /// the cache, accounts' repositories listed through their API and
    /// fetched likewise) in parallel, keeping their order, and measures
    /// them against the checklist (per student too, when labeled).
    pub fn audit(&self, given: &[Input], progress: &dyn Progress) -> Result<Audit, PortfolioError> {
        let cache = inputs::cache_dir(self.options.cache_dir.as_deref(), given)?;
        let mut problems = Vec::new();
        // Blame reads commits: a working tree is scanned at its HEAD.
        let rev = self
            .options
            .rev
            .as_deref()
            .or((!self.options.authors.is_empty()).then_some("HEAD"));
        let accounts = &self.options.accounts;
        let listings = inputs::list_accounts(
            given,
            &accounts.hosting,
            accounts.selection.include_private,
            &self.pool,
            progress,
        );
        let discover = || {
            let mut problems = Vec::new();
            let slots = inputs::discover(
                given,
                rev,
                &cache,
                listings,
                &accounts.selection,
                &mut problems,
            );
            (slots, problems)
        };
        // Finding a repository's web page waits for libgit2's start (see
        // `start_git`): the matchers built on first use are built meanwhile.
        let (mut slots, found) = if given.iter().any(Input::reads_git) {
            rayon::join(discover, || self.rules.prepare()).0
        } else {
            discover()
        };
        problems.extend(found);
        // Who may say what depends on all the inputs, whatever the shard.
        let policy = self
            .options
            .repo_config
            .unwrap_or_else(|| config::default_policy(given, slots.len()));
        let auditor = self.auditor()?;
        let shard = self.options.shard.map(|s| {
            let (identities, positions) = s.keep(&mut slots);
            ShardInfo {
                index: s.index,
                count: s.count,
                inputs: identities.len() as u32,
                positions,
                fingerprints: shard::fingerprints(
                    &identities,
                    self.rules_digest.as_deref(),
                    &self.roadmap,
                    &auditor,
                ),
            }
        });
        let settings = FetchSettings {
            depth: self.options.depth,
        };
        let notes = inputs::fetch(&mut slots, &self.pool, progress, settings, &mut problems);
        let mut warnings = Vec::new();
        let store = self.open_cache(&cache, policy, &mut warnings);
        let run = Run {
            policy,
            auditor: &auditor,
            cache: store.as_ref(),
        };
        let mut report = self.report(&slots, &notes, &run, progress, &mut problems)?;
        if let (Some(c), Some(settings)) = (&store, self.options.store) {
            c.store().evict(settings.max_size);
            warnings.extend(c.store().take_warnings());
        }
        problems.extend(
            warnings
                .into_iter()
                .map(|w| Problem::new(ProblemKind::Warning, w)),
        );
        report.shard = shard;
        Ok(Audit {
            report,
            problems,
            cache: store.as_ref().map(Cache::used),
        })
    }

    /// The persistent cache of this run, in the cache folder: when asked
    /// for, and when the rules are known by their files.
    fn open_cache(
        &self,
        dir: &Path,
        policy: RepoConfig,
        warnings: &mut Vec<String>,
    ) -> Option<Cache> {
        self.options.store?;
        let rules = self.rules_digest.as_deref()?;
        if dir.as_os_str().is_empty() {
            return None;
        }
        let store = Store::open(dir, warnings)?;
        let size = self.options.max_file_size.to_string();
        let common: Vec<&[u8]> = vec![rules.as_bytes(), size.as_bytes()];
        // Whose lines count changes the report: the authors and the
        // auditor's own mailmap and list of revisions to ignore.
        let authored = (!self.options.authors.is_empty()).then(|| {
            format!(
                "{:?}\n{:?}\n{:?}",
                self.options.authors, self.mailmap, self.ignore_revs
            )
        });
        Some(Cache::new(
            store,
            &common,
            policy.as_str().as_bytes(),
            authored.as_deref().map(str::as_bytes),
        ))
    }

    /// Audits the one git repository at `path`, at `rev` (what `diff` compares).
    pub fn audit_revision(
        &self,
        path: &Path,
        rev: &str,
        progress: &dyn Progress,
    ) -> Result<Audit, RevisionError> {
        let found = discover(path, Some(rev))?;
        match found.as_slice() {
            [one] if matches!(one.repo, Repo::Git { .. }) => {}
            [_] => {
                return Err(RevisionError::NotGit {
                    path: path.to_path_buf(),
                })
            }
            many => {
                return Err(RevisionError::Several {
                    path: path.to_path_buf(),
                    count: many.len(),
                })
            }
        }
        let slots: Vec<Slot> = found.into_iter().map(Ok).collect();
        let mut problems = Vec::new();
        // One local repository: the learner's own, unless told otherwise.
        let policy = self.options.repo_config.unwrap_or(RepoConfig::Trust);
        let auditor = self.auditor()?;
        let notes = BTreeMap::new();
        let run = Run {
            policy,
            auditor: &auditor,
            cache: None,
        };
        let report = self.report(&slots, &notes, &run, progress, &mut problems)?;
        Ok(Audit {
            report,
            problems,
            cache: None,
        })
    }

    /// Audits the ready inputs in parallel and keeps them in the order given
    /// (an input that failed earlier stays in its place as its error), then
    /// measures them against the checklist, per student too when labeled.
    /// `notes` are added to the repository of that slot; the repositories'
    /// own project files count as `policy` allows.
    fn report(
        &self,
        slots: &[Slot],
        notes: &BTreeMap<usize, Note>,
        run: &Run,
        progress: &dyn Progress,
        problems: &mut Vec<Problem>,
    ) -> Result<Report, PortfolioError> {
        let Run {
            policy,
            auditor,
            cache,
        } = *run;
        let ids = self.rules.ids();
        let opts = ListOptions {
            max_file_size: self.options.max_file_size,
        };
        let ready = slots.iter().filter(|s| s.is_ok()).count();
        // Whose lines count: the repository's own .mailmap and
        // .git-blame-ignore-revs are its claims too.
        let authors = self.authors.clone().map(|a| {
            a.with_identities(Identities {
                auditor: self.mailmap.clone(),
                repo: policy,
            })
            .with_ignore_revs(self.ignore_revs.clone())
        });
        progress.start(Phase::Scanning, ready);
        let outcomes: Vec<(RepoReport, Option<SourceError>, Option<RepoFile>)> =
            self.pool.install(|| {
                slots
                    .par_iter()
                    .enumerate()
                    .map(|(i, slot)| {
                        let input = match slot {
                            Ok(input) => input,
                            Err(report) => return (report.clone(), None, None),
                        };
                        let mut key = cache.and_then(|c| c.key(input, &opts));
                        let kept = cache.zip(key.as_ref()).and_then(|(c, k)| c.get(k, input));
                        let fresh = kept.is_none();
                        let audited = match (kept, &authors, &input.repo) {
                            (Some(report), _, _) => Ok(report),
                            // An empty clone has no lines of anyone's.
                            (None, Some(a), repo) if !matches!(repo, Repo::Memory { .. }) => {
                                audit_authored(input, &self.rules, &opts, a, policy)
                            }
                            _ => {
                                // A working tree's key listed it: the audit
                                // reads what the key saw, and lists it once.
                                let listing = key.as_mut().and_then(Key::take_listing);
                                match cache.zip(key.as_ref()).and_then(|(c, k)| c.files(k)) {
                                    Some(files) => {
                                        listing.map_or_else(|| input.repo.list(&opts), Ok).and_then(
                                            |l| audit_kept(input, l, &self.rules, &files, policy),
                                        )
                                    }
                                    None => audit(input, &self.rules, &opts, policy),
                                }
                            }
                        };
                        if let (true, Some(c), Some(k), Ok(r)) = (fresh, cache, &key, &audited) {
                            c.put(k, r);
                        }
                        let outcome = match audited {
                            Ok(mut r) => {
                                r.notes.extend(notes.get(&i).cloned());
                                let file = config::read_repo_file(input, policy, &ids);
                                (r, None, file)
                            }
                            Err(e) => (inputs::not_audited(input, &e), Some(e), None),
                        };
                        progress.done(Phase::Scanning, &input.name);
                        outcome
                    })
                    .collect()
            });
        progress.finish(Phase::Scanning);
        let trust = policy == RepoConfig::Trust;
        // Each repository's project file, when it has one that could be read.
        let mut own: Vec<Option<Config>> = Vec::with_capacity(outcomes.len());
        let mut repos = Vec::with_capacity(outcomes.len());
        for (mut report, failure, file) in outcomes {
            if let Some(e) = failure {
                let kind = match e {
                    SourceError::NotGit { .. } => ProblemKind::Usage,
                    _ => ProblemKind::Repository,
                };
                problems.push(Problem::new(kind, format!("{}: {e}", report.name)));
            }
            let mut config = None;
            if let Some(file) = file {
                report.notes.extend(file.notes);
                if let Some(c) = file.config {
                    report.statements = Some(c.statements(&file.source, trust));
                    config = Some(c);
                }
            }
            report.notes.sort();
            own.push(config);
            repos.push(report);
        }
        Ok(self.measure(repos, &own, policy, auditor))
    }

    /// Measures audited repositories against the checklist: the portfolio,
    /// each repository alone, each student. `own` holds each repository's
    /// project file (as read), which counts as `policy` allows; `auditor`
    /// is the auditor's own. A merge measures saved reports the same way.
    fn measure(
        &self,
        repos: Vec<RepoReport>,
        own: &[Option<Config>],
        policy: RepoConfig,
        auditor: &Config,
    ) -> Report {
        let trust = policy == RepoConfig::Trust;
        let mut portfolio = auditor.clone();
        if trust {
            for c in own.iter().flatten() {
                portfolio.merge(c.clone());
            }
        }
        let catalog = self.rules.catalog();
        let mut report = Report::new(repos);
        let applied = |c: Option<&Config>| {
            let mut applied = auditor.clone();
            if let (true, Some(c)) = (trust, c) {
                applied.merge(c.clone());
            }
            applied
        };
        let mut checklist = evaluate(&self.roadmap, &report.repos, &catalog, &portfolio);
        if own.iter().flatten().any(|c| !c.ignore.is_empty()) {
            if trust {
                checklist.measured_score =
                    Some(evaluate(&self.roadmap, &report.repos, &catalog, auditor).score);
            } else {
                let mut asked = Config::default();
                for c in own.iter().flatten() {
                    asked.merge(c.clone());
                }
                checklist.ignore_requests = ignored_items(&self.roadmap, &asked.ignore);
            }
        }
        report.portfolio.checklist = checklist;
        for (repo, c) in report.repos.iter_mut().zip(own) {
            if repo.error.is_some() {
                continue;
            }
            let mut alone = evaluate(
                &self.roadmap,
                std::slice::from_ref(repo),
                &catalog,
                &applied(c.as_ref()),
            );
            if let (false, Some(c)) = (trust, c) {
                alone.ignore_requests = ignored_items(&self.roadmap, &c.ignore);
            }
            repo.checklist = Some(RepoChecklist::from(&alone));
            for project in &mut repo.projects {
                let measured = RepoReport {
                    name: format!("{}/{}", repo.name, project.path),
                    competencies: project.competencies.clone(),
                    ..RepoReport::default()
                };
                let alone = evaluate(
                    &self.roadmap,
                    std::slice::from_ref(&measured),
                    &catalog,
                    &applied(c.as_ref()),
                );
                project.checklist = Some(RepoChecklist::from(&alone));
            }
        }
        let mut students: BTreeMap<String, Config> = BTreeMap::new();
        for (repo, c) in report.repos.iter().zip(own) {
            if let Some(label) = &repo.label {
                let entry = students
                    .entry(label.clone())
                    .or_insert_with(|| auditor.clone());
                if let (true, Some(c)) = (trust, c) {
                    entry.merge(c.clone());
                }
            }
        }
        report.cohort = cohort(&self.roadmap, &report.repos, &catalog, &students, auditor);
        report.roadmap = Some(self.roadmap.name.clone());
        report.repo_config = Some(policy);
        report.config = portfolio.sources.clone();
        report
    }
}
