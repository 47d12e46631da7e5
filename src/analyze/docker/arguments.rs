//! An instruction's arguments read word by word: the exec form
//! (`["gunicorn", "app:app"]`), `ARG` defaults and `ENV` pairs, `$VAR`
//! expansion, `HEALTHCHECK`'s command. Pure text in, values out: which
//! stage a value belongs to is `dockerfile`'s business.

use crate::analyze::shell;

/// The words of an exec-form argument (`["a", "b"]`); None for shell form.
/// A malformed array is shell form, as Docker reads it.
pub fn exec_form(args: &str) -> Option<Vec<String>> {
    let t = args.trim();
    if !t.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(t).ok()
}

/// `HEALTHCHECK [OPTIONS] CMD command`: the command, or None for `NONE`.
pub(super) fn healthcheck_command(args: &str) -> Option<String> {
    let mut rest = args.trim();
    while rest.starts_with("--") {
        rest = rest
            .split_once(char::is_whitespace)
            .map_or("", |(_, r)| r.trim_start());
    }
    let (word, cmd) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if !word.eq_ignore_ascii_case("CMD") {
        return None;
    }
    let shown = match exec_form(cmd) {
        Some(w) => w.join(" "),
        None => cmd.trim().to_string(),
    };
    Some(
        shell::Command {
            line: 0,
            words: vec![shown],
        }
        .display(),
    )
}

/// `ARG A=1 B`: each name with its default, if any.
pub(super) fn arg_defaults(args: &str) -> Vec<(String, Option<String>)> {
    args.split_whitespace()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(unquote(v).to_string())),
            None => (w.to_string(), None),
        })
        .collect()
}

/// `ENV A=1 B="two words"` or the old `ENV A value with spaces`.
pub(super) fn env_pairs(args: &str) -> Vec<(String, String)> {
    let t = args.trim();
    let first = t.split_whitespace().next().unwrap_or("");
    if !first.contains('=') {
        return match t.split_once(char::is_whitespace) {
            Some((k, v)) => vec![(k.to_string(), v.trim().to_string())],
            None => Vec::new(),
        };
    }
    shell::commands(t)
        .into_iter()
        .flat_map(|c| c.words)
        .filter_map(|w| {
            w.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        .unwrap_or(s)
}

/// Replaces `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` with
/// their values; a variable without a value stays as written.
pub fn expand(s: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('$') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        if let Some(inner) = after.strip_prefix('{') {
            let Some(end) = inner.find('}') else {
                out.push_str(&rest[p..]);
                return out;
            };
            let expr = &inner[..end];
            let written = &rest[p..p + 2 + end + 1];
            let name_end = expr
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(expr.len());
            let (name, op) = expr.split_at(name_end);
            let v = value(name).filter(|v| !v.is_empty());
            let replaced = if let Some(default) = op.strip_prefix(":-") {
                Some(v.unwrap_or_else(|| default.to_string()))
            } else if let Some(alt) = op.strip_prefix(":+") {
                Some(if v.is_some() {
                    alt.to_string()
                } else {
                    String::new()
                })
            } else if op.is_empty() {
                v
            } else {
                None
            };
            out.push_str(replaced.as_deref().unwrap_or(written));
            rest = &inner[end + 1..];
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let name = &after[..end];
            match (!name.is_empty()).then(|| value(name)).flatten() {
                Some(v) => out.push_str(&v),
                None => out.push_str(&rest[p..p + 1 + end]),
            }
            rest = &after[end..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_expand_from_defaults() {
        let vars = |k: &str| (k == "PY").then(|| "3.12".to_string());
        assert_eq!(expand("python:${PY}-slim", &vars), "python:3.12-slim");
        assert_eq!(expand("python:$PY", &vars), "python:3.12");
        assert_eq!(expand("${NOPE:-app}", &vars), "app");
        assert_eq!(expand("${PY:+x}${NOPE:+y}", &vars), "x");
        assert_eq!(expand("${NOPE}-$NOPE", &vars), "${NOPE}-$NOPE");
        assert_eq!(expand("$ ${ ${PY", &vars), "$ ${ ${PY");
    }
}
