//! Dependency manifests: which packages a repository declares, and where.
//!
//! Declared dependencies are supporting evidence and hints only: a package in
//! `requirements.txt` that no module imports shows nothing by itself.

use super::facts::{ConfigFact, ConfigFacts, FactInfo};
use crate::rules::compile::normalize_dep;

/// The facts manifests state. A `tool.<name>` fact is stated for a
/// pyproject's `[tool.<name>]` table.
pub const FACTS: &[FactInfo] = &[
    FactInfo {
        name: "tool.black",
        description: "black is configured ([tool.black] in pyproject.toml)",
    },
    FactInfo {
        name: "tool.coverage",
        description: "coverage.py is configured ([tool.coverage.*] in pyproject.toml)",
    },
    FactInfo {
        name: "tool.isort",
        description: "isort is configured ([tool.isort] in pyproject.toml)",
    },
    FactInfo {
        name: "tool.mypy",
        description: "mypy is configured ([tool.mypy] in pyproject.toml)",
    },
    FactInfo {
        name: "tool.pylint",
        description: "pylint is configured ([tool.pylint.*] in pyproject.toml)",
    },
    FactInfo {
        name: "tool.pyright",
        description: "pyright is configured ([tool.pyright] in pyproject.toml)",
    },
    FactInfo {
        name: "tool.pytest",
        description: "pytest is configured ([tool.pytest.ini_options] in pyproject.toml)",
    },
    FactInfo {
        name: "tool.ruff",
        description: "ruff is configured ([tool.ruff] in pyproject.toml)",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manifest {
    Requirements,
    Pyproject,
    Pipfile,
    SetupCfg,
    CondaEnv,
}

impl Manifest {
    pub fn of_path(path: &str) -> Option<Manifest> {
        Manifest::of(path.rsplit('/').next().unwrap_or(path))
    }

    pub fn of(file_name: &str) -> Option<Manifest> {
        let lower = file_name.to_ascii_lowercase();
        Some(match lower.as_str() {
            "pyproject.toml" => Manifest::Pyproject,
            "pipfile" => Manifest::Pipfile,
            "setup.cfg" => Manifest::SetupCfg,
            "environment.yml" | "environment.yaml" => Manifest::CondaEnv,
            n if n.starts_with("requirements") && (n.ends_with(".txt") || n.ends_with(".in")) => {
                Manifest::Requirements
            }
            _ => return None,
        })
    }
}

/// A declared dependency's normalized name and line, or a note on a problem.
#[derive(Debug, Default)]
pub struct Declared {
    pub deps: Vec<(String, u32)>,
    pub facts: Vec<ConfigFact>,
    pub problem: Option<String>,
}

/// The name at the start of a PEP 508 requirement (`Flask[async]>=3 ; python_version>"3.8"`).
fn requirement_name(spec: &str) -> Option<String> {
    let s = spec.trim();
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    let name = &s[..end];
    (!name.is_empty() && name.starts_with(|c: char| c.is_ascii_alphanumeric()))
        .then(|| normalize_dep(name))
}

fn line_of_name(text: &str, name: &str) -> u32 {
    let lower = text.to_ascii_lowercase();
    let needle = name.to_ascii_lowercase();
    let alt = needle.replace('-', "_");
    let pos = lower
        .find(&needle)
        .or_else(|| lower.find(&alt))
        .unwrap_or(0);
    text[..pos].matches('\n').count() as u32 + 1
}

pub fn analyze(kind: Manifest, text: &str) -> ConfigFacts {
    let d = declared(kind, text);
    ConfigFacts {
        deps: d.deps,
        facts: d.facts,
        problems: d.problem.into_iter().collect(),
        includes: Vec::new(),
    }
}

pub fn declared(kind: Manifest, text: &str) -> Declared {
    let mut out = Declared::default();
    match kind {
        Manifest::Requirements => {
            for (i, line) in text.lines().enumerate() {
                let l = line.split(" #").next().unwrap_or("").trim();
                if l.is_empty()
                    || l.starts_with('#')
                    || l.starts_with('-')
                    || l.contains("://")
                    || l.starts_with('.')
                    || l.starts_with('/')
                {
                    continue;
                }
                if let Some(n) = requirement_name(l) {
                    out.deps.push((n, i as u32 + 1));
                }
            }
        }
        Manifest::Pyproject | Manifest::Pipfile => match text.parse::<toml::Table>() {
            Ok(t) => {
                let mut names = Vec::new();
                collect_toml_deps(&t, kind, &mut names);
                for n in names {
                    let line = line_of_name(text, &n);
                    out.deps.push((n, line));
                }
                if kind == Manifest::Pyproject {
                    out.facts = tool_sections(&t, text);
                }
            }
            Err(e) => out.problem = Some(format!("not valid TOML: {}", e.message())),
        },
        Manifest::SetupCfg => {
            let mut in_list = false;
            for (i, line) in text.lines().enumerate() {
                let t = line.trim();
                if t.starts_with("install_requires") || t.starts_with("tests_require") {
                    in_list = true;
                    if let Some((_, v)) = t.split_once('=') {
                        if let Some(n) = requirement_name(v) {
                            out.deps.push((n, i as u32 + 1));
                        }
                    }
                    continue;
                }
                if in_list {
                    if line.starts_with(char::is_whitespace) && !t.is_empty() {
                        if let Some(n) = requirement_name(t) {
                            out.deps.push((n, i as u32 + 1));
                        }
                    } else {
                        in_list = false;
                    }
                }
            }
        }
        Manifest::CondaEnv => {
            // Only the `dependencies:` list (and its `pip:` sublist); `channels:` are not packages.
            let mut in_deps = false;
            for (i, line) in text.lines().enumerate() {
                let t = line.trim();
                if !line.starts_with(char::is_whitespace) && !t.starts_with('-') && !t.is_empty() {
                    in_deps = t.starts_with("dependencies:");
                    continue;
                }
                if !in_deps {
                    continue;
                }
                if let Some(item) = t.strip_prefix("- ") {
                    let spec = item.split(['=', '<', '>', '!']).next().unwrap_or("");
                    if let Some(n) = requirement_name(spec) {
                        if n != "pip" && n != "python" {
                            out.deps.push((n, i as u32 + 1));
                        }
                    }
                }
            }
        }
    }
    out.deps.sort();
    out.deps.dedup_by(|a, b| a.0 == b.0);
    out
}

/// `[tool.X]` tables of a pyproject that configure a known tool, at the
/// line of their first header.
fn tool_sections(t: &toml::Table, text: &str) -> Vec<ConfigFact> {
    let Some(tools) = t.get("tool").and_then(|x| x.as_table()) else {
        return Vec::new();
    };
    FACTS
        .iter()
        .filter_map(|f| Some((f.name.strip_prefix("tool.")?, f.name)))
        .filter(|(key, _)| tools.contains_key(*key))
        .map(|(key, fact)| {
            let header = format!("[tool.{key}");
            let line = text
                .lines()
                .position(|l| {
                    let l = l.trim_start();
                    l.starts_with(&header)
                        && matches!(l[header.len()..].chars().next(), Some(']' | '.'))
                })
                .map_or(1, |i| i as u32 + 1);
            ConfigFact::new(fact, line, format!("[tool.{key}]"))
        })
        .collect()
}

fn collect_toml_deps(t: &toml::Table, kind: Manifest, out: &mut Vec<String>) {
    let specs = |v: Option<&toml::Value>, out: &mut Vec<String>| {
        if let Some(arr) = v.and_then(|v| v.as_array()) {
            out.extend(
                arr.iter()
                    .filter_map(|x| x.as_str())
                    .filter_map(requirement_name),
            );
        }
    };
    let keys = |v: Option<&toml::Value>, out: &mut Vec<String>| {
        if let Some(tab) = v.and_then(|v| v.as_table()) {
            out.extend(
                tab.keys()
                    .filter(|k| *k != "python")
                    .filter_map(|k| requirement_name(k)),
            );
        }
    };
    if kind == Manifest::Pipfile {
        keys(t.get("packages"), out);
        keys(t.get("dev-packages"), out);
        return;
    }
    let project = t.get("project");
    specs(project.and_then(|p| p.get("dependencies")), out);
    if let Some(opt) = project
        .and_then(|p| p.get("optional-dependencies"))
        .and_then(|o| o.as_table())
    {
        for v in opt.values() {
            specs(Some(v), out);
        }
    }
    if let Some(groups) = t.get("dependency-groups").and_then(|g| g.as_table()) {
        for v in groups.values() {
            specs(Some(v), out);
        }
    }
    let poetry = t.get("tool").and_then(|x| x.get("poetry"));
    keys(poetry.and_then(|p| p.get("dependencies")), out);
    keys(poetry.and_then(|p| p.get("dev-dependencies")), out);
    if let Some(groups) = poetry
        .and_then(|p| p.get("group"))
        .and_then(|g| g.as_table())
    {
        for g in groups.values() {
            keys(g.get("dependencies"), out);
        }
    }
    let build = t.get("build-system");
    specs(build.and_then(|b| b.get("requires")), out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_lines_give_names() {
        let d = declared(
            Manifest::Requirements,
            "# web\nFlask[async]==3.0.0\n-r base.txt\n-e .\nFlask_SQLAlchemy>=3 ; python_version > '3.8'\n\nrequests  # http\n",
        );
        assert_eq!(
            d.deps,
            vec![
                ("flask".into(), 2),
                ("flask-sqlalchemy".into(), 5),
                ("requests".into(), 7)
            ]
        );
    }

    #[test]
    fn pyproject_sections_are_read() {
        let text = "[project]\nname='x'\ndependencies = [\"fastapi>=0.110\", \"pydantic\"]\n[project.optional-dependencies]\ndev = [\"pytest-cov\"]\n";
        let d = declared(Manifest::Pyproject, text);
        let names: Vec<&str> = d.deps.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["fastapi", "pydantic", "pytest-cov"]);
        assert_eq!(d.deps[0].1, 3);
    }

    #[test]
    fn pyproject_tool_sections_are_facts() {
        let text = "[project]\nname='x'\n\n[tool.ruff.lint]\nselect=['E']\n[tool.mypy]\nstrict = true\n[tool.ruffian]\n";
        let d = declared(Manifest::Pyproject, text);
        let facts: Vec<(&str, u32)> = d.facts.iter().map(|f| (f.name, f.line)).collect();
        assert_eq!(facts, vec![("tool.mypy", 6), ("tool.ruff", 4)]);
    }

    #[test]
    fn conda_channels_are_not_dependencies() {
        let d = declared(Manifest::CondaEnv, "name: x\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pandas>=2\n  - pip:\n    - streamlit==1.30\n");
        let names: Vec<&str> = d.deps.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["pandas", "streamlit"]);
    }

    #[test]
    fn broken_toml_is_a_problem_not_a_panic() {
        let d = declared(Manifest::Pyproject, "[project\nname=");
        assert!(d.problem.is_some());
    }
}
