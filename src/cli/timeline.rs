//! `portfolio-audit timeline`: a repository's progress log, commit by commit.

use super::output::OutputArgs;
use super::RulesArg;
use crate::exit_codes;
use crate::portfolio::{RuleSet, DEFAULT_MAX_FILE_SIZE};
use crate::report::timeline;
use crate::timeline::{walk, ListOptions, TimelineOptions};
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

/// Formats of a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TimelineFormat {
    /// A progress log for the terminal, newest last.
    Text,
    /// The timeline document (its own schema_version 1).
    Json,
    /// A table for a pull-request comment or a job summary.
    Markdown,
}

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
    #[command(flatten)]
    pub output: OutputArgs,
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
    let opts = TimelineOptions {
        rev: &args.rev,
        max_commits: args.max_commits.map(|n| n as usize),
        list: ListOptions {
            max_file_size: args.max_file_size,
        },
        jobs: args.jobs,
    };
    let show = !args.output.quiet && std::io::stderr().is_terminal();
    let mut progress = |i: usize, n: usize, name: &str| {
        if show {
            eprint!("\r\x1b[2K[{i}/{n}] {name}");
        }
    };
    let walked = walk(&args.path, &rules, &opts, &mut progress);
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
    match args.format {
        TimelineFormat::Text => timeline::text::render(&t, &mut buffer)?,
        TimelineFormat::Json => timeline::render_json(&t, &mut buffer)?,
        TimelineFormat::Markdown => timeline::markdown::render(&t, &mut buffer)?,
    }
    args.output.write(&buffer, out)?;
    Ok(exit_codes::OK)
}
