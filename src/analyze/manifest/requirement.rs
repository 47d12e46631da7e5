//! One dependency specifier as PEP 508 defines it
//! (`Flask[async]>=3,<4 ; python_version > "3.9"`, `pkg @ https://...`),
//! as every manifest format writes them.
//!
//! A parser of the grammar, written here: `pep508_rs` 0.9 was tried first
//! and panics (an `expect`) on malformed names and extras, which a
//! learner's requirements file may hold; this one only returns errors.

use super::{DEPS_CONSTRAINED, DEPS_PINNED};
use crate::analyze::facts::{shorten, ConfigFacts};

/// pip's name normalization (PEP 503): lowercase, runs of `-_.` become `-`.
pub fn normalize_dep(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// What a manifest needs of a requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The name, normalized as pip does (PEP 503).
    pub name: String,
    /// Some version constraint (`>=3`, `~=1.2`, `==2.*`), or a direct URL.
    pub constrained: bool,
    /// Exactly one version (`==3.0.3`, `===3.0.3`, a direct URL).
    pub pinned: bool,
    /// The requirement as written, for evidence.
    pub text: String,
}

const OPERATORS: &[&str] = &["===", "==", "!=", "~=", "<=", ">=", "<", ">"];

impl Requirement {
    /// Parses a PEP 508 specifier; the error says what is wrong.
    pub fn parse(spec: &str) -> Result<Requirement, String> {
        let spec = spec.trim();
        let (body, marker) = match spec.split_once(';') {
            Some((b, m)) => (b.trim_end(), Some(m.trim())),
            None => (spec, None),
        };
        if let Some(m) = marker {
            check_marker(m)?;
        }
        let name_end = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
            .unwrap_or(body.len());
        let name = &body[..name_end];
        if name.is_empty() {
            return Err("expected a package name".into());
        }
        if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
            || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
        {
            return Err(format!(
                "package name `{name}` must start and end with a letter or digit"
            ));
        }
        let mut rest = body[name_end..].trim_start();
        if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']').ok_or("extras `[` without `]`")?;
            for extra in after[..close]
                .split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
            {
                if !extra
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                    || !extra.starts_with(|c: char| c.is_ascii_alphanumeric())
                    || !extra.ends_with(|c: char| c.is_ascii_alphanumeric())
                {
                    return Err(format!("`{extra}` is not an extra's name"));
                }
            }
            rest = after[close + 1..].trim_start();
        }
        let (constrained, pinned) = if let Some(url) = rest.strip_prefix('@') {
            if url.trim().is_empty() {
                return Err("`@` without a URL".into());
            }
            (true, true)
        } else {
            versions(rest)?
        };
        Ok(Requirement {
            name: normalize_dep(name),
            constrained,
            pinned,
            text: shorten(spec, 80),
        })
    }

    /// The name of a conda-style spec (`numpy=1.26`, `python>=3.11`), which
    /// is not PEP 508 (a single `=`); conda names are pip names for our use.
    pub fn parse_conda(spec: &str) -> Option<Requirement> {
        let spec = spec.trim();
        let end = spec
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(spec.len());
        let name = &spec[..end];
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return None;
        }
        let rest = spec[end..].trim_start();
        let constrained = rest.starts_with(['=', '<', '>', '!', '~']);
        let pinned = rest.starts_with("==")
            || (rest.starts_with('=') && !rest.contains('*') && !rest[1..].starts_with(['<', '>']));
        Some(Requirement {
            name: normalize_dep(name),
            constrained,
            pinned: pinned && constrained,
            text: shorten(spec, 80),
        })
    }

    /// States the dependency and its constraint at `line`.
    pub fn state(&self, line: u32, out: &mut ConfigFacts) {
        out.deps.push((self.name.clone(), line));
        if self.constrained {
            out.fact(DEPS_CONSTRAINED, line, self.text.clone());
        }
        if self.pinned {
            out.fact(DEPS_PINNED, line, self.text.clone());
        }
    }
}

/// A version specifier set (`>=3,<4`, `(==1.2.*)`, empty): whether it
/// constrains, and whether it pins one version.
fn versions(spec: &str) -> Result<(bool, bool), String> {
    let mut s = spec.trim();
    if let Some(inner) = s.strip_prefix('(') {
        s = inner.strip_suffix(')').ok_or("`(` without `)`")?.trim();
    }
    if s.is_empty() {
        return Ok((false, false));
    }
    let mut pinned = false;
    for clause in s.split(',') {
        let clause = clause.trim();
        let op = OPERATORS
            .iter()
            .find(|op| clause.starts_with(**op))
            .ok_or_else(|| format!("`{clause}` is not a version constraint (==, >=, ~=, ...)"))?;
        let version = clause[op.len()..].trim();
        let ok = match *op {
            "===" => !version.is_empty() && !version.contains(char::is_whitespace),
            _ => is_version(version, matches!(*op, "==" | "!=")),
        };
        if !ok {
            return Err(format!("`{version}` is not a version"));
        }
        pinned |= (*op == "==" && !version.ends_with(".*")) || *op == "===";
    }
    Ok((true, pinned))
}

/// PEP 440's shape of a version, leniently: digits first (after an
/// optional epoch `N!` or `v`), then letters, digits and `.+-_`; a
/// trailing `.*` where the operator allows it.
fn is_version(v: &str, star_ok: bool) -> bool {
    let v = match v.strip_suffix(".*") {
        Some(head) if star_ok => head,
        Some(_) => return false,
        None => v,
    };
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let v = match v.split_once('!') {
        Some((epoch, rest)) if !epoch.is_empty() && epoch.chars().all(|c| c.is_ascii_digit()) => {
            rest
        }
        Some(_) => return false,
        None => v,
    };
    v.starts_with(|c: char| c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_'))
}

/// An environment marker (`python_version >= "3.9" and sys_platform != "win32"`):
/// not evaluated, only checked to be something: quotes closed, parentheses
/// balanced, not empty.
fn check_marker(m: &str) -> Result<(), String> {
    if m.is_empty() {
        return Err("`;` without an environment marker".into());
    }
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in m.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth < 0 {
                    return Err("unbalanced `)` in the environment marker".into());
                }
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return Err("unclosed quote in the environment marker".into());
    }
    if depth != 0 {
        return Err("unbalanced `(` in the environment marker".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_names_normalize_like_pip() {
        assert_eq!(normalize_dep("Flask_SQLAlchemy"), "flask-sqlalchemy");
        assert_eq!(normalize_dep("zope.interface"), "zope-interface");
        assert_eq!(normalize_dep("pytest--cov"), "pytest-cov");
    }

    #[test]
    fn names_constraints_and_pins() {
        let r = Requirement::parse("Flask_SQLAlchemy[async]>=3 ; python_version > '3.8'").unwrap();
        assert_eq!(r.name, "flask-sqlalchemy");
        assert!(r.constrained && !r.pinned);
        let r = Requirement::parse("requests==2.32.3").unwrap();
        assert!(r.constrained && r.pinned);
        let r = Requirement::parse("rich").unwrap();
        assert!(!r.constrained);
        assert!(Requirement::parse("numpy=1.26").is_err());
        let r = Requirement::parse("pkg @ https://example.com/pkg-1.0.whl").unwrap();
        assert!(r.pinned && r.name == "pkg");
        let r = Requirement::parse("django (>=4.2, <5)").unwrap();
        assert!(r.constrained && !r.pinned);
        assert!(!Requirement::parse("attrs==23.*").unwrap().pinned);
        assert!(Requirement::parse("==1.0").is_err());
        // pep508_rs 0.9 panicked on the first ones; they must be plain errors.
        for bad in [
            "a- b",
            "foo_ ==1",
            "x[y-]",
            "-x",
            "x>=",
            "x==1.0 ; ",
            "x ; (a",
            "x @",
        ] {
            assert!(Requirement::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn conda_specs() {
        let r = Requirement::parse_conda("scikit-learn=1.4").unwrap();
        assert_eq!(r.name, "scikit-learn");
        assert!(r.constrained && r.pinned);
        let r = Requirement::parse_conda("pandas>=2").unwrap();
        assert!(r.constrained && !r.pinned);
        assert!(!Requirement::parse_conda("jupyterlab").unwrap().constrained);
    }
}

#[cfg(test)]
mod soup {
    use super::Requirement;

    /// Random specifiers from the characters and words requirements are
    /// made of: errors, never panics.
    #[test]
    fn random_specifiers_never_panic() {
        const PARTS: &[&str] = &[
            "a",
            "Z",
            "9",
            "-",
            "_",
            ".",
            " ",
            "==",
            "=",
            ">=",
            "<",
            "~=",
            "!=",
            "===",
            "*",
            ",",
            ";",
            "[",
            "]",
            "@",
            ":",
            "/",
            "'",
            "\"",
            "(",
            ")",
            "python_version",
            "extra",
            "and",
            "or",
            "in",
            "not",
            "file://",
            "https://x/y.whl",
            "#",
            "\\",
            "é",
            "1.0",
            ".*",
            "+local",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let spec: String = (0..len)
                .map(|_| PARTS[(next() % PARTS.len() as u64) as usize])
                .collect();
            let _ = Requirement::parse(&spec);
            let _ = Requirement::parse_conda(&spec);
        }
    }
}
