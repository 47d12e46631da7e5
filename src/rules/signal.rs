//! One `[[signal]]` table compiled: each of its matchers added to the
//! combined matcher of its kind (one glob set, name set or table for all
//! rules and findings), so a file is matched against everything in one pass.

use super::file::SignalFile;
use super::metrics::is_known_metric;
use super::{LazyRegex, RuleSet, Signal, SignalId};
use crate::analyze::facts::{role, Feature};
use crate::analyze::manifest::normalize_dep;
use crate::analyze::python::kind_ids;
use globset::{Glob, GlobBuilder, GlobSetBuilder};

/// A glob over qualified names: `*` matches any text, dots included.
fn name_glob(p: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(p).literal_separator(false).build()
}

/// Checks a name pattern so a bad one names its rule and line. A pattern
/// without wildcards is always valid, and most are (building a glob is
/// most of what loading rules costs); so is a plain prefix (`name*`, no
/// other wildcard), which a name set matches without a glob.
fn check_name_pattern(p: &str) -> Result<(), globset::Error> {
    use super::names::is_glob_char;
    let plain_prefix = p
        .strip_suffix('*')
        .is_some_and(|prefix| !prefix.contains(is_glob_char));
    if p.contains(is_glob_char) && !plain_prefix {
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

pub(super) struct Builders {
    pub qname_map: Vec<(SignalId, u8)>,
    pub qname_patterns: Vec<String>,
    pub imports: Vec<String>,
    pub import_map: Vec<SignalId>,
    pub paths: GlobSetBuilder,
    pub path_map: Vec<SignalId>,
    pub defs: Vec<String>,
    pub def_map: Vec<(SignalId, bool)>,
    pub deps: GlobSetBuilder,
    pub dep_map: Vec<SignalId>,
    pub text_files: GlobSetBuilder,
    pub file_filters: GlobSetBuilder,
    pub file_filter_map: Vec<SignalId>,
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

/// A signal's problem: the field it is in, and the reason.
pub(super) type SignalError = (&'static str, String);

pub(super) fn compile_signal(
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
        (&s.returns, role::RETURN, "returns"),
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
    let on_names =
        !(s.calls.is_empty() && s.decorators.is_empty() && s.bases.is_empty() && s.uses.is_empty());
    if !(s.keywords.is_empty() && s.no_keywords.is_empty()) {
        if !on_names {
            return Err((
                "keywords",
                "`keywords`/`no_keywords` need the names whose arguments they read: give `calls`, `decorators`, `bases` or `uses`".to_string(),
            ));
        }
        if let Some((k, _)) = s.keywords.iter().find(|(_, v)| v.is_empty()) {
            return Err((
                "keywords",
                format!("keyword `{k}` lists no value; write `[\"*\"]` for any value"),
            ));
        }
        set.wants_keywords = true;
    }
    if matchers == 0 {
        return Err(("name", "matches nothing: give imports, calls, decorators, bases, uses, writes, with_items, returns, syntax, features, functions, methods, paths, text, facts, deps or metric".to_string()));
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
        message: s.message.clone(),
        keywords: s
            .keywords
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        no_keywords: s.no_keywords.clone(),
    })
}
