//! Loading: walk `content/`, read each file, parse its front matter, resolve vocabulary values
//! and references, render its Markdown.
//!
//! Problems are collected as diagnostics; a file with errors is left out of the model but the
//! walk goes on, so one build reports every error.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::config::SiteConfig;
use crate::content::front_matter::{
    self, ActivityMeta, CaseMeta, CollectionMeta, PageMeta, Split, SplitError, WorkshopMeta,
};
use crate::content::model::{
    Activity, Asset, Case, Collection, Page, Site, Workshop, WorkshopEntry,
};
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::{Markdown, Rendered};
use crate::slug::{is_valid_slug, Slugger};
use crate::vocab::{Kind, Vocabulary};
use crate::yaml::YamlSource;

/// Name of the content directory under the site root.
pub const CONTENT_DIR: &str = "content";

/// Files larger than this are refused rather than parsed.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// What to load.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep draft pages (not cases: draft cases are always loaded, because checks such as
    /// quotas count them; [`crate::content::Site::without_drafts`] removes them).
    pub drafts: bool,
}

/// Everything the walk found, classified, before any file is read.
#[derive(Debug, Default)]
struct Inventory {
    collections: Vec<(u16, PathBuf)>,
    cases: Vec<(u16, PathBuf)>,
    workshops: Vec<PathBuf>,
    activities: Vec<PathBuf>,
    pages: Vec<PathBuf>,
    assets: Vec<PathBuf>,
    years: Vec<u16>,
}

/// A file's text with its site-relative name, for diagnostics.
struct SourceFile {
    rel: PathBuf,
    text: String,
}

/// Loads the site under `root`. Hard I/O failures are errors; content problems are returned as
/// diagnostics next to the model, which holds every file that loaded cleanly.
pub fn load(
    root: &Path,
    config: &SiteConfig,
    options: LoadOptions,
    md: &Markdown<'_>,
) -> Result<(Site, Vec<Diagnostic>)> {
    let content = root.join(CONTENT_DIR);
    let mut diagnostics = Vec::new();
    let inventory = walk(root, &content, &mut diagnostics)?;
    let vocabularies: BTreeMap<u16, Vocabulary> = inventory
        .years
        .iter()
        .map(|year| (*year, config.vocabulary(*year)))
        .collect();
    let slugger = Slugger::new(&config.pinyin);

    let case_results: Vec<(Option<Case>, Vec<Diagnostic>)> = inventory
        .cases
        .par_iter()
        .map(|(year, path)| {
            let mut diags = Vec::new();
            if crate::cancel::signal().is_some() {
                // The caller checks for cancellation after loading.
                return (None, diags);
            }
            let vocab = &vocabularies[year];
            let case = load_case(root, path, *year, config, vocab, &slugger, md, &mut diags);
            (case, diags)
        })
        .collect();
    let mut cases = Vec::with_capacity(case_results.len());
    for (case, diags) in case_results {
        diagnostics.extend(diags);
        cases.extend(case);
    }
    cases.sort_by(Case::site_order);

    let references = CaseIndex::new(&cases);
    let mut loader = Loader {
        root,
        index: &references,
        md,
        diagnostics: &mut diagnostics,
    };
    let mut collections = Vec::new();
    for year in inventory.years.iter().rev() {
        let source = inventory
            .collections
            .iter()
            .find(|(y, _)| y == year)
            .map(|(_, p)| p.clone());
        let collection = match &source {
            Some(path) => loader.collection(path, *year),
            None => Some(Collection {
                year: *year,
                url: format!("{year}/"),
                title: format!("{year}年质量标杆典型经验"),
                date: None,
                summary: None,
                content: Rendered::default(),
                source: None,
            }),
        };
        collections.extend(collection);
    }

    let mut workshops = loader.load(&inventory.workshops, "workshop front matter", workshop);
    workshops.sort_by(|a, b| b.date.cmp(&a.date).then(a.page.url.cmp(&b.page.url)));
    let mut activities = loader.load(&inventory.activities, "activity front matter", activity);
    activities.sort_by(|a, b| b.date.cmp(&a.date).then(a.page.url.cmp(&b.page.url)));
    let mut pages: Vec<Page> = inventory
        .pages
        .iter()
        .filter_map(|path| loader.page(path, options))
        .collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    let assets = inventory
        .assets
        .iter()
        .filter_map(|path| {
            let rel = path.strip_prefix(&content).ok()?;
            Some(Asset {
                source: path.clone(),
                path: slash_path(rel),
            })
        })
        .collect();

    let site = Site {
        config: config.clone(),
        vocabularies,
        collections,
        cases,
        workshops,
        activities,
        pages,
        assets,
    };
    Ok((site, diagnostics))
}

/// Loads the single case whose source is `path` (`<root>/content/<year>/<企业名称>/index.md`),
/// as [`load`] would load it, for previews that reload one edited file. `None` if `path` is
/// not where a case lives (the caller then loads the whole site); the case itself is `None`
/// when the file has errors, which are among the diagnostics.
pub fn load_case_file(
    root: &Path,
    config: &SiteConfig,
    path: &Path,
    md: &Markdown<'_>,
) -> Option<(Option<Case>, Vec<Diagnostic>)> {
    let rel = path.strip_prefix(root.join(CONTENT_DIR)).ok()?;
    let parts: Vec<&std::ffi::OsStr> = rel.iter().collect();
    let [year, folder, name] = parts.as_slice() else {
        return None;
    };
    if *name != "index.md" || folder.to_string_lossy().starts_with('.') {
        return None;
    }
    let year = parse_year(&year.to_string_lossy())?;
    let vocab = config.vocabulary(year);
    let slugger = Slugger::new(&config.pinyin);
    let mut diagnostics = Vec::new();
    let case = load_case(
        root,
        path,
        year,
        config,
        &vocab,
        &slugger,
        md,
        &mut diagnostics,
    );
    Some((case, diagnostics))
}

/// Walks `content/` and classifies every file.
fn walk(root: &Path, content: &Path, diagnostics: &mut Vec<Diagnostic>) -> Result<Inventory> {
    let mut inventory = Inventory::default();
    if !content.is_dir() {
        return Err(Error::NotASite {
            root: root.to_path_buf(),
            missing: "content/",
        });
    }
    let mut years = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(content)
        .sort_by_file_name()
        .min_depth(1)
    {
        let entry = entry.map_err(|e| Error::Io {
            action: "read directory",
            path: e
                .path()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| content.to_path_buf()),
            source: e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("walk failed")),
        })?;
        let path = entry.path();
        let rel = path.strip_prefix(content).unwrap_or(path);
        let components: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let name = components.last().map(String::as_str).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if entry.file_type().is_symlink() {
            diagnostics.push(
                Diagnostic::warning("skipped", site_rel(root, path), "symbolic link skipped")
                    .help("copy the file into the site instead of linking it"),
            );
            continue;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        let is_md = name.ends_with(".md");
        let year = components.first().and_then(|first| parse_year(first));
        match (year, components.len(), is_md) {
            (Some(year), 2, true) if name == "_index.md" => {
                years.insert(year);
                inventory.collections.push((year, path.to_path_buf()));
            }
            (Some(year), 3, true) if name == "index.md" => {
                years.insert(year);
                inventory.cases.push((year, path.to_path_buf()));
            }
            (Some(_), n, _) if n >= 3 => {} // bundle assets, collected with their case
            (Some(_), _, _) => diagnostics.push(
                Diagnostic::warning("skipped", site_rel(root, path), "file skipped: a year folder holds only `_index.md` and one folder per enterprise")
                    .help("move the case into `<year>/<企业名称>/index.md`"),
            ),
            (None, 2, true) if components[0] == "workshops" => {
                inventory.workshops.push(path.to_path_buf())
            }
            (None, 2, true) if components[0] == "activities" => {
                inventory.activities.push(path.to_path_buf())
            }
            (None, _, true) => inventory.pages.push(path.to_path_buf()),
            (None, _, false) => inventory.assets.push(path.to_path_buf()),
        }
    }
    inventory.years = years.into_iter().collect();
    Ok(inventory)
}

fn parse_year(name: &str) -> Option<u16> {
    if name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit()) {
        name.parse().ok()
    } else {
        None
    }
}

fn site_rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads a file as UTF-8, refusing huge files and reporting the line of the first bad byte.
fn read_source(root: &Path, path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    let rel = site_rel(root, path);
    let unreadable =
        |e: crate::Error| Diagnostic::error("io", &rel, format!("cannot read file: {}", e.cause()));
    match crate::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            diagnostics.push(
                Diagnostic::error(
                    "too-large",
                    &rel,
                    format!(
                        "file is {} bytes, larger than the limit of {MAX_FILE_BYTES} bytes",
                        meta.len()
                    ),
                )
                .help("split the write-up or move large data into attachments"),
            );
            return None;
        }
        Ok(_) => {}
        Err(e) => {
            diagnostics.push(unreadable(e));
            return None;
        }
    }
    let bytes = match crate::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            diagnostics.push(unreadable(e));
            return None;
        }
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        diagnostics.push(
            Diagnostic::error(
                "encoding",
                &rel,
                "file is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8",
            )
            .help("save the file as UTF-8 (in Notepad: Save As, Encoding: UTF-8)"),
        );
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(SourceFile { rel, text }),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let prefix = &error.as_bytes()[..valid];
            let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = prefix
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&prefix[line_start..])
                .chars()
                .count()
                + 1;
            let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
            diagnostics.push(
                Diagnostic::error(
                    "encoding",
                    &rel,
                    format!("file is not valid UTF-8: invalid byte at offset {valid}"),
                )
                .at(&lossy, line, column)
                .help("save the file as UTF-8 (files saved as GBK/GB18030 by older editors must be converted)"),
            );
            None
        }
    }
}

/// Splits front matter, reporting a diagnostic on failure.
fn split_source<'a>(file: &'a SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Option<Split<'a>> {
    match front_matter::split(&file.text) {
        Ok(split) => Some(split),
        Err(SplitError::NoOpening) => {
            diagnostics.push(
                Diagnostic::error(
                    "front-matter",
                    &file.rel,
                    "file does not start with front matter",
                )
                .at(&file.text, 1, 1)
                .help("start the file with a line `---`, the YAML keys, and another `---`"),
            );
            None
        }
        Err(SplitError::NoClosing) => {
            diagnostics.push(
                Diagnostic::error("front-matter", &file.rel, "front matter is not closed")
                    .at(&file.text, 1, 1)
                    .help("add a line `---` after the last YAML key"),
            );
            None
        }
    }
}

/// Splits `file` and parses its front matter as `M` (`what` names it in diagnostics): the
/// split, the YAML source for keyed diagnostics and the parsed value.
fn parse_front_matter<'a, M: DeserializeOwned>(
    file: &'a SourceFile,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Split<'a>, YamlSource<'a>, M)> {
    let split = split_source(file, diagnostics)?;
    let source = yaml_source(file, &split);
    let meta = source.parse(what).map_err(|d| diagnostics.push(d)).ok()?;
    Some((split, source, meta))
}

fn yaml_source<'a>(file: &'a SourceFile, split: &Split<'a>) -> YamlSource<'a> {
    YamlSource {
        file: &file.rel,
        file_text: &file.text,
        text: split.yaml,
        first_line: split.yaml_first_line,
    }
}

/// Renders a body and shifts the line numbers it reports to lines of the file.
fn render_body(split: &Split<'_>, md: &Markdown<'_>) -> Rendered {
    let mut rendered = md.render(split.body);
    let shift = split.body_first_line - 1;
    for link in &mut rendered.links {
        if link.line > 0 {
            link.line += shift;
        }
    }
    for warning in &mut rendered.warnings {
        if warning.line > 0 {
            warning.line += shift;
        }
    }
    rendered
}

fn parse_date(
    source: &YamlSource<'_>,
    key: &str,
    value: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<NaiveDate> {
    let value = value?;
    match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            diagnostics.push(
                source
                    .key_diagnostic("date", key, format!("`{value}` is not a date"))
                    .help("write dates as YYYY-MM-DD, e.g. 2023-09-15"),
            );
            None
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn load_case(
    root: &Path,
    path: &Path,
    folder_year: u16,
    config: &SiteConfig,
    vocab: &Vocabulary,
    slugger: &Slugger,
    md: &Markdown<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Case> {
    let file = read_source(root, path, diagnostics)?;
    let (split, source, meta) =
        parse_front_matter::<CaseMeta>(&file, "case front matter", diagnostics)?;
    let before = diagnostics.iter().filter(|d| d.is_error()).count();
    let front = CaseFront { source, meta };
    front.check_placement(path, folder_year, diagnostics);
    front.check_text(diagnostics);
    let terms = front.resolve_terms(vocab, diagnostics);
    let date = parse_date(
        &front.source,
        "date",
        front.meta.date.as_deref(),
        diagnostics,
    );
    let slug = front.slug(slugger, diagnostics);
    let aliases = front.aliases(diagnostics);
    let meta = front.meta;
    let tags: Vec<String> = meta
        .tags
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    let content = render_body(&split, md);
    let bundle_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let assets = bundle_assets(&bundle_dir);

    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > before || slug.is_empty() {
        return None;
    }
    Some(Case {
        url: format!("{}/{slug}/", meta.year),
        source: file.rel.clone(),
        bundle_dir,
        year: meta.year,
        slug,
        title: meta.title.trim().to_string(),
        enterprise: meta.enterprise.trim().to_string(),
        number: meta.number,
        summary: meta.summary.trim().to_string(),
        status: meta.status,
        level: meta.level.unwrap_or_else(|| config.level.clone()),
        date,
        area: terms.area?,
        region: terms.region?,
        industries: terms.industries,
        methods: terms.methods,
        tags,
        aliases,
        draft: meta.draft,
        private: meta.private,
        content,
        assets,
    })
}

/// A case's vocabulary values resolved to term ids (`None`: unknown, and reported).
struct CaseTerms {
    area: Option<String>,
    region: Option<String>,
    industries: Vec<String>,
    methods: Vec<String>,
}

/// A case's front matter with its YAML source, for the checks that report at its keys.
struct CaseFront<'a> {
    source: YamlSource<'a>,
    meta: CaseMeta,
}

impl CaseFront<'_> {
    /// Checks that a case sits where its front matter says: in its year's folder (an error) and
    /// in a folder named after its enterprise (a warning).
    fn check_placement(&self, path: &Path, folder_year: u16, diagnostics: &mut Vec<Diagnostic>) {
        let (source, meta) = (&self.source, &self.meta);
        let folder = path
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if meta.year != folder_year {
            diagnostics.push(
                source
                    .key_diagnostic(
                        "year-mismatch",
                        "year",
                        format!(
                            "year {} does not match the folder {folder_year}/",
                            meta.year
                        ),
                    )
                    .help(format!(
                        "set `year: {folder_year}` or move the case into `content/{}/`",
                        meta.year
                    )),
            );
        }
        if meta.enterprise.trim() != folder {
            diagnostics.push(
                Diagnostic {
                    severity: crate::error::Severity::Warning,
                    ..source.key_diagnostic(
                        "folder-name",
                        "enterprise",
                        format!(
                            "enterprise `{}` differs from its folder name `{folder}`",
                            meta.enterprise
                        ),
                    )
                }
                .help("name each case folder by the enterprise, as the notice requires"),
            );
        }
    }

    /// Checks that the case's required text fields are not blank.
    fn check_text(&self, diagnostics: &mut Vec<Diagnostic>) {
        let (source, meta) = (&self.source, &self.meta);
        for (key, value) in [
            ("title", &meta.title),
            ("enterprise", &meta.enterprise),
            ("summary", &meta.summary),
        ] {
            if value.trim().is_empty() {
                diagnostics.push(
                    source
                        .key_diagnostic("empty", key, format!("`{key}` is empty"))
                        .help(format!("write the case's {key}")),
                );
            }
        }
    }

    /// Resolves the case's area, region, industries and methods against the year's vocabulary.
    fn resolve_terms(&self, vocab: &Vocabulary, diagnostics: &mut Vec<Diagnostic>) -> CaseTerms {
        let (source, meta) = (&self.source, &self.meta);
        let mut one =
            |kind, key, value: &str| resolve_one(source, vocab, kind, key, value, diagnostics);
        let area = one(Kind::Areas, "area", &meta.area);
        let region = one(Kind::Regions, "region", &meta.region);
        let mut many = |kind, key, values: &[String]| {
            resolve_many(source, vocab, kind, key, values, diagnostics)
        };
        let industries = many(Kind::Industries, "industry", &meta.industry);
        let methods = many(Kind::Methods, "methods", &meta.methods);
        CaseTerms {
            area,
            region,
            industries,
            methods,
        }
    }

    /// The case's URL slug: `slug:` if valid, else the enterprise name's; empty (and reported)
    /// when neither gives a valid URL segment.
    fn slug(&self, slugger: &Slugger, diagnostics: &mut Vec<Diagnostic>) -> String {
        let (source, meta) = (&self.source, &self.meta);
        match &meta.slug {
            Some(slug) if !is_valid_slug(slug) => {
                diagnostics.push(
                    source
                        .key_diagnostic(
                            "slug",
                            "slug",
                            format!("slug `{slug}` is not a valid URL segment"),
                        )
                        .help(
                            "use lowercase ASCII letters, digits and hyphens, e.g. `heng-xin-jing-mi`",
                        ),
                );
                String::new()
            }
            Some(slug) => slug.clone(),
            None => {
                let slug = slugger.enterprise_slug(&meta.enterprise);
                if is_valid_slug(&slug) {
                    return slug;
                }
                diagnostics.push(
                    source
                        .key_diagnostic(
                            "slug",
                            "enterprise",
                            format!(
                                "cannot derive a URL slug from the enterprise name (got `{slug}`)"
                            ),
                        )
                        .help("add `slug: some-name` to the front matter"),
                );
                String::new()
            }
        }
    }

    /// The case's old URLs as normalized site paths; the ones that are not are reported.
    fn aliases(&self, diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
        let (source, aliases) = (&self.source, &self.meta.aliases);
        let mut normalized = Vec::new();
        for alias in aliases {
            match normalize_alias(alias) {
                Some(alias) => normalized.push(alias),
                None => diagnostics.push(
                    source
                        .key_diagnostic("alias", "aliases", format!("alias `{alias}` is not a site path"))
                        .help("write old URLs as site paths like `/2023/old-name/` (no `..`, no scheme, no backslashes)"),
                ),
            }
        }
        normalized
    }
}

/// Files of a bundle other than Markdown, relative to the bundle, sorted.
fn bundle_assets(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let name = rel.to_string_lossy();
            if name.ends_with(".md")
                || rel
                    .components()
                    .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            {
                None
            } else {
                Some(slash_path(rel))
            }
        })
        .collect()
}

/// Normalizes an alias to a site-relative directory path (`2023/old/`), refusing anything
/// that could escape the output directory. `.` and `..` follow the one rule of
/// [`crate::site_path`]; a segment that still holds `..` (`...`, `a..b`) is refused, since
/// some systems drop trailing dots from file names.
pub fn normalize_alias(alias: &str) -> Option<String> {
    let trimmed = alias.trim();
    if trimmed.contains("://")
        || trimmed.contains('\\')
        || trimmed.contains('\0')
        || trimmed.contains('?')
        || trimmed.contains('#')
    {
        return None;
    }
    let normalized = crate::site_path::normalize(trimmed)?;
    let parts: Vec<&str> = normalized.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty()
        || parts
            .iter()
            .any(|p| p.contains("..") || p.contains(':') || p.contains('%'))
    {
        return None;
    }
    let last = parts.last().copied().unwrap_or_default();
    if last.ends_with(".html") {
        Some(parts.join("/"))
    } else {
        Some(format!("{}/", parts.join("/")))
    }
}

fn resolve_one(
    source: &YamlSource<'_>,
    vocab: &Vocabulary,
    kind: Kind,
    key: &str,
    value: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    match vocab.resolve(kind, value) {
        Some(term) => Some(term.id.clone()),
        None => {
            diagnostics.push(unknown_term(source, vocab, kind, key, value));
            None
        }
    }
}

fn resolve_many(
    source: &YamlSource<'_>,
    vocab: &Vocabulary,
    kind: Kind,
    key: &str,
    values: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for value in values {
        match vocab.resolve(kind, value) {
            Some(term) if !ids.contains(&term.id) => ids.push(term.id.clone()),
            Some(_) => {}
            None => diagnostics.push(unknown_term(source, vocab, kind, key, value)),
        }
    }
    ids
}

fn unknown_term(
    source: &YamlSource<'_>,
    vocab: &Vocabulary,
    kind: Kind,
    key: &str,
    value: &str,
) -> Diagnostic {
    let code = match kind {
        Kind::Areas => "unknown-area",
        Kind::Regions => "unknown-region",
        Kind::Industries => "unknown-industry",
        Kind::Methods => "unknown-method",
        Kind::Tags => "unknown-tag",
    };
    let diagnostic = source.key_diagnostic(
        code,
        key,
        format!("`{value}` is not in the {} vocabulary", kind.title()),
    );
    let help = match vocab.suggest(kind, value) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            let ids: Vec<&str> = vocab.terms(kind).iter().map(|t| t.id.as_str()).collect();
            format!(
                "use one of: {} (or add it under `vocabularies:` in site.yaml)",
                ids.join(", ")
            )
        }
    };
    diagnostic.help(help)
}

/// Finds cases by `YEAR/slug`, `YEAR/企业名称` or a unique `企业名称`.
struct CaseIndex {
    by_key: HashMap<String, usize>,
    by_enterprise: HashMap<String, Vec<usize>>,
}

impl CaseIndex {
    fn new(cases: &[Case]) -> CaseIndex {
        let mut by_key = HashMap::new();
        let mut by_enterprise: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, case) in cases.iter().enumerate() {
            by_key.insert(format!("{}/{}", case.year, case.slug), index);
            by_key.insert(format!("{}/{}", case.year, case.enterprise), index);
            if let Some(folder) = case.bundle_dir.file_name() {
                by_key.insert(format!("{}/{}", case.year, folder.to_string_lossy()), index);
            }
            by_enterprise
                .entry(case.enterprise.clone())
                .or_default()
                .push(index);
        }
        CaseIndex {
            by_key,
            by_enterprise,
        }
    }

    fn resolve(&self, reference: &str) -> Result<usize, String> {
        let key = reference.trim().trim_matches('/');
        if let Some(index) = self.by_key.get(key) {
            return Ok(*index);
        }
        match self.by_enterprise.get(key).map(Vec::as_slice) {
            Some([index]) => Ok(*index),
            Some(_) => Err(format!(
                "`{reference}` names an enterprise with cases in several years; write `YEAR/{key}`"
            )),
            None => Err(format!("no case `{reference}`")),
        }
    }
}

/// Resolves a reference written in front matter, reporting a located error.
fn resolve_reference(
    source: &YamlSource<'_>,
    index: &CaseIndex,
    key: &str,
    reference: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<usize> {
    match index.resolve(reference) {
        Ok(i) => Some(i),
        Err(message) => {
            let mut diagnostic = Diagnostic::error("unknown-case", source.file, message)
                .help("refer to a case as `YEAR/企业名称` (its folder) or `YEAR/slug`; drafts are not published");
            let located = source
                .text
                .lines()
                .enumerate()
                .find(|(_, l)| l.contains(reference));
            match located {
                Some((i, line)) => {
                    let column = line
                        .find(reference)
                        .map_or(1, |b| line[..b].chars().count() + 1);
                    diagnostic = diagnostic
                        .at(source.file_text, source.first_line + i, column)
                        .span(reference.chars().count());
                }
                None => {
                    if let Some((line, column)) = source.key_location(key) {
                        diagnostic = diagnostic.at(source.file_text, line, column);
                    }
                }
            }
            diagnostics.push(diagnostic);
            None
        }
    }
}

fn file_slug(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn checked_page_slug(file: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let slug = file_slug(&file.rel);
    if is_valid_slug(&slug) {
        Some(slug)
    } else {
        diagnostics.push(
            Diagnostic::error("slug", &file.rel, format!("file name `{slug}` is not a valid URL segment"))
                .help("name the file with lowercase ASCII letters, digits and hyphens, e.g. `digital-quality.md`"),
        );
        None
    }
}

/// A section page (`content/workshops/<slug>.md`, `content/activities/<slug>.md`) read, its
/// front matter parsed and its file-name slug checked.
struct SectionPage<'a, M> {
    file: SectionFile<'a>,
    source: YamlSource<'a>,
    meta: M,
}

/// The file of a section page: what makes it a [`Page`] with the title and summary of its
/// front matter.
struct SectionFile<'a> {
    file: &'a SourceFile,
    split: Split<'a>,
    slug: String,
}

impl SectionFile<'_> {
    /// The page of this file in `section` (`workshops`): its source, the URL
    /// `<section>/<slug>/`, `title`, `summary` and the rendered body.
    fn page(&self, section: &str, title: String, summary: Option<String>, md: &Markdown) -> Page {
        Page {
            source: self.file.rel.clone(),
            url: format!("{section}/{}/", self.slug),
            title,
            summary,
            content: render_body(&self.split, md),
        }
    }
}

/// Builds the item of a section page from it, resolving case references with the index.
type MakeItem<M, T> = fn(SectionPage<'_, M>, &CaseIndex, &Markdown<'_>, &mut Vec<Diagnostic>) -> T;

/// Loads the files read after the cases (collections, workshops, activities, pages) into
/// one list of diagnostics; workshops and activities refer to cases through `index`.
struct Loader<'a, 'm> {
    root: &'a Path,
    index: &'a CaseIndex,
    md: &'a Markdown<'m>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Loader<'_, '_> {
    /// The collection of `year` from its `_index.md` at `path`.
    fn collection(&mut self, path: &Path, year: u16) -> Option<Collection> {
        let (root, md, diagnostics) = (self.root, self.md, &mut *self.diagnostics);
        let file = read_source(root, path, diagnostics)?;
        let (split, source, meta) =
            parse_front_matter::<CollectionMeta>(&file, "collection front matter", diagnostics)?;
        let date = parse_date(&source, "date", meta.date.as_deref(), diagnostics);
        Some(Collection {
            year,
            url: format!("{year}/"),
            title: meta.title,
            date,
            summary: meta.summary,
            content: render_body(&split, md),
            source: Some(file.rel.clone()),
        })
    }

    /// The page at `path` (`None` for a draft unless `options` keep drafts).
    fn page(&mut self, path: &Path, options: LoadOptions) -> Option<Page> {
        let (root, md, diagnostics) = (self.root, self.md, &mut *self.diagnostics);
        let file = read_source(root, path, diagnostics)?;
        let (split, _, meta) =
            parse_front_matter::<PageMeta>(&file, "page front matter", diagnostics)?;
        if meta.draft && !options.drafts {
            return None;
        }
        let rel = file.rel.strip_prefix(CONTENT_DIR).unwrap_or(&file.rel);
        let mut url = slash_path(&rel.with_extension(""));
        if url.ends_with("/index") || url == "index" {
            url.truncate(url.len() - "index".len());
        } else {
            url.push('/');
        }
        let valid = url
            .trim_end_matches('/')
            .split('/')
            .all(|segment| is_valid_slug(segment) || segment.is_empty());
        if !valid || url.is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    "slug",
                    &file.rel,
                    format!("page path `{url}` is not a valid URL"),
                )
                .help(
                    "name page files and folders with lowercase ASCII letters, digits and hyphens",
                ),
            );
            return None;
        }
        Some(Page {
            source: file.rel.clone(),
            url,
            title: meta.title,
            summary: meta.summary,
            content: render_body(&split, md),
        })
    }
    /// Loads the section pages at `paths` with front matter `M` (`what` names it), each item
    /// made by `make`; an item whose making adds a diagnostic is left out.
    fn load<M: DeserializeOwned, T>(
        &mut self,
        paths: &[PathBuf],
        what: &str,
        make: MakeItem<M, T>,
    ) -> Vec<T> {
        paths
            .iter()
            .filter_map(|path| self.load_one(path, what, make))
            .collect()
    }

    fn load_one<M: DeserializeOwned, T>(
        &mut self,
        path: &Path,
        what: &str,
        make: MakeItem<M, T>,
    ) -> Option<T> {
        let diagnostics = &mut *self.diagnostics;
        let file = read_source(self.root, path, diagnostics)?;
        let (split, source, meta) = parse_front_matter::<M>(&file, what, diagnostics)?;
        let slug = checked_page_slug(&file, diagnostics)?;
        let before = diagnostics.len();
        let page = SectionPage {
            file: SectionFile {
                file: &file,
                split,
                slug,
            },
            source,
            meta,
        };
        let item = make(page, self.index, self.md, diagnostics);
        (diagnostics.len() == before).then_some(item)
    }
}

/// The workshop of a section page; cases it names are resolved with `index`.
fn workshop(
    page: SectionPage<'_, WorkshopMeta>,
    index: &CaseIndex,
    md: &Markdown<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Workshop {
    let (source, meta) = (&page.source, page.meta);
    let entries: Vec<WorkshopEntry> = meta
        .cases
        .iter()
        .filter_map(|item| {
            let case = resolve_reference(source, index, "cases", &item.case, diagnostics)?;
            let note = item.note.clone();
            Some(WorkshopEntry { case, note })
        })
        .collect();
    if meta.cases.is_empty() {
        diagnostics.push(
            source
                .key_diagnostic("empty", "cases", "workshop lists no cases".to_string())
                .help("add `cases:` entries like `- case: 2023/企业名称`"),
        );
    }
    Workshop {
        page: page.file.page("workshops", meta.title, meta.summary, md),
        date: parse_date(source, "date", meta.date.as_deref(), diagnostics),
        trainer: meta.trainer,
        place: meta.place,
        agenda: meta.agenda,
        entries,
    }
}

/// The activity of a section page; its host and cases are resolved with `index`.
fn activity(
    page: SectionPage<'_, ActivityMeta>,
    index: &CaseIndex,
    md: &Markdown<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Activity {
    let (source, meta) = (&page.source, page.meta);
    let mut reference =
        |key: &str, value: &str| resolve_reference(source, index, key, value, diagnostics);
    let host = meta
        .host
        .as_deref()
        .and_then(|host| reference("host", host));
    let cases: Vec<usize> = meta
        .cases
        .iter()
        .filter_map(|case| reference("cases", case))
        .collect();
    Activity {
        page: page.file.page("activities", meta.title, meta.summary, md),
        kind: meta.kind,
        date: parse_date(source, "date", meta.date.as_deref(), diagnostics),
        place: meta.place,
        host,
        cases,
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_alias;

    #[test]
    fn aliases_stay_inside_the_site() {
        assert_eq!(normalize_alias("/2023/old/").as_deref(), Some("2023/old/"));
        assert_eq!(normalize_alias("2023/old").as_deref(), Some("2023/old/"));
        assert_eq!(normalize_alias("/old.html").as_deref(), Some("old.html"));
        assert_eq!(normalize_alias("/../x/"), None);
        assert_eq!(normalize_alias("/2023/../../x/"), None);
        assert_eq!(
            normalize_alias("/2023/./old/../older/").as_deref(),
            Some("2023/older/")
        );
        assert_eq!(normalize_alias("/x/.../y/"), None);
        assert_eq!(normalize_alias("https://x/"), None);
        assert_eq!(normalize_alias("a\\b"), None);
        assert_eq!(normalize_alias("/"), None);
        assert_eq!(normalize_alias("/%2e%2e/"), None);
    }
}
