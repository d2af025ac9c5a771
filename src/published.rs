//! The record of published URLs: `published-urls.txt` next to `site.yaml`, committed with the
//! content, so that a URL that was once published never disappears silently (SPEC.md: "a slug,
//! once published, never changes silently").
//!
//! The record lists every URL that leads to a published case — its page and its aliases — one
//! per line, sorted, with the file that published it:
//!
//! ```text
//! 2023/heng-xin/  content/2023/恒信/index.md
//! ```
//!
//! [`check`] reports each recorded URL that no longer leads to a case (`url-removed`), naming
//! the case that most likely moved and the alias that fixes it; `biaogan check`, `build` and
//! `serve` all run it. Only [`crate::build::build`] writes the record, through
//! [`RecordUpdate::save`], after the output has been swapped in: it adds URLs and never
//! removes one. Retiring a URL on purpose is deleting its line. A site without the record
//! behaves as before its first build.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::content::{normalize_alias, Case, Site};
use crate::error::{display_path, Diagnostic, Result};

/// Name of the record, in the site directory.
pub const PUBLISHED_URLS_FILE: &str = "published-urls.txt";

/// The comment written at the top of the record.
const HEADER: &str = "\
# Published URLs of this site's cases (case pages and their aliases), one per line: the URL,
# then the file that published it. Written by `biaogan build`, which adds the URLs of newly
# published cases and never removes one. `biaogan check` and `build` fail when a URL listed
# here no longer leads to a case, so that links printed on handouts never break silently.
# Commit this file with the content. To retire a URL on purpose, delete its line.
";

/// Path of the record of the site at `root`.
pub fn record_path(root: &Path) -> PathBuf {
    root.join(PUBLISHED_URLS_FILE)
}

/// One line of the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line in the record.
    pub line: usize,
    /// The URL as written on the line (for the highlighted span).
    pub written: String,
    /// Site-relative URL, normalized like an alias: `2023/heng-xin/`.
    pub url: String,
    /// Site-relative source file that published it, if the line names one.
    pub source: Option<String>,
}

/// The record as read: its text (to quote lines) and its entries in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// The whole file.
    pub text: String,
    /// Entries, in file order (duplicates kept).
    pub entries: Vec<Entry>,
}

/// Parses the record: `#` comments and blank lines are skipped; each other line is a URL,
/// optionally followed by whitespace and the source file. Lines whose URL is not a site path
/// are reported as `url-record` errors located on the line.
pub fn parse(text: &str) -> (Record, Vec<Diagnostic>) {
    let mut entries = Vec::new();
    let mut diagnostics = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (written, source) = match trimmed.split_once(char::is_whitespace) {
            Some((url, rest)) => (url, Some(rest.trim()).filter(|s| !s.is_empty())),
            None => (trimmed, None),
        };
        match normalize_alias(written) {
            Some(url) => entries.push(Entry {
                line: index + 1,
                written: written.to_string(),
                url,
                source: source.map(str::to_string),
            }),
            None => {
                let column = line.chars().count() - line.trim_start().chars().count() + 1;
                diagnostics.push(
                    Diagnostic::error(
                        "url-record",
                        PUBLISHED_URLS_FILE,
                        format!("`{written}` is not a site path"),
                    )
                    .at(text, index + 1, column)
                    .span(written.chars().count())
                    .help("each line of the record is a site path such as `2023/heng-xin/`, then the file that published it; lines starting with `#` are comments"),
                );
            }
        }
    }
    (
        Record {
            text: text.to_string(),
            entries,
        },
        diagnostics,
    )
}

/// Reads the record of the site at `root`: `None` when the site has none yet. Text that is
/// not UTF-8 is a `url-record` diagnostic; other read failures are errors.
pub fn load(root: &Path) -> Result<(Option<Record>, Vec<Diagnostic>)> {
    let path = record_path(root);
    let bytes = match crate::fs::read_optional(&path)? {
        Some(bytes) => bytes,
        None => return Ok((None, Vec::new())),
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            let (record, diagnostics) = parse(&text);
            Ok((Some(record), diagnostics))
        }
        Err(_) => Ok((
            None,
            vec![Diagnostic::error(
                "url-record",
                PUBLISHED_URLS_FILE,
                "the record of published URLs is not valid UTF-8",
            )
            .help("restore the file from version control")],
        )),
    }
}

/// Every URL that leads to a published case of `site` (its page and its aliases), with the
/// case. Drafts publish nothing.
fn served(site: &Site) -> HashMap<&str, &Case> {
    let mut served = HashMap::new();
    for case in site.cases.iter().filter(|c| !c.draft) {
        served.insert(case.url.as_str(), case);
        for alias in &case.aliases {
            served.entry(alias.as_str()).or_insert(case);
        }
    }
    served
}

/// Reads the record of `root` (never writes it) and returns its problems: malformed lines and
/// the `url-removed` errors of [`check`]. `found` are the diagnostics of the earlier stages:
/// files with errors there are missing from the model and not blamed here. Nothing when the
/// site has no record yet.
pub fn check_site(root: &Path, site: &Site, found: &[Diagnostic]) -> Result<Vec<Diagnostic>> {
    let (record, mut diagnostics) = load(root)?;
    if let Some(record) = record {
        let failed: HashSet<String> = found
            .iter()
            .filter(|d| d.is_error())
            .map(|d| display_path(&d.file))
            .collect();
        diagnostics.extend(check(&record, site, &failed));
    }
    Ok(diagnostics)
}

/// The `url-removed` errors: recorded URLs that no longer lead to a case of `site`.
///
/// `failed` holds the site-relative files (as displayed, with `/`) that have errors of their
/// own and are missing from the model: a URL they published is not reported, since the file's
/// own errors come first. Pure.
pub fn check(record: &Record, site: &Site, failed: &HashSet<String>) -> Vec<Diagnostic> {
    let served = served(site);
    let recorded: HashSet<&str> = record.entries.iter().map(|e| e.url.as_str()).collect();
    let mut diagnostics = Vec::new();
    for entry in &record.entries {
        if served.contains_key(entry.url.as_str()) {
            continue;
        }
        if entry.source.as_ref().is_some_and(|s| failed.contains(s)) {
            continue;
        }
        let line = entry.line;
        let retire = format!(
            "if the case was withdrawn on purpose, delete line {line} of {PUBLISHED_URLS_FILE} to retire the URL (links to it will break)"
        );
        let owner = entry.source.as_ref().and_then(|source| {
            site.cases
                .iter()
                .find(|c| display_path(&c.source) == *source)
        });
        let (message, help) = match owner {
            Some(case) if case.draft => (
                format!(
                    "published URL /{} would disappear: its case {} is now a draft",
                    entry.url,
                    display_path(&case.source)
                ),
                format!(
                    "remove `draft: true` from {}; {retire}",
                    display_path(&case.source)
                ),
            ),
            Some(case) => (
                format!(
                    "published URL /{} no longer leads to a case: {} is now at /{}",
                    entry.url,
                    display_path(&case.source),
                    case.url
                ),
                alias_help(&entry.url, case, &recorded, &retire),
            ),
            None => {
                let gone = entry.source.as_ref().map_or_else(
                    || format!("published URL /{} no longer leads to a case", entry.url),
                    |source| {
                        format!(
                            "published URL /{} no longer leads to a case: {source}, which published it, is gone",
                            entry.url
                        )
                    },
                );
                match likely_successor(entry, site, &recorded) {
                    Some(case) => (
                        format!(
                            "{gone}; {} ({}) is probably the same case, now at /{}",
                            display_path(&case.source),
                            case.enterprise,
                            case.url
                        ),
                        alias_help(&entry.url, case, &recorded, &retire),
                    ),
                    None => (
                        gone,
                        format!(
                            "if the case moved, add `/{}` to the `aliases:` of its front matter, e.g. `aliases: [/{}]`; {retire}",
                            entry.url, entry.url
                        ),
                    ),
                }
            }
        };
        diagnostics.push(
            Diagnostic::error("url-removed", PUBLISHED_URLS_FILE, message)
                .at(&record.text, line, column_of(&record.text, line))
                .span(entry.written.chars().count())
                .help(help),
        );
    }
    diagnostics
}

/// The 1-based column where the URL of `line` starts (after any indentation).
fn column_of(text: &str, line: usize) -> usize {
    text.lines().nth(line.saturating_sub(1)).map_or(1, |l| {
        l.chars().count() - l.trim_start().chars().count() + 1
    })
}

/// How to keep `url` working for `case`: an alias, or pinning the old slug when the case's
/// new URL was never published (pinning would otherwise remove that one).
fn alias_help(url: &str, case: &Case, recorded: &HashSet<&str>, retire: &str) -> String {
    let source = display_path(&case.source);
    let alias = if case.aliases.is_empty() {
        format!("add `aliases: [/{url}]` to the front matter of {source}")
    } else {
        format!("add `/{url}` to the `aliases:` list in the front matter of {source}")
    };
    let old_slug = url
        .strip_prefix(&format!("{}/", case.year))
        .and_then(|rest| rest.strip_suffix('/'))
        .filter(|slug| crate::slug::is_valid_slug(slug) && !recorded.contains(case.url.as_str()));
    match old_slug {
        Some(slug) => format!(
            "{alias} so that the old URL redirects to the new one, or keep the old URL with `slug: {slug}`; {retire}"
        ),
        None => format!("{alias} so that the old URL redirects to the new one; {retire}"),
    }
}

/// A published case of the same year as `entry`, not yet recorded, whose enterprise or
/// folder matches the folder of the recorded source (the folder is named by the
/// enterprise): exactly, or else the one case whose name, legal form aside, contains or is
/// contained in the old one (恒信精密 → 恒信精密机械).
fn likely_successor<'s>(
    entry: &Entry,
    site: &'s Site,
    recorded: &HashSet<&str>,
) -> Option<&'s Case> {
    let year: u16 = entry.url.split('/').next()?.parse().ok()?;
    let source = Path::new(entry.source.as_deref()?);
    let old = source.parent()?.file_name()?.to_str()?;
    fn names(case: &Case) -> [String; 2] {
        let folder = case
            .source
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        [case.enterprise.clone(), folder]
    }
    let candidates: Vec<&Case> = site
        .cases
        .iter()
        .filter(|c| !c.draft && c.year == year && !recorded.contains(c.url.as_str()))
        .collect();
    if let Some(case) = candidates
        .iter()
        .copied()
        .find(|c| names(c).iter().any(|n| n == old))
    {
        return Some(case);
    }
    let old = crate::slug::without_legal_suffix(old);
    let mut similar = candidates.iter().copied().filter(|c| {
        names(c).iter().any(|n| {
            let n = crate::slug::without_legal_suffix(n);
            !n.is_empty() && (n.contains(old) || old.contains(n))
        })
    });
    match (similar.next(), similar.next()) {
        (Some(case), None) => Some(case),
        _ => None,
    }
}

/// The record after publishing `site`: every recorded URL is kept; every URL that leads to a
/// published (non-draft) case is added; each URL's source is the file that publishes it now,
/// or the recorded one if nothing does. Pure.
pub fn updated(record: Option<&Record>, site: &Site) -> BTreeMap<String, String> {
    let mut urls: BTreeMap<String, String> = BTreeMap::new();
    if let Some(record) = record {
        for entry in &record.entries {
            urls.insert(entry.url.clone(), entry.source.clone().unwrap_or_default());
        }
    }
    for (url, case) in served(site) {
        urls.insert(url.to_string(), display_path(&case.source));
    }
    urls
}

/// The text of a record: the header, then `URL  source` lines sorted by URL.
pub fn render(urls: &BTreeMap<String, String>) -> String {
    let mut text = String::from(HEADER);
    for (url, source) in urls {
        if source.is_empty() {
            text.push_str(&format!("{url}\n"));
        } else {
            text.push_str(&format!("{url}  {source}\n"));
        }
    }
    text
}

/// The record of `root` updated with `site`'s published URLs, not yet written: `build`
/// prepares it while it still holds the model and writes it once the output is in place.
pub fn prepare(root: &Path, site: &Site) -> Result<RecordUpdate> {
    let (record, _) = load(root)?;
    let before: HashSet<String> = record
        .as_ref()
        .map(|r| r.entries.iter().map(|e| e.url.clone()).collect())
        .unwrap_or_default();
    let urls = updated(record.as_ref(), site);
    let added = urls.keys().filter(|u| !before.contains(*u)).count();
    let text = render(&urls);
    let changed = record.as_ref().map(|r| r.text.as_str()) != Some(text.as_str());
    Ok(RecordUpdate {
        path: record_path(root),
        text: changed.then_some(text),
        added,
    })
}

/// An update of the record prepared by [`prepare`].
#[derive(Debug)]
pub struct RecordUpdate {
    path: std::path::PathBuf,
    /// The new text, if it differs from the file's.
    text: Option<String>,
    added: usize,
}

impl RecordUpdate {
    /// Writes the record if it changed; returns how many URLs were added.
    pub fn save(self) -> Result<usize> {
        if let Some(text) = &self.text {
            crate::fs::write_atomic(&self.path, text.as_bytes())?;
        }
        Ok(self.added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls_sources_and_comments() {
        let text =
            "# header\n\n2023/a/  content/2023/甲 公司/index.md\r\n/2024/b\n  2023/c/\tx.md\n";
        let (record, diagnostics) = parse(text);
        assert!(diagnostics.is_empty());
        let got: Vec<(usize, &str, Option<&str>)> = record
            .entries
            .iter()
            .map(|e| (e.line, e.url.as_str(), e.source.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, "2023/a/", Some("content/2023/甲 公司/index.md")),
                (4, "2024/b/", None),
                (5, "2023/c/", Some("x.md")),
            ]
        );
        assert_eq!(column_of(text, 5), 3);
    }

    #[test]
    fn bad_lines_are_located() {
        let (record, diagnostics) = parse("# x\n../etc/  a.md\n");
        assert!(record.entries.is_empty());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "url-record");
        assert_eq!(diagnostics[0].line, 2);
        assert_eq!(diagnostics[0].span_chars, 7);
    }

    #[test]
    fn render_is_sorted_and_round_trips() {
        let mut urls = BTreeMap::new();
        urls.insert(
            "2024/b/".to_string(),
            "content/2024/乙/index.md".to_string(),
        );
        urls.insert(
            "2023/a/".to_string(),
            "content/2023/甲/index.md".to_string(),
        );
        urls.insert("old.html".to_string(), String::new());
        let text = render(&urls);
        assert!(text.starts_with("# Published URLs"));
        assert!(text.ends_with(
            "2023/a/  content/2023/甲/index.md\n2024/b/  content/2024/乙/index.md\nold.html\n"
        ));
        let (record, diagnostics) = parse(&text);
        assert!(diagnostics.is_empty());
        let again: BTreeMap<String, String> = record
            .entries
            .iter()
            .map(|e| (e.url.clone(), e.source.clone().unwrap_or_default()))
            .collect();
        assert_eq!(again, urls);
    }
}
