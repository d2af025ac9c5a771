//! The built-in theme's scripts as they ship: without comments, indentation, trailing
//! spaces and blank lines. `search.js` is read on every first visit of the search page, and
//! its comments (which explain the ranking) are a fifth of its compressed bytes.
//!
//! Only what cannot change the program goes: every line break between tokens stays (so
//! automatic semicolon insertion sees the same lines), a block comment becomes a line break
//! if it held one and a space otherwise, and strings, template literals and regular
//! expressions are copied as they are. A site's own scripts in `templates/static/` are
//! copied untouched.

/// Returns `source` without comments, line indentation, trailing spaces and blank lines.
pub fn strip(source: &str) -> String {
    let mut scanner = Scanner {
        chars: source.chars().collect(),
        at: 0,
        out: String::with_capacity(source.len()),
        before: Before::Start,
    };
    scanner.code(false);
    let mut out = scanner.out;
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// What the last token was: whether a `/` after it starts a regular expression.
#[derive(Debug, Clone, PartialEq)]
enum Before {
    /// Nothing yet, or punctuation after which an expression starts.
    Start,
    /// An identifier or keyword.
    Word(String),
    /// A value: a number, a string, a closing bracket, a regular expression.
    Value,
}

impl Before {
    /// True when a `/` here starts a regular expression rather than dividing.
    fn expects_expression(&self) -> bool {
        match self {
            Before::Start => true,
            Before::Value => false,
            Before::Word(w) => matches!(
                w.as_str(),
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
            ),
        }
    }
}

struct Scanner {
    chars: Vec<char>,
    at: usize,
    out: String,
    before: Before,
}

impl Scanner {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    /// True when nothing but indentation has been written on the current output line.
    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
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
                    if !self.at_line_start() && !self.out.ends_with([' ', '\t']) {
                        self.out.push(' ');
                    }
                }
                '/' if self.peek(1) == Some('/') => {
                    while self.peek(0).is_some_and(|c| c != '\n' && c != '\r') {
                        self.at += 1;
                    }
                }
                '/' if self.peek(1) == Some('*') => self.block_comment(),
                '/' if self.before.expects_expression() => self.regex(),
                '\'' | '"' => self.string(c),
                '`' => self.template(),
                '}' if in_template && depth == 0 => {
                    self.at += 1;
                    return;
                }
                _ if c == '_' || c == '$' || c.is_alphanumeric() => {
                    let mut word = String::new();
                    while let Some(c) = self.peek(0) {
                        if c == '_' || c == '$' || c.is_alphanumeric() {
                            word.push(c);
                            self.at += 1;
                        } else {
                            break;
                        }
                    }
                    self.out.push_str(&word);
                    self.before = if word.starts_with(|c: char| c.is_ascii_digit()) {
                        Before::Value
                    } else {
                        Before::Word(word)
                    };
                }
                _ => {
                    self.at += 1;
                    self.out.push(c);
                    match c {
                        '{' => depth += 1,
                        '}' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    self.before = if matches!(c, ')' | ']' | '}' | '.') {
                        Before::Value
                    } else {
                        Before::Start
                    };
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
        } else if !self.at_line_start() && !self.out.ends_with([' ', '\t']) {
            self.out.push(' ');
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
        self.before = Before::Value;
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
        self.before = Before::Value;
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
                    self.before = Before::Start;
                    self.code(true);
                    self.out.push('}');
                }
                _ => {}
            }
        }
        self.before = Before::Value;
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
