//! TOML documents with the line of every key and value (the `toml` crate's
//! spanned parse), read with recovery: a broken file is a problem with its
//! line, and what parsed is still read. Manifests read the tables as they
//! are; `infra::trees` turns them into [`yaml::Node`](super::yaml::Node)s.

use toml::de::{DeArray, DeTable, DeValue};
use toml::Spanned;

/// Byte offsets to 1-based line numbers.
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    pub fn of(&self, offset: usize) -> u32 {
        self.starts.partition_point(|&s| s <= offset) as u32
    }
}

pub struct TomlDoc<'i> {
    pub root: DeTable<'i>,
    lines: Lines,
}

impl<'i> TomlDoc<'i> {
    /// The document, and the first parse error as `not valid TOML: line N: reason`.
    pub fn parse(text: &'i str) -> (TomlDoc<'i>, Option<String>) {
        let (root, errors) = DeTable::parse_recoverable(text);
        let lines = Lines::new(text);
        let problem = errors.first().map(|e| {
            let line = e.span().map_or(1, |s| lines.of(s.start));
            format!("not valid TOML: line {line}: {}", e.message().trim())
        });
        (
            TomlDoc {
                root: root.into_inner(),
                lines,
            },
            problem,
        )
    }

    pub fn line<T>(&self, s: &Spanned<T>) -> u32 {
        self.lines.of(s.span().start)
    }

    /// The line of `key` in `table` (where the key is written).
    pub fn key_line(&self, table: &DeTable, key: &str) -> Option<u32> {
        table.get_key_value(key).map(|(k, _)| self.line(k))
    }
}

/// The value at a dotted path of keys (`["tool", "poetry", "scripts"]`).
pub fn at<'a, 'i>(table: &'a DeTable<'i>, path: &[&str]) -> Option<&'a Spanned<DeValue<'i>>> {
    let (first, rest) = path.split_first()?;
    let v = table.get(*first)?;
    if rest.is_empty() {
        return Some(v);
    }
    at(as_table(v)?, rest)
}

pub fn as_table<'a, 'i>(v: &'a Spanned<DeValue<'i>>) -> Option<&'a DeTable<'i>> {
    match v.get_ref() {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

pub fn as_array<'a, 'i>(v: &'a Spanned<DeValue<'i>>) -> Option<&'a DeArray<'i>> {
    match v.get_ref() {
        DeValue::Array(a) => Some(a),
        _ => None,
    }
}

pub fn as_str<'a>(v: &'a Spanned<DeValue<'_>>) -> Option<&'a str> {
    match v.get_ref() {
        DeValue::String(s) => Some(s),
        _ => None,
    }
}

pub fn as_bool(v: &Spanned<DeValue<'_>>) -> Option<bool> {
    match v.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        _ => None,
    }
}

/// Strings of an array, each spanned (`dependencies = ["a", "b"]`).
pub fn strings<'a, 'i>(v: &'a Spanned<DeValue<'i>>) -> Vec<(&'a Spanned<DeValue<'i>>, &'a str)> {
    as_array(v)
        .map(|a| a.iter().filter_map(|x| as_str(x).map(|s| (x, s))).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_from_offsets() {
        let l = Lines::new("a\nbb\n\nc");
        assert_eq!(
            (l.of(0), l.of(2), l.of(4), l.of(5), l.of(6)),
            (1, 2, 2, 3, 4)
        );
    }

    #[test]
    fn lines_of_keys_and_values() {
        let (doc, problem) =
            TomlDoc::parse("[project]\nname = 'x'\ndependencies = [\n  'a',\n  'b',\n]\n");
        assert!(problem.is_none());
        let deps = at(&doc.root, &["project", "dependencies"]).unwrap();
        let lines: Vec<u32> = strings(deps).iter().map(|(v, _)| doc.line(v)).collect();
        assert_eq!(lines, vec![4, 5]);
        let project = as_table(at(&doc.root, &["project"]).unwrap()).unwrap();
        assert_eq!(doc.key_line(project, "name"), Some(2));
    }

    #[test]
    fn broken_toml_is_a_problem_and_the_rest_is_read() {
        let (doc, problem) =
            TomlDoc::parse("[project]\nname = 'x'\nversion = \n[tool.ruff]\nline-length = 100\n");
        let p = problem.unwrap();
        assert!(p.starts_with("not valid TOML: line 3: "), "{p}");
        assert!(at(&doc.root, &["tool", "ruff"]).is_some());
    }
}
