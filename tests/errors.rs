//! The bad-input catalogue: every site under `tests/fixtures/invalid/` (laid over the minimal
//! site) must fail `check` and `build` with exit status 1 — never a panic — and print the
//! exact message recorded in the snapshot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{stderr, TestSite};

fn invalid_cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(common::fixtures().join("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_invalid_site_fails_with_a_located_message() {
    let names = invalid_cases();
    assert!(names.len() >= 30, "the catalogue has {} cases", names.len());
    for name in names {
        let site = TestSite::invalid(&name);
        let check = site.run(&["check"]);
        let message = stderr(&site, &check);
        assert_eq!(
            check.status.code(),
            Some(1),
            "{name}: check should exit 1:\n{message}"
        );
        assert!(!message.contains("panicked"), "{name} panicked:\n{message}");
        insta::with_settings!({snapshot_suffix => name.clone(), prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("check", message);
        });
        let build = site.run(&["build"]);
        assert_eq!(build.status.code(), Some(1), "{name}: build should exit 1");
        assert!(
            !site.public().exists(),
            "{name}: a failed build wrote public/"
        );
    }
}

#[test]
fn every_invalid_site_leaves_the_previous_output_byte_identical() {
    for name in invalid_cases() {
        let site = TestSite::fixture("minimal");
        site.build();
        let before = site.output_files();
        common::copy_tree(&common::fixtures().join("invalid").join(&name), site.root());
        let build = site.run(&["build"]);
        assert_eq!(build.status.code(), Some(1), "{name}: build should exit 1");
        assert!(
            site.output_files() == before,
            "{name}: the previous public/ changed"
        );
    }
}

#[test]
fn json_format_lists_every_problem() {
    let site = TestSite::invalid("unknown-region");
    let output = site.run(&["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let diagnostics: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &diagnostics[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-region");
    assert_eq!(first["file"], "content/2023/丙方科技有限公司/index.md");
    assert_eq!(first["line"], 5);
    assert_eq!(first["column"], 9);
}

#[test]
fn all_errors_of_a_build_are_reported() {
    let site = TestSite::invalid("unknown-region");
    copy_more(
        &site,
        "unknown-area",
        "content/2023/丙方科技有限公司/index.md",
        "content/2023/己方科技有限公司/index.md",
    );
    let output = site.run(&["check"]);
    let message = stderr(&site, &output);
    assert!(message.contains("zhengzou"), "{message}");
    assert!(message.contains("数字化"), "{message}");
    assert!(message.contains("2 error(s)"), "{message}");
}

fn copy_more(site: &TestSite, fixture: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(common::fixtures().join("invalid").join(fixture).join(from))
        .unwrap();
    site.write(to, &text.replace("丙方科技有限公司", "己方科技有限公司"));
}
