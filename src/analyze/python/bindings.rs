//! Bindings: what a name stands for after an import, an assignment, a
//! `with ... as` or an `except ... as`, so later references resolve. These
//! statements are also where credentials, settings, linked nodes and
//! swallowed exceptions show, so their features are stated while the
//! binding is read.

use super::grammar::{fields, kind_name, line_of, named_kids};
use super::head_of;
use super::scope::{absolute_module, Binding, ScopeId};
use super::sql::{SqlText, SqlVar};
use super::walker::Walker;
use crate::analyze::facts::Feature;
use tree_sitter::Node;

/// Names of `self.<x>` attributes that link one node to another.
const LINK_ATTRS: &[&str] = &["next", "prev", "left", "right", "next_node", "prev_node"];

fn join(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_string()
    } else {
        format!("{module}.{name}")
    }
}

impl<'s, 'c, 't> Walker<'s, 'c, 't> {
    /// An import of a module of this repository is a `local_import` feature,
    /// not an import of an outside library (a learner's `schedule.py` is not `schedule`).
    fn record_import(&mut self, module: String, line: u32) {
        if self.ctx.local_heads.contains(head_of(&module)) {
            if !self
                .facts
                .features
                .iter()
                .any(|(f, l, _)| *f == Feature::LocalImport && *l == line)
            {
                self.feature(Feature::LocalImport, line, module);
            }
        } else {
            self.facts.imports.push((module, line));
        }
    }

    pub(super) fn import(&mut self, node: Node<'_>) {
        let s = self.scope();
        let mut c = node.walk();
        for child in node.children_by_field_id(fields().name_id, &mut c) {
            match kind_name(child) {
                "dotted_name" => {
                    let full = self.text(child);
                    let head = full.split('.').next().unwrap_or(full);
                    self.scopes.bind(s, head, Binding::Import(head.to_string()));
                    self.record_import(full.to_string(), line_of(child));
                }
                "aliased_import" => {
                    if let (Some(name), Some(alias)) = (
                        child.child_by_field_id(fields().name),
                        child.child_by_field_id(fields().alias),
                    ) {
                        let full = self.text(name).to_string();
                        self.scopes
                            .bind(s, self.text(alias), Binding::Import(full.clone()));
                        self.record_import(full, line_of(child));
                    }
                }
                _ => {}
            }
        }
    }

    pub(super) fn import_from(&mut self, node: Node<'_>) {
        let s = self.scope();
        let line = line_of(node);
        let module = match node.child_by_field_id(fields().module_name) {
            Some(m) if kind_name(m) == "relative_import" => {
                let mut level = 0;
                let mut name = "";
                for part in named_kids(m) {
                    match kind_name(part) {
                        "import_prefix" => {
                            level = self.text(part).chars().filter(|&ch| ch == '.').count()
                        }
                        "dotted_name" => name = self.text(part),
                        _ => {}
                    }
                }
                absolute_module(&self.package, level, name)
            }
            Some(m) => self.text(m).to_string(),
            None => "__future__".to_string(),
        };
        if !module.is_empty() {
            self.record_import(module.clone(), line);
        }
        for child in named_kids(node) {
            match kind_name(child) {
                "wildcard_import" => self.scopes.star_import(s, module.clone()),
                "aliased_import" => {
                    if let (Some(name), Some(alias)) = (
                        child.child_by_field_id(fields().name),
                        child.child_by_field_id(fields().alias),
                    ) {
                        let q = join(&module, self.text(name));
                        self.scopes
                            .bind(s, self.text(alias), Binding::Import(q.clone()));
                        self.record_import(q, line);
                    }
                }
                "dotted_name" if Some(child) != node.child_by_field_id(fields().module_name) => {
                    let n = self.text(child);
                    let q = join(&module, n);
                    self.scopes.bind(s, n, Binding::Import(q.clone()));
                    self.record_import(q, line);
                }
                _ => {}
            }
        }
    }

    pub(super) fn assignment(&mut self, node: Node<'_>) {
        let Some(left) = node.child_by_field_id(fields().left) else {
            return;
        };
        let right = node.child_by_field_id(fields().right);
        let s = self.scope();
        match kind_name(left) {
            "identifier" => {
                let name = self.text(left);
                let binding = right
                    .and_then(|r| self.value_of(r, s))
                    .or_else(|| {
                        // `x: Foo` with no call on the right: an instance of Foo.
                        let t = node.child_by_field_id(fields().type_)?.named_child(0)?;
                        let mut ch = self.chain(t)?;
                        ch.rest.push_str("()");
                        Some(Binding::Value(ch, s))
                    })
                    .unwrap_or(Binding::Local);
                self.scopes.bind(s, name, binding);
                if let Some(r) = right {
                    self.secret_pair(name, r);
                    match self.classify_sql(r) {
                        SqlText::None => {}
                        t => {
                            self.sql_vars.insert(
                                (s, name),
                                SqlVar {
                                    built: t == SqlText::Built,
                                    line: line_of(node),
                                },
                            );
                        }
                    }
                    if s == 0
                        && name == "DEBUG"
                        && self.text(r) == "True"
                        && self.is_settings_file()
                    {
                        self.feature(Feature::DjangoDebugTrue, line_of(node), "");
                    }
                }
            }
            "attribute" => {
                let obj = left
                    .child_by_field_id(fields().object)
                    .map(|o| self.text(o));
                let attr = left
                    .child_by_field_id(fields().attribute)
                    .map(|a| self.text(a))
                    .unwrap_or("");
                // A link holds another node (or None until there is one), not a flag or a count.
                let links = right.is_some_and(|r| {
                    matches!(
                        kind_name(r),
                        "none" | "identifier" | "call" | "attribute" | "subscript"
                    )
                });
                if obj == Some("self") {
                    if LINK_ATTRS.contains(&attr) && links {
                        if let Some(c) = self.classes.last_mut() {
                            c.linked = true;
                        }
                    }
                    if let Some(r) = right {
                        self.secret_pair(attr, r);
                    }
                }
            }
            "pattern_list" | "tuple_pattern" | "tuple" => {
                // `fig, ax = plt.subplots()`: each name comes from the call;
                // `a, b = f(), g()`: pairwise.
                let names: Vec<Node> = named_kids(left).collect();
                let values: Vec<Node> = match right {
                    Some(r) if matches!(kind_name(r), "expression_list" | "tuple") => {
                        named_kids(r).collect()
                    }
                    _ => Vec::new(),
                };
                for (i, n) in names.iter().enumerate() {
                    if kind_name(n) != "identifier" {
                        self.bind_targets(*n);
                        continue;
                    }
                    let value = if values.len() == names.len() {
                        values.get(i).copied()
                    } else {
                        right
                    };
                    let binding = value
                        .and_then(|v| self.value_of(v, s))
                        .unwrap_or(Binding::Local);
                    self.scopes.bind(s, self.text(*n), binding);
                }
            }
            _ => self.bind_targets(left),
        }
    }

    /// What a name assigned `value` stands for: what a call, name or
    /// attribute chain resolves to (`Flask(__name__)`, `conn.cursor()`).
    fn value_of(&self, value: Node<'_>, scope: ScopeId) -> Option<Binding<'s>> {
        if !matches!(
            kind_name(value),
            "call" | "identifier" | "attribute" | "subscript"
        ) {
            return None;
        }
        self.chain(value).map(|ch| Binding::Value(ch, scope))
    }

    fn is_settings_file(&self) -> bool {
        let p = self.ctx.path;
        p.ends_with("settings.py") || p.contains("/settings/")
    }

    /// Binds every name in an assignment or loop target as a local.
    pub(super) fn bind_targets(&mut self, target: Node<'_>) {
        self.bind_targets_at(target, 0);
    }

    fn bind_targets_at(&mut self, target: Node<'_>, depth: u32) {
        if depth > 32 {
            return;
        }
        let s = self.scope();
        match kind_name(target) {
            "identifier" => self.scopes.bind(s, self.text(target), Binding::Local),
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "list_splat_pattern"
            | "parenthesized_expression"
            | "expression_list"
            | "tuple"
            | "list" => {
                let children: Vec<Node> = named_kids(target).collect();
                for child in children {
                    self.bind_targets_at(child, depth + 1);
                }
            }
            _ => {}
        }
    }

    pub(super) fn with_item(&mut self, node: Node<'_>) {
        let Some(value) = node.child_by_field_id(fields().value) else {
            return;
        };
        if kind_name(value) != "as_pattern" {
            return;
        }
        let Some(alias) = value.child_by_field_id(fields().alias) else {
            return;
        };
        let Some(target) = alias.named_child(0) else {
            return;
        };
        let s = self.scope();
        if kind_name(target) != "identifier" {
            self.bind_targets(target);
            return;
        }
        let binding = value
            .named_child(0)
            .filter(|v| kind_name(v) == "call")
            .and_then(|v| self.chain(v))
            .map(|ch| Binding::Value(ch, s))
            .unwrap_or(Binding::Local);
        self.scopes.bind(s, self.text(target), binding);
    }

    pub(super) fn except_clause(&mut self, node: Node<'_>) {
        let line = line_of(node);
        let value = node.child_by_field_id(fields().value);
        if let Some(alias) = node.child_by_field_id(fields().alias) {
            let s = self.scope();
            self.scopes.bind(s, self.text(alias), Binding::Local);
        }
        let (value, alias_in_value) = match value {
            Some(v) if kind_name(v) == "as_pattern" => (v.named_child(0), true),
            v => (v, false),
        };
        if alias_in_value {
            if let Some(target) = node
                .child_by_field_id(fields().value)
                .and_then(|v| v.child_by_field_id(fields().alias))
            {
                if let Some(t) = target.named_child(0) {
                    let s = self.scope();
                    self.scopes.bind(s, self.text(t), Binding::Local);
                }
            }
        }
        let broad = match value {
            None => true,
            Some(v) => matches!(self.text(v), "Exception" | "BaseException"),
        };
        if broad {
            self.feature(
                Feature::ExceptBroad,
                line,
                self.text(value.unwrap_or(node))
                    .lines()
                    .next()
                    .unwrap_or(""),
            );
        } else {
            self.feature(
                Feature::ExceptSpecific,
                line,
                value.map(|v| self.text(v)).unwrap_or(""),
            );
        }
        let Some(block) = named_kids(node).find(|n| kind_name(n) == "block") else {
            return;
        };
        let stmts: Vec<Node> = named_kids(block)
            .filter(|n| kind_name(n) != "comment")
            .collect();
        let reraises = stmts.iter().any(|s| kind_name(s) == "raise_statement");
        let only_pass = stmts.iter().all(|s| {
            matches!(kind_name(s), "pass_statement" | "continue_statement")
                || (kind_name(s) == "expression_statement" && self.text(*s) == "...")
        });
        if value.is_none() && !reraises {
            self.feature(Feature::BareExcept, line, "");
        } else if broad && only_pass {
            self.feature(Feature::ExceptPass, line, "");
        }
    }
}
