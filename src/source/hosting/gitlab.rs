//! GitLab's REST API (gitlab.com, self-hosted): a name without `/` is
//! looked up as a user (`GET /users?username=NAME`), then as a group; a
//! user's projects are `GET /users/ID/projects`, a group's (its subgroups'
//! included, projects shared with it left out)
//! `GET /groups/PATH/projects?include_subgroups=true&with_shared=false`.
//! Only `visibility=public` ones unless a token and `--include-private`.
//! Pages follow the `x-next-page` header (or, failing it, `Link`).

use super::http::{link_next, with_page, Client};
use super::{Account, AccountListing, Listed, ListingError, PER_PAGE};
use serde::de::IgnoredAny;
use serde::Deserialize;

#[derive(Deserialize)]
struct User {
    id: u64,
    username: String,
}

/// A project as GitLab lists it (the fields read; the rest is ignored).
#[derive(Deserialize)]
struct Project {
    path: String,
    path_with_namespace: String,
    http_url_to_repo: String,
    web_url: String,
    #[serde(default)]
    archived: bool,
    visibility: Option<String>,
    last_activity_at: Option<String>,
    /// Present (and not null) on a fork.
    forked_from_project: Option<IgnoredAny>,
}

/// A project's name below the listed group (`subgroup/shop`), or its path.
fn name_below(project: &Project, group: Option<&str>) -> String {
    let full = &project.path_with_namespace;
    match group {
        Some(g)
            if full.len() > g.len() + 1
                && full.is_char_boundary(g.len())
                && full[..g.len()].eq_ignore_ascii_case(g)
                && full[g.len()..].starts_with('/') =>
        {
            full[g.len() + 1..].to_string()
        }
        Some(_) => full.clone(),
        None => project.path.clone(),
    }
}

pub(super) fn list(
    client: &Client,
    account: &Account,
    include_private: bool,
) -> Result<AccountListing, ListingError> {
    let mut query = format!("per_page={PER_PAGE}&order_by=last_activity_at&sort=desc");
    if !(include_private && client.token().is_some()) {
        query.push_str("&visibility=public");
    }
    let encoded = account.name.replace('/', "%2F");
    let user = if account.name.contains('/') {
        None
    } else {
        let answer = client.check(
            client.get(&client.url(&format!("/users?username={encoded}")))?,
            1,
            &client.not_found(),
        )?;
        let users: Vec<User> = client.parse(&answer, 1, "a list of users")?;
        users
            .into_iter()
            .find(|u| u.username.eq_ignore_ascii_case(&account.name))
    };
    let (path, group) = match &user {
        Some(u) => (format!("/users/{}/projects?{query}", u.id), None),
        None => (
            format!("/groups/{encoded}/projects?include_subgroups=true&with_shared=false&{query}"),
            Some(account.name.as_str()),
        ),
    };
    client.pages(
        client.url(&path),
        |answer, page| {
            let projects: Vec<Project> = client.parse(answer, page, "a list of projects")?;
            Ok(projects
                .into_iter()
                .map(|p| Listed {
                    name: name_below(&p, group),
                    private: p.visibility.as_deref() != Some("public"),
                    fork: p.forked_from_project.is_some(),
                    clone_url: p.http_url_to_repo,
                    web_url: p.web_url,
                    archived: p.archived,
                    pushed_at: p.last_activity_at,
                })
                .collect())
        },
        |answer, current| match answer.header("x-next-page").map(str::trim) {
            // Not a page number: a URL that fails the origin check, so the
            // listing stops and says so rather than passing for complete.
            Some(n) if !n.is_empty() && !n.chars().all(|c| c.is_ascii_digit()) => {
                Some(String::new())
            }
            Some("") => None,
            Some(n) => Some(with_page(current, n)),
            None => answer.header("link").and_then(link_next),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::{name_below, Project};

    fn project(path: &str, full: &str) -> Project {
        Project {
            path: path.into(),
            path_with_namespace: full.into(),
            http_url_to_repo: String::new(),
            web_url: String::new(),
            archived: false,
            visibility: None,
            last_activity_at: None,
            forked_from_project: None,
        }
    }

    #[test]
    fn group_projects_are_named_below_the_group() {
        assert_eq!(
            name_below(&project("shop", "Class/2026/ada/shop"), Some("class/2026")),
            "ada/shop"
        );
        assert_eq!(
            name_below(&project("shop", "class/2026/shop"), Some("class/2026")),
            "shop"
        );
        assert_eq!(
            name_below(&project("shop", "other/shop"), Some("class")),
            "other/shop"
        );
        assert_eq!(name_below(&project("shop", "ada/shop"), None), "shop");
    }
}
