//! Errors in the data files users and the project write (rules, roadmaps,
//! the learner's `portfolio-audit.toml`): each names the file, the line,
//! and the reason, and a set of them is reported at once.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

impl DataError {
    pub fn invalid(path: &std::path::Path, line: usize, message: impl Into<String>) -> Self {
        DataError::Invalid {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

/// Every problem found while loading a set of data files, so their author sees them all at once.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct DataErrors(pub Vec<DataError>);

/// The lines of a text, to find many offsets' lines without counting the
/// newlines before each again (what [`line_at`] does).
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offsets of the text's newlines, in order.
    newlines: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The 1-based line of a byte offset, as [`line_at`] gives it.
    pub fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }
}

/// The 1-based line of a byte offset in `text`.
pub fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Where `field = ...` starts in the table that begins `table` (up to the
/// next table header).
pub fn field_offset(table: &str, field: &str) -> Option<usize> {
    let mut offset = 0;
    for (i, line) in table.split_inclusive('\n').enumerate() {
        let t = line.trim_start();
        if i > 0 && t.starts_with('[') {
            return None;
        }
        if t.starts_with(field) && t[field.len()..].trim_start().starts_with('=') {
            return Some(offset + (line.len() - t.len()));
        }
        offset += line.len();
    }
    None
}
