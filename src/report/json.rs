//! The JSON documents (a report, a diff): the model as it is, pretty-printed,
//! with a final newline; and a report read back from its file.

use super::model::{Report, SCHEMA_VERSION};
use serde::Serialize;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub fn render(document: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, document).map_err(io::Error::other)?;
    writeln!(out)
}

/// Why a file is not a report this version can read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "{path}: not a portfolio-audit JSON report (`scan --format json` writes one): {source}"
    )]
    Invalid {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: report schema_version {found}; this portfolio-audit reads {SCHEMA_VERSION}")]
    Version { path: PathBuf, found: u32 },
}

/// Reads a report written by `scan --format json`.
pub fn load(path: &Path) -> Result<Report, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let report: Report = serde_json::from_str(&text).map_err(|source| LoadError::Invalid {
        path: path.to_path_buf(),
        source,
    })?;
    if report.schema_version != SCHEMA_VERSION {
        return Err(LoadError::Version {
            path: path.to_path_buf(),
            found: report.schema_version,
        });
    }
    Ok(report)
}
