//! From one file's facts to hits: which signals the file shows, where.
//!
//! Each kind of fact is looked up once in one combined matcher for all rules
//! (a `GlobSet` or a table by node kind), never one pass per rule. Which
//! signals may look at a file at all (their `scope` and `files`) is worked
//! out once per file, in [`FileScope`].

use super::file::Scope;
use super::{RuleSet, Signal, SignalId};
use crate::analyze::facts::{ConfigFact, Feature, PythonFacts, Ref};
use crate::analyze::python;
use crate::model::Finding;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// One piece of evidence for one signal, in the file being matched. Kept
/// in the persistent cache as `[signal, line, detail]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(from = "(SignalId, u32, String)", into = "(SignalId, u32, String)")]
pub struct Hit {
    pub signal: SignalId,
    pub line: u32,
    pub detail: String,
}

impl From<(SignalId, u32, String)> for Hit {
    fn from((signal, line, detail): (SignalId, u32, String)) -> Hit {
        Hit {
            signal,
            line,
            detail,
        }
    }
}

impl From<Hit> for (SignalId, u32, String) {
    fn from(h: Hit) -> Self {
        (h.signal, h.line, h.detail)
    }
}

/// How many lines one text regex may report per file.
const TEXT_HITS_PER_FILE: usize = 20;

/// The file being matched: its path and what kind of file it is.
#[derive(Clone, Copy)]
pub struct FileRef<'a> {
    pub path: &'a str,
    pub is_test: bool,
    /// Written by a tool: code signals count only when they name it with `files`.
    pub generated: bool,
}

/// Hits of one signal in one file that carry their detail; the rest are
/// counted with an empty detail (a report lists at most a dozen per competency).
const DETAILED_HITS: u16 = 64;

/// The signals that may look at one file.
pub struct FileScope<'a> {
    pub path: &'a str,
    allowed: Vec<bool>,
    detailed: std::cell::RefCell<Vec<u16>>,
}

impl RuleSet {
    /// Which signals apply to a file: its scope (tests or code), its `files`
    /// globs (one combined match), and generated code only where named.
    pub fn scope<'a>(&self, file: FileRef<'a>) -> FileScope<'a> {
        let in_scope = |s: &Signal, is_test: bool| match s.scope {
            Scope::Any => true,
            Scope::Tests => is_test,
            Scope::Code => !is_test,
        };
        // The same four masks for every file, copied: building one per
        // file was a tenth of a scan of many small modules.
        let masks = self.scope_masks.get_or_init(|| {
            [(false, false), (false, true), (true, false), (true, true)].map(
                |(is_test, generated)| {
                    let applies = |s: &Signal| {
                        // A finding stands in generated code too: a secret a
                        // tool wrote into the repository is leaked all the same.
                        let generated_ok = !generated || s.message.is_some();
                        in_scope(s, is_test) && !s.has_files && generated_ok
                    };
                    self.signals.iter().map(applies).collect()
                },
            )
        });
        let mut allowed =
            masks[usize::from(file.is_test) * 2 + usize::from(file.generated)].clone();
        // A signal with `files` globs applies only where they name the file.
        for i in self.file_filters.matches(file.path) {
            let id = self.file_filter_map[i] as usize;
            allowed[id] = in_scope(&self.signals[id], file.is_test);
        }
        let detailed = std::cell::RefCell::new(vec![0; self.signals.len()]);
        FileScope {
            path: file.path,
            allowed,
            detailed,
        }
    }

    /// Records a hit if the signal applies; `what` is only called for the
    /// first hits of a signal, so a file with thousands pays for a few strings.
    fn push_with(
        &self,
        hits: &mut Vec<Hit>,
        scope: &FileScope,
        id: SignalId,
        line: u32,
        what: impl FnOnce() -> String,
    ) {
        if !scope.allowed[id as usize] {
            return;
        }
        let mut detailed = scope.detailed.borrow_mut();
        let n = &mut detailed[id as usize];
        // Every finding is reported with its own message.
        let detail = if *n < DETAILED_HITS || self.signals[id as usize].message.is_some() {
            *n += 1;
            what()
        } else {
            String::new()
        };
        hits.push(Hit {
            signal: id,
            line,
            detail,
        });
    }

    fn push(&self, hits: &mut Vec<Hit>, scope: &FileScope, id: SignalId, line: u32, what: &str) {
        self.push_with(hits, scope, id, line, || what.to_string());
    }

    /// Hits from a Python module's facts (references of other modules of the
    /// repository come later, through [`RuleSet::match_refs`]).
    pub fn match_python(&self, scope: &FileScope, facts: &PythonFacts, hits: &mut Vec<Hit>) {
        for (module, line) in &facts.imports {
            for i in self.imports.matches(module) {
                self.push_with(hits, scope, self.import_map[i], *line, || {
                    format!("import {module}")
                });
            }
        }
        self.match_refs(scope, &facts.refs, hits);
        self.match_features(scope, &facts.features, hits);
        if !facts.syntax.is_empty() {
            let lang = python::language();
            for (kind, line) in &facts.syntax {
                if let Some(ids) = self.syntax.get(*kind as usize) {
                    let name = lang.node_kind_for_id(*kind).unwrap_or("");
                    for &id in ids {
                        self.push(hits, scope, id, *line, name);
                    }
                }
            }
        }
        for (name, line, is_method) in &facts.defs {
            for i in self.defs.matches(name) {
                let (id, methods_only) = self.def_map[i];
                if *is_method || !methods_only {
                    self.push_with(hits, scope, id, *line, || format!("def {name}"));
                }
            }
        }
    }

    /// Hits from structural features.
    pub fn match_features(
        &self,
        scope: &FileScope,
        features: &[(Feature, u32, String)],
        hits: &mut Vec<Hit>,
    ) {
        for (feature, line, detail) in features {
            if let Some(ids) = self.features.get(feature) {
                for &id in ids {
                    // A finding's message takes the detail as it is.
                    let raw = self.signals[id as usize].message.is_some();
                    self.push_with(hits, scope, id, *line, || {
                        if raw {
                            detail.clone()
                        } else if detail.is_empty() {
                            feature.name().to_string()
                        } else {
                            format!("{}: {detail}", feature.name())
                        }
                    });
                }
            }
        }
    }

    /// Hits from references resolved to qualified names. Which patterns a
    /// name matches is remembered per thread across files: a repository
    /// repeats its names (every Django module says `models.CharField`).
    pub fn match_refs(&self, scope: &FileScope, refs: &[Ref], hits: &mut Vec<Hit>) {
        NAME_MATCHES.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.instance != Some(self.instance) || cache.ranges.len() > NAME_CACHE_LIMIT {
                cache.clear(self.instance);
            }
            let NameMatches {
                ranges, found, buf, ..
            } = &mut *cache;
            for r in refs {
                if !self.qnames.may_match(&r.qname) {
                    continue;
                }
                let (start, end) = match ranges.get(r.qname.as_str()) {
                    Some(&range) => range,
                    None => {
                        self.qnames.matches_into(&r.qname, buf);
                        let range = (found.len() as u32, (found.len() + buf.len()) as u32);
                        found.extend(buf.iter().map(|&i| i as u32));
                        ranges.insert(r.qname.as_str().into(), range);
                        range
                    }
                };
                for &i in &found[start as usize..end as usize] {
                    let (id, mask) = self.qname_map[i as usize];
                    if r.roles & mask != 0
                        && self.signals[id as usize].keywords_hold(r.keywords.as_ref())
                    {
                        self.push(hits, scope, id, r.line, &r.qname);
                    }
                }
            }
        });
    }

    /// Hits from a file's path alone (generated or not: a migration's path is evidence).
    pub fn match_path(&self, file: FileRef, hits: &mut Vec<Hit>) {
        let matched = self.paths.matches(file.path);
        if matched.is_empty() {
            return;
        }
        let scope = self.scope(FileRef {
            generated: false,
            ..file
        });
        for i in matched {
            self.push(hits, &scope, self.path_map[i], 1, file.path);
        }
    }

    /// Whether some rule reads this (non-Python) file's text.
    pub fn wants_text(&self, path: &str) -> bool {
        self.text_files.is_match(path)
    }

    /// Hits from regexes over a configuration file's text.
    pub fn match_text(&self, scope: &FileScope, text: &str, hits: &mut Vec<Hit>) {
        for (id, s) in self.signals.iter().enumerate() {
            let Some(lazy) = &s.text else { continue };
            if !scope.allowed[id] {
                continue;
            }
            let Some(re) = lazy.get() else { continue };
            for m in re.find_iter(text).take(TEXT_HITS_PER_FILE) {
                let line = text[..m.start()].matches('\n').count() as u32 + 1;
                let snippet: String = m
                    .as_str()
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim()
                    .chars()
                    .take(80)
                    .collect();
                hits.push(Hit {
                    signal: id as SignalId,
                    line,
                    detail: snippet,
                });
            }
        }
    }

    /// Hits from the facts a configuration analyzer stated.
    pub fn match_facts(&self, scope: &FileScope, facts: &[ConfigFact], hits: &mut Vec<Hit>) {
        for f in facts {
            if let Some(ids) = self.facts.get(f.name) {
                for &id in ids {
                    self.push_with(hits, scope, id, f.line, || {
                        if f.detail.is_empty() {
                            f.name.to_string()
                        } else {
                            f.detail.clone()
                        }
                    });
                }
            }
        }
    }

    /// Hits from declared dependencies (normalized names) of a manifest.
    pub fn match_deps(&self, scope: &FileScope, deps: &[(String, u32)], hits: &mut Vec<Hit>) {
        for (name, line) in deps {
            for i in self.deps.matches(name) {
                self.push_with(hits, scope, self.dep_map[i], *line, || {
                    format!("declares {name}")
                });
            }
        }
    }
}

/// Distinct names a thread remembers before it starts over (a few MiB),
/// so memory stays flat however many names a repository holds.
const NAME_CACHE_LIMIT: usize = 50_000;

/// The patterns each qualified name matched, as ranges into `found`.
#[derive(Default)]
struct NameMatches {
    instance: Option<u64>,
    ranges: HashMap<Box<str>, (u32, u32)>,
    found: Vec<u32>,
    buf: Vec<usize>,
}

impl NameMatches {
    fn clear(&mut self, instance: u64) {
        self.instance = Some(instance);
        self.ranges.clear();
        self.found.clear();
    }
}

thread_local! {
    static NAME_MATCHES: std::cell::RefCell<NameMatches> = std::cell::RefCell::default();
}

/// Sorts hits and drops repeats of one signal on one line (keeping the
/// first recorded, which carries its detail).
pub fn normalize(hits: &mut Vec<Hit>) {
    hits.sort_by_key(|h| (h.signal, h.line));
    hits.dedup_by(|a, b| a.signal == b.signal && a.line == b.line);
}

/// A file's hits as a repository's tally needs them: how many per signal,
/// and the first few of each. Kept instead of every hit, so memory does not
/// grow with the size of the files. Findings are kept whole: each is reported.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileHits {
    pub counts: Vec<(SignalId, u32)>,
    pub samples: Vec<Hit>,
    /// Hits of findings' signals, every one, by signal then line.
    pub findings: Vec<Hit>,
}

impl RuleSet {
    /// Normalizes `hits` and keeps `keep` samples per competency signal
    /// (the lowest lines), and every hit of a finding's signal.
    pub fn summarize(&self, mut hits: Vec<Hit>, keep: usize) -> FileHits {
        normalize(&mut hits);
        let mut out = FileHits::default();
        for group in hits.chunk_by(|a, b| a.signal == b.signal) {
            if self.signals[group[0].signal as usize].message.is_some() {
                out.findings.extend(group.iter().cloned());
                continue;
            }
            out.counts.push((group[0].signal, group.len() as u32));
            out.samples.extend(group.iter().take(keep).cloned());
        }
        out
    }

    /// Summarizes a file's own hits while hits from names of other modules
    /// are still to come: the summary, and the (signal, line) pairs it
    /// stands for, which [`RuleSet::summarize_later`] needs to count each
    /// place once. Eight bytes a hit instead of every hit with its detail.
    pub fn summarize_open(
        &self,
        mut hits: Vec<Hit>,
        keep: usize,
    ) -> (FileHits, Vec<(SignalId, u32)>) {
        normalize(&mut hits);
        let seen = hits.iter().map(|h| (h.signal, h.line)).collect();
        (self.summarize(hits, keep), seen)
    }

    /// What [`RuleSet::summarize`] gives for a file's own hits followed by
    /// `later` ones, from the own hits' summary and places (`seen`,
    /// sorted): a later hit on a place already seen is a repeat, and the
    /// own hit keeps its detail, as in [`normalize`].
    pub fn summarize_later(
        &self,
        own: &FileHits,
        seen: &[(SignalId, u32)],
        mut later: Vec<Hit>,
        keep: usize,
    ) -> FileHits {
        normalize(&mut later);
        later.retain(|h| seen.binary_search(&(h.signal, h.line)).is_err());
        let mut counts: BTreeMap<SignalId, u32> = own.counts.iter().copied().collect();
        for h in later
            .iter()
            .filter(|h| self.signals[h.signal as usize].message.is_none())
        {
            *counts.entry(h.signal).or_default() += 1;
        }
        // The lowest lines of the union are among the own samples and the later hits.
        later.extend(own.samples.iter().cloned());
        later.extend(own.findings.iter().cloned());
        let mut out = self.summarize(later, keep);
        out.counts = counts.into_iter().collect();
        out
    }

    /// The finding a hit of a finding's signal makes in the file at `path`;
    /// `None` for a competency's signal.
    pub fn finding_at(&self, path: &str, hit: &Hit) -> Option<Finding> {
        let signal = &self.signals[hit.signal as usize];
        let message = signal.message.as_ref()?;
        let finding = self.findings.get(signal.rule)?;
        Some(Finding {
            id: finding.id.clone(),
            path: path.to_string(),
            line: hit.line,
            cell: None,
            message: message.replace("{detail}", &hit.detail),
            severity: finding.severity,
            url: None,
            fingerprint: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hits spread over a few signals (some of them findings') and lines,
    /// with repeats, from a fixed seed.
    fn hits(rules: &RuleSet, seed: u64, n: usize) -> Vec<Hit> {
        let finding = rules.signals.iter().position(|s| s.message.is_some());
        let signals: Vec<SignalId> = [Some(0), Some(1), Some(2), finding]
            .into_iter()
            .flatten()
            .map(|s| s as SignalId)
            .collect();
        let mut x = seed;
        (0..n)
            .map(|i| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                Hit {
                    signal: signals[(x >> 33) as usize % signals.len()],
                    line: (x >> 40) as u32 % 40 + 1,
                    detail: format!("{seed}-{i}"),
                }
            })
            .collect()
    }

    /// A file's own hits summarized first and the hits of names from other
    /// modules added later give what summarizing them all at once gives:
    /// the same counts (a place counted once), samples and details.
    #[test]
    fn summarizing_later_hits_equals_summarizing_all_at_once() {
        let rules = RuleSet::embedded().unwrap();
        assert!(rules.signals.iter().any(|s| s.message.is_some()));
        for seed in 0..50 {
            let own = hits(&rules, seed, (seed as usize * 7) % 60);
            let later = hits(&rules, seed + 1000, (seed as usize * 3) % 45);
            let mut all = own.clone();
            all.extend(later.iter().cloned());
            let at_once = rules.summarize(all, 3);
            let (summary, seen) = rules.summarize_open(own, 3);
            assert_eq!(
                rules.summarize_later(&summary, &seen, later, 3),
                at_once,
                "seed {seed}"
            );
        }
    }
}
