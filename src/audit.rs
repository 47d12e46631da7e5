//! Audits one repository: list its files, analyze them in parallel, resolve
//! names across its modules, and turn the hits into levels with evidence.
//!
//! Files are analyzed independently (rayon); everything after that runs in
//! path order, so the result is the same whatever the thread count.

use crate::analyze::crossref::Exports;
use crate::analyze::facts::{CodeMetrics, Export, Finding, Ref};
use crate::analyze::notebook::{self, NotebookCode};
use crate::analyze::{self, manifest, python, FileKind};
use crate::report::model::{RepoReport, Stats};
use crate::rules::levels::{Tally, SAMPLES_PER_SIGNAL};
use crate::rules::matching::{summarize, FileHits, FileRef, Hit};
use crate::rules::metrics::repo_metrics;
use crate::rules::RuleSet;
use crate::source::{Entry, ListOptions, Note, Reader, RepoInput, SourceError};
use rayon::prelude::*;
use std::collections::HashSet;

/// What one file gave, before the cross-module pass.
#[derive(Default)]
struct FileOutcome {
    path: String,
    is_test: bool,
    kind: Option<FileKind>,
    hits: Vec<Hit>,
    /// What the tally keeps of `hits` once they are complete.
    summary: FileHits,
    deferred: Vec<Ref>,
    exports: Vec<(String, Export)>,
    modules: Vec<String>,
    metrics: CodeMetrics,
    lines: u64,
    syntax_error: bool,
    lossy: bool,
    /// Written by a tool (a migration, a stub): only signals naming it with `files` count.
    generated: bool,
    findings: Vec<Finding>,
    notes: Vec<Note>,
    notebook: Option<NotebookCode>,
}

/// What every file of one repository is analyzed against.
struct RepoContext<'a> {
    rules: &'a RuleSet,
    local_heads: &'a HashSet<String>,
    packages: &'a HashSet<String>,
}

/// Audits one repository. Fails only when the repository cannot be listed;
/// a file that cannot be read or parsed is a note in the report.
pub fn audit(
    input: &RepoInput,
    rules: &RuleSet,
    opts: &ListOptions,
) -> Result<RepoReport, SourceError> {
    let listing = input.repo.list(opts)?;
    let packages = analyze::package_dirs(listing.files.iter().map(|e| e.path.as_str()));
    // Generated protobuf stubs are not the learner's modules: references to
    // them stay qualified (`greeter_pb2_grpc.GreeterServicer`) for rules to match.
    let local_heads: HashSet<String> = listing
        .files
        .iter()
        .filter(|e| {
            matches!(
                analyze::classify(&e.path),
                FileKind::Python | FileKind::Notebook
            )
        })
        .filter(|e| !e.path.ends_with("_pb2.py") && !e.path.ends_with("_pb2_grpc.py"))
        .map(|e| analyze::module_name(&e.path, &packages))
        .map(|m| python::head_of(&m).to_string())
        .collect();
    let ctx = RepoContext {
        rules,
        local_heads: &local_heads,
        packages: &packages,
    };

    let outcomes: Vec<FileOutcome> = listing
        .files
        .par_iter()
        .map_init(
            || input.repo.reader(),
            |reader, entry| match reader {
                Ok(r) => analyze_file(entry, r, &ctx),
                Err(e) => FileOutcome {
                    path: entry.path.clone(),
                    notes: vec![Note {
                        path: entry.path.clone(),
                        message: format!("not read: {e}"),
                    }],
                    ..Default::default()
                },
            },
        )
        .collect();

    let mut exports = Exports::default();
    for o in &outcomes {
        exports.add(&o.modules, &o.exports);
    }

    // Second parallel pass: names from other modules, now that every
    // module's exports are known.
    let mut outcomes = outcomes;
    outcomes.par_iter_mut().for_each(|o| {
        if !o.deferred.is_empty() {
            let (refs, features) = exports.resolve(&o.deferred, &local_heads);
            let scope = rules.scope(FileRef {
                path: &o.path,
                is_test: o.is_test,
                generated: o.generated,
            });
            rules.match_refs(&scope, &refs, &mut o.hits);
            rules.match_features(&scope, &features, &mut o.hits);
        }
        o.summary = summarize(std::mem::take(&mut o.hits), SAMPLES_PER_SIGNAL);
        o.deferred = Vec::new();
        o.exports = Vec::new();
    });

    let mut tally = Tally::new(rules);
    let mut code = CodeMetrics::default();
    let mut stats = Stats {
        files: listing.files.len() as u64,
        ..Default::default()
    };
    let mut findings = listing.findings;
    let mut notes = listing.notes;
    for mut o in outcomes {
        match o.kind {
            Some(FileKind::Python) => {
                stats.python_files += 1;
                stats.lines += o.lines;
            }
            Some(FileKind::Notebook) => {
                stats.notebooks += 1;
                stats.lines += o.lines;
            }
            _ => {}
        }
        stats.syntax_errors += u64::from(o.syntax_error);
        stats.not_utf8 += u64::from(o.lossy);
        if !o.generated {
            code.add(&o.metrics);
        }
        let locate = o
            .notebook
            .as_ref()
            .map(|nb| move |line: u32| nb.locate(line));
        tally.add_file(
            &o.path,
            &o.summary,
            locate.as_ref().map(|f| f as &dyn Fn(u32) -> (u32, u32)),
        );
        if let Some(nb) = &o.notebook {
            for f in &mut o.findings {
                let (cell, line) = nb.locate(f.line);
                f.cell = Some(cell);
                f.line = line;
            }
        }
        findings.append(&mut o.findings);
        notes.append(&mut o.notes);
    }
    stats.skipped = notes
        .iter()
        .filter(|n| n.message.starts_with("not read"))
        .count() as u64;
    findings
        .sort_by(|a, b| (&a.path, a.cell, a.line, &a.id).cmp(&(&b.path, b.cell, b.line, &b.id)));
    notes.sort();
    let metrics = repo_metrics(
        &code,
        stats.python_files + stats.notebooks,
        stats.lines,
        listing.history.as_ref(),
    );
    tally.add_metrics(rules, &metrics);
    let competencies = tally.levels(rules, &metrics);
    Ok(RepoReport {
        name: input.name.clone(),
        source: input.source.clone(),
        label: input.label.clone(),
        revision: listing.revision,
        stats,
        competencies,
        findings,
        notes,
        metrics,
        history: listing.history,
        error: None,
        checklist: None,
    })
}

/// Text from bytes: UTF-8 (a byte-order mark dropped), UTF-16 with a
/// byte-order mark (what Windows PowerShell's `pip freeze >` writes), or
/// UTF-8 read lossily, which sets `lossy`.
fn decode(bytes: Vec<u8>, lossy: &mut bool) -> String {
    let utf16 = |be: bool| -> String {
        let units = bytes[2..].chunks_exact(2).map(|c| {
            if be {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => return utf16(false),
        Some([0xFE, 0xFF]) => return utf16(true),
        _ => {}
    }
    match String::from_utf8(bytes) {
        Ok(t) => match t.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => t,
        },
        Err(e) => {
            *lossy = true;
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

fn analyze_file(entry: &Entry, reader: &Reader, ctx: &RepoContext) -> FileOutcome {
    let rules = ctx.rules;
    let kind = analyze::classify(&entry.path);
    let is_test = analyze::is_test_path(&entry.path);
    let mut o = FileOutcome {
        path: entry.path.clone(),
        is_test,
        kind: Some(kind),
        ..Default::default()
    };
    let file = FileRef {
        path: &entry.path,
        is_test,
        generated: false,
    };
    rules.match_path(file, &mut o.hits);
    let dotenv = analyze::dotenv::is_dotenv(&entry.path);
    let wants_text = match kind {
        FileKind::Python | FileKind::Notebook | FileKind::Manifest(_) => true,
        FileKind::Other => dotenv || rules.wants_text(&entry.path),
    };
    if !wants_text || entry.oversize {
        return o;
    }
    let bytes = match reader.read(entry) {
        Ok(b) => b,
        Err(e) => {
            o.notes.push(Note {
                path: entry.path.clone(),
                message: format!("not read: {e}"),
            });
            return o;
        }
    };
    let utf16 = matches!(bytes.get(..2), Some([0xFF, 0xFE]) | Some([0xFE, 0xFF]));
    if !utf16 && bytes.iter().take(8192).any(|&b| b == 0) {
        if kind != FileKind::Other {
            o.notes.push(Note {
                path: entry.path.clone(),
                message: "binary content: not analyzed".into(),
            });
        }
        return o;
    }
    let text = decode(bytes, &mut o.lossy);
    if o.lossy {
        o.notes.push(Note {
            path: entry.path.clone(),
            message: "not valid UTF-8: read with replacement characters".into(),
        });
    }
    match kind {
        FileKind::Python => {
            o.modules = analyze::module_candidates(&entry.path, ctx.packages);
            o.generated = analyze::is_generated(&entry.path, &text);
            let is_package = entry.path.ends_with("__init__.py");
            analyze_python(&mut o, &text, ctx, is_package);
        }
        FileKind::Notebook => match notebook::extract(text.as_bytes()) {
            Ok(nb) => {
                o.modules = analyze::module_candidates(&entry.path, ctx.packages);
                analyze_python(&mut o, &nb.source, ctx, false);
                o.lines = nb.source.lines().filter(|l| !l.trim().is_empty()).count() as u64;
                o.notebook = Some(nb);
            }
            Err(e) => o.notes.push(Note {
                path: entry.path.clone(),
                message: format!("notebook not analyzed: {e}"),
            }),
        },
        FileKind::Manifest(m) => {
            let declared = manifest::declared(m, &text);
            if let Some(p) = declared.problem {
                o.notes.push(Note {
                    path: entry.path.clone(),
                    message: p,
                });
            }
            let scope = rules.scope(file);
            rules.match_deps(&scope, &declared.deps, &mut o.hits);
            rules.match_facts(&scope, &declared.facts, &mut o.hits);
            if rules.wants_text(&entry.path) {
                rules.match_text(&scope, &text, &mut o.hits);
            }
        }
        FileKind::Other => {
            if dotenv {
                o.findings = analyze::dotenv::findings(&entry.path, &text);
            }
            rules.match_text(&rules.scope(file), &text, &mut o.hits)
        }
    }
    o
}

fn analyze_python(o: &mut FileOutcome, text: &str, repo: &RepoContext, is_package: bool) {
    let rules = repo.rules;
    let module = o.modules.first().cloned().unwrap_or_default();
    let ctx = python::Context {
        path: &o.path,
        module: &module,
        is_package,
        is_test: o.is_test,
        local_heads: repo.local_heads,
        syntax_kinds: &rules.syntax_kinds,
    };
    let mut facts = python::analyze(text, &ctx);
    if facts.syntax_error {
        o.syntax_error = true;
        o.notes.push(Note {
            path: o.path.clone(),
            message: "syntax error: the parts that parse were analyzed".into(),
        });
    }
    let file = FileRef {
        path: &o.path,
        is_test: o.is_test,
        generated: o.generated,
    };
    rules.match_python(&rules.scope(file), &facts, &mut o.hits);
    o.deferred = std::mem::take(&mut facts.deferred);
    o.exports = std::mem::take(&mut facts.exports);
    o.metrics = facts.metrics;
    o.lines = facts.lines;
    o.findings = std::mem::take(&mut facts.findings);
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_decodes_utf16_with_a_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "flask==3.0\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let mut lossy = false;
        assert_eq!(super::decode(bytes, &mut lossy), "flask==3.0\n");
        assert!(!lossy);
        let mut lossy = false;
        assert_eq!(
            super::decode(b"x = '\xe9'".to_vec(), &mut lossy),
            "x = '\u{fffd}'"
        );
        assert!(lossy);
    }
}
