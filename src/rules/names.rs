//! Matching qualified names (`flask.Flask().route`) against many patterns at once.
//!
//! Most rule patterns are plain names or a name followed by `*`; those are
//! answered by a hash map and a byte trie, and only the rest go through a
//! compiled `GlobSet`. Building a glob set is the costly part of loading
//! rules (each pattern becomes a regex), so this keeps start-up short too.

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

#[derive(Debug, Default)]
struct TrieNode {
    children: Vec<(u8, u32)>,
    /// Patterns `prefix*` whose prefix ends here.
    patterns: Vec<usize>,
}

/// Real globs that share a literal first name (`flask` of `flask.*route`).
/// Each glob's longest literal fragment (`route`) must occur in a name
/// before its matcher runs: one Aho-Corasick pass over the name rules out
/// nearly every glob, where a `GlobSet` would run all its regexes.
/// A glob's matcher (a regex) is compiled the first time a name could match
/// it: most repositories never come near most rules' globs.
#[derive(Debug)]
struct LazyGlob {
    glob: Glob,
    matcher: OnceLock<GlobMatcher>,
}

#[derive(Debug)]
struct GlobGroup {
    globs: Vec<(LazyGlob, usize)>,
    fragments: Vec<String>,
    /// The automaton of `fragments`, built the first time a name meets
    /// this group (most groups' first names never occur in a repository);
    /// none if it could not be built: then every glob is tried.
    automaton: OnceLock<Option<AhoCorasick>>,
    /// Globs to try when fragment `i` occurs.
    by_fragment: Vec<Vec<u32>>,
    /// Globs with no literal fragment, tried on every name.
    always: Vec<u32>,
}

/// Literal text of which a name must hold at least one for the glob to
/// match it: the glob's longest literal run, or the alternatives of a
/// `{a,b}` group when their shortest is longer than any run. Empty when the
/// glob has no such text (`*`). Never taken from inside `[...]`.
fn required_fragments(glob: &str) -> Vec<String> {
    let mut best: Vec<String> = Vec::new();
    let score = |f: &[String]| f.iter().map(String::len).min().unwrap_or(0);
    let mut run = String::new();
    let mut chars = glob.chars();
    let offer = |candidate: Vec<String>, best: &mut Vec<String>| {
        if score(&candidate) > score(best) {
            *best = candidate;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) => run.push(e),
                None => offer(vec![std::mem::take(&mut run)], &mut best),
            },
            '[' => {
                offer(vec![std::mem::take(&mut run)], &mut best);
                // `[]...]` and `[!]...]` hold a literal `]` first.
                let mut first = true;
                for d in chars.by_ref() {
                    if d == ']' && !first {
                        break;
                    }
                    first = first && d == '!';
                }
            }
            '{' => {
                offer(vec![std::mem::take(&mut run)], &mut best);
                let body: String = chars.by_ref().take_while(|&d| d != '}').collect();
                let alternatives: Vec<String> = body.split(',').map(str::to_string).collect();
                if !alternatives.iter().any(|a| a.contains(is_glob_char)) {
                    offer(alternatives, &mut best);
                }
            }
            '*' | '?' | ']' | '}' => offer(vec![std::mem::take(&mut run)], &mut best),
            _ => run.push(c),
        }
    }
    offer(vec![run], &mut best);
    best
}

impl GlobGroup {
    fn new(patterns: Vec<(String, Glob, usize)>) -> GlobGroup {
        let mut fragments: Vec<String> = Vec::new();
        let mut by_fragment: Vec<Vec<u32>> = Vec::new();
        let mut always = Vec::new();
        let mut globs = Vec::new();
        for (k, (pattern, glob, id)) in patterns.into_iter().enumerate() {
            let required = required_fragments(&pattern);
            if required.is_empty() {
                always.push(k as u32);
            }
            for fragment in required {
                match fragments.iter().position(|x| *x == fragment) {
                    Some(f) => by_fragment[f].push(k as u32),
                    None => {
                        fragments.push(fragment);
                        by_fragment.push(vec![k as u32]);
                    }
                }
            }
            let matcher = OnceLock::new();
            globs.push((LazyGlob { glob, matcher }, id));
        }
        GlobGroup {
            globs,
            fragments,
            automaton: OnceLock::new(),
            by_fragment,
            always,
        }
    }

    fn automaton(&self) -> Option<&AhoCorasick> {
        self.automaton
            .get_or_init(|| {
                // Fragments are short literals: the automaton cannot exceed its limits.
                // An NFA: a group holds a few short fragments and names are short,
                // so a DFA's build cost would never pay off.
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::NoncontiguousNFA))
                    .build(&self.fragments)
                    .ok()
            })
            .as_ref()
    }

    fn empty() -> GlobGroup {
        GlobGroup::new(Vec::new())
    }

    fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    fn matches_into(&self, name: &str, out: &mut Vec<usize>) {
        let mut try_glob = |k: u32| {
            let (lazy, id) = &self.globs[k as usize];
            let matcher = lazy.matcher.get_or_init(|| lazy.glob.compile_matcher());
            if matcher.is_match(name) {
                out.push(*id);
            }
        };
        for &k in &self.always {
            try_glob(k);
        }
        if self.globs.is_empty() {
            return;
        }
        let mut tried: Vec<u32> = Vec::new();
        let mut try_once = |k: u32| {
            if !tried.contains(&k) {
                tried.push(k);
                try_glob(k);
            }
        };
        match self.automaton() {
            Some(automaton) => {
                for m in automaton.find_overlapping_iter(name) {
                    self.by_fragment[m.pattern().as_usize()]
                        .iter()
                        .for_each(|&k| try_once(k));
                }
            }
            None => self.by_fragment.iter().flatten().for_each(|&k| try_once(k)),
        }
    }
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
    glob_heads: Vec<Glob>,
    /// `glob_heads` compiled, the first time a name's first name is not
    /// literal in a pattern (an empty folder never needs it); none if it
    /// could not be built: then every name may match.
    glob_head_set: OnceLock<Option<GlobSet>>,
}

/// The first name of a dotted name or pattern: up to the first `.` or `(`.
fn head(s: &str) -> &str {
    &s[..s.find(['.', '(']).unwrap_or(s.len())]
}

pub(crate) fn is_glob_char(c: char) -> bool {
    matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\')
}

/// A [`NameSet`] built the first time a name is looked up: the thousands
/// of qualified-name patterns of the built-in rules are a fifth of the
/// start-up, and a repository without Python code never needs them.
#[derive(Debug, Default)]
pub struct LazyNameSet {
    patterns: Vec<String>,
    set: OnceLock<NameSet>,
}

impl LazyNameSet {
    /// The set of these patterns, each already checked as
    /// `signal::check_name_pattern` checks it (so it builds).
    pub fn new(patterns: Vec<String>) -> LazyNameSet {
        LazyNameSet {
            patterns,
            set: OnceLock::new(),
        }
    }

    /// Builds the set now, if it is not built yet.
    pub fn build(&self) {
        self.get();
    }

    fn get(&self) -> &NameSet {
        self.set.get_or_init(|| {
            // Every pattern was checked as it was compiled: no failure is left.
            NameSet::build(&self.patterns).unwrap_or_else(|_| NameSet::empty())
        })
    }

    /// See [`NameSet::may_match`].
    pub fn may_match(&self, name: &str) -> bool {
        self.get().may_match(name)
    }

    /// See [`NameSet::matches_into`].
    pub fn matches_into(&self, name: &str, out: &mut Vec<usize>) {
        self.get().matches_into(name, out)
    }
}

impl NameSet {
    /// The set of no pattern.
    pub fn empty() -> NameSet {
        NameSet {
            literal: FxHashMap::default(),
            trie: vec![TrieNode::default()],
            globs_by_head: FxHashMap::default(),
            globs_any_head: GlobGroup::empty(),
            literal_heads: FxHashSet::default(),
            glob_heads: Vec::new(),
            glob_head_set: OnceLock::new(),
        }
    }

    /// Builds the set; pattern `i` is reported as `i` by [`NameSet::matches_into`].
    /// Fails with the index of a malformed pattern.
    pub fn build(patterns: &[String]) -> Result<NameSet, (usize, globset::Error)> {
        let mut set = NameSet::empty();
        let mut grouped: std::collections::BTreeMap<String, Vec<(String, Glob, usize)>> =
            Default::default();
        let mut any = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let h = head(p);
            if h.contains(is_glob_char) {
                match GlobBuilder::new(h).literal_separator(false).build() {
                    Ok(g) => set.glob_heads.push(g),
                    // A head cut from a valid pattern (`x[.]y`) may not
                    // parse alone: then every name may match.
                    Err(_) => {
                        let _ = set.glob_head_set.set(None);
                    }
                }
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
                let group = if literal_head {
                    grouped.entry(h.to_string()).or_default()
                } else {
                    &mut any
                };
                group.push((p.clone(), glob, i));
            }
        }
        for (h, globs) in grouped {
            set.globs_by_head.insert(h, GlobGroup::new(globs));
        }
        set.globs_any_head = GlobGroup::new(any);
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
        self.literal_heads.contains(h)
            || self
                .glob_head_set
                .get_or_init(|| {
                    let mut b = GlobSetBuilder::new();
                    self.glob_heads.iter().for_each(|g| {
                        b.add(g.clone());
                    });
                    b.build().ok()
                })
                .as_ref()
                .is_none_or(|set| set.is_match(h))
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
        for g in groups.into_iter().flatten().filter(|g| !g.is_empty()) {
            g.matches_into(name, out);
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
    fn fragments_are_literal_text_only() {
        use super::required_fragments as req;
        assert_eq!(req("*[sS]ort*"), vec!["ort"]);
        assert_eq!(req("flask.*route"), vec!["flask."]);
        assert_eq!(req("*_{bfs,dfs}"), vec!["bfs", "dfs"]);
        assert_eq!(req("*{get,post}_handler"), vec!["_handler"]);
        assert_eq!(req("a\\*b*"), vec!["a*b"]);
        assert_eq!(req("[]x]y"), vec!["y"]);
        assert!(req("*").is_empty());
        let s = set(&[
            "*[sS]ort*",
            "*{Order,order}ing*",
            "*_{bfs,dfs}",
            "{bfs,dfs}",
        ]);
        assert_eq!(s.matches("quick_Sort"), vec![0]);
        assert_eq!(s.matches("field_admin_ordering"), vec![1]);
        assert_eq!(s.matches("graph_dfs"), vec![2]);
        assert_eq!(s.matches("bfs"), vec![3]);
        assert!(s.matches("dfs_").is_empty());
    }

    #[test]
    fn a_pattern_whose_first_name_is_no_glob_alone_still_matches() {
        // `x[.]y`'s first name, cut at the dot, is `x[`: not a glob.
        let s = set(&["x[.]y", "re.compile"]);
        assert!(s.may_match("x.y"));
        assert_eq!(s.matches("x.y"), vec![0]);
        assert_eq!(s.matches("re.compile"), vec![1]);
    }

    #[test]
    fn a_lazy_set_matches_as_the_set_it_builds() {
        let patterns: Vec<String> = ["re.compile", "flask.*route", "langchain_*"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        let lazy = super::LazyNameSet::new(patterns);
        let mut out = Vec::new();
        lazy.matches_into("flask.Flask().route", &mut out);
        assert_eq!(out, vec![1]);
        assert!(lazy.may_match("langchain_core.x"));
        assert!(!lazy.may_match("numpy.array"));
    }

    #[test]
    fn a_malformed_pattern_is_reported_by_index() {
        let p = vec!["ok.*".to_string(), "bad[".to_string()];
        assert_eq!(NameSet::build(&p).err().map(|(i, _)| i), Some(1));
    }
}
