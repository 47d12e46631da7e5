//! Deployment platform files: what platform the project deploys to, and
//! whether its start command runs a production server.
//!
//! Procfile (Heroku-style process types), fly.toml, render.yaml, railway.json
//! / railway.toml, vercel.json, App Engine's app.yaml, Elastic Beanstalk's
//! Dockerrun.aws.json, zappa_settings, heroku.yml, nixpacks.toml and App
//! Runner's apprunner.yaml.

use super::trees;
use super::{DEPLOY_PLATFORM, DEPLOY_SERVES_PRODUCTION, PROCFILE_PROCESS};
use crate::analyze::docker::{node_command, script_actions};
use crate::analyze::facts::{shorten, ConfigFacts};
use crate::analyze::shell::Action;
use crate::analyze::yaml::{self, Node, Value};

/// Platform files read as a whole (the Procfile and app.yaml have their own readers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Fly,
    Render,
    RailwayJson,
    RailwayToml,
    Vercel,
    Dockerrun,
    ZappaJson,
    ZappaYaml,
    HerokuYml,
    Nixpacks,
    AppRunner,
}

/// States the facts of one platform file.
pub fn analyze(p: Platform, text: &str) -> ConfigFacts {
    let mut out = ConfigFacts::default();
    let doc = match p {
        Platform::Fly | Platform::RailwayToml | Platform::Nixpacks => trees::toml(text),
        Platform::RailwayJson | Platform::Vercel | Platform::Dockerrun | Platform::ZappaJson => {
            trees::json(text)
        }
        Platform::Render | Platform::ZappaYaml | Platform::HerokuYml | Platform::AppRunner => {
            yaml::load(text).map_err(|e| e.to_string()).map(|d| {
                d.into_iter().next().unwrap_or(Node {
                    line: 1,
                    value: Value::Null,
                })
            })
        }
    };
    let doc = match doc {
        Ok(d) => d,
        Err(problem) => {
            out.problem(problem);
            return out;
        }
    };
    if !has_platform_shape(p, &doc) {
        return out;
    }
    let first_line = doc.entries().first().map_or(1, |(k, _)| k.line);
    let at = |key: &str| doc.entry(key).map_or(first_line, |(k, _)| k.line);
    match p {
        Platform::Fly => {
            let app = doc.get("app").and_then(Node::as_str).unwrap_or("?");
            out.fact(DEPLOY_PLATFORM, at("app"), format!("Fly.io app {app}"));
            for (k, cmd) in doc.get("processes").map(Node::entries).unwrap_or(&[]) {
                serves(cmd, &format!("fly process {}", k.text), &mut out);
            }
            if let Some(cmd) = doc.get("experimental").and_then(|e| e.get("cmd")) {
                serves(cmd, "fly cmd", &mut out);
            }
        }
        Platform::Render => {
            let services = doc.get("services").map(Node::items).unwrap_or(&[]);
            let names: Vec<&str> = services
                .iter()
                .filter_map(|s| s.get("name").and_then(Node::as_str))
                .collect();
            out.fact(
                DEPLOY_PLATFORM,
                at("services"),
                format!("Render blueprint ({})", names.join(", ")),
            );
            for s in services {
                if let Some(cmd) = s.get("startCommand") {
                    let name = s.get("name").and_then(Node::as_str).unwrap_or("service");
                    serves(cmd, &format!("render {name}"), &mut out);
                }
            }
        }
        Platform::RailwayJson | Platform::RailwayToml => {
            out.fact(DEPLOY_PLATFORM, first_line, "Railway");
            if let Some(cmd) = doc.get("deploy").and_then(|d| d.get("startCommand")) {
                serves(cmd, "railway startCommand", &mut out);
            }
        }
        Platform::Vercel => out.fact(DEPLOY_PLATFORM, first_line, "Vercel"),
        Platform::Dockerrun => out.fact(
            DEPLOY_PLATFORM,
            at("AWSEBDockerrunVersion"),
            "AWS Elastic Beanstalk (Dockerrun.aws.json)",
        ),
        Platform::ZappaJson | Platform::ZappaYaml => {
            let stages: Vec<&str> = doc
                .entries()
                .iter()
                .filter(|(_, v)| v.is_map())
                .map(|(k, _)| k.text.as_str())
                .collect();
            out.fact(
                DEPLOY_PLATFORM,
                first_line,
                format!("Zappa on AWS Lambda (stages {})", stages.join(", ")),
            );
        }
        Platform::HerokuYml => {
            out.fact(
                DEPLOY_PLATFORM,
                first_line,
                "Heroku container build (heroku.yml)",
            );
            if let Some(web) = doc.get("run").and_then(|r| r.get("web")) {
                let cmd = web.get("command").unwrap_or(web);
                serves(cmd, "heroku web", &mut out);
            }
        }
        Platform::Nixpacks => {
            out.fact(DEPLOY_PLATFORM, first_line, "Nixpacks build");
            if let Some(cmd) = doc.get("start").and_then(|s| s.get("cmd")) {
                serves(cmd, "nixpacks start", &mut out);
            }
        }
        Platform::AppRunner => {
            let runtime = doc.get("runtime").and_then(Node::as_str).unwrap_or("?");
            out.fact(
                DEPLOY_PLATFORM,
                at("runtime"),
                format!("AWS App Runner ({runtime})"),
            );
            if let Some(cmd) = doc.get("run").and_then(|r| r.get("command")) {
                serves(cmd, "apprunner run", &mut out);
            }
        }
    }
    out
}

/// Whether a file named like a platform's is shaped like one: the name
/// alone is not enough for generic names (a CLI's `render.yaml` command
/// definition is not a Render blueprint).
fn has_platform_shape(p: Platform, doc: &Node) -> bool {
    match p {
        Platform::Render => {
            let typed = |key: &str| {
                doc.get(key)
                    .is_some_and(|s| s.items().iter().any(|i| i.get("type").is_some()))
            };
            typed("services") || doc.get("databases").is_some_and(|d| !d.items().is_empty())
        }
        Platform::HerokuYml => ["build", "run", "setup"]
            .iter()
            .any(|k| doc.get(k).is_some()),
        Platform::AppRunner => doc.get("runtime").is_some(),
        Platform::ZappaJson | Platform::ZappaYaml => {
            doc.entries().iter().any(|(_, stage)| stage.is_map())
        }
        Platform::Dockerrun => doc.get("AWSEBDockerrunVersion").is_some(),
        // Names no other tool uses: any table or object is the platform's configuration.
        Platform::Fly
        | Platform::RailwayJson
        | Platform::RailwayToml
        | Platform::Vercel
        | Platform::Nixpacks => doc.is_map(),
    }
}

/// `deploy.serves_production` when a start command (a string, or a list of
/// words) runs a production server.
fn serves(cmd: &Node, what: &str, out: &mut ConfigFacts) {
    let Some((acts, shown)) = node_command(cmd) else {
        return;
    };
    if acts.contains(&Action::Serves) {
        out.fact(
            DEPLOY_SERVES_PRODUCTION,
            cmd.line,
            format!("{what}: {}", shorten(&shown, 80)),
        );
    }
}

/// A Procfile: `type: command` lines. Every process is stated; the `web`
/// process is the one that serves HTTP.
pub fn procfile(text: &str) -> ConfigFacts {
    let mut out = ConfigFacts::default();
    let mut names = Vec::new();
    let mut first = None;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let process = t.split_once(':').filter(|(name, cmd)| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && !cmd.trim().is_empty()
        });
        let Some((name, cmd)) = process else {
            out.problem(format!("line {n}: not a `type: command` process line"));
            continue;
        };
        let cmd = cmd.trim();
        first.get_or_insert(n);
        names.push(name.to_string());
        out.fact(PROCFILE_PROCESS, n, format!("{name}: {}", shorten(cmd, 80)));
        if name == "web" && script_actions(cmd).contains(&Action::Serves) {
            out.fact(
                DEPLOY_SERVES_PRODUCTION,
                n,
                format!("web: {}", shorten(cmd, 80)),
            );
        }
    }
    if let Some(line) = first {
        out.fact(
            DEPLOY_PLATFORM,
            line,
            format!("Procfile ({})", names.join(", ")),
        );
    }
    out
}

/// App Engine's app.yaml: a Python runtime, and its entrypoint.
pub fn is_app_engine(doc: &Node) -> bool {
    doc.get("runtime")
        .and_then(Node::as_str)
        .is_some_and(|r| r.starts_with("python"))
}

/// The facts of an App Engine app.yaml document.
pub fn app_engine(doc: &Node, out: &mut ConfigFacts) {
    let Some((k, runtime)) = doc.entry("runtime") else {
        return;
    };
    out.fact(
        DEPLOY_PLATFORM,
        k.line,
        format!("Google App Engine ({})", runtime.as_str().unwrap_or("")),
    );
    if let Some(cmd) = doc.get("entrypoint") {
        serves(cmd, "app engine entrypoint", out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(f: &ConfigFacts) -> Vec<String> {
        f.facts
            .iter()
            .map(|f| format!("{}:{}", f.name, f.line))
            .collect()
    }

    #[test]
    fn procfile_processes_and_the_web_server() {
        let f = procfile("# processes\nweb: gunicorn app:app --workers 3\nrelease: python manage.py migrate\nnot a process\n");
        assert_eq!(
            names(&f),
            vec![
                "procfile.process:2",
                "deploy.serves_production:2",
                "procfile.process:3",
                "deploy.platform:2"
            ]
        );
        assert_eq!(
            f.problems,
            vec!["line 4: not a `type: command` process line"]
        );
        assert!(names(&procfile("worker: gunicorn app:app\n")).len() == 2);
    }

    #[test]
    fn platform_files_with_start_commands() {
        let f = analyze(
            Platform::RailwayJson,
            "{\n  \"build\": {\"builder\": \"NIXPACKS\"},\n  \"deploy\": {\n    \"startCommand\": \"uvicorn main:app --host 0.0.0.0 --port $PORT\"\n  }\n}\n",
        );
        assert_eq!(
            names(&f),
            vec!["deploy.platform:2", "deploy.serves_production:4"]
        );
        let f = analyze(Platform::Nixpacks, "[start]\ncmd = \"gunicorn app:app\"\n");
        assert_eq!(
            names(&f),
            vec!["deploy.platform:1", "deploy.serves_production:2"]
        );
        let f = analyze(Platform::Vercel, "{}");
        assert_eq!(names(&f), vec!["deploy.platform:1"]);
        // A render.yaml that is not a blueprint (a CLI's command definition).
        let f = analyze(
            Platform::Render,
            "release_tracks: [GA]\nhelp_text:\n  brief: Render a version\n",
        );
        assert!(f.facts.is_empty() && f.problems.is_empty());
        let f = analyze(Platform::HerokuYml, "build:\n  docker:\n    web: Dockerfile\nrun:\n  web: gunicorn -b 0.0.0.0:$PORT app:app\n");
        assert_eq!(
            names(&f),
            vec!["deploy.platform:1", "deploy.serves_production:5"]
        );
    }

    #[test]
    fn broken_platform_files_are_problems() {
        let f = analyze(Platform::Fly, "app = \"x\"\n[http_service\n");
        assert!(f.facts.is_empty());
        assert!(
            f.problems[0].starts_with("not valid TOML: line 2:"),
            "{:?}",
            f.problems
        );
        let f = analyze(Platform::Vercel, "{\"a\": }");
        assert!(
            f.problems[0].starts_with("not valid JSON: line 1:"),
            "{:?}",
            f.problems
        );
    }
}
