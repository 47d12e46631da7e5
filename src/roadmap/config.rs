//! The learner's project file, `portfolio-audit.toml`: self-report items
//! recorded as done, competencies claimed that no repository shows, and
//! competencies ignored, each with a note. Claims are shown as claims and
//! never raise the measured score.

use crate::model::{line_at, DataError, DataErrors};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "portfolio-audit.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    /// Roadmap item id (or `roadmap/item`) → what the learner did.
    #[serde(default)]
    self_report: BTreeMap<String, String>,
    /// Competency id → where it was done (a private repository, a job).
    #[serde(default)]
    claims: BTreeMap<String, String>,
    /// Competency id → why it does not apply.
    #[serde(default)]
    ignore: BTreeMap<String, String>,
}

/// What the learner says, merged over every project file found.
#[derive(Debug, Default, Clone)]
pub struct Config {
    pub self_report: BTreeMap<String, String>,
    pub claims: BTreeMap<String, String>,
    pub ignore: BTreeMap<String, String>,
    pub sources: Vec<PathBuf>,
}

fn key_line(text: &str, key: &str) -> usize {
    text.find(&format!("\"{key}\""))
        .or_else(|| text.find(key))
        .map(|o| line_at(text, o))
        .unwrap_or(1)
}

impl Config {
    /// Reads one project file; competency ids must be known.
    pub fn load(path: &Path, competencies: &BTreeSet<&str>) -> Result<Config, DataErrors> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            DataErrors(vec![DataError::Read {
                path: path.to_path_buf(),
                source,
            }])
        })?;
        let file: ConfigFile = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| line_at(&text, s.start)).unwrap_or(1);
            DataErrors(vec![DataError::invalid(path, line, e.message().trim())])
        })?;
        let mut errors = Vec::new();
        for (table, map) in [("claims", &file.claims), ("ignore", &file.ignore)] {
            for (id, note) in map {
                if !competencies.contains(id.as_str()) {
                    errors.push(DataError::invalid(
                        path,
                        key_line(&text, id),
                        format!("[{table}]: unknown competency `{id}`"),
                    ));
                } else if note.trim().is_empty() {
                    errors.push(DataError::invalid(
                        path,
                        key_line(&text, id),
                        format!("[{table}] `{id}`: say why, in a few words"),
                    ));
                }
            }
        }
        for (item, note) in &file.self_report {
            if note.trim().is_empty() {
                errors.push(DataError::invalid(
                    path,
                    key_line(&text, item),
                    format!("[self_report] `{item}`: say what you did"),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(DataErrors(errors));
        }
        Ok(Config {
            self_report: file.self_report,
            claims: file.claims,
            ignore: file.ignore,
            sources: vec![path.to_path_buf()],
        })
    }

    /// Adds another file's entries; the first file to give a key keeps it.
    pub fn merge(&mut self, other: Config) {
        for (k, v) in other.self_report {
            self.self_report.entry(k).or_insert(v);
        }
        for (k, v) in other.claims {
            self.claims.entry(k).or_insert(v);
        }
        for (k, v) in other.ignore {
            self.ignore.entry(k).or_insert(v);
        }
        self.sources.extend(other.sources);
    }

    /// The learner's note on a self-report item of a roadmap.
    pub fn self_reported(&self, roadmap: &str, item: &str) -> Option<&String> {
        self.self_report
            .get(&format!("{roadmap}/{item}"))
            .or_else(|| self.self_report.get(item))
    }
}
