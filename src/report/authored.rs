//! Text we author (rule titles and advice, roadmap items, finding
//! messages) keeps its Markdown: code spans, emphasis, and links to http(s)
//! pages. It is read into a few inline pieces, once, and each format writes
//! them its own way; anything else in it (raw HTML, other links, mentions)
//! is written as literal text. Text derived from a scanned repository never
//! comes here: it is escaped whole (`markdown::escape`, askama).
//!
//! A rule file is written by whoever passes `--rules`, and a finding's
//! message carries a detail from the repository (a name, a path): so even
//! here nothing may become raw HTML, and a message may be read without links.

use super::safe_url;

/// One inline piece of authored text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Code(&'a str),
    Strong(&'a str),
    Emphasis(&'a str),
    /// A link to an http(s) page (the URL already made safe).
    Link {
        text: &'a str,
        url: String,
    },
}

/// Reads authored Markdown into pieces. `links`: whether `[text](url)` may
/// be a link (a finding's message, which holds text from the repository,
/// is read without).
pub fn pieces(text: &str, links: bool) -> Vec<Piece<'_>> {
    let mut out: Vec<Piece> = Vec::new();
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    let mut i = 0;
    fn flush<'t>(out: &mut Vec<Piece<'t>>, text: &'t str, from: usize, to: usize) {
        if to > from {
            out.push(Piece::Text(&text[from..to]));
        }
    }
    while i < bytes.len() {
        let rest = &text[i..];
        let found: Option<(Piece, usize)> = match bytes[i] {
            b'`' => {
                let run = rest.bytes().take_while(|b| *b == b'`').count();
                let fence = &rest[..run];
                rest[run..].find(fence).and_then(|end| {
                    let inner = &rest[run..run + end];
                    // A longer run of backticks right after is not this span's end.
                    let after = rest[run + end + run..].starts_with('`');
                    (!inner.is_empty() && !after).then(|| (Piece::Code(inner), run + end + run))
                })
            }
            b'*' if rest.starts_with("**") => {
                closed(rest, "**").map(|(t, n)| (Piece::Strong(t), n))
            }
            b'*' | b'_' => {
                let d = &rest[..1];
                // `_` inside a word (snake_case) is not emphasis.
                let inside_word =
                    bytes[i] == b'_' && i > 0 && (bytes[i - 1] as char).is_ascii_alphanumeric();
                if inside_word {
                    None
                } else {
                    closed(rest, d).map(|(t, n)| (Piece::Emphasis(t), n))
                }
            }
            b'[' if links => link(rest).map(|(t, url, n)| (Piece::Link { text: t, url }, n)),
            _ => None,
        };
        match found {
            Some((piece, len)) => {
                flush(&mut out, text, plain_from, i);
                out.push(piece);
                i += len;
                plain_from = i;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    flush(&mut out, text, plain_from, bytes.len());
    out
}

/// `d text d` at the start of `s`: the text (not starting or ending with a
/// space, not holding a backtick) and the whole length.
fn closed<'a>(s: &'a str, d: &str) -> Option<(&'a str, usize)> {
    let body = &s[d.len()..];
    let end = body.find(d)?;
    let inner = &body[..end];
    let ok = !inner.is_empty()
        && !inner.starts_with(' ')
        && !inner.ends_with(' ')
        && !inner.contains('`')
        && !inner.contains('\n');
    ok.then_some((inner, d.len() * 2 + end))
}

/// `[text](url)` at the start of `s`, when the URL is an http(s) page.
fn link(s: &str) -> Option<(&str, String, usize)> {
    let close = s.find("](")?;
    let text = &s[1..close];
    if text.is_empty() || text.contains(['[', ']', '`']) {
        return None;
    }
    let rest = &s[close + 2..];
    let end = rest.find(')')?;
    let url = &rest[..end];
    if url.contains(char::is_whitespace) {
        return None;
    }
    Some((text, safe_url(url)?, close + 2 + end + 1))
}

/// Authored text as Markdown: its code spans, emphasis and links kept,
/// everything else escaped. `in_table`: a table cell, where `|` must be
/// escaped even inside code.
pub fn markdown(text: &str, links: bool, in_table: bool) -> String {
    use super::markdown::escape;
    let mut out = String::with_capacity(text.len() + 8);
    for p in pieces(text, links) {
        match p {
            Piece::Text(t) => out.push_str(&escape(t)),
            Piece::Code(c) => {
                let c = c.replace(['\n', '\r'], " ");
                let c = if in_table { c.replace('|', "\\|") } else { c };
                // A span starting or ending with a backtick needs spaces inside its fence.
                if c.starts_with('`') || c.ends_with('`') {
                    out.push_str(&format!("`` {c} ``"));
                } else {
                    out.push('`');
                    out.push_str(&c);
                    out.push('`');
                }
            }
            Piece::Strong(t) => out.push_str(&format!("**{}**", escape(t))),
            Piece::Emphasis(t) => out.push_str(&format!("*{}*", escape(t))),
            Piece::Link { text, url } => out.push_str(&format!("[{}]({url})", escape(text))),
        }
    }
    out
}

/// Authored text as plain text for the terminal: emphasis marks dropped,
/// code kept between backticks (as people write it in a terminal), a
/// link's URL after its text.
pub fn plain(text: &str) -> String {
    pieces(text, true)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) | Piece::Strong(t) | Piece::Emphasis(t) => t.to_string(),
            Piece::Code(t) => format!("`{t}`"),
            Piece::Link { text, url } => format!("{text} ({url})"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_emphasis_and_http_links_are_read() {
        let p = pieces(
            "Run `pytest -q` **every** time, see [the docs](https://docs.pytest.org) or *help*",
            true,
        );
        assert_eq!(
            p,
            vec![
                Piece::Text("Run "),
                Piece::Code("pytest -q"),
                Piece::Text(" "),
                Piece::Strong("every"),
                Piece::Text(" time, see "),
                Piece::Link {
                    text: "the docs",
                    url: "https://docs.pytest.org".into()
                },
                Piece::Text(" or "),
                Piece::Emphasis("help"),
            ]
        );
    }

    #[test]
    fn nothing_else_becomes_markup() {
        let md = markdown(
            "<script>x</script> [a](javascript:alert(1)) @octocat snake_case_name 2 * 3",
            true,
            false,
        );
        assert!(!md.contains("<script"), "{md}");
        assert!(!md.contains("](javascript"), "{md}");
        assert!(md.contains("&#64;octocat"), "{md}");
        assert!(md.contains("snake\\_case\\_name"), "{md}");
        // Without links, a link is text.
        assert!(markdown("see [x](https://e.org)", false, false).contains("\\[x\\]"));
    }

    #[test]
    fn code_spans_stay_code_in_tables_and_unclosed_backticks_are_text() {
        assert_eq!(markdown("use `a | b`", true, true), "use `a \\| b`");
        assert_eq!(markdown("an ` alone", true, false), "an \\` alone");
        assert_eq!(plain("Run `pytest` **now**"), "Run `pytest` now");
    }
}
