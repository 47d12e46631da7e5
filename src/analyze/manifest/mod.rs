//! Project manifests: which packages a repository declares and how (pinned,
//! locked, kept apart for development), how it is packaged (metadata, build
//! backend, entry points), and which tools it configures.
//!
//! Each format has its parser: TOML for `pyproject.toml`, `Pipfile` and the
//! lock files, JSON for `Pipfile.lock`, YAML for `environment.yml`, INI for
//! `setup.cfg` and the linters' files, pip's own syntax plus PEP 508 for
//! requirements files. `setup.py` is Python and is read from its syntax
//! tree by [`setup_py`], never run.
//!
//! Declared dependencies are supporting evidence and hints only: a package
//! in `requirements.txt` that no module imports shows nothing by itself.

mod conda;
mod lock;
mod pipfile;
mod pyproject;
mod requirement;
mod requirements;
mod setup_cfg;
pub mod setup_py;
mod tools;

use super::facts::ConfigFacts;
pub use requirement::{normalize_dep, Requirement};
pub(crate) use tools::ini_tool_sections;

// The facts this analyzer states (see `config::facts!`).
crate::analyze::config::facts! {
    DEPS_CONSTRAINED = "deps.constrained",
        "a declared dependency with a version constraint (`flask>=3`)";
    DEPS_PINNED = "deps.pinned",
        "a declared dependency pinned to one version (`flask==3.0.3`)";
    DEPS_DEV_SEPARATED = "deps.dev_separated",
        "development or test dependencies kept apart (an extra or group, `[dev-packages]`, a requirements-dev file)";
    REQUIREMENTS_FULLY_PINNED = "requirements.fully_pinned",
        "a requirements file whose every requirement (three or more) is pinned with ==";
    REQUIREMENTS_COMPILED = "requirements.compiled",
        "a requirements file compiled from another by pip-compile, uv or rye";
    REQUIREMENTS_HASHED = "requirements.hashed",
        "a requirements file whose every requirement carries --hash";
    LOCK_FILE = "lock.file",
        "a lock file with its packages (poetry.lock, uv.lock, Pipfile.lock, pdm.lock, pylock.toml, conda-lock)";
    PROJECT_METADATA = "project.metadata",
        "project metadata with a name ([project], [tool.poetry], setup.cfg [metadata], setup(name=...))";
    PROJECT_BUILD_SYSTEM = "project.build_system",
        "a [build-system] table naming what builds the project";
    PROJECT_DEPENDENCIES = "project.dependencies",
        "a non-empty dependency list in the project metadata";
    PROJECT_REQUIRES_PYTHON = "project.requires_python",
        "the Python versions the project supports (requires-python, Poetry's python)";
    PROJECT_OPTIONAL_GROUPS = "project.optional_groups",
        "optional dependencies or dependency groups (extras, [dependency-groups], Poetry groups)";
    PROJECT_COMPILED_BUILD = "project.compiled_build",
        "a build backend for native extensions (maturin, scikit-build-core, meson-python)";
    PROJECT_SRC_LAYOUT = "project.src_layout",
        "packages declared under src/ (package_dir, where = [\"src\"], packages = [\"src/...\"])";
    ENTRY_POINTS_SCRIPTS = "entry_points.scripts",
        "a console or GUI script declared ([project.scripts], console_scripts, Poetry scripts)";
    ENTRY_POINTS_PLUGINS = "entry_points.plugins",
        "a plugin entry-point group declared ([project.entry-points.X], Poetry plugins)";
    TASKS_DEFINED = "tasks.defined",
        "a task in a pyproject task table (taskipy, poe, pdm scripts, hatch env scripts, rye scripts)";
    TASKS_RUNS_TESTS = "tasks.runs_tests",
        "a pyproject task that runs the tests";
    TASKS_LINTS = "tasks.lints",
        "a pyproject task that runs linters or type checkers";
    TOOL_BANDIT = "tool.bandit",
        "bandit is configured ([tool.bandit], .bandit)";
    TOOL_BLACK = "tool.black",
        "black is configured ([tool.black])";
    TOOL_COVERAGE = "tool.coverage",
        "coverage.py is configured ([tool.coverage.*], [coverage:*], .coveragerc)";
    TOOL_FLAKE8 = "tool.flake8",
        "flake8 is configured (.flake8, [flake8] in setup.cfg)";
    TOOL_ISORT = "tool.isort",
        "isort is configured ([tool.isort], [isort], .isort.cfg)";
    TOOL_MYPY = "tool.mypy",
        "mypy is configured ([tool.mypy], [mypy], mypy.ini)";
    TOOL_PYCODESTYLE = "tool.pycodestyle",
        "pycodestyle is configured ([pycodestyle])";
    TOOL_PYDOCSTYLE = "tool.pydocstyle",
        "pydocstyle is configured ([tool.pydocstyle], [pydocstyle])";
    TOOL_PYLINT = "tool.pylint",
        "pylint is configured ([tool.pylint.*], .pylintrc)";
    TOOL_PYRIGHT = "tool.pyright",
        "pyright is configured ([tool.pyright], [tool.basedpyright], pyrightconfig.json)";
    TOOL_PYTEST = "tool.pytest",
        "pytest is configured ([tool.pytest.ini_options], [tool:pytest], pytest.ini)";
    TOOL_RUFF = "tool.ruff",
        "ruff is configured ([tool.ruff], ruff.toml)";
    TOOL_YAPF = "tool.yapf",
        "yapf is configured ([tool.yapf], [yapf], .style.yapf)";
    TYPECHECK_STRICT = "typecheck.strict",
        "strict type checking configured (mypy strict or disallow_untyped_defs, pyright typeCheckingMode strict)";
    COVERAGE_FAIL_UNDER = "coverage.fail_under",
        "a minimum coverage the tests must reach (fail_under, --cov-fail-under)";
    COVERAGE_PYTEST_COV = "coverage.pytest_cov",
        "pytest configured to measure coverage (--cov in addopts)";
}

/// The kinds of manifest, each with its parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manifest {
    /// pip's requirements format: `requirements*.txt|in`, files under `requirements/`, rye's `requirements.lock`.
    Requirements {
        dev: bool,
    },
    Pyproject,
    Pipfile,
    SetupCfg,
    CondaEnv,
    Lock(lock::LockKind),
    Tool(tools::ToolFile),
}

impl Manifest {
    /// The manifest kind of a repository path, if it is one.
    pub fn of_path(path: &str) -> Option<Manifest> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let lower = name.to_ascii_lowercase();
        let parent = path
            .rsplit('/')
            .nth(1)
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if let Some(k) = lock::LockKind::of(&lower) {
            return Some(Manifest::Lock(k));
        }
        if let Some(t) = tools::ToolFile::of(&lower) {
            return Some(Manifest::Tool(t));
        }
        Some(match lower.as_str() {
            "pyproject.toml" => Manifest::Pyproject,
            "pipfile" => Manifest::Pipfile,
            "setup.cfg" => Manifest::SetupCfg,
            "environment.yml" | "environment.yaml" => Manifest::CondaEnv,
            n if is_requirements(n, &parent) => Manifest::Requirements {
                dev: is_dev_requirements(n, &parent),
            },
            _ => return None,
        })
    }
}

/// `requirements.txt`, `requirements-dev.in`, `dev-requirements.txt`,
/// `requirements/base.txt`, rye's `requirements.lock`.
fn is_requirements(name: &str, parent: &str) -> bool {
    let ext_ok = name.ends_with(".txt") || name.ends_with(".in");
    (ext_ok
        && (name.contains("requirements")
            || matches!(parent, "requirements" | "reqs" | "requirements.d")))
        || matches!(name, "requirements.lock" | "requirements-dev.lock")
}

fn is_dev_requirements(name: &str, parent: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    is_dev_group(stem)
        && (stem.contains("requirements") || matches!(parent, "requirements" | "reqs"))
}

/// A file, extra or group whose name says it is for development, not
/// users: `requirements-dev`, `test`, `lint`, `docs`, `typing`.
pub(super) fn is_dev_group(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| {
            matches!(
                w,
                "dev"
                    | "develop"
                    | "development"
                    | "test"
                    | "tests"
                    | "testing"
                    | "lint"
                    | "linting"
                    | "typing"
                    | "types"
                    | "docs"
                    | "doc"
                    | "ci"
                    | "qa"
                    | "check"
                    | "style"
                    | "local"
            )
        })
}

/// The distribution name a project's metadata file declares: `Name:` of
/// a `PKG-INFO`, `[project] name` (or Poetry's) of a `pyproject.toml`,
/// `[metadata] name` of a `setup.cfg`, `setup(name=...)` of a `setup.py`
/// (a literal, or a name bound to one at the module's top).
pub fn distribution_name(path: &str, text: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let declared = match name {
        "PKG-INFO" => text
            .lines()
            .take_while(|l| !l.trim().is_empty())
            .find_map(|l| l.strip_prefix("Name:"))
            .map(str::to_string),
        "pyproject.toml" => analyze(Manifest::Pyproject, text).name,
        "setup.cfg" => analyze(Manifest::SetupCfg, text).name,
        "setup.py" => crate::analyze::python::parse(text)
            .and_then(|tree| setup_py::read(tree.root_node(), text).name),
        _ => None,
    };
    declared
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
}

/// Reads one manifest.
pub fn analyze(kind: Manifest, text: &str) -> ConfigFacts {
    let mut out = ConfigFacts::default();
    match kind {
        Manifest::Requirements { dev } => requirements::read(text, dev, &mut out),
        Manifest::Pyproject => pyproject::read(text, &mut out),
        Manifest::Pipfile => pipfile::read(text, &mut out),
        Manifest::SetupCfg => setup_cfg::read(text, &mut out),
        Manifest::CondaEnv => conda::read(text, &mut out),
        Manifest::Lock(k) => lock::read(k, text, &mut out),
        Manifest::Tool(t) => tools::read(t, text, &mut out),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_path() {
        let req = |p: &str| Manifest::of_path(p);
        assert_eq!(
            req("requirements.txt"),
            Some(Manifest::Requirements { dev: false })
        );
        assert_eq!(
            req("requirements/dev.txt"),
            Some(Manifest::Requirements { dev: true })
        );
        assert_eq!(
            req("app/dev-requirements.txt"),
            Some(Manifest::Requirements { dev: true })
        );
        assert_eq!(
            req("requirements-prod.in"),
            Some(Manifest::Requirements { dev: false })
        );
        assert_eq!(req("docs/notes.txt"), None);
        assert_eq!(req("developer-notes.txt"), None);
        assert!(matches!(req("uv.lock"), Some(Manifest::Lock(_))));
        assert!(matches!(req("mypy.ini"), Some(Manifest::Tool(_))));
        assert_eq!(req("sub/pyproject.toml"), Some(Manifest::Pyproject));
    }

    #[test]
    fn distribution_names_from_each_kind_of_metadata() {
        let name = |path: &str, text: &str| distribution_name(path, text);
        assert_eq!(
            name(
                "six-1.16.0/PKG-INFO",
                "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n\nName: not a header\n"
            )
            .as_deref(),
            Some("six")
        );
        assert_eq!(
            name("pyproject.toml", "[project]\nname = \"weather-report\"\n").as_deref(),
            Some("weather-report")
        );
        assert_eq!(
            name("pyproject.toml", "[tool.poetry]\nname = \"shop\"\n").as_deref(),
            Some("shop")
        );
        assert_eq!(
            name("lib/setup.cfg", "[metadata]\nname = python-slugify\n").as_deref(),
            Some("python-slugify")
        );
        assert_eq!(
            name(
                "lib/setup.py",
                "from setuptools import setup\nNAME = \"requests\"\nsetup(name=NAME)\n"
            )
            .as_deref(),
            Some("requests")
        );
        assert_eq!(name("setup.py", "setup(name=compute())\n"), None);
        assert_eq!(name("README.md", "Name: x\n"), None);
    }
}
