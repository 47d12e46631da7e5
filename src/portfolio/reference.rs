//! What a rule author looks up: the names rules may ask for (structural
//! features, configuration facts, repository metrics) with what each means,
//! and the syntax tree tree-sitter makes of a Python file.

use crate::analyze::facts::Feature;
use crate::analyze::{known_facts, python};

/// A name a rule may use, and what it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub name: &'static str,
    pub description: &'static str,
}

/// The Python analyzer's structural features (`features = [...]`), in listing order.
pub fn features() -> Vec<Term> {
    Feature::ALL
        .iter()
        .map(|f| Term {
            name: f.name(),
            description: f.description(),
        })
        .collect()
}

/// The facts the configuration analyzers state (`facts = [...]`), in listing order.
pub fn facts() -> Vec<Term> {
    known_facts()
        .map(|f| Term {
            name: f.name,
            description: f.description,
        })
        .collect()
}

/// The repository metrics (`metric = ...`), by name.
pub fn metrics() -> Vec<Term> {
    crate::rules::metrics::METRICS
        .iter()
        .map(|m| Term {
            name: m.name,
            description: m.description,
        })
        .collect()
}

/// Why a file's tree could not be made.
#[derive(Debug, thiserror::Error)]
#[error("tree-sitter could not parse the file")]
pub struct NoTree;

/// The tree-sitter syntax tree of Python source, as an S-expression: the
/// node kinds `syntax = [...]` names.
pub fn syntax_tree(source: &str) -> Result<String, NoTree> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&python::language())
        .map_err(|_| NoTree)?;
    let tree = parser.parse(source, None).ok_or(NoTree)?;
    Ok(tree.root_node().to_sexp())
}

/// The `possibly-copied` flag as its data file states it.
pub use crate::rules::provenance::{copied_flag, CopiedFlag};
