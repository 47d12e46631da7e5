//! `portfolio-audit timeline`: a repository's progress log, commit by commit.

use super::RulesArg;
use crate::exit_codes;
use crate::report::timeline::{render, TimelineFormat};
use crate::rules::RuleSet;
use crate::source::{discover, ListOptions, Repo, DEFAULT_MAX_FILE_SIZE};
use crate::timeline::{timeline, TimelineOptions};
use anyhow::Context;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

pub const AFTER_HELP: &str = "\
The history is walked along first parents, from the oldest commit to the
newest: a merged branch counts as one step, at its merge commit. Each commit
is audited as `scan --rev COMMIT` would audit it (without checkout); a file
unchanged since an earlier commit is not analyzed again.

Examples:
  portfolio-audit timeline my-repo
  portfolio-audit timeline my-repo --rev main --format json -o timeline.json
  portfolio-audit timeline . --max-commits 50 --format markdown

Exit codes: 0 ok, 2 usage or input error (not a git repository, no commits,
an unknown revision, invalid rules).";

#[derive(Debug, clap::Args)]
pub struct TimelineArgs {
    /// A git repository: a working tree with .git, or a bare repository.
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,
    /// The branch or commit whose history is walked.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub rev: String,
    #[arg(long, value_enum, default_value_t = TimelineFormat::Text)]
    pub format: TimelineFormat,
    /// Write the timeline to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Walk only the N newest commits (what the oldest of them already
    /// shows is reported as present, not as new).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_commits: Option<u64>,
    /// Threads for analysis (default: all cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Files larger than this many bytes are listed but not read.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

pub fn run(args: &TimelineArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let rules = match RuleSet::with_dir(args.rules.rules.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "error: invalid rules:\n{e}")?;
            return Ok(exit_codes::USAGE);
        }
    };
    // The input must be one git repository (its own, not a folder of them).
    let input = match discover(&args.path, Some(&args.rev)) {
        Ok(mut found) if found.len() == 1 => found.remove(0),
        Ok(_) => {
            writeln!(
                err,
                "error: {}: a folder of repositories; timeline walks one repository's history",
                args.path.display()
            )?;
            return Ok(exit_codes::USAGE);
        }
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(exit_codes::USAGE);
        }
    };
    let Repo::Git { path, .. } = &input.repo else {
        writeln!(
            err,
            "error: {}: not a git repository; timeline reads the commits of one",
            args.path.display()
        )?;
        return Ok(exit_codes::USAGE);
    };
    let pool = super::thread_pool(args.jobs)?;
    let opts = TimelineOptions {
        rev: &args.rev,
        max_commits: args.max_commits.map(|n| n as usize),
        list: ListOptions {
            max_file_size: args.max_file_size,
        },
    };
    let show = std::io::stderr().is_terminal();
    let mut progress = |i: usize, n: usize| {
        if show {
            eprint!("\r\x1b[2K[{i}/{n}] {}", input.name);
        }
    };
    let walked = pool.install(|| timeline(path, &input.name, &rules, &opts, &mut progress));
    if show {
        eprint!("\r\x1b[2K");
    }
    let t = match walked {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(exit_codes::USAGE);
        }
    };
    let mut buffer: Vec<u8> = Vec::new();
    render(&t, args.format, &mut buffer)?;
    match &args.output {
        Some(p) => {
            std::fs::write(p, &buffer).with_context(|| format!("writing {}", p.display()))?
        }
        None => out.write_all(&buffer)?,
    }
    Ok(exit_codes::OK)
}
