//! Lock files: every package pinned, transitive ones included. A lock file
//! is read (TOML, JSON or YAML) to count its packages; one that does not
//! parse is a problem, not a lock.

use super::LOCK_FILE;
use crate::analyze::facts::ConfigFacts;
use crate::analyze::toml_doc::{as_array, TomlDoc};
use crate::analyze::yaml;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// poetry.lock, uv.lock, pdm.lock: `[[package]]` tables.
    TomlPackage(&'static str),
    /// pylock.toml (PEP 751): `[[packages]]`.
    Pylock,
    /// Pipfile.lock: JSON with `default` and `develop` maps.
    Pipfile,
    /// conda-lock.yml: a `package:` list.
    CondaLock,
}

impl LockKind {
    pub fn of(lower_name: &str) -> Option<LockKind> {
        Some(match lower_name {
            "poetry.lock" => LockKind::TomlPackage("poetry.lock"),
            "uv.lock" => LockKind::TomlPackage("uv.lock"),
            "pdm.lock" => LockKind::TomlPackage("pdm.lock"),
            "pipfile.lock" => LockKind::Pipfile,
            "conda-lock.yml" | "conda-lock.yaml" => LockKind::CondaLock,
            n if n.ends_with(".conda-lock.yml") => LockKind::CondaLock,
            n if n == "pylock.toml" || (n.starts_with("pylock.") && n.ends_with(".toml")) => {
                LockKind::Pylock
            }
            _ => return None,
        })
    }
}

pub fn read(kind: LockKind, text: &str, out: &mut ConfigFacts) {
    let (name, packages) = match kind {
        LockKind::TomlPackage(_) | LockKind::Pylock => {
            let (name, key) = match kind {
                LockKind::TomlPackage(name) => (name, "package"),
                _ => ("pylock.toml", "packages"),
            };
            let (doc, problem) = TomlDoc::parse(text);
            if let Some(p) = problem {
                out.problem(p);
                return;
            }
            (
                name,
                doc.root.get(key).and_then(as_array).map_or(0, |a| a.len()),
            )
        }
        LockKind::Pipfile => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => {
                let count = |k: &str| v.get(k).and_then(|m| m.as_object()).map_or(0, |m| m.len());
                ("Pipfile.lock", count("default") + count("develop"))
            }
            Err(e) => {
                out.problem(format!("not valid JSON: line {}: {e}", e.line()));
                return;
            }
        },
        LockKind::CondaLock => match yaml::load(text) {
            Ok(docs) => (
                "conda-lock",
                docs.first()
                    .and_then(|d| d.get("package"))
                    .map_or(0, |p| p.items().len()),
            ),
            Err(e) => {
                out.problem(e.to_string());
                return;
            }
        },
    };
    out.fact(LOCK_FILE, 1, format!("{name}: {packages} packages locked"));
}
