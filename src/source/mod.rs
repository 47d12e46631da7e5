//! Sources: turn an input path into repositories, and a repository into files.
//!
//! In: a path (a working tree, a git repository, or a folder of repositories)
//! and an optional revision. Out: [`RepoInput`]s, and for each a [`Listing`]
//! of files (path, size) plus notes on what was not read and why, and the git
//! history when there is one. File contents are read later, in parallel,
//! through a [`Reader`], so a large repository is never held in memory at once.
//! This stage never interprets file contents. A URL input is fetched into a
//! cache folder first ([`remote`]) and then read as a bare repository.

pub mod blame;
pub mod clock;
mod git;
pub mod hosting;
pub mod input;
pub mod remote;
mod skip;
pub mod stamp;
pub mod web;
mod workdir;

use crate::model::{History, Note, WebRepo};
pub use git::{
    code_lines, is_cut, list_commit, open as open_git, start_in_background as start_git, BlobSizes,
    FirstCommit, HistoryWalk,
};
pub use skip::Skip;
pub use stamp::Stamp;
use std::path::{Path, PathBuf};

/// Files larger than this are listed (their path counts) but not read.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: no such file or folder")]
    NotFound { path: PathBuf },
    #[error("{path}: not a folder (give a repository's folder or a folder of repositories)")]
    NotADir { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: git: {message}")]
    Git { path: PathBuf, message: String },
    #[error("{path}: --author needs a git repository (it reads `git blame`), and this folder is not one")]
    NotGit { path: PathBuf },
    #[error("{path}: the repository has no commits yet")]
    NoCommits { path: PathBuf },
    #[error("{path}: revision `{rev}` not found: {message}")]
    Revision {
        path: PathBuf,
        rev: String,
        message: String,
    },
    #[error("{url}: {reason}")]
    Remote { url: String, reason: String },
    #[error("{url}: the repository is empty (no commits yet): nothing to audit")]
    Empty { url: String },
}

/// Why a file at a repository's top was not read.
#[derive(Debug, thiserror::Error)]
pub enum TopFileError {
    #[error("not read: {0} bytes")]
    TooLarge(u64),
    #[error("not read: {0}")]
    Unreadable(String),
}

/// One repository to audit.
#[derive(Debug)]
pub struct RepoInput {
    /// Short name for reports: the folder name.
    pub name: String,
    /// What the user gave: a path, or a URL without its credentials.
    pub source: String,
    pub repo: Repo,
    /// Who the repository belongs to, from a repos file.
    pub label: Option<String>,
    /// The URL to fetch into `repo`'s path (a cached clone) before listing it.
    pub remote: Option<remote::RemoteUrl>,
    /// Where the repository lives on the web (from an account listing, a
    /// URL or its `origin` remote): evidence links to lines there.
    pub web: Option<WebRepo>,
    /// Archived on its hosting platform (still audited, and marked so).
    pub archived: bool,
    /// How the input was read as this repository, and why.
    pub discovered: Option<String>,
}

/// Where a repository's files come from.
#[derive(Debug)]
pub enum Repo {
    /// A working tree on disk, honouring its `.gitignore`.
    Workdir { root: PathBuf },
    /// A revision read from a git object database (no checkout; bare repositories too).
    Git { path: PathBuf, rev: String },
    /// Files held in memory: rule examples and tests.
    Memory { files: Vec<(String, Vec<u8>)> },
}

/// A file of a listing.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path inside the repository, `/`-separated.
    pub path: String,
    pub size: u64,
    /// Over the size cap: the path counts, the content is not read.
    pub oversize: bool,
    loc: Loc,
}

impl Entry {
    /// The git blob this file's content is, when it comes from a git revision.
    pub fn blob(&self) -> Option<git2::Oid> {
        match self.loc {
            Loc::Blob(oid) => Some(oid),
            _ => None,
        }
    }

    /// A working tree's file's stamp, as its listing saw it.
    pub fn stamp(&self) -> Option<Stamp> {
        match self.loc {
            Loc::Disk(_, stamp) => stamp,
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
enum Loc {
    Disk(PathBuf, Option<Stamp>),
    Blob(git2::Oid),
    Memory(usize),
}

/// The files of a repository, sorted by path, and what was left out.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<Entry>,
    pub notes: Vec<Note>,
    /// Folders left out that the learner committed anyway (a virtualenv,
    /// bytecode caches), by path; tool output and caches are not listed.
    pub committed: Vec<(String, Skip)>,
    /// The commit scanned, or HEAD of a working tree.
    pub revision: Option<String>,
    pub history: Option<History>,
    /// A working tree's files whose content is not HEAD's (changed, added,
    /// untracked): what the audit read of them is not at `revision`.
    pub changed: std::collections::BTreeSet<String>,
    /// The first commit's Python files, which the audit compares the
    /// learner's own with for [`History::first_commit_share`].
    pub first_commit: Option<FirstCommit>,
}

impl Listing {
    /// Keeps the skipped folders that were committed by mistake, sorted.
    fn record_skipped(&mut self, skipped: Vec<(String, Skip)>) {
        self.committed.extend(
            skipped
                .into_iter()
                .filter(|(_, skip)| !matches!(skip, Skip::Quiet)),
        );
        self.committed.sort_by(|a, b| a.0.cmp(&b.0));
    }

    /// Lists a file; one over the size cap is kept (its path counts) with a note.
    fn push_file(&mut self, path: String, size: u64, loc: Loc, opts: &ListOptions) {
        let oversize = size > opts.max_file_size;
        if oversize {
            self.notes
                .push(oversize_note(&path, size, opts.max_file_size));
        }
        self.files.push(Entry {
            path,
            size,
            oversize,
            loc,
        });
    }
}

pub struct ListOptions {
    pub max_file_size: u64,
}

impl Default for ListOptions {
    fn default() -> Self {
        ListOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

impl Repo {
    pub fn list(&self, opts: &ListOptions) -> Result<Listing, SourceError> {
        let mut listing = match self {
            Repo::Workdir { root } => workdir::list(root, opts)?,
            Repo::Git { path, rev } => git::list(path, rev, opts)?,
            Repo::Memory { files } => list_memory(files, opts),
        };
        listing.files.sort_by(|a, b| a.path.cmp(&b.path));
        listing.notes.sort();
        Ok(listing)
    }

    /// The bytes of a file at the repository's top (`portfolio-audit.toml`),
    /// read the same way whether the repository is a working tree, a git
    /// revision or a clone; `None` when there is none (a symlink is none).
    /// A file over `cap` bytes is not read: its size is the error.
    pub fn top_file(&self, name: &str, cap: u64) -> Result<Option<Vec<u8>>, TopFileError> {
        match self {
            Repo::Workdir { root } => {
                let path = root.join(name);
                let Ok(meta) = std::fs::symlink_metadata(&path) else {
                    return Ok(None);
                };
                if !meta.is_file() {
                    return Ok(None);
                }
                if meta.len() > cap {
                    return Err(TopFileError::TooLarge(meta.len()));
                }
                std::fs::read(&path)
                    .map(Some)
                    .map_err(|e| TopFileError::Unreadable(e.to_string()))
            }
            Repo::Git { path, rev } => git::top_file(path, rev, name, cap),
            Repo::Memory { files } => Ok(files
                .iter()
                .find(|(p, _)| p == name)
                .map(|(_, b)| b.clone())),
        }
    }

    /// A reader for this repository's files; one per thread (git handles are not shared).
    pub fn reader(&self) -> Result<Reader<'_>, SourceError> {
        Ok(match self {
            Repo::Workdir { .. } => Reader::Disk,
            Repo::Git { path, .. } => Reader::Git(git::open(path)?),
            Repo::Memory { files } => Reader::Memory(files),
        })
    }
}

/// Files held in memory, with the folders a working tree would skip left
/// out the same way (a rule example may hold a committed virtualenv).
fn list_memory(files: &[(String, Vec<u8>)], opts: &ListOptions) -> Listing {
    let paths: std::collections::BTreeSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let mut listing = Listing::default();
    let mut skipped: Vec<(String, Skip)> = Vec::new();
    for (i, (path, bytes)) in files.iter().enumerate() {
        let mut dir = String::new();
        let mut skip = None;
        let parts: Vec<&str> = path.split('/').collect();
        for name in &parts[..parts.len().saturating_sub(1)] {
            if !dir.is_empty() {
                dir.push('/');
            }
            dir.push_str(name);
            let has = |rel: &str| paths.contains(format!("{dir}/{rel}").as_str());
            if let Some(s) = skip::classify_dir(name, &has) {
                skip = Some((dir.clone(), s));
                break;
            }
        }
        match skip {
            Some(found) => {
                if !skipped.contains(&found) {
                    skipped.push(found);
                }
            }
            None => listing.push_file(path.clone(), bytes.len() as u64, Loc::Memory(i), opts),
        }
    }
    listing.record_skipped(skipped);
    listing
}

/// Reads file contents of one repository.
pub enum Reader<'a> {
    Disk,
    Git(git2::Repository),
    Memory(&'a [(String, Vec<u8>)]),
}

impl Reader<'_> {
    pub fn read(&self, entry: &Entry) -> Result<Vec<u8>, String> {
        match (&entry.loc, self) {
            (Loc::Disk(p, _), _) => std::fs::read(p).map_err(|e| e.to_string()),
            (Loc::Blob(oid), Reader::Git(repo)) => repo
                .find_blob(*oid)
                .map(|b| b.content().to_vec())
                .map_err(|e| e.message().to_string()),
            (Loc::Memory(i), Reader::Memory(files)) => files
                .get(*i)
                .map(|(_, b)| b.clone())
                .ok_or_else(|| "missing in-memory file".to_string()),
            _ => Err("file read with the reader of another repository".to_string()),
        }
    }
}

/// Files whose presence at a folder's top makes it a Python project.
pub const PROJECT_MARKERS: &[&str] = &[
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "requirements.txt",
    "Pipfile",
    "environment.yml",
    "manage.py",
];

/// The note for a file listed but not read because of its size.
fn oversize_note(path: &str, size: u64, cap: u64) -> Note {
    Note {
        path: path.to_string(),
        message: format!("not read: {size} bytes, over the {cap} byte cap (--max-file-size)"),
    }
}

/// Whether a folder is itself a Python project (so a folder of projects lists it as one).
fn looks_like_project(dir: &Path) -> bool {
    if dir.join(".git").exists() || PROJECT_MARKERS.iter().any(|m| dir.join(m).is_file()) {
        return true;
    }
    has_python_within(dir, 2)
}

fn has_python_within(dir: &Path, depth: u32) -> bool {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return false;
    };
    let mut subdirs = Vec::new();
    for e in rd.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_file() && p.extension().is_some_and(|x| x == "py" || x == "ipynb") {
            return true;
        }
        if ft.is_dir() && !e.file_name().to_string_lossy().starts_with('.') {
            subdirs.push(p);
        }
    }
    depth > 0 && subdirs.iter().any(|d| has_python_within(d, depth - 1))
}

fn is_bare_repo(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
}

fn dir_name(path: &Path) -> String {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    canonical
        .file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".git").to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| path.display().to_string())
}

fn input_for(dir: &Path, rev: Option<&str>) -> RepoInput {
    let repo = if is_bare_repo(dir) {
        Repo::Git {
            path: dir.to_path_buf(),
            rev: rev.unwrap_or("HEAD").to_string(),
        }
    } else if let (Some(rev), true) = (rev, dir.join(".git").exists()) {
        Repo::Git {
            path: dir.to_path_buf(),
            rev: rev.to_string(),
        }
    } else {
        Repo::Workdir {
            root: dir.to_path_buf(),
        }
    };
    let web = match &repo {
        Repo::Git { .. } => web::of_origin(dir),
        Repo::Workdir { .. } if dir.join(".git").exists() => web::of_origin(dir),
        _ => None,
    };
    RepoInput {
        name: dir_name(dir),
        source: dir.display().to_string(),
        repo,
        label: None,
        remote: None,
        web,
        archived: false,
        discovered: None,
    }
}

/// The repositories an input stands for. A URL stands for one repository,
/// its clone in `cache` (fetched later, see [`remote::sync`]); a path is
/// discovered as [`discover`] does. The input's label goes to each. An
/// account's repositories come from its listing ([`hosting::list`], then
/// [`listed_input`]), never from here.
pub fn discover_input(
    input: &input::Input,
    rev: Option<&str>,
    cache: &Path,
) -> Result<Vec<RepoInput>, SourceError> {
    let mut found = match &input.target {
        input::Target::Path(path) => discover(path, rev)?,
        input::Target::Url(url) => vec![url_input(url.clone(), rev, cache)],
        input::Target::Account(account) => {
            return Err(SourceError::Remote {
                url: account.shown(),
                reason: "an account's repositories are listed through its API first".into(),
            })
        }
    };
    for r in &mut found {
        r.label.clone_from(&input.label);
    }
    Ok(found)
}

/// The repository a URL stands for: its clone in `cache`, read at `rev`
/// or at the remote's default branch.
fn url_input(url: remote::RemoteUrl, rev: Option<&str>, cache: &Path) -> RepoInput {
    RepoInput {
        name: url.name().to_string(),
        source: url.shown().to_string(),
        repo: Repo::Git {
            path: cache.join(url.cache_key()),
            rev: rev.unwrap_or("HEAD").to_string(),
        },
        web: web::of_url(url.shown()),
        label: None,
        remote: Some(url),
        archived: false,
        discovered: None,
    }
}

/// A repository of an account's listing, cloned like a URL input, named as
/// listed, with its web page and whether it is archived. A private one
/// cloned over https from the token's host answers it with the token when
/// asked for credentials.
pub fn listed_input(
    listed: &hosting::Listed,
    platform: hosting::Platform,
    token: Option<&hosting::CloneToken>,
    rev: Option<&str>,
    cache: &Path,
) -> Result<RepoInput, SourceError> {
    let unusable = |why: String| SourceError::Remote {
        url: listed.web_url.clone(),
        reason: format!("the API gave no clone URL that git can fetch ({why})"),
    };
    let mut url = match remote::RemoteUrl::parse(&listed.clone_url) {
        Some(Ok(url)) => url,
        Some(Err(e)) => return Err(unusable(e)),
        None => return Err(unusable(format!("`{}`", listed.clone_url))),
    };
    if let Some(t) = token.filter(|t| listed.private && t.host == url.host()) {
        url = url.with_credential(remote::Credential {
            user: platform.clone_user(),
            token: t.token.clone(),
        });
    }
    let mut input = url_input(url, rev, cache);
    input.name.clone_from(&listed.name);
    input.web = Some(WebRepo {
        forge: platform.forge(),
        url: listed.web_url.trim_end_matches('/').to_string(),
    });
    input.archived = listed.archived;
    Ok(input)
}

/// The repositories an input path stands for: itself when it is a repository
/// or a Python project, otherwise each child folder that is one.
pub fn discover(path: &Path, rev: Option<&str>) -> Result<Vec<RepoInput>, SourceError> {
    let meta = std::fs::metadata(path).map_err(|_| SourceError::NotFound {
        path: path.to_path_buf(),
    })?;
    if !meta.is_dir() {
        return Err(SourceError::NotADir {
            path: path.to_path_buf(),
        });
    }
    let one = |why: String| {
        let mut input = input_for(path, rev);
        input.discovered = Some(why);
        Ok(vec![input])
    };
    if is_bare_repo(path) {
        return one("a bare git repository".to_string());
    }
    if path.join(".git").exists() {
        return one("a git repository (it has .git)".to_string());
    }
    let markers = repository_markers(path);
    if !markers.is_empty() {
        return one(format!(
            "one repository: its top holds {}",
            some_of(&markers)
        ));
    }
    let rd = std::fs::read_dir(path).map_err(|source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut children: Vec<PathBuf> = rd
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .filter(|p| is_bare_repo(p) || looks_like_project(p))
        .collect();
    children.sort();
    if children.is_empty() {
        return one(
            "one repository: no repository marker at its top, and no repository in it".to_string(),
        );
    }
    let n = children.len();
    Ok(children
        .iter()
        .map(|c| {
            let mut input = input_for(c, rev);
            input.discovered = Some(format!(
                "one of {n} repositories in {}, which has no README, licence, CI, manifest or code at its top",
                path.display()
            ));
            input
        })
        .collect())
}

/// Files and folders whose presence at a folder's top makes it one
/// repository, even when all its code is in a subfolder (a repository
/// downloaded as an archive has no `.git`): the files a repository holds
/// about itself, its CI and its packaging.
const REPOSITORY_MARKERS: &[&str] = &[
    ".gitattributes",
    ".gitignore",
    ".github",
    ".gitlab-ci.yml",
    ".circleci",
    ".travis.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
    "Jenkinsfile",
    ".pre-commit-config.yaml",
    "Dockerfile",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "Makefile",
    "justfile",
    "tox.ini",
    "noxfile.py",
];

/// The repository markers at a folder's top, by name, sorted: a README or
/// a licence (any extension), the files of [`REPOSITORY_MARKERS`] and
/// [`PROJECT_MARKERS`], and Python code.
fn repository_markers(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<String> = Vec::new();
    let mut code = false;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let upper = name.to_ascii_uppercase();
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        let marker = REPOSITORY_MARKERS.contains(&name.as_str())
            || PROJECT_MARKERS.contains(&name.as_str())
            || (is_file
                && ["README", "LICENSE", "LICENCE", "COPYING"]
                    .iter()
                    .any(|m| upper == *m || upper.starts_with(&format!("{m}."))));
        if marker && (is_file || is_dir) {
            found.push(if is_dir { format!("{name}/") } else { name });
        } else if is_file && (name.ends_with(".py") || name.ends_with(".ipynb")) {
            code = true;
        }
    }
    found.sort();
    if code {
        found.push("Python code".to_string());
    }
    found
}

/// "a, b and 3 more" for a reason.
fn some_of(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        1..=3 => names.join(", "),
        n => format!("{} and {} more", names[..3].join(", "), n - 3),
    }
}

#[cfg(test)]
mod tests {
    use super::hosting::{CloneToken, Listed, Platform, Token};
    use super::{listed_input, Repo};
    use std::path::Path;

    fn listed(clone_url: &str, private: bool) -> Listed {
        Listed {
            name: "shop".into(),
            clone_url: clone_url.into(),
            web_url: "https://github.com/ada/shop/".into(),
            fork: false,
            archived: true,
            private,
            pushed_at: None,
        }
    }

    #[test]
    fn a_listed_repository_is_a_url_clone_with_its_page_and_its_token() {
        let token = CloneToken {
            token: Token::new("s3cret", "GITHUB_TOKEN"),
            host: "github.com".into(),
        };
        let cache = Path::new("/cache");
        let input = |clone: &str, private: bool| {
            listed_input(
                &listed(clone, private),
                Platform::GitHub,
                Some(&token),
                None,
                cache,
            )
        };
        // Whether git would be given the token when the host asks.
        let answers = |clone: &str, private: bool| {
            let remote = input(clone, private).unwrap().remote.unwrap();
            remote.credential_for(clone).is_some()
        };
        let shop = input("https://github.com/ada/shop.git", true).unwrap();
        assert_eq!(shop.name, "shop");
        assert!(shop.archived);
        assert_eq!(shop.web.unwrap().url, "https://github.com/ada/shop");
        assert!(
            matches!(&shop.repo, Repo::Git { path, rev } if path.starts_with(cache) && rev == "HEAD")
        );
        assert!(answers("https://github.com/ada/shop.git", true));
        assert!(
            !answers("https://github.com/ada/shop.git", false),
            "public: no token"
        );
        assert!(
            !answers("https://mirror.example/ada/shop.git", true),
            "another host: no token"
        );
        assert!(input("not a url", false)
            .unwrap_err()
            .to_string()
            .contains("no clone URL that git can fetch"));
    }
}
