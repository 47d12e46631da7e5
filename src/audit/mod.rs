//! Audits one repository: list its files, analyze them in parallel, resolve
//! names across its modules, and turn the hits into levels with evidence.
//!
//! Files are analyzed independently (rayon); everything after that runs in
//! path order, so the result is the same whatever the thread count.
//!
//! Two variations: with `--author`, hits (and findings) in lines other
//! people wrote are dropped before the levels are computed (git blame, see
//! [`crate::source::blame`]); and a timeline audits many revisions of one
//! repository through a [`FileCache`], so a revision costs its changed files
//! plus the cross-module pass. Across runs, the persistent cache keeps
//! files' analyses the same way, through a [`FileStore`].

pub mod bench;
mod blame;
mod cache;
mod decode;
pub mod examples;
mod file;
mod fingerprint;
mod first_commit;
mod includes;
mod kept;
mod links;
mod not_counted;
mod projects;

use crate::analyze::crossref::{Deferred, Exports, Resolutions};
use crate::analyze::facts::{CodeMetrics, Export};
use crate::analyze::layout::{self, Committed};
use crate::analyze::notebook::NotebookCode;
use crate::analyze::origin::{Given, NotMine};
use crate::analyze::{self, python, FileKind};
use crate::model::{Finding, Note};
use crate::model::{RepoConfig, RepoReport, Stats};
use crate::rules::levels::{Tally, SAMPLES_PER_SIGNAL};
use crate::rules::matching::{FileHits, FileRef, Hit};
use crate::rules::metrics::{repo_metrics, MetricInputs};
use crate::rules::provenance;
use crate::rules::{RuleSet, SignalId};
use crate::source::blame::Authors;
use crate::source::{ListOptions, Listing, Repo, RepoInput, Skip, SourceError};
use blame::{authorship_of, blame_repo, Blamed, Histories};
pub use cache::FileCache;
use file::analyze_files;
use includes::follow_includes;
pub use kept::FileStore;
use not_counted::Origins;
use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::Arc;

/// What one file gave, before the cross-module pass. A timeline shares it
/// between the revisions that hold the same file (path and blob), and the
/// persistent cache keeps it between runs (as postcard).
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct FileOutcome {
    path: String,
    is_test: bool,
    /// `None` when the file could not be read at all; not kept (the path says it).
    #[serde(skip)]
    kind: Option<FileKind>,
    /// The file's own hits, every one, only while the author filter
    /// needs them line by line (`--author`); otherwise `summary` holds them.
    hits: Vec<Hit>,
    /// The file's own hits, summarized as soon as the file is analyzed, so
    /// a repository holds a few samples of each file, not every hit.
    summary: FileHits,
    /// The places (signal, line) `summary` stands for, when names from
    /// other modules (`deferred`) may add hits on the same lines.
    seen: Vec<(SignalId, u32)>,
    deferred: Deferred,
    exports: Vec<(String, Export)>,
    /// Names other modules import this one by (Python and notebooks).
    modules: Vec<String>,
    /// The repository's module heads the analysis looked up, with their
    /// answers (recorded for the cache only).
    asked: Vec<(String, bool)>,
    metrics: CodeMetrics,
    lines: u64,
    /// A `.py` file's non-blank lines, as read (see [`first_commit`]).
    code_lines: Option<u64>,
    syntax_error: bool,
    lossy: bool,
    /// Written by a tool (a migration, a stub): only signals naming it with `files` count.
    generated: bool,
    /// Whose the file is, as known before it was read.
    given: Given,
    /// Not counted as the learner's, and why: what it was given, or what
    /// its header says.
    not_mine: Option<NotMine>,
    /// First segments of the modules it imports from outside the repository.
    imported: Vec<String>,
    /// Distributions it declares as dependencies (pip-normalized).
    declared: Vec<String>,
    notes: Vec<Note>,
    notebook: Option<Box<NotebookCode>>,
    /// Files a configuration file pulls in (`-r base.txt`), as written.
    includes: Vec<(String, u32)>,
}

impl FileOutcome {
    /// Summarizes the file's own hits (see `summary`) and gives back the
    /// room its vectors grew into: a repository holds every file's outcome
    /// until its cross-module pass, so this is what its memory grows by.
    fn close(&mut self, rules: &RuleSet) {
        let hits = std::mem::take(&mut self.hits);
        if self.deferred.is_empty() {
            self.summary = rules.summarize(hits, SAMPLES_PER_SIGNAL);
        } else {
            (self.summary, self.seen) = rules.summarize_open(hits, SAMPLES_PER_SIGNAL);
        }
        self.summary.counts.shrink_to_fit();
        self.summary.samples.shrink_to_fit();
        self.summary.findings.shrink_to_fit();
        self.exports.shrink_to_fit();
        self.notes.shrink_to_fit();
    }
}

/// What every file of one repository is analyzed against.
struct RepoContext<'a> {
    rules: &'a RuleSet,
    /// Whose each file is, before it is read.
    origins: &'a Origins,
    local_heads: &'a HashSet<String>,
    packages: &'a HashSet<String>,
    /// Record the heads each analysis looks up (for the cache).
    record: bool,
    /// Keep hits line by line until the author filter has seen them.
    keep_hits: bool,
}

/// What every pass over a repository's files shares; whose each file is
/// and which module heads are the repository's own may change between
/// passes.
struct Pass<'a> {
    rules: &'a RuleSet,
    packages: &'a HashSet<String>,
    record: bool,
    keep_hits: bool,
}

impl Pass<'_> {
    fn over<'b>(
        &'b self,
        origins: &'b Origins,
        local_heads: &'b HashSet<String>,
    ) -> RepoContext<'b> {
        RepoContext {
            rules: self.rules,
            origins,
            local_heads,
            packages: self.packages,
            record: self.record,
            keep_hits: self.keep_hits,
        }
    }
}

/// Audits one repository. Fails only when the repository cannot be listed;
/// a file that cannot be read or parsed is a note in the report. `own`
/// says whether the repository's `.gitattributes` decides which of its
/// files are not the learner's (`trust`), is only reported (`report`), or
/// is not read (`ignore`).
pub fn audit(
    input: &RepoInput,
    rules: &RuleSet,
    opts: &ListOptions,
    own: RepoConfig,
) -> Result<RepoReport, SourceError> {
    let listing = input.repo.list(opts)?;
    audit_listing(input, listing, rules, Files::Fresh, None, own)
}

/// Audits one repository like [`audit`], from its `listing`, reusing the
/// analyses of files that `store` kept from earlier runs and keeping the
/// new ones there.
pub fn audit_kept(
    input: &RepoInput,
    listing: Listing,
    rules: &RuleSet,
    store: &dyn FileStore,
    own: RepoConfig,
) -> Result<RepoReport, SourceError> {
    audit_listing(input, listing, rules, Files::Kept(store), None, own)
}

/// Audits one repository counting only what `authors` wrote: evidence and
/// findings in their lines (git blame at the scanned revision), code metrics
/// of files they wrote at least half of, and their commits. Needs a git
/// revision (`Repo::Git`).
pub fn audit_authored(
    input: &RepoInput,
    rules: &RuleSet,
    opts: &ListOptions,
    authors: &Authors,
    own: RepoConfig,
) -> Result<RepoReport, SourceError> {
    if !matches!(input.repo, Repo::Git { .. }) {
        return Err(SourceError::NotGit {
            path: input.source.clone().into(),
        });
    }
    let listing = input.repo.list(opts)?;
    audit_listing(input, listing, rules, Files::Fresh, Some(authors), own)
}

/// Audits one revision of a repository from its listing, reusing the
/// analyses `cache` holds for files (path and blob) seen at other
/// revisions, and keeping the new ones there. The repository is the
/// learner's own: its `.gitattributes` applies.
pub fn audit_revision(
    input: &RepoInput,
    listing: Listing,
    rules: &RuleSet,
    cache: &mut FileCache,
) -> Result<RepoReport, SourceError> {
    audit_listing(
        input,
        listing,
        rules,
        Files::Timeline(cache),
        None,
        RepoConfig::Trust,
    )
}

/// Where files' analyses come from.
enum Files<'a> {
    /// Made now.
    Fresh,
    /// Reused from other revisions of a timeline.
    Timeline(&'a mut FileCache),
    /// Reused from earlier runs (the persistent cache).
    Kept(&'a dyn FileStore),
}

fn audit_listing(
    input: &RepoInput,
    listing: Listing,
    rules: &RuleSet,
    mut files: Files,
    authors: Option<&Authors>,
    own: RepoConfig,
) -> Result<RepoReport, SourceError> {
    let packages = analyze::package_dirs(listing.files.iter().map(|e| e.path.as_str()));
    let mut origins = match &mut files {
        Files::Timeline(cache) => cache.origins(input, &listing, own),
        _ => Origins::read(input, &listing, own),
    };
    let pass = Pass {
        rules,
        packages: &packages,
        record: !matches!(files, Files::Fresh),
        keep_hits: authors.is_some(),
    };
    // How many analyses the persistent cache gave, in the last pass.
    let mut kept_reused = 0;
    // A copy known only by its own licence and metadata is one when the
    // rest of the repository uses it: the analysis tells, and when it says
    // otherwise the files are analyzed again with the copy counted.
    let (outcomes, local_heads) = loop {
        let local_heads = local_heads(&listing, &packages, &origins);
        let ctx = pass.over(&origins, &local_heads);
        let outcomes = match &mut files {
            Files::Timeline(cache) => cache.analyze(&listing.files, &ctx, &input.repo),
            Files::Kept(store) => {
                let (outcomes, reused) = kept::analyze(&listing.files, &ctx, &input.repo, *store);
                kept_reused = reused;
                outcomes
            }
            Files::Fresh => analyze_files(&listing.files, &ctx, &input.repo),
        };
        if !origins.confirm(&outcomes, &listing.files) {
            break (outcomes, local_heads);
        }
    };
    let ctx = pass.over(&origins, &local_heads);
    if let Files::Kept(store) = &files {
        store.reused(listing.files.len(), kept_reused);
    }

    let mut include_notes = Vec::new();
    let outcomes = follow_includes(
        outcomes,
        &listing.files,
        &ctx,
        &input.repo,
        &mut include_notes,
    );

    let exports = Exports::new(
        outcomes
            .iter()
            .map(|o| (o.modules.as_slice(), o.exports.as_slice())),
    );

    let blames = match (authors, &listing.revision, &input.repo) {
        (Some(a), Some(rev), Repo::Git { path, .. }) => Some(blame_repo(&outcomes, path, rev, a)?),
        _ => None,
    };
    let blame_of = |i: usize| blames.as_ref().map(|b| &b.files[i]);

    // A timeline's revision whose modules export what the last one's did
    // resolves as the last one did.
    let before = match &mut files {
        Files::Timeline(cache) if blames.is_none() => {
            Some(cache.take_resolved(exports.digest(&local_heads)))
        }
        _ => None,
    };

    let reused: Vec<Option<Arc<FileHits>>> = match &before {
        Some(b) => outcomes.iter().map(|o| b.get(o)).collect(),
        None => vec![None; outcomes.len()],
    };
    let resolutions = Resolutions::new(
        &exports,
        outcomes
            .iter()
            .zip(&reused)
            .filter(|(_, r)| r.is_none())
            .map(|(o, _)| &o.deferred),
        &local_heads,
    );

    // Second parallel pass: names from other modules, now that every
    // module's exports are known; then the author filter.
    let resolved: Vec<Option<Arc<FileHits>>> = outcomes
        .par_iter()
        .enumerate()
        .map(|(i, o)| {
            let blame = blame_of(i);
            if o.deferred.is_empty() && o.hits.is_empty() && blame.is_none() {
                return None;
            }
            if let Some(hits) = &reused[i] {
                return Some(Arc::clone(hits));
            }
            let mut later = Vec::new();
            if !o.deferred.is_empty() {
                let (refs, features) = resolutions.apply(&o.deferred);
                let scope = rules.scope(FileRef {
                    path: &o.path,
                    is_test: o.is_test,
                    generated: o.generated,
                });
                rules.match_refs(&scope, &refs, &mut later);
                rules.match_features(&scope, &features, &mut later);
            }
            if o.hits.is_empty() && blame.is_none() {
                let hits = rules.summarize_later(&o.summary, &o.seen, later, SAMPLES_PER_SIGNAL);
                return Some(Arc::new(hits));
            }
            let mut hits = o.hits.clone();
            hits.append(&mut later);
            if let Some(b) = blame {
                hits.retain(|h| b.counts(o, h.line));
            }
            Some(Arc::new(rules.summarize(hits, SAMPLES_PER_SIGNAL)))
        })
        .collect();
    if let (Files::Timeline(cache), Some(before)) = (&mut files, before) {
        let pairs = outcomes.iter().zip(&resolved);
        cache.keep_resolved(before, pairs.filter_map(|(o, h)| Some((o, h.as_ref()?))));
    }

    let mut tally = Tally::new(rules);
    let mut code = CodeMetrics::default();
    let mut stats = Stats {
        files: listing.files.len() as u64,
        ..Default::default()
    };
    let mut projects = projects::Projects::new(
        // A vendored library's own setup.py does not make it a project.
        projects::find(
            outcomes
                .iter()
                .filter(|o| o.not_mine.is_none())
                .map(|o| o.path.as_str()),
        ),
        rules,
    );
    let mut findings = committed_folders(&listing.committed, rules, &mut tally);
    let mut notes = listing.notes;
    notes.extend(include_notes);
    notes.extend(blames.iter().flat_map(|b| b.notes.iter().cloned()));
    for (i, (o, hits)) in outcomes.iter().zip(&resolved).enumerate() {
        // The learner's code only: what is not theirs is listed apart.
        let kind = o.kind.filter(|_| o.not_mine.is_none());
        match kind {
            Some(FileKind::Python) => {
                stats.python_files += 1;
                stats.lines += o.lines;
            }
            Some(FileKind::Notebook) => {
                stats.notebooks += 1;
                stats.lines += o.lines;
            }
            _ => {}
        }
        let mut project = projects.of(&o.path);
        if let (Some(p), Some(FileKind::Python | FileKind::Notebook)) = (&mut project, kind) {
            p.count(o.lines);
        }
        stats.syntax_errors += u64::from(o.syntax_error);
        stats.not_utf8 += u64::from(o.lossy);
        let blame = blame_of(i);
        if o.not_mine.is_none()
            && blame.is_none_or(|b| b.theirs.as_ref().is_some_and(|b| b.mostly_mine()))
        {
            code.add(&o.metrics);
            if let Some(p) = &mut project {
                p.add_metrics(&o.metrics);
            }
        }
        let locate = o
            .notebook
            .as_ref()
            .map(|nb| move |line: u32| nb.locate(line));
        let hits = hits.as_deref().unwrap_or(&o.summary);
        let locate = locate.as_ref().map(|f| f as &dyn Fn(u32) -> (u32, u32));
        tally.add_file(&o.path, hits, locate);
        if let Some(p) = &mut project {
            p.add_file(&o.path, hits, locate);
        }
        let made = hits
            .findings
            .iter()
            .filter_map(|h| rules.finding_at(&o.path, h));
        for mut f in made {
            if blame.is_some_and(|b| !b.counts(o, f.line)) {
                continue;
            }
            if let Some(nb) = &o.notebook {
                let (cell, line) = nb.locate(f.line);
                f.cell = Some(cell);
                f.line = line;
            }
            if let Some(p) = &mut project {
                p.add_finding(&f);
            }
            findings.push(f);
        }
        notes.extend(o.notes.iter().cloned());
        if let Some(Blamed { error: Some(e), .. }) = blame {
            notes.push(Note {
                path: o.path.clone(),
                message: format!("not blamed, so not counted for --author: {e}"),
            });
        }
    }
    stats.skipped = notes
        .iter()
        .filter(|n| n.message.starts_with("not read"))
        .count() as u64;
    // One finding per place: of two signals of one finding on a line, the
    // first (in the finding's file) speaks (the sort is stable).
    findings
        .sort_by(|a, b| (&a.path, a.cell, a.line, &a.id).cmp(&(&b.path, b.cell, b.line, &b.id)));
    findings.dedup_by(|a, b| (&a.path, a.cell, a.line, &a.id) == (&b.path, b.cell, b.line, &b.id));
    fingerprint::fingerprint(&mut findings, &listing.files, &input.repo);
    let (not_counted, origin_notes) = origins.finish(&outcomes, &listing.files);
    notes.extend(origin_notes);
    notes.sort();
    let mut history = listing.history;
    if let (Some(h), Some(first)) = (&mut history, &listing.first_commit) {
        h.first_commit_share = first_commit::share(first, &listing.files, &outcomes, &input.repo);
    }
    let authorship = match (authors, blames.as_ref(), &input.repo, &listing.revision) {
        (Some(a), Some(b), Repo::Git { path, .. }, Some(rev)) => {
            let theirs = crate::source::blame::authored_history(path, rev, a)?;
            let histories = Histories {
                theirs: theirs.as_ref(),
                all: history.as_ref(),
            };
            let share = authorship_of(a, &outcomes, b, &histories);
            // Metrics (and the history competency) count their commits only;
            // the report's `history` stays the whole repository's.
            Some((share, theirs))
        }
        _ => None,
    };
    let counted_history = match &authorship {
        Some((_, theirs)) => theirs.as_ref(),
        None => history.as_ref(),
    };
    let metrics = repo_metrics(&MetricInputs {
        code: &code,
        python_files: stats.python_files + stats.notebooks,
        lines: stats.lines,
        history: counted_history,
    });
    tally.add_metrics(rules, &metrics);
    let competencies = tally.levels(rules, &metrics);
    let projects = projects.finish(rules, counted_history);
    let paths: Vec<&str> = listing.files.iter().map(|e| e.path.as_str()).collect();
    let flags = provenance::flags(&paths, stats.lines, history.as_ref());
    let mut report = RepoReport {
        name: input.name.clone(),
        source: input.source.clone(),
        label: input.label.clone(),
        revision: listing.revision,
        stats,
        competencies,
        findings,
        notes,
        metrics,
        history,
        error: None,
        checklist: None,
        authorship: authorship.map(|(a, _)| a),
        flags,
        statements: None,
        web: input.web.clone(),
        archived: input.archived,
        discovered: input.discovered.clone(),
        modified: Vec::new(),
        projects,
        not_counted,
    };
    links::link(&mut report, &listing.changed);
    // A level defined by an absence cannot stand beside a finding that denies it.
    rules.cap_levels(&mut report.competencies, &report.findings);
    Ok(report)
}

/// First segments of the repository's own module names: of every Python
/// module and notebook, except those known before reading not to be the
/// learner's (a vendored copy's `requests` is the library; a protobuf stub
/// stays `greeter_pb2_grpc.GreeterServicer` for rules to match).
fn local_heads(
    listing: &Listing,
    packages: &HashSet<String>,
    origins: &Origins,
) -> HashSet<String> {
    listing
        .files
        .iter()
        .filter(|e| {
            matches!(
                analyze::classify(&e.path),
                FileKind::Python | FileKind::Notebook
            )
        })
        .filter(|e| !origins.known_not_mine(&e.path))
        .map(|e| analyze::module_name(&e.path, packages))
        .map(|m| python::head_of(&m).to_string())
        .collect()
}

/// Findings about folders committed by mistake (a virtualenv, bytecode
/// caches), which the listing left out: facts at the folder, matched like
/// any file's.
fn committed_folders(
    committed: &[(String, Skip)],
    rules: &RuleSet,
    tally: &mut Tally,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (path, skip) in committed {
        let kind = match skip {
            Skip::Virtualenv => Committed::Virtualenv,
            Skip::PyCache => Committed::Bytecode,
            Skip::Quiet => continue,
        };
        let scope = rules.scope(FileRef {
            path,
            is_test: false,
            generated: false,
        });
        let mut hits = Vec::new();
        rules.match_facts(&scope, &[layout::fact(kind, path)], &mut hits);
        let hits = rules.summarize(hits, SAMPLES_PER_SIGNAL);
        findings.extend(
            hits.findings
                .iter()
                .filter_map(|h| rules.finding_at(path, h)),
        );
        tally.add_file(path, &hits, None);
    }
    findings
}
