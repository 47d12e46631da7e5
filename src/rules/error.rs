//! Errors from loading rules: each names the rule file, the line, and the reason.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
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

impl RuleError {
    pub fn invalid(path: &std::path::Path, line: usize, message: impl Into<String>) -> Self {
        RuleError::Invalid {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

/// Every problem found while loading a set of rules, so a rule author sees them all at once.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct RuleErrors(pub Vec<RuleError>);

/// The 1-based line of a byte offset in `text`.
pub fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
