//! Hosting accounts: a learner's (or an organisation's, or a GitLab
//! group's) repositories, listed through the platform's REST API, every
//! page, then cloned like any URL.
//!
//! In: an [`Account`] (`github:ada`, `https://github.com/ada`, `gitlab:group/sub`,
//! `https://gitlab.com/ada`) and the [`Hosting`] settings (API bases and
//! tokens, from the variables the ecosystem already sets). Out: the
//! account's repositories ([`Listed`]: name, clone URL, web page, fork,
//! archived, private, last push) and whether the listing is complete, or a
//! [`ListingError`] naming the account. [`Selection`] then keeps what the
//! audit reads (no forks, no private repositories, `--exclude`, `--limit`).
//!
//! A token is sent only in a request header, to the API it was set for, and
//! over https (or to this machine); it never goes into a URL, a message, or
//! anything written to disk, and every message from an API answer has it
//! blanked out before anyone sees it.

mod github;
mod gitlab;
mod http;

pub(crate) use http::may_carry_token;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::fmt;

/// Repositories per page asked of an API (both allow at most 100).
const PER_PAGE: u32 = 100;

/// A listing stops after this many pages (10,000 repositories), and says so.
const MAX_PAGES: u32 = 100;

/// The platforms whose accounts can be listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    GitHub,
    GitLab,
}

impl Platform {
    fn title(self) -> &'static str {
        match self {
            Platform::GitHub => "GitHub",
            Platform::GitLab => "GitLab",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Platform::GitHub => "github",
            Platform::GitLab => "gitlab",
        }
    }

    /// The public instance's API and web host.
    fn public(self) -> (&'static str, &'static str) {
        match self {
            Platform::GitHub => ("https://api.github.com", "github.com"),
            Platform::GitLab => ("https://gitlab.com/api/v4", "gitlab.com"),
        }
    }

    /// What an account is called there when it is not a user.
    fn group_word(self) -> &'static str {
        match self {
            Platform::GitHub => "organisation",
            Platform::GitLab => "group",
        }
    }

    /// The user name a token clones with over https.
    pub fn clone_user(self) -> &'static str {
        match self {
            Platform::GitHub => "x-access-token",
            Platform::GitLab => "oauth2",
        }
    }

    /// The model's name for the platform, for evidence links.
    pub fn forge(self) -> crate::model::Forge {
        match self {
            Platform::GitHub => crate::model::Forge::GitHub,
            Platform::GitLab => crate::model::Forge::GitLab,
        }
    }
}

/// A user, organisation or group whose repositories are audited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub platform: Platform,
    /// The login or the group's full path (`group/subgroup`).
    pub name: String,
    /// Written as the public instance's URL (`https://github.com/ada`): that
    /// instance's API is used whatever `GITHUB_API_URL` says. `false` for
    /// `github:ada`, which uses the configured API.
    pub public_url: bool,
}

impl Account {
    /// Reads `text` as an account: `None` when it is not one (a path or a
    /// repository URL), an error when it looks like one but cannot be.
    pub fn parse(text: &str) -> Option<Result<Account, String>> {
        for platform in [Platform::GitHub, Platform::GitLab] {
            if let Some(name) = text
                .strip_prefix(platform.prefix())
                .and_then(|r| r.strip_prefix(':'))
            {
                return Some(Account::named(platform, name, false, text));
            }
        }
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))?;
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = host.to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        let platform = [Platform::GitHub, Platform::GitLab]
            .into_iter()
            .find(|p| p.public().1 == host)?;
        let path = path.trim_end_matches('/');
        // Only an account's page; `host/owner/repo` is a repository.
        if path.is_empty() || path.contains('/') || path.contains(['?', '#']) {
            return None;
        }
        Some(Account::named(platform, path, true, text))
    }

    fn named(
        platform: Platform,
        name: &str,
        public_url: bool,
        text: &str,
    ) -> Result<Account, String> {
        let name = name.trim_end_matches('/');
        let segments: Vec<&str> = name.split('/').collect();
        let valid = |s: &&str| {
            !s.is_empty()
                && *s != "."
                && *s != ".."
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        if name.is_empty() {
            return Err(format!(
                "`{text}`: name a user or {} ({}:NAME)",
                platform.group_word(),
                platform.prefix()
            ));
        }
        if !segments.iter().all(valid) {
            return Err(format!(
                "`{text}`: `{name}` is not a {} user or {} name (letters, digits, `-`, `_`, `.`)",
                platform.title(),
                platform.group_word()
            ));
        }
        if platform == Platform::GitHub && segments.len() > 1 {
            return Err(format!(
                "`{text}` names a repository, not an account: write https://github.com/{name}"
            ));
        }
        Ok(Account {
            platform,
            name: name.to_string(),
            public_url,
        })
    }

    /// As reports and messages name it: `github:ada`.
    pub fn shown(&self) -> String {
        format!("{}:{}", self.platform.prefix(), self.name)
    }
}

/// A token from the environment. It has no `Display`, and its `Debug` says
/// only which variable it came from.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    value: String,
    /// The variable it was read from (`GITHUB_TOKEN`), for messages.
    pub var: &'static str,
}

impl Token {
    pub fn new(value: impl Into<String>, var: &'static str) -> Token {
        Token {
            value: value.into(),
            var,
        }
    }

    /// The secret itself, for a request header or a git credential.
    pub(crate) fn secret(&self) -> &str {
        &self.value
    }

    /// `text` with every occurrence of the token blanked out: an answer
    /// from a server could echo it back.
    pub fn redact(&self, text: &str) -> String {
        if self.value.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.value, "***")
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token(from {})", self.var)
    }
}

/// One platform's API: where it answers and the token for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    /// `https://api.github.com`, without a trailing slash.
    pub base: String,
    pub token: Option<Token>,
    /// Which variables hold a token for it, for advice in messages.
    pub token_vars: &'static str,
}

impl Api {
    /// The host its repositories are cloned from: the API's host, without
    /// GitHub's `api.` (api.github.com serves github.com).
    pub fn web_host(&self, platform: Platform) -> String {
        let host = self
            .base
            .split_once("://")
            .map_or(self.base.as_str(), |(_, rest)| rest)
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match (platform, host.strip_prefix("api.")) {
            (Platform::GitHub, Some(web)) => web.to_string(),
            _ => host,
        }
    }
}

/// Where account listings are asked for: the public hosts, or the API
/// bases the environment names (GitHub Enterprise, a self-hosted GitLab,
/// a test server), each with its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosting {
    pub github: Api,
    pub gitlab: Api,
}

impl Default for Hosting {
    /// The public hosts, without tokens.
    fn default() -> Hosting {
        Hosting::from_vars(|_| None)
    }
}

impl Hosting {
    /// From the environment: `GITHUB_API_URL` (set by GitHub Actions, and
    /// for GitHub Enterprise), `GITLAB_API_URL` or else `CI_API_V4_URL` (set
    /// by GitLab CI), and the tokens `GITHUB_TOKEN` or else `GH_TOKEN`, and
    /// `GITLAB_TOKEN`. Empty variables count as unset.
    pub fn from_env() -> Hosting {
        Hosting::from_vars(|name| std::env::var(name).ok())
    }

    /// As [`Hosting::from_env`], with the variables read through `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Hosting {
        let first = |names: &[&'static str]| {
            names.iter().find_map(|n| {
                var(n)
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .map(|v| (*n, v))
            })
        };
        let api = |platform: Platform, bases: &[&'static str], tokens: &[&'static str], vars| Api {
            base: first(bases)
                .map_or(platform.public().0.to_string(), |(_, b)| b)
                .trim_end_matches('/')
                .to_string(),
            token: first(tokens).map(|(n, v)| Token::new(v, n)),
            token_vars: vars,
        };
        Hosting {
            github: api(
                Platform::GitHub,
                &["GITHUB_API_URL"],
                &["GITHUB_TOKEN", "GH_TOKEN"],
                "GITHUB_TOKEN or GH_TOKEN",
            ),
            gitlab: api(
                Platform::GitLab,
                &["GITLAB_API_URL", "CI_API_V4_URL"],
                &["GITLAB_TOKEN"],
                "GITLAB_TOKEN",
            ),
        }
    }

    /// The API an account is listed through. An account written as the
    /// public instance's URL uses the public API, with the configured token
    /// only when that is the API it was set for.
    pub fn api_for(&self, account: &Account) -> Api {
        let configured = match account.platform {
            Platform::GitHub => &self.github,
            Platform::GitLab => &self.gitlab,
        };
        let public = account.platform.public().0;
        if account.public_url && configured.base != public {
            return Api {
                base: public.to_string(),
                token: None,
                token_vars: configured.token_vars,
            };
        }
        configured.clone()
    }
}

/// A repository as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Its name in reports: the repository's name (for a GitLab group, its
    /// path below the group: `subgroup/shop`).
    pub name: String,
    pub clone_url: String,
    /// Its web page: `https://github.com/ada/shop`.
    pub web_url: String,
    pub fork: bool,
    pub archived: bool,
    /// Not public (private, or internal on an enterprise instance).
    pub private: bool,
    /// The last push (GitHub `pushed_at`, GitLab `last_activity_at`), ISO 8601.
    pub pushed_at: Option<String>,
}

/// An account's repositories, as far as the listing went.
#[derive(Debug, Default)]
pub struct AccountListing {
    pub repos: Vec<Listed>,
    /// Pages read.
    pub pages: u32,
    /// Why the listing stopped before its last page: the repositories of
    /// later pages are missing.
    pub stopped: Option<ListingError>,
    /// Worth telling the user (`--include-private` without a token).
    pub warnings: Vec<String>,
    /// The token that was sent, to clone the private repositories listed
    /// from the platform's own host.
    pub token: Option<CloneToken>,
}

/// A token for cloning over https, and the one host it is given to: the
/// API's web host (github.com for api.github.com; the API's own host for
/// GitHub Enterprise and GitLab).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloneToken {
    pub token: Token,
    pub host: String,
}

/// What kind of listing failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingErrorKind {
    /// No such user, organisation or group: an input error.
    Unknown,
    /// The API's rate limit was reached.
    RateLimited,
    /// The API could not be reached.
    Network,
    /// The answer is not what the API answers.
    Malformed,
    /// The API refused (a bad token, a server error).
    Refused,
}

/// Why an account could not be listed (or not to the end): one line that
/// names the account (`github:ada: ...`), with no token in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingError {
    pub kind: ListingErrorKind,
    /// The account, as shown: `github:ada`.
    pub account: String,
    /// Why, without the account's name.
    pub reason: String,
}

impl fmt::Display for ListingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.account, self.reason)
    }
}

impl std::error::Error for ListingError {}

/// Lists an account's repositories, every page. An error before the first
/// page is read is the error; one after it ends the listing early, and
/// [`AccountListing::stopped`] says why.
pub fn list(
    account: &Account,
    hosting: &Hosting,
    include_private: bool,
) -> Result<AccountListing, ListingError> {
    let api = hosting.api_for(account);
    let client = http::Client::new(account, &api)?;
    let mut listing = match account.platform {
        Platform::GitHub => github::list(&client, account, include_private),
        Platform::GitLab => gitlab::list(&client, account, include_private),
    }?;
    listing.warnings.extend(client.warnings());
    if include_private && client.token().is_none() {
        listing.warnings.push(format!(
            "{}: --include-private needs a token ({}): only public repositories are listed",
            account.shown(),
            api.token_vars
        ));
    }
    listing.token = client.token().map(|t| CloneToken {
        token: t.clone(),
        host: api.web_host(account.platform),
    });
    Ok(listing)
}

/// Which of an account's repositories are audited.
#[derive(Debug, Clone)]
pub struct Selection {
    pub include_forks: bool,
    pub include_private: bool,
    exclude: GlobSet,
    /// Keep only this many, the most recently pushed.
    pub limit: Option<usize>,
}

impl Default for Selection {
    fn default() -> Selection {
        Selection {
            include_forks: false,
            include_private: false,
            exclude: GlobSet::empty(),
            limit: None,
        }
    }
}

impl Selection {
    /// `exclude` holds globs over repository names (any case); an invalid
    /// one is the error.
    pub fn new(
        include_forks: bool,
        include_private: bool,
        exclude: &[String],
        limit: Option<usize>,
    ) -> Result<Selection, String> {
        let mut set = GlobSetBuilder::new();
        for glob in exclude {
            let g = GlobBuilder::new(glob)
                .case_insensitive(true)
                .build()
                .map_err(|e| format!("--exclude `{glob}`: {}", e.kind()))?;
            set.add(g);
        }
        Ok(Selection {
            include_forks,
            include_private,
            exclude: set.build().map_err(|e| format!("--exclude: {e}"))?,
            limit,
        })
    }

    /// The repositories to audit, by name: forks, private repositories and
    /// excluded names left out, then the `limit` most recently pushed.
    pub fn select(&self, mut repos: Vec<Listed>) -> Vec<Listed> {
        repos.retain(|r| {
            (self.include_forks || !r.fork)
                && (self.include_private || !r.private)
                && !self.exclude.is_match(&r.name)
        });
        if let Some(n) = self.limit {
            // Newest first; never pushed last.
            repos.sort_by(|a, b| {
                b.pushed_at
                    .is_some()
                    .cmp(&a.pushed_at.is_some())
                    .then_with(|| b.pushed_at.cmp(&a.pushed_at))
                    .then_with(|| a.name.cmp(&b.name))
            });
            repos.truncate(n);
        }
        repos.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.name.cmp(&b.name))
        });
        repos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(s: &str) -> Account {
        Account::parse(s).expect("an account").expect("valid")
    }

    #[test]
    fn accounts_are_prefixed_names_or_account_pages() {
        let gh = |name: &str, public_url| Account {
            platform: Platform::GitHub,
            name: name.into(),
            public_url,
        };
        assert_eq!(account("github:ada"), gh("ada", false));
        assert_eq!(account("https://github.com/ada"), gh("ada", true));
        assert_eq!(account("https://www.github.com/ada/"), gh("ada", true));
        assert_eq!(account("http://GitHub.com/ada"), gh("ada", true));
        let gl = account("gitlab:class/2026");
        assert_eq!(
            (gl.platform, gl.name.as_str(), gl.public_url),
            (Platform::GitLab, "class/2026", false)
        );
        assert_eq!(account("https://gitlab.com/ada").platform, Platform::GitLab);
        assert_eq!(account("gitlab:class/2026").shown(), "gitlab:class/2026");
    }

    #[test]
    fn repositories_and_paths_are_not_accounts() {
        for s in [
            "https://github.com/ada/shop",
            "https://gitlab.com/group/project",
            "https://example.org/ada",
            "students/ada",
            "git@github.com:ada/shop.git",
            "https://github.com/",
            "https://github.com/ada?tab=repositories",
        ] {
            assert!(Account::parse(s).is_none(), "{s}");
        }
    }

    #[test]
    fn bad_accounts_say_why() {
        let err = |s: &str| Account::parse(s).expect("an account").expect_err("invalid");
        assert!(err("github:").contains("name a user or organisation"));
        assert!(err("github:ada/shop").contains("names a repository"));
        assert!(err("gitlab:a/../b").contains("not a GitLab user or group name"));
        assert!(err("github:ada?x=1").contains("not a GitHub user"));
    }

    #[test]
    fn api_bases_and_tokens_come_from_the_environment() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            Hosting::from_vars(move |n| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| v.to_string())
            })
        };
        let public = Hosting::default();
        assert_eq!(public.github.base, "https://api.github.com");
        assert_eq!(public.gitlab.base, "https://gitlab.com/api/v4");
        assert!(public.github.token.is_none());

        let ci = vars(&[
            ("GITHUB_API_URL", "https://ghe.example.org/api/v3/"),
            ("GH_TOKEN", "gh-secret"),
            ("CI_API_V4_URL", "https://git.example.org/api/v4"),
            ("GITLAB_TOKEN", ""),
        ]);
        assert_eq!(ci.github.base, "https://ghe.example.org/api/v3");
        assert_eq!(ci.github.token.as_ref().map(|t| t.var), Some("GH_TOKEN"));
        assert_eq!(ci.gitlab.base, "https://git.example.org/api/v4");
        assert!(ci.gitlab.token.is_none(), "an empty variable is unset");
        assert_eq!(
            format!("{:?}", ci.github.token),
            "Some(Token(from GH_TOKEN))",
            "Debug never shows the secret"
        );
        // `github:ada` uses the configured API; https://github.com/ada the
        // public one, and the enterprise token stays home.
        assert_eq!(ci.api_for(&account("github:ada")), ci.github);
        let public_api = ci.api_for(&account("https://github.com/ada"));
        assert_eq!(public_api.base, "https://api.github.com");
        assert!(public_api.token.is_none());

        let both = vars(&[
            ("GITHUB_TOKEN", "first"),
            ("GH_TOKEN", "second"),
            ("GITLAB_API_URL", "https://mine.example/api/v4"),
            ("CI_API_V4_URL", "https://ci.example/api/v4"),
        ]);
        assert_eq!(
            both.github.token.as_ref().map(|t| t.var),
            Some("GITHUB_TOKEN")
        );
        assert_eq!(both.gitlab.base, "https://mine.example/api/v4");
        assert_eq!(
            both.api_for(&account("https://github.com/ada")),
            both.github
        );

        assert_eq!(public.github.web_host(Platform::GitHub), "github.com");
        assert_eq!(public.gitlab.web_host(Platform::GitLab), "gitlab.com");
        assert_eq!(ci.github.web_host(Platform::GitHub), "ghe.example.org");
        assert_eq!(ci.gitlab.web_host(Platform::GitLab), "git.example.org");
    }

    #[test]
    fn tokens_are_blanked_out_of_messages() {
        let t = Token::new("s3cret", "GITHUB_TOKEN");
        assert_eq!(t.redact("bad token s3cret, s3cret"), "bad token ***, ***");
    }

    fn listed(name: &str, pushed: Option<&str>) -> Listed {
        Listed {
            name: name.into(),
            clone_url: format!("https://github.com/ada/{name}.git"),
            web_url: format!("https://github.com/ada/{name}"),
            fork: false,
            archived: false,
            private: false,
            pushed_at: pushed.map(str::to_string),
        }
    }

    #[test]
    fn selection_leaves_out_forks_private_and_excluded_then_keeps_the_newest() {
        let mut fork = listed("fork", Some("2026-03-01T00:00:00Z"));
        fork.fork = true;
        let mut secret = listed("secret", Some("2026-03-01T00:00:00Z"));
        secret.private = true;
        let repos = vec![
            listed("zeta", Some("2026-01-01T00:00:00Z")),
            listed("Alpha", Some("2025-01-01T00:00:00Z")),
            listed("old-homework", Some("2026-02-01T00:00:00Z")),
            listed("never", None),
            fork,
            secret,
        ];
        let names = |s: &Selection| -> Vec<String> {
            s.select(repos.clone())
                .into_iter()
                .map(|r| r.name)
                .collect()
        };
        let default = Selection::default();
        assert_eq!(names(&default), ["Alpha", "never", "old-homework", "zeta"]);
        let all = Selection::new(true, true, &[], None).unwrap();
        assert_eq!(names(&all).len(), 6);
        let some = Selection::new(false, false, &["OLD-*".into()], Some(2)).unwrap();
        assert_eq!(names(&some), ["Alpha", "zeta"], "the two newest, by name");
        assert!(Selection::new(false, false, &["[".into()], None)
            .unwrap_err()
            .contains("--exclude `[`"));
    }
}
