//! INI files as Python's `configparser` reads them (`setup.cfg`, `tox.ini`,
//! `.flake8`, `mypy.ini`), with the line of every section, key and value
//! line, which the INI crates do not keep.
//!
//! Sections are `[name]`; entries `key = value` or `key: value`; a line
//! indented under an entry continues its value (tox `commands`, setup.cfg
//! `install_requires`); whole-line `#` and `;` comments are skipped. A line
//! that is none of these is a problem, and reading goes on.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub line: u32,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub line: u32,
    /// The value's lines (the first one, after the `=`, may be empty), each
    /// trimmed, with its line in the file; blank continuation lines dropped.
    pub lines: Vec<(u32, String)>,
}

impl Entry {
    /// The value's non-empty lines joined with newlines.
    pub fn value(&self) -> String {
        self.lines
            .iter()
            .map(|(_, l)| l.as_str())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Section {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// The sections of an INI text, and the problems met (`line 4: ...`).
pub fn parse(text: &str) -> (Vec<Section>, Vec<String>) {
    let mut sections: Vec<Section> = Vec::new();
    let mut problems = Vec::new();
    // Indentation of the entry being continued, if any.
    let mut open: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i as u32 + 1;
        let trimmed = raw.trim();
        let indent = raw.len() - raw.trim_start().len();
        if trimmed.is_empty() {
            continue;
        }
        if let (Some(key_indent), Some(section)) = (open, sections.last_mut()) {
            if indent > key_indent {
                if trimmed.starts_with('#') || trimmed.starts_with(';') {
                    continue;
                }
                if let Some(entry) = section.entries.last_mut() {
                    entry.lines.push((line, trimmed.to_string()));
                }
                continue;
            }
        }
        open = None;
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.starts_with('[') {
            match trimmed.find(']') {
                Some(end) => sections.push(Section {
                    name: trimmed[1..end].trim().to_string(),
                    line,
                    entries: Vec::new(),
                }),
                None => problems.push(format!("line {line}: section header without `]`")),
            }
            continue;
        }
        let sep = trimmed.find(['=', ':']);
        match (sep, sections.last_mut()) {
            (Some(at), Some(section)) if at > 0 => {
                let value = trimmed[at + 1..].trim();
                section.entries.push(Entry {
                    key: trimmed[..at].trim().to_string(),
                    line,
                    lines: vec![(line, value.to_string())],
                });
                open = Some(indent);
            }
            (_, None) => problems.push(format!("line {line}: an entry before any [section]")),
            _ => problems.push(format!(
                "line {line}: neither a [section], a `key = value` nor an indented continuation"
            )),
        }
    }
    (sections, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_entries_and_continuations() {
        let (s, problems) = parse(
            "[tox]\nenvlist = py311, py312\n\n[testenv]\ndeps =\n    pytest\n    # a comment\n    pytest-cov\ncommands = pytest --cov {posargs}\n",
        );
        assert!(problems.is_empty());
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].get("envlist").unwrap().value(), "py311, py312");
        let deps = s[1].get("deps").unwrap();
        assert_eq!(deps.line, 5);
        assert_eq!(
            deps.lines,
            vec![
                (5, String::new()),
                (6, "pytest".into()),
                (8, "pytest-cov".into())
            ]
        );
        assert_eq!(s[1].get("commands").unwrap().line, 9);
    }

    #[test]
    fn malformed_lines_are_problems_and_reading_goes_on() {
        let (s, problems) =
            parse("orphan = 1\n[metadata\n[options]\njust words\ninstall_requires = flask\n");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("line 1: "));
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].get("install_requires").unwrap().value(), "flask");
    }
}
