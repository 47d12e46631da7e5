//! What an audit gives back besides its report: the problems it met, and
//! what the persistent cache gave.

use super::CacheUse;
use crate::model::Report;

/// What kind of problem an audit ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// An input that names nothing readable: a usage error.
    Input,
    /// A repository that could not be audited; the others were.
    Repository,
    /// A repository that cannot be audited the way it was asked (`--author`
    /// on a folder that is not git): a usage error.
    Usage,
    /// Worth saying, changes nothing (a clone read as fetched earlier).
    Warning,
}

/// One problem, in the order the audit met it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
}

impl Problem {
    pub fn new(kind: ProblemKind, message: impl Into<String>) -> Problem {
        Problem {
            kind,
            message: message.into(),
        }
    }
}

/// A report and the problems met while making it.
#[derive(Debug)]
pub struct Audit {
    pub report: Report,
    pub problems: Vec<Problem>,
    /// What the persistent cache gave, when there was one.
    pub cache: Option<CacheUse>,
}

impl Audit {
    /// Some input or repository was a usage error (exit code 2).
    pub fn usage_error(&self) -> bool {
        self.problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::Input | ProblemKind::Usage))
    }

    /// How many repositories could not be audited.
    pub fn failed(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| matches!(p.kind, ProblemKind::Repository | ProblemKind::Usage))
            .count()
    }
}
