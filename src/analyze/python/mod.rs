//! Python modules: one tree-sitter parse, one cursor walk, facts out.
//!
//! In: a module's source text and where it sits in its repository. Out:
//! [`PythonFacts`]: imports, references resolved through the module's imports,
//! structural features (problems such as a hardcoded credential among them),
//! the node kinds some rule asked for, and metrics. It knows nothing of
//! rules; `rules::matching` reads the facts.
//! A syntax error does not stop the walk: tree-sitter recovers, and what
//! parsed is analyzed.

mod bindings;
mod checks;
mod definitions;
mod finish;
mod grammar;
mod references;
pub mod scope;
mod sql;
mod walker;

pub use grammar::{kind_ids, language};

use crate::analyze::facts::PythonFacts;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use tree_sitter::Parser;
use walker::Walker;

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
    /// Some rule matches keyword arguments: record them on calls and class
    /// statements (most scans skip the work).
    pub keywords: bool,
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

/// Parses and analyzes one module. Never fails: a source tree-sitter cannot
/// parse at all yields empty facts marked as a syntax error.
pub fn analyze(src: &str, ctx: &Context) -> PythonFacts {
    let tree = parse(src);
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

/// A module's syntax tree, with this thread's parser; `None` only when
/// tree-sitter gives up (a timeout or cancellation, which are never set).
pub fn parse(src: &str) -> Option<tree_sitter::Tree> {
    thread_local! {
        static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
    }
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            // The grammar is compiled in; a version mismatch is a build defect.
            p.set_language(&language())
                .expect("tree-sitter-python ABI matches tree-sitter");
            p
        });
        parser.parse(src, None)
    })
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

#[cfg(test)]
mod tests;
