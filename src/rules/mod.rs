//! Competency rules: data in `rules/*.toml`, compiled into the binary, extendable with `--rules DIR`.
//!
//! In: rule files. Out: a [`RuleSet`] that turns a file's facts into hits
//! (`matching`) and a repository's hits into levels with evidence (`levels`).
//! It never reads a repository itself.

pub mod compile;
pub mod file;
pub mod levels;
pub mod matching;
pub mod metrics;
pub mod names;
pub mod provenance;
mod signal;

use crate::analyze::facts::Feature;
use crate::model::{Catalog, CompetencyInfo, Severity};
pub use crate::model::{DataError, DataErrors};
pub use compile::{RuleSource, SourceKind};
use file::Scope;
use globset::GlobSet;
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Index of a signal in [`RuleSet::signals`].
pub type SignalId = u32;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
    include!(concat!(env!("OUT_DIR"), "/embedded_findings.rs"));
}

/// A compiled competency rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub area: String,
    pub why: String,
    pub advice: String,
    pub metrics: Vec<String>,
    pub signals: Range<usize>,
    pub levels: Vec<Level>,
    pub examples: Vec<Example>,
    /// The file the rule came from (`rules/py.regex.toml` for built-in rules).
    pub source: PathBuf,
    /// Findings that cap the level, and the level they cap it at.
    pub cap: Option<(Vec<String>, u8)>,
}

/// A compiled finding: a problem reported at every place one of its signals matches.
#[derive(Debug)]
pub struct FindingRule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub why: String,
    pub advice: String,
    pub signals: Range<usize>,
    pub examples: Vec<Example>,
    /// The file it came from (`rules/findings/sec.eval.toml` for built-in ones).
    pub source: PathBuf,
}

/// A compiled signal: which files it looks at, and how its hits are shown.
#[derive(Debug)]
pub struct Signal {
    /// The rule it belongs to (in [`RuleSet::rules`]), or for a finding's
    /// signal, the finding (in [`RuleSet::findings`]).
    pub rule: usize,
    pub name: String,
    pub detail: Option<String>,
    pub hint: bool,
    /// A hint made of declared dependencies: at level 0 it says a package
    /// is declared but never used.
    pub declares: bool,
    pub scope: Scope,
    /// Limited by `files` globs (kept in [`RuleSet::file_filters`]).
    pub has_files: bool,
    pub text: Option<LazyRegex>,
    pub metric: Option<String>,
    /// A finding's signal: what each hit reports (`{detail}` is what matched).
    pub message: Option<String>,
    /// Keyword arguments a matched name's call must pass, with the values
    /// one of which it must have (`*`: any).
    pub keywords: Vec<(String, Vec<String>)>,
    /// Keyword arguments it must not pass.
    pub no_keywords: Vec<String>,
}

impl Signal {
    /// Whether a reference's keyword arguments are what the signal asks.
    pub fn keywords_hold(&self, given: Option<&crate::analyze::facts::Keywords>) -> bool {
        let given: &[(String, Vec<String>)] = given.map_or(&[], |k| k);
        let passed = |name: &str| given.iter().find(|(n, _)| n == name);
        self.keywords.iter().all(|(name, wanted)| {
            passed(name).is_some_and(|(_, values)| {
                wanted
                    .iter()
                    .any(|w| w == "*" || values.iter().any(|v| v == w))
            })
        }) && self.no_keywords.iter().all(|n| passed(n).is_none())
    }
}

/// A regex checked when rules load and compiled the first time a file needs
/// it: most scans never read the configuration files most rules look for.
#[derive(Debug)]
pub struct LazyRegex {
    pattern: String,
    compiled: std::sync::OnceLock<Option<Regex>>,
}

impl LazyRegex {
    pub fn new(pattern: &str) -> Self {
        LazyRegex {
            pattern: pattern.to_string(),
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The compiled regex; `None` only if it exceeds the regex crate's size
    /// limits, which the load-time parse cannot see.
    pub fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| Regex::new(&self.pattern).ok())
            .as_ref()
    }
}

impl Signal {
    fn placeholder(rule: usize, name: &str) -> Self {
        Signal {
            rule,
            name: name.to_string(),
            detail: None,
            hint: true,
            declares: false,
            scope: Scope::Any,
            has_files: false,
            text: None,
            metric: None,
            message: None,
            keywords: Vec::new(),
            no_keywords: Vec::new(),
        }
    }
}

/// What one level needs; signal indices are global.
#[derive(Debug, Clone)]
pub struct Level {
    pub any: Vec<usize>,
    /// Each group must have a hit in one of its signals (`all = ["a | b", "c"]`).
    pub all: Vec<Vec<usize>>,
    pub min: u64,
    pub min_files: u64,
    /// `all` (and `any`) must hold within one file.
    pub same_file: bool,
    pub metric: Option<(String, f64)>,
}

/// An example repository and the level the rule must give it.
#[derive(Debug, Clone)]
pub struct Example {
    /// Line of the `[[example]]` table in the rule file.
    pub line: usize,
    pub expect_match: bool,
    pub level: Option<u8>,
    pub files: Vec<(String, String)>,
}

/// Every loaded rule, with one combined matcher per kind of fact.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub findings: Vec<FindingRule>,
    pub signals: Vec<Signal>,
    qnames: names::LazyNameSet,
    qname_map: Vec<(SignalId, u8)>,
    imports: names::NameSet,
    import_map: Vec<SignalId>,
    paths: GlobSet,
    path_map: Vec<SignalId>,
    defs: names::NameSet,
    def_map: Vec<(SignalId, bool)>,
    deps: GlobSet,
    dep_map: Vec<SignalId>,
    text_files: GlobSet,
    file_filters: GlobSet,
    file_filter_map: Vec<SignalId>,
    syntax: Vec<Vec<SignalId>>,
    /// Indexed by node kind id: some rule wants nodes of this kind.
    pub syntax_kinds: Vec<bool>,
    /// Some signal matches keyword arguments: the analyzer records them.
    pub wants_keywords: bool,
    features: HashMap<Feature, Vec<SignalId>>,
    /// Signals by configuration fact name.
    facts: HashMap<&'static str, Vec<SignalId>>,
    /// Tells rule sets apart in the per-thread cache of name matches.
    instance: u64,
    /// Which signals apply to a file its path names in no `files` glob, by
    /// (is a test, is generated): made on first use, once the set is whole.
    scope_masks: std::sync::OnceLock<[Vec<bool>; 4]>,
}

impl RuleSet {
    fn empty() -> Self {
        RuleSet {
            rules: Vec::new(),
            findings: Vec::new(),
            signals: Vec::new(),
            qnames: names::LazyNameSet::default(),
            qname_map: Vec::new(),
            imports: names::NameSet::empty(),
            import_map: Vec::new(),
            paths: GlobSet::empty(),
            path_map: Vec::new(),
            defs: names::NameSet::empty(),
            def_map: Vec::new(),
            deps: GlobSet::empty(),
            dep_map: Vec::new(),
            text_files: GlobSet::empty(),
            file_filters: GlobSet::empty(),
            file_filter_map: Vec::new(),
            syntax: Vec::new(),
            syntax_kinds: Vec::new(),
            wants_keywords: false,
            features: HashMap::new(),
            facts: HashMap::new(),
            instance: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
            scope_masks: std::sync::OnceLock::new(),
        }
    }

    /// The rule and finding files compiled into the binary.
    pub fn embedded_sources() -> Vec<RuleSource> {
        let rules = embedded::RULES.iter().map(|(name, text)| RuleSource {
            path: Path::new("rules").join(name),
            text: (*text).to_string(),
            builtin: true,
            kind: SourceKind::Competency,
        });
        let findings = embedded::FINDINGS.iter().map(|(name, text)| RuleSource {
            path: Path::new("rules/findings").join(name),
            text: (*text).to_string(),
            builtin: true,
            kind: SourceKind::Finding,
        });
        rules.chain(findings).collect()
    }

    /// The built-in rules.
    pub fn embedded() -> Result<RuleSet, DataErrors> {
        RuleSet::compile(&RuleSet::embedded_sources())
    }

    /// Compiles for an audit, which runs no example: the built-in files'
    /// `[[example]]` tables (half their text) are neither parsed nor kept,
    /// so built-in rules come without examples (`rules test` and `rules
    /// check` compile them whole). Custom files are compiled whole, their
    /// examples checked as before.
    pub fn compile_for_audit(sources: &[RuleSource]) -> Result<RuleSet, DataErrors> {
        let trimmed: Vec<RuleSource> = sources
            .iter()
            .map(|s| RuleSource {
                path: s.path.clone(),
                text: s
                    .builtin
                    .then(|| before_examples(&s.text))
                    .flatten()
                    .unwrap_or(&s.text)
                    .to_string(),
                builtin: s.builtin,
                kind: s.kind,
            })
            .collect();
        RuleSet::compile(&trimmed)
    }

    /// The built-in rules plus (overridden by) the `*.toml` files of `dir`.
    pub fn with_dir(dir: Option<&Path>) -> Result<RuleSet, DataErrors> {
        let mut sources = RuleSet::embedded_sources();
        if let Some(dir) = dir {
            sources.extend(read_dir(dir)?);
        }
        RuleSet::compile(&sources)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn finding(&self, id: &str) -> Option<&FindingRule> {
        self.findings.iter().find(|f| f.id == id)
    }

    /// The competency ids, as roadmaps and project files check them.
    /// Builds now what is otherwise built on first use (the qualified-name
    /// patterns), to overlap other work.
    pub fn prepare(&self) {
        self.qnames.build();
    }

    pub fn ids(&self) -> std::collections::BTreeSet<&str> {
        self.rules.iter().map(|r| r.id.as_str()).collect()
    }

    /// What the checklist needs of each competency: title, area, advice.
    pub fn catalog(&self) -> Catalog {
        Catalog::new(self.rules.iter().map(|r| CompetencyInfo {
            id: r.id.clone(),
            title: r.title.clone(),
            area: r.area.clone(),
            advice: r.advice.clone(),
        }))
    }
}

/// A rule file's text up to its first `[[example]]` table, when only
/// example tables follow it (every later table header is `[[example]]` or
/// `[example.…]`, and no later line that starts with `[` is anything else,
/// even inside a string); otherwise none, and the file is parsed whole.
/// The lines before the cut keep their numbers.
fn before_examples(text: &str) -> Option<&str> {
    let mut offset = 0;
    let mut cut = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if cut.is_none() {
            if t == "[[example]]" {
                cut = Some(offset);
            }
        } else if t.starts_with('[') && t != "[[example]]" && !t.starts_with("[example.") {
            return None;
        }
        offset += line.len();
    }
    cut.map(|c| &text[..c])
}

/// The rule files of a folder, sorted by name: competencies at its top,
/// findings in its `findings/` subfolder (when there is one).
pub fn read_dir(dir: &Path) -> Result<Vec<RuleSource>, DataErrors> {
    let mut out = read_kind(dir, SourceKind::Competency)?;
    let findings = dir.join("findings");
    if findings.is_dir() {
        out.extend(read_kind(&findings, SourceKind::Finding)?);
    }
    Ok(out)
}

fn read_kind(dir: &Path, kind: SourceKind) -> Result<Vec<RuleSource>, DataErrors> {
    let read_err = |source| {
        DataErrors(vec![DataError::Read {
            path: dir.to_path_buf(),
            source,
        }])
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => out.push(RuleSource {
                path,
                text,
                builtin: false,
                kind,
            }),
            Err(source) => errors.push(DataError::Read { path, source }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(DataErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::before_examples;

    #[test]
    fn examples_are_cut_only_when_nothing_else_follows() {
        let text = "id = \"a.b\"\n[[signal]]\nname = \"x\"\n[[example]]\nmatches = '''\nx = 1\n'''\n[example.files]\n\"a.py\" = \"\"\n[[example]]\nno_match = \"\"\n";
        assert_eq!(
            before_examples(text),
            Some("id = \"a.b\"\n[[signal]]\nname = \"x\"\n")
        );
        // Another table after an example: parsed whole.
        let text = "id = \"a.b\"\n[[example]]\nmatches = \"\"\n[cap]\nlevel = 1\n";
        assert_eq!(before_examples(text), None);
        // A line of code that starts with `[`: parsed whole.
        let text = "id = \"a.b\"\n[[example]]\nmatches = '''\n[x for x in y]\n'''\n";
        assert_eq!(before_examples(text), None);
        assert_eq!(before_examples("id = \"a.b\"\n"), None);
    }
}
