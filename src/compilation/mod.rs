//! The yearly compilation (典型经验汇编): one year's published cases in print order, as a
//! Word document ([`docx`]) and as the printable page `/<year>/compilation/` (rendered by
//! `render` from [`Compilation`] and [`page_html`]).
//!
//! Owns what both outputs share: which cases are included (the year's published cases,
//! never drafts), their order (official 序号 `number:`, then region in vocabulary order,
//! then enterprise), the cover fields, and the names of each case's terms. Never reads a
//! case's `private:` block.

pub mod docx;
mod page;

use chrono::NaiveDate;
use serde::Serialize;

use crate::content::{Case, Site};
use crate::vocab::{Kind, Vocabulary};

pub use page::{label_tables, page_html};

/// One case of the compilation with its terms' display names.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The case (its `private` field is never read here or by the writers).
    pub case: &'a Case,
    /// Position of the case in [`Site::cases`].
    pub index: usize,
    /// Name of the region, e.g. `洛阳市`.
    pub region: String,
    /// Name of the focus area.
    pub area: String,
    /// Names of the industries.
    pub industries: Vec<String>,
    /// Names of the methods.
    pub methods: Vec<String>,
}

/// The cover of a year's compilation, the same on the Word document and the page (where it
/// is a part of the template context: `year`, `title`, … stand beside `cases`).
#[derive(Debug, Clone, Serialize)]
pub struct Cover {
    /// Collection year.
    pub year: u16,
    /// Document title, e.g. `2023年质量标杆典型经验汇编`.
    pub title: String,
    /// Site title (`site.yaml` `title`).
    pub site_title: String,
    /// Issuing body (`site.yaml` `publisher`, else the site title).
    pub publisher: String,
    /// Whether `publisher` was set in `site.yaml` (the cover then names it separately).
    pub has_publisher: bool,
    /// Publication date of the year's collection, if given (`YYYY-MM-DD` in the context).
    #[serde(serialize_with = "serialize_date")]
    pub date: Option<NaiveDate>,
}

/// A [`Cover::date`] as `YYYY-MM-DD`, or null.
fn serialize_date<S: serde::Serializer>(
    date: &Option<NaiveDate>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    date.map(|d| d.format("%Y-%m-%d").to_string())
        .serialize(serializer)
}

/// A year's compilation: cover fields and the cases in print order.
#[derive(Debug, Clone)]
pub struct Compilation<'a> {
    /// Year, titles, issuing body and date.
    pub cover: Cover,
    /// The year's published cases in print order.
    pub entries: Vec<Entry<'a>>,
}

/// URL segment of the compilation page below the year's URL (`2023/compilation/`).
pub const PAGE_SEGMENT: &str = "compilation/";

/// The document title of a year's compilation.
pub fn title(year: u16) -> String {
    format!("{year}年质量标杆典型经验汇编")
}

/// The published cases of `year` (drafts excluded, even if `site` still holds them), as
/// indices into `site.cases`, in print order: by official 序号 (cases without one last),
/// then region in vocabulary order, then enterprise name, then title.
pub fn order(site: &Site, year: u16) -> Vec<usize> {
    let vocab = site.vocabulary(year);
    let region_position = |id: &str| vocab.position(Kind::Regions, id);
    let mut indices: Vec<usize> = site
        .cases
        .iter()
        .enumerate()
        .filter(|(_, c)| c.year == year && !c.draft)
        .map(|(i, _)| i)
        .collect();
    indices.sort_by(|&a, &b| {
        let (a, b) = (&site.cases[a], &site.cases[b]);
        let number = |c: &Case| (c.number.is_none(), c.number.unwrap_or(0));
        number(a)
            .cmp(&number(b))
            .then_with(|| region_position(&a.region).cmp(&region_position(&b.region)))
            .then_with(|| a.region.cmp(&b.region))
            .then_with(|| a.enterprise.cmp(&b.enterprise))
            .then_with(|| a.title.cmp(&b.title))
    });
    indices
}

/// The compilation of `year`: `None` when the year has no published case.
pub fn compilation(site: &Site, year: u16) -> Option<Compilation<'_>> {
    let indices = order(site, year);
    if indices.is_empty() {
        return None;
    }
    let vocab = site.vocabulary(year);
    let entries = indices
        .into_iter()
        .map(|index| {
            let case = &site.cases[index];
            Entry {
                case,
                index,
                region: name_of(&vocab, Kind::Regions, &case.region),
                area: name_of(&vocab, Kind::Areas, &case.area),
                industries: case
                    .industries
                    .iter()
                    .map(|id| name_of(&vocab, Kind::Industries, id))
                    .collect(),
                methods: case
                    .methods
                    .iter()
                    .map(|id| name_of(&vocab, Kind::Methods, id))
                    .collect(),
            }
        })
        .collect();
    let collection = site.collections.iter().find(|c| c.year == year);
    let config = &site.config;
    Some(Compilation {
        cover: Cover {
            year,
            title: title(year),
            site_title: config.title.clone(),
            publisher: config
                .publisher
                .clone()
                .unwrap_or_else(|| config.title.clone()),
            has_publisher: config.publisher.is_some(),
            date: collection.and_then(|c| c.date),
        },
        entries,
    })
}

fn name_of(vocab: &Vocabulary, kind: Kind, id: &str) -> String {
    vocab
        .resolve(kind, id)
        .map_or_else(|| id.to_string(), |t| t.name.clone())
}

/// Prefix of the element ids of a case on the compilation page (`c<position>-`): every case
/// has headings such as 企业概况, and ids must be unique on one page.
pub fn id_prefix(position: usize) -> String {
    format!("c{}-", position + 1)
}

/// One case on the compilation page: public fields only.
#[derive(Debug, Clone, Serialize)]
pub struct PageCase {
    /// Position in print order, from 1.
    pub position: usize,
    /// Element id of the case's section.
    pub id: String,
    /// Title.
    pub title: String,
    /// Enterprise.
    pub enterprise: String,
    /// Official 序号.
    pub number: Option<u32>,
    /// Region name.
    pub region: String,
    /// Focus area name.
    pub area: String,
    /// Industry names.
    pub industries: Vec<String>,
    /// Method names.
    pub methods: Vec<String>,
    /// Summary.
    pub summary: String,
    /// Site-relative URL of the case page.
    pub url: String,
    /// The body, with ids prefixed and relative URLs rebased onto the compilation page.
    pub content: String,
    /// Level-2 headings of the body: (id, text) after prefixing.
    pub sections: Vec<PageSection>,
}

/// A section heading of a case, for the page's table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct PageSection {
    /// Element id on the compilation page.
    pub id: String,
    /// Heading text.
    pub text: String,
}

/// The template context of the compilation page: cover fields and every case in full.
#[derive(Debug, Clone, Serialize)]
pub struct PageContext {
    /// Year, titles, issuing body and date.
    #[serde(flatten)]
    pub cover: Cover,
    /// The cases in print order.
    pub cases: Vec<PageCase>,
}

impl Compilation<'_> {
    /// The context of the compilation page at `page_url` (site-relative, e.g.
    /// `2023/compilation/`).
    pub fn page_context(&self, page_url: &str) -> PageContext {
        let cases = self
            .entries
            .iter()
            .enumerate()
            .map(|(position, entry)| {
                let case = entry.case;
                let prefix = id_prefix(position);
                let base = relative_base(page_url, &case.url);
                PageCase {
                    position: position + 1,
                    id: format!("{prefix}case"),
                    title: case.title.clone(),
                    enterprise: case.enterprise.clone(),
                    number: case.number,
                    region: entry.region.clone(),
                    area: entry.area.clone(),
                    industries: entry.industries.clone(),
                    methods: entry.methods.clone(),
                    summary: case.summary.clone(),
                    url: case.url.clone(),
                    content: label_tables(
                        &page_html(&case.content.html, &prefix, &base),
                        position + 1,
                    ),
                    sections: case
                        .content
                        .headings
                        .iter()
                        .filter(|h| h.level <= 2)
                        .map(|h| PageSection {
                            id: format!("{prefix}{}", h.id),
                            text: h.text.clone(),
                        })
                        .collect(),
                }
            })
            .collect();
        PageContext {
            cover: self.cover.clone(),
            cases,
        }
    }
}

impl PageContext {
    /// The context as a JSON value, every case's body moved into it rather than copied (the
    /// bodies of a year are ~25 MB at 10,000 cases).
    pub fn into_json(self) -> serde_json::Value {
        let PageContext { cover, cases } = self;
        let mut value = serde_json::to_value(PageContext {
            cover,
            cases: Vec::new(),
        })
        .unwrap_or_default();
        let cases = cases.into_iter().map(PageCase::into_json).collect();
        value["cases"] = serde_json::Value::Array(cases);
        value
    }
}

impl PageCase {
    fn into_json(mut self) -> serde_json::Value {
        let content = std::mem::take(&mut self.content);
        let mut value = serde_json::to_value(&self).unwrap_or_default();
        value["content"] = serde_json::Value::String(content);
        value
    }
}

/// The relative URL from the page at `from` to the directory `to` (both site-relative
/// directory URLs ending in `/`): `2023/compilation/` → `2023/abc/` is `../abc/`.
pub fn relative_base(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    for segment in &to[common..] {
        out.push_str(segment);
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_bases() {
        assert_eq!(relative_base("2023/compilation/", "2023/abc/"), "../abc/");
        assert_eq!(
            relative_base("2023/compilation/", "2024/abc/"),
            "../../2024/abc/"
        );
        assert_eq!(relative_base("", "2023/abc/"), "2023/abc/");
    }
}
