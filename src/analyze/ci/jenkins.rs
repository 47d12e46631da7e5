//! Jenkinsfiles (declarative and scripted): `sh`/`bat`/`powershell` steps
//! and the scripts in their string arguments, `stage` blocks (the jobs),
//! `matrix { axes { ... } }`, `docker.build(...)`, `cron(...)` triggers,
//! `when { tag ... }` and `buildingTag()`, and the plugin steps
//! `rules/tools/ci_steps.toml` names.

use super::groovy::{self, Tok, Token};
use super::known;
use super::record::{Combos, Did, Recorder, CI};
use super::{CI_PIPELINE, CI_RELEASE_TRIGGER, CI_SCHEDULED};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::shell::{Action, Dialect};

/// A `{ ... }` block and the call it belongs to (`stage('Test') {`).
struct Block {
    name: String,
    /// The call's first string argument: a stage's name.
    label: String,
    line: u32,
    did: Did,
    /// Steps inside it and not inside a nested stage: a stage holding
    /// only stages (a matrix's, a parallel group's) is not itself a job.
    own_steps: bool,
    /// Whether any call is written directly in it: a declarative `steps { }`
    /// block with `echo`, `junit` or `checkout scm` is a job's steps too.
    calls: bool,
    /// For a `matrix` block: the number of values of each axis.
    axes: Vec<u64>,
}

pub(super) fn analyze(text: &str) -> ConfigFacts {
    let (toks, problems) = groovy::lex(text);
    let mut r = Recorder::new(&CI);
    for p in problems {
        r.problem(p);
    }
    let mut stack: Vec<Block> = Vec::new();
    // Steps outside any stage (scripted pipelines): the pipeline is at the first.
    let mut loose: Option<u32> = None;
    let mut any_stage = false;
    for (i, t) in toks.iter().enumerate() {
        match &t.tok {
            Tok::Punct('{') => {
                let (name, label) = block_name(&toks, i);
                stack.push(Block {
                    name,
                    label,
                    line: t.line,
                    did: Did::default(),
                    own_steps: false,
                    calls: false,
                    axes: Vec::new(),
                });
            }
            Tok::Punct('}') => {
                if let Some(b) = stack.pop() {
                    any_stage |= close(&mut r, b, stack.last_mut());
                }
            }
            Tok::Ident(name) => {
                if let Some(b) = stack.last_mut() {
                    b.calls = true;
                }
                let prev = i.checked_sub(1).and_then(|j| toks.get(j)).map(|t| &t.tok);
                // `x.sh`, `def sh`: not a step.
                if matches!(prev, Some(Tok::Punct('.')))
                    || matches!(prev, Some(Tok::Ident(d)) if d == "def")
                {
                    continue;
                }
                let mut did = Did::default();
                step(&mut r, &toks, i, name, &mut stack, &mut did);
                if did.steps {
                    if let Some(b) = stack.last_mut() {
                        b.did.add(did);
                        b.own_steps = true;
                    }
                    if !stack.iter().any(|b| b.name == "stage") && loose.is_none() {
                        loose = Some(t.line);
                    }
                }
            }
            _ => {}
        }
    }
    // An unterminated file leaves blocks open: close them.
    while let Some(b) = stack.pop() {
        any_stage |= close(&mut r, b, stack.last_mut());
    }
    if let (Some(line), false) = (loose, any_stage) {
        r.fact(CI_PIPELINE, line, "steps outside a stage");
    }
    r.finish()
}

/// Closes a block: a stage with steps is a pipeline job; a matrix states
/// its combinations. Returns whether it was a stage with steps.
fn close(r: &mut Recorder, b: Block, parent: Option<&mut Block>) -> bool {
    let stage = b.name == "stage" && b.own_steps;
    if stage {
        r.fact(CI_PIPELINE, b.line, format!("stage `{}`", b.label));
    }
    if b.name == "matrix" {
        let n = if b.axes.is_empty() {
            0
        } else {
            b.axes.iter().product()
        };
        r.matrix(b.line, Combos::Known(n), b.did);
    }
    if let Some(p) = parent {
        p.did.add(b.did);
        p.own_steps |= (b.own_steps && b.name != "stage") || (b.name == "steps" && b.calls);
    }
    stage
}

/// The name of the call a `{` at `i` opens (`steps {`, `stage('x') {`,
/// `node {`) and its first string argument (`x`).
fn block_name(toks: &[Token], i: usize) -> (String, String) {
    let none = (String::new(), String::new());
    let Some(j) = i.checked_sub(1) else {
        return none;
    };
    match &toks[j].tok {
        Tok::Ident(n) => (n.clone(), String::new()),
        Tok::Punct(')') => {
            let mut depth = 0i32;
            let mut k = j;
            let mut label = String::new();
            loop {
                match &toks[k].tok {
                    Tok::Punct(')') => depth += 1,
                    Tok::Punct('(') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Tok::Str(s) if depth == 1 => label = s.clone(),
                    _ => {}
                }
                match k.checked_sub(1) {
                    Some(n) => k = n,
                    None => return none,
                }
            }
            match k.checked_sub(1).map(|n| &toks[n].tok) {
                Some(Tok::Ident(n)) => (n.clone(), label),
                _ => none,
            }
        }
        _ => none,
    }
}

/// What an identifier at `i` does as a step.
fn step(
    r: &mut Recorder,
    toks: &[Token],
    i: usize,
    name: &str,
    stack: &mut [Block],
    did: &mut Did,
) {
    let line = toks[i].line;
    let next = toks.get(i + 1).map(|t| &t.tok);
    let called = matches!(next, Some(Tok::Punct('(') | Tok::Str(_)))
        || matches!(next, Some(Tok::Ident(_)))
            && matches!(toks.get(i + 2).map(|t| &t.tok), Some(Tok::Punct(':')));
    match name {
        "sh" | "bat" | "powershell" | "pwsh" => {
            let dialect = match name {
                "sh" => Dialect::Posix,
                "bat" => Dialect::Cmd,
                _ => Dialect::PowerShell,
            };
            for (script, at) in script_args(toks, i) {
                did.steps = true;
                r.script(&script, at, dialect, did);
            }
        }
        "docker" => {
            let build = matches!(next, Some(Tok::Punct('.')))
                && matches!(toks.get(i + 2).map(|t| &t.tok), Some(Tok::Ident(b)) if b == "build");
            if build {
                r.actions(line, &[Action::BuildsImage], "docker.build", did);
            }
        }
        "cron" | "parameterizedCron" if called => {
            let spec = first_string(toks, i).unwrap_or_default();
            r.fact(CI_SCHEDULED, line, format!("cron {}", spec.trim()));
        }
        "buildingTag" => r.fact(CI_RELEASE_TRIGGER, line, "buildingTag()"),
        "tag" if called && stack.last().is_some_and(|b| b.name == "when") => {
            r.fact(CI_RELEASE_TRIGGER, line, "when { tag }");
        }
        "values" if stack.iter().any(|b| b.name == "axis") => {
            let n = values_count(toks, i + 1);
            if let Some(m) = stack.iter_mut().rev().find(|b| b.name == "matrix") {
                m.axes.push(n);
            }
        }
        // `publishCoverage(...)`, `sshPublisher(...)`: rules/tools/ci_steps.toml.
        _ if called => {
            let acts = known::jenkins_step(name);
            if !acts.is_empty() {
                r.actions(line, &acts, name, did);
            }
        }
        _ => {}
    }
}

/// The string arguments of `sh` at `i` that hold its script: `sh 'x'`,
/// `sh('x')`, `sh(script: 'x', returnStdout: true)`, `sh label: 'a', script: 'x'`.
fn script_args(toks: &[Token], i: usize) -> Vec<(String, u32)> {
    let tok = |j: usize| toks.get(j).map(|t| &t.tok);
    let string_at = |j: usize| match toks.get(j) {
        Some(Token {
            tok: Tok::Str(s),
            line,
        }) => Some((s.clone(), *line)),
        _ => None,
    };
    match tok(i + 1) {
        Some(Tok::Str(_)) => string_at(i + 1).into_iter().collect(),
        Some(Tok::Punct('(')) => {
            let mut depth = 0i32;
            let mut positional = None;
            let mut j = i + 1;
            while let Some(t) = tok(j) {
                match t {
                    Tok::Punct('(' | '[' | '{') => depth += 1,
                    Tok::Punct(')' | ']' | '}') => {
                        depth -= 1;
                        if depth <= 0 {
                            break;
                        }
                    }
                    Tok::Ident(n)
                        if depth == 1 && n == "script" && tok(j + 1) == Some(&Tok::Punct(':')) =>
                    {
                        return string_at(j + 2).into_iter().collect();
                    }
                    Tok::Str(_)
                        if depth == 1
                            && positional.is_none()
                            // A named argument's value is not the script.
                            && j.checked_sub(1).and_then(tok) != Some(&Tok::Punct(':')) =>
                    {
                        positional = string_at(j);
                    }
                    _ => {}
                }
                j += 1;
            }
            positional.into_iter().collect()
        }
        Some(Tok::Ident(_)) if tok(i + 2) == Some(&Tok::Punct(':')) => {
            // Named arguments without parentheses run to the end of the
            // statement: a line that does not end with a comma.
            let mut j = i + 1;
            while let Some(t) = toks.get(j) {
                if let (Tok::Ident(n), Some(Tok::Punct(':'))) = (&t.tok, tok(j + 1)) {
                    if n == "script" {
                        return string_at(j + 2).into_iter().collect();
                    }
                }
                let ends =
                    toks.get(j + 1).is_none_or(|n| n.line > t.line) && t.tok != Tok::Punct(',');
                if ends {
                    break;
                }
                j += 1;
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The first string argument of a call at `i`: `cron('H 4 * * *')`, `cron 'x'`.
fn first_string(toks: &[Token], i: usize) -> Option<String> {
    toks.iter().skip(i + 1).take(3).find_map(|t| match &t.tok {
        Tok::Str(s) => Some(s.clone()),
        _ => None,
    })
}

/// How many values `values 'a', 'b', 'c'` lists from `j`.
fn values_count(toks: &[Token], j: usize) -> u64 {
    let mut n = 0;
    let mut k = j;
    if toks.get(k).map(|t| &t.tok) == Some(&Tok::Punct('(')) {
        k += 1;
    }
    while let Some(Tok::Str(_)) = toks.get(k).map(|t| &t.tok) {
        n += 1;
        if toks.get(k + 1).map(|t| &t.tok) != Some(&Tok::Punct(',')) {
            break;
        }
        k += 2;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Vec<String> {
        analyze(text).fact_lines()
    }

    #[test]
    fn step_argument_forms() {
        let f = facts(concat!(
            "node {\n",                                           // 1
            "  sh(script: 'ruff check .', returnStatus: true)\n", // 2
            "  sh label: 'types', script: 'mypy src'\n",          // 3
            "  sh(label: 'cov', script: \"\"\"\n",                // 4
            "    coverage report --fail-under=80\n",              // 5
            "  \"\"\")\n",                                        // 6
            "  bat 'tox -e py311'\n",                             // 7
            "  sh returnStdout: true,\n",                         // 8
            "     script: 'pip-audit'\n",                         // 9
            "  def sh = 'pytest'\n",                              // 10
            "}\n",
        ));
        assert_eq!(
            f,
            vec![
                "ci.coverage:5",
                "ci.coverage_threshold:5",
                "ci.lints:2",
                "ci.pipeline:2",
                "ci.runs_tests:7",
                "ci.security_scan:9",
                "ci.type_checks:3",
            ]
        );
    }

    #[test]
    fn stages_matrix_and_triggers() {
        let f = facts(concat!(
            "pipeline {\n",                                                 // 1
            "  triggers { cron('H 3 * * *') }\n",                           // 2
            "  stages {\n",                                                 // 3
            "    stage('Test') {\n",                                        // 4
            "      matrix {\n",                                             // 5
            "        axes { axis { name 'PY'; values '3.11', '3.12' } }\n", // 6
            "        stages { stage('t') { steps { sh 'pytest' } } }\n",    // 7
            "      }\n",
            "    }\n",
            "    stage('Publish') {\n",                         // 10
            "      when { tag 'v*' }\n",                        // 11
            "      steps { script { docker.build('app') } }\n", // 12
            "    }\n",
            "  }\n",
            "}\n",
        ));
        assert_eq!(
            f,
            vec![
                "ci.builds_image:12",
                "ci.matrix:5",
                "ci.pipeline:10",
                "ci.pipeline:7",
                "ci.release_trigger:11",
                "ci.runs_tests:7",
                "ci.scheduled:2",
                "ci.tests_on_matrix:5",
            ]
        );
    }

    #[test]
    fn declarative_steps_without_scripts() {
        let f = facts("pipeline {\n  agent any\n  stages {\n    stage('Hello') {\n      steps {\n        echo 'hi'\n      }\n    }\n    stage('Empty') {\n      agent any\n      steps { }\n    }\n  }\n}\n");
        assert_eq!(f, vec!["ci.pipeline:4"]);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for text in [
            "}}}{",
            "sh",
            "sh(",
            "sh(script:",
            "sh label:",
            "values",
            "axis { values",
            "docker.",
            "stage(",
            ")",
            "cron(",
        ] {
            let _ = analyze(text);
        }
    }
}
