//! Repository metrics: the numbers behind ratios, and the names rules use for them.

use crate::analyze::facts::CodeMetrics;
use crate::model::History;
use std::collections::BTreeMap;

/// What a repository's metrics are computed from.
pub struct MetricInputs<'a> {
    pub code: &'a CodeMetrics,
    pub python_files: u64,
    pub lines: u64,
    pub history: Option<&'a History>,
}

/// A metric a rule may name: what it measures and how it is computed
/// (`None`: the repository has no value, e.g. history metrics without git).
pub struct Metric {
    pub name: &'static str,
    pub description: &'static str,
    value: fn(&MetricInputs) -> Option<f64>,
}

/// Each metric written once: its name, what it measures, and its value.
macro_rules! metrics {
    ($($name:literal => $description:literal, |$m:ident| $value:expr;)*) => {
        /// Every metric a rule may name, sorted by name.
        pub const METRICS: &[Metric] = &[$(Metric {
            name: $name,
            description: $description,
            value: |$m: &MetricInputs| $value,
        }),*];
    };
}

metrics! {
    "active_days" => "distinct days with commits",
        |m| m.history.map(|h| h.active_days as f64);
    "annotation_coverage" => "annotated parameters and returns over annotatable ones (0..1), self/cls excluded, tests excluded",
        |m| Some(ratio(
            m.code.params_annotated + m.code.returns_annotated,
            m.code.params_annotatable + m.code.returns_annotatable,
        ));
    "authors" => "distinct commit author emails",
        |m| m.history.map(|h| h.authors as f64);
    "branches" => "local and remote branches",
        |m| m.history.map(|h| h.branches as f64);
    "classes" => "classes defined outside tests",
        |m| Some(m.code.classes as f64);
    "commits" => "commits reachable from the scanned revision",
        |m| m.history.map(|h| h.commits as f64);
    "descriptive_commits_ratio" => "share of commits whose message says what changed (0..1)",
        |m| m.history.map(|h| ratio(h.descriptive_commits, h.commits));
    "docstring_coverage" => "public functions, classes and modules with a docstring, over all of them (0..1), tests excluded",
        |m| Some(ratio(m.code.docstrings, m.code.docstring_targets));
    "docstring_targets" => "public functions, classes and modules (with definitions) outside tests",
        |m| Some(m.code.docstring_targets as f64);
    "docstrings" => "of those, how many have a docstring",
        |m| Some(m.code.docstrings as f64);
    "functions" => "functions and methods defined outside tests",
        |m| Some(m.code.functions as f64);
    "lines" => "lines of Python",
        |m| Some(m.lines as f64);
    "merges" => "merge commits",
        |m| m.history.map(|h| h.merges as f64);
    "params_annotatable" => "parameters that could carry an annotation (self/cls excluded)",
        |m| Some(m.code.params_annotatable as f64);
    "params_annotated" => "parameters with an annotation",
        |m| Some(m.code.params_annotated as f64);
    "python_files" => "Python files analyzed",
        |m| Some(m.python_files as f64);
    "returns_annotatable" => "functions other than __init__ that could annotate their return",
        |m| Some(m.code.returns_annotatable as f64);
    "returns_annotated" => "functions with a return annotation",
        |m| Some(m.code.returns_annotated as f64);
    "span_days" => "days from the first commit to the last",
        |m| m.history.map(|h| h.span_days as f64);
    "tags" => "tags",
        |m| m.history.map(|h| h.tags as f64);
    "test_functions" => "test functions with an assertion, in test files",
        |m| Some(m.code.test_functions as f64);
}

pub fn is_known_metric(name: &str) -> bool {
    METRICS.iter().any(|m| m.name == name)
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        // Rounded so reports print stable, readable numbers.
        ((part as f64 / whole as f64) * 1000.0).round() / 1000.0
    }
}

/// The metrics of one repository, by name.
pub fn repo_metrics(inputs: &MetricInputs) -> BTreeMap<String, f64> {
    METRICS
        .iter()
        .filter_map(|m| Some((m.name.to_string(), (m.value)(inputs)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_are_sorted_and_unique() {
        let names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    /// Every metric has a value once there is code and history, and only
    /// the history's need git: a repository without git still gets the rest.
    #[test]
    fn every_metric_is_computed_and_only_history_needs_git() {
        let code = CodeMetrics {
            functions: 4,
            params_annotatable: 4,
            params_annotated: 1,
            ..Default::default()
        };
        let history = History {
            commits: 3,
            descriptive_commits: 3,
            ..Default::default()
        };
        let with_git = repo_metrics(&MetricInputs {
            code: &code,
            python_files: 2,
            lines: 40,
            history: Some(&history),
        });
        assert_eq!(with_git.len(), METRICS.len());
        assert_eq!(with_git["annotation_coverage"], 0.25);
        assert_eq!(with_git["descriptive_commits_ratio"], 1.0);
        let without = repo_metrics(&MetricInputs {
            code: &code,
            python_files: 2,
            lines: 40,
            history: None,
        });
        let history_only: Vec<&str> = METRICS
            .iter()
            .map(|m| m.name)
            .filter(|n| !without.contains_key(*n))
            .collect();
        assert_eq!(
            history_only,
            [
                "active_days",
                "authors",
                "branches",
                "commits",
                "descriptive_commits_ratio",
                "merges",
                "span_days",
                "tags"
            ]
        );
    }
}
