//! The flags of every subcommand that prints: `-o/--output`, `--color` and
//! `-q/--quiet`, with one meaning everywhere.

use crate::report::text::Palette;
use anyhow::Context;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Columns a report is laid out in when it goes to a pipe or a file.
pub const FIXED_WIDTH: usize = 100;

/// Where the output goes and how it looks.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Write the output to this file instead of standard output.
    #[arg(short, long, value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,
    /// Colour text for a person: auto (when standard output is a terminal
    /// and NO_COLOR is unset), always or never. Other formats have none.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = clap::ColorChoice::Auto, global = true)]
    pub color: clap::ColorChoice,
    /// No progress bars and no warnings on stderr (errors are still printed).
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

impl OutputArgs {
    /// Whether to write colour: `auto` follows anstream (NO_COLOR wins, then
    /// CLICOLOR_FORCE, then a colour terminal), and never for a file.
    pub fn colored(&self) -> bool {
        match self.color {
            clap::ColorChoice::Always => true,
            clap::ColorChoice::Never => false,
            clap::ColorChoice::Auto => {
                self.output.is_none()
                    && anstream::AutoStream::choice(&std::io::stdout())
                        != anstream::ColorChoice::Never
            }
        }
    }

    /// The text renderers' palette: colours when [`Self::colored`], none otherwise.
    pub fn palette(&self) -> Palette {
        if self.colored() {
            Palette::ANSI
        } else {
            Palette::PLAIN
        }
    }

    /// The columns to lay text out in: the terminal's when standard output
    /// is one, else a fixed width.
    pub fn width(&self) -> usize {
        if self.output.is_some() || !std::io::stdout().is_terminal() {
            return FIXED_WIDTH;
        }
        terminal_size::terminal_size()
            .map(|(w, _)| usize::from(w.0))
            .filter(|w| *w >= 40)
            .unwrap_or(FIXED_WIDTH)
    }

    /// Writes a rendered document to `-o FILE`, or to standard output.
    pub fn write(&self, buffer: &[u8], out: &mut dyn Write) -> anyhow::Result<()> {
        match &self.output {
            Some(path) => {
                std::fs::write(path, buffer).with_context(|| format!("writing {}", path.display()))
            }
            None => Ok(out.write_all(buffer)?),
        }
    }
}
