//! Analyzers: one per kind of file, each pure (bytes in, facts out).
//!
//! In: a file's path and bytes. Out: [`facts`]. Python modules and notebook
//! code cells go through tree-sitter (`python`); dependency manifests are
//! read by `manifest`; everything else is known by its path (and, for
//! configuration files some rule asks about, its text, matched in `rules`).

pub mod crossref;
pub mod facts;
pub mod manifest;
pub mod notebook;
pub mod python;

/// What kind of file a path is, for choosing its analyzer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Python,
    Notebook,
    Manifest(manifest::Manifest),
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
    match manifest::Manifest::of(name) {
        Some(m) => FileKind::Manifest(m),
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

/// The dotted name a module is imported by: `src/blog/models.py` is `blog.models`.
pub fn module_name(path: &str) -> String {
    let trimmed = path
        .strip_suffix(".py")
        .or_else(|| path.strip_suffix(".pyw"))
        .or_else(|| path.strip_suffix(".ipynb"))
        .unwrap_or(path);
    let mut parts: Vec<&str> = trimmed.split('/').filter(|p| !p.is_empty()).collect();
    if parts.first() == Some(&"src") && parts.len() > 1 {
        parts.remove(0);
    }
    if parts.last() == Some(&"__init__") && parts.len() > 1 {
        parts.pop();
    }
    parts.join(".").replace(['-', ' '], "_")
}

/// Names a module may be imported by: its full dotted name, and shorter
/// suffixes (scripts run from a subfolder import their siblings by bare name),
/// except suffixes that would shadow a standard-library module.
pub fn module_candidates(path: &str) -> Vec<String> {
    let full = module_name(path);
    let parts: Vec<&str> = full.split('.').collect();
    let mut out = vec![full.clone()];
    for i in 1..parts.len() {
        let suffix = parts[i..].join(".");
        if STDLIB.binary_search(&parts[i]).is_err() {
            out.push(suffix);
        }
    }
    out
}

/// Standard-library top-level modules that learners' files often share a name with.
const STDLIB: &[&str] = &[
    "abc",
    "argparse",
    "array",
    "ast",
    "asyncio",
    "base64",
    "bisect",
    "calendar",
    "cmd",
    "code",
    "collections",
    "colorsys",
    "concurrent",
    "configparser",
    "contextlib",
    "copy",
    "csv",
    "ctypes",
    "dataclasses",
    "datetime",
    "decimal",
    "difflib",
    "email",
    "enum",
    "fractions",
    "functools",
    "glob",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "imaplib",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "logging",
    "math",
    "mimetypes",
    "numbers",
    "operator",
    "os",
    "parser",
    "pathlib",
    "pickle",
    "platform",
    "pprint",
    "profile",
    "queue",
    "random",
    "re",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shutil",
    "signal",
    "site",
    "smtplib",
    "socket",
    "sqlite3",
    "ssl",
    "stat",
    "statistics",
    "string",
    "struct",
    "subprocess",
    "sys",
    "tempfile",
    "test",
    "textwrap",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "trace",
    "turtle",
    "types",
    "typing",
    "unittest",
    "urllib",
    "uuid",
    "warnings",
    "wave",
    "weakref",
    "xml",
    "zipfile",
    "zoneinfo",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdlib_list_is_sorted() {
        let mut s = STDLIB.to_vec();
        s.sort_unstable();
        assert_eq!(s, STDLIB);
    }

    #[test]
    fn module_names_follow_the_layout() {
        assert_eq!(module_name("src/blog/models.py"), "blog.models");
        assert_eq!(module_name("blog/__init__.py"), "blog");
        assert_eq!(module_name("app.py"), "app");
        assert_eq!(
            module_candidates("app/models.py"),
            vec!["app.models", "models"]
        );
        assert_eq!(module_candidates("utils/json.py"), vec!["utils.json"]);
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
