//! What the walker needs of tree-sitter-python's grammar, looked up once
//! per process: asking the grammar by name (a kind, a field) costs a string
//! search, and the walk asks for every node of every file. The cheap node
//! accessors live here too, since they exist for the same reason.

use std::sync::OnceLock;
use tree_sitter::{Language, Node};

pub fn language() -> Language {
    tree_sitter_python::LANGUAGE.into()
}

/// All node kind ids whose (named) kind is `name`; empty when the grammar has none.
pub fn kind_ids(name: &str) -> Vec<u16> {
    let lang = language();
    (0..lang.node_kind_count() as u16)
        .filter(|&id| lang.node_kind_is_named(id) && lang.node_kind_for_id(id) == Some(name))
        .collect()
}

/// What the walker does with a node kind; indexed by kind id.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Code {
    Other,
    Identifier,
    Attribute,
    Call,
    Function,
    Class,
    Lambda,
    Import,
    ImportFrom,
    Assignment,
    AugAssignment,
    For,
    ForIn,
    With,
    WithItem,
    Except,
    Try,
    Raise,
    If,
    NamedExpr,
    Skip,
    KeywordArg,
    Pair,
    String,
    Assert,
    Return,
    ArgList,
    Subscript,
}

pub(super) struct Kinds {
    pub(super) table: Vec<Code>,
    /// Kinds whose identifier children are names being bound, not read.
    pub(super) binds: Vec<bool>,
    /// Every kind's name: `Node::kind` finds it through a C string and
    /// checks its UTF-8 on every call, which showed in profiles.
    pub(super) names: Vec<Box<str>>,
}

/// A node's kind, as `Node::kind` gives it, from a table.
pub(super) fn kind_name<'n>(node: impl std::borrow::Borrow<Node<'n>>) -> &'static str {
    kinds()
        .names
        .get(node.borrow().kind_id() as usize)
        .map_or("", |n| n)
}

pub(super) fn kinds() -> &'static Kinds {
    static K: OnceLock<Kinds> = OnceLock::new();
    K.get_or_init(|| {
        let lang = language();
        let n = lang.node_kind_count();
        let mut table = vec![Code::Other; n];
        let mut binds = vec![false; n];
        let names = (0..n)
            .map(|id| lang.node_kind_for_id(id as u16).unwrap_or("").into())
            .collect();
        for (id, slot) in table.iter_mut().enumerate() {
            let id = id as u16;
            if !lang.node_kind_is_named(id) {
                continue;
            }
            let name = lang.node_kind_for_id(id).unwrap_or("");
            binds[id as usize] = matches!(
                name,
                "parameters"
                    | "lambda_parameters"
                    | "typed_parameter"
                    | "list_splat_pattern"
                    | "dictionary_splat_pattern"
                    | "pattern_list"
                    | "tuple_pattern"
                    | "list_pattern"
                    | "as_pattern_target"
                    | "dotted_name"
                    | "keyword_pattern"
            );
            *slot = match name {
                "identifier" => Code::Identifier,
                "attribute" => Code::Attribute,
                "call" => Code::Call,
                "function_definition" => Code::Function,
                "class_definition" => Code::Class,
                "lambda" => Code::Lambda,
                "import_statement" => Code::Import,
                "import_from_statement" | "future_import_statement" => Code::ImportFrom,
                "assignment" => Code::Assignment,
                "augmented_assignment" => Code::AugAssignment,
                "for_statement" => Code::For,
                "for_in_clause" => Code::ForIn,
                "with_statement" => Code::With,
                "with_item" => Code::WithItem,
                "except_clause" => Code::Except,
                "try_statement" => Code::Try,
                "raise_statement" => Code::Raise,
                "if_statement" => Code::If,
                "named_expression" => Code::NamedExpr,
                "global_statement" | "nonlocal_statement" | "comment" => Code::Skip,
                "keyword_argument" => Code::KeywordArg,
                "pair" => Code::Pair,
                "string" => Code::String,
                "assert_statement" => Code::Assert,
                "return_statement" => Code::Return,
                "argument_list" => Code::ArgList,
                "subscript" => Code::Subscript,
                _ => Code::Other,
            };
        }
        Kinds {
            table,
            binds,
            names,
        }
    })
}

/// Field ids of the grammar, looked up once (a lookup by name costs a string search).
pub(super) struct Fields {
    pub(super) alias: u16,
    pub(super) arguments: u16,
    pub(super) attribute: u16,
    pub(super) body: u16,
    pub(super) cause: u16,
    pub(super) condition: u16,
    pub(super) function: u16,
    pub(super) key: u16,
    pub(super) left: u16,
    pub(super) module_name: u16,
    pub(super) name: u16,
    pub(super) object: u16,
    pub(super) operator: u16,
    pub(super) parameters: u16,
    pub(super) return_type: u16,
    pub(super) right: u16,
    pub(super) superclasses: u16,
    pub(super) type_: u16,
    pub(super) value: u16,
    pub(super) name_id: std::num::NonZeroU16,
}

pub(super) fn fields() -> &'static Fields {
    static F: OnceLock<Fields> = OnceLock::new();
    F.get_or_init(|| {
        let lang = language();
        // The grammar is compiled in: a missing field is a build defect.
        let fid = |n: &str| lang.field_id_for_name(n).expect("tree-sitter-python field");
        let id = |n: &str| fid(n).get();
        Fields {
            alias: id("alias"),
            arguments: id("arguments"),
            attribute: id("attribute"),
            body: id("body"),
            cause: id("cause"),
            condition: id("condition"),
            function: id("function"),
            key: id("key"),
            left: id("left"),
            module_name: id("module_name"),
            name: id("name"),
            object: id("object"),
            operator: id("operator"),
            parameters: id("parameters"),
            return_type: id("return_type"),
            right: id("right"),
            superclasses: id("superclasses"),
            type_: id("type"),
            value: id("value"),
            name_id: fid("name"),
        }
    })
}

pub(super) fn line_of(node: Node) -> u32 {
    node.start_position().row as u32 + 1
}

/// The first child: the object of an attribute, the function of a call, the
/// value of a subscript. Much cheaper than a lookup by field, which scans the
/// grammar's field map over every child.
pub(super) fn first_child(node: Node<'_>) -> Option<Node<'_>> {
    node.child(0)
}

/// The last child: the attribute name of an attribute.
pub(super) fn last_child(node: Node<'_>) -> Option<Node<'_>> {
    node.child(node.child_count().checked_sub(1)?)
}

/// The named children of a small node, without a cursor (a cursor allocates).
pub(super) fn named_kids<'n>(node: Node<'n>) -> impl Iterator<Item = Node<'n>> {
    (0..node.named_child_count() as u32).filter_map(move |i| node.named_child(i))
}

/// All children of a small node, without a cursor.
pub(super) fn kids<'n>(node: Node<'n>) -> impl Iterator<Item = Node<'n>> {
    (0..node.child_count()).filter_map(move |i| node.child(i))
}

/// Whether a block (or module) opens with a string statement.
pub(super) fn has_docstring(block: Node) -> bool {
    let first = named_kids(block).find(|n| kind_name(n) != "comment");
    first.is_some_and(|s| {
        kind_name(s) == "expression_statement"
            && s.named_child(0).is_some_and(|e| kind_name(e) == "string")
    })
}
