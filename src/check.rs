//! Site-wide checks over the loaded model: quotas, duplicates, slug and alias collisions,
//! internal links and assets, private-data formats, eligibility, sanitized HTML.
//!
//! Pure: takes the model, returns diagnostics. Never writes anything (`biaogan check` and
//! `build` both call it; only `build` goes on to write).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use rayon::prelude::*;

use crate::content::{Case, Site};
use crate::error::{Diagnostic, Severity};
use crate::markdown::Rendered;
use crate::taxonomy::Taxonomy;
use crate::vocab::Kind;

/// Runs every site-level check. `taxonomies` are those of the same site.
/// `root` is the site directory the sources are relative to (files are re-read only to quote
/// the offending line).
pub fn check_site(root: &Path, site: &Site, taxonomies: &[Taxonomy]) -> Vec<Diagnostic> {
    check_scoped(root, site, taxonomies, None)
}

/// The diagnostics [`check_site`] reports for the files in `files` (site-relative sources),
/// computed from those files' links and data only, for a preview that reloads one edited
/// case. Exact as long as nothing the other files are checked against changed: the edited
/// cases' URLs, regions, enterprises and heading ids.
pub fn check_files(
    root: &Path,
    site: &Site,
    taxonomies: &[Taxonomy],
    files: &[PathBuf],
) -> Vec<Diagnostic> {
    let mut diagnostics = check_scoped(root, site, taxonomies, Some(files));
    diagnostics.retain(|d| files.contains(&d.file));
    diagnostics
}

/// Whether a source file is among those checked (all of them for a whole-site check).
type InScope<'a> = dyn Fn(&Path) -> bool + Sync + 'a;

fn check_scoped(
    root: &Path,
    site: &Site,
    taxonomies: &[Taxonomy],
    only: Option<&[PathBuf]>,
) -> Vec<Diagnostic> {
    let in_scope = |source: &Path| only.is_none_or(|files| files.iter().any(|f| f == source));
    let mut diagnostics = Vec::new();
    check_quotas(root, site, &mut diagnostics);
    check_duplicates(root, site, &mut diagnostics);
    check_private(root, site, &in_scope, &mut diagnostics);
    let paths = known_paths(site, taxonomies);
    check_links(root, site, &paths, &in_scope, &mut diagnostics);
    check_html_warnings(site, &in_scope, &mut diagnostics);
    check_placeholders(root, site, &in_scope, &mut diagnostics);
    diagnostics
}

/// Reads the case file again to point a diagnostic at a top-level key's value.
fn at_key(case: &Case, root: &Path, diagnostic: Diagnostic, key: &str) -> Diagnostic {
    point_at_key(case, root, diagnostic, key, false)
}

/// Like [`at_key`] for a key indented inside `private:`.
fn at_key_nested(case: &Case, root: &Path, diagnostic: Diagnostic, key: &str) -> Diagnostic {
    point_at_key(case, root, diagnostic, key, true)
}

/// Points `diagnostic` at the value of `key:` in the case file: a top-level key of the front
/// matter, or (`nested`) the first indented one. Unchanged if the file or key is not found.
fn point_at_key(
    case: &Case,
    root: &Path,
    diagnostic: Diagnostic,
    key: &str,
    nested: bool,
) -> Diagnostic {
    let Ok(text) = crate::fs::read_to_string(&root.join(&case.source)) else {
        return diagnostic;
    };
    let value_column = |line: &str| -> Option<usize> {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if (indent > 0) != nested {
            return None;
        }
        let rest = trimmed.strip_prefix(key)?.strip_prefix(':')?;
        let pad = rest.len() - rest.trim_start().len();
        Some(indent + key.chars().count() + 2 + pad)
    };
    let mut lines = text.lines().enumerate();
    let found = if nested {
        lines.find_map(|(i, line)| Some((i + 1, value_column(line)?)))
    } else {
        lines
            .skip(1)
            .take_while(|(_, l)| l.trim_end() != "---")
            .find_map(|(i, line)| Some((i + 1, value_column(line)?)))
    };
    match found {
        Some((line, column)) => {
            let width = text
                .lines()
                .nth(line - 1)
                .map_or(1, |l| l.chars().count().saturating_sub(column - 1));
            diagnostic.at(&text, line, column).span(width)
        }
        None => diagnostic,
    }
}

/// 多报无效: a region may recommend at most its quota of cases per year; drafts count.
fn check_quotas(root: &Path, site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    if !site.config.enforce_quotas {
        return;
    }
    let mut by_region: BTreeMap<(u16, &str), Vec<&Case>> = BTreeMap::new();
    for case in &site.cases {
        by_region
            .entry((case.year, case.region.as_str()))
            .or_default()
            .push(case);
    }
    for ((year, region), mut cases) in by_region {
        let vocab = site.vocabulary(year);
        let Some(term) = vocab.resolve(Kind::Regions, region) else {
            continue;
        };
        let Some(quota) = term.quota else { continue };
        if cases.len() as u32 <= quota {
            continue;
        }
        cases.sort_by(|a, b| {
            a.number
                .unwrap_or(u32::MAX)
                .cmp(&b.number.unwrap_or(u32::MAX))
                .then(a.source.cmp(&b.source))
        });
        let over: Vec<String> = cases[quota as usize..]
            .iter()
            .map(|c| {
                format!(
                    "{} ({})",
                    c.enterprise,
                    crate::error::display_path(&c.source)
                )
            })
            .collect();
        let first_over = cases[quota as usize];
        let diagnostic = Diagnostic::error(
            "quota",
            &first_over.source,
            format!(
                "{} recommends {} cases for {year}, over its quota of {quota} (多报无效); over the quota: {}",
                term.name,
                cases.len(),
                over.join("; ")
            ),
        )
        .help(format!("keep at most {quota} cases of {} in {year}, or raise the quota under `years: {{{year}: {{quotas: {{{}: N}}}}}}` in site.yaml if the notice allows it", term.name, term.id));
        diagnostics.push(at_key(first_over, root, diagnostic, "region"));
    }
}

/// The same enterprise twice in a year, slug collisions, aliases colliding with pages or
/// with each other.
fn check_duplicates(root: &Path, site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    let mut enterprises: HashMap<(u16, &str), &Case> = HashMap::new();
    let mut urls: HashMap<&str, &Case> = HashMap::new();
    for case in &site.cases {
        if let Some(first) = enterprises.insert((case.year, case.enterprise.as_str()), case) {
            let d = Diagnostic::error(
                "duplicate-enterprise",
                &case.source,
                format!("{} already has a case in {}: {}", case.enterprise, case.year, crate::error::display_path(&first.source)),
            )
            .help("an enterprise is recommended with one experience per year; merge the two write-ups");
            diagnostics.push(at_key(case, root, d, "enterprise"));
        }
        if let Some(first) = urls.insert(case.url.as_str(), case) {
            let d = Diagnostic::error(
                "slug-collision",
                &case.source,
                format!(
                    "URL /{} is also the URL of {}",
                    case.url,
                    crate::error::display_path(&first.source)
                ),
            )
            .help("give one of the cases its own `slug:`");
            diagnostics.push(at_key(case, root, d, "enterprise"));
        }
    }
    let mut pages: HashSet<String> = site.cases.iter().map(|c| c.url.clone()).collect();
    pages.extend(site.all_pages().map(|p| p.url.clone()));
    pages.extend(site.collections.iter().map(|c| c.url.clone()));
    let mut aliases: HashMap<&str, &Case> = HashMap::new();
    for case in &site.cases {
        for alias in &case.aliases {
            let message = if pages.contains(alias) {
                Some(format!(
                    "alias /{alias} is the URL of a page; the redirect would replace it"
                ))
            } else {
                aliases.insert(alias.as_str(), case).map(|other| {
                    format!(
                        "alias /{alias} is also an alias of {}",
                        crate::error::display_path(&other.source)
                    )
                })
            };
            if let Some(message) = message {
                let d = Diagnostic::error("alias-collision", &case.source, message)
                    .help("remove the alias or point it at one case only");
                diagnostics.push(at_key(case, root, d, "aliases"));
            }
        }
    }
}

/// GB 32100-2015: 统一社会信用代码 check digit.
pub fn credit_code_problem(code: &str) -> Option<String> {
    const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let chars: Vec<char> = code.trim().chars().collect();
    if chars.len() != 18 {
        return Some(format!("has {} characters, not 18", chars.len()));
    }
    let mut values = Vec::with_capacity(18);
    for (i, c) in chars.iter().enumerate() {
        match CHARSET.find(*c) {
            Some(v) => values.push(v as u32),
            None => {
                return Some(format!(
                    "character {} `{c}` is not allowed (digits and upper-case letters except I, O, S, V, Z)",
                    i + 1
                ))
            }
        }
    }
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let expected = (31 - sum % 31) % 31;
    if values[17] != expected {
        let expected_char = CHARSET.chars().nth(expected as usize).unwrap_or('?');
        return Some(format!(
            "check digit is `{}` but should be `{expected_char}`",
            chars[17]
        ));
    }
    None
}

/// Private data formats and the notice's eligibility rule (three profitable years).
fn check_private(
    root: &Path,
    site: &Site,
    in_scope: &InScope<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for case in site.cases.iter().filter(|c| in_scope(&c.source)) {
        let Some(private) = &case.private else {
            continue;
        };
        if let Some(code) = &private.credit_code {
            if let Some(problem) = credit_code_problem(code) {
                let d = Diagnostic::error(
                    "credit-code",
                    &case.source,
                    format!("统一社会信用代码 {problem}"),
                )
                .help("copy the 18-character code from the business licence (GB 32100)");
                diagnostics.push(at_key_nested(case, root, d, "credit_code"));
            } else if code.trim().get(2..4).is_none_or(|s| s != "41") {
                let d = Diagnostic::warning(
                    "credit-code-region",
                    &case.source,
                    "统一社会信用代码 was not issued in Henan (characters 3–4 are not `41`)",
                )
                .help("the notice admits enterprises registered in Henan; check the code");
                diagnostics.push(at_key_nested(case, root, d, "credit_code"));
            }
        }
        if !private.profit.is_empty() {
            let losses: Vec<String> = private
                .profit
                .iter()
                .filter(|(_, p)| **p <= 0.0)
                .map(|(y, p)| format!("{y}: {p}"))
                .collect();
            if !losses.is_empty() {
                let d = Diagnostic::error(
                    "eligibility",
                    &case.source,
                    format!("the notice requires three consecutive profitable years; not profitable: {}", losses.join(", ")),
                )
                .help("check the figures; an enterprise without three profitable years is not eligible");
                diagnostics.push(at_key_nested(case, root, d, "profit"));
            } else if private.profit.len() < 3 {
                let d = Diagnostic::warning(
                    "eligibility",
                    &case.source,
                    format!("profit is given for {} year(s); the notice asks for three consecutive years", private.profit.len()),
                );
                diagnostics.push(at_key_nested(case, root, d, "profit"));
            }
        }
    }
}

/// Every site-relative path the build writes: page directories (`2023/x/`) and files.
pub fn known_paths(site: &Site, taxonomies: &[Taxonomy]) -> HashSet<String> {
    let mut paths: HashSet<String> = HashSet::new();
    paths.insert(String::new());
    for fixed in [
        "search/",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "workshops/",
        "activities/",
    ] {
        paths.insert(fixed.to_string());
    }
    for case in &site.cases {
        paths.insert(case.url.clone());
        for asset in &case.assets {
            paths.insert(format!("{}{asset}", case.url));
        }
    }
    for collection in &site.collections {
        for file in ["", "stats/", "feed.xml", "summary.csv", "summary.xlsx"] {
            paths.insert(format!("{}{file}", collection.url));
        }
    }
    paths.extend(site.all_pages().map(|p| p.url.clone()));
    paths.extend(site.assets.iter().map(|a| a.path.clone()));
    for taxonomy in taxonomies {
        paths.insert(taxonomy.url.clone());
        paths.extend(taxonomy.terms.iter().map(|t| t.url.clone()));
    }
    paths
}

/// Resolves `link` found on the page at `page_url` to a site-relative path and fragment.
/// `None` for links that leave the site (scheme, `//host`) or that climb above the root.
pub fn resolve_link(page_url: &str, link: &str) -> Option<(String, Option<String>)> {
    let link = link.trim();
    if link.is_empty()
        || link.starts_with("//")
        || link
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/') && !scheme.is_empty())
    {
        return None;
    }
    let (path, fragment) = match link.split_once('#') {
        Some((p, f)) => (
            p,
            Some(percent_decode_str(f).decode_utf8_lossy().into_owned()),
        ),
        None => (link, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let decoded = percent_decode_str(path).decode_utf8_lossy().into_owned();
    if decoded.is_empty() {
        return Some((page_url.to_string(), fragment));
    }
    let resolved = crate::site_path::resolve(page_url, &decoded)?;
    let (path, directory) = match resolved.strip_suffix('/') {
        Some(path) => (path, true),
        None => (resolved.as_str(), false),
    };
    let resolved = if let Some(dir) = path.strip_suffix("/index.html") {
        format!("{dir}/")
    } else if path == "index.html" {
        String::new()
    } else if directory {
        format!("{path}/")
    } else {
        path.to_string()
    };
    Some((resolved, fragment))
}

fn check_links(
    root: &Path,
    site: &Site,
    paths: &HashSet<String>,
    in_scope: &InScope<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Pages with sections, by URL; a link's fragment is looked up in its target's headings.
    let sections: HashMap<&str, &Rendered> = site
        .cases
        .iter()
        .map(|c| (c.url.as_str(), &c.content))
        .chain(site.pages.iter().map(|p| (p.url.as_str(), &p.content)))
        .collect();
    let sources = site
        .cases
        .iter()
        .map(|c| (&c.source, c.url.as_str(), &c.content))
        .chain(
            site.all_pages()
                .map(|p| (&p.source, p.url.as_str(), &p.content)),
        )
        .chain(
            site.collections
                .iter()
                .filter_map(|c| c.source.as_ref().map(|s| (s, c.url.as_str(), &c.content))),
        )
        .filter(|(source, _, _)| in_scope(source));
    for (source, url, content) in sources {
        let mut text: Option<String> = None;
        for link in &content.links {
            let raw = link.url.trim();
            let mut report = |d: Diagnostic| {
                diagnostics.push(locate_link(
                    d,
                    root,
                    source,
                    &mut text,
                    link.line,
                    link.column,
                    raw,
                ));
            };
            if raw.starts_with('/') && !raw.starts_with("//") {
                let d = Diagnostic::warning(
                    "absolute-link",
                    source,
                    format!("link `{raw}` starts with `/`: it breaks when the site is opened from a folder or a sub-path"),
                )
                .help("write links relative to the page, e.g. `../other-case/`");
                report(d);
            }
            let Some((target, fragment)) = resolve_link(url, raw) else {
                if !raw.contains(':') && !raw.starts_with("//") {
                    let d = Diagnostic::error(
                        "broken-link",
                        source,
                        format!("link `{raw}` points above the site root"),
                    )
                    .help("fix the number of `../` in the link");
                    report(d);
                }
                continue;
            };
            let exists = paths.contains(&target) || paths.contains(&format!("{target}/"));
            if !exists {
                let what = if link.is_image { "image" } else { "link" };
                let d = Diagnostic::error(
                    if link.is_image { "missing-asset" } else { "broken-link" },
                    source,
                    format!("{what} `{raw}` resolves to /{target}, which the site does not contain"),
                )
                .help(if link.is_image {
                    "put the file in the case folder next to index.md, and check the file name"
                } else {
                    "check the path; links to other cases look like `../<slug>/` within a year or `../../2024/<slug>/`"
                });
                report(d);
                continue;
            }
            if let (Some(fragment), Some(target_page)) = (fragment, sections.get(target.as_str())) {
                if !fragment.is_empty()
                    && !target_page.headings.iter().any(|h| h.id == fragment)
                    && !fragment.starts_with("fn")
                {
                    let d = Diagnostic::warning(
                        "broken-anchor",
                        source,
                        format!("section `#{fragment}` does not exist on /{target}"),
                    )
                    .help("section ids are the heading text, e.g. `#主要做法`");
                    report(d);
                }
            }
        }
    }
}

fn locate_link(
    diagnostic: Diagnostic,
    root: &Path,
    source: &Path,
    text: &mut Option<String>,
    line: usize,
    column: usize,
    raw: &str,
) -> Diagnostic {
    if line == 0 {
        return diagnostic;
    }
    if text.is_none() {
        *text = crate::fs::read_to_string(&root.join(source)).ok();
    }
    match text {
        Some(text) => diagnostic
            .at(text, line, column.max(1))
            .span(raw.chars().count()),
        None => diagnostic,
    }
}

/// Where `line` holds skeleton text: the first `（` that opens a placeholder of
/// [`crate::scaffold::placeholders`] (all of them start with one) or any `（填写…）`; the
/// 0-based character column and the length in characters. One pass over the text: every
/// case's body is searched at each build.
fn placeholder_in(line: &str, known: &[String]) -> Option<(usize, usize)> {
    debug_assert!(known.iter().all(|p| p.starts_with('（')));
    line.match_indices('（').find_map(|(i, _)| {
        let rest = &line[i..];
        let len = match known.iter().find(|p| rest.starts_with(p.as_str())) {
            Some(p) => p.chars().count(),
            None if rest.starts_with("（填写") => rest[..rest.find('）')?].chars().count() + 1,
            None => return None,
        };
        Some((line[..i].chars().count(), len))
    })
}

/// Text left over from the `new case` / `import` skeleton (the `（填写…）`-style placeholders
/// of the title, summary and sections): an error for a case that would be published
/// (`status: 入选`, not a draft), a warning otherwise. One diagnostic per case, at the first
/// placeholder, naming the other lines.
fn check_placeholders(
    root: &Path,
    site: &Site,
    in_scope: &InScope<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let known = crate::scaffold::placeholders();
    // Every case's whole text is searched: on every core, the diagnostics in case order.
    let found: Vec<Diagnostic> = site
        .cases
        .par_iter()
        .filter(|c| in_scope(&c.source))
        .filter_map(|case| placeholder_diagnostic(root, case, &known))
        .collect();
    diagnostics.extend(found);
}

/// The diagnostic of [`check_placeholders`] for `case`, if its text shows a placeholder.
fn placeholder_diagnostic(root: &Path, case: &Case, known: &[String]) -> Option<Diagnostic> {
    // Only a case whose text shows a placeholder is read again, for the lines.
    if [&case.title, &case.summary, &case.content.text]
        .iter()
        .all(|text| placeholder_in(text, known).is_none())
    {
        return None;
    }
    let text = crate::fs::read_to_string(&root.join(&case.source)).ok()?;
    let found: Vec<(usize, usize, usize)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            placeholder_in(line, known).map(|(column, len)| (i + 1, column + 1, len))
        })
        .collect();
    let &(line, column, len) = found.first()?;
    let published = !case.draft && case.status.as_deref().map(str::trim) == Some("入选");
    let mut message = String::from("placeholder text from the case skeleton is still here");
    if found.len() > 1 {
        let others: Vec<String> = found[1..].iter().map(|(l, _, _)| l.to_string()).collect();
        message.push_str(&format!(" (and on line {})", others.join(", ")));
    }
    let diagnostic = if published {
        Diagnostic::error("placeholder", &case.source, message).help(
            "the case has `status: 入选` and would be published with this text: write the title, summary and every section, or set `draft: true` until it is written",
        )
    } else {
        Diagnostic::warning("placeholder", &case.source, message)
            .help("write the title, summary and every section before the case is published")
    };
    Some(diagnostic.at(&text, line, column).span(len))
}

/// Raw HTML removed by the sanitizer, reported as warnings.
fn check_html_warnings(site: &Site, in_scope: &InScope<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let contents = site
        .cases
        .iter()
        .map(|c| (&c.source, &c.content))
        .chain(site.all_pages().map(|p| (&p.source, &p.content)))
        .filter(|(source, _)| in_scope(source));
    for (source, content) in contents {
        push_html_warnings(source, content, diagnostics);
    }
}

fn push_html_warnings(source: &Path, content: &Rendered, diagnostics: &mut Vec<Diagnostic>) {
    for warning in &content.warnings {
        let mut d = Diagnostic::warning(
            "unsafe-html",
            source,
            format!("raw HTML sanitized: {}", warning.message),
        )
        .help("scripts, event handlers and `javascript:` URLs are removed from published pages");
        d.line = warning.line;
        d.severity = Severity::Warning;
        diagnostics.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes() {
        assert_eq!(credit_code_problem("91350100M000100Y43"), None);
        assert!(credit_code_problem("91350100M000100Y44").is_some());
        assert!(credit_code_problem("9135010").is_some());
        assert!(credit_code_problem("91350100M000100YI3").is_some());
    }

    #[test]
    fn placeholders_are_found_with_their_columns() {
        let known = crate::scaffold::placeholders();
        for (line, want) in [
            ("title: \"（填写典型经验名称）\"", Some((8, 10))),
            ("（企业主营业务、规模与质量管理基础）", Some((0, 18))),
            ("见下表（填写数据）。", Some((3, 6))),
            ("问题关闭时必须填写根本原因", None),
            ("（填写", None),
            // The first placeholder counts, past parentheses that open none; a `（填写` runs
            // to the next `）`, and one that is never closed is none.
            ("（注）见（用一到三句话概括经验）（填写", Some((4, 12))),
            ("（注）（填写 见（用一到三句话概括经验）", Some((3, 17))),
            ("甲（乙）（填写丙）（填写典型经验名称）", Some((4, 5))),
        ] {
            assert_eq!(placeholder_in(line, &known), want, "{line}");
        }
    }

    #[test]
    fn links_resolve_like_a_browser() {
        let page = "2023/a/";
        assert_eq!(
            resolve_link(page, "chart.svg"),
            Some(("2023/a/chart.svg".into(), None))
        );
        assert_eq!(resolve_link(page, "../b/"), Some(("2023/b/".into(), None)));
        assert_eq!(
            resolve_link(page, "../../2024/c/#主要做法"),
            Some(("2024/c/".into(), Some("主要做法".into())))
        );
        assert_eq!(
            resolve_link(page, "#%E4%B8%BB"),
            Some(("2023/a/".into(), Some("主".into())))
        );
        assert_eq!(resolve_link(page, "../../../x"), None);
        assert_eq!(resolve_link(page, "https://example.org/"), None);
        assert_eq!(resolve_link(page, "mailto:a@b"), None);
        assert_eq!(
            resolve_link(page, "../b/index.html"),
            Some(("2023/b/".into(), None))
        );
    }
}
