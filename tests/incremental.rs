//! Incremental builds: a second build reuses unchanged work from `.biaogan/cache/`, and its
//! output is byte-identical to a cold build of the same sources.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{copy_tree, TestSite};

/// The `(N reused…)` count of a build's summary line.
fn reused(output: &std::process::Output) -> (usize, usize, bool) {
    let text = String::from_utf8_lossy(&output.stderr).to_string();
    let line = text.lines().last().unwrap_or_default().to_string();
    let number_before = |marker: &str| -> usize {
        let end = line
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} in {line}"));
        let start = line[..end]
            .rfind(|c: char| !c.is_ascii_digit())
            .map_or(0, |i| i + 1);
        line[start..end].parse().unwrap()
    };
    (
        number_before(" pages ("),
        number_before(" reused"),
        line.contains("search unchanged"),
    )
}

/// The output of a cold build (no cache) of a copy of `site`'s sources.
fn cold_build(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    let cold = TestSite {
        dir: tempfile::tempdir().unwrap(),
    };
    std::fs::copy(site.root().join("site.yaml"), cold.root().join("site.yaml")).unwrap();
    copy_tree(&site.root().join("content"), &cold.root().join("content"));
    assert!(!cold.root().join(".biaogan").exists());
    cold.build();
    cold.output_files()
}

fn assert_same_output(incremental: &BTreeMap<String, Vec<u8>>, cold: &BTreeMap<String, Vec<u8>>) {
    let differing: Vec<&String> = incremental
        .keys()
        .chain(cold.keys())
        .filter(|path| incremental.get(*path) != cold.get(*path))
        .collect();
    assert!(
        differing.is_empty(),
        "incremental and cold builds differ in {} files, e.g. {:?}",
        differing.len(),
        &differing[..differing.len().min(10)]
    );
}

/// The source file of the first 2023 case of the sample.
fn a_case(site: &TestSite) -> String {
    let mut dirs: Vec<_> = std::fs::read_dir(site.root().join("content/2023"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("index.md").is_file())
        .collect();
    dirs.sort();
    let rel = dirs[0].strip_prefix(site.root()).unwrap().join("index.md");
    rel.to_string_lossy().replace('\\', "/")
}

#[test]
fn unchanged_sources_reuse_every_page_and_the_search_export() {
    let site = TestSite::sample();
    let first = site.build();
    let (pages, reused_first, search_first) = reused(&first);
    assert_eq!(reused_first, 0, "a cold build has nothing to reuse");
    assert!(!search_first);
    let before = site.output_files();

    let second = site.build();
    let (pages_again, reused_second, search_second) = reused(&second);
    assert_eq!(pages_again, pages);
    assert_eq!(reused_second, pages, "every page is reused");
    assert!(search_second, "the search export is reused");
    assert_same_output(&site.output_files(), &before);
    assert!(Path::new(&site.root().join(".biaogan/cache/markdown")).is_dir());
}

#[test]
fn after_editing_one_case_the_output_equals_a_cold_build() {
    let site = TestSite::sample();
    site.build();
    let original = site.output_files();
    let case = a_case(&site);
    let text = std::fs::read_to_string(site.root().join(&case)).unwrap();

    // A body edit: the case page and the search data change, list pages do not.
    site.write(
        &case,
        &format!(
            "{text}\n\n## 新增的一节\n\n补充一段经过复核的新经验：首件检验与追溯记录合并归档。\n"
        ),
    );
    let output = site.build();
    let (pages, reused_pages, search_reused) = reused(&output);
    assert!(!search_reused, "the search data changed");
    assert!(
        reused_pages > 0 && reused_pages < pages,
        "some pages reused, some rendered: {reused_pages} of {pages}"
    );
    let incremental = site.output_files();
    assert_ne!(incremental, original);
    assert_same_output(&incremental, &cold_build(&site));

    // A title edit: every list that shows the case's card changes too.
    let text = std::fs::read_to_string(site.root().join(&case)).unwrap();
    let title_line = text.lines().find(|l| l.starts_with("title:")).unwrap();
    site.write(
        &case,
        &text.replacen(title_line, "title: 改名后的典型经验标题", 1),
    );
    let output = site.build();
    let (_, reused_after_title, _) = reused(&output);
    assert!(
        reused_after_title < reused_pages,
        "a title touches more pages"
    );
    assert_same_output(&site.output_files(), &cold_build(&site));
}

#[test]
fn a_template_change_rerenders_every_page() {
    let site = TestSite::sample();
    site.build();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>另一种缺页提示</p>{% endblock content %}",
    );
    let output = site.build();
    let (_, reused_pages, _) = reused(&output);
    assert_eq!(
        reused_pages, 0,
        "templates are part of every page's fingerprint"
    );
    assert!(site.read("404.html").contains("另一种缺页提示"));
}
