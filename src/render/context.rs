//! Serializable template contexts. Field names are the theme's API (see ARCHITECTURE.md):
//! every URL is relative to the site root, without a leading slash; templates prefix `root`.

use serde::Serialize;

/// `site` in every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    /// Site title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Language tag.
    pub language: String,
    /// Absolute base URL, ending in `/`.
    pub base_url: String,
}

/// A link: title and URL.
#[derive(Debug, Clone, Serialize)]
pub struct LinkCtx {
    /// Text.
    pub title: String,
    /// Site-relative URL.
    pub url: String,
}

impl LinkCtx {
    /// A link with this text and site-relative URL.
    pub fn new(title: impl Into<String>, url: impl Into<String>) -> LinkCtx {
        LinkCtx {
            title: title.into(),
            url: url.into(),
        }
    }
}

/// A vocabulary term shown on a page.
#[derive(Debug, Clone, Serialize)]
pub struct TermRef {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Site-relative URL of the term page.
    pub url: String,
}

/// A term in a taxonomy list.
#[derive(Debug, Clone, Serialize)]
pub struct TermCtx {
    /// Id, display name and site-relative URL (fields of their own in the template).
    #[serde(flatten)]
    pub term: TermRef,
    /// Number of cases.
    pub count: usize,
    /// Group (industries, regions).
    pub group: Option<String>,
    /// Quota (regions).
    pub quota: Option<u32>,
}

/// A case as shown in lists.
#[derive(Debug, Clone, Serialize)]
pub struct CardCtx {
    /// 典型经验名称.
    pub title: String,
    /// 企业名称.
    pub enterprise: String,
    /// Site-relative URL.
    pub url: String,
    /// Summary.
    pub summary: String,
    /// Year.
    pub year: u16,
    /// 序号.
    pub number: Option<u32>,
    /// Focus area.
    pub area: TermRef,
    /// Region.
    pub region: TermRef,
    /// Tags.
    pub tags: Vec<TermRef>,
}

/// A year in the year switcher.
#[derive(Debug, Clone, Serialize)]
pub struct YearCtx {
    /// Year.
    pub year: u16,
    /// Collection title.
    pub title: String,
    /// Site-relative URL.
    pub url: String,
    /// Number of cases.
    pub count: usize,
}

/// Variables of every page.
#[derive(Debug, Clone, Serialize)]
pub struct BaseCtx<'a> {
    /// The site.
    pub site: &'a SiteCtx,
    /// Relative path from the page to the site root (`./`, `../`, …).
    pub root: String,
    /// `<title>`.
    pub page_title: String,
    /// Meta description.
    pub description: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// This page's site-relative URL.
    pub current: String,
    /// Main navigation.
    pub nav: &'a [LinkCtx],
    /// Years, newest first.
    pub years: &'a [YearCtx],
    /// Breadcrumbs.
    pub breadcrumbs: Vec<LinkCtx>,
    /// Year of the build, for the footer.
    pub build_year: i32,
}
