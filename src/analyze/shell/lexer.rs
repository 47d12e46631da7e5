//! Scripts split into simple commands, as a POSIX shell, PowerShell or
//! cmd.exe reads them: quotes, escapes, line continuations, comments and
//! operators. What a command does is not this module's business.

use super::{Command, Dialect};

/// The simple commands of a script. Operators (`&&`, `||`, `;`, `|`, `&`)
/// and newlines end a command; a backslash before a newline continues it;
/// `#` at the start of a word comments out the rest of the line; text in
/// quotes is one word; `$(...)` and backticks stay inside their word.
pub fn commands(script: &str) -> Vec<Command> {
    commands_in(script, Dialect::Posix)
}

/// The simple commands of a script written for `dialect`. PowerShell
/// escapes and continues lines with a backtick and comments with `#` and
/// `<# ... #>`; cmd.exe escapes and continues with `^`, and has no comment
/// character (`rem` and `::` are commands that do nothing). In both a
/// backslash is a path separator (`.venv\Scripts\pytest`).
pub fn commands_in(script: &str, dialect: Dialect) -> Vec<Command> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut line = 0u32;
    let mut start = 0u32;
    let mut chars = script.chars().peekable();
    let escape = match dialect {
        Dialect::Posix => '\\',
        Dialect::PowerShell => '`',
        Dialect::Cmd => '^',
    };
    let end_word = |word: &mut String, in_word: &mut bool, words: &mut Vec<String>| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    let end_command = |words: &mut Vec<String>, out: &mut Vec<Command>, start: u32| {
        if !words.is_empty() {
            out.push(Command {
                line: start,
                words: std::mem::take(words),
            });
        }
    };
    while let Some(c) = chars.next() {
        match c {
            c if c == escape => match chars.next() {
                Some('\n') => {
                    line += 1;
                    end_word(&mut word, &mut in_word, &mut words);
                }
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    line += 1;
                    end_word(&mut word, &mut in_word, &mut words);
                }
                Some(n) => {
                    if words.is_empty() && !in_word {
                        start = line;
                    }
                    word.push(n);
                    in_word = true;
                }
                None => {}
            },
            '\'' | '"' if !(dialect == Dialect::Cmd && c == '\'') => {
                if words.is_empty() && !in_word {
                    start = line;
                }
                in_word = true;
                // Inside double quotes the dialect's escape still escapes
                // (cmd.exe has none there); single quotes are literal.
                let inner_escape = match (dialect, c) {
                    (Dialect::Posix, '"') => Some('\\'),
                    (Dialect::PowerShell, '"') => Some('`'),
                    _ => None,
                };
                while let Some(q) = chars.next() {
                    if q == c {
                        // PowerShell doubles a quote to put it inside.
                        if dialect == Dialect::PowerShell && chars.peek() == Some(&c) {
                            chars.next();
                            word.push(c);
                            continue;
                        }
                        break;
                    }
                    if q == '\n' {
                        line += 1;
                    }
                    if Some(q) == inner_escape {
                        if let Some(n) = chars.next() {
                            if n == '\n' {
                                line += 1;
                            }
                            word.push(n);
                        }
                        continue;
                    }
                    word.push(q);
                }
            }
            '`' if dialect == Dialect::Posix => {
                // Command substitution: kept in the word, never a command of its own here.
                in_word = true;
                word.push(c);
                for q in chars.by_ref() {
                    if q == '\n' {
                        line += 1;
                    }
                    word.push(q);
                    if q == '`' {
                        break;
                    }
                }
            }
            '$' if dialect != Dialect::Cmd && matches!(chars.peek(), Some('(' | '{')) => {
                // `$(...)` and `${...}` stay in their word, whatever they hold.
                let (open, close) = match chars.peek() {
                    Some('{') => ('{', '}'),
                    _ => ('(', ')'),
                };
                if words.is_empty() && !in_word {
                    start = line;
                }
                in_word = true;
                word.push(c);
                let mut depth = 0;
                for q in chars.by_ref() {
                    word.push(q);
                    if q == open {
                        depth += 1;
                    } else if q == close {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    } else if q == '\n' {
                        line += 1;
                    }
                }
            }
            '<' if dialect == Dialect::PowerShell && !in_word && chars.peek() == Some(&'#') => {
                // A block comment, to `#>`.
                chars.next();
                let mut prev = ' ';
                for q in chars.by_ref() {
                    if q == '\n' {
                        line += 1;
                    }
                    if prev == '#' && q == '>' {
                        break;
                    }
                    prev = q;
                }
            }
            '#' if !in_word && dialect != Dialect::Cmd => {
                for q in chars.by_ref() {
                    if q == '\n' {
                        break;
                    }
                }
                end_command(&mut words, &mut out, start);
                line += 1;
            }
            '\n' | ';' | '&' | '|' | '(' | ')' => {
                end_word(&mut word, &mut in_word, &mut words);
                end_command(&mut words, &mut out, start);
                if c == '\n' {
                    line += 1;
                }
            }
            '@' if dialect == Dialect::Cmd && words.is_empty() && !in_word => {
                // `@command` only hides the command's echo.
            }
            c if c.is_whitespace() => end_word(&mut word, &mut in_word, &mut words),
            c => {
                if words.is_empty() && !in_word {
                    start = line;
                }
                word.push(c);
                in_word = true;
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut words);
    end_command(&mut words, &mut out, start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::shell::{acts_in, Action};

    #[test]
    fn splits_commands_with_lines() {
        let cs = commands("pip install -r requirements.txt && \\\n  pytest -q  # run\n# pytest\necho 'ruff check' ; mypy src\n");
        let words: Vec<(u32, String)> = cs.iter().map(|c| (c.line, c.words.join(" "))).collect();
        assert_eq!(
            words,
            vec![
                (0, "pip install -r requirements.txt".to_string()),
                (1, "pytest -q".to_string()),
                (3, "echo ruff check".to_string()),
                (3, "mypy src".to_string()),
            ]
        );
    }

    #[test]
    fn windows_shells() {
        use Action::*;
        let ps = commands_in(
            ".venv\\Scripts\\python.exe -m pytest `\n  --cov=app\n<# mypy src\n#> Write-Host 'ruff check'\n# flake8\nruff check .",
            Dialect::PowerShell,
        );
        let words: Vec<(u32, String)> = ps.iter().map(|c| (c.line, c.words.join(" "))).collect();
        assert_eq!(
            words,
            vec![
                (
                    0,
                    ".venv\\Scripts\\python.exe -m pytest --cov=app".to_string()
                ),
                (3, "Write-Host ruff check".to_string()),
                (5, "ruff check .".to_string()),
            ]
        );
        assert_eq!(
            acts_in("& python -m pytest; mypy src", Dialect::PowerShell),
            vec![RunsTests, TypeChecks]
        );
        assert_eq!(
            acts_in("@echo off\r\ncall .venv\\Scripts\\activate.bat\r\npytest ^\r\n  --cov\r\nrem ruff check .", Dialect::Cmd),
            vec![RunsTests, Coverage]
        );
        // In cmd.exe `#` is no comment and `'` no quote.
        let words = &commands_in("echo 'a b' # c", Dialect::Cmd)[0].words;
        assert_eq!(words, &["echo", "'a", "b'", "#", "c"]);
    }
}
