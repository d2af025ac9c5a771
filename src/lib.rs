//! biaogan: a static site generator for quality-benchmark case collections (质量标杆典型经验).
//!
//! The pipeline, one module per stage: [`config`] reads `site.yaml`; [`content`] walks
//! `content/`, parses front matter and renders Markdown ([`markdown`]) into the [`content::Site`]
//! model; [`check`] validates the model; [`taxonomy`] groups cases by area, region, industry,
//! method and tag; [`render`] turns the model into pages with tera; [`build`] runs the stages
//! and writes the output atomically.

pub mod build;
pub mod cache;
pub mod cancel;
pub mod check;
pub mod compilation;
pub mod config;
pub mod content;
pub mod error;
pub mod escape;
pub mod fs;
pub mod lock;
pub mod markdown;
pub mod pipeline;
pub mod published;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site_path;
pub mod slug;
pub mod suggest;
pub mod summary;
pub mod taxonomy;
pub mod vocab;
pub mod yaml;

pub use error::{Diagnostic, Error, Result, Severity};
