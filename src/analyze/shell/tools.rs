//! What a tool does, once the wrappers are off: by its name, its
//! subcommand and its options (`pytest --cov`, `docker buildx build`,
//! `uvicorn --workers`), and what a task runner's target does by its name.

use super::wrappers::script_actions;
use super::Action;

/// What a task (a make target, a tox or nox environment, a hatch/pdm/poe
/// script) does, by its name: `test`, `lint`, `typecheck`, `coverage`, ...
pub fn task_actions(name: &str) -> Vec<Action> {
    let n = name.to_ascii_lowercase();
    let parts: Vec<&str> = n
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let has = |words: &[&str]| parts.iter().any(|p| words.contains(p));
    let mut acts = Vec::new();
    if has(&[
        "test",
        "tests",
        "pytest",
        "unit",
        "unittest",
        "integration",
        "e2e",
        "functional",
    ]) || parts.iter().any(|p| {
        // tox/nox environments named after interpreters: py312, pypy3, 3.12.
        (p.starts_with("py") && p[2..].chars().all(|c| c.is_ascii_digit()) && p.len() > 2)
            || (p.starts_with("pypy") && p[4..].chars().all(|c| c.is_ascii_digit()))
    }) || parts.first() == Some(&"py")
        // `tox -e 3.13` (tox 4 reads a version as an interpreter); `make ci`.
        || (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
        || n == "ci"
    {
        // `tox -e py`, `py-django42`: the current interpreter's environment.
        acts.push(Action::RunsTests);
    }
    if has(&["cov", "coverage"]) {
        acts.push(Action::Coverage);
    }
    if has(&[
        "lint",
        "linting",
        "linters",
        "flake8",
        "ruff",
        "pylint",
        "style",
        "format",
        "fmt",
        "black",
        "isort",
        "codestyle",
        "pep8",
    ]) {
        acts.push(Action::Lints);
    }
    // `pre-commit`, `precommit`: the hooks, which lint.
    let pre_commit =
        has(&["precommit"]) || parts.windows(2).any(|w| w[0] == "pre" && w[1] == "commit");
    if pre_commit {
        acts.push(Action::PreCommit);
        acts.push(Action::Lints);
    }
    if has(&[
        "type",
        "types",
        "typing",
        "typecheck",
        "typechecks",
        "mypy",
        "pyright",
    ]) {
        acts.push(Action::TypeChecks);
    }
    if has(&["security", "audit", "bandit", "safety"]) {
        acts.push(Action::SecurityScan);
    }
    // Not "release": release tasks tag, write notes or publish as often as they deploy.
    if has(&["deploy"]) {
        acts.push(Action::Deploys);
    }
    acts
}

/// Values a tool's option takes, by any of its spellings: `-e py312,lint`,
/// `-e=lint`, `--env lint`.
fn option_values<'a>(args: &'a [String], names: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if names.contains(&a.as_str()) {
            if let Some(v) = it.next() {
                out.push(v.as_str());
            }
        } else if let Some((k, v)) = a.split_once('=') {
            if names.contains(&k) {
                out.push(v);
            }
        }
    }
    out
}

pub(super) fn tool_actions(tool: &str, args: &[String], acts: &mut Vec<Action>) {
    let sub = args.first().map(String::as_str).unwrap_or("");
    let has_arg = |p: &str| {
        args.iter()
            .any(|a| a == p || a.starts_with(&format!("{p}=")))
    };
    let any_arg_starts = |p: &str| args.iter().any(|a| a.starts_with(p));
    // `--version`/`--help` runs are probes, not work.
    if args.len() == 1 && matches!(sub, "--version" | "-V" | "--help" | "-h") {
        return;
    }
    match tool {
        t if t.ends_with(".sh") || t.ends_with(".bash") || t.ends_with(".zsh") => {
            acts.extend(script_actions(t))
        }
        "pytest" | "py.test" => {
            acts.push(Action::RunsTests);
            if any_arg_starts("--cov") {
                acts.push(Action::Coverage);
            }
        }
        "nosetests" | "nose2" | "ward" | "green" | "behave" | "trial" | "stestr" | "unittest"
        | "doctest" => acts.push(Action::RunsTests),
        "manage.py" | "django-admin" if sub == "test" => acts.push(Action::RunsTests),
        "tox" | "nox" => {
            let names: &[&str] = if tool == "tox" {
                &["-e", "--env", "-m", "--labels"]
            } else {
                &["-s", "--session", "--sessions", "-t", "--tags", "-k"]
            };
            // `tox --notest` only builds the environments.
            if args.iter().any(|a| a == "--notest") {
                return;
            }
            let envs = option_values(args, names);
            if envs.is_empty() {
                acts.push(Action::RunsTests);
            }
            for e in envs.iter().flat_map(|e| e.split(',')) {
                if e.contains('$') {
                    // `-e $TOXENV`: chosen elsewhere; tox and nox run the tests by default.
                    acts.push(Action::RunsTests);
                } else {
                    acts.extend(task_actions(e));
                }
            }
        }
        "make" | "just" | "invoke" | "inv" | "task" | "poe" | "mise" | "nmake" => {
            for t in args
                .iter()
                .filter(|a| !a.starts_with('-') && !a.contains('='))
            {
                if t == "run" && tool == "mise" {
                    continue;
                }
                acts.extend(task_actions(t));
            }
        }
        "hatch" => match sub {
            "test" => {
                acts.push(Action::RunsTests);
                if has_arg("--cover") || has_arg("-c") {
                    acts.push(Action::Coverage);
                }
            }
            "publish" => acts.push(Action::Publishes),
            "fmt" => acts.push(Action::Lints),
            _ => {}
        },
        "coverage" => {
            if matches!(sub, "report" | "xml" | "html" | "lcov" | "json" | "combine") {
                acts.push(Action::Coverage);
            }
        }
        "codecov" | "coveralls" | "diff-cover" | "genbadge" => acts.push(Action::Coverage),
        "ruff" | "flake8" | "pylint" | "pycodestyle" | "pydocstyle" | "pyflakes" | "black"
        | "isort" | "autopep8" | "yapf" | "prospector" | "pylama" | "codespell" | "blue"
        | "darker" | "flakeheaven" | "flakehell" | "autoflake" | "refurb" | "vulture" => {
            acts.push(Action::Lints)
        }
        "mypy" | "dmypy" | "pyright" | "basedpyright" | "pytype" | "pyre" | "pyre-check" => {
            acts.push(Action::TypeChecks)
        }
        "ty" if sub == "check" => acts.push(Action::TypeChecks),
        "pre-commit" | "prek" if sub == "run" || sub.is_empty() => {
            acts.push(Action::PreCommit);
            acts.push(Action::Lints);
        }
        "pip-audit" | "bandit" | "osv-scanner" | "trivy" | "grype" | "semgrep" | "gitleaks"
        | "detect-secrets" | "trufflehog" | "snyk" => acts.push(Action::SecurityScan),
        "safety" if matches!(sub, "check" | "scan") => acts.push(Action::SecurityScan),
        "docker" | "podman" | "nerdctl" => match sub {
            "build" => acts.push(Action::BuildsImage),
            "buildx" | "image" | "builder"
                if args.get(1).is_some_and(|s| s == "build" || s == "bake") =>
            {
                acts.push(Action::BuildsImage)
            }
            "compose" if args.get(1).is_some_and(|s| s == "build") => {
                acts.push(Action::BuildsImage)
            }
            "stack" if args.get(1).is_some_and(|s| s == "deploy") => acts.push(Action::Deploys),
            _ => {}
        },
        "docker-compose" | "podman-compose" if sub == "build" => acts.push(Action::BuildsImage),
        "buildah" if matches!(sub, "bud" | "build") => acts.push(Action::BuildsImage),
        "executor" | "kaniko" => acts.push(Action::BuildsImage),
        "pack" if sub == "build" => acts.push(Action::BuildsImage),
        "flyctl" | "fly" if sub == "deploy" => acts.push(Action::Deploys),
        "heroku" if sub.starts_with("container:release") || sub == "deploy" => {
            acts.push(Action::Deploys)
        }
        "git"
            if sub == "push"
                && args
                    .iter()
                    .skip(1)
                    .any(|a| a.contains("heroku") || a.contains("dokku")) =>
        {
            acts.push(Action::Deploys)
        }
        "aws" => {
            let verb = args.get(1).map(String::as_str).unwrap_or("");
            if matches!(
                (sub, verb),
                ("ecs", "update-service")
                    | ("lambda", "update-function-code")
                    | ("s3", "sync")
                    | ("deploy", _)
                    | ("cloudformation", "deploy")
                    | ("elasticbeanstalk", "update-environment")
            ) {
                acts.push(Action::Deploys)
            }
        }
        "eb" | "sam" | "cdk" | "serverless" | "sls" | "netlify" | "cdktf" if sub == "deploy" => {
            acts.push(Action::Deploys)
        }
        "zappa" if matches!(sub, "deploy" | "update") => acts.push(Action::Deploys),
        "gcloud" => {
            let verb = args.get(1).map(String::as_str).unwrap_or("");
            let third = args.get(2).map(String::as_str).unwrap_or("");
            if verb == "deploy" || third == "deploy" {
                acts.push(Action::Deploys)
            }
        }
        "az" if args.iter().any(|a| a == "deploy" || a == "up") => acts.push(Action::Deploys),
        "railway" if sub == "up" => acts.push(Action::Deploys),
        "vercel" if sub == "deploy" || has_arg("--prod") => acts.push(Action::Deploys),
        "kubectl"
            if matches!(sub, "apply" | "rollout" | "create")
                || (sub == "set" && args.get(1).is_some_and(|a| a == "image")) =>
        {
            acts.push(Action::Deploys)
        }
        "helm" if matches!(sub, "upgrade" | "install") => acts.push(Action::Deploys),
        "terraform" | "tofu" if sub == "apply" => acts.push(Action::Deploys),
        "pulumi" if sub == "up" => acts.push(Action::Deploys),
        "ansible-playbook" => acts.push(Action::Deploys),
        "mkdocs" if sub == "gh-deploy" => acts.push(Action::Deploys),
        // A command run on another machine, or files copied to one: how a
        // pipeline deploys to a server it can reach (appleboy/ssh-action's way).
        "ssh" if ssh_runs_remote_command(args) => acts.push(Action::Deploys),
        "scp" | "rsync" if args.last().is_some_and(|a| is_remote_path(a)) => {
            acts.push(Action::Deploys)
        }
        "twine" if sub == "upload" => acts.push(Action::Publishes),
        "poetry" => match sub {
            "publish" => acts.push(Action::Publishes),
            "install" | "sync" => acts.push(Action::InstallsLocked),
            _ => {}
        },
        "uv" => match sub {
            "publish" => acts.push(Action::Publishes),
            "sync" => acts.push(Action::InstallsLocked),
            "pip" => pip_actions(&args[1..], true, acts),
            _ => {}
        },
        "flit" | "pdm" | "maturin" if matches!(sub, "publish" | "upload") => {
            acts.push(Action::Publishes)
        }
        "pdm" if matches!(sub, "sync" | "install") => acts.push(Action::InstallsLocked),
        "pipenv"
            if sub == "sync"
                || (sub == "install" && (has_arg("--deploy") || has_arg("--ignore-pipfile"))) =>
        {
            acts.push(Action::InstallsLocked)
        }
        "pip-sync" => acts.push(Action::InstallsLocked),
        "conda-lock" if sub == "install" => acts.push(Action::InstallsLocked),
        "pip" | "pip3" => pip_actions(args, false, acts),
        n if n.starts_with("pip3.") => pip_actions(args, false, acts),
        // gunicorn has no development mode: any app it is given (`app:app`,
        // Django's `project.wsgi`) is served for production.
        "gunicorn"
            if args
                .iter()
                .any(|a| !a.starts_with('-') && !a.starts_with('$'))
                || ["-c", "--config", "--bind", "-b", "-w", "--workers"]
                    .iter()
                    .any(|o| has_arg(o)) =>
        {
            acts.push(Action::Serves)
        }
        "uvicorn" => {
            let public = option_values(args, &["--host"]).contains(&"0.0.0.0");
            if !has_arg("--reload")
                && (has_arg("--workers") || public || has_arg("--proxy-headers"))
            {
                acts.push(Action::Serves)
            }
        }
        "uwsgi"
            if args.iter().any(|a| a.ends_with(".ini"))
                || [
                    "--ini",
                    "--module",
                    "--http",
                    "--socket",
                    "-w",
                    "--wsgi-file",
                ]
                .iter()
                .any(|o| has_arg(o)) =>
        {
            acts.push(Action::Serves)
        }
        "waitress-serve" | "granian" | "bjoern" => acts.push(Action::Serves),
        "hypercorn" | "daphne" if args.iter().any(|a| !a.starts_with('-') && a.contains(':')) => {
            acts.push(Action::Serves)
        }
        "fastapi" if sub == "run" => acts.push(Action::Serves),
        _ => {}
    }
}

/// `ssh [options] host command...`: true when a command follows the host.
fn ssh_runs_remote_command(args: &[String]) -> bool {
    const VALUED: &[&str] = &[
        "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p",
        "-Q", "-R", "-S", "-W", "-w",
    ];
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "-N" {
            return false;
        }
        if !a.starts_with('-') {
            // `args[i]` is the host; anything after it is the remote command.
            return args.len() > i + 1;
        }
        i += if VALUED.contains(&a.as_str()) { 2 } else { 1 };
    }
    false
}

/// `user@host:path`, `host:path` or `rsync://host/path`, not `C:\dir` or `./a:b`.
fn is_remote_path(arg: &str) -> bool {
    if arg.starts_with('-') {
        return false;
    }
    if arg.starts_with("rsync://") {
        return true;
    }
    let Some((host, _)) = arg.split_once(':') else {
        return false;
    };
    let host = host.rsplit('@').next().unwrap_or(host);
    host.len() > 1
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '$' | '{' | '}'))
}

/// `pip install ...`: from a requirements file, with hashes, or a sync.
fn pip_actions(args: &[String], uv: bool, acts: &mut Vec<Action>) {
    let sub = args.first().map(String::as_str).unwrap_or("");
    if uv && sub == "sync" {
        acts.push(Action::InstallsLocked);
        return;
    }
    if sub != "install" {
        return;
    }
    if args.iter().any(|a| a == "--require-hashes") {
        acts.push(Action::InstallsLocked);
    }
    if !option_values(args, &["-r", "--requirement"]).is_empty()
        || args
            .iter()
            .any(|a| a.starts_with("-r") && a.len() > 2 && !a.starts_with("-r="))
    {
        acts.push(Action::InstallsRequirements);
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::shell::{acts, Action};

    #[test]
    fn task_runners_by_target_name() {
        use Action::*;
        assert_eq!(acts("tox"), vec![RunsTests]);
        assert_eq!(acts("tox -e py311,lint"), vec![RunsTests, Lints]);
        assert_eq!(acts("nox -s typing"), vec![TypeChecks]);
        assert_eq!(acts("make test lint"), vec![RunsTests, Lints]);
        assert_eq!(acts("hatch run test:cov"), vec![Coverage]);
        assert_eq!(acts("make build"), vec![]);
    }

    #[test]
    fn tools_and_what_is_not_work() {
        use Action::*;
        assert_eq!(acts("ruff check . && ruff format --check ."), vec![Lints]);
        assert_eq!(acts("pre-commit run --all-files"), vec![Lints, PreCommit]);
        assert_eq!(acts("mypy --strict src"), vec![TypeChecks]);
        assert_eq!(acts("docker build -t app ."), vec![BuildsImage]);
        assert_eq!(acts("flyctl deploy --remote-only"), vec![Deploys]);
        assert_eq!(acts("twine upload dist/*"), vec![Publishes]);
        assert_eq!(
            acts("pip install --no-cache-dir -r requirements.txt"),
            vec![InstallsRequirements]
        );
        assert_eq!(acts("uv sync --frozen"), vec![InstallsLocked]);
        assert_eq!(acts("gunicorn app:app -b 0.0.0.0:8000"), vec![Serves]);
        assert_eq!(acts("uvicorn main:app --reload"), vec![]);
        assert_eq!(acts("gunicorn django_project.wsgi"), vec![Serves]);
        assert_eq!(acts("gunicorn --version"), vec![]);
        assert_eq!(acts("echo \"pytest\"; pytest --version"), vec![]);
        assert_eq!(acts("pip install pytest ruff"), vec![]);
    }
}
