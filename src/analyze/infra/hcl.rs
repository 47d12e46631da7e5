//! A small HCL reader: the blocks of a Terraform file (`resource "aws_s3_bucket"
//! "data" { ... }`), nested blocks included, each with its line. Attribute
//! values are skipped, not evaluated: strings (with `${...}` interpolations),
//! heredocs, comments (`#`, `//`, `/* */`) and brackets are read only so
//! that a `{` inside them is not taken for a block.
//!
//! A full HCL parser (hcl-edit) would bring a parser-combinator stack for
//! the one thing asked of it here: block types and labels. This reader is a
//! single pass over the bytes (all HCL punctuation is ASCII, so UTF-8 text
//! inside strings and comments needs no decoding).

/// A block: its type, labels and line, and the blocks inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// `resource`, `variable`, `backend`, ...
    pub kind: String,
    /// The quoted (or bare) labels: `["aws_s3_bucket", "data"]`.
    pub labels: Vec<String>,
    /// The line of the block's type.
    pub line: u32,
    pub blocks: Vec<Block>,
}

/// A file's top-level blocks and what could not be read.
#[derive(Debug, Default)]
pub struct Body {
    pub blocks: Vec<Block>,
    pub problems: Vec<String>,
}

/// Deeper than this, blocks are skipped rather than read (no Terraform
/// file nests this deep; a hostile one must not exhaust the stack).
const MAX_DEPTH: u32 = 32;
/// Problems reported per file: after the first few, the rest is noise.
const MAX_PROBLEMS: usize = 5;

/// Reads a Terraform (HCL native syntax) file. Never fails.
pub fn parse(text: &str) -> Body {
    let mut r = Reader {
        s: text.as_bytes(),
        i: 0,
        line: 1,
        problems: Vec::new(),
    };
    let (blocks, _) = r.body(false, 0);
    Body {
        blocks,
        problems: r.problems,
    }
}

struct Reader<'a> {
    s: &'a [u8],
    i: usize,
    line: u32,
    problems: Vec<String>,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.s.get(self.i + n).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        if c == b'\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn problem(&mut self, msg: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(msg);
        }
    }

    /// The items of a body up to its closing `}` (when `closing`) or the
    /// end of the text; whether the `}` was found.
    fn body(&mut self, closing: bool, depth: u32) -> (Vec<Block>, bool) {
        let mut blocks = Vec::new();
        loop {
            self.skip_trivia(true);
            let Some(c) = self.peek() else {
                return (blocks, !closing);
            };
            if c == b'}' {
                if closing {
                    self.bump();
                    return (blocks, true);
                }
                let line = self.line;
                self.problem(format!("line {line}: `}}` closes no block"));
                self.bump();
                continue;
            }
            if !is_ident_start(c) {
                let line = self.line;
                self.problem(format!("line {line}: unexpected `{}`", c as char));
                self.skip_line();
                continue;
            }
            let line = self.line;
            let kind = self.ident();
            self.skip_trivia(false);
            if self.peek() == Some(b'=') && self.peek_at(1) != Some(b'=') {
                self.bump();
                self.skip_expression();
                continue;
            }
            let mut labels = Vec::new();
            loop {
                self.skip_trivia(false);
                match self.peek() {
                    Some(b'"') => labels.push(self.string()),
                    Some(c) if is_ident_start(c) => labels.push(self.ident()),
                    _ => break,
                }
            }
            if self.peek() != Some(b'{') {
                self.problem(format!(
                    "line {line}: `{kind}` is followed by neither `=` nor a block"
                ));
                self.skip_line();
                continue;
            }
            self.bump();
            let (inner, closed) = if depth >= MAX_DEPTH {
                (Vec::new(), self.skip_nested())
            } else {
                self.body(true, depth + 1)
            };
            if !closed {
                let shown = std::iter::once(kind.clone())
                    .chain(labels.iter().map(|l| format!("\"{l}\"")))
                    .collect::<Vec<_>>()
                    .join(" ");
                self.problem(format!("line {line}: block `{shown}` is not closed"));
            }
            blocks.push(Block {
                kind,
                labels,
                line,
                blocks: inner,
            });
            if !closed {
                return (blocks, false);
            }
        }
    }

    fn ident(&mut self) -> String {
        let start = self.i;
        while self.peek().is_some_and(is_ident) {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    /// Whitespace and comments; newlines too when `newlines`.
    fn skip_trivia(&mut self, newlines: bool) {
        while let Some(c) = self.peek() {
            match c {
                b'\n' if !newlines => return,
                b' ' | b'\t' | b'\r' | b'\n' => {
                    self.bump();
                }
                b'#' => self.skip_to_newline(),
                b'/' if self.peek_at(1) == Some(b'/') => self.skip_to_newline(),
                b'/' if self.peek_at(1) == Some(b'*') => self.skip_block_comment(),
                _ => return,
            }
        }
    }

    fn skip_to_newline(&mut self) {
        while self.peek().is_some_and(|c| c != b'\n') {
            self.i += 1;
        }
    }

    fn skip_line(&mut self) {
        self.skip_to_newline();
        self.bump();
    }

    fn skip_block_comment(&mut self) {
        let line = self.line;
        self.i += 2;
        loop {
            match self.peek() {
                None => {
                    self.problem(format!("line {line}: comment `/*` is not closed"));
                    return;
                }
                Some(b'*') if self.peek_at(1) == Some(b'/') => {
                    self.i += 2;
                    return;
                }
                _ => {
                    self.bump();
                }
            }
        }
    }

    /// A quoted string, its text without interpolations resolved. Stops at
    /// the end of the line when the quote is not closed (HCL strings are one line).
    fn string(&mut self) -> String {
        let line = self.line;
        self.bump();
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.bump();
                    return String::from_utf8_lossy(&out).into_owned();
                }
                b'\\' => {
                    self.bump();
                    if let Some(n) = self.peek().filter(|&n| n != b'\n') {
                        out.push(n);
                        self.bump();
                    }
                }
                b'$' | b'%' if self.peek_at(1) == Some(b'{') => {
                    let start = self.i;
                    self.i += 2;
                    self.skip_interpolation();
                    out.extend_from_slice(&self.s[start..self.i]);
                }
                b'\n' => break,
                _ => {
                    out.push(c);
                    self.bump();
                }
            }
        }
        self.problem(format!("line {line}: string is not closed"));
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The inside of `${ ... }` up to its `}`, strings and braces nested.
    fn skip_interpolation(&mut self) {
        let mut depth = 1u32;
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.string();
                }
                b'{' => {
                    depth += 1;
                    self.bump();
                }
                b'}' => {
                    self.bump();
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {
                    self.bump();
                }
            }
        }
    }

    /// `<<EOF` / `<<-EOF`: the lines up to the one holding only the delimiter.
    fn heredoc(&mut self) {
        let line = self.line;
        self.i += 2;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let name = self.ident();
        self.skip_line();
        if name.is_empty() {
            return;
        }
        while self.peek().is_some() {
            let start = self.i;
            self.skip_line();
            let text = String::from_utf8_lossy(&self.s[start..self.i]);
            if text.trim() == name {
                return;
            }
        }
        self.problem(format!("line {line}: heredoc `{name}` is not closed"));
    }

    /// An attribute's value: up to the end of the line outside brackets,
    /// or a `}` that closes the enclosing block (left for the body to read).
    fn skip_expression(&mut self) {
        let mut depth = 0u32;
        while let Some(c) = self.peek() {
            match c {
                b'\n' if depth == 0 => return,
                b'}' if depth == 0 => return,
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    self.bump();
                }
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    self.bump();
                }
                b'"' => {
                    self.string();
                }
                b'<' if self.peek_at(1) == Some(b'<')
                    && self
                        .peek_at(2)
                        .is_some_and(|n| n == b'-' || is_ident_start(n)) =>
                {
                    self.heredoc();
                    if depth == 0 {
                        return;
                    }
                }
                b'#' => self.skip_to_newline(),
                b'/' if self.peek_at(1) == Some(b'/') => self.skip_to_newline(),
                b'/' if self.peek_at(1) == Some(b'*') => self.skip_block_comment(),
                _ => {
                    self.bump();
                }
            }
        }
    }

    /// A block too deep to read: skipped to its `}`; whether it was found.
    fn skip_nested(&mut self) -> bool {
        let mut depth = 1u32;
        loop {
            self.skip_expression();
            match self.bump() {
                None => return false,
                Some(b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        return true;
                    }
                }
                Some(b'{') => depth += 1,
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(b: &[Block]) -> Vec<String> {
        b.iter()
            .map(|b| {
                let mut s = format!("{}:{}{:?}", b.line, b.kind, b.labels);
                if !b.blocks.is_empty() {
                    s.push_str(&format!(" {:?}", outline(&b.blocks)));
                }
                s
            })
            .collect()
    }

    #[test]
    fn blocks_with_labels_lines_and_nesting() {
        let text = r#"# comment { not a block
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
  backend "s3" {
    bucket = "state-${var.env}-{x}"
  }
}

/* a block comment
resource "fake" "x" {
*/
resource "aws_iam_policy" "p" {
  policy = <<-EOT
    { "Statement": [ { "Effect": "Allow" } ] }
  EOT
  tags = {
    Name = "a \" quoted } brace"
  }
  // trailing comment {
}
variable "region" { default = "eu-west-1" }
output "ip" {
  value = aws_instance.web.public_ip
}
"#;
        let b = parse(text);
        assert!(b.problems.is_empty(), "{:?}", b.problems);
        assert_eq!(
            outline(&b.blocks),
            vec![
                r#"2:terraform[] ["3:required_providers[]", "6:backend[\"s3\"]"]"#,
                r#"14:resource["aws_iam_policy", "p"]"#,
                r#"23:variable["region"]"#,
                r#"24:output["ip"]"#,
            ]
        );
    }

    #[test]
    fn unclosed_blocks_and_strings_are_problems() {
        let b = parse("provider \"aws\" {\n  region = \"eu\n}\nresource \"x\" \"y\" {\n");
        assert_eq!(
            b.problems,
            vec![
                "line 2: string is not closed".to_string(),
                "line 4: block `resource \"x\" \"y\"` is not closed".to_string(),
            ]
        );
        assert_eq!(b.blocks.len(), 2);
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let deep = "a {".repeat(10_000);
        let _ = parse(&deep);
        for t in [
            "\"",
            "x = <<",
            "x = <<EOF\n",
            "/*",
            "}}}",
            "a = ${",
            "a \"b",
            "é = 1",
        ] {
            let _ = parse(t);
        }
    }
}
