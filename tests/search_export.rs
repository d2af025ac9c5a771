//! The static export format (insta snapshots of a tiny site) and the error cases of the
//! index API: every error names its path.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use biaogan::fs::Output;
use biaogan::search::{
    build_index, export_to, ExportOptions, Filters, SearchDoc, SearchError, SearchIndex,
};

fn tiny() -> Vec<SearchDoc> {
    let doc = |url: &str, title: &str, enterprise: &str, body: &str, area: &str| SearchDoc {
        url: url.to_string(),
        title: title.to_string(),
        enterprise: enterprise.to_string(),
        summary: "摘要：质量追溯。".to_string(),
        headings: vec!["企业概况".to_string(), "主要做法".to_string()],
        body: body.to_string(),
        year: 2023,
        area: area.to_string(),
        region: "luoyang".to_string(),
        industries: vec!["equipment".to_string()],
        methods: vec!["spc".to_string()],
        tags: vec!["追溯".to_string()],
        date: 0,
    };
    vec![
        doc(
            "2023/a/",
            "基于SPC的质量控制",
            "中原恒信精密机械有限公司",
            "质量控制，SPC。\n首件检验",
            "key-process",
        ),
        doc(
            "2023/b/",
            "质量管理数字化",
            "洛阳宏达新材料有限公司",
            "数字化 质量 追溯",
            "digital",
        ),
        doc("2023/c/", "质", "郑州测试有限公司", "质", "digital"),
    ]
}

fn read(dir: &std::path::Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn export_format_snapshot() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let index = build_index(&tiny(), &tmp.path().join("index")).expect("build");
    let out = tmp.path().join("search");
    let (output, options) = (Output::Disk(out.clone()), ExportOptions::default());
    let stats = export_to(&index, &output, "", &options).expect("export");
    assert_eq!(stats.docs, 3);
    insta::assert_snapshot!("meta", read(&out, "meta.js"));
    insta::assert_snapshot!("facets", read(&out, "f/0.js"));
    insta::assert_snapshot!("doc", read(&out, "d/0.js"));
    let mut buckets = String::new();
    for b in 0..stats.buckets {
        let text = read(&out, &format!("t/{b}.js"));
        if !text.contains(",{});") {
            buckets.push_str(&text);
        }
    }
    insta::assert_snapshot!("buckets", buckets);
    // Exporting again into the same directory replaces the previous export.
    let again = export_to(&index, &output, "", &options).expect("export again");
    assert_eq!(again, stats);
}

/// The JSON of a shard file `window.__biaogan_shard("<name>",<JSON>);`.
fn shard_json(dir: &std::path::Path, name: &str) -> serde_json::Value {
    let text = read(dir, &format!("{name}.js"));
    let json = text
        .strip_prefix(&format!("window.__biaogan_shard({name:?},"))
        .and_then(|rest| rest.strip_suffix(");\n"))
        .unwrap_or_else(|| panic!("{name}: not a shard: {text}"));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn a_big_term_has_a_positions_file_exactly_when_it_has_positions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let index = build_index(&tiny(), &tmp.path().join("index")).expect("build");
    let out = tmp.path().join("search");
    let options = ExportOptions {
        big_term_bytes: 0, // every term gets its own files
        ..ExportOptions::default()
    };
    let stats = export_to(&index, &Output::Disk(out.clone()), "", &options).expect("export");
    let (mut with, mut without) = (0, 0);
    for b in 0..stats.buckets {
        let bucket = shard_json(&out, &format!("t/{b}"));
        for (term, entry) in bucket["t"].as_object().expect("terms") {
            let n = entry[0].as_u64().expect("a big term");
            let q_bytes = entry[1].as_u64().expect("q bytes");
            let file = out.join(format!("q/{n}.js"));
            if q_bytes == 0 {
                without += 1;
                assert!(!file.exists(), "{term}: q 0 but {} exists", file.display());
            } else {
                with += 1;
                let len = std::fs::metadata(&file)
                    .unwrap_or_else(|e| panic!("{term}: {}: {e}", file.display()))
                    .len();
                assert_eq!(len, q_bytes, "{term}: q bytes");
                assert!(
                    shard_json(&out, &format!("q/{n}"))
                        .as_array()
                        .is_some_and(|a| !a.is_empty()),
                    "{term}: empty positions file"
                );
            }
        }
    }
    // Single characters are in the unigram fields only, which keep no positions.
    assert!(with > 0 && without > 0, "with {with}, without {without}");
}

#[test]
fn rebuild_replaces_the_index_and_reopen_works() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("index");
    build_index(&tiny(), &dir).expect("build");
    let index = build_index(&tiny()[..2], &dir).expect("rebuild");
    assert_eq!(index.num_docs(), 2);
    let reopened = SearchIndex::open(&dir).expect("open");
    let hits = reopened
        .search("质量", &Filters::default(), 10)
        .expect("search");
    assert_eq!(hits.len(), 2);
    assert_eq!(
        hits[0].url, "2023/b/",
        "title and body match beats body only"
    );
    assert!(
        hits[0].snippet.contains("<mark>质量</mark>"),
        "{}",
        hits[0].snippet
    );
}

#[test]
fn errors_name_their_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let foreign = tmp.path().join("foreign");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("keep.txt"), "not ours").expect("write");
    let err = build_index(&tiny(), &foreign).expect_err("must refuse");
    assert!(matches!(err, SearchError::NotOurs { .. }), "{err:?}");
    assert!(err.to_string().contains("foreign"), "{err}");
    assert!(
        foreign.join("keep.txt").exists(),
        "a foreign directory is never deleted"
    );

    let missing = tmp.path().join("missing");
    let err = SearchIndex::open(&missing).expect_err("no index");
    assert!(matches!(err, SearchError::Incompatible { .. }), "{err:?}");
    assert!(err.to_string().contains("missing"), "{err}");

    let mut docs = tiny();
    docs[1].url = docs[0].url.clone();
    let err = build_index(&docs, &tmp.path().join("dup")).expect_err("duplicate");
    assert!(matches!(err, SearchError::DuplicateUrl { .. }), "{err:?}");
}
