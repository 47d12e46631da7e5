//! GitHub Actions: workflows (`on:` triggers, `jobs.<id>.steps`, matrices,
//! reusable-workflow jobs) and the repository's composite actions.

use super::known;
use super::record::{self, Combos, Did, Recorder, CI};
use super::{CI_DEPLOYS, CI_PIPELINE, CI_RELEASE_TRIGGER, CI_SCHEDULED};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::shell::Dialect;
use crate::analyze::yaml::{Node, Value};

/// A workflow file: its triggers and each job.
pub(super) fn workflow(text: &str) -> ConfigFacts {
    let mut r = Recorder::new(&CI);
    for doc in r.mapping_documents(text, "a workflow is a mapping with `on:` and `jobs:`") {
        if let Some((key, on)) = doc.entry("on") {
            triggers(&mut r, key.line, on);
        }
        let default_shell = run_shell(&doc);
        for (key, job) in doc.get("jobs").map(Node::entries).unwrap_or_default() {
            self::job(&mut r, &key.text, key.line, job, default_shell);
        }
    }
    r.finish()
}

/// A composite action (`runs.steps`): what its steps do. Not a pipeline
/// by itself; the workflows that use it are.
pub(super) fn composite_action(text: &str) -> ConfigFacts {
    let mut r = Recorder::new(&CI);
    for doc in r.load_yaml(text) {
        let Some(runs) = doc.get("runs") else {
            continue;
        };
        let mut did = Did::default();
        for step in runs.get("steps").map(Node::items).unwrap_or_default() {
            self::step(&mut r, step, Some(Dialect::Posix), &[], &mut did);
        }
    }
    r.finish()
}

/// `on:` as an event name, a list of them, or a mapping of events to filters.
fn triggers(r: &mut Recorder, line: u32, on: &Node) {
    match &on.value {
        Value::Scalar { text, .. } if text == "release" => {
            r.fact(CI_RELEASE_TRIGGER, line, "on: release");
        }
        Value::Seq(events) => {
            for e in events {
                if e.as_str() == Some("release") {
                    r.fact(CI_RELEASE_TRIGGER, e.line, "on: release");
                }
            }
        }
        Value::Map(_) => {
            if let Some((k, _)) = on.entry("release") {
                r.fact(CI_RELEASE_TRIGGER, k.line, "on: release");
            }
            if let Some((k, _)) = on.get("push").and_then(|p| p.entry("tags")) {
                r.fact(CI_RELEASE_TRIGGER, k.line, "on: push: tags");
            }
            for item in on.get("schedule").map(Node::items).unwrap_or_default() {
                if let Some(cron) = item.get("cron") {
                    let expr = cron.as_str().unwrap_or("");
                    r.fact(CI_SCHEDULED, cron.line, format!("cron {expr}"));
                }
            }
        }
        _ => {}
    }
}

/// `defaults.run.shell` of a workflow or job.
fn run_shell(n: &Node) -> Option<&str> {
    n.get("defaults")?.get("run")?.get("shell")?.as_str()
}

/// A job: its steps (or the reusable workflow it calls), its matrix, and
/// an `if:` that runs it only for tags or releases.
fn job(r: &mut Recorder, name: &str, line: u32, job: &Node, default_shell: Option<&str>) {
    if !job.is_map() {
        return;
    }
    if let Some(cond) = job.get("if") {
        release_condition(r, cond);
    }
    let windows = job
        .get("runs-on")
        .map(|n| {
            n.strings().iter().any(|s| {
                s.as_str()
                    .is_some_and(|t| t.to_ascii_lowercase().contains("windows"))
            })
        })
        .unwrap_or(false);
    // The shell a `run:` uses when its step names none.
    let dialect = match run_shell(job).or(default_shell) {
        Some(s) => record::dialect_of(s),
        None if windows => Some(Dialect::PowerShell),
        None => Some(Dialect::Posix),
    };
    let matrix = job.get("strategy").and_then(|s| s.get("matrix"));
    let vars = matrix.map(matrix_values).unwrap_or_default();
    let mut did = Did::default();
    for step in job.get("steps").map(Node::items).unwrap_or_default() {
        self::step(r, step, dialect, &vars, &mut did);
    }
    let calls = job.get("uses").and_then(Node::as_str);
    if did.steps {
        r.fact(CI_PIPELINE, line, format!("job `{name}`"));
        // Deploy steps are often the project's own scripts (`./release.sh`,
        // an ssh command): a job named for deploying says what they do.
        let title = job.get("name").and_then(Node::as_str).unwrap_or("");
        if super::named_for_deploying(name) || super::named_for_deploying(title) {
            r.fact(CI_DEPLOYS, line, format!("job `{name}` deploys"));
        }
    } else if let Some(workflow) = calls {
        r.fact(CI_PIPELINE, line, format!("job `{name}` calls {workflow}"));
    }
    if let Some((k, m)) = job.get("strategy").and_then(|s| s.entry("matrix")) {
        r.matrix(k.line, combos(m), did);
    }
}

/// One step: a `run:` script in its shell, or a `uses:` action.
fn step(
    r: &mut Recorder,
    step: &Node,
    job_dialect: Option<Dialect>,
    vars: &[(String, Vec<String>)],
    did: &mut Did,
) {
    if !step.is_map() {
        r.problem(format!(
            "line {}: a step is a mapping with `run:` or `uses:`, not {}",
            step.line,
            record::shape(step)
        ));
        return;
    }
    did.steps = true;
    if let Some(cond) = step.get("if") {
        release_condition(r, cond);
    }
    if let Some(run) = step.get("run") {
        let dialect = match step.get("shell").and_then(Node::as_str) {
            Some(s) => record::dialect_of(s),
            None => job_dialect,
        };
        if let Some(d) = dialect {
            if let Value::Scalar { text, block } = &run.value {
                let first = run.line + u32::from(*block);
                let mut budget = MAX_EXPANSIONS;
                for script in expand_matrix(text, vars, &mut budget) {
                    r.script(&script, first, d, did);
                }
            }
        }
    }
    if let Some(uses) = step.get("uses") {
        let name = uses.as_str().unwrap_or("");
        let acts = known::github_action(name, step.get("with"));
        r.actions(uses.line, &acts, &format!("uses {name}"), did);
    }
}

/// A script is read once per value of the matrix variables it names, at
/// most this many times.
const MAX_EXPANSIONS: usize = 32;

/// Each variable of a matrix (`python-version`, `tox_env`) with the values
/// its axis lists and its `include` entries set.
fn matrix_values(m: &Node) -> Vec<(String, Vec<String>)> {
    let mut vars: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |name: &str, value: &Node| {
        let Some(v) = value.as_str().filter(|v| !v.contains('\n')) else {
            return;
        };
        match vars.iter_mut().find(|(n, _)| n == name) {
            Some((_, values)) => {
                if !values.iter().any(|x| x == v) {
                    values.push(v.to_string());
                }
            }
            None => vars.push((name.to_string(), vec![v.to_string()])),
        }
    };
    for (k, v) in m.entries() {
        match k.text.as_str() {
            "exclude" => {}
            "include" => {
                for entry in v.items() {
                    for (ik, iv) in entry.entries() {
                        add(&ik.text, iv);
                    }
                }
            }
            name => {
                for item in v.items() {
                    add(name, item);
                }
            }
        }
    }
    vars
}

/// The script with each `${{ matrix.NAME }}` replaced by each value the
/// matrix gives NAME (`tox -e ${{ matrix.env }}` is read as `tox -e lint`,
/// `tox -e type`, ...); unknown variables stay as written.
fn expand_matrix(text: &str, vars: &[(String, Vec<String>)], budget: &mut usize) -> Vec<String> {
    let mut from = 0;
    while let Some(open) = text[from..].find("${{").map(|i| from + i) {
        let Some(close) = text[open..].find("}}").map(|i| open + i + 2) else {
            break;
        };
        let expr = &text[open..close];
        let inner = expr[3..expr.len() - 2].trim();
        let values = inner
            .strip_prefix("matrix.")
            .and_then(|name| vars.iter().find(|(n, _)| n == name))
            .map(|(_, v)| v);
        if let Some(values) = values {
            let mut out = Vec::new();
            for v in values {
                if *budget == 0 {
                    break;
                }
                *budget -= 1;
                out.extend(expand_matrix(&text.replace(expr, v), vars, budget));
            }
            if !out.is_empty() {
                return out;
            }
        }
        from = close;
    }
    vec![text.to_string()]
}

/// An `if:` that holds only for a tag or a release.
fn release_condition(r: &mut Recorder, cond: &Node) {
    let Some(text) = cond.as_str() else { return };
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let negated = compact.contains("!startsWith(github.ref,'refs/tags")
        || compact.contains("!=") && (compact.contains("'release'") || compact.contains("'tag'"));
    let tagged = compact.contains("refs/tags/")
        || compact.contains("github.ref_type=='tag'")
        || compact.contains("github.event_name=='release'");
    if tagged && !negated {
        r.fact(
            CI_RELEASE_TRIGGER,
            cond.line,
            format!("if: {}", text.trim()),
        );
    }
}

/// The combinations of `strategy.matrix`: the product of its axes, less
/// `exclude`, plus each `include` entry that adds a combination (one that
/// sets an axis to a value the axis does not list, or any entry when there
/// are no axes).
fn combos(m: &Node) -> Combos {
    match &m.value {
        Value::Scalar { text, .. } if record::is_expression(text) => return Combos::Computed,
        Value::Map(_) => {}
        _ => return Combos::Known(0),
    }
    let axes: Vec<(&str, &Node)> = m
        .entries()
        .iter()
        .filter(|(k, _)| k.text != "include" && k.text != "exclude")
        .map(|(k, v)| (k.text.as_str(), v))
        .collect();
    let base = if axes.is_empty() {
        0
    } else {
        match record::product(axes.iter().map(|(_, v)| *v)) {
            Combos::Computed => return Combos::Computed,
            Combos::Known(n) => {
                let excluded = m.get("exclude").map_or(0, |e| e.items().len() as u64);
                n.saturating_sub(excluded)
            }
        }
    };
    let include = m.get("include");
    if include.is_some_and(|i| i.as_str().is_some_and(record::is_expression)) {
        return Combos::Computed;
    }
    let added = include
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter(|entry| {
            axes.is_empty()
                || entry.entries().iter().any(|(k, v)| {
                    axes.iter().any(|(axis, values)| {
                        *axis == k.text
                            && !values.strings().iter().any(|x| x.as_str() == v.as_str())
                    })
                })
        })
        .count() as u64;
    Combos::Known(base + added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::yaml;

    fn facts(text: &str) -> Vec<String> {
        workflow(text).fact_lines()
    }

    fn n(text: &str) -> Combos {
        let d = yaml::load(text).unwrap();
        combos(d[0].get("matrix").unwrap())
    }

    #[test]
    fn matrix_combinations() {
        assert_eq!(
            n("matrix:\n  py: ['3.11', '3.12']\n  os: [ubuntu, windows]\n"),
            Combos::Known(4)
        );
        assert_eq!(n("matrix:\n  py: ['3.12']\n"), Combos::Known(1));
        assert_eq!(
            n("matrix:\n  py: ['3.12']\n  include:\n    - py: '3.13'\n    - py: '3.12'\n      extra: x\n"),
            Combos::Known(2)
        );
        assert_eq!(
            n("matrix:\n  include:\n    - a: 1\n    - a: 2\n"),
            Combos::Known(2)
        );
        assert_eq!(
            n("matrix:\n  py: ['3.11', '3.12']\n  os: [a, b]\n  exclude:\n    - py: '3.11'\n      os: b\n"),
            Combos::Known(3)
        );
        assert_eq!(
            n("matrix: ${{ fromJSON(needs.plan.outputs.m) }}\n"),
            Combos::Computed
        );
        assert_eq!(
            n("matrix:\n  py: ${{ fromJSON(inputs.versions) }}\n"),
            Combos::Computed
        );
        assert_eq!(n("matrix: 3\n"), Combos::Known(0));
    }

    #[test]
    fn matrix_variables_in_scripts() {
        let f = facts("on: push\njobs:\n  t:\n    strategy:\n      matrix:\n        env: [lint, type]\n        include:\n          - env: py312\n    steps:\n      - run: tox -e ${{ matrix.env }} ${{ matrix.unknown }}\n");
        assert_eq!(
            f,
            vec![
                "ci.lints:10",
                "ci.matrix:5",
                "ci.pipeline:3",
                "ci.runs_tests:10",
                "ci.tests_on_matrix:5",
                "ci.type_checks:10"
            ]
        );
        let vars = vec![("a".to_string(), vec!["1".to_string(); 100])];
        let mut budget = MAX_EXPANSIONS;
        let many = expand_matrix("x ${{ matrix.a }} ${{matrix.a}}", &vars, &mut budget);
        assert!(many.len() <= MAX_EXPANSIONS);
    }

    #[test]
    fn windows_jobs_read_powershell() {
        let f = facts("on: push\njobs:\n  t:\n    runs-on: windows-latest\n    steps:\n      - run: |\n          .venv\\Scripts\\python.exe -m pytest `\n            --cov\n          Write-Host \"ruff check\"\n");
        assert_eq!(f, vec!["ci.coverage:7", "ci.pipeline:3", "ci.runs_tests:7"]);
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        for text in [
            "- a\n- b\n",
            "on: 3\njobs: [1, 2]\n",
            "jobs:\n  t: 5\n  u:\n    steps: 7\n  v:\n    steps:\n      - 3\n      - [run, x]\n      - run: [pytest]\n",
            "jobs:\n  t:\n    strategy:\n      matrix:\n        include: 4\n        exclude: [1]\n        py: {a: 1}\n",
            "",
            "---\n---\n",
        ] {
            let _ = workflow(text);
            let _ = composite_action(text);
        }
    }

    #[test]
    fn release_conditions() {
        let f = facts("on: push\njobs:\n  p:\n    if: startsWith(github.ref, 'refs/tags/v')\n    steps:\n      - run: twine upload dist/*\n  q:\n    if: \"!startsWith(github.ref, 'refs/tags/')\"\n    steps:\n      - run: echo hi\n");
        assert_eq!(
            f,
            vec![
                "ci.pipeline:3",
                "ci.pipeline:7",
                "ci.publishes:6",
                "ci.release_trigger:4"
            ]
        );
    }
}
