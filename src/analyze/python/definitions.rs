//! Definitions: a def or class opens a scope and collects, until it
//! closes, what only its whole body shows (recursion, closures, the methods
//! that make a context manager). Parameters are bound here because their
//! annotations and pytest fixture names give them types.

use super::grammar::{fields, has_docstring, kind_name, line_of, named_kids};
use super::head_of;
use super::scope::{Binding, Chain, ScopeId, ScopeKind};
use super::walker::{Frame, Walker};
use crate::analyze::facts::Feature;
use tree_sitter::Node;

pub(super) struct FuncState<'s> {
    pub(super) name: &'s str,
    pub(super) line: u32,
    pub(super) params: Vec<&'s str>,
    pub(super) is_method: bool,
    /// Inner defs, and whether each calls one of this function's parameters.
    pub(super) inner_defs: Vec<(&'s str, bool)>,
    pub(super) returned: Vec<&'s str>,
    pub(super) called: Vec<&'s str>,
    pub(super) self_call: bool,
    pub(super) has_assert: bool,
}

pub(super) struct ClassState<'s> {
    pub(super) name: &'s str,
    pub(super) line: u32,
    pub(super) scope: ScopeId,
    pub(super) methods: Vec<&'s str>,
    pub(super) linked: bool,
    pub(super) bases: Vec<Chain<'s>>,
    pub(super) at_module_level: bool,
    /// The scope the class is defined in.
    pub(super) outer: ScopeId,
}

#[derive(Default)]
pub(super) struct ParamSummary<'s> {
    names: Vec<&'s str>,
    defaults: bool,
    varargs: bool,
    keyword_only: bool,
    annotatable: u64,
    annotated: u64,
}

/// pytest's built-in fixtures (and pytest-mock's), typed by their fixed
/// names: in a test, `def test_x(mocker)` gets a `MockerFixture`.
fn pytest_fixture(name: &str) -> Option<&'static str> {
    Some(match name {
        "mocker" => "pytest_mock.MockerFixture()",
        "monkeypatch" => "pytest.MonkeyPatch()",
        "tmp_path" => "pathlib.Path()",
        "capsys" | "capfd" => "pytest.CaptureFixture()",
        "caplog" => "pytest.LogCaptureFixture()",
        "requests_mock" => "requests_mock.Mocker()",
        "httpx_mock" => "pytest_httpx.HTTPXMock()",
        "benchmark" => "pytest_benchmark.fixture.BenchmarkFixture()",
        _ => return None,
    })
}

impl<'s, 'c, 't> Walker<'s, 'c, 't> {
    /// The name a def or class is defined with; empty where the parse lost it.
    fn defined_name(&self, node: Node<'_>) -> &'s str {
        node.child_by_field_id(fields().name)
            .map(|n| self.text(n))
            .unwrap_or("")
    }

    /// A public def or class should have a docstring: counts it as wanting
    /// one, and as having one when its body opens with a string.
    fn count_docstring(&mut self, node: Node<'_>, name: &str) {
        if name.starts_with('_') {
            return;
        }
        let m = &mut self.facts.metrics;
        m.docstring_targets += 1;
        if node
            .child_by_field_id(fields().body)
            .is_some_and(has_docstring)
        {
            m.docstrings += 1;
        }
    }

    pub(super) fn enter_function(&mut self, node: Node<'t>, stack: &[Frame<'t>]) {
        let name = self.defined_name(node);
        let line = line_of(node);
        let outer = self.scope();
        let is_method = self.scopes.kind(outer) == ScopeKind::Class;
        self.scopes.bind(outer, name, Binding::Local);
        let is_static = stack.last().is_some_and(|p| {
            kind_name(p.node) == "decorated_definition"
                && self.text(p.node).contains("@staticmethod")
        });
        self.feature(Feature::Function, line, name);
        if self.starts_with_async(node) {
            self.feature(Feature::AsyncFunction, line, format!("async def {name}"));
        }
        self.facts.defs.push((name.to_string(), line, is_method));

        let s = self.scopes.push(ScopeKind::Function, outer);
        let mut state = FuncState {
            name,
            line,
            params: Vec::new(),
            is_method,
            inner_defs: Vec::new(),
            returned: Vec::new(),
            called: Vec::new(),
            self_call: false,
            has_assert: false,
        };
        let receiver = if is_method && !is_static {
            let is_classmethod = stack.last().is_some_and(|p| {
                kind_name(p.node) == "decorated_definition"
                    && self.text(p.node).contains("@classmethod")
            });
            Some(self.receiver_binding(is_classmethod))
        } else {
            None
        };
        let (annotatable, annotated) = match node.child_by_field_id(fields().parameters) {
            Some(params) => {
                let summary = self.bind_params(params, s, receiver);
                state.params = summary.names;
                if summary.defaults {
                    self.feature(Feature::FunctionDefaults, line, name);
                }
                if summary.varargs {
                    self.feature(Feature::FunctionVarargs, line, name);
                }
                if summary.keyword_only {
                    self.feature(Feature::FunctionKeywordOnly, line, name);
                }
                (summary.annotatable, summary.annotated)
            }
            None => (0, 0),
        };
        let returns = node.child_by_field_id(fields().return_type).is_some();
        if returns || annotated > 0 {
            self.feature(Feature::AnnotatedFunction, line, name);
        }
        if !self.ctx.is_test {
            let m = &mut self.facts.metrics;
            m.functions += 1;
            m.params_annotatable += annotatable;
            m.params_annotated += annotated;
            if name != "__init__" {
                m.returns_annotatable += 1;
                m.returns_annotated += u64::from(returns);
            }
            self.count_docstring(node, name);
        }
        if let Some(class) = self.classes.last_mut() {
            if class.scope == outer {
                class.methods.push(name);
            }
        }
        self.scope_stack.push(s);
        self.funcs.push(state);
    }

    pub(super) fn leave_function(&mut self) {
        self.scope_stack.pop();
        let Some(f) = self.funcs.pop() else { return };
        let calls_param = f.called.iter().any(|c| f.params.contains(c));
        if calls_param {
            self.feature(Feature::HigherOrderFunction, f.line, f.name);
        }
        if f.self_call {
            self.feature(Feature::Recursion, f.line, f.name);
        }
        let returned_inner: Vec<&(&str, bool)> = f
            .inner_defs
            .iter()
            .filter(|(n, _)| f.returned.contains(n))
            .collect();
        if !returned_inner.is_empty() {
            self.feature(Feature::Closure, f.line, f.name);
            if returned_inner.iter().any(|(_, calls_outer)| *calls_outer) {
                self.feature(Feature::DecoratorDefinition, f.line, f.name);
            }
        }
        if self.ctx.is_test && f.name.starts_with("test") && f.has_assert {
            self.feature(Feature::TestFunction, f.line, f.name);
            self.facts.metrics.test_functions += 1;
        }
        if let Some(outer) = self.funcs.last_mut() {
            let calls_outer = f.called.iter().any(|c| outer.params.contains(c));
            outer.inner_defs.push((f.name, calls_outer));
            // An assertion in a nested helper still belongs to the test.
            outer.has_assert |= f.has_assert;
        }
    }

    /// What `self` (or `cls`) stands for in a method of the current class:
    /// an instance of the class when one of its bases is imported (a
    /// `TestCase`, a `Model`), so `self.assertEqual` and `self.client.get`
    /// resolve through that base; a plain local otherwise (most classes,
    /// and it keeps the walk cheap).
    fn receiver_binding(&self, is_classmethod: bool) -> Binding<'s> {
        let Some(class) = self.classes.last() else {
            return Binding::Local;
        };
        let imported_base = class.bases.iter().any(|b| {
            self.scopes
                .resolve(class.outer, b)
                .is_some_and(|q| !self.ctx.local_heads.contains(head_of(&q)))
        });
        if !imported_base {
            return Binding::Local;
        }
        let rest = if is_classmethod {
            String::new()
        } else {
            "()".to_string()
        };
        Binding::Value(
            Chain {
                head: class.name,
                rest,
            },
            class.outer,
        )
    }

    /// Binds a def's parameters in its scope. `receiver` is the binding of
    /// the first parameter of a method (`self`/`cls`), which is not counted
    /// as annotatable.
    pub(super) fn bind_params(
        &mut self,
        params: Node<'_>,
        scope: ScopeId,
        receiver: Option<Binding<'s>>,
    ) -> ParamSummary<'s> {
        let skip_first = receiver.is_some();
        let mut receiver = receiver;
        let mut sum = ParamSummary::default();
        let mut first = true;
        for p in named_kids(params) {
            let (name_node, annotation, splat) = match kind_name(p) {
                "identifier" => (Some(p), None, false),
                "typed_parameter" => {
                    let inner = named_kids(p).find(|n| kind_name(n) != "type");
                    let splat = inner.is_some_and(|n| kind_name(n) != "identifier");
                    let name = inner.map(|n| {
                        if kind_name(n) == "identifier" {
                            n
                        } else {
                            n.named_child(0).unwrap_or(n)
                        }
                    });
                    (name, p.child_by_field_id(fields().type_), splat)
                }
                "default_parameter" => {
                    sum.defaults = true;
                    (p.child_by_field_id(fields().name), None, false)
                }
                "typed_default_parameter" => {
                    sum.defaults = true;
                    (
                        p.child_by_field_id(fields().name),
                        p.child_by_field_id(fields().type_),
                        false,
                    )
                }
                "list_splat_pattern" | "dictionary_splat_pattern" => (p.named_child(0), None, true),
                "keyword_separator" => {
                    sum.keyword_only = true;
                    continue;
                }
                _ => continue,
            };
            if splat {
                sum.varargs = true;
            }
            let Some(name_node) = name_node else { continue };
            let name = self.text(name_node);
            let skip = first && skip_first;
            first = false;
            if skip {
                if let Some(b) = receiver.take() {
                    self.scopes.bind(scope, name, b);
                }
                continue;
            }
            sum.annotatable += 1;
            sum.annotated += u64::from(annotation.is_some());
            sum.names.push(name);
            let binding = annotation
                .and_then(|t| t.named_child(0))
                .filter(|t| matches!(kind_name(t), "identifier" | "attribute"))
                .and_then(|t| self.chain(t))
                .map(|mut ch| {
                    ch.rest.push_str("()");
                    Binding::Value(ch, scope.saturating_sub(0))
                })
                .unwrap_or(Binding::Local);
            // An annotation is evaluated outside the function: resolve it there.
            let binding = match binding {
                Binding::Value(ch, _) => Binding::Value(ch, self.scope()),
                Binding::Local if self.ctx.is_test => pytest_fixture(name)
                    .map(|q| Binding::Import(q.to_string()))
                    .unwrap_or(Binding::Local),
                b => b,
            };
            self.scopes.bind(scope, name, binding);
        }
        sum
    }

    pub(super) fn enter_class(&mut self, node: Node<'_>) {
        let name = self.defined_name(node);
        let line = line_of(node);
        let outer = self.scope();
        self.scopes.bind(outer, name, Binding::Class);
        if let Some(sup) = node.child_by_field_id(fields().superclasses) {
            let meta = named_kids(sup).any(|a| {
                kind_name(a) == "keyword_argument"
                    && a.child_by_field_id(fields().name)
                        .is_some_and(|n| self.text(n) == "metaclass")
            });
            if meta {
                self.feature(Feature::Metaclass, line, name);
            }
        }
        if !self.ctx.is_test {
            self.facts.metrics.classes += 1;
            self.count_docstring(node, name);
        }
        let s = self.scopes.push(ScopeKind::Class, outer);
        self.classes.push(ClassState {
            name,
            line,
            scope: s,
            methods: Vec::new(),
            linked: false,
            bases: Vec::new(),
            at_module_level: outer == 0,
            outer,
        });
        self.scope_stack.push(s);
    }

    pub(super) fn leave_class(&mut self) {
        self.scope_stack.pop();
        let Some(c) = self.classes.pop() else { return };
        let has = |m: &str| c.methods.contains(&m);
        if !c.methods.is_empty() {
            self.feature(Feature::ClassWithMethods, c.line, c.name);
        }
        if (has("__enter__") && has("__exit__")) || (has("__aenter__") && has("__aexit__")) {
            self.feature(Feature::ContextManagerClass, c.line, c.name);
        }
        if has("__iter__") || has("__next__") || has("__aiter__") || has("__anext__") {
            self.feature(Feature::IteratorClass, c.line, c.name);
        }
        if has("__get__") || has("__set__") || has("__set_name__") || has("__delete__") {
            self.feature(Feature::Descriptor, c.line, c.name);
        }
        if c.linked {
            self.feature(Feature::LinkedNodeClass, c.line, c.name);
        }
        self.finished_classes.push(c);
    }
}
