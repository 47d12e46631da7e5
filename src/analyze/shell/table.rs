//! What the tool tables (`rules/tools/*.toml`) share: the files compiled
//! into the binary, word patterns, action names, and errors that name the
//! file and line. Each table's own shape is read where it is used:
//! `commands.toml` by [`tools`](super::tools), `ci_steps.toml` by
//! `ci::known`. A table that does not load leaves its reader with no
//! entries, never a panic; the tests load every table and run every
//! example, so none ships broken.

use super::Action;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;
use toml::Spanned;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_tools.rs"));
}

/// The folder the tables come from, as errors name it.
const DIR: &str = "rules/tools";

/// The embedded tables' file names (`commands.toml`), sorted.
#[cfg(test)]
pub(crate) fn files() -> impl Iterator<Item = &'static str> {
    embedded::TOOLS.iter().map(|(name, _)| *name)
}

/// A place in a table, shown as `rules/tools/commands.toml:12`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct At {
    pub file: &'static str,
    pub line: usize,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{DIR}/{}:{}", self.file, self.line)
    }
}

/// The embedded table `file`, read as `F` and compiled by `compile` on
/// first use, then kept in `cell`.
pub(crate) fn load_once<F: DeserializeOwned, T>(
    cell: &'static OnceLock<Result<T, Vec<String>>>,
    file: &'static str,
    compile: fn(F, Reader) -> Result<T, Vec<String>>,
) -> &'static Result<T, Vec<String>> {
    cell.get_or_init(|| {
        let (value, reader) = Reader::open(file)?;
        compile(value, reader)
    })
}

/// An example an entry carries: what it is given (a script, a task name,
/// a step as written, with its inputs) and everything that does.
// Read by the tests, which run every example.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Example {
    pub at: At,
    pub text: String,
    pub inputs: BTreeMap<String, String>,
    pub does: Vec<Action>,
}

#[cfg(test)]
impl Example {
    /// The failure, naming the example's line, when what its text does
    /// (`got`) is not what the example says.
    pub fn mismatch(&self, got: &[Action]) -> Option<String> {
        let sorted = |acts: &[Action]| {
            let mut v = acts.to_vec();
            v.sort();
            v.dedup();
            v
        };
        let names = |acts: &[Action]| {
            let v: Vec<&str> = acts.iter().map(|a| a.name()).collect();
            format!("[{}]", v.join(", "))
        };
        let (got, want) = (sorted(got), sorted(&self.does));
        (got != want).then(|| {
            format!(
                "{}: `{}` does {}, the example says {}",
                self.at,
                self.text,
                names(&got),
                names(&want)
            )
        })
    }
}

/// Reads one table file: its serde shape first, then whatever its reader
/// checks, each error at its line (`rules/tools/commands.toml:12: ...`).
pub(crate) struct Reader {
    file: &'static str,
    text: &'static str,
    errors: Vec<String>,
}

impl Reader {
    /// The embedded file `file` (`commands.toml`) read as `T`, with a
    /// reader for the checks that follow.
    pub fn open<T: DeserializeOwned>(file: &'static str) -> Result<(T, Reader), Vec<String>> {
        match embedded::TOOLS.iter().find(|(name, _)| *name == file) {
            Some((_, text)) => Reader::parse(file, text),
            None => Err(vec![format!("{DIR}/{file}: missing")]),
        }
    }

    /// `text`, written as `file`, read as `T`; an error at its line if it
    /// does not have `T`'s shape (an unknown key, a missing one, a wrong type).
    pub fn parse<T: DeserializeOwned>(
        file: &'static str,
        text: &'static str,
    ) -> Result<(T, Reader), Vec<String>> {
        let reader = Reader {
            file,
            text,
            errors: Vec::new(),
        };
        match toml::from_str(text) {
            Ok(value) => Ok((value, reader)),
            Err(e) => {
                let line = e.span().map_or(1, |s| reader.line(s.start));
                Err(vec![format!("{DIR}/{file}:{line}: {}", e.message().trim())])
            }
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.text.as_bytes()[..offset.min(self.text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// Where a value starts.
    pub fn at(&self, span: Range<usize>) -> At {
        At {
            file: self.file,
            line: self.line(span.start),
        }
    }

    /// Records an error at the value spanning `span`.
    pub fn error(&mut self, span: Range<usize>, message: impl fmt::Display) {
        let at = self.at(span);
        self.errors.push(format!("{at}: {message}"));
    }

    /// The actions a list names; an unknown name is an error.
    pub fn actions(&mut self, names: &[Spanned<String>]) -> Vec<Action> {
        let mut out = Vec::new();
        for n in names {
            match Action::from_name(n.get_ref()) {
                Some(a) => out.push(a),
                None => {
                    let known: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                    self.error(
                        n.span(),
                        format!(
                            "unknown action `{}`, expected one of: {}",
                            n.get_ref(),
                            known.join(", ")
                        ),
                    );
                }
            }
        }
        out
    }

    /// The patterns of a list; a malformed one is an error. `lowercase`:
    /// what they match is lowercased first, so an uppercase letter could
    /// never match.
    pub fn patterns(&mut self, list: &[Spanned<String>], lowercase: bool) -> Vec<Pattern> {
        list.iter()
            .filter_map(|p| self.pattern(p, lowercase))
            .collect()
    }

    /// One pattern, or an error saying what is wrong with it.
    pub fn pattern(&mut self, p: &Spanned<String>, lowercase: bool) -> Option<Pattern> {
        let text = p.get_ref();
        if lowercase && text.chars().any(|c| c.is_uppercase()) {
            self.error(
                p.span(),
                format!(
                    "`{text}` is matched against lowercased text: write it `{}`",
                    text.to_lowercase()
                ),
            );
            return None;
        }
        match Pattern::parse(text) {
            Ok(pattern) => Some(pattern),
            Err(e) => {
                self.error(p.span(), e);
                None
            }
        }
    }

    /// The example at `span`; an unknown action it names is an error.
    pub fn example(
        &mut self,
        span: Range<usize>,
        text: &str,
        inputs: &BTreeMap<String, String>,
        does: &[Spanned<String>],
    ) -> Example {
        Example {
            at: self.at(span),
            text: text.to_string(),
            inputs: inputs.clone(),
            does: self.actions(does),
        }
    }

    /// The value read, or every error found in it.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<String>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

/// A word pattern: `*` matches any run of characters, `a|b` either
/// alternative, and a leading `!` any word the rest does not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    negated: bool,
    /// Each alternative split at its `*`s: `--cov*` is `["--cov", ""]`.
    alternatives: Vec<Vec<String>>,
}

impl Pattern {
    /// Reads a pattern; an empty alternative (`a|`, `a||b`) is an error.
    /// The empty pattern `""` matches the empty word only.
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let (negated, rest) = match text.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, text),
        };
        let alternatives: Vec<&str> = rest.split('|').collect();
        if alternatives.len() > 1 && alternatives.iter().any(|a| a.is_empty()) {
            return Err(format!("`{text}` has an empty alternative"));
        }
        let alternatives = alternatives
            .iter()
            .map(|a| a.split('*').map(str::to_string).collect())
            .collect();
        if negated && rest.is_empty() {
            return Err("`!` negates nothing".to_string());
        }
        Ok(Pattern {
            negated,
            alternatives,
        })
    }

    pub fn matches(&self, word: &str) -> bool {
        self.alternatives.iter().any(|a| glob(a, word)) != self.negated
    }
}

/// Whether `word` matches a pattern given as the parts between its `*`s,
/// each `*` matching any run of characters.
fn glob(parts: &[String], word: &str) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return word.is_empty();
    };
    let Some(mut word) = word.strip_prefix(first.as_str()) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        // No `*`: the whole word.
        return word.is_empty();
    };
    for m in middle {
        match word.find(m.as_str()) {
            Some(i) => word = &word[i + m.len()..],
            None => return false,
        }
    }
    word.ends_with(last.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(p: &str, w: &str) -> bool {
        Pattern::parse(p).map(|p| p.matches(w)).unwrap_or(false)
    }

    #[test]
    fn patterns() {
        assert!(matches("pytest", "pytest"));
        assert!(!matches("pytest", "pytest3"));
        assert!(matches("--cov*", "--cov=app"));
        assert!(matches("--cov*", "--cov"));
        assert!(matches("*deploy*", "heroku-deploy"));
        assert!(matches("*/*deploy*", "heroku/deploy-via-git"));
        assert!(!matches("*/*deploy*", "deploy/x"));
        assert!(matches("*:*", "app:app"));
        assert!(!matches("a*a", "a"));
        assert!(matches("a*a", "aa"));
        assert!(matches("build|bake", "bake"));
        assert!(matches("!$*", "app"));
        assert!(!matches("!$*", "$APP"));
        assert!(matches("", ""));
        assert!(!matches("", "x"));
        assert!(Pattern::parse("a||b").is_err());
        assert!(Pattern::parse("!").is_err());
    }

    #[test]
    fn every_table_file_is_read() {
        // A file no reader opens would be silently ignored.
        let read = ["commands.toml", "ci_steps.toml"];
        for f in files() {
            assert!(read.contains(&f), "{DIR}/{f}: no reader opens this table");
        }
    }
}
