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
use std::sync::Arc;

use axum::body::Bytes;

use crate::content::{self, Case};
use crate::error::{sort_diagnostics, Diagnostic, Error, Result};
use crate::fs::Output;
use crate::markdown::{Highlighter, Markdown};
use crate::pipeline::{build_model_in_memory, MemoryBuild};
use crate::render::{self, CaseLists, RenderInput, Selection};
use crate::search::SearchIndex;
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
    /// The tantivy index of the files (the last full build's), in memory.
    pub index: Arc<SearchIndex>,
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
    generation: u64,
}

/// The outcome of a [`Reconcile`], for [`SiteBuilder::install`].
#[derive(Debug)]
pub struct Reconciled {
    generation: u64,
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
            .map_err(|error| Error::Thread {
                message: error.to_string(),
            })
            .and_then(|pool| {
                pool.install(|| {
                    build_model_in_memory(
                        &self.root,
                        self.drafts,
                        Some(&self.base_url),
                        &highlighter,
                    )
                })
            });
        Reconciled {
            generation: self.generation,
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
}

/// One edited case file, loaded again.
struct Edit {
    /// Index in the loaded site's cases.
    index: usize,
    case: Case,
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
            generation: self.generation,
        })
    }

    /// Installs the result of a background full build if no edit was applied since it
    /// started; `None` (and the result is dropped) otherwise.
    pub fn install(&mut self, reconciled: Reconciled) -> Option<Result<Built>> {
        if reconciled.generation != self.generation {
            return None;
        }
        Some(reconciled.result.map(|model| Built {
            kind: BuildKind::Background,
            ..self.keep(model)
        }))
    }

    fn full(&mut self) -> Result<Built> {
        // A failed full build must not leave an outdated model behind for the next edit.
        self.state = None;
        self.generation += 1;
        let model = build_model_in_memory(
            &self.root,
            self.drafts,
            Some(&self.base_url),
            &self.highlighter,
        )?;
        Ok(self.keep(model))
    }

    /// Keeps the model of a full build for the next edits and returns its files.
    fn keep(&mut self, mut model: MemoryBuild) -> Built {
        let files: Files = std::mem::replace(&mut model.output, Output::memory())
            .into_files()
            .into_iter()
            .map(|(path, bytes)| (path, Bytes::from(bytes)))
            .collect();
        let warnings = model.diagnostics();
        let index = Arc::clone(&model.index);
        self.generation += 1;
        self.state = Some(State {
            model,
            files: files.clone(),
            pending: Vec::new(),
            stale: false,
        });
        Built {
            files,
            warnings,
            kind: BuildKind::Full,
            index,
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
                    if render::moves_files(&state.model.loaded.cases[index], &case) {
                        return None;
                    }
                    edits.push(Edit { index, case });
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
    let mut previous = Vec::with_capacity(edits.len());
    let same_heading_ids = edits.iter().all(|edit| {
        let ids = |case: &Case| -> Vec<String> {
            case.content.headings.iter().map(|h| h.id.clone()).collect()
        };
        ids(&model.loaded.cases[edit.index]) == ids(&edit.case)
    });
    // Moving no file, the edited cases keep their places among the published cases.
    let published_indices: Vec<usize> = {
        let (site, _) = model.published();
        edits
            .iter()
            .filter_map(|edit| site.cases.iter().position(|c| c.url == edit.case.url))
            .collect()
    };
    let loaded_indices: Vec<usize> = edits.iter().map(|edit| edit.index).collect();
    // What the other pages show of the edited cases: in the published site (what is rendered
    // again) and in the loaded one, drafts included (what other files are checked against:
    // URLs, regions, enterprises, terms are all shown elsewhere).
    let shown = |model: &MemoryBuild| {
        let (site, taxonomies) = model.published();
        (
            render::shown_elsewhere(site, taxonomies, &published_indices),
            render::shown_elsewhere(&model.loaded, &model.loaded_taxonomies, &loaded_indices),
        )
    };
    let shown_before = shown(model);
    let lists_before = {
        let (site, taxonomies) = model.published();
        CaseLists::new(site, taxonomies)
    };
    for edit in edits {
        previous.push((edit.index, replace_case(model, edit.index, edit.case)));
    }
    rebuild_taxonomies(model);
    let shown_after = shown(model);
    // Other pages are rendered again only when what render gives them changed; then the
    // site's case lists before and after say which.
    let lists = if shown_after.0 == shown_before.0 {
        None
    } else {
        let (site, taxonomies) = model.published();
        let after = CaseLists::new(site, taxonomies);
        if !after.same_pages(&lists_before) {
            return Ok(None);
        }
        Some((lists_before, after))
    };
    let check_diagnostics = if shown_after.1 == shown_before.1 && same_heading_ids {
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
        rebuild_taxonomies(model);
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
        let showing = render::pages_showing(site, &published_indices, &model.related);
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
        index: Arc::clone(&model.index),
    }))
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

/// The content error of a failed incremental build, diagnostics ordered as a full build
/// orders them.
fn content_error(load: Vec<Diagnostic>, check: &[Diagnostic]) -> Error {
    let mut all: Vec<Diagnostic> = load.into_iter().chain(check.iter().cloned()).collect();
    sort_diagnostics(&mut all);
    Error::Content(all)
}
