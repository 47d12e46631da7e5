//! Where a repository lives on the web, from the URL it was cloned from or
//! its `origin` remote: a known forge (github.com, gitlab.com,
//! bitbucket.org, codeberg.org) or the server a CI job runs on
//! (`GITHUB_SERVER_URL`, `CI_SERVER_URL`). Nothing is fetched.

use crate::model::{Forge, WebRepo};
use std::path::Path;

/// The forge of a host, if it is a known one.
fn forge_of(host: &str) -> Option<Forge> {
    let host = host.to_ascii_lowercase();
    match host.as_str() {
        "github.com" | "www.github.com" => return Some(Forge::GitHub),
        "gitlab.com" | "www.gitlab.com" => return Some(Forge::GitLab),
        "bitbucket.org" | "www.bitbucket.org" => return Some(Forge::Bitbucket),
        "codeberg.org" => return Some(Forge::Gitea),
        _ => {}
    }
    // The server a CI job runs on (GitHub Enterprise, a self-hosted GitLab).
    let server = |var: &str| {
        std::env::var(var)
            .ok()
            .and_then(|u| host_of(&u).map(str::to_ascii_lowercase))
            .is_some_and(|h| h == host)
    };
    if server("GITHUB_SERVER_URL") {
        Some(Forge::GitHub)
    } else if server("CI_SERVER_URL") {
        Some(Forge::GitLab)
    } else {
        None
    }
}

/// The host of `scheme://[user@]host[:port]/...`.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    let host = authority.rsplit('@').next()?;
    Some(host.split(':').next().unwrap_or(host)).filter(|h| !h.is_empty())
}

/// The web page of a repository cloned from `url` (https, ssh, scp-like
/// `git@host:owner/repo.git`), when its host is a known forge.
pub fn of_url(url: &str) -> Option<WebRepo> {
    let (host, path) = match url.split_once("://") {
        Some((scheme, rest)) => {
            if !matches!(scheme, "https" | "http" | "ssh" | "git") {
                return None;
            }
            let (authority, path) = rest.split_once('/')?;
            let host = authority.rsplit('@').next()?;
            (host.split(':').next().unwrap_or(host), path)
        }
        None => {
            // scp-like: user@host:owner/repo.git
            let (user_host, path) = url.split_once(':')?;
            if user_host.contains('/') {
                return None;
            }
            (user_host.rsplit('@').next()?, path)
        }
    };
    let forge = forge_of(host)?;
    let segments: Vec<&str> = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    if segments.len() < 2 {
        return None;
    }
    let mut segments: Vec<String> = segments.iter().map(|s| s.to_string()).collect();
    if let Some(last) = segments.last_mut() {
        if let Some(stem) = last.strip_suffix(".git") {
            *last = stem.to_string();
        }
    }
    let clean = |s: &String| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if !segments.iter().all(clean) {
        return None;
    }
    Some(WebRepo {
        forge,
        url: format!(
            "https://{}/{}",
            host.to_ascii_lowercase(),
            segments.join("/")
        ),
    })
}

/// The web page of the repository at `path`, from its `origin` remote.
pub fn of_origin(path: &Path) -> Option<WebRepo> {
    let repo = git2::Repository::open(path).ok()?;
    let remote = repo.find_remote("origin").ok()?;
    of_url(remote.url().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_urls_of_known_forges_name_their_web_page() {
        let page = |u: &str| of_url(u).map(|w| (w.forge, w.url));
        assert_eq!(
            page("https://github.com/ada/shop.git"),
            Some((Forge::GitHub, "https://github.com/ada/shop".into()))
        );
        assert_eq!(
            page("git@github.com:ada/shop.git"),
            Some((Forge::GitHub, "https://github.com/ada/shop".into()))
        );
        assert_eq!(
            page("ssh://git@gitlab.com/group/sub/shop"),
            Some((Forge::GitLab, "https://gitlab.com/group/sub/shop".into()))
        );
        assert_eq!(
            page("https://x-access-token:secret@github.com/ada/shop"),
            Some((Forge::GitHub, "https://github.com/ada/shop".into())),
            "credentials never reach the page URL"
        );
        assert_eq!(page("https://example.org/ada/shop.git"), None);
        assert_eq!(page("https://github.com/ada"), None);
        assert_eq!(page("file:///tmp/shop.git"), None);
        assert_eq!(page("https://github.com/ada/sh\"op"), None);
    }
}
