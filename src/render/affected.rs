//! Which pages and files show something of edited cases: what a preview re-renders after an
//! edit that changes what lists show (a title, a summary, a focus area, a tag …).
//!
//! Whether an edit changes what other pages show at all is decided from the template
//! contexts themselves: [`shown_elsewhere`] is everything the render stage gives the pages
//! and files other than the case's own page, built by the same functions that build those
//! contexts, so a new field in a card or a feed cannot leave a preview stale.
//! [`moves_files`] says when an edit changes which files exist, which only a full build
//! handles.
//!
//! Pure functions over two snapshots of the site's case lists, taken before and after the
//! edit. A list page is affected when it shows an edited case (its card changed), or when
//! the list it belongs to changed order or members (cases moved between its pages, or its
//! counts changed). Everything else of the site is untouched by such an edit.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::content::{Case, Site};
use crate::taxonomy::Taxonomy;
use crate::vocab::Kind;

use super::paginate;

/// What the pages and files other than their own pages show of the cases `indices` (into
/// `site.cases`), one value each, built by the functions that build those contexts: the
/// card (year and term lists, the home page, related cases, workshops, activities), the
/// previous/next link of the neighbours' pages, the alias redirect pages, the Atom entry and
/// sitemap line, the public summary row, and the terms of each taxonomy listing the case
/// (term pages, taxonomy counts, statistics). Two snapshots are equal exactly when an edit
/// changed nothing but the case's own page (and its year's compilation, which prints whole
/// bodies).
pub fn shown_elsewhere(
    site: &Site,
    taxonomies: &[Taxonomy],
    indices: &[usize],
) -> Vec<serde_json::Value> {
    let tag_ids = crate::taxonomy::tag_ids(site);
    indices
        .iter()
        .map(|&index| {
            let case = &site.cases[index];
            let terms: Vec<(&str, Vec<&str>)> = taxonomies
                .iter()
                .map(|taxonomy| {
                    let ids = taxonomy
                        .terms
                        .iter()
                        .filter(|term| term.cases.contains(&index))
                        .map(|term| term.entry.id.as_str())
                        .collect();
                    (taxonomy.kind.slug(), ids)
                })
                .collect();
            let redirects: Vec<(&str, &str)> = case
                .aliases
                .iter()
                .map(|alias| (alias.as_str(), case.title.as_str()))
                .collect();
            let vocab = site.vocabulary(case.year);
            serde_json::json!({
                "card": super::card(taxonomies, &tag_ids, case),
                "neighbour": super::neighbour(case),
                "redirects": redirects,
                "feed": super::feeds::entry(&site.config.base_url, case),
                "sitemap": super::feeds::sitemap_entry(case),
                "summary": crate::summary::public_row(&vocab, case, 0),
                "terms": terms,
            })
        })
        .collect()
}

/// Whether replacing `old` by `new` (the same source file loaded again) changes which files
/// the site has or where the case sits in `Site::cases`: its publication, the files it writes
/// (page, alias pages, assets and their sources) or its place in the site's order. Only a
/// full build handles that.
pub fn moves_files(old: &Case, new: &Case) -> bool {
    old.draft != new.draft
        || files_of(old) != files_of(new)
        || old.site_order(new) != std::cmp::Ordering::Equal
}

/// The files a case writes: its page, its alias pages and its assets, with their sources.
fn files_of(case: &Case) -> Vec<(String, Option<PathBuf>)> {
    let mut files = vec![(format!("{}index.html", case.url), None)];
    files.extend(
        case.aliases
            .iter()
            .map(|alias| (super::alias_file(alias), None)),
    );
    files.extend(case.assets.iter().map(|asset| {
        (
            format!("{}{asset}", case.url),
            Some(case.bundle_dir.join(asset)),
        )
    }));
    files
}

/// One paginated list of cases: a year collection or a taxonomy term.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CaseList {
    /// The taxonomy of a term list; `None` for a year collection.
    kind: Option<Kind>,
    /// Its cases in display order, each with its group (the focus area on year pages, whose
    /// counts every page of the year shows; 0 on term pages).
    items: Vec<(usize, usize)>,
}

/// The case lists of a site, by list URL (page 1's URL), in display order.
#[derive(Debug, Clone, Default)]
pub struct CaseLists {
    lists: HashMap<String, CaseList>,
    page_size: usize,
}

impl CaseLists {
    /// The lists `site` and its `taxonomies` render.
    pub fn new(site: &Site, taxonomies: &[Taxonomy]) -> CaseLists {
        let mut lists = HashMap::new();
        for (collection, items) in site.collections.iter().zip(super::year_items(site)) {
            lists.insert(collection.url.clone(), CaseList { kind: None, items });
        }
        for taxonomy in taxonomies {
            for term in &taxonomy.terms {
                let items = term.cases.iter().map(|&case| (0, case)).collect();
                let list = CaseList {
                    kind: Some(taxonomy.kind),
                    items,
                };
                lists.insert(term.url.clone(), list);
            }
        }
        CaseLists {
            lists,
            page_size: site.config.paginate_by.max(1),
        }
    }

    /// Whether both have the same lists with the same number of pages each: when not, pages
    /// appear or disappear and only a full build knows every link to them.
    pub fn same_pages(&self, other: &CaseLists) -> bool {
        let pages = |lists: &CaseLists, list: &CaseList| {
            paginate::page_count(list.items.len(), lists.page_size)
        };
        self.lists.len() == other.lists.len()
            && self.lists.iter().all(|(url, list)| {
                other
                    .lists
                    .get(url)
                    .is_some_and(|o| pages(self, list) == pages(other, o))
            })
    }
}

/// The pages and files an edit of some cases affects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Affected {
    /// Case pages to render (indices into `site.cases`): the edited cases and the cases whose
    /// pages show them.
    pub(super) cases: Vec<usize>,
    /// The edited cases: their alias pages carry their titles.
    pub(super) edited: Vec<usize>,
    /// Site-relative URLs of the list pages (year and term pages) to render.
    pub(super) list_pages: HashSet<String>,
    /// Taxonomies whose index pages show changed counts.
    pub(super) taxonomies: Vec<Kind>,
    /// Years whose statistics, feed and summary files change.
    pub(super) years: Vec<u16>,
    /// Workshops listing an edited case (indices into `site.workshops`).
    pub(super) workshops: Vec<usize>,
    /// Activities featuring an edited case (indices into `site.activities`).
    pub(super) activities: Vec<usize>,
}

/// The cases whose pages show something of the `edited` cases (indices into `site.cases`):
/// themselves, the neighbours their pages link to as previous and next, and the cases that
/// list one of them as related (`related`, per case).
pub fn pages_showing(site: &Site, edited: &[usize], related: &[Vec<usize>]) -> Vec<usize> {
    let mut pages: Vec<usize> = edited.to_vec();
    for &i in edited {
        pages.extend(super::neighbours(site, i).into_iter().flatten());
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

/// What an edit of the `edited` cases (indices into `site.cases`, the same before and after)
/// affects, given the site's lists `before` and `after` it and the case pages that show the
/// edited cases (`showing`, e.g. neighbours and cases listing them as related).
pub fn affected(
    site: &Site,
    before: &CaseLists,
    after: &CaseLists,
    edited: &[usize],
    showing: &[usize],
) -> Affected {
    let mut list_pages = HashSet::new();
    let mut taxonomies = Vec::new();
    let urls: HashSet<&String> = before.lists.keys().chain(after.lists.keys()).collect();
    for url in urls {
        let old = before.lists.get(url);
        let new = after.lists.get(url);
        if old == new {
            // Same order and members: only the pages showing an edited case change.
            let Some(list) = new else { continue };
            for (position, (_, case)) in list.items.iter().enumerate() {
                if edited.contains(case) {
                    list_pages.insert(paginate::page_url(url, position / after.page_size + 1));
                }
            }
            continue;
        }
        let pages = [(old, before.page_size), (new, after.page_size)]
            .iter()
            .filter_map(|(list, size)| {
                Some(paginate::page_count(list.as_ref()?.items.len(), *size))
            })
            .max()
            .unwrap_or(1);
        list_pages.extend((1..=pages).map(|page| paginate::page_url(url, page)));
        if let Some(kind) = old.or(new).and_then(|list| list.kind) {
            if !taxonomies.contains(&kind) {
                taxonomies.push(kind);
            }
        }
    }
    let mut years: Vec<u16> = edited.iter().map(|&i| site.cases[i].year).collect();
    years.sort_unstable();
    years.dedup();
    let workshops = site
        .workshops
        .iter()
        .enumerate()
        .filter(|(_, w)| w.entries.iter().any(|e| edited.contains(&e.case)))
        .map(|(i, _)| i)
        .collect();
    let activities = site
        .activities
        .iter()
        .enumerate()
        .filter(|(_, a)| a.host.iter().chain(&a.cases).any(|c| edited.contains(c)))
        .map(|(i, _)| i)
        .collect();
    let mut cases: Vec<usize> = edited.iter().chain(showing).copied().collect();
    cases.sort_unstable();
    cases.dedup();
    Affected {
        cases,
        edited: edited.to_vec(),
        list_pages,
        taxonomies,
        years,
        workshops,
        activities,
    }
}
