//! `portfolio-audit plan`: audit like `scan`, then say what to build next:
//! the next projects with their briefs, the seeds' milestones met or
//! missing, and a week-by-week path through what remains.

use super::audit_args::{audit_inputs, AuditArgs, InputArgs};
use super::output::OutputArgs;
use crate::exit_codes;
use crate::portfolio::plan::{plan, PlanError, PlanOptions};
use crate::report::{plan as plan_json, plan_markdown, plan_text};
use std::io::Write;

pub const AFTER_HELP: &str = "\
The inputs are scan's (paths, URLs, accounts, --repos-file). The plan follows
the roadmap (--roadmap, default professional): the next one to three
projects, ranked by the gaps they close in the current phase (the first with
a gap) and the track, each with the gaps it closes, a brief with acceptance
checks the audit will recognise once done, and the seed it comes from; the
seeds' milestones (seed 001's M0-MP, seed 002's after each phase), met,
partial or missing with evidence; and a path through the open items, week
by week, in phase order, at the seeds' durations where they give them
(--hours-per-week scales the weeks, never the order). A roadmap without
project ideas or milestones of its own (professional, developer) uses those
of the seed roadmaps. Self-report items are listed, never scheduled.

Examples:
  portfolio-audit plan ~/code
  portfolio-audit plan github:ada --track web --hours-per-week 8
  portfolio-audit plan . --roadmap phased-professional --format markdown -o plan.md
  portfolio-audit plan . --format json

Exit codes: 0 ok, 2 usage or input error, 3 some repositories could not be
audited (the plan is drawn from the others).";

/// Formats of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable plan for the terminal.
    Text,
    /// For an issue or a pull-request comment.
    Markdown,
    /// The plan's versioned JSON document (its own schema_version 1).
    Json,
}

/// `--track`: the specialisations of the roadmaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Track {
    Web,
    Data,
    Ai,
    Automation,
    Devops,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Plan within one specialisation: the phases every learner takes, and
    /// this track's (default: every track).
    #[arg(long, value_enum, value_name = "TRACK")]
    pub track: Option<Track>,
    /// Your pace: the path's weeks at this many hours a week (default: the
    /// hours each seed gives, else 15). It changes the weeks, not the order.
    #[arg(long, value_name = "H", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub hours_per_week: Option<u32>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub audit: AuditArgs,
}

pub fn run(args: &PlanArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let Some((audit, code)) =
        audit_inputs(&args.inputs, &args.audit, None, args.output.quiet, err)?
    else {
        return Ok(exit_codes::USAGE);
    };
    let options = PlanOptions {
        track: args.track.map(|t| {
            clap::ValueEnum::to_possible_value(&t)
                .map(|v| v.get_name().to_string())
                .unwrap_or_default()
        }),
        hours_per_week: args.hours_per_week,
    };
    let plan = match plan(&audit.report, &args.audit.roadmap, &options) {
        Ok(p) => p,
        Err(e @ PlanError::NothingAudited) => {
            writeln!(err, "error: {e}")?;
            // Nothing audited is a repository failure, unless a usage error says more.
            return Ok(if code == exit_codes::OK {
                exit_codes::SOME_FAILED
            } else {
                code
            });
        }
        Err(e) => return Err(e.into()),
    };
    let mut buffer: Vec<u8> = Vec::new();
    match args.format {
        Format::Text => {
            let palette = args.output.palette();
            plan_text::render(&plan, &mut buffer, &palette, args.output.width())?
        }
        Format::Markdown => plan_markdown::render(&plan, &mut buffer)?,
        Format::Json => plan_json::render_json(&plan, &mut buffer)?,
    }
    args.output.write(&buffer, out)?;
    Ok(code)
}
