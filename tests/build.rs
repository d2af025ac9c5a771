//! Builds fixture sites and the sample site with the real binary and asserts on the output.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{broken_links, stderr, TestSite};

#[test]
fn minimal_site_builds_every_page() {
    let site = TestSite::fixture("minimal");
    site.build();
    for page in [
        "index.html",
        "404.html",
        "2023/index.html",
        "2023/jia-fang-jing-mi-ji-xie/index.html",
        "2023/jia-fang-jing-mi-ji-xie/chart.svg",
        "2023/yi-fang-shi-pin/index.html",
        "areas/index.html",
        "areas/key-process/index.html",
        "regions/luoyang/index.html",
        "industries/food/index.html",
        "methods/six-sigma/index.html",
        "tags/index.html",
        "about/index.html",
        "workshops/index.html",
        "workshops/tracing/index.html",
        "activities/visit/index.html",
        "static/style.css",
        "static/highlight.css",
        "sitemap.xml",
        "feed.xml",
        "robots.txt",
        ".biaogan-output",
    ] {
        assert!(site.public().join(page).is_file(), "missing {page}");
    }
    let case = site.read("2023/jia-fang-jing-mi-ji-xie/index.html");
    assert!(case.contains("基于统计过程控制的关键工序质量提升经验"));
    assert!(case.contains("<html lang=\"zh-CN\""));
    assert!(
        case.contains("href=\"../../static/style.css\""),
        "stylesheet link is relative"
    );
}

#[test]
fn every_internal_link_resolves() {
    let site = TestSite::fixture("minimal");
    site.build();
    assert_eq!(broken_links(&site.public()), Vec::<String>::new());
}

#[test]
fn sample_site_builds_and_links_resolve() {
    let site = TestSite::sample();
    site.build();
    let broken = broken_links(&site.public());
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    let cases = std::fs::read_dir(site.public().join("2023"))
        .unwrap()
        .count()
        + std::fs::read_dir(site.public().join("2024"))
            .unwrap()
            .count();
    assert!(
        cases >= 24,
        "expected at least 24 case directories, found {cases}"
    );
    let files = site.output_files();
    assert!(
        files.keys().any(|k| k.ends_with(".png")),
        "PNG assets are copied"
    );
}

#[test]
fn no_external_resources_in_output() {
    let site = TestSite::sample();
    site.build();
    for (path, bytes) in site.output_files() {
        if !(path.ends_with(".html") || path.ends_with(".css") || path.ends_with(".js")) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for link in common::links(&text) {
            assert!(
                !link.starts_with("http://") && !link.starts_with("//")
                    || link.starts_with("https://example.org/"),
                "{path} loads or links {link}"
            );
        }
        for needle in [
            "<script src=\"http",
            "@import url(http",
            "url(http",
            "fonts.googleapis",
        ] {
            assert!(!text.contains(needle), "{path} contains {needle}");
        }
    }
}

#[test]
fn private_values_never_reach_the_output() {
    let site = TestSite::fixture("minimal");
    site.build();
    for (path, bytes) in site.output_files() {
        let text = String::from_utf8_lossy(&bytes);
        for marker in [
            "PRIVATE-CONTACT-MARKER",
            "PRIVATE-PHONE-MARKER",
            "91410100MA00000122",
        ] {
            assert!(!text.contains(marker), "{path} leaks {marker}");
        }
    }
}

#[test]
fn alias_redirects_to_the_case() {
    let site = TestSite::fixture("minimal");
    site.build();
    let redirect = site.read("2023/old-jiafang/index.html");
    assert!(redirect.contains("url=../../2023/jia-fang-jing-mi-ji-xie/"));
    assert!(redirect.contains(
        "rel=\"canonical\" href=\"https://example.org/site/2023/jia-fang-jing-mi-ji-xie/\""
    ));
}

#[test]
fn taxonomy_pages_list_their_cases() {
    let site = TestSite::fixture("minimal");
    site.build();
    let area = site.read("areas/digital/index.html");
    assert!(area.contains("实施数字化追溯提升食品安全的经验"));
    assert!(!area.contains("基于统计过程控制的关键工序质量提升经验"));
    let regions = site.read("regions/index.html");
    assert!(regions.contains("郑州市") && regions.contains("洛阳市"));
    assert!(
        !regions.contains("开封市"),
        "regions without cases are not listed"
    );
}

#[test]
fn search_page_names_the_facet_values_held_by_id() {
    let site = TestSite::fixture("minimal");
    site.build();
    let page = site.read("search/index.html");
    let island = page
        .split(r#"<script type="application/json" id="search-labels">"#)
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("the labels island");
    let labels: serde_json::Value = serde_json::from_str(island).expect("JSON");
    assert_eq!(labels["region"]["zhengzhou"], "郑州市");
    assert_eq!(labels["region"]["luoyang"], "洛阳市");
    // The index holds tags by name, so the page shows them as they are, without a label.
    assert!(labels.get("tag").is_none(), "{island}");
    let meta = site.read("search/meta.js");
    assert!(
        meta.contains(r#""tag":["SPC","追溯","首件检验"]"#),
        "{meta}"
    );
}

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    let site = TestSite::fixture("minimal");
    site.build();
    let before = site.output_files();
    site.write("content/2023/坏的公司/index.md", "---\ntitle: [\n---\n");
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(site.output_files(), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".biaogan-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary directories left behind: {leftovers:?}"
    );
}

#[test]
fn refuses_to_replace_a_directory_it_did_not_create() {
    let site = TestSite::fixture("minimal");
    site.write("precious/notes.txt", "do not delete");
    let output = site.run(&[
        "build",
        "--out",
        site.root().join("precious").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&site, &output).contains("was not written by biaogan"));
    assert_eq!(
        std::fs::read_to_string(site.root().join("precious/notes.txt")).unwrap(),
        "do not delete"
    );
}

#[test]
fn rebuild_replaces_output_and_drops_stale_files() {
    let site = TestSite::fixture("minimal");
    site.build();
    std::fs::remove_dir_all(site.root().join("content/2023/乙方食品有限公司")).unwrap();
    let case = site
        .root()
        .join("content/2023/甲方精密机械有限公司/index.md");
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(
        &case,
        text.replace("参见[乙方的做法](../yi-fang-shi-pin/#主要做法)。", ""),
    )
    .unwrap();
    std::fs::remove_file(site.root().join("content/workshops/tracing.md")).unwrap();
    std::fs::remove_file(site.root().join("content/activities/visit.md")).unwrap();
    // A withdrawn case's published URL is retired by deleting its line from the record.
    assert_eq!(site.run(&["build"]).status.code(), Some(1));
    let record = site.root().join("published-urls.txt");
    let text = std::fs::read_to_string(&record).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("2023/yi-fang-shi-pin/"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&record, kept).unwrap();
    site.build();
    assert!(!site.public().join("2023/yi-fang-shi-pin").exists());
    assert!(site
        .public()
        .join("2023/jia-fang-jing-mi-ji-xie/index.html")
        .exists());
}

#[test]
fn drafts_are_checked_but_not_published() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/2023/草稿公司/index.md",
        "---\ntitle: 草稿\nenterprise: 草稿公司\nyear: 2023\nregion: zhengzhou\narea: digital\nsummary: 草稿。\ndraft: true\n---\n",
    );
    site.build();
    assert!(!site.public().join("2023/cao-gao/index.html").exists());
    let output = site.run(&["build", "--drafts"]);
    assert!(output.status.success());
    assert!(site.public().join("2023/cao-gao/index.html").exists());
}

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new-site");
    let output = assert_cmd::Command::cargo_bin("biaogan")
        .unwrap()
        .arg("init")
        .arg(&target)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = assert_cmd::Command::cargo_bin("biaogan")
        .unwrap()
        .arg("--root")
        .arg(&target)
        .arg("build")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(target.join("public/index.html").exists());
    // init refuses to run twice
    let again = assert_cmd::Command::cargo_bin("biaogan")
        .unwrap()
        .arg("init")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn new_case_writes_a_skeleton_that_passes_check_when_filled() {
    let site = TestSite::fixture("minimal");
    let output = site.run(&[
        "new",
        "case",
        "--year",
        "2023",
        "--enterprise",
        "戊方材料有限公司",
        "--area",
        "digital",
        "--region",
        "xinxiang",
    ]);
    assert!(output.status.success(), "{}", stderr(&site, &output));
    let path = site.root().join("content/2023/戊方材料有限公司/index.md");
    let text = std::fs::read_to_string(&path).unwrap();
    for section in ["## 企业概况", "## 主要做法", "## 实施效果", "## 推广价值"] {
        assert!(text.contains(section));
    }
    let check = site.run(&["check"]);
    assert!(check.status.success(), "{}", stderr(&site, &check));
    let again = site.run(&[
        "new",
        "case",
        "--year",
        "2023",
        "--enterprise",
        "戊方材料有限公司",
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "never overwrites"
    );
}

#[test]
fn usage_errors_exit_2() {
    let output = assert_cmd::Command::cargo_bin("biaogan")
        .unwrap()
        .arg("build")
        .arg("--no-such-flag")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn front_matter_values_are_escaped_everywhere() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/2023/庚方科技有限公司/index.md",
        "---\ntitle: \"<script>alert(1)</script>标题\"\nenterprise: 庚方科技有限公司\nyear: 2023\nregion: xinxiang\narea: digital\nsummary: \"</script><img src=x onerror=alert(2)>\"\ntags: [\"<b>标签</b>\"]\n---\n正文\n",
    );
    site.build();
    for (path, bytes) in site.output_files() {
        if !(path.ends_with(".html") || path.ends_with(".xml")) {
            continue; // CSV and XLSX carry the text as data, not markup
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("<script>alert(1)"),
            "{path} contains an unescaped title"
        );
        assert!(
            !text.contains("<img src=x"),
            "{path} contains an unescaped summary"
        );
        assert!(
            !text.contains("<b>标签"),
            "{path} contains an unescaped tag"
        );
    }
    let page = site.read("2023/geng-fang-ke-ji/index.html");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;标题"));
    let json = page
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(value["@type"], "Article");
    assert_eq!(value["headline"], "<script>alert(1)</script>标题");
    assert_eq!(value["author"]["name"], "庚方科技有限公司");
}

/// Parses `xml` and returns the text of every element named `name`.
fn xml_texts(xml: &str, name: &[u8]) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut inside = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == name => inside = true,
            quick_xml::events::Event::End(e) if e.name().as_ref() == name => inside = false,
            quick_xml::events::Event::Text(t) if inside => {
                out.push(t.decode().unwrap().into_owned())
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn sitemap_and_feeds_are_xml_with_absolute_urls() {
    let site = TestSite::fixture("minimal");
    site.build();
    let locs = xml_texts(&site.read("sitemap.xml"), b"loc");
    assert!(locs.contains(&"https://example.org/site/".to_string()));
    assert!(locs.contains(&"https://example.org/site/2023/jia-fang-jing-mi-ji-xie/".to_string()));
    assert!(locs.contains(&"https://example.org/site/workshops/tracing/".to_string()));
    assert!(locs
        .iter()
        .all(|l| l.starts_with("https://example.org/site/")));
    let feed = site.read("feed.xml");
    let ids = xml_texts(&feed, b"id");
    assert!(ids.contains(&"https://example.org/site/2023/yi-fang-shi-pin/".to_string()));
    let titles = xml_texts(&feed, b"title");
    assert!(titles.contains(&"基于统计过程控制的关键工序质量提升经验".to_string()));
    let year_feed = site.read("2023/feed.xml");
    assert_eq!(year_feed.matches("<entry>").count(), 2);
    assert_eq!(xml_texts(&year_feed, b"summary").len(), 2);
    assert!(site
        .read("robots.txt")
        .contains("Sitemap: https://example.org/site/sitemap.xml"));
}

#[test]
fn headings_get_stable_ids_with_suffixes_for_duplicates() {
    let site = TestSite::fixture("minimal");
    site.build();
    let page = site.read("2023/jia-fang-jing-mi-ji-xie/index.html");
    assert!(page.contains("<h2 id=\"企业概况\">"), "{page}");
    assert!(page.contains("<h2 id=\"主要做法\">"));
    assert!(page.contains("<h2 id=\"主要做法-1\">"));
    assert!(page.contains("href=\"#主要做法\""));
    // CJK-friendly emphasis in the real output
    assert!(page.contains("<strong>质量第一。</strong>后文"));
    let other = site.read("2023/yi-fang-shi-pin/index.html");
    assert!(other.contains("<strong>“零缺陷”</strong>管理"));
    // highlighted code with classes, and its stylesheet
    assert!(page.contains("<pre class=\"code\""));
    assert!(page.contains("class=\"hl-"));
    assert!(site.read("static/highlight.css").contains(".hl-"));
    assert!(page.contains("static/highlight.css\""));
    // The code-highlighting stylesheet only where there is code: not on pages without a
    // Markdown body (the search page's first results wait for one stylesheet less), nor on a
    // case or a year's page whose text has none.
    for path in [
        "search/index.html",
        "index.html",
        "areas/index.html",
        "workshops/index.html",
        "2023/index.html",
        "2023/yi-fang-shi-pin/index.html",
    ] {
        let html = site.read(path);
        assert!(html.contains("static/style.css\""), "{path}");
        assert!(!html.contains("highlight.css"), "{path}");
    }
}

#[test]
fn workshop_page_has_one_qr_code_per_case() {
    let site = TestSite::fixture("minimal");
    site.build();
    let page = site.read("workshops/tracing/index.html");
    assert_eq!(page.matches("<svg class=\"qr\"").count(), 2);
    assert!(page.contains("https://example.org/site/2023/yi-fang-shi-pin/"));
    assert!(page.contains("讨论追溯。"));
    assert!(page.contains("../../2023/jia-fang-jing-mi-ji-xie/"));
}

#[test]
fn case_pages_show_activities_neighbours_and_related_cases() {
    let site = TestSite::fixture("minimal");
    site.build();
    let page = site.read("2023/jia-fang-jing-mi-ji-xie/index.html");
    assert!(
        page.contains("../../activities/visit/"),
        "activity featuring the case is linked"
    );
    assert!(
        page.contains("../../2023/yi-fang-shi-pin/"),
        "next case in the year is linked"
    );
    let activities = site.read("activities/index.html");
    assert!(activities.contains("现场观摩"));
}

fn case_in(site: &TestSite, enterprise: &str, region: &str, extra: &str, body: &str) {
    site.write(
        &format!("content/2023/{enterprise}/index.md"),
        &format!("---\ntitle: 经验\nenterprise: {enterprise}\nyear: 2023\nregion: {region}\narea: digital\nsummary: 摘要。\n{extra}---\n{body}\n"),
    );
}

#[test]
fn quota_boundary_exactly_at_quota_passes_one_over_fails() {
    let site = TestSite::fixture("minimal");
    // 兰考县 may recommend 2 cases a year.
    case_in(&site, "丁一科技有限公司", "lankao", "number: 1\n", "正文");
    case_in(
        &site,
        "丁二科技有限公司",
        "兰考县",
        "number: 2\ndraft: true\n",
        "正文",
    );
    let at_quota = site.run(&["check"]);
    assert_eq!(
        at_quota.status.code(),
        Some(0),
        "{}",
        stderr(&site, &at_quota)
    );
    case_in(&site, "丁三科技有限公司", "lankao", "number: 3\n", "正文");
    let over = site.run(&["check"]);
    assert_eq!(over.status.code(), Some(1));
    let message = stderr(&site, &over);
    assert!(
        message.contains("兰考县 recommends 3 cases for 2023, over its quota of 2"),
        "{message}"
    );
    assert!(
        message.contains("over the quota: 丁三科技有限公司"),
        "{message}"
    );
    // A site may raise the quota for a year.
    site.write("site.yaml", "title: 测试站点\nbase_url: https://example.org/site/\nyears:\n  2023:\n    quotas: {lankao: 3}\n");
    assert_eq!(site.run(&["check"]).status.code(), Some(0));
}

#[test]
fn raw_html_is_sanitized_and_reported_as_a_warning() {
    let site = TestSite::fixture("minimal");
    case_in(
        &site,
        "戊方科技有限公司",
        "xinxiang",
        "",
        "正文\n\n<div onclick=\"steal()\">提示</div>\n\n<script>alert('x')</script>\n\n[链接](javascript:alert(1))\n",
    );
    let check = site.run(&["check", "--format", "json"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "warnings do not fail the check"
    );
    let diagnostics: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let warnings: Vec<&serde_json::Value> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unsafe-html")
        .collect();
    assert!(warnings.len() >= 2, "{diagnostics:#}");
    assert!(warnings
        .iter()
        .all(|d| d["severity"] == "warning" && d["line"].as_u64().unwrap() > 8));
    site.build();
    let page = site.read("2023/wu-fang-ke-ji/index.html");
    assert!(page.contains("提示"));
    assert!(!page.contains("onclick"));
    assert!(!page.contains("alert("));
    assert!(!page.contains("javascript:"));
}

/// Case URLs of the cards on a list page.
fn card_targets(html: &str) -> Vec<String> {
    html.split("class=\"card-title\"><a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn home_shows_the_first_cards_of_the_newest_collection_and_links_to_all() {
    let site = TestSite::fixture("minimal");
    for n in 1..=13 {
        let region = if n <= 7 { "zhengzhou" } else { "luoyang" };
        let number = format!("number: {}\n", n + 10);
        case_in(
            &site,
            &format!("第{n}测试科技有限公司"),
            region,
            &number,
            "正文",
        );
    }
    site.build();
    let home = site.read("index.html");
    let latest = home
        .split("class=\"home-latest\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the newest collection on the home page");
    assert_eq!(
        card_targets(latest).len(),
        biaogan::render::HOME_LATEST_CARDS
    );
    assert!(latest.contains("查看2023年全部15篇典型经验"), "{latest}");
    assert_eq!(card_targets(&site.read("2023/index.html")).len(), 15);
}

#[test]
fn long_lists_are_paginated_with_every_case_on_exactly_one_page() {
    let site = TestSite::sample();
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}\npaginate_by: 4\n"));
    site.build();
    let public = site.public();
    let case_dirs = std::fs::read_dir(public.join("2023"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            public
                .join("2023")
                .join(&name)
                .join("index.html")
                .is_file()
                .then_some(name)
        })
        .filter(|name| name != "page" && name != "stats" && name != "compilation")
        .count();
    let pages = case_dirs.div_ceil(4);
    assert!(
        pages >= 3,
        "the sample's 2023 collection spans several pages"
    );
    let mut seen = Vec::new();
    for page in 1..=pages {
        let rel = if page == 1 {
            "2023/index.html".to_string()
        } else {
            format!("2023/page/{page}/index.html")
        };
        let html = site.read(&rel);
        let cards = card_targets(&html);
        assert!(
            !cards.is_empty() && cards.len() <= 4,
            "{rel}: {} cards",
            cards.len()
        );
        let canonical = if page == 1 {
            "2023/".to_string()
        } else {
            format!("2023/page/{page}/")
        };
        assert!(
            html.contains(&format!(
                "rel=\"canonical\" href=\"https://example.org/biaogan/{canonical}\""
            )),
            "{rel}: canonical is the page itself"
        );
        assert_eq!(html.contains("rel=\"prev\""), page > 1, "{rel} prev link");
        assert_eq!(
            html.contains("rel=\"next\""),
            page < pages,
            "{rel} next link"
        );
        assert!(html.contains("aria-current=\"page\""));
        seen.extend(cards);
    }
    assert!(!public
        .join(format!("2023/page/{}/index.html", pages + 1))
        .exists());
    assert!(
        !public.join("2023/page/1").exists(),
        "page 1 is the list URL itself"
    );
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no case on two pages: {seen:?}");
    assert_eq!(seen.len(), case_dirs, "every case on some page");
    // Term pages paginate the same way.
    let areas = std::fs::read_dir(public.join("areas")).unwrap();
    let paged_terms = areas
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .join("page/2/index.html")
                .is_file()
        })
        .count();
    assert!(paged_terms > 0, "some focus area has more than 4 cases");
    assert_eq!(broken_links(&public), Vec::<String>::new());
}

#[test]
fn built_in_scripts_ship_without_comments_and_a_sites_own_as_written() {
    let source = include_str!("../templates/static/search.js");
    let sample = TestSite::sample();
    sample.build();
    let shipped = sample.read("static/search.js");
    assert_eq!(shipped, biaogan::render::script::strip(source));
    // A byte-identical copy of the built-in script in the site's templates/ (as in the
    // repository, whose templates/ is the theme) ships as the built-in one.
    let copy = TestSite::fixture("minimal");
    copy.write("templates/static/search.js", source);
    copy.build();
    assert_eq!(copy.read("static/search.js"), shipped);
    assert!(shipped.len() < source.len() * 85 / 100, "{}", shipped.len());
    for line in shipped.lines() {
        assert!(
            !line.starts_with([' ', '\t']) && !line.starts_with("/*") && !line.starts_with("//"),
            "{line}"
        );
    }
    match std::process::Command::new("node")
        .arg("--check")
        .arg(sample.public().join("static/search.js"))
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("SKIPPED: node not available ({e}); syntax not checked"),
    }
    let own = "/* my search */\nconsole.log(1); // as written\n";
    let site = TestSite::fixture("minimal");
    site.write("templates/static/search.js", own);
    site.build();
    assert_eq!(site.read("static/search.js"), own);
}
