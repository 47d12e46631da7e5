//! From a repository's hits to a level per competency, with its evidence.

use super::{Level, Rule, RuleSet};
use crate::model::{area_rank, CompetencyLevel, Evidence};
use crate::rules::matching::FileHits;
use std::collections::BTreeMap;

/// Evidence items kept per signal; the count is always exact.
pub const SAMPLES_PER_SIGNAL: usize = 10;
/// Evidence items listed per competency in a report.
const EVIDENCE_PER_COMPETENCY: usize = 12;

#[derive(Debug, Default, Clone)]
struct SignalTally {
    count: u64,
    files: Vec<u32>,
    samples: Vec<Evidence>,
}

/// Hits of one repository, per signal. Add files in path order for stable samples.
#[derive(Debug)]
pub struct Tally {
    signals: Vec<SignalTally>,
    files: u32,
}

impl Tally {
    pub fn new(rules: &RuleSet) -> Self {
        Tally {
            signals: vec![SignalTally::default(); rules.signals.len()],
            files: 0,
        }
    }

    /// Adds one file's hits (already normalized); `locate` maps a notebook's
    /// lines to (cell, line in cell).
    pub fn add_file(
        &mut self,
        path: &str,
        hits: &FileHits,
        locate: Option<&dyn Fn(u32) -> (u32, u32)>,
    ) {
        let file = self.files;
        self.files += 1;
        for &(signal, count) in &hits.counts {
            let t = &mut self.signals[signal as usize];
            t.count += u64::from(count);
            t.files.push(file);
        }
        for h in &hits.samples {
            let t = &mut self.signals[h.signal as usize];
            if t.samples.len() < SAMPLES_PER_SIGNAL {
                let (cell, line) = match locate {
                    Some(f) => {
                        let (c, l) = f(h.line);
                        (Some(c), l)
                    }
                    None => (None, h.line),
                };
                t.samples.push(Evidence {
                    path: path.to_string(),
                    line,
                    cell,
                    detail: h.detail.clone(),
                    url: None,
                });
            }
        }
    }

    /// Hits of signals that ask for a repository metric above zero; their
    /// evidence is the whole repository (path `.`, line 0).
    pub fn add_metrics(&mut self, rules: &RuleSet, metrics: &BTreeMap<String, f64>) {
        let file = self.files;
        self.files += 1;
        for (t, s) in self.signals.iter_mut().zip(&rules.signals) {
            let Some(name) = &s.metric else { continue };
            let Some(v) = metrics.get(name).filter(|v| **v > 0.0) else {
                continue;
            };
            t.count += 1;
            t.files.push(file);
            t.samples.push(Evidence {
                path: ".".into(),
                line: 0,
                cell: None,
                detail: format!("{name} = {v}"),
                url: None,
            });
        }
    }

    /// Whether one file holds a hit of every `all` group (and of `any`).
    fn in_one_file(&self, level: &Level) -> bool {
        let files_of = |group: &[usize]| -> Vec<u32> {
            let mut f: Vec<u32> = group
                .iter()
                .flat_map(|&s| self.signals[s].files.iter().copied())
                .collect();
            f.sort_unstable();
            f.dedup();
            f
        };
        let mut groups: Vec<Vec<u32>> = level.all.iter().map(|g| files_of(g)).collect();
        if !level.any.is_empty() {
            groups.push(files_of(&level.any));
        }
        let Some((first, rest)) = groups.split_first() else {
            return true;
        };
        first
            .iter()
            .any(|f| rest.iter().all(|g| g.binary_search(f).is_ok()))
    }

    fn count(&self, id: usize) -> u64 {
        self.signals[id].count
    }

    fn holds(
        &self,
        rule: &Rule,
        level: &Level,
        metrics: &BTreeMap<String, f64>,
        rules: &RuleSet,
    ) -> bool {
        let named: Vec<usize> = if level.any.is_empty() && level.all.is_empty() {
            rule.signals
                .clone()
                .filter(|&s| !rules.signals[s].hint)
                .collect()
        } else {
            level
                .any
                .iter()
                .chain(level.all.iter().flatten())
                .copied()
                .collect()
        };
        if !level
            .all
            .iter()
            .all(|group| group.iter().any(|&s| self.count(s) > 0))
        {
            return false;
        }
        if !level.any.is_empty() && !level.any.iter().any(|&s| self.count(s) > 0) {
            return false;
        }
        let total: u64 = named.iter().map(|&s| self.count(s)).sum();
        if total < level.min {
            return false;
        }
        if level.min_files > 1 {
            let mut files: Vec<u32> = named
                .iter()
                .flat_map(|&s| self.signals[s].files.iter().copied())
                .collect();
            files.sort_unstable();
            files.dedup();
            if (files.len() as u64) < level.min_files {
                return false;
            }
        }
        if level.same_file && !self.in_one_file(level) {
            return false;
        }
        match &level.metric {
            Some((name, at_least)) => metrics.get(name).is_some_and(|v| v >= at_least),
            None => true,
        }
    }

    /// Every rule's level, evidence and metrics, by area (catalog order) then id.
    pub fn levels(&self, rules: &RuleSet, metrics: &BTreeMap<String, f64>) -> Vec<CompetencyLevel> {
        let mut out: Vec<CompetencyLevel> = rules
            .rules
            .iter()
            .map(|rule| {
                let mut level = 0u8;
                for (i, l) in rule.levels.iter().enumerate() {
                    if !self.holds(rule, l, metrics, rules) {
                        break;
                    }
                    level = i as u8 + 1;
                }
                let counted: Vec<usize> = rule
                    .signals
                    .clone()
                    .filter(|&s| !rules.signals[s].hint)
                    .collect();
                let hinted: Vec<usize> = rule
                    .signals
                    .clone()
                    .filter(|&s| rules.signals[s].hint)
                    .collect();
                let (evidence, evidence_count) = if level > 0 {
                    self.evidence(&counted, rules)
                } else {
                    (Vec::new(), 0)
                };
                let (mut hints, _) = self.evidence(&hinted, rules);
                let declared_unused = if level == 0 {
                    let declaring: Vec<usize> = hinted
                        .iter()
                        .copied()
                        .filter(|&s| rules.signals[s].declares)
                        .collect();
                    self.evidence(&declaring, rules).0
                } else {
                    Vec::new()
                };
                if level == 0 {
                    // Below level 1, what was seen is only a hint (e.g. one half of an `all`).
                    let (seen, _) = self.evidence(&counted, rules);
                    hints.extend(seen);
                    hints.truncate(EVIDENCE_PER_COMPETENCY);
                }
                CompetencyLevel {
                    id: rule.id.clone(),
                    title: rule.title.clone(),
                    area: rule.area.clone(),
                    level,
                    evidence_count,
                    evidence,
                    hints,
                    declared_unused,
                    metrics: rule
                        .metrics
                        .iter()
                        .filter_map(|m| metrics.get(m).map(|v| (m.clone(), *v)))
                        .collect(),
                }
            })
            .collect();
        out.sort_by(|a, b| (area_rank(&a.area), &a.id).cmp(&(area_rank(&b.area), &b.id)));
        out
    }

    /// Samples of the given signals, taking each signal's first sample in
    /// turn, so the first items show every kind of evidence the rule found.
    fn evidence(&self, signals: &[usize], rules: &RuleSet) -> (Vec<Evidence>, u64) {
        let mut out = Vec::new();
        let total = signals.iter().map(|&s| self.count(s)).sum();
        for round in 0..SAMPLES_PER_SIGNAL {
            for &s in signals {
                if let Some(e) = self.signals[s].samples.get(round) {
                    if out.len() >= EVIDENCE_PER_COMPETENCY {
                        return (out, total);
                    }
                    let mut e = e.clone();
                    let signal = &rules.signals[s];
                    e.detail = match (&signal.detail, e.detail.is_empty()) {
                        (Some(d), false) => format!("{d} ({})", e.detail),
                        (Some(d), true) => d.clone(),
                        (None, true) => signal.name.clone(),
                        (None, false) => e.detail,
                    };
                    if !out.iter().any(|o: &Evidence| {
                        o.path == e.path && o.line == e.line && o.cell == e.cell
                    }) {
                        out.push(e);
                    }
                }
            }
        }
        (out, total)
    }
}

impl RuleSet {
    /// Caps the levels of competencies defined by an absence when the same
    /// audit reports a finding that denies them (SQL built from strings
    /// beside parameterized queries): the level falls to the cap, and the
    /// first evidence names the findings, at the first of them.
    pub fn cap_levels(&self, levels: &mut [CompetencyLevel], findings: &[crate::model::Finding]) {
        for c in levels.iter_mut() {
            let Some((ids, cap)) = self.rule(&c.id).and_then(|r| r.cap.as_ref()) else {
                continue;
            };
            let against: Vec<&crate::model::Finding> =
                findings.iter().filter(|f| ids.contains(&f.id)).collect();
            let Some(first) = against.first() else {
                continue;
            };
            if c.level <= *cap {
                continue;
            }
            let was = c.level;
            c.level = *cap;
            let n = against.len();
            let detail = format!(
                "capped at level {cap} (was {was}) by {n} {} finding{}",
                first.id,
                if n == 1 { "" } else { "s" }
            );
            let named = Evidence {
                path: first.path.clone(),
                line: first.line,
                cell: first.cell,
                detail,
                url: first.url.clone(),
            };
            if *cap == 0 {
                // Below level 1, what was seen is a hint.
                c.hints.splice(0..0, c.evidence.drain(..));
                c.hints.insert(0, named);
                c.evidence_count = 0;
            } else {
                c.evidence.insert(0, named);
            }
        }
    }
}
