//! From one file's facts to hits: which signals the file shows, where.
//!
//! Each kind of fact is looked up once in one combined matcher for all rules
//! (a `GlobSet` or a table by node kind), never one pass per rule.

use super::file::Scope;
use super::{RuleSet, SignalId};
use crate::analyze::facts::{Feature, PythonFacts, Ref};
use crate::analyze::python;

/// One piece of evidence for one signal, in the file being matched.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub signal: SignalId,
    pub line: u32,
    pub detail: String,
}

/// How many lines one text regex may report per file.
const TEXT_HITS_PER_FILE: usize = 20;

/// The file being matched: its path and whether it is a test file.
#[derive(Clone, Copy)]
pub struct FileRef<'a> {
    pub path: &'a str,
    pub is_test: bool,
    /// Written by a tool: code signals count only when they name it with `files`.
    pub generated: bool,
}

impl RuleSet {
    fn applies(&self, id: SignalId, file: FileRef) -> bool {
        let s = &self.signals[id as usize];
        if file.generated && s.files.is_none() {
            return false;
        }
        let scope_ok = match s.scope {
            Scope::Any => true,
            Scope::Tests => file.is_test,
            Scope::Code => !file.is_test,
        };
        scope_ok && s.files.as_ref().is_none_or(|g| g.is_match(file.path))
    }

    fn push(&self, hits: &mut Vec<Hit>, file: FileRef, id: SignalId, line: u32, what: &str) {
        if self.applies(id, file) {
            hits.push(Hit {
                signal: id,
                line,
                detail: what.to_string(),
            });
        }
    }

    /// Hits from a Python module's facts (references of other modules of the
    /// repository come later, through [`RuleSet::match_refs`]).
    pub fn match_python(&self, file: FileRef, facts: &PythonFacts, hits: &mut Vec<Hit>) {
        for (module, line) in &facts.imports {
            for i in self.imports.matches(module) {
                self.push(
                    hits,
                    file,
                    self.import_map[i],
                    *line,
                    &format!("import {module}"),
                );
            }
        }
        self.match_refs(file, &facts.refs, hits);
        self.match_features(file, &facts.features, hits);
        for (kind, line) in &facts.syntax {
            if let Some(ids) = self.syntax.get(*kind as usize) {
                let lang = python::language();
                let name = lang.node_kind_for_id(*kind).unwrap_or("");
                for &id in ids {
                    self.push(hits, file, id, *line, name);
                }
            }
        }
        for (name, line, is_method) in &facts.defs {
            for i in self.defs.matches(name) {
                let (id, methods_only) = self.def_map[i];
                if *is_method || !methods_only {
                    self.push(hits, file, id, *line, &format!("def {name}"));
                }
            }
        }
    }

    /// Hits from structural features.
    pub fn match_features(
        &self,
        file: FileRef,
        features: &[(Feature, u32, String)],
        hits: &mut Vec<Hit>,
    ) {
        for (feature, line, detail) in features {
            if let Some(ids) = self.features.get(feature) {
                let what = if detail.is_empty() {
                    feature.name().to_string()
                } else {
                    format!("{}: {detail}", feature.name())
                };
                for &id in ids {
                    self.push(hits, file, id, *line, &what);
                }
            }
        }
    }

    /// Hits from references resolved to qualified names.
    pub fn match_refs(&self, file: FileRef, refs: &[Ref], hits: &mut Vec<Hit>) {
        for r in refs {
            for i in self.qnames.matches(&r.qname) {
                let (id, mask) = self.qname_map[i];
                if r.roles & mask != 0 {
                    self.push(hits, file, id, r.line, &r.qname);
                }
            }
        }
    }

    /// Hits from a file's path alone (generated or not: a migration's path is evidence).
    pub fn match_path(&self, file: FileRef, hits: &mut Vec<Hit>) {
        let file = FileRef {
            generated: false,
            ..file
        };
        for i in self.paths.matches(file.path) {
            self.push(hits, file, self.path_map[i], 1, file.path);
        }
    }

    /// Whether some rule reads this (non-Python) file's text.
    pub fn wants_text(&self, path: &str) -> bool {
        self.text_files.is_match(path)
    }

    /// Hits from regexes over a configuration file's text.
    pub fn match_text(&self, file: FileRef, text: &str, hits: &mut Vec<Hit>) {
        for (id, s) in self.signals.iter().enumerate() {
            let Some(re) = &s.text else { continue };
            let id = id as SignalId;
            if !self.applies(id, file) {
                continue;
            }
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
                    signal: id,
                    line,
                    detail: snippet,
                });
            }
        }
    }

    /// Hits from declared dependencies (normalized names) of a manifest.
    pub fn match_deps(&self, file: FileRef, deps: &[(String, u32)], hits: &mut Vec<Hit>) {
        for (name, line) in deps {
            for i in self.deps.matches(name) {
                self.push(
                    hits,
                    file,
                    self.dep_map[i],
                    *line,
                    &format!("declares {name}"),
                );
            }
        }
    }
}

/// Sorts hits and drops repeats of one signal on one line.
pub fn normalize(hits: &mut Vec<Hit>) {
    hits.sort();
    hits.dedup_by(|a, b| a.signal == b.signal && a.line == b.line);
}
