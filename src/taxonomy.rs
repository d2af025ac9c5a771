//! Taxonomies: cases grouped by focus area, region, industry, method and tag.
//!
//! Terms come in vocabulary order (the newest year's vocabulary first, terms only older years
//! use after it); tags by descending count. Only terms with at least one case are listed, so
//! every listed term has a page. Pure function of the model.

use std::collections::{BTreeMap, HashMap};

use crate::content::Site;
use crate::slug::Slugger;
use crate::vocab::{self, Kind};

/// One term with the cases that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The vocabulary's entry (of the newest year that has it): id used in the URL, display
    /// name, group and quota; a tag's id, as written, and neither group nor quota.
    pub entry: vocab::Term,
    /// Site-relative URL, e.g. `areas/digital/`.
    pub url: String,
    /// Indices into [`Site::cases`], in site order (newest year first).
    pub cases: Vec<usize>,
}

/// All terms of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    /// Which taxonomy.
    pub kind: Kind,
    /// Site-relative URL of its index, e.g. `areas/`.
    pub url: String,
    /// Terms with at least one case.
    pub terms: Vec<Term>,
}

impl Taxonomy {
    /// The term with `id`.
    pub fn term(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.entry.id == id)
    }
}

/// The five taxonomies of the site, in [`Kind::ALL`] order.
pub fn build(site: &Site) -> Vec<Taxonomy> {
    Kind::ALL
        .iter()
        .map(|kind| build_kind(site, *kind))
        .collect()
}

/// Tag ids: the pinyin slug of the tag, made unique with `-2`, `-3` … in order of first use.
pub fn tag_ids(site: &Site) -> HashMap<String, String> {
    let slugger = Slugger::new(&site.config.pinyin);
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut tags: Vec<&str> = site
        .cases
        .iter()
        .flat_map(|c| c.tags.iter().map(String::as_str))
        .collect();
    tags.sort_unstable();
    tags.dedup();
    for tag in tags {
        let mut base = slugger.slugify(tag);
        if base.is_empty() {
            base = "tag".to_string();
        }
        let count = used.entry(base.clone()).or_insert(0);
        *count += 1;
        let id = if *count == 1 {
            base
        } else {
            format!("{base}-{count}")
        };
        ids.insert(tag.to_string(), id);
    }
    ids
}

fn build_kind(site: &Site, kind: Kind) -> Taxonomy {
    let url = format!("{}/", kind.slug());
    let mut by_id: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let tag_ids = if kind == Kind::Tags {
        tag_ids(site)
    } else {
        HashMap::new()
    };
    let mut tag_names: HashMap<String, String> = HashMap::new();
    for (index, case) in site.cases.iter().enumerate() {
        let ids: Vec<String> = match kind {
            Kind::Areas => vec![case.area.clone()],
            Kind::Regions => vec![case.region.clone()],
            Kind::Industries => case.industries.clone(),
            Kind::Methods => case.methods.clone(),
            Kind::Tags => case
                .tags
                .iter()
                .filter_map(|t| {
                    let id = tag_ids.get(t)?.clone();
                    tag_names.entry(id.clone()).or_insert_with(|| t.clone());
                    Some(id)
                })
                .collect(),
        };
        for id in ids {
            let list = by_id.entry(id).or_default();
            if list.last() != Some(&index) {
                list.push(index);
            }
        }
    }
    let mut terms = Vec::new();
    if kind == Kind::Tags {
        for (id, cases) in by_id {
            let name = tag_names.get(&id).cloned().unwrap_or_else(|| id.clone());
            terms.push(Term {
                url: format!("{url}{id}/"),
                entry: vocab::Term {
                    id,
                    name,
                    quota: None,
                    group: None,
                },
                cases,
            });
        }
        terms.sort_by(|a, b| {
            b.cases
                .len()
                .cmp(&a.cases.len())
                .then(a.entry.id.cmp(&b.entry.id))
        });
    } else {
        // Vocabulary order: newest year first, then terms only older years know.
        for vocab in site.vocabularies.values().rev() {
            for term in vocab.terms(kind) {
                if let Some(cases) = by_id.remove(&term.id) {
                    terms.push(Term {
                        url: format!("{url}{}/", term.id),
                        entry: term.clone(),
                        cases,
                    });
                }
            }
        }
    }
    Taxonomy { kind, url, terms }
}
