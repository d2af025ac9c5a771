//! Full-text search: the tantivy index, the query language, snippets, the static export for
//! the published site, and related cases.
//!
//! Data flow: the site builder turns every public case into a [`SearchDoc`] (never any
//! `private:` data) → [`build_index`] writes one tantivy index (in segments) →
//! [`SearchIndex::search`] answers `biaogan search` and `serve`'s `/api/search`;
//! [`export_to`] writes the same terms, postings (with positions), field norms and
//! statistics as sharded script files under `public/search/`, which
//! `templates/static/search.js` loads on demand and scores exactly like
//! [`SearchIndex::search`]; [`related`] computes related cases at build time.
//!
//! Ranking is tantivy's BM25 per (query term, field) — title boosted ×3, enterprise ×2 —
//! summed in a canonical order: fields title, enterprise, summary, headings, body within a
//! query term, then query terms in query order, all in `f32`. (tantivy's own `BooleanQuery`
//! adds the same numbers in an order that depends on its internal buffering, which could
//! differ in the last bit; the canonical order lets the browser reproduce scores bit for
//! bit.) Ties are broken by URL.
//!
//! Only this module imports tantivy.

mod export;
mod first_page;
mod index;
pub mod query;
mod related;
pub mod snippet;
pub mod tokenizer;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use export::{export_to, ExportOptions, ExportStats};
pub use first_page::query_files;
pub use index::{
    build_index, build_index_in_memory, build_index_in_memory_owned, build_index_owned, SearchIndex,
};
pub use related::related;

/// Names of the text fields, in canonical (scoring) order.
pub const TEXT_FIELDS: [&str; 5] = ["title", "enterprise", "summary", "headings", "body"];
/// BM25 boost of each text field, in [`TEXT_FIELDS`] order.
pub const BOOSTS: [f32; 5] = [3.0, 2.0, 1.0, 1.0, 1.0];
/// Facet names, as used in [`Filters`], URLs (`?area=…`) and the static export.
pub const FACETS: [&str; 6] = ["year", "area", "region", "industry", "method", "tag"];

/// One public case as the search index sees it. Nothing private may ever be put here.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchDoc {
    /// Site-relative URL of the case page, e.g. `2023/heng-xin/`.
    pub url: String,
    /// 典型经验名称.
    pub title: String,
    /// 企业名称.
    pub enterprise: String,
    /// One to three sentences.
    pub summary: String,
    /// Section headings.
    pub headings: Vec<String>,
    /// Plain text of the body, paragraphs separated by `'\n'`.
    pub body: String,
    /// Collection year.
    pub year: u16,
    /// Focus area id.
    pub area: String,
    /// Region id.
    pub region: String,
    /// Industry ids.
    pub industries: Vec<String>,
    /// Method ids.
    pub methods: Vec<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Publication date as the number `YYYYMMDD` (e.g. `20230918`), 0 when the case has
    /// none. [`Sort::Date`] orders by it; an undated case sorts as the first day of its year.
    #[serde(default)]
    pub date: u32,
}

/// The key [`Sort::Date`] orders by: the document's date, or `year·10000` (before every
/// date of that year) when it has none.
pub fn date_key(doc: &SearchDoc) -> u32 {
    if doc.date > 0 {
        doc.date
    } else {
        u32::from(doc.year) * 10_000
    }
}

/// Result order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Descending score, ties by URL.
    #[default]
    Relevance,
    /// Newest first ([`date_key`] descending), then descending score, then URL.
    Date,
}

impl Sort {
    /// The URL/CLI spelling: `relevance` or `date`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Date => "date",
        }
    }
}

impl std::str::FromStr for Sort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "relevance" => Ok(Sort::Relevance),
            "date" => Ok(Sort::Date),
            other => Err(format!("unknown sort {other:?}: use relevance or date")),
        }
    }
}

/// Exact facet filters. Within a facet, several values mean *any of* them; across facets,
/// *all of* them; an empty list means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    /// Collection years.
    pub year: Vec<u16>,
    /// Focus area ids.
    pub area: Vec<String>,
    /// Region ids.
    pub region: Vec<String>,
    /// Industry ids (the case lists one of them among its industries).
    pub industry: Vec<String>,
    /// Method ids.
    pub method: Vec<String>,
    /// Tags.
    pub tag: Vec<String>,
}

impl Filters {
    /// `(facet name, values)` of every facet with at least one value, in [`FACETS`] order.
    pub fn groups(&self) -> Vec<(&'static str, Vec<String>)> {
        let mut out = Vec::new();
        if !self.year.is_empty() {
            out.push(("year", self.year.iter().map(u16::to_string).collect()));
        }
        let rest = [
            ("area", &self.area),
            ("region", &self.region),
            ("industry", &self.industry),
            ("method", &self.method),
            ("tag", &self.tag),
        ];
        for (name, values) in rest {
            if !values.is_empty() {
                out.push((name, values.clone()));
            }
        }
        out
    }

    /// Adds `value` to the facet `name` (one of [`FACETS`]); returns false, changing
    /// nothing, for an unknown facet or a year that is not a number.
    pub fn push(&mut self, name: &str, value: String) -> bool {
        let list = match name {
            "year" => {
                return match value.parse() {
                    Ok(y) => {
                        self.year.push(y);
                        true
                    }
                    Err(_) => false,
                }
            }
            "area" => &mut self.area,
            "region" => &mut self.region,
            "industry" => &mut self.industry,
            "method" => &mut self.method,
            "tag" => &mut self.tag,
            _ => return false,
        };
        list.push(value);
        true
    }

    /// True when no filter is set.
    pub fn is_empty(&self) -> bool {
        self.groups().is_empty()
    }
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Site-relative URL of the case, as in [`SearchDoc::url`].
    pub url: String,
    /// Case title.
    pub title: String,
    /// Enterprise name.
    pub enterprise: String,
    /// BM25 score (see the module docs); 0 for filter-only queries.
    pub score: f32,
    /// HTML-escaped text around the first match with matches wrapped in `<mark>`.
    pub snippet: String,
}

/// Errors of the search module; each names the file or directory involved.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Reading or writing a file failed.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// tantivy failed on the index in `path`.
    #[error("search index {path}: {source}")]
    Tantivy {
        /// The index directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: tantivy::TantivyError,
    },
    /// The directory does not hold an index built by this version of biaogan.
    #[error("{path} is not a biaogan search index ({reason}); run `biaogan build` to recreate it")]
    Incompatible {
        /// The index directory.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The directory exists, is not empty and was not created by biaogan.
    #[error("refusing to overwrite {path}: it is not empty and was not created by biaogan")]
    NotOurs {
        /// The directory.
        path: PathBuf,
    },
    /// A signal asked to stop while the index was being written.
    #[error("stopped by signal {signal} while writing the search index")]
    Cancelled {
        /// The signal number.
        signal: i32,
    },
    /// Two documents share a URL.
    #[error("two search documents have the same url {url:?}")]
    DuplicateUrl {
        /// The URL.
        url: String,
    },
}

/// A failure of [`crate::fs`] (which names its path) as this module's: an I/O error keeps its
/// path and cause; anything else keeps its message, at `fallback`.
pub(crate) fn fs_error(error: crate::error::Error, fallback: &std::path::Path) -> SearchError {
    match error {
        crate::error::Error::Io { path, source, .. } => SearchError::Io { path, source },
        other => SearchError::Io {
            path: fallback.to_path_buf(),
            source: std::io::Error::other(other.to_string()),
        },
    }
}

impl From<SearchError> for crate::error::Error {
    fn from(error: SearchError) -> Self {
        crate::error::Error::Search(Box::new(error))
    }
}

impl SearchError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> SearchError {
        let path = path.into();
        move |source| SearchError::Io { path, source }
    }

    pub(crate) fn tantivy(
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(tantivy::TantivyError) -> SearchError {
        let path = path.into();
        move |source| SearchError::Tantivy { path, source }
    }
}
