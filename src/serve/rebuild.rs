//! The preview's build step: one call, [`SiteBuilder::rebuild`], from the changed paths to
//! every file of the site in memory. Synchronous (the server calls it on a blocking thread).
//!
//! The first call is a full in-memory build that keeps its model ([`MemoryBuild`]). After
//! that, edits of existing case files are applied to the kept model: only the edited files
//! are loaded again, the site-wide checks run on the updated model, and only the pages the
//! edit can change are rendered again:
//!
//! - the body or private data changed: the case's own page;
//! - its title, summary, date, status, level or terms changed: every page and file except
//!   other cases' pages, plus the pages of its neighbours (previous/next) and of the cases
//!   that list it as related.
//!
//! Anything else (a new, removed or renamed case, a changed URL, number, draft flag,
//! enterprise, alias or asset, a term appearing or disappearing, templates, `site.yaml`,
//! workshops, activities, pages) is a full build. An incremental rebuild leaves the search
//! index, the static search export and the related-case lists as they were: they depend on
//! every case; [`SiteBuilder::reconcile`] (a full build, run by the server in the background
//! once edits pause) brings them, and everything else, back to exactly what `build` writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use axum::body::Bytes;

use crate::build::{self, MemoryBuild, MemoryOptions};
use crate::content::{self, Case};
use crate::error::{Diagnostic, Error, Result};
use crate::fs::Output;
use crate::markdown::{Highlighter, Markdown};
use crate::render::{self, CaseLists, RenderInput, Selection};
use crate::taxonomy;

/// Every file of a successful build, by site-relative path (`2023/slug/index.html`).
pub type Files = BTreeMap<String, Bytes>;

/// A successful build.
#[derive(Debug, Clone)]
pub struct Built {
    /// The site's files.
    pub files: Files,
    /// Warnings found on the way (errors fail the build).
    pub warnings: Vec<Diagnostic>,
    /// How the build was done.
    pub kind: BuildKind,
    /// The tantivy index of the files (the last full build's).
    pub index_dir: PathBuf,
}

/// How a build was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildKind {
    /// Everything was loaded and rendered.
    Full,
    /// Edited cases were applied to the kept model; `pages` pages were rendered again. The
    /// search export and related cases are those of the last full build.
    Incremental {
        /// Pages rendered.
        pages: usize,
    },
    /// The full build run in the background after incremental builds.
    Background,
}

/// Builds the site at `root` for the preview server.
#[derive(Debug)]
pub struct SiteBuilder {
    root: PathBuf,
    drafts: bool,
    base_url: String,
    highlighter: Highlighter,
    state: Option<State>,
    /// Counts full builds started, naming their index directories.
    builds: u64,
    /// Changes with every change of the kept model, so that a background full build started
    /// before an edit is not installed after it.
    generation: u64,
}

/// A full build that runs without holding the [`SiteBuilder`] (see
/// [`SiteBuilder::reconcile_job`]): its result is installed only if no edit came in between.
#[derive(Debug)]
pub struct Reconcile {
    root: PathBuf,
    drafts: bool,
    base_url: String,
    index_dir: PathBuf,
    generation: u64,
}

/// The outcome of a [`Reconcile`], for [`SiteBuilder::install`].
#[derive(Debug)]
pub struct Reconciled {
    generation: u64,
    index_dir: PathBuf,
    result: Result<MemoryBuild>,
}

impl Reconcile {
    /// Runs the full build on one thread, leaving the other cores to the server and to
    /// incremental builds.
    pub fn run(self) -> Reconciled {
        let highlighter = Highlighter::new();
        let result = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .map_err(|error| Error::Invalid(format!("cannot start a build thread: {error}")))
            .and_then(|pool| {
                pool.install(|| {
                    full_model(
                        &self.root,
                        self.drafts,
                        &self.base_url,
                        &self.index_dir,
                        &highlighter,
                    )
                })
            });
        Reconciled {
            generation: self.generation,
            index_dir: self.index_dir,
            result,
        }
    }
}

/// What the last good build left for the next incremental one.
#[derive(Debug)]
struct State {
    model: MemoryBuild,
    files: Files,
    /// Case files whose last edit failed; they are loaded again with the next change.
    pending: Vec<PathBuf>,
    /// Whether an incremental build changed the model since the last full build.
    stale: bool,
    /// The tantivy index of the last full build.
    index_dir: PathBuf,
}

/// One edited case file, loaded again.
struct Edit {
    /// Index in the loaded site's cases.
    index: usize,
    case: Case,
    kind: EditKind,
}

/// What an edit of a case changes besides its own page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum EditKind {
    /// Body text or private data: only the case's page.
    Body,
    /// What lists, feeds and other pages show of the case.
    Lists,
}

impl SiteBuilder {
    /// A builder for the site at `root`, publishing drafts if `drafts`, with absolute URLs
    /// (canonical links, feeds, sitemap) under `base_url`.
    pub fn new(root: &Path, drafts: bool, base_url: &str) -> SiteBuilder {
        SiteBuilder {
            root: root.to_path_buf(),
            drafts,
            base_url: base_url.to_string(),
            highlighter: Highlighter::new(),
            state: None,
            builds: 0,
            generation: 0,
        }
    }

    /// Builds the site after `changed` paths changed (empty for the first build): an
    /// incremental build when only existing case files changed in ways it handles, a full
    /// build otherwise. On error the caller keeps the previous files.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Built> {
        if !changed.is_empty() {
            if let Some(result) = self.apply_edits(changed) {
                return result;
            }
        }
        self.full()
    }

    /// Whether incremental builds have left the search export or related cases behind the
    /// content, so that a [`SiteBuilder::reconcile_job`] is due.
    pub fn is_stale(&self) -> bool {
        self.state.as_ref().is_some_and(|state| state.stale)
    }

    /// A full build to run in the background after incremental builds, so that the search
    /// export, related cases and everything else catch up with what `build` would write.
    /// `None` when nothing is stale.
    pub fn reconcile_job(&mut self) -> Option<Reconcile> {
        if !self.is_stale() {
            return None;
        }
        Some(Reconcile {
            root: self.root.clone(),
            drafts: self.drafts,
            base_url: self.base_url.clone(),
            index_dir: self.next_index_dir(),
            generation: self.generation,
        })
    }

    /// Installs the result of a background full build if no edit was applied since it
    /// started; `None` (and the result is dropped) otherwise.
    pub fn install(&mut self, reconciled: Reconciled) -> Option<Result<Built>> {
        if reconciled.generation != self.generation {
            let _ = std::fs::remove_dir_all(&reconciled.index_dir);
            return None;
        }
        Some(reconciled.result.map(|model| Built {
            kind: BuildKind::Background,
            ..self.keep(model, reconciled.index_dir)
        }))
    }

    /// A fresh directory for the tantivy index of the next full build. Each full build
    /// writes its own, so that a background build never writes the index `/api/search` is
    /// reading; older ones are removed as newer ones are installed.
    fn next_index_dir(&mut self) -> PathBuf {
        self.builds += 1;
        index_root(&self.root).join(self.builds.to_string())
    }

    fn full(&mut self) -> Result<Built> {
        // A failed full build must not leave an outdated model behind for the next edit.
        self.state = None;
        self.generation += 1;
        if self.builds == 0 {
            // Indexes of an earlier server.
            let _ = std::fs::remove_dir_all(index_root(&self.root));
        }
        let index_dir = self.next_index_dir();
        let model = full_model(
            &self.root,
            self.drafts,
            &self.base_url,
            &index_dir,
            &self.highlighter,
        );
        match model {
            Ok(model) => Ok(self.keep(model, index_dir)),
            Err(error) => {
                let _ = std::fs::remove_dir_all(&index_dir);
                Err(error)
            }
        }
    }

    /// Keeps the model of a full build for the next edits and returns its files.
    fn keep(&mut self, mut model: MemoryBuild, index_dir: PathBuf) -> Built {
        let files: Files = std::mem::replace(&mut model.output, Output::memory())
            .into_files()
            .into_iter()
            .map(|(path, bytes)| (path, Bytes::from(bytes)))
            .collect();
        let warnings = model.diagnostics();
        if let Some(previous) = &self.state {
            remove_older_indexes(&self.root, &previous.index_dir);
        }
        self.generation += 1;
        self.state = Some(State {
            model,
            files: files.clone(),
            pending: Vec::new(),
            stale: false,
            index_dir: index_dir.clone(),
        });
        Built {
            files,
            warnings,
            kind: BuildKind::Full,
            index_dir,
        }
    }

    /// Applies edits of existing case files to the kept model. `None` when a full build is
    /// needed.
    fn apply_edits(&mut self, changed: &[PathBuf]) -> Option<Result<Built>> {
        let state = self.state.as_mut()?;
        let mut paths = state.pending.clone();
        paths.extend(changed.iter().cloned());
        paths.sort();
        paths.dedup();
        let markdown = Markdown::new(&self.highlighter);
        let config = &state.model.loaded.config;
        let mut edits = Vec::new();
        let mut file_diagnostics = Vec::new();
        let mut failed = false;
        for path in &paths {
            if !path.is_file() {
                return None;
            }
            let (case, diagnostics) = content::load_case_file(&self.root, config, path, &markdown)?;
            let rel = path.strip_prefix(&self.root).ok()?;
            let index = state
                .model
                .loaded
                .cases
                .iter()
                .position(|c| c.source == rel)?;
            file_diagnostics.extend(diagnostics);
            match case {
                Some(case) => {
                    let kind = edit_kind(&state.model.loaded.cases[index], &case)?;
                    edits.push(Edit { index, case, kind });
                }
                None => failed = true,
            }
        }
        let edited: Vec<PathBuf> = edits
            .iter()
            .map(|e| state.model.loaded.cases[e.index].source.clone())
            .collect();
        let load_diagnostics: Vec<Diagnostic> = state
            .model
            .load_diagnostics
            .iter()
            .filter(|d| !paths.iter().any(|p| p.ends_with(&d.file)) && !edited.contains(&d.file))
            .cloned()
            .chain(file_diagnostics)
            .collect();
        if failed {
            state.pending = paths;
            return Some(Err(content_error(
                load_diagnostics,
                &state.model.check_diagnostics,
            )));
        }
        Some(apply(
            state,
            edits,
            load_diagnostics,
            paths,
            &self.root,
            &self.highlighter,
            &mut self.generation,
        ))
        .and_then(|result| result.transpose())
    }
}

/// Applies loaded edits to the model, checks and renders. `Ok(None)` when the edit turns out
/// to need a full build (a taxonomy term appeared or disappeared).
fn apply(
    state: &mut State,
    edits: Vec<Edit>,
    load_diagnostics: Vec<Diagnostic>,
    paths: Vec<PathBuf>,
    root: &Path,
    highlighter: &Highlighter,
    generation: &mut u64,
) -> Result<Option<Built>> {
    let model = &mut state.model;
    let kind = edits.iter().map(|e| e.kind).max().unwrap_or(EditKind::Body);
    let mut previous = Vec::with_capacity(edits.len());
    let mut published_indices = Vec::new();
    let same_heading_ids = edits.iter().all(|edit| {
        let ids = |case: &Case| -> Vec<String> {
            case.content.headings.iter().map(|h| h.id.clone()).collect()
        };
        ids(&model.loaded.cases[edit.index]) == ids(&edit.case)
    });
    let lists_before = (kind == EditKind::Lists).then(|| {
        let (site, taxonomies) = model.published();
        CaseLists::new(site, taxonomies)
    });
    for edit in edits {
        let url = edit.case.url.clone();
        previous.push((edit.index, replace_case(model, edit.index, edit.case)));
        let (site, _) = model.published();
        published_indices.extend(site.cases.iter().position(|c| c.url == url));
    }
    // The site's case lists before and after a Lists edit.
    let lists = match lists_before {
        Some(before) => {
            rebuild_taxonomies(model);
            let (site, taxonomies) = model.published();
            let after = CaseLists::new(site, taxonomies);
            if !after.same_pages(&before) {
                return Ok(None);
            }
            Some((before, after))
        }
        None => None,
    };
    let check_diagnostics = if kind == EditKind::Body && same_heading_ids {
        // Nothing other files are checked against changed: check the edited files only.
        let files: Vec<PathBuf> = previous
            .iter()
            .map(|(_, case)| case.source.clone())
            .collect();
        model
            .check_diagnostics
            .iter()
            .filter(|d| !files.contains(&d.file))
            .cloned()
            .chain(crate::check::check_files(
                root,
                &model.loaded,
                &model.loaded_taxonomies,
                &files,
            ))
            .collect()
    } else {
        crate::check::check_site(root, &model.loaded, &model.loaded_taxonomies)
    };
    if load_diagnostics
        .iter()
        .chain(&check_diagnostics)
        .any(Diagnostic::is_error)
    {
        // Back to the last good model; the edited files are loaded again next time.
        for (index, case) in previous {
            replace_case(model, index, case);
        }
        if lists.is_some() {
            rebuild_taxonomies(model);
        }
        state.pending = paths;
        return Err(content_error(load_diagnostics, &check_diagnostics));
    }
    model.load_diagnostics = load_diagnostics;
    model.check_diagnostics = check_diagnostics;
    state.pending.clear();
    state.stale = true;
    *generation += 1;

    let (site, taxonomies) = model.published();
    let affected = lists.as_ref().map(|(before, after)| {
        let showing = pages_showing(&published_indices, &model.related);
        render::affected(site, before, after, &published_indices, &showing)
    });
    let selection = match &affected {
        Some(affected) => Selection::Affected(affected),
        None => Selection::Cases(&published_indices),
    };
    let output = Output::memory();
    let stats = render::render_selected(
        &RenderInput {
            site,
            taxonomies,
            theme: &model.theme,
            highlighter,
            related: Some(&model.related),
            reuse: None,
        },
        &output,
        selection,
    )?;
    for (path, bytes) in output.into_files() {
        state.files.insert(path, Bytes::from(bytes));
    }
    let files = state.files.clone();
    let warnings = model.diagnostics();
    Ok(Some(Built {
        files,
        warnings,
        kind: BuildKind::Incremental { pages: stats.pages },
        index_dir: state.index_dir.clone(),
    }))
}

/// The cases whose pages show something of the `edited` cases: themselves, their previous
/// and next neighbours, and the cases that list one of them as related.
fn pages_showing(edited: &[usize], related: &[Vec<usize>]) -> Vec<usize> {
    let mut pages: Vec<usize> = edited.to_vec();
    for &i in edited {
        pages.extend(i.checked_sub(1));
        if i + 1 < related.len() {
            pages.push(i + 1);
        }
    }
    for (case, list) in related.iter().enumerate() {
        if list.iter().any(|r| edited.contains(r)) {
            pages.push(case);
        }
    }
    pages.sort_unstable();
    pages.dedup();
    pages
}

/// Puts `case` in place of loaded case `index` (and of the same published case), returning
/// the case it replaces.
fn replace_case(model: &mut MemoryBuild, index: usize, case: Case) -> Case {
    if let Some(published) = &mut model.published {
        if let Some(i) = published.cases.iter().position(|c| c.url == case.url) {
            published.cases[i] = case.clone();
        }
    }
    std::mem::replace(&mut model.loaded.cases[index], case)
}

/// Builds the taxonomies again after cases changed their terms.
fn rebuild_taxonomies(model: &mut MemoryBuild) {
    model.loaded_taxonomies = taxonomy::build(&model.loaded);
    if let Some(published) = &model.published {
        model.published_taxonomies = taxonomy::build(published);
    }
}

/// How an edit changes what other pages show; `None` when it needs a full build.
fn edit_kind(old: &Case, new: &Case) -> Option<EditKind> {
    let structural = old.url != new.url
        || old.year != new.year
        || old.number != new.number
        || old.draft != new.draft
        || old.enterprise != new.enterprise
        || old.aliases != new.aliases
        || old.assets != new.assets
        || old.bundle_dir != new.bundle_dir;
    if structural {
        return None;
    }
    let listed = old.title != new.title
        || old.summary != new.summary
        || old.status != new.status
        || old.level != new.level
        || old.date != new.date
        || old.area != new.area
        || old.region != new.region
        || old.industries != new.industries
        || old.methods != new.methods
        || old.tags != new.tags;
    Some(if listed {
        EditKind::Lists
    } else {
        EditKind::Body
    })
}

/// The content error of a failed incremental build, diagnostics ordered as a full build
/// orders them.
fn content_error(load: Vec<Diagnostic>, check: &[Diagnostic]) -> Error {
    let mut all: Vec<Diagnostic> = load.into_iter().chain(check.iter().cloned()).collect();
    build::sort_diagnostics(&mut all);
    Error::Content(all)
}

/// Where the preview keeps its tantivy indexes: apart from `build`'s, which must only ever
/// hold the published cases.
fn index_root(root: &Path) -> PathBuf {
    root.join(".biaogan").join("serve-index")
}

/// Removes the index directories of builds before `keep` (the one served until now: a search
/// request may still be reading it).
fn remove_older_indexes(root: &Path, keep: &Path) {
    let number = |path: &Path| -> Option<u64> { path.file_name()?.to_str()?.parse().ok() };
    let Some(kept) = number(keep) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(index_root(root)) else {
        return;
    };
    for entry in entries.flatten() {
        if number(&entry.path()).is_some_and(|n| n < kept) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A full in-memory build for the preview.
fn full_model(
    root: &Path,
    drafts: bool,
    base_url: &str,
    index_dir: &Path,
    highlighter: &Highlighter,
) -> Result<MemoryBuild> {
    // A full build writes a tantivy index: one writer per site (see `crate::lock`).
    let _lock = crate::lock::SiteLock::acquire(root, "serve")?;
    let options = MemoryOptions {
        drafts,
        base_url: Some(base_url),
        index_dir,
    };
    build::build_model_in_memory(root, &options, &Markdown::new(highlighter))
}
