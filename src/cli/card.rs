//! `portfolio-audit card`: audit like `scan`, write a shareable card (SVG)
//! or a profile README's snippet (Markdown) with it.

use super::audit_args::{audit_inputs, AuditArgs, InputArgs};
use super::output::OutputArgs;
use crate::exit_codes;
use crate::report::card;
use std::io::Write;

pub const AFTER_HELP: &str = "\
The card is one self-contained SVG (no script, no font or image fetched):
the checklist score and, for each competency area, how many competencies
the code shows and the highest level reached. Only measured levels are
drawn: claims and self-reports never are. With --format markdown it writes
a profile README's snippet instead: the card (at --image) and, per area,
the strongest evidence, linked to its line when the repository's web
location is known.

Examples:
  portfolio-audit card ~/code -o card.svg
  portfolio-audit card github:ada --title \"Ada Lovelace\" -o card.svg
  portfolio-audit card ~/code --format markdown --image card.svg >> README.md

Exit codes: 0 ok, 2 usage or input error, 3 some repositories could not be
audited (the card is still written).";

/// What `card` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CardFormat {
    /// The card itself, an SVG image.
    Svg,
    /// A profile README's snippet: the card and the strongest evidence per area.
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct CardArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub audit: AuditArgs,
    #[arg(long, value_enum, default_value_t = CardFormat::Svg)]
    pub format: CardFormat,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The card's heading: a name, an account.
    #[arg(long, value_name = "TEXT", default_value = "Portfolio audit")]
    pub title: String,
    /// With --format markdown: where the README finds the card's SVG.
    #[arg(long, value_name = "PATH|URL", default_value = "portfolio-card.svg")]
    pub image: String,
}

pub fn run(args: &CardArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let Some((audit, code)) =
        audit_inputs(&args.inputs, &args.audit, None, args.output.quiet, err)?
    else {
        return Ok(exit_codes::USAGE);
    };
    let mut buffer = Vec::new();
    match args.format {
        CardFormat::Svg => card::render_svg(&audit.report, &args.title, &mut buffer)?,
        CardFormat::Markdown => card::render_markdown(&audit.report, &args.image, &mut buffer)?,
    }
    args.output.write(&buffer, out)?;
    Ok(code)
}
