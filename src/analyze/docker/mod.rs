//! Dockerfiles and compose files: instructions and services, each at its line.
//!
//! A Dockerfile is read by an instruction parser (`instructions`) and its
//! stages interpreted (`dockerfile`, with `arguments`, `image` and
//! `layers`); a compose file is read as YAML (`compose`). Commands (`RUN`,
//! `CMD`, `command:`) are classified by [`shell`](crate::analyze::shell).

mod arguments;
mod compose;
mod dockerfile;
mod image;
mod instructions;
mod layers;

use super::facts::ConfigFacts;
use super::shell::{self, Action};
use super::yaml::{Node, Value};

// The facts this analyzer states (see `config::facts!`).
crate::analyze::config::facts! {
    DOCKER_FROM = "docker.from",
        "a Dockerfile builds an image from a base (each FROM, with the image as resolved)";
    DOCKER_MULTI_STAGE = "docker.multi_stage",
        "a multi-stage build: each stage after the first, at its FROM";
    DOCKER_COPY_FROM_STAGE = "docker.copy_from_stage",
        "COPY/ADD --from= an earlier stage of the same Dockerfile (build artifacts passed on)";
    DOCKER_SLIM_BASE = "docker.slim_base",
        "a base image that is slim, alpine or distroless";
    DOCKER_PINNED_BASE = "docker.pinned_base",
        "a base image pinned by a version tag or a digest (not latest, not untagged)";
    DOCKER_NON_ROOT_USER = "docker.non_root_user",
        "the final image runs as a non-root user: the last USER of the final stage (or the stage it builds on), or a nonroot base (distroless :nonroot, Chainguard) with no USER";
    DOCKER_HEALTHCHECK = "docker.healthcheck",
        "the final image has a HEALTHCHECK command (not NONE)";
    DOCKER_DEPS_BEFORE_CODE = "docker.deps_before_code",
        "dependency manifests copied and installed before the code (the layer-caching idiom), at the COPY of the manifests";
    DOCKER_INSTALLS_REQUIREMENTS = "docker.installs_requirements",
        "a RUN installs from a requirements file (pip install -r)";
    DOCKER_INSTALLS_LOCKED = "docker.installs_locked",
        "a RUN installs exactly what a lock file says (uv sync, poetry install, pip-sync, --require-hashes)";
    DOCKER_SERVES_PRODUCTION = "docker.serves_production",
        "the final image's CMD/ENTRYPOINT runs a production server (gunicorn, uvicorn workers, uwsgi, ...)";
    COMPOSE_SERVICES = "compose.services",
        "a compose file defines services (at `services:`)";
    COMPOSE_BUILD = "compose.build",
        "a compose service built from a Dockerfile of the repository (`build:`)";
    COMPOSE_IMAGE = "compose.image",
        "a compose service running a published image (`image:` without `build:`)";
    COMPOSE_DEPENDS_ON = "compose.depends_on",
        "a compose service depends on others (`depends_on:` or `links:`)";
    COMPOSE_HEALTHCHECK = "compose.healthcheck",
        "a compose service has a health check (not disabled)";
    COMPOSE_HEALTHY_DEPENDENCY = "compose.healthy_dependency",
        "a dependency waited on until healthy or completed (`condition: service_healthy` / `service_completed_successfully`)";
    COMPOSE_DATABASE = "compose.database",
        "a compose service runs a database image (postgres, mysql, mariadb, mongo)";
    COMPOSE_CACHE = "compose.cache",
        "a compose service runs a cache (redis, valkey, memcached)";
    COMPOSE_BROKER = "compose.broker",
        "a compose service runs a message broker (rabbitmq, kafka, nats)";
    COMPOSE_NAMED_VOLUME = "compose.named_volume",
        "a named volume declared under the top-level `volumes:`";
    COMPOSE_ENV_FILE = "compose.env_file",
        "a compose service reads its settings from an env_file";
    COMPOSE_SERVES_PRODUCTION = "compose.serves_production",
        "a compose service's command runs a production server";
}

/// The kinds of file this analyzer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dockerfile,
    Compose,
}

/// Extensions that make `Dockerfile.<ext>` something else: documentation,
/// a per-Dockerfile ignore file, or a template that is not buildable as is.
const NOT_DOCKERFILE: &[&str] = &[
    "dockerignore",
    "md",
    "txt",
    "rst",
    "json",
    "yml",
    "yaml",
    "toml",
    "sh",
    "j2",
    "jinja",
    "jinja2",
    "tmpl",
    "tpl",
    "template",
];

/// The kind of a file, by its path inside the repository.
pub fn kind_of(path: &str) -> Option<Kind> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e);
    let dockerfile = name == "dockerfile"
        || name == "containerfile"
        || ((name.starts_with("dockerfile.") || name.starts_with("containerfile."))
            && !ext.is_some_and(|e| NOT_DOCKERFILE.contains(&e)))
        || name.ends_with(".dockerfile")
        || name.ends_with(".containerfile");
    if dockerfile {
        return Some(Kind::Dockerfile);
    }
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let compose = yaml
        && (matches!(
            name.as_str(),
            "docker-compose.yml" | "docker-compose.yaml" | "compose.yml" | "compose.yaml"
        ) || name.starts_with("docker-compose.")
            || name.starts_with("compose."));
    compose.then_some(Kind::Compose)
}

/// States the facts of one Dockerfile or compose file. Never fails: what
/// cannot be read is a problem naming its line.
pub fn analyze(kind: Kind, text: &str) -> ConfigFacts {
    match kind {
        Kind::Dockerfile => dockerfile::analyze(text),
        Kind::Compose => compose::analyze(text),
    }
}

/// What a YAML command does (compose `command:`, a platform's start
/// command), written as one string or as a list of words, and how it reads.
pub(crate) fn node_command(cmd: &Node) -> Option<(Vec<Action>, String)> {
    match &cmd.value {
        Value::Scalar { text, .. } => Some((script_actions(text), text.clone())),
        Value::Seq(_) => {
            let words: Vec<String> = cmd
                .strings()
                .iter()
                .filter_map(|n| n.as_str())
                .map(str::to_string)
                .collect();
            let shown = words.join(" ");
            Some((command_actions(&words), shown))
        }
        _ => None,
    }
}

/// What one command given as words does (a Dockerfile exec form, a compose
/// `command:` list, a Procfile process): `sh -c "..."` is read as the script
/// it runs.
pub(crate) fn command_actions(words: &[String]) -> Vec<Action> {
    if let Some(script) = shell_script(words) {
        let mut acts: Vec<Action> = shell::classify_script(script)
            .into_iter()
            .map(|(_, a, _)| a)
            .collect();
        acts.sort();
        acts.dedup();
        return acts;
    }
    shell::classify(words)
}

/// The script of `sh -c SCRIPT` (also `bash -lc`, `/bin/sh -ec`).
fn shell_script(words: &[String]) -> Option<&str> {
    let (first, rest) = words.split_first()?;
    let name = first.rsplit('/').next().unwrap_or(first);
    if !matches!(name, "sh" | "bash" | "ash" | "dash" | "zsh") {
        return None;
    }
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        let flags = w.strip_prefix('-')?;
        if flags.contains('c') {
            return it.next().map(String::as_str);
        }
    }
    None
}

/// What a command line does: a script (`command: gunicorn app:app`) or an
/// exec list (`command: ["gunicorn", "app:app"]`).
pub(crate) fn script_actions(script: &str) -> Vec<Action> {
    let mut acts: Vec<Action> = shell::commands(script)
        .iter()
        .flat_map(|c| command_actions(&c.words))
        .collect();
    acts.sort();
    acts.dedup();
    acts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_and_compose_paths() {
        for p in [
            "Dockerfile",
            "docker/Dockerfile.prod",
            "api.Dockerfile",
            "build/app.dockerfile",
            "Containerfile",
            "dockerfile",
        ] {
            assert_eq!(kind_of(p), Some(Kind::Dockerfile), "{p}");
        }
        for p in [
            "Dockerfile.dockerignore",
            "Dockerfile.md",
            "Dockerfile.j2",
            "docs/Dockerfile.txt",
        ] {
            assert_eq!(kind_of(p), None, "{p}");
        }
        for p in [
            "docker-compose.yml",
            "deploy/compose.yaml",
            "docker-compose.prod.yml",
            "compose.override.yaml",
        ] {
            assert_eq!(kind_of(p), Some(Kind::Compose), "{p}");
        }
        assert_eq!(kind_of("compose.py"), None);
        assert_eq!(kind_of("k8s/deployment.yaml"), None);
    }

    #[test]
    fn shell_wrappers_are_read_as_scripts() {
        let w = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            command_actions(&w(&["/bin/sh", "-ec", "gunicorn -w 2 app:app"])),
            vec![Action::Serves]
        );
        assert!(command_actions(&w(&["sh", "run.sh"])).is_empty());
        assert!(command_actions(&w(&["bash", "-c"])).is_empty());
    }
}
