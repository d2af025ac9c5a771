//! The build pipeline: configuration → content → checks → taxonomies → render → output,
//! written into a temporary directory next to the output and swapped in only on success.
//!
//! Invariants: a failed build leaves the previous output untouched; biaogan never deletes a
//! directory it did not create (it refuses a non-empty output directory without its marker).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cache::{self, Fingerprinter, Key, MarkdownCache, OutputManifest, PageReuse};
use crate::error::{display_path, Diagnostic, Error, Result};
use crate::fs::Output;
use crate::markdown::{Highlighter, Markdown};
use crate::pipeline::{self, PreviousSearch, Stages};
use crate::render::{RenderStats, Theme};
use crate::search;

pub use crate::pipeline::{build_in_memory, load_and_check, search_docs, Checked};

/// The tantivy index of a site, a cache rebuilt by every build (never inside the output).
pub fn index_dir(root: &Path) -> PathBuf {
    root.join(".biaogan").join("index")
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
    /// One line for each thing left by an interrupted build that this build removed or
    /// rebuilt (a staging directory, a half-written search index).
    pub notes: Vec<String>,
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
        let bytes = crate::fs::read(&cache.join(SEARCH_CACHE_FILE)).ok()?;
        let cached: SearchCache = bincode::deserialize(&bytes).ok()?;
        (cached.key == key).then_some(cached)
    }

    /// Forgets the record before the index is rebuilt, so that a build interrupted halfway
    /// never leaves a record that does not match the index.
    fn remove(cache: &Path) {
        let _ = crate::fs::remove_file(&cache.join(SEARCH_CACHE_FILE));
    }

    fn save(&self, cache: &Path) {
        if let Ok(bytes) = bincode::serialize(self) {
            let _ = crate::fs::write_atomic(&cache.join(SEARCH_CACHE_FILE), &bytes);
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
    let mut lock = crate::lock::SiteLock::acquire(&options.root, "build")?;
    let mut notes = lock.notes().to_vec();
    let cache_dir = cache::cache_dir(&options.root);
    let highlighter = Highlighter::new();
    let markdown_cache = MarkdownCache::new(&cache_dir);
    let markdown = Markdown {
        highlighter: &highlighter,
        cache: Some(&markdown_cache),
    };
    let checked =
        pipeline::load_and_check_with(&options.root, options.base_url.as_deref(), &markdown)?;
    crate::cancel::check()?;
    let load_done = Instant::now();
    let mut published = checked.publish(options.drafts)?;
    let theme = Theme::load(&options.root)?;
    let check_done = Instant::now();

    // What the previous build into this output left, if its output is still there.
    let previous = OutputManifest::load(&cache_dir, &options.out)
        .filter(|_| options.out.join(OUTPUT_MARKER).is_file())
        .unwrap_or_default();
    let docs = search_docs(&mut published.site);
    // Serializing every document is ~1/6 s at 10,000 cases: on every core.
    let search_key = Fingerprinter::new("search")
        .add_json_chunks(&docs.0, 256)
        .finish();
    let index_path = index_dir(&options.root);
    let cached_search = SearchCache::load(&cache_dir, search_key);
    // The index and related cases of the previous build, if built from the same documents.
    let previous_index = previous_index(&index_path, cached_search.is_some(), &mut notes);
    let previous_search = match (cached_search, previous_index) {
        (Some(cached), Some(index)) => Some(PreviousSearch {
            related: cached.related,
            index,
            export: (previous.search == Some(search_key)).then(|| options.out.join("search")),
        }),
        _ => None,
    };
    if previous_search.is_none() {
        // Before the index is replaced, so that no record ever describes another index.
        SearchCache::remove(&cache_dir);
    }
    crate::cancel::check()?;
    // Listed in the lock file before it exists: a build killed at any point leaves no
    // staging directory that the next holder of the lock does not know to remove.
    let staging = Staging::new(&options.out, |path| lock.record_temporary(path))?;
    let output = Output::Disk(staging.path().to_path_buf());
    let reuse = PageReuse::new(options.out.clone(), previous.pages, theme.fingerprint);
    let cases = published.site.cases.len();
    let record = crate::published::prepare(&options.root, &published.site)?;
    let stages = Stages {
        theme: &theme,
        highlighter: &highlighter,
        reuse: Some(&reuse),
        index_dir: Some(&index_path),
        previous: previous_search,
    };
    let ran = pipeline::run(
        Cow::Owned(published.site),
        &published.taxonomies,
        docs,
        stages,
        &output,
    )?;
    output.write(
        OUTPUT_MARKER,
        b"This directory is written by biaogan build and replaced on every build.\n",
    )?;
    crate::cancel::check()?;
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
        related: ran.related_by_doc,
    }
    .save(&cache_dir);
    markdown_cache.prune();
    let finished = Instant::now();
    Ok(BuildReport {
        warnings: published.warnings,
        cases,
        stats: ran.stats,
        search_reused: ran.export_reused,
        published_added,
        timings: Timings {
            load: load_done - started,
            check: check_done - load_done,
            render: finished - check_done,
            related: ran.related_time,
            pages: ran.pages_time,
            index: ran.index_time,
            export: ran.export_time,
            total: finished - started,
        },
        notes,
    })
}

/// Opens the index of the previous build when `wanted` (its documents are this build's).
/// An index that cannot be opened (half-written, corrupt) adds a note and is rebuilt.
fn previous_index(
    index_path: &Path,
    wanted: bool,
    notes: &mut Vec<String>,
) -> Option<search::SearchIndex> {
    if !index_path.exists() {
        return None;
    }
    match search::SearchIndex::open(index_path) {
        Ok(index) => wanted.then_some(index),
        Err(error) => {
            notes.push(format!("rebuilding the search index: {error}"));
            None
        }
    }
}

/// A temporary directory next to the output, swapped in by [`Staging::commit`]. Dropped
/// without commit, it is removed and the output is untouched.
struct Staging {
    out: PathBuf,
    dir: Option<tempfile::TempDir>,
}

impl Staging {
    /// Creates the staging directory for `out`; `record` is given its path before it is
    /// created.
    fn new(out: &Path, record: impl FnOnce(&Path) -> Result<()>) -> Result<Staging> {
        if out.exists() {
            if !out.is_dir() {
                return Err(Error::Output {
                    path: out.to_path_buf(),
                    reason: "it is a file, not a directory".to_string(),
                });
            }
            let marked = out.join(OUTPUT_MARKER).is_file();
            let empty = crate::fs::read_dir(out)?.is_none_or(|entries| entries.is_empty());
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
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!(".biaogan-build-{}-{nanos:x}", std::process::id());
        record(&parent.join(&name))?;
        let dir = tempfile::Builder::new()
            .prefix(&name)
            .rand_bytes(0)
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

    /// Replaces the output with the staged directory ([`crate::fs::replace_dir`]).
    fn commit(mut self) -> Result<()> {
        let Some(dir) = self.dir.take() else {
            return Ok(());
        };
        let staged = dir.keep();
        crate::fs::replace_dir(&staged, &self.out).inspect_err(|_| {
            let _ = crate::fs::remove_dir_all(&staged);
        })
    }
}

/// A short description of `path` for messages.
pub fn describe(path: &Path) -> String {
    display_path(path)
}
