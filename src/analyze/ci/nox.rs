//! `noxfile.py`, read from its syntax tree (the module's one tree-sitter
//! parse), never run: each `@nox.session` function, and what the commands
//! it runs (`session.run("pytest", "--cov")`) do.

use super::{NOX_COVERAGE, NOX_LINTS, NOX_RUNS_TESTS, NOX_SESSION, NOX_TYPE_CHECKS};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::manifest::setup_py::{line, string_value, text};
use crate::analyze::shell::{self, Action};
use tree_sitter::Node;

/// Whether a module path is a nox configuration.
pub fn is_noxfile(path: &str) -> bool {
    path.rsplit('/').next() == Some("noxfile.py")
}

/// Facts of the sessions of a noxfile.
pub fn read(root: Node, src: &str) -> ConfigFacts {
    let mut out = ConfigFacts::default();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.kind() == "decorated_definition" {
            if let Some(def) = session_def(n, src) {
                session(def, src, &mut out);
                continue;
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

/// The function a `@nox.session` (or `@session`, `@nox.session(...)`) decorates.
fn session_def<'t>(decorated: Node<'t>, src: &str) -> Option<Node<'t>> {
    let is_session = (0..decorated.named_child_count() as u32)
        .filter_map(|i| decorated.named_child(i))
        .filter(|d| d.kind() == "decorator")
        .any(|d| {
            let t = text(d, src).trim_start_matches('@');
            let name = t.split('(').next().unwrap_or(t).trim();
            name == "nox.session" || name == "session"
        });
    let def = decorated.child_by_field_name("definition")?;
    (is_session && def.kind() == "function_definition").then_some(def)
}

fn session(def: Node, src: &str, out: &mut ConfigFacts) {
    let name = def
        .child_by_field_name("name")
        .map(|n| text(n, src))
        .unwrap_or("?");
    out.fact(NOX_SESSION, line(def), format!("session `{name}`"));
    // The session object is the function's first parameter.
    let param = def
        .child_by_field_name("parameters")
        .and_then(|p| p.named_child(0))
        .map(|p| match p.kind() {
            "identifier" => text(p, src),
            _ => p.named_child(0).map_or("", |n| text(n, src)),
        })
        .unwrap_or("session");
    let Some(body) = def.child_by_field_name("body") else {
        return;
    };
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if n.kind() == "call" {
            if let Some(words) = run_words(n, param, src) {
                let acts = shell::classify(&words);
                let shown = words.join(" ");
                for (act, fact) in [
                    (Action::RunsTests, NOX_RUNS_TESTS),
                    (Action::Lints, NOX_LINTS),
                    (Action::PreCommit, NOX_LINTS),
                    (Action::TypeChecks, NOX_TYPE_CHECKS),
                    (Action::Coverage, NOX_COVERAGE),
                ] {
                    if acts.contains(&act) {
                        out.fact(fact, line(n), format!("session `{name}`: {shown}"));
                    }
                }
            }
        }
        for i in (0..n.named_child_count() as u32).rev() {
            if let Some(c) = n.named_child(i) {
                stack.push(c);
            }
        }
    }
}

/// The command of `session.run("pytest", "-q", ...)`: its literal string
/// arguments (`*session.posargs` and other expressions are left out).
fn run_words(call: Node, param: &str, src: &str) -> Option<Vec<String>> {
    let f = call.child_by_field_name("function")?;
    let t = text(f, src);
    let (object, method) = t.rsplit_once('.')?;
    if object != param || !matches!(method, "run" | "run_always" | "run_install") {
        return None;
    }
    let args = call.child_by_field_name("arguments")?;
    let words: Vec<String> = (0..args.named_child_count() as u32)
        .filter_map(|i| args.named_child(i))
        .map_while(|a| string_value(a, src))
        .collect();
    (!words.is_empty()).then_some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(src: &str) -> Vec<String> {
        let mut p = tree_sitter::Parser::new();
        p.set_language(&crate::analyze::python::language()).unwrap();
        let tree = p.parse(src, None).unwrap();
        read(tree.root_node(), src).fact_lines()
    }

    #[test]
    fn sessions_and_what_they_run() {
        let f = facts(concat!(
            "import nox\n",                                               // 1
            "\n",                                                         // 2
            "@nox.session(python=[\"3.11\", \"3.12\"])\n",                // 3
            "def tests(session):\n",                                      // 4
            "    session.install(\"-e\", \".[test]\")\n",                 // 5
            "    session.run(\"pytest\", \"--cov\", *session.posargs)\n", // 6
            "\n",                                                         // 7
            "@nox.session\n",                                             // 8
            "def lint(s):\n",                                             // 9
            "    s.run(\"ruff\", \"check\", \".\")\n",                    // 10
            "    s.run(\"mypy\", \"src\")\n",                             // 11
            "\n",                                                         // 12
            "def helper(session):\n",                                     // 13
            "    session.run(\"pytest\")\n",                              // 14
        ));
        assert_eq!(
            f,
            vec![
                "nox.coverage:6",
                "nox.lints:10",
                "nox.runs_tests:6",
                "nox.session:4",
                "nox.session:9",
                "nox.type_checks:11",
            ]
        );
    }
}
