//! Two reports in, one [`Diff`] out. Repositories pair by name; evidence
//! and findings pair first exactly, then equal but for their line, so an
//! edit above them does not read as one removed and one added.

use crate::model::diff::{
    CompetencyChange, ConfigChanges, Diff, Direction, FindingChanges, ItemChange, LevelChange,
    NotCompared, RepoChanges, RepoFinding, ScoreChange, Side, SideKind, SCHEMA_VERSION,
};
use crate::model::IgnoredItem;
use crate::model::{ChecklistItem, Status};
use crate::model::{CompetencyLevel, Evidence};
use crate::model::{RepoReport, Report, Tool, SCHEMA_VERSION as REPORT_SCHEMA_VERSION};
use std::collections::{BTreeMap, VecDeque};
use std::io;
use std::path::{Path, PathBuf};

/// Why two reports cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("the two reports were measured against different checklists (`{base}` and `{head}`): give both sides the same --roadmap")]
    Roadmaps { base: String, head: String },
}

/// Why a file is not a report this version can read.
#[derive(Debug, thiserror::Error)]
pub enum ReportFileError {
    #[error("{path}: cannot read: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "{path}: not a portfolio-audit JSON report (`scan --format json` writes one): {source}"
    )]
    Invalid {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "{path}: report schema_version {found}; this portfolio-audit reads {REPORT_SCHEMA_VERSION}"
    )]
    Version { path: PathBuf, found: u32 },
}

/// Reads a report written by `scan --format json`.
pub fn load_report(path: &Path) -> Result<Report, ReportFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReportFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let report: Report =
        serde_json::from_str(&text).map_err(|source| ReportFileError::Invalid {
            path: path.to_path_buf(),
            source,
        })?;
    if report.schema_version != REPORT_SCHEMA_VERSION {
        return Err(ReportFileError::Version {
            path: path.to_path_buf(),
            found: report.schema_version,
        });
    }
    Ok(report)
}

/// A report and where it came from.
pub struct Labelled<'a> {
    pub report: &'a Report,
    pub kind: SideKind,
    /// The revision or file as the user gave it.
    pub given: &'a str,
}

impl Labelled<'_> {
    fn side(&self) -> Side {
        let commit = match self.report.repos.as_slice() {
            [only] => only.revision.clone(),
            _ => None,
        };
        Side {
            kind: self.kind,
            given: self.given.to_string(),
            commit,
            score: self.report.portfolio.checklist.score,
        }
    }
}

/// Compares two reports of the same portfolio measured against the same checklist.
pub fn compare(base: Labelled, head: Labelled) -> Result<Diff, DiffError> {
    let (b, h) = (base.report, head.report);
    if b.roadmap != h.roadmap {
        let name = |r: &Option<String>| r.clone().unwrap_or_else(|| "none".to_string());
        return Err(DiffError::Roadmaps {
            base: name(&b.roadmap),
            head: name(&h.roadmap),
        });
    }
    let (before, after) = (b.portfolio.checklist.score, h.portfolio.checklist.score);
    let change = i64::from(after) - i64::from(before);
    let measured = |r: &Report| {
        let c = &r.portfolio.checklist;
        c.measured_score.unwrap_or(c.score)
    };
    let by_code = i64::from(measured(h)) - i64::from(measured(b));
    let configured = |r: &Report| r.portfolio.checklist.measured_score.is_some();
    let score = ScoreChange {
        before,
        after,
        change,
        by_code: (configured(b) || configured(h)).then_some(by_code),
        by_config: (configured(b) || configured(h)).then_some(change - by_code),
    };
    let config = config_changes(b, h);
    let mut repos = RepoChanges::default();
    let mut competencies: Vec<(usize, CompetencyChange)> = Vec::new();
    let mut findings = FindingChanges::default();
    for (order, (old, new)) in pair(&b.repos, &h.repos, |r| &r.name)
        .into_iter()
        .enumerate()
    {
        match (old, new) {
            (None, Some(r)) => repos.added.push(r.name.clone()),
            (Some(r), None) => repos.removed.push(r.name.clone()),
            _ => {}
        }
        let failed = old
            .and_then(|r| r.error.as_ref().map(|e| ("base", &r.name, e)))
            .or_else(|| new.and_then(|r| r.error.as_ref().map(|e| ("head", &r.name, e))));
        if let Some((side, name, error)) = failed {
            // An added or removed repository is listed as such already.
            if old.is_some() && new.is_some() {
                repos.not_compared.push(NotCompared {
                    name: name.clone(),
                    reason: format!("not audited in the {side}: {error}"),
                });
            }
            continue;
        }
        let name = new.or(old).map(|r| r.name.as_str()).unwrap_or_default();
        competencies.extend(
            level_changes(name, levels(old), levels(new))
                .into_iter()
                .map(|c| (order, c)),
        );
        let (new_findings, resolved) = finding_changes(name, old, new);
        findings.new.extend(new_findings);
        findings.resolved.extend(resolved);
    }
    // Stable: rule order stays within each repository and kind of change.
    competencies.sort_by_key(|(order, c)| (*order, c.change));
    let competencies: Vec<CompetencyChange> = competencies.into_iter().map(|(_, c)| c).collect();
    let items = item_changes(&b.portfolio.checklist.items, &h.portfolio.checklist.items);
    let mut diff = Diff {
        schema_version: SCHEMA_VERSION,
        tool: Tool::this(),
        roadmap: h.roadmap.clone(),
        summary: String::new(),
        regression: false,
        base: base.side(),
        head: head.side(),
        score,
        competencies,
        items,
        findings,
        repos,
        config,
    };
    // A score that rises because items left it is no progress a gate should let through.
    diff.regression = diff.count(LevelChange::Lowered) > 0
        || diff.count(LevelChange::Lost) > 0
        || diff.items.iter().any(|i| i.direction == Direction::Worse)
        || !diff.findings.new.is_empty()
        || !diff.config.ignored.is_empty();
    diff.summary = summary(&diff);
    Ok(diff)
}

/// What configuration changed: items ignored or back in the score, and
/// the statements of repositories' own project files.
fn config_changes(b: &Report, h: &Report) -> ConfigChanges {
    let ignored = |r: &Report| r.portfolio.checklist.ignored.clone();
    let (was, now) = (ignored(b), ignored(h));
    let in_list = |list: &[IgnoredItem], id: &str| list.iter().any(|i| i.id == id);
    let statements = |r: &Report| -> Vec<String> {
        let mut out = Vec::new();
        for repo in &r.repos {
            let Some(st) = &repo.statements else { continue };
            for (kind, map) in [
                ("ignore", &st.ignore),
                ("claim", &st.claims),
                ("self-report", &st.self_report),
            ] {
                out.extend(
                    map.iter()
                        .map(|(id, note)| format!("{}: {kind} {id} ({note})", repo.name)),
                );
            }
        }
        out
    };
    let (said_before, said_now) = (statements(b), statements(h));
    ConfigChanges {
        // In roadmap order, as each side lists them.
        ignored: now
            .iter()
            .filter(|i| !in_list(&was, &i.id))
            .cloned()
            .collect(),
        unignored: was
            .iter()
            .filter(|i| !in_list(&now, &i.id))
            .cloned()
            .collect(),
        added: said_now
            .iter()
            .filter(|s| !said_before.contains(s))
            .cloned()
            .collect(),
        removed: said_before
            .iter()
            .filter(|s| !said_now.contains(s))
            .cloned()
            .collect(),
    }
}

/// Things of both sides paired by key (in order, for a key given twice,
/// as two repositories of one name): the head's in its order, then those
/// only the base has.
fn pair<'a, T>(
    base: &'a [T],
    head: &'a [T],
    key: impl Fn(&T) -> &str,
) -> Vec<(Option<&'a T>, Option<&'a T>)> {
    let mut by_key: BTreeMap<&str, VecDeque<usize>> = BTreeMap::new();
    for (i, x) in base.iter().enumerate() {
        by_key.entry(key(x)).or_default().push_back(i);
    }
    let mut paired = vec![false; base.len()];
    let mut pairs: Vec<(Option<&T>, Option<&T>)> = Vec::new();
    for x in head {
        let old = by_key.get_mut(key(x)).and_then(|q| q.pop_front());
        if let Some(i) = old {
            paired[i] = true;
        }
        pairs.push((old.and_then(|i| base.get(i)), Some(x)));
    }
    pairs.extend(
        base.iter()
            .zip(&paired)
            .filter(|(_, done)| !**done)
            .map(|(x, _)| (Some(x), None)),
    );
    pairs
}

fn levels(r: Option<&RepoReport>) -> &[CompetencyLevel] {
    r.map(|r| r.competencies.as_slice()).unwrap_or_default()
}

fn level_changes(
    repo: &str,
    base: &[CompetencyLevel],
    head: &[CompetencyLevel],
) -> Vec<CompetencyChange> {
    let mut out = Vec::new();
    for (b, h) in pair(base, head, |c| &c.id) {
        let before = b.map_or(0, |c| c.level);
        let after = h.map_or(0, |c| c.level);
        let change = match (before, after) {
            (x, y) if x == y => continue,
            (0, _) => LevelChange::Gained,
            (_, 0) => LevelChange::Lost,
            (x, y) if y > x => LevelChange::Raised,
            _ => LevelChange::Lowered,
        };
        let Some(c) = h.or(b) else { continue };
        let evidence = |c: Option<&CompetencyLevel>| -> Vec<Evidence> {
            c.map(|c| c.evidence.clone()).unwrap_or_default()
        };
        let (appeared, disappeared) = unmatched(
            &evidence(b),
            &evidence(h),
            |e| (e.path.clone(), e.cell, e.line, e.detail.clone()),
            |e| (e.path.clone(), e.cell, e.detail.clone()),
        );
        out.push(CompetencyChange {
            repo: repo.to_string(),
            id: c.id.clone(),
            title: c.title.clone(),
            change,
            before,
            after,
            appeared,
            disappeared,
        });
    }
    out
}

fn finding_changes(
    repo: &str,
    base: Option<&RepoReport>,
    head: Option<&RepoReport>,
) -> (Vec<RepoFinding>, Vec<RepoFinding>) {
    let of = |r: Option<&RepoReport>| -> Vec<RepoFinding> {
        r.map(|r| r.findings.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|f| RepoFinding {
                repo: repo.to_string(),
                id: f.id.clone(),
                path: f.path.clone(),
                line: f.line,
                cell: f.cell,
                message: f.message.clone(),
            })
            .collect()
    };
    unmatched(
        &of(base),
        &of(head),
        |f| {
            (
                f.id.clone(),
                f.path.clone(),
                f.cell,
                f.line,
                f.message.clone(),
            )
        },
        |f| (f.id.clone(), f.path.clone(), f.cell, f.message.clone()),
    )
}

/// Rank towards met, for measurable statuses only.
fn rank(s: Status) -> Option<u8> {
    match s {
        Status::Missing => Some(0),
        Status::Partial => Some(1),
        Status::Met => Some(2),
        Status::SelfReport | Status::NotApplicable => None,
    }
}

fn item_changes(base: &[ChecklistItem], head: &[ChecklistItem]) -> Vec<ItemChange> {
    let mut out = Vec::new();
    for (b, h) in pair(base, head, |i| &i.id) {
        let before = b.map(|i| i.status);
        let after = h.map(|i| i.status);
        if before == after {
            continue;
        }
        let Some(item) = h.or(b) else { continue };
        let direction = match (before.and_then(rank), after.and_then(rank)) {
            (Some(x), Some(y)) if y > x => Direction::Better,
            (Some(x), Some(y)) if y < x => Direction::Worse,
            _ => Direction::Other,
        };
        let (reason, next_step, evidence) = match h {
            Some(i) => (i.reason.clone(), i.next_step.clone(), i.evidence.clone()),
            None => (String::new(), String::new(), Vec::new()),
        };
        out.push(ItemChange {
            id: item.id.clone(),
            title: item.title.clone(),
            phase: item.phase.clone(),
            before,
            after,
            direction,
            reason,
            next_step,
            evidence: if after == Some(Status::Met) {
                evidence
            } else {
                Vec::new()
            },
        });
    }
    out
}

/// What only `after` has and what only `before` has (in their orders).
/// Equal items pair first, then items with the same `moved` key: the same
/// thing on another line.
fn unmatched<T: Clone, K: Ord, M: Ord>(
    before: &[T],
    after: &[T],
    exact: impl Fn(&T) -> K,
    moved: impl Fn(&T) -> M,
) -> (Vec<T>, Vec<T>) {
    let (after, before) = unpaired(before.iter().collect(), after.iter().collect(), exact);
    let (after, before) = unpaired(before, after, moved);
    (
        after.into_iter().cloned().collect(),
        before.into_iter().cloned().collect(),
    )
}

/// One pairing pass: (unpaired of `after`, unpaired of `before`).
fn unpaired<'a, T, K: Ord>(
    before: Vec<&'a T>,
    after: Vec<&'a T>,
    key: impl Fn(&T) -> K,
) -> (Vec<&'a T>, Vec<&'a T>) {
    let mut left: BTreeMap<K, usize> = BTreeMap::new();
    for b in &before {
        *left.entry(key(b)).or_default() += 1;
    }
    let mut only_after = Vec::new();
    for a in after {
        match left.get_mut(&key(a)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => only_after.push(a),
        }
    }
    // What is left in `left` is how many of each key found no partner.
    let only_before = before
        .into_iter()
        .filter(|b| match left.get_mut(&key(b)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .collect();
    (only_after, only_before)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `Score 54% → 61% (+7); 2 competencies gained, 0 lost`, then level moves,
/// checklist moves and findings when there are any.
fn summary(d: &Diff) -> String {
    let change = match d.score.change {
        0 => "±0".to_string(),
        c => format!("{c:+}"),
    };
    let mut s = format!(
        "Score {}% → {}% ({change}); {} gained, {} lost",
        d.score.before,
        d.score.after,
        plural(d.count(LevelChange::Gained), "competency", "competencies"),
        d.count(LevelChange::Lost)
    );
    let (up, down) = (d.count(LevelChange::Raised), d.count(LevelChange::Lowered));
    if up + down > 0 {
        s.push_str(&format!("; levels: {up} up, {down} down"));
    }
    let moved = |dir: Direction| d.items.iter().filter(|i| i.direction == dir).count();
    let (better, worse) = (moved(Direction::Better), moved(Direction::Worse));
    if better + worse > 0 {
        s.push_str(&format!(
            "; checklist: {} better, {worse} worse",
            plural(better, "item", "items")
        ));
    }
    let (new, resolved) = (d.findings.new.len(), d.findings.resolved.len());
    if new + resolved > 0 {
        s.push_str(&format!("; findings: {new} new, {resolved} resolved"));
    }
    if let (Some(code), Some(config)) = (d.score.by_code, d.score.by_config) {
        s.push_str(&format!(
            "; of the score, {code:+} by code, {config:+} by configuration"
        ));
    }
    if !d.config.ignored.is_empty() {
        s.push_str(&format!(
            "; {} newly ignored by portfolio-audit.toml",
            plural(d.config.ignored.len(), "item", "items")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{compare, unmatched, Labelled};
    use crate::model::diff::{Direction, LevelChange, SideKind};
    use crate::model::Finding;
    use crate::model::{ChecklistItem, Status};
    use crate::model::{CompetencyLevel, Evidence};
    use crate::model::{RepoReport, Report};

    fn repo(name: &str, levels: &[(&str, u8)], findings: &[&str]) -> RepoReport {
        RepoReport {
            name: name.to_string(),
            competencies: levels
                .iter()
                .map(|(id, level)| CompetencyLevel {
                    id: id.to_string(),
                    title: id.to_string(),
                    area: "quality".to_string(),
                    level: *level,
                    evidence_count: u64::from(*level),
                    evidence: (0..*level)
                        .map(|i| Evidence {
                            path: format!("{id}.py"),
                            line: u32::from(i) + 1,
                            cell: None,
                            detail: format!("hit {i}"),
                            url: None,
                        })
                        .collect(),
                    hints: Vec::new(),
                    declared_unused: Vec::new(),
                    metrics: Default::default(),
                })
                .collect(),
            findings: findings
                .iter()
                .map(|id| Finding {
                    id: id.to_string(),
                    path: "app.py".to_string(),
                    line: 3,
                    cell: None,
                    message: "m".to_string(),
                    severity: Default::default(),
                    url: None,
                    fingerprint: None,
                })
                .collect(),
            ..Default::default()
        }
    }

    fn item(id: &str, status: Status) -> ChecklistItem {
        ChecklistItem {
            id: id.to_string(),
            title: id.to_string(),
            phase: "p".to_string(),
            status,
            requires: Vec::new(),
            next_step: format!("do {id}"),
            reason: String::new(),
            evidence: Vec::new(),
            claim: None,
        }
    }

    fn report(repos: Vec<RepoReport>, items: Vec<ChecklistItem>) -> Report {
        let mut r = Report::new(repos);
        r.roadmap = Some("professional".to_string());
        r.portfolio.checklist.items = items;
        r
    }

    fn side(r: &Report) -> Labelled<'_> {
        Labelled {
            report: r,
            kind: SideKind::Report,
            given: "x.json",
        }
    }

    #[test]
    fn repositories_pair_by_name_and_one_side_only_is_added_or_removed() {
        let mut failed = repo("broken", &[], &[]);
        failed.error = Some("cannot list".to_string());
        let base = report(
            vec![
                repo("kept", &[("a", 2), ("b", 1)], &["sec.eval"]),
                repo("gone", &[("a", 1)], &[]),
                failed.clone(),
            ],
            vec![item("one", Status::Met), item("two", Status::Missing)],
        );
        let head = report(
            vec![
                repo("kept", &[("a", 1), ("b", 3)], &[]),
                repo("new", &[("c", 1)], &["sec.secrets"]),
                failed,
            ],
            vec![
                item("one", Status::Partial),
                item("two", Status::SelfReport),
            ],
        );
        let d = compare(side(&base), side(&head)).unwrap();
        let got: Vec<(&str, &str, LevelChange)> = d
            .competencies
            .iter()
            .map(|c| (c.repo.as_str(), c.id.as_str(), c.change))
            .collect();
        assert_eq!(
            got,
            [
                ("kept", "b", LevelChange::Raised),
                ("kept", "a", LevelChange::Lowered),
                ("new", "c", LevelChange::Gained),
                ("gone", "a", LevelChange::Lost),
            ]
        );
        // Level 2 → 1 keeps the first hit and drops the second.
        assert_eq!(d.competencies[1].disappeared.len(), 1);
        assert!(d.competencies[1].appeared.is_empty());
        assert_eq!(
            (d.repos.added.as_slice(), d.repos.removed.as_slice()),
            (&["new".to_string()][..], &["gone".to_string()][..])
        );
        assert_eq!(d.repos.not_compared.len(), 1);
        assert!(d.repos.not_compared[0].reason.contains("cannot list"));
        assert_eq!(d.findings.new[0].repo, "new");
        assert_eq!(d.findings.resolved[0].id, "sec.eval");
        let dirs: Vec<Direction> = d.items.iter().map(|i| i.direction).collect();
        assert_eq!(dirs, [Direction::Worse, Direction::Other]);
        assert_eq!(d.items[0].next_step, "do one");
        assert!(d.regression);
        assert!(
            d.summary
                .contains("1 competency gained, 1 lost; levels: 1 up, 1 down"),
            "{}",
            d.summary
        );
    }

    #[test]
    fn different_checklists_cannot_be_compared() {
        let base = report(Vec::new(), Vec::new());
        let mut head = report(Vec::new(), Vec::new());
        head.roadmap = Some("developer".to_string());
        let e = compare(side(&base), side(&head)).unwrap_err();
        assert!(
            e.to_string().contains("`professional` and `developer`"),
            "{e}"
        );
    }

    #[test]
    fn moved_lines_pair_up_and_only_real_changes_remain() {
        // (line, text): "b" moved from line 2 to 3, "c" is gone, "d" is new.
        let before = [(1, "a"), (2, "b"), (5, "c")];
        let after = [(1, "a"), (3, "b"), (7, "d")];
        let (appeared, gone) = unmatched(&before, &after, |x| *x, |x| x.1);
        assert_eq!(appeared, vec![(7, "d")]);
        assert_eq!(gone, vec![(5, "c")]);
    }

    #[test]
    fn repeated_items_are_counted_not_merged() {
        let before = [(1, "x")];
        let after = [(1, "x"), (9, "x")];
        let (appeared, gone) = unmatched(&before, &after, |x| *x, |x| x.1);
        assert_eq!(appeared, vec![(9, "x")]);
        assert!(gone.is_empty());
    }
}
