//! setuptools' `setup.cfg`: `[metadata]`, `[options]` (install_requires,
//! python_requires, package_dir), extras, entry points, and the sections
//! of linters, pytest and coverage that many projects keep there.

use super::is_dev_group;
use super::requirement::Requirement;
use super::tools::ini_tool_sections;
use super::{
    DEPS_DEV_SEPARATED, ENTRY_POINTS_PLUGINS, ENTRY_POINTS_SCRIPTS, PROJECT_DEPENDENCIES,
    PROJECT_METADATA, PROJECT_OPTIONAL_GROUPS, PROJECT_REQUIRES_PYTHON, PROJECT_SRC_LAYOUT,
};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::ini::{self, Entry};

pub fn read(text: &str, out: &mut ConfigFacts) {
    let (sections, problems) = ini::parse(text);
    out.problems.extend(problems);
    for s in &sections {
        match s.name.as_str() {
            "metadata" => {
                if let Some(e) = s.get("name") {
                    out.name = Some(e.value());
                    out.fact(
                        PROJECT_METADATA,
                        e.line,
                        format!("[metadata] name = {}", e.value()),
                    );
                }
            }
            "options" => {
                if let Some(e) = s.get("install_requires") {
                    if requirements(e, out) > 0 {
                        out.fact(PROJECT_DEPENDENCIES, e.line, "install_requires");
                    }
                }
                if let Some(e) = s.get("tests_require") {
                    if requirements(e, out) > 0 {
                        out.fact(DEPS_DEV_SEPARATED, e.line, "tests_require");
                    }
                }
                if let Some(e) = s.get("python_requires") {
                    out.fact(
                        PROJECT_REQUIRES_PYTHON,
                        e.line,
                        format!("python_requires = {}", e.value()),
                    );
                }
                if let Some(e) = s.get("package_dir") {
                    if e.lines.iter().any(|(_, l)| {
                        l.replace(' ', "")
                            .trim_start_matches('=')
                            .trim_start_matches("./")
                            == "src"
                            || l.replace(' ', "").ends_with("=src")
                    }) {
                        out.fact(PROJECT_SRC_LAYOUT, e.line, "package_dir = src");
                    }
                }
            }
            "options.packages.find" => {
                if let Some(e) = s.get("where").filter(|e| e.value().trim() == "src") {
                    out.fact(PROJECT_SRC_LAYOUT, e.line, "packages.find where = src");
                }
            }
            "options.extras_require" => {
                for e in &s.entries {
                    requirements(e, out);
                    out.fact(
                        PROJECT_OPTIONAL_GROUPS,
                        e.line,
                        format!("extra `{}`", e.key),
                    );
                    if is_dev_group(&e.key) {
                        out.fact(DEPS_DEV_SEPARATED, e.line, format!("extra `{}`", e.key));
                    }
                }
            }
            "options.entry_points" => {
                for e in &s.entries {
                    let fact = if matches!(e.key.as_str(), "console_scripts" | "gui_scripts") {
                        ENTRY_POINTS_SCRIPTS
                    } else {
                        ENTRY_POINTS_PLUGINS
                    };
                    for (line, l) in e.lines.iter().filter(|(_, l)| l.contains('=')) {
                        out.fact(fact, *line, l.clone());
                    }
                }
            }
            _ => {}
        }
    }
    ini_tool_sections(&sections, out);
}

/// The requirements of a multi-line (or `;`-separated) value; how many.
fn requirements(e: &Entry, out: &mut ConfigFacts) -> usize {
    let mut n = 0;
    for (line, l) in &e.lines {
        let spec = l.split(" #").next().unwrap_or("").trim();
        if spec.is_empty() || spec.starts_with('#') {
            continue;
        }
        match Requirement::parse(spec) {
            Ok(r) => {
                r.state(*line, out);
                n += 1;
            }
            Err(reason) => out.problem(format!(
                "line {line}: `{spec}` is not a valid requirement: {reason}"
            )),
        }
    }
    n
}
