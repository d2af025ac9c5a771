//! Markdown stage: Markdown source → HTML body, heading outline, link list, raw-HTML
//! warnings and plain text for the search index.
//!
//! Rendering is a pure function of its input ([`render`]); the only shared state is the
//! syntect data behind [`Highlighter`] and the sanitizer policy, both built once per process.
//!
//! Pipeline:
//!
//! 1. pulldown-cmark (tables, footnotes, strikethrough, task lists, heading attributes).
//! 2. The CJK-friendly emphasis amendment (`cjk.rs`), so that `**质量第一。**后文` renders
//!    as strong emphasis.
//! 3. One pass over the events: heading ids and anchors, table wrappers, highlighted code
//!    blocks, lazy images and figures, link positions, raw-HTML findings, plain text.
//! 4. pulldown-cmark's HTML writer, then ammonia only if the document contains raw HTML.

mod cjk;
mod highlight;
mod sanitize;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use serde::{Deserialize, Serialize};

use crate::escape;

pub use highlight::Highlighter;

use cjk::Spanned;

/// A heading of the document, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heading {
    /// Heading level, 1 to 6.
    pub level: u8,
    /// The `id` attribute: `{#custom-id}` if given, else [`heading_id`] of the text; made
    /// unique within the document with `-1`, `-2`, … suffixes.
    pub id: String,
    /// Plain text of the heading (markup removed).
    pub text: String,
}

/// A link or image destination found in the Markdown source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRef {
    /// The destination as written (backslash escapes and entities resolved; `mailto:` added
    /// for e-mail autolinks).  Reference links give the definition's destination.
    pub url: String,
    /// 1-based line of the destination in the source (for reference links: in the
    /// definition).
    pub line: usize,
    /// 1-based column of the destination, counted in characters (not bytes).
    pub column: usize,
    /// Whether this is an image (`![alt](src)`) rather than a link.
    pub is_image: bool,
}

/// Something the renderer removed from the author's input: raw HTML that the sanitizer
/// strips, or a link with a script URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HtmlWarning {
    /// 1-based source line of the offending construct.
    pub line: usize,
    /// What was removed, e.g. `removed <script> element with its content`.
    pub message: String,
}

/// The result of rendering one Markdown document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    /// The HTML body.
    pub html: String,
    /// All headings in document order, every level.
    pub headings: Vec<Heading>,
    /// Every link and image destination, in document order.
    pub links: Vec<LinkRef>,
    /// What was removed from raw HTML (and script links), one entry per offending fragment.
    pub warnings: Vec<HtmlWarning>,
    /// Plain text of the body (headings, paragraphs, list items, table cells, code, image alt
    /// text): no markup, one line per block, table cells separated by spaces.  For the search
    /// index and snippets.
    pub text: String,
}

/// Earlier renderings of Markdown bodies, by body text (the build cache implements it; this
/// stage only asks). The result must equal `render()`'s.
pub trait RenderCache: std::fmt::Debug + Sync {
    /// The rendering of `text`, from the cache or else from `render` (then remembered).
    fn get_or_render(&self, text: &str, render: &dyn Fn() -> Rendered) -> Rendered;
}

/// Renders Markdown bodies with a shared highlighter and, when building, a cache of earlier
/// results: the output is the same either way.
#[derive(Clone, Copy, Debug)]
pub struct Markdown<'a> {
    /// Syntax highlighting of code blocks.
    pub highlighter: &'a Highlighter,
    /// Earlier renderings, by body text.
    pub cache: Option<&'a dyn RenderCache>,
}

impl<'a> Markdown<'a> {
    /// Rendering without a cache.
    pub fn new(highlighter: &'a Highlighter) -> Markdown<'a> {
        Markdown {
            highlighter,
            cache: None,
        }
    }

    /// Renders `text` (see [`render`]).
    pub fn render(&self, text: &str) -> Rendered {
        match self.cache {
            Some(cache) => cache.get_or_render(text, &|| render(text, self.highlighter)),
            None => render(text, self.highlighter),
        }
    }
}

/// Deepest element nesting (Markdown elements plus every raw start tag) of a document whose
/// raw HTML is sanitized. html5ever, under ammonia, does work proportional to the depth of
/// open elements for many tags, so sanitizing deeply nested input takes quadratic time
/// (40,000 nested `<div>` take seconds; a 10 MB file would not finish). Deeper documents
/// show their raw HTML as text instead.
pub const MAX_SANITIZED_NESTING: usize = 256;

/// The `aria-label` of the `#` anchor appended to every heading.
const ANCHOR_LABEL: &str = "本节链接";

/// pulldown-cmark extensions in use.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a Markdown document to HTML and collects its outline, links, warnings and text.
///
/// Never panics and performs no I/O; the result depends only on `markdown` (and the
/// highlighter's fixed syntax set).
pub fn render(markdown: &str, highlighter: &Highlighter) -> Rendered {
    let mut parser = Parser::new_ext(markdown, options()).into_offset_iter();
    let events: Vec<Spanned<'_>> = parser.by_ref().collect();
    let events = cjk::amend(markdown, events);
    let defs = parser.reference_definitions();

    let definitions = |label: &str| defs.get(label).map(|d| d.span.clone());
    let mut r = Renderer {
        src: markdown,
        lines: LineIndex::new(markdown),
        highlighter,
        out: Vec::with_capacity(events.len() + 16),
        headings: Vec::new(),
        links: Vec::new(),
        warnings: Vec::new(),
        text: TextBuf::default(),
        ids: IdRegistry::default(),
        has_raw_html: false,
        raw_html: Vec::new(),
        raw_start_tags: 0,
        def_positions: HashMap::new(),
        definitions: &definitions,
        open: OpenElements::default(),
    };
    r.run(events);

    if r.has_raw_html {
        r.escape_raw_html_if_too_deep();
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2 + 64);
    pulldown_cmark::html::push_html(&mut html, r.out.into_iter());
    if r.has_raw_html {
        html = sanitize::policy().clean(&html);
    }
    // The model holds every body until the pages are written: spare capacity would be ~40 %
    // more (at 10,000 cases 115 MB on 270 MB of HTML and text).
    html.shrink_to_fit();
    let mut text = r.text.finish();
    text.shrink_to_fit();
    Rendered {
        html,
        headings: r.headings,
        links: r.links,
        warnings: r.warnings,
        text,
    }
}

/// The pulldown-cmark events of a Markdown document, parsed with the same extensions as
/// [`render`] and with the CJK-friendly emphasis amendment applied: for writers of other
/// formats (the Word compilation) that must read a body the way the site renders it.
pub fn events(markdown: &str) -> Vec<Event<'_>> {
    let events: Vec<Spanned<'_>> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .collect();
    cjk::amend(markdown, events)
        .into_iter()
        .map(|(event, _)| event)
        .collect()
}

/// Stable heading id from heading text: letters, digits and CJK characters are kept (ASCII
/// lower-cased, other scripts as is), runs of whitespace become one `-`, `-` and `_` are
/// kept, all other punctuation and symbols (ASCII and full-width, e.g. `、，。：（）`) are
/// removed.  Empty results become `"section"`.
///
/// `heading_id("一、主要做法（2024 年）")` is `"一主要做法2024-年"`.
pub fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_whitespace() {
            dash = !id.is_empty();
        } else if c.is_alphanumeric() || c == '-' || c == '_' {
            if dash {
                id.push('-');
                dash = false;
            }
            id.push(c.to_ascii_lowercase());
        }
    }
    if id.is_empty() {
        id.push_str("section");
    }
    id
}

/// Appends an element id as a URL fragment: only what a fragment cannot hold is
/// percent-encoded (controls, space, `"`, `<`, `>`, `` ` ``, and `%` itself); Chinese stays
/// readable.  The result is HTML-escaped for use in a double-quoted attribute.
fn push_fragment(out: &mut String, id: &str) {
    let mut encoded = String::with_capacity(id.len());
    for c in id.chars() {
        if c.is_ascii_control() || matches!(c, ' ' | '"' | '<' | '>' | '`' | '%') {
            encoded.push_str(percent_encoding::percent_encode_byte(c as u8));
        } else {
            encoded.push(c);
        }
    }
    escape::push_html(out, &encoded);
}

/// Whether a link destination would run script (`javascript:`, `vbscript:`, `data:`).
fn is_script_url(url: &str, is_image: bool) -> Option<String> {
    let scheme = sanitize::url_scheme(url)?;
    let bad = match scheme.as_str() {
        "javascript" | "vbscript" => true,
        "data" => {
            !is_image
                || !url
                    .trim_start()
                    .get(5..11)
                    .is_some_and(|t| t.eq_ignore_ascii_case("image/"))
        }
        _ => false,
    };
    bad.then_some(scheme)
}

/// Byte offset → 1-based line and character column.
struct LineIndex {
    starts: Vec<usize>,
    /// Last lookup (line index, byte offset, column) to make in-order lookups on one long
    /// line linear rather than quadratic.
    cache: Option<(usize, usize, usize)>,
}

impl LineIndex {
    fn new(src: &str) -> LineIndex {
        let bytes = src.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        LineIndex {
            starts,
            cache: None,
        }
    }

    fn locate(&mut self, src: &str, pos: usize) -> (usize, usize) {
        let pos = pos.min(src.len());
        let line = self.starts.partition_point(|&s| s <= pos).saturating_sub(1);
        let line_start = self.starts.get(line).copied().unwrap_or(0);
        let (from, base) = match self.cache {
            Some((l, p, c)) if l == line && p <= pos => (p, c),
            _ => (line_start, 1),
        };
        let column = base + src.get(from..pos).map_or(0, |s| s.chars().count());
        self.cache = Some((line, pos, column));
        (line + 1, column)
    }
}

/// Unique ids within one document.
#[derive(Default)]
struct IdRegistry {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl IdRegistry {
    fn unique(&mut self, base: String) -> String {
        if !self.used.contains(&base) {
            self.used.insert(base.clone());
            return base;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(0);
        loop {
            *n += 1;
            let candidate = format!("{base}-{n}");
            if !self.used.contains(&candidate) {
                self.used.insert(candidate.clone());
                return candidate;
            }
        }
    }
}

/// Pending separator in the plain-text output.
#[derive(Default, Clone, Copy, PartialEq)]
enum Sep {
    #[default]
    None,
    /// A soft line break: a space, except between two CJK characters.
    Soft,
    /// A space (between table cells).
    Space,
}

/// Builder of [`Rendered::text`].
#[derive(Default)]
struct TextBuf {
    s: String,
    pending: Sep,
}

impl TextBuf {
    fn push(&mut self, t: &str) {
        let Some(first) = t.chars().next() else {
            return;
        };
        match self.pending {
            Sep::None => {}
            Sep::Soft => {
                let joined =
                    self.s.chars().next_back().is_some_and(cjk::is_cjk) && cjk::is_cjk(first);
                if !joined {
                    self.s.push(' ');
                }
            }
            Sep::Space => self.s.push(' '),
        }
        self.pending = Sep::None;
        self.s.push_str(t);
    }

    fn soft_break(&mut self) {
        if !self.s.is_empty() && !self.s.ends_with('\n') && self.pending == Sep::None {
            self.pending = Sep::Soft;
        }
    }

    fn cell_end(&mut self) {
        if !self.s.is_empty() && !self.s.ends_with('\n') {
            self.pending = Sep::Space;
        }
    }

    fn block_end(&mut self) {
        self.pending = Sep::None;
        let len = self.s.trim_end_matches([' ', '\t']).len();
        self.s.truncate(len);
        if !self.s.is_empty() && !self.s.ends_with('\n') {
            self.s.push('\n');
        }
    }

    fn finish(mut self) -> String {
        let len = self.s.trim_end().len();
        self.s.truncate(len);
        self.s
    }
}

/// Per-document rendering state.
struct Renderer<'a, 'h> {
    src: &'a str,
    lines: LineIndex,
    highlighter: &'h Highlighter,
    out: Vec<Event<'a>>,
    headings: Vec<Heading>,
    links: Vec<LinkRef>,
    warnings: Vec<HtmlWarning>,
    text: TextBuf,
    ids: IdRegistry,
    has_raw_html: bool,
    /// Indices in `out` of the raw HTML events, with the source offset of each.
    raw_html: Vec<(usize, usize)>,
    /// Start tags (`<` and a letter) in the raw HTML: a bound on the nesting it adds.
    raw_start_tags: usize,
    /// Positions of reference-definition destinations already located, by link label.
    def_positions: HashMap<String, (usize, usize)>,
    /// Source range of the reference definition with a given label.
    definitions: &'h dyn Fn(&str) -> Option<Range<usize>>,
    /// The elements open at the current event whose rendering spans several events.
    open: OpenElements,
}

/// State of [`Renderer::run`] between the start and the end of an element.
#[derive(Default)]
struct OpenElements {
    /// Inside a paragraph rendered as a `<figure>` (it holds one image only).
    figure: bool,
    /// For each open link: whether it was dropped (script URL).
    dropped_links: Vec<bool>,
    /// Ids of the open headings.
    heading_ids: Vec<String>,
    /// Raw HTML block being collected: text and (fragment offset, source offset) pieces.
    html_block: Option<(String, Vec<(usize, usize)>)>,
}

/// The destination of a link or an image, as pulldown-cmark gives it.
struct Target<'a> {
    link_type: LinkType,
    dest_url: CowStr<'a>,
    title: CowStr<'a>,
    id: CowStr<'a>,
}

impl<'a> Target<'a> {
    /// The destination of a link or image tag and whether it is an image; any other tag
    /// is given back.
    fn of(tag: Tag<'a>) -> Result<(Target<'a>, bool), Tag<'a>> {
        let is_image = matches!(tag, Tag::Image { .. });
        match tag {
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }
            | Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => Ok((
                Target {
                    link_type,
                    dest_url,
                    title,
                    id,
                },
                is_image,
            )),
            other => Err(other),
        }
    }
}

/// Index of the event closing the element opened at `open` (or the last index).  Only the
/// events after `open` are looked at, so the opening event may already have been moved out.
fn matching_end(events: &[Spanned<'_>], open: usize) -> usize {
    let mut depth = 1usize;
    for (i, (event, _)) in events.iter().enumerate().skip(open + 1) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// An element's start event in the event list, for the methods that look into the element.
#[derive(Clone, Copy)]
struct Element<'e, 'a> {
    events: &'e [Spanned<'a>],
    /// Index of the start event in `events`.
    start: usize,
    /// Source range of the element.
    range: &'e Range<usize>,
}

impl<'e, 'a> Element<'e, 'a> {
    fn at(events: &'e [Spanned<'a>], start: usize, range: &'e Range<usize>) -> Self {
        Element {
            events,
            start,
            range,
        }
    }

    /// Index of the element's end event and the events between its start and end.
    fn contents(&self) -> (usize, &'e [Spanned<'a>]) {
        let end = matching_end(self.events, self.start);
        (end, self.events.get(self.start + 1..end).unwrap_or(&[]))
    }
}

/// Plain text of inline events (text, code, nested alt text), soft breaks as spaces.
fn plain_text(events: &[Spanned<'_>]) -> String {
    let mut s = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                s.push_str(t)
            }
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl<'a> Renderer<'a, '_> {
    /// Removes a soft break just emitted between two wide (CJK) characters, so that a
    /// paragraph wrapped in the source does not show stray spaces.
    fn drop_soft_break_between_cjk(&mut self, next: &str) {
        let n = self.out.len();
        if n < 2 || !matches!(self.out[n - 1], Event::SoftBreak) {
            return;
        }
        let before = match &self.out[n - 2] {
            Event::Text(t) | Event::Code(t) => t.chars().next_back(),
            _ => None,
        };
        if before.is_some_and(is_wide) && next.chars().next().is_some_and(is_wide) {
            self.out.pop();
        }
    }

    /// The one pass over the events (step 3 of the module's pipeline): each event goes to
    /// the phase that handles its family (start tags, end tags, leaf events); the elements
    /// that span several events keep their state in [`Renderer::open`].
    fn run(&mut self, mut events: Vec<Spanned<'a>>) {
        let mut i = 0;
        while i < events.len() {
            let range = events[i].1.clone();
            let event = std::mem::replace(&mut events[i].0, Event::SoftBreak);
            i = match event {
                Event::Start(tag) => self.start_tag(tag, Element::at(&events, i, &range)),
                Event::End(end) => {
                    self.end_tag(end, &range);
                    i + 1
                }
                leaf => {
                    self.leaf(leaf, range.start);
                    i + 1
                }
            };
        }
    }

    /// Handles the start tag of the element `at`; returns the index of the next event to look at
    /// (past the element's end for the elements rendered whole: code blocks and images).
    fn start_tag(&mut self, tag: Tag<'a>, at: Element<'_, 'a>) -> usize {
        match tag {
            Tag::Heading {
                level,
                id,
                classes,
                attrs: _,
            } => self.open_heading(at, level, id, &classes),
            Tag::CodeBlock(kind) => return self.code_block(at, &kind),
            Tag::Table(align) => {
                self.out.push(Event::Html(CowStr::Borrowed(
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可横向滚动）\">\n",
                )));
                self.out.push(Event::Start(Tag::Table(align)));
            }
            Tag::Paragraph => self.open_paragraph(at),
            Tag::Image { .. } | Tag::Link { .. } => match Target::of(tag) {
                Ok((target, true)) => return self.image(target, at),
                Ok((target, false)) => self.open_link(target, at),
                Err(other) => self.out.push(Event::Start(other)),
            },
            Tag::HtmlBlock => {
                self.open.html_block = Some((String::new(), Vec::new()));
                self.has_raw_html = true;
            }
            other => self.out.push(Event::Start(other)),
        }
        at.start + 1
    }

    /// Handles an end tag; `range` is its source range.
    fn end_tag(&mut self, end: TagEnd, range: &Range<usize>) {
        match end {
            TagEnd::Heading(level) => self.close_heading(level),
            TagEnd::Table => {
                self.out.push(Event::End(TagEnd::Table));
                self.out.push(Event::Html(CowStr::Borrowed("</div>\n")));
                self.text.block_end();
            }
            TagEnd::Paragraph => {
                if self.open.figure {
                    self.open.figure = false;
                    self.out.push(Event::Html(CowStr::Borrowed("</figure>\n")));
                } else {
                    self.out.push(Event::End(TagEnd::Paragraph));
                }
                self.text.block_end();
            }
            TagEnd::Link => {
                if !self.open.dropped_links.pop().unwrap_or(false) {
                    self.out.push(Event::End(TagEnd::Link));
                }
            }
            TagEnd::HtmlBlock => self.close_html_block(range.start),
            TagEnd::TableCell => {
                self.text.cell_end();
                self.out.push(Event::End(TagEnd::TableCell));
            }
            TagEnd::TableRow
            | TagEnd::TableHead
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::FootnoteDefinition => {
                self.text.block_end();
                self.out.push(Event::End(end));
            }
            other => self.out.push(Event::End(other)),
        }
    }

    /// Handles an event that is neither a start nor an end tag, at source offset `pos`:
    /// raw HTML, and the inline text that also goes into [`Rendered::text`].
    fn leaf(&mut self, event: Event<'a>, pos: usize) {
        match event {
            Event::Html(html) => {
                self.has_raw_html = true;
                self.note_raw_html(&html, pos);
                match self.open.html_block.as_mut() {
                    Some((fragment, map)) => {
                        map.push((fragment.len(), pos));
                        fragment.push_str(&html);
                    }
                    None => self.inspect_inline(&html, pos),
                }
                self.out.push(Event::Html(html));
            }
            Event::InlineHtml(html) => {
                self.has_raw_html = true;
                self.note_raw_html(&html, pos);
                self.inspect_inline(&html, pos);
                self.out.push(Event::InlineHtml(html));
            }
            Event::Text(t) => {
                self.text.push(&t);
                self.drop_soft_break_between_cjk(&t);
                self.out.push(Event::Text(t));
            }
            Event::Code(t) => {
                self.text.push(&t);
                self.out.push(Event::Code(t));
            }
            Event::SoftBreak => {
                self.text.soft_break();
                self.out.push(Event::SoftBreak);
            }
            Event::HardBreak => {
                self.text.block_end();
                self.out.push(Event::HardBreak);
            }
            other => self.out.push(other),
        }
    }

    /// Opens a heading: its unique id (custom or from its text), the `<h…>` tag, and its
    /// entry in the outline.
    fn open_heading(
        &mut self,
        at: Element<'_, 'a>,
        level: HeadingLevel,
        custom_id: Option<CowStr<'a>>,
        classes: &[CowStr<'a>],
    ) {
        let text = plain_text(at.contents().1);
        let base = match custom_id {
            Some(custom) if !custom.trim().is_empty() => custom.trim().to_string(),
            _ => heading_id(&text),
        };
        let id = self.ids.unique(base);
        let level_num = level as u8;
        let mut open = format!("<h{level_num} id=\"");
        escape::push_html(&mut open, &id);
        open.push('"');
        if !classes.is_empty() {
            open.push_str(" class=\"");
            escape::push_html(&mut open, &classes.join(" "));
            open.push('"');
        }
        open.push('>');
        self.out.push(Event::Html(open.into()));
        self.headings.push(Heading {
            level: level_num,
            id: id.clone(),
            text,
        });
        self.open.heading_ids.push(id);
    }

    /// Closes the innermost heading with its anchor link.
    fn close_heading(&mut self, level: HeadingLevel) {
        let id = self.open.heading_ids.pop().unwrap_or_default();
        let mut close = String::from("<a class=\"heading-anchor\" href=\"#");
        push_fragment(&mut close, &id);
        close.push_str("\" aria-label=\"");
        close.push_str(ANCHOR_LABEL);
        close.push_str(&format!("\">#</a></h{}>\n", level as u8));
        self.out.push(Event::Html(close.into()));
        self.text.block_end();
    }

    /// Renders the whole code block `at` highlighted; returns the index
    /// after its end.
    fn code_block(&mut self, at: Element<'_, 'a>, kind: &CodeBlockKind<'a>) -> usize {
        let (end, inner) = at.contents();
        let mut code = String::new();
        for (e, _) in inner {
            if let Event::Text(t) = e {
                code.push_str(t);
            }
        }
        let lang = match kind {
            CodeBlockKind::Fenced(info) => info
                .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                .next()
                .filter(|l| !l.is_empty()),
            CodeBlockKind::Indented => None,
        };
        let html = self.highlighter.highlight(&code, lang);
        self.out.push(Event::Html(html.into()));
        self.text.block_end();
        self.text.push(code.trim_end_matches(['\n', '\r']));
        self.text.block_end();
        end + 1
    }

    /// Opens a paragraph, or a `<figure>` when the paragraph holds one image and nothing else.
    fn open_paragraph(&mut self, at: Element<'_, 'a>) {
        let (events, i) = (at.events, at.start);
        let image_only = matches!(
            events.get(i + 1),
            Some((Event::Start(Tag::Image { .. }), _))
        ) && {
            let image_end = matching_end(events, i + 1);
            matches!(
                events.get(image_end + 1),
                Some((Event::End(TagEnd::Paragraph), _))
            )
        };
        if image_only {
            self.open.figure = true;
            self.out.push(Event::Html(CowStr::Borrowed("<figure>")));
        } else {
            self.out.push(Event::Start(Tag::Paragraph));
        }
    }

    /// Renders the whole image `at` as a lazy `<img>` (with a caption in a
    /// figure) and records it as a link; returns the index after its end.
    fn image(&mut self, target: Target<'a>, at: Element<'_, 'a>) -> usize {
        let (end, inner) = self.record_link(&target, at, true);
        let alt = plain_text(inner);
        let Target {
            dest_url, title, ..
        } = target;
        let mut html = String::from("<img src=\"");
        if let Some(scheme) = is_script_url(&dest_url, true) {
            self.warn_at(at.range.start, format!("removed {scheme}: URL from image"));
        } else {
            escape::push_url(&mut html, &dest_url);
        }
        html.push_str("\" alt=\"");
        escape::push_html(&mut html, &alt);
        if !title.is_empty() {
            html.push_str("\" title=\"");
            escape::push_html(&mut html, &title);
        }
        html.push_str("\" loading=\"lazy\">");
        if self.open.figure && !alt.is_empty() {
            html.push_str("<figcaption>");
            escape::push_html(&mut html, &alt);
            html.push_str("</figcaption>");
        }
        self.out.push(Event::Html(html.into()));
        self.text.push(&alt);
        end + 1
    }

    /// Opens a link and records it; a script URL drops the link (its text stays).
    fn open_link(&mut self, target: Target<'a>, at: Element<'_, 'a>) {
        self.record_link(&target, at, false);
        let dropped = is_script_url(&target.dest_url, false);
        self.open.dropped_links.push(dropped.is_some());
        match dropped {
            Some(scheme) => {
                self.warn_at(at.range.start, format!("removed {scheme}: URL from link"))
            }
            None => self.out.push(Event::Start(Tag::Link {
                link_type: target.link_type,
                dest_url: target.dest_url,
                title: target.title,
                id: target.id,
            })),
        }
    }

    /// Closes a raw HTML block: the sanitizer policy's finding in it, if any, becomes a
    /// warning at the source position of the offending piece (`start` when not found).
    fn close_html_block(&mut self, start: usize) {
        if let Some((fragment, map)) = self.open.html_block.take() {
            if let Some((at, message)) = sanitize::policy().inspect(&fragment) {
                let piece = map.partition_point(|&(f, _)| f <= at).saturating_sub(1);
                let pos = map.get(piece).map_or(start, |&(f, s)| s + (at - f));
                self.warn_at(pos, message);
            }
        }
    }

    /// Records the raw HTML event about to be pushed to `out`.
    fn note_raw_html(&mut self, html: &str, pos: usize) {
        self.raw_html.push((self.out.len(), pos));
        self.raw_start_tags += html
            .as_bytes()
            .windows(2)
            .filter(|w| w[0] == b'<' && w[1].is_ascii_alphabetic())
            .count();
    }

    /// When the document could nest deeper than [`MAX_SANITIZED_NESTING`], turns its raw HTML
    /// into text (escaped by the HTML writer), so that the sanitizer is not needed.
    fn escape_raw_html_if_too_deep(&mut self) {
        let mut depth = 0usize;
        let mut deepest = 0usize;
        for event in &self.out {
            match event {
                Event::Start(_) => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        let nesting = deepest + self.raw_start_tags;
        if nesting <= MAX_SANITIZED_NESTING {
            return;
        }
        for &(index, _) in &self.raw_html {
            if let Some(event) = self.out.get_mut(index) {
                let raw = match std::mem::replace(event, Event::SoftBreak) {
                    Event::Html(html) | Event::InlineHtml(html) => html,
                    other => {
                        *event = other;
                        continue;
                    }
                };
                *event = Event::Text(raw);
            }
        }
        self.has_raw_html = false;
        let first = self.raw_html.first().map_or(0, |&(_, pos)| pos);
        self.warn_at(
            first,
            format!(
                "raw HTML shown as text: the document nests {nesting} levels deep (counting every raw tag), more than the {MAX_SANITIZED_NESTING} that are sanitized"
            ),
        );
    }

    fn warn_at(&mut self, pos: usize, message: String) {
        let (line, _) = self.lines.locate(self.src, pos);
        self.warnings.push(HtmlWarning { line, message });
    }

    fn inspect_inline(&mut self, html: &str, start: usize) {
        if let Some((at, message)) = sanitize::policy().inspect(html) {
            self.warn_at(start + at, message);
        }
    }

    /// Records the destination of the link or image `at` with its source position; returns
    /// the index of the element's end event and the events inside it.
    fn record_link<'e>(
        &mut self,
        target: &Target<'_>,
        at: Element<'e, 'a>,
        is_image: bool,
    ) -> (usize, &'e [Spanned<'a>]) {
        let (end, inner) = at.contents();
        let range = at.range;
        let (url, link_type, label) = (&*target.dest_url, target.link_type, &*target.id);
        let (line, column) = match link_type {
            LinkType::Inline => {
                let opener = if is_image { 2 } else { 1 };
                let text_end = inner
                    .iter()
                    .map(|(_, r)| r.end)
                    .max()
                    .unwrap_or(range.start + opener)
                    .clamp(range.start, range.end);
                let pos = self
                    .src
                    .get(text_end..range.end)
                    .and_then(|s| s.find("](").map(|p| text_end + p + 2))
                    .map_or(range.start, |p| skip_to_destination(self.src, p, range.end));
                self.lines.locate(self.src, pos)
            }
            LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut => {
                if let Some(&pos) = self.def_positions.get(label) {
                    pos
                } else {
                    let pos = (self.definitions)(label)
                        .and_then(|span| {
                            let def = self.src.get(span.clone())?;
                            let colon = find_label_end(def)?;
                            Some(skip_to_destination(self.src, span.start + colon, span.end))
                        })
                        .unwrap_or(range.start);
                    // Definitions can sit anywhere: locate from the line start, uncached.
                    self.lines.cache = None;
                    let located = self.lines.locate(self.src, pos);
                    self.lines.cache = None;
                    self.def_positions.insert(label.to_string(), located);
                    located
                }
            }
            LinkType::Autolink | LinkType::Email => self.lines.locate(self.src, range.start + 1),
            _ => self.lines.locate(self.src, range.start),
        };
        let url = if link_type == LinkType::Email && !url.starts_with("mailto:") {
            format!("mailto:{url}")
        } else {
            url.to_string()
        };
        self.links.push(LinkRef {
            url,
            line,
            column,
            is_image,
        });
        (end, inner)
    }
}

/// Offset just past the `]:` that ends a reference definition's label.
fn find_label_end(def: &str) -> Option<usize> {
    let bytes = def.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b']' if bytes[i + 1] == b':' => return Some(i + 2),
            _ => i += 1,
        }
    }
    None
}

/// Skips whitespace (including a line break) and an opening `<` before a destination.
fn skip_to_destination(src: &str, mut pos: usize, end: usize) -> usize {
    let bytes = src.as_bytes();
    let end = end.min(bytes.len());
    while pos < end && matches!(bytes[pos], b' ' | b'\t' | b'\n' | b'\r') {
        pos += 1;
    }
    if pos < end && bytes[pos] == b'<' {
        pos += 1;
    }
    pos
}

/// Whether a line break next to `c` should vanish: Chinese and Japanese text has no spaces
/// between words, and browsers render a soft line break as a space.
fn is_wide(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{3FFFF}')
}
