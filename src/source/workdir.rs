//! A working tree on disk: `.gitignore` honoured, skipped folders pruned,
//! symlinks never followed.

use super::skip::{classify_dir, Skip};
use super::{git, ListOptions, Listing, Loc, SourceError, Stamp};
use crate::model::Note;
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// What the walk found at one entry: a file to list, or a note.
enum Found {
    File {
        rel: String,
        size: u64,
        path: PathBuf,
        stamp: Option<Stamp>,
    },
    Note(Note),
}

impl Found {
    fn key(&self) -> (&str, &str) {
        match self {
            Found::File { rel, .. } => (rel, ""),
            Found::Note(n) => (&n.path, &n.message),
        }
    }
}

fn visit(
    result: Result<ignore::DirEntry, ignore::Error>,
    root: &Path,
    canonical_root: &Path,
) -> Option<Found> {
    let entry = match result {
        Ok(e) => e,
        Err(err) => {
            return Some(Found::Note(Note {
                path: String::new(),
                message: format!("not read: {err}"),
            }))
        }
    };
    let path = entry.path();
    let rel = relative(root, path);
    if entry.path_is_symlink() {
        let target = std::fs::read_link(path).unwrap_or_default();
        let resolved = path.parent().unwrap_or(root).join(&target).canonicalize();
        let inside = resolved
            .as_ref()
            .is_ok_and(|r| r.starts_with(canonical_root));
        let message = if inside {
            "symlink not followed (its target is scanned where it lives)".to_string()
        } else {
            format!(
                "symlink to {} outside the repository: not followed",
                target.display()
            )
        };
        return Some(Found::Note(Note { path: rel, message }));
    }
    if !entry.file_type().is_some_and(|t| t.is_file()) {
        return None;
    }
    let meta = entry.metadata().ok();
    Some(Found::File {
        rel,
        size: meta.as_ref().map_or(0, |m| m.len()),
        path: path.to_path_buf(),
        stamp: meta.as_ref().and_then(Stamp::from_metadata),
    })
}

pub fn list(root: &Path, opts: &ListOptions) -> Result<Listing, SourceError> {
    let canonical_root = root.canonicalize().map_err(|source| SourceError::Io {
        path: root.to_path_buf(),
        source,
    })?;
    let skipped: Arc<Mutex<Vec<(PathBuf, Skip)>>> = Arc::default();
    let record = Arc::clone(&skipped);
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .parents(false)
        .ignore(false)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |e| {
            if e.depth() == 0 || !e.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            let dir = e.path();
            match classify_dir(&name, &|p| dir.join(p).exists()) {
                Some(skip) => {
                    if let Ok(mut v) = record.lock() {
                        v.push((dir.to_path_buf(), skip));
                    }
                    false
                }
                None => true,
            }
        });
    // Walked on several threads (a working tree's listing is a tenth of a
    // warm re-scan), then sorted: the listing does not depend on the order.
    let found: Mutex<Vec<Found>> = Mutex::default();
    builder.build_parallel().run(|| {
        let found = &found;
        let (root, canonical_root) = (root, &canonical_root);
        Box::new(move |result| {
            if let Some(f) = visit(result, root, canonical_root) {
                if let Ok(mut v) = found.lock() {
                    v.push(f);
                }
            }
            WalkState::Continue
        })
    });
    let mut found = found.into_inner().unwrap_or_default();
    found.sort_by(|a, b| a.key().cmp(&b.key()));
    let mut listing = Listing::default();
    for f in found {
        match f {
            Found::File {
                rel,
                size,
                path,
                stamp,
            } => listing.push_file(rel, size, Loc::Disk(path, stamp), opts),
            Found::Note(note) => listing.notes.push(note),
        }
    }
    let skipped = skipped.lock().map(|v| v.clone()).unwrap_or_default();
    listing.record_skipped(
        skipped
            .into_iter()
            .map(|(dir, skip)| (relative(root, &dir), skip))
            .collect(),
    );
    if root.join(".git").exists() {
        let history = git::open(root).and_then(|repo| {
            let h = git::history_at(&repo, root, "HEAD")?;
            if let Some(h) = &h {
                listing.first_commit = git::first_commit(&repo, h, &listing.files);
            }
            Ok(h)
        });
        match history {
            Ok(Some(h)) => {
                listing.revision = Some(h.head.clone());
                listing.history = Some(h);
                listing.changed = git::changed_since_head(root);
            }
            Ok(None) => listing.notes.push(Note {
                path: ".git".into(),
                message: "repository has no commits yet".into(),
            }),
            Err(e) => listing.notes.push(Note {
                path: ".git".into(),
                message: format!("history not read: {e}"),
            }),
        }
    }
    Ok(listing)
}
