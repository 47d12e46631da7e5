//! Python modules: one tree-sitter parse, one cursor walk, facts out.
//!
//! In: a module's source text and where it sits in its repository. Out:
//! [`PythonFacts`]: imports, references resolved through the module's imports,
//! structural features (problems such as a hardcoded credential among them),
//! the node kinds some rule asked for, and metrics. It knows nothing of
//! rules; `rules::matching` reads the facts.
//! A syntax error does not stop the walk: tree-sitter recovers, and what
//! parsed is analyzed.

mod checks;
pub mod scope;

use crate::analyze::facts::{role, Export, Feature, PythonFacts, Ref};
use scope::{absolute_module, Binding, Chain, ScopeId, ScopeKind, Scopes};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;
use tree_sitter::{Language, Node, Parser};

/// Where a module sits, and what the rules want recorded from it.
pub struct Context<'a> {
    /// Path inside the repository, `/`-separated.
    pub path: &'a str,
    /// The dotted name other modules import it by.
    pub module: &'a str,
    /// `__init__.py`: relative imports start from the module itself.
    pub is_package: bool,
    /// A test file: test functions count, credentials in fixtures do not.
    pub is_test: bool,
    /// First segments of this repository's module names: references to them
    /// are resolved once the whole repository is read.
    pub local_heads: &'a LocalHeads<'a>,
    /// Indexed by node kind id: record nodes of this kind (`syntax = [...]` in rules).
    pub syntax_kinds: &'a [bool],
}

/// First segments of a repository's module names. Lookups may be recorded:
/// the analysis then knows which answers it depended on, and can be reused
/// for another revision of the repository that gives the same answers.
pub struct LocalHeads<'a> {
    set: &'a HashSet<String>,
    asked: Option<RefCell<BTreeMap<String, bool>>>,
}

impl<'a> LocalHeads<'a> {
    pub fn new(set: &'a HashSet<String>) -> Self {
        LocalHeads { set, asked: None }
    }

    /// Heads that record every lookup, for [`LocalHeads::into_asked`].
    pub fn recording(set: &'a HashSet<String>) -> Self {
        LocalHeads {
            set,
            asked: Some(RefCell::default()),
        }
    }

    pub fn contains(&self, head: &str) -> bool {
        let yes = self.set.contains(head);
        if let Some(asked) = &self.asked {
            let mut asked = asked.borrow_mut();
            if !asked.contains_key(head) {
                asked.insert(head.to_string(), yes);
            }
        }
        yes
    }

    /// Every head looked up, with the answer it got.
    pub fn into_asked(self) -> Vec<(String, bool)> {
        self.asked
            .map(|a| a.into_inner().into_iter().collect())
            .unwrap_or_default()
    }
}

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

/// Parses and analyzes one module. Never fails: a source tree-sitter cannot
/// parse at all yields empty facts marked as a syntax error.
pub fn analyze(src: &str, ctx: &Context) -> PythonFacts {
    thread_local! {
        static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
    }
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            // The grammar is compiled in; a version mismatch is a build defect.
            p.set_language(&language())
                .expect("tree-sitter-python ABI matches tree-sitter");
            p
        });
        parser.parse(src, None)
    });
    let mut facts = PythonFacts {
        module: ctx.module.to_string(),
        lines: count_lines(src),
        ..Default::default()
    };
    let Some(tree) = tree else {
        facts.syntax_error = true;
        return facts;
    };
    let root = tree.root_node();
    facts.syntax_error = root.has_error();
    if crate::analyze::manifest::setup_py::is_setup_py(ctx.path) {
        facts.config = crate::analyze::manifest::setup_py::read(root, src);
    } else if crate::analyze::ci::nox::is_noxfile(ctx.path) {
        facts.config = crate::analyze::ci::nox::read(root, src);
    }
    let mut w = Walker::new(src, ctx, facts);
    w.walk(root);
    w.finish()
}

/// What the walker does with a node kind; indexed by kind id.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Code {
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

struct Kinds {
    table: Vec<Code>,
    /// Kinds whose identifier children are names being bound, not read.
    binds: Vec<bool>,
    /// Every kind's name: `Node::kind` finds it through a C string and
    /// checks its UTF-8 on every call, which showed in profiles.
    names: Vec<Box<str>>,
}

/// A node's kind, as `Node::kind` gives it, from a table.
fn kind_name<'n>(node: impl std::borrow::Borrow<Node<'n>>) -> &'static str {
    kinds()
        .names
        .get(node.borrow().kind_id() as usize)
        .map_or("", |n| n)
}

fn kinds() -> &'static Kinds {
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
struct Fields {
    alias: u16,
    arguments: u16,
    attribute: u16,
    body: u16,
    cause: u16,
    condition: u16,
    function: u16,
    key: u16,
    left: u16,
    module_name: u16,
    name: u16,
    object: u16,
    operator: u16,
    parameters: u16,
    return_type: u16,
    right: u16,
    superclasses: u16,
    type_: u16,
    value: u16,
    name_id: std::num::NonZeroU16,
}

fn fields() -> &'static Fields {
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

/// A node on the path from the root to the current node.
#[derive(Clone, Copy)]
struct Frame<'t> {
    node: Node<'t>,
    code: Code,
    /// The node's field in its parent; only fetched where a rule of the walk
    /// needs it (names and argument lists), since the cursor pays for it.
    field: u16,
}

/// What a call looked like, for checks that need its arguments.
#[derive(Clone, Copy, Default)]
struct CallInfo {
    has_timeout: bool,
    first_arg_literal: bool,
    has_args: bool,
}

/// A reference as written; its dotted chain is only built if its head
/// resolves to an import or builtin (most names are local variables).
struct RawRef<'s, 't> {
    scope: ScopeId,
    head: &'s str,
    node: Node<'t>,
    roles: u8,
    line: u32,
    /// The call this name is the function of; its arguments are read only
    /// if the name resolves to something a check looks at.
    call: Option<Node<'t>>,
}

struct FuncState<'s> {
    name: &'s str,
    line: u32,
    params: Vec<&'s str>,
    is_method: bool,
    /// Inner defs, and whether each calls one of this function's parameters.
    inner_defs: Vec<(&'s str, bool)>,
    returned: Vec<&'s str>,
    called: Vec<&'s str>,
    self_call: bool,
    has_assert: bool,
}

struct ClassState<'s> {
    name: &'s str,
    line: u32,
    scope: ScopeId,
    methods: Vec<&'s str>,
    linked: bool,
    bases: Vec<Chain<'s>>,
    at_module_level: bool,
    /// The scope the class is defined in.
    outer: ScopeId,
}

/// A SQL string kept in a variable before it is executed.
#[derive(Clone, Copy)]
struct SqlVar {
    built: bool,
    line: u32,
}

struct Walker<'s, 'c, 't> {
    src: &'s str,
    ctx: &'c Context<'c>,
    package: String,
    scopes: Scopes<'s>,
    scope_stack: Vec<ScopeId>,
    funcs: Vec<FuncState<'s>>,
    classes: Vec<ClassState<'s>>,
    finished_classes: Vec<ClassState<'s>>,
    refs: Vec<RawRef<'s, 't>>,
    sql_vars: HashMap<(ScopeId, &'s str), SqlVar>,
    facts: PythonFacts,
}

/// Names of `self.<x>` attributes that link one node to another.
const LINK_ATTRS: &[&str] = &["next", "prev", "left", "right", "next_node", "prev_node"];
/// Calls that execute SQL text given as their first argument.
const SQL_EXEC: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "exec_driver_sql",
    "read_sql",
    "read_sql_query",
    "raw",
    "mogrify",
];
const HTTP_VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request",
];

fn line_of(node: Node) -> u32 {
    node.start_position().row as u32 + 1
}

impl<'s, 'c, 't> Walker<'s, 'c, 't> {
    fn new(src: &'s str, ctx: &'c Context<'c>, facts: PythonFacts) -> Self {
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

    fn text(&self, node: Node) -> &'s str {
        self.src.get(node.byte_range()).unwrap_or("")
    }

    fn scope(&self) -> ScopeId {
        *self.scope_stack.last().unwrap_or(&0)
    }

    fn feature(&mut self, f: Feature, line: u32, detail: impl Into<String>) {
        self.facts.features.push((f, line, detail.into()));
    }

    fn walk(&mut self, root: Node<'t>) {
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

    fn starts_with_async(&self, node: Node) -> bool {
        node.child(0).is_some_and(|c| kind_name(c) == "async")
    }

    /// The text of a string literal without interpolation, or `None`.
    fn plain_string(&self, node: Node) -> Option<&'s str> {
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

    fn secret_pair(&mut self, name: &str, value: Node) {
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

    // ----- references -------------------------------------------------------

    fn reference(&mut self, f: Frame<'t>, stack: &[Frame<'t>]) {
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
        if let Some(p) = parent {
            if p.code == Code::Call && f.field == fields().function {
                roles = role::CALL;
                call = Some(p.node);
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
            } else if kind_name(p.node) == "decorator" {
                roles = role::DECORATOR;
            } else if p.code == Code::ArgList
                && p.field == fields().superclasses
                && grand.is_some_and(|g| g.code == Code::Class)
            {
                roles = role::BASE;
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
        });
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
    fn chain(&self, node: Node<'_>) -> Option<Chain<'s>> {
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

    fn call_info(&self, call: Node) -> CallInfo {
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
            if kind_name(a) == "keyword_argument" {
                if a.child_by_field_id(fields().name)
                    .is_some_and(|n| self.text(n) == "timeout")
                {
                    info.has_timeout = true;
                }
            } else if first {
                info.first_arg_literal = matches!(kind_name(a), "string" | "concatenated_string")
                    && self.plain_string(a).is_some();
                first = false;
            }
        }
        info
    }

    fn call(&mut self, node: Node<'_>) {
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

    // ----- SQL ---------------------------------------------------------------

    /// `reads_frame`: pandas' read_sql, whose second argument is the
    /// connection, so only `params=` passes parameters.
    fn sql_call(&mut self, call: Node<'_>, reads_frame: bool) {
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

    fn classify_sql(&self, node: Node) -> SqlText {
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

    // ----- definitions ------------------------------------------------------

    fn enter_function(&mut self, node: Node<'t>, stack: &[Frame<'t>]) {
        let name = node
            .child_by_field_id(fields().name)
            .map(|n| self.text(n))
            .unwrap_or("");
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
            if !name.starts_with('_') {
                m.docstring_targets += 1;
                if node
                    .child_by_field_id(fields().body)
                    .is_some_and(has_docstring)
                {
                    m.docstrings += 1;
                }
            }
        }
        if let Some(class) = self.classes.last_mut() {
            if class.scope == outer {
                class.methods.push(name);
            }
        }
        self.scope_stack.push(s);
        self.funcs.push(state);
    }

    fn leave_function(&mut self) {
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
    fn bind_params(
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

    fn enter_class(&mut self, node: Node<'_>) {
        let name = node
            .child_by_field_id(fields().name)
            .map(|n| self.text(n))
            .unwrap_or("");
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
            if !name.starts_with('_') {
                self.facts.metrics.docstring_targets += 1;
                if node
                    .child_by_field_id(fields().body)
                    .is_some_and(has_docstring)
                {
                    self.facts.metrics.docstrings += 1;
                }
            }
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

    fn leave_class(&mut self) {
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

    // ----- bindings ---------------------------------------------------------

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

    fn import(&mut self, node: Node<'_>) {
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

    fn import_from(&mut self, node: Node<'_>) {
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

    fn assignment(&mut self, node: Node<'_>) {
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
    fn bind_targets(&mut self, target: Node<'_>) {
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

    fn with_item(&mut self, node: Node<'_>) {
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

    fn except_clause(&mut self, node: Node<'_>) {
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

    // ----- after the walk ----------------------------------------------------

    fn finish(mut self) -> PythonFacts {
        let refs = std::mem::take(&mut self.refs);
        for r in refs {
            let Some(head) = self.scopes.resolve_head(r.scope, r.head) else {
                continue;
            };
            let Some(chain) = self.chain(r.node) else {
                continue;
            };
            let qname = head + &chain.rest;
            if qname.starts_with("builtins.") && r.roles == role::USE {
                continue;
            }
            if let Some(call) = r.call {
                if needs_call_checks(&qname) {
                    let info = self.call_info(call);
                    self.call_checks(&qname, r.line, info);
                }
            }
            let reference = Ref {
                qname,
                roles: r.roles,
                line: r.line,
            };
            if self.ctx.local_heads.contains(head_of(&reference.qname)) {
                self.facts.deferred.push(reference);
            } else {
                self.facts.refs.push(reference);
            }
        }
        // Exports: what other modules of the repository may import from this one.
        let classes = std::mem::take(&mut self.finished_classes);
        let mut class_bases: HashMap<&str, Vec<String>> = HashMap::new();
        let classes: Vec<ClassState<'s>> = classes;
        for c in classes.iter().filter(|c| c.at_module_level) {
            let bases = c
                .bases
                .iter()
                .filter_map(|b| self.scopes.resolve(0, b))
                .collect();
            class_bases.insert(c.name, bases);
        }
        let mut exports = Vec::new();
        for (name, binding) in self.scopes.module_bindings() {
            let export = match binding {
                Binding::Import(q) => Some(Export::Alias(q.clone())),
                Binding::Value(..) => self
                    .scopes
                    .resolve(
                        0,
                        &Chain {
                            head: name,
                            rest: String::new(),
                        },
                    )
                    .map(Export::Alias),
                Binding::Class => class_bases.remove(*name).map(Export::Class),
                Binding::Local => None,
            };
            if let Some(e) = export {
                exports.push((name.to_string(), e));
            }
        }
        exports.sort_by(|a, b| a.0.cmp(&b.0));
        self.facts.exports = exports;
        self.facts
    }

    /// Features that depend on what a call resolves to and how it is called.
    fn call_checks(&mut self, qname: &str, line: u32, call: CallInfo) {
        let verb = qname.rsplit('.').next().unwrap_or("");
        let is_requests = qname.starts_with("requests.")
            && HTTP_VERBS.contains(&verb)
            && (qname.matches('.').count() == 1
                || qname.starts_with("requests.Session().")
                || qname.starts_with("requests.session()."));
        if is_requests {
            if call.has_timeout {
                self.feature(Feature::HttpCallWithTimeout, line, qname);
            } else {
                self.feature(Feature::HttpCallWithoutTimeout, line, qname);
            }
        } else if qname.starts_with("httpx.") && call.has_timeout {
            self.feature(Feature::HttpCallWithTimeout, line, qname);
        }
        if let Some(builtin @ ("eval" | "exec")) = qname.strip_prefix("builtins.") {
            if call.has_args && !call.first_arg_literal {
                self.feature(Feature::DynamicCodeExecution, line, builtin);
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SqlText {
    None,
    Plain,
    Built,
}

#[derive(Default)]
struct ParamSummary<'s> {
    names: Vec<&'s str>,
    defaults: bool,
    varargs: bool,
    keyword_only: bool,
    annotatable: u64,
    annotated: u64,
}

/// Whether `call_checks` has anything to say about a call to `qname`.
fn needs_call_checks(qname: &str) -> bool {
    qname.starts_with("requests.")
        || qname.starts_with("httpx.")
        || matches!(qname, "builtins.eval" | "builtins.exec")
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

fn join(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_string()
    } else {
        format!("{module}.{name}")
    }
}

/// The first segment of a qualified name: `flask` of `flask.Flask().route`.
pub fn head_of(qname: &str) -> &str {
    let end = qname.find(['.', '(']).unwrap_or(qname.len());
    &qname[..end]
}

/// Lines of a source, as `str::lines` counts them, in one vectorizable pass.
fn count_lines(src: &str) -> u64 {
    let newlines = src.as_bytes().iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(!src.is_empty() && !src.ends_with('\n'))
}

/// The first child: the object of an attribute, the function of a call, the
/// value of a subscript. Much cheaper than a lookup by field, which scans the
/// grammar's field map over every child.
fn first_child(node: Node<'_>) -> Option<Node<'_>> {
    node.child(0)
}

/// The last child: the attribute name of an attribute.
fn last_child(node: Node<'_>) -> Option<Node<'_>> {
    node.child(node.child_count().checked_sub(1)?)
}

/// The named children of a small node, without a cursor (a cursor allocates).
fn named_kids<'n>(node: Node<'n>) -> impl Iterator<Item = Node<'n>> {
    (0..node.named_child_count() as u32).filter_map(move |i| node.named_child(i))
}

/// All children of a small node, without a cursor.
fn kids<'n>(node: Node<'n>) -> impl Iterator<Item = Node<'n>> {
    (0..node.child_count()).filter_map(move |i| node.child(i))
}

/// Whether a block (or module) opens with a string statement.
fn has_docstring(block: Node) -> bool {
    let first = named_kids(block).find(|n| kind_name(n) != "comment");
    first.is_some_and(|s| {
        kind_name(s) == "expression_statement"
            && s.named_child(0).is_some_and(|e| kind_name(e) == "string")
    })
}

#[cfg(test)]
mod tests;
