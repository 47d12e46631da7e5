//! What a scan is asked to read: inputs on the command line and in a repos
//! file (a mentor's class list), each a path, a URL or a hosting account
//! (`github:ada`), with an optional label.
//!
//! A repos file has one input a line: `INPUT`, or `LABEL  INPUT` where the
//! label (a student's name, spaces allowed) is separated from the input by a
//! tab or by two or more spaces, so a spreadsheet's two columns pasted as
//! text, or columns aligned by hand, both read. `#` starts a comment (at the
//! start of a line or after a space); blank lines are skipped. Relative paths
//! are relative to the file's folder.

use super::hosting::Account;
use super::remote::RemoteUrl;
use std::path::{Path, PathBuf};

/// A path, a URL, or an account whose repositories are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Path(PathBuf),
    Url(RemoteUrl),
    Account(Account),
}

impl Target {
    /// Reads `text` as an account, else a URL, else a path (relative to
    /// `base`); an account or URL that cannot be used is the error.
    fn parse(text: &str, base: &Path) -> Result<Target, String> {
        if let Some(account) = Account::parse(text) {
            return account.map(Target::Account);
        }
        match RemoteUrl::parse(text) {
            Some(url) => url.map(Target::Url),
            None => Ok(Target::Path(base.join(text))),
        }
    }

    /// As messages and failed repositories name it.
    pub fn shown(&self) -> String {
        match self {
            Target::Path(p) => p.display().to_string(),
            Target::Url(u) => u.shown().to_string(),
            Target::Account(a) => a.shown(),
        }
    }
}

/// One input of a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub target: Target,
    /// Who the repository belongs to (a repos file's label).
    pub label: Option<String>,
    /// Named in a list (a repos file, an account's repositories) rather
    /// than by the person running the audit: someone else's work.
    pub listed: bool,
}

impl Input {
    /// Whether reading it needs git: a URL or an account (fetched), or a
    /// path to a repository (its history).
    pub fn reads_git(&self) -> bool {
        match &self.target {
            Target::Path(p) => p.join(".git").exists() || super::is_bare_repo(p),
            Target::Url(_) | Target::Account(_) => true,
        }
    }

    /// A path to read, without a label.
    pub fn path(path: impl Into<PathBuf>) -> Input {
        Input {
            target: Target::Path(path.into()),
            label: None,
            listed: false,
        }
    }

    /// An input named on the command line: an account, a URL, else a path
    /// as given. An account's repositories are listed: someone else's work.
    pub fn from_arg(arg: &str) -> Result<Input, String> {
        let target = Target::parse(arg, Path::new(""))?;
        Ok(Input {
            listed: matches!(target, Target::Account(_)),
            target,
            label: None,
        })
    }
}

/// A line of a repos file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReposFileError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Line {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// Reads a repos file; every malformed line is an error naming it.
pub fn read_repos_file(path: &Path) -> Result<Vec<Input>, Vec<ReposFileError>> {
    let text = std::fs::read_to_string(path).map_err(|source| {
        vec![ReposFileError::Read {
            path: path.to_path_buf(),
            source,
        }]
    })?;
    let base = path.parent().unwrap_or(Path::new(""));
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        match parse_line(raw, base) {
            Ok(Some(input)) => inputs.push(input),
            Ok(None) => {}
            Err(reason) => errors.push(ReposFileError::Line {
                path: path.to_path_buf(),
                line: i + 1,
                reason,
            }),
        }
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(errors)
    }
}

/// The part of a line before its comment: `#` at the start or after whitespace.
fn strip_comment(line: &str) -> &str {
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space {
            return &line[..i];
        }
        prev_space = c.is_whitespace();
    }
    line
}

/// Splits at tabs and at runs of two or more spaces.
fn fields(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let gap = match bytes[i] {
            b'\t' => 1,
            b' ' if bytes.get(i + 1).is_some_and(|b| *b == b' ' || *b == b'\t') => 2,
            _ => 0,
        };
        if gap == 0 {
            i += 1;
            continue;
        }
        out.push(line[start..i].trim());
        while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
            i += 1;
        }
        start = i;
    }
    out.push(line[start..].trim());
    out.retain(|f| !f.is_empty());
    out
}

fn parse_line(raw: &str, base: &Path) -> Result<Option<Input>, String> {
    let line = strip_comment(raw).trim();
    let (label, input) = match fields(line).as_slice() {
        [] => return Ok(None),
        [input] => (None, *input),
        [label, input] => (Some(label.to_string()), *input),
        more => {
            return Err(format!(
                "{} fields where one line holds `INPUT` or `LABEL  INPUT` (a label, then a tab or two or more spaces, then a path or URL); inside a label, use single spaces",
                more.len()
            ))
        }
    };
    if let Some(l) = &label {
        if RemoteUrl::parse(l).is_some() || Account::parse(l).is_some() {
            return Err(format!(
                "`{l}` is a URL or an account where the label goes: write `LABEL  INPUT`, the label first"
            ));
        }
    }
    let target = Target::parse(input, base)?;
    Ok(Some(Input {
        target,
        label,
        listed: true,
    }))
}

#[cfg(test)]
mod tests {
    use super::{fields, parse_line, strip_comment, Target};
    use std::path::Path;

    #[test]
    fn labels_are_set_apart_by_a_tab_or_two_spaces() {
        assert_eq!(
            fields("Ada Lovelace  https://x/a/b"),
            ["Ada Lovelace", "https://x/a/b"]
        );
        assert_eq!(
            fields("Ada Lovelace\thttps://x/a/b"),
            ["Ada Lovelace", "https://x/a/b"]
        );
        assert_eq!(
            fields("Ada Lovelace \t https://x/a/b  "),
            ["Ada Lovelace", "https://x/a/b"]
        );
        assert_eq!(
            fields("students/Ada Lovelace/repo"),
            ["students/Ada Lovelace/repo"]
        );
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        assert_eq!(strip_comment("# all of it"), "");
        assert_eq!(strip_comment("Ada  url  # dropped out"), "Ada  url  ");
        assert_eq!(strip_comment("path/with#hash"), "path/with#hash");
        assert!(parse_line("   ", Path::new("")).unwrap().is_none());
        assert!(parse_line("  # note", Path::new("")).unwrap().is_none());
    }

    #[test]
    fn relative_paths_are_relative_to_the_file() {
        let input = parse_line("Grace  repos/grace", Path::new("/class"))
            .unwrap()
            .unwrap();
        assert_eq!(input.label.as_deref(), Some("Grace"));
        assert_eq!(input.target, Target::Path("/class/repos/grace".into()));
    }

    #[test]
    fn accounts_are_inputs_with_labels() {
        let input = parse_line("Ada Lovelace  github:ada", Path::new("/class"))
            .unwrap()
            .unwrap();
        assert_eq!(input.label.as_deref(), Some("Ada Lovelace"));
        assert!(matches!(&input.target, Target::Account(a) if a.name == "ada"));
        assert!(input.listed);
        let given = super::Input::from_arg("gitlab:class/2026").unwrap();
        assert!(given.listed, "an account's repositories are someone else's");
        assert_eq!(given.target.shown(), "gitlab:class/2026");
        assert!(parse_line("github:ada  Ada", Path::new(""))
            .unwrap_err()
            .contains("label first"));
    }

    #[test]
    fn malformed_lines_say_why() {
        let base = Path::new("");
        assert!(parse_line("Ada  Lovelace  https://x/a/b", base)
            .unwrap_err()
            .contains("3 fields"));
        assert!(parse_line("https://x/a/b  Ada", base)
            .unwrap_err()
            .contains("label first"));
        assert!(parse_line("Ada  ftp://x/a/b", base)
            .unwrap_err()
            .contains("unsupported URL scheme"));
    }
}
