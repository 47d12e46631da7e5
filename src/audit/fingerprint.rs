//! A finding's fingerprint: what stays the same when the code around it
//! moves, so that CI tools (code scanning's `partialFingerprints`, GitLab's
//! Code Quality `fingerprint`) see one problem across commits, not a new one
//! each time a line is added above it.
//!
//! It hashes the finding's id, its path, the trimmed text of its line, and
//! which occurrence it is among the file's findings of that id on lines with
//! the same text; never the line number. A notebook's line is found in its
//! cell; a finding without a line (a committed folder) hashes no text.

use super::decode::decode;
use crate::analyze::notebook;
use crate::model::Finding;
use crate::source::{Entry, Repo};
use std::collections::HashMap;

/// Sets `fingerprint` on each finding of one repository. `findings` are in
/// file and line order, `files` sorted by path (the listing's order). A file
/// that cannot be read again hashes no text.
pub(super) fn fingerprint(findings: &mut [Finding], files: &[Entry], repo: &Repo) {
    // Most revisions a timeline walks have none: no repository to open.
    if findings.is_empty() {
        return;
    }
    let Ok(reader) = repo.reader() else {
        return;
    };
    let mut texts: HashMap<String, Option<FileText>> = HashMap::new();
    let mut seen: HashMap<(String, String, String), u32> = HashMap::new();
    for f in findings.iter_mut() {
        let text = texts
            .entry(f.path.clone())
            .or_insert_with(|| {
                let at = files
                    .binary_search_by(|e| e.path.as_str().cmp(&f.path))
                    .ok()?;
                let entry = &files[at];
                if entry.oversize {
                    return None;
                }
                let bytes = reader.read(entry).ok()?;
                let text = decode(bytes, &mut false);
                Some(if f.path.ends_with(".ipynb") {
                    FileText::Notebook(notebook::extract(text.as_bytes()).ok()?)
                } else {
                    FileText::Plain(text)
                })
            })
            .as_ref()
            .and_then(|t| t.line(f.cell, f.line))
            .unwrap_or_default();
        let n = seen
            .entry((f.id.clone(), f.path.clone(), text.clone()))
            .or_default();
        f.fingerprint = Some(hash(&[&f.id, &f.path, &text, &n.to_string()]));
        *n += 1;
    }
}

/// A file read again for its lines.
enum FileText {
    Plain(String),
    Notebook(notebook::NotebookCode),
}

impl FileText {
    /// The trimmed text of line `line` (from 1), in `cell` for a notebook.
    fn line(&self, cell: Option<u32>, line: u32) -> Option<String> {
        let (source, index) = match (self, cell) {
            (FileText::Plain(text), None) => (text.as_str(), line.checked_sub(1)?),
            (FileText::Notebook(nb), Some(cell)) => {
                let at = nb.lines.iter().position(|&l| l == (cell, line))?;
                (nb.source.as_str(), at as u32)
            }
            _ => return None,
        };
        source
            .lines()
            .nth(index as usize)
            .map(|l| l.trim().to_string())
    }
}

/// The parts, each ended by a NUL byte, hashed with FNV-1a (64 bits) as 16
/// hex digits: a hash fixed by its definition, so the fingerprints one
/// version of the tool writes are the next version's.
fn hash(parts: &[&str]) -> String {
    let bytes = parts.iter().flat_map(|p| p.bytes().chain([0]));
    format!("{:016x}", fnv1a(bytes))
}

fn fnv1a(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_test_vectors() {
        assert_eq!(fnv1a("".bytes()), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a".bytes()), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a("foobar".bytes()), 0x8594_4171_f739_67e8);
        // Parts are delimited: moving text from one part to the next changes it.
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
    }
}
