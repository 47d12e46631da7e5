//! What a pipeline's commands and steps do, stated as facts at their lines.
//! Shared by every format: each parser finds the scripts and named steps
//! of its format, and this module turns them into `ci.*` (or `tox.*`) facts.

use super::{
    CI_BUILDS_IMAGE, CI_COVERAGE, CI_COVERAGE_THRESHOLD, CI_DEPLOYS, CI_INSTALLS_LOCKED, CI_LINTS,
    CI_MATRIX, CI_PRE_COMMIT, CI_PUBLISHES, CI_RUNS_TESTS, CI_SECURITY_SCAN, CI_TESTS_ON_MATRIX,
    CI_TYPE_CHECKS, CI_TYPE_CHECKS_STRICT, TOX_COVERAGE, TOX_LINTS, TOX_PRE_COMMIT, TOX_PUBLISHES,
    TOX_RUNS_TESTS, TOX_SECURITY_SCAN, TOX_TYPE_CHECKS, TOX_TYPE_CHECKS_STRICT,
};
use crate::analyze::facts::{ConfigFacts, FactInfo};
use crate::analyze::shell::{self, Action, Command, Dialect};
use crate::analyze::yaml::{self, Node, Value};
use std::collections::BTreeSet;

/// The fact names one analyzer states for what commands do; `None` where
/// the format cannot do it (a tox environment does not deploy).
pub(super) struct Names {
    pub runs_tests: &'static FactInfo,
    pub lints: &'static FactInfo,
    pub type_checks: &'static FactInfo,
    pub type_checks_strict: &'static FactInfo,
    pub coverage: &'static FactInfo,
    pub coverage_threshold: Option<&'static FactInfo>,
    pub pre_commit: &'static FactInfo,
    pub security_scan: &'static FactInfo,
    pub publishes: &'static FactInfo,
    pub builds_image: Option<&'static FactInfo>,
    pub deploys: Option<&'static FactInfo>,
    pub installs_locked: Option<&'static FactInfo>,
}

pub(super) const CI: Names = Names {
    runs_tests: CI_RUNS_TESTS,
    lints: CI_LINTS,
    type_checks: CI_TYPE_CHECKS,
    type_checks_strict: CI_TYPE_CHECKS_STRICT,
    coverage: CI_COVERAGE,
    coverage_threshold: Some(CI_COVERAGE_THRESHOLD),
    pre_commit: CI_PRE_COMMIT,
    security_scan: CI_SECURITY_SCAN,
    publishes: CI_PUBLISHES,
    builds_image: Some(CI_BUILDS_IMAGE),
    deploys: Some(CI_DEPLOYS),
    installs_locked: Some(CI_INSTALLS_LOCKED),
};

pub(super) const TOX: Names = Names {
    runs_tests: TOX_RUNS_TESTS,
    lints: TOX_LINTS,
    type_checks: TOX_TYPE_CHECKS,
    type_checks_strict: TOX_TYPE_CHECKS_STRICT,
    coverage: TOX_COVERAGE,
    coverage_threshold: None,
    pre_commit: TOX_PRE_COMMIT,
    security_scan: TOX_SECURITY_SCAN,
    publishes: TOX_PUBLISHES,
    builds_image: None,
    deploys: None,
    installs_locked: None,
};

/// What the steps of one job did: whether it has any, and whether one runs
/// the tests (so the job's matrix can say the tests run on it).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Did {
    pub steps: bool,
    pub tests: bool,
}

impl Did {
    pub fn add(&mut self, other: Did) {
        self.steps |= other.steps;
        self.tests |= other.tests;
    }
}

/// Facts being stated about one file, with the names its format uses.
pub(super) struct Recorder {
    pub out: ConfigFacts,
    names: &'static Names,
    /// Facts stated so far, by name and line: one line states a fact once,
    /// with the first command's detail (a script read once per matrix value
    /// would otherwise state it once per value).
    seen: BTreeSet<(&'static str, u32)>,
}

impl Recorder {
    pub fn new(names: &'static Names) -> Self {
        Recorder {
            out: ConfigFacts::default(),
            names,
            seen: BTreeSet::new(),
        }
    }

    pub fn fact(&mut self, fact: &'static FactInfo, line: u32, detail: impl Into<String>) {
        if self.seen.insert((fact.name, line)) {
            self.out.fact(fact, line, detail);
        }
    }

    pub fn problem(&mut self, message: impl Into<String>) {
        self.out.problem(message);
    }

    /// Every document of a YAML file, or a problem saying where it is broken.
    pub fn load_yaml(&mut self, text: &str) -> Vec<Node> {
        match yaml::load(text) {
            Ok(docs) => docs,
            Err(e) => {
                // GitHub, GitLab and PyYAML accept a flow list closed at its
                // key's indentation (`name: [` ... `]`), which the YAML spec
                // (and saphyr) reject; indenting the closing line changes
                // nothing else, so such a file is read again that way.
                if let Some(docs) =
                    closer_at(text, e.line).and_then(|_| yaml::load(&indent_closers(text)).ok())
                {
                    return docs;
                }
                self.problem(e.to_string());
                Vec::new()
            }
        }
    }

    /// The documents that are mappings, as every CI format's top level is;
    /// another shape is a problem naming its line (`line 1: <what>, not a list`).
    pub fn mapping_documents(&mut self, text: &str, what: &str) -> Vec<Node> {
        let mut docs = self.load_yaml(text);
        docs.retain(|doc| {
            let ok = doc.is_map();
            if !ok && !matches!(doc.value, Value::Null) {
                self.problem(format!("line {}: {what}, not {}", doc.line, shape(doc)));
            }
            ok
        });
        docs
    }

    /// The commands of a script that starts on `first_line`, each stated at its own line.
    pub fn script(&mut self, text: &str, first_line: u32, dialect: Dialect, did: &mut Did) {
        for c in shell::commands_in(text, dialect) {
            did.steps = true;
            let acts = shell::classify(&c.words);
            self.command(first_line + c.line, &c, &acts, did);
        }
    }

    /// A script given as a YAML scalar (`run: |` blocks start on the next line).
    pub fn script_node(&mut self, node: &Node, dialect: Dialect, did: &mut Did) {
        if let Value::Scalar { text, block } = &node.value {
            self.script(text, node.line + u32::from(*block), dialect, did);
        }
    }

    /// A script given as one string or a list of them (`script:` in GitLab,
    /// Travis, Bitbucket): each item is a script of its own.
    pub fn script_list(&mut self, node: &Node, dialect: Dialect, did: &mut Did) {
        for s in node.strings() {
            self.script_node(s, dialect, did);
        }
    }

    fn command(&mut self, line: u32, c: &Command, acts: &[Action], did: &mut Did) {
        if acts.is_empty() {
            return;
        }
        let detail = c.display();
        self.actions(line, acts, &detail, did);
        let has = |w: &str| {
            c.words
                .iter()
                .any(|x| x == w || x.starts_with(&format!("{w}=")))
        };
        if acts.contains(&Action::TypeChecks) && has("--strict") {
            self.fact(self.names.type_checks_strict, line, detail.clone());
        }
        let threshold = has("--cov-fail-under")
            || (c.words.iter().any(|w| w == "coverage") && has("--fail-under"));
        if let (Some(name), true) = (self.names.coverage_threshold, threshold) {
            self.fact(name, line, detail);
        }
    }

    /// States what a step does, as found by a command or a named step (an action, an orb, a task).
    pub fn actions(&mut self, line: u32, acts: &[Action], detail: &str, did: &mut Did) {
        did.steps = true;
        let pre_commit = acts.contains(&Action::PreCommit);
        for a in acts {
            let n = self.names;
            let name = match a {
                Action::RunsTests => {
                    did.tests = true;
                    Some(n.runs_tests)
                }
                // The hooks decide what `pre-commit run` lints: that is the
                // pre-commit configuration's fact, not this command's.
                Action::Lints if pre_commit => None,
                Action::Lints => Some(n.lints),
                Action::TypeChecks => Some(n.type_checks),
                Action::Coverage => Some(n.coverage),
                Action::PreCommit => Some(n.pre_commit),
                Action::SecurityScan => Some(n.security_scan),
                Action::Publishes => Some(n.publishes),
                Action::BuildsImage => n.builds_image,
                Action::Deploys => n.deploys,
                Action::InstallsLocked => n.installs_locked,
                Action::InstallsRequirements | Action::Serves => None,
            };
            if let Some(name) = name {
                self.fact(name, line, detail);
            }
        }
    }

    /// A matrix of `combos` at `line`: stated when it has at least two
    /// combinations, and as a matrix the tests run on when the job runs them.
    pub fn matrix(&mut self, line: u32, combos: Combos, did: Did) {
        let detail = match combos {
            Combos::Known(n) if n >= 2 => format!("matrix of {n} combinations"),
            Combos::Known(_) => return,
            Combos::Computed => "matrix computed by an expression".to_string(),
        };
        if did.tests {
            self.fact(CI_TESTS_ON_MATRIX, line, detail.clone());
        }
        self.fact(CI_MATRIX, line, detail);
    }

    pub fn finish(self) -> ConfigFacts {
        self.out
    }
}

/// What a node is, for a problem about a wrong shape.
pub(super) fn shape(n: &Node) -> &'static str {
    match n.value {
        Value::Seq(_) => "a list",
        Value::Scalar { .. } => "a single value",
        Value::Map(_) => "a mapping",
        Value::Null => "empty",
    }
}

/// Whether line `line` (1-based) holds only a flow collection's closing bracket.
fn closer_at(text: &str, line: u32) -> Option<()> {
    let l = text.lines().nth(line.checked_sub(1)? as usize)?;
    l.trim_start().starts_with([']', '}']).then_some(())
}

/// The text with every line that starts with `]` or `}` indented further.
fn indent_closers(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for l in text.split_inclusive('\n') {
        if l.trim_start().starts_with([']', '}']) {
            out.push_str("  ");
        }
        out.push_str(l);
    }
    out
}

/// How many combinations a matrix has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Combos {
    Known(u64),
    /// Given by an expression (`${{ fromJSON(...) }}`): written to fan out,
    /// so counted as a matrix.
    Computed,
}

/// The number of values a matrix axis lists: a list's length, 1 for a
/// scalar, `None` for an expression that computes the list.
pub(super) fn axis_len(node: &Node) -> Option<u64> {
    match &node.value {
        Value::Seq(items) => Some(items.len() as u64),
        Value::Scalar { text, .. } if is_expression(text) => None,
        Value::Null => Some(0),
        _ => Some(1),
    }
}

/// A template expression a CI service evaluates (`${{ matrix.os }}`, `$[ ... ]`).
pub(super) fn is_expression(text: &str) -> bool {
    text.contains("${{") || text.contains("$[")
}

/// The product of the axes' lengths; `Computed` when one is an expression.
pub(super) fn product<'a>(axes: impl Iterator<Item = &'a Node>) -> Combos {
    let mut n: u64 = 1;
    for a in axes {
        match axis_len(a) {
            Some(k) => n = n.saturating_mul(k),
            None => return Combos::Computed,
        }
    }
    Combos::Known(n)
}

/// The shell a `shell:` value names; `None` for one that is not a shell
/// (`shell: python` runs the step as Python code).
pub(super) fn dialect_of(shell: &str) -> Option<Dialect> {
    let program = shell.split_whitespace().next().unwrap_or("");
    let program = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let program = program.to_ascii_lowercase();
    match program.strip_suffix(".exe").unwrap_or(&program) {
        "pwsh" | "powershell" => Some(Dialect::PowerShell),
        "cmd" => Some(Dialect::Cmd),
        "bash" | "sh" | "zsh" | "dash" | "ash" | "ksh" | "" => Some(Dialect::Posix),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_lists_closed_at_their_key_are_read() {
        let text = "jobs:\n  t:\n    strategy:\n      matrix:\n        py: [\n          \"3.11\",\n          \"3.12\",\n        ]\n    steps:\n      - run: pytest\n";
        assert!(
            yaml::load(text).is_err(),
            "saphyr now accepts it; the retry can go"
        );
        let mut r = Recorder::new(&CI);
        let docs = r.load_yaml(text);
        assert!(r.out.problems.is_empty(), "{:?}", r.out.problems);
        let py = docs[0]
            .get("jobs")
            .and_then(|j| j.get("t"))
            .and_then(|t| t.get("strategy"));
        let py = py.and_then(|s| s.get("matrix")).and_then(|m| m.get("py"));
        assert_eq!(py.map(|p| p.items().len()), Some(2));
        // Lines keep their numbers.
        assert_eq!(
            docs[0]
                .get("jobs")
                .and_then(|j| j.get("t"))
                .and_then(|t| t.get("steps"))
                .map(|s| s.items()[0].line),
            Some(10)
        );
        // Other errors are still problems.
        let mut r = Recorder::new(&CI);
        assert!(r.load_yaml("a:\n\t- b\n").is_empty());
        assert_eq!(r.out.problems.len(), 1);
    }
}
