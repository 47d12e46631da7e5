//! Folders the listing left out because they are not the learner's code but
//! were committed anyway: a virtualenv (installed packages) or bytecode
//! caches. Stated as facts at the folder, so findings can name them.

use super::facts::{ConfigFact, FactInfo};

/// The facts a committed folder may state.
pub const FACTS: &[FactInfo] = &[
    FactInfo {
        name: "layout.committed_virtualenv",
        description: "a virtualenv or installed packages (site-packages) inside the repository",
    },
    FactInfo {
        name: "layout.committed_bytecode",
        description: "a __pycache__ folder of compiled bytecode inside the repository",
    },
];

/// What kind of folder was left out of the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Committed {
    Virtualenv,
    Bytecode,
}

/// The fact of a committed folder at `path`, stated at its line 1 with the path as detail.
pub fn fact(kind: Committed, path: &str) -> ConfigFact {
    let name = match kind {
        Committed::Virtualenv => "layout.committed_virtualenv",
        Committed::Bytecode => "layout.committed_bytecode",
    };
    ConfigFact::new(name, 1, path)
}
