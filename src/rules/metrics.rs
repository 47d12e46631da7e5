//! Repository metrics: the numbers behind ratios, and the names rules use for them.

use crate::analyze::facts::CodeMetrics;
use crate::model::History;
use std::collections::BTreeMap;

/// Every metric a rule may name, with what it measures.
pub const METRICS: &[(&str, &str)] = &[
    ("active_days", "distinct days with commits"),
    ("annotation_coverage", "annotated parameters and returns over annotatable ones (0..1), self/cls excluded, tests excluded"),
    ("authors", "distinct commit author emails"),
    ("branches", "local and remote branches"),
    ("classes", "classes defined outside tests"),
    ("commits", "commits reachable from the scanned revision"),
    ("descriptive_commits_ratio", "share of commits whose message says what changed (0..1)"),
    ("docstring_coverage", "public functions, classes and modules with a docstring, over all of them (0..1), tests excluded"),
    ("docstring_targets", "public functions, classes and modules (with definitions) outside tests"),
    ("docstrings", "of those, how many have a docstring"),
    ("functions", "functions and methods defined outside tests"),
    ("lines", "lines of Python"),
    ("merges", "merge commits"),
    ("params_annotatable", "parameters that could carry an annotation (self/cls excluded)"),
    ("params_annotated", "parameters with an annotation"),
    ("python_files", "Python files analyzed"),
    ("returns_annotatable", "functions other than __init__ that could annotate their return"),
    ("returns_annotated", "functions with a return annotation"),
    ("span_days", "days from the first commit to the last"),
    ("tags", "tags"),
    ("test_functions", "test functions with an assertion, in test files"),
];

pub fn is_known_metric(name: &str) -> bool {
    METRICS.iter().any(|(n, _)| *n == name)
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
pub fn repo_metrics(
    code: &CodeMetrics,
    python_files: u64,
    lines: u64,
    history: Option<&History>,
) -> BTreeMap<String, f64> {
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: f64| {
        m.insert(k.to_string(), v);
    };
    put("functions", code.functions as f64);
    put("classes", code.classes as f64);
    put("test_functions", code.test_functions as f64);
    put("params_annotatable", code.params_annotatable as f64);
    put("params_annotated", code.params_annotated as f64);
    put("returns_annotatable", code.returns_annotatable as f64);
    put("returns_annotated", code.returns_annotated as f64);
    put(
        "annotation_coverage",
        ratio(
            code.params_annotated + code.returns_annotated,
            code.params_annotatable + code.returns_annotatable,
        ),
    );
    put("docstring_targets", code.docstring_targets as f64);
    put("docstrings", code.docstrings as f64);
    put(
        "docstring_coverage",
        ratio(code.docstrings, code.docstring_targets),
    );
    put("python_files", python_files as f64);
    put("lines", lines as f64);
    if let Some(h) = history {
        put("commits", h.commits as f64);
        put("active_days", h.active_days as f64);
        put("span_days", h.span_days as f64);
        put("authors", h.authors as f64);
        put("merges", h.merges as f64);
        put("branches", h.branches as f64);
        put("tags", h.tags as f64);
        put(
            "descriptive_commits_ratio",
            ratio(h.descriptive_commits, h.commits),
        );
    }
    m
}

#[cfg(test)]
mod tests {
    #[test]
    fn metric_names_are_sorted_and_unique() {
        let names: Vec<&str> = super::METRICS.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }
}
