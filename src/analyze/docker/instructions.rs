//! A Dockerfile as BuildKit reads it: parser directives, comments, line
//! continuations and heredocs, giving one [`Instruction`] per logical line
//! with the line it starts on. What the instructions mean is `dockerfile`'s
//! business; this module only knows the syntax.

/// One instruction: its keyword, arguments and heredoc bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The line (1-based) of the keyword.
    pub line: u32,
    /// Upper-cased: `FROM`, `RUN`, ...
    pub keyword: String,
    /// The rest of the logical line: continuations joined as BuildKit joins
    /// them (the escape character and the newline removed), comment lines
    /// inside the continuation dropped.
    pub args: String,
    /// `<<EOF` bodies, in the order their markers appear on the line.
    pub heredocs: Vec<Heredoc>,
}

/// The body of a heredoc (`RUN <<EOF`, `COPY <<EOF /path`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter, unquoted.
    pub name: String,
    /// The marker as written on the instruction line (`<<-"EOF"`).
    pub marker: String,
    pub body: String,
}

/// A Dockerfile's instructions and what could not be read, each problem with its line.
#[derive(Debug, Default)]
pub struct Parsed {
    pub instructions: Vec<Instruction>,
    pub problems: Vec<String>,
}

/// The instructions BuildKit knows.
const KEYWORDS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

/// Instructions whose arguments may open heredocs.
const HEREDOC_KEYWORDS: &[&str] = &["RUN", "COPY", "ADD"];

/// Reads a Dockerfile. Never fails: an unknown instruction or an unclosed
/// heredoc is a problem and the rest is still read.
pub fn parse(text: &str) -> Parsed {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut out = Parsed::default();
    let (escape, mut i) = directives(&lines, &mut out.problems);
    let mut unknown_reported = false;
    while i < lines.len() {
        let first = lines[i];
        let trimmed = first.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let start = i;
        // The logical line: physical lines joined while one ends with the escape character.
        let mut logical = String::new();
        let mut line = first;
        loop {
            match continued(line, escape) {
                Some(head) => {
                    logical.push_str(head);
                    i += 1;
                    // Comment and empty lines inside a continuation are skipped.
                    while i < lines.len() {
                        let t = lines[i].trim_start();
                        if t.is_empty() || t.starts_with('#') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    match lines.get(i) {
                        Some(next) => line = next,
                        None => break,
                    }
                }
                None => {
                    logical.push_str(line);
                    i += 1;
                    break;
                }
            }
        }
        let logical = logical.trim_start();
        let (word, rest) = match logical.find(char::is_whitespace) {
            Some(p) => (&logical[..p], logical[p..].trim()),
            None => (logical, ""),
        };
        let keyword = word.to_ascii_uppercase();
        let line_no = start as u32 + 1;
        if !KEYWORDS.contains(&keyword.as_str()) {
            if !unknown_reported {
                unknown_reported = true;
                out.problems
                    .push(format!("line {line_no}: unknown instruction `{word}`"));
            }
            continue;
        }
        let mut heredocs = Vec::new();
        if HEREDOC_KEYWORDS.contains(&keyword.as_str()) {
            for (name, marker, strip_tabs) in heredoc_markers(rest) {
                let mut body = String::new();
                let mut closed = false;
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    let content = if strip_tabs {
                        l.trim_start_matches('\t')
                    } else {
                        l
                    };
                    if content == name {
                        closed = true;
                        break;
                    }
                    body.push_str(content);
                    body.push('\n');
                }
                if !closed {
                    out.problems.push(format!(
                        "line {line_no}: heredoc `{marker}` is not closed by a line `{name}`"
                    ));
                }
                heredocs.push(Heredoc { name, marker, body });
            }
        }
        out.instructions.push(Instruction {
            line: line_no,
            keyword,
            args: rest.to_string(),
            heredocs,
        });
    }
    out
}

/// The parser directives at the top of the file (`# syntax=`, `# escape=`,
/// `# check=`): the escape character and the index of the first line after them.
/// Directives stop at the first line that is not one (BuildKit reads an
/// unknown directive, an empty line or an instruction as the end of them).
fn directives(lines: &[&str], problems: &mut Vec<String>) -> (char, usize) {
    let mut escape = '\\';
    let mut seen: Vec<String> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(body) = l.trim_start().strip_prefix('#') else {
            return (escape, i);
        };
        let Some((key, value)) = body.split_once('=') else {
            return (escape, i);
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        if !matches!(key.as_str(), "syntax" | "escape" | "check")
            || key.contains(char::is_whitespace)
            || seen.contains(&key)
        {
            return (escape, i);
        }
        if key == "escape" {
            match value {
                "`" => escape = '`',
                "\\" => escape = '\\',
                other => problems.push(format!(
                    "line {}: escape directive `{other}`: only \\ or ` is allowed",
                    i + 1
                )),
            }
        }
        seen.push(key);
    }
    (escape, lines.len())
}

/// The line without its trailing escape character, if it continues on the next line.
fn continued(line: &str, escape: char) -> Option<&str> {
    let t = line.trim_end_matches([' ', '\t']);
    t.strip_suffix(escape)
}

/// Heredoc markers on an instruction line, as BuildKit finds them: a word
/// `<<NAME`, `<<-NAME`, `<<"NAME"` or `<<'NAME'` (optionally after a file
/// descriptor, `3<<EOF`). Returns (name, marker as written, strip leading tabs).
fn heredoc_markers(args: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for word in args.split_whitespace() {
        let w = word.trim_start_matches(|c: char| c.is_ascii_digit());
        let Some(rest) = w.strip_prefix("<<") else {
            continue;
        };
        let (strip, rest) = match rest.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        if rest.contains('<') {
            continue;
        }
        let name = rest
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .or_else(|| rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
            .unwrap_or(rest);
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if valid {
            out.push((name.to_string(), word.to_string(), strip));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(p: &Parsed) -> Vec<(u32, &str, &str)> {
        p.instructions
            .iter()
            .map(|i| (i.line, i.keyword.as_str(), i.args.as_str()))
            .collect()
    }

    #[test]
    fn continuations_and_comment_lines_inside_them() {
        let p = parse(
            "# syntax=docker/dockerfile:1\nFROM python:3.12 AS base\nRUN apt-get update && \\\n    # a comment inside\n\n    apt-get install -y curl \\  \n    && rm -rf /var/lib/apt/lists/*\nuser app\n",
        );
        assert_eq!(
            summary(&p),
            vec![
                (2, "FROM", "python:3.12 AS base"),
                (
                    3,
                    "RUN",
                    "apt-get update &&     apt-get install -y curl     && rm -rf /var/lib/apt/lists/*"
                ),
                (8, "USER", "app"),
            ]
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
    }

    #[test]
    fn escape_directive_changes_the_continuation_character() {
        let p = parse("# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir c:\\ `\n    && echo done\nWORKDIR c:\\app\n");
        assert_eq!(
            summary(&p),
            vec![
                (2, "FROM", "mcr.microsoft.com/windows/servercore"),
                (3, "RUN", "dir c:\\     && echo done"),
                (5, "WORKDIR", "c:\\app"),
            ]
        );
    }

    #[test]
    fn a_directive_after_a_comment_is_a_comment() {
        let p = parse("# hello\n# escape=`\nFROM x\nRUN a `\nUSER b\n");
        // The backtick is not the escape character, so RUN does not continue.
        assert_eq!(
            summary(&p),
            vec![(3, "FROM", "x"), (4, "RUN", "a `"), (5, "USER", "b")]
        );
    }

    #[test]
    fn heredocs_several_on_a_line_quoted_and_tab_stripped() {
        let text = "FROM python:3.12\nRUN <<EOF\npip install -r requirements.txt\nEOF\nRUN <<-'ONE' cat > /a && <<TWO cat > /b\n\tfirst\n\tONE\nsecond\nTWO\nCOPY <<EOF /app/conf.ini\n[x]\nEOF\nUSER app\n";
        let p = parse(text);
        assert_eq!(
            summary(&p),
            vec![
                (1, "FROM", "python:3.12"),
                (2, "RUN", "<<EOF"),
                (5, "RUN", "<<-'ONE' cat > /a && <<TWO cat > /b"),
                (10, "COPY", "<<EOF /app/conf.ini"),
                (13, "USER", "app"),
            ]
        );
        let run = &p.instructions[2];
        assert_eq!(run.heredocs.len(), 2);
        assert_eq!(run.heredocs[0].name, "ONE");
        assert_eq!(run.heredocs[0].body, "first\n");
        assert_eq!(run.heredocs[1].body, "second\n");
        assert_eq!(
            p.instructions[1].heredocs[0].body,
            "pip install -r requirements.txt\n"
        );
        assert!(p.problems.is_empty());
    }

    #[test]
    fn here_strings_and_shifts_are_not_heredocs() {
        assert!(heredoc_markers("cat <<< word").is_empty());
        assert!(heredoc_markers("echo $((1<<2))").is_empty());
        assert_eq!(heredoc_markers("python3 <<\"PY\"")[0].0, "PY");
    }

    #[test]
    fn problems_name_their_line_and_reading_goes_on() {
        let p = parse("FROM x\nFORM y\nBOGUS z\nRUN <<EOF\necho never closed\n");
        assert_eq!(
            p.problems,
            vec![
                "line 2: unknown instruction `FORM`".to_string(),
                "line 4: heredoc `<<EOF` is not closed by a line `EOF`".to_string(),
            ]
        );
        assert_eq!(p.instructions.len(), 2);
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for t in [
            "\\",
            "RUN \\",
            "RUN <<",
            "# escape=\n",
            "FROM\n",
            "\u{feff}FROM é\\\n",
            "RUN <<-\n",
        ] {
            let _ = parse(t);
        }
    }
}
