//! Facts: what the analyzers extract from one file, before any rule looks at it.
//!
//! Facts are plain data (no syntax trees survive a file's analysis), so a
//! repository's memory stays flat however many files it holds. Rules turn facts
//! into hits in `rules::matching`.

use serde::Serialize;

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
    /// The value is what a def returns: `return app` after
    /// `app = Flask(__name__)` (`flask.Flask()`), or `return Flask(__name__)`.
    pub const RETURN: u8 = 64;
}

/// A reference to an imported or builtin name, resolved through the module's imports.
///
/// `qname` is dotted; an instance made by calling a name carries `()`:
/// `app = Flask(__name__)` then `@app.route` gives `flask.Flask().route`.
/// Kept in the persistent cache as a tuple `(qname, roles, line, keywords)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(from = "RefTuple", into = "RefTuple")]
pub struct Ref {
    pub qname: String,
    pub roles: u8,
    pub line: u32,
    /// For a call or a class statement that names keyword arguments, when
    /// rules ask for them (`methods=["POST"]`, `table=True`).
    pub keywords: Option<Keywords>,
}

/// Keyword arguments: each name with the literal values it was given
/// (`"POST"`, `True`, `3`; a list's or tuple's items), or no value when it
/// is not a literal (`timeout=t`).
pub type Keywords = Box<[(String, Vec<String>)]>;

/// A [`Ref`] as the persistent cache keeps it.
type RefTuple = (String, u8, u32, Option<Keywords>);

impl From<RefTuple> for Ref {
    fn from((qname, roles, line, keywords): RefTuple) -> Ref {
        Ref {
            qname,
            roles,
            line,
            keywords,
        }
    }
}

impl From<Ref> for RefTuple {
    fn from(r: Ref) -> Self {
        (r.qname, r.roles, r.line, r.keywords)
    }
}

/// Declares [`Feature`] from one list: each feature's variant, the name rule
/// files use for it and what it means, written once, so the enum, `ALL`,
/// `name`, `description` and `from_name` cannot drift apart.
macro_rules! features {
    ($($variant:ident => $name:literal, $description:literal),* $(,)?) => {
        /// Structural facts that no single name or node kind shows; computed by the Python analyzer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Feature {
            $($variant),*
        }

        impl Feature {
            /// Every feature, in the order its name is listed for rule authors.
            pub const ALL: &'static [Feature] = &[$(Feature::$variant),*];

            /// The name rule files use for this feature.
            pub fn name(self) -> &'static str {
                match self {
                    $(Feature::$variant => $name),*
                }
            }

            /// What the feature means, for `rules features` and error messages.
            pub fn description(self) -> &'static str {
                match self {
                    $(Feature::$variant => $description),*
                }
            }

            /// The feature a rule file names, or `None` for a name no feature has.
            pub fn from_name(name: &str) -> Option<Feature> {
                match name {
                    $($name => Some(Feature::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

features! {
    Function => "function", "a user-defined function or method (def)",
    FunctionDefaults => "function_defaults", "a def with a default parameter value",
    FunctionVarargs => "function_varargs", "a def taking *args or **kwargs",
    FunctionKeywordOnly => "function_keyword_only",
        "a def with keyword-only parameters (a bare `*`)",
    Closure => "closure", "a def that returns a function it defines inside",
    HigherOrderFunction => "higher_order_function", "a def that calls one of its own parameters",
    DecoratorDefinition => "decorator_definition",
        "a def whose inner function calls the outer's parameter and is returned (a decorator)",
    ClassWithMethods => "class_with_methods", "a class whose body defines methods",
    InheritsUserClass => "inherits_user_class",
        "a class deriving from a class defined in the same repository",
    ContextManagerClass => "context_manager_class",
        "a class defining both __enter__ and __exit__ (or the async pair)",
    IteratorClass => "iterator_class", "a class defining __iter__ or __next__",
    Descriptor => "descriptor", "a class defining __get__, __set__ or __set_name__",
    Metaclass => "metaclass",
        "a class created with metaclass= (a class deriving from `type` is `bases = [\"builtins.type\"]`)",
    MainGuard => "main_guard", "an `if __name__ == \"__main__\":` block",
    LocalImport => "local_import",
        "an import of another module of the same repository (relative or by its dotted name)",
    ExceptSpecific => "except_specific", "an except clause naming an exception type",
    ExceptBroad => "except_broad", "a bare `except:` or `except Exception:` clause",
    BareExcept => "bare_except", "a bare `except:` whose body does not re-raise",
    ExceptPass => "except_pass",
        "an `except Exception:` or `except BaseException:` whose body only passes (pass, continue or `...`)",
    RaiseFrom => "raise_from", "`raise ... from ...` (exception chaining)",
    TryFinally => "try_finally", "a try statement with `finally`",
    TryElse => "try_else", "a try statement with `else`",
    AsyncFunction => "async_function", "an `async def`",
    AsyncWith => "async_with", "an `async with`",
    AsyncFor => "async_for", "an `async for`",
    Recursion => "recursion", "a function that calls itself",
    LinkedNodeClass => "linked_node_class",
        "a class whose instances link to others (self.next, self.left, self.right, self.children)",
    TestFunction => "test_function",
        "a test function or test method with an assertion, in a test file",
    AnnotatedFunction => "annotated_function", "a def with at least one annotation",
    SqlExecuted => "sql_executed", "SQL text passed to an execute-like call",
    SqlParameterized => "sql_parameterized",
        "an execute-like call passing SQL and separate parameters",
    SqlBuiltExecuted => "sql_built_executed",
        "an execute-like call running SQL built from strings (f-string, %, + or .format), here or where the variable was assigned",
    DynamicCodeExecution => "dynamic_code_execution",
        "eval() or exec() whose first argument is not a plain string literal (an f-string is computed)",
    SecretAssignment => "secret_assignment",
        "a string literal that looks like a real credential, given to a credential-like name (a variable, self attribute, keyword argument or dict key: password, api_key, ...), outside test files",
    SecretLiteral => "secret_literal",
        "a string literal in a well-known credential format (an AWS access key, a GitHub or Slack token, a Stripe live key, an sk- API secret key, a Google API key, a private key)",
    DjangoDebugTrue => "django_debug_true", "a module-level `DEBUG = True` in a Django settings file (settings.py or under settings/)",
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
    /// The distribution name a project's metadata declares (`[project]
    /// name`, `setup(name=...)`), as written.
    pub name: Option<String>,
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
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

/// A name bound at a module's top level, so other modules of the repo can resolve it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
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
    pub lines: u64,
    /// The parse had errors; what parsed is still analyzed.
    pub syntax_error: bool,
    /// What a `setup.py` declares (dependencies, entry points) or a
    /// `noxfile.py` runs, read from its tree.
    pub config: ConfigFacts,
}

#[cfg(test)]
mod tests {
    use super::Feature;
    use std::collections::HashSet;

    #[test]
    fn feature_names_are_unique_snake_case_and_round_trip() {
        let mut seen = HashSet::new();
        for &f in Feature::ALL {
            let name = f.name();
            assert!(seen.insert(name), "{name} names two features");
            let snake = !name.is_empty()
                && name.starts_with(|c: char| c.is_ascii_lowercase())
                && !name.ends_with('_')
                && !name.contains("__")
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            assert!(snake, "{name} is not lowercase snake_case");
            assert_eq!(Feature::from_name(name), Some(f));
        }
        assert_eq!(Feature::from_name("no_such_feature"), None);
    }

    #[test]
    fn every_feature_is_described() {
        for &f in Feature::ALL {
            assert!(!f.description().trim().is_empty(), "{f:?}");
        }
    }
}
