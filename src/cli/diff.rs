//! `portfolio-audit diff`: what changed between two revisions of a git
//! repository (each audited from the object database), or between two JSON
//! reports.

use super::audit_args::{report_problems, AuditArgs};
use super::output::OutputArgs;
use super::progress::Bars;
use crate::exit_codes;
use crate::model::diff::SideKind;
use crate::model::Report;
use crate::portfolio::diff::{compare, load_report, Labelled};
use crate::portfolio::{Portfolio, RevisionError};
use crate::report::{diff, json};
use anyhow::bail;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const AFTER_HELP: &str = "\
Compares two revisions of one git repository, read from git without a
checkout (PATH defaults to ., --head to HEAD), or two reports written by
`scan --format json`. A --base or --head ending in .json is a report; anything
else is a git revision.

Examples:
  portfolio-audit diff --base origin/main          HEAD against origin/main, in .
  portfolio-audit diff my-repo --base v1.0 --head v2.0
  portfolio-audit diff old.json new.json           two saved reports
  portfolio-audit diff --base baseline.json        a saved report against HEAD
  portfolio-audit diff --base \"$BASE_SHA\" --head \"$HEAD_SHA\" --format markdown -o diff.md
  portfolio-audit diff --base origin/main --fail-on-regression

Exit codes: 0 ok, 1 --fail-on-regression and something was lost, 2 usage or
input error (a bad revision, a report that cannot be read, not a git repository).";

/// Formats of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// A readable summary for the terminal.
    Text,
    /// For a pull-request comment (escaped, under GitHub's 65,536-character limit).
    Markdown,
    /// The diff document (its own schema_version).
    Json,
    /// SARIF 2.1.0 of the findings the change introduced, for code scanning.
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The git repository (default: .); or two JSON reports, OLD then NEW.
    #[arg(value_name = "PATH", num_args = 0..=2)]
    pub inputs: Vec<PathBuf>,
    /// Before the change: a git revision, or a report (FILE.json).
    #[arg(long, value_name = "REV|FILE")]
    pub base: Option<String>,
    /// After the change: a git revision, or a report (FILE.json) [default: HEAD].
    #[arg(long, value_name = "REV|FILE")]
    pub head: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit with code 1 when the head lost something: a competency lost or
    /// lowered, a checklist item worse, or a new finding.
    #[arg(long)]
    pub fail_on_regression: bool,
    #[command(flatten)]
    pub audit: AuditArgs,
}

/// One side of the diff as given.
enum Given<'a> {
    Revision(&'a str),
    Report(&'a Path),
}

impl<'a> Given<'a> {
    fn parse(s: &'a str) -> Given<'a> {
        if s.to_ascii_lowercase().ends_with(".json") {
            Given::Report(Path::new(s))
        } else {
            Given::Revision(s)
        }
    }

    fn kind(&self) -> SideKind {
        match self {
            Given::Revision(_) => SideKind::Revision,
            Given::Report(_) => SideKind::Report,
        }
    }
}

pub fn run(args: &DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let (base, head, path) = match (args.inputs.as_slice(), args.base.as_deref()) {
        ([old, new], None) if args.head.is_none() => (
            Given::Report(old.as_path()),
            Given::Report(new.as_path()),
            None,
        ),
        ([_, _], _) => {
            bail!("give two reports (`diff OLD.json NEW.json`) or --base/--head, not both")
        }
        (_, None) => bail!(
            "--base is required: `diff --base REV` compares HEAD with REV; \
             `diff OLD.json NEW.json` compares two reports"
        ),
        (rest, Some(b)) => (
            Given::parse(b),
            Given::parse(args.head.as_deref().unwrap_or("HEAD")),
            rest.first().map(PathBuf::as_path),
        ),
    };
    let revisions = matches!(base, Given::Revision(_)) || matches!(head, Given::Revision(_));
    if path.is_some() && !revisions {
        bail!("a PATH is for revisions; two reports need no repository");
    }
    let repo = path.unwrap_or(Path::new("."));
    // Rules and roadmap are loaded once, and only when a revision is audited.
    let mut portfolio: Option<Portfolio> = None;
    let mut side_report = |side: &Given| -> anyhow::Result<Option<Report>> {
        match side {
            Given::Report(file) => Ok(Some(load_report(file)?)),
            Given::Revision(rev) => {
                let p = match portfolio.take() {
                    Some(p) => p,
                    None => args.audit.portfolio(None)?,
                };
                let report = audit_at(&p, repo, rev, args.output.quiet, err);
                portfolio = Some(p);
                report
            }
        }
    };
    let Some(old) = side_report(&base)? else {
        return Ok(exit_codes::USAGE);
    };
    let Some(new) = side_report(&head)? else {
        return Ok(exit_codes::USAGE);
    };
    let label = |g: &Given| match g {
        Given::Revision(r) => r.to_string(),
        Given::Report(p) => p.display().to_string(),
    };
    let (base_label, head_label) = (label(&base), label(&head));
    let d = compare(
        Labelled {
            report: &old,
            kind: base.kind(),
            given: &base_label,
        },
        Labelled {
            report: &new,
            kind: head.kind(),
            given: &head_label,
        },
    )?;
    let mut buffer: Vec<u8> = Vec::new();
    match args.format {
        DiffFormat::Text => diff::text::render(&d, &mut buffer)?,
        DiffFormat::Markdown => diff::markdown::render(&d, &mut buffer)?,
        DiffFormat::Json => json::render(&d, &mut buffer)?,
        DiffFormat::Sarif => {
            let rules = super::sarif::rules(args.audit.rules.rules.as_deref())?;
            let introduced = super::sarif::only_new(&new, &d.findings.new);
            crate::report::sarif::render(&introduced, &rules, &mut buffer)?
        }
    }
    args.output.write(&buffer, out)?;
    if args.fail_on_regression && d.regression {
        writeln!(err, "regression (--fail-on-regression): {}", d.summary)?;
        return Ok(exit_codes::REGRESSION);
    }
    Ok(exit_codes::OK)
}

/// The report of the one git repository at `path`, at `rev`; None when it
/// could not be audited (the reason, naming the revision, is on `err`).
fn audit_at(
    portfolio: &Portfolio,
    path: &Path,
    rev: &str,
    quiet: bool,
    err: &mut dyn Write,
) -> anyhow::Result<Option<Report>> {
    let audit = match portfolio.audit_revision(path, rev, &Bars::new(quiet)) {
        Ok(a) => a,
        Err(RevisionError::NotGit { path }) => bail!(
            "{}: not a git repository: diff reads revisions from git \
             (or give two reports written by `scan --format json`)",
            path.display()
        ),
        Err(RevisionError::Several { path, count }) => bail!(
            "{}: holds {count} repositories; diff compares revisions of one",
            path.display()
        ),
        Err(e) => return Err(e.into()),
    };
    report_problems(&audit, quiet, err)?;
    Ok((audit.failed() == 0).then_some(audit.report))
}
