//! pip's requirements files: one PEP 508 requirement a line, plus pip's own
//! syntax, which is taken off before the requirement is parsed: `-r`
//! includes (resolved later against the repository, cycles included),
//! options (`-e`, `--index-url`, `-c`), per-requirement options
//! (`--hash=...`), `\` continuations, ` #` comments, URLs and local paths.

use super::requirement::Requirement;
use super::{
    DEPS_DEV_SEPARATED, REQUIREMENTS_COMPILED, REQUIREMENTS_FULLY_PINNED, REQUIREMENTS_HASHED,
};
use crate::analyze::facts::{shorten, ConfigFacts};
use std::borrow::Cow;

/// Fewer pinned requirements than this do not make a file "fully pinned":
/// two pins are a habit, not a lock.
const MIN_FULLY_PINNED: usize = 3;

pub fn read(text: &str, dev: bool, out: &mut ConfigFacts) {
    let mut count = 0usize;
    let mut pinned = 0usize;
    let mut hashed = 0usize;
    let mut first: Option<u32> = None;
    for (line, raw) in logical_lines(text) {
        let raw: &str = &raw;
        if let Some(tool) = compiled_by(raw) {
            out.fact(REQUIREMENTS_COMPILED, line, format!("compiled by {tool}"));
            continue;
        }
        let l = strip_comment(raw).trim();
        if l.is_empty() {
            continue;
        }
        if l.starts_with('-') {
            if let Some(target) = include_target(l) {
                out.includes.push((target.to_string(), line));
            }
            continue;
        }
        let (spec, options) = split_options(l);
        let Some(req) = requirement(spec, line, out) else {
            continue;
        };
        req.state(line, out);
        first.get_or_insert(line);
        count += 1;
        pinned += usize::from(req.pinned);
        hashed += usize::from(options.contains("--hash"));
    }
    let Some(first) = first else {
        return;
    };
    if count >= MIN_FULLY_PINNED && pinned == count {
        out.fact(
            REQUIREMENTS_FULLY_PINNED,
            first,
            format!("{count} of {count} requirements pinned"),
        );
    }
    if hashed == count {
        out.fact(
            REQUIREMENTS_HASHED,
            first,
            format!("{count} requirements with hashes"),
        );
    }
    if dev {
        out.fact(
            DEPS_DEV_SEPARATED,
            first,
            "development requirements in their own file",
        );
    }
}

/// The requirement of a line, or nothing for a local path or URL without a
/// name; a line pip would reject is a problem (and, when a name can be
/// read from it, still a declared dependency).
fn requirement(spec: &str, line: u32, out: &mut ConfigFacts) -> Option<Requirement> {
    let is_location = spec.contains("://")
        || spec.starts_with(['.', '/', '~'])
        || spec.ends_with(".whl")
        || spec.ends_with(".tar.gz")
        || spec.ends_with(".zip");
    if is_location && !spec.contains(" @ ") && !spec.contains("@ ") {
        // `git+https://...#egg=name`: the fragment names the package.
        let egg = spec
            .split_once("#egg=")
            .map(|(_, e)| e.split('&').next().unwrap_or(e));
        return egg.and_then(|e| Requirement::parse(e).ok());
    }
    match Requirement::parse(spec) {
        Ok(r) => Some(r),
        Err(reason) => {
            out.problem(format!(
                "line {line}: `{}` is not a valid requirement: {reason}",
                shorten(spec, 60)
            ));
            // `numpy=1.26` (conda syntax) still says which package is meant.
            Requirement::parse_conda(spec)
        }
    }
}

/// Lines with `\` continuations joined, each with the line it starts on.
fn logical_lines(text: &str) -> Vec<(u32, Cow<'_, str>)> {
    let mut out: Vec<(u32, Cow<str>)> = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let (body, continues) = match line.trim_end().strip_suffix('\\') {
            Some(b) => (b, true),
            None => (line, false),
        };
        match pending.take() {
            Some((start, mut acc)) => {
                acc.push(' ');
                acc.push_str(body);
                if continues {
                    pending = Some((start, acc));
                } else {
                    out.push((start, Cow::Owned(acc)));
                }
            }
            None if continues => pending = Some((n, body.to_string())),
            None => out.push((n, Cow::Borrowed(line))),
        }
    }
    if let Some((start, acc)) = pending {
        out.push((start, Cow::Owned(acc)));
    }
    out
}

/// pip's comment rule: `#` at the start of a line or after whitespace.
fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => line,
    }
}

/// The tool a compiled file's header names.
fn compiled_by(line: &str) -> Option<&'static str> {
    let l = line.trim_start().strip_prefix('#')?.to_ascii_lowercase();
    if l.contains("autogenerated by pip-compile") {
        Some("pip-compile")
    } else if l.contains("autogenerated by uv") {
        Some("uv")
    } else if l.contains("generated by rye") {
        Some("rye")
    } else {
        None
    }
}

/// The file of `-r FILE`, `-rFILE`, `--requirement FILE`, `--requirement=FILE`.
fn include_target(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("--requirement")
        .or_else(|| line.strip_prefix("-r"))?;
    let rest = rest.strip_prefix('=').unwrap_or(rest).trim();
    let target = rest.split_whitespace().next()?;
    (!target.is_empty()).then_some(target)
}

/// A requirement and its per-requirement options (`--hash=...`).
fn split_options(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i] == b'-' && bytes[i - 1].is_ascii_whitespace() && bytes.get(i + 1) == Some(&b'-')
        {
            return (line[..i].trim(), &line[i..]);
        }
    }
    (line, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> ConfigFacts {
        let mut out = ConfigFacts::default();
        read(text, false, &mut out);
        out
    }

    #[test]
    fn pip_syntax_is_taken_off() {
        let out = read_text(
            "# web\nFlask[async]==3.0.0\n-r base.txt\n-e .\nFlask_SQLAlchemy>=3 ; python_version > '3.8'\n\nrequests  # http\n--index-url https://x\ngit+https://github.com/a/b.git#egg=b-lib\n./local/pkg\n",
        );
        assert_eq!(
            out.deps,
            vec![
                ("flask".into(), 2),
                ("flask-sqlalchemy".into(), 5),
                ("requests".into(), 7),
                ("b-lib".into(), 9)
            ]
        );
        assert_eq!(out.includes, vec![("base.txt".into(), 3)]);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
    }

    #[test]
    fn continuations_hashes_and_pins() {
        let out = read_text(
            "# This file is autogenerated by pip-compile with Python 3.12\nanyio==4.4.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\nidna==3.7 --hash=sha256:cc\nsniffio==1.3.1 --hash=sha256:dd\n",
        );
        let names: Vec<(&str, u32)> = out.facts.iter().map(|f| (f.name, f.line)).collect();
        assert!(names.contains(&("requirements.compiled", 1)));
        assert!(names.contains(&("requirements.fully_pinned", 2)));
        assert!(names.contains(&("requirements.hashed", 2)));
        assert_eq!(out.deps[0], ("anyio".into(), 2));
        assert_eq!(out.deps[1], ("idna".into(), 5));
    }

    #[test]
    fn a_bad_line_is_a_problem_with_its_line() {
        let out = read_text("flask\nnumpy=1.21.2=py39h\n");
        assert_eq!(out.problems.len(), 1);
        assert!(
            out.problems[0].starts_with("line 2: `numpy=1.21.2=py39h` is not a valid requirement"),
            "{:?}",
            out.problems
        );
        assert_eq!(out.deps[1].0, "numpy");
    }
}
