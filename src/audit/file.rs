//! One file of a repository: read it, pick its analyzer by path, match the
//! facts against every rule at once. Files are analyzed in parallel, each
//! on its own; what other modules add comes later, in the repository pass.

use super::decode::decode;
use super::not_counted::not_mine;
use super::{FileOutcome, RepoContext};
use crate::analyze::crossref::Deferred;
use crate::analyze::origin::Treatment;
use crate::analyze::{self, config, notebook, python, FileKind};
use crate::model::Note;
use crate::rules::matching::FileRef;
use crate::source::{code_lines, Entry, Reader, Repo};
use rayon::prelude::*;
use std::sync::Arc;

/// Analyzes files in parallel, each on its own.
/// Each outcome is made shared as it is made: collecting them first and
/// sharing them after held every outcome twice.
pub(super) fn analyze_files(
    files: &[Entry],
    ctx: &RepoContext,
    repo: &Repo,
) -> Vec<Arc<FileOutcome>> {
    files
        .par_iter()
        .map_init(
            || repo.reader(),
            |reader, entry| match reader {
                Ok(r) => Arc::new(analyze_file(entry, r, ctx)),
                Err(e) => Arc::new(FileOutcome {
                    path: entry.path.clone(),
                    notes: vec![Note {
                        path: entry.path.clone(),
                        message: format!("not read: {e}"),
                    }],
                    ..Default::default()
                }),
            },
        )
        .collect()
}

pub(super) fn analyze_file(entry: &Entry, reader: &Reader, ctx: &RepoContext) -> FileOutcome {
    let mut o = analyze_content(entry, analyze::classify(&entry.path), reader, ctx);
    if !ctx.keep_hits {
        o.close(ctx.rules);
    }
    o
}

pub(super) fn analyze_content(
    entry: &Entry,
    kind: FileKind,
    reader: &Reader,
    ctx: &RepoContext,
) -> FileOutcome {
    let rules = ctx.rules;
    let is_test = analyze::is_test_path(&entry.path);
    let given = ctx.origins.given(&entry.path);
    let mut o = FileOutcome {
        path: entry.path.clone(),
        is_test,
        kind: Some(kind),
        not_mine: given.not_mine.clone(),
        given,
        ..Default::default()
    };
    if let Some(n) = &o.not_mine {
        if n.treatment == Treatment::Excluded {
            // Someone else's copy: not read, nothing of it counts.
            o.kind = None;
            return o;
        }
        o.generated = true;
    }
    if matches!(kind, FileKind::Python | FileKind::Notebook) {
        o.modules = analyze::module_candidates(&entry.path, ctx.packages);
    }
    let file = FileRef {
        path: &entry.path,
        is_test,
        generated: o.generated,
    };
    rules.match_path(file, &mut o.hits);
    let dotenv = analyze::dotenv::is_dotenv(&entry.path);
    if !reads_content(entry, kind, ctx) {
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
    if entry.path.ends_with(".py") {
        o.code_lines = Some(code_lines(&bytes).count() as u64);
    }
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
            o.not_mine = not_mine(&o.given, kind, &entry.path, &text);
            o.generated = o.not_mine.is_some();
            let is_package = entry.path.ends_with("__init__.py");
            analyze_python(&mut o, &text, ctx, is_package);
        }
        FileKind::Notebook => match notebook::extract(text.as_bytes()) {
            Ok(mut nb) => {
                for p in std::mem::take(&mut nb.skipped) {
                    o.notes.push(Note {
                        path: entry.path.clone(),
                        message: format!("notebook {p}"),
                    });
                }
                analyze_python(&mut o, &nb.source, ctx, false);
                o.lines = nb.source.lines().filter(|l| !l.trim().is_empty()).count() as u64;
                // Only the map from lines to cells is needed from here on.
                nb.source = String::new();
                o.notebook = Some(Box::new(nb));
            }
            Err(e) => o.notes.push(Note {
                path: entry.path.clone(),
                message: format!("notebook not analyzed: {e}"),
            }),
        },
        FileKind::Config(k) => {
            let found = config::analyze(k, &text);
            for p in found.problems {
                o.notes.push(Note {
                    path: entry.path.clone(),
                    message: p,
                });
            }
            o.includes = found.includes;
            o.declared = found.deps.iter().map(|(d, _)| d.clone()).collect();
            let scope = rules.scope(file);
            rules.match_deps(&scope, &found.deps, &mut o.hits);
            rules.match_facts(&scope, &found.facts, &mut o.hits);
            if rules.wants_text(&entry.path) {
                rules.match_text(&scope, &text, &mut o.hits);
            }
        }
        FileKind::Other => {
            let scope = rules.scope(file);
            if dotenv {
                rules.match_facts(&scope, &analyze::dotenv::analyze(&text), &mut o.hits);
            }
            rules.match_text(&scope, &text, &mut o.hits)
        }
    }
    o
}

/// Whether a file's analysis reads its content: otherwise its path is all
/// it looks at (an image, a file over the size cap).
pub(super) fn reads_content(entry: &Entry, kind: FileKind, ctx: &RepoContext) -> bool {
    let wants_text = match kind {
        FileKind::Python | FileKind::Notebook | FileKind::Config(_) => true,
        FileKind::Other => {
            analyze::dotenv::is_dotenv(&entry.path) || ctx.rules.wants_text(&entry.path)
        }
    };
    wants_text && !entry.oversize
}

fn analyze_python(o: &mut FileOutcome, text: &str, repo: &RepoContext, is_package: bool) {
    let rules = repo.rules;
    let module = o.modules.first().cloned().unwrap_or_default();
    let heads = if repo.record {
        python::LocalHeads::recording(repo.local_heads)
    } else {
        python::LocalHeads::new(repo.local_heads)
    };
    let ctx = python::Context {
        path: &o.path,
        module: &module,
        is_package,
        is_test: o.is_test,
        local_heads: &heads,
        syntax_kinds: &rules.syntax_kinds,
        keywords: rules.wants_keywords,
    };
    let mut facts = python::analyze(text, &ctx);
    o.asked = heads.into_asked();
    o.imported = facts
        .imports
        .iter()
        .map(|(m, _)| python::head_of(m).to_string())
        .collect();
    o.imported.sort();
    o.imported.dedup();
    o.declared = facts.config.deps.iter().map(|(d, _)| d.clone()).collect();
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
    let scope = rules.scope(file);
    rules.match_python(&scope, &facts, &mut o.hits);
    rules.match_deps(&scope, &facts.config.deps, &mut o.hits);
    rules.match_facts(&scope, &facts.config.facts, &mut o.hits);
    for p in std::mem::take(&mut facts.config.problems) {
        o.notes.push(Note {
            path: o.path.clone(),
            message: p,
        });
    }
    o.deferred = Deferred::new(std::mem::take(&mut facts.deferred));
    o.exports = std::mem::take(&mut facts.exports);
    o.metrics = facts.metrics;
    o.lines = facts.lines;
}
