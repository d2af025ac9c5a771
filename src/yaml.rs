//! YAML parsing with diagnostics that point into the original file.
//!
//! Front matter is a slice of a Markdown file, so a YAML error's line is shifted by the number
//! of lines before the block; the message is reworded where serde's is unhelpful (unknown keys
//! get a "did you mean").

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::Diagnostic;
use crate::suggest;

/// Largest YAML document parsed: front matter holds a dozen keys, and the write-up belongs in
/// the body.
pub const MAX_YAML_BYTES: usize = 1024 * 1024;

/// Most flow-collection openers (`[` and `{`) a YAML document may contain.
///
/// libyaml's scanner does work proportional to the flow nesting depth for every token, so
/// deeply nested `[[[[…` takes quadratic time: 20,000 levels take seconds and a 10 MB file of
/// `[` would not finish. The true nesting depth cannot exceed the number of openers, and this
/// bound is far above what any front matter or `site.yaml` needs.
pub const MAX_YAML_BRACKETS: usize = 256;

/// A YAML document inside a file: `text` starts on line `first_line` (1-based) of `file`.
#[derive(Debug, Clone, Copy)]
pub struct YamlSource<'a> {
    /// Site-relative path of the file, for messages.
    pub file: &'a Path,
    /// The whole file, to quote the offending line.
    pub file_text: &'a str,
    /// The YAML itself.
    pub text: &'a str,
    /// Line of `file_text` on which `text` begins.
    pub first_line: usize,
}

impl YamlSource<'_> {
    /// Deserializes the YAML into `T`, mapping errors to a located diagnostic.
    pub fn parse<T: DeserializeOwned>(&self, what: &str) -> Result<T, Diagnostic> {
        if let Some(diagnostic) = self.limit_diagnostic(what) {
            return Err(diagnostic);
        }
        serde_yaml::from_str(self.text).map_err(|error| self.diagnostic(what, &error))
    }

    /// A diagnostic when the YAML is too large or too bracket-heavy to parse in bounded time.
    fn limit_diagnostic(&self, what: &str) -> Option<Diagnostic> {
        match limits_problem(self.text)? {
            LimitProblem::TooLarge => Some(
                Diagnostic::error(
                    "too-large",
                    self.file,
                    format!(
                        "{what} is {} bytes, larger than the limit of {MAX_YAML_BYTES} bytes",
                        self.text.len()
                    ),
                )
                .at(self.file_text, self.first_line, 1)
                .help("keep the YAML to its keys and short values; put long text in the Markdown body"),
            ),
            LimitProblem::TooManyBrackets { offset } => {
                let (line, column) = self.position(offset);
                Some(
                    Diagnostic::error(
                        "yaml-too-deep",
                        self.file,
                        format!(
                            "{what} has more than {MAX_YAML_BRACKETS} `[` and `{{` brackets, the most biaogan parses (nested brackets make YAML parsing very slow)"
                        ),
                    )
                    .at(self.file_text, line, column)
                    .help("write lists one item per line (`- item`) and maps one key per line"),
                )
            }
        }
    }

    /// The 1-based (line, column) in the file of the line starting with `key:` at the top level
    /// of the YAML (column points at the value), for messages about a key's value.
    pub fn key_location(&self, key: &str) -> Option<(usize, usize)> {
        self.text.lines().enumerate().find_map(|(index, line)| {
            let rest = line.strip_prefix(key)?.strip_prefix(':')?;
            let value_offset = rest.len() - rest.trim_start().len();
            let column = key.chars().count() + 1 + value_offset + 1;
            Some((self.first_line + index, column))
        })
    }

    /// A diagnostic about `key`'s value, located at its line when found.
    pub fn key_diagnostic(&self, code: &'static str, key: &str, message: String) -> Diagnostic {
        let diagnostic = Diagnostic::error(code, self.file, message);
        match self.key_location(key) {
            Some((line, column)) => {
                let width = self
                    .file_text
                    .lines()
                    .nth(line - 1)
                    .map(|l| l.chars().count().saturating_sub(column - 1))
                    .unwrap_or(1);
                diagnostic.at(self.file_text, line, column).span(width)
            }
            None => diagnostic,
        }
    }

    fn diagnostic(&self, what: &str, error: &serde_yaml::Error) -> Diagnostic {
        let full = error.to_string();
        let message = match full.find(" at line ") {
            Some(index) => full[..index].to_string(),
            None => full.clone(),
        };
        // libyaml counts `\r`, U+0085, U+2028 and U+2029 as line breaks and the rest of biaogan
        // (and `str::lines`) does not, so the position is recomputed from the byte index.
        let position = error.location().map(|l| self.position(l.index()));
        let line_text = position
            .and_then(|(line, _)| self.file_text.lines().nth(line - 1))
            .unwrap_or_default();
        let (code, message, help) = explain(&message, what, line_text);
        let mut diagnostic = Diagnostic::error(code, self.file, message.clone());
        if let Some(help) = help {
            diagnostic = diagnostic.help(help);
        }
        let Some((line, column)) = position else {
            return diagnostic;
        };
        match code {
            // serde points at the start of the mapping; point at the second occurrence.
            "duplicate-key" => match self.duplicate_location(line, &message) {
                Some((line, column, width)) => {
                    diagnostic.at(self.file_text, line, column).span(width)
                }
                None => diagnostic.at(self.file_text, line, column),
            },
            // serde points at the start of the mapping, which is not where the key is
            // missing; for the top level, point at the closing `---`, where it can be added.
            "missing-key" => {
                let closing = self.first_line + self.text.lines().count();
                let top_level = line == self.first_line && column == 1;
                match self.file_text.lines().nth(closing - 1) {
                    Some(text) if top_level && text.trim_end() == "---" => {
                        diagnostic.at(self.file_text, closing, 1).span(3)
                    }
                    _ => diagnostic.at(self.file_text, line, column),
                }
            }
            _ => {
                // Unknown keys: point at the key itself.
                let span = line_text
                    .chars()
                    .skip(column - 1)
                    .take_while(|c| *c != ':')
                    .count();
                diagnostic.at(self.file_text, line, column).span(span)
            }
        }
    }

    /// For "duplicate field `key`" reported at the mapping starting on file line `line`: the
    /// (line, column, width) of the key's second occurrence at the same indentation.
    fn duplicate_location(&self, line: usize, message: &str) -> Option<(usize, usize, usize)> {
        let key = message.split('`').nth(1)?;
        let first = line.checked_sub(self.first_line)?;
        let lines: Vec<&str> = self.text.lines().collect();
        let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
        let depth = indent(lines.get(first)?);
        let mut found = lines
            .iter()
            .enumerate()
            .skip(first)
            .take_while(|(i, l)| *i == first || l.trim().is_empty() || indent(l) >= depth)
            .filter(|(_, l)| {
                indent(l) == depth
                    && l[depth..]
                        .strip_prefix(key)
                        .is_some_and(|rest| rest.trim_start().starts_with(':'))
            });
        found.next()?;
        let (index, _) = found.next()?;
        Some((self.first_line + index, depth + 1, key.chars().count()))
    }

    /// The 1-based (line, column) in the file of a byte offset of the YAML text, lines ending
    /// at `\n` only. A position past the last line moves to the end of the last line.
    fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line = self.first_line + before.matches('\n').count();
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let line_chars = |line: usize| {
            self.file_text
                .lines()
                .nth(line - 1)
                .map_or(0, |l| l.chars().count())
        };
        let file_lines = self.file_text.lines().count().max(1);
        if line > file_lines {
            return (file_lines, line_chars(file_lines) + 1);
        }
        // A trailing `\r` is not part of the line as `str::lines` sees it.
        (line, column.min(line_chars(line) + 1))
    }
}

/// Why a YAML text is refused before it is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitProblem {
    /// Longer than [`MAX_YAML_BYTES`].
    TooLarge,
    /// More than [`MAX_YAML_BRACKETS`] openers; `offset` is the byte offset of the first one
    /// over the limit.
    TooManyBrackets {
        /// Byte offset in the YAML text.
        offset: usize,
    },
}

/// Checks the limits that keep YAML parsing bounded in time (see [`MAX_YAML_BRACKETS`]).
/// Every YAML text read from a site should pass this before `serde_yaml` sees it.
pub fn limits_problem(text: &str) -> Option<LimitProblem> {
    if text.len() > MAX_YAML_BYTES {
        return Some(LimitProblem::TooLarge);
    }
    text.bytes()
        .enumerate()
        .filter(|(_, b)| matches!(b, b'[' | b'{'))
        .nth(MAX_YAML_BRACKETS)
        .map(|(offset, _)| LimitProblem::TooManyBrackets { offset })
}

/// Turns serde's message into (code, message, help).
fn explain(message: &str, what: &str, line: &str) -> (&'static str, String, Option<String>) {
    if line.starts_with('\t') || line.trim_start_matches(' ').starts_with('\t') {
        return (
            "yaml-syntax",
            format!("invalid YAML in {what}: a tab is used for indentation"),
            Some("YAML indents with spaces only; replace the tab with spaces".to_string()),
        );
    }
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let key = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let prefix = message.split("unknown field").next().unwrap_or_default();
        let help = match suggest::closest(key, expected.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None if !expected.is_empty() => {
                format!("allowed keys are: {}", expected.join(", "))
            }
            None => "remove the key".to_string(),
        };
        return (
            "unknown-key",
            format!("{prefix}unknown key `{key}` in {what}"),
            Some(help),
        );
    }
    if let Some(rest) = message.split("missing field `").nth(1) {
        let key = rest.split('`').next().unwrap_or_default();
        return (
            "missing-key",
            format!("{what} lacks the required key `{key}`"),
            Some(format!("add `{key}: …` to the front matter")),
        );
    }
    if message.contains("invalid type") || message.contains("invalid value") {
        let message = message
            .replace("expected u16", "expected a year such as 2023")
            .replace("expected u32", "expected a whole number")
            .replace("expected a sequence", "expected a list");
        let message = match message.find("expected struct") {
            Some(i) => format!("{}expected `key: value` lines", &message[..i]),
            None => message,
        };
        let message = message.replace("a boolean", "true or false");
        let key = message.split(':').next().unwrap_or_default().trim();
        let help = if key.is_empty() || key.contains(' ') {
            "change the value to the expected type".to_string()
        } else {
            format!("change the value of `{key}` to the expected type")
        };
        return ("wrong-type", format!("{message} in {what}"), Some(help));
    }
    if message.contains("duplicate") {
        return (
            "duplicate-key",
            format!("{message} in {what}"),
            Some("each key may appear once; remove one of them".to_string()),
        );
    }
    (
        "yaml-syntax",
        format!("invalid YAML in {what}: {message}"),
        Some("check indentation, colons and quotes on this line (quote values that contain `: ` or start with a special character)".to_string()),
    )
}
