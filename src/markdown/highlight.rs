//! Class-based syntax highlighting of code blocks with syntect.

use std::fmt;
use std::sync::OnceLock;

use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::escape;

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
            escape::push_html(&mut html, lang);
            html.push('"');
        }
        html.push_str("><code>");
        match lang.and_then(|l| self.classed(code, l)) {
            Some(body) => html.push_str(&body),
            None => escape::push_html(&mut html, code),
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
    // Scoped too: unscoped, a light rule more specific than the dark theme's rule for the same
    // token (`.hl-storage.hl-type` against `.hl-storage`) would win in dark mode.
    if let Some(light) = themes.themes.get(LIGHT_THEME) {
        css.push_str("@media (prefers-color-scheme: light) {\n");
        push_theme_css(&mut css, light);
        css.push_str("}\n");
    }
    if let Some(dark) = themes.themes.get(DARK_THEME) {
        css.push_str("@media (prefers-color-scheme: dark) {\n");
        push_theme_css(&mut css, dark);
        css.push_str("}\n");
    }
    css
}

fn push_theme_css(css: &mut String, theme: &Theme) {
    let theme = &with_contrast(theme);
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

/// Contrast every token colour must have with the background it is drawn on: WCAG AA's 4.5:1
/// for normal text, with a margin for rounding to whole RGB values.
const MIN_CONTRAST: f64 = 4.6;

/// The theme with each foreground colour that has less than [`MIN_CONTRAST`] against its
/// background (the token's own, else the theme's) moved towards black or white until it has.
/// syntect's bundled themes have comments and constants at 2.7–4.2:1.
fn with_contrast(theme: &Theme) -> Theme {
    let mut theme = theme.clone();
    let bg = theme.settings.background.unwrap_or(Color::WHITE);
    if let Some(fg) = theme.settings.foreground {
        theme.settings.foreground = Some(readable(fg, bg));
    }
    for item in &mut theme.scopes {
        if let Some(fg) = item.style.foreground {
            item.style.foreground = Some(readable(fg, item.style.background.unwrap_or(bg)));
        }
    }
    theme
}

/// `fg` mixed with black or white (whichever contrasts more with `bg`) in the smallest step
/// of 1% that reaches [`MIN_CONTRAST`].
fn readable(fg: Color, bg: Color) -> Color {
    let towards = if contrast(Color::BLACK, bg) > contrast(Color::WHITE, bg) {
        Color::BLACK
    } else {
        Color::WHITE
    };
    let mix =
        |a: u8, b: u8, t: f64| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    let mut c = fg;
    for step in 0..=100 {
        let t = f64::from(step) / 100.0;
        c = Color {
            r: mix(fg.r, towards.r, t),
            g: mix(fg.g, towards.g, t),
            b: mix(fg.b, towards.b, t),
            a: fg.a,
        };
        if contrast(c, bg) >= MIN_CONTRAST {
            break;
        }
    }
    c
}

/// WCAG 2 contrast ratio of two colours (alpha ignored).
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// WCAG 2 relative luminance.
fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}
