//! The preview's build step: one call, [`SiteBuilder::rebuild`], from the changed paths to
//! every file of the site in memory. Synchronous (the server calls it on a blocking thread).
//!
//! Today every call is a full in-memory build. An incremental builder slots in here: it keeps
//! what it needs between calls in [`SiteBuilder`] and uses `changed` to redo only what those
//! paths affect, and must return exactly the files a full build returns.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use axum::body::Bytes;

use crate::build::build_in_memory_with_base_url;
use crate::error::{Diagnostic, Result};

/// Every file of a successful build, by site-relative path (`2023/slug/index.html`).
pub type Files = BTreeMap<String, Bytes>;

/// A successful build.
#[derive(Debug, Clone)]
pub struct Built {
    /// The site's files.
    pub files: Files,
    /// Warnings found on the way (errors fail the build).
    pub warnings: Vec<Diagnostic>,
}

/// Builds the site at `root` for the preview server.
#[derive(Debug, Clone)]
pub struct SiteBuilder {
    root: PathBuf,
    drafts: bool,
    base_url: String,
}

impl SiteBuilder {
    /// A builder for the site at `root`, publishing drafts if `drafts`, with absolute URLs
    /// (canonical links, feeds, sitemap) under `base_url`.
    pub fn new(root: &Path, drafts: bool, base_url: &str) -> SiteBuilder {
        SiteBuilder {
            root: root.to_path_buf(),
            drafts,
            base_url: base_url.to_string(),
        }
    }

    /// Builds the site after `changed` paths changed (empty for the first build). On error
    /// the caller keeps the previous files.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Built> {
        // Full rebuild for now: `changed` is what an incremental rebuild will need.
        let _ = changed;
        let (output, diagnostics) =
            build_in_memory_with_base_url(&self.root, self.drafts, Some(&self.base_url))?;
        let files = output
            .into_files()
            .into_iter()
            .map(|(path, bytes)| (path, Bytes::from(bytes)))
            .collect();
        Ok(Built {
            files,
            warnings: diagnostics,
        })
    }
}
