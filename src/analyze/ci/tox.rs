//! tox.ini: the environments (`[testenv]`, `[testenv:name]`), what their
//! `commands` run (factor-conditional lines, `{envpython}` and
//! `{[section]key}` substitutions followed), and whether the envlist
//! covers several Python versions.

use super::record::{Did, Recorder, TOX};
use super::{TOX_ENV, TOX_MATRIX};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::ini::{self, Entry, Section};
use crate::analyze::shell::Dialect;

/// `{[section]commands}` may point at a section that points back.
const MAX_DEPTH: u32 = 5;
/// An envlist expands to at most this many names (`{a,b}-{c,d}` multiplies).
const MAX_ENVS: usize = 1000;

pub(super) fn analyze(text: &str) -> ConfigFacts {
    let (sections, problems) = ini::parse(text);
    let mut r = Recorder::new(&TOX);
    for p in problems {
        r.problem(p);
    }
    let envlist = sections
        .iter()
        .filter(|s| s.name == "tox")
        .find_map(|s| s.get("envlist").or_else(|| s.get("env_list")));
    if let Some(e) = envlist {
        let mut envs = Vec::new();
        for item in split_top(&e.value(), &[',', '\n']) {
            expand(item.trim(), &mut envs);
        }
        let mut versions: Vec<&str> = envs
            .iter()
            .flat_map(|e| e.split('-'))
            .filter(|f| is_interpreter(f))
            .collect();
        versions.sort();
        versions.dedup();
        if versions.len() >= 2 {
            r.fact(
                TOX_MATRIX,
                e.line,
                format!("envlist over {}", versions.join(", ")),
            );
        }
    }
    for s in &sections {
        if s.name != "testenv" && !s.name.starts_with("testenv:") {
            continue;
        }
        r.fact(TOX_ENV, s.line, format!("[{}]", s.name));
        for key in ["commands_pre", "commands", "commands_post"] {
            if let Some(e) = s.get(key) {
                commands(&mut r, &sections, e, 0);
            }
        }
    }
    let mut out = r.finish();
    // tox.ini also holds other tools' sections ([flake8], [pytest],
    // [coverage:run], [mypy]); the manifest analyzer knows them.
    crate::analyze::manifest::ini_tool_sections(&sections, &mut out);
    out
}

/// Each command of a `commands` value: one per line, a trailing backslash
/// continuing it.
fn commands(r: &mut Recorder, sections: &[Section], entry: &Entry, depth: u32) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut pending: Option<(u32, String)> = None;
    for (line, text) in &entry.lines {
        let (first, mut cmd) = match pending.take() {
            Some((l, mut acc)) => {
                acc.push(' ');
                acc.push_str(text);
                (l, acc)
            }
            None => (*line, text.clone()),
        };
        if let Some(stripped) = cmd.strip_suffix('\\') {
            pending = Some((first, stripped.to_string()));
            continue;
        }
        if cmd.trim().is_empty() {
            continue;
        }
        cmd = strip_factor(&cmd).to_string();
        // A leading `-` lets the command fail.
        let cmd = cmd.trim().trim_start_matches('-').trim_start();
        if let Some(target) = reference(sections, cmd) {
            commands(r, sections, target, depth + 1);
            continue;
        }
        let mut did = Did::default();
        r.script(&substitute(cmd), first, Dialect::Posix, &mut did);
    }
    if let Some((first, cmd)) = pending {
        let mut did = Did::default();
        r.script(
            &substitute(strip_factor(&cmd)),
            first,
            Dialect::Posix,
            &mut did,
        );
    }
}

/// `py311,py312: pytest` runs `pytest` in those environments.
fn strip_factor(cmd: &str) -> &str {
    let Some((head, rest)) = cmd.split_once(':') else {
        return cmd;
    };
    let factor = !head.is_empty()
        && head.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '!' | ',' | '-' | '{' | '}')
        })
        && rest.starts_with(char::is_whitespace);
    if factor {
        rest.trim_start()
    } else {
        cmd
    }
}

/// The entry a whole-line `{[section]key}` substitution names.
fn reference<'a>(sections: &'a [Section], cmd: &str) -> Option<&'a Entry> {
    let inner = cmd.strip_prefix("{[")?.strip_suffix('}')?;
    let (section, key) = inner.split_once(']')?;
    sections
        .iter()
        .filter(|s| s.name == section.trim())
        .find_map(|s| s.get(key.trim()))
}

/// tox's substitutions that change which program runs: `{envpython}`,
/// `{envbindir}/tool`, `{posargs:default}`; others stay as written.
fn substitute(cmd: &str) -> String {
    let mut out = String::with_capacity(cmd.len());
    let mut rest = cmd;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = matching_brace(after) else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        match inner
            .split_once(':')
            .map_or((inner, None), |(k, v)| (k, Some(v)))
        {
            ("envpython", _) => out.push_str("python"),
            ("envbindir" | "envdir" | "toxinidir" | "toxworkdir", _) => out.push('.'),
            ("posargs", default) => out.push_str(&substitute(default.unwrap_or(""))),
            // `{env:NAME:default}`: the variable is unknown here; its default stands.
            ("env", rest) => {
                let default = rest.and_then(|r| r.split_once(':')).map_or("", |(_, d)| d);
                out.push_str(&substitute(default));
            }
            ("/", _) => out.push('/'),
            _ => {
                out.push('{');
                out.push_str(inner);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The index of the `}` closing a `{` just before `s`.
fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0u32;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Splits on any of `seps` outside braces.
fn split_top<'a>(s: &'a str, seps: &[char]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut depth = 0u32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if depth == 0 && seps.contains(&c) => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Brace expansion of a generative name: `py{311,312}-lint` gives
/// `py311-lint` and `py312-lint`.
fn expand(name: &str, out: &mut Vec<String>) {
    if name.is_empty() || out.len() >= MAX_ENVS {
        return;
    }
    let Some(open) = name.find('{') else {
        out.push(name.to_string());
        return;
    };
    let after = &name[open + 1..];
    let Some(close) = matching_brace(after) else {
        out.push(name.to_string());
        return;
    };
    for alt in split_top(&after[..close], &[',']) {
        let next = format!("{}{}{}", &name[..open], alt.trim(), &after[close + 1..]);
        expand(&next, out);
    }
}

/// A factor naming a Python version: `py311`, `py3.12`, `pypy3`, `3.13`.
fn is_interpreter(f: &str) -> bool {
    let version = f
        .strip_prefix("pypy")
        .or_else(|| f.strip_prefix("py"))
        .unwrap_or(f);
    !version.is_empty()
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version.chars().all(|c| c.is_ascii_digit() || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Vec<String> {
        analyze(text).fact_lines()
    }

    #[test]
    fn generative_envlists() {
        let mut envs = Vec::new();
        expand("py{310,311}-django{42,50}", &mut envs);
        assert_eq!(
            envs,
            vec![
                "py310-django42",
                "py310-django50",
                "py311-django42",
                "py311-django50"
            ]
        );
        let f = facts("[tox]\nenvlist = py3{11,12}, lint\n");
        assert_eq!(f, vec!["tox.matrix:2"]);
        assert!(facts("[tox]\nenvlist = py312, lint, type\n").is_empty());
        // Unbalanced braces and huge products stay bounded.
        let _ = facts("[tox]\nenvlist = py{3,{a,b}\n");
        let mut envs = Vec::new();
        expand(&"{a,b,c,d,e,f,g,h,i,j}".repeat(8), &mut envs);
        assert!(envs.len() <= MAX_ENVS);
    }

    #[test]
    fn commands_factors_and_substitutions() {
        let f = facts(concat!(
            "[testenv]\n",
            "commands =\n",
            "    py311: {envpython} -m pytest \\\n",
            "        --cov {posargs:tests}\n",
            "    -{envbindir}/ruff check .\n",
            "    {env:RUN:} pytest {posargs:{env:ARGS:tests}}\n",
            "[testenv:type]\n",
            "commands = mypy --strict src\n",
            "[testenv:all]\n",
            "commands =\n",
            "    {[testenv:type]commands}\n",
            "    {[testenv:all]commands}\n",
        ));
        assert_eq!(
            f,
            vec![
                "tox.coverage:3",
                "tox.env:1",
                "tox.env:7",
                "tox.env:9",
                "tox.lints:5",
                "tox.runs_tests:3",
                "tox.runs_tests:6",
                "tox.type_checks:8",
                "tox.type_checks_strict:8",
            ]
        );
    }
}
