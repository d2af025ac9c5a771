//! Machine-read files: `sitemap.xml`, `robots.txt` and Atom feeds. These need absolute URLs,
//! built from `base_url`.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::content::{Case, Site};
use crate::escape;
use crate::taxonomy::Taxonomy;

/// Latest cases in a feed.
const FEED_ENTRIES: usize = 30;

/// Percent-encodes what a URL in XML must not contain raw (spaces and the like); Chinese
/// characters are left to the consumer as IRIs allow.
fn iri(base: &str, path: &str) -> String {
    escape::xml(&format!("{base}{}", path.replace(' ', "%20")))
}

/// `sitemap.xml` listing every HTML page.
pub fn sitemap(site: &Site, taxonomies: &[Taxonomy]) -> String {
    let base = &site.config.base_url;
    let mut urls: Vec<(String, Option<String>)> = vec![(String::new(), None)];
    let dated = |url: &str, date: Option<NaiveDate>| (url.to_string(), date.map(|d| d.to_string()));
    urls.extend(site.collections.iter().map(|c| dated(&c.url, c.date)));
    urls.extend(site.cases.iter().map(sitemap_entry));
    urls.extend(site.pages.iter().map(|p| (p.url.clone(), None)));
    urls.extend(site.workshops.iter().map(|w| dated(&w.page.url, w.date)));
    urls.extend(site.activities.iter().map(|a| dated(&a.page.url, a.date)));
    for taxonomy in taxonomies {
        urls.push((taxonomy.url.clone(), None));
        urls.extend(taxonomy.terms.iter().map(|t| (t.url.clone(), None)));
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (url, date) in urls {
        let _ = write!(out, "  <url><loc>{}</loc>", iri(base, &url));
        if let Some(date) = date {
            let _ = write!(out, "<lastmod>{date}</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt` allowing everything and naming the sitemap.
pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
        site.config.base_url
    )
}

/// Atom feed of the latest cases (of one year, or of the whole site).
pub fn atom(site: &Site, year: Option<u16>) -> String {
    let base = &site.config.base_url;
    let mut cases: Vec<&Case> = site
        .cases
        .iter()
        .filter(|c| year.is_none_or(|y| c.year == y))
        .collect();
    cases.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(b.year.cmp(&a.year))
            .then(a.url.cmp(&b.url))
    });
    cases.truncate(FEED_ENTRIES);
    let updated = cases.iter().filter_map(|c| c.date).max().map_or_else(
        || "1970-01-01T00:00:00Z".to_string(),
        |d| format!("{d}T00:00:00Z"),
    );
    let (title, self_path) = match year {
        Some(y) => (
            format!("{} · {y}年", site.config.title),
            format!("{y}/feed.xml"),
        ),
        None => (site.config.title.clone(), "feed.xml".to_string()),
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    let _ = writeln!(out, "  <title>{}</title>", escape::xml(&title));
    let _ = writeln!(out, "  <id>{}</id>", iri(base, &self_path));
    let _ = writeln!(
        out,
        "  <link rel=\"self\" href=\"{}\"/>",
        iri(base, &self_path)
    );
    let _ = writeln!(out, "  <link href=\"{}\"/>", iri(base, ""));
    let _ = writeln!(out, "  <updated>{updated}</updated>");
    for case in cases {
        out.push_str(&entry(base, case));
    }
    out.push_str("</feed>\n");
    out
}

/// The sitemap's URL and `lastmod` of a case page.
pub(super) fn sitemap_entry(case: &Case) -> (String, Option<String>) {
    (case.url.clone(), case.date.map(|d| d.to_string()))
}

/// The Atom `<entry>` of a case (feeds order entries by date, then year, then URL).
pub(super) fn entry(base: &str, case: &Case) -> String {
    let date = case.date.map_or_else(
        || format!("{}-01-01T00:00:00Z", case.year),
        |d| format!("{d}T00:00:00Z"),
    );
    let mut out = String::from("  <entry>\n");
    let _ = writeln!(out, "    <title>{}</title>", escape::xml(&case.title));
    let _ = writeln!(out, "    <id>{}</id>", iri(base, &case.url));
    let _ = writeln!(out, "    <link href=\"{}\"/>", iri(base, &case.url));
    let _ = writeln!(out, "    <updated>{date}</updated>");
    let _ = writeln!(
        out,
        "    <author><name>{}</name></author>",
        escape::xml(&case.enterprise)
    );
    let _ = writeln!(out, "    <summary>{}</summary>", escape::xml(&case.summary));
    out.push_str("  </entry>\n");
    out
}
