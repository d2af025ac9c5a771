//! Markdown stage (placeholder API; the full stage with CJK emphasis replaces this file).
#![allow(missing_docs, clippy::manual_inspect)]

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub struct Highlighter;
impl Highlighter {
    pub fn new() -> Highlighter {
        Highlighter
    }
    pub fn css(&self) -> String {
        String::new()
    }
}
impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}
#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}
#[derive(Debug, Clone)]
pub struct LinkRef {
    pub url: String,
    pub line: usize,
    pub column: usize,
    pub is_image: bool,
}
#[derive(Debug, Clone)]
pub struct HtmlWarning {
    pub line: usize,
    pub message: String,
}
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<LinkRef>,
    pub warnings: Vec<HtmlWarning>,
    pub text: String,
}
pub fn heading_id(text: &str) -> String {
    text.trim().replace(' ', "-")
}
pub fn render(markdown: &str, _highlighter: &Highlighter) -> Rendered {
    let mut out = Rendered::default();
    let mut html = String::new();
    let mut in_heading: Option<u8> = None;
    let mut heading_text = String::new();
    let events: Vec<Event> = Parser::new_ext(markdown, Options::all())
        .map(|e| {
            match &e {
                Event::Start(Tag::Heading { level, .. }) => {
                    in_heading = Some(match level {
                        HeadingLevel::H1 => 1,
                        HeadingLevel::H2 => 2,
                        HeadingLevel::H3 => 3,
                        _ => 4,
                    });
                    heading_text.clear();
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(level) = in_heading.take() {
                        out.headings.push(Heading {
                            level,
                            id: heading_id(&heading_text),
                            text: heading_text.clone(),
                        });
                    }
                }
                Event::Text(t) => {
                    if in_heading.is_some() {
                        heading_text.push_str(t);
                    }
                    out.text.push_str(t);
                }
                Event::Start(Tag::Image { dest_url, .. }) => out.links.push(LinkRef {
                    url: dest_url.to_string(),
                    line: 0,
                    column: 0,
                    is_image: true,
                }),
                Event::Start(Tag::Link { dest_url, .. }) => out.links.push(LinkRef {
                    url: dest_url.to_string(),
                    line: 0,
                    column: 0,
                    is_image: false,
                }),
                _ => {}
            }
            e
        })
        .collect();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    out.html = html;
    out
}
