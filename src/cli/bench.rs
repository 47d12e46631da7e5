//! `portfolio-audit bench-parse` (hidden): the baseline for scripts/bench.sh.
//!
//! It lists, reads and parses the same Python files a scan would, and does
//! nothing else: the scan's cost is reported as a ratio to it.

use crate::audit::bench::parse_only;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
}

pub fn run(args: &BenchArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let (files, nodes) = parse_only(&args.paths, args.jobs)?;
    writeln!(out, "parsed {files} files, {nodes} nodes")?;
    Ok(crate::exit_codes::OK)
}
