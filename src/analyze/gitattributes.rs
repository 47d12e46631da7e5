//! `.gitattributes`: the three attributes GitHub's linguist reads to leave
//! files out of a repository's languages, `linguist-vendored`,
//! `linguist-generated` and `linguist-documentation`, read with git's rules.
//!
//! In: each `.gitattributes` of a repository (its path and text). Out: for
//! a file's path, which of the three attributes are set or unset, and by
//! which line. Git's rules, as gitattributes(5) states them:
//! - a line is a pattern, then attributes: `attr` (set), `-attr` (unset),
//!   `!attr` (unspecified again), `attr=value` (linguist reads `true` and
//!   `false`);
//! - patterns are gitignore's (`*` and `?` never cross a `/`, `**`
//!   crosses folders) relative to the folder of the `.gitattributes` that
//!   holds them; one without a `/` (a trailing one aside) matches a file's
//!   name at any depth;
//! - a pattern naming a folder (`vendor/`) matches no file inside it, and
//!   negative patterns (`!pattern`) are not allowed: both are notes;
//! - of the lines that match a file, the last one that names an attribute
//!   decides it, and a deeper `.gitattributes` comes after a shallower one.
//!
//! Other attributes, macros (`[attr]`) and quoted patterns with escapes
//! beyond `\"` and `\\` are not read. This module reads and matches; what
//! the attributes mean for the audit is decided in [`super::origin`].

use globset::{GlobBuilder, GlobMatcher};

/// The attributes read, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linguist {
    Vendored,
    Generated,
    Documentation,
}

impl Linguist {
    const ALL: [Linguist; 3] = [
        Linguist::Vendored,
        Linguist::Generated,
        Linguist::Documentation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Linguist::Vendored => "linguist-vendored",
            Linguist::Generated => "linguist-generated",
            Linguist::Documentation => "linguist-documentation",
        }
    }

    fn of(name: &str) -> Option<Linguist> {
        Linguist::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// One attribute of one file, as the line that decided it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// Set (`attr`, `attr=true`) or unset (`-attr`, `attr=false`).
    pub set: bool,
    /// Which `.gitattributes` ([`Attributes::source`]) and its line.
    pub file: usize,
    pub line: u32,
}

/// How far a line's pattern reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Named files or folders: a statement about those files.
    Named,
    /// Every file of one type (`*.ipynb`, `**/*.ipynb`): what GitHub's
    /// documentation suggests to keep a language out of the repository's
    /// language bar or to collapse its diffs. It says how the files are
    /// shown, not who wrote them.
    WholeType,
}

/// The three attributes of one file; `None` is unspecified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub vendored: Option<Mark>,
    pub generated: Option<Mark>,
    pub documentation: Option<Mark>,
}

impl Marks {
    pub fn get(&self, which: Linguist) -> Option<Mark> {
        match which {
            Linguist::Vendored => self.vendored,
            Linguist::Generated => self.generated,
            Linguist::Documentation => self.documentation,
        }
    }

    fn slot(&mut self, which: Linguist) -> &mut Option<Mark> {
        match which {
            Linguist::Vendored => &mut self.vendored,
            Linguist::Generated => &mut self.generated,
            Linguist::Documentation => &mut self.documentation,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Marks::default()
    }
}

/// What one line does to one attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Set,
    Unset,
    Unspecified,
}

/// A line that names at least one of the three attributes.
#[derive(Debug, Clone)]
struct Line {
    number: u32,
    /// The line as written (trimmed), for notes.
    text: String,
    glob: GlobMatcher,
    /// Matched against the path below the file's folder; otherwise against
    /// the file's name.
    anchored: bool,
    reach: Reach,
    states: Vec<(Linguist, State)>,
}

/// One `.gitattributes` file, read.
#[derive(Debug, Clone)]
struct File {
    /// Its path in the repository.
    path: String,
    /// Its folder, `""` at the top, without a trailing `/`.
    dir: String,
    lines: Vec<Line>,
}

/// A repository's `.gitattributes` files.
#[derive(Debug, Default, Clone)]
pub struct Attributes {
    /// Shallower first (the order git applies them in).
    files: Vec<File>,
}

impl Attributes {
    /// Reads one `.gitattributes` at `path`; returns what could not be
    /// read, each as `line N: ...`.
    pub fn add(&mut self, path: &str, text: &str) -> Vec<String> {
        let dir = path
            .rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default();
        let mut problems = Vec::new();
        let lines = text
            .lines()
            .enumerate()
            .filter_map(|(i, l)| parse_line(i as u32 + 1, l, &mut problems))
            .collect();
        self.files.push(File {
            path: path.to_string(),
            dir,
            lines,
        });
        self.files.sort_by(|a, b| {
            let depth = |f: &File| f.dir.split('/').filter(|s| !s.is_empty()).count();
            (depth(a), &a.path).cmp(&(depth(b), &b.path))
        });
        problems
    }

    pub fn is_empty(&self) -> bool {
        self.files.iter().all(|f| f.lines.is_empty())
    }

    /// The attributes of the file at `path`.
    pub fn marks(&self, path: &str) -> Marks {
        self.marks_within(path, None).0
    }

    /// The attributes of the file at `path` that say whose it is: a line
    /// that sets an attribute on a whole file type is left out, and
    /// returned apart (its number, by [`Attributes::source`] file).
    pub fn authorship_marks(&self, path: &str) -> (Marks, Vec<Mark>) {
        self.marks_within(path, Some(Reach::Named))
    }

    /// The attributes given by lines of `only` reach (all when `None`);
    /// and the set marks of other lines that matched.
    fn marks_within(&self, path: &str, only: Option<Reach>) -> (Marks, Vec<Mark>) {
        let mut marks = Marks::default();
        let mut passed = Vec::new();
        let name = path.rsplit('/').next().unwrap_or(path);
        for (index, file) in self.files.iter().enumerate() {
            let below = if file.dir.is_empty() {
                Some(path)
            } else {
                path.strip_prefix(file.dir.as_str())
                    .and_then(|r| r.strip_prefix('/'))
            };
            let Some(below) = below else { continue };
            for line in &file.lines {
                let subject = if line.anchored { below } else { name };
                if !line.glob.is_match(subject) {
                    continue;
                }
                let sets = line.states.iter().any(|(_, s)| *s == State::Set);
                if only.is_some_and(|r| r != line.reach) && sets {
                    passed.push(Mark {
                        set: true,
                        file: index,
                        line: line.number,
                    });
                    continue;
                }
                for &(which, state) in &line.states {
                    *marks.slot(which) = match state {
                        State::Unspecified => None,
                        State::Set | State::Unset => Some(Mark {
                            set: state == State::Set,
                            file: index,
                            line: line.number,
                        }),
                    };
                }
            }
        }
        (marks, passed)
    }

    /// Where a mark was given, as `path:line`.
    pub fn source(&self, mark: &Mark) -> String {
        let path = self.files.get(mark.file).map_or("", |f| f.path.as_str());
        format!("{path}:{}", mark.line)
    }

    /// The `.gitattributes` a mark comes from, and its line as written
    /// (`pattern attr ...`): what a note quotes.
    pub fn line_of(&self, mark: &Mark) -> (&str, &str) {
        let Some(file) = self.files.get(mark.file) else {
            return ("", "");
        };
        let text = file
            .lines
            .iter()
            .find(|l| l.number == mark.line)
            .map_or("", |l| l.text.as_str());
        (file.path.as_str(), text)
    }
}

/// One line, when it names one of the three attributes; what is wrong
/// with it goes to `problems`.
fn parse_line(number: u32, raw: &str, problems: &mut Vec<String>) -> Option<Line> {
    let line = raw.trim_start();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let (pattern, rest) = split_pattern(line)?;
    let mut states = Vec::new();
    for token in rest.split_whitespace() {
        let (name, state) = if let Some(n) = token.strip_prefix('-') {
            (n, Some(State::Unset))
        } else if let Some(n) = token.strip_prefix('!') {
            (n, Some(State::Unspecified))
        } else if let Some((n, value)) = token.split_once('=') {
            let state = match value {
                "true" => Some(State::Set),
                "false" => Some(State::Unset),
                _ => None,
            };
            if state.is_none() && Linguist::of(n).is_some() {
                problems.push(format!(
                    "line {number}: `{token}`: linguist reads `true` or `false`; ignored"
                ));
            }
            (n, state)
        } else {
            (token, Some(State::Set))
        };
        if let (Some(which), Some(state)) = (Linguist::of(name), state) {
            states.push((which, state));
        }
    }
    if states.is_empty() {
        return None;
    }
    if pattern.starts_with("[attr]") {
        problems.push(format!(
            "line {number}: macros (`[attr]`) are not read; name the linguist attributes on each pattern"
        ));
        return None;
    }
    if pattern.starts_with('!') {
        problems.push(format!(
            "line {number}: `{pattern}`: negative patterns are not allowed in .gitattributes (git ignores the line)"
        ));
        return None;
    }
    if pattern.ends_with('/') {
        problems.push(format!(
            "line {number}: `{pattern}` names a folder, and git gives a folder's attributes to none of the files inside it: write `{pattern}**`"
        ));
        return None;
    }
    let anchored = pattern.contains('/');
    let reach = if is_whole_type(&pattern) {
        Reach::WholeType
    } else {
        Reach::Named
    };
    let relative = pattern.strip_prefix('/').unwrap_or(&pattern);
    let glob = GlobBuilder::new(&as_globset(relative))
        .literal_separator(true)
        .backslash_escape(true)
        .build();
    match glob {
        Ok(g) => Some(Line {
            number,
            text: line.trim_end().to_string(),
            glob: g.compile_matcher(),
            anchored,
            reach,
            states,
        }),
        Err(e) => {
            problems.push(format!("line {number}: `{pattern}`: {e}; ignored"));
            None
        }
    }
}

/// `*.EXT` or `**/*.EXT`: every file of one type, at any depth.
fn is_whole_type(pattern: &str) -> bool {
    let rest = pattern.strip_prefix("**/").unwrap_or(pattern);
    rest.strip_prefix("*.").is_some_and(|ext| {
        !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// A line's pattern (unquoted) and the rest of the line.
fn split_pattern(line: &str) -> Option<(String, &str)> {
    if let Some(quoted) = line.strip_prefix('"') {
        let mut pattern = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Some((pattern, &quoted[i + 1..])),
                '\\' => match chars.next() {
                    Some((_, 't')) => pattern.push('\t'),
                    Some((_, 'n')) => pattern.push('\n'),
                    Some((_, e)) => pattern.push(e),
                    None => return None,
                },
                c => pattern.push(c),
            }
        }
        return None;
    }
    let end = line.find(char::is_whitespace).unwrap_or(line.len());
    Some((line[..end].to_string(), &line[end..]))
}

/// A gitignore-style pattern in globset's syntax: braces are literal (git
/// has no alternatives), and a `**` that is not a whole path segment is a
/// plain `*` (as git reads it).
fn as_globset(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                out.push(c);
                if let Some(&next) = chars.get(i + 1) {
                    out.push(next);
                    i += 1;
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '{' | '}' if !in_class => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            '*' if !in_class && chars.get(i + 1) == Some(&'*') => {
                let mut end = i;
                while chars.get(end) == Some(&'*') {
                    end += 1;
                }
                let starts_segment = i == 0 || chars[i - 1] == '/';
                let ends_segment = end == chars.len() || chars[end] == '/';
                out.push_str(if starts_segment && ends_segment {
                    "**"
                } else {
                    "*"
                });
                i = end;
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(files: &[(&str, &str)]) -> (Attributes, Vec<String>) {
        let mut attrs = Attributes::default();
        let mut problems = Vec::new();
        for (path, text) in files {
            problems.extend(attrs.add(path, text));
        }
        (attrs, problems)
    }

    fn vendored(attrs: &Attributes, path: &str) -> Option<bool> {
        attrs.marks(path).vendored.map(|m| m.set)
    }

    #[test]
    fn patterns_follow_gitignore_rules_relative_to_their_folder() {
        let (attrs, problems) = read(&[(
            ".gitattributes",
            "# vendored code\n*.min.js linguist-vendored\nlib/** linguist-vendored\n/top.py linguist-vendored\ndocs/*.py linguist-documentation\n",
        )]);
        assert!(problems.is_empty(), "{problems:?}");
        // No slash: the file's name, at any depth.
        assert_eq!(vendored(&attrs, "static/js/app.min.js"), Some(true));
        // `**` crosses folders; `*` does not.
        assert_eq!(vendored(&attrs, "lib/a/b/c.py"), Some(true));
        assert_eq!(
            attrs.marks("docs/conf.py").documentation.map(|m| m.line),
            Some(5)
        );
        assert_eq!(attrs.marks("docs/api/conf.py").documentation, None);
        // A leading slash anchors at the folder of the file.
        assert_eq!(vendored(&attrs, "top.py"), Some(true));
        assert_eq!(vendored(&attrs, "src/top.py"), None);
        assert_eq!(vendored(&attrs, "app.py"), None);
    }

    #[test]
    fn a_line_for_a_whole_file_type_says_nothing_of_authorship() {
        let (attrs, _) = read(&[(
            ".gitattributes",
            "notebooks/** linguist-vendored\n*.ipynb linguist-vendored\n**/*.py linguist-generated\n*.min.js linguist-vendored\n*_pb2.py linguist-generated\n",
        )]);
        // Everywhere else the line applies as written.
        assert_eq!(vendored(&attrs, "a/explore.ipynb"), Some(true));
        // For authorship, the named folder still speaks; the type does not.
        let (marks, passed) = attrs.authorship_marks("notebooks/explore.ipynb");
        assert_eq!(marks.vendored.map(|m| m.line), Some(1));
        assert_eq!(passed.iter().map(|m| m.line).collect::<Vec<_>>(), [2]);
        let (marks, passed) = attrs.authorship_marks("app/main.py");
        assert!(marks.is_empty());
        assert_eq!(passed.iter().map(|m| m.line).collect::<Vec<_>>(), [3]);
        // A compound extension or a name part is a statement about files.
        assert_eq!(
            attrs
                .authorship_marks("s/app.min.js")
                .0
                .vendored
                .map(|m| m.line),
            Some(4)
        );
        let (marks, _) = attrs.authorship_marks("api/forecast_pb2.py");
        assert_eq!(marks.generated.map(|m| m.line), Some(5));
    }

    #[test]
    fn the_last_line_wins_and_deeper_files_come_last() {
        let (attrs, problems) = read(&[
            (
                "pkg/.gitattributes",
                "own.py -linguist-vendored\nreset.py !linguist-vendored\n",
            ),
            (
                ".gitattributes",
                "pkg/** linguist-vendored\npkg/again.py linguist-vendored=false\npkg/again.py linguist-vendored=true\n",
            ),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(vendored(&attrs, "pkg/lib.py"), Some(true));
        // The nested file speaks last, whatever order they were read in.
        let own = attrs.marks("pkg/own.py").vendored.unwrap();
        assert!(!own.set);
        assert_eq!(attrs.source(&own), "pkg/.gitattributes:1");
        // `!attr` makes it unspecified again: detection decides.
        assert_eq!(vendored(&attrs, "pkg/reset.py"), None);
        assert_eq!(vendored(&attrs, "pkg/again.py"), Some(true));
        // Patterns of a nested file are relative to its folder.
        assert_eq!(vendored(&attrs, "own.py"), None);
    }

    #[test]
    fn mistakes_are_notes_with_their_line() {
        let (attrs, problems) = read(&[(
            ".gitattributes",
            "vendor/ linguist-vendored\n!keep.py linguist-vendored\nx.py linguist-generated=maybe\n*.py text eol=lf\n[attr]thirdparty linguist-vendored\n",
        )]);
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].starts_with("line 1: `vendor/` names a folder"));
        assert!(problems[0].contains("`vendor/**`"));
        assert!(problems[1].starts_with("line 2: `!keep.py`: negative patterns"));
        assert!(problems[2].starts_with("line 3: `linguist-generated=maybe`"));
        assert!(problems[3].starts_with("line 5: macros"));
        // A folder pattern gives nothing to the files inside the folder.
        assert_eq!(vendored(&attrs, "vendor/lib.py"), None);
        assert!(attrs.is_empty());
    }

    #[test]
    fn braces_quotes_and_stray_double_stars_read_as_git_reads_them() {
        let (attrs, problems) = read(&[(
            ".gitattributes",
            "{a,b}.py linguist-vendored\n\"with space.py\" linguist-vendored\nfoo**.py linguist-vendored\n",
        )]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(vendored(&attrs, "{a,b}.py"), Some(true));
        assert_eq!(vendored(&attrs, "a.py"), None);
        assert_eq!(vendored(&attrs, "x/with space.py"), Some(true));
        assert_eq!(vendored(&attrs, "foobar.py"), Some(true));
        assert_eq!(vendored(&attrs, "foo/bar.py"), None);
    }
}
