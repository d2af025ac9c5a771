//! The record of published URLs (`published-urls.txt`): `build` adds the URLs of published
//! cases and never removes one; `check`, `build` and the preview refuse a site where a recorded
//! URL no longer leads to a case; only `build` ever writes the record.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{stderr, TestSite};

const RECORD: &str = "published-urls.txt";

fn record(site: &TestSite) -> String {
    std::fs::read_to_string(site.root().join(RECORD)).unwrap()
}

/// The record's lines other than comments.
fn urls(site: &TestSite) -> Vec<String> {
    record(site)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// A case whose slug depends on the reading of 乐 (le by default, yue in a site's override).
const BING_LE: &str = "content/2023/丙乐食品有限公司/index.md";

fn add_bing_le(site: &TestSite, extra: &str) {
    site.write(
        BING_LE,
        &format!("---\ntitle: 实施质量追溯的经验\nenterprise: 丙乐食品有限公司\nyear: 2023\nregion: luoyang\narea: digital\nsummary: 丙乐公司建立追溯体系。\n{extra}---\n\n## 主要做法\n\n追溯。\n"),
    );
}

fn add_reading(site: &TestSite) {
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{config}pinyin: {{丙乐: bing yue}}\n"),
    );
}

#[test]
fn build_records_case_urls_and_aliases_sorted() {
    let site = TestSite::fixture("minimal");
    assert!(!site.root().join(RECORD).exists());
    let output = site.build();
    let message = stderr(&site, &output);
    assert!(
        message.contains("recorded 3 new published URL(s) in [ROOT]/published-urls.txt"),
        "{message}"
    );
    insta::assert_snapshot!("minimal_record", record(&site));
}

#[test]
fn record_is_deterministic_and_not_rewritten() {
    let first = TestSite::fixture("minimal");
    first.build();
    let second = TestSite::fixture("minimal");
    second.build();
    assert_eq!(record(&first), record(&second));
    let before = record(&first);
    let modified = std::fs::metadata(first.root().join(RECORD))
        .unwrap()
        .modified()
        .unwrap();
    let output = first.build();
    assert!(!stderr(&first, &output).contains("recorded"));
    assert_eq!(record(&first), before);
    let after = std::fs::metadata(first.root().join(RECORD))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(modified, after, "an unchanged record is not rewritten");
    let leftovers: Vec<_> = std::fs::read_dir(first.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn changed_reading_without_alias_fails_at_the_recorded_line() {
    let site = TestSite::fixture("minimal");
    add_bing_le(&site, "");
    site.build();
    assert!(urls(&site).contains(&format!("2023/bing-le-shi-pin/  {BING_LE}")));
    let recorded = record(&site);
    let published = site.output_files();

    add_reading(&site);
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    insta::assert_snapshot!("url_removed_after_reading_override", stderr(&site, &check));

    let build = site.run(&["build"]);
    assert_eq!(build.status.code(), Some(1));
    assert!(stderr(&site, &build).contains("error[url-removed]"));
    assert_eq!(record(&site), recorded, "a failed build changed the record");
    assert!(
        site.output_files() == published,
        "a failed build changed public/"
    );
}

#[test]
fn the_alias_from_the_help_fixes_it_and_both_urls_stay_recorded() {
    let site = TestSite::fixture("minimal");
    add_bing_le(&site, "");
    site.build();
    add_reading(&site);
    add_bing_le(&site, "aliases: [/2023/bing-le-shi-pin/]\n");
    let output = site.build();
    assert!(
        stderr(&site, &output).contains("recorded 1 new published URL(s)"),
        "{}",
        stderr(&site, &output)
    );
    let lines = urls(&site);
    assert!(lines.contains(&format!("2023/bing-le-shi-pin/  {BING_LE}")));
    assert!(lines.contains(&format!("2023/bing-yue-shi-pin/  {BING_LE}")));
    assert!(site
        .read("2023/bing-le-shi-pin/index.html")
        .contains("url=../../2023/bing-yue-shi-pin/"));
}

#[test]
fn pinning_the_old_slug_also_fixes_it() {
    let site = TestSite::fixture("minimal");
    add_bing_le(&site, "");
    site.build();
    let before = record(&site);
    add_reading(&site);
    add_bing_le(&site, "slug: bing-le-shi-pin\n");
    site.build();
    assert_eq!(record(&site), before);
}

#[test]
fn check_and_failed_builds_never_write_the_record() {
    let site = TestSite::fixture("minimal");
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(0));
    assert!(!site.root().join(RECORD).exists(), "check wrote the record");

    site.build();
    let before = record(&site);
    add_bing_le(&site, "");
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(0));
    assert_eq!(record(&site), before, "check changed the record");

    site.write("content/2023/坏的公司/index.md", "---\ntitle: [\n---\n");
    let build = site.run(&["build"]);
    assert_eq!(build.status.code(), Some(1));
    assert_eq!(record(&site), before, "a failed build changed the record");
}

#[test]
fn previews_never_write_the_record() {
    let site = TestSite::fixture("minimal");
    biaogan::build::build_in_memory(site.root(), true).unwrap();
    assert!(!site.root().join(RECORD).exists());
}

#[test]
fn previews_report_a_removed_url_too() {
    let site = TestSite::fixture("minimal");
    add_bing_le(&site, "");
    site.build();
    add_reading(&site);
    match biaogan::build::build_in_memory(site.root(), false) {
        Err(biaogan::Error::Content(diagnostics)) => {
            assert!(diagnostics.iter().any(|d| d.code == "url-removed"));
        }
        other => panic!("expected a url-removed error, got {other:?}"),
    }
}

#[test]
fn drafts_are_not_recorded_even_when_built() {
    let site = TestSite::fixture("minimal");
    add_bing_le(&site, "draft: true\naliases: [/2023/draft-alias/]\n");
    site.build();
    let output = site.run(&["build", "--drafts"]);
    assert!(output.status.success());
    assert!(site
        .public()
        .join("2023/bing-le-shi-pin/index.html")
        .exists());
    let record = record(&site);
    assert!(!record.contains("bing-le"), "{record}");
    assert!(!record.contains("draft-alias"), "{record}");
}

#[test]
fn a_published_case_turned_draft_is_an_error() {
    let site = TestSite::fixture("minimal");
    add_bing_le(&site, "");
    site.build();
    add_bing_le(&site, "draft: true\n");
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    let message = stderr(&site, &check);
    assert!(
        message.contains(&format!(
            "published URL /2023/bing-le-shi-pin/ would disappear: its case {BING_LE} is now a draft"
        )),
        "{message}"
    );
}

#[test]
fn deleting_the_line_retires_a_withdrawn_case() {
    let site = TestSite::fixture("minimal");
    add_bing_le(&site, "");
    site.build();
    std::fs::remove_dir_all(site.root().join("content/2023/丙乐食品有限公司")).unwrap();
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    let message = stderr(&site, &check);
    assert!(message.contains("to retire the URL"), "{message}");
    let line = message
        .lines()
        .find_map(|l| l.strip_prefix(" --> published-urls.txt:"))
        .expect("the error points at the record");
    let number: usize = line.split(':').next().unwrap().parse().unwrap();
    let text = record(&site);
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, _)| i + 1 != number)
        .map(|(_, l)| l)
        .collect();
    site.write(RECORD, &(kept.join("\n") + "\n"));
    site.build();
    assert!(!record(&site).contains("bing-le"));
}

#[test]
fn a_renamed_folder_points_at_the_probable_successor() {
    let site = TestSite::fixture("minimal");
    add_bing_le(&site, "");
    site.build();
    std::fs::remove_dir_all(site.root().join("content/2023/丙乐食品有限公司")).unwrap();
    site.write(
        "content/2023/丙乐食品集团有限公司/index.md",
        "---\ntitle: 实施质量追溯的经验\nenterprise: 丙乐食品集团有限公司\nyear: 2023\nregion: luoyang\narea: digital\nsummary: 丙乐公司建立追溯体系。\nslug: bing-le-ji-tuan\n---\n",
    );
    let check = site.run(&["check"]);
    let message = stderr(&site, &check);
    assert!(
        message.contains("content/2023/丙乐食品集团有限公司/index.md (丙乐食品集团有限公司) is probably the same case, now at /2023/bing-le-ji-tuan/"),
        "{message}"
    );
    assert!(
        message.contains("add `aliases: [/2023/bing-le-shi-pin/]` to the front matter of content/2023/丙乐食品集团有限公司/index.md"),
        "{message}"
    );
}

#[test]
fn a_case_with_its_own_errors_is_not_also_reported_as_removed() {
    let site = TestSite::fixture("minimal");
    add_bing_le(&site, "");
    site.build();
    add_bing_le(&site, "methods: [no-such-method]\n");
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    let message = stderr(&site, &check);
    assert!(!message.contains("url-removed"), "{message}");
}

#[test]
fn the_sample_sites_committed_record_is_complete() {
    let site = TestSite::sample();
    let committed = record(&site);
    let output = site.build();
    assert!(!stderr(&site, &output).contains("recorded"));
    assert_eq!(
        record(&site),
        committed,
        "building the sample site changes published-urls.txt: run `cargo run --release -- build` and commit it"
    );
}
