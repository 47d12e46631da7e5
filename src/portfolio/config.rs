//! The learner's project files (`portfolio-audit.toml`) an audit reads: the
//! one given with `--config`, or the one at the top of each scanned working
//! tree, merged for the portfolio and kept apart per student for a cohort.

use crate::model::DataErrors;
use crate::roadmap::config::{Config, FILE_NAME};
use crate::source::{Repo, RepoInput};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each student's own project files (their working trees' portfolio-audit.toml).
pub fn per_student(ready: &[&RepoInput], ids: &BTreeSet<&str>) -> BTreeMap<String, Config> {
    let labels: BTreeSet<&str> = ready.iter().filter_map(|i| i.label.as_deref()).collect();
    let mut configs = BTreeMap::new();
    for label in labels {
        let own: Vec<&RepoInput> = ready
            .iter()
            .copied()
            .filter(|i| i.label.as_deref() == Some(label))
            .collect();
        // Every file was already read without error for the merged configuration.
        if let Ok(c) = load(None, &own, ids) {
            configs.insert(label.to_string(), c);
        }
    }
    configs
}

/// The project file given with --config, or every portfolio-audit.toml at the
/// top of a scanned working tree, merged.
pub fn load(
    given: Option<&Path>,
    inputs: &[&RepoInput],
    ids: &BTreeSet<&str>,
) -> Result<Config, DataErrors> {
    if let Some(path) = given {
        return Config::load(path, ids);
    }
    let mut config = Config::default();
    for input in inputs {
        if let Repo::Workdir { root } = &input.repo {
            let path = root.join(FILE_NAME);
            if path.is_file() {
                config.merge(Config::load(&path, ids)?);
            }
        }
    }
    Ok(config)
}
