//! Configuration files of linters, type checkers, pytest and coverage
//! (`mypy.ini`, `pytest.ini`, `.coveragerc`, `.flake8`, `ruff.toml`,
//! `pyrightconfig.json`, ...), and the same tools' sections in `setup.cfg`.
//! A file that configures a tool says the learner set that tool up.

use super::{
    COVERAGE_FAIL_UNDER, COVERAGE_PYTEST_COV, TOOL_BANDIT, TOOL_COVERAGE, TOOL_FLAKE8, TOOL_ISORT,
    TOOL_MYPY, TOOL_PYCODESTYLE, TOOL_PYDOCSTYLE, TOOL_PYLINT, TOOL_PYRIGHT, TOOL_PYTEST,
    TOOL_RUFF, TOOL_YAPF, TYPECHECK_STRICT,
};
use crate::analyze::facts::{ConfigFacts, FactInfo};
use crate::analyze::ini::{self, Section};
use crate::analyze::toml_doc::TomlDoc;

/// A tool's own configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolFile {
    /// INI files whose every section configures one tool, whatever its name
    /// (`.coveragerc`'s `[run]`, `.pylintrc`'s `[MASTER]`).
    WholeIni(&'static FactInfo),
    /// INI files whose sections say which tool they configure (`mypy.ini`'s `[mypy]`).
    SectionedIni,
    RuffToml,
    PyrightJson,
}

impl ToolFile {
    pub fn of(lower_name: &str) -> Option<ToolFile> {
        Some(match lower_name {
            ".coveragerc" => ToolFile::WholeIni(TOOL_COVERAGE),
            ".pylintrc" | "pylintrc" => ToolFile::WholeIni(TOOL_PYLINT),
            ".isort.cfg" => ToolFile::WholeIni(TOOL_ISORT),
            ".style.yapf" => ToolFile::WholeIni(TOOL_YAPF),
            ".bandit" => ToolFile::WholeIni(TOOL_BANDIT),
            ".flake8" | "mypy.ini" | ".mypy.ini" | "pytest.ini" | ".pydocstyle"
            | ".pycodestyle" => ToolFile::SectionedIni,
            "ruff.toml" | ".ruff.toml" => ToolFile::RuffToml,
            "pyrightconfig.json" => ToolFile::PyrightJson,
            _ => return None,
        })
    }
}

pub fn read(kind: ToolFile, text: &str, out: &mut ConfigFacts) {
    match kind {
        ToolFile::WholeIni(fact) => {
            let (sections, problems) = ini::parse(text);
            out.problems.extend(problems);
            if let Some(first) = sections.first() {
                out.fact(fact, first.line, format!("[{}]", first.name));
            }
            ini_tool_settings(&sections, Some(fact), out);
        }
        ToolFile::SectionedIni => {
            let (sections, problems) = ini::parse(text);
            out.problems.extend(problems);
            ini_tool_sections(&sections, out);
        }
        ToolFile::RuffToml => {
            let (doc, problem) = TomlDoc::parse(text);
            if let Some(p) = problem {
                out.problem(p);
            }
            if let Some((k, _)) = doc.root.iter().next() {
                out.fact(TOOL_RUFF, doc.line(k), "ruff.toml");
            }
        }
        ToolFile::PyrightJson => pyright_json(text, out),
    }
}

/// The tool a setup.cfg / tox.ini / mypy.ini section configures.
fn section_tool(name: &str) -> Option<&'static FactInfo> {
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "flake8" => TOOL_FLAKE8,
        "isort" | "tool:isort" => TOOL_ISORT,
        "pytest" | "tool:pytest" => TOOL_PYTEST,
        "pycodestyle" | "pep8" => TOOL_PYCODESTYLE,
        "pydocstyle" => TOOL_PYDOCSTYLE,
        "bandit" => TOOL_BANDIT,
        "yapf" => TOOL_YAPF,
        "pylint" => TOOL_PYLINT,
        _ if n == "mypy" || n.starts_with("mypy-") => TOOL_MYPY,
        _ if n.starts_with("coverage:") => TOOL_COVERAGE,
        _ if n.starts_with("pylint.") => TOOL_PYLINT,
        _ => return None,
    })
}

/// `tool.*` facts for the sections that configure a known tool (the first
/// section of each tool), and the settings that matter.
pub(crate) fn ini_tool_sections(sections: &[Section], out: &mut ConfigFacts) {
    let mut seen: Vec<&FactInfo> = Vec::new();
    for s in sections {
        if let Some(fact) = section_tool(&s.name) {
            if !seen.contains(&fact) {
                seen.push(fact);
                out.fact(fact, s.line, format!("[{}]", s.name));
            }
        }
    }
    ini_tool_settings(sections, None, out);
}

fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on"
    )
}

/// Strict type checking, coverage thresholds and pytest's `--cov`, in the
/// sections of the tool that reads them (or in every section of a file
/// that belongs to one tool).
fn ini_tool_settings(sections: &[Section], whole: Option<&FactInfo>, out: &mut ConfigFacts) {
    for s in sections {
        let tool = whole.or_else(|| section_tool(&s.name));
        match tool {
            Some(TOOL_MYPY) => {
                for key in ["strict", "disallow_untyped_defs"] {
                    if let Some(e) = s.get(key).filter(|e| truthy(&e.value())) {
                        out.fact(TYPECHECK_STRICT, e.line, format!("mypy {key} = true"));
                    }
                }
            }
            Some(TOOL_COVERAGE) => {
                if let Some(e) = s.get("fail_under") {
                    out.fact(
                        COVERAGE_FAIL_UNDER,
                        e.line,
                        format!("fail_under = {}", e.value()),
                    );
                }
            }
            Some(TOOL_PYTEST) => {
                if let Some(e) = s.get("addopts") {
                    let v = e.value();
                    if v.split_whitespace().any(|o| o.starts_with("--cov")) {
                        out.fact(COVERAGE_PYTEST_COV, e.line, "pytest addopts --cov");
                    }
                    if v.contains("--cov-fail-under") {
                        out.fact(COVERAGE_FAIL_UNDER, e.line, "pytest --cov-fail-under");
                    }
                }
            }
            _ => {}
        }
    }
}

fn pyright_json(text: &str, out: &mut ConfigFacts) {
    // pyright accepts comments and trailing commas (JSONC); drop whole-line
    // `//` comments, which is what such files use, before parsing.
    let cleaned: String = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("//") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    match serde_json::from_str::<serde_json::Value>(&cleaned) {
        Ok(v) => {
            out.fact(TOOL_PYRIGHT, 1, "pyrightconfig.json");
            if matches!(
                v.get("typeCheckingMode").and_then(|m| m.as_str()),
                Some("strict" | "all")
            ) {
                let line = text
                    .lines()
                    .position(|l| l.contains("typeCheckingMode"))
                    .map_or(1, |i| i as u32 + 1);
                out.fact(TYPECHECK_STRICT, line, "pyright typeCheckingMode strict");
            }
        }
        Err(e) => out.problem(format!("not valid JSON: line {}: {e}", e.line())),
    }
}
