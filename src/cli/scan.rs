//! `portfolio-audit scan`: audit repositories and print the report.

use super::progress::Progress;
use super::{ColorArg, RulesArg};
use crate::audit::{audit, audit_authored};
use crate::exit_codes;
use crate::report::model::{RepoReport, Report};
use crate::report::{csv, html, json, markdown, text, Format};
use crate::roadmap::cohort::cohort;
use crate::roadmap::config::{Config, FILE_NAME};
use crate::roadmap::{evaluate, evaluate_each_repo, Roadmap};
use crate::rules::{RuleErrors, RuleSet};
use crate::source::blame::Authors;
use crate::source::input::{read_repos_file, Input, Target};
use crate::source::remote::{self, FetchSettings};
use crate::source::{
    discover_input, ListOptions, Note, Repo, RepoInput, SourceError, DEFAULT_MAX_FILE_SIZE,
};
use anyhow::Context;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

pub const AFTER_HELP: &str = "\
A PATH is a repository (its working tree, .gitignore honoured), a bare git
repository, or a folder of repositories (each child with a .git or Python code).
It may also be a URL (https://, http://, ssh://, git://, file://, or
git@host:owner/repo): the repository is cloned (bare, no checkout) into the
cache folder, fetched again on the next run, and read at --rev or at the
remote's default branch. Credentials are never asked for: a private
repository needs a token in the URL or, over ssh, a key in the ssh-agent.

A repos file (--repos-file, a mentor's class list) holds one input a line,
`INPUT` or `LABEL  INPUT`: a label (a student's name, single spaces allowed),
then a tab or two or more spaces, then a path or URL. `#` starts a comment;
relative paths are relative to the file. Lines with the same label are one
student's repositories: with two or more labeled repositories the report
adds a cohort view (each student's score and first gaps, and who meets each
checklist item).
  # class of 2026
  Ada Lovelace     https://github.com/ada/portfolio
  Ada Lovelace     https://github.com/ada/shop-api
  Grace Hopper     git@github.com:grace/compilers.git
  Alan Turing      students/alan

Examples:
  portfolio-audit scan fixtures/portfolio
  portfolio-audit scan . --format json -o report.json
  portfolio-audit scan students/* --jobs 2
  portfolio-audit scan students/* --format html -o cohort.html
  portfolio-audit scan repo.git --rev main~3
  portfolio-audit scan https://github.com/ada/portfolio
  portfolio-audit scan --repos-file class.txt --format json -o cohort.json
  portfolio-audit scan student-repo --author student@example.com
  portfolio-audit scan . --format markdown --fail-under 60 >> \"$GITHUB_STEP_SUMMARY\"

Exit codes: 0 ok, 1 checklist score below --fail-under, 2 usage or input
error, 3 some repositories could not be audited (the others are reported).";

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with code 1 when the checklist score is below this (0-100).
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub fail_under: Option<u32>,
    #[command(flatten)]
    pub color: ColorArg,
    #[command(flatten)]
    pub audit: AuditArgs,
}

/// What to audit: shared by `scan` and `badge`.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Repositories, folders of repositories, or repository URLs (default: `.`).
    #[arg(value_name = "PATH|URL")]
    pub paths: Vec<PathBuf>,
    /// Read inputs from this file, one a line, each with an optional label
    /// (`LABEL  INPUT`: a tab or two or more spaces between); see below.
    #[arg(long, value_name = "FILE")]
    pub repos_file: Option<PathBuf>,
    /// Where URL inputs are cloned and kept between runs
    /// (default: the user's cache folder, then portfolio-audit/repos).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Clone only the last N commits of each URL (the history metrics then
    /// see only those); local and file:// remotes are always cloned whole.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub depth: Option<u32>,
    /// No progress bars and no warnings on stderr (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
    /// Read this git revision from the object database instead of the working
    /// tree (a URL is read at the remote's default branch unless this is given).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

/// Options of every command that audits repositories (`scan`, `diff`).
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub rules: RulesArg,
    /// Threads for fetching and analysis, shared by repositories audited in
    /// parallel and the files inside each (default: all cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The checklist to measure against: a built-in roadmap's name or a roadmap file.
    #[arg(long, value_name = "NAME|FILE", default_value = crate::roadmap::DEFAULT)]
    pub roadmap: String,
    /// The learner's project file (self-reports, claims, ignored competencies);
    /// default: portfolio-audit.toml at the top of each scanned repository.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Files larger than this many bytes are listed but not read.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Count only what this author wrote (repeatable): evidence in lines
    /// `git blame` gives them at the scanned revision (a working tree is read
    /// at HEAD). An email or a name, any case, after .mailmap. Needs git.
    #[arg(long = "author", value_name = "EMAIL|NAME")]
    pub authors: Vec<String>,
}

/// An input in the order given: ready to audit, or already failed (its report says why).
pub type Slot = Result<RepoInput, RepoReport>;

/// What an audit needs, loaded once: the rules, the checklist and the threads.
pub struct Auditor {
    rules: RuleSet,
    roadmap: Roadmap,
    pool: rayon::ThreadPool,
    opts: ListOptions,
    config: Option<PathBuf>,
    /// With `--author`: only their lines count.
    authors: Option<Authors>,
}

/// What [`Auditor::report`] gives: the report, and how many repositories
/// could not be audited.
pub struct Outcome {
    pub report: Report,
    /// Repositories that could not be audited (each named on `err`).
    pub failed: usize,
    /// One of them failed for a usage reason (`--author` on a folder that is not git).
    pub usage: bool,
}

impl Auditor {
    /// Loads and checks the rules and the roadmap; either being invalid is a usage error.
    pub fn load(args: &AuditArgs) -> anyhow::Result<Auditor> {
        let rules = RuleSet::with_dir(args.rules.rules.as_deref())
            .map_err(|e| anyhow::anyhow!("invalid rules:\n{e}"))?;
        let ids: BTreeSet<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
        let roadmap =
            Roadmap::find(&args.roadmap, &ids).map_err(|e| anyhow::anyhow!("roadmap: {e}"))?;
        let pool = super::thread_pool(args.jobs)?;
        Ok(Auditor {
            rules,
            roadmap,
            pool,
            opts: ListOptions {
                max_file_size: args.max_file_size,
            },
            config: args.config.clone(),
            authors: (!args.authors.is_empty()).then(|| Authors::new(&args.authors)),
        })
    }

    /// Audits the ready inputs in parallel and keeps them in the order given
    /// (an input that failed earlier stays in its place as its error), then
    /// measures them against the checklist, per student too when labeled.
    /// `notes` are added to the repository read from that git folder. A
    /// repository that cannot be audited is named on `err` and kept in the
    /// report as an error; how many there were is returned beside the report.
    pub fn report(
        &self,
        slots: &[Slot],
        notes: &BTreeMap<PathBuf, Note>,
        progress: &Progress,
        err: &mut dyn Write,
    ) -> anyhow::Result<Outcome> {
        let ids: BTreeSet<&str> = self.rules.rules.iter().map(|r| r.id.as_str()).collect();
        let ready: Vec<&RepoInput> = slots.iter().filter_map(|s| s.as_ref().ok()).collect();
        let config = load_config(self.config.as_deref(), &ready, &ids)?;
        let configs = match self.config {
            Some(_) => BTreeMap::new(),
            None => student_configs(&ready, &ids),
        };
        let bar = progress.phase("Scanning", ready.len());
        let outcomes: Vec<(RepoReport, Option<SourceError>)> = self.pool.install(|| {
            slots
                .par_iter()
                .map(|slot| {
                    let input = match slot {
                        Ok(input) => input,
                        Err(report) => return (report.clone(), None),
                    };
                    let audited = match &self.authors {
                        Some(a) => audit_authored(input, &self.rules, &self.opts, a),
                        None => audit(input, &self.rules, &self.opts),
                    };
                    let outcome = match audited {
                        Ok(mut r) => {
                            let note = match &input.repo {
                                Repo::Git { path, .. } => notes.get(path),
                                _ => None,
                            };
                            if let Some(note) = note {
                                r.notes.push(note.clone());
                                r.notes.sort();
                            }
                            (r, None)
                        }
                        Err(e) => (not_audited(input, &e), Some(e)),
                    };
                    bar.inc(1);
                    bar.set_message(input.name.clone());
                    outcome
                })
                .collect()
        });
        bar.finish_and_clear();
        let mut failed = 0;
        let mut usage = false;
        let mut repos = Vec::with_capacity(outcomes.len());
        for (report, failure) in outcomes {
            if let Some(e) = failure {
                writeln!(err, "error: {}: {e}", report.name)?;
                failed += 1;
                usage |= matches!(e, SourceError::NotGit { .. });
            }
            repos.push(report);
        }
        let mut report = Report::new(repos);
        report.portfolio.checklist = evaluate(&self.roadmap, &report.repos, &self.rules, &config);
        evaluate_each_repo(&self.roadmap, &mut report.repos, &self.rules, &config);
        report.cohort = cohort(&self.roadmap, &report.repos, &self.rules, &configs, &config);
        report.roadmap = Some(self.roadmap.name.clone());
        report.config = config
            .sources
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        Ok(Outcome {
            report,
            failed,
            usage,
        })
    }
}

/// A report over every input, and the exit code so far.
pub struct Audited {
    pub report: Report,
    /// [`exit_codes::USAGE`] for an input that was not found,
    /// [`exit_codes::SOME_FAILED`] for a repository that could not be audited.
    pub code: u8,
}

/// Gathers the inputs (paths, URLs fetched into the cache, the repos file),
/// audits them and measures them against the checklist. `None` when the
/// inputs themselves are malformed (the reason is on `err`).
pub fn audit_inputs(
    args: &InputArgs,
    audit: &AuditArgs,
    err: &mut dyn Write,
) -> anyhow::Result<Option<Audited>> {
    let auditor = Auditor::load(audit)?;
    let progress = Progress::new(args.quiet);
    let mut code = exit_codes::OK;

    let Some(given) = gather_inputs(args, err)? else {
        return Ok(None);
    };
    let has_url = given.iter().any(|i| matches!(i.target, Target::Url(_)));
    let cache = match args.cache_dir.clone().or_else(remote::default_cache_dir) {
        Some(c) => c,
        None if has_url => {
            writeln!(
                err,
                "error: no cache folder for cloned repositories on this system: give --cache-dir DIR"
            )?;
            return Ok(None);
        }
        None => PathBuf::new(),
    };

    // Inputs in the order given; one that cannot be read stays in its place as an error.
    let mut slots: Vec<Result<RepoInput, RepoReport>> = Vec::new();
    // Blame reads commits: a working tree is scanned at its HEAD.
    let rev = args
        .rev
        .as_deref()
        .or((!audit.authors.is_empty()).then_some("HEAD"));
    for input in &given {
        match discover_input(input, rev, &cache) {
            Ok(found) => slots.extend(found.into_iter().map(Ok)),
            Err(e) => {
                writeln!(err, "error: {e}")?;
                code = exit_codes::USAGE;
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

    let settings = FetchSettings { depth: args.depth };
    let fetched = fetch_remotes(&slots, &auditor.pool, &progress, settings);
    let mut stale: BTreeMap<PathBuf, Note> = BTreeMap::new();
    for slot in &mut slots {
        let Ok(input) = slot else { continue };
        let (Some(url), Repo::Git { path, .. }) = (&input.remote, &input.repo) else {
            continue;
        };
        match fetched.get(path) {
            Some(Ok(remote::Synced { stale: Some(why) })) => {
                if !args.quiet {
                    writeln!(
                        err,
                        "warning: {}: not updated ({why}); reading the clone fetched earlier",
                        url.shown()
                    )?;
                }
                let message = format!(
                    "not updated from {} ({why}): the clone fetched on an earlier run was read",
                    url.shown()
                );
                stale.insert(
                    path.clone(),
                    Note {
                        path: ".".into(),
                        message,
                    },
                );
            }
            Some(Err(e)) => {
                writeln!(err, "error: {}: {e}", input.name)?;
                code = some_failed(code);
                *slot = Err(not_audited(input, e));
            }
            _ => {}
        }
    }

    let Outcome {
        report,
        failed,
        usage,
    } = auditor.report(&slots, &stale, &progress, err)?;
    if usage {
        code = exit_codes::USAGE;
    } else if failed > 0 {
        code = some_failed(code);
    }
    Ok(Some(Audited { report, code }))
}

pub fn run(args: &ScanArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let Some(Audited { report, mut code }) = audit_inputs(&args.inputs, &args.audit, err)? else {
        return Ok(exit_codes::USAGE);
    };
    let mut buffer: Vec<u8> = Vec::new();
    match args.format {
        Format::Text => {
            let palette = if args.color.enabled(args.output.is_none()) {
                text::Palette::ANSI
            } else {
                text::Palette::PLAIN
            };
            text::render_with(&report, &mut buffer, &palette)?
        }
        Format::Json => json::render(&report, &mut buffer)?,
        Format::Markdown => markdown::render(&report, &mut buffer)?,
        Format::Csv => csv::render(&report, &mut buffer)?,
        Format::Html => html::render(&report, &mut buffer)?,
    }
    // Below the threshold is the mildest failure: a usage error (2) or a
    // repository that could not be audited (3) says more, and wins.
    if let Some(min) = args.fail_under {
        let score = report.portfolio.checklist.score;
        if score < min {
            writeln!(err, "checklist score {score} is below --fail-under {min}")?;
            if code == exit_codes::OK {
                code = exit_codes::BELOW_THRESHOLD;
            }
        }
    }
    write_output(args.output.as_deref(), &buffer, out)?;
    Ok(code)
}

/// Writes a rendered document to `-o FILE`, or to standard output.
pub fn write_output(file: Option<&Path>, buffer: &[u8], out: &mut dyn Write) -> anyhow::Result<()> {
    match file {
        Some(path) => {
            std::fs::write(path, buffer).with_context(|| format!("writing {}", path.display()))
        }
        None => Ok(out.write_all(buffer)?),
    }
}

/// The inputs on the command line and in the repos file, or `.`; `None`
/// after printing why when one is malformed.
fn gather_inputs(args: &InputArgs, err: &mut dyn Write) -> anyhow::Result<Option<Vec<Input>>> {
    let mut given: Vec<Input> = Vec::new();
    for path in &args.paths {
        match path.to_str().map(Input::from_arg) {
            Some(Ok(input)) => given.push(input),
            Some(Err(e)) => {
                writeln!(err, "error: {e}")?;
                return Ok(None);
            }
            None => given.push(Input {
                target: Target::Path(path.clone()),
                label: None,
            }),
        }
    }
    if let Some(file) = &args.repos_file {
        match read_repos_file(file) {
            Ok(inputs) => given.extend(inputs),
            Err(errors) => {
                for e in errors {
                    writeln!(err, "error: {e}")?;
                }
                return Ok(None);
            }
        }
    }
    if given.is_empty() {
        given.push(Input {
            target: Target::Path(PathBuf::from(".")),
            label: None,
        });
    }
    Ok(Some(given))
}

/// The exit code once a repository could not be audited: a usage error (2)
/// says more and stays.
fn some_failed(code: u8) -> u8 {
    if code == exit_codes::OK {
        exit_codes::SOME_FAILED
    } else {
        code
    }
}

/// The report of a repository that could not be audited, and why.
fn not_audited(input: &RepoInput, e: &SourceError) -> RepoReport {
    RepoReport {
        name: input.name.clone(),
        source: input.source.clone(),
        label: input.label.clone(),
        error: Some(e.to_string()),
        ..Default::default()
    }
}

/// Each student's own project files (their working trees' portfolio-audit.toml).
fn student_configs(ready: &[&RepoInput], ids: &BTreeSet<&str>) -> BTreeMap<String, Config> {
    let labels: BTreeSet<&str> = ready.iter().filter_map(|i| i.label.as_deref()).collect();
    let mut configs = BTreeMap::new();
    for label in labels {
        let own: Vec<&RepoInput> = ready
            .iter()
            .copied()
            .filter(|i| i.label.as_deref() == Some(label))
            .collect();
        // Every file was already read without error for the merged configuration.
        if let Ok(c) = load_config(None, &own, ids) {
            configs.insert(label.to_string(), c);
        }
    }
    configs
}

/// The project file given with --config, or every portfolio-audit.toml at the
/// top of a scanned working tree, merged.
fn load_config(
    given: Option<&Path>,
    inputs: &[&RepoInput],
    ids: &BTreeSet<&str>,
) -> Result<Config, RuleErrors> {
    if let Some(path) = given {
        return Config::load(path, ids);
    }
    let mut config = Config::default();
    for input in inputs {
        if let Repo::Workdir { root } = &input.repo {
            let path = root.join(FILE_NAME);
            if path.is_file() {
                config.merge(Config::load(&path, ids)?);
            }
        }
    }
    Ok(config)
}

/// Fetches every URL input once (inputs may share a clone), in parallel on
/// the scan's threads: a slow or unreachable remote holds up only its own.
fn fetch_remotes(
    slots: &[Result<RepoInput, RepoReport>],
    pool: &rayon::ThreadPool,
    progress: &Progress,
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
    let bar = progress.phase("Fetching", remotes.len());
    let fetched = pool.install(|| {
        remotes
            .par_iter()
            .map(|(path, (url, name))| {
                let task = progress.task(name);
                let result = remote::sync(url, path, settings, &|received, total| {
                    task.set_length(total as u64);
                    task.set_position(received as u64);
                });
                task.finish_and_clear();
                bar.inc(1);
                (path.to_path_buf(), result)
            })
            .collect()
    });
    bar.finish_and_clear();
    fetched
}
