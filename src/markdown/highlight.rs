//! Class-based syntax highlighting of code blocks with syntect.

use std::fmt;
use std::sync::OnceLock;

use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::escape_html;

/// CSS class prefix of every highlighting span (`hl-keyword`, `hl-string`, …).
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Theme used for the light colour scheme.
const LIGHT_THEME: &str = "InspiredGitHub";
/// Theme used inside `@media (prefers-color-scheme: dark)`.
const DARK_THEME: &str = "base16-ocean.dark";
/// Code blocks larger than this are not highlighted (escaped plain text instead), so a huge
/// generated file cannot stall the build.
const MAX_HIGHLIGHT_BYTES: usize = 256 * 1024;
/// Same for any single line longer than this (regex-based highlighting is slow on long lines).
const MAX_HIGHLIGHT_LINE: usize = 8 * 1024;

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
static THEMES: OnceLock<ThemeSet> = OnceLock::new();
static CSS: OnceLock<String> = OnceLock::new();

/// Syntax highlighter for fenced code blocks.
///
/// The syntect syntax and theme sets are loaded once per process (the first
/// [`Highlighter::new`] pays for it) and shared; the value itself is a cheap handle that is
/// `Send + Sync` and `Copy`, so one can be handed to every rendering thread.
#[derive(Clone, Copy)]
pub struct Highlighter {
    syntaxes: &'static SyntaxSet,
}

impl fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Highlighter")
            .field("syntaxes", &self.syntaxes.syntaxes().len())
            .finish()
    }
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

impl Highlighter {
    /// Returns a highlighter, loading syntect's bundled syntaxes on first use.
    pub fn new() -> Highlighter {
        Highlighter {
            syntaxes: SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines),
        }
    }

    /// Renders a code block as class-based HTML:
    /// `<pre class="code" data-lang="python"><code>…<span class="hl-…">…</span>…</code></pre>`.
    ///
    /// `lang` is the first word of the fence's info string; it is matched against syntax
    /// names and file extensions, case-insensitively (`python`, `py`, `Rust`, `rs`, …).  An
    /// unknown or missing language, or a block too large to highlight, gives escaped plain
    /// text in the same wrapper.
    pub fn highlight(&self, code: &str, lang: Option<&str>) -> String {
        let lang = lang.map(str::trim).filter(|l| !l.is_empty());
        let mut html = String::with_capacity(code.len() * 2 + 64);
        html.push_str("<pre class=\"code\"");
        if let Some(lang) = lang {
            html.push_str(" data-lang=\"");
            escape_html(&mut html, lang);
            html.push('"');
        }
        html.push_str("><code>");
        match lang.and_then(|l| self.classed(code, l)) {
            Some(body) => html.push_str(&body),
            None => escape_html(&mut html, code),
        }
        html.push_str("</code></pre>\n");
        html
    }

    /// Highlighted inner HTML, or `None` when the language is unknown or highlighting fails.
    fn classed(&self, code: &str, lang: &str) -> Option<String> {
        if code.len() > MAX_HIGHLIGHT_BYTES {
            return None;
        }
        let syntax = self.syntaxes.find_syntax_by_token(lang)?;
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, self.syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            if line.len() > MAX_HIGHLIGHT_LINE {
                return None;
            }
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }

    /// CSS for the `hl-` classes: the light theme (InspiredGitHub) at top level and a dark theme
    /// (base16-ocean.dark) inside `@media (prefers-color-scheme: dark)`.  Also colours the
    /// `pre.code` block itself.  Computed once and cached.
    pub fn css(&self) -> String {
        CSS.get_or_init(build_css).clone()
    }
}

fn build_css() -> String {
    let themes = THEMES.get_or_init(ThemeSet::load_defaults);
    let mut css = String::new();
    if let Some(light) = themes.themes.get(LIGHT_THEME) {
        push_theme_css(&mut css, light);
    }
    if let Some(dark) = themes.themes.get(DARK_THEME) {
        css.push_str("@media (prefers-color-scheme: dark) {\n");
        push_theme_css(&mut css, dark);
        css.push_str("}\n");
    }
    css
}

fn push_theme_css(css: &mut String, theme: &Theme) {
    let hex = |c: Color| format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
    css.push_str("pre.code {\n");
    if let Some(fg) = theme.settings.foreground {
        css.push_str(&format!(" color: {};\n", hex(fg)));
    }
    if let Some(bg) = theme.settings.background {
        css.push_str(&format!(" background-color: {};\n", hex(bg)));
    }
    css.push_str("}\n");
    if let Ok(rules) = css_for_theme_with_class_style(theme, CLASS_STYLE) {
        css.push_str(&rules);
    }
}
