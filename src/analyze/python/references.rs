//! References: a name or dotted chain read somewhere in the module, with
//! the role it plays (called, decorating, a base, a `with` item, written).
//! Only the head is kept during the walk; whether the chain is worth
//! building is known once the head resolves, in `finish`. Calls are read
//! here too, since a call is where a reference gets its arguments.

use super::grammar::{
    fields, first_child, kind_name, kinds, last_child, line_of, named_kids, Code,
};
use super::scope::{Chain, ScopeId};
use super::sql::SQL_EXEC;
use super::walker::{Frame, Walker};
use crate::analyze::facts::{role, Keywords};
use tree_sitter::Node;

/// What a call looked like, for checks that need its arguments.
#[derive(Clone, Copy, Default)]
pub(super) struct CallInfo {
    pub(super) first_arg_literal: bool,
    pub(super) has_args: bool,
}

/// A reference as written; its dotted chain is only built if its head
/// resolves to an import or builtin (most names are local variables).
pub(super) struct RawRef<'s, 't> {
    pub(super) scope: ScopeId,
    pub(super) head: &'s str,
    pub(super) node: Node<'t>,
    pub(super) roles: u8,
    pub(super) line: u32,
    /// The call this name is the function of; its arguments are read only
    /// if the name resolves to something a check looks at.
    pub(super) call: Option<Node<'t>>,
    /// The argument list whose keywords go with the reference: a call's, or
    /// for a base class, the class statement's (`class T(SQLModel, table=True)`).
    pub(super) args: Option<Node<'t>>,
}

impl<'s, 'c, 't> Walker<'s, 'c, 't> {
    pub(super) fn reference(&mut self, f: Frame<'t>, stack: &[Frame<'t>]) {
        let parent = stack.last();
        let grand = stack.len().checked_sub(2).and_then(|i| stack.get(i));
        if let Some(p) = parent {
            if p.code == Code::Attribute {
                return; // part of a longer chain, or the attribute's own name
            }
            if p.code == Code::Subscript && f.field == fields().value {
                return; // `x` of `x[...]`: part of a longer chain
            }
            if f.code == Code::Identifier && !self.is_load(f, p) {
                return;
            }
        }
        let Some(head) = self.chain_head(f.node) else {
            return;
        };
        let head_name = self.text(head);
        if self.scopes.is_plain_local(self.scope(), head_name) {
            return;
        }
        // `os.environ["K"] = v`, `run.font.size = Pt(9)`: a write, not a read.
        let written = parent
            .is_some_and(|p| matches!(p.code, Code::Assignment | Code::AugAssignment))
            && f.field == fields().left
            && f.code != Code::Identifier;
        let mut roles = if written { role::WRITE } else { role::USE };
        let mut call = None;
        let mut args = None;
        if let Some(p) = parent {
            if p.code == Code::Call && f.field == fields().function {
                roles = role::CALL;
                call = Some(p.node);
                args = p.node.child_by_field_id(fields().arguments);
                if let Some(g) = grand {
                    match kind_name(g.node) {
                        "decorator" => roles |= role::DECORATOR,
                        "with_item" => roles |= role::WITH,
                        "as_pattern" => {
                            let ggi = stack.len().checked_sub(3);
                            if ggi
                                .and_then(|i| stack.get(i))
                                .is_some_and(|gg| gg.code == Code::WithItem)
                            {
                                roles |= role::WITH;
                            }
                        }
                        _ => {}
                    }
                }
                if grand.is_some_and(|g| g.code == Code::Return) {
                    roles |= role::RETURN;
                }
            } else if kind_name(p.node) == "decorator" {
                roles = role::DECORATOR;
            } else if p.code == Code::Return && !written {
                roles |= role::RETURN;
            } else if p.code == Code::ArgList
                && p.field == fields().superclasses
                && grand.is_some_and(|g| g.code == Code::Class)
            {
                roles = role::BASE;
                args = Some(p.node);
                if let Some(chain) = self.chain(f.node) {
                    if let Some(class) = self.classes.last_mut() {
                        class.bases.push(chain);
                    }
                }
            }
        }
        self.refs.push(RawRef {
            scope: self.scope(),
            head: head_name,
            node: f.node,
            roles,
            line: line_of(f.node),
            call,
            args,
        });
    }

    /// The keyword arguments of an argument list, with their literal values.
    pub(super) fn keywords(&self, args: Node) -> Option<Keywords> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for a in named_kids(args).filter(|a| kind_name(a) == "keyword_argument") {
            let (Some(name), Some(value)) = (
                a.child_by_field_id(fields().name),
                a.child_by_field_id(fields().value),
            ) else {
                continue;
            };
            let values = match kind_name(value) {
                "list" | "tuple" | "set" => {
                    named_kids(value).filter_map(|v| self.literal(v)).collect()
                }
                _ => self.literal(value).into_iter().collect(),
            };
            out.push((self.text(name).to_string(), values));
        }
        (!out.is_empty()).then(|| out.into_boxed_slice())
    }

    /// A literal's value as text: a string's content, or `True`, `3`, `None`.
    fn literal(&self, node: Node) -> Option<String> {
        match kind_name(node) {
            "string" | "concatenated_string" => self.plain_string(node).map(str::to_string),
            "true" | "false" | "none" | "integer" | "float" => Some(self.text(node).to_string()),
            _ => None,
        }
    }

    /// Whether an identifier is read here (not a name being bound or defined).
    fn is_load(&self, f: Frame, parent: &Frame) -> bool {
        let fl = fields();
        if f.field != 0 && (f.field == fl.name || f.field == fl.left || f.field == fl.alias) {
            return false;
        }
        !kinds()
            .binds
            .get(parent.node.kind_id() as usize)
            .copied()
            .unwrap_or(false)
    }

    /// The name a chain starts with (`a` of `a.b().c`), or `None` when it
    /// starts with anything but a name (a literal, a subscript, ...).
    fn chain_head<'n>(&self, node: Node<'n>) -> Option<Node<'n>> {
        let mut cur = node;
        for _ in 0..64 {
            match kinds().table.get(cur.kind_id() as usize) {
                Some(Code::Identifier) => return Some(cur),
                // The object, function or value is always the first child.
                Some(Code::Attribute | Code::Call | Code::Subscript) => cur = first_child(cur)?,
                _ => return None,
            }
        }
        None
    }

    /// `a.b().c` as head `a` and rest `.b().c`; `None` when it starts with
    /// anything but a name (a literal, a subscript, ...).
    pub(super) fn chain(&self, node: Node<'_>) -> Option<Chain<'s>> {
        let mut rest: Vec<&str> = Vec::new();
        let mut cur = node;
        for _ in 0..64 {
            match kind_name(cur) {
                "identifier" => {
                    let head = self.text(cur);
                    rest.reverse();
                    return Some(Chain {
                        head,
                        rest: rest.concat(),
                    });
                }
                "attribute" => {
                    rest.push(self.text(last_child(cur)?));
                    rest.push(".");
                    cur = first_child(cur)?;
                }
                "call" => {
                    rest.push("()");
                    cur = first_child(cur)?;
                }
                // Transparent: `os.environ["K"]` is a use of `os.environ`.
                "subscript" => cur = first_child(cur)?,
                _ => return None,
            }
        }
        None
    }

    pub(super) fn call_info(&self, call: Node) -> CallInfo {
        let mut info = CallInfo::default();
        let Some(args) = call.child_by_field_id(fields().arguments) else {
            return info;
        };
        let mut first = true;
        for a in named_kids(args) {
            if kind_name(a) == "comment" {
                continue;
            }
            info.has_args = true;
            if first && kind_name(a) != "keyword_argument" {
                info.first_arg_literal = matches!(kind_name(a), "string" | "concatenated_string")
                    && self.plain_string(a).is_some();
                first = false;
            }
        }
        info
    }

    pub(super) fn call(&mut self, node: Node<'_>) {
        let Some(function) = first_child(node) else {
            return;
        };
        match kind_name(function) {
            "identifier" => {
                let name = self.text(function);
                if let Some(func) = self.funcs.last_mut() {
                    func.called.push(name);
                    if name == func.name && !func.is_method {
                        func.self_call = true;
                    }
                }
            }
            "attribute" => {
                let attr = last_child(function).map(|a| self.text(a)).unwrap_or("");
                let object = first_child(function).map(|o| self.text(o)).unwrap_or("");
                if let Some(func) = self.funcs.last_mut() {
                    if attr.starts_with("assert") || attr == "raises" || attr == "fail" {
                        func.has_assert = true;
                    }
                    if func.is_method && attr == func.name && (object == "self" || object == "cls")
                    {
                        func.self_call = true;
                    }
                }
                if SQL_EXEC.contains(&attr) {
                    self.sql_call(node, attr.starts_with("read_sql"));
                }
            }
            _ => {}
        }
    }
}
