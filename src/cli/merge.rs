//! `portfolio-audit merge`: the JSON reports of every shard of a run
//! (`scan --shard K/N`) combined into that run's report, in any format; or
//! one saved report rendered again.

use super::scan::{Against, ReportArgs};
use super::RulesArg;
use crate::exit_codes;
use crate::portfolio::diff::load_report;
use crate::portfolio::merge::Named;
use crate::portfolio::{Options, Portfolio, DEFAULT_ROADMAP};
use std::io::Write;
use std::path::PathBuf;

pub const AFTER_HELP: &str = "\
Each shard of a run (`scan INPUTS --shard K/N --format json`, K = 1..N, on
as many machines as you like) writes the report of its slice of the
repositories. merge puts them back in the order of the inputs and measures
them again as one run does (the checklist, each repository, the cohort), so
its output is byte for byte what `scan INPUTS` would print. Give it every
shard's report, and the --rules, --roadmap and --config the scans had (a
difference is an error). One report that is not a shard's is rendered again
in the format asked, as it is.

Examples:
  portfolio-audit merge shard-*.json --format html -o cohort.html
  portfolio-audit merge shard-1.json shard-2.json shard-3.json --format json -o cohort.json
  portfolio-audit merge report.json --format markdown      a saved report, as Markdown

Exit codes: 0 ok, 1 checklist score below --fail-under, 2 a report that cannot
be read, a shard missing or given twice, shards of different runs, 3 some
repositories in the report could not be audited.";

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Every shard's report of one run, or one report to render again.
    #[arg(value_name = "REPORT.json", required = true, num_args = 1..)]
    pub reports: Vec<PathBuf>,
    #[command(flatten)]
    pub print: ReportArgs,
    #[command(flatten)]
    pub rules: RulesArg,
    /// The roadmap the scans measured against: a built-in roadmap's name or
    /// a roadmap file (default: the one the reports name).
    #[arg(long, value_name = "NAME|FILE")]
    pub roadmap: Option<String>,
    /// The auditor's project file the scans were given (--config), if any.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(args: &MergeArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let mut reports = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        reports.push(Named {
            name: path.display().to_string(),
            report: load_report(path)?,
        });
    }
    let roadmap = args
        .roadmap
        .clone()
        .or_else(|| reports.first().and_then(|r| r.report.roadmap.clone()))
        .unwrap_or_else(|| DEFAULT_ROADMAP.to_string());
    let report = match reports.as_slice() {
        // One whole report: nothing to measure again.
        [one] if one.report.shard.is_none() => reports.remove(0).report,
        _ => {
            let options = Options {
                config: args.config.clone(),
                ..Options::default()
            };
            let portfolio = Portfolio::load(args.rules.rules.as_deref(), &roadmap, options)?;
            portfolio.merge(reports)?
        }
    };
    let failed: Vec<_> = report.repos.iter().filter(|r| r.error.is_some()).collect();
    for r in &failed {
        writeln!(
            err,
            "error: {}: {}",
            r.name,
            r.error.as_deref().unwrap_or("")
        )?;
    }
    let code = if failed.is_empty() {
        exit_codes::OK
    } else {
        exit_codes::SOME_FAILED
    };
    let against = Against {
        roadmap: &roadmap,
        rules: args.rules.rules.as_deref(),
    };
    args.print.print(&report, &against, code, out, err)
}
