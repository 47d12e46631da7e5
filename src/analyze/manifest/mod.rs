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

use super::facts::{ConfigFacts, FactInfo};
pub use requirement::{normalize_dep, Requirement};
pub(crate) use tools::ini_tool_sections;

/// The facts manifests state.
pub const FACTS: &[FactInfo] = &[
    FactInfo {
        name: "deps.constrained",
        description: "a declared dependency with a version constraint (`flask>=3`)",
    },
    FactInfo {
        name: "deps.pinned",
        description: "a declared dependency pinned to one version (`flask==3.0.3`)",
    },
    FactInfo {
        name: "deps.dev_separated",
        description: "development or test dependencies kept apart (an extra or group, `[dev-packages]`, a requirements-dev file)",
    },
    FactInfo {
        name: "requirements.fully_pinned",
        description: "a requirements file whose every requirement (three or more) is pinned with ==",
    },
    FactInfo {
        name: "requirements.compiled",
        description: "a requirements file compiled from another by pip-compile, uv or rye",
    },
    FactInfo {
        name: "requirements.hashed",
        description: "a requirements file whose every requirement carries --hash",
    },
    FactInfo {
        name: "lock.file",
        description: "a lock file with its packages (poetry.lock, uv.lock, Pipfile.lock, pdm.lock, pylock.toml, conda-lock)",
    },
    FactInfo {
        name: "project.metadata",
        description: "project metadata with a name ([project], [tool.poetry], setup.cfg [metadata], setup(name=...))",
    },
    FactInfo {
        name: "project.build_system",
        description: "a [build-system] table naming what builds the project",
    },
    FactInfo {
        name: "project.dependencies",
        description: "a non-empty dependency list in the project metadata",
    },
    FactInfo {
        name: "project.requires_python",
        description: "the Python versions the project supports (requires-python, Poetry's python)",
    },
    FactInfo {
        name: "project.optional_groups",
        description: "optional dependencies or dependency groups (extras, [dependency-groups], Poetry groups)",
    },
    FactInfo {
        name: "project.compiled_build",
        description: "a build backend for native extensions (maturin, scikit-build-core, meson-python)",
    },
    FactInfo {
        name: "project.src_layout",
        description: "packages declared under src/ (package_dir, where = [\"src\"], packages = [\"src/...\"])",
    },
    FactInfo {
        name: "entry_points.scripts",
        description: "a console or GUI script declared ([project.scripts], console_scripts, Poetry scripts)",
    },
    FactInfo {
        name: "entry_points.plugins",
        description: "a plugin entry-point group declared ([project.entry-points.X], Poetry plugins)",
    },
    FactInfo {
        name: "tasks.defined",
        description: "a task in a pyproject task table (taskipy, poe, pdm scripts, hatch env scripts, rye scripts)",
    },
    FactInfo {
        name: "tasks.runs_tests",
        description: "a pyproject task that runs the tests",
    },
    FactInfo {
        name: "tasks.lints",
        description: "a pyproject task that runs linters or type checkers",
    },
    FactInfo {
        name: "tool.bandit",
        description: "bandit is configured ([tool.bandit], .bandit)",
    },
    FactInfo {
        name: "tool.black",
        description: "black is configured ([tool.black])",
    },
    FactInfo {
        name: "tool.coverage",
        description: "coverage.py is configured ([tool.coverage.*], [coverage:*], .coveragerc)",
    },
    FactInfo {
        name: "tool.flake8",
        description: "flake8 is configured (.flake8, [flake8] in setup.cfg)",
    },
    FactInfo {
        name: "tool.isort",
        description: "isort is configured ([tool.isort], [isort], .isort.cfg)",
    },
    FactInfo {
        name: "tool.mypy",
        description: "mypy is configured ([tool.mypy], [mypy], mypy.ini)",
    },
    FactInfo {
        name: "tool.pycodestyle",
        description: "pycodestyle is configured ([pycodestyle])",
    },
    FactInfo {
        name: "tool.pydocstyle",
        description: "pydocstyle is configured ([tool.pydocstyle], [pydocstyle])",
    },
    FactInfo {
        name: "tool.pylint",
        description: "pylint is configured ([tool.pylint.*], .pylintrc)",
    },
    FactInfo {
        name: "tool.pyright",
        description: "pyright is configured ([tool.pyright], [tool.basedpyright], pyrightconfig.json)",
    },
    FactInfo {
        name: "tool.pytest",
        description: "pytest is configured ([tool.pytest.ini_options], [tool:pytest], pytest.ini)",
    },
    FactInfo {
        name: "tool.ruff",
        description: "ruff is configured ([tool.ruff], ruff.toml)",
    },
    FactInfo {
        name: "tool.yapf",
        description: "yapf is configured ([tool.yapf], [yapf], .style.yapf)",
    },
    FactInfo {
        name: "typecheck.strict",
        description: "strict type checking configured (mypy strict or disallow_untyped_defs, pyright typeCheckingMode strict)",
    },
    FactInfo {
        name: "coverage.fail_under",
        description: "a minimum coverage the tests must reach (fail_under, --cov-fail-under)",
    },
    FactInfo {
        name: "coverage.pytest_cov",
        description: "pytest configured to measure coverage (--cov in addopts)",
    },
];

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
}
