//! Shard reports in, the report of one run out (`portfolio-audit merge`).
//!
//! Each shard's report says where its repositories sit among all the
//! inputs ([`ShardInfo`]). The merge puts every repository back in its
//! place, then measures them all again as one run does: the portfolio's
//! checklist, each repository alone, each student, with the same roadmap,
//! rules and auditor's file, and the repositories' own project files as
//! their reports state them, under the policy the shards ran with. Nothing
//! is audited again. The shards must be every slice of one run: the same
//! inputs, rules, roadmap, auditor's file and version, each slice once.

use super::shard::Shard;
use super::Portfolio;
use crate::model::{Fingerprints, RepoReport, Report, ShardInfo, Tool};
use crate::roadmap::config::Config;
use std::collections::BTreeSet;

/// Why shard reports cannot be merged into one run's report.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(
        "nothing to merge: give the shard reports written by `scan --shard K/N --format json`"
    )]
    Nothing,
    #[error("{0}: not a shard's report (`scan --shard K/N --format json` writes one); merge re-renders one whole report, or combines the reports of every shard of a run")]
    NotShard(String),
    #[error("{file}: {what} differs from {first}'s: {detail}; the shards must come from one run (the same inputs, rules, roadmap, --config, --repo-config and version)")]
    Mismatch {
        file: String,
        first: String,
        what: &'static str,
        detail: String,
    },
    #[error("{file}: shard {shard} is given twice (also in {other})")]
    Twice {
        file: String,
        other: String,
        shard: Shard,
    },
    #[error("shard{} {} of {count} missing: the merged report would not hold every repository", if .missing.len() > 1 { "s" } else { "" }, .missing.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))]
    Missing { missing: Vec<u32>, count: u32 },
    #[error("{file}: its repositories' places do not fit its {inputs} inputs (place {position}); the report was edited or is damaged")]
    Places {
        file: String,
        inputs: u32,
        position: u32,
    },
    #[error("the shards were made by portfolio-audit {theirs}; merge them with that version (this is {ours})")]
    Version { theirs: String, ours: String },
    #[error("the shards were measured with other {what} than this merge: give merge the same {flag} as the scans")]
    Measure {
        what: &'static str,
        flag: &'static str,
    },
    #[error("the shard reports do not say what their repositories' project files were allowed to do (repo_config)")]
    NoPolicy,
    #[error(transparent)]
    Portfolio(#[from] super::PortfolioError),
}

/// A report and the file it was read from, as errors name it.
pub struct Named {
    pub name: String,
    pub report: Report,
}

impl Portfolio {
    /// One run's report from the reports of its shards, byte for byte what
    /// a single run over all the inputs writes. One whole report (not a
    /// shard's) is returned as it is, to be rendered in another format.
    pub fn merge(&self, reports: Vec<Named>) -> Result<Report, MergeError> {
        let mut reports = reports;
        if reports.len() == 1 && reports[0].report.shard.is_none() {
            return Ok(reports.remove(0).report);
        }
        let shards = check(&reports)?;
        let first = &reports[0].report;
        let ours = Tool::this();
        if first.tool.version != ours.version {
            return Err(MergeError::Version {
                theirs: first.tool.version.clone(),
                ours: ours.version,
            });
        }
        let policy = first.repo_config.ok_or(MergeError::NoPolicy)?;
        let auditor = self.auditor()?;
        let ours =
            super::shard::fingerprints(&[], self.rules_digest.as_deref(), &self.roadmap, &auditor);
        same_measure(&shards[0].fingerprints, &ours)?;
        let total = shards[0].inputs as usize;
        let mut places: Vec<Option<RepoReport>> = vec![None; total];
        for named in reports {
            let info = named
                .report
                .shard
                .clone()
                .expect("checked: every report is a shard's");
            for (repo, position) in named.report.repos.into_iter().zip(&info.positions) {
                places[*position as usize] = Some(repo);
            }
        }
        // `check` made sure every place is filled exactly once.
        let repos: Vec<RepoReport> = places.into_iter().flatten().collect();
        let own: Vec<Option<Config>> = repos
            .iter()
            .map(|r| r.statements.as_ref().map(Config::from_statements))
            .collect();
        Ok(self.measure(repos, &own, policy, &auditor))
    }
}

/// Every report is a shard's, all of one run, every shard once, every
/// place among the inputs filled once; the shards' infos, in file order.
fn check(reports: &[Named]) -> Result<Vec<ShardInfo>, MergeError> {
    let first = reports.first().ok_or(MergeError::Nothing)?;
    let info_of = |n: &Named| {
        n.report
            .shard
            .clone()
            .ok_or_else(|| MergeError::NotShard(n.name.clone()))
    };
    let head = info_of(first)?;
    let mut infos: Vec<ShardInfo> = Vec::new();
    let mut seen: Vec<Option<&str>> = vec![None; head.count as usize];
    let mut filled: BTreeSet<u32> = BTreeSet::new();
    for named in reports {
        let info = info_of(named)?;
        let r = &named.report;
        let mismatch = |what, a: String, b: String| MergeError::Mismatch {
            file: named.name.clone(),
            first: first.name.clone(),
            what,
            detail: format!("{b} against {a}"),
        };
        let show = |x: &dyn std::fmt::Debug| format!("{x:?}");
        let pairs: [(&'static str, String, String); 6] = [
            (
                "the number of shards",
                head.count.to_string(),
                info.count.to_string(),
            ),
            (
                "the number of inputs",
                head.inputs.to_string(),
                info.inputs.to_string(),
            ),
            (
                "the version",
                first.report.tool.version.clone(),
                r.tool.version.clone(),
            ),
            ("the roadmap", show(&first.report.roadmap), show(&r.roadmap)),
            (
                "--repo-config",
                show(&first.report.repo_config),
                show(&r.repo_config),
            ),
            (
                "the inputs",
                head.fingerprints.inputs.clone(),
                info.fingerprints.inputs.clone(),
            ),
        ];
        for (what, a, b) in pairs {
            if a != b {
                return Err(mismatch(what, a, b));
            }
        }
        if same_measure(&head.fingerprints, &info.fingerprints).is_err() {
            return Err(mismatch(
                "what the checklist is measured with",
                "the first shard's rules, roadmap and --config".into(),
                "other rules, roadmap or --config".into(),
            ));
        }
        let k = info.index as usize;
        if k == 0 || k > seen.len() {
            return Err(MergeError::Places {
                file: named.name.clone(),
                inputs: info.inputs,
                position: info.index,
            });
        }
        if let Some(other) = seen[k - 1] {
            return Err(MergeError::Twice {
                file: named.name.clone(),
                other: other.to_string(),
                shard: Shard {
                    index: info.index,
                    count: info.count,
                },
            });
        }
        seen[k - 1] = Some(&named.name);
        if info.positions.len() != r.repos.len() {
            return Err(MergeError::Places {
                file: named.name.clone(),
                inputs: info.inputs,
                position: info.positions.len() as u32,
            });
        }
        for &p in &info.positions {
            if p >= info.inputs || !filled.insert(p) {
                return Err(MergeError::Places {
                    file: named.name.clone(),
                    inputs: info.inputs,
                    position: p,
                });
            }
        }
        infos.push(info);
    }
    let missing: Vec<u32> = (1..=head.count)
        .filter(|k| seen[*k as usize - 1].is_none())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing,
            count: head.count,
        });
    }
    if filled.len() != head.inputs as usize {
        let position = (0..head.inputs).find(|p| !filled.contains(p)).unwrap_or(0);
        return Err(MergeError::Places {
            file: first.name.clone(),
            inputs: head.inputs,
            position,
        });
    }
    Ok(infos)
}

/// The rules (when both know them), the roadmap and the auditor's file are
/// the same.
fn same_measure(a: &Fingerprints, b: &Fingerprints) -> Result<(), MergeError> {
    if let (Some(x), Some(y)) = (&a.rules, &b.rules) {
        if x != y {
            return Err(MergeError::Measure {
                what: "rules",
                flag: "--rules",
            });
        }
    }
    if a.roadmap != b.roadmap {
        return Err(MergeError::Measure {
            what: "a roadmap",
            flag: "--roadmap",
        });
    }
    if a.config != b.config {
        return Err(MergeError::Measure {
            what: "an auditor's file",
            flag: "--config",
        });
    }
    Ok(())
}
