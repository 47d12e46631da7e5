//! The shape of a rule file (`rules/<id>.toml`), as serde reads it.
//!
//! These types only describe the TOML; `rules::compile` checks them and
//! turns them into matchers. Every field is documented here because these
//! docs are what rule authors read (README, `rules explain`).

use crate::model::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// One competency rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The competency id from the catalog, equal to the file stem (`py.regex`).
    pub id: String,
    /// A short title for reports (`Regular expressions`).
    pub title: String,
    /// The area the competency belongs to (`foundations`, `web`, ...).
    pub area: String,
    /// Why the competency matters, in one or two sentences.
    pub why: String,
    /// The next step shown when the competency is missing or weak.
    pub advice: String,
    /// Repository metrics shown beside the level (`annotation_coverage`).
    #[serde(default)]
    pub metrics: Vec<String>,
    /// What counts as evidence, one named signal per table.
    #[serde(default)]
    pub signal: Vec<Spanned<SignalFile>>,
    /// Levels 1, 2 and 3, in order; each must hold for the next to count.
    /// Without any, levels need 1, 3 and 8 hits (the last in 2 files).
    #[serde(default)]
    pub level: Vec<Spanned<LevelFile>>,
    /// Snippets that must and must not show the competency.
    #[serde(default)]
    pub example: Vec<Spanned<ExampleFile>>,
    /// For a competency defined by an absence (only parameterized SQL,
    /// secrets kept out of code): the findings that deny it, and the level
    /// it cannot pass while the same audit reports one of them.
    pub cap: Option<Spanned<CapFile>>,
}

/// What caps a competency's level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapFile {
    /// Finding ids (`rules/findings/`).
    pub findings: Vec<String>,
    /// The highest level the competency keeps while one of them is reported (0..2).
    pub level: u8,
}

/// One finding: a problem reported beside the levels, at every place it
/// shows (`rules/findings/<id>.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingFile {
    /// The finding id, equal to the file stem (`sec.sql_injection`).
    pub id: String,
    /// A short title for reports (`SQL built from strings`).
    pub title: String,
    /// How bad it is: `error`, `warning` or `note`.
    pub severity: Severity,
    /// Why it is a problem, in one or two sentences.
    pub why: String,
    /// What to do about it, in general (each signal's `message` says it for the place).
    pub advice: String,
    /// Where it shows: each signal's matchers as in a competency rule, plus
    /// the `message` reported at each hit.
    #[serde(default)]
    pub signal: Vec<Spanned<SignalFile>>,
    /// Snippets that must and must not make the finding.
    #[serde(default)]
    pub example: Vec<Spanned<ExampleFile>>,
}

/// Which files a signal looks at.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Every file.
    #[default]
    Any,
    /// Test files only (`test_*.py`, `*_test.py`, `conftest.py`, under `tests/`).
    Tests,
    /// Everything but test files.
    Code,
}

/// A named piece of evidence: one or more matchers, OR-ed, plus filters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalFile {
    /// Referred to by `[[level]]` conditions.
    pub name: String,
    /// What a hit means, shown with each evidence item (defaults to what matched).
    pub detail: Option<String>,
    /// A hint is shown but never raises a level (a declared dependency, say).
    #[serde(default)]
    pub hint: bool,
    #[serde(default)]
    pub scope: Scope,
    /// Only files matching these globs (`settings.py`, `**/migrations/*.py`).
    #[serde(default)]
    pub files: Vec<String>,
    /// Modules imported (`flask` also matches `flask.views`).
    #[serde(default)]
    pub imports: Vec<String>,
    /// Qualified names called (`re.compile`, `requests.*`); `*` matches any text.
    #[serde(default)]
    pub calls: Vec<String>,
    /// Qualified names used as decorators (`functools.lru_cache`).
    #[serde(default)]
    pub decorators: Vec<String>,
    /// Qualified names used as base classes (`builtins.Exception`).
    #[serde(default)]
    pub bases: Vec<String>,
    /// Qualified names used in any way but assigned to (called, read, annotated).
    #[serde(default)]
    pub uses: Vec<String>,
    /// Qualified names assigned to (`app.dependency_overrides`, `os.environ`).
    #[serde(default)]
    pub writes: Vec<String>,
    /// Qualified names called as a `with` item (`builtins.open`).
    #[serde(default)]
    pub with_items: Vec<String>,
    /// Qualified names of what a def returns (`flask.Flask()`: an app
    /// factory returns the app it built).
    #[serde(default)]
    pub returns: Vec<String>,
    /// With `calls`, `decorators`, `bases` or `uses`: keyword arguments the
    /// call (or class statement) must pass, each with the literal values
    /// one of which it must have (`methods = ["POST", "PUT"]`, `table =
    /// ["True"]`; `"*"` for any value, a list's items count one by one).
    #[serde(default)]
    pub keywords: BTreeMap<String, Vec<String>>,
    /// With the same: keyword arguments the call must not pass (`timeout`).
    #[serde(default)]
    pub no_keywords: Vec<String>,
    /// tree-sitter-python node kinds (`match_statement`, `lambda`, `yield`).
    #[serde(default)]
    pub syntax: Vec<String>,
    /// Structural features computed by the analyzer (`portfolio-audit rules features`).
    #[serde(default)]
    pub features: Vec<String>,
    /// Names of functions defined (`*sort*`, `binary_search`).
    #[serde(default)]
    pub functions: Vec<String>,
    /// Names of methods defined in a class (`__repr__`, `__eq__`).
    #[serde(default)]
    pub methods: Vec<String>,
    /// File paths present in the repository (`Dockerfile`, `.github/workflows/*.yml`).
    #[serde(default)]
    pub paths: Vec<String>,
    /// A regex searched in the text of the files matching `files` (configuration, not code).
    pub text: Option<String>,
    /// Facts the configuration analyzers state (`ci.runs_tests`,
    /// `docker.non_root_user`); `portfolio-audit rules features` lists them.
    /// A name ending in `.*` stands for every fact under it (`tool.*`).
    #[serde(default)]
    pub facts: Vec<String>,
    /// Declared dependencies, by normalized name (`pytest-cov`).
    #[serde(default)]
    pub deps: Vec<String>,
    /// A repository metric that must be above zero (`commits`).
    pub metric: Option<String>,
    /// Findings only: what each hit reports; `{detail}` stands for what
    /// matched (the name assigned, the call, the folder).
    pub message: Option<String>,
}

/// What a level needs. Signals are named; with neither `any` nor `all`,
/// every non-hint signal of the rule counts.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelFile {
    /// At least one of these signals has a hit.
    #[serde(default)]
    pub any: Vec<String>,
    /// Each of these has a hit; an entry may name alternatives, `"a | b"`.
    #[serde(default)]
    pub all: Vec<String>,
    /// Hits needed over the named signals (default 1).
    pub min: Option<u64>,
    /// Distinct files those hits must come from (default 1).
    pub min_files: Option<u64>,
    /// The `all` signals (and one of `any`) must show in one same file:
    /// "loads a model and serves it", not a notebook and an unrelated app.
    #[serde(default)]
    pub same_file: bool,
    /// A repository metric that must reach `at_least`.
    pub metric: Option<String>,
    pub at_least: Option<f64>,
}

/// A snippet (or small set of files) and what the rule must say of it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleFile {
    /// Code that must show the competency (at least `level`, default 1).
    pub matches: Option<String>,
    /// Code that must not show it (level 0, or below `level` when given).
    pub no_match: Option<String>,
    /// The snippet's file name in the example repository (default `example.py`).
    pub path: Option<String>,
    /// Other files of the example repository, by path.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    pub level: Option<u8>,
}
