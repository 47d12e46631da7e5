//! Turns rule and finding files into one [`RuleSet`]: every check of a
//! rule happens here, and every matcher (globs, regexes, node kinds) is
//! built once ([`super::signal`]), shared by competencies and findings.

use super::file::{ExampleFile, FindingFile, LevelFile, RuleFile, SignalFile};
use super::metrics::is_known_metric;
use super::names::{LazyNameSet, NameSet};
use super::signal::{compile_signal, Builders, SignalError};
use super::{Example, FindingRule, Level, Rule, RuleSet, Signal, SignalId};
use crate::model::{field_offset, line_at, DataError, DataErrors, LineIndex};
use globset::GlobSetBuilder;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// What a data file describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A competency (`rules/<id>.toml`).
    Competency,
    /// A finding (`rules/findings/<id>.toml`).
    Finding,
}

/// A rule file's text and where it came from.
pub struct RuleSource {
    pub path: PathBuf,
    pub text: String,
    /// Compiled into the binary (a custom rule with the same id replaces it).
    pub builtin: bool,
    pub kind: SourceKind,
}

/// Ids look like `area.name`: lowercase words joined by dots and underscores.
fn valid_id(id: &str) -> bool {
    let mut parts = id.split('.');
    let ok_part = |p: &str| {
        !p.is_empty()
            && p.starts_with(|c: char| c.is_ascii_lowercase())
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    parts.clone().count() >= 2 && parts.all(ok_part)
}

/// Parses each source as its kind, keeping only the last of each id (a
/// custom file replaces a built-in one); a parse error or a duplicate
/// among files of the same origin is an error.
fn parse_all<'s, F: serde::de::DeserializeOwned + Send>(
    sources: impl Iterator<Item = &'s RuleSource>,
    id: impl Fn(&F) -> &str,
    errors: &mut Vec<DataError>,
) -> Vec<(&'s RuleSource, F)> {
    // In parallel: parsing the built-in files is a third of the start-up.
    let sources: Vec<&RuleSource> = sources.collect();
    let parsed: Vec<Result<F, toml::de::Error>> = sources
        .par_iter()
        .map(|src| toml::from_str::<F>(&src.text))
        .collect();
    let mut files: Vec<(&RuleSource, F)> = Vec::new();
    for (src, parsed) in sources.into_iter().zip(parsed) {
        match parsed {
            Ok(f) => files.push((src, f)),
            Err(e) => {
                let line = e.span().map(|s| line_at(&src.text, s.start)).unwrap_or(1);
                let msg = e.message().trim().to_string();
                errors.push(DataError::invalid(&src.path, line, msg));
            }
        }
    }
    // A later source with the same id replaces an earlier one: custom rules
    // (`--rules DIR`) come after the embedded ones and override them.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (src, f)) in files.iter().enumerate() {
        if let Some(&j) = seen.get(id(f)) {
            let (other, _) = &files[j];
            if other.builtin == src.builtin {
                errors.push(DataError::invalid(
                    &src.path,
                    1,
                    format!(
                        "duplicate id `{}` (also in {})",
                        id(f),
                        other.path.display()
                    ),
                ));
            }
        }
        seen.insert(id(f).to_string(), i);
    }
    files
        .into_iter()
        .enumerate()
        .filter(|(i, (_, f))| seen.get(id(f)) == Some(i))
        .map(|(_, pair)| pair)
        .collect()
}

impl RuleSet {
    /// Compiles rule and finding files. Fails with every problem found,
    /// each as `file:line: reason`.
    pub fn compile(sources: &[RuleSource]) -> Result<RuleSet, DataErrors> {
        let mut errors = Vec::new();
        let of = |kind: SourceKind| sources.iter().filter(move |s| s.kind == kind);
        let (mut rule_errors, mut finding_errors) = (Vec::new(), Vec::new());
        let (rules, findings) = rayon::join(
            || parse_all::<RuleFile>(of(SourceKind::Competency), |f| &f.id, &mut rule_errors),
            || parse_all::<FindingFile>(of(SourceKind::Finding), |f| &f.id, &mut finding_errors),
        );
        errors.append(&mut rule_errors);
        errors.append(&mut finding_errors);
        let mut set = RuleSet::empty();
        let mut b = Builders::default();
        for (src, file) in &rules {
            if let Err(mut e) = compile_rule(&mut set, &mut b, src, file) {
                errors.append(&mut e);
            }
        }
        for (src, file) in &findings {
            if let Err(mut e) = compile_finding(&mut set, &mut b, src, file) {
                errors.append(&mut e);
            }
        }
        // A cap names findings, which are compiled once every rule is.
        for (src, file) in &rules {
            let Some(cap) = &file.cap else { continue };
            let line = line_at(&src.text, cap.span().start);
            let c = cap.get_ref();
            if c.level > 2 {
                errors.push(DataError::invalid(
                    &src.path,
                    line,
                    format!("[cap] level {} is not 0, 1 or 2", c.level),
                ));
            }
            if c.findings.is_empty() {
                errors.push(DataError::invalid(
                    &src.path,
                    line,
                    "[cap] names no finding",
                ));
            }
            for id in &c.findings {
                if set.finding(id).is_none() {
                    errors.push(DataError::invalid(
                        &src.path,
                        line,
                        format!("[cap] unknown finding `{id}`; `portfolio-audit rules list` and rules/findings/ have the ids"),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(DataErrors(errors));
        }
        let build = |b: GlobSetBuilder, what: &str| {
            b.build().map_err(|e| {
                DataErrors(vec![DataError::invalid(Path::new(what), 1, e.to_string())])
            })
        };
        let names = |patterns: &[String]| {
            NameSet::build(patterns).map_err(|(_, e)| {
                DataErrors(vec![DataError::invalid(
                    Path::new("rules"),
                    1,
                    e.to_string(),
                )])
            })
        };
        // In two halves of about equal cost (a millisecond each).
        let ((imports, paths, defs), (file_filters, text_files, deps)) = rayon::join(
            || (names(&b.imports), build(b.paths, "rules"), names(&b.defs)),
            || {
                (
                    build(b.file_filters, "rules"),
                    build(b.text_files, "rules"),
                    build(b.deps, "rules"),
                )
            },
        );
        set.qnames = LazyNameSet::new(b.qname_patterns);
        set.qname_map = b.qname_map;
        set.imports = imports?;
        set.import_map = b.import_map;
        set.paths = paths?;
        set.path_map = b.path_map;
        set.defs = defs?;
        set.def_map = b.def_map;
        set.deps = deps?;
        set.dep_map = b.dep_map;
        set.text_files = text_files?;
        set.file_filters = file_filters?;
        set.file_filter_map = b.file_filter_map;
        Ok(set)
    }
}

/// The checks every data file's id and prose get.
fn check_header(
    src: &RuleSource,
    id: &str,
    prose: &[(&str, &String)],
    err: &mut dyn FnMut(usize, String),
) {
    let stem = src.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if !valid_id(id) {
        err(
            1,
            format!("id `{id}` must look like `area.name` (lowercase, digits, `_`)"),
        );
    }
    if stem != id {
        err(
            1,
            format!("id `{id}` must equal the file name `{stem}.toml`; rename one of them"),
        );
    }
    for (field, value) in prose {
        if value.trim().is_empty() {
            err(1, format!("`{field}` is empty; every rule explains itself"));
        }
    }
}

/// Compiles the `[[signal]]` tables of one file, owned by rule or finding
/// `owner`; returns their names, in order (indices follow `set.signals`).
fn compile_signals(
    set: &mut RuleSet,
    b: &mut Builders,
    src: &RuleSource,
    signals: &[Spanned<SignalFile>],
    owner: usize,
    lines: &LineIndex,
    err: &mut dyn FnMut(usize, String),
) -> Vec<String> {
    let finding = src.kind == SourceKind::Finding;
    if signals.is_empty() {
        err(1, "a rule needs at least one [[signal]]".to_string());
    }
    let mut names: Vec<String> = Vec::new();
    for s in signals {
        let line = lines.line(s.span().start);
        let sig = s.get_ref();
        if names.contains(&sig.name) {
            err(line, format!("two signals are named `{}`", sig.name));
        }
        names.push(sig.name.clone());
        let id = set.signals.len() as SignalId;
        let checked = match (finding, &sig.message) {
            (true, None) => Err((
                "name",
                "a finding's signal needs a `message`: what each hit reports".to_string(),
            )),
            (false, Some(_)) => Err((
                "message",
                "only findings (rules/findings/) have messages; a competency's signal has a `detail`"
                    .to_string(),
            )),
            (true, Some(_)) if sig.hint => Err((
                "hint",
                "a finding's signal is never a hint: every hit is reported".to_string(),
            )),
            _ => compile_signal(set, b, id, owner, sig, src.builtin),
        };
        match checked {
            Ok(signal) => set.signals.push(signal),
            Err((field, msg)) => {
                let span = s.span();
                let table = src.text.get(span.start..).unwrap_or("");
                let line = field_offset(table, field)
                    .map(|o| lines.line(span.start + o))
                    .unwrap_or(line);
                err(line, format!("signal `{}`: {msg}", sig.name));
                // Keep indices aligned so later signals still get checked.
                set.signals.push(Signal::placeholder(owner, &sig.name));
            }
        }
    }
    names
}

fn compile_examples(
    src: &RuleSource,
    examples: &[Spanned<ExampleFile>],
    lines: &LineIndex,
    err: &mut dyn FnMut(usize, String),
) -> Vec<Example> {
    let finding = src.kind == SourceKind::Finding;
    let mut out = Vec::new();
    for e in examples {
        let line = lines.line(e.span().start);
        match compile_example(e.get_ref(), finding) {
            Ok(ex) => out.push(Example { line, ..ex }),
            Err(msg) => err(line, msg),
        }
    }
    out
}

fn compile_rule(
    set: &mut RuleSet,
    b: &mut Builders,
    src: &RuleSource,
    f: &RuleFile,
) -> Result<(), Vec<DataError>> {
    let path = &src.path;
    let mut errors = Vec::new();
    let mut err = |line: usize, msg: String| errors.push(DataError::invalid(path, line, msg));
    check_header(
        src,
        &f.id,
        &[
            ("title", &f.title),
            ("area", &f.area),
            ("why", &f.why),
            ("advice", &f.advice),
        ],
        &mut err,
    );
    for m in &f.metrics {
        if !is_known_metric(m) {
            err(
                1,
                format!("unknown metric `{m}` in `metrics`; see `portfolio-audit rules metrics`"),
            );
        }
    }
    let lines = LineIndex::new(&src.text);
    let rule_idx = set.rules.len();
    let first_signal = set.signals.len();
    let names = compile_signals(set, b, src, &f.signal, rule_idx, &lines, &mut err);
    let lookup = |name: &str| {
        names
            .iter()
            .position(|n| n == name)
            .map(|p| first_signal + p)
    };
    let mut levels = Vec::new();
    if f.level.len() > 3 {
        err(
            lines.line(f.level[3].span().start),
            "at most 3 [[level]] tables (levels 1..3)".to_string(),
        );
    }
    for l in &f.level {
        let line = lines.line(l.span().start);
        match compile_level(l.get_ref(), &lookup) {
            Ok(level) => levels.push(level),
            Err((field, msg)) => {
                let table = src.text.get(l.span().start..).unwrap_or("");
                let line = field_offset(table, field)
                    .map(|o| lines.line(l.span().start + o))
                    .unwrap_or(line);
                err(line, msg)
            }
        }
    }
    if f.level.is_empty() {
        let mk = |min, min_files| Level {
            any: Vec::new(),
            all: Vec::new(),
            min,
            min_files,
            same_file: false,
            metric: None,
        };
        levels = vec![mk(1, 1), mk(3, 1), mk(8, 2)];
    }
    for w in levels.windows(2) {
        if w[1].min < w[0].min
            && w[1].all.is_empty()
            && w[1].any.is_empty()
            && w[1].metric.is_none()
        {
            err(1, "level thresholds must not decrease".to_string());
        }
    }
    let examples = compile_examples(src, &f.example, &lines, &mut err);
    if !errors.is_empty() {
        return Err(errors);
    }
    set.rules.push(Rule {
        id: f.id.clone(),
        title: f.title.trim().to_string(),
        area: f.area.trim().to_string(),
        why: f.why.trim().to_string(),
        advice: f.advice.trim().to_string(),
        metrics: f.metrics.clone(),
        signals: first_signal..set.signals.len(),
        levels,
        examples,
        source: path.clone(),
        cap: f.cap.as_ref().map(|c| {
            let c = c.get_ref();
            (c.findings.clone(), c.level)
        }),
    });
    Ok(())
}

fn compile_finding(
    set: &mut RuleSet,
    b: &mut Builders,
    src: &RuleSource,
    f: &FindingFile,
) -> Result<(), Vec<DataError>> {
    let path = &src.path;
    let mut errors = Vec::new();
    let mut err = |line: usize, msg: String| errors.push(DataError::invalid(path, line, msg));
    check_header(
        src,
        &f.id,
        &[("title", &f.title), ("why", &f.why), ("advice", &f.advice)],
        &mut err,
    );
    let lines = LineIndex::new(&src.text);
    let first_signal = set.signals.len();
    compile_signals(set, b, src, &f.signal, set.findings.len(), &lines, &mut err);
    let examples = compile_examples(src, &f.example, &lines, &mut err);
    if !errors.is_empty() {
        return Err(errors);
    }
    set.findings.push(FindingRule {
        id: f.id.clone(),
        title: f.title.trim().to_string(),
        severity: f.severity,
        why: f.why.trim().to_string(),
        advice: f.advice.trim().to_string(),
        signals: first_signal..set.signals.len(),
        examples,
        source: path.clone(),
    });
    Ok(())
}

fn compile_level(
    l: &LevelFile,
    lookup: &dyn Fn(&str) -> Option<usize>,
) -> Result<Level, SignalError> {
    let resolve = |names: &[String], field: &'static str| -> Result<Vec<usize>, SignalError> {
        names
            .iter()
            .map(|n| {
                lookup(n).ok_or_else(|| (field, format!("level names an unknown signal `{n}`")))
            })
            .collect()
    };
    if l.same_file && l.all.is_empty() && l.any.is_empty() {
        return Err((
            "same_file",
            "`same_file` needs the signals it joins: give `all` (and `any`)".to_string(),
        ));
    }
    let metric = match (&l.metric, l.at_least) {
        (Some(m), Some(v)) if is_known_metric(m) => Some((m.clone(), v)),
        (Some(m), Some(_)) => {
            return Err((
                "metric",
                format!("unknown metric `{m}`; see `portfolio-audit rules metrics`"),
            ))
        }
        (Some(_), None) => return Err(("metric", "`metric` needs `at_least`".to_string())),
        (None, Some(_)) => return Err(("at_least", "`at_least` needs `metric`".to_string())),
        (None, None) => None,
    };
    Ok(Level {
        any: resolve(&l.any, "any")?,
        all: l
            .all
            .iter()
            .map(|group| {
                let names: Vec<String> = group.split('|').map(|n| n.trim().to_string()).collect();
                resolve(&names, "all")
            })
            .collect::<Result<_, _>>()?,
        min: l.min.unwrap_or(1),
        min_files: l.min_files.unwrap_or(1),
        same_file: l.same_file,
        metric,
    })
}

fn compile_example(e: &ExampleFile, finding: bool) -> Result<Example, String> {
    let (code, expect_match) = match (&e.matches, &e.no_match) {
        (Some(c), None) => (c.clone(), true),
        (None, Some(c)) => (c.clone(), false),
        _ => return Err("an [[example]] has exactly one of `matches` or `no_match`".to_string()),
    };
    if finding && e.level.is_some() {
        return Err("a finding's example has no `level`: it matches or it does not".to_string());
    }
    if let Some(l) = e.level {
        if !(1..=3).contains(&l) {
            return Err(format!("example level {l} is not 1, 2 or 3"));
        }
    }
    let path = e.path.clone().unwrap_or_else(|| "example.py".to_string());
    let mut files: Vec<(String, String)> = e
        .files
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    files.push((path, code));
    let unique: HashSet<&String> = files.iter().map(|(p, _)| p).collect();
    if unique.len() != files.len() {
        return Err("an example's `path` is also in its `files`".to_string());
    }
    Ok(Example {
        line: 0,
        expect_match,
        level: e.level,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::signal::path_glob;

    #[test]
    fn ids_have_an_area_and_a_name() {
        assert!(valid_id("py.regex"));
        assert!(valid_id("testing.property_based"));
        assert!(!valid_id("regex"));
        assert!(!valid_id("Py.Regex"));
        assert!(!valid_id("py..regex"));
    }

    #[test]
    fn bare_path_globs_match_anywhere() {
        let g = path_glob("Dockerfile").unwrap().compile_matcher();
        assert!(g.is_match("Dockerfile"));
        assert!(g.is_match("deploy/Dockerfile"));
        let g = path_glob(".github/workflows/*.yml")
            .unwrap()
            .compile_matcher();
        assert!(g.is_match(".github/workflows/ci.yml"));
        assert!(!g.is_match("x/.github/workflows/ci.yml"));
    }
}
