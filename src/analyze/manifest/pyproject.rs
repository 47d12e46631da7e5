//! `pyproject.toml`: PEP 621 `[project]` (dependencies, extras, scripts,
//! entry points), PEP 735 `[dependency-groups]`, `[build-system]`, Poetry's
//! `[tool.poetry]`, the `[tool.*]` tables that configure linters, type
//! checkers, pytest and coverage, and the task tables of taskipy, poe, pdm,
//! hatch and rye.

use super::is_dev_group;
use super::requirement::Requirement;
use super::{
    COVERAGE_FAIL_UNDER, COVERAGE_PYTEST_COV, DEPS_DEV_SEPARATED, ENTRY_POINTS_PLUGINS,
    ENTRY_POINTS_SCRIPTS, PROJECT_BUILD_SYSTEM, PROJECT_COMPILED_BUILD, PROJECT_DEPENDENCIES,
    PROJECT_METADATA, PROJECT_OPTIONAL_GROUPS, PROJECT_REQUIRES_PYTHON, PROJECT_SRC_LAYOUT,
    TASKS_DEFINED, TASKS_LINTS, TASKS_RUNS_TESTS, TOOL_BANDIT, TOOL_BLACK, TOOL_COVERAGE,
    TOOL_FLAKE8, TOOL_ISORT, TOOL_MYPY, TOOL_PYDOCSTYLE, TOOL_PYLINT, TOOL_PYRIGHT, TOOL_PYTEST,
    TOOL_RUFF, TOOL_YAPF, TYPECHECK_STRICT,
};
use crate::analyze::facts::{ConfigFacts, FactInfo};
use crate::analyze::shell::{self, Action};
use crate::analyze::toml_doc::{as_array, as_bool, as_str, as_table, at, strings, TomlDoc};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

pub fn read(text: &str, out: &mut ConfigFacts) {
    let (doc, problem) = TomlDoc::parse(text);
    if let Some(p) = problem {
        out.problem(p);
    }
    project(&doc, out);
    dependency_groups(&doc, out);
    build_system(&doc, out);
    poetry(&doc, out);
    other_dev_dependencies(&doc, out);
    src_layout(&doc, out);
    tools(&doc, out);
    tasks(&doc, out);
}

fn requirement_list(doc: &TomlDoc, v: &Spanned<DeValue>, out: &mut ConfigFacts) -> usize {
    let mut n = 0;
    for (item, spec) in strings(v) {
        let line = doc.line(item);
        match Requirement::parse(spec) {
            Ok(r) => {
                r.state(line, out);
                n += 1;
            }
            Err(reason) => out.problem(format!(
                "line {line}: `{spec}` is not a valid requirement: {reason}"
            )),
        }
    }
    n
}

fn project(doc: &TomlDoc, out: &mut ConfigFacts) {
    let Some(project) = at(&doc.root, &["project"]).and_then(as_table) else {
        return;
    };
    if let Some(name) = project.get("name") {
        out.name = as_str(name).map(str::to_string);
        out.fact(
            PROJECT_METADATA,
            doc.line(name),
            format!("[project] name = {}", as_str(name).unwrap_or("?")),
        );
    }
    if let Some(deps) = project.get("dependencies") {
        if requirement_list(doc, deps, out) > 0 {
            let line = doc.key_line(project, "dependencies").unwrap_or(1);
            out.fact(PROJECT_DEPENDENCIES, line, "[project] dependencies");
        }
    }
    if let Some(rp) = project.get("requires-python") {
        out.fact(
            PROJECT_REQUIRES_PYTHON,
            doc.line(rp),
            format!("requires-python = {}", as_str(rp).unwrap_or("?")),
        );
    }
    if let Some(extras) = project.get("optional-dependencies").and_then(as_table) {
        for (name, deps) in extras.iter() {
            let line = doc.line(name);
            requirement_list(doc, deps, out);
            out.fact(
                PROJECT_OPTIONAL_GROUPS,
                line,
                format!("extra `{}`", name.get_ref()),
            );
            if is_dev_group(name.get_ref()) {
                out.fact(
                    DEPS_DEV_SEPARATED,
                    line,
                    format!("extra `{}`", name.get_ref()),
                );
            }
        }
    }
    for key in ["scripts", "gui-scripts"] {
        if let Some(scripts) = project.get(key).and_then(as_table) {
            for (name, target) in scripts.iter() {
                out.fact(
                    ENTRY_POINTS_SCRIPTS,
                    doc.line(name),
                    format!("{} = {}", name.get_ref(), as_str(target).unwrap_or("?")),
                );
            }
        }
    }
    if let Some(groups) = project.get("entry-points").and_then(as_table) {
        for (group, _) in groups.iter() {
            out.fact(
                ENTRY_POINTS_PLUGINS,
                doc.line(group),
                format!("entry points `{}`", group.get_ref()),
            );
        }
    }
}

fn dependency_groups(doc: &TomlDoc, out: &mut ConfigFacts) {
    let Some(groups) = at(&doc.root, &["dependency-groups"]).and_then(as_table) else {
        return;
    };
    for (name, deps) in groups.iter() {
        let line = doc.line(name);
        requirement_list(doc, deps, out);
        let detail = format!("dependency group `{}`", name.get_ref());
        out.fact(PROJECT_OPTIONAL_GROUPS, line, detail.clone());
        out.fact(DEPS_DEV_SEPARATED, line, detail);
    }
}

fn build_system(doc: &TomlDoc, out: &mut ConfigFacts) {
    let Some(build) = at(&doc.root, &["build-system"]).and_then(as_table) else {
        return;
    };
    let backend = build.get("build-backend").and_then(as_str);
    let requires: Vec<String> = build
        .get("requires")
        .map(|r| {
            strings(r)
                .into_iter()
                .filter_map(|(_, s)| Requirement::parse(s).ok())
                .map(|r| r.name)
                .collect()
        })
        .unwrap_or_default();
    let line = doc.key_line(&doc.root, "build-system").unwrap_or(1);
    if backend.is_some() || !requires.is_empty() {
        let detail = match backend {
            Some(b) => format!("build-backend = {b}"),
            None => format!("requires {}", requires.join(", ")),
        };
        out.fact(PROJECT_BUILD_SYSTEM, line, detail);
    }
    let native_backend = backend.is_some_and(|b| {
        matches!(
            b,
            "maturin" | "scikit_build_core.build" | "mesonpy" | "pymsbuild"
        )
    });
    let native_require = requires.iter().find(|r| {
        matches!(
            r.as_str(),
            "cython"
                | "pybind11"
                | "nanobind"
                | "setuptools-rust"
                | "scikit-build"
                | "scikit-build-core"
                | "maturin"
                | "meson-python"
                | "cffi"
        )
    });
    if native_backend || native_require.is_some() {
        let what = backend
            .filter(|_| native_backend)
            .map(str::to_string)
            .or_else(|| native_require.cloned())
            .unwrap_or_default();
        out.fact(
            PROJECT_COMPILED_BUILD,
            line,
            format!("native extension build ({what})"),
        );
    }
}

/// A Poetry version constraint (`^1.2`, `~1.2`, `1.2.3`, `*`, `{ version = "..." }`).
fn poetry_constraint(v: &Spanned<DeValue>) -> Option<String> {
    match v.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        DeValue::Table(t) => t.get("version").and_then(as_str).map(str::to_string),
        _ => None,
    }
}

fn poetry_deps(doc: &TomlDoc, table: &DeTable, out: &mut ConfigFacts) -> usize {
    let mut n = 0;
    for (name, value) in table.iter() {
        if name.get_ref() == "python" {
            out.fact(
                PROJECT_REQUIRES_PYTHON,
                doc.line(name),
                format!("python = {}", poetry_constraint(value).unwrap_or_default()),
            );
            continue;
        }
        let Ok(mut r) = Requirement::parse(name.get_ref()) else {
            continue;
        };
        let c = poetry_constraint(value).unwrap_or_default();
        let c = c.trim();
        r.constrained = !c.is_empty() && c != "*";
        r.pinned = c.starts_with(|ch: char| ch.is_ascii_digit()) || c.starts_with("==");
        r.text = format!("{} = \"{c}\"", name.get_ref());
        r.state(doc.line(name), out);
        n += 1;
    }
    n
}

fn poetry(doc: &TomlDoc, out: &mut ConfigFacts) {
    let Some(poetry) = at(&doc.root, &["tool", "poetry"]).and_then(as_table) else {
        return;
    };
    if let Some(name) = poetry.get("name") {
        if out.name.is_none() {
            out.name = as_str(name).map(str::to_string);
        }
        out.fact(
            PROJECT_METADATA,
            doc.line(name),
            format!("[tool.poetry] name = {}", as_str(name).unwrap_or("?")),
        );
    }
    if let Some(deps) = poetry.get("dependencies").and_then(as_table) {
        if poetry_deps(doc, deps, out) > 0 {
            let line = doc.key_line(poetry, "dependencies").unwrap_or(1);
            out.fact(PROJECT_DEPENDENCIES, line, "[tool.poetry.dependencies]");
        }
    }
    let dev_group = |line: u32, detail: String, out: &mut ConfigFacts| {
        out.fact(PROJECT_OPTIONAL_GROUPS, line, detail.clone());
        out.fact(DEPS_DEV_SEPARATED, line, detail);
    };
    if let Some(deps) = poetry.get("dev-dependencies").and_then(as_table) {
        poetry_deps(doc, deps, out);
        let line = doc.key_line(poetry, "dev-dependencies").unwrap_or(1);
        dev_group(line, "[tool.poetry.dev-dependencies]".into(), out);
    }
    if let Some(groups) = poetry.get("group").and_then(as_table) {
        for (name, g) in groups.iter() {
            if let Some(deps) = as_table(g)
                .and_then(|g| g.get("dependencies"))
                .and_then(as_table)
            {
                poetry_deps(doc, deps, out);
            }
            dev_group(
                doc.line(name),
                format!("Poetry group `{}`", name.get_ref()),
                out,
            );
        }
    }
    if let Some(extras) = poetry.get("extras").and_then(as_table) {
        for (name, _) in extras.iter() {
            out.fact(
                PROJECT_OPTIONAL_GROUPS,
                doc.line(name),
                format!("Poetry extra `{}`", name.get_ref()),
            );
        }
    }
    if let Some(scripts) = poetry.get("scripts").and_then(as_table) {
        for (name, target) in scripts.iter() {
            let target = poetry_constraint(target)
                .or_else(|| {
                    as_table(target)
                        .and_then(|t| t.get("reference"))
                        .and_then(as_str)
                        .map(str::to_string)
                })
                .unwrap_or_default();
            out.fact(
                ENTRY_POINTS_SCRIPTS,
                doc.line(name),
                format!("{} = {target}", name.get_ref()),
            );
        }
    }
    if let Some(plugins) = poetry.get("plugins").and_then(as_table) {
        for (group, _) in plugins.iter() {
            out.fact(
                ENTRY_POINTS_PLUGINS,
                doc.line(group),
                format!("Poetry plugins `{}`", group.get_ref()),
            );
        }
    }
}

/// PDM's and uv's development dependency tables.
fn other_dev_dependencies(doc: &TomlDoc, out: &mut ConfigFacts) {
    if let Some(groups) = at(&doc.root, &["tool", "pdm", "dev-dependencies"]).and_then(as_table) {
        for (name, deps) in groups.iter() {
            requirement_list(doc, deps, out);
            out.fact(
                DEPS_DEV_SEPARATED,
                doc.line(name),
                format!("PDM dev group `{}`", name.get_ref()),
            );
        }
    }
    if let Some(deps) = at(&doc.root, &["tool", "uv", "dev-dependencies"]) {
        if requirement_list(doc, deps, out) > 0 {
            out.fact(
                DEPS_DEV_SEPARATED,
                doc.line(deps),
                "[tool.uv] dev-dependencies",
            );
        }
    }
}

fn src_layout(doc: &TomlDoc, out: &mut ConfigFacts) {
    let is_src = |s: &str| {
        let s = s.trim_start_matches("./");
        s == "src" || s.starts_with("src/")
    };
    let mut found: Option<(u32, String)> = None;
    if let Some(dir) = at(&doc.root, &["tool", "setuptools", "package-dir"]).and_then(as_table) {
        for (k, v) in dir.iter() {
            if as_str(v).is_some_and(is_src) {
                found.get_or_insert((doc.line(k), "[tool.setuptools] package-dir".into()));
            }
        }
    }
    if let Some(w) = at(
        &doc.root,
        &["tool", "setuptools", "packages", "find", "where"],
    ) {
        if strings(w).iter().any(|(_, s)| is_src(s)) {
            found.get_or_insert((doc.line(w), "packages.find where = [\"src\"]".into()));
        }
    }
    if let Some(p) = at(
        &doc.root,
        &["tool", "hatch", "build", "targets", "wheel", "packages"],
    ) {
        if strings(p).iter().any(|(_, s)| is_src(s)) {
            found.get_or_insert((doc.line(p), "hatch wheel packages under src/".into()));
        }
    }
    if let Some(pkgs) = at(&doc.root, &["tool", "poetry", "packages"]).and_then(as_array) {
        for p in pkgs.iter() {
            if as_table(p)
                .and_then(|t| t.get("from"))
                .and_then(as_str)
                .is_some_and(is_src)
            {
                found.get_or_insert((doc.line(p), "Poetry packages from src".into()));
            }
        }
    }
    if let Some((line, detail)) = found {
        out.fact(PROJECT_SRC_LAYOUT, line, detail);
    }
}

/// `[tool.X]` tables of known tools, at the line of their key.
fn tools(doc: &TomlDoc, out: &mut ConfigFacts) {
    let Some(tool) = at(&doc.root, &["tool"]).and_then(as_table) else {
        return;
    };
    const KNOWN: &[(&str, &FactInfo)] = &[
        ("bandit", TOOL_BANDIT),
        ("basedpyright", TOOL_PYRIGHT),
        ("black", TOOL_BLACK),
        ("coverage", TOOL_COVERAGE),
        ("flake8", TOOL_FLAKE8),
        ("isort", TOOL_ISORT),
        ("mypy", TOOL_MYPY),
        ("pydocstyle", TOOL_PYDOCSTYLE),
        ("pylint", TOOL_PYLINT),
        ("pyright", TOOL_PYRIGHT),
        ("pytest", TOOL_PYTEST),
        ("ruff", TOOL_RUFF),
        ("yapf", TOOL_YAPF),
    ];
    for (key, fact) in KNOWN {
        if let Some(line) = doc.key_line(tool, key) {
            out.fact(fact, line, format!("[tool.{key}]"));
        }
    }
    if let Some(mypy) = tool.get("mypy").and_then(as_table) {
        for key in ["strict", "disallow_untyped_defs"] {
            if let Some(v) = mypy.get(key).filter(|v| as_bool(v) == Some(true)) {
                out.fact(TYPECHECK_STRICT, doc.line(v), format!("mypy {key} = true"));
            }
        }
    }
    for key in ["pyright", "basedpyright"] {
        if let Some(mode) = at(tool, &[key, "typeCheckingMode"]) {
            if matches!(as_str(mode), Some("strict" | "all")) {
                out.fact(
                    TYPECHECK_STRICT,
                    doc.line(mode),
                    format!("{key} typeCheckingMode = {}", as_str(mode).unwrap_or("")),
                );
            }
        }
    }
    if let Some(v) = at(tool, &["coverage", "report", "fail_under"]) {
        out.fact(
            COVERAGE_FAIL_UNDER,
            doc.line(v),
            "[tool.coverage.report] fail_under",
        );
    }
    if let Some(addopts) = at(tool, &["pytest", "ini_options", "addopts"]) {
        let opts: Vec<&str> = match as_str(addopts) {
            Some(s) => s.split_whitespace().collect(),
            None => strings(addopts).into_iter().map(|(_, s)| s).collect(),
        };
        if opts.iter().any(|o| o.starts_with("--cov")) {
            out.fact(
                COVERAGE_PYTEST_COV,
                doc.line(addopts),
                "pytest addopts --cov",
            );
        }
        if opts.iter().any(|o| o.starts_with("--cov-fail-under")) {
            out.fact(
                COVERAGE_FAIL_UNDER,
                doc.line(addopts),
                "pytest --cov-fail-under",
            );
        }
    }
}

/// The command a task runs, as each task table writes it.
fn task_commands<'a>(v: &'a Spanned<DeValue<'_>>) -> Vec<&'a str> {
    match v.get_ref() {
        DeValue::String(s) => vec![s],
        DeValue::Array(a) => a.iter().filter_map(as_str).collect(),
        DeValue::Table(t) => ["cmd", "shell", "script", "call", "cmds", "sequence"]
            .iter()
            .filter_map(|k| t.get(*k))
            .flat_map(task_commands)
            .collect(),
        _ => Vec::new(),
    }
}

fn tasks(doc: &TomlDoc, out: &mut ConfigFacts) {
    let mut tables: Vec<(&DeTable, String)> = Vec::new();
    for (path, label) in [
        (&["tool", "taskipy", "tasks"][..], "taskipy"),
        (&["tool", "poe", "tasks"][..], "poe"),
        (&["tool", "pdm", "scripts"][..], "pdm"),
        (&["tool", "rye", "scripts"][..], "rye"),
    ] {
        if let Some(t) = at(&doc.root, path).and_then(as_table) {
            tables.push((t, label.to_string()));
        }
    }
    if let Some(envs) = at(&doc.root, &["tool", "hatch", "envs"]).and_then(as_table) {
        for (env, e) in envs.iter() {
            if let Some(t) = as_table(e)
                .and_then(|e| e.get("scripts"))
                .and_then(as_table)
            {
                tables.push((t, format!("hatch env {}", env.get_ref())));
            }
        }
    }
    for (table, label) in tables {
        for (name, value) in table.iter() {
            let line = doc.line(name);
            let name = name.get_ref();
            // pdm's `_` table holds settings, not a task.
            if name.starts_with('_') {
                continue;
            }
            out.fact(TASKS_DEFINED, line, format!("{label} task `{name}`"));
            let mut acts: Vec<Action> = task_commands(value)
                .iter()
                .flat_map(|c| shell::classify_script(c).into_iter().map(|(_, a, _)| a))
                .collect();
            if acts.is_empty() {
                // A task that calls others (`test = "task pytest"`) or a
                // Python entry point: its name says what it is for.
                acts = shell::task_actions(name);
            }
            if acts.contains(&Action::RunsTests) {
                out.fact(TASKS_RUNS_TESTS, line, format!("{label} task `{name}`"));
            }
            if acts.contains(&Action::Lints) || acts.contains(&Action::TypeChecks) {
                out.fact(TASKS_LINTS, line, format!("{label} task `{name}`"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Vec<(&'static str, u32)> {
        let mut out = ConfigFacts::default();
        read(text, &mut out);
        out.facts.iter().map(|f| (f.name, f.line)).collect()
    }

    #[test]
    fn pep621_project() {
        let f = facts("[project]\nname = 'x'\nrequires-python = '>=3.11'\ndependencies = [\n  'fastapi>=0.110',\n  'pydantic',\n]\n[project.optional-dependencies]\ndev = ['pytest']\n[project.scripts]\nx = 'x.cli:main'\n[build-system]\nrequires = ['hatchling']\nbuild-backend = 'hatchling.build'\n");
        for want in [
            ("project.metadata", 2),
            ("project.requires_python", 3),
            ("project.dependencies", 4),
            ("deps.constrained", 5),
            ("project.optional_groups", 9),
            ("deps.dev_separated", 9),
            ("entry_points.scripts", 11),
            ("project.build_system", 12),
        ] {
            assert!(f.contains(&want), "{want:?} not in {f:?}");
        }
    }

    #[test]
    fn poetry_project() {
        let f = facts("[tool.poetry]\nname = 'x'\npackages = [{ include = 'x', from = 'src' }]\n[tool.poetry.dependencies]\npython = '^3.11'\nrequests = '^2.31'\nrich = '*'\n[tool.poetry.group.dev.dependencies]\npytest = '8.2.0'\n[tool.poetry.scripts]\nx = 'x.cli:main'\n");
        for want in [
            ("project.metadata", 2),
            ("project.src_layout", 3),
            ("project.requires_python", 5),
            ("deps.constrained", 6),
            ("deps.pinned", 9),
            ("deps.dev_separated", 8),
            ("entry_points.scripts", 11),
        ] {
            assert!(f.contains(&want), "{want:?} not in {f:?}");
        }
        assert!(!f.contains(&("deps.constrained", 7)));
    }

    #[test]
    fn tools_and_tasks() {
        let f = facts("[tool.ruff.lint]\nselect = ['E']\n[tool.mypy]\nstrict = true\n[tool.pytest.ini_options]\naddopts = '-q --cov=app --cov-fail-under=80'\n[tool.taskipy.tasks]\ntest = 'pytest -q'\nlint = 'ruff check .'\nserve = 'uvicorn app:app'\n");
        for want in [
            ("tool.ruff", 1),
            ("tool.mypy", 3),
            ("typecheck.strict", 4),
            ("tool.pytest", 5),
            ("coverage.pytest_cov", 6),
            ("coverage.fail_under", 6),
            ("tasks.runs_tests", 8),
            ("tasks.lints", 9),
            ("tasks.defined", 10),
        ] {
            assert!(f.contains(&want), "{want:?} not in {f:?}");
        }
        assert!(!f.contains(&("tasks.runs_tests", 10)));
    }
}
