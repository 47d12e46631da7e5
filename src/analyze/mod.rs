//! Analyzers: one per kind of file, each pure (bytes in, facts out).
//!
//! In: a file's path and bytes. Out: [`facts`]. Python modules and notebook
//! code cells go through tree-sitter (`python`); configuration files
//! (`config`: dependency `manifest`s, `ci` pipelines, `docker` files,
//! `infra`structure) through parsers of their formats, helped by `yaml`,
//! `toml_doc`, `ini` and `shell`; everything else is known by its path (and, for files some
//! rule asks about, its text, matched in `rules`). Whose a file is (the
//! learner's, generated, vendored) is `origin`, with `.gitattributes`
//! read by `gitattributes`.

pub mod ci;
pub mod config;
pub mod crossref;
pub mod docker;
pub mod dotenv;
pub mod facts;
pub mod gitattributes;
pub mod infra;
pub mod ini;
pub mod layout;
pub mod manifest;
pub mod notebook;
pub mod origin;
pub mod python;
pub mod shell;
pub mod toml_doc;
pub mod yaml;

use facts::FactInfo;
use std::collections::HashSet;

/// Every fact name the analyzers other than Python's may state, in listing order.
pub fn known_facts() -> impl Iterator<Item = &'static FactInfo> {
    config::known_facts()
        .chain(dotenv::FACTS)
        .chain(layout::FACTS)
}

/// The fact named `name`, as the `'static` name analyzers use.
pub fn fact_info(name: &str) -> Option<&'static FactInfo> {
    known_facts().find(|f| f.name == name)
}

/// What kind of file a path is, for choosing its analyzer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Python,
    Notebook,
    Config(config::ConfigKind),
    Other,
}

pub fn classify(path: &str) -> FileKind {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.ends_with(".py") || name.ends_with(".pyw") {
        return FileKind::Python;
    }
    if name.ends_with(".ipynb") {
        return FileKind::Notebook;
    }
    match config::kind_of(path) {
        Some(k) => FileKind::Config(k),
        None => FileKind::Other,
    }
}

/// Test files by the conventions pytest and unittest discover.
pub fn is_test_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let in_test_dir = path
        .split('/')
        .rev()
        .skip(1)
        .any(|d| matches!(d, "tests" | "test" | "testing"));
    in_test_dir
        || name == "conftest.py"
        || name == "tests.py"
        || (name.starts_with("test_") && name.ends_with(".py"))
        || name.ends_with("_test.py")
}

/// The dotted name a module is imported by. It starts at the outermost
/// folder above the file that is a regular package (holds an `__init__.py`)
/// and takes every folder below it, namespace subpackages included
/// (`app/models/user.py` is `app.models.user` when `app/__init__.py` exists,
/// with or without `app/models/__init__.py`). `src/` is never part of it, and
/// a script in a plain folder named `pandas/` is imported by its own name, so
/// it cannot hide the real pandas.
pub fn module_name(path: &str, packages: &HashSet<String>) -> String {
    let trimmed = path
        .strip_suffix(".py")
        .or_else(|| path.strip_suffix(".pyw"))
        .or_else(|| path.strip_suffix(".ipynb"))
        .unwrap_or(path);
    let parts: Vec<&str> = trimmed.split('/').filter(|p| !p.is_empty()).collect();
    let Some((stem, dirs)) = parts.split_last() else {
        return String::new();
    };
    let first = (0..dirs.len())
        .find(|&k| packages.contains(&dirs[..=k].join("/")))
        .unwrap_or(dirs.len());
    let mut module: Vec<&str> = dirs[first..].to_vec();
    if *stem != "__init__" || module.is_empty() {
        module.push(stem);
    }
    module.join(".").replace(['-', ' '], "_")
}

/// Names a module may be imported by: first its dotted name by packages
/// (see [`module_name`]), then its path from the repository root and from
/// `src/` as dotted names (scripts run from the root or from `src/` import
/// `db.models` with no `__init__.py` anywhere). Only the first one decides
/// which names are local to the repository; the others only help resolve
/// names that already are.
pub fn module_candidates(path: &str, packages: &HashSet<String>) -> Vec<String> {
    let mut out = vec![module_name(path, packages)];
    let stem = path
        .strip_suffix(".py")
        .or_else(|| path.strip_suffix(".ipynb"))
        .unwrap_or(path);
    let stem = stem.strip_suffix("/__init__").unwrap_or(stem);
    let rooted = stem.replace('/', ".").replace(['-', ' '], "_");
    let from_src = rooted.strip_prefix("src.").map(str::to_string);
    for name in std::iter::once(rooted).chain(from_src) {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The folders of a repository that are packages (hold an `__init__.py`).
pub fn package_dirs<'a>(paths: impl Iterator<Item = &'a str>) -> HashSet<String> {
    paths
        .filter_map(|p| p.strip_suffix("/__init__.py"))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_follow_the_layout() {
        let pk = package_dirs(
            [
                "src/blog/__init__.py",
                "app/__init__.py",
                "utils/__init__.py",
            ]
            .into_iter(),
        );
        assert_eq!(module_name("src/blog/models.py", &pk), "blog.models");
        assert_eq!(module_name("src/blog/__init__.py", &pk), "blog");
        assert_eq!(module_name("app.py", &pk), "app");
        assert_eq!(module_candidates("app/models.py", &pk), vec!["app.models"]);
        assert_eq!(module_candidates("utils/json.py", &pk), vec!["utils.json"]);
        assert_eq!(
            module_candidates("scripts/helpers.py", &pk),
            vec!["helpers", "scripts.helpers"]
        );
        assert_eq!(
            module_candidates("src/db/db.py", &pk),
            vec!["db", "src.db.db", "db.db"]
        );
        // A plain folder named like a library does not make the library local.
        assert_eq!(module_candidates("pandas/ex1.py", &pk)[0], "ex1");
        // A namespace subpackage of a regular package belongs to it.
        assert_eq!(module_name("app/models/user.py", &pk), "app.models.user");
    }

    #[test]
    fn test_files_follow_pytest_conventions() {
        assert!(is_test_path("tests/test_api.py"));
        assert!(is_test_path("tests/helpers.py"));
        assert!(is_test_path("pkg/api_test.py"));
        assert!(is_test_path("conftest.py"));
        assert!(!is_test_path("contest.py"));
        assert!(!is_test_path("latest_news.py"));
    }
}
