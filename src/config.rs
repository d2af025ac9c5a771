//! Site configuration: `site.yaml`.
//!
//! Owns the settings of a site and the vocabulary in force for each year (built-in defaults
//! merged with the site's overrides). Reads nothing but `site.yaml`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Diagnostic, Error, Result};
use crate::vocab::{Kind, Term, Vocabulary};
use crate::yaml::YamlSource;

/// Name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.yaml";

/// Lists that override or extend the built-in vocabulary: a term with an existing id
/// replaces it, a new id is appended.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VocabularyOverrides {
    /// 重点领域.
    #[serde(default)]
    pub areas: Vec<Term>,
    /// 地区 (with `quota`).
    #[serde(default)]
    pub regions: Vec<Term>,
    /// 行业.
    #[serde(default)]
    pub industries: Vec<Term>,
    /// 方法.
    #[serde(default)]
    pub methods: Vec<Term>,
}

/// Settings of one collection year.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearConfig {
    /// This year's own focus areas: replaces the site's list for the year.
    #[serde(default)]
    pub areas: Option<Vec<Term>>,
    /// Quota overrides for this year, region id → maximum.
    #[serde(default)]
    pub quotas: BTreeMap<String, u32>,
}

/// The parsed `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Site title, e.g. `河南省质量标杆典型经验`.
    pub title: String,
    /// One-sentence description for search engines and feeds.
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published at; used only where absolute URLs are required
    /// (feeds, sitemap, canonical links, QR codes).
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Language tag of the site.
    #[serde(default = "default_language")]
    pub language: String,
    /// Issuing body named on the cover of the yearly compilation (典型经验汇编), e.g.
    /// `河南省工业和信息化厅`; the site title when absent.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Default level of the collection's cases: 国家级 / 省级 / 市级.
    #[serde(default = "default_level")]
    pub level: String,
    /// Whether region quotas are enforced (a generated benchmark corpus turns this off).
    #[serde(default = "default_true")]
    pub enforce_quotas: bool,
    /// Overrides and extensions of the built-in vocabulary.
    #[serde(default)]
    pub vocabularies: VocabularyOverrides,
    /// Per-year settings.
    #[serde(default)]
    pub years: BTreeMap<u16, YearConfig>,
    /// Phrase-level pinyin readings for slugs, e.g. `长垣: chang yuan`.
    #[serde(default)]
    pub pinyin: BTreeMap<String, String>,
    /// Cases per page of year and taxonomy term lists.
    #[serde(default = "default_paginate_by")]
    pub paginate_by: usize,
}

/// Default number of cases per list page (`paginate_by` in `site.yaml`).
pub const DEFAULT_PAGE_SIZE: usize = 50;

fn default_paginate_by() -> usize {
    DEFAULT_PAGE_SIZE
}

fn default_base_url() -> String {
    "https://example.org/".to_string()
}
fn default_language() -> String {
    "zh-CN".to_string()
}
fn default_level() -> String {
    "省级".to_string()
}
fn default_true() -> bool {
    true
}

impl SiteConfig {
    /// Reads `site.yaml` from the site root.
    pub fn load(root: &Path) -> Result<SiteConfig> {
        let path = root.join(CONFIG_FILE);
        if !path.is_file() {
            return Err(Error::NotASite {
                root: root.to_path_buf(),
                missing: CONFIG_FILE,
            });
        }
        let bytes = crate::fs::read(&path)?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::Content(vec![Diagnostic::error(
                "encoding",
                CONFIG_FILE,
                format!(
                    "{CONFIG_FILE} is not valid UTF-8 (byte {})",
                    e.utf8_error().valid_up_to()
                ),
            )
            .help("save the file as UTF-8")])
        })?;
        SiteConfig::parse(&text).map_err(|d| Error::Content(vec![d]))
    }

    /// Parses the text of `site.yaml`.
    pub fn parse(text: &str) -> std::result::Result<SiteConfig, Diagnostic> {
        let source = YamlSource {
            file: Path::new(CONFIG_FILE),
            file_text: text,
            text,
            first_line: 1,
        };
        let mut config: SiteConfig = source.parse("site.yaml")?;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
            return Err(source.key_diagnostic(
                "config",
                "base_url",
                format!("base_url `{}` is not an absolute http(s) URL", config.base_url),
            )
            .help("write the address the site will be published at, e.g. `https://example.org/quality/`"));
        }
        if config.paginate_by == 0 {
            return Err(source
                .key_diagnostic(
                    "config",
                    "paginate_by",
                    "paginate_by must be at least 1".to_string(),
                )
                .help(format!(
                    "remove it for the default of {}",
                    DEFAULT_PAGE_SIZE
                )));
        }
        Ok(config)
    }

    /// The vocabulary in force for `year`.
    pub fn vocabulary(&self, year: u16) -> Vocabulary {
        let mut vocab = Vocabulary::builtin();
        let overrides = &self.vocabularies;
        for (kind, list) in [
            (Kind::Areas, &overrides.areas),
            (Kind::Regions, &overrides.regions),
            (Kind::Industries, &overrides.industries),
            (Kind::Methods, &overrides.methods),
        ] {
            if let Some(terms) = vocab.terms_mut(kind) {
                merge_terms(terms, list);
            }
        }
        if let Some(year_config) = self.years.get(&year) {
            if let Some(areas) = &year_config.areas {
                vocab.areas = areas.clone();
            }
            for (region, quota) in &year_config.quotas {
                if let Some(term) = vocab.regions.iter_mut().find(|t| &t.id == region) {
                    term.quota = Some(*quota);
                }
            }
        }
        vocab
    }
}

fn merge_terms(terms: &mut Vec<Term>, overrides: &[Term]) {
    for term in overrides {
        match terms.iter_mut().find(|t| t.id == term.id) {
            Some(existing) => *existing = term.clone(),
            None => terms.push(term.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_overrides_areas_and_quotas() {
        let config = SiteConfig::parse(
            "title: T\nvocabularies:\n  methods:\n    - {id: kaizen, name: 改善}\nyears:\n  2024:\n    areas:\n      - {id: brand, name: 品牌建设}\n    quotas: {zhengzhou: 12}\n",
        )
        .unwrap();
        let v2023 = config.vocabulary(2023);
        let v2024 = config.vocabulary(2024);
        assert_eq!(v2023.areas.len(), 5);
        assert_eq!(v2024.areas.len(), 1);
        assert!(v2024.resolve(Kind::Methods, "改善").is_some());
        assert_eq!(
            v2024
                .resolve(Kind::Regions, "zhengzhou")
                .and_then(|t| t.quota),
            Some(12)
        );
        assert_eq!(
            v2023
                .resolve(Kind::Regions, "zhengzhou")
                .and_then(|t| t.quota),
            Some(10)
        );
    }

    #[test]
    fn unknown_key_has_a_hint() {
        let error = SiteConfig::parse("title: T\nbase_ulr: https://x/\n").unwrap_err();
        assert_eq!(error.line, 2);
        assert_eq!(error.code, "unknown-key");
        assert_eq!(error.help.as_deref(), Some("did you mean `base_url`?"));
    }
}
