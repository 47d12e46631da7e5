//! Deployment and infrastructure files: Kubernetes manifests and Helm charts, Terraform, CloudFormation and SAM, Ansible, and platform configurations (Procfile, fly.toml, ...).

pub(crate) mod trees;

use super::facts::{ConfigFacts, FactInfo};

/// The facts this analyzer states.
pub const FACTS: &[FactInfo] = &[];

/// The kinds of file this analyzer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {}

/// The kind of a file, by its path inside the repository.
pub fn kind_of(_path: &str) -> Option<Kind> {
    None
}

pub fn analyze(kind: Kind, _text: &str) -> ConfigFacts {
    match kind {}
}
