//! Folders the listing left out because they are not the learner's code but
//! were committed anyway: a virtualenv (installed packages) or bytecode
//! caches. Stated as facts at the folder, so findings can name them.

use super::facts::ConfigFact;

crate::analyze::config::facts! {
    LAYOUT_COMMITTED_VIRTUALENV = "layout.committed_virtualenv",
        "a virtualenv or installed packages (site-packages) inside the repository";
    LAYOUT_COMMITTED_BYTECODE = "layout.committed_bytecode",
        "a __pycache__ folder of compiled bytecode inside the repository";
}

/// What kind of folder was left out of the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Committed {
    Virtualenv,
    Bytecode,
}

/// The fact of a committed folder at `path`, stated at its line 1 with the path as detail.
pub fn fact(kind: Committed, path: &str) -> ConfigFact {
    let fact = match kind {
        Committed::Virtualenv => LAYOUT_COMMITTED_VIRTUALENV,
        Committed::Bytecode => LAYOUT_COMMITTED_BYTECODE,
    };
    ConfigFact::new(fact.name, 1, path)
}
