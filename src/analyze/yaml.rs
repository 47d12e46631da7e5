//! YAML documents as small owned trees that know their lines, for the
//! analyzers of CI workflows, compose files and Kubernetes manifests.
//!
//! Parsed by saphyr (YAML 1.2, so GitHub's `on:` key stays the string
//! `"on"`, not `true` as in YAML 1.1). Aliases are expanded by saphyr and
//! merge keys (`<<: *defaults`, common in GitLab CI) are applied here.
//! Scalars keep their text as written (`3.10` stays `3.10`, not 3.1).

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// One node of a document, with the line (1-based) where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: u32,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// A scalar's text; `block` when it was written as a `|` or `>` block,
    /// whose content starts on the line after `line`.
    Scalar {
        text: String,
        block: bool,
    },
    Seq(Vec<Node>),
    /// Entries in document order; keys as text, each with its own line.
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub line: u32,
}

/// Why a document could not be read: the line and the parser's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub reason: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not valid YAML: line {}: {}", self.line, self.reason)
    }
}

/// Every document of a YAML stream (`---` separates them).
pub fn load(text: &str) -> Result<Vec<Node>, YamlError> {
    too_deep(text)?;
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        let mut line = e.marker().line() as u32;
        // The scanner reports a tab where the token it was reading began;
        // the line a person must fix is the one indented with the tab.
        if e.info().contains("tab") {
            if let Some(i) = text
                .lines()
                .enumerate()
                .skip(line.saturating_sub(1) as usize)
                .find(|(_, l)| {
                    l.chars()
                        .take_while(|c| c.is_whitespace())
                        .any(|c| c == '\t')
                })
                .map(|(i, _)| i)
            {
                line = i as u32 + 1;
            }
        }
        YamlError {
            line,
            reason: e.info().to_string(),
        }
    })?;
    let lines: Vec<&str> = text.lines().collect();
    Ok(docs.iter().map(|d| convert(d, &lines, 0)).collect())
}

/// Block nesting beyond this is refused before parsing: saphyr recurses
/// once per block level, and about a thousand levels overflow a worker
/// thread's stack (an abort, not an error). Flow collections have their
/// own limit in saphyr. No configuration file comes near it.
const MAX_BLOCK_NESTING: usize = 200;

/// Refuses a text whose block nesting may exceed [`MAX_BLOCK_NESTING`]:
/// each level needs a column of indentation or a `- `/`? ` indicator, so a
/// line's indentation plus its leading indicators bounds its depth.
fn too_deep(text: &str) -> Result<(), YamlError> {
    for (i, line) in text.lines().enumerate() {
        let mut depth = 0;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            let indicator = matches!(c, '-' | '?' | ':')
                && chars.peek().is_none_or(|n| *n == ' ' || *n == '\t');
            match c {
                ' ' | '\t' => depth += 1,
                _ if indicator => depth += 2,
                _ => break,
            }
        }
        if depth > MAX_BLOCK_NESTING {
            return Err(YamlError {
                line: i as u32 + 1,
                reason: format!("nested more than {MAX_BLOCK_NESTING} levels deep; not read"),
            });
        }
    }
    Ok(())
}

/// The documents of a configuration file; when it cannot be read, none,
/// and the reason is the file's problem.
pub fn documents(text: &str, out: &mut crate::analyze::facts::ConfigFacts) -> Vec<Node> {
    load(text).unwrap_or_else(|e| {
        out.problem(e.to_string());
        Vec::new()
    })
}

/// Deeper than this, a document is cut (a node becomes null): no CI file
/// nests this deep, and a hostile one cannot exhaust the stack.
const MAX_DEPTH: u32 = 64;

fn convert(y: &MarkedYaml, lines: &[&str], depth: u32) -> Node {
    let line = y.span.start.line() as u32;
    if depth > MAX_DEPTH {
        return Node {
            line,
            value: Value::Null,
        };
    }
    let value = match &y.data {
        YamlData::Value(s) => scalar(s, y, lines),
        YamlData::Representation(text, ..) => Value::Scalar {
            text: text.to_string(),
            block: false,
        },
        YamlData::Tagged(_, inner) => return convert(inner, lines, depth + 1),
        YamlData::Sequence(items) => {
            Value::Seq(items.iter().map(|n| convert(n, lines, depth + 1)).collect())
        }
        YamlData::Mapping(map) => {
            let mut entries: Vec<(Key, Node)> = Vec::with_capacity(map.len());
            let mut merged: Vec<(Key, Node)> = Vec::new();
            for (k, v) in map {
                let key = Key {
                    text: key_text(k, lines),
                    line: k.span.start.line() as u32,
                };
                let v = convert(v, lines, depth + 1);
                if key.text == "<<" {
                    // Merge keys: entries of the merged maps, unless the map sets them itself.
                    match v.value {
                        Value::Map(m) => merged.extend(m),
                        Value::Seq(s) => {
                            for n in s {
                                if let Value::Map(m) = n.value {
                                    merged.extend(m);
                                }
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                entries.push((key, v));
            }
            for (k, v) in merged {
                if !entries.iter().any(|(e, _)| e.text == k.text) {
                    entries.push((k, v));
                }
            }
            Value::Map(entries)
        }
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    Node { line, value }
}

fn key_text(k: &MarkedYaml, lines: &[&str]) -> String {
    match &k.data {
        YamlData::Value(s) => match scalar(s, k, lines) {
            Value::Scalar { text, .. } => text,
            _ => String::new(),
        },
        YamlData::Representation(text, ..) => text.to_string(),
        YamlData::Tagged(_, inner) => key_text(inner, lines),
        _ => String::new(),
    }
}

fn scalar(s: &Scalar, y: &MarkedYaml, lines: &[&str]) -> Value {
    let text = match s {
        Scalar::Null => {
            // `key:` with nothing after it is null; `key: ~` or `null` too.
            return Value::Null;
        }
        Scalar::String(t) => t.to_string(),
        // Numbers and booleans as written: `3.10` must not become `3.1`.
        _ => raw(y, lines).unwrap_or_else(|| match s {
            Scalar::Boolean(b) => b.to_string(),
            Scalar::Integer(i) => i.to_string(),
            Scalar::FloatingPoint(f) => f.to_string(),
            _ => String::new(),
        }),
    };
    let block = start_char(y, lines).is_some_and(|c| c == '|' || c == '>');
    Value::Scalar { text, block }
}

/// The source text of a one-line scalar.
fn raw(y: &MarkedYaml, lines: &[&str]) -> Option<String> {
    let (start, end) = (y.span.start, y.span.end);
    if start.line() != end.line() || end.col() <= start.col() {
        return None;
    }
    let line = lines.get(start.line().checked_sub(1)?)?;
    let text: String = line
        .chars()
        .skip(start.col())
        .take(end.col() - start.col())
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn start_char(y: &MarkedYaml, lines: &[&str]) -> Option<char> {
    let line = lines.get((y.span.start.line()).checked_sub(1)?)?;
    line.chars().nth(y.span.start.col())
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The entry of `key` in a mapping, key and value.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k.text == key).map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// A scalar's text.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A mapping's entries (none for anything else).
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    /// A sequence's items (none for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(s) => s,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// A scalar, or each scalar of a sequence: the shape of a field that
    /// takes one string or a list (`script:`, `needs:`, `branches:`).
    pub fn strings(&self) -> Vec<&Node> {
        match &self.value {
            Value::Scalar { .. } => vec![self],
            Value::Seq(s) => s
                .iter()
                .filter(|n| matches!(n.value, Value::Scalar { .. }))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A scalar's lines with the line of the file each stands on: a block
    /// scalar (`run: |`) starts on the line after its indicator; a quoted or
    /// plain scalar folded over several lines counts from its first.
    pub fn lines(&self) -> Vec<(u32, &str)> {
        match &self.value {
            Value::Scalar { text, block } => {
                let first = self.line + u32::from(*block);
                text.lines()
                    .enumerate()
                    .map(|(i, l)| (first + i as u32, l))
                    .collect()
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_values_and_lines() {
        let docs = load("name: ci\non:\n  push:\njobs:\n  test:\n    runs-on: ubuntu\n    steps:\n      - run: |\n          pip install .\n          pytest -q\n").unwrap();
        let d = &docs[0];
        // YAML 1.2: `on` is a string key.
        assert_eq!(d.entry("on").unwrap().0.line, 2);
        let step = &d
            .get("jobs")
            .unwrap()
            .get("test")
            .unwrap()
            .get("steps")
            .unwrap()
            .items()[0];
        let run = step.get("run").unwrap();
        assert_eq!(run.lines(), vec![(9, "pip install ."), (10, "pytest -q")]);
    }

    #[test]
    fn numbers_keep_their_text_and_merge_keys_apply() {
        let docs = load("x: &base\n  image: python:3.12\n  v: 3.10\ny:\n  <<: *base\n  v: 3.11\n")
            .unwrap();
        let y = docs[0].get("y").unwrap();
        assert_eq!(y.get("v").unwrap().as_str(), Some("3.11"));
        assert_eq!(y.get("image").unwrap().as_str(), Some("python:3.12"));
        let x = docs[0].get("x").unwrap();
        assert_eq!(x.get("v").unwrap().as_str(), Some("3.10"));
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let dashes = format!("{}x\n", "- ".repeat(5_000));
        assert!(load(&dashes).unwrap_err().reason.contains("levels deep"));
        let stairs: String = (0..5_000)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect();
        assert_eq!(load(&stairs).unwrap_err().line, 202);
        assert!(load("- - - x\n").is_ok());
        // A long rule of dashes in a block scalar is text, not nesting.
        assert!(load(&format!("notes: |\n  {}\n", "-".repeat(300))).is_ok());
    }

    #[test]
    fn a_tab_error_names_the_tab_line() {
        let e = load("services:\n  web:\n    build: .\n\tports: []\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
    }

    #[test]
    fn several_documents_and_errors_with_lines() {
        assert_eq!(load("a: 1\n---\nb: 2\n").unwrap().len(), 2);
        let e = load("jobs:\n  test:\n\t- run: pytest\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = load("deps:\n  - numpy\n\t- pandas\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.to_string().starts_with("not valid YAML: line 3: "), "{e}");
    }
}
