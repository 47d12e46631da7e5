//! The walk itself: one cursor pass over the tree that hands each node to
//! its handler on the way down and closes scopes on the way up. It holds the
//! order of visiting and the state carried between nodes (the [`Walker`]);
//! a node kind that takes more than a few lines to read has its handler in
//! a sibling module, so the dispatch in `enter` can be read at a glance.

use super::checks;
use super::definitions::{ClassState, FuncState};
use super::grammar::{fields, has_docstring, kids, kind_name, kinds, line_of, named_kids, Code};
use super::references::RawRef;
use super::scope::{Binding, ScopeId, ScopeKind, Scopes};
use super::sql::SqlVar;
use super::Context;
use crate::analyze::facts::{Feature, PythonFacts};
use std::collections::HashMap;
use tree_sitter::Node;

/// A node on the path from the root to the current node.
#[derive(Clone, Copy)]
pub(super) struct Frame<'t> {
    pub(super) node: Node<'t>,
    pub(super) code: Code,
    /// The node's field in its parent; only fetched where a rule of the walk
    /// needs it (names and argument lists), since the cursor pays for it.
    pub(super) field: u16,
}

pub(super) struct Walker<'s, 'c, 't> {
    pub(super) src: &'s str,
    pub(super) ctx: &'c Context<'c>,
    pub(super) package: String,
    pub(super) scopes: Scopes<'s>,
    pub(super) scope_stack: Vec<ScopeId>,
    pub(super) funcs: Vec<FuncState<'s>>,
    pub(super) classes: Vec<ClassState<'s>>,
    pub(super) finished_classes: Vec<ClassState<'s>>,
    pub(super) refs: Vec<RawRef<'s, 't>>,
    pub(super) sql_vars: HashMap<(ScopeId, &'s str), SqlVar>,
    pub(super) facts: PythonFacts,
}

impl<'s, 'c, 't> Walker<'s, 'c, 't> {
    pub(super) fn new(src: &'s str, ctx: &'c Context<'c>, facts: PythonFacts) -> Self {
        let package = if ctx.is_package {
            ctx.module.to_string()
        } else {
            ctx.module
                .rsplit_once('.')
                .map(|(p, _)| p.to_string())
                .unwrap_or_default()
        };
        Walker {
            src,
            ctx,
            package,
            scopes: Scopes::new(ctx.module),
            scope_stack: vec![0],
            funcs: Vec::new(),
            classes: Vec::new(),
            finished_classes: Vec::new(),
            refs: Vec::new(),
            sql_vars: HashMap::new(),
            facts,
        }
    }

    pub(super) fn text(&self, node: Node) -> &'s str {
        self.src.get(node.byte_range()).unwrap_or("")
    }

    pub(super) fn scope(&self) -> ScopeId {
        *self.scope_stack.last().unwrap_or(&0)
    }

    pub(super) fn feature(&mut self, f: Feature, line: u32, detail: impl Into<String>) {
        self.facts.features.push((f, line, detail.into()));
    }

    pub(super) fn walk(&mut self, root: Node<'t>) {
        let table = &kinds().table;
        let mut cursor = root.walk();
        let mut stack: Vec<Frame<'t>> = Vec::new();
        self.module_docstring(root);
        loop {
            let node = cursor.node();
            let kind = node.kind_id();
            let code = table.get(kind as usize).copied().unwrap_or(Code::Other);
            let field = match code {
                Code::Identifier | Code::Attribute | Code::ArgList | Code::Subscript => {
                    cursor.field_id().map_or(0, |f| f.get())
                }
                _ => 0,
            };
            let frame = Frame { node, code, field };
            if self
                .ctx
                .syntax_kinds
                .get(kind as usize)
                .copied()
                .unwrap_or(false)
            {
                self.facts.syntax.push((kind, line_of(node)));
            }
            let descend = self.enter(frame, &stack);
            stack.push(frame);
            if descend && cursor.goto_first_child() {
                continue;
            }
            loop {
                if let Some(done) = stack.pop() {
                    self.leave(done);
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    /// Handles a node on the way down; returns whether to visit its children.
    fn enter(&mut self, f: Frame<'t>, stack: &[Frame<'t>]) -> bool {
        let node = f.node;
        match f.code {
            Code::Identifier | Code::Attribute | Code::Subscript => self.reference(f, stack),
            Code::Call => self.call(node),
            Code::Function => self.enter_function(node, stack),
            Code::Class => self.enter_class(node),
            Code::Lambda => {
                let s = self.scopes.push(ScopeKind::Function, self.scope());
                if let Some(params) = node.child_by_field_id(fields().parameters) {
                    self.bind_params(params, s, None);
                }
                self.scope_stack.push(s);
            }
            Code::Import => {
                self.import(node);
                return false;
            }
            Code::ImportFrom => {
                self.import_from(node);
                return false;
            }
            Code::Assignment => self.assignment(node),
            Code::AugAssignment | Code::For | Code::ForIn => {
                if let Some(left) = node.child_by_field_id(fields().left) {
                    self.bind_targets(left);
                }
                if f.code == Code::For && self.starts_with_async(node) {
                    self.feature(Feature::AsyncFor, line_of(node), "async for");
                }
            }
            Code::With => {
                if self.starts_with_async(node) {
                    self.feature(Feature::AsyncWith, line_of(node), "async with");
                }
            }
            Code::WithItem => self.with_item(node),
            Code::NamedExpr => {
                if let Some(name) = node.child_by_field_id(fields().name) {
                    let s = self.scope();
                    self.scopes.bind(s, self.text(name), Binding::Local);
                }
            }
            Code::Except => self.except_clause(node),
            Code::Try => {
                for child in named_kids(node) {
                    match kind_name(child) {
                        "finally_clause" => {
                            self.feature(Feature::TryFinally, line_of(child), "try/finally")
                        }
                        "else_clause" => self.feature(Feature::TryElse, line_of(child), "try/else"),
                        _ => {}
                    }
                }
            }
            Code::Raise => {
                if node.child_by_field_id(fields().cause).is_some() {
                    self.feature(Feature::RaiseFrom, line_of(node), "raise ... from ...");
                }
            }
            Code::If => {
                if let Some(cond) = node.child_by_field_id(fields().condition) {
                    let t = self.text(cond);
                    if t.contains("__name__") && t.contains("__main__") {
                        self.feature(
                            Feature::MainGuard,
                            line_of(node),
                            "if __name__ == \"__main__\"",
                        );
                    }
                }
            }
            Code::Skip => return false,
            Code::KeywordArg => {
                if let (Some(name), Some(value)) = (
                    node.child_by_field_id(fields().name),
                    node.child_by_field_id(fields().value),
                ) {
                    self.secret_pair(self.text(name), value);
                }
            }
            Code::Pair => {
                if let (Some(key), Some(value)) = (
                    node.child_by_field_id(fields().key),
                    node.child_by_field_id(fields().value),
                ) {
                    if kind_name(key) == "string" {
                        if let Some(k) = self.plain_string(key) {
                            self.secret_pair(k, value);
                        }
                    }
                }
            }
            Code::String => {
                if let Some(text) = self.plain_string(node) {
                    if let Some(kind) = checks::secret_literal(text) {
                        // One credential a line: a name given this literal
                        // (stated on the way down, before the string) or
                        // another literal on the line already says it.
                        let line = line_of(node);
                        let stated = self.facts.features.iter().any(|(f, l, _)| {
                            *l == line
                                && matches!(f, Feature::SecretAssignment | Feature::SecretLiteral)
                        });
                        if !stated {
                            self.feature(Feature::SecretLiteral, line, kind);
                        }
                    }
                }
                return false;
            }
            Code::Assert => {
                if let Some(func) = self.funcs.last_mut() {
                    func.has_assert = true;
                }
            }
            Code::Return => {
                let returned = named_kids(node).find(|n| kind_name(n) == "identifier");
                if let Some(id) = returned {
                    let name = self.text(id);
                    if let Some(func) = self.funcs.last_mut() {
                        func.returned.push(name);
                    }
                }
            }
            Code::Other | Code::ArgList => {}
        }
        true
    }

    fn leave(&mut self, f: Frame<'_>) {
        match f.code {
            Code::Function => self.leave_function(),
            Code::Class => self.leave_class(),
            Code::Lambda => {
                self.scope_stack.pop();
            }
            _ => {}
        }
    }

    pub(super) fn starts_with_async(&self, node: Node) -> bool {
        node.child(0).is_some_and(|c| kind_name(c) == "async")
    }

    /// The text of a string literal without interpolation, or `None`.
    pub(super) fn plain_string(&self, node: Node) -> Option<&'s str> {
        let mut content: Option<&'s str> = None;
        for child in kids(node) {
            match kind_name(child) {
                "interpolation" => return None,
                "string_content" => {
                    if content.is_some() {
                        // Escapes split the content; take the whole literal body.
                        let start = node.child(0)?.end_byte();
                        let end = node.child(node.child_count().checked_sub(1)?)?.start_byte();
                        return self.src.get(start..end);
                    }
                    content = Some(self.text(child));
                }
                _ => {}
            }
        }
        Some(content.unwrap_or(""))
    }

    pub(super) fn secret_pair(&mut self, name: &str, value: Node) {
        if self.ctx.is_test || kind_name(value) != "string" {
            return;
        }
        if let Some(v) = self.plain_string(value) {
            if let Some(bare) = checks::secret_assignment(name, v) {
                self.feature(Feature::SecretAssignment, line_of(value), bare);
            }
        }
    }

    fn module_docstring(&mut self, root: Node) {
        let mut c = root.walk();
        let has_defs = root.named_children(&mut c).any(|n| {
            matches!(
                kind_name(n),
                "function_definition" | "class_definition" | "decorated_definition"
            )
        });
        if has_defs && !self.ctx.is_test {
            self.facts.metrics.docstring_targets += 1;
            if has_docstring(root) {
                self.facts.metrics.docstrings += 1;
            }
        }
    }
}
