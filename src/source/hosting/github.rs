//! GitHub's REST API (github.com, GitHub Enterprise): `GET /users/NAME`
//! says whether a login is a user or an organisation; a user's
//! repositories are `GET /users/NAME/repos?type=owner`, an organisation's
//! `GET /orgs/NAME/repos?type=public` (`type=all` with a token and
//! `--include-private`), and the token owner's own, private ones included,
//! `GET /user/repos?affiliation=owner&visibility=all`. Pages follow the
//! `Link: <...>; rel="next"` header.

use super::http::{link_next, Client};
use super::{Account, AccountListing, Listed, ListingError, PER_PAGE};
use serde::Deserialize;

/// A user or an organisation (`GET /users/NAME`, `GET /user`).
#[derive(Deserialize)]
struct Owner {
    login: String,
    #[serde(rename = "type", default)]
    kind: String,
}

/// A repository as GitHub lists it (the fields read; the rest is ignored).
#[derive(Deserialize)]
struct Repo {
    name: String,
    clone_url: String,
    html_url: String,
    #[serde(default)]
    fork: bool,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    private: bool,
    /// `public`, `private` or `internal` (enterprise).
    visibility: Option<String>,
    pushed_at: Option<String>,
}

impl From<Repo> for Listed {
    fn from(r: Repo) -> Listed {
        Listed {
            private: r.private || r.visibility.as_deref().is_some_and(|v| v != "public"),
            name: r.name,
            clone_url: r.clone_url,
            web_url: r.html_url,
            fork: r.fork,
            archived: r.archived,
            pushed_at: r.pushed_at,
        }
    }
}

fn owner(client: &Client, path: &str) -> Result<Owner, ListingError> {
    let answer = client.check(client.get(&client.url(path))?, 1, &client.not_found())?;
    client.parse(&answer, 1, "a GitHub user or organisation")
}

pub(super) fn list(
    client: &Client,
    account: &Account,
    include_private: bool,
) -> Result<AccountListing, ListingError> {
    let name = &account.name;
    let found = owner(client, &format!("/users/{name}"))?;
    let organisation = found.kind == "Organization";
    let query = format!("sort=pushed&per_page={PER_PAGE}");
    let mut warnings = Vec::new();
    let path = match (organisation, client.token().filter(|_| include_private)) {
        (true, Some(_)) => format!("/orgs/{name}/repos?type=all&{query}"),
        (true, None) => format!("/orgs/{name}/repos?type=public&{query}"),
        (false, Some(token)) => {
            let me = owner(client, "/user")?;
            if me.login.eq_ignore_ascii_case(&found.login) {
                format!("/user/repos?affiliation=owner&visibility=all&{query}")
            } else {
                warnings.push(format!(
                    "{}: --include-private: the token in {} belongs to {}, not {}: only public repositories are listed",
                    account.shown(),
                    token.var,
                    me.login,
                    found.login
                ));
                format!("/users/{name}/repos?type=owner&{query}")
            }
        }
        (false, None) => format!("/users/{name}/repos?type=owner&{query}"),
    };
    let mut listing = client.pages(
        client.url(&path),
        |answer, page| {
            let repos: Vec<Repo> = client.parse(answer, page, "a list of repositories")?;
            Ok(repos.into_iter().map(Listed::from).collect())
        },
        |answer, _| answer.header("link").and_then(link_next),
    )?;
    listing.warnings.extend(warnings);
    Ok(listing)
}
