//! Render stage: the model and its taxonomies become files, through tera.
//!
//! Owns the template contexts (their field names are the theme's API), page URLs → output
//! paths, alias redirects and feeds. Never reads content files: everything comes from the
//! model; output goes through [`crate::fs::Output`].

mod affected;
pub mod context;
mod feeds;
mod paginate;
pub mod partial;
pub mod qr;
pub mod script;
pub mod theme;

use std::collections::HashMap;
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

pub use crate::config::DEFAULT_PAGE_SIZE;
use crate::content::{Case, Site};
use crate::error::{Error, Result};
use crate::escape;
use crate::fs::Output;
use crate::markdown::Highlighter;
use crate::taxonomy::{Taxonomy, Term};
use crate::vocab::Kind;
pub use affected::{affected, moves_files, pages_showing, shown_elsewhere, Affected, CaseLists};
use context::{BaseCtx, CardCtx, LinkCtx, SiteCtx, TermCtx, TermRef, YearCtx};
pub use theme::Theme;

/// Number of related cases shown on a case page.
pub const RELATED_CASES: usize = 5;

/// Cards of the newest collection shown on the home page; its year page lists them all. A
/// national collection has thousands of cases a year, too many for one page on a phone.
pub const HOME_LATEST_CARDS: usize = 12;

/// The workshops' and the activities' sections: breadcrumb title and URL.
const WORKSHOPS: (&str, &str) = ("研修", "workshops/");
const ACTIVITIES: (&str, &str) = ("活动", "activities/");

/// Inputs of the render stage besides the model.
pub struct RenderInput<'a> {
    /// The loaded site (drafts already removed unless wanted).
    pub site: &'a Site,
    /// Its taxonomies.
    pub taxonomies: &'a [Taxonomy],
    /// The theme.
    pub theme: &'a Theme,
    /// Highlighter, for the generated CSS.
    pub highlighter: &'a Highlighter,
    /// Related cases per case (indices), e.g. from the search index; `None` falls back to
    /// same-area cases.
    pub related: Option<&'a [Vec<usize>]>,
    /// Pages of the previous build that may be reused instead of rendered.
    pub reuse: Option<&'a crate::cache::PageReuse>,
}

/// What the render stage wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// HTML pages.
    pub pages: usize,
    /// Other files (assets, static files, feeds, redirects).
    pub files: usize,
    /// Pages reused unchanged from the previous build (included in `pages`).
    pub reused: usize,
}

/// One page to render.
enum Job<'a> {
    Home,
    /// Page `.1` (1-based) of year collection `.0`.
    Year(usize, usize),
    Case(usize),
    TaxonomyList(&'a Taxonomy),
    /// Page `.2` (1-based) of a term's list.
    TaxonomyTerm(&'a Taxonomy, &'a Term, usize),
    Page(usize),
    WorkshopList,
    Workshop(usize),
    ActivityList,
    Activity(usize),
    NotFound,
    Search,
    Stats(usize),
    /// The printable compilation (典型经验汇编) of collection `.0`.
    Compilation(usize),
}

/// Precomputed shared data for all pages.
struct Renderer<'a> {
    input: &'a RenderInput<'a>,
    site_ctx: SiteCtx,
    nav: Vec<LinkCtx>,
    years: Vec<YearCtx>,
    /// Cards of the cases, made when a page first needs them (a preview renders one page).
    cards: Vec<OnceLock<CardCtx>>,
    /// Tag → term id, made on first use.
    tag_ids: OnceLock<HashMap<String, String>>,
    /// Per collection, its cases in list order (focus area, then case order), each with the
    /// position of its area in the year's vocabulary; made on first use.
    year_items: OnceLock<Vec<Vec<(usize, usize)>>>,
    activities_of_case: HashMap<usize, Vec<usize>>,
    build_year: i32,
    /// Pages reused from the previous build.
    reused: std::sync::atomic::AtomicUsize,
}

/// Which pages and files a render writes.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    /// Every page and file of the site.
    All,
    /// Only the pages of these cases (indices into `site.cases`).
    Cases(&'a [usize]),
    /// The pages and files an edit that changes what lists show affects (see [`affected`]).
    Affected(&'a Affected),
}

impl Selection<'_> {
    /// Whether any list page or site-wide file may be written.
    fn lists(&self) -> bool {
        !matches!(self, Selection::Cases(_))
    }

    /// Whether `job` is rendered.
    fn job(&self, job: &Job<'_>, site: &Site) -> bool {
        let affected = match self {
            Selection::All => return true,
            Selection::Cases(cases) => {
                return match job {
                    Job::Case(i) => cases.contains(i),
                    Job::Compilation(i) => shows_any(site, *i, cases),
                    _ => false,
                }
            }
            Selection::Affected(affected) => affected,
        };
        match job {
            // One page each, showing cards or counts of every year.
            Job::Home | Job::Search | Job::WorkshopList | Job::ActivityList => true,
            Job::NotFound | Job::Page(_) => false,
            Job::Case(i) => affected.cases.contains(i),
            Job::Year(i, page) => affected
                .list_pages
                .contains(&paginate::page_url(&site.collections[*i].url, *page)),
            Job::TaxonomyTerm(_, term, page) => affected
                .list_pages
                .contains(&paginate::page_url(&term.url, *page)),
            Job::TaxonomyList(taxonomy) => affected.taxonomies.contains(&taxonomy.kind),
            Job::Stats(i) => affected.years.contains(&site.collections[*i].year),
            Job::Compilation(i) => {
                affected.years.contains(&site.collections[*i].year)
                    || shows_any(site, *i, &affected.cases)
            }
            Job::Workshop(i) => affected.workshops.contains(i),
            Job::Activity(i) => affected.activities.contains(i),
        }
    }

    /// Whether the alias pages of case `index` are written.
    fn aliases_of(&self, index: usize) -> bool {
        match self {
            Selection::All => true,
            Selection::Cases(_) => false,
            Selection::Affected(affected) => affected.edited.contains(&index),
        }
    }

    /// Whether the feed and summary files of `year` are written.
    fn year_files(&self, year: u16) -> bool {
        match self {
            Selection::All => true,
            Selection::Cases(_) => false,
            Selection::Affected(affected) => affected.years.contains(&year),
        }
    }
}

/// Whether the compilation of collection `collection` shows any of `cases` (it shows every
/// case of its year in full, so any edit of one changes it).
fn shows_any(site: &Site, collection: usize, cases: &[usize]) -> bool {
    let year = site.collections[collection].year;
    cases.iter().any(|&c| site.cases[c].year == year)
}

/// Renders every page and file of the site into `output`.
pub fn render_site(input: &RenderInput<'_>, output: &Output) -> Result<RenderStats> {
    render_selected(input, output, Selection::All)
}

/// Renders the pages and files `selection` names into `output` (a preview re-renders only
/// what an edit affects). The files are those [`render_site`] writes at the same paths.
pub fn render_selected(
    input: &RenderInput<'_>,
    output: &Output,
    selection: Selection<'_>,
) -> Result<RenderStats> {
    let renderer = Renderer::new(input);
    let site = input.site;
    let mut jobs = vec![
        Job::Home,
        Job::NotFound,
        Job::WorkshopList,
        Job::ActivityList,
    ];
    if input.theme.has("search.html") {
        jobs.push(Job::Search);
    }
    let page_size = site.config.paginate_by;
    let year_items: &[Vec<(usize, usize)>] = if selection.lists() {
        renderer.year_items()
    } else {
        &[]
    };
    for (i, items) in year_items.iter().enumerate() {
        let pages = paginate::page_count(items.len(), page_size);
        jobs.extend((1..=pages).map(|page| Job::Year(i, page)));
    }
    if input.theme.has("stats.html") {
        jobs.extend((0..site.collections.len()).map(Job::Stats));
    }
    jobs.extend((0..site.cases.len()).map(Job::Case));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.extend((0..site.workshops.len()).map(Job::Workshop));
    jobs.extend((0..site.activities.len()).map(Job::Activity));
    for taxonomy in input.taxonomies {
        jobs.push(Job::TaxonomyList(taxonomy));
        for term in &taxonomy.terms {
            let pages = paginate::page_count(term.cases.len(), page_size);
            jobs.extend((1..=pages).map(|page| Job::TaxonomyTerm(taxonomy, term, page)));
        }
    }
    jobs.retain(|job| selection.job(job, site));
    // Last, in a pass of their own: a compilation page holds its year's case bodies several
    // times while it renders (~90 MB at 10,000 cases), better not beside the start of the
    // index, which still holds every search document then, nor beside the cards the other
    // pages have rendered (~35 MB), which are freed first.
    let mut compilations: Vec<Job<'_>> = Vec::new();
    if input.theme.has("compilation.html") {
        compilations.extend(
            (0..site.collections.len())
                .filter(|&i| has_compilation(site, site.collections[i].year))
                .map(Job::Compilation)
                .filter(|job| selection.job(job, site)),
        );
    }
    let render = |jobs: &[Job<'_>]| {
        jobs.par_iter().try_for_each(|job| {
            crate::cancel::check()?;
            renderer.render_job(job, output)
        })
    };
    let rendered = render(&jobs);
    // Every page that shows a card is written: the cards' memory is not needed any more.
    input.theme.partials.clear();
    rendered?;
    render(&compilations)?;
    let pages = jobs.len() + compilations.len();
    if !selection.lists() {
        return Ok(RenderStats {
            pages,
            files: 0,
            reused: renderer.reused.into_inner(),
        });
    }

    let mut files = 0;
    let everything = matches!(selection, Selection::All);
    for (index, case) in site.cases.iter().enumerate() {
        let assets: &[String] = if everything { &case.assets } else { &[] };
        for asset in assets {
            output.copy(
                &case.bundle_dir.join(asset),
                &format!("{}{asset}", case.url),
            )?;
            files += 1;
        }
        if !selection.aliases_of(index) {
            continue;
        }
        for alias in &case.aliases {
            output.write(
                &alias_file(alias),
                redirect_page(&site.config.base_url, alias, &case.url, &case.title).as_bytes(),
            )?;
            files += 1;
        }
    }
    if everything {
        for asset in &site.assets {
            output.copy(&asset.source, &asset.path)?;
            files += 1;
        }
        for (name, source) in &input.theme.static_files {
            let path = format!("static/{name}");
            match source {
                theme::StaticSource::Embedded(bytes) => output.write(&path, bytes)?,
                theme::StaticSource::Script(text) => output.write(&path, text.as_bytes())?,
                theme::StaticSource::File(file) => output.copy(file, &path)?,
            }
            files += 1;
        }
        output.write("static/highlight.css", input.highlighter.css().as_bytes())?;
        output.write("robots.txt", feeds::robots(site).as_bytes())?;
        files += 2;
    }
    output.write(
        "sitemap.xml",
        feeds::sitemap(site, input.taxonomies).as_bytes(),
    )?;
    output.write("feed.xml", feeds::atom(site, None).as_bytes())?;
    files += 2;
    for collection in &site.collections {
        let year = collection.year;
        if !selection.year_files(year) {
            continue;
        }
        output.write(
            &format!("{}feed.xml", collection.url),
            feeds::atom(site, Some(year)).as_bytes(),
        )?;
        // Public columns only: the private summary is exported on demand, never published.
        let rows = crate::summary::rows(site, year, false);
        output.write(
            &format!("{}summary.csv", collection.url),
            &crate::summary::write_csv(&rows, year, false)?,
        )?;
        output.write(
            &format!("{}summary.xlsx", collection.url),
            &crate::summary::write_xlsx(&rows, year, false)?,
        )?;
        files += 3;
    }
    Ok(RenderStats {
        pages,
        files,
        reused: renderer.reused.into_inner(),
    })
}

/// Whether `year` has a compilation page: it has a published case.
fn has_compilation(site: &Site, year: u16) -> bool {
    site.cases.iter().any(|c| c.year == year && !c.draft)
}

/// Output file of an alias: a directory alias gets an `index.html`.
fn alias_file(alias: &str) -> String {
    if alias.ends_with('/') {
        format!("{alias}index.html")
    } else {
        alias.to_string()
    }
}

/// Per collection, its cases in list order (focus area, then case order), each with the
/// position of its area in the year's vocabulary.
fn year_items(site: &Site) -> Vec<Vec<(usize, usize)>> {
    site.collections
        .iter()
        .map(|collection| {
            let areas = &site.vocabulary(collection.year).areas;
            let mut items: Vec<(usize, usize)> = site
                .cases
                .iter()
                .enumerate()
                .filter(|(_, case)| case.year == collection.year)
                .filter_map(|(i, case)| {
                    let area = areas.iter().position(|a| a.id == case.area)?;
                    Some((area, i))
                })
                .collect();
            items.sort_by_key(|&(area, i)| (area, i));
            items
        })
        .collect()
}

/// `../` repeated for the depth of a site-relative URL (`./` at the root).
pub fn root_prefix(url: &str) -> String {
    let depth = url.matches('/').count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

/// A redirect page for an old URL: meta refresh, canonical link and a visible link.
fn redirect_page(base_url: &str, alias: &str, target: &str, title: &str) -> String {
    let dir = if alias.ends_with('/') {
        alias.to_string()
    } else {
        alias
            .rsplit_once('/')
            .map(|(d, _)| format!("{d}/"))
            .unwrap_or_default()
    };
    let relative = format!("{}{target}", root_prefix(&dir));
    let title = escape::html(title);
    let absolute = escape::html(&format!("{base_url}{target}"));
    let relative = escape::html(&relative);
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<link rel=\"canonical\" href=\"{absolute}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={relative}\">\n</head>\n<body>\n<p>本页已迁移至 <a href=\"{relative}\">{title}</a>。</p>\n</body>\n</html>\n"
    )
}

/// The previous and next case that the page of case `index` links to: its neighbours in
/// `site.cases` of the same year.
pub(crate) fn neighbours(site: &Site, index: usize) -> [Option<usize>; 2] {
    let year = site.cases[index].year;
    let same_year = |i: &usize| site.cases.get(*i).is_some_and(|c| c.year == year);
    [
        index.checked_sub(1).filter(same_year),
        Some(index + 1).filter(same_year),
    ]
}

/// The card of `case`: how lists, the home page, related cases, workshops and activities
/// show it (`tag_ids` from [`crate::taxonomy::tag_ids`]).
fn card(taxonomies: &[Taxonomy], tag_ids: &HashMap<String, String>, case: &Case) -> CardCtx {
    CardCtx {
        title: case.title.clone(),
        enterprise: case.enterprise.clone(),
        url: case.url.clone(),
        summary: case.summary.clone(),
        year: case.year,
        number: case.number,
        area: term_ref(taxonomies, Kind::Areas, &case.area),
        region: term_ref(taxonomies, Kind::Regions, &case.region),
        tags: case
            .tags
            .iter()
            .filter_map(|t| tag_ids.get(t))
            .map(|id| term_ref(taxonomies, Kind::Tags, id))
            .collect(),
    }
}

/// `prev` / `next` of a case page: how the pages of its neighbours show `case`.
fn neighbour(case: &Case) -> serde_json::Value {
    serde_json::json!({"title": case.title, "enterprise": case.enterprise, "url": case.url})
}

fn date_string(date: Option<chrono::NaiveDate>) -> Option<String> {
    date.map(|d| d.format("%Y-%m-%d").to_string())
}

#[derive(Serialize)]
struct TocEntry<'a> {
    level: u8,
    id: &'a str,
    text: &'a str,
}

impl<'a> Renderer<'a> {
    fn new(input: &'a RenderInput<'a>) -> Renderer<'a> {
        let site = input.site;
        let config = &site.config;
        let site_ctx = SiteCtx {
            title: config.title.clone(),
            description: config.description.clone(),
            language: config.language.clone(),
            base_url: config.base_url.clone(),
        };
        let mut years: Vec<YearCtx> = site
            .collections
            .iter()
            .map(|c| YearCtx {
                year: c.year,
                title: c.title.clone(),
                url: c.url.clone(),
                count: 0,
            })
            .collect();
        for case in &site.cases {
            if let Some(y) = years.iter_mut().find(|y| y.year == case.year) {
                y.count += 1;
            }
        }
        let mut nav: Vec<LinkCtx> = years
            .iter()
            .map(|y| LinkCtx {
                title: format!("{}年", y.year),
                url: y.url.clone(),
            })
            .collect();
        for kind in [Kind::Areas, Kind::Regions, Kind::Industries, Kind::Methods] {
            nav.push(LinkCtx {
                title: kind.title().to_string(),
                url: format!("{}/", kind.slug()),
            });
        }
        let sections = [
            (!site.workshops.is_empty(), WORKSHOPS),
            (!site.activities.is_empty(), ACTIVITIES),
            (
                site.pages.iter().any(|p| p.url == "about/"),
                ("关于", "about/"),
            ),
        ];
        for (shown, (title, url)) in sections {
            if shown {
                nav.push(LinkCtx::new(title, url));
            }
        }
        let cards = site.cases.iter().map(|_| OnceLock::new()).collect();
        let mut activities_of_case: HashMap<usize, Vec<usize>> = HashMap::new();
        for (index, activity) in site.activities.iter().enumerate() {
            for case in activity.host.iter().chain(&activity.cases) {
                let list = activities_of_case.entry(*case).or_default();
                if !list.contains(&index) {
                    list.push(index);
                }
            }
        }
        Renderer {
            input,
            site_ctx,
            nav,
            years,
            cards,
            tag_ids: OnceLock::new(),
            year_items: OnceLock::new(),
            reused: std::sync::atomic::AtomicUsize::new(0),
            activities_of_case,
            build_year: chrono::Local::now()
                .naive_local()
                .date()
                .format("%Y")
                .to_string()
                .parse()
                .unwrap_or(2026),
        }
    }

    /// The card of case `index`.
    fn card(&self, index: usize) -> &CardCtx {
        self.cards[index].get_or_init(|| {
            let taxonomies = self.input.taxonomies;
            let case = &self.input.site.cases[index];
            let tag_ids = self
                .tag_ids
                .get_or_init(|| crate::taxonomy::tag_ids(self.input.site));
            card(taxonomies, tag_ids, case)
        })
    }

    /// Per collection, its cases in list order.
    fn year_items(&self) -> &[Vec<(usize, usize)>] {
        self.year_items.get_or_init(|| year_items(self.input.site))
    }

    fn base(
        &self,
        url: &str,
        title: Option<&str>,
        description: &str,
        breadcrumbs: Vec<LinkCtx>,
    ) -> Context {
        let site = &self.site_ctx;
        let page_title = match title {
            Some(title) => format!("{title} · {}", site.title),
            None => site.title.clone(),
        };
        let base = BaseCtx {
            site,
            root: root_prefix(url),
            page_title,
            description: if description.is_empty() {
                site.description.clone()
            } else {
                description.to_string()
            },
            canonical: format!("{}{url}", site.base_url),
            current: url.to_string(),
            nav: &self.nav,
            years: &self.years,
            breadcrumbs,
            build_year: self.build_year,
        };
        Context::from_serialize(base).unwrap_or_default()
    }

    /// Renders the page of `job` into `output` (or links the previous build's file when its
    /// template context has not changed).
    fn render_job(&self, job: &Job<'_>, output: &Output) -> Result<()> {
        let (path, template, mut context) = self.job_page(job);
        if let Some(reuse) = self.input.reuse {
            // Through JSON and back by moves, not a deep clone: a compilation page's context
            // holds every case body of its year (~30 MB at 10,000 cases).
            let json = context.into_json();
            let key = reuse.key(template, &json);
            context = Context::from_value(json).unwrap_or_default();
            if let Some(previous) = reuse.previous_file(&path, key) {
                if output.link(&previous, &path) {
                    self.reused
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return Ok(());
                }
            }
        }
        let tera = &self.input.theme.tera;
        output
            .write_with(&path, |out| tera.render_to(template, &context, out))?
            .map_err(|error| Error::Template {
                template: template.to_string(),
                page: Some(format!("/{}", path.trim_end_matches("index.html"))),
                message: theme::error_chain(&error),
            })
    }

    /// The page a job renders: its output path, template and context.
    fn job_page(&self, job: &Job<'_>) -> (String, &'static str, Context) {
        let site = self.input.site;
        match job {
            Job::Home => ("index.html".to_string(), "index.html", self.home()),
            Job::NotFound => {
                let context = self.base("", Some("页面未找到"), "", Vec::new());
                ("404.html".to_string(), "404.html", context)
            }
            Job::Search => {
                let mut context = self.base("search/", Some("搜索"), "", vec![home()]);
                context.insert("taxonomies", &self.facet_lists());
                ("search/index.html".to_string(), "search.html", context)
            }
            Job::Year(i, page) => {
                let url = paginate::page_url(&site.collections[*i].url, *page);
                (
                    format!("{url}index.html"),
                    "year.html",
                    self.year(*i, *page),
                )
            }
            Job::Stats(i) => {
                let collection = &site.collections[*i];
                let url = format!("{}stats/", collection.url);
                let section = (collection.title.as_str(), collection.url.as_str());
                let title = format!("{}年统计", collection.year);
                let mut context = self.section_page(section, &url, &title, None);
                context.insert(
                    "stats",
                    &crate::summary::stats_context(site, self.input.taxonomies, collection.year),
                );
                (format!("{url}index.html"), "stats.html", context)
            }
            Job::Compilation(i) => {
                let collection = &site.collections[*i];
                let url = format!("{}{}", collection.url, crate::compilation::PAGE_SEGMENT);
                let section = (collection.title.as_str(), collection.url.as_str());
                let title = crate::compilation::title(collection.year);
                let context = self.section_page(section, &url, &title, None);
                let page = crate::compilation::compilation(site, collection.year)
                    .map_or(serde_json::Value::Null, |c| {
                        c.page_context(&url).into_json()
                    });
                // Moved in, not copied by `Context::insert`: it holds the year's bodies.
                let mut json = context.into_json();
                json["compilation"] = page;
                let context = Context::from_value(json).unwrap_or_default();
                (format!("{url}index.html"), "compilation.html", context)
            }
            Job::Case(i) => (
                format!("{}index.html", site.cases[*i].url),
                "case.html",
                self.case(*i),
            ),
            Job::TaxonomyList(taxonomy) => (
                format!("{}index.html", taxonomy.url),
                "taxonomy_list.html",
                self.taxonomy_list(taxonomy),
            ),
            Job::TaxonomyTerm(taxonomy, term, page) => (
                format!("{}index.html", paginate::page_url(&term.url, *page)),
                "taxonomy_term.html",
                self.taxonomy_term(taxonomy, term, *page),
            ),
            Job::Page(i) => {
                let page = &site.pages[*i];
                let mut context = self.base(
                    &page.url,
                    Some(&page.title),
                    page.summary.as_deref().unwrap_or_default(),
                    vec![home()],
                );
                context.insert("page", &serde_json::json!({
                    "title": page.title, "url": page.url, "summary": page.summary, "content": page.content.html,
                }));
                (format!("{}index.html", page.url), "page.html", context)
            }
            Job::WorkshopList => (
                "workshops/index.html".to_string(),
                "workshop_list.html",
                self.workshop_list(),
            ),
            Job::Workshop(i) => (
                format!("{}index.html", site.workshops[*i].page.url),
                "workshop.html",
                self.workshop(*i),
            ),
            Job::ActivityList => (
                "activities/index.html".to_string(),
                "activity_list.html",
                self.activity_list(),
            ),
            Job::Activity(i) => (
                format!("{}index.html", site.activities[*i].page.url),
                "activity.html",
                self.activity(*i),
            ),
        }
    }

    fn home(&self) -> Context {
        let site = self.input.site;
        let mut context = self.base("", None, &site.config.description, Vec::new());
        if let Some(latest) = site.collections.first() {
            let of_year: Vec<usize> = site
                .cases
                .iter()
                .enumerate()
                .filter(|(_, c)| c.year == latest.year)
                .map(|(i, _)| i)
                .collect();
            let cards: Vec<&CardCtx> = of_year
                .iter()
                .take(HOME_LATEST_CARDS)
                .map(|&i| self.card(i))
                .collect();
            context.insert("latest", &serde_json::json!({
                "year": latest.year, "title": latest.title, "summary": latest.summary, "url": latest.url,
                "cards": cards, "count": of_year.len(),
            }));
        }
        context.insert("areas", &self.term_list(Kind::Areas));
        let stats: Vec<serde_json::Value> = site
            .collections
            .iter()
            .map(|collection| {
                let vocab = site.vocabulary(collection.year);
                let areas: Vec<serde_json::Value> = vocab
                    .areas
                    .iter()
                    .map(|area| {
                        let count = site.cases.iter().filter(|c| c.year == collection.year && c.area == area.id).count();
                        serde_json::json!({"name": area.name, "count": count})
                    })
                    .collect();
                let count = site.cases.iter().filter(|c| c.year == collection.year).count();
                serde_json::json!({"year": collection.year, "url": collection.url, "count": count, "areas": areas})
            })
            .collect();
        context.insert("stats", &stats);
        context
    }

    /// Title of page `page` of a list titled `title`.
    fn page_title(title: &str, page: usize) -> String {
        if page > 1 {
            format!("{title}（第{page}页）")
        } else {
            title.to_string()
        }
    }

    fn year(&self, index: usize, page: usize) -> Context {
        let site = self.input.site;
        let collection = &site.collections[index];
        let size = site.config.paginate_by;
        let items = &self.year_items()[index];
        let url = paginate::page_url(&collection.url, page);
        let mut context = self.base(
            &url,
            Some(&Self::page_title(&collection.title, page)),
            collection.summary.as_deref().unwrap_or_default(),
            vec![home()],
        );
        let vocab = site.vocabulary(collection.year);
        // Every area of the year with its count and the page where its cases start (items
        // are ordered by area, so each area's cases are one run).
        let mut counts = vec![0; vocab.areas.len()];
        let mut starts = vec![None; vocab.areas.len()];
        for (index, &(area, _)) in items.iter().enumerate() {
            counts[area] += 1;
            starts[area].get_or_insert(index);
        }
        let mut areas = Vec::new();
        for (position, area) in vocab.areas.iter().enumerate() {
            let Some(start) = starts[position] else {
                continue;
            };
            areas.push(serde_json::json!({
                "area": term_ref(self.input.taxonomies, Kind::Areas, &area.id),
                "count": counts[position],
                "url": paginate::page_url(&collection.url, start / size + 1),
            }));
        }
        let on_page = items.iter().skip((page - 1) * size).take(size);
        let mut groups: Vec<(usize, Vec<&CardCtx>)> = Vec::new();
        for &(area, case) in on_page {
            match groups.last_mut() {
                Some((last, cards)) if *last == area => cards.push(self.card(case)),
                _ => groups.push((area, vec![self.card(case)])),
            }
        }
        let groups: Vec<serde_json::Value> = groups
            .into_iter()
            .map(|(position, cards)| {
                let id = &vocab.areas[position].id;
                serde_json::json!({
                    "area": term_ref(self.input.taxonomies, Kind::Areas, id),
                    "count": counts[position],
                    "cards": cards,
                })
            })
            .collect();
        context.insert(
            "collection",
            &serde_json::json!({
                "year": collection.year, "title": collection.title, "summary": collection.summary,
                "date": date_string(collection.date), "content": collection.content.html,
                "count": items.len(), "url": collection.url,
                "compilation": has_compilation(site, collection.year)
                    .then(|| format!("{}{}", collection.url, crate::compilation::PAGE_SEGMENT)),
            }),
        );
        context.insert("areas", &areas);
        context.insert("groups", &groups);
        context.insert(
            "paginator",
            &paginate::paginator(&collection.url, page, items.len(), size),
        );
        context
    }

    fn case(&self, index: usize) -> Context {
        let site = self.input.site;
        let case = &site.cases[index];
        let collection = site.collections.iter().find(|c| c.year == case.year);
        let mut crumbs = vec![home()];
        if let Some(collection) = collection {
            crumbs.push(LinkCtx {
                title: collection.title.clone(),
                url: collection.url.clone(),
            });
        }
        let title = format!("{} · {}", case.title, case.enterprise);
        let mut context = self.base(&case.url, Some(&title), &case.summary, crumbs);
        let taxonomies = self.input.taxonomies;
        let toc: Vec<TocEntry<'_>> = case
            .content
            .headings
            .iter()
            .filter(|h| h.level == 2 || h.level == 3)
            .map(|h| TocEntry {
                level: h.level,
                id: &h.id,
                text: &h.text,
            })
            .collect();
        let card = self.card(index);
        let tag_ids = &card.tags;
        context.insert("case", &serde_json::json!({
            "title": case.title, "enterprise": case.enterprise, "year": case.year, "number": case.number,
            "summary": case.summary, "status": case.status, "level": case.level, "date": date_string(case.date),
            "url": case.url, "content": case.content.html, "toc": toc,
            "area": card.area, "region": card.region,
            "industries": case.industries.iter().map(|id| term_ref(taxonomies, Kind::Industries, id)).collect::<Vec<_>>(),
            "methods": case.methods.iter().map(|id| term_ref(taxonomies, Kind::Methods, id)).collect::<Vec<_>>(),
            "tags": tag_ids,
            "json_ld": json_ld(&self.site_ctx, case),
        }));
        context.insert(
            "collection",
            &collection
                .map(|c| serde_json::json!({"year": c.year, "title": c.title, "url": c.url})),
        );
        let neighbour = |i: usize| neighbour(&site.cases[i]);
        let [prev, next] = neighbours(site, index);
        context.insert("prev", &prev.map(neighbour));
        context.insert("next", &next.map(neighbour));
        let related: Vec<&CardCtx> = match self.input.related {
            Some(related) => related
                .get(index)
                .map(|r| r.iter().map(|i| self.card(*i)).collect())
                .unwrap_or_default(),
            None => same_area(site, index)
                .into_iter()
                .map(|i| self.card(i))
                .collect(),
        };
        context.insert("related", &related);
        let activities: Vec<serde_json::Value> = self
            .activities_of_case
            .get(&index)
            .map(|list| {
                list.iter()
                    .map(|a| {
                        let activity = &site.activities[*a];
                        serde_json::json!({"title": activity.page.title, "url": activity.page.url, "date": date_string(activity.date), "type": activity.kind})
                    })
                    .collect()
            })
            .unwrap_or_default();
        context.insert("activities", &activities);
        context
    }

    fn term_list(&self, kind: Kind) -> Vec<TermCtx> {
        self.input
            .taxonomies
            .iter()
            .find(|t| t.kind == kind)
            .map(|t| t.terms.iter().map(term_ctx).collect())
            .unwrap_or_default()
    }

    /// The search page's `taxonomies`: each with its terms and `by_id`, true where the
    /// search facet holds the terms' ids (whose names the page looks up), false for tags,
    /// which the index holds by name.
    fn facet_lists(&self) -> Vec<serde_json::Value> {
        self.input
            .taxonomies
            .iter()
            .map(|t| {
                serde_json::json!({
                    "kind": t.kind.slug(), "name": t.kind.title(), "by_id": t.kind != Kind::Tags,
                    "terms": t.terms.iter().map(term_ctx).collect::<Vec<_>>(),
                })
            })
            .collect()
    }

    fn taxonomy_list(&self, taxonomy: &Taxonomy) -> Context {
        let title = taxonomy.kind.title();
        let mut context = self.base(&taxonomy.url, Some(title), "", vec![home()]);
        context.insert(
            "taxonomy",
            &serde_json::json!({
                "kind": taxonomy.kind.slug(), "name": title, "url": taxonomy.url,
                "terms": taxonomy.terms.iter().map(term_ctx).collect::<Vec<_>>(),
            }),
        );
        context
    }

    fn taxonomy_term(&self, taxonomy: &Taxonomy, term: &Term, page: usize) -> Context {
        let size = self.input.site.config.paginate_by;
        let title = format!("{}：{}", taxonomy.kind.title(), term.entry.name);
        let crumbs = vec![
            home(),
            LinkCtx {
                title: taxonomy.kind.title().to_string(),
                url: taxonomy.url.clone(),
            },
        ];
        let url = paginate::page_url(&term.url, page);
        let mut context = self.base(&url, Some(&Self::page_title(&title, page)), "", crumbs);
        context.insert("taxonomy", &serde_json::json!({"kind": taxonomy.kind.slug(), "name": taxonomy.kind.title(), "url": taxonomy.url}));
        context.insert("term", &term_ctx(term));
        // Cases are in site order (newest year first): group this page's cases by year.
        let mut groups: Vec<(u16, Vec<&CardCtx>)> = Vec::new();
        for &case in term.cases.iter().skip((page - 1) * size).take(size) {
            let card = self.card(case);
            match groups.last_mut() {
                Some((year, cards)) if *year == card.year => cards.push(card),
                _ => groups.push((card.year, vec![card])),
            }
        }
        let groups: Vec<serde_json::Value> = groups
            .into_iter()
            .map(|(year, cards)| serde_json::json!({"year": year, "cards": cards}))
            .collect();
        context.insert("groups", &groups);
        context.insert(
            "paginator",
            &paginate::paginator(&term.url, page, term.cases.len(), size),
        );
        context
    }

    /// The context of a page inside a section (`(title, url)`: the workshops, the activities,
    /// a year): breadcrumbs home, section.
    fn section_page(
        &self,
        (section_title, section_url): (&str, &str),
        url: &str,
        title: &str,
        summary: Option<&str>,
    ) -> Context {
        let section = LinkCtx::new(section_title, section_url);
        self.base(
            url,
            Some(title),
            summary.unwrap_or_default(),
            vec![home(), section],
        )
    }

    /// The context of a section's index page (`(title, url)`), its items under `key`.
    fn section_list(
        &self,
        (title, url): (&str, &str),
        key: &str,
        items: Vec<serde_json::Value>,
    ) -> Context {
        let mut context = self.base(url, Some(title), "", vec![home()]);
        context.insert(key, &items);
        context
    }

    fn workshop_list(&self) -> Context {
        let list: Vec<serde_json::Value> = self
            .input
            .site
            .workshops
            .iter()
            .map(|w| serde_json::json!({"title": w.page.title, "url": w.page.url, "date": date_string(w.date), "summary": w.page.summary, "count": w.entries.len()}))
            .collect();
        self.section_list(WORKSHOPS, "workshops", list)
    }

    fn workshop(&self, index: usize) -> Context {
        let workshop = &self.input.site.workshops[index];
        let page = &workshop.page;
        let summary = page.summary.as_deref();
        let mut context = self.section_page(WORKSHOPS, &page.url, &page.title, summary);
        let items: Vec<serde_json::Value> = workshop
            .entries
            .iter()
            .map(|e| {
                let card = self.card(e.case);
                let absolute = format!("{}{}", self.site_ctx.base_url, card.url);
                let qr = qr::qr_svg(&absolute, &format!("二维码：{}", card.title));
                serde_json::json!({"card": card, "note": e.note, "absolute_url": absolute, "qr_svg": qr})
            })
            .collect();
        context.insert("workshop", &serde_json::json!({
            "title": page.title, "date": date_string(workshop.date), "trainer": workshop.trainer, "place": workshop.place,
            "summary": page.summary, "content": page.content.html, "agenda": workshop.agenda, "url": page.url, "items": items,
        }));
        context
    }

    fn activity_list(&self) -> Context {
        let list: Vec<serde_json::Value> = self
            .input
            .site
            .activities
            .iter()
            .map(|a| serde_json::json!({"title": a.page.title, "url": a.page.url, "date": date_string(a.date), "type": a.kind, "place": a.place, "summary": a.page.summary}))
            .collect();
        self.section_list(ACTIVITIES, "activities", list)
    }

    fn activity(&self, index: usize) -> Context {
        let activity = &self.input.site.activities[index];
        let page = &activity.page;
        let summary = page.summary.as_deref();
        let mut context = self.section_page(ACTIVITIES, &page.url, &page.title, summary);
        let cards: Vec<&CardCtx> = activity.cases.iter().map(|i| self.card(*i)).collect();
        context.insert("activity", &serde_json::json!({
            "title": page.title, "type": activity.kind, "date": date_string(activity.date), "place": activity.place,
            "summary": page.summary, "content": page.content.html, "url": page.url,
            "host": activity.host.map(|h| self.card(h)), "cards": cards,
        }));
        context
    }
}

/// schema.org `Article` of a case, with the enterprise as `Organization`, as JSON safe to
/// embed in a `<script>` element (`<` escaped).
fn json_ld(site: &SiteCtx, case: &Case) -> String {
    let url = format!("{}{}", site.base_url, case.url);
    let value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": case.title,
        "description": case.summary,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": site.language,
        "datePublished": date_string(case.date),
        "author": {"@type": "Organization", "name": case.enterprise},
        "about": {"@type": "Organization", "name": case.enterprise},
        "publisher": {"@type": "Organization", "name": site.title},
        "keywords": case.tags.join(","),
    });
    serde_json::to_string(&value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn home() -> LinkCtx {
    LinkCtx::new("首页", "")
}

fn term_ctx(term: &Term) -> TermCtx {
    TermCtx {
        term: TermRef {
            id: term.entry.id.clone(),
            name: term.entry.name.clone(),
            url: term.url.clone(),
        },
        count: term.cases.len(),
        group: term.entry.group.clone(),
        quota: term.entry.quota,
    }
}

fn term_ref(taxonomies: &[Taxonomy], kind: Kind, id: &str) -> TermRef {
    let term = taxonomies
        .iter()
        .find(|t| t.kind == kind)
        .and_then(|t| t.term(id));
    TermRef {
        id: id.to_string(),
        name: term.map_or_else(|| id.to_string(), |t| t.entry.name.clone()),
        url: term.map_or_else(|| format!("{}/{id}/", kind.slug()), |t| t.url.clone()),
    }
}

/// Fallback related cases: same focus area, most shared methods and industries first, then
/// the same year, at most [`RELATED_CASES`].
fn same_area(site: &Site, index: usize) -> Vec<usize> {
    let case: &Case = &site.cases[index];
    let mut scored: Vec<(usize, usize)> = site
        .cases
        .iter()
        .enumerate()
        .filter(|(i, other)| *i != index && other.area == case.area)
        .take(500)
        .map(|(i, other)| {
            let shared = other
                .methods
                .iter()
                .filter(|m| case.methods.contains(m))
                .count()
                + other
                    .industries
                    .iter()
                    .filter(|m| case.industries.contains(m))
                    .count()
                + usize::from(other.year == case.year);
            (i, shared)
        })
        .collect();
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    scored
        .into_iter()
        .take(RELATED_CASES)
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefixes() {
        assert_eq!(root_prefix(""), "./");
        assert_eq!(root_prefix("2023/"), "../");
        assert_eq!(root_prefix("2023/slug/"), "../../");
    }

    #[test]
    fn redirect_points_back_relatively() {
        let page = redirect_page("https://x.org/", "2023/old/", "2023/new/", "标题<");
        assert!(page.contains("url=../../2023/new/"));
        assert!(page.contains("href=\"https://x.org/2023/new/\""));
        assert!(page.contains("标题&lt;"));
    }
}
