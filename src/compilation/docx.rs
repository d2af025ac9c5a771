//! The compilation as a Word document (`.docx`, opened the same by WPS), written with
//! `docx-rs`.
//!
//! Layout: A4 with the usual Chinese margins; a cover (document title, site title, issuing
//! body, date) without a page number; a table of contents as a real Word TOC field over
//! Heading 1–3, marked dirty and with `updateFields` set so Word and WPS refresh it (and its
//! page numbers) on open; then each case on a new page: its title as Heading 1, enterprise,
//! region, focus area and summary, and its body with Heading 2/3 for its sections. Page
//! numbers are a PAGE field in the footer. Fonts are named for both scripts: 宋体 / 黑体 /
//! 楷体 as East Asian fonts, Times New Roman / Courier New for Latin text.
//!
//! The body is the case's own Markdown, read again from its file and walked as
//! pulldown-cmark events ([`crate::markdown::events`], with the CJK-friendly emphasis fix),
//! so the document says what the site says. Raw HTML is left out (only `<br>` becomes a line
//! break). Images are embedded as PNG: PNG as is, SVG rasterised at twice its size with
//! resvg, other formats converted with `image`; they are scaled down to the text width.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use docx_rs::{
    AlignmentType, BreakType, Docx, FieldCharType, Footer, Hyperlink, HyperlinkType, InstrPAGE,
    InstrText, LineSpacing, PageMargin, Paragraph, Pic, Run, RunFonts, Shading, SpecialIndentType,
    Style, StyleType, Table, TableBorder, TableBorderPosition, TableBorders, TableCell,
    TableOfContents, TableRow, VertAlignType, WidthType,
};
use pulldown_cmark::{Alignment, Event, HeadingLevel, Tag, TagEnd};

use super::{Compilation, Cover, Entry};
use crate::error::display_path;

/// Why the Word document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// Reading a case or one of its images failed.
    #[error(transparent)]
    Io(#[from] crate::Error),
    /// A case file no longer has front matter (it changed after loading).
    #[error("{}: cannot find the front matter again; run the export once more", display_path(.0))]
    Source(PathBuf),
    /// An image could not be decoded or converted.
    #[error("{}: cannot embed this image: {message}", display_path(.path))]
    Image {
        /// The image file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Packing the document failed.
    #[error("cannot write the Word document: {0}")]
    Pack(String),
}

/// A4 in twips.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// Margins in twips: 2.54 cm top and bottom, 3.17 cm left and right (Word's Chinese default).
const MARGIN_TOP: i32 = 1440;
const MARGIN_SIDE: i32 = 1800;
/// Width of the text column in twips.
const TEXT_WIDTH: i32 = PAGE_WIDTH as i32 - 2 * MARGIN_SIDE;
/// EMU per twip and per CSS pixel (96 dpi).
const EMU_PER_TWIP: u64 = 635;
const EMU_PER_PX: u64 = 9525;
/// Largest image: the text width, and at most 60 % of the text height.
const MAX_IMAGE_WIDTH_EMU: u64 = TEXT_WIDTH as u64 * EMU_PER_TWIP;
const MAX_IMAGE_HEIGHT_EMU: u64 =
    (PAGE_HEIGHT as u64 - 2 * MARGIN_TOP as u64) * EMU_PER_TWIP * 6 / 10;
/// SVG images are rasterised at this multiple of their CSS size, for print.
const SVG_SCALE: f32 = 2.0;

/// Latin fonts.
const LATIN: &str = "Times New Roman";
const MONO: &str = "Courier New";

/// Paragraph style ids.
const BODY: &str = "BodyText";
const HEADINGS: [&str; 3] = ["Heading1", "Heading2", "Heading3"];
const HEADING4: &str = "Heading4";
const CODE: &str = "Code";
const QUOTE: &str = "Quote";
const CAPTION: &str = "Caption";
const TABLE_TEXT: &str = "TableText";
const LIST: &str = "ListParagraph";
const META: &str = "CaseMeta";
const SUMMARY: &str = "CaseSummary";
const COVER_TITLE: &str = "CoverTitle";
const COVER_LINE: &str = "CoverLine";
const TOC_HEADING: &str = "TocHeading";
const FOOTER: &str = "Footer";

fn fonts(east_asia: &str, latin: &str) -> RunFonts {
    RunFonts::new()
        .ascii(latin)
        .hi_ansi(latin)
        .cs(latin)
        .east_asia(east_asia)
}

fn paragraph_style(id: &str, name: &str) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next(BODY)
}

/// The styles of the document. Sizes are in half-points: 小四 24, 四号 28, 三号 32, 二号 44.
fn styles() -> Vec<Style> {
    let single = LineSpacing::new().line(240);
    let heading = |level: usize, size: usize, before: u32, after: u32| {
        paragraph_style(HEADINGS[level - 1], &format!("heading {level}"))
            .fonts(fonts("黑体", LATIN))
            .size(size)
            .bold()
            .outline_lvl(level - 1)
            .line_spacing(LineSpacing::new().line(300).before(before).after(after))
    };
    // Centred display lines: caption, cover and the contents' heading.
    let centred = |id: &str, name: &str, east_asia: &str, size: usize, spacing: LineSpacing| {
        paragraph_style(id, name)
            .fonts(fonts(east_asia, LATIN))
            .size(size)
            .align(AlignmentType::Center)
            .line_spacing(spacing)
    };
    vec![
        Style::new("Normal", StyleType::Paragraph)
            .name("Normal")
            .fonts(fonts("宋体", LATIN))
            .size(24)
            .line_spacing(LineSpacing::new().line(360)),
        paragraph_style(BODY, "Body Text").first_line_chars(200),
        heading(1, 32, 0, 360).align(AlignmentType::Center),
        heading(2, 28, 240, 120),
        heading(3, 24, 120, 60),
        paragraph_style(HEADING4, "heading 4")
            .fonts(fonts("黑体", LATIN))
            .size(24),
        paragraph_style(CODE, "Code")
            .fonts(fonts("宋体", MONO))
            .size(18)
            .line_spacing(single.clone()),
        paragraph_style(QUOTE, "Quote")
            .fonts(fonts("楷体", LATIN))
            .indent(Some(420), None, Some(420), None),
        centred(
            CAPTION,
            "caption",
            "黑体",
            21,
            LineSpacing::new().line(300).after(120),
        ),
        paragraph_style(TABLE_TEXT, "Table Text")
            .size(21)
            .line_spacing(single.clone()),
        paragraph_style(LIST, "List Paragraph"),
        paragraph_style(META, "Case Meta").line_spacing(LineSpacing::new().line(300)),
        paragraph_style(SUMMARY, "Case Summary")
            .fonts(fonts("楷体", LATIN))
            .indent(Some(420), None, Some(420), None)
            .line_spacing(LineSpacing::new().line(360).before(120).after(240)),
        centred(
            COVER_TITLE,
            "Cover Title",
            "黑体",
            52,
            LineSpacing::new().line(480).before(3600).after(600),
        )
        .bold(),
        centred(
            COVER_LINE,
            "Cover Line",
            "楷体",
            32,
            LineSpacing::new().line(480).after(240),
        ),
        centred(
            TOC_HEADING,
            "TOC Heading",
            "黑体",
            32,
            LineSpacing::new().line(360).after(240),
        ),
        paragraph_style(FOOTER, "footer")
            .size(18)
            .align(AlignmentType::Center)
            .line_spacing(single),
    ]
}

/// Writes the compilation as a `.docx` file's bytes. `base_url` makes relative links of the
/// cases absolute (a printed document has no site around it).
pub fn write(compilation: &Compilation<'_>, base_url: &str) -> Result<Vec<u8>, DocxError> {
    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_TOP)
                .left(MARGIN_SIDE)
                .right(MARGIN_SIDE)
                .header(851)
                .footer(992),
        )
        .default_fonts(fonts("宋体", LATIN))
        .default_size(24)
        .title_pg()
        .first_footer(Footer::new().add_paragraph(Paragraph::new().style(FOOTER)))
        .footer(Footer::new().add_paragraph(page_number()));
    for style in styles() {
        docx = docx.add_style(style);
    }

    for paragraph in cover(&compilation.cover, compilation.entries.len()) {
        docx = docx.add_paragraph(paragraph);
    }
    docx = docx.add_table_of_contents(
        TableOfContents::new()
            .heading_styles_range(1, 3)
            .hyperlink()
            .alias("目录")
            .auto()
            .dirty()
            .add_before_paragraph(
                Paragraph::new()
                    .style(TOC_HEADING)
                    .page_break_before(true)
                    .add_run(Run::new().add_text("目　录")),
            ),
    );

    let mut images = ImageLoader::default();
    for entry in &compilation.entries {
        for block in case_blocks(entry, base_url, &mut images)? {
            docx = match block {
                Block::Paragraph(p) => docx.add_paragraph(*p),
                Block::Table(t) => docx.add_table(*t),
            };
        }
    }

    let mut xml = docx.build();
    xml.settings = with_update_fields(&xml.settings);
    let mut bytes = std::io::Cursor::new(Vec::new());
    xml.pack(&mut bytes)
        .map_err(|e| DocxError::Pack(e.to_string()))?;
    Ok(bytes.into_inner())
}

/// `settings.xml` with `<w:updateFields w:val="true"/>`, which makes Word (and WPS) update
/// the fields, the table of contents above all, when the document is opened. The schema
/// puts it before `w:compat`.
fn with_update_fields(settings: &[u8]) -> Vec<u8> {
    const ELEMENT: &[u8] = b"<w:updateFields w:val=\"true\" />";
    let position = settings
        .windows(b"<w:compat".len())
        .position(|w| w == b"<w:compat")
        .or_else(|| {
            settings
                .windows(b"</w:settings>".len())
                .position(|w| w == b"</w:settings>")
        });
    match position {
        Some(at) => {
            let mut out = Vec::with_capacity(settings.len() + ELEMENT.len());
            out.extend_from_slice(&settings[..at]);
            out.extend_from_slice(ELEMENT);
            out.extend_from_slice(&settings[at..]);
            out
        }
        None => settings.to_vec(),
    }
}

/// The footer paragraph: `— PAGE —`, centred.
fn page_number() -> Paragraph {
    Paragraph::new()
        .style(FOOTER)
        .add_run(Run::new().add_text("— "))
        .add_run(
            Run::new()
                .add_field_char(FieldCharType::Begin, false)
                .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
                .add_field_char(FieldCharType::Separate, false)
                .add_text("1")
                .add_field_char(FieldCharType::End, false),
        )
        .add_run(Run::new().add_text(" —"))
}

fn cover(cover: &Cover, cases: usize) -> Vec<Paragraph> {
    let line = |text: &str| {
        Paragraph::new()
            .style(COVER_LINE)
            .add_run(Run::new().add_text(text))
    };
    let mut paragraphs = vec![
        Paragraph::new()
            .style(COVER_TITLE)
            .add_run(Run::new().add_text(&cover.title)),
        line(&cover.site_title),
    ];
    if cover.has_publisher {
        paragraphs.push(line(&cover.publisher));
    }
    let date = match cover.date {
        Some(date) => date.format("%Y年%-m月").to_string(),
        None => format!("{}年", cover.year),
    };
    paragraphs.push(line(&date));
    paragraphs.push(line(&format!("共收录{cases}项典型经验")));
    paragraphs
}

/// A block of the document body.
enum Block {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

/// The blocks of one case: title, facts, summary, body.
fn case_blocks(
    entry: &Entry<'_>,
    base_url: &str,
    images: &mut ImageLoader,
) -> Result<Vec<Block>, DocxError> {
    let case = entry.case;
    let mut blocks = vec![Block::Paragraph(Box::new(
        Paragraph::new()
            .style(HEADINGS[0])
            .page_break_before(true)
            .add_run(Run::new().add_text(&case.title)),
    ))];
    let fact = |label: &str, value: &str| {
        Block::Paragraph(Box::new(
            Paragraph::new()
                .style(META)
                .add_run(Run::new().add_text(format!("{label}：")).bold())
                .add_run(Run::new().add_text(value)),
        ))
    };
    blocks.push(fact("企业名称", &case.enterprise));
    blocks.push(fact("所属地区", &entry.region));
    blocks.push(fact("重点领域", &entry.area));
    if !entry.industries.is_empty() {
        blocks.push(fact("所属行业", &entry.industries.join("、")));
    }
    if !entry.methods.is_empty() {
        blocks.push(fact("质量方法", &entry.methods.join("、")));
    }
    blocks.push(Block::Paragraph(Box::new(
        Paragraph::new()
            .style(SUMMARY)
            .add_run(Run::new().add_text("摘要：").bold())
            .add_run(Run::new().add_text(&case.summary)),
    )));

    let file = case
        .bundle_dir
        .join(case.source.file_name().unwrap_or("index.md".as_ref()));
    let bytes = crate::fs::read(&file)?;
    let text = String::from_utf8_lossy(&bytes);
    let split =
        crate::content::front_matter::split(&text).map_err(|_| DocxError::Source(file.clone()))?;
    let case_url = format!("{}{}", base_url, case.url);
    let mut body = BodyWriter::new(&case.bundle_dir, &case_url, images);
    for event in crate::markdown::events(split.body) {
        body.event(event)?;
    }
    body.finish_paragraph();
    blocks.extend(body.blocks);
    Ok(blocks)
}

/// Inline formatting in force.
#[derive(Default)]
struct Inline {
    bold: usize,
    italic: usize,
    strike: usize,
    superscript: bool,
}

/// A table being built.
struct TableState {
    alignments: Vec<Alignment>,
    rows: Vec<TableRow>,
    cells: Vec<TableCell>,
    in_head: bool,
}

/// An image whose alt text is being read.
struct ImageState {
    dest: String,
    title: String,
    alt: String,
}

/// Markdown events of one case body → document blocks.
struct BodyWriter<'a> {
    bundle_dir: &'a Path,
    /// Absolute URL of the case page, for relative links.
    case_url: &'a str,
    images: &'a mut ImageLoader,
    blocks: Vec<Block>,
    paragraph: Option<Paragraph>,
    /// Whether the open paragraph has anything other than one image.
    paragraph_text: bool,
    /// Caption of the image in the open paragraph.
    caption: Option<String>,
    link: Option<Hyperlink>,
    inline: Inline,
    /// Open lists: the next number of an ordered list, `None` for bullets.
    lists: Vec<Option<u64>>,
    /// Marker to put before the next paragraph of a list item (or footnote).
    marker: Option<String>,
    quote: usize,
    table: Option<TableState>,
    code: Option<String>,
    image: Option<ImageState>,
    /// A soft line break waiting for the next text (dropped between two CJK characters).
    soft_break: bool,
    last_char: Option<char>,
}

impl<'a> BodyWriter<'a> {
    fn new(bundle_dir: &'a Path, case_url: &'a str, images: &'a mut ImageLoader) -> Self {
        BodyWriter {
            bundle_dir,
            case_url,
            images,
            blocks: Vec::new(),
            paragraph: None,
            paragraph_text: false,
            caption: None,
            link: None,
            inline: Inline::default(),
            lists: Vec::new(),
            marker: None,
            quote: 0,
            table: None,
            code: None,
            image: None,
            soft_break: false,
            last_char: None,
        }
    }

    /// Style of a paragraph opened here.
    fn context_style(&self) -> &'static str {
        if self.table.is_some() {
            TABLE_TEXT
        } else if !self.lists.is_empty() {
            LIST
        } else if self.quote > 0 {
            QUOTE
        } else {
            BODY
        }
    }

    fn open_paragraph(&mut self, style: &str) {
        self.finish_paragraph();
        let mut paragraph = Paragraph::new().style(style);
        if style == LIST {
            let depth = i32::try_from(self.lists.len()).unwrap_or(1);
            paragraph = paragraph.indent(
                Some(420 * depth),
                Some(SpecialIndentType::Hanging(420)),
                None,
                None,
            );
        }
        if let Some(table) = &self.table {
            let align = table
                .alignments
                .get(table.cells.len())
                .copied()
                .unwrap_or(Alignment::None);
            paragraph = match align {
                Alignment::Center => paragraph.align(AlignmentType::Center),
                Alignment::Right => paragraph.align(AlignmentType::Right),
                _ => paragraph,
            };
        }
        self.paragraph = Some(paragraph);
        self.paragraph_text = false;
        self.caption = None;
        self.last_char = None;
        self.soft_break = false;
        if let Some(marker) = self.marker.take() {
            self.push_run(Run::new().add_text(marker).add_tab());
            self.paragraph_text = true;
        }
    }

    /// Ends the open paragraph, with a caption after a lone image.
    fn finish_paragraph(&mut self) {
        if let Some(link) = self.link.take() {
            if let Some(paragraph) = self.paragraph.take() {
                self.paragraph = Some(paragraph.add_hyperlink(link));
            }
        }
        let Some(paragraph) = self.paragraph.take() else {
            return;
        };
        let caption = self.caption.take().filter(|_| !self.paragraph_text);
        match &mut self.table {
            Some(table) => {
                let mut cell = TableCell::new().add_paragraph(paragraph).width(
                    usize::try_from(cell_width(table.alignments.len())).unwrap_or(1000),
                    WidthType::Dxa,
                );
                if table.in_head {
                    cell = cell.shading(Shading::new().fill("E8EEF5"));
                }
                table.cells.push(cell);
            }
            None => {
                let paragraph = if caption.is_some() {
                    paragraph.align(AlignmentType::Center).keep_next(true)
                } else {
                    paragraph
                };
                self.blocks.push(Block::Paragraph(Box::new(paragraph)));
                if let Some(caption) = caption.filter(|c| !c.is_empty()) {
                    self.blocks.push(Block::Paragraph(Box::new(
                        Paragraph::new()
                            .style(CAPTION)
                            .add_run(Run::new().add_text(caption)),
                    )));
                }
            }
        }
    }

    /// Adds a run to the open link or paragraph, opening a paragraph if needed (tight list
    /// items have no paragraph events).
    fn push_run(&mut self, run: Run) {
        if self.paragraph.is_none() {
            let style = self.context_style();
            self.open_paragraph(style);
        }
        if let Some(link) = self.link.take() {
            self.link = Some(link.add_run(run));
        } else if let Some(paragraph) = self.paragraph.take() {
            self.paragraph = Some(paragraph.add_run(run));
        }
    }

    fn styled(&self, run: Run) -> Run {
        let mut run = run;
        if self.inline.bold > 0 {
            run = run.bold();
        }
        if self.inline.italic > 0 {
            run = run.italic();
        }
        if self.inline.strike > 0 {
            run = run.strike();
        }
        if self.inline.superscript {
            run.run_property = run.run_property.vert_align(VertAlignType::SuperScript);
        }
        if self.link.is_some() {
            run = run.color("0563C1").underline("single");
        }
        run
    }

    fn text(&mut self, text: &str) {
        let Some(first) = text.chars().next() else {
            return;
        };
        if self.soft_break {
            self.soft_break = false;
            let joined = self.last_char.is_some_and(is_wide) && is_wide(first);
            if !joined {
                let run = self.styled(Run::new().add_text(" "));
                self.push_run(run);
            }
        }
        let run = self.styled(Run::new().add_text(text));
        self.push_run(run);
        self.paragraph_text = true;
        self.last_char = text.chars().next_back();
    }

    fn event(&mut self, event: Event<'_>) -> Result<(), DocxError> {
        if let Some(code) = &mut self.code {
            match event {
                Event::Text(text) => code.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    let code = self.code.take().unwrap_or_default();
                    self.code_block(&code);
                }
                _ => {}
            }
            return Ok(());
        }
        if let Some(image) = &mut self.image {
            match event {
                Event::Text(text) | Event::Code(text) => image.alt.push_str(&text),
                Event::End(TagEnd::Image) => {
                    if let Some(image) = self.image.take() {
                        self.embed_image(image)?;
                    }
                }
                _ => {}
            }
            return Ok(());
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) | Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.text(&text)
            }
            Event::Code(text) => {
                let run = self.styled(
                    Run::new()
                        .add_text(text.as_ref())
                        .fonts(fonts("宋体", MONO))
                        .shading(Shading::new().fill("F0F0F0")),
                );
                self.soft_break = false;
                self.push_run(run);
                self.paragraph_text = true;
                self.last_char = text.chars().next_back();
            }
            Event::SoftBreak => self.soft_break = true,
            Event::HardBreak => self.push_run(Run::new().add_break(BreakType::TextWrapping)),
            Event::InlineHtml(html) => {
                let tag = html.trim().to_ascii_lowercase();
                if matches!(tag.as_str(), "<br>" | "<br/>" | "<br />") {
                    self.push_run(Run::new().add_break(BreakType::TextWrapping));
                }
            }
            Event::Html(_) => {}
            Event::Rule => {
                self.finish_paragraph();
                self.blocks.push(Block::Paragraph(Box::new(
                    Paragraph::new()
                        .style(CAPTION)
                        .add_run(Run::new().add_text("＊　＊　＊")),
                )));
            }
            Event::FootnoteReference(label) => {
                self.inline.superscript = true;
                let run = self.styled(Run::new().add_text(format!("[{label}]")));
                self.inline.superscript = false;
                self.push_run(run);
            }
            Event::TaskListMarker(done) => {
                self.push_run(Run::new().add_text(if done { "☑ " } else { "☐ " }));
            }
        }
        Ok(())
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                let style = self.context_style();
                self.open_paragraph(style);
            }
            Tag::Heading { level, .. } => {
                let style = match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => HEADINGS[1],
                    HeadingLevel::H3 => HEADINGS[2],
                    _ => HEADING4,
                };
                self.open_paragraph(style);
                if let Some(paragraph) = self.paragraph.take() {
                    self.paragraph = Some(paragraph.keep_next(true));
                }
            }
            Tag::BlockQuote(_) => {
                self.finish_paragraph();
                self.quote += 1;
            }
            Tag::CodeBlock(_) => {
                self.finish_paragraph();
                self.code = Some(String::new());
            }
            Tag::List(first) => {
                self.finish_paragraph();
                self.lists.push(first);
            }
            Tag::Item => {
                self.finish_paragraph();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}.");
                        *n += 1;
                        marker
                    }
                    _ => "•".to_string(),
                };
                self.marker = Some(marker);
            }
            Tag::FootnoteDefinition(label) => {
                self.finish_paragraph();
                self.marker = Some(format!("[{label}]"));
            }
            Tag::Table(alignments) => {
                self.finish_paragraph();
                self.table = Some(TableState {
                    alignments,
                    rows: Vec::new(),
                    cells: Vec::new(),
                    in_head: false,
                });
            }
            Tag::TableHead => {
                if let Some(table) = &mut self.table {
                    table.in_head = true;
                }
            }
            Tag::TableRow => {}
            Tag::TableCell => {
                self.open_paragraph(TABLE_TEXT);
                if self.table.as_ref().is_some_and(|t| t.in_head) {
                    self.inline.bold += 1;
                }
            }
            Tag::Emphasis => self.inline.italic += 1,
            Tag::Strong => self.inline.bold += 1,
            Tag::Strikethrough => self.inline.strike += 1,
            Tag::Superscript => self.inline.superscript = true,
            Tag::Link { dest_url, .. } => {
                if let Some(url) = absolute_url(self.case_url, &dest_url) {
                    if self.paragraph.is_none() {
                        let style = self.context_style();
                        self.open_paragraph(style);
                    }
                    self.link = Some(Hyperlink::new(url, HyperlinkType::External));
                }
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.image = Some(ImageState {
                    dest: dest_url.to_string(),
                    title: title.to_string(),
                    alt: String::new(),
                });
            }
            Tag::HtmlBlock
            | Tag::Subscript
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::FootnoteDefinition => {
                self.finish_paragraph()
            }
            TagEnd::BlockQuote(_) => {
                self.finish_paragraph();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::List(_) => {
                self.finish_paragraph();
                self.lists.pop();
            }
            TagEnd::TableCell => {
                if self.table.as_ref().is_some_and(|t| t.in_head) {
                    self.inline.bold = self.inline.bold.saturating_sub(1);
                }
                if self.paragraph.is_none() {
                    self.open_paragraph(TABLE_TEXT);
                }
                self.finish_paragraph();
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(table) = &mut self.table {
                    let cells = std::mem::take(&mut table.cells);
                    let mut row = TableRow::new(cells);
                    if table.in_head {
                        row = row.cant_split();
                    }
                    table.rows.push(row);
                    table.in_head = false;
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    let columns = table.alignments.len().max(1);
                    let border = |position| TableBorder::new(position).size(4).color("808080");
                    let borders = TableBorders::new()
                        .set(border(TableBorderPosition::Top))
                        .set(border(TableBorderPosition::Bottom))
                        .set(border(TableBorderPosition::Left))
                        .set(border(TableBorderPosition::Right))
                        .set(border(TableBorderPosition::InsideH))
                        .set(border(TableBorderPosition::InsideV));
                    let width = usize::try_from(cell_width(columns)).unwrap_or(1000);
                    let table = Table::new(table.rows)
                        .set_grid(vec![width; columns])
                        .width(usize::try_from(TEXT_WIDTH).unwrap_or(8306), WidthType::Dxa)
                        .set_borders(borders);
                    self.blocks.push(Block::Table(Box::new(table)));
                    // Word needs a paragraph between two tables; it also spaces the table
                    // from the next paragraph.
                    self.blocks.push(Block::Paragraph(Box::new(
                        Paragraph::new()
                            .style(TABLE_TEXT)
                            .line_spacing(LineSpacing::new().line(120)),
                    )));
                }
            }
            TagEnd::Emphasis => self.inline.italic = self.inline.italic.saturating_sub(1),
            TagEnd::Strong => self.inline.bold = self.inline.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.inline.strike = self.inline.strike.saturating_sub(1),
            TagEnd::Superscript => self.inline.superscript = false,
            TagEnd::Link => {
                if let Some(link) = self.link.take() {
                    if let Some(paragraph) = self.paragraph.take() {
                        self.paragraph = Some(paragraph.add_hyperlink(link));
                    }
                }
            }
            TagEnd::CodeBlock
            | TagEnd::Image
            | TagEnd::HtmlBlock
            | TagEnd::Subscript
            | TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => {}
        }
    }

    /// One paragraph per line, in the monospace Code style, shaded.
    fn code_block(&mut self, code: &str) {
        let code = code.strip_suffix('\n').unwrap_or(code);
        for line in code.split('\n') {
            let line = line.trim_end_matches('\r').replace('\t', "    ");
            let mut paragraph = Paragraph::new().style(CODE);
            if !line.is_empty() {
                paragraph = paragraph.add_run(
                    Run::new()
                        .add_text(line)
                        .shading(Shading::new().fill("F3F5F7")),
                );
            }
            self.blocks.push(Block::Paragraph(Box::new(paragraph)));
        }
    }

    fn embed_image(&mut self, image: ImageState) -> Result<(), DocxError> {
        let caption = if image.title.trim().is_empty() {
            image.alt.trim().to_string()
        } else {
            image.title.trim().to_string()
        };
        let Some(path) = local_file(self.bundle_dir, &image.dest) else {
            // Not a file of the bundle (an absolute URL): the document cannot fetch it.
            self.text(&format!(
                "［图：{}］",
                if caption.is_empty() {
                    &image.dest
                } else {
                    &caption
                }
            ));
            return Ok(());
        };
        let picture = self.images.load(&path)?;
        let had_text = self.paragraph_text;
        if self.paragraph.is_none() {
            let style = self.context_style();
            self.open_paragraph(style);
        }
        let (width, height) = picture.display_emu();
        let pic = Pic::new_with_dimensions(picture.png.to_vec(), picture.width, picture.height)
            .size(width, height);
        self.push_run(Run::new().add_image(pic));
        if let Some(paragraph) = self.paragraph.take() {
            // A figure: no first-line indent.
            self.paragraph =
                Some(paragraph.indent(None, Some(SpecialIndentType::FirstLine(0)), None, None));
        }
        self.paragraph_text = had_text;
        self.caption = Some(caption);
        Ok(())
    }
}

/// Width of one of `columns` equal table columns, in twips.
fn cell_width(columns: usize) -> i32 {
    TEXT_WIDTH / i32::try_from(columns.max(1)).unwrap_or(1)
}

/// Whether `c` is a wide (CJK) character: a soft line break between two of them is dropped,
/// as on the site.
fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// The absolute URL of a link in a case at `case_url`; `None` for a link within the page.
fn absolute_url(case_url: &str, dest: &str) -> Option<String> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with('#') {
        return None;
    }
    if dest.contains(':') && !dest.starts_with('/') && !dest.starts_with('.') {
        let scheme = dest
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        return matches!(scheme.as_str(), "http" | "https" | "mailto" | "ftp" | "tel")
            .then(|| dest.to_string());
    }
    // The site root: scheme and host of the case URL plus its path's first part is the
    // base URL; relative links resolve against the case directory.
    let (origin, path) = split_origin(case_url);
    let joined = if let Some(absolute) = dest.strip_prefix('/') {
        absolute.to_string()
    } else {
        format!("{path}{dest}")
    };
    let mut segments: Vec<&str> = Vec::new();
    let trailing = joined.ends_with('/');
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut url = format!("{origin}/{}", segments.join("/"));
    if trailing && !url.ends_with('/') {
        url.push('/');
    }
    Some(url)
}

/// `https://host/a/b/` → (`https://host`, `a/b/`).
fn split_origin(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => (
            &url[..after_scheme + slash],
            &url[after_scheme + slash + 1..],
        ),
        None => (url, ""),
    }
}

/// The file an image destination names inside the case bundle, or `None` for a URL.
fn local_file(bundle_dir: &Path, dest: &str) -> Option<PathBuf> {
    let dest = dest.trim();
    if dest.is_empty() || dest.contains(':') || dest.starts_with('/') {
        return None;
    }
    let path = dest.split(['?', '#']).next().unwrap_or(dest);
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    crate::fs::join_relative(bundle_dir, &decoded)
}

/// An image ready to embed.
#[derive(Clone)]
struct Picture {
    png: Arc<Vec<u8>>,
    /// Pixel size of the PNG.
    width: u32,
    height: u32,
    /// Size on the page in CSS pixels (an SVG's own size, not its raster's).
    css_width: f32,
    css_height: f32,
}

impl Picture {
    /// Size on the page in EMU: its CSS size at 96 dpi, scaled down to fit the text area.
    fn display_emu(&self) -> (u32, u32) {
        let mut width = f64::from(self.css_width) * EMU_PER_PX as f64;
        let mut height = f64::from(self.css_height) * EMU_PER_PX as f64;
        let scale = (MAX_IMAGE_WIDTH_EMU as f64 / width)
            .min(MAX_IMAGE_HEIGHT_EMU as f64 / height)
            .min(1.0);
        width *= scale;
        height *= scale;
        (width.max(1.0) as u32, height.max(1.0) as u32)
    }
}

/// Loads images once each (a chart may appear twice) and converts them to PNG.
#[derive(Default)]
struct ImageLoader {
    loaded: std::collections::HashMap<PathBuf, Picture>,
}

impl ImageLoader {
    fn load(&mut self, path: &Path) -> Result<Picture, DocxError> {
        if let Some(picture) = self.loaded.get(path) {
            return Ok(picture.clone());
        }
        let bytes = crate::fs::read(path)?;
        let fail = |message: String| DocxError::Image {
            path: path.to_path_buf(),
            message,
        };
        let picture = if let Some((width, height)) = png_size(&bytes) {
            Picture {
                png: Arc::new(bytes),
                width,
                height,
                css_width: width as f32,
                css_height: height as f32,
            }
        } else if is_svg(path, &bytes) {
            svg_to_png(&bytes).map_err(fail)?
        } else {
            let image = image::load_from_memory(&bytes).map_err(|e| fail(e.to_string()))?;
            let mut png = std::io::Cursor::new(Vec::new());
            image
                .write_to(&mut png, image::ImageFormat::Png)
                .map_err(|e| fail(e.to_string()))?;
            Picture {
                png: Arc::new(png.into_inner()),
                width: image.width(),
                height: image.height(),
                css_width: image.width() as f32,
                css_height: image.height() as f32,
            }
        };
        if picture.width == 0 || picture.height == 0 {
            return Err(fail("the image is empty".to_string()));
        }
        self.loaded.insert(path.to_path_buf(), picture.clone());
        Ok(picture)
    }
}

/// Width and height of a PNG file from its IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.get(12..16) != Some(b"IHDR") {
        return None;
    }
    let width = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
    let height = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
    Some((width, height))
}

fn is_svg(path: &Path, bytes: &[u8]) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
        || bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .is_some_and(|i| bytes[i..].starts_with(b"<svg") || bytes[i..].starts_with(b"<?xml"))
}

/// The system's fonts, loaded once, for text in SVG images.
fn font_database() -> Arc<resvg::usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut database = resvg::usvg::fontdb::Database::new();
            database.load_system_fonts();
            // Generic families map to Latin fonts by default; charts label in Chinese.
            let installed = |database: &resvg::usvg::fontdb::Database, name: &str| {
                database
                    .faces()
                    .any(|f| f.families.iter().any(|(family, _)| family == name))
            };
            let sans = [
                "Noto Sans CJK SC",
                "Source Han Sans SC",
                "Microsoft YaHei",
                "PingFang SC",
                "WenQuanYi Micro Hei",
                "SimHei",
            ];
            if let Some(name) = sans.into_iter().find(|n| installed(&database, n)) {
                database.set_sans_serif_family(name);
            }
            let serif = [
                "Noto Serif CJK SC",
                "Source Han Serif SC",
                "SimSun",
                "Songti SC",
            ];
            if let Some(name) = serif.into_iter().find(|n| installed(&database, n)) {
                database.set_serif_family(name);
            }
            Arc::new(database)
        })
        .clone()
}

/// Rasterises an SVG at [`SVG_SCALE`] times its size.
fn svg_to_png(bytes: &[u8]) -> Result<Picture, String> {
    use resvg::{tiny_skia, usvg};
    let options = usvg::Options {
        fontdb: font_database(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(bytes, &options).map_err(|e| e.to_string())?;
    let size = tree.size();
    let width = (size.width() * SVG_SCALE).ceil();
    let height = (size.height() * SVG_SCALE).ceil();
    if !(1.0..=16384.0).contains(&width) || !(1.0..=16384.0).contains(&height) {
        return Err(format!(
            "its size {}×{} is out of range",
            size.width(),
            size.height()
        ));
    }
    let mut pixmap = tiny_skia::Pixmap::new(width as u32, height as u32)
        .ok_or_else(|| "cannot allocate the image".to_string())?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SVG_SCALE, SVG_SCALE),
        &mut pixmap.as_mut(),
    );
    let png = pixmap.encode_png().map_err(|e| e.to_string())?;
    Ok(Picture {
        png: Arc::new(png),
        width: pixmap.width(),
        height: pixmap.height(),
        css_width: size.width(),
        css_height: size.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_absolute() {
        let case = "https://example.org/site/2023/abc/";
        assert_eq!(
            absolute_url(case, "../def/").as_deref(),
            Some("https://example.org/site/2023/def/")
        );
        assert_eq!(
            absolute_url(case, "chart.svg").as_deref(),
            Some("https://example.org/site/2023/abc/chart.svg")
        );
        assert_eq!(absolute_url(case, "#x"), None);
        assert_eq!(absolute_url(case, "javascript:alert(1)"), None);
        assert_eq!(
            absolute_url(case, "https://a.example/").as_deref(),
            Some("https://a.example/")
        );
    }

    #[test]
    fn update_fields_goes_before_compat() {
        let settings = b"<w:settings><w:zoom /><w:compat></w:compat></w:settings>";
        let out = String::from_utf8(with_update_fields(settings)).unwrap();
        assert_eq!(
            out,
            "<w:settings><w:zoom /><w:updateFields w:val=\"true\" /><w:compat></w:compat></w:settings>"
        );
    }

    #[test]
    fn png_size_reads_the_header() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&300u32.to_be_bytes());
        png.extend_from_slice(&200u32.to_be_bytes());
        assert_eq!(png_size(&png), Some((300, 200)));
        assert_eq!(png_size(b"GIF89a"), None);
    }
}
