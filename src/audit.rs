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
//! plus the cross-module pass.

mod cache;

use crate::analyze::crossref::Exports;
use crate::analyze::facts::{CodeMetrics, Export, Finding, Ref};
use crate::analyze::notebook::{self, NotebookCode};
use crate::analyze::{self, config, python, FileKind};
use crate::report::model::{Authorship, RepoReport, Stats};
use crate::rules::levels::{Tally, SAMPLES_PER_SIGNAL};
use crate::rules::matching::{summarize, FileHits, FileRef, Hit};
use crate::rules::metrics::repo_metrics;
use crate::rules::provenance;
use crate::rules::RuleSet;
use crate::source::blame::{self, Authors, Blamer, FileBlame};
use crate::source::{Entry, ListOptions, Listing, Note, Reader, Repo, RepoInput, SourceError};
pub use cache::FileCache;
use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::Arc;

/// What one file gave, before the cross-module pass. A timeline shares it
/// between the revisions that hold the same file (path and blob).
#[derive(Default)]
struct FileOutcome {
    path: String,
    is_test: bool,
    kind: Option<FileKind>,
    /// Hits before the cross-module pass; empty once `alone` holds them.
    hits: Vec<Hit>,
    /// The file's hits, summarized, when no other module can add to them
    /// (nothing deferred) and no author filter needs them line by line.
    alone: Option<FileHits>,
    deferred: Vec<Ref>,
    exports: Vec<(String, Export)>,
    /// Names other modules import this one by (Python and notebooks).
    modules: Vec<String>,
    /// The repository's module heads the analysis looked up, with their
    /// answers (recorded for the cache only).
    asked: Vec<(String, bool)>,
    metrics: CodeMetrics,
    lines: u64,
    syntax_error: bool,
    lossy: bool,
    /// Written by a tool (a migration, a stub): only signals naming it with `files` count.
    generated: bool,
    findings: Vec<Finding>,
    notes: Vec<Note>,
    notebook: Option<NotebookCode>,
    /// Files a configuration file pulls in (`-r base.txt`), as written.
    includes: Vec<(String, u32)>,
}

/// What every file of one repository is analyzed against.
struct RepoContext<'a> {
    rules: &'a RuleSet,
    local_heads: &'a HashSet<String>,
    packages: &'a HashSet<String>,
    /// Record the heads each analysis looks up (for the cache).
    record: bool,
    /// Keep hits line by line until the author filter has seen them.
    keep_hits: bool,
}

/// Audits one repository. Fails only when the repository cannot be listed;
/// a file that cannot be read or parsed is a note in the report.
pub fn audit(
    input: &RepoInput,
    rules: &RuleSet,
    opts: &ListOptions,
) -> Result<RepoReport, SourceError> {
    let listing = input.repo.list(opts)?;
    audit_listing(input, listing, rules, None, None)
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
) -> Result<RepoReport, SourceError> {
    if !matches!(input.repo, Repo::Git { .. }) {
        return Err(SourceError::NotGit {
            path: input.source.clone().into(),
        });
    }
    let listing = input.repo.list(opts)?;
    audit_listing(input, listing, rules, None, Some(authors))
}

/// Audits one revision of a repository from its listing, reusing the
/// analyses `cache` holds for files (path and blob) seen at other
/// revisions, and keeping the new ones there.
pub fn audit_revision(
    input: &RepoInput,
    listing: Listing,
    rules: &RuleSet,
    cache: &mut FileCache,
) -> Result<RepoReport, SourceError> {
    audit_listing(input, listing, rules, Some(cache), None)
}

fn audit_listing(
    input: &RepoInput,
    listing: Listing,
    rules: &RuleSet,
    cache: Option<&mut FileCache>,
    authors: Option<&Authors>,
) -> Result<RepoReport, SourceError> {
    let packages = analyze::package_dirs(listing.files.iter().map(|e| e.path.as_str()));
    // Generated protobuf stubs are not the learner's modules: references to
    // them stay qualified (`greeter_pb2_grpc.GreeterServicer`) for rules to match.
    let local_heads: HashSet<String> = listing
        .files
        .iter()
        .filter(|e| {
            matches!(
                analyze::classify(&e.path),
                FileKind::Python | FileKind::Notebook
            )
        })
        .filter(|e| !e.path.ends_with("_pb2.py") && !e.path.ends_with("_pb2_grpc.py"))
        .map(|e| analyze::module_name(&e.path, &packages))
        .map(|m| python::head_of(&m).to_string())
        .collect();
    let ctx = RepoContext {
        rules,
        local_heads: &local_heads,
        packages: &packages,
        record: cache.is_some(),
        keep_hits: authors.is_some(),
    };
    let outcomes = match cache {
        Some(cache) => cache.analyze(&listing.files, &ctx, &input.repo),
        None => analyze_files(&listing.files, &ctx, &input.repo)
            .into_iter()
            .map(Arc::new)
            .collect(),
    };

    let mut include_notes = Vec::new();
    let outcomes = follow_includes(
        outcomes,
        &listing.files,
        &ctx,
        &input.repo,
        &mut include_notes,
    );

    let mut exports = Exports::default();
    for o in &outcomes {
        exports.add(&o.modules, &o.exports);
    }

    let blames = match (authors, &listing.revision, &input.repo) {
        (Some(a), Some(rev), Repo::Git { path, .. }) => Some(blame_files(&outcomes, path, rev, a)),
        _ => None,
    };
    let blame_of = |i: usize| blames.as_ref().map(|b| &b[i]);

    // Second parallel pass: names from other modules, now that every
    // module's exports are known; then the author filter.
    let resolved: Vec<Option<FileHits>> = outcomes
        .par_iter()
        .enumerate()
        .map(|(i, o)| {
            if o.deferred.is_empty() && blames.is_none() {
                return None;
            }
            let mut hits = o.hits.clone();
            if !o.deferred.is_empty() {
                let (refs, features) = exports.resolve(&o.deferred, &local_heads);
                let scope = rules.scope(FileRef {
                    path: &o.path,
                    is_test: o.is_test,
                    generated: o.generated,
                });
                rules.match_refs(&scope, &refs, &mut hits);
                rules.match_features(&scope, &features, &mut hits);
            }
            if let Some(b) = blame_of(i) {
                hits.retain(|h| b.counts(o, h.line));
            }
            Some(summarize(hits, SAMPLES_PER_SIGNAL))
        })
        .collect();

    let mut tally = Tally::new(rules);
    let mut code = CodeMetrics::default();
    let mut stats = Stats {
        files: listing.files.len() as u64,
        ..Default::default()
    };
    let mut findings = listing.findings;
    let mut notes = listing.notes;
    notes.extend(include_notes);
    for (i, (o, hits)) in outcomes.iter().zip(&resolved).enumerate() {
        match o.kind {
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
        stats.syntax_errors += u64::from(o.syntax_error);
        stats.not_utf8 += u64::from(o.lossy);
        let blame = blame_of(i);
        if !o.generated && blame.is_none_or(|b| b.theirs.as_ref().is_some_and(|b| b.mostly_mine()))
        {
            code.add(&o.metrics);
        }
        let locate = o
            .notebook
            .as_ref()
            .map(|nb| move |line: u32| nb.locate(line));
        let empty = FileHits::default();
        let hits = hits.as_ref().or(o.alone.as_ref()).unwrap_or(&empty);
        tally.add_file(
            &o.path,
            hits,
            locate.as_ref().map(|f| f as &dyn Fn(u32) -> (u32, u32)),
        );
        for f in &o.findings {
            if blame.is_some_and(|b| !b.counts(o, f.line)) {
                continue;
            }
            let mut f = f.clone();
            if let Some(nb) = &o.notebook {
                let (cell, line) = nb.locate(f.line);
                f.cell = Some(cell);
                f.line = line;
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
    findings
        .sort_by(|a, b| (&a.path, a.cell, a.line, &a.id).cmp(&(&b.path, b.cell, b.line, &b.id)));
    notes.sort();
    let history = listing.history;
    let authorship = match (authors, blames.as_ref(), &input.repo, &listing.revision) {
        (Some(a), Some(b), Repo::Git { path, .. }, Some(rev)) => {
            let theirs = blame::authored_history(path, rev, a)?;
            let share = authorship_of(a, &outcomes, b, theirs.as_ref(), history.as_ref());
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
    let metrics = repo_metrics(
        &code,
        stats.python_files + stats.notebooks,
        stats.lines,
        counted_history,
    );
    tally.add_metrics(rules, &metrics);
    let competencies = tally.levels(rules, &metrics);
    let paths: Vec<&str> = listing.files.iter().map(|e| e.path.as_str()).collect();
    let flags = provenance::flags(&paths, stats.lines, history.as_ref());
    Ok(RepoReport {
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
    })
}

/// One file's blame for `--author`; a file not blamed counts for nobody.
#[derive(Default)]
struct Blamed {
    theirs: Option<FileBlame>,
    error: Option<String>,
}

impl Blamed {
    /// Whether a hit or finding on this line counts: the authors wrote the
    /// line; in a notebook (whose lines are its cells' code, not the file's),
    /// they wrote at least half of the file.
    fn counts(&self, o: &FileOutcome, line: u32) -> bool {
        let Some(b) = &self.theirs else {
            return false;
        };
        if o.kind == Some(FileKind::Notebook) {
            b.mostly_mine()
        } else {
            b.is_mine(line)
        }
    }
}

/// Blames (in parallel) the files that carry hits, findings or code.
fn blame_files(
    outcomes: &[Arc<FileOutcome>],
    path: &std::path::Path,
    rev: &str,
    authors: &Authors,
) -> Vec<Blamed> {
    outcomes
        .par_iter()
        .map_init(
            || Blamer::open(path, rev),
            |blamer, o| {
                let code = matches!(o.kind, Some(FileKind::Python | FileKind::Notebook));
                let carries = !o.hits.is_empty()
                    || !o.deferred.is_empty()
                    || !o.findings.is_empty()
                    || o.alone.as_ref().is_some_and(|a| !a.counts.is_empty());
                if !code && !carries {
                    return Blamed::default();
                }
                match blamer {
                    Ok(b) => match b.blame(&o.path, authors) {
                        Ok(theirs) => Blamed {
                            theirs: Some(theirs),
                            error: None,
                        },
                        Err(e) => Blamed {
                            theirs: None,
                            error: Some(e),
                        },
                    },
                    Err(e) => Blamed {
                        theirs: None,
                        error: Some(e.to_string()),
                    },
                }
            },
        )
        .collect()
}

/// How much of the repository the authors wrote: lines of its Python files
/// and notebooks, and commits.
fn authorship_of(
    authors: &Authors,
    outcomes: &[Arc<FileOutcome>],
    blames: &[Blamed],
    theirs: Option<&crate::source::History>,
    all: Option<&crate::source::History>,
) -> Authorship {
    let (mut lines, mut total) = (0u64, 0u64);
    for (o, b) in outcomes.iter().zip(blames) {
        if !matches!(o.kind, Some(FileKind::Python | FileKind::Notebook)) {
            continue;
        }
        if let Some(t) = &b.theirs {
            lines += t.mine();
            total += t.lines();
        }
    }
    Authorship {
        authors: authors.given().to_vec(),
        lines,
        total,
        share: if total == 0 {
            0.0
        } else {
            ((lines as f64 / total as f64) * 1000.0).round() / 1000.0
        },
        commits: theirs.map_or(0, |h| h.commits),
        total_commits: all.map_or(0, |h| h.commits),
    }
}

/// Analyzes files in parallel, each on its own.
fn analyze_files(files: &[Entry], ctx: &RepoContext, repo: &Repo) -> Vec<FileOutcome> {
    files
        .par_iter()
        .map_init(
            || repo.reader(),
            |reader, entry| match reader {
                Ok(r) => analyze_file(entry, r, ctx),
                Err(e) => FileOutcome {
                    path: entry.path.clone(),
                    notes: vec![Note {
                        path: entry.path.clone(),
                        message: format!("not read: {e}"),
                    }],
                    ..Default::default()
                },
            },
        )
        .collect()
}

/// Requirements files pull others in with `-r FILE`, relative to
/// themselves. An included file that is not named like a requirements file
/// (`-r base.txt`) is analyzed as one here; an include that names no file of
/// the repository, or that closes a cycle, is a note.
fn follow_includes(
    mut outcomes: Vec<Arc<FileOutcome>>,
    files: &[Entry],
    ctx: &RepoContext,
    repo: &Repo,
    notes: &mut Vec<Note>,
) -> Vec<Arc<FileOutcome>> {
    if outcomes.iter().all(|o| o.includes.is_empty()) {
        return outcomes;
    }
    let index: std::collections::HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, e)| (e.path.as_str(), i))
        .collect();
    let is_requirements = |k: Option<FileKind>| {
        matches!(
            k,
            Some(FileKind::Config(config::ConfigKind::Manifest(
                analyze::manifest::Manifest::Requirements { .. }
            )))
        )
    };
    // Edges by outcome index; outcomes are in listing order, one per file.
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); outcomes.len()];
    let mut queue: Vec<usize> = (0..outcomes.len()).collect();
    let mut analyzed_as_requirements: HashSet<usize> = (0..outcomes.len())
        .filter(|&i| is_requirements(outcomes[i].kind))
        .collect();
    let reader = repo.reader().ok();
    while let Some(i) = queue.pop() {
        let o = Arc::clone(&outcomes[i]);
        for (target, line) in &o.includes {
            let Some(path) = join_relative(&o.path, target) else {
                continue;
            };
            let Some(&j) = index.get(path.as_str()) else {
                notes.push(Note {
                    path: o.path.clone(),
                    message: format!(
                        "line {line}: includes `{target}`, which is not in the repository"
                    ),
                });
                continue;
            };
            edges[i].push(j);
            if analyzed_as_requirements.insert(j) {
                if let Some(r) = &reader {
                    let kind = FileKind::Config(config::ConfigKind::Manifest(
                        analyze::manifest::Manifest::Requirements { dev: false },
                    ));
                    let mut fresh = analyze_content(&files[j], kind, r, ctx);
                    if !ctx.keep_hits {
                        fresh.alone = Some(summarize(
                            std::mem::take(&mut fresh.hits),
                            SAMPLES_PER_SIGNAL,
                        ));
                    }
                    // The file's own outcome (its path alone) gives way to
                    // its reading as requirements.
                    outcomes[j] = Arc::new(fresh);
                    queue.push(j);
                }
            }
        }
    }
    for cycle in include_cycles(&edges) {
        let names: Vec<&str> = cycle.iter().map(|&i| outcomes[i].path.as_str()).collect();
        notes.push(Note {
            path: outcomes[cycle[0]].path.clone(),
            message: format!(
                "requirements include each other in a cycle: {}",
                names.join(" → ")
            ),
        });
    }
    outcomes
}

/// `target` as written in the file at `from` (relative to its folder), as a
/// repository path; none when it leaves the repository or is absolute.
fn join_relative(from: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.contains("://") {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Each cycle of the include graph once, as the files along it and back to
/// the first (`a → b → a`), starting from its smallest index.
fn include_cycles(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut cycles: Vec<Vec<usize>> = Vec::new();
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; edges.len()];
    let mut path: Vec<usize> = Vec::new();
    fn visit(
        n: usize,
        edges: &[Vec<usize>],
        state: &mut [u8],
        path: &mut Vec<usize>,
        cycles: &mut Vec<Vec<usize>>,
    ) {
        state[n] = 1;
        path.push(n);
        for &m in &edges[n] {
            match state[m] {
                0 => visit(m, edges, state, path, cycles),
                1 => {
                    if let Some(at) = path.iter().position(|&p| p == m) {
                        let mut c: Vec<usize> = path[at..].to_vec();
                        let min = c
                            .iter()
                            .enumerate()
                            .min_by_key(|(_, v)| **v)
                            .map_or(0, |(i, _)| i);
                        c.rotate_left(min);
                        c.push(c[0]);
                        if !cycles.contains(&c) {
                            cycles.push(c);
                        }
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state[n] = 2;
    }
    for n in 0..edges.len() {
        if state[n] == 0 && !edges[n].is_empty() {
            visit(n, edges, &mut state, &mut path, &mut cycles);
        }
    }
    cycles.sort();
    cycles
}

/// Text from bytes: UTF-8 (a byte-order mark dropped), UTF-16 with a
/// byte-order mark (what Windows PowerShell's `pip freeze >` writes), or
/// UTF-8 read lossily, which sets `lossy`.
fn decode(bytes: Vec<u8>, lossy: &mut bool) -> String {
    let utf16 = |be: bool| -> String {
        let units = bytes[2..].chunks_exact(2).map(|c| {
            if be {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => return utf16(false),
        Some([0xFE, 0xFF]) => return utf16(true),
        _ => {}
    }
    match String::from_utf8(bytes) {
        Ok(t) => match t.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => t,
        },
        Err(e) => {
            *lossy = true;
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

fn analyze_file(entry: &Entry, reader: &Reader, ctx: &RepoContext) -> FileOutcome {
    let mut o = analyze_content(entry, analyze::classify(&entry.path), reader, ctx);
    if o.deferred.is_empty() && !ctx.keep_hits {
        o.alone = Some(summarize(std::mem::take(&mut o.hits), SAMPLES_PER_SIGNAL));
    }
    o
}

fn analyze_content(
    entry: &Entry,
    kind: FileKind,
    reader: &Reader,
    ctx: &RepoContext,
) -> FileOutcome {
    let rules = ctx.rules;
    let is_test = analyze::is_test_path(&entry.path);
    let mut o = FileOutcome {
        path: entry.path.clone(),
        is_test,
        kind: Some(kind),
        ..Default::default()
    };
    if matches!(kind, FileKind::Python | FileKind::Notebook) {
        o.modules = analyze::module_candidates(&entry.path, ctx.packages);
    }
    let file = FileRef {
        path: &entry.path,
        is_test,
        generated: false,
    };
    rules.match_path(file, &mut o.hits);
    let dotenv = analyze::dotenv::is_dotenv(&entry.path);
    let wants_text = match kind {
        FileKind::Python | FileKind::Notebook | FileKind::Config(_) => true,
        FileKind::Other => dotenv || rules.wants_text(&entry.path),
    };
    if !wants_text || entry.oversize {
        return o;
    }
    let bytes = match reader.read(entry) {
        Ok(b) => b,
        Err(e) => {
            o.notes.push(Note {
                path: entry.path.clone(),
                message: format!("not read: {e}"),
            });
            return o;
        }
    };
    let utf16 = matches!(bytes.get(..2), Some([0xFF, 0xFE]) | Some([0xFE, 0xFF]));
    if !utf16 && bytes.iter().take(8192).any(|&b| b == 0) {
        if kind != FileKind::Other {
            o.notes.push(Note {
                path: entry.path.clone(),
                message: "binary content: not analyzed".into(),
            });
        }
        return o;
    }
    let text = decode(bytes, &mut o.lossy);
    if o.lossy {
        o.notes.push(Note {
            path: entry.path.clone(),
            message: "not valid UTF-8: read with replacement characters".into(),
        });
    }
    match kind {
        FileKind::Python => {
            o.generated = analyze::is_generated(&entry.path, &text);
            let is_package = entry.path.ends_with("__init__.py");
            analyze_python(&mut o, &text, ctx, is_package);
        }
        FileKind::Notebook => match notebook::extract(text.as_bytes()) {
            Ok(mut nb) => {
                for p in std::mem::take(&mut nb.skipped) {
                    o.notes.push(Note {
                        path: entry.path.clone(),
                        message: format!("notebook {p}"),
                    });
                }
                analyze_python(&mut o, &nb.source, ctx, false);
                o.lines = nb.source.lines().filter(|l| !l.trim().is_empty()).count() as u64;
                // Only the map from lines to cells is needed from here on.
                nb.source = String::new();
                o.notebook = Some(nb);
            }
            Err(e) => o.notes.push(Note {
                path: entry.path.clone(),
                message: format!("notebook not analyzed: {e}"),
            }),
        },
        FileKind::Config(k) => {
            let found = config::analyze(k, &text);
            for p in found.problems {
                o.notes.push(Note {
                    path: entry.path.clone(),
                    message: p,
                });
            }
            o.includes = found.includes;
            let scope = rules.scope(file);
            rules.match_deps(&scope, &found.deps, &mut o.hits);
            rules.match_facts(&scope, &found.facts, &mut o.hits);
            if rules.wants_text(&entry.path) {
                rules.match_text(&scope, &text, &mut o.hits);
            }
        }
        FileKind::Other => {
            if dotenv {
                o.findings = analyze::dotenv::findings(&entry.path, &text);
            }
            rules.match_text(&rules.scope(file), &text, &mut o.hits)
        }
    }
    o
}

fn analyze_python(o: &mut FileOutcome, text: &str, repo: &RepoContext, is_package: bool) {
    let rules = repo.rules;
    let module = o.modules.first().cloned().unwrap_or_default();
    let heads = if repo.record {
        python::LocalHeads::recording(repo.local_heads)
    } else {
        python::LocalHeads::new(repo.local_heads)
    };
    let ctx = python::Context {
        path: &o.path,
        module: &module,
        is_package,
        is_test: o.is_test,
        local_heads: &heads,
        syntax_kinds: &rules.syntax_kinds,
    };
    let mut facts = python::analyze(text, &ctx);
    o.asked = heads.into_asked();
    if facts.syntax_error {
        o.syntax_error = true;
        o.notes.push(Note {
            path: o.path.clone(),
            message: "syntax error: the parts that parse were analyzed".into(),
        });
    }
    let file = FileRef {
        path: &o.path,
        is_test: o.is_test,
        generated: o.generated,
    };
    let scope = rules.scope(file);
    rules.match_python(&scope, &facts, &mut o.hits);
    rules.match_deps(&scope, &facts.config.deps, &mut o.hits);
    rules.match_facts(&scope, &facts.config.facts, &mut o.hits);
    for p in std::mem::take(&mut facts.config.problems) {
        o.notes.push(Note {
            path: o.path.clone(),
            message: p,
        });
    }
    o.deferred = std::mem::take(&mut facts.deferred);
    o.exports = std::mem::take(&mut facts.exports);
    o.metrics = facts.metrics;
    o.lines = facts.lines;
}

#[cfg(test)]
mod tests {
    #[test]
    fn includes_resolve_relative_to_the_including_file() {
        assert_eq!(
            super::join_relative("requirements/dev.txt", "base.txt").as_deref(),
            Some("requirements/base.txt")
        );
        assert_eq!(
            super::join_relative("app/requirements.txt", "../reqs/common.txt").as_deref(),
            Some("reqs/common.txt")
        );
        assert_eq!(super::join_relative("requirements.txt", "../x.txt"), None);
        assert_eq!(super::join_relative("requirements.txt", "/etc/x.txt"), None);
    }

    #[test]
    fn cycles_are_found_once() {
        // 0 → 1 → 2 → 0, and 3 → 1 (into the cycle), 4 → 4.
        let edges = vec![vec![1], vec![2], vec![0], vec![1], vec![4]];
        assert_eq!(
            super::include_cycles(&edges),
            vec![vec![0, 1, 2, 0], vec![4, 4]]
        );
    }

    #[test]
    fn text_decodes_utf16_with_a_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "flask==3.0\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let mut lossy = false;
        assert_eq!(super::decode(bytes, &mut lossy), "flask==3.0\n");
        assert!(!lossy);
        let mut lossy = false;
        assert_eq!(
            super::decode(b"x = '\xe9'".to_vec(), &mut lossy),
            "x = '\u{fffd}'"
        );
        assert!(lossy);
    }
}
