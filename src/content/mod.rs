//! Content stage: from the files under `content/` to the [`Site`] model.
//!
//! Owns the front matter formats, the walk of `content/`, vocabulary resolution and Markdown
//! rendering. Knows nothing of templates or of the output directory.

pub mod front_matter;
mod load;
pub mod model;

pub use load::{load, load_case_file, normalize_alias, LoadOptions, CONTENT_DIR, MAX_FILE_BYTES};
pub use model::{Activity, Asset, Case, Collection, Page, Site, Workshop, WorkshopEntry};
