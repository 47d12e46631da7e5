//! Scopes and name resolution for one module.
//!
//! Bindings are collected during the single tree walk and references are
//! resolved after it, because in Python an assignment anywhere in a function
//! makes the name local for the whole function. The resolution is
//! deliberately simple (no flow analysis): an import binding wins over a
//! plain assignment in the same scope, and a name assigned from a call
//! (`app = Flask(__name__)`) stands for an instance of what was called.

use rustc_hash::FxHashMap as HashMap;

/// Index of a scope in `Scopes::scopes`; the module is scope 0.
pub type ScopeId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Function,
    Class,
}

/// A chain of names as written, before resolution: `head` then `rest`
/// (`rest` starts with `.` or `()`), e.g. `app` + `.route`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain<'s> {
    pub head: &'s str,
    pub rest: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding<'s> {
    /// `import x.y as z`, `from x import y as z`: the absolute dotted name.
    Import(String),
    /// `name = <chain>` or `name: <Type>`: stands for what the chain resolves to.
    Value(Chain<'s>, ScopeId),
    /// `class Name(...)`: resolves to `<module>.Name`, a name of this repository.
    Class,
    /// Any other local binding (a def, a loop variable, a plain value): not an import.
    Local,
}

impl Binding<'_> {
    fn rank(&self) -> u8 {
        match self {
            Binding::Import(_) => 3,
            Binding::Class => 2,
            Binding::Value(..) => 1,
            Binding::Local => 0,
        }
    }
}

#[derive(Debug)]
struct Scope<'s> {
    kind: ScopeKind,
    parent: Option<ScopeId>,
    bindings: HashMap<&'s str, Binding<'s>>,
    star_imports: Vec<String>,
}

/// All scopes of one module.
#[derive(Debug)]
pub struct Scopes<'s> {
    scopes: Vec<Scope<'s>>,
    module: String,
}

/// Resolution stops here, so `x = x()` or a cycle of aliases cannot loop.
const MAX_DEPTH: u32 = 8;

impl<'s> Scopes<'s> {
    pub fn new(module: &str) -> Self {
        Scopes {
            scopes: vec![Scope {
                kind: ScopeKind::Module,
                parent: None,
                bindings: HashMap::default(),
                star_imports: Vec::new(),
            }],
            module: module.to_string(),
        }
    }

    pub fn push(&mut self, kind: ScopeKind, parent: ScopeId) -> ScopeId {
        self.scopes.push(Scope {
            kind,
            parent: Some(parent),
            bindings: HashMap::default(),
            star_imports: Vec::new(),
        });
        (self.scopes.len() - 1) as ScopeId
    }

    pub fn kind(&self, id: ScopeId) -> ScopeKind {
        self.scopes[id as usize].kind
    }

    /// Binds `name` in `scope`; a stronger binding (import > class > value > local) wins.
    pub fn bind(&mut self, scope: ScopeId, name: &'s str, binding: Binding<'s>) {
        let bindings = &mut self.scopes[scope as usize].bindings;
        match bindings.get(name) {
            Some(old) if old.rank() >= binding.rank() => {}
            _ => {
                bindings.insert(name, binding);
            }
        }
    }

    /// Whether `name`, seen from `scope`, is already bound as a plain local
    /// (a def, a parameter, a non-call assignment) in the nearest scope that
    /// binds it: a reference to it can never resolve to an import, so the
    /// walk need not keep it. (A later import of the same name in that scope
    /// would outrank it; code that does that is rare enough to give up.)
    pub fn is_plain_local(&self, scope: ScopeId, name: &str) -> bool {
        let mut current = Some(scope);
        let mut first = true;
        while let Some(id) = current {
            let s = &self.scopes[id as usize];
            if first || s.kind != ScopeKind::Class {
                if let Some(b) = s.bindings.get(name) {
                    return matches!(b, Binding::Local);
                }
            }
            first = false;
            current = s.parent;
        }
        false
    }

    pub fn star_import(&mut self, scope: ScopeId, module: String) {
        self.scopes[scope as usize].star_imports.push(module);
    }

    /// The module-level bindings, for other modules of the repository.
    pub fn module_bindings(&self) -> impl Iterator<Item = (&&'s str, &Binding<'s>)> {
        self.scopes[0].bindings.iter()
    }

    /// The qualified name `chain` stands for when written in `scope`, or `None`
    /// when its head is a local variable or unknown.
    pub fn resolve(&self, scope: ScopeId, chain: &Chain) -> Option<String> {
        self.resolve_depth(scope, chain.head, &chain.rest, 0)
    }

    /// What a name alone stands for in `scope` (cheap: most names are locals,
    /// and the caller builds the rest of a chain only when this is `Some`).
    pub fn resolve_head(&self, scope: ScopeId, head: &str) -> Option<String> {
        self.resolve_depth(scope, head, "", 0)
    }

    fn resolve_depth(&self, scope: ScopeId, head: &str, rest: &str, depth: u32) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut current = Some(scope);
        let mut first = true;
        while let Some(id) = current {
            let s = &self.scopes[id as usize];
            // A class body's names are not visible inside its methods.
            let visible = first || s.kind != ScopeKind::Class;
            if visible {
                if let Some(b) = s.bindings.get(head) {
                    return match b {
                        Binding::Import(q) => Some(format!("{q}{rest}")),
                        Binding::Value(chain, at) => self
                            .resolve_depth(*at, chain.head, &chain.rest, depth + 1)
                            .map(|q| format!("{q}{rest}")),
                        Binding::Class => Some(format!("{}.{head}{rest}", self.module)),
                        Binding::Local => None,
                    };
                }
            }
            first = false;
            current = s.parent;
        }
        if is_builtin(head) {
            return Some(format!("builtins.{head}{rest}"));
        }
        // Python: a later `from m import *` overrides an earlier one.
        self.scopes[0]
            .star_imports
            .last()
            .map(|m| format!("{m}.{head}{rest}"))
    }
}

/// The absolute module of a `from` import, given the importing module's package.
///
/// `level` is the number of leading dots; `package` is the importing module's
/// package (the module itself for an `__init__.py`).
pub fn absolute_module(package: &str, level: usize, name: &str) -> String {
    if level == 0 {
        return name.to_string();
    }
    let mut parts: Vec<&str> = if package.is_empty() {
        Vec::new()
    } else {
        package.split('.').collect()
    };
    for _ in 1..level {
        parts.pop();
    }
    if !name.is_empty() {
        parts.push(name);
    }
    parts.join(".")
}

fn is_builtin(name: &str) -> bool {
    BUILTINS.binary_search(&name).is_ok()
}

/// Python 3's builtin names; sorted for binary search (a test checks). A
/// name from this list is never taken from a `from m import *`.
const BUILTINS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "__build_class__",
    "__import__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_sorted() {
        let mut sorted = BUILTINS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, BUILTINS);
    }

    #[test]
    fn relative_imports_climb_packages() {
        assert_eq!(
            absolute_module("blog.views", 1, "models"),
            "blog.views.models"
        );
        assert_eq!(absolute_module("blog.views", 2, "models"), "blog.models");
        assert_eq!(absolute_module("blog", 1, ""), "blog");
        assert_eq!(absolute_module("", 1, "x"), "x");
        assert_eq!(absolute_module("a", 3, "x"), "x");
    }

    #[test]
    fn local_assignment_shadows_nothing_imported() {
        let mut s = Scopes::new("m");
        let f = s.push(ScopeKind::Function, 0);
        s.bind(0, "json", Binding::Import("json".into()));
        s.bind(f, "json", Binding::Local);
        let chain = Chain {
            head: "json",
            rest: ".loads".into(),
        };
        assert_eq!(s.resolve(0, &chain).as_deref(), Some("json.loads"));
        assert_eq!(s.resolve(f, &chain), None);
    }

    #[test]
    fn instances_resolve_through_calls() {
        let mut s = Scopes::new("m");
        s.bind(0, "Flask", Binding::Import("flask.Flask".into()));
        s.bind(
            0,
            "app",
            Binding::Value(
                Chain {
                    head: "Flask",
                    rest: "()".into(),
                },
                0,
            ),
        );
        let chain = Chain {
            head: "app",
            rest: ".route".into(),
        };
        assert_eq!(s.resolve(0, &chain).as_deref(), Some("flask.Flask().route"));
    }

    #[test]
    fn self_referencing_value_terminates() {
        let mut s = Scopes::new("m");
        s.bind(
            0,
            "x",
            Binding::Value(
                Chain {
                    head: "x",
                    rest: "()".into(),
                },
                0,
            ),
        );
        assert_eq!(
            s.resolve(
                0,
                &Chain {
                    head: "x",
                    rest: String::new()
                }
            ),
            None
        );
    }
}
