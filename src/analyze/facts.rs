//! Facts: what the analyzers extract from one file, before any rule looks at it.
//!
//! Facts are plain data (no syntax trees survive a file's analysis), so a
//! repository's memory stays flat however many files it holds. Rules turn facts
//! into hits in `rules::matching`.

use serde::{Deserialize, Serialize};

/// How a qualified name was referenced; a reference may play several roles.
pub mod role {
    /// The name is called: `re.compile(...)`.
    pub const CALL: u8 = 1;
    /// The name decorates a definition: `@app.route("/")`, `@dataclass`.
    pub const DECORATOR: u8 = 2;
    /// The name is a base class: `class User(db.Model)`.
    pub const BASE: u8 = 4;
    /// Any other load of the name: `os.environ["X"]`, `x: Mapped[int]`.
    pub const USE: u8 = 8;
    /// The call is a `with` item: `with open(path) as f`.
    pub const WITH: u8 = 16;
    /// The name is assigned to: `os.environ["K"] = v`, `app.dependency_overrides[f] = g`.
    pub const WRITE: u8 = 32;
}

/// A reference to an imported or builtin name, resolved through the module's imports.
///
/// `qname` is dotted; an instance made by calling a name carries `()`:
/// `app = Flask(__name__)` then `@app.route` gives `flask.Flask().route`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub qname: String,
    pub roles: u8,
    pub line: u32,
}

/// Structural facts that no single name or node kind shows; computed by the Python analyzer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feature {
    Function,
    FunctionDefaults,
    FunctionVarargs,
    FunctionKeywordOnly,
    Closure,
    HigherOrderFunction,
    DecoratorDefinition,
    ClassWithMethods,
    InheritsUserClass,
    ContextManagerClass,
    IteratorClass,
    Descriptor,
    Metaclass,
    MainGuard,
    LocalImport,
    ExceptSpecific,
    ExceptBroad,
    RaiseFrom,
    TryFinally,
    TryElse,
    AsyncFunction,
    AsyncWith,
    AsyncFor,
    Recursion,
    LinkedNodeClass,
    TestFunction,
    AnnotatedFunction,
    SqlExecuted,
    SqlParameterized,
    HttpCallWithTimeout,
}

impl Feature {
    /// Every feature, in the order its name is listed for rule authors.
    pub const ALL: &'static [Feature] = &[
        Feature::Function,
        Feature::FunctionDefaults,
        Feature::FunctionVarargs,
        Feature::FunctionKeywordOnly,
        Feature::Closure,
        Feature::HigherOrderFunction,
        Feature::DecoratorDefinition,
        Feature::ClassWithMethods,
        Feature::InheritsUserClass,
        Feature::ContextManagerClass,
        Feature::IteratorClass,
        Feature::Descriptor,
        Feature::Metaclass,
        Feature::MainGuard,
        Feature::LocalImport,
        Feature::ExceptSpecific,
        Feature::ExceptBroad,
        Feature::RaiseFrom,
        Feature::TryFinally,
        Feature::TryElse,
        Feature::AsyncFunction,
        Feature::AsyncWith,
        Feature::AsyncFor,
        Feature::Recursion,
        Feature::LinkedNodeClass,
        Feature::TestFunction,
        Feature::AnnotatedFunction,
        Feature::SqlExecuted,
        Feature::SqlParameterized,
        Feature::HttpCallWithTimeout,
    ];

    /// The name rule files use for this feature.
    pub fn name(self) -> &'static str {
        match self {
            Feature::Function => "function",
            Feature::FunctionDefaults => "function_defaults",
            Feature::FunctionVarargs => "function_varargs",
            Feature::FunctionKeywordOnly => "function_keyword_only",
            Feature::Closure => "closure",
            Feature::HigherOrderFunction => "higher_order_function",
            Feature::DecoratorDefinition => "decorator_definition",
            Feature::ClassWithMethods => "class_with_methods",
            Feature::InheritsUserClass => "inherits_user_class",
            Feature::ContextManagerClass => "context_manager_class",
            Feature::IteratorClass => "iterator_class",
            Feature::Descriptor => "descriptor",
            Feature::Metaclass => "metaclass",
            Feature::MainGuard => "main_guard",
            Feature::LocalImport => "local_import",
            Feature::ExceptSpecific => "except_specific",
            Feature::ExceptBroad => "except_broad",
            Feature::RaiseFrom => "raise_from",
            Feature::TryFinally => "try_finally",
            Feature::TryElse => "try_else",
            Feature::AsyncFunction => "async_function",
            Feature::AsyncWith => "async_with",
            Feature::AsyncFor => "async_for",
            Feature::Recursion => "recursion",
            Feature::LinkedNodeClass => "linked_node_class",
            Feature::TestFunction => "test_function",
            Feature::AnnotatedFunction => "annotated_function",
            Feature::SqlExecuted => "sql_executed",
            Feature::SqlParameterized => "sql_parameterized",
            Feature::HttpCallWithTimeout => "http_call_with_timeout",
        }
    }

    /// What the feature means, for `rules features` and error messages.
    pub fn description(self) -> &'static str {
        match self {
            Feature::Function => "a user-defined function or method (def)",
            Feature::FunctionDefaults => "a def with a default parameter value",
            Feature::FunctionVarargs => "a def taking *args or **kwargs",
            Feature::FunctionKeywordOnly => "a def with keyword-only parameters (a bare `*`)",
            Feature::Closure => "a def that returns a function it defines inside",
            Feature::HigherOrderFunction => "a def that calls one of its own parameters",
            Feature::DecoratorDefinition => {
                "a def whose inner function calls the outer's parameter and is returned (a decorator)"
            }
            Feature::ClassWithMethods => "a class whose body defines methods",
            Feature::InheritsUserClass => "a class deriving from a class defined in the same repository",
            Feature::ContextManagerClass => "a class defining both __enter__ and __exit__ (or the async pair)",
            Feature::IteratorClass => "a class defining __iter__ or __next__",
            Feature::Descriptor => "a class defining __get__, __set__ or __set_name__",
            Feature::Metaclass => "a class created with metaclass= (a class deriving from `type` is `bases = [\"builtins.type\"]`)",
            Feature::MainGuard => "an `if __name__ == \"__main__\":` block",
            Feature::LocalImport => "an import of another module of the same repository (relative or by its dotted name)",
            Feature::ExceptSpecific => "an except clause naming an exception type",
            Feature::ExceptBroad => "a bare `except:` or `except Exception:` clause",
            Feature::RaiseFrom => "`raise ... from ...` (exception chaining)",
            Feature::TryFinally => "a try statement with `finally`",
            Feature::TryElse => "a try statement with `else`",
            Feature::AsyncFunction => "an `async def`",
            Feature::AsyncWith => "an `async with`",
            Feature::AsyncFor => "an `async for`",
            Feature::Recursion => "a function that calls itself",
            Feature::LinkedNodeClass => {
                "a class whose instances link to others (self.next, self.left, self.right, self.children)"
            }
            Feature::TestFunction => "a test function or test method with an assertion, in a test file",
            Feature::AnnotatedFunction => "a def with at least one annotation",
            Feature::SqlExecuted => "SQL text passed to an execute-like call",
            Feature::SqlParameterized => "an execute-like call passing SQL and separate parameters",
            Feature::HttpCallWithTimeout => "a requests/httpx call that passes timeout=",
        }
    }

    pub fn from_name(name: &str) -> Option<Feature> {
        Feature::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// A fact a configuration analyzer (manifests, CI, Docker, ...) states about
/// one line of a file: `ci.runs_tests` at the `run: pytest` step. Rules ask
/// for facts by name (`facts = [...]`), so what a format means is decided by
/// a parser of that format, never by a regex over its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFact {
    /// A name from some analyzer's [`FactInfo`] list.
    pub name: &'static str,
    pub line: u32,
    /// What was seen (`pytest -q`, `python:3.12-slim AS build`).
    pub detail: String,
}

impl ConfigFact {
    pub fn new(name: &'static str, line: u32, detail: impl Into<String>) -> Self {
        ConfigFact {
            name,
            line,
            detail: detail.into(),
        }
    }
}

/// What a configuration analyzer (manifests, CI, Docker, infrastructure)
/// learned from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFacts {
    /// Declared dependencies: pip-normalized name and line.
    pub deps: Vec<(String, u32)>,
    pub facts: Vec<ConfigFact>,
    /// What could not be read, each saying where: `line 3: ...`.
    pub problems: Vec<String>,
    /// Other files this one pulls in (`-r base.txt`), as written, with the
    /// line; resolved against the repository once every file is listed.
    pub includes: Vec<(String, u32)>,
}

impl ConfigFacts {
    /// States `fact` at `line`. Facts are the constants their analyzer's
    /// `facts!` declares, so a name cannot be misspelt.
    pub fn fact(&mut self, fact: &'static FactInfo, line: u32, detail: impl Into<String>) {
        self.facts.push(ConfigFact::new(fact.name, line, detail));
    }

    pub fn problem(&mut self, message: impl Into<String>) {
        self.problems.push(message.into());
    }

    /// The facts as `name:line`, sorted and without repeats: what the
    /// analyzers' unit tests compare.
    #[cfg(test)]
    pub fn fact_lines(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .facts
            .iter()
            .map(|f| format!("{}:{}", f.name, f.line))
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Text cut to `max` characters (with `…`) for evidence details and notes:
/// a scanned file's line can be any length.
pub fn shorten(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() > max {
        s.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// A fact name an analyzer may state, and what it means (for `rules features`
/// and for checking rule files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactInfo {
    pub name: &'static str,
    pub description: &'static str,
}

/// Counts from which the report's ratios are computed; summed over a repository.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CodeMetrics {
    pub functions: u64,
    pub classes: u64,
    pub params_annotatable: u64,
    pub params_annotated: u64,
    pub returns_annotatable: u64,
    pub returns_annotated: u64,
    pub docstring_targets: u64,
    pub docstrings: u64,
    pub test_functions: u64,
}

impl CodeMetrics {
    pub fn add(&mut self, o: &CodeMetrics) {
        self.functions += o.functions;
        self.classes += o.classes;
        self.params_annotatable += o.params_annotatable;
        self.params_annotated += o.params_annotated;
        self.returns_annotatable += o.returns_annotatable;
        self.returns_annotated += o.returns_annotated;
        self.docstring_targets += o.docstring_targets;
        self.docstrings += o.docstrings;
        self.test_functions += o.test_functions;
    }
}

/// A problem found in the code, reported beside the levels with its location.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub path: String,
    /// For a notebook: the line in its cell.
    pub line: u32,
    /// For a notebook: the cell (counting every cell from 1).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cell: Option<u32>,
    pub message: String,
}

/// A name bound at a module's top level, so other modules of the repo can resolve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Export {
    /// `db = SQLAlchemy()`: the name stands for this resolved qualified name.
    Alias(String),
    /// `class Base(DeclarativeBase)`: a user class and its resolved bases.
    Class(Vec<String>),
}

/// Everything the Python analyzer learned from one module (or notebook).
#[derive(Debug, Clone, Default)]
pub struct PythonFacts {
    /// Imported modules, with the line of the import.
    pub imports: Vec<(String, u32)>,
    /// References resolved to names outside the repository (imports, builtins).
    pub refs: Vec<Ref>,
    /// References to names defined in other modules of this repository; resolved
    /// once every module's exports are known.
    pub deferred: Vec<Ref>,
    pub features: Vec<(Feature, u32, String)>,
    /// Node kinds that some rule asked for (`syntax = [...]`), by kind id.
    pub syntax: Vec<(u16, u32)>,
    /// Defined function names (`def`) and whether each is a method.
    pub defs: Vec<(String, u32, bool)>,
    /// This module's dotted name, as other modules would import it.
    pub module: String,
    pub exports: Vec<(String, Export)>,
    pub metrics: CodeMetrics,
    pub findings: Vec<Finding>,
    pub lines: u64,
    /// The parse had errors; what parsed is still analyzed.
    pub syntax_error: bool,
    /// What a `setup.py` declares (dependencies, entry points) or a
    /// `noxfile.py` runs, read from its tree.
    pub config: ConfigFacts,
}
