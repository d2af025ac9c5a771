//! The theme: tera templates and static files, the embedded defaults overridden by a site's
//! own `templates/` directory, file by file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use tera::Tera;

use crate::error::{display_path, Error, Result};

/// The default theme, embedded at compile time from `templates/`.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Name of a site's theme override directory.
pub const TEMPLATES_DIR: &str = "templates";

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    /// Embedded in the binary.
    Embedded(&'static [u8]),
    /// A built-in script as it ships (see [`super::script::strip`]).
    Script(String),
    /// A file of the site's own `templates/static/`.
    File(PathBuf),
}

/// Compiled templates plus the static files to copy.
#[derive(Debug)]
pub struct Theme {
    /// The compiled templates, with the [`super::partial`] function.
    pub tera: Arc<Tera>,
    /// The partials the templates have rendered in the current render pass.
    pub partials: Arc<super::partial::Partials>,
    /// Static files by output path below `static/`, e.g. `style.css`.
    pub static_files: BTreeMap<String, StaticSource>,
    /// Fingerprint of every template's name and text (pages are reused only from a build
    /// with the same templates).
    pub fingerprint: crate::cache::Key,
}

impl Theme {
    /// Loads the embedded theme and applies the overrides found in `site_root/templates/`.
    pub fn load(site_root: &Path) -> Result<Theme> {
        let mut sources: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut static_files = BTreeMap::new();
        collect_embedded(&DEFAULT_THEME, &mut sources, &mut static_files);
        let overrides = site_root.join(TEMPLATES_DIR);
        if overrides.is_dir() {
            for entry in walkdir::WalkDir::new(&overrides)
                .sort_by_file_name()
                .min_depth(1)
            {
                let entry = entry.map_err(|e| Error::Io {
                    action: "read directory",
                    path: overrides.clone(),
                    source: e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("walk failed")),
                })?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry
                    .path()
                    .strip_prefix(&overrides)
                    .unwrap_or(entry.path());
                let name = display_path(rel);
                if let Some(static_name) = name.strip_prefix("static/") {
                    if !is_built_in_script(static_name, entry.path())? {
                        static_files.insert(
                            static_name.to_string(),
                            StaticSource::File(entry.path().to_path_buf()),
                        );
                    }
                } else if name.ends_with(".html")
                    || name.ends_with(".xml")
                    || name.ends_with(".txt")
                {
                    let bytes = crate::fs::read(entry.path())?;
                    let text = String::from_utf8(bytes).map_err(|_| Error::Template {
                        template: name.clone(),
                        page: None,
                        message: format!("{} is not valid UTF-8", display_path(entry.path())),
                    })?;
                    sources.insert(name.clone(), (display_path(entry.path()), text));
                }
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(crate::escape::html);
        tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, (_, text))| (name.as_str(), text.as_str())),
        )
        .map_err(|error| Error::Template {
            template: failing_template(&error).unwrap_or_else(|| "?".to_string()),
            page: None,
            message: error_chain(&error),
        })?;
        let mut fingerprint = crate::cache::Fingerprinter::new("templates");
        for (name, (_, text)) in &sources {
            fingerprint.add(name.as_bytes()).add(text.as_bytes());
        }
        let (tera, partials) = super::partial::Partials::install(tera);
        Ok(Theme {
            tera,
            partials,
            static_files,
            fingerprint: fingerprint.finish(),
        })
    }

    /// Whether a template of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }
}

/// True when the site's static file `path` is a built-in script, byte for byte (a copy of
/// the theme, as the sample site's `templates/` is): it ships as the built-in one does.
fn is_built_in_script(static_name: &str, path: &Path) -> Result<bool> {
    let Some(built_in) = DEFAULT_THEME.get_file(format!("static/{static_name}")) else {
        return Ok(false);
    };
    Ok(static_name.ends_with(".js") && crate::fs::read(path)? == built_in.contents())
}

fn collect_embedded(
    dir: &'static Dir<'static>,
    sources: &mut BTreeMap<String, (String, String)>,
    static_files: &mut BTreeMap<String, StaticSource>,
) {
    for file in dir.files() {
        let name = display_path(file.path());
        if let Some(static_name) = name.strip_prefix("static/") {
            if !static_name
                .rsplit('/')
                .next()
                .is_some_and(|n| n.starts_with('.'))
            {
                let source = match file.contents_utf8() {
                    Some(text) if static_name.ends_with(".js") => {
                        StaticSource::Script(super::script::strip(text))
                    }
                    _ => StaticSource::Embedded(file.contents()),
                };
                static_files.insert(static_name.to_string(), source);
            }
        } else if name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".txt") {
            if let Some(text) = file.contents_utf8() {
                sources.insert(
                    name.clone(),
                    (format!("(built-in) {name}"), text.to_string()),
                );
            }
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, sources, static_files);
    }
}

fn failing_template(error: &tera::Error) -> Option<String> {
    let message = error.to_string();
    message.split('\'').nth(1).map(str::to_string)
}

/// Tera's error with all its causes on one line each.
pub fn error_chain(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str("\n  caused by: ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
