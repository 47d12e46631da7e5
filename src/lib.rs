//! portfolio-audit: reads a learner's Python repositories, finds evidence of
//! the competencies Python roadmaps ask for, and reports each level with the
//! file and line that show it.
//!
//! The pipeline runs one way, one module per stage:
//! `source` (files of a repository) → `analyze` (facts per file) → `rules`
//! (levels per competency, with evidence) → `report` (text, JSON). `audit`
//! runs the stages for one repository, `timeline` for each commit of its
//! history; `cli` is the command line.

pub mod analyze;
pub mod audit;
pub mod cli;
pub mod exit_codes;
pub mod model;
pub mod portfolio;
pub mod report;
pub mod roadmap;
pub mod rules;
pub mod source;
pub mod timeline;

use std::ffi::OsString;
use std::io::Write;

/// Runs the command line with these arguments; returns the exit code.
/// `main` is a thin shell over this, so tests drive the CLI in-process.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    cli::run(args, out, err)
}
