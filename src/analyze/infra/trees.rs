//! Configuration text of any format as [`yaml::Node`] trees that know their
//! lines, so one reader serves YAML, JSON and TOML files alike.
//!
//! - YAML: [`yaml::load`], with a per-document retry so one broken
//!   document of a multi-document stream does not hide the others.
//! - JSON: checked by serde_json (its errors say line and reason), then read
//!   by the YAML loader, which gives lines (JSON is YAML 1.2).
//! - TOML: parsed by the `toml` crate's spanned tables; spans become lines.

use crate::analyze::toml_doc::TomlDoc;
use crate::analyze::yaml::{self, Key, Node, Value, YamlError};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The documents that can be read, and the first error if one cannot: on an
/// error the stream is read again one `---` document at a time.
pub fn yaml_documents(text: &str) -> (Vec<Node>, Option<YamlError>) {
    match yaml::load(text) {
        Ok(docs) => (docs, None),
        Err(first) => {
            let mut docs = Vec::new();
            let mut error = None;
            for (offset, chunk) in document_chunks(text) {
                match yaml::load(&chunk) {
                    Ok(ds) => docs.extend(ds.into_iter().map(|mut d| {
                        shift(&mut d, offset);
                        d
                    })),
                    Err(mut e) => {
                        e.line += offset;
                        error.get_or_insert(e);
                    }
                }
            }
            (docs, Some(error.unwrap_or(first)))
        }
    }
}

/// The text of each document with the number of lines before it.
fn document_chunks(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut start = 0u32;
    let mut chunk = String::new();
    for (i, line) in text.lines().enumerate() {
        let marker = line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
        if marker {
            out.push((start, std::mem::take(&mut chunk)));
            start = i as u32;
        }
        chunk.push_str(line);
        chunk.push('\n');
    }
    out.push((start, chunk));
    out
}

fn shift(n: &mut Node, by: u32) {
    n.line += by;
    match &mut n.value {
        Value::Seq(items) => items.iter_mut().for_each(|i| shift(i, by)),
        Value::Map(entries) => {
            for (k, v) in entries {
                k.line += by;
                shift(v, by);
            }
        }
        Value::Null | Value::Scalar { .. } => {}
    }
}

/// A JSON document, or a problem (`not valid JSON: line N: reason`).
pub fn json(text: &str) -> Result<Node, String> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let full = e.to_string();
        let reason = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(r, _)| r);
        return Err(format!("not valid JSON: line {}: {reason}", e.line()));
    }
    match yaml::load(text) {
        Ok(docs) => Ok(docs.into_iter().next().unwrap_or(Node {
            line: 1,
            value: Value::Null,
        })),
        // Valid JSON the YAML reader refuses: read it without lines.
        Err(_) => Ok(serde_json::from_str::<serde_json::Value>(text)
            .map(|v| from_json(&v))
            .unwrap_or(Node {
                line: 1,
                value: Value::Null,
            })),
    }
}

fn from_json(v: &serde_json::Value) -> Node {
    let value = match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => scalar(b.to_string()),
        serde_json::Value::Number(n) => scalar(n.to_string()),
        serde_json::Value::String(s) => scalar(s.clone()),
        serde_json::Value::Array(a) => Value::Seq(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => Value::Map(
            o.iter()
                .map(|(k, v)| {
                    (
                        Key {
                            text: k.clone(),
                            line: 1,
                        },
                        from_json(v),
                    )
                })
                .collect(),
        ),
    };
    Node { line: 1, value }
}

fn scalar(text: String) -> Value {
    Value::Scalar { text, block: false }
}

/// A TOML document, or a problem (`not valid TOML: line N: reason`).
pub fn toml(text: &str) -> Result<Node, String> {
    let (doc, problem) = TomlDoc::parse(text);
    if let Some(p) = problem {
        return Err(p);
    }
    Ok(Node {
        line: 1,
        value: table(&doc.root, &doc),
    })
}

fn table(t: &DeTable, doc: &TomlDoc) -> Value {
    let mut entries: Vec<(Key, Node)> = t
        .iter()
        .map(|(k, v)| {
            (
                Key {
                    text: k.get_ref().to_string(),
                    line: doc.line(k),
                },
                toml_node(v, doc),
            )
        })
        .collect();
    entries.sort_by_key(|(k, _)| k.line);
    Value::Map(entries)
}

fn toml_node(v: &Spanned<DeValue>, doc: &TomlDoc) -> Node {
    let value = match v.get_ref() {
        DeValue::String(s) => scalar(s.to_string()),
        DeValue::Integer(i) => scalar(i.as_str().to_string()),
        DeValue::Float(f) => scalar(f.as_str().to_string()),
        DeValue::Boolean(b) => scalar(b.to_string()),
        DeValue::Datetime(d) => scalar(d.to_string()),
        DeValue::Array(a) => Value::Seq(a.iter().map(|x| toml_node(x, doc)).collect()),
        DeValue::Table(t) => table(t, doc),
    };
    Node {
        line: doc.line(v),
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_document_past_the_nesting_limit_does_not_hide_the_first() {
        let dashes = format!("{}x\n", "- ".repeat(5_000));
        let (docs, err) = yaml_documents(&format!("a: 1\n---\n{dashes}"));
        assert_eq!((docs.len(), err.map(|e| e.line)), (1, Some(3)));
    }

    #[test]
    fn broken_documents_do_not_hide_the_others() {
        let (docs, err) = yaml_documents("a: 1\n---\nb: [\n---\nc:\n  d: 3\n");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].entry("c").unwrap().0.line, 5);
        assert_eq!(docs[1].get("c").unwrap().get("d").unwrap().line, 6);
        assert_eq!(err.unwrap().line, 4);
    }

    #[test]
    fn json_with_lines_and_errors() {
        let n = json("{\n\t\"a\": {\n\t\t\"b\": [1, true]\n\t}\n}\n").unwrap();
        assert_eq!(n.get("a").unwrap().entry("b").unwrap().0.line, 3);
        let e = json("{\n  \"a\": 1,\n}\n").unwrap_err();
        assert!(e.starts_with("not valid JSON: line 3: "), "{e}");
    }

    #[test]
    fn toml_with_lines_and_errors() {
        let n = toml("app = \"x\"\n\n[http_service]\n  internal_port = 8080\n").unwrap();
        assert_eq!(n.entry("http_service").unwrap().0.line, 3);
        let port = n.get("http_service").unwrap().get("internal_port").unwrap();
        assert_eq!((port.line, port.as_str()), (4, Some("8080")));
        let e = toml("app = \"x\"\n[http_service\nport = 1\n").unwrap_err();
        assert!(e.starts_with("not valid TOML: line 2: "), "{e}");
    }
}
