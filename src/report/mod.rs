//! Reports: one model ([`model::Report`]), one renderer per format.
//!
//! Renderers never compute; everything they print is in the model.

pub mod csv;
pub mod json;
pub mod markdown;
pub mod model;
pub mod text;
pub mod timeline;

use clap::ValueEnum;

/// Formats of a scan report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable report for the terminal.
    Text,
    /// The versioned JSON document (schema_version 1).
    Json,
    /// For a pull-request comment or $GITHUB_STEP_SUMMARY (under GitHub's 65,536-character limit).
    Markdown,
    /// The repositories × competencies matrix of levels, for spreadsheets.
    Csv,
}

/// Formats of a listing (`rules list`, `roadmaps show`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for the terminal.
    Text,
    /// JSON for tools.
    Json,
}

/// Where something is, as every format writes it: `repo/path:line`,
/// `repo/notebook.ipynb cell 3:2` in a notebook, or the whole repository
/// (path `.`, line 0) for what the history or a metric shows.
pub fn location(repo: &str, path: &str, cell: Option<u32>, line: u32) -> String {
    match (path, cell) {
        (".", _) => format!("{repo} (whole repository)"),
        (_, Some(c)) => format!("{repo}/{path} cell {c}:{line}"),
        (_, None) => format!("{repo}/{path}:{line}"),
    }
}

/// What `--author` kept, as every format words it: the authors' lines and
/// commits, with their totals.
pub fn authorship_line(a: &model::Authorship) -> String {
    format!(
        "only the work of {} counts: {} of {} lines of Python ({:.0}%), {} of {} commits",
        a.authors.join(", "),
        a.lines,
        a.total,
        a.share * 100.0,
        a.commits,
        a.total_commits
    )
}
