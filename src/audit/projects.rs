//! The projects of a monorepo ("keep everything in one monorepo, subfolders
//! per project"): subfolders with their own manifest or README and Python
//! code, each measured on its own files beside the repository's totals.

use crate::analyze::facts::CodeMetrics;
use crate::model::{Finding, Project};
use crate::rules::levels::Tally;
use crate::rules::matching::FileHits;
use crate::rules::metrics::{repo_metrics, MetricInputs};
use crate::rules::RuleSet;
use crate::source::PROJECT_MARKERS;
use std::collections::{BTreeMap, BTreeSet};

/// Folders that hold a repository's tests or documentation, never a project
/// of their own even with a README.
const NOT_PROJECTS: &[&str] = &["tests", "test", "docs", "doc"];

/// A project's folder and what marks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectDir {
    pub path: String,
    pub markers: Vec<String>,
}

/// The projects among a repository's files (paths from its top, `/`-separated):
/// the outermost folders below the top that hold a manifest or README and
/// Python code somewhere under them. Fewer than two is no monorepo: a
/// repository whose code sits in one subfolder is one project, the
/// repository itself.
pub fn find<'a>(paths: impl Iterator<Item = &'a str> + Clone) -> Vec<ProjectDir> {
    let mut markers: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for path in paths.clone() {
        let Some((dir, name)) = path.rsplit_once('/') else {
            continue;
        };
        let upper = name.to_ascii_uppercase();
        let marks =
            PROJECT_MARKERS.contains(&name) || upper == "README" || upper.starts_with("README.");
        let hidden_or_aside = dir.split('/').any(|part| {
            part.starts_with('.') || NOT_PROJECTS.contains(&part.to_ascii_lowercase().as_str())
        });
        if marks && !hidden_or_aside {
            markers.entry(dir).or_default().push(name.to_string());
        }
    }
    let code: BTreeSet<&str> = paths
        .filter(|p| p.ends_with(".py") || p.ends_with(".ipynb"))
        .collect();
    let mut found: Vec<ProjectDir> = Vec::new();
    // BTreeMap order puts a folder before the folders inside it.
    for (dir, mut names) in markers {
        if found.iter().any(|p| is_under(dir, &p.path)) {
            continue;
        }
        let prefix = format!("{dir}/");
        let has_code = code
            .range(prefix.as_str()..)
            .next()
            .is_some_and(|p| p.starts_with(&prefix));
        if has_code {
            names.sort();
            found.push(ProjectDir {
                path: dir.to_string(),
                markers: names,
            });
        }
    }
    if found.len() < 2 {
        found.clear();
    }
    found
}

fn is_under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// One project's tally while the repository's files are added.
pub struct ProjectTally {
    dir: ProjectDir,
    tally: Tally,
    code: CodeMetrics,
    python_files: u64,
    lines: u64,
    findings: Vec<Finding>,
}

/// The projects' tallies, each file going to the project it lies under.
pub struct Projects {
    tallies: Vec<ProjectTally>,
}

impl Projects {
    pub fn new(dirs: Vec<ProjectDir>, rules: &RuleSet) -> Projects {
        Projects {
            tallies: dirs
                .into_iter()
                .map(|dir| ProjectTally {
                    dir,
                    tally: Tally::new(rules),
                    code: CodeMetrics::default(),
                    python_files: 0,
                    lines: 0,
                    findings: Vec::new(),
                })
                .collect(),
        }
    }

    /// The project `path` lies under, if any.
    pub fn of(&mut self, path: &str) -> Option<&mut ProjectTally> {
        self.tallies
            .iter_mut()
            .find(|t| is_under(path, &t.dir.path))
    }

    /// Each project's levels (capped by its own findings) and counts; the
    /// history metrics are the repository's, which the projects share.
    pub fn finish(self, rules: &RuleSet, history: Option<&crate::model::History>) -> Vec<Project> {
        self.tallies
            .into_iter()
            .map(|mut t| {
                let metrics = repo_metrics(&MetricInputs {
                    code: &t.code,
                    python_files: t.python_files,
                    lines: t.lines,
                    history,
                });
                t.tally.add_metrics(rules, &metrics);
                let mut competencies = t.tally.levels(rules, &metrics);
                rules.cap_levels(&mut competencies, &t.findings);
                Project {
                    path: t.dir.path,
                    markers: t.dir.markers,
                    python_files: t.python_files,
                    lines: t.lines,
                    competencies,
                    findings: t.findings.len() as u64,
                    checklist: None,
                }
            })
            .collect()
    }
}

impl ProjectTally {
    /// Adds one file, as the repository's tally gets it.
    pub fn add_file(
        &mut self,
        path: &str,
        hits: &FileHits,
        locate: Option<&dyn Fn(u32) -> (u32, u32)>,
    ) {
        self.tally.add_file(path, hits, locate);
    }

    /// Counts a Python file or notebook and its lines.
    pub fn count(&mut self, lines: u64) {
        self.python_files += 1;
        self.lines += lines;
    }

    /// Adds the code metrics of a file that counts as the learner's.
    pub fn add_metrics(&mut self, metrics: &CodeMetrics) {
        self.code.add(metrics);
    }

    pub fn add_finding(&mut self, finding: &Finding) {
        self.findings.push(finding.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&'static str]) -> Vec<String> {
        find(list.iter().copied())
            .into_iter()
            .map(|p| format!("{} [{}]", p.path, p.markers.join(", ")))
            .collect()
    }

    #[test]
    fn subfolders_with_a_manifest_or_readme_and_code_are_projects() {
        assert_eq!(
            paths(&[
                "README.md",
                ".github/workflows/ci.yml",
                "todo-cli/pyproject.toml",
                "todo-cli/src/todo/__init__.py",
                "todo-cli/tests/test_todo.py",
                "todo-cli/tests/README.md",
                "apps/shop-api/requirements.txt",
                "apps/shop-api/main.py",
                "analysis/README.md",
                "analysis/eda.ipynb",
                "docs/README.md",
                "docs/conf.py",
                "notes/README.md",
            ]),
            vec![
                "analysis [README.md]",
                "apps/shop-api [requirements.txt]",
                "todo-cli [pyproject.toml]",
            ]
        );
    }

    #[test]
    fn one_project_folder_is_no_monorepo() {
        assert!(paths(&["README.md", "shop/requirements.txt", "shop/app.py"]).is_empty());
        assert!(paths(&["app.py", "setup.py"]).is_empty());
    }
}
