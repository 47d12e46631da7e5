//! One slice of a run (`scan --shard K/N`): which repositories of all the
//! inputs a report holds, and what must be equal across the slices for
//! `merge` to put them back together as the report of one run.

use serde::{Deserialize, Serialize};

/// Where a shard report's repositories sit among all the inputs. Present
/// only in a shard's report; a merged report is a single run's, without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// K of `--shard K/N`, from 1.
    pub index: u32,
    /// N of `--shard K/N`.
    pub count: u32,
    /// How many repositories all the inputs stand for, over every shard.
    pub inputs: u32,
    /// Each repository's place among them (from 0), in the order of `repos`.
    pub positions: Vec<u32>,
    /// What every shard of one run has alike.
    pub fingerprints: Fingerprints,
}

/// Digests (hex) of what a merge must find equal in every shard, and equal
/// to what it measures with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprints {
    /// Every repository the inputs stand for (source and label), in order.
    pub inputs: String,
    /// The rule and finding files loaded (built-in and `--rules`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rules: Option<String>,
    /// The roadmap measured against.
    pub roadmap: String,
    /// The auditor's project file (`--config`), or its absence.
    pub config: String,
}
