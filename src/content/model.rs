//! The site model: what the content stage hands to every later stage.
//!
//! Plain data, resolved: vocabulary values are ids, references between files are indices,
//! Markdown is rendered. Nothing here reads files or knows about templates.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::config::SiteConfig;
use crate::content::front_matter::Private;
use crate::markdown::Rendered;
use crate::vocab::Vocabulary;

/// One published experience (典型经验) of one enterprise.
#[derive(Debug, Clone)]
pub struct Case {
    /// Site-relative path of the source, e.g. `content/2023/某某公司/index.md`.
    pub source: PathBuf,
    /// Directory of the page bundle (absolute or relative to the working directory).
    pub bundle_dir: PathBuf,
    /// Collection year.
    pub year: u16,
    /// URL segment.
    pub slug: String,
    /// Site-relative URL, e.g. `2023/heng-xin/`.
    pub url: String,
    /// 典型经验名称.
    pub title: String,
    /// 企业名称.
    pub enterprise: String,
    /// Official 序号.
    pub number: Option<u32>,
    /// Summary for lists and search.
    pub summary: String,
    /// 入选 / 推荐.
    pub status: Option<String>,
    /// 国家级 / 省级 / 市级 (the site's default when absent).
    pub level: String,
    /// Publication date.
    pub date: Option<NaiveDate>,
    /// Focus area id.
    pub area: String,
    /// Region id.
    pub region: String,
    /// Industry ids.
    pub industries: Vec<String>,
    /// Method ids.
    pub methods: Vec<String>,
    /// Free tags, as written.
    pub tags: Vec<String>,
    /// Old site-relative URLs that redirect here.
    pub aliases: Vec<String>,
    /// Unpublished.
    pub draft: bool,
    /// Private application data: for checks and the private export only.
    pub private: Option<Private>,
    /// Rendered body.
    pub content: Rendered,
    /// Files of the bundle other than `index.md`, relative to `bundle_dir`, with `/`.
    pub assets: Vec<String>,
}

impl Case {
    /// The order of [`Site::cases`]: newest year first, then 序号 (cases without one last),
    /// then slug.
    pub fn site_order(&self, other: &Case) -> std::cmp::Ordering {
        other
            .year
            .cmp(&self.year)
            .then(
                self.number
                    .unwrap_or(u32::MAX)
                    .cmp(&other.number.unwrap_or(u32::MAX)),
            )
            .then(self.slug.cmp(&other.slug))
    }
}

/// A year's collection (`content/<year>/_index.md`).
#[derive(Debug, Clone)]
pub struct Collection {
    /// The year.
    pub year: u16,
    /// Site-relative URL, `2023/`.
    pub url: String,
    /// Title.
    pub title: String,
    /// Publication date.
    pub date: Option<NaiveDate>,
    /// One sentence.
    pub summary: Option<String>,
    /// Rendered intro.
    pub content: Rendered,
    /// Source file, if the year has an `_index.md`.
    pub source: Option<PathBuf>,
}

/// A case discussed in a workshop.
#[derive(Debug, Clone)]
pub struct WorkshopEntry {
    /// Index into [`Site::cases`].
    pub case: usize,
    /// The trainer's note.
    pub note: Option<String>,
}

/// A trainer's curated collection (`content/workshops/<slug>.md`).
#[derive(Debug, Clone)]
pub struct Workshop {
    /// Source file, URL (`workshops/<slug>/`), title, one sentence and the rendered notes.
    pub page: Page,
    /// Date.
    pub date: Option<NaiveDate>,
    /// Trainer.
    pub trainer: Option<String>,
    /// Place.
    pub place: Option<String>,
    /// Agenda lines.
    pub agenda: Vec<String>,
    /// Cases with notes.
    pub entries: Vec<WorkshopEntry>,
}

/// An exchange event (`content/activities/<slug>.md`).
#[derive(Debug, Clone)]
pub struct Activity {
    /// Source file, URL (`activities/<slug>/`), title, one sentence and the rendered body.
    pub page: Page,
    /// 交流活动 / 现场观摩 / 培训 / 移植推广试点.
    pub kind: String,
    /// Date.
    pub date: Option<NaiveDate>,
    /// Place.
    pub place: Option<String>,
    /// Index of the host case.
    pub host: Option<usize>,
    /// Indices of featured cases.
    pub cases: Vec<usize>,
}

/// Any other page (`content/about.md` → `about/`); also what a workshop and an activity
/// are as pages ([`Workshop::page`], [`Activity::page`]).
#[derive(Debug, Clone)]
pub struct Page {
    /// Source file.
    pub source: PathBuf,
    /// Site-relative URL.
    pub url: String,
    /// Title.
    pub title: String,
    /// Description.
    pub summary: Option<String>,
    /// Rendered body.
    pub content: Rendered,
}

/// A file outside case bundles copied as is (e.g. an image next to `about.md`).
#[derive(Debug, Clone)]
pub struct Asset {
    /// Where to read it.
    pub source: PathBuf,
    /// Site-relative output path.
    pub path: String,
}

/// The whole site, loaded and resolved.
#[derive(Debug, Clone)]
pub struct Site {
    /// The configuration.
    pub config: SiteConfig,
    /// Vocabulary in force per year that has content.
    pub vocabularies: BTreeMap<u16, Vocabulary>,
    /// Year collections, newest first.
    pub collections: Vec<Collection>,
    /// Cases, newest year first, then by 序号 (drafts included until [`Site::without_drafts`]).
    pub cases: Vec<Case>,
    /// Workshops, by date descending.
    pub workshops: Vec<Workshop>,
    /// Activities, by date descending.
    pub activities: Vec<Activity>,
    /// Other pages, by URL.
    pub pages: Vec<Page>,
    /// Loose files copied as they are.
    pub assets: Vec<Asset>,
}

impl Site {
    /// The site without draft cases: references to them from workshops and activities are
    /// dropped, and the indices of the others remapped.
    pub fn without_drafts(mut self) -> Site {
        if !self.cases.iter().any(|c| c.draft) {
            return self;
        }
        let mut remap = Vec::with_capacity(self.cases.len());
        let mut next = 0;
        for case in &self.cases {
            remap.push((!case.draft).then(|| {
                next += 1;
                next - 1
            }));
        }
        self.cases.retain(|c| !c.draft);
        for workshop in &mut self.workshops {
            workshop.entries = workshop
                .entries
                .drain(..)
                .filter_map(|mut e| {
                    e.case = remap[e.case]?;
                    Some(e)
                })
                .collect();
        }
        for activity in &mut self.activities {
            activity.host = activity.host.and_then(|h| remap[h]);
            activity.cases = activity.cases.iter().filter_map(|c| remap[*c]).collect();
        }
        self
    }

    /// Every page of a Markdown file other than a case or a year's `_index.md`: the other
    /// pages, then the workshops', then the activities'.
    pub fn all_pages(&self) -> impl Iterator<Item = &Page> {
        let workshops = self.workshops.iter().map(|w| &w.page);
        let activities = self.activities.iter().map(|a| &a.page);
        self.pages.iter().chain(workshops).chain(activities)
    }

    /// The vocabulary of `year` (built from the configuration if the year has no content).
    pub fn vocabulary(&self, year: u16) -> Vocabulary {
        self.vocabularies
            .get(&year)
            .cloned()
            .unwrap_or_else(|| self.config.vocabulary(year))
    }
}
