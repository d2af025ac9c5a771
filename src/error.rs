//! Errors and diagnostics.
//!
//! Two kinds of failure exist. A [`Diagnostic`] is a problem in the user's content, located by
//! file, line and column; stages collect them instead of stopping at the first one. An [`Error`]
//! ends a command: it carries either the collected diagnostics or an I/O, template or output
//! failure that names its path.

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Publishing continues; the author should look at it.
    Warning,
    /// Publishing is refused until it is fixed.
    Error,
}

/// One problem in the site's content or configuration, with its location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable machine-readable code, e.g. `front-matter`, `unknown-key`, `unknown-region`.
    pub code: &'static str,
    /// The file, relative to the site root.
    pub file: PathBuf,
    /// 1-based line in `file`, 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column (in characters) in that line, 0 when unknown.
    pub column: usize,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The source line the location points into, for display.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// Length, in characters, of the highlighted span in `source_line` (at least 1).
    #[serde(skip)]
    pub span_chars: usize,
}

impl Diagnostic {
    /// An error about `file` as a whole.
    pub fn error(code: &'static str, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            help: None,
            source_line: None,
            span_chars: 1,
        }
    }

    /// A warning about `file` as a whole.
    pub fn warning(
        code: &'static str,
        file: impl Into<PathBuf>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, message)
        }
    }

    /// Points the diagnostic at `line`/`column` (1-based) of `source`, the whole file text.
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self.source_line = line
            .checked_sub(1)
            .and_then(|index| source.lines().nth(index))
            .map(|text| text.trim_end_matches('\r').to_string());
        self
    }

    /// Sets the length of the highlighted span.
    pub fn span(mut self, chars: usize) -> Self {
        self.span_chars = chars.max(1);
        self
    }

    /// Adds a hint on how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `true` for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic like a compiler message: `error[code]: message`, then the
    /// location and the source line with the span underlined, then the help.
    pub fn render(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = display_path(&self.file);
        let location = if self.line > 0 {
            format!("{path}:{}:{}", self.line, self.column.max(1))
        } else {
            path.clone()
        };
        let mut group = Group::with_title(level.primary_title(self.message.as_str()).id(self.code));
        match &self.source_line {
            Some(line) if self.line > 0 => {
                let range = char_span_to_bytes(line, self.column, self.span_chars);
                group = group.element(
                    Snippet::source(line.as_str())
                        .line_start(self.line)
                        .path(path.clone())
                        .annotation(AnnotationKind::Primary.span(range)),
                );
            }
            _ => {
                group = group.element(Level::NOTE.message(format!("in {location}")));
            }
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let report: [Group<'_>; 1] = [group];
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report).to_string()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = display_path(&self.file);
        if self.line > 0 {
            write!(f, "{path}:{}:{}: {}", self.line, self.column, self.message)
        } else {
            write!(f, "{path}: {}", self.message)
        }
    }
}

/// Converts a 1-based character column and a character length into a byte range of `line`.
fn char_span_to_bytes(line: &str, column: usize, chars: usize) -> std::ops::Range<usize> {
    let mut indices = line.char_indices().map(|(i, _)| i).chain([line.len()]);
    let start = indices.nth(column.saturating_sub(1)).unwrap_or(line.len());
    let end = line[start..]
        .char_indices()
        .nth(chars.max(1))
        .map(|(i, _)| start + i)
        .unwrap_or(line.len());
    if start == end && start == line.len() && !line.is_empty() {
        let last = line
            .char_indices()
            .last()
            .map(|(i, _)| i)
            .unwrap_or_default();
        return last..line.len();
    }
    start..end
}

/// A path written with forward slashes, as users see it in messages on every platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Everything that can end a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The content has errors; all of them are listed.
    #[error("{} error(s) found in the site content", count_errors(.0))]
    Content(Vec<Diagnostic>),
    /// Reading or writing a file failed.
    #[error("cannot {action} {}: {source}", display_path(.path))]
    Io {
        /// What was being done: "read", "write", "create directory", …
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A template failed to parse or to render.
    #[error("template `{template}` failed{}: {message}", .page.as_ref().map(|p| format!(" while rendering {p}")).unwrap_or_default())]
    Template {
        /// Name of the template, e.g. `case.html`.
        template: String,
        /// Page being rendered, if any.
        page: Option<String>,
        /// Tera's message with its causes.
        message: String,
    },
    /// The output directory cannot be used safely.
    #[error("refusing to write to {}: {reason}", display_path(.path))]
    Output {
        /// The output directory.
        path: PathBuf,
        /// Why it is refused and what to do.
        reason: String,
    },
    /// A file of the output would be written outside the output directory.
    #[error("output path {path:?} would leave the output directory")]
    OutputPath {
        /// The site-relative path.
        path: String,
    },
    /// Building, exporting or querying the search index failed (a `search::SearchError`,
    /// converted on the search side so that this module depends on no stage).
    #[error(transparent)]
    Search(Box<dyn std::error::Error + Send + Sync>),
    /// The command's options are invalid.
    #[error("{0}")]
    Invalid(String),
    /// The directory is not a biaogan site: `missing` (`site.yaml` or `content/`) is not in
    /// `root`.
    #[error("{}", not_a_site(.root, .missing))]
    NotASite {
        /// The site directory given.
        root: PathBuf,
        /// What it lacks: [`crate::config::CONFIG_FILE`] or `content/`.
        missing: &'static str,
    },
    /// A file or folder a command creates is already there; nothing was written over it.
    #[error("{} already exists; nothing was {outcome}", display_path(.path))]
    Exists {
        /// The existing file or folder.
        path: PathBuf,
        /// What was not done: "overwritten" (one file) or "written" (nothing at all).
        outcome: &'static str,
    },
    /// A sheet to import has no usable content: unknown format, text that is not UTF-8 or
    /// GB18030, a malformed CSV record, no header row.
    #[error("{}: {message}", display_path(.path))]
    Sheet {
        /// The sheet file.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// A workbook to import (or one of its worksheets) cannot be read.
    #[error("cannot read {}{}: {message}", .worksheet.as_ref().map(|w| format!("worksheet `{w}` of ")).unwrap_or_default(), display_path(.path))]
    SheetUnreadable {
        /// The workbook file.
        path: PathBuf,
        /// The worksheet, when the workbook opened but one of its sheets did not.
        worksheet: Option<String>,
        /// The spreadsheet reader's message.
        message: String,
    },
    /// Writing a summary sheet (`CSV` or `XLSX`) failed.
    #[error("cannot write the {format} summary: {message}")]
    Summary {
        /// `CSV` or `XLSX`.
        format: &'static str,
        /// The writer's message.
        message: String,
    },
    /// A summary worksheet would exceed the format's limit of `rows` or `columns`.
    #[error("too many {what} for one worksheet")]
    SheetTooLarge {
        /// `rows` or `columns`.
        what: &'static str,
    },
    /// A build thread could not be started.
    #[error("cannot start a build thread: {message}")]
    Thread {
        /// The system's message.
        message: String,
    },
    /// A build thread panicked: a bug in biaogan.
    #[error("the build stopped unexpectedly ({message}); this is a bug in biaogan")]
    Crashed {
        /// What the thread reported.
        message: String,
    },
    /// Another process is writing the site (it holds the lock file `path`).
    #[error("{holder} is writing this site (lock {}){}; try again when it has finished", display_path(.path), if *.waited_secs > 0 { format!(", still after waiting {}s", .waited_secs) } else { String::new() })]
    Locked {
        /// The lock file, `.biaogan/lock`.
        path: PathBuf,
        /// Who holds it, e.g. `biaogan build (pid 1234)`.
        holder: String,
        /// How long this command waited before giving up, in seconds.
        waited_secs: u64,
    },
    /// A signal (Ctrl-C, SIGTERM) asked to stop; nothing was swapped in.
    #[error("stopped by signal {signal}; the previous output was left as it was")]
    Cancelled {
        /// The signal number (2 for SIGINT, 15 for SIGTERM).
        signal: i32,
    },
}

impl Error {
    /// The operating system's error behind an I/O failure, or the whole message of any other
    /// error: for a diagnostic that names the file already.
    pub fn cause(&self) -> String {
        match self {
            Error::Io { source, .. } => source.to_string(),
            other => other.to_string(),
        }
    }
}

/// The message of [`Error::NotASite`].
fn not_a_site(root: &Path, missing: &str) -> String {
    if missing.ends_with('/') {
        format!("{} has no {missing} directory", display_path(root))
    } else {
        format!(
            "no {missing} in {}: this is not a biaogan site (create one with `biaogan init DIR`)",
            display_path(root)
        )
    }
}

/// Orders diagnostics the one way every command reports them: errors first, then by file and
/// line.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
    });
}

/// The warnings, sorted, when no diagnostic is an error; otherwise [`Error::Content`] with all
/// of them, errors first. What every command that publishes does with what the checks found.
pub fn fail_on_errors(mut diagnostics: Vec<Diagnostic>) -> Result<Vec<Diagnostic>> {
    sort_diagnostics(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        Err(Error::Content(diagnostics))
    } else {
        Ok(diagnostics)
    }
}

/// Renders diagnostics as text, numbered, with a summary line.
pub fn format_diagnostics(diagnostics: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&diagnostic.render(color));
        out.push_str("\n\n");
    }
    let errors = count_errors(diagnostics);
    let warnings = diagnostics.len() - errors;
    out.push_str(&format!("{errors} error(s), {warnings} warning(s)"));
    out
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
}

/// Result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The precise variants that replaced `Invalid(String)` print what it printed.
    #[test]
    fn precise_errors_keep_their_messages() {
        let site = Path::new("some/site");
        let messages = [
            (
                Error::NotASite {
                    root: site.to_path_buf(),
                    missing: "site.yaml",
                },
                "no site.yaml in some/site: this is not a biaogan site (create one with `biaogan init DIR`)",
            ),
            (
                Error::NotASite {
                    root: site.to_path_buf(),
                    missing: "content/",
                },
                "some/site has no content/ directory",
            ),
            (
                Error::Exists {
                    path: site.join("site.yaml"),
                    outcome: "written",
                },
                "some/site/site.yaml already exists; nothing was written",
            ),
            (
                Error::Sheet {
                    path: site.join("a.csv"),
                    message: "no header row".to_string(),
                },
                "some/site/a.csv: no header row",
            ),
            (
                Error::SheetUnreadable {
                    path: site.join("a.xlsx"),
                    worksheet: Some("表1".to_string()),
                    message: "bad".to_string(),
                },
                "cannot read worksheet `表1` of some/site/a.xlsx: bad",
            ),
            (
                Error::SheetUnreadable {
                    path: site.join("a.xlsx"),
                    worksheet: None,
                    message: "bad".to_string(),
                },
                "cannot read some/site/a.xlsx: bad",
            ),
            (
                Error::Summary {
                    format: "CSV",
                    message: "full".to_string(),
                },
                "cannot write the CSV summary: full",
            ),
            (
                Error::SheetTooLarge { what: "rows" },
                "too many rows for one worksheet",
            ),
        ];
        for (error, message) in messages {
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn span_to_bytes_counts_characters() {
        assert_eq!(char_span_to_bytes("区域: 郑州", 5, 2), 8..14);
        assert_eq!(char_span_to_bytes("abc", 9, 1), 2..3);
        assert_eq!(char_span_to_bytes("", 1, 1), 0..0);
    }
}
