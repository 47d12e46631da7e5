//! The command line: arguments (clap), one module per subcommand.
//! `anyhow` lives here and nowhere deeper.

mod audit_args;
mod badge;
mod bench;
mod cache_cmd;
mod card;
mod diff;
mod merge;
mod output;
mod plan;
mod progress;
mod roadmaps_cmd;
mod rules_cmd;
mod sarif;
mod scan;
mod timeline;

use crate::exit_codes;
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  portfolio-audit scan github:ada             your whole GitHub (or gitlab:NAME)
  portfolio-audit scan ~/code                 every repository under ~/code
  portfolio-audit scan . --format json -o report.json
  portfolio-audit scan students/* --format html -o cohort.html
  portfolio-audit scan --repos-file class.txt --shard 2/8 --format json -o shard-2.json
  portfolio-audit merge shard-*.json --format html -o cohort.html
  portfolio-audit badge . --output badge.svg
  portfolio-audit card ~/code -o card.svg     a shareable card of the score and areas
  portfolio-audit scan my-repo --rev v1.0     a git revision, read without checkout
  portfolio-audit scan . --roadmap backend-and-ai
  portfolio-audit diff --base origin/main     what this branch gained or lost
  portfolio-audit scan . --author me@example.com   only what I wrote (git blame)
  portfolio-audit timeline my-repo            when each competency appeared, by commit
  portfolio-audit plan ~/code                 the next project to build, milestones, a path
  portfolio-audit roadmaps list
  portfolio-audit rules list
  portfolio-audit cache info                  the audits kept between runs, the clones

Exit codes: 0 ok, 1 checklist score below --fail-under (diff: a regression with
--fail-on-regression), 2 usage or input error, 3 some repositories could not be
audited.";

#[derive(Debug, Parser)]
#[command(
    name = "portfolio-audit",
    version,
    about = "Audit Python repositories: which competencies they show, with file and line, and what is missing.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan repositories and report each competency's level with its evidence.
    #[command(after_help = scan::AFTER_HELP)]
    Scan(scan::ScanArgs),
    /// Combine the JSON reports of every shard of a scan (`scan --shard K/N`)
    /// into the report of one run, in any format; or render a saved report again.
    #[command(after_help = merge::AFTER_HELP)]
    Merge(merge::MergeArgs),
    /// What changed between two git revisions, or two JSON reports: competencies, checklist, findings.
    #[command(after_help = diff::AFTER_HELP)]
    Diff(diff::DiffArgs),
    /// Write a shields-style SVG badge with the checklist score ("portfolio | 72%").
    #[command(after_help = badge::AFTER_HELP)]
    Badge(badge::BadgeArgs),
    /// Write a shareable card (SVG): the score and each competency area's
    /// levels; or a profile README snippet with it.
    #[command(after_help = card::AFTER_HELP)]
    Card(card::CardArgs),
    /// Walk a repository's history (first parents: a merge is one step) and
    /// report when each competency appeared, rose, fell or was lost, by commit.
    #[command(after_help = timeline::AFTER_HELP)]
    Timeline(timeline::TimelineArgs),
    /// What to build next: the next projects with their briefs and the gaps
    /// they close, the seeds' milestones, and a week-by-week path.
    #[command(after_help = plan::AFTER_HELP)]
    Plan(plan::PlanArgs),
    /// List, check, test and explain competency rules.
    Rules(rules_cmd::RulesArgs),
    /// List the roadmap checklists and show their items.
    Roadmaps(roadmaps_cmd::RoadmapsArgs),
    /// What the cache folder holds (the audits kept, the clones), and emptying it.
    Cache(cache_cmd::CacheArgs),
    /// Parse files and nothing else: the baseline of scripts/bench.sh.
    #[command(hide = true)]
    BenchParse(bench::BenchArgs),
}

/// Options shared by commands that load rules.
#[derive(Debug, clap::Args)]
pub struct RulesArg {
    /// A folder of extra rules (`*.toml`); a rule with a built-in id replaces it.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// Formats of a listing (`rules list`, `roadmaps show`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for the terminal.
    Text,
    /// JSON for tools.
    Json,
}

pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            let to_out = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
            // Styled only for a person at a terminal who did not ask for NO_COLOR.
            let styled = std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
            let text = if styled {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            let sink: &mut dyn Write = if to_out { out } else { err };
            let _ = write!(sink, "{text}");
            return if to_out {
                exit_codes::OK
            } else {
                exit_codes::USAGE
            };
        }
    };
    let result = match cli.command {
        Command::Scan(args) => scan::run(&args, out, err),
        Command::Merge(args) => merge::run(&args, out, err),
        Command::Diff(args) => diff::run(&args, out, err),
        Command::Badge(args) => badge::run(&args, out, err),
        Command::Card(args) => card::run(&args, out, err),
        Command::Timeline(args) => timeline::run(&args, out, err),
        Command::Plan(args) => plan::run(&args, out, err),
        Command::Rules(args) => rules_cmd::run(&args, out, err),
        Command::Roadmaps(args) => roadmaps_cmd::run(&args, out, err),
        Command::Cache(args) => cache_cmd::run(&args, out, err),
        Command::BenchParse(args) => bench::run(&args, out),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`| head`) is not an error worth a message.
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return exit_codes::OK;
            }
            let _ = writeln!(err, "error: {e:#}");
            exit_codes::USAGE
        }
    }
}
