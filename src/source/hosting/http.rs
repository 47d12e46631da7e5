//! The one HTTP client of account listings: GET with the platform's
//! headers, answers of any status read as data, redirects and next pages
//! followed only on the API's own origin (a token never leaves it), and
//! every failure turned into a [`ListingError`] that names the account and
//! carries no token.

use super::{
    Account, AccountListing, Api, Listed, ListingError, ListingErrorKind, Platform, Token,
    MAX_PAGES,
};
use crate::source::clock::utc_minute;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Same-origin redirects followed per request.
const MAX_REDIRECTS: u32 = 5;

/// An answer, whatever its status.
pub(super) struct Answer {
    pub status: u16,
    pub body: String,
    headers: Vec<(String, String)>,
}

impl Answer {
    /// A header's value (names in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub(super) struct Client {
    agent: ureq::Agent,
    platform: Platform,
    /// `github:ada`, to start every message with.
    account: String,
    base: String,
    /// `scheme://host[:port]` of the base: requests never leave it.
    origin: String,
    /// Set only when it may be sent to this base.
    token: Option<Token>,
    /// Any token from the environment, to blank out of messages even when
    /// it is not sent.
    configured: Option<Token>,
    token_vars: &'static str,
    warnings: Vec<String>,
}

/// `scheme://authority` of an http(s) URL, lower-cased.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// Whether a token may go to this URL: over https, or to this machine.
pub(crate) fn may_carry_token(url: &str) -> bool {
    let Some(origin) = origin_of(url) else {
        return false;
    };
    if origin.starts_with("https://") {
        return true;
    }
    let authority = origin.trim_start_matches("http://");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Client {
    pub fn new(account: &Account, api: &Api) -> Result<Client, ListingError> {
        let shown = account.shown();
        let Some(origin) = origin_of(&api.base) else {
            return Err(ListingError {
                kind: ListingErrorKind::Network,
                account: shown,
                reason: format!(
                    "the {} API address `{}` is not an http:// or https:// URL",
                    account.platform.title(),
                    api.base
                ),
            });
        };
        let mut warnings = Vec::new();
        let token = match &api.token {
            Some(t) if !may_carry_token(&origin) => {
                warnings.push(format!(
                    "{shown}: the token in {} is not sent over plain http to {origin}: only what is public is listed",
                    t.var
                ));
                None
            }
            other => other.clone(),
        };
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::NativeTls)
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_global(Some(Duration::from_secs(60)))
            .user_agent(concat!("portfolio-audit/", env!("CARGO_PKG_VERSION")))
            .tls_config(tls)
            .build()
            .into();
        Ok(Client {
            agent,
            platform: account.platform,
            account: shown,
            base: api.base.clone(),
            origin,
            configured: api.token.clone(),
            token,
            token_vars: api.token_vars,
            warnings,
        })
    }

    /// The token sent with each request, if any.
    pub fn token(&self) -> Option<&Token> {
        self.token.as_ref()
    }

    pub fn warnings(&self) -> Vec<String> {
        self.warnings.iter().map(|w| self.redact(w)).collect()
    }

    /// The API URL of `path_and_query` (`/users/ada`).
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    fn redact(&self, text: &str) -> String {
        let mut text = text.replace(['\n', '\r'], " ");
        for t in [&self.token, &self.configured].into_iter().flatten() {
            text = t.redact(&text);
        }
        text
    }

    /// An error of this account, as one line without the token.
    pub fn error(&self, kind: ListingErrorKind, message: impl AsRef<str>) -> ListingError {
        ListingError {
            kind,
            account: self.account.clone(),
            reason: self.redact(message.as_ref()),
        }
    }

    fn same_origin(&self, url: &str) -> bool {
        origin_of(url).as_deref() == Some(self.origin.as_str())
    }

    /// GETs `url`, following redirects that stay on the API's origin.
    pub fn get(&self, url: &str) -> Result<Answer, ListingError> {
        let mut url = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            let answer = self.get_once(&url)?;
            if !(300..400).contains(&answer.status) {
                return Ok(answer);
            }
            let location = answer.header("location").unwrap_or("").to_string();
            let next = if location.starts_with('/') {
                format!("{}{location}", self.origin)
            } else {
                location
            };
            if !self.same_origin(&next) {
                return Err(self.error(
                    ListingErrorKind::Refused,
                    format!(
                        "the {} API at {} redirected to another address ({}); set the API variable to the address that answers",
                        self.platform.title(),
                        self.base,
                        if next.is_empty() { "none given" } else { &next }
                    ),
                ));
            }
            url = next;
        }
        Err(self.error(
            ListingErrorKind::Refused,
            format!(
                "the {} API at {} redirects in a loop",
                self.platform.title(),
                self.base
            ),
        ))
    }

    fn get_once(&self, url: &str) -> Result<Answer, ListingError> {
        let mut request = self.agent.get(url);
        request = match self.platform {
            Platform::GitHub => request
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28"),
            Platform::GitLab => request.header("Accept", "application/json"),
        };
        if let Some(t) = &self.token {
            request = match self.platform {
                Platform::GitHub => {
                    request.header("Authorization", format!("Bearer {}", t.secret()))
                }
                Platform::GitLab => request.header("PRIVATE-TOKEN", t.secret()),
            };
        }
        let network = |e: ureq::Error| {
            self.error(
                ListingErrorKind::Network,
                format!(
                    "cannot reach the {} API at {}: {e}",
                    self.platform.title(),
                    self.base
                ),
            )
        };
        let mut response = request.call().map_err(network)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response.body_mut().read_to_string().map_err(network)?;
        Ok(Answer {
            status,
            body,
            headers,
        })
    }

    /// `page 2` for messages (nothing for the first page).
    fn on_page(page: u32) -> String {
        if page > 1 {
            format!(" (page {page})")
        } else {
            String::new()
        }
    }

    /// The answer when it is a success; otherwise why not: no such
    /// account (404), the rate limit, a refused token, a server error.
    pub fn check(
        &self,
        answer: Answer,
        page: u32,
        not_found: &str,
    ) -> Result<Answer, ListingError> {
        if (200..300).contains(&answer.status) {
            return Ok(answer);
        }
        let title = self.platform.title();
        if answer.status == 404 {
            return Err(self.error(ListingErrorKind::Unknown, not_found));
        }
        if let Some(e) = self.rate_limited(&answer) {
            return Err(e);
        }
        let said = api_message(&answer.body);
        let message = match (answer.status, &self.token) {
            (401, Some(t)) => format!(
                "the {title} API refused the token in {} (401{said}): check it, or unset it to list public repositories",
                t.var
            ),
            (401, None) => format!(
                "the {title} API asks for a token (401{said}): set {}",
                self.token_vars
            ),
            (status, _) => format!(
                "the {title} API answered {status}{}{said}",
                Self::on_page(page)
            ),
        };
        Err(self.error(ListingErrorKind::Refused, message))
    }

    /// The rate-limit error, when the answer is one: 429, or 403 with no
    /// requests left or a `Retry-After`.
    fn rate_limited(&self, answer: &Answer) -> Option<ListingError> {
        let exhausted = answer.header("x-ratelimit-remaining").map(str::trim) == Some("0")
            || answer.header("ratelimit-remaining").map(str::trim) == Some("0");
        let retry = answer
            .header("retry-after")
            .and_then(|s| s.trim().parse::<i64>().ok());
        if !(answer.status == 429 || (answer.status == 403 && (exhausted || retry.is_some()))) {
            return None;
        }
        let reset = answer
            .header("x-ratelimit-reset")
            .or_else(|| answer.header("ratelimit-reset"))
            .and_then(|s| s.trim().parse::<i64>().ok())
            .or_else(|| {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()?
                    .as_secs();
                Some(i64::try_from(now).ok()? + retry?)
            });
        let when = match reset {
            Some(t) => format!("it resets at {}", utc_minute(t)),
            None => "try again later".to_string(),
        };
        let title = self.platform.title();
        let message = match &self.token {
            Some(t) => format!(
                "{title} rate limit reached for the token in {}: {when}",
                t.var
            ),
            None => format!(
                "{title} rate limit reached: {when}; a token ({}) raises the limit",
                self.token_vars
            ),
        };
        Some(self.error(ListingErrorKind::RateLimited, message))
    }

    /// The answer's JSON as `T`, or why it is not `what`.
    pub fn parse<T: DeserializeOwned>(
        &self,
        answer: &Answer,
        page: u32,
        what: &str,
    ) -> Result<T, ListingError> {
        serde_json::from_str(&answer.body).map_err(|e| {
            self.error(
                ListingErrorKind::Malformed,
                format!(
                    "the {} API's answer{} is not {what}: {e}",
                    self.platform.title(),
                    Self::on_page(page)
                ),
            )
        })
    }

    /// Every page of a repository list from `first`: `parse` reads a page,
    /// `next` finds the next page's URL. A failure on the first page is the
    /// error; a later one ends the listing, with the reason kept.
    pub fn pages(
        &self,
        first: String,
        parse: impl Fn(&Answer, u32) -> Result<Vec<Listed>, ListingError>,
        next: impl Fn(&Answer, &str) -> Option<String>,
    ) -> Result<AccountListing, ListingError> {
        let mut listing = AccountListing::default();
        let mut seen = std::collections::BTreeSet::new();
        let mut url = Some(first);
        while let Some(current) = url.take() {
            let page = listing.pages + 1;
            let answer = if page > MAX_PAGES {
                Err(self.error(
                    ListingErrorKind::Malformed,
                    format!("the list goes on past page {MAX_PAGES}: audit fewer repositories at once (--exclude)"),
                ))
            } else {
                self.get(&current)
                    .and_then(|a| self.check(a, page, &self.not_found()))
            };
            let repos = answer.and_then(|a| Ok((parse(&a, page)?, next(&a, &current))));
            let (repos, following) = match repos {
                Ok(r) => r,
                Err(e) if page == 1 => return Err(e),
                Err(e) => {
                    listing.stopped = Some(e);
                    break;
                }
            };
            listing.repos.extend(repos);
            listing.pages = page;
            seen.insert(current);
            match following {
                Some(n) if !self.same_origin(&n) || seen.contains(&n) => {
                    listing.stopped = Some(self.error(
                        ListingErrorKind::Malformed,
                        format!(
                            "the {} API's link to the page after page {page} leaves the API or goes back ({n})",
                            self.platform.title()
                        ),
                    ));
                }
                other => url = other,
            }
        }
        Ok(listing)
    }

    /// The message for a 404: no such account.
    pub fn not_found(&self) -> String {
        let (public, _) = self.platform.public();
        let name = self.account.split_once(':').map_or("", |(_, n)| n);
        let at = if self.base == public {
            String::new()
        } else {
            format!(" at {}", self.base)
        };
        format!(
            "no {} user or {} named {name}{at}",
            self.platform.title(),
            self.platform.group_word()
        )
    }
}

/// The `message` (GitHub, GitLab) or `error` (GitLab) of an error answer,
/// as `: message`, shortened to one line.
fn api_message(body: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let said = ["message", "error"]
        .iter()
        .find_map(|k| value.get(k).and_then(|v| v.as_str()))
        .unwrap_or("");
    let said: String = said.chars().take(200).collect();
    if said.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", said.trim())
    }
}

/// The `rel="next"` URL of a `Link` header (RFC 8288).
pub(super) fn link_next(header: &str) -> Option<String> {
    let mut rest = header;
    while let Some(start) = rest.find('<') {
        let end = start + rest[start..].find('>')?;
        let url = &rest[start + 1..end];
        let after = &rest[end + 1..];
        let params_end = after.find('<').unwrap_or(after.len());
        let is_next = after[..params_end].split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            matches!(p.split_once('='), Some((k, v))
                if k.trim().eq_ignore_ascii_case("rel")
                    && v.trim().trim_matches('"').split_whitespace().any(|r| r.eq_ignore_ascii_case("next")))
        });
        if is_next {
            return Some(url.to_string());
        }
        rest = &after[params_end..];
    }
    None
}

/// `url` with its `page` query parameter set to `page`.
pub(super) fn with_page(url: &str, page: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some("page"))
        .map(str::to_string)
        .collect();
    params.push(format!("page={page}"));
    format!("{path}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::{link_next, may_carry_token, origin_of, with_page};

    #[test]
    fn the_next_link_is_found_among_the_others() {
        let h = r#"<https://api.github.com/user/1/repos?page=2&per_page=100>; rel="next", <https://api.github.com/user/1/repos?page=5&per_page=100>; rel="last""#;
        assert_eq!(
            link_next(h).as_deref(),
            Some("https://api.github.com/user/1/repos?page=2&per_page=100")
        );
        let last_page = r#"<https://x/r?page=1>; rel="first", <https://x/r?page=4>; rel="prev""#;
        assert_eq!(link_next(last_page), None);
        assert_eq!(
            link_next(r#"<https://x/r?page=3>;rel=next"#).as_deref(),
            Some("https://x/r?page=3")
        );
        assert_eq!(link_next("garbage"), None);
    }

    #[test]
    fn gitlab_pages_replace_the_page_parameter() {
        assert_eq!(
            with_page(
                "http://h/api/v4/groups/a%2Fb/projects?per_page=100&page=1",
                "2"
            ),
            "http://h/api/v4/groups/a%2Fb/projects?per_page=100&page=2"
        );
        assert_eq!(with_page("http://h/p", "3"), "http://h/p?page=3");
    }

    #[test]
    fn tokens_go_over_https_or_to_this_machine() {
        assert_eq!(
            origin_of("https://API.github.com/users/x").as_deref(),
            Some("https://api.github.com")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("https://user@evil/x"), None);
        assert_eq!(origin_of("file:///x"), None);
        assert!(may_carry_token("https://gitlab.example.org"));
        assert!(may_carry_token("http://127.0.0.1:9000"));
        assert!(may_carry_token("http://localhost"));
        assert!(may_carry_token("http://[::1]:80"));
        assert!(!may_carry_token("http://gitlab.example.org"));
        assert!(!may_carry_token("http://127.example.org"));
        assert!(may_carry_token("http://localhost/ada/x.git"));
        assert!(!may_carry_token("http://user@127.0.0.1/ada/x.git"));
        assert!(!may_carry_token("ssh://127.0.0.1/ada/x.git"));
    }
}
