//! `setup.py`, read from its syntax tree (the module's one tree-sitter
//! parse), never run: the keyword arguments of its `setup(...)` call, with
//! literal lists and dicts, and names bound to them at the top of the module
//! (`REQUIREMENTS = [...]`, then `install_requires=REQUIREMENTS`).

use super::is_dev_group;
use super::requirement::Requirement;
use super::{
    DEPS_DEV_SEPARATED, ENTRY_POINTS_PLUGINS, ENTRY_POINTS_SCRIPTS, PROJECT_DEPENDENCIES,
    PROJECT_METADATA, PROJECT_OPTIONAL_GROUPS, PROJECT_REQUIRES_PYTHON, PROJECT_SRC_LAYOUT,
};
use crate::analyze::facts::ConfigFacts;
use std::collections::HashMap;
use tree_sitter::Node;

/// Whether a module path is a setup script.
pub fn is_setup_py(path: &str) -> bool {
    path.rsplit('/').next() == Some("setup.py")
}

/// Facts of the `setup(...)` calls of a module.
pub fn read(root: Node, src: &str) -> ConfigFacts {
    let mut out = ConfigFacts::default();
    let r = Reader {
        src,
        bound: top_level_bindings(root, src),
    };
    let mut stack = vec![root];
    // setup.py files are small; a plain walk over every node is cheap.
    while let Some(n) = stack.pop() {
        if n.kind() == "call" && r.is_setup(n) {
            if let Some(args) = n.child_by_field_name("arguments") {
                r.arguments(args, &mut out);
            }
        }
        for i in (0..n.named_child_count() as u32).rev() {
            if let Some(c) = n.named_child(i) {
                stack.push(c);
            }
        }
    }
    out
}

struct Reader<'s, 't> {
    src: &'s str,
    /// Module-level `NAME = <expression>`.
    bound: HashMap<&'s str, Node<'t>>,
}

pub(crate) fn line(n: Node) -> u32 {
    n.start_position().row as u32 + 1
}

pub(crate) fn text<'s>(n: Node, src: &'s str) -> &'s str {
    src.get(n.byte_range()).unwrap_or("")
}

fn top_level_bindings<'s, 't>(root: Node<'t>, src: &'s str) -> HashMap<&'s str, Node<'t>> {
    let mut out = HashMap::new();
    for i in 0..root.named_child_count() as u32 {
        let Some(stmt) = root.named_child(i) else {
            continue;
        };
        let Some(a) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
            continue;
        };
        if let (Some(left), Some(right)) = (
            a.child_by_field_name("left"),
            a.child_by_field_name("right"),
        ) {
            if left.kind() == "identifier" {
                out.insert(text(left, src), right);
            }
        }
    }
    out
}

/// A plain string literal's value (no f-string interpolation, no bytes).
pub(crate) fn string_value(n: Node, src: &str) -> Option<String> {
    match n.kind() {
        "string" => {
            let mut s = String::new();
            for i in 0..n.named_child_count() as u32 {
                let c = n.named_child(i)?;
                match c.kind() {
                    "string_content" => s.push_str(text(c, src)),
                    "string_start" | "string_end" => {}
                    _ => return None,
                }
            }
            let start = n.named_child(0).map(|c| text(c, src)).unwrap_or("");
            (!start.to_ascii_lowercase().contains(['b', 'f'])).then_some(s)
        }
        "concatenated_string" => {
            let mut s = String::new();
            for i in 0..n.named_child_count() as u32 {
                s.push_str(&string_value(n.named_child(i)?, src)?);
            }
            Some(s)
        }
        _ => None,
    }
}

impl<'s, 't> Reader<'s, 't> {
    fn is_setup(&self, call: Node) -> bool {
        let Some(f) = call.child_by_field_name("function") else {
            return false;
        };
        let t = text(f, self.src);
        t == "setup" || t.ends_with(".setup")
    }

    /// An expression, through one module-level name.
    fn resolve(&self, n: Node<'t>) -> Node<'t> {
        if n.kind() == "identifier" {
            if let Some(v) = self.bound.get(text(n, self.src)) {
                return *v;
            }
        }
        n
    }

    /// Strings of a list or tuple literal, each with its line.
    fn strings(&self, n: Node<'t>) -> Vec<(u32, String)> {
        let n = self.resolve(n);
        if let Some(s) = string_value(n, self.src) {
            return vec![(line(n), s)];
        }
        if !matches!(n.kind(), "list" | "tuple") {
            return Vec::new();
        }
        (0..n.named_child_count() as u32)
            .filter_map(|i| n.named_child(i))
            .filter_map(|c| string_value(c, self.src).map(|s| (line(c), s)))
            .collect()
    }

    /// Entries of a dict literal: key string, key line, value node.
    fn dict(&self, n: Node<'t>) -> Vec<(String, u32, Node<'t>)> {
        let n = self.resolve(n);
        if n.kind() != "dictionary" {
            return Vec::new();
        }
        (0..n.named_child_count() as u32)
            .filter_map(|i| n.named_child(i))
            .filter(|p| p.kind() == "pair")
            .filter_map(|p| {
                let k = p.child_by_field_name("key")?;
                let v = p.child_by_field_name("value")?;
                Some((string_value(k, self.src)?, line(k), v))
            })
            .collect()
    }

    fn requirements(&self, n: Node<'t>, out: &mut ConfigFacts) -> usize {
        let mut count = 0;
        for (l, spec) in self.strings(n) {
            match Requirement::parse(&spec) {
                Ok(r) => {
                    r.state(l, out);
                    count += 1;
                }
                Err(reason) => out.problem(format!(
                    "line {l}: `{spec}` is not a valid requirement: {reason}"
                )),
            }
        }
        count
    }

    fn arguments(&self, args: Node<'t>, out: &mut ConfigFacts) {
        for i in 0..args.named_child_count() as u32 {
            let Some(kw) = args
                .named_child(i)
                .filter(|k| k.kind() == "keyword_argument")
            else {
                continue;
            };
            let (Some(name), Some(value)) = (
                kw.child_by_field_name("name"),
                kw.child_by_field_name("value"),
            ) else {
                continue;
            };
            let at = line(kw);
            match text(name, self.src) {
                "name" => {
                    let declared = string_value(self.resolve(value), self.src);
                    out.name.clone_from(&declared);
                    let v = declared.unwrap_or_else(|| "…".into());
                    out.fact(PROJECT_METADATA, at, format!("setup(name={v:?})"));
                }
                "install_requires" => {
                    let declared = self.requirements(value, out);
                    if declared > 0 {
                        out.fact(PROJECT_DEPENDENCIES, at, "setup(install_requires=...)");
                    }
                }
                "tests_require" => {
                    let declared = self.requirements(value, out);
                    if declared > 0 {
                        out.fact(DEPS_DEV_SEPARATED, at, "setup(tests_require=...)");
                    }
                }
                "extras_require" => {
                    for (group, l, deps) in self.dict(value) {
                        self.requirements(deps, out);
                        out.fact(PROJECT_OPTIONAL_GROUPS, l, format!("extra `{group}`"));
                        if is_dev_group(&group) {
                            out.fact(DEPS_DEV_SEPARATED, l, format!("extra `{group}`"));
                        }
                    }
                }
                "python_requires" => {
                    let v = string_value(self.resolve(value), self.src).unwrap_or_default();
                    out.fact(
                        PROJECT_REQUIRES_PYTHON,
                        at,
                        format!("python_requires={v:?}"),
                    );
                }
                "entry_points" => {
                    for (group, _, targets) in self.dict(value) {
                        let fact = if matches!(group.as_str(), "console_scripts" | "gui_scripts") {
                            ENTRY_POINTS_SCRIPTS
                        } else {
                            ENTRY_POINTS_PLUGINS
                        };
                        for (l, s) in self.strings(targets) {
                            out.fact(fact, l, s.trim().to_string());
                        }
                    }
                }
                "package_dir" => {
                    let to_src = self.dict(value).iter().any(|(_, _, v)| {
                        string_value(self.resolve(*v), self.src)
                            .is_some_and(|s| s.trim_end_matches('/') == "src")
                    });
                    if to_src {
                        out.fact(PROJECT_SRC_LAYOUT, at, "package_dir={\"\": \"src\"}");
                    }
                }
                "packages" => {
                    let t = text(self.resolve(value), self.src);
                    if t.contains("find") && (t.contains("\"src\"") || t.contains("'src'")) {
                        out.fact(PROJECT_SRC_LAYOUT, at, "packages found under src/");
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(src: &str) -> ConfigFacts {
        let mut p = tree_sitter::Parser::new();
        p.set_language(&crate::analyze::python::language()).unwrap();
        let tree = p.parse(src, None).unwrap();
        read(tree.root_node(), src)
    }

    #[test]
    fn setup_keywords_from_the_tree() {
        let out = facts(
            "from setuptools import setup, find_packages\n\nREQUIRES = [\n    'click>=8',\n    'rich',\n]\n\nsetup(\n    name='tool',\n    packages=find_packages(where='src'),\n    package_dir={'': 'src'},\n    install_requires=REQUIRES,\n    extras_require={'dev': ['pytest==8.2.0']},\n    entry_points={'console_scripts': ['tool = tool.cli:main']},\n)\n",
        );
        assert_eq!(
            out.deps,
            vec![
                ("click".into(), 4),
                ("rich".into(), 5),
                ("pytest".into(), 13)
            ]
        );
        let f: Vec<(&str, u32)> = out.facts.iter().map(|f| (f.name, f.line)).collect();
        for want in [
            ("project.metadata", 9),
            ("project.src_layout", 10),
            ("project.src_layout", 11),
            ("project.dependencies", 12),
            ("deps.constrained", 4),
            ("deps.pinned", 13),
            ("deps.dev_separated", 13),
            ("entry_points.scripts", 14),
        ] {
            assert!(f.contains(&want), "{want:?} not in {f:?}");
        }
    }

    #[test]
    fn a_setup_py_without_setup_states_nothing() {
        let out = facts("import os\nprint(os.getcwd())\n");
        assert!(out.facts.is_empty() && out.deps.is_empty());
    }
}
