//! Matching qualified names (`flask.Flask().route`) against many patterns at once.
//!
//! Most rule patterns are plain names or a name followed by `*`; those are
//! answered by a hash map and a byte trie, and only the rest go through a
//! compiled `GlobSet`. Building a glob set is the costly part of loading
//! rules (each pattern becomes a regex), so this keeps start-up short too.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use rustc_hash::{FxHashMap, FxHashSet};

#[derive(Debug, Default)]
struct TrieNode {
    children: Vec<(u8, u32)>,
    /// Patterns `prefix*` whose prefix ends here.
    patterns: Vec<usize>,
}

/// Real globs that share a literal first name (`flask` of `flask.*route`).
#[derive(Debug)]
struct GlobGroup {
    set: GlobSet,
    ids: Vec<usize>,
}

/// A set of name patterns; `*` matches any text (dots included).
#[derive(Debug)]
pub struct NameSet {
    literal: FxHashMap<String, Vec<usize>>,
    trie: Vec<TrieNode>,
    /// Real globs by their literal first name, so a name meets only the
    /// globs that can match it.
    globs_by_head: FxHashMap<String, GlobGroup>,
    /// Real globs whose first name has a wildcard (`*_pb2_grpc.*`).
    globs_any_head: GlobGroup,
    /// First names that some pattern starts with literally (`flask`, `re`).
    literal_heads: FxHashSet<String>,
    /// First names with a wildcard (`langchain_*`, `*_pb2_grpc`).
    glob_heads: GlobSet,
}

/// The first name of a dotted name or pattern: up to the first `.` or `(`.
fn head(s: &str) -> &str {
    &s[..s.find(['.', '(']).unwrap_or(s.len())]
}

fn is_glob_char(c: char) -> bool {
    matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\')
}

impl NameSet {
    /// Builds the set; pattern `i` is reported as `i` by [`NameSet::matches_into`].
    /// Fails with the index of a malformed pattern.
    pub fn build(patterns: &[String]) -> Result<NameSet, (usize, globset::Error)> {
        let mut set = NameSet {
            literal: FxHashMap::default(),
            trie: vec![TrieNode::default()],
            globs_by_head: FxHashMap::default(),
            globs_any_head: GlobGroup {
                set: GlobSet::empty(),
                ids: Vec::new(),
            },
            literal_heads: FxHashSet::default(),
            glob_heads: GlobSet::empty(),
        };
        let mut glob_heads = GlobSetBuilder::new();
        let mut grouped: std::collections::BTreeMap<String, (GlobSetBuilder, Vec<usize>)> =
            Default::default();
        let mut any = (GlobSetBuilder::new(), Vec::new());
        for (i, p) in patterns.iter().enumerate() {
            let h = head(p);
            if h.contains(is_glob_char) {
                glob_heads.add(
                    GlobBuilder::new(h)
                        .literal_separator(false)
                        .build()
                        .map_err(|e| (i, e))?,
                );
            } else {
                set.literal_heads.insert(h.to_string());
            }
            let body = p.strip_suffix('*');
            if !p.contains(is_glob_char) {
                set.literal.entry(p.clone()).or_default().push(i);
            } else if let Some(prefix) = body.filter(|b| !b.contains(is_glob_char)) {
                let node = set.insert_prefix(prefix);
                set.trie[node].patterns.push(i);
            } else {
                let glob = GlobBuilder::new(p)
                    .literal_separator(false)
                    .build()
                    .map_err(|e| (i, e))?;
                let h = head(p);
                // A head is literal when a dot or paren follows it before any wildcard.
                let literal_head = !h.contains(is_glob_char) && h.len() < p.len();
                let (builder, ids) = if literal_head {
                    grouped
                        .entry(h.to_string())
                        .or_insert_with(|| (GlobSetBuilder::new(), Vec::new()))
                } else {
                    &mut any
                };
                builder.add(glob);
                ids.push(i);
            }
        }
        for (h, (builder, ids)) in grouped {
            let set_h = builder.build().map_err(|e| (ids[0], e))?;
            set.globs_by_head.insert(h, GlobGroup { set: set_h, ids });
        }
        let (builder, ids) = any;
        set.globs_any_head = GlobGroup {
            set: builder.build().map_err(|e| (0, e))?,
            ids,
        };
        set.glob_heads = glob_heads.build().map_err(|e| (0, e))?;
        Ok(set)
    }

    fn insert_prefix(&mut self, prefix: &str) -> usize {
        let mut node = 0usize;
        for &b in prefix.as_bytes() {
            let next = self.trie[node]
                .children
                .iter()
                .find(|(c, _)| *c == b)
                .map(|(_, n)| *n as usize);
            node = match next {
                Some(n) => n,
                None => {
                    self.trie.push(TrieNode::default());
                    let n = self.trie.len() - 1;
                    self.trie[node].children.push((b, n as u32));
                    n
                }
            };
        }
        node
    }

    /// Whether some pattern can match `name`, judged by its first name alone:
    /// a cheap test that lets most local and library names skip the lookup.
    pub fn may_match(&self, name: &str) -> bool {
        let h = head(name);
        self.literal_heads.contains(h) || self.glob_heads.is_match(h)
    }

    /// The patterns `name` matches, into `out` (cleared first), ascending.
    pub fn matches_into(&self, name: &str, out: &mut Vec<usize>) {
        out.clear();
        if let Some(ids) = self.literal.get(name) {
            out.extend_from_slice(ids);
        }
        let mut node = 0usize;
        out.extend_from_slice(&self.trie[0].patterns);
        for &b in name.as_bytes() {
            match self.trie[node].children.iter().find(|(c, _)| *c == b) {
                Some((_, n)) => {
                    node = *n as usize;
                    out.extend_from_slice(&self.trie[node].patterns);
                }
                None => break,
            }
        }
        let groups = [
            self.globs_by_head.get(head(name)),
            Some(&self.globs_any_head),
        ];
        for g in groups.into_iter().flatten().filter(|g| !g.ids.is_empty()) {
            for i in g.set.matches(name) {
                out.push(g.ids[i]);
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// The patterns `name` matches.
    pub fn matches(&self, name: &str) -> Vec<usize> {
        let mut out = Vec::new();
        self.matches_into(name, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::NameSet;

    fn set(p: &[&str]) -> NameSet {
        NameSet::build(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn literals_prefixes_and_globs_agree_with_glob_semantics() {
        let s = set(&[
            "re.compile",
            "re.*",
            "flask.*route",
            "*_pb2_grpc.*",
            "pandas*",
            "*",
        ]);
        assert_eq!(s.matches("re.compile"), vec![0, 1, 5]);
        assert_eq!(s.matches("re.sub"), vec![1, 5]);
        assert_eq!(s.matches("re"), vec![5], "`re.*` needs the dot");
        assert_eq!(s.matches("flask.Flask().route"), vec![2, 5]);
        assert_eq!(s.matches("greeter_pb2_grpc.GreeterServicer"), vec![3, 5]);
        assert_eq!(s.matches("pandas"), vec![4, 5], "`*` matches nothing, too");
        assert_eq!(s.matches("pandas.read_csv().groupby"), vec![4, 5]);
        assert_eq!(s.matches("numpy.array"), vec![5]);
    }

    #[test]
    fn first_names_no_pattern_starts_with_are_ruled_out() {
        let s = set(&["re.compile", "flask.*route", "langchain_*", "*_pb2_grpc.*"]);
        for name in [
            "re.sub",
            "flask.Flask().route",
            "langchain_core.x",
            "greeter_pb2_grpc.Servicer",
        ] {
            assert!(s.may_match(name), "{name}");
        }
        assert!(!s.may_match("numpy.array"));
    }

    #[test]
    fn a_malformed_pattern_is_reported_by_index() {
        let p = vec!["ok.*".to_string(), "bad[".to_string()];
        assert_eq!(NameSet::build(&p).err().map(|(i, _)| i), Some(1));
    }
}
