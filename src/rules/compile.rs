//! Turns rule files into one [`RuleSet`]: every check of a rule happens here,
//! and every matcher (globs, regexes, node kinds) is built once.

use super::file::{ExampleFile, LevelFile, RuleFile, SignalFile};
use super::metrics::is_known_metric;
use super::names::NameSet;
use super::{Example, LazyRegex, Level, Rule, RuleSet, Signal, SignalId};
use crate::analyze::facts::{role, Feature};
use crate::analyze::manifest::normalize_dep;
use crate::analyze::python::kind_ids;
use crate::model::{field_offset, line_at, DataError, DataErrors};
use globset::{Glob, GlobBuilder, GlobSetBuilder};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// A rule file's text and where it came from.
pub struct RuleSource {
    pub path: PathBuf,
    pub text: String,
    /// Compiled into the binary (a custom rule with the same id replaces it).
    pub builtin: bool,
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

/// A glob over qualified names: `*` matches any text, dots included.
fn name_glob(p: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(p).literal_separator(false).build()
}

/// Checks a name pattern so a bad one names its rule and line. A pattern
/// without wildcards is always valid, and most are (building a glob is
/// most of what loading rules costs).
fn check_name_pattern(p: &str) -> Result<(), globset::Error> {
    if p.contains(super::names::is_glob_char) {
        name_glob(p)?;
    }
    Ok(())
}

/// A glob over repository paths; a pattern without `/` matches the file name anywhere.
pub fn path_glob(p: &str) -> Result<Glob, globset::Error> {
    let p = p.trim_start_matches("./");
    let pattern = if p.contains('/') {
        p.to_string()
    } else {
        format!("**/{p}")
    };
    GlobBuilder::new(&pattern).literal_separator(true).build()
}

struct Builders {
    qname_map: Vec<(SignalId, u8)>,
    qname_patterns: Vec<String>,
    imports: Vec<String>,
    import_map: Vec<SignalId>,
    paths: GlobSetBuilder,
    path_map: Vec<SignalId>,
    defs: Vec<String>,
    def_map: Vec<(SignalId, bool)>,
    deps: GlobSetBuilder,
    dep_map: Vec<SignalId>,
    text_files: GlobSetBuilder,
    file_filters: GlobSetBuilder,
    file_filter_map: Vec<SignalId>,
}

impl Default for Builders {
    fn default() -> Self {
        Builders {
            qname_map: Vec::new(),
            qname_patterns: Vec::new(),
            imports: Vec::new(),
            import_map: Vec::new(),
            paths: GlobSetBuilder::new(),
            path_map: Vec::new(),
            defs: Vec::new(),
            def_map: Vec::new(),
            deps: GlobSetBuilder::new(),
            dep_map: Vec::new(),
            text_files: GlobSetBuilder::new(),
            file_filters: GlobSetBuilder::new(),
            file_filter_map: Vec::new(),
        }
    }
}

impl RuleSet {
    /// Compiles rule files. Fails with every problem found, each as `file:line: reason`.
    pub fn compile(sources: &[RuleSource]) -> Result<RuleSet, DataErrors> {
        let mut errors = Vec::new();
        let mut files = Vec::new();
        for src in sources {
            match toml::from_str::<RuleFile>(&src.text) {
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
            if let Some(&j) = seen.get(&f.id) {
                let (other, _) = &files[j];
                if other.builtin == src.builtin {
                    errors.push(DataError::invalid(
                        &src.path,
                        1,
                        format!(
                            "duplicate rule id `{}` (also in {})",
                            f.id,
                            other.path.display()
                        ),
                    ));
                }
            }
            seen.insert(f.id.clone(), i);
        }
        let mut set = RuleSet::empty();
        let mut b = Builders::default();
        for (i, (src, file)) in files.iter().enumerate() {
            if seen.get(&file.id) != Some(&i) {
                continue;
            }
            if let Err(mut e) = compile_rule(&mut set, &mut b, src, file) {
                errors.append(&mut e);
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
        set.qnames = NameSet::build(&b.qname_patterns).map_err(|(_, e)| {
            DataErrors(vec![DataError::invalid(
                Path::new("rules"),
                1,
                e.to_string(),
            )])
        })?;
        set.qname_map = b.qname_map;
        let names = |patterns: &[String]| {
            NameSet::build(patterns).map_err(|(_, e)| {
                DataErrors(vec![DataError::invalid(
                    Path::new("rules"),
                    1,
                    e.to_string(),
                )])
            })
        };
        set.imports = names(&b.imports)?;
        set.import_map = b.import_map;
        set.paths = build(b.paths, "rules")?;
        set.path_map = b.path_map;
        set.defs = names(&b.defs)?;
        set.def_map = b.def_map;
        set.deps = build(b.deps, "rules")?;
        set.dep_map = b.dep_map;
        set.text_files = build(b.text_files, "rules")?;
        set.file_filters = build(b.file_filters, "rules")?;
        set.file_filter_map = b.file_filter_map;
        Ok(set)
    }
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
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if !valid_id(&f.id) {
        err(
            1,
            format!(
                "rule id `{}` must look like `area.name` (lowercase, digits, `_`)",
                f.id
            ),
        );
    }
    if stem != f.id {
        err(
            1,
            format!(
                "rule id `{}` must equal the file name `{stem}.toml`; rename one of them",
                f.id
            ),
        );
    }
    for (field, value) in [
        ("title", &f.title),
        ("area", &f.area),
        ("why", &f.why),
        ("advice", &f.advice),
    ] {
        if value.trim().is_empty() {
            err(1, format!("`{field}` is empty; every rule explains itself"));
        }
    }
    for m in &f.metrics {
        if !is_known_metric(m) {
            err(
                1,
                format!("unknown metric `{m}` in `metrics`; see `portfolio-audit rules metrics`"),
            );
        }
    }
    if f.signal.is_empty() {
        err(1, "a rule needs at least one [[signal]]".to_string());
    }
    let rule_idx = set.rules.len();
    let first_signal = set.signals.len();
    let mut names: Vec<String> = Vec::new();
    for s in &f.signal {
        let line = line_at(&src.text, s.span().start);
        let sig = s.get_ref();
        if names.contains(&sig.name) {
            err(line, format!("two signals are named `{}`", sig.name));
        }
        names.push(sig.name.clone());
        let id = set.signals.len() as SignalId;
        match compile_signal(set, b, id, rule_idx, sig, src.builtin) {
            Ok(signal) => set.signals.push(signal),
            Err((field, msg)) => {
                let span = s.span();
                let table = src.text.get(span.start..).unwrap_or("");
                let line = field_offset(table, field)
                    .map(|o| line_at(&src.text, span.start + o))
                    .unwrap_or(line);
                err(line, format!("signal `{}`: {msg}", sig.name));
                // Keep indices aligned so later signals still get checked.
                set.signals.push(Signal::placeholder(rule_idx, &sig.name));
            }
        }
    }
    let lookup = |name: &str| {
        names
            .iter()
            .position(|n| n == name)
            .map(|p| first_signal + p)
    };
    let mut levels = Vec::new();
    if f.level.len() > 3 {
        err(
            line_at(&src.text, f.level[3].span().start),
            "at most 3 [[level]] tables (levels 1..3)".to_string(),
        );
    }
    for l in &f.level {
        let line = line_at(&src.text, l.span().start);
        match compile_level(l.get_ref(), &lookup) {
            Ok(level) => levels.push(level),
            Err((field, msg)) => {
                let table = src.text.get(l.span().start..).unwrap_or("");
                let line = field_offset(table, field)
                    .map(|o| line_at(&src.text, l.span().start + o))
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
    let mut examples = Vec::new();
    for e in &f.example {
        let line = line_at(&src.text, e.span().start);
        match compile_example(e.get_ref()) {
            Ok(ex) => examples.push(Example { line, ..ex }),
            Err(msg) => err(line, msg),
        }
    }
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
    });
    Ok(())
}

/// A signal's problem: the field it is in, and the reason.
type SignalError = (&'static str, String);

fn compile_signal(
    set: &mut RuleSet,
    b: &mut Builders,
    id: SignalId,
    rule: usize,
    s: &SignalFile,
    builtin: bool,
) -> Result<Signal, SignalError> {
    let mut matchers = 0;
    // All signals' `files` filters go into one glob set, matched once per file.
    for p in &s.files {
        b.file_filters
            .add(path_glob(p).map_err(|e| ("files", format!("bad glob in `files`: {e}")))?);
        b.file_filter_map.push(id);
    }
    let has_files = !s.files.is_empty();
    let qname_fields = [
        (&s.calls, role::CALL, "calls"),
        (&s.decorators, role::DECORATOR, "decorators"),
        (&s.bases, role::BASE, "bases"),
        (
            &s.uses,
            role::CALL | role::DECORATOR | role::BASE | role::USE | role::WITH,
            "uses",
        ),
        (&s.with_items, role::WITH, "with_items"),
        (&s.writes, role::WRITE, "writes"),
    ];
    for (patterns, mask, field) in qname_fields {
        for p in patterns {
            // Checked here, so a bad pattern names its rule and line.
            check_name_pattern(p).map_err(|e| (field, format!("bad pattern in `{field}`: {e}")))?;
            b.qname_map.push((id, mask));
            b.qname_patterns.push(p.clone());
            matchers += 1;
        }
    }
    for p in &s.imports {
        check_name_pattern(p).map_err(|e| ("imports", format!("bad pattern in `imports`: {e}")))?;
        for pat in [p.clone(), format!("{p}.*")] {
            b.imports.push(pat);
            b.import_map.push(id);
        }
        matchers += 1;
    }
    for p in &s.paths {
        b.paths
            .add(path_glob(p).map_err(|e| ("paths", format!("bad glob in `paths`: {e}")))?);
        b.path_map.push(id);
        matchers += 1;
    }
    for (patterns, methods_only, field) in [
        (&s.functions, false, "functions"),
        (&s.methods, true, "methods"),
    ] {
        for p in patterns {
            check_name_pattern(p).map_err(|e| (field, format!("bad pattern in `{field}`: {e}")))?;
            b.defs.push(p.clone());
            b.def_map.push((id, methods_only));
            matchers += 1;
        }
    }
    for p in &s.deps {
        b.deps.add(
            name_glob(&normalize_dep(p))
                .map_err(|e| ("deps", format!("bad pattern in `deps`: {e}")))?,
        );
        b.dep_map.push(id);
        matchers += 1;
    }
    for kind in &s.syntax {
        let ids = kind_ids(kind);
        if ids.is_empty() {
            return Err((
                "syntax",
                format!("`{kind}` is not a node kind of tree-sitter-python; `portfolio-audit rules dump-tree FILE.py` shows the kinds"),
            ));
        }
        for k in ids {
            let k = k as usize;
            if set.syntax.len() <= k {
                set.syntax.resize(k + 1, Vec::new());
                set.syntax_kinds.resize(k + 1, false);
            }
            set.syntax[k].push(id);
            set.syntax_kinds[k] = true;
        }
        matchers += 1;
    }
    for name in &s.features {
        let f = Feature::from_name(name).ok_or_else(|| {
            (
                "features",
                format!("unknown feature `{name}`; `portfolio-audit rules features` lists them"),
            )
        })?;
        set.features.entry(f).or_default().push(id);
        matchers += 1;
    }
    for pattern in &s.facts {
        let infos: Vec<_> = match pattern.strip_suffix(".*") {
            Some(prefix) => crate::analyze::known_facts()
                .filter(|f| {
                    f.name
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with('.'))
                })
                .collect(),
            None => crate::analyze::fact_info(pattern).into_iter().collect(),
        };
        if infos.is_empty() {
            return Err((
                "facts",
                format!("unknown fact `{pattern}`; `portfolio-audit rules features` lists them"),
            ));
        }
        for info in infos {
            let ids = set.facts.entry(info.name).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        matchers += 1;
    }
    let text = match &s.text {
        Some(t) => {
            if !has_files {
                return Err((
                    "text",
                    "`text` needs `files`: the regex reads configuration files, never code"
                        .to_string(),
                ));
            }
            for p in &s.files {
                b.text_files
                    .add(path_glob(p).map_err(|e| ("files", e.to_string()))?);
            }
            matchers += 1;
            // A custom rule's regex is checked now, so a bad one names its
            // rule and line; the embedded ones are checked by the tests
            // (`embedded_text_regexes_compile`). Either way it is compiled
            // only when a file first needs it.
            if !builtin {
                regex_syntax::Parser::new()
                    .parse(t)
                    .map_err(|e| ("text", format!("bad regex in `text`: {e}")))?;
            }
            Some(LazyRegex::new(t))
        }
        None => None,
    };
    if let Some(m) = &s.metric {
        if !is_known_metric(m) {
            return Err((
                "metric",
                format!("unknown metric `{m}`; see `portfolio-audit rules metrics`"),
            ));
        }
        matchers += 1;
    }
    if matchers == 0 {
        return Err(("name", "matches nothing: give imports, calls, decorators, bases, uses, writes, with_items, syntax, features, functions, methods, paths, text, facts, deps or metric".to_string()));
    }
    if s.name.trim().is_empty() {
        return Err(("name", "a signal needs a `name`".to_string()));
    }
    Ok(Signal {
        rule,
        name: s.name.clone(),
        detail: s.detail.clone(),
        hint: s.hint,
        declares: s.hint && !s.deps.is_empty(),
        scope: s.scope,
        has_files,
        text,
        metric: s.metric.clone(),
    })
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
        metric,
    })
}

fn compile_example(e: &ExampleFile) -> Result<Example, String> {
    let (code, expect_match) = match (&e.matches, &e.no_match) {
        (Some(c), None) => (c.clone(), true),
        (None, Some(c)) => (c.clone(), false),
        _ => return Err("an [[example]] has exactly one of `matches` or `no_match`".to_string()),
    };
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
