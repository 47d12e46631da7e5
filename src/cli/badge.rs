//! `portfolio-audit badge`: audit like `scan`, write an SVG badge of the score.

use super::audit_args::{audit_inputs, AuditArgs, InputArgs};
use super::output::OutputArgs;
use crate::exit_codes;
use crate::report::badge;
use std::io::Write;

pub const AFTER_HELP: &str = "\
The badge shows the checklist score as scan computes it, with the same
inputs (PATHs, URLs or accounts such as github:ada, --repos-file, --rev,
--roadmap, --rules, --config): red below 50, yellow below 75, green from 75.

Examples:
  portfolio-audit badge . --output badge.svg
  portfolio-audit badge github:ada --output badge.svg
  portfolio-audit badge my-repo --rev v1.0 --roadmap backend-and-ai > badge.svg

Exit codes: 0 ok, 2 usage or input error, 3 some repositories could not be
audited (the badge is still written).";

#[derive(Debug, clap::Args)]
pub struct BadgeArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub audit: AuditArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The badge's left-hand text.
    #[arg(long, value_name = "TEXT", default_value = "portfolio")]
    pub label: String,
}

pub fn run(args: &BadgeArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let Some((audit, code)) =
        audit_inputs(&args.inputs, &args.audit, None, args.output.quiet, err)?
    else {
        return Ok(exit_codes::USAGE);
    };
    let mut svg = Vec::new();
    badge::render(&audit.report, &args.label, &mut svg)?;
    args.output.write(&svg, out)?;
    Ok(code)
}
