//! The parse floor: list, read and parse the same Python files a scan
//! would, on the same kind of thread pool, and do nothing else. The
//! benchmark reports the scan's cost as a ratio to it (`bench-parse`).

use crate::analyze::{self, python, FileKind};
use crate::source::{discover, ListOptions, SourceError};
use rayon::prelude::*;
use std::path::PathBuf;

/// Why the files could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("starting worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
}

/// Parses every Python file under `paths` on `jobs` threads; returns
/// (files parsed, syntax nodes).
pub fn parse_only(paths: &[PathBuf], jobs: Option<usize>) -> Result<(usize, usize), BenchError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = jobs {
        builder = builder.num_threads(n.max(1));
    }
    let pool = builder.build()?;
    let mut files = 0usize;
    let mut nodes = 0usize;
    for path in paths {
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
    Ok((files, nodes))
}
