//! SQL text reaching an execute-like call: whether it is plain, or built
//! from strings where it is executed or where the variable holding it was
//! assigned. Kept apart because it follows SQL through expressions and
//! variables, which nothing else in the walk does.

use super::checks;
use super::grammar::{fields, kind_name, line_of, named_kids};
use super::walker::Walker;
use crate::analyze::facts::Feature;
use tree_sitter::Node;

/// A SQL string kept in a variable before it is executed.
#[derive(Clone, Copy)]
pub(super) struct SqlVar {
    pub(super) built: bool,
    pub(super) line: u32,
}

/// Calls that execute SQL text given as their first argument.
pub(super) const SQL_EXEC: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "exec_driver_sql",
    "read_sql",
    "read_sql_query",
    "raw",
    "mogrify",
];

/// What an expression holds as SQL: none, a literal, or text built from strings.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum SqlText {
    None,
    Plain,
    Built,
}

impl<'s, 'c, 't> Walker<'s, 'c, 't> {
    /// `reads_frame`: pandas' read_sql, whose second argument is the
    /// connection, so only `params=` passes parameters.
    pub(super) fn sql_call(&mut self, call: Node<'_>, reads_frame: bool) {
        let Some(args) = call.child_by_field_id(fields().arguments) else {
            return;
        };
        let positional: Vec<Node> = named_kids(args)
            .filter(|a| !matches!(kind_name(a), "keyword_argument" | "comment"))
            .collect();
        let has_params_kw = named_kids(args).any(|a| {
            kind_name(a) == "keyword_argument"
                && a.child_by_field_id(fields().name)
                    .is_some_and(|n| matches!(self.text(n), "params" | "parameters"))
        });
        let Some(&first) = positional.first() else {
            return;
        };
        let line = line_of(call);
        let (sql, built_at) = match self.classify_sql(first) {
            SqlText::Plain => (true, None),
            SqlText::Built => (true, Some(line)),
            SqlText::None if kind_name(first) == "identifier" => {
                match self.lookup_sql_var(self.text(first)) {
                    Some(v) if v.built => (true, Some(v.line)),
                    Some(_) => (true, None),
                    None => (false, None),
                }
            }
            SqlText::None => (false, None),
        };
        if !sql {
            return;
        }
        self.feature(Feature::SqlExecuted, line, "SQL executed");
        if let Some(at) = built_at {
            let detail = if at == line {
                "SQL built from strings".to_string()
            } else {
                format!("SQL built from strings (line {at})")
            };
            self.feature(Feature::SqlBuiltExecuted, line, detail);
        } else if has_params_kw || (positional.len() > 1 && !reads_frame) {
            self.feature(Feature::SqlParameterized, line, "parameterized query");
        }
    }

    fn lookup_sql_var(&self, name: &str) -> Option<SqlVar> {
        self.scope_stack
            .iter()
            .rev()
            .find_map(|s| self.sql_vars.get(&(*s, name)).copied())
    }

    pub(super) fn classify_sql(&self, node: Node) -> SqlText {
        self.classify_sql_at(node, 0)
    }

    /// Bounded: SQL is never built dozens of operators deep, and a generated
    /// file with thousands of `+` must not exhaust the stack.
    fn classify_sql_at(&self, node: Node, depth: u32) -> SqlText {
        if depth > 16 {
            return SqlText::None;
        }
        let recurse = |n: Node| self.classify_sql_at(n, depth + 1);
        match kind_name(node) {
            "string" => {
                let text = self.text(node);
                if !checks::is_sql(text) {
                    SqlText::None
                } else if self.plain_string(node).is_some() {
                    SqlText::Plain
                } else {
                    SqlText::Built
                }
            }
            "concatenated_string" => {
                let parts: Vec<SqlText> = named_kids(node).map(recurse).collect();
                let text_is_sql = checks::is_sql(self.text(node));
                if !text_is_sql {
                    SqlText::None
                } else if parts.contains(&SqlText::Built)
                    || named_kids(node).any(|n| self.plain_string(n).is_none())
                {
                    SqlText::Built
                } else {
                    SqlText::Plain
                }
            }
            "binary_operator" => {
                let op = node
                    .child_by_field_id(fields().operator)
                    .map(|o| self.text(o))
                    .unwrap_or("");
                let (Some(l), Some(r)) = (
                    node.child_by_field_id(fields().left),
                    node.child_by_field_id(fields().right),
                ) else {
                    return SqlText::None;
                };
                let both_literal = kind_name(l) == "string" && kind_name(r) == "string";
                let sql = recurse(l) != SqlText::None || recurse(r) != SqlText::None;
                if (op == "%" || op == "+") && sql && !both_literal {
                    SqlText::Built
                } else if sql {
                    SqlText::Plain
                } else {
                    SqlText::None
                }
            }
            "call" => {
                // "...".format(...)
                let Some(f) = node.child_by_field_id(fields().function) else {
                    return SqlText::None;
                };
                let called = match kind_name(f) {
                    "attribute" => f
                        .child_by_field_id(fields().attribute)
                        .map(|a| self.text(a)),
                    "identifier" => Some(self.text(f)),
                    _ => None,
                };
                if called == Some("format")
                    && f.child_by_field_id(fields().object)
                        .is_some_and(|o| recurse(o) != SqlText::None)
                {
                    SqlText::Built
                } else if called == Some("text") {
                    // SQLAlchemy's text("SELECT ... :id"): the SQL is its first argument.
                    node.child_by_field_id(fields().arguments)
                        .and_then(|a| named_kids(a).next())
                        .map(recurse)
                        .unwrap_or(SqlText::None)
                } else {
                    SqlText::None
                }
            }
            "parenthesized_expression" => node.named_child(0).map(recurse).unwrap_or(SqlText::None),
            _ => SqlText::None,
        }
    }
}
