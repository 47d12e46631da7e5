//! `portfolio-audit scan`: audit repositories and print the report.

use super::audit_args::{audit_inputs, AuditArgs, InputArgs};
use super::output::OutputArgs;
use crate::exit_codes;
use crate::model::Report;
use crate::portfolio::plan::{plan, PlanOptions};
use crate::portfolio::Shard;
use crate::report::{csv, html, json, markdown, summary, text};
use std::io::Write;

pub const AFTER_HELP: &str = "\
A PATH is a repository (its working tree, .gitignore honoured), a bare git
repository, or a folder of repositories (each child with a .git or Python code).
It may also be a URL (https://, http://, ssh://, git://, file://, or
git@host:owner/repo): the repository is cloned (bare, no checkout) into the
cache folder, fetched again on the next run, and read at --rev or at the
remote's default branch. Credentials are never asked for: a private
repository needs a token in the URL or, over ssh, a key in the ssh-agent.

An input may also be an account: github:NAME or https://github.com/NAME (a user or
an organisation), gitlab:NAME, gitlab:GROUP/SUBGROUP or https://gitlab.com/NAME
(a user or a group, subgroups included). Its repositories are listed through
the platform's API (every page), cloned like URLs and audited in name order:
public source repositories only, forks with --include-forks, the token owner's
private ones with --include-private, names left out with --exclude GLOB, the
N most recently pushed with --limit N; archived ones are marked. Tokens:
GITHUB_TOKEN or GH_TOKEN, GITLAB_TOKEN (never printed or written anywhere).
APIs: GITHUB_API_URL, GITLAB_API_URL or CI_API_V4_URL (self-hosted; default
api.github.com and gitlab.com). An unknown account is exit 2; a rate limit,
an unreachable API or a listing that stopped early is exit 3, and the report
names the account and says after which page it stopped.

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
  Mary Jackson     github:mjackson

A cohort too large for one machine: run `scan ... --shard K/N --format json`
for K = 1..N (anywhere, in any order; a repository's shard depends only on
its source and label), then `portfolio-audit merge` on the N reports: the
report of one run over all the inputs, in any format.

Examples:
  portfolio-audit scan github:ada
  portfolio-audit scan gitlab:class/2026 --exclude 'old-*' --format html -o class.html
  portfolio-audit scan fixtures/portfolio
  portfolio-audit scan . --format json -o report.json
  portfolio-audit scan students/* --jobs 2
  portfolio-audit scan students/* --format html -o cohort.html
  portfolio-audit scan repo.git --rev main~3
  portfolio-audit scan https://github.com/ada/portfolio
  portfolio-audit scan --repos-file class.txt --format json -o cohort.json
  portfolio-audit scan --repos-file class.txt --shard 2/8 --format json -o shard-2.json
  portfolio-audit scan student-repo --author student@example.com
  portfolio-audit scan . --format markdown --fail-under 60 >> \"$GITHUB_STEP_SUMMARY\"

Exit codes: 0 ok, 1 checklist score below --fail-under, 2 usage or input
error (an unknown account too), 3 some repositories could not be audited, or
an account could not be listed to its end (the others are reported).";

/// Formats of a scan report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable report for the terminal.
    Text,
    /// The versioned JSON document (schema_version 1).
    Json,
    /// For a pull-request comment or $GITHUB_STEP_SUMMARY (under GitHub's 65,536-character limit).
    Markdown,
    /// The repositories × competencies matrix of levels, for spreadsheets.
    Csv,
    /// One self-contained page (no scripts, no network): charts, checklist,
    /// evidence, findings, and repositories × items for several repositories.
    Html,
    /// SARIF 2.1.0 of the findings, for code scanning (gaps are not alerts).
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Audit only the K-th of N slices of the repositories the inputs stand
    /// for (each repository's slice depends only on its source and label);
    /// `merge` combines the N reports (--format json) into one run's.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
    #[command(flatten)]
    pub print: ReportArgs,
    #[command(flatten)]
    pub audit: AuditArgs,
}

/// How a report is printed: `scan` and `merge`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with code 1 when the checklist score is below this (0-100).
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub fail_under: Option<u32>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The whole text report: every gap with its next step, every met and
    /// self-report item, each repository's competencies and notes (the
    /// default shows what to do next on about two screens).
    #[arg(long, visible_alias = "verbose")]
    pub all: bool,
}

pub fn run(args: &ScanArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let quiet = args.print.output.quiet;
    let Some((audit, code)) = audit_inputs(&args.inputs, &args.audit, args.shard, quiet, err)?
    else {
        return Ok(exit_codes::USAGE);
    };
    let against = Against {
        roadmap: &args.audit.roadmap,
        rules: args.audit.rules.rules.as_deref(),
    };
    args.print.print(&audit.report, &against, code, out, err)
}

/// What a report was measured against, for the formats that say more than
/// the report holds: HTML's "Your next project" (the roadmap) and SARIF's
/// rule descriptions (the rule files).
pub struct Against<'a> {
    pub roadmap: &'a str,
    pub rules: Option<&'a std::path::Path>,
}

impl ReportArgs {
    /// Prints the report as asked and returns the exit code: `code` (what
    /// the audit's problems made), or 1 when the score is below
    /// `--fail-under` and nothing worse happened.
    pub fn print(
        &self,
        report: &Report,
        against: &Against,
        mut code: u8,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> anyhow::Result<u8> {
        let mut buffer: Vec<u8> = Vec::new();
        match self.format {
            Format::Text => {
                let palette = self.output.palette();
                if self.all {
                    text::render_with(report, &mut buffer, &palette)?
                } else {
                    summary::render(report, &mut buffer, &palette, self.output.width())?
                }
            }
            Format::Json => json::render(report, &mut buffer)?,
            Format::Markdown => markdown::render(report, &mut buffer)?,
            Format::Csv => csv::render(report, &mut buffer)?,
            Format::Html => {
                // "Your next project" at the top; a report without a plan still renders.
                let plan = plan(report, against.roadmap, &PlanOptions::default()).ok();
                html::render_with_plan(report, plan.as_ref(), &mut buffer)?
            }
            Format::Sarif => {
                let rules = super::sarif::rules(against.rules)?;
                crate::report::sarif::render(report, &rules, &mut buffer)?
            }
        }
        // Below the threshold is the mildest failure: a usage error (2) or a
        // repository that could not be audited (3) says more, and wins.
        if let Some(min) = self.fail_under {
            let score = report.portfolio.checklist.score;
            if score < min {
                writeln!(err, "checklist score {score} is below --fail-under {min}")?;
                if code == exit_codes::OK {
                    code = exit_codes::BELOW_THRESHOLD;
                }
            }
        }
        self.output.write(&buffer, out)?;
        Ok(code)
    }
}
