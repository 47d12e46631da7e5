//! `portfolio-audit scan`: audit repositories and print the report.

use super::RulesArg;
use crate::audit::{audit, audit_authored};
use crate::exit_codes;
use crate::report::model::{RepoReport, Report};
use crate::report::{csv, json, markdown, text, Format};
use crate::roadmap::config::{Config, FILE_NAME};
use crate::roadmap::{evaluate, Roadmap};
use crate::rules::{RuleErrors, RuleSet};
use crate::source::blame::Authors;
use crate::source::{discover, ListOptions, Repo, RepoInput, SourceError, DEFAULT_MAX_FILE_SIZE};
use anyhow::Context;
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::path::PathBuf;

pub const AFTER_HELP: &str = "\
A PATH is a repository (its working tree, .gitignore honoured), a bare git
repository, or a folder of repositories (each child with a .git or Python code).

Examples:
  portfolio-audit scan fixtures/portfolio
  portfolio-audit scan . --format json -o report.json
  portfolio-audit scan students/* --jobs 2
  portfolio-audit scan repo.git --rev main~3
  portfolio-audit scan . --format markdown --fail-under 60 >> \"$GITHUB_STEP_SUMMARY\"
  portfolio-audit scan student-repo --author student@example.com

Exit codes: 0 ok, 1 checklist score below --fail-under, 2 usage or input
error, 3 some repositories could not be audited (the others are reported).";

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Repositories or folders of repositories.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Read this git revision from the object database instead of the working tree.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Threads for analysis (default: all cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The checklist to measure against: a built-in roadmap's name or a roadmap file.
    #[arg(long, value_name = "NAME|FILE", default_value = crate::roadmap::DEFAULT)]
    pub roadmap: String,
    /// The learner's project file (self-reports, claims, ignored competencies);
    /// default: portfolio-audit.toml at the top of each scanned repository.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Exit with code 1 when the checklist score is below this (0-100).
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub fail_under: Option<u32>,
    /// Files larger than this many bytes are listed but not read.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Count only what this author wrote (repeatable): evidence in lines
    /// `git blame` gives them at the scanned revision (a working tree is read
    /// at HEAD). An email or a name, any case, after .mailmap. Needs git.
    #[arg(long = "author", value_name = "EMAIL|NAME")]
    pub authors: Vec<String>,
}

pub fn run(args: &ScanArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let rules = match RuleSet::with_dir(args.rules.rules.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "error: invalid rules:\n{e}")?;
            return Ok(exit_codes::USAGE);
        }
    };
    let ids: BTreeSet<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
    let roadmap = match Roadmap::find(&args.roadmap, &ids) {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "error: roadmap: {e}")?;
            return Ok(exit_codes::USAGE);
        }
    };
    let pool = super::thread_pool(args.jobs)?;
    let opts = ListOptions {
        max_file_size: args.max_file_size,
    };
    let progress = std::io::stderr().is_terminal();

    let mut repos: Vec<RepoReport> = Vec::new();
    let mut code = exit_codes::OK;
    let mut inputs = Vec::new();
    // Blame reads commits: a working tree is scanned at its HEAD.
    let authors = (!args.authors.is_empty()).then(|| Authors::new(&args.authors));
    let rev = args.rev.as_deref().or(authors.as_ref().map(|_| "HEAD"));
    for path in &args.paths {
        match discover(path, rev) {
            Ok(found) => inputs.extend(found),
            Err(e) => {
                writeln!(err, "error: {e}")?;
                code = exit_codes::USAGE;
                repos.push(RepoReport {
                    name: path.display().to_string(),
                    source: path.display().to_string(),
                    error: Some(e.to_string()),
                    ..Default::default()
                });
            }
        }
    }
    let config = match load_config(args.config.as_deref(), &inputs, &ids) {
        Ok(c) => c,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(exit_codes::USAGE);
        }
    };
    let total = inputs.len();
    for (i, input) in inputs.iter().enumerate() {
        if progress {
            eprint!("\r\x1b[2K[{}/{total}] {}", i + 1, input.name);
        }
        let audited = pool.install(|| match &authors {
            Some(a) => audit_authored(input, &rules, &opts, a),
            None => audit(input, &rules, &opts),
        });
        match audited {
            Ok(r) => repos.push(r),
            Err(e) => {
                writeln!(err, "error: {}: {e}", input.name)?;
                if matches!(e, SourceError::NotGit { .. }) {
                    code = exit_codes::USAGE;
                } else if code == exit_codes::OK {
                    code = exit_codes::SOME_FAILED;
                }
                repos.push(RepoReport {
                    name: input.name.clone(),
                    source: input.source.clone(),
                    error: Some(e.to_string()),
                    ..Default::default()
                });
            }
        }
    }
    if progress {
        eprint!("\r\x1b[2K");
    }
    let mut report = Report::new(repos);
    report.portfolio.checklist = evaluate(&roadmap, &report.repos, &rules, &config);
    report.roadmap = Some(roadmap.name.clone());
    report.config = config
        .sources
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut buffer: Vec<u8> = Vec::new();
    match args.format {
        Format::Text => text::render(&report, &mut buffer)?,
        Format::Json => json::render(&report, &mut buffer)?,
        Format::Markdown => markdown::render(&report, &mut buffer)?,
        Format::Csv => csv::render(&report, &mut buffer)?,
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
    match &args.output {
        Some(path) => {
            std::fs::write(path, &buffer).with_context(|| format!("writing {}", path.display()))?
        }
        None => out.write_all(&buffer)?,
    }
    Ok(code)
}

/// The project file given with --config, or every portfolio-audit.toml at the
/// top of a scanned working tree, merged.
fn load_config(
    given: Option<&Path>,
    inputs: &[RepoInput],
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
