//! Compose files: the services under the top-level `services:` key, how
//! they are wired, and what they run. Only the top level is a compose file's
//! structure; a `services:` key deeper in some other YAML is not read here
//! (that file is not a compose file by its name anyway). The obsolete
//! `version:` key is ignored; YAML 1.1 spellings (`yes`, `80:80`) stay text.

use super::image::ImageRef;
use super::node_command;
use super::{
    COMPOSE_BROKER, COMPOSE_BUILD, COMPOSE_CACHE, COMPOSE_DATABASE, COMPOSE_DEPENDS_ON,
    COMPOSE_ENV_FILE, COMPOSE_HEALTHCHECK, COMPOSE_HEALTHY_DEPENDENCY, COMPOSE_IMAGE,
    COMPOSE_NAMED_VOLUME, COMPOSE_SERVES_PRODUCTION, COMPOSE_SERVICES,
};
use crate::analyze::facts::{shorten, ConfigFacts};
use crate::analyze::shell::Action;
use crate::analyze::yaml::{self, Node, Value};

/// Database images, by name (the last path segment before the tag).
const DATABASES: &[&str] = &[
    "postgres",
    "postgresql",
    "postgis",
    "timescaledb",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
];
const CACHES: &[&str] = &[
    "redis",
    "redis-stack",
    "redis-stack-server",
    "valkey",
    "memcached",
    "keydb",
    "dragonfly",
];
const BROKERS: &[&str] = &["rabbitmq", "kafka", "cp-kafka", "redpanda", "nats"];

/// Conditions that wait for more than the container's start.
const WAITING_CONDITIONS: &[&str] = &["service_healthy", "service_completed_successfully"];

/// States the facts of one compose file.
pub fn analyze(text: &str) -> ConfigFacts {
    let mut out = ConfigFacts::default();
    let docs = yaml::documents(text, &mut out);
    let Some(doc) = docs.first() else {
        return out;
    };
    match &doc.value {
        Value::Map(_) => {}
        Value::Null => return out,
        Value::Seq(_) => {
            out.problem(format!(
                "line {}: the top level is a list, not a mapping: no services read",
                doc.line
            ));
            return out;
        }
        Value::Scalar { .. } => {
            out.problem(format!(
                "line {}: the top level is a single value, not a mapping: no services read",
                doc.line
            ));
            return out;
        }
    }
    if let Some((key, services)) = doc.entry("services") {
        match &services.value {
            Value::Map(entries) if !entries.is_empty() => {
                let names: Vec<&str> = entries.iter().map(|(k, _)| k.text.as_str()).collect();
                out.fact(
                    COMPOSE_SERVICES,
                    key.line,
                    format!("services: {}", shorten_list(&names)),
                );
                for (name, service) in entries {
                    service_facts(&name.text, service, &mut out);
                }
            }
            Value::Map(_) | Value::Null => {}
            _ => out.problem(format!(
                "line {}: `services` is not a mapping of service names",
                key.line
            )),
        }
    }
    if let Some(volumes) = doc.get("volumes") {
        for (k, _) in volumes.entries() {
            out.fact(COMPOSE_NAMED_VOLUME, k.line, format!("volume {}", k.text));
        }
    }
    out
}

fn service_facts(name: &str, s: &Node, out: &mut ConfigFacts) {
    let built = s.entry("build");
    if let Some((k, b)) = built {
        let context = b
            .as_str()
            .or_else(|| b.get("context").and_then(Node::as_str))
            .unwrap_or(".");
        out.fact(COMPOSE_BUILD, k.line, format!("{name}: build {context}"));
    }
    if let Some((k, image)) = s.entry("image") {
        let written = image.as_str().unwrap_or("");
        // With `build:`, `image:` only names the image built.
        if built.is_none() && !written.is_empty() {
            out.fact(COMPOSE_IMAGE, k.line, format!("{name}: image {written}"));
            let base = ImageRef::parse(written).name().to_ascii_lowercase();
            let role = if DATABASES.contains(&base.as_str()) {
                Some(COMPOSE_DATABASE)
            } else if CACHES.contains(&base.as_str()) {
                Some(COMPOSE_CACHE)
            } else if BROKERS.contains(&base.as_str()) {
                Some(COMPOSE_BROKER)
            } else {
                None
            };
            if let Some(fact) = role {
                out.fact(fact, k.line, format!("{name}: {written}"));
            }
        }
    }
    for key in ["depends_on", "links"] {
        let Some((k, deps)) = s.entry(key) else {
            continue;
        };
        let mut names: Vec<&str> = deps
            .strings()
            .iter()
            .filter_map(|n| n.as_str())
            .map(|d| d.split(':').next().unwrap_or(d))
            .collect();
        for (dep, spec) in deps.entries() {
            names.push(dep.text.as_str());
            if let Some((ck, cond)) = spec.entry("condition") {
                let c = cond.as_str().unwrap_or("");
                if WAITING_CONDITIONS.contains(&c) {
                    out.fact(
                        COMPOSE_HEALTHY_DEPENDENCY,
                        ck.line,
                        format!("{name} waits for {}: {c}", dep.text),
                    );
                }
            }
        }
        if !names.is_empty() {
            out.fact(
                COMPOSE_DEPENDS_ON,
                k.line,
                format!("{name} {key} {}", shorten_list(&names)),
            );
        }
    }
    if let Some((k, h)) = s.entry("healthcheck") {
        if let Some(test) = healthcheck_test(h) {
            out.fact(COMPOSE_HEALTHCHECK, k.line, format!("{name}: {test}"));
        }
    }
    if let Some((k, _)) = s.entry("env_file") {
        out.fact(COMPOSE_ENV_FILE, k.line, format!("{name}: env_file"));
    }
    for key in ["command", "entrypoint"] {
        let Some((k, c)) = s.entry(key) else { continue };
        let Some((acts, shown)) = node_command(c) else {
            continue;
        };
        if acts.contains(&Action::Serves) {
            out.fact(
                COMPOSE_SERVES_PRODUCTION,
                k.line,
                format!("{name}: {}", shorten(&shown, 80)),
            );
        }
    }
}

/// The health check's test, unless it is disabled (`disable: true`, `NONE`).
fn healthcheck_test(h: &Node) -> Option<String> {
    if h.get("disable").and_then(Node::as_str) == Some("true") {
        return None;
    }
    let test = h.get("test")?;
    let words: Vec<&str> = test.strings().iter().filter_map(|n| n.as_str()).collect();
    match words.first() {
        None => None,
        Some(w) if w.eq_ignore_ascii_case("NONE") => None,
        Some(w) if matches!(*w, "CMD" | "CMD-SHELL") => Some(shorten(&words[1..].join(" "), 80)),
        Some(_) => Some(shorten(&words.join(" "), 80)),
    }
}

fn shorten_list(names: &[&str]) -> String {
    let mut s = names.iter().take(8).copied().collect::<Vec<_>>().join(", ");
    if names.len() > 8 {
        s.push_str(&format!(" and {} more", names.len() - 8));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Vec<String> {
        analyze(text).fact_lines()
    }

    #[test]
    fn services_wiring_and_roles() {
        let t = "version: '3.8'\nx-env: &env\n  env_file: .env\nservices:\n  web:\n    <<: *env\n    build:\n      context: .\n    command: gunicorn -w 3 app:app\n    depends_on:\n      db:\n        condition: service_healthy\n      cache:\n        condition: service_started\n  db:\n    image: docker.io/library/postgres:16\n    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready\"]\n  cache:\n    image: redis\n    healthcheck:\n      disable: true\nvolumes:\n  data: {}\n";
        let f = facts(t);
        let want = [
            "compose.services:4",
            "compose.build:7",
            "compose.serves_production:9",
            "compose.depends_on:10",
            "compose.healthy_dependency:12",
            "compose.image:16",
            "compose.database:16",
            "compose.healthcheck:17",
            "compose.image:20",
            "compose.cache:20",
            "compose.named_volume:24",
            // Merged from the x-env anchor: the key's line is the anchor's.
            "compose.env_file:3",
        ];
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(f, want);
    }

    #[test]
    fn short_forms_and_list_commands() {
        let t = "services:\n  app:\n    build: .\n    links: [db]\n    depends_on: [db]\n    command: [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n  db:\n    image: mariadb:11\n";
        let f = facts(t);
        assert!(f.contains(&"compose.depends_on:4".to_string()), "{f:?}");
        assert!(f.contains(&"compose.depends_on:5".to_string()), "{f:?}");
        assert!(
            f.contains(&"compose.serves_production:6".to_string()),
            "{f:?}"
        );
        assert!(f.contains(&"compose.database:8".to_string()), "{f:?}");
    }

    #[test]
    fn not_a_mapping_and_broken_yaml_are_problems() {
        let list = analyze("- services:\n    web: {}\n");
        assert!(list.facts.is_empty());
        assert!(list.problems[0].starts_with("line 1: the top level is a list"));
        let tab = analyze("services:\n  web:\n\timage: x\n");
        assert!(
            tab.problems[0].starts_with("not valid YAML: line 3:"),
            "{:?}",
            tab.problems
        );
        assert!(analyze("").problems.is_empty());
        assert!(analyze("services: [web]\n").problems[0].contains("`services` is not a mapping"));
    }
}
