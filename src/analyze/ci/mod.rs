//! CI pipelines and the tools they drive: GitHub Actions, GitLab CI,
//! CircleCI, Azure Pipelines, Travis, Bitbucket Pipelines, Drone and
//! Woodpecker, Jenkinsfiles, tox, nox (from `noxfile.py`'s syntax tree) and
//! pre-commit. Each format has a parser
//! that finds its jobs, steps and scripts; scripts are split into commands
//! by [`shell`](super::shell) and named steps (actions, orbs, tasks, pipes,
//! hooks) are looked up by `known` in the data table
//! `rules/tools/ci_steps.toml`. What each pipeline does is stated as a fact
//! at the line of the command or step that does it.
//!
//! What is not evidence: comments, text in an `echo`, `pytest --version`,
//! `pip install pytest`, a hidden GitLab template no job extends, a file
//! in a `docs/` or `examples/` folder.

mod azure;
mod bitbucket;
mod circleci;
mod drone;
mod github;
mod gitlab;
mod groovy;
mod jenkins;
mod known;
pub mod nox;
mod precommit;
mod record;
mod tox;
mod travis;

use super::facts::ConfigFacts;

// The facts this analyzer states (see `config::facts!`).
crate::analyze::config::facts! {
    CI_PIPELINE = "ci.pipeline",
        "a CI pipeline with at least one job that has steps (at the job)";
    CI_RUNS_TESTS = "ci.runs_tests",
        "a CI step runs the test suite (pytest, unittest, tox, nox, `manage.py test`, ...)";
    CI_LINTS = "ci.lints",
        "a CI step runs a linter or formatter check (ruff, flake8, pylint, black, ...; a ruff/black action)";
    CI_TYPE_CHECKS = "ci.type_checks",
        "a CI step runs a static type checker (mypy, pyright, ...)";
    CI_TYPE_CHECKS_STRICT = "ci.type_checks_strict",
        "a CI step runs mypy with --strict";
    CI_COVERAGE = "ci.coverage",
        "a CI step measures or uploads test coverage (`pytest --cov`, `coverage report`, codecov)";
    CI_COVERAGE_THRESHOLD = "ci.coverage_threshold",
        "a CI step fails under a coverage threshold (`--cov-fail-under`, `coverage report --fail-under`)";
    CI_PRE_COMMIT = "ci.pre_commit",
        "a CI step runs the pre-commit hooks (`pre-commit run`, pre-commit/action)";
    CI_SECURITY_SCAN = "ci.security_scan",
        "a CI step scans dependencies or code for vulnerabilities or secrets (pip-audit, bandit, CodeQL, trivy, ...)";
    CI_BUILDS_IMAGE = "ci.builds_image",
        "a CI step builds a container image (`docker build`, docker/build-push-action, ...)";
    CI_DEPLOYS = "ci.deploys",
        "a CI step deploys (flyctl deploy, kubectl apply, a deploy action, GitLab Pages, ...)";
    CI_PUBLISHES = "ci.publishes",
        "a CI step publishes a package to an index (twine upload, uv publish, pypa/gh-action-pypi-publish, ...)";
    CI_INSTALLS_LOCKED = "ci.installs_locked",
        "a CI step installs exactly what a lock file says (`uv sync`, `poetry install`, `pip install --require-hashes`, ...)";
    CI_MATRIX = "ci.matrix",
        "a job runs on a matrix of at least two combinations (Python versions, OSes), at the matrix";
    CI_TESTS_ON_MATRIX = "ci.tests_on_matrix",
        "a job that runs the tests does so on a matrix of at least two combinations, at the matrix";
    CI_SCHEDULED = "ci.scheduled",
        "a pipeline runs on a schedule (a cron trigger), at the schedule";
    CI_RELEASE_TRIGGER = "ci.release_trigger",
        "a pipeline or job runs on tags or releases (`on: release`, `push: tags:`, `$CI_COMMIT_TAG`, ...)";
    TOX_ENV = "tox.env",
        "a tox environment is defined ([testenv] or [testenv:name] in tox.ini)";
    TOX_RUNS_TESTS = "tox.runs_tests",
        "a tox environment's commands run the test suite";
    TOX_LINTS = "tox.lints",
        "a tox environment's commands run a linter or formatter check";
    TOX_TYPE_CHECKS = "tox.type_checks",
        "a tox environment's commands run a static type checker";
    TOX_TYPE_CHECKS_STRICT = "tox.type_checks_strict",
        "a tox environment's commands run mypy with --strict";
    TOX_COVERAGE = "tox.coverage",
        "a tox environment's commands measure coverage";
    TOX_PRE_COMMIT = "tox.pre_commit",
        "a tox environment's commands run the pre-commit hooks";
    TOX_SECURITY_SCAN = "tox.security_scan",
        "a tox environment's commands scan for vulnerabilities (pip-audit, bandit, ...)";
    TOX_PUBLISHES = "tox.publishes",
        "a tox environment's commands publish a package (twine upload, ...)";
    TOX_MATRIX = "tox.matrix",
        "the tox envlist covers at least two Python versions, at the envlist";
    NOX_SESSION = "nox.session",
        "a nox session is defined (@nox.session in noxfile.py)";
    NOX_RUNS_TESTS = "nox.runs_tests",
        "a nox session runs the test suite (session.run(\"pytest\", ...))";
    NOX_LINTS = "nox.lints",
        "a nox session runs a linter or formatter check";
    NOX_TYPE_CHECKS = "nox.type_checks",
        "a nox session runs a static type checker";
    NOX_COVERAGE = "nox.coverage",
        "a nox session measures coverage";
    PRECOMMIT_HOOKS = "precommit.hooks",
        "a pre-commit hook is configured, at its `id:`";
    PRECOMMIT_LINTS = "precommit.lints",
        "a pre-commit hook lints or formats Python (ruff, black, flake8, isort, pylint, ...)";
    PRECOMMIT_TYPE_CHECKS = "precommit.type_checks",
        "a pre-commit hook type-checks (mypy, pyright)";
    PRECOMMIT_TYPE_CHECKS_STRICT = "precommit.type_checks_strict",
        "a pre-commit mypy hook runs with --strict";
    PRECOMMIT_RUNS_TESTS = "precommit.runs_tests",
        "a pre-commit hook runs the tests (a local pytest hook)";
    PRECOMMIT_SECURITY = "precommit.security",
        "a pre-commit hook scans for vulnerabilities or secrets (bandit, pip-audit, detect-secrets, gitleaks, ...)";
    PRECOMMIT_CI = "precommit.ci",
        "the config has a `ci:` section for pre-commit.ci, which runs the hooks on every push";
}

/// The kinds of file this analyzer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.github/workflows/*.yml`
    GithubWorkflow,
    /// A composite action of the repository: `.github/actions/NAME/action.yml`.
    GithubAction,
    /// `.gitlab-ci.yml` and the files it includes by convention (`*.gitlab-ci.yml`, `.gitlab/ci/*.yml`).
    Gitlab,
    /// `.circleci/config.yml`
    Circle,
    /// `azure-pipelines*.yml` and templates under `.azure-pipelines/`.
    Azure,
    /// `.travis.yml`
    Travis,
    /// `bitbucket-pipelines.yml`
    Bitbucket,
    /// `.drone.yml`
    Drone,
    /// `.woodpecker.yml`, `.woodpecker/*.yml`
    Woodpecker,
    /// `Jenkinsfile`, `Jenkinsfile.release`, `deploy.jenkinsfile`
    Jenkins,
    /// `tox.ini`
    Tox,
    /// `.pre-commit-config.yaml`
    PreCommit,
}

/// Folders whose files show how something is done rather than doing it:
/// a workflow under `docs/` is an example, not the project's CI.
/// A job or stage whose name says it deploys (`deploy`, `deploy-prod`,
/// `Deploy to Heroku`, `deployment`), which `release` alone does not.
pub(super) fn named_for_deploying(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| matches!(w, "deploy" | "deployment" | "deploys"))
}

fn is_sample_dir(dir: &str) -> bool {
    matches!(
        dir.to_ascii_lowercase().as_str(),
        "docs"
            | "doc"
            | "examples"
            | "example"
            | "samples"
            | "sample"
            | "fixtures"
            | "testdata"
            | "test_data"
            | "node_modules"
            | "vendor"
            | "third_party"
            | "site-packages"
    ) || dir.contains("{{")
        || dir.contains("{%")
}

/// The kind of a file, by its path inside the repository.
pub fn kind_of(path: &str) -> Option<Kind> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let (name, dirs) = parts.split_last()?;
    if dirs.iter().any(|d| is_sample_dir(d)) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    let parent = dirs.last().copied().unwrap_or("");
    let grandparent = dirs.len().checked_sub(2).map_or("", |i| dirs[i]);
    let under = |a: &str, b: &str| dirs.windows(2).any(|w| w[0] == a && w[1] == b);
    Some(match lower.as_str() {
        _ if yaml && parent == "workflows" && grandparent == ".github" => Kind::GithubWorkflow,
        "action.yml" | "action.yaml" if under(".github", "actions") => Kind::GithubAction,
        ".gitlab-ci.yml" | ".gitlab-ci.yaml" => Kind::Gitlab,
        n if n.ends_with(".gitlab-ci.yml") || n.ends_with(".gitlab-ci.yaml") => Kind::Gitlab,
        _ if yaml && under(".gitlab", "ci") => Kind::Gitlab,
        "config.yml" | "config.yaml" if parent == ".circleci" => Kind::Circle,
        n if yaml && n.starts_with("azure-pipelines") => Kind::Azure,
        // Template folders: `.azure-pipelines/`, `azure-pipelines/`, `_azure-pipelines/`.
        _ if yaml
            && dirs.iter().any(|d| {
                d.to_ascii_lowercase().trim_start_matches(['.', '_']) == "azure-pipelines"
            }) =>
        {
            Kind::Azure
        }
        ".travis.yml" | ".travis.yaml" => Kind::Travis,
        "bitbucket-pipelines.yml" | "bitbucket-pipelines.yaml" => Kind::Bitbucket,
        ".drone.yml" | ".drone.yaml" => Kind::Drone,
        ".woodpecker.yml" | ".woodpecker.yaml" => Kind::Woodpecker,
        _ if yaml && parent == ".woodpecker" => Kind::Woodpecker,
        "jenkinsfile" => Kind::Jenkins,
        n if n.ends_with(".jenkinsfile") => Kind::Jenkins,
        n if n.starts_with("jenkinsfile.")
            && !matches!(
                n.rsplit('.').next(),
                Some("md" | "txt" | "rst" | "html" | "png" | "svg" | "bak" | "orig")
            ) =>
        {
            Kind::Jenkins
        }
        "tox.ini" => Kind::Tox,
        ".pre-commit-config.yaml" | ".pre-commit-config.yml" => Kind::PreCommit,
        _ => return None,
    })
}

/// Reads one file of `kind`: never fails, never panics; what cannot be
/// read is a problem that names its line.
pub fn analyze(kind: Kind, text: &str) -> ConfigFacts {
    match kind {
        Kind::GithubWorkflow => github::workflow(text),
        Kind::GithubAction => github::composite_action(text),
        Kind::Gitlab => gitlab::analyze(text),
        Kind::Circle => circleci::analyze(text),
        Kind::Azure => azure::analyze(text),
        Kind::Travis => travis::analyze(text),
        Kind::Bitbucket => bitbucket::analyze(text),
        Kind::Drone => drone::analyze(text, drone::Flavor::Drone),
        Kind::Woodpecker => drone::analyze(text, drone::Flavor::Woodpecker),
        Kind::Jenkins => jenkins::analyze(text),
        Kind::Tox => tox::analyze(text),
        Kind::PreCommit => precommit::analyze(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_path() {
        assert_eq!(
            kind_of(".github/workflows/ci.yml"),
            Some(Kind::GithubWorkflow)
        );
        assert_eq!(
            kind_of("svc/.github/workflows/ci.yaml"),
            Some(Kind::GithubWorkflow)
        );
        // GitHub reads no subfolder of workflows/, and docs hold examples.
        assert_eq!(kind_of(".github/workflows/old/ci.yml"), None);
        assert_eq!(kind_of("docs/.github/workflows/ci.yml"), None);
        assert_eq!(kind_of("docs/ci-example.yml"), None);
        assert_eq!(kind_of("{{cookiecutter.slug}}/.gitlab-ci.yml"), None);
        assert_eq!(
            kind_of(".github/actions/setup/action.yml"),
            Some(Kind::GithubAction)
        );
        assert_eq!(kind_of(".gitlab/ci/test.yml"), Some(Kind::Gitlab));
        assert_eq!(kind_of("ci/lint.gitlab-ci.yml"), Some(Kind::Gitlab));
        assert_eq!(kind_of(".circleci/config.yml"), Some(Kind::Circle));
        assert_eq!(kind_of("azure-pipelines.yml"), Some(Kind::Azure));
        assert_eq!(
            kind_of("_azure-pipelines/template-linux.yml"),
            Some(Kind::Azure)
        );
        assert_eq!(kind_of("Jenkinsfile"), Some(Kind::Jenkins));
        assert_eq!(kind_of("ci/Jenkinsfile.release"), Some(Kind::Jenkins));
        assert_eq!(kind_of("Jenkinsfile.md"), None);
        assert_eq!(kind_of("tox.ini"), Some(Kind::Tox));
        assert_eq!(kind_of(".pre-commit-config.yaml"), Some(Kind::PreCommit));
        assert_eq!(kind_of("config.yml"), None);
        assert_eq!(kind_of(".github/dependabot.yml"), None);
    }

    #[test]
    fn every_fact_is_listed_once() {
        let mut names: Vec<&str> = FACTS.iter().map(|f| f.name).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len());
    }
    const KINDS: &[Kind] = &[
        Kind::GithubWorkflow,
        Kind::GithubAction,
        Kind::Gitlab,
        Kind::Circle,
        Kind::Azure,
        Kind::Travis,
        Kind::Bitbucket,
        Kind::Drone,
        Kind::Woodpecker,
        Kind::Jenkins,
        Kind::Tox,
        Kind::PreCommit,
    ];

    #[test]
    fn odd_inputs_never_panic() {
        let deep = "a:\n".to_string() + &"  - ".repeat(200) + "x\n";
        let nested_braces = "{".repeat(500) + &"}".repeat(10);
        let odd = [
            "",
            "\n\n",
            "- 1\n- 2\n",
            "42",
            "jobs: 5\nsteps: [1, 2]\nscript: {a: b}\nrepos: 3\n",
            "jobs:\n  a:\n    steps:\n      - run: 7\n      - uses: [x]\n",
            "stages:\n  - 1\n  - jobs: [2]\n  - stage: x\n    jobs: {a: 1}\n",
            "pipelines:\n  default: 3\n  branches: [1]\n  tags: {v: 4}\n",
            "workflows:\n  version: 2\n  w:\n    jobs: [{}, {a: {matrix: 3}}]\n",
            "[testenv]\ncommands = {[testenv]commands}\n",
            "\u{feff}\u{0}\u{1b}[0m\\",
            "'''",
            "sh \"\"\"",
            &deep,
            &nested_braces,
        ];
        for k in KINDS {
            for text in &odd {
                let _ = analyze(*k, text);
            }
        }
    }

    /// Every fact a fixture gives is one `FACTS` lists (the rules check
    /// their names against that list, so a misspelt name would match nothing).
    #[test]
    fn stated_facts_are_listed() {
        fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, base, out);
                } else if let Ok(rel) = p.strip_prefix(base) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/config/ci");
        let mut paths = Vec::new();
        walk(&base, &base, &mut paths);
        let mut seen = 0;
        for rel in paths {
            let Some(kind) = kind_of(&rel) else { continue };
            let text = std::fs::read_to_string(base.join(&rel)).unwrap_or_default();
            for f in analyze(kind, &text).facts {
                seen += 1;
                assert!(
                    crate::analyze::config::known_facts().any(|i| i.name == f.name),
                    "{rel}: `{}` is not a registered fact",
                    f.name
                );
            }
        }
        assert!(seen > 100, "the fixtures gave only {seen} facts");
    }
}
