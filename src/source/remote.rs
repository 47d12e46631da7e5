//! Remote repositories: a URL is fetched into a bare repository in a cache
//! folder, updated on the next run, and then read like any bare repository
//! (at `--rev`, or the remote's default branch).
//!
//! In: a URL (`https://`, `http://`, `ssh://`, `git://`, `file://`, or
//! scp-like `git@host:owner/repo`). Out: the path of its cached clone, or why
//! it could not be fetched. Credentials are never asked for: a URL may carry
//! them, ssh keys come from the ssh-agent, and anything else fails at once
//! with "authentication required". Nothing here reads file contents.

use super::hosting::Token;
use super::SourceError;
use git2::{
    AutotagOption, Cred, CredentialType, ErrorClass, ErrorCode, FetchOptions, FetchPrune,
    ObjectType, Oid, ProxyOptions, RemoteCallbacks, Repository,
};
use std::path::{Path, PathBuf};

/// Every branch and tag of the remote, mirrored as the clone's own refs, so
/// `--rev main` or `--rev v1.0` name the remote's branch or tag.
const REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/// libgit2's code for an operation a transport cannot do (git2 0.21 has no
/// `ErrorCode` for it): a shallow fetch over the local transport.
const GIT_ENOTSUPPORTED: i32 = -39;

/// The longest readable part of a cache entry's name (the hash follows it).
const SLUG_MAX: usize = 60;

/// A repository URL, as given and as shown in reports (without credentials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUrl {
    /// What git fetches from, credentials included.
    url: String,
    /// For reports and messages: the URL without a password or an https token.
    shown: String,
    host: String,
    /// The path's parts, `.git` dropped from the last: `["ada", "portfolio"]`.
    segments: Vec<String>,
    /// A token to answer this host with when it asks for credentials (a
    /// private repository of a listed account). Never part of `url`, so it
    /// is in no cache key, no clone's config and no message.
    credential: Option<Credential>,
}

/// A user name and token for an https host (GitHub's `x-access-token`,
/// GitLab's `oauth2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub user: &'static str,
    pub token: Token,
}

/// Schemes git2 can fetch from (ssh through libssh2, https through OpenSSL).
const SCHEMES: &[&str] = &["https", "http", "ssh", "git", "file"];

impl RemoteUrl {
    /// Reads `text` as a URL: `None` when it is not one (then it is a path),
    /// an error when it looks like one but cannot be used.
    pub fn parse(text: &str) -> Option<Result<RemoteUrl, String>> {
        if let Some((scheme, rest)) = text.split_once("://") {
            if scheme.is_empty()
                || !scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            {
                return None;
            }
            let scheme = scheme.to_ascii_lowercase();
            if !SCHEMES.contains(&scheme.as_str()) {
                return Some(Err(format!(
                    "`{text}`: unsupported URL scheme `{scheme}://` (use https://, http://, ssh://, git://, file:// or git@host:owner/repo)"
                )));
            }
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let (user, host) = match authority.rsplit_once('@') {
                Some((u, h)) => (Some(u), h),
                None => (None, authority),
            };
            if host.is_empty() && scheme != "file" {
                return Some(Err(format!("`{text}`: the URL names no host")));
            }
            let shown = match user {
                // An https user is often a token: never print it.
                Some(_) if scheme.starts_with("http") => format!("{scheme}://{host}/{path}"),
                Some(u) => {
                    let name = u.split_once(':').map_or(u, |(n, _)| n);
                    format!("{scheme}://{name}@{host}/{path}")
                }
                None => format!("{scheme}://{host}/{path}"),
            };
            return Some(Self::with_path(text, shown, host, path));
        }
        // scp-like `user@host:path`: an `@` before the first `:`, no `/` before it.
        let (before, path) = text.split_once(':')?;
        let (user, host) = before.split_once('@')?;
        if user.is_empty() || host.is_empty() || before.contains('/') {
            return None;
        }
        Some(Self::with_path(text, text.to_string(), host, path))
    }

    fn with_path(text: &str, shown: String, host: &str, path: &str) -> Result<RemoteUrl, String> {
        let mut segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(last) = segments.last_mut() {
            if let Some(stem) = last.strip_suffix(".git") {
                *last = stem.to_string();
            }
        }
        segments.retain(|s| !s.is_empty());
        if segments.is_empty() {
            return Err(format!(
                "`{text}`: the URL names no repository (expected host/owner/repo)"
            ));
        }
        Ok(RemoteUrl {
            url: text.to_string(),
            shown,
            host: host.to_ascii_lowercase(),
            segments,
            credential: None,
        })
    }

    /// This URL, answering its host's request for credentials with
    /// `credential`; only https URLs (and http ones to this machine) carry one.
    pub fn with_credential(mut self, credential: Credential) -> RemoteUrl {
        if super::hosting::may_carry_token(&self.url) {
            self.credential = Some(credential);
        }
        self
    }

    /// The credential to give `asked` (the URL libgit2 is fetching, after
    /// any redirect): only this URL's own host gets it.
    pub(super) fn credential_for(&self, asked: &str) -> Option<&Credential> {
        let authority = asked.split_once("://")?.1.split('/').next()?;
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        self.credential
            .as_ref()
            .filter(|_| host.eq_ignore_ascii_case(&self.host))
    }

    /// The repository's name: the last part of its path, without `.git`.
    pub fn name(&self) -> &str {
        self.segments.last().map_or(&self.host, |s| s.as_str())
    }

    /// The host (and port), lower-cased.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The URL without credentials, for reports.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The cache entry's folder name: readable host and last two path parts,
    /// restricted to `[A-Za-z0-9._-]` (one path component, never `.` or `..`),
    /// and a hash of the URL without credentials, so two URLs never share an
    /// entry and a hostile URL cannot name a path outside the cache.
    pub fn cache_key(&self) -> String {
        let tail = self.segments.len().saturating_sub(2);
        let mut parts = vec![if self.host.is_empty() {
            "local"
        } else {
            &self.host
        }];
        parts.extend(self.segments[tail..].iter().map(String::as_str));
        let mut slug: String = parts
            .join("_")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .take(SLUG_MAX)
            .collect();
        slug = slug.trim_start_matches('.').to_string();
        let identity = format!("{}\n{}", self.host, self.segments.join("/"));
        let hash = Oid::hash_object(ObjectType::Blob, identity.as_bytes())
            .map(|o| o.to_string())
            .unwrap_or_default();
        format!("{slug}-{}.git", &hash[..hash.len().min(16)])
    }
}

/// The cache folder when `--cache-dir` is not given: the platform's cache
/// directory (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches`
/// on macOS, `%LOCALAPPDATA%` on Windows), then `portfolio-audit/repos`.
pub fn default_cache_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("portfolio-audit").join("repos"))
}

/// How to fetch.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchSettings {
    /// Fetch only this many commits of history; `None` fetches all of it
    /// (what the history metrics need). Local and `file://` remotes are
    /// always fetched whole: libgit2's local transport cannot fetch shallow.
    pub depth: Option<u32>,
}

/// A cached clone, ready to read.
#[derive(Debug)]
pub struct Synced {
    /// Set when the update failed and the clone of an earlier run is read: why.
    pub stale: Option<String>,
}

/// Fetches `url` into the bare repository `dest`: a new clone when it does
/// not exist, an update when it does. `progress` gets (objects received,
/// objects in all) as they arrive. When an update fails and an earlier clone
/// is there, that clone is kept and the reason returned with it.
pub fn sync(
    url: &RemoteUrl,
    dest: &Path,
    settings: FetchSettings,
    progress: &dyn Fn(usize, usize),
) -> Result<Synced, SourceError> {
    let fail = |reason: String| SourceError::Remote {
        url: url.shown().to_string(),
        reason,
    };
    let empty = || SourceError::Empty {
        url: url.shown().to_string(),
    };
    if dest.exists() {
        let repo = Repository::open_bare(dest).map_err(|e| {
            fail(format!(
                "the cache entry {} is not a git repository ({}): remove it and run again",
                dest.display(),
                e.message()
            ))
        })?;
        return match fetch(&repo, url, settings, progress) {
            Ok(()) => Ok(Synced { stale: None }),
            Err(FetchError::Empty) => Err(empty()),
            Err(e) if repo.head().is_ok() => Ok(Synced {
                stale: Some(reason(url, &e)),
            }),
            Err(e) => Err(fail(reason(url, &e))),
        };
    }
    let parent = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| {
        fail(format!(
            "cannot create the cache folder {}: {e}",
            parent.display()
        ))
    })?;
    // Fetched beside its final place and renamed when complete, so an
    // interrupted run never leaves a half clone to be read as the cache.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let file_name = dest
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let partial = parent.join(format!(
        ".{file_name}.partial-{}-{nanos}",
        std::process::id()
    ));
    let result = Repository::init_bare(&partial)
        .map_err(FetchError::from)
        .and_then(|repo| fetch(&repo, url, settings, progress));
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(match e {
            FetchError::Empty => empty(),
            e => fail(reason(url, &e)),
        });
    }
    if let Err(e) = std::fs::rename(&partial, dest) {
        let _ = std::fs::remove_dir_all(&partial);
        // Another run cloned the same URL meanwhile: its clone serves.
        if Repository::open_bare(dest).is_err() {
            return Err(fail(format!(
                "cannot move the clone into {}: {e}",
                dest.display()
            )));
        }
    }
    Ok(Synced { stale: None })
}

fn callbacks<'a>(url: &'a RemoteUrl, progress: &'a dyn Fn(usize, usize)) -> RemoteCallbacks<'a> {
    let mut cb = RemoteCallbacks::new();
    let mut agent_tried = false;
    let mut token_tried = false;
    cb.credentials(move |asked, user, allowed| {
        // One try with a listed account's token; a refusal ends in "authentication required".
        if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) && !token_tried {
            if let Some(c) = url.credential_for(asked) {
                token_tried = true;
                return Cred::userpass_plaintext(c.user, c.token.secret());
            }
        }
        let user = user.unwrap_or("git");
        if allowed.contains(CredentialType::USERNAME) {
            return Cred::username(user);
        }
        // One try with the agent's keys; libgit2 asks again after a refusal.
        if allowed.contains(CredentialType::SSH_KEY) && !agent_tried {
            agent_tried = true;
            return Cred::ssh_key_from_agent(user);
        }
        Err(git2::Error::new(
            ErrorCode::Auth,
            ErrorClass::Net,
            "the server asked for credentials",
        ))
    });
    cb.transfer_progress(move |stats| {
        progress(stats.received_objects(), stats.total_objects());
        true
    });
    cb
}

/// Why a fetch did not give a clone to read.
enum FetchError {
    Git(git2::Error),
    /// The remote has no branches: an empty repository.
    Empty,
}

impl From<git2::Error> for FetchError {
    fn from(e: git2::Error) -> FetchError {
        FetchError::Git(e)
    }
}

fn fetch(
    repo: &Repository,
    url: &RemoteUrl,
    settings: FetchSettings,
    progress: &dyn Fn(usize, usize),
) -> Result<(), FetchError> {
    // Anonymous: the URL (and any token in it) is never written to the clone's config.
    let mut remote = repo.remote_anonymous(&url.url)?;
    let depth = match settings.depth {
        Some(d) => i32::try_from(d).unwrap_or(i32::MAX),
        // A clone made shallow earlier is deepened back to the whole history.
        None if repo.is_shallow() => i32::MAX,
        None => 0,
    };
    let options = |depth: i32| {
        let mut proxy = ProxyOptions::new();
        proxy.auto();
        let mut fo = FetchOptions::new();
        fo.remote_callbacks(callbacks(url, progress))
            .proxy_options(proxy)
            .prune(FetchPrune::On)
            .download_tags(AutotagOption::None)
            .depth(depth);
        fo
    };
    match remote.fetch(&REFSPECS, Some(&mut options(depth)), None) {
        Err(e) if depth > 0 && e.raw_code() == GIT_ENOTSUPPORTED => {
            remote.fetch(&REFSPECS, Some(&mut options(0)), None)?
        }
        other => other?,
    }
    if repo.references_glob("refs/heads/*")?.next().is_none() {
        return Err(FetchError::Empty);
    }
    // HEAD follows the remote's default branch, as `git clone` sets it.
    if let Ok(head) = remote.default_branch() {
        if let Ok(name) = head.as_str() {
            if repo.find_reference(name).is_ok() {
                repo.set_head(name)?;
            }
        }
    }
    Ok(())
}

/// Why a fetch failed, in the words a user acts on.
fn reason(url: &RemoteUrl, e: &FetchError) -> String {
    let e = match e {
        FetchError::Git(e) => e,
        FetchError::Empty => return "the repository has no branches (it is empty)".to_string(),
    };
    let message = e.message().trim_end_matches('.');
    let ssh = url.url.starts_with("ssh://") || !url.url.contains("://");
    match e.code() {
        ErrorCode::Auth if ssh => format!(
            "authentication required ({message}): portfolio-audit never asks for credentials; add a key to your ssh-agent, or use the https URL of a public repository"
        ),
        ErrorCode::Auth => format!(
            "authentication required ({message}): the repository is private or does not exist; portfolio-audit never asks for credentials"
        ),
        ErrorCode::Certificate if ssh => format!(
            "the host key is not trusted ({message}): add the host to ~/.ssh/known_hosts (ssh-keyscan HOST >> ~/.ssh/known_hosts)"
        ),
        ErrorCode::Certificate => format!("the TLS certificate is not trusted: {message}"),
        _ if message.contains("status code: 404") => {
            format!("not found ({message}): no repository at this URL")
        }
        _ => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::RemoteUrl;

    fn url(s: &str) -> RemoteUrl {
        RemoteUrl::parse(s).expect("a URL").expect("a valid URL")
    }

    #[test]
    fn paths_are_not_urls() {
        for p in [
            "students/ada",
            "/tmp/x.git",
            ".",
            "C:\\code\\repo",
            "dir:with:colons/x",
            "a@b/c:d",
        ] {
            assert!(RemoteUrl::parse(p).is_none(), "{p}");
        }
    }

    #[test]
    fn names_come_from_the_last_path_part() {
        assert_eq!(url("https://github.com/ada/portfolio").name(), "portfolio");
        assert_eq!(
            url("https://github.com/ada/portfolio.git/").name(),
            "portfolio"
        );
        assert_eq!(url("git@github.com:ada/shop.git").name(), "shop");
        assert_eq!(url("ssh://git@host:2222/srv/repos/api.git").name(), "api");
        assert_eq!(url("file:///tmp/x/flask-blog.git").name(), "flask-blog");
    }

    #[test]
    fn bad_urls_say_why() {
        let err = |s: &str| RemoteUrl::parse(s).expect("a URL").expect_err("invalid");
        assert!(err("ftp://host/x").contains("unsupported URL scheme"));
        assert!(err("https:///x").contains("no host"));
        assert!(err("https://github.com/").contains("no repository"));
        assert!(err("git@github.com:").contains("no repository"));
    }

    #[test]
    fn a_token_answers_only_its_own_https_host() {
        let credential = || super::Credential {
            user: "x-access-token",
            token: crate::source::hosting::Token::new("s3cret", "GITHUB_TOKEN"),
        };
        let private = url("https://github.com/ada/secret.git").with_credential(credential());
        assert!(private
            .credential_for("https://github.com/ada/secret.git/info/refs")
            .is_some());
        assert!(private
            .credential_for("https://x@GitHub.com/ada/secret.git")
            .is_some());
        assert!(private
            .credential_for("https://evil.example/ada/secret.git")
            .is_none());
        let ssh = url("ssh://git@github.com/ada/secret.git").with_credential(credential());
        assert!(ssh
            .credential_for("ssh://git@github.com/ada/secret.git")
            .is_none());
        assert!(!format!("{private:?}").contains("s3cret"), "{private:?}");
        assert_eq!(
            private.cache_key(),
            url("https://github.com/ada/secret.git").cache_key()
        );
    }

    #[test]
    fn credentials_are_never_shown() {
        assert_eq!(
            url("https://ghp_secret@github.com/ada/p.git").shown(),
            "https://github.com/ada/p.git"
        );
        assert_eq!(
            url("https://ada:hunter2@example.org/ada/p").shown(),
            "https://example.org/ada/p"
        );
        assert_eq!(
            url("ssh://git:pw@host/ada/p").shown(),
            "ssh://git@host/ada/p"
        );
    }

    #[test]
    fn cache_keys_are_one_safe_component_and_distinct() {
        let hostile = [
            "https://evil.example/../../../etc/passwd",
            "https://../../x/y",
            "file:///../../root/.ssh",
            "git@..:../..",
            "https://h/%2e%2e/%2F/x",
        ];
        for s in hostile {
            let key = url(s).cache_key();
            assert!(!key.contains('/') && !key.contains('\\'), "{s}: {key}");
            assert!(!key.starts_with('.'), "{s}: {key}");
            assert!(
                key.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
                "{s}: {key}"
            );
            let root = std::path::Path::new("/cache");
            assert_eq!(root.join(&key).parent(), Some(root), "{s}: {key}");
        }
        let a = url("https://github.com/ada/portfolio").cache_key();
        assert!(a.starts_with("github.com_ada_portfolio-"), "{a}");
        assert_eq!(
            a,
            url("https://TOKEN@github.com/ada/portfolio.git").cache_key()
        );
        assert_ne!(a, url("https://github.com/bob/portfolio").cache_key());
        assert_ne!(
            url("https://h/a_b/c").cache_key(),
            url("https://h/a/b_c").cache_key(),
            "the hash tells apart what the slug merges"
        );
    }
}
