//! The persistent cache of audits: a repository's report kept in the
//! store of the cache folder ([`Store`]), under a key made of everything
//! the report is made from, so a repository that did not change is not
//! audited again, and what a warm run prints is what a cold one prints.
//!
//! The key holds the tool (its version and the digest of its sources), the
//! rules (the digest of the rule files), the options that change an audit
//! (the file size cap, `--author` and the mailmaps), what the report says
//! of the repository (name, source, web page, archived), and its content:
//! - a git revision (a clone, `--rev`, `--author`): the commit, which fixes
//!   the tree and the history, and whether the clone is shallow there;
//! - a working tree: its listing (every file's path and size, what was
//!   skipped and why, HEAD and its history, the files that differ from
//!   HEAD) and a BLAKE3 hash of every file's content (a file whose stamp,
//!   its size, times of change and inode, is the one kept with its hash is
//!   not read again: see [`super::stamps`]). A file that changes while it
//!   is audited keeps the report out of the cache.
//!
//! The label is not in the key: the same repository in two class lists is
//! audited once, and each report gets its own label back.
//!
//! A repository that changed is audited again, but each of its files'
//! analyses is kept too (kind `file`), under a key of the tool, the rules,
//! the size cap, the file's path and its content (the git blob id, or the
//! BLAKE3 hash of a working tree's file): only files that changed are
//! analyzed again ([`Files`]). Not with `--author`, whose blame needs every
//! hit line by line.

use super::shard::digest;
use super::stamps::{Row, Stamps};
use super::store::Store;
use crate::audit::FileStore;
use crate::model::RepoReport;
use crate::source::{open_git, Entry, ListOptions, Listing, Repo, RepoInput, Stamp};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// The store's kind of entry for a whole repository's report.
const KIND: &str = "repo";

/// The store's kind of entry for one file's analysis.
const FILE_KIND: &str = "file";

/// What a build of the tool is: its version and the digest of its sources.
pub fn tool_build() -> String {
    format!(
        "{} {}",
        env!("CARGO_PKG_VERSION"),
        env!("PORTFOLIO_AUDIT_BUILD")
    )
}

/// A file of a working tree as the key saw it: its stamp.
type Seen = (PathBuf, Option<Stamp>);

/// The key of one repository, and for a working tree, its files as the
/// key saw them (to check afterwards that none changed meanwhile).
pub struct Key {
    key: String,
    seen: Vec<Seen>,
    /// How many files the working tree listed.
    listed: Option<u64>,
    /// A working tree's files by path: what the key hashed of each, and
    /// where (as `seen`).
    contents: Contents,
    /// A working tree's listing, which the key is made from, until the
    /// audit takes it.
    listing: Option<Listing>,
}

impl Key {
    /// The working tree's listing the key was made from (once).
    pub fn take_listing(&mut self) -> Option<Listing> {
        self.listing.take()
    }
}

/// A working tree's files by path: the line of the key's digest that
/// stands for each (path, size, content hash), and its place in `seen`.
type Contents = FxHashMap<String, (String, usize)>;

/// The run's cache: the store and what every key of the run shares.
pub struct Cache {
    store: Store,
    /// The tool, the rules and the options, digested.
    common: String,
    /// What files' analyses depend on besides the file: the tool, the
    /// rules and the size cap, digested; `None` when they are not kept
    /// (`--author`).
    files: Option<String>,
    /// What this run found kept.
    used: Counters,
}

#[derive(Default)]
struct Counters {
    repos: AtomicU64,
    repos_reused: AtomicU64,
    files: AtomicU64,
    files_reused: AtomicU64,
}

/// What a run found in the cache: repositories whose report was kept
/// whole, and in the others, files whose analysis was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheUse {
    pub repos: u64,
    pub repos_reused: u64,
    pub files: u64,
    pub files_reused: u64,
}

impl std::fmt::Display for CacheUse {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "cache: {} of {} repositories unchanged",
            self.repos_reused, self.repos
        )?;
        if self.files > 0 {
            write!(
                f,
                "; in the others, {} of {} files' analyses reused",
                self.files_reused, self.files
            )?;
        }
        Ok(())
    }
}

impl Cache {
    /// The cache of a run: `common` digests the rules and the size cap,
    /// `policy` what the repository's own files may decide (`--repo-config`:
    /// a report depends on it, a file's analysis is checked against whose
    /// the file is when it is reused), `authored` the `--author` options
    /// (files' analyses are not kept then).
    pub fn new(store: Store, common: &[&[u8]], policy: &[u8], authored: Option<&[u8]>) -> Cache {
        let build = tool_build();
        let mut parts: Vec<&[u8]> = vec![b"repo report 2", build.as_bytes()];
        parts.extend_from_slice(common);
        parts.push(policy);
        parts.extend(authored);
        let mut file_parts: Vec<&[u8]> = vec![b"file analysis 2", build.as_bytes()];
        file_parts.extend_from_slice(common);
        Cache {
            store,
            common: digest(parts),
            files: authored.is_none().then(|| digest(file_parts)),
            used: Counters::default(),
        }
    }

    /// What this run has found kept so far.
    pub fn used(&self) -> CacheUse {
        let u = &self.used;
        CacheUse {
            repos: u.repos.load(Ordering::Relaxed),
            repos_reused: u.repos_reused.load(Ordering::Relaxed),
            files: u.files.load(Ordering::Relaxed),
            files_reused: u.files_reused.load(Ordering::Relaxed),
        }
    }

    /// Where the files of the repository of `key` keep their analyses,
    /// when they do.
    pub fn files<'a>(&'a self, key: &'a Key) -> Option<Files<'a>> {
        let common = self.files.as_deref()?;
        Some(Files {
            store: &self.store,
            common,
            key,
            used: &self.used,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The key of a repository, or `None` when it has none (files in
    /// memory, a revision that cannot be read: audited, never kept).
    pub fn key(&self, input: &RepoInput, opts: &ListOptions) -> Option<Key> {
        let web = serde_json::to_string(&input.web).ok()?;
        let archived = if input.archived { "archived" } else { "" };
        // How the input was found (alone, or one of a folder's) is in the report.
        let discovered = input.discovered.as_deref().unwrap_or("");
        let (content, seen, contents, listing) = match &input.repo {
            Repo::Git { path, rev } => (
                commit_content(path, rev)?,
                Vec::new(),
                FxHashMap::default(),
                None,
            ),
            Repo::Workdir { .. } => {
                let (content, seen, contents, listing) =
                    workdir_content(&input.repo, opts, &self.store, SystemTime::now())?;
                (content, seen, contents, Some(listing))
            }
            Repo::Memory { .. } => return None,
        };
        let listed = matches!(input.repo, Repo::Workdir { .. }).then_some(seen.len() as u64);
        let key = digest([
            self.common.as_bytes(),
            input.name.as_bytes(),
            input.source.as_bytes(),
            web.as_bytes(),
            archived.as_bytes(),
            discovered.as_bytes(),
            content.as_bytes(),
        ]);
        Some(Key {
            key,
            seen,
            listed,
            contents,
            listing,
        })
    }

    /// The report kept under this key, with the input's label.
    pub fn get(&self, key: &Key, input: &RepoInput) -> Option<RepoReport> {
        self.used.repos.fetch_add(1, Ordering::Relaxed);
        let bytes = self.store.get(&key.key)?;
        let mut report: RepoReport = serde_json::from_slice(&bytes).ok()?;
        report.label.clone_from(&input.label);
        self.used.repos_reused.fetch_add(1, Ordering::Relaxed);
        Some(report)
    }

    /// Keeps a report under its key, unless the working tree changed
    /// since the key saw it (a file changed, came or went).
    pub fn put(&self, key: &Key, report: &RepoReport) {
        let changed = key.seen.iter().any(|(path, was)| Stamp::of(path) != *was);
        if changed || key.listed.is_some_and(|n| n != report.stats.files) {
            return;
        }
        let mut kept = report.clone();
        kept.label = None;
        if let Ok(bytes) = serde_json::to_vec(&kept) {
            self.store.put(&key.key, KIND, &bytes);
        }
    }
}

/// A git revision's content: the commit (its tree and its history) and the
/// clone's shallow boundary, which cuts the history.
fn commit_content(path: &Path, rev: &str) -> Option<String> {
    let repo = open_git(path).ok()?;
    let commit = repo.revparse_single(rev).ok()?.peel_to_commit().ok()?;
    let shallow = std::fs::read(repo.path().join("shallow")).unwrap_or_default();
    Some(digest([
        b"commit".as_slice(),
        commit.id().as_bytes(),
        &shallow,
    ]))
}

/// A working tree's content: its listing and each file's content hash,
/// with each file's stamp as seen before it was read, and, by path, each
/// file's line of the digest and place among those. A file whose stamp is
/// the one kept (see [`Stamps`]) is not read again; the others are read in
/// parallel, into one buffer per thread, and hashed at `now`.
fn workdir_content(
    repo: &Repo,
    opts: &ListOptions,
    store: &Store,
    now: SystemTime,
) -> Option<(String, Vec<Seen>, Contents, Listing)> {
    let Repo::Workdir { root } = repo else {
        return None;
    };
    let listing = repo.list(opts).ok()?;
    let stamps = Stamps::load(store, root);
    let files: Vec<(String, Seen, Option<Row>)> = listing
        .files
        .par_iter()
        .map_init(Vec::new, |buffer: &mut Vec<u8>, entry| {
            let path = root.join(&entry.path);
            let seen = entry.stamp();
            let kept = seen.and_then(|s| stamps.hash_of(&entry.path, &s));
            let (content, row) = if entry.oversize {
                ("over the size cap".to_string(), None)
            } else if let Some(hash) = kept {
                (
                    hash.to_hex().to_string(),
                    seen.map(|s| (entry.path.clone(), s, hash.into())),
                )
            } else {
                buffer.clear();
                match std::fs::File::open(&path).and_then(|mut f| f.read_to_end(buffer)) {
                    Ok(_) => {
                        let hash = blake3::hash(buffer);
                        let row = seen.map(|s| (entry.path.clone(), s, hash.into()));
                        (hash.to_hex().to_string(), row)
                    }
                    Err(e) => (format!("unreadable: {e}"), None),
                }
            };
            let line = format!("{}\t{}\t{content}", entry.path, entry.size);
            (line, (path, seen), row)
        })
        .collect();
    let history = serde_json::to_string(&listing.history).ok()?;
    let described = format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{history}",
        listing.notes, listing.committed, listing.revision, listing.changed
    );
    let mut parts: Vec<&[u8]> = vec![b"working tree", described.as_bytes()];
    parts.extend(files.iter().map(|(line, _, _)| line.as_bytes()));
    let content = digest(parts);
    let contents = listing
        .files
        .iter()
        .zip(&files)
        .enumerate()
        .map(|(i, (entry, (line, _, _)))| (entry.path.clone(), (line.clone(), i)))
        .collect();
    let mut seen = Vec::with_capacity(files.len());
    let mut rows = Vec::with_capacity(files.len());
    for (_, s, row) in files {
        seen.push(s);
        rows.extend(row);
    }
    stamps.save(store, rows, now);
    Some((content, seen, contents, listing))
}

/// The analyses of one repository's files, in the store: each under a key
/// of its path and content (see the module's notes).
pub struct Files<'a> {
    store: &'a Store,
    common: &'a str,
    key: &'a Key,
    used: &'a Counters,
}

impl Files<'_> {
    /// Whether a working tree's file is as its key saw it (a blob always is).
    fn unchanged(&self, entry: &Entry) -> bool {
        if entry.blob().is_some() {
            return true;
        }
        self.key.contents.get(&entry.path).is_some_and(|(_, i)| {
            let (path, was) = &self.key.seen[*i];
            Stamp::of(path) == *was
        })
    }
}

impl FileStore for Files<'_> {
    fn key(&self, entry: &Entry) -> Option<String> {
        let content = match entry.blob() {
            Some(blob) => format!("blob {blob}\t{}", entry.path),
            // The path, size and content hash of a working tree's file.
            None => self.key.contents.get(&entry.path)?.0.clone(),
        };
        Some(digest([
            self.common.as_bytes(),
            entry.path.as_bytes(),
            content.as_bytes(),
        ]))
    }

    fn get_many(&self, keys: &[&str]) -> Vec<Option<Vec<u8>>> {
        self.store.get_many(keys)
    }

    fn reused(&self, files: usize, reused: usize) {
        self.used.files.fetch_add(files as u64, Ordering::Relaxed);
        self.used
            .files_reused
            .fetch_add(reused as u64, Ordering::Relaxed);
    }

    fn put_many(&self, entries: Vec<(&Entry, Vec<u8>)>) {
        let keep: Vec<(String, Vec<u8>)> = entries
            .into_iter()
            .filter(|(entry, _)| self.unchanged(entry))
            .filter_map(|(entry, value)| Some((self.key(entry)?, value)))
            .collect();
        self.store.put_many(FILE_KIND, &keep);
    }
}

/// What a cache folder holds: the store of audits and the clones.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FolderInfo {
    pub folder: PathBuf,
    /// The store (`audits.sqlite`), when there is one.
    pub store: Option<StoreInfo>,
    /// Cloned repositories (`*.git` folders) and their bytes on disk.
    pub clones: u64,
    pub clone_bytes: u64,
}

/// The store of audits: where, and what it holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoreInfo {
    pub path: PathBuf,
    /// Entries of each kind: `repo` (a repository's report) and `file` (a file's analysis).
    pub entries: std::collections::BTreeMap<String, EntriesInfo>,
    /// Bytes of all entries (what `--cache-max-size` bounds).
    pub bytes: u64,
    /// Bytes of its files on disk.
    pub on_disk: u64,
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct EntriesInfo {
    pub count: u64,
    pub bytes: u64,
}

/// What `cache clear` removed.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Cleared {
    /// Repositories' reports removed.
    pub repos: u64,
    /// Files' analyses removed.
    pub files: u64,
    pub bytes: u64,
    pub clones: u64,
    pub clone_bytes: u64,
}

/// The clone folders of a cache folder (`host_owner_repo-HASH.git`).
fn clones(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "git"))
        .collect();
    out.sort();
    out
}

/// Bytes of the files under `path` (links not followed).
fn bytes_under(path: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(path) else {
        return 0;
    };
    rd.flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => bytes_under(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

fn store_info(store: &Store) -> Option<StoreInfo> {
    let c = store.contents()?;
    Some(StoreInfo {
        path: store.path().to_path_buf(),
        entries: c
            .kinds
            .into_iter()
            .map(|(kind, count, bytes)| (kind, EntriesInfo { count, bytes }))
            .collect(),
        bytes: c.bytes,
        on_disk: c.on_disk,
    })
}

/// What the cache folder `dir` holds; a damaged store is made anew (a warning says so).
pub fn folder_info(dir: &Path, warnings: &mut Vec<String>) -> FolderInfo {
    let store = if dir.join(super::store::FILE_NAME).exists() {
        Store::open(dir, warnings).and_then(|s| {
            let info = store_info(&s);
            warnings.extend(s.take_warnings());
            info
        })
    } else {
        None
    };
    let clones = clones(dir);
    FolderInfo {
        folder: dir.to_path_buf(),
        store,
        clones: clones.len() as u64,
        clone_bytes: clones.iter().map(|c| bytes_under(c)).sum(),
    }
}

/// Empties the store of audits of `dir` and, with `with_clones`, removes
/// the clones too.
pub fn clear_folder(
    dir: &Path,
    with_clones: bool,
    warnings: &mut Vec<String>,
) -> std::io::Result<Cleared> {
    let mut cleared = Cleared::default();
    if dir.join(super::store::FILE_NAME).exists() {
        if let Some(s) = Store::open(dir, warnings) {
            if let Some(info) = store_info(&s) {
                let count = |kind| info.entries.get(kind).map_or(0, |e| e.count);
                cleared.repos = count(KIND);
                cleared.files = count(FILE_KIND);
                cleared.bytes = info.bytes;
            }
            s.clear();
            warnings.extend(s.take_warnings());
        }
    }
    if with_clones {
        for clone in clones(dir) {
            cleared.clone_bytes += bytes_under(&clone);
            std::fs::remove_dir_all(&clone)?;
            cleared.clones += 1;
        }
    }
    Ok(cleared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_working_tree_file_is_known_by_its_stamp_until_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("a.py"), "x = 1\n").unwrap();
        std::fs::write(root.join("b.py"), "y = 2\n").unwrap();
        let open = |name: &str| Store::open(&dir.path().join(name), &mut Vec::new()).unwrap();
        let (store, fresh) = (open("cache"), open("empty"));
        let repo = Repo::Workdir { root: root.clone() };
        let opts = ListOptions::default();
        let content = |store: &Store, now| workdir_content(&repo, &opts, store, now).unwrap().0;
        let kept = |store: &Store| {
            let kinds = store.contents().unwrap().kinds;
            kinds
                .iter()
                .any(|(kind, _, _)| kind == super::super::stamps::KIND)
        };
        let now = SystemTime::now();
        let later = now + Duration::from_secs(3600);

        // Files changed just now could change again within their clock's tick.
        let first = content(&store, now);
        assert!(!kept(&store), "racily clean stamps are not kept");
        assert_eq!(content(&store, later), first);
        assert!(kept(&store));

        // A stamp kept is trusted: the hash kept with it stands for the file.
        let a = root.join("a.py");
        let b = root.join("b.py");
        let rows = vec![
            (
                "a.py".to_string(),
                Stamp::of(&a).unwrap(),
                *blake3::hash(b"x = 9\n").as_bytes(),
            ),
            (
                "b.py".to_string(),
                Stamp::of(&b).unwrap(),
                *blake3::hash(b"y = 2\n").as_bytes(),
            ),
        ];
        Stamps::load(&store, &root).save(&store, rows, later);
        assert_ne!(content(&store, later), first, "a.py is not read again");

        // The same size and modification time (`touch -d`), other content:
        // its inode change time tells, and the file is read again.
        let modified = std::fs::metadata(&a).unwrap().modified().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(&a, "x = 3\n").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&a)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        assert_eq!(std::fs::metadata(&a).unwrap().modified().unwrap(), modified);
        let changed = content(&store, later);
        assert_ne!(changed, first);
        assert_eq!(changed, content(&fresh, now), "as if nothing were kept");
    }
}
