//! The stages every command runs, written once: `build`, `serve`'s full builds, `check` and
//! the exports call these functions and differ only in where the output goes and what the
//! build cache lends.
//!
//! 1. [`load_and_check`]: `site.yaml` → content (front matter, Markdown) → taxonomies → the
//!    site-wide checks → the record of published URLs. Never writes; returns the model, drafts
//!    included, and every diagnostic ([`Checked`]).
//! 2. [`Checked::publish`]: any error ends here ([`crate::error::fail_on_errors`]); drafts are
//!    left out unless asked for.
//! 3. [`run`]: search documents → related cases → the pages on one side, the tantivy index
//!    on the other → the static search export. Every file goes through one [`Output`] (disk or
//!    memory); the index goes to a directory or stays in memory.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cache::PageReuse;
use crate::check;
use crate::config::SiteConfig;
use crate::content::{self, LoadOptions, Site};
use crate::error::{display_path, fail_on_errors, sort_diagnostics, Diagnostic, Result};
use crate::fs::Output;
use crate::markdown::{Highlighter, Markdown};
use crate::render::{self, RenderInput, RenderStats, Theme};
use crate::search::{self, ExportOptions, SearchDoc, SearchIndex};
use crate::taxonomy::{self, Taxonomy};

/// A loaded and checked site.
#[derive(Debug)]
pub struct Checked {
    /// The model, drafts included.
    pub site: Site,
    /// Taxonomies of the model.
    pub taxonomies: Vec<Taxonomy>,
    /// Everything found, errors and warnings, sorted ([`sort_diagnostics`]).
    pub diagnostics: Vec<Diagnostic>,
    /// What the site-wide checks found (also in `diagnostics`): a preview runs them again
    /// after an edit and keeps the rest.
    pub check_diagnostics: Vec<Diagnostic>,
}

/// A checked site without errors, as it is published.
#[derive(Debug)]
pub struct Published {
    /// The site, drafts left out unless asked for.
    pub site: Site,
    /// Its taxonomies.
    pub taxonomies: Vec<Taxonomy>,
    /// The warnings, sorted.
    pub warnings: Vec<Diagnostic>,
}

impl Checked {
    /// The site to publish, drafts included only if `drafts`; [`crate::Error::Content`] with
    /// every diagnostic if any is an error.
    pub fn publish(self, drafts: bool) -> Result<Published> {
        let warnings = fail_on_errors(self.diagnostics)?;
        let (site, taxonomies) = if drafts || !has_drafts(&self.site) {
            (self.site, self.taxonomies)
        } else {
            without_drafts(self.site)
        };
        Ok(Published {
            site,
            taxonomies,
            warnings,
        })
    }
}

/// Whether any case of `site` is a draft.
fn has_drafts(site: &Site) -> bool {
    site.cases.iter().any(|c| c.draft)
}

/// `site` without its drafts, and its taxonomies.
fn without_drafts(site: Site) -> (Site, Vec<Taxonomy>) {
    let site = site.without_drafts();
    let taxonomies = taxonomy::build(&site);
    (site, taxonomies)
}

/// Loads `root` and runs every check. Never writes anything.
pub fn load_and_check(
    root: &Path,
    base_url: Option<&str>,
    highlighter: &Highlighter,
) -> Result<Checked> {
    load_and_check_with(root, base_url, &Markdown::new(highlighter))
}

/// [`load_and_check`] with Markdown rendered by `markdown` (e.g. through the build cache).
pub fn load_and_check_with(
    root: &Path,
    base_url: Option<&str>,
    markdown: &Markdown<'_>,
) -> Result<Checked> {
    let config = load_config(root, base_url)?;
    let (site, mut diagnostics) =
        content::load(root, &config, LoadOptions { drafts: true }, markdown)?;
    let taxonomies = taxonomy::build(&site);
    let check_diagnostics = check::check_site(root, &site, &taxonomies);
    diagnostics.extend(check_diagnostics.iter().cloned());
    let published = crate::published::check_site(root, &site, &diagnostics)?;
    diagnostics.extend(published);
    sort_diagnostics(&mut diagnostics);
    Ok(Checked {
        site,
        taxonomies,
        diagnostics,
        check_diagnostics,
    })
}

/// Reads `site.yaml`, with `base_url` (if given) overriding its `base_url`.
pub fn load_config(root: &Path, base_url: Option<&str>) -> Result<SiteConfig> {
    let mut config = SiteConfig::load(root)?;
    if let Some(base_url) = base_url {
        config.base_url = if base_url.ends_with('/') {
            base_url.to_string()
        } else {
            format!("{base_url}/")
        };
    }
    Ok(config)
}

/// The search documents of the published cases, sorted by URL, and for each document the
/// index of its case in `site.cases`. Only public fields are copied: never `private`.
///
/// The plain text of each case body moves into its document (`Case::content.text` is left
/// empty): nothing after this stage reads it, and at 10,000 cases it is ~240 MB that would
/// otherwise be held twice.
pub fn search_docs(site: &mut Site) -> (Vec<SearchDoc>, Vec<usize>) {
    let mut order: Vec<usize> = (0..site.cases.len()).collect();
    order.sort_by(|a, b| site.cases[*a].url.cmp(&site.cases[*b].url));
    let docs = order
        .iter()
        .map(|i| {
            let case = &mut site.cases[*i];
            SearchDoc {
                url: case.url.clone(),
                title: case.title.clone(),
                enterprise: case.enterprise.clone(),
                summary: case.summary.clone(),
                headings: case
                    .content
                    .headings
                    .iter()
                    .map(|h| h.text.clone())
                    .collect(),
                body: std::mem::take(&mut case.content.text),
                year: case.year,
                area: case.area.clone(),
                region: case.region.clone(),
                industries: case.industries.clone(),
                methods: case.methods.clone(),
                tags: case.tags.clone(),
                date: case.date.map_or(0, |d| {
                    use chrono::Datelike;
                    d.year().unsigned_abs() * 10_000 + d.month() * 100 + d.day()
                }),
            }
        })
        .collect();
    (docs, order)
}

/// Related documents per document, turned into related cases per case.
fn by_case(by_doc: &[Vec<usize>], case_of_doc: &[usize]) -> Vec<Vec<usize>> {
    let mut related = vec![Vec::new(); case_of_doc.len()];
    for (doc, list) in by_doc.iter().enumerate() {
        related[case_of_doc[doc]] = list.iter().map(|&d| case_of_doc[d]).collect();
    }
    related
}

/// Runs `stage` and measures it.
fn timed<T>(stage: impl FnOnce() -> Result<T>) -> Result<(T, Duration)> {
    let start = Instant::now();
    stage().map(|value| (value, start.elapsed()))
}

/// What the output stages need besides the site.
#[derive(Debug)]
pub struct Stages<'a> {
    /// The templates.
    pub theme: &'a Theme,
    /// Syntax highlighting (for templates that highlight).
    pub highlighter: &'a Highlighter,
    /// Pages of the previous output that may be hard-linked instead of rendered.
    pub reuse: Option<&'a PageReuse>,
    /// Where the tantivy index is written; `None` keeps it in memory.
    pub index_dir: Option<&'a Path>,
    /// The search side of the previous build, made from the same search documents.
    pub previous: Option<PreviousSearch>,
}

/// The search side of an earlier build whose search documents equal this build's.
#[derive(Debug)]
pub struct PreviousSearch {
    /// Related documents per document.
    pub related: Vec<Vec<usize>>,
    /// The tantivy index.
    pub index: SearchIndex,
    /// Its static export (a `search/` directory of the previous output), hard-linked into
    /// this output when possible.
    pub export: Option<std::path::PathBuf>,
}

/// What [`run`] produced besides the files.
#[derive(Debug)]
pub struct Ran {
    /// What was written.
    pub stats: RenderStats,
    /// Related documents per search document.
    pub related_by_doc: Vec<Vec<usize>>,
    /// Related cases per case of the rendered site.
    pub related: Vec<Vec<usize>>,
    /// The tantivy index.
    pub index: SearchIndex,
    /// True when the static export was linked from the previous output.
    pub export_reused: bool,
    /// Related cases (before the pages and the index).
    pub related_time: Duration,
    /// Pages (beside the index, after related cases).
    pub pages_time: Duration,
    /// The tantivy index.
    pub index_time: Duration,
    /// The static search export.
    pub export_time: Duration,
}

/// Renders `site` (published, checked) into `output`: its search documents `docs` (made by
/// [`search_docs`], `case_of_doc` their cases) feed related cases; then the pages on one
/// side (they show related cases), and the tantivy index on the other; the static search
/// export follows from the finished index, under `search/`.
///
/// The index takes the documents and frees each one once its writer has a copy; an owned
/// `site` is dropped as soon as the pages are written, so that the export runs without the
/// model.
pub fn run(
    site: Cow<'_, Site>,
    taxonomies: &[Taxonomy],
    (docs, case_of_doc): (Vec<SearchDoc>, Vec<usize>),
    stages: Stages<'_>,
    output: &Output,
) -> Result<Ran> {
    let (cached, previous_index, previous_export) = match stages.previous {
        Some(previous) => (
            Some(previous.related),
            Some(previous.index),
            previous.export,
        ),
        None => (None, None, None),
    };
    let (theme, highlighter, reuse) = (stages.theme, stages.highlighter, stages.reuse);
    let index_dir = stages.index_dir;
    // Related cases first, on every core: then the index can take the documents and free
    // each one as soon as its writer has a copy, while the pages render beside it.
    let (related_by_doc, related_time) =
        timed(|| Ok(cached.unwrap_or_else(|| search::related(&docs, render::RELATED_CASES))))?;
    crate::cancel::check()?;
    let related = by_case(&related_by_doc, &case_of_doc);
    let related_of_case = &related;
    let (rendered, indexed) = rayon::join(
        move || -> Result<_> {
            timed(|| {
                let input = RenderInput {
                    site: &site,
                    taxonomies,
                    theme,
                    highlighter,
                    related: Some(related_of_case),
                    reuse,
                };
                let stats = render::render_site(&input, output);
                drop(site);
                stats
            })
        },
        move || {
            timed(|| match previous_index {
                Some(index) => {
                    drop(docs);
                    Ok(index)
                }
                None => Ok(match index_dir {
                    Some(dir) => search::build_index_owned(docs, dir),
                    None => search::build_index_in_memory_owned(docs),
                }?),
            })
        },
    );
    let (stats, pages_time) = rendered?;
    let (index, index_time) = indexed?;
    crate::cancel::check()?;
    let export_start = Instant::now();
    let export_reused = match &previous_export {
        Some(previous) => link_tree(previous, output, "search")?,
        None => false,
    };
    if !export_reused {
        search::export_to(&index, output, "search/", &ExportOptions::default())?;
    }
    Ok(Ran {
        stats,
        related_by_doc,
        related,
        index,
        export_reused,
        related_time,
        pages_time,
        index_time,
        export_time: export_start.elapsed(),
    })
}

/// Hard-links every file below `from` into `output` under `prefix`, except files this build
/// has already written (the search page lives in `search/` too). False (and the caller writes
/// the files itself) if `from` is missing or any link fails.
fn link_tree(from: &Path, output: &Output, prefix: &str) -> Result<bool> {
    if !from.is_dir() {
        return Ok(false);
    }
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let Ok(entry) = entry else {
            return Ok(false);
        };
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(from).unwrap_or(entry.path());
            let path = format!("{prefix}/{}", display_path(rel));
            if !output.contains(&path) && !output.link(entry.path(), &path) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// A site built into memory together with the model it was rendered from, so that a preview
/// can later re-render the pages one edited case affects.
#[derive(Debug)]
pub struct MemoryBuild {
    /// Every file of the site.
    pub output: Output,
    /// The loaded site, drafts included (what the checks see).
    pub loaded: Site,
    /// Taxonomies of [`MemoryBuild::loaded`].
    pub loaded_taxonomies: Vec<Taxonomy>,
    /// The published site, when it differs from `loaded` (drafts left out).
    pub published: Option<Site>,
    /// Taxonomies of the published site (when `published` is `Some`).
    pub published_taxonomies: Vec<Taxonomy>,
    /// Related cases per published case.
    pub related: Vec<Vec<usize>>,
    /// The tantivy index of the published cases, in memory.
    pub index: Arc<SearchIndex>,
    /// The theme the pages were rendered with.
    pub theme: Theme,
    /// Diagnostics of loading the content, by file (warnings only: errors fail the build).
    pub load_diagnostics: Vec<Diagnostic>,
    /// Diagnostics of the site-wide checks (warnings only).
    pub check_diagnostics: Vec<Diagnostic>,
}

impl MemoryBuild {
    /// The site that was rendered.
    pub fn published(&self) -> (&Site, &[Taxonomy]) {
        match &self.published {
            Some(site) => (site, &self.published_taxonomies),
            None => (&self.loaded, &self.loaded_taxonomies),
        }
    }

    /// Every diagnostic, in the order [`load_and_check`] reports them.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self
            .load_diagnostics
            .iter()
            .chain(&self.check_diagnostics)
            .cloned()
            .collect();
        sort_diagnostics(&mut all);
        all
    }
}

/// Builds the site at `root` into memory (pages, static search export under `search/`, the
/// tantivy index in memory) and keeps the model: the same stages as `build`, without the
/// cache and without writing anything. `base_url` overrides the one of `site.yaml` (`serve`
/// points it at the local server so that absolute links stay on the preview).
pub fn build_model_in_memory(
    root: &Path,
    drafts: bool,
    base_url: Option<&str>,
    highlighter: &Highlighter,
) -> Result<MemoryBuild> {
    let Checked {
        site: mut loaded,
        taxonomies: loaded_taxonomies,
        diagnostics,
        check_diagnostics,
    } = load_and_check(root, base_url, highlighter)?;
    // What the site-wide checks did not find: loading and the record of published URLs
    // (which an incremental preview never changes).
    let mut load_diagnostics = fail_on_errors(diagnostics)?;
    for found in &check_diagnostics {
        if let Some(i) = load_diagnostics.iter().position(|d| d == found) {
            load_diagnostics.remove(i);
        }
    }
    let mut published = (!drafts && has_drafts(&loaded)).then(|| without_drafts(loaded.clone()));
    let theme = Theme::load(root)?;
    let output = Output::memory();
    // The body text moves into the search documents; nothing after this needs it.
    let (site, taxonomies) = match &mut published {
        Some((site, taxonomies)) => (site, &*taxonomies),
        None => (&mut loaded, &loaded_taxonomies),
    };
    let docs = search_docs(site);
    let stages = Stages {
        theme: &theme,
        highlighter,
        reuse: None,
        index_dir: None,
        previous: None,
    };
    let ran = run(Cow::Borrowed(&*site), taxonomies, docs, stages, &output)?;
    let (published, published_taxonomies) = match published {
        Some((site, taxonomies)) => (Some(site), taxonomies),
        None => (None, Vec::new()),
    };
    Ok(MemoryBuild {
        output,
        loaded,
        loaded_taxonomies,
        published,
        published_taxonomies,
        related: ran.related,
        index: Arc::new(ran.index),
        theme,
        load_diagnostics,
        check_diagnostics,
    })
}

/// Renders the site into memory (for tests and previews); same checks as `build`.
pub fn build_in_memory(root: &Path, drafts: bool) -> Result<(Output, Vec<Diagnostic>)> {
    let highlighter = Highlighter::new();
    let built = build_model_in_memory(root, drafts, None, &highlighter)?;
    let diagnostics = built.diagnostics();
    Ok((built.output, diagnostics))
}
