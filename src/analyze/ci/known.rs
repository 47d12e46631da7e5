//! Well-known steps that are not shell commands: GitHub actions (`uses:`),
//! CircleCI orb commands and jobs, Azure Pipelines tasks, Bitbucket pipes
//! and Drone/Woodpecker plugins, each by what it does.

use crate::analyze::shell::Action::{self, *};
use crate::analyze::yaml::Node;

/// GitHub actions by `owner/repo` (a longer entry, `owner/repo/path`,
/// names one action of a repository holding several).
const GITHUB: &[(&str, &[Action])] = &[
    ("codecov/codecov-action", &[Coverage]),
    ("coverallsapp/github-action", &[Coverage]),
    ("py-cov-action/python-coverage-comment-action", &[Coverage]),
    ("orgoro/coverage", &[Coverage]),
    ("5monkeys/cobertura-action", &[Coverage]),
    ("irongut/codecoveragesummary", &[Coverage]),
    ("docker/build-push-action", &[BuildsImage]),
    ("docker/bake-action", &[BuildsImage]),
    ("redhat-actions/buildah-build", &[BuildsImage]),
    ("mr-smithers-excellent/docker-build-push", &[BuildsImage]),
    ("elgohr/publish-docker-github-action", &[BuildsImage]),
    ("pypa/gh-action-pypi-publish", &[Publishes]),
    ("casperdcl/deploy-pypi", &[Publishes]),
    ("jrubics/poetry-publish", &[Publishes]),
    ("astral-sh/ruff-action", &[Lints]),
    ("chartboost/ruff-action", &[Lints]),
    ("psf/black", &[Lints]),
    ("py-actions/flake8", &[Lints]),
    ("reviewdog/action-flake8", &[Lints]),
    ("reviewdog/action-black", &[Lints]),
    ("isort/isort-action", &[Lints]),
    ("ricardochaves/python-lint", &[Lints]),
    ("github/super-linter", &[Lints]),
    ("super-linter/super-linter", &[Lints]),
    ("pre-commit/action", &[PreCommit]),
    ("pre-commit-ci/lite-action", &[PreCommit]),
    ("jakebailey/pyright-action", &[TypeChecks]),
    ("tsuyoshicho/action-mypy", &[TypeChecks]),
    ("pypa/gh-action-pip-audit", &[SecurityScan]),
    ("github/codeql-action/analyze", &[SecurityScan]),
    ("aquasecurity/trivy-action", &[SecurityScan]),
    ("snyk/actions", &[SecurityScan]),
    ("pyupio/safety-action", &[SecurityScan]),
    ("google/osv-scanner-action", &[SecurityScan]),
    ("returntocorp/semgrep-action", &[SecurityScan]),
    ("semgrep/semgrep-action", &[SecurityScan]),
    ("gitleaks/gitleaks-action", &[SecurityScan]),
    ("trufflesecurity/trufflehog", &[SecurityScan]),
    ("actions/dependency-review-action", &[SecurityScan]),
    ("pycqa/bandit-action", &[SecurityScan]),
    ("anchore/scan-action", &[SecurityScan]),
    ("akhileshns/heroku-deploy", &[Deploys]),
    ("aws-actions/amazon-ecs-deploy-task-definition", &[Deploys]),
    ("aws-actions/aws-cloudformation-github-deploy", &[Deploys]),
    ("google-github-actions/deploy-cloudrun", &[Deploys]),
    ("google-github-actions/deploy-appengine", &[Deploys]),
    ("google-github-actions/deploy-cloud-functions", &[Deploys]),
    ("azure/webapps-deploy", &[Deploys]),
    ("azure/functions-action", &[Deploys]),
    ("azure/k8s-deploy", &[Deploys]),
    ("azure/container-apps-deploy-action", &[Deploys]),
    ("appleboy/ssh-action", &[Deploys]),
    ("appleboy/scp-action", &[Deploys]),
    ("easingthemes/ssh-deploy", &[Deploys]),
    ("burnett01/rsync-deployments", &[Deploys]),
    ("einaregilsson/beanstalk-deploy", &[Deploys]),
    ("peaceiris/actions-gh-pages", &[Deploys]),
    ("actions/deploy-pages", &[Deploys]),
    ("jamesives/github-pages-deploy-action", &[Deploys]),
    ("cloudflare/wrangler-action", &[Deploys]),
    ("cloudflare/pages-action", &[Deploys]),
    ("amondnet/vercel-action", &[Deploys]),
];

/// What a GitHub action does, by its `uses:` value (`owner/repo[/path]@ref`)
/// and, for actions whose inputs choose, its `with:`.
pub(super) fn github_action(uses: &str, with: Option<&Node>) -> Vec<Action> {
    let name = uses
        .split('@')
        .next()
        .unwrap_or(uses)
        .trim()
        .to_ascii_lowercase();
    // `./.github/actions/x` (read as its own file) and `docker://image`.
    if name.starts_with('.') || name.contains("://") {
        return Vec::new();
    }
    let input = |key: &str| {
        with.and_then(|w| w.get(key))
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    match name.as_str() {
        // `superfly/flyctl-actions/setup-flyctl` only installs flyctl.
        "superfly/flyctl-actions" if input("args").contains("deploy") => return vec![Deploys],
        "pyo3/maturin-action" if matches!(input("command").as_str(), "upload" | "publish") => {
            return vec![Publishes]
        }
        _ => {}
    }
    lookup(GITHUB, &name)
}

/// The entry for `name` or for the repository it is a path of.
fn lookup(table: &[(&str, &[Action])], name: &str) -> Vec<Action> {
    table
        .iter()
        .find(|(k, _)| {
            name == *k
                || name
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .map(|(_, a)| a.to_vec())
        .unwrap_or_default()
}

/// CircleCI orb commands and jobs (`orb/name`), by the orb's usual alias.
const CIRCLE_ORBS: &[(&str, &[Action])] = &[
    ("python/test", &[RunsTests]),
    ("codecov/upload", &[Coverage]),
    ("coveralls/upload", &[Coverage]),
    ("docker/build", &[BuildsImage]),
    ("docker/publish", &[BuildsImage]),
    ("aws-ecr/build-and-push-image", &[BuildsImage]),
    ("aws-ecr/build_and_push_image", &[BuildsImage]),
    ("gcp-gcr/build-image", &[BuildsImage]),
    ("snyk/scan", &[SecurityScan]),
];

/// What a CircleCI orb step or job does (`codecov/upload`, `heroku/deploy-via-git`).
pub(super) fn circle_orb(name: &str) -> Vec<Action> {
    let lower = name.to_ascii_lowercase();
    let found = lookup(CIRCLE_ORBS, &lower);
    if !found.is_empty() {
        return found;
    }
    match lower.split_once('/') {
        Some((_, command)) if command.contains("deploy") => vec![Deploys],
        _ => Vec::new(),
    }
}

/// What an Azure Pipelines task does (`Docker@2`, `AzureWebApp@1`), with its `inputs:`.
pub(super) fn azure_task(task: &str, inputs: Option<&Node>) -> Vec<Action> {
    let name = task
        .split('@')
        .next()
        .unwrap_or(task)
        .trim()
        .to_ascii_lowercase();
    let input = |key: &str| {
        inputs
            .and_then(|w| {
                // Task inputs are case-insensitive.
                w.entries()
                    .iter()
                    .find(|(k, _)| k.text.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            })
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    match name.as_str() {
        "publishcodecoverageresults" => vec![Coverage],
        // Without a command, Docker@2 builds and pushes.
        "docker" => match input("command").as_str() {
            "" | "build" | "buildandpush" => vec![BuildsImage],
            _ => Vec::new(),
        },
        "azurewebapp"
        | "azurermwebappdeployment"
        | "azurefunctionapp"
        | "azurecontainerapps"
        | "azurewebappcontainer"
        | "azurefunctionappcontainer"
        | "azurestaticwebapp" => {
            vec![Deploys]
        }
        "kubernetesmanifest" if input("action") == "deploy" => vec![Deploys],
        "kubernetes" if input("command") == "apply" => vec![Deploys],
        "helmdeploy" if matches!(input("command").as_str(), "upgrade" | "install") => {
            vec![Deploys]
        }
        _ => Vec::new(),
    }
}

/// What a Bitbucket pipe does (`atlassian/heroku-deploy:2.2.0`).
pub(super) fn bitbucket_pipe(pipe: &str) -> Vec<Action> {
    let name = pipe
        .split(':')
        .next()
        .unwrap_or(pipe)
        .trim()
        .to_ascii_lowercase();
    let name = name.strip_prefix("docker://").unwrap_or(&name);
    let repo = name.rsplit('/').next().unwrap_or(name);
    match repo {
        "pypi-publish" => vec![Publishes],
        "snyk-scan" | "git-secrets-scan" => vec![SecurityScan],
        "ssh-run" | "scp-deploy" | "rsync-deploy" | "kubectl-run" => vec![Deploys],
        r if r.contains("deploy") => vec![Deploys],
        _ => Vec::new(),
    }
}

/// What a Drone or Woodpecker plugin image does (`plugins/docker`).
pub(super) fn container_plugin(image: &str) -> Vec<Action> {
    let name = image
        .split(':')
        .next()
        .unwrap_or(image)
        .trim()
        .to_ascii_lowercase();
    let repo = name.rsplit('/').next().unwrap_or(&name);
    let plugin = name.starts_with("plugins/")
        || name.starts_with("woodpeckerci/")
        || name.contains("/plugin-")
        || name.starts_with("drone-");
    if !plugin {
        return Vec::new();
    }
    match repo.strip_prefix("plugin-").unwrap_or(repo) {
        "docker" | "docker-buildx" | "ecr" | "gcr" | "kaniko" | "buildx" => vec![BuildsImage],
        "pypi" => vec![Publishes],
        "codecov" | "coveralls" => vec![Coverage],
        r if r.contains("deploy") || matches!(r, "ssh" | "scp" | "heroku" | "surge") => {
            vec![Deploys]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_by_name_and_inputs() {
        assert_eq!(
            github_action("codecov/codecov-action@v4", None),
            vec![Coverage]
        );
        assert_eq!(
            github_action("github/codeql-action/analyze@v3", None),
            vec![SecurityScan]
        );
        assert!(github_action("github/codeql-action/init@v3", None).is_empty());
        assert_eq!(
            github_action("snyk/actions/python@master", None),
            vec![SecurityScan]
        );
        assert!(github_action("superfly/flyctl-actions/setup-flyctl@master", None).is_empty());
        assert!(github_action("actions/checkout@v4", None).is_empty());
        assert!(github_action("./.github/actions/setup", None).is_empty());
        // A longer name that only starts like a known one is another action.
        assert!(github_action("psf/blackbox@v1", None).is_empty());
        assert_eq!(circle_orb("heroku/deploy-via-git"), vec![Deploys]);
        assert_eq!(azure_task("Docker@2", None), vec![BuildsImage]);
        assert_eq!(
            bitbucket_pipe("atlassian/pypi-publish:0.3.1"),
            vec![Publishes]
        );
        assert_eq!(container_plugin("plugins/docker:20"), vec![BuildsImage]);
        assert!(container_plugin("python:3.12").is_empty());
    }
}
