//! A small lexer for Groovy as Jenkinsfiles write it: identifiers, string
//! literals (`'...'`, `"..."`, `'''...'''`, `"""..."""`, `/slashy/`),
//! numbers and punctuation, each with its line; `//` and `/* */` comments
//! are dropped. Enough to find steps and their string arguments, not to
//! parse Groovy.

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    Ident(String),
    /// A string literal's content, escapes resolved; a GString's `${...}`
    /// is kept as written.
    Str(String),
    Number,
    Punct(char),
}

/// A token and the line (1-based) where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    pub tok: Tok,
    pub line: u32,
}

/// The tokens of a text, and the problems met (an unterminated string or
/// comment), each naming its line. Lexing stops at an unterminated
/// multi-line string or comment; an unterminated one-line string ends at
/// its line.
pub(super) fn lex(text: &str) -> (Vec<Token>, Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    let mut toks: Vec<Token> = Vec::new();
    let mut problems = Vec::new();
    let mut line = 1u32;
    let mut i = 0usize;
    let at = |j: usize| chars.get(j).copied();
    // A shebang line (`#!groovy`).
    if at(0) == Some('#') && at(1) == Some('!') {
        while i < chars.len() && chars[i] != '\n' {
            i += 1;
        }
    }
    while let Some(c) = at(i) {
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '/' if at(i + 1) == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == Some('*') => {
                let start = line;
                i += 2;
                loop {
                    match at(i) {
                        None => {
                            problems.push(format!("line {start}: unterminated /* comment"));
                            return (toks, problems);
                        }
                        Some('*') if at(i + 1) == Some('/') => {
                            i += 2;
                            break;
                        }
                        Some('\n') => {
                            line += 1;
                            i += 1;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            '\'' | '"' => {
                let triple = at(i + 1) == Some(c) && at(i + 2) == Some(c);
                let start = line;
                if triple {
                    i += 3;
                    match read_string(&chars, &mut i, &mut line, c, true) {
                        Some(s) => toks.push(Token {
                            tok: Tok::Str(s),
                            line: start,
                        }),
                        None => {
                            problems.push(format!(
                                "line {start}: unterminated string (opened with {c}{c}{c})"
                            ));
                            return (toks, problems);
                        }
                    }
                } else {
                    i += 1;
                    match read_string(&chars, &mut i, &mut line, c, false) {
                        Some(s) => toks.push(Token {
                            tok: Tok::Str(s),
                            line: start,
                        }),
                        None => problems.push(format!(
                            "line {start}: unterminated string (opened with {c})"
                        )),
                    }
                }
            }
            '/' if operand_expected(toks.last()) && slashy_closes(&chars, i + 1) => {
                let start = line;
                i += 1;
                let mut s = String::new();
                while let Some(q) = at(i) {
                    i += 1;
                    if q == '\\' && at(i) == Some('/') {
                        s.push('/');
                        i += 1;
                    } else if q == '/' {
                        break;
                    } else {
                        s.push(q);
                    }
                }
                toks.push(Token {
                    tok: Tok::Str(s),
                    line: start,
                });
            }
            c if c.is_alphabetic() || c == '_' || c == '$' => {
                let mut s = String::new();
                while let Some(q) = at(i) {
                    if q.is_alphanumeric() || q == '_' || q == '$' {
                        s.push(q);
                        i += 1;
                    } else {
                        break;
                    }
                }
                toks.push(Token {
                    tok: Tok::Ident(s),
                    line,
                });
            }
            c if c.is_ascii_digit() => {
                while at(i).is_some_and(|q| q.is_alphanumeric() || q == '.' || q == '_') {
                    i += 1;
                }
                toks.push(Token {
                    tok: Tok::Number,
                    line,
                });
            }
            c => {
                toks.push(Token {
                    tok: Tok::Punct(c),
                    line,
                });
                i += 1;
            }
        }
    }
    (toks, problems)
}

/// Whether a `/` here starts a slashy string rather than dividing.
fn operand_expected(prev: Option<&Token>) -> bool {
    match prev.map(|t| &t.tok) {
        None => true,
        Some(Tok::Ident(_) | Tok::Str(_) | Tok::Number) => false,
        Some(Tok::Punct(p)) => !matches!(p, ')' | ']' | '}'),
    }
}

/// A slashy string must close on its line here; otherwise the `/` is
/// read as punctuation rather than swallowing the file.
fn slashy_closes(chars: &[char], from: usize) -> bool {
    let mut j = from;
    if chars.get(j) == Some(&'/') || chars.get(j) == Some(&'*') {
        return false;
    }
    while let Some(&q) = chars.get(j) {
        match q {
            '\n' => return false,
            '\\' => j += 2,
            '/' => return j > from,
            _ => j += 1,
        }
    }
    false
}

/// Reads a string's content up to its closing quote (three of them for a
/// triple-quoted string), resolving escapes. `None` when it does not close:
/// at the end of the text, or (one-line strings) at the end of the line,
/// where reading resumes.
fn read_string(
    chars: &[char],
    i: &mut usize,
    line: &mut u32,
    quote: char,
    triple: bool,
) -> Option<String> {
    let mut s = String::new();
    // Depth of `${ ... }` in a double-quoted GString, where quotes nest.
    let mut depth = 0u32;
    loop {
        let c = *chars.get(*i)?;
        match c {
            '\\' => {
                let n = chars.get(*i + 1).copied();
                *i += 2;
                match n {
                    Some('n') => {
                        s.push('\n');
                    }
                    Some('t') => s.push('\t'),
                    // A backslash before a newline continues the line, as the shell reads it.
                    Some('\n') => {
                        *line += 1;
                        s.push('\\');
                        s.push('\n');
                    }
                    Some(n) => s.push(n),
                    None => return None,
                }
            }
            '\n' if !triple => return None,
            '\n' => {
                *line += 1;
                s.push(c);
                *i += 1;
            }
            '$' if quote == '"' && chars.get(*i + 1) == Some(&'{') => {
                depth += 1;
                s.push_str("${");
                *i += 2;
            }
            '}' if depth > 0 => {
                depth -= 1;
                s.push(c);
                *i += 1;
            }
            c if c == quote && depth == 0 => {
                if !triple {
                    *i += 1;
                    return Some(s);
                }
                if chars.get(*i + 1) == Some(&quote) && chars.get(*i + 2) == Some(&quote) {
                    *i += 3;
                    return Some(s);
                }
                s.push(c);
                *i += 1;
            }
            c => {
                s.push(c);
                *i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(text: &str) -> Vec<(String, u32)> {
        lex(text)
            .0
            .into_iter()
            .filter_map(|t| match t.tok {
                Tok::Str(s) => Some((s, t.line)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn strings_comments_and_lines() {
        let s = strs("// sh 'no'\n/* sh 'no'\n*/ sh 'a\\'b'\nsh \"x ${env.Y ?: \"z\"}\"\nsh '''\n  pytest\n'''\n");
        assert_eq!(
            s,
            vec![
                ("a'b".to_string(), 3),
                ("x ${env.Y ?: \"z\"}".to_string(), 4),
                ("\n  pytest\n".to_string(), 5)
            ]
        );
    }

    #[test]
    fn slashy_strings_and_division() {
        let (t, p) = lex("def r = /a\\/b/\nx = 4 / 2 / 1\n");
        assert!(p.is_empty());
        assert!(t.contains(&Token {
            tok: Tok::Str("a/b".into()),
            line: 1
        }));
        assert_eq!(t.iter().filter(|t| matches!(t.tok, Tok::Str(_))).count(), 1);
    }

    #[test]
    fn unterminated_strings_say_where() {
        let (t, p) = lex("sh 'pytest\nsh 'ruff check .'\n");
        assert_eq!(
            p,
            vec!["line 1: unterminated string (opened with ')".to_string()]
        );
        assert!(t
            .iter()
            .any(|t| t.tok == Tok::Str("ruff check .".into()) && t.line == 2));
        let (_, p) = lex("x\nsh '''\npytest\n");
        assert_eq!(
            p,
            vec!["line 2: unterminated string (opened with ''')".to_string()]
        );
        let (_, p) = lex("/* open");
        assert_eq!(p.len(), 1);
        for odd in ["'", "\"\"\"", "\\", "'\\", "/", "$", "\"${", "'''\\"] {
            let _ = lex(odd);
        }
    }
}
