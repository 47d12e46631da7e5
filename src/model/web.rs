//! Where a repository lives on the web, and the permalink of a line in it:
//! always at the audited commit, never at a branch, so the link shows what
//! the audit read even after the repository moves on.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::{Deserialize, Serialize};

/// The hosting platforms whose blob URLs are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Forge {
    GitHub,
    GitLab,
    Bitbucket,
    /// Gitea and Forgejo (codeberg.org).
    Gitea,
}

/// A repository's web page: `https://github.com/ada/shop`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebRepo {
    pub forge: Forge,
    /// The repository's page, without a trailing slash or `.git`.
    pub url: String,
}

/// Characters a path segment keeps as they are: file names are
/// attacker-controlled, so everything else is encoded (permalinks here,
/// SARIF's relative URIs in the report).
pub const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\'')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'&')
    .add(b'=')
    .add(b'+')
    .add(b';')
    .add(b':')
    .add(b'@')
    .add(b'$')
    .add(b',');

impl WebRepo {
    /// The permalink of `line` of `path` at `commit` (a full sha); line 0
    /// (the whole file, or the repository for `.`) links the file or tree.
    pub fn blob(&self, commit: &str, path: &str, line: u32) -> String {
        let path: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
            .collect();
        let path = path.join("/");
        let (blob, anchor) = match self.forge {
            Forge::GitHub => ("blob", format!("#L{line}")),
            Forge::GitLab => ("-/blob", format!("#L{line}")),
            Forge::Bitbucket => ("src", format!("#lines-{line}")),
            Forge::Gitea => ("src/commit", format!("#L{line}")),
        };
        let anchor = if line == 0 { String::new() } else { anchor };
        if path.is_empty() {
            let tree = match self.forge {
                Forge::GitHub => "tree",
                Forge::GitLab => "-/tree",
                Forge::Bitbucket => "src",
                Forge::Gitea => "src/commit",
            };
            return format!("{}/{tree}/{commit}", self.url);
        }
        format!("{}/{blob}/{commit}/{path}{anchor}", self.url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn each_forge_links_the_line_at_the_commit() {
        let gh = WebRepo {
            forge: Forge::GitHub,
            url: "https://github.com/ada/shop".into(),
        };
        assert_eq!(
            gh.blob(SHA, "app/main.py", 12),
            format!("https://github.com/ada/shop/blob/{SHA}/app/main.py#L12")
        );
        let gl = WebRepo {
            forge: Forge::GitLab,
            url: "https://gitlab.com/group/sub/shop".into(),
        };
        assert_eq!(
            gl.blob(SHA, "requirements.txt", 2),
            format!("https://gitlab.com/group/sub/shop/-/blob/{SHA}/requirements.txt#L2")
        );
        assert_eq!(
            gh.blob(SHA, ".", 0),
            format!("https://github.com/ada/shop/tree/{SHA}")
        );
    }

    #[test]
    fn file_names_cannot_break_out_of_the_link() {
        let gh = WebRepo {
            forge: Forge::GitHub,
            url: "https://github.com/ada/shop".into(),
        };
        let link = gh.blob(SHA, "a b/\"><script>#?.py", 1);
        assert_eq!(
            link,
            format!("https://github.com/ada/shop/blob/{SHA}/a%20b/%22%3E%3Cscript%3E%23%3F.py#L1")
        );
    }
}
