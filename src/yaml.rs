//! YAML parsing with diagnostics that point into the original file.
//!
//! Front matter is a slice of a Markdown file, so a YAML error's line is shifted by the number
//! of lines before the block; the message is reworded where serde's is unhelpful (unknown keys
//! get a "did you mean").

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::Diagnostic;
use crate::suggest;

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
        serde_yaml::from_str(self.text).map_err(|error| self.diagnostic(what, &error))
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
        let line_text = error
            .location()
            .and_then(|l| self.file_text.lines().nth(self.first_line + l.line() - 2))
            .unwrap_or_default();
        let (code, message, help) = explain(&message, what, line_text);
        let mut diagnostic = Diagnostic::error(code, self.file, message);
        if let Some(help) = help {
            diagnostic = diagnostic.help(help);
        }
        match error.location() {
            Some(location) => {
                let line = self.first_line + location.line() - 1;
                let column = location.column();
                // Unknown keys: point at the key itself.
                let span = self
                    .file_text
                    .lines()
                    .nth(line - 1)
                    .map(|l| l.chars().skip(column - 1).take_while(|c| *c != ':').count())
                    .unwrap_or(1);
                diagnostic.at(self.file_text, line, column).span(span)
            }
            None => diagnostic,
        }
    }
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
