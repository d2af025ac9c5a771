//! Incremental preview builds (`serve`): an edited case is applied to the kept model and only
//! the pages it affects are rendered; the background full build that follows brings the site
//! to exactly what a fresh full build gives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use biaogan::error::Error;
use biaogan::serve::rebuild::{BuildKind, Built, Files, SiteBuilder};
use common::TestSite;

const BASE_URL: &str = "http://127.0.0.1:1111/";

/// The sample site has the most cases, workshops and activities of the fixtures.
fn sample() -> (TestSite, SiteBuilder) {
    let site = TestSite::sample();
    let mut builder = SiteBuilder::new(site.root(), false, BASE_URL);
    let built = builder.rebuild(&[]).unwrap();
    assert_eq!(built.kind, BuildKind::Full);
    (site, builder)
}

/// A case file of the sample site and its page, the case chosen by its enterprise.
fn case_file(site: &TestSite, enterprise_dir: &str) -> PathBuf {
    let path = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name() == "index.md"
                && e.path()
                    .parent()
                    .and_then(|p| p.file_name())
                    .is_some_and(|n| n.to_string_lossy().contains(enterprise_dir))
        })
        .expect("case of the sample site");
    path.path().to_path_buf()
}

/// The first case file of the newest year of the sample site.
fn first_case(site: &TestSite) -> PathBuf {
    let mut cases: Vec<PathBuf> = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.md")
        .map(|e| e.path().to_path_buf())
        .collect();
    cases.sort();
    cases.pop().expect("a case")
}

/// The files a fresh full build of the site gives.
fn fresh(site: &TestSite) -> Files {
    SiteBuilder::new(site.root(), false, BASE_URL)
        .rebuild(&[])
        .unwrap()
        .files
}

/// Runs the background full build the server would run, and installs it.
fn reconcile(builder: &mut SiteBuilder) -> Built {
    let job = builder
        .reconcile_job()
        .expect("incremental builds leave the site stale");
    builder
        .install(job.run())
        .expect("no edit in between")
        .unwrap()
}

fn page<'a>(files: &'a Files, path: &str) -> &'a str {
    std::str::from_utf8(files.get(path).unwrap_or_else(|| panic!("{path} is built"))).unwrap()
}

fn differing(a: &Files, b: &Files) -> Vec<String> {
    let mut paths: Vec<String> = a
        .iter()
        .filter(|(path, bytes)| b.get(*path) != Some(bytes))
        .map(|(path, _)| path.clone())
        .collect();
    paths.extend(b.keys().filter(|p| !a.contains_key(*p)).cloned());
    paths
}

/// The site-relative URL of the page a case file renders to, read from a full build (not its
/// year's compilation, which shows every case too).
fn page_of(files: &Files, marker: &str) -> String {
    files
        .iter()
        .find(|(path, bytes)| {
            path.ends_with("/index.html")
                && path.matches('/').count() == 2
                && path.starts_with("20")
                && !path.ends_with("/compilation/index.html")
                && String::from_utf8_lossy(bytes).contains(marker)
        })
        .map(|(path, _)| path.clone())
        .expect("the case page")
}

#[test]
fn a_body_edit_renders_only_that_case_and_catches_up_in_the_background() {
    let (site, mut builder) = sample();
    let file = first_case(&site);
    let original = std::fs::read_to_string(&file).unwrap();
    let edited = format!("{original}\n\n## 补充说明\n\n新增的补充段落：首件检验覆盖全部工序。\n");
    std::fs::write(&file, &edited).unwrap();

    let built = builder.rebuild(std::slice::from_ref(&file)).unwrap();
    // The case's page and its year's compilation, which prints every body in full.
    assert_eq!(built.kind, BuildKind::Incremental { pages: 2 });
    assert!(builder.is_stale());
    let expected = fresh(&site);
    let path = page_of(&expected, "新增的补充段落");
    assert_eq!(page(&built.files, &path), page(&expected, &path));
    assert!(page(&built.files, &path).contains("id=\"补充说明\""));
    let year = path.split('/').next().expect("a year");
    let compilation = format!("{year}/compilation/index.html");
    assert!(page(&built.files, &compilation).contains("新增的补充段落"));
    assert_eq!(
        page(&built.files, &compilation),
        page(&expected, &compilation)
    );

    // Only the search export (and pages whose related cases moved) may differ now; the
    // background build makes every file equal to a fresh full build.
    let caught_up = reconcile(&mut builder);
    assert_eq!(caught_up.kind, BuildKind::Background);
    assert!(!builder.is_stale());
    assert_eq!(differing(&caught_up.files, &expected), Vec::<String>::new());
}

#[test]
fn a_title_edit_updates_lists_feeds_and_neighbours() {
    let (site, mut builder) = sample();
    let before = builder.rebuild(&[]).unwrap().files;
    let file = first_case(&site);
    let original = std::fs::read_to_string(&file).unwrap();
    let title_line = original
        .lines()
        .find(|l| l.starts_with("title:"))
        .expect("a title line")
        .to_string();
    let edited = original.replacen(&title_line, "title: 改过标题的典型经验", 1);
    std::fs::write(&file, &edited).unwrap();

    let built = builder.rebuild(std::slice::from_ref(&file)).unwrap();
    let BuildKind::Incremental { pages } = built.kind else {
        panic!("incremental, got {:?}", built.kind);
    };
    assert!(pages > 1, "lists are rendered again");
    let expected = fresh(&site);
    // Every page that shows the title now is as a full build renders it, except the search
    // export (and pages of cases whose related lists a full build recomputes).
    for (path, bytes) in &expected {
        let text = String::from_utf8_lossy(bytes);
        if path.starts_with("search/") || !text.contains("改过标题的典型经验") {
            continue;
        }
        assert_eq!(
            page(&built.files, path),
            text,
            "{path} differs from a full build"
        );
    }
    assert!(page(&built.files, "feed.xml").contains("改过标题的典型经验"));
    assert_ne!(before.get("index.html"), built.files.get("index.html"));
    let caught_up = reconcile(&mut builder);
    assert_eq!(differing(&caught_up.files, &expected), Vec::<String>::new());
}

/// Whether `path` is the page of another case than the one at `edited`: a full build
/// recomputes related cases, so such pages may differ until the background build.
fn other_case_page(path: &str, edited: &str) -> bool {
    path.starts_with("20") && path.matches('/').count() == 2 && path != edited
}

#[test]
fn a_term_edit_renders_exactly_the_list_pages_and_files_it_changes() {
    let (site, mut builder) = sample();
    let full = builder.rebuild(&[]).unwrap().files;
    let html_pages = full.keys().filter(|p| p.ends_with(".html")).count();
    let file = case_file(&site, "鹤壁淇澜汽车电子");
    let original = std::fs::read_to_string(&file).unwrap();
    let path = page_of(&full, "鹤壁淇澜汽车电子有限公司成立于2012年");
    // Another focus area moves the case between groups of the year page and changes counts;
    // one industry fewer removes it from that term's list; a new summary changes its cards.
    let edited = original
        .replacen("area: key-process", "area: digital", 1)
        .replacen("industry: [nev, automotive]", "industry: [nev]", 1)
        .replacen("summary: 企业针对", "summary: 改过摘要：企业针对", 1);
    assert_ne!(edited, original);
    std::fs::write(&file, &edited).unwrap();

    let built = builder.rebuild(std::slice::from_ref(&file)).unwrap();
    let BuildKind::Incremental { pages } = built.kind else {
        panic!("incremental, got {:?}", built.kind);
    };
    assert!(
        pages * 3 < html_pages,
        "{pages} of {html_pages} pages rendered again"
    );
    let expected = fresh(&site);
    let stale: Vec<String> = differing(&built.files, &expected)
        .into_iter()
        .filter(|p| !p.starts_with("search/") && !other_case_page(p, &path))
        .collect();
    assert_eq!(stale, Vec::<String>::new(), "differ from a full build");
    for changed in [
        "areas/digital/index.html",
        "industries/automotive/index.html",
        "2024/index.html",
        "2024/summary.csv",
    ] {
        assert_ne!(full.get(changed), built.files.get(changed), "{changed}");
    }
}

#[test]
fn a_changed_url_is_a_full_build() {
    let (site, mut builder) = sample();
    let file = first_case(&site);
    let original = std::fs::read_to_string(&file).unwrap();
    let edited = original.replacen("title:", "slug: a-new-slug\ntitle:", 1);
    std::fs::write(&file, &edited).unwrap();
    // The old URL is published: moving the case without an alias is refused.
    let Error::Content(diagnostics) = builder.rebuild(std::slice::from_ref(&file)).unwrap_err()
    else {
        panic!("a content error");
    };
    assert!(diagnostics.iter().any(|d| d.code == "url-removed"));
    let rel = file
        .strip_prefix(site.root())
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let record = std::fs::read_to_string(site.root().join("published-urls.txt")).unwrap();
    let old_url = record
        .lines()
        .find(|l| l.ends_with(&rel))
        .and_then(|l| l.split_whitespace().next())
        .expect("the case's URL is recorded")
        .to_string();
    let edited = original.replacen(
        "title:",
        &format!("slug: a-new-slug\naliases: [\"/{old_url}\"]\ntitle:"),
        1,
    );
    std::fs::write(&file, &edited).unwrap();
    let built = builder.rebuild(std::slice::from_ref(&file)).unwrap();
    assert_eq!(built.kind, BuildKind::Full);
    assert!(built.files.contains_key(&format!("{old_url}index.html")));
    assert!(built
        .files
        .keys()
        .any(|p| p.ends_with("/a-new-slug/index.html")));
    assert_eq!(differing(&built.files, &fresh(&site)), Vec::<String>::new());
    assert!(!builder.is_stale());
}

#[test]
fn a_broken_edit_fails_naming_the_file_and_the_fix_is_incremental() {
    let (site, mut builder) = sample();
    let file = first_case(&site);
    let original = std::fs::read_to_string(&file).unwrap();
    let area_line = original
        .lines()
        .find(|l| l.starts_with("area:"))
        .expect("an area line")
        .to_string();
    std::fs::write(
        &file,
        original.replacen(&area_line, "area: 不存在的领域", 1),
    )
    .unwrap();
    let error = builder.rebuild(std::slice::from_ref(&file)).unwrap_err();
    let Error::Content(diagnostics) = error else {
        panic!("a content error, got {error}");
    };
    let rel = file.strip_prefix(site.root()).unwrap();
    assert!(
        diagnostics
            .iter()
            .any(|d| d.is_error() && d.file == rel && d.line > 0),
        "{diagnostics:?}"
    );

    // An edit of another case does not publish while the first file is broken.
    let other = case_file(&site, "");
    if other != file {
        let text = std::fs::read_to_string(&other).unwrap();
        std::fs::write(&other, format!("{text}\n\n另一处修改。\n")).unwrap();
        assert!(builder.rebuild(std::slice::from_ref(&other)).is_err());
    }

    std::fs::write(&file, &original).unwrap();
    let built = builder.rebuild(std::slice::from_ref(&file)).unwrap();
    assert!(matches!(built.kind, BuildKind::Incremental { .. }));
    let caught_up = reconcile(&mut builder);
    assert_eq!(
        differing(&caught_up.files, &fresh(&site)),
        Vec::<String>::new()
    );
}

#[test]
fn a_background_build_is_dropped_when_an_edit_came_in_meanwhile() {
    let (site, mut builder) = sample();
    let file = first_case(&site);
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{original}\n\n第一次修改。\n")).unwrap();
    builder.rebuild(std::slice::from_ref(&file)).unwrap();
    let job = builder.reconcile_job().unwrap();
    std::fs::write(&file, format!("{original}\n\n第二次修改。\n")).unwrap();
    let built = builder.rebuild(std::slice::from_ref(&file)).unwrap();
    assert!(matches!(built.kind, BuildKind::Incremental { .. }));
    assert!(builder.install(job.run()).is_none());
    assert!(builder.is_stale());
    let caught_up = reconcile(&mut builder);
    assert_eq!(
        differing(&caught_up.files, &fresh(&site)),
        Vec::<String>::new()
    );
}

#[test]
fn drafts_stay_unpublished_through_incremental_builds() {
    let (site, mut builder) = sample();
    // A site that has not published yet: unpublishing a case is no error.
    std::fs::remove_file(site.root().join("published-urls.txt")).unwrap();
    builder.rebuild(&[]).unwrap();
    let file = first_case(&site);
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, original.replacen("title:", "draft: true\ntitle:", 1)).unwrap();
    let built = builder.rebuild(std::slice::from_ref(&file)).unwrap();
    // Publishing or unpublishing changes which files exist: a full build.
    assert_eq!(built.kind, BuildKind::Full);
    assert_eq!(differing(&built.files, &fresh(&site)), Vec::<String>::new());
    std::fs::write(
        &file,
        format!(
            "{}\n\n草稿里的修改。\n",
            original.replacen("title:", "draft: true\ntitle:", 1)
        ),
    )
    .unwrap();
    let built = builder.rebuild(std::slice::from_ref(&file)).unwrap();
    assert_eq!(built.kind, BuildKind::Incremental { pages: 0 });
    assert!(!built
        .files
        .values()
        .any(|bytes| String::from_utf8_lossy(bytes).contains("草稿里的修改")));
}

/// Every front-matter field that other pages show, edited one after another: each edit is
/// applied incrementally (no file moves), and after each one every file equals a fresh full
/// build's except the search export and other cases' pages (related cases, which a full build
/// recomputes). What other pages show is compared from the template contexts, not from a list
/// of fields, so an edit of the enterprise (its URL kept by a `slug:`), which an earlier list
/// treated as moving files, or of the level, which only the case's own page shows, is handled
/// like any other.
#[test]
fn every_shown_field_re_renders_the_pages_that_show_it() {
    let (site, mut builder) = sample();
    let full = builder.rebuild(&[]).unwrap().files;
    let file = case_file(&site, "鹤壁淇澜汽车电子");
    let path = page_of(&full, "鹤壁淇澜汽车电子有限公司成立于2012年");
    let slug = path.split('/').nth(1).expect("a slug").to_string();
    // The case is the only one in 鹤壁 (moving it would remove a term page: a full build), so
    // the region edit moves a case between two regions that keep cases.
    let other = case_file(&site, "郑州衡感传感");
    let other_text = std::fs::read_to_string(&other).unwrap();
    std::fs::write(
        &other,
        other_text.replacen("region: zhengzhou", "region: luoyang", 1),
    )
    .unwrap();
    let built = builder.rebuild(std::slice::from_ref(&other)).unwrap();
    assert!(
        matches!(built.kind, BuildKind::Incremental { pages } if pages > 2),
        "region"
    );
    let other_path = page_of(&full, "郑州衡感传感技术股份有限公司成立于2010年");
    assert_eq!(
        unlike_a_full_build(&built, &site, &other_path),
        Vec::<String>::new(),
        "region"
    );

    let mut text = std::fs::read_to_string(&file).unwrap();
    let edits: [(&str, &str, &str); 10] = [
        ("title", "title: 基于SPC的", "title: 改过标题：基于SPC的"),
        (
            "enterprise",
            "enterprise: 鹤壁淇澜汽车电子有限公司",
            &format!("slug: {slug}\nenterprise: 鹤壁淇澜新能源汽车电子有限公司"),
        ),
        (
            "summary",
            "summary: 企业针对",
            "summary: 改过摘要：企业针对",
        ),
        ("date", "date: 2024-09-20", "date: 2024-09-21"),
        ("area", "area: key-process", "area: digital"),
        ("industry", "industry: [nev, automotive]", "industry: [nev]"),
        (
            "methods",
            "methods: [spc, msa, doe, apqp]",
            "methods: [spc, msa, doe]",
        ),
        (
            "tags",
            "tags: [超声波焊接, 高压线束,",
            "tags: [高压线束, 超声波焊接,",
        ),
        ("status", "status: 入选", "status: 推荐"),
        ("level", "level: 省级", "level: 国家级"),
    ];
    for (field, from, to) in edits {
        let edited = text.replacen(from, to, 1);
        assert_ne!(edited, text, "{field}");
        text = edited;
        std::fs::write(&file, &text).unwrap();
        let built = builder.rebuild(std::slice::from_ref(&file)).unwrap();
        let BuildKind::Incremental { pages } = built.kind else {
            panic!("{field}: incremental, got {:?}", built.kind);
        };
        if field == "level" {
            // Only the case's page and its year's compilation show the level.
            assert_eq!(pages, 2, "{field}");
        } else {
            assert!(pages > 2, "{field}: other pages are rendered again");
        }
        assert_eq!(
            unlike_a_full_build(&built, &site, &path),
            Vec::<String>::new(),
            "{field}"
        );
    }
}

/// The files of `built` that differ from a fresh full build's, other than the search export
/// and the pages of cases other than the edited one at `edited` (related cases).
fn unlike_a_full_build(built: &Built, site: &TestSite, edited: &str) -> Vec<String> {
    differing(&built.files, &fresh(site))
        .into_iter()
        .filter(|p| !p.starts_with("search/") && !other_case_page(p, edited))
        .collect()
}
