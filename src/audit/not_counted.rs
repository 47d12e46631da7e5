//! Which files of one repository are not counted as the learner's, and the
//! report's list of them.
//!
//! Before the files are analyzed: the repository's `.gitattributes` are
//! read (when `--repo-config` lets them speak), vendor-like folders and
//! copies of distributions are found, and tool output is known by name
//! ([`crate::analyze::origin`]); each file is given its verdict. A copy
//! known only by its own licence and metadata is a candidate until the
//! analysis shows that the rest of the repository uses it (declares it, or
//! imports it); a candidate nothing uses is counted after all, and the
//! files are analyzed again. After the analysis: the report's
//! `not_counted`, a folder as one entry, and under `--repo-config report`
//! notes on what `.gitattributes` asked that was not applied.

use super::FileOutcome;
use crate::analyze::gitattributes::{Attributes, Mark, Marks};
use crate::analyze::manifest::{distribution_name, normalize_dep};
use crate::analyze::origin::{self, CopyCandidate, Given, NotMine, Treatment};
use crate::analyze::{self, FileKind};
use crate::model::{NotCounted, Note, RepoConfig};
use crate::source::{Entry, Listing, RepoInput};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// A `.gitattributes` larger than this is not read (with a note).
const MAX_ATTRIBUTES: u64 = 256 * 1024;

/// A folder found to be a copy of a distribution, or a candidate.
#[derive(Debug, Clone)]
struct Copy {
    dir: String,
    /// Its distribution name, normalized as pip does.
    name: String,
    /// The names its code is imported by.
    heads: Vec<String>,
    reason: String,
    /// Still to be shown used by the rest of the repository.
    pending: bool,
}

/// Whose each file of one repository is.
#[derive(Clone)]
pub(super) struct Origins {
    attributes: Attributes,
    /// Whether `.gitattributes` decides (`--repo-config trust`).
    applied: bool,
    copies: Vec<Copy>,
    /// Each file's vendor-like folder, by path.
    vendor_dirs: BTreeMap<String, String>,
    /// Verdicts other than the default, by path.
    given: BTreeMap<String, Given>,
    /// Lines that set an attribute on a whole file type, not applied:
    /// (file, line) → how many files they matched.
    whole_type: BTreeMap<(usize, u32), u64>,
    notes: Vec<Note>,
}

/// What [`Origins::read`] depends on in a git revision's listing: its
/// paths (digested, with whether each is over the size cap) and the blob
/// of each file it read. A revision with the same is given the same.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Basis {
    paths: blake3::Hash,
    read: Vec<(String, Option<git2::Oid>)>,
}

impl Basis {
    /// Whether every file read was a git blob (otherwise the paths do not
    /// tell whether it changed).
    pub fn is_of_blobs(&self) -> bool {
        self.read.iter().all(|(_, blob)| blob.is_some())
    }

    /// Whether `listing` (sorted by path) is what `self` describes.
    pub fn holds(&self, listing: &Listing) -> bool {
        self.paths == paths_digest(listing)
            && self.read.iter().all(|(path, blob)| {
                let found = listing
                    .files
                    .binary_search_by(|e| e.path.as_str().cmp(path));
                found.is_ok_and(|i| listing.files[i].blob() == *blob)
            })
    }
}

fn paths_digest(listing: &Listing) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    for e in &listing.files {
        h.update(e.path.as_bytes());
        h.update(if e.oversize { b"\x00\x01" } else { b"\x00\x00" });
    }
    h.finalize()
}

impl Origins {
    /// Reads what decides, before any file is analyzed.
    pub fn read(input: &RepoInput, listing: &Listing, policy: RepoConfig) -> Origins {
        Origins::read_with_basis(input, listing, policy).0
    }

    /// As [`Origins::read`], with what the result depends on (for a git
    /// revision: a working tree's files have no blob to tell them by).
    pub fn read_with_basis(
        input: &RepoInput,
        listing: &Listing,
        policy: RepoConfig,
    ) -> (Origins, Basis) {
        let reader = input.repo.reader().ok();
        let by_path: BTreeMap<&str, &Entry> =
            listing.files.iter().map(|e| (e.path.as_str(), e)).collect();
        let mut notes = Vec::new();
        let read_files = std::cell::RefCell::new(Vec::new());
        // A file over the listing's size cap has its note already; the
        // analysis notes a metadata file it cannot read.
        let read = |path: &str| -> Option<Result<String, String>> {
            let entry = by_path.get(path).filter(|e| !e.oversize)?;
            read_files
                .borrow_mut()
                .push((entry.path.clone(), entry.blob()));
            let bytes = reader.as_ref()?.read(entry);
            Some(bytes.map(|b| String::from_utf8_lossy(&b).into_owned()))
        };
        let read_ok = |path: &str| read(path).and_then(Result::ok);
        let mut attributes = Attributes::default();
        let attribute_files = listing
            .files
            .iter()
            .filter(|e| e.path.rsplit('/').next() == Some(".gitattributes"))
            .filter(|_| policy != RepoConfig::Ignore);
        for e in attribute_files {
            let note = |message: String| Note {
                path: e.path.clone(),
                message,
            };
            if e.size > MAX_ATTRIBUTES {
                notes.push(note(format!(
                    "not read: {} bytes, over the {MAX_ATTRIBUTES} bytes a .gitattributes may hold",
                    e.size
                )));
                continue;
            }
            match read(&e.path) {
                Some(Ok(text)) => {
                    notes.extend(attributes.add(&e.path, &text).into_iter().map(note))
                }
                Some(Err(err)) => notes.push(note(format!("not read: {err}"))),
                None => {}
            }
        }
        let paths: HashSet<&str> = by_path.keys().copied().collect();
        let has = |p: &str| paths.contains(p);
        let vendor_dirs: BTreeMap<String, String> = listing
            .files
            .iter()
            .filter_map(|e| origin::vendor_dir(&e.path, &has).map(|d| (e.path.clone(), d)))
            .collect();
        let copies = find_copies(input, listing, &read_ok);
        let mut origins = Origins {
            attributes,
            applied: policy == RepoConfig::Trust,
            copies,
            vendor_dirs,
            given: BTreeMap::new(),
            whole_type: BTreeMap::new(),
            notes,
        };
        origins.assign(&listing.files);
        let basis = Basis {
            paths: paths_digest(listing),
            read: read_files.into_inner(),
        };
        (origins, basis)
    }

    /// What the file at `path` is given before it is read.
    pub fn given(&self, path: &str) -> Given {
        self.given.get(path).cloned().unwrap_or_default()
    }

    /// Whether a file is known, before it is read, not to be the learner's
    /// (its module is then not one of the repository's own).
    pub fn known_not_mine(&self, path: &str) -> bool {
        self.given.get(path).is_some_and(|g| g.not_mine.is_some())
    }

    /// The marks that apply (none unless `.gitattributes` is trusted),
    /// and the whole-type lines that matched but do not apply.
    fn applied_marks(&self, path: &str) -> (Marks, Vec<Mark>) {
        if self.applied {
            self.attributes.authorship_marks(path)
        } else {
            (Marks::default(), Vec::new())
        }
    }

    /// Why a file is vendored, by detection alone.
    fn vendored_reason(&self, path: &str) -> Option<String> {
        if let Some(dir) = self.vendor_dirs.get(path) {
            return Some(origin::vendor_dir_reason(dir));
        }
        self.copies
            .iter()
            .find(|c| origin::is_within(path, &c.dir))
            .map(|c| c.reason.clone())
    }

    /// Gives each file its verdict.
    fn assign(&mut self, files: &[Entry]) {
        let mut given = BTreeMap::new();
        let mut whole_type = BTreeMap::new();
        for e in files {
            let (marks, passed) = self.applied_marks(&e.path);
            let vendored = self.vendored_reason(&e.path);
            let source = |m: &Mark| self.attributes.source(m);
            let (g, _) = origin::decide(
                analyze::classify(&e.path),
                &marks,
                &source,
                vendored.as_deref(),
                origin::generated_by_path(&e.path),
            );
            // Counted only where nothing else leaves the file out.
            for m in passed.iter().filter(|_| g.not_mine.is_none()) {
                *whole_type.entry((m.file, m.line)).or_insert(0) += 1;
            }
            if g != Given::default() {
                given.insert(e.path.clone(), g);
            }
        }
        self.given = given;
        self.whole_type = whole_type;
    }

    /// Settles the candidate copies with what the analysis found: a copy
    /// is one when a file outside it declares its distribution or imports
    /// its code. A candidate nothing uses is counted after all; returns
    /// whether any was, so the files are analyzed again.
    pub fn confirm(&mut self, outcomes: &[Arc<FileOutcome>], files: &[Entry]) -> bool {
        let mut dropped = false;
        for c in self.copies.iter_mut().filter(|c| c.pending) {
            let used = outcomes.iter().any(|o| {
                !origin::is_within(&o.path, &c.dir)
                    && (o.declared.contains(&c.name)
                        || c.heads.iter().any(|h| o.imported.contains(h)))
            });
            c.pending = false;
            if !used {
                c.dir.clear();
                dropped = true;
            }
        }
        self.copies.retain(|c| !c.dir.is_empty());
        if dropped {
            self.assign(files);
        }
        dropped
    }

    /// The report's list (a folder whose files all share a reason is one
    /// entry) and the notes: on reading `.gitattributes`, and, when it was
    /// not applied, on what it asked.
    pub fn finish(
        mut self,
        outcomes: &[Arc<FileOutcome>],
        files: &[Entry],
    ) -> (Vec<NotCounted>, Vec<Note>) {
        let mut notes = std::mem::take(&mut self.notes);
        if !self.applied && !self.attributes.is_empty() {
            notes.extend(self.unapplied(outcomes));
        }
        notes.extend(self.whole_type_notes());
        let reasons: BTreeMap<&str, &str> = outcomes
            .iter()
            .filter_map(|o| {
                o.not_mine
                    .as_ref()
                    .map(|n| (o.path.as_str(), n.reason.as_str()))
            })
            .collect();
        (
            group(files.iter().map(|e| e.path.as_str()), &reasons),
            notes,
        )
    }

    /// Notes on the lines of a `.gitattributes` that was read but not
    /// applied (`--repo-config report`): per line, how many files it would
    /// have left out or counted.
    fn unapplied(&self, outcomes: &[Arc<FileOutcome>]) -> Vec<Note> {
        // (file, line) → (would leave out, would count)
        let mut asked: BTreeMap<(usize, u32), (u64, u64)> = BTreeMap::new();
        for o in outcomes {
            let (marks, _) = self.attributes.authorship_marks(&o.path);
            if marks.is_empty() {
                continue;
            }
            let vendored = self.vendored_reason(&o.path);
            let by_header = o
                .not_mine
                .as_ref()
                .filter(|_| o.given.not_mine.is_none())
                .map(|n| (n.treatment, n.reason.as_str()));
            let generated = origin::generated_by_path(&o.path).or(by_header);
            let source = |m: &Mark| self.attributes.source(m);
            let kind = analyze::classify(&o.path);
            let (would, by) = origin::decide(kind, &marks, &source, vendored.as_deref(), generated);
            let now = o.not_mine.is_some();
            let then = would.not_mine.is_some();
            if let (Some(m), true) = (by, now != then) {
                let entry = asked.entry((m.file, m.line)).or_default();
                if then {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
        }
        let files = |n: u64| {
            if n == 1 {
                "1 file".to_string()
            } else {
                format!("{n} files")
            }
        };
        asked
            .into_iter()
            .map(|((file, line), (out, counted))| {
                let mark = Mark {
                    set: true,
                    file,
                    line,
                };
                let (path, text) = self.attributes.line_of(&mark);
                let what = match (out, counted) {
                    (o, 0) => format!("would leave {} out of the count", files(o)),
                    (0, c) => format!("would count {} that detection leaves out", files(c)),
                    (o, c) => format!(
                        "would leave {} out of the count and count {}",
                        files(o),
                        files(c)
                    ),
                };
                Note {
                    path: path.to_string(),
                    message: format!(
                        "line {line}: `{text}` {what}; not applied (--repo-config report: a repository does not decide what counts)"
                    ),
                }
            })
            .collect()
    }

    /// Notes on the lines that mark a whole file type: read for GitHub's
    /// display, not for who wrote the files.
    fn whole_type_notes(&self) -> Vec<Note> {
        self.whole_type
            .iter()
            .map(|(&(file, line), &n)| {
                let mark = Mark {
                    set: true,
                    file,
                    line,
                };
                let (path, text) = self.attributes.line_of(&mark);
                let files = if n == 1 {
                    "its 1 file still counts".to_string()
                } else {
                    format!("its {n} files still count")
                };
                Note {
                    path: path.to_string(),
                    message: format!(
                        "line {line}: `{text}` marks a whole file type, as one does to keep it out of GitHub's language bar or collapse its diffs; that says nothing of who wrote the files, so {files} (to leave some out, name their folder or files)"
                    ),
                }
            })
            .collect()
    }
}

/// The folders of a listing that hold copies of distributions, settled
/// (an unpacked source distribution) or pending (its own licence and
/// metadata: settled once the analysis shows the rest uses it). A folder
/// naming the repository's own project, or holding the repository's own
/// licence text, is the learner's.
fn find_copies(
    input: &RepoInput,
    listing: &Listing,
    read_ok: &dyn Fn(&str) -> Option<String>,
) -> Vec<Copy> {
    let own = own_names(input, listing, read_ok);
    let top_license = listing
        .files
        .iter()
        .find(|e| !e.path.contains('/') && origin::is_license(&e.path))
        .and_then(|e| read_ok(&e.path));
    let same = |a: &str, b: &str| a.split_whitespace().eq(b.split_whitespace());
    let packages = analyze::package_dirs(listing.files.iter().map(|e| e.path.as_str()));
    let mut copies = Vec::new();
    for c in origin::copy_candidates(listing.files.iter().map(|e| e.path.as_str())) {
        let name = c
            .metadata
            .iter()
            .find_map(|m| distribution_name(m, &read_ok(m)?))
            .unwrap_or_else(|| c.dir.rsplit('/').next().unwrap_or(&c.dir).to_string());
        let normalized = normalize_dep(&name);
        if own.contains(&normalized) {
            continue;
        }
        let pending = !c.has_pkg_info();
        let license = c.license.as_deref().and_then(read_ok);
        if let (true, Some(l), Some(top)) = (pending, &license, &top_license) {
            if same(l, top) {
                continue;
            }
        }
        copies.push(Copy {
            heads: import_heads(&c, listing, &packages),
            reason: copy_reason(&c, &name),
            dir: c.dir,
            name: normalized,
            pending,
        });
    }
    copies
}

/// Names the repository's own project goes by, normalized: its folder's
/// name and the names its top-level metadata declares.
fn own_names(
    input: &RepoInput,
    listing: &Listing,
    read: &dyn Fn(&str) -> Option<String>,
) -> HashSet<String> {
    let mut own: HashSet<String> = HashSet::from([normalize_dep(&input.name)]);
    for e in &listing.files {
        if matches!(e.path.as_str(), "pyproject.toml" | "setup.py" | "setup.cfg") {
            if let Some(name) = read(&e.path).and_then(|t| distribution_name(&e.path, &t)) {
                own.insert(normalize_dep(&name));
            }
        }
    }
    own
}

/// Why the files of a copy are not counted: `vendored: copy of
/// python-slugify (its own LICENSE, setup.py)`.
fn copy_reason(c: &CopyCandidate, name: &str) -> String {
    let what = if c.has_pkg_info() {
        "an unpacked source distribution:"
    } else {
        "its own"
    };
    format!("vendored: copy of {name} ({what} {})", c.markers())
}

/// The names a copy's code is imported by: its packages (folders with an
/// `__init__.py` at its top or under `src/`) and its top-level modules
/// (`six.py`), never its `setup.py` or tests.
fn import_heads(c: &CopyCandidate, listing: &Listing, packages: &HashSet<String>) -> Vec<String> {
    let mut heads = Vec::new();
    for e in &listing.files {
        let Some(rel) = e
            .path
            .strip_prefix(c.dir.as_str())
            .and_then(|r| r.strip_prefix('/'))
        else {
            continue;
        };
        if !rel.ends_with(".py") || analyze::is_test_path(rel) {
            continue;
        }
        let (base, rel) = match rel.strip_prefix("src/") {
            Some(r) => (format!("{}/src", c.dir), r),
            None => (c.dir.clone(), rel),
        };
        let head = match rel.split_once('/') {
            Some((first, _)) if packages.contains(&format!("{base}/{first}")) => first,
            Some(_) => continue,
            None => match rel.strip_suffix(".py") {
                Some("setup" | "conftest" | "noxfile" | "fabfile" | "test" | "tests") | None => {
                    continue
                }
                Some(stem) => stem,
            },
        };
        if !heads.iter().any(|h| h == head) {
            heads.push(head.to_string());
        }
    }
    heads.sort();
    heads
}

/// The report's entries: each file not counted, except that a folder
/// (never the top) all of whose listed files share one reason is one
/// entry, the outermost such folder.
fn group<'a>(
    paths: impl Iterator<Item = &'a str>,
    reasons: &BTreeMap<&str, &str>,
) -> Vec<NotCounted> {
    // Folder → the reason all its files share (None: mixed), and their count.
    let mut folders: BTreeMap<&str, (Option<&str>, u64)> = BTreeMap::new();
    for path in paths {
        let reason = reasons.get(path).copied();
        for (i, _) in path.match_indices('/') {
            let dir = &path[..i];
            let slot = folders.entry(dir).or_insert((reason, 0));
            if slot.0 != reason {
                slot.0 = None;
            }
            slot.1 += 1;
        }
    }
    let mut out: BTreeMap<String, NotCounted> = BTreeMap::new();
    for (path, reason) in reasons {
        let folder = path.match_indices('/').find_map(|(i, _)| {
            let dir = &path[..i];
            match folders.get(dir) {
                Some((Some(_), n)) if *n > 1 => Some((dir, *n)),
                _ => None,
            }
        });
        let entry = match folder {
            Some((dir, n)) => NotCounted {
                path: format!("{dir}/"),
                reason: reason.to_string(),
                files: n,
            },
            None => NotCounted {
                path: path.to_string(),
                reason: reason.to_string(),
                files: 1,
            },
        };
        out.entry(entry.path.clone()).or_insert(entry);
    }
    out.into_values().collect()
}

/// What the analysis of a file concludes of whose it is: what it was
/// given, or, for a Python module whose header says a tool wrote it, that.
pub(super) fn not_mine(given: &Given, kind: FileKind, path: &str, text: &str) -> Option<NotMine> {
    if let Some(n) = &given.not_mine {
        return Some(n.clone());
    }
    if !given.read_header || kind != FileKind::Python {
        return None;
    }
    origin::generated_by_text(path, text).map(|reason| NotMine {
        treatment: Treatment::ToolWritten,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_whose_files_share_a_reason_is_one_entry() {
        let files = [
            "app/main.py",
            "app/api_pb2.py",
            "libs/slugify/LICENSE",
            "libs/slugify/slugify/__init__.py",
            "libs/slugify/slugify/core.py",
            "vendor/a/x.py",
            "vendor/b/y.py",
            "vendor/mine.py",
        ];
        let reasons: BTreeMap<&str, &str> = [
            ("app/api_pb2.py", "generated: protobuf stub (protoc)"),
            ("libs/slugify/LICENSE", "vendored: copy of python-slugify"),
            (
                "libs/slugify/slugify/__init__.py",
                "vendored: copy of python-slugify",
            ),
            (
                "libs/slugify/slugify/core.py",
                "vendored: copy of python-slugify",
            ),
            ("vendor/a/x.py", "vendored: in a vendor/ folder"),
            ("vendor/b/y.py", "vendored: in a vendor/ folder"),
        ]
        .into_iter()
        .collect();
        let got: Vec<(String, u64)> = group(files.into_iter(), &reasons)
            .into_iter()
            .map(|n| (n.path, n.files))
            .collect();
        assert_eq!(
            got,
            [
                ("app/api_pb2.py".to_string(), 1),
                ("libs/".to_string(), 3),
                // vendor/mine.py counts (an override): its siblings' folders group.
                ("vendor/a/x.py".to_string(), 1),
                ("vendor/b/y.py".to_string(), 1),
            ]
        );
    }
}
