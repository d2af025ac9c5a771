//! The built-in theme's scripts as they ship: without comments, indentation, trailing
//! spaces and blank lines. `search.js` is read on every first visit of the search page, and
//! its comments (which explain the ranking) are a fifth of its compressed bytes.
//!
//! Only what cannot change the program goes: every line break between tokens stays (so
//! automatic semicolon insertion sees the same lines), a run of spaces between tokens becomes
//! one, a block comment becomes a line break if it held one and a space otherwise, and
//! strings, template literals and regular expressions are copied as they are. A site's own scripts in `templates/static/` are
//! copied untouched.

/// Returns `source` without comments, line indentation, trailing spaces and blank lines.
pub fn strip(source: &str) -> String {
    let mut scanner = Scanner {
        chars: source.chars().collect(),
        at: 0,
        out: String::with_capacity(source.len()),
        regex_may_start: true,
    };
    scanner.code(false);
    let mut out = scanner.out;
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// True for the keywords after which an expression starts, so that a `/` after them opens a
/// regular expression (after any other word, it divides).
fn expression_follows(word: &str) -> bool {
    matches!(
        word,
        "return"
            | "typeof"
            | "case"
            | "do"
            | "else"
            | "in"
            | "of"
            | "new"
            | "delete"
            | "void"
            | "throw"
            | "instanceof"
            | "yield"
            | "await"
    )
}

struct Scanner {
    chars: Vec<char>,
    at: usize,
    out: String,
    /// Whether a `/` here starts a regular expression: after punctuation that an
    /// expression follows, or such a keyword, not after a value (a name, a number, a string,
    /// a closing bracket).
    regex_may_start: bool,
}

impl Scanner {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    /// True when nothing but indentation has been written on the current output line.
    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    /// Writes one space between tokens: none at a line start or after another.
    fn space(&mut self) {
        if !self.at_line_start() && !self.out.ends_with([' ', '\t']) {
            self.out.push(' ');
        }
    }

    /// Ends the output line: drops its trailing spaces, and writes no empty line.
    fn newline(&mut self) {
        while self.out.ends_with([' ', '\t']) {
            self.out.pop();
        }
        if !self.at_line_start() {
            self.out.push('\n');
        }
    }

    /// Copies code up to the end of the source or, `in_template`, to the `}` that closes a
    /// template literal's `${`, which it consumes.
    fn code(&mut self, in_template: bool) {
        let mut depth = 0usize;
        while let Some(c) = self.peek(0) {
            match c {
                '\n' | '\r' => {
                    self.at += 1;
                    self.newline();
                }
                ' ' | '\t' => {
                    self.at += 1;
                    self.space();
                }
                '/' if self.peek(1) == Some('/') => {
                    while self.peek(0).is_some_and(|c| c != '\n' && c != '\r') {
                        self.at += 1;
                    }
                }
                '/' if self.peek(1) == Some('*') => self.block_comment(),
                '/' if self.regex_may_start => self.regex(),
                '\'' | '"' => self.string(c),
                '`' => self.template(),
                '}' if in_template && depth == 0 => {
                    self.at += 1;
                    return;
                }
                _ if c == '_' || c == '$' || c.is_alphanumeric() => {
                    let start = self.out.len();
                    while let Some(c) = self.peek(0) {
                        if c == '_' || c == '$' || c.is_alphanumeric() {
                            self.out.push(c);
                            self.at += 1;
                        } else {
                            break;
                        }
                    }
                    self.regex_may_start = expression_follows(&self.out[start..]);
                }
                _ => {
                    self.at += 1;
                    self.out.push(c);
                    match c {
                        '{' => depth += 1,
                        '}' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    self.regex_may_start = !matches!(c, ')' | ']' | '}' | '.');
                }
            }
        }
    }

    /// Skips `/* … */`, writing a line break in its place if it held one, else a space.
    fn block_comment(&mut self) {
        self.at += 2;
        let mut broke = false;
        while let Some(c) = self.peek(0) {
            if c == '*' && self.peek(1) == Some('/') {
                self.at += 2;
                break;
            }
            broke |= c == '\n' || c == '\r';
            self.at += 1;
        }
        if broke {
            self.newline();
        } else {
            self.space();
        }
    }

    /// Copies a string literal quoted by `quote`, escapes included.
    fn string(&mut self, quote: char) {
        self.out.push(quote);
        self.at += 1;
        while let Some(c) = self.peek(0) {
            self.out.push(c);
            self.at += 1;
            if c == '\\' {
                if let Some(next) = self.peek(0) {
                    self.out.push(next);
                    self.at += 1;
                }
            } else if c == quote || c == '\n' {
                break;
            }
        }
        self.regex_may_start = false;
    }

    /// Copies a regular expression literal, its classes and escapes included.
    fn regex(&mut self) {
        self.out.push('/');
        self.at += 1;
        let mut in_class = false;
        while let Some(c) = self.peek(0) {
            self.out.push(c);
            self.at += 1;
            match c {
                '\\' => {
                    if let Some(next) = self.peek(0) {
                        self.out.push(next);
                        self.at += 1;
                    }
                }
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => break,
                '\n' => break,
                _ => {}
            }
        }
        self.regex_may_start = false;
    }

    /// Copies a template literal, its text as it is and its `${…}` as code.
    fn template(&mut self) {
        self.out.push('`');
        self.at += 1;
        while let Some(c) = self.peek(0) {
            self.at += 1;
            self.out.push(c);
            match c {
                '\\' => {
                    if let Some(next) = self.peek(0) {
                        self.out.push(next);
                        self.at += 1;
                    }
                }
                '`' => break,
                '$' if self.peek(0) == Some('{') => {
                    self.out.push('{');
                    self.at += 1;
                    self.regex_may_start = true;
                    self.code(true);
                    self.out.push('}');
                }
                _ => {}
            }
        }
        self.regex_may_start = false;
    }
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn comments_indentation_and_blank_lines_go_line_breaks_stay() {
        let cases = [
            (
                "/* header\n   more */\nconst a = 1; // one\n\n\n  if (a) {\n    /* x */ f(a);   \n  }\n",
                "const a = 1;\nif (a) {\nf(a);\n}\n",
            ),
            // `return /*\n*/ x` returns undefined; joining the lines would return x.
            ("return /*\n*/ x\n", "return\nx\n"),
            ("a/**/b\n", "a b\n"),
            // Were the first `/` a regex's, `"` would open a string and eat the comment's end.
            (
                "x = a.length / 2; y = \"/\"; // c\nz = 1\n",
                "x = a.length / 2; y = \"/\";\nz = 1\n",
            ),
        ];
        for (source, shipped) in cases {
            assert_eq!(strip(source), shipped, "{source}");
        }
    }

    #[test]
    fn strings_regexes_and_templates_are_copied_as_they_are() {
        let cases = [
            r#"const u = "http://x/*y*/"; const v = 'it\'s // not';"#,
            r#"if (/["\uFF02\u201C\u201D]/.test(ch)) x = s.replace(/[/*]+/g, "");"#,
            r"const r = /a\/\/b/, half = n / 2 / 3, m = (a) / b, k = x[1] / y;",
            "const t = `a ${ \"}\" + `b${c}` } // no\n    kept`;",
            "return /x*/.test(s);",
        ];
        for source in cases {
            assert_eq!(strip(source), format!("{source}\n"), "{source}");
        }
    }
}
