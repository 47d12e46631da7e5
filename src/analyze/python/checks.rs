//! What string literals say: hardcoded credentials and SQL text. The
//! analyzer states what these tell it as features; what to report about
//! them is for the rules to say.

use aho_corasick::AhoCorasick;
use regex::{Regex, RegexSet};
use std::sync::OnceLock;

/// Names whose string value is a credential (`password = "..."`).
fn secret_name() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)(passw(or)?d|passwd|(^|_)pwd($|_)|secret|token|api_?key|apikey|access_?key|private_?key|auth_?key|credential)",
        )
        .expect("static regex")
    })
}

/// Secret-looking names that hold something else (`TOKEN_URL`, `password_hash`).
fn not_secret_name() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)(url|uri|endpoint|file|path|dir|name|field|label|type|prefix|header|length|len|min|max|expire|expires|expiry|minutes|seconds|hours|days|ttl|algorithm|alg|hash|hashed|env|var|input|prompt|message|msg|error|regex|pattern|template|id|count|limit|size|scheme|location|method|policy)s?$",
        )
        .expect("static regex")
    })
}

/// Values that are placeholders, not credentials.
fn placeholder_value() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)(your|example|changeme|change_me|change-me|placeholder|xxx|dummy|fake|test|sample|replace|insert|todo|<|>|\{|\}|\$\{|^\$[A-Z_]+$|\*\*\*|\.\.\.|^none$|^null$|^secret$|^password$|^token$)")
            .expect("static regex")
    })
}

/// Well-known credential formats, wherever the literal stands.
fn token_patterns() -> &'static RegexSet {
    static R: OnceLock<RegexSet> = OnceLock::new();
    R.get_or_init(|| {
        RegexSet::new([
            r"\bAKIA[0-9A-Z]{16}\b",
            r"\bgh[pousr]_[A-Za-z0-9]{36,}\b",
            r"\bxox[baprs]-[A-Za-z0-9-]{10,}",
            r"\bsk_live_[0-9a-zA-Z]{16,}",
            r"\bsk-(proj-)?[A-Za-z0-9_-]{20,}",
            r"\bAIza[0-9A-Za-z_-]{35}\b",
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
        ])
        .expect("static regex")
    })
}

const TOKEN_KINDS: &[&str] = &[
    "an AWS access key",
    "a GitHub token",
    "a Slack token",
    "a Stripe live key",
    "an API secret key",
    "a Google API key",
    "a private key",
];

/// Words one of which every credential-like name contains, found in one pass
/// before any regex runs (most names and strings have none of them).
fn literals(words: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(words)
        .expect("static words")
}

fn secret_words() -> &'static AhoCorasick {
    static A: OnceLock<AhoCorasick> = OnceLock::new();
    A.get_or_init(|| literals(&["pass", "pwd", "secret", "token", "key", "credential"]))
}

/// If a name and its literal value look like a hardcoded credential, the
/// name without its quotes (a dict key is given quoted).
pub fn secret_assignment<'n>(name: &'n str, value: &str) -> Option<&'n str> {
    let bare = name.trim_matches(|c| c == '"' || c == '\'');
    if !secret_words().is_match(bare)
        || !secret_name().is_match(bare)
        || not_secret_name().is_match(bare)
    {
        return None;
    }
    let v = value.trim();
    let looks_like_env_name = v
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if v.chars().count() < 4
        || v.contains(char::is_whitespace)
        || looks_like_env_name
        || placeholder_value().is_match(v)
    {
        return None;
    }
    Some(bare)
}

/// If a literal contains a well-known credential format, which kind
/// (`an AWS access key`).
pub fn secret_literal(value: &str) -> Option<&'static str> {
    if value.len() < 20 {
        return None;
    }
    let hit = token_patterns().matches(value).into_iter().next()?;
    TOKEN_KINDS.get(hit).copied()
}

/// Whether a string's text is SQL (a statement, not a word such as "select an option").
pub fn is_sql(text: &str) -> bool {
    static WORDS: OnceLock<AhoCorasick> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        literals(&[
            "select", "insert", "update", "delete", "create", "drop", "alter",
        ])
    });
    if text.len() < 10 || !words.is_match(text) {
        return false;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?is)\bselect\b.+\bfrom\b|\binsert\s+into\b|\bupdate\b\s+\S+\s+set\b|\bdelete\s+from\b|\b(create|drop|alter)\s+table\b",
        )
        .expect("static regex")
    })
    .is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_names_are_found() {
        assert_eq!(secret_assignment("password", "hunter2"), Some("password"));
        assert_eq!(
            secret_assignment("\"db_password\"", "hunter2"),
            Some("db_password")
        );
        assert!(secret_assignment("SECRET_KEY", "django-insecure-8a7sd6").is_some());
        // Django's generated keys often hold `$`; only `${VAR}` is a template placeholder.
        assert!(secret_assignment("SECRET_KEY", "django-insecure-k$9x!2@q^7m$w").is_some());
        assert!(secret_assignment("SECRET_KEY", "${DJANGO_SECRET_KEY}").is_none());
        assert!(secret_assignment("api_key", "9f8e7d6c5b4a").is_some());
    }

    #[test]
    fn lookalikes_are_not_credentials() {
        assert!(secret_assignment("password", "").is_none());
        assert!(secret_assignment("password", "Enter your password").is_none());
        assert!(secret_assignment("TOKEN_URL", "https://example.com/token").is_none());
        assert!(secret_assignment("password_hash", "abcdef123").is_none());
        assert!(secret_assignment("SECRET_KEY", "DJANGO_SECRET_KEY").is_none());
        assert!(secret_assignment("api_key", "your-api-key-here").is_none());
        assert!(secret_assignment("username", "hunter2").is_none());
    }

    #[test]
    fn token_formats_are_found() {
        assert_eq!(
            secret_literal("AKIAIOSFODNN7EXAMPLE"),
            Some("an AWS access key")
        );
        assert!(secret_literal("just a long sentence with words").is_none());
    }

    #[test]
    fn sql_is_a_statement_not_a_word() {
        assert!(is_sql("SELECT * FROM users WHERE id = "));
        assert!(is_sql("insert into t values (?)"));
        assert!(!is_sql("Please select an option"));
    }
}
