//! The build pipeline: configuration → content → checks → taxonomies → render → output,
//! written into a temporary directory next to the output and swapped in only on success.
//!
//! Invariants: a failed build leaves the previous output untouched; biaogan never deletes a
//! directory it did not create (it refuses a non-empty output directory without its marker).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cache::{self, Fingerprinter, Key, MarkdownCache, OutputManifest, PageReuse};
use crate::check;
use crate::config::SiteConfig;
use crate::content::{self, LoadOptions, Site};
use crate::error::{display_path, Diagnostic, Error, Result};
use crate::fs::Output;
use crate::markdown::{Highlighter, Markdown};
use crate::render::{self, RenderInput, RenderStats, Theme};
use crate::search::{self, SearchDoc};
use crate::taxonomy::{self, Taxonomy};

/// The tantivy index of a site, a cache rebuilt by every build (never inside the output).
pub fn index_dir(root: &Path) -> PathBuf {
    root.join(".biaogan").join("index")
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

/// Related cases per case (indices into `site.cases`), from the search documents.
fn related_cases(docs: &[SearchDoc], case_of_doc: &[usize]) -> Vec<Vec<usize>> {
    by_case(&search::related(docs, render::RELATED_CASES), case_of_doc)
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

/// File that marks a directory as biaogan's output, so that it may be replaced.
pub const OUTPUT_MARKER: &str = ".biaogan-output";

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site directory (holding `site.yaml`).
    pub root: PathBuf,
    /// The output directory.
    pub out: PathBuf,
    /// Publish drafts too.
    pub drafts: bool,
    /// Overrides `base_url` of `site.yaml`.
    pub base_url: Option<String>,
}

impl BuildOptions {
    /// Options for building the site at `root` into `root/public`.
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        let root = root.into();
        BuildOptions {
            out: root.join("public"),
            root,
            drafts: false,
            base_url: None,
        }
    }
}

/// Duration of each stage.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Loading and parsing content, rendering Markdown.
    pub load: Duration,
    /// Site-wide checks and taxonomies.
    pub check: Duration,
    /// Templates and writing (everything after the checks).
    pub render: Duration,
    /// Related cases (runs beside [`Timings::index`], before the pages).
    pub related: Duration,
    /// Rendering and writing pages (runs beside [`Timings::index`], after related cases).
    pub pages: Duration,
    /// Building the tantivy index.
    pub index: Duration,
    /// Writing the static search export.
    pub export: Duration,
    /// The whole build.
    pub total: Duration,
}

/// The outcome of a successful build.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Warnings (errors abort the build).
    pub warnings: Vec<Diagnostic>,
    /// Published cases.
    pub cases: usize,
    /// What was written.
    pub stats: RenderStats,
    /// True when the search index and static export of the previous build were reused.
    pub search_reused: bool,
    /// URLs added to the record of published URLs (`published-urls.txt`).
    pub published_added: usize,
    /// Where time went.
    pub timings: Timings,
}

/// A loaded and checked site, ready to render.
#[derive(Debug)]
pub struct Checked {
    /// The model, drafts included.
    pub site: Site,
    /// Taxonomies of the model.
    pub taxonomies: Vec<Taxonomy>,
    /// Everything found, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
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
    diagnostics.extend(check::check_site(root, &site, &taxonomies));
    let published = crate::published::check_site(root, &site, &diagnostics)?;
    diagnostics.extend(published);
    sort_diagnostics(&mut diagnostics);
    Ok(Checked {
        site,
        taxonomies,
        diagnostics,
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

/// The search side of the last build: the fingerprint of its search documents (the tantivy
/// index in [`index_dir`] was built from them) and the related cases computed from them.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct SearchCache {
    key: Key,
    related: Vec<Vec<usize>>,
}

const SEARCH_CACHE_FILE: &str = "search.bin";

impl SearchCache {
    fn load(cache: &Path, key: Key) -> Option<SearchCache> {
        let bytes = std::fs::read(cache.join(SEARCH_CACHE_FILE)).ok()?;
        let cached: SearchCache = bincode::deserialize(&bytes).ok()?;
        (cached.key == key).then_some(cached)
    }

    /// Forgets the record before the index is rebuilt, so that a build interrupted halfway
    /// never leaves a record that does not match the index.
    fn remove(cache: &Path) {
        let _ = std::fs::remove_file(cache.join(SEARCH_CACHE_FILE));
    }

    fn save(&self, cache: &Path) {
        if let Ok(bytes) = bincode::serialize(self) {
            let _ = crate::fs::write(&cache.join(SEARCH_CACHE_FILE), &bytes);
        }
    }
}

/// Builds the site. On any content error nothing is written and every diagnostic is returned
/// in [`Error::Content`].
///
/// Work whose inputs did not change since the last build is skipped (see [`crate::cache`]):
/// Markdown bodies come from the cache, pages with an unchanged fingerprint are hard-linked
/// from the previous output, and unchanged search documents keep their index, related cases
/// and static export. The output is byte-identical to a build without a cache.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let cache_dir = cache::cache_dir(&options.root);
    let highlighter = Highlighter::new();
    let markdown_cache = MarkdownCache::new(&cache_dir);
    let markdown = Markdown {
        highlighter: &highlighter,
        cache: Some(&markdown_cache),
    };
    let checked = load_and_check_with(&options.root, options.base_url.as_deref(), &markdown)?;
    let load_done = Instant::now();
    let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = checked
        .diagnostics
        .into_iter()
        .partition(Diagnostic::is_error);
    if !errors.is_empty() {
        let mut all = errors;
        all.extend(warnings);
        return Err(Error::Content(all));
    }
    let mut site = checked.site;
    let mut taxonomies = checked.taxonomies;
    if !options.drafts {
        site = site.without_drafts();
        taxonomies = taxonomy::build(&site);
    }
    let theme = Theme::load(&options.root)?;
    let check_done = Instant::now();

    // What the previous build into this output left, if its output is still there.
    let previous = OutputManifest::load(&cache_dir, &options.out)
        .filter(|_| options.out.join(OUTPUT_MARKER).is_file())
        .unwrap_or_default();
    let (docs, case_of_doc) = search_docs(&mut site);
    let search_key = Fingerprinter::new("search").add_json(&docs).finish();
    let index_path = index_dir(&options.root);
    let cached_search = SearchCache::load(&cache_dir, search_key);
    // The index of the previous build, if it was built from the same documents.
    let previous_index = cached_search
        .as_ref()
        .and_then(|_| search::SearchIndex::open(&index_path).ok());
    let reuse_index = previous_index.is_some();
    let staging = Staging::new(&options.out)?;
    let output = Output::Disk(staging.path().to_path_buf());
    let reuse = PageReuse::new(options.out.clone(), previous.pages, theme.fingerprint);
    let cases = site.cases.len();
    let record = crate::published::prepare(&options.root, &site)?;
    // The tantivy index needs neither related cases nor pages: build it on one side while the
    // other computes related cases and then renders pages (which show them). The render side
    // frees the model (every rendered body) as soon as it is done, so that the search export
    // runs without it, and each side holds the search documents (every plain text) only while
    // it reads them.
    let docs = std::sync::Arc::new(docs);
    let docs_for_index = std::sync::Arc::clone(&docs);
    let (pages_output, pages_reuse, cache) = (&output, &reuse, &cache_dir);
    let (rendered, indexed) = rayon::join(
        move || -> Result<_> {
            let (related_by_doc, related_time) = timed(|| {
                Ok(match cached_search {
                    Some(cached) if reuse_index => cached.related,
                    _ => {
                        SearchCache::remove(cache);
                        search::related(&docs, render::RELATED_CASES)
                    }
                })
            })?;
            drop(docs);
            let related = by_case(&related_by_doc, &case_of_doc);
            let (stats, pages_time) = timed(|| {
                let input = RenderInput {
                    site: &site,
                    taxonomies: &taxonomies,
                    theme: &theme,
                    highlighter: &highlighter,
                    related: Some(&related),
                    reuse: Some(pages_reuse),
                };
                let stats = render::render_site(&input, pages_output);
                drop(site);
                stats
            })?;
            Ok((stats, pages_time, related_by_doc, related_time))
        },
        move || {
            timed(|| match previous_index {
                Some(index) => Ok(index),
                None => {
                    let index = search::build_index(&docs_for_index, &index_path);
                    drop(docs_for_index);
                    Ok(index?)
                }
            })
        },
    );
    let (stats, pages_time, related_by_doc, related_time) = rendered?;
    let (index, index_time) = indexed?;
    let export_start = Instant::now();
    let previous_search = options.out.join("search");
    let search_reused = reuse_index
        && previous.search == Some(search_key)
        && link_tree(&previous_search, &output, "search")?;
    if !search_reused {
        search::export_static(&index, &staging.path().join("search"))?;
    }
    let export_time = export_start.elapsed();
    output.write(
        OUTPUT_MARKER,
        b"This directory is written by biaogan build and replaced on every build.\n",
    )?;
    // The manifest must never describe an output it did not come from.
    OutputManifest::remove(&cache_dir);
    staging.commit()?;
    // Publishing is what records URLs: after the swap, never in `check` or `serve`.
    let published_added = record.save()?;
    OutputManifest {
        out: options.out.clone(),
        search: Some(search_key),
        pages: reuse.into_pages(),
    }
    .save(&cache_dir);
    SearchCache {
        key: search_key,
        related: related_by_doc,
    }
    .save(&cache_dir);
    markdown_cache.prune();
    let finished = Instant::now();
    Ok(BuildReport {
        warnings,
        cases,
        stats,
        search_reused,
        published_added,
        timings: Timings {
            load: load_done - started,
            check: check_done - load_done,
            render: finished - check_done,
            related: related_time,
            pages: pages_time,
            index: index_time,
            export: export_time,
            total: finished - started,
        },
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

/// Renders the site into memory (for tests and previews); same checks as [`build`].
pub fn build_in_memory(root: &Path, drafts: bool) -> Result<(Output, Vec<Diagnostic>)> {
    build_in_memory_with_base_url(root, drafts, None)
}

/// Like [`build_in_memory`], with `base_url` overriding the one of `site.yaml` (`serve` points
/// it at the local server so that absolute links stay on the preview).
pub fn build_in_memory_with_base_url(
    root: &Path,
    drafts: bool,
    base_url: Option<&str>,
) -> Result<(Output, Vec<Diagnostic>)> {
    let highlighter = Highlighter::new();
    let built = build_model_in_memory(
        root,
        &MemoryOptions {
            drafts,
            base_url,
            index_dir: &index_dir(root),
        },
        &Markdown::new(&highlighter),
    )?;
    let diagnostics = built.diagnostics();
    Ok((built.output, diagnostics))
}

/// What [`build_model_in_memory`] builds, and how.
#[derive(Debug, Clone, Copy)]
pub struct MemoryOptions<'a> {
    /// Publish drafts too.
    pub drafts: bool,
    /// Overrides `base_url` of `site.yaml`.
    pub base_url: Option<&'a str>,
    /// Where the tantivy index is written.
    pub index_dir: &'a Path,
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

/// Orders diagnostics: errors first, then by file and line.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
    });
}

/// Builds the site into memory (pages, tantivy index in `options.index_dir`, static search
/// export under `search/`) and keeps the model. Same checks as [`build`]; no cache.
pub fn build_model_in_memory(
    root: &Path,
    options: &MemoryOptions<'_>,
    markdown: &Markdown<'_>,
) -> Result<MemoryBuild> {
    let config = load_config(root, options.base_url)?;
    let (mut loaded, mut load_diagnostics) =
        content::load(root, &config, LoadOptions { drafts: true }, markdown)?;
    let loaded_taxonomies = taxonomy::build(&loaded);
    let check_diagnostics = check::check_site(root, &loaded, &loaded_taxonomies);
    // The record of published URLs changes only with URLs, aliases and drafts, which an
    // incremental preview never changes: its findings stay with the load's.
    let all: Vec<Diagnostic> = load_diagnostics
        .iter()
        .chain(&check_diagnostics)
        .cloned()
        .collect();
    load_diagnostics.extend(crate::published::check_site(root, &loaded, &all)?);
    if load_diagnostics
        .iter()
        .chain(&check_diagnostics)
        .any(Diagnostic::is_error)
    {
        let mut all: Vec<Diagnostic> = load_diagnostics
            .into_iter()
            .chain(check_diagnostics)
            .collect();
        sort_diagnostics(&mut all);
        return Err(Error::Content(all));
    }
    let has_drafts = !options.drafts && loaded.cases.iter().any(|c| c.draft);
    let mut published = has_drafts.then(|| loaded.clone().without_drafts());
    let published_taxonomies = published.as_ref().map(taxonomy::build).unwrap_or_default();
    let theme = Theme::load(root)?;
    let output = Output::memory();
    // The body text moves into the search documents; nothing after this needs it.
    let site = published.as_mut().unwrap_or(&mut loaded);
    let (docs, case_of_doc) = search_docs(site);
    let related = related_cases(&docs, &case_of_doc);
    let input = RenderInput {
        site,
        taxonomies: if has_drafts {
            &published_taxonomies
        } else {
            &loaded_taxonomies
        },
        theme: &theme,
        highlighter: markdown.highlighter,
        related: Some(&related),
        reuse: None,
    };
    render::render_site(&input, &output)?;
    let index = search::build_index(&docs, options.index_dir)?;
    drop(docs);
    let exported = tempfile::tempdir().map_err(|source| Error::Io {
        action: "create temporary directory",
        path: std::env::temp_dir(),
        source,
    })?;
    search::export_static(&index, exported.path())?;
    for entry in walkdir::WalkDir::new(exported.path()).min_depth(1) {
        let entry =
            entry.map_err(|e| Error::Invalid(format!("cannot read the search export: {e}")))?;
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(exported.path())
                .unwrap_or(entry.path());
            output.write(
                &format!("search/{}", display_path(rel)),
                &crate::fs::read(entry.path())?,
            )?;
        }
    }
    Ok(MemoryBuild {
        output,
        loaded,
        loaded_taxonomies,
        published,
        published_taxonomies,
        related,
        theme,
        load_diagnostics,
        check_diagnostics,
    })
}

/// A temporary directory next to the output, swapped in by [`Staging::commit`]. Dropped
/// without commit, it is removed and the output is untouched.
struct Staging {
    out: PathBuf,
    dir: Option<tempfile::TempDir>,
}

impl Staging {
    fn new(out: &Path) -> Result<Staging> {
        if out.exists() {
            if !out.is_dir() {
                return Err(Error::Output {
                    path: out.to_path_buf(),
                    reason: "it is a file, not a directory".to_string(),
                });
            }
            let marked = out.join(OUTPUT_MARKER).is_file();
            let empty = std::fs::read_dir(out)
                .map_err(|source| Error::Io {
                    action: "read directory",
                    path: out.to_path_buf(),
                    source,
                })?
                .next()
                .is_none();
            if !marked && !empty {
                return Err(Error::Output {
                    path: out.to_path_buf(),
                    reason: format!("it is not empty and was not written by biaogan (no {OUTPUT_MARKER} file); choose another --out or empty it yourself"),
                });
            }
        }
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        crate::fs::create_dir_all(parent)?;
        let dir = tempfile::Builder::new()
            .prefix(".biaogan-build-")
            .tempdir_in(parent)
            .map_err(|source| Error::Io {
                action: "create temporary directory in",
                path: parent.to_path_buf(),
                source,
            })?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir: Some(dir),
        })
    }

    fn path(&self) -> &Path {
        self.dir.as_ref().map_or(Path::new("."), |d| d.path())
    }

    /// Replaces the output with the staged directory.
    fn commit(mut self) -> Result<()> {
        let Some(dir) = self.dir.take() else {
            return Ok(());
        };
        let staged = dir.keep();
        let io = |action: &'static str, path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io {
                action,
                path,
                source,
            }
        };
        if self.out.exists() {
            let parent = self
                .out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let old = tempfile::Builder::new()
                .prefix(".biaogan-old-")
                .tempdir_in(parent)
                .map_err(io("create temporary directory in", parent))?
                .keep();
            // `old` exists (empty); rename the output onto it.
            std::fs::remove_dir(&old).map_err(io("remove", &old))?;
            std::fs::rename(&self.out, &old).map_err(io("move aside", &self.out))?;
            if let Err(source) = std::fs::rename(&staged, &self.out) {
                let _ = std::fs::rename(&old, &self.out);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(Error::Io {
                    action: "move into place",
                    path: self.out.clone(),
                    source,
                });
            }
            std::fs::remove_dir_all(&old).map_err(io("remove the previous output", &old))?;
        } else {
            std::fs::rename(&staged, &self.out).map_err(|source| {
                let _ = std::fs::remove_dir_all(&staged);
                Error::Io {
                    action: "move into place",
                    path: self.out.clone(),
                    source,
                }
            })?;
        }
        Ok(())
    }
}

/// Renders the diagnostics of a failed build as text, numbered, with a summary line.
pub fn format_diagnostics(diagnostics: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&diagnostic.render(color));
        out.push_str("\n\n");
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    out.push_str(&format!("{errors} error(s), {warnings} warning(s)"));
    out
}

/// A short description of `path` for messages.
pub fn describe(path: &Path) -> String {
    display_path(path)
}
