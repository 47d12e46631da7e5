//! `portfolio-audit bench-parse` (hidden): the baseline for scripts/bench.sh.
//!
//! It lists, reads and parses the same Python files a scan would, on the same
//! thread pool, and does nothing else: the scan's cost is reported as a ratio to it.

use crate::analyze::{self, python, FileKind};
use crate::source::{discover, ListOptions};
use rayon::prelude::*;
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
    let pool = super::thread_pool(args.jobs)?;
    let mut files = 0usize;
    let mut nodes = 0usize;
    for path in &args.paths {
        for input in discover(path, None)? {
            let listing = input.repo.list(&ListOptions::default())?;
            let (f, n) = pool.install(|| {
                listing
                    .files
                    .par_iter()
                    .filter(|e| !e.oversize && analyze::classify(&e.path) == FileKind::Python)
                    .map_init(
                        || {
                            let mut p = tree_sitter::Parser::new();
                            p.set_language(&python::language()).ok();
                            (p, input.repo.reader())
                        },
                        |(parser, reader), entry| {
                            let Ok(reader) = reader else { return (0, 0) };
                            let Ok(bytes) = reader.read(entry) else {
                                return (0, 0);
                            };
                            let text = String::from_utf8_lossy(&bytes);
                            let n = parser
                                .parse(text.as_ref(), None)
                                .map(|t| t.root_node().descendant_count())
                                .unwrap_or(0);
                            (1, n)
                        },
                    )
                    .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
            });
            files += f;
            nodes += n;
        }
    }
    writeln!(out, "parsed {files} files, {nodes} nodes")?;
    Ok(crate::exit_codes::OK)
}
