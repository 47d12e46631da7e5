//! Shell commands, as CI steps, Dockerfile `RUN`/`CMD` lines, compose
//! `command:`s, tox `commands` and Procfiles write them: split into simple
//! commands and classified by what they do (run the tests, lint, build an
//! image, deploy, ...).
//!
//! A command is known by the tool it runs once the wrappers around it are
//! taken off: `uv run`, `poetry run`, `python -m`, `coverage run`, `sudo`,
//! `docker compose run SERVICE`, leading `VAR=value` assignments. Task
//! runners (`make test`, `tox -e lint`, `nox -s typing`, `hatch run
//! test`) are classified by their target's name. Comments and quoted text
//! are never commands: `echo "pytest"` runs nothing.
//!
//! `lexer` splits scripts into commands, `wrappers` takes the wrappers
//! off, and `tools` says what the tool left does, as the data table
//! `rules/tools/commands.toml` says (read by `commands_toml`; `table`
//! holds what it and `ci_steps.toml` share: patterns, action names,
//! errors with lines).

mod commands_toml;
mod lexer;
pub(crate) mod table;
mod tools;
mod wrappers;

pub use lexer::{commands, commands_in};
pub use tools::task_actions;

/// What a command does, as far as a portfolio cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Runs the test suite (pytest, unittest, tox, nox, `manage.py test`, ...).
    RunsTests,
    /// Measures or reports test coverage (`pytest --cov`, `coverage report`, codecov).
    Coverage,
    /// Runs a linter or a formatter check (ruff, flake8, black, pylint, ...).
    Lints,
    /// Runs a static type checker (mypy, pyright, ...).
    TypeChecks,
    /// Runs the pre-commit hooks (`pre-commit run`).
    PreCommit,
    /// Audits dependencies or code for vulnerabilities and secrets (pip-audit, bandit, trivy, ...).
    SecurityScan,
    /// Builds a container image (`docker build`, buildx, podman, kaniko).
    BuildsImage,
    /// Deploys somewhere (fly, heroku, kubectl apply, gcloud run deploy, terraform apply, ...).
    Deploys,
    /// Publishes a package to an index (`twine upload`, `uv publish`, ...).
    Publishes,
    /// Installs exactly what a lock file says (`uv sync`, `poetry install`, `pip-sync`, `--require-hashes`).
    InstallsLocked,
    /// Installs from a requirements file (`pip install -r requirements.txt`).
    InstallsRequirements,
    /// Serves a web app with a production server (gunicorn, uvicorn workers, uwsgi, ...).
    Serves,
}

impl Action {
    /// Every action, in order.
    pub const ALL: [Action; 12] = [
        Action::RunsTests,
        Action::Coverage,
        Action::Lints,
        Action::TypeChecks,
        Action::PreCommit,
        Action::SecurityScan,
        Action::BuildsImage,
        Action::Deploys,
        Action::Publishes,
        Action::InstallsLocked,
        Action::InstallsRequirements,
        Action::Serves,
    ];

    /// The action's name in the tool tables (`rules/tools/*.toml`), the
    /// same as in the facts that state it (`ci.runs_tests`).
    pub fn name(self) -> &'static str {
        match self {
            Action::RunsTests => "runs_tests",
            Action::Coverage => "coverage",
            Action::Lints => "lints",
            Action::TypeChecks => "type_checks",
            Action::PreCommit => "pre_commit",
            Action::SecurityScan => "security_scan",
            Action::BuildsImage => "builds_image",
            Action::Deploys => "deploys",
            Action::Publishes => "publishes",
            Action::InstallsLocked => "installs_locked",
            Action::InstallsRequirements => "installs_requirements",
            Action::Serves => "serves",
        }
    }

    /// The action a table names, if any.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// One simple command of a script: its words (quotes removed) and the line
/// it starts on, counted from 0 at the script's first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub line: u32,
    pub words: Vec<String>,
}

impl Command {
    /// The command as it would be shown in evidence, shortened.
    pub fn display(&self) -> String {
        let mut s = self.words.join(" ");
        if s.chars().count() > 100 {
            s = s.chars().take(99).collect::<String>() + "…";
        }
        s
    }
}

/// How a script's text is read: by a POSIX shell (`run:` on Linux, `sh`
/// steps), by PowerShell (`shell: pwsh`, Windows runners' default) or by
/// `cmd.exe` (`bat` steps, Azure `script:` on Windows). They differ in
/// what escapes, quotes, continues a line and starts a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// sh, bash, zsh: `\` escapes, `#` comments, `'...'` and `"..."` quote.
    #[default]
    Posix,
    /// pwsh and Windows PowerShell: `` ` `` escapes, `#` and `<# #>` comments.
    PowerShell,
    /// cmd.exe: `^` escapes, `"..."` quotes, no comment character.
    Cmd,
}

/// What each command of a script does: (line from the script's start, action, command).
pub fn classify_script(script: &str) -> Vec<(u32, Action, String)> {
    classify_script_in(script, Dialect::Posix)
}

/// [`classify_script`] for a script written for `dialect`.
pub fn classify_script_in(script: &str, dialect: Dialect) -> Vec<(u32, Action, String)> {
    let mut out = Vec::new();
    for c in commands_in(script, dialect) {
        for a in classify(&c.words) {
            out.push((c.line, a, c.display()));
        }
    }
    out
}

/// What one simple command does (possibly several things: `coverage run -m
/// pytest` runs the tests and measures coverage).
pub fn classify(words: &[String]) -> Vec<Action> {
    let mut acts = Vec::new();
    let w = wrappers::unwrap(words, &mut acts);
    if let Some((tool, args)) = w.split_first() {
        tools::tool_actions(&base_name(tool), args, &mut acts);
    }
    acts.sort();
    acts.dedup();
    acts
}

/// The last path segment of a program, without a Windows executable's
/// extension (`./.venv/bin/pytest` and `.venv\\Scripts\\pytest.exe` are `pytest`).
fn base_name(word: &str) -> String {
    let last = word.rsplit(['/', '\\']).next().unwrap_or(word);
    let lower = last.to_ascii_lowercase();
    for ext in [".exe", ".cmd", ".bat"] {
        if let Some(stem) = lower.strip_suffix(ext) {
            if !stem.is_empty() {
                return stem.to_string();
            }
        }
    }
    lower
}

/// The actions of a script, sorted and without repeats: what the tests compare.
#[cfg(test)]
fn acts_in(script: &str, d: Dialect) -> Vec<Action> {
    let mut v: Vec<Action> = classify_script_in(script, d)
        .into_iter()
        .map(|(_, a, _)| a)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// [`acts_in`] for a POSIX shell script.
#[cfg(test)]
fn acts(script: &str) -> Vec<Action> {
    acts_in(script, Dialect::Posix)
}
