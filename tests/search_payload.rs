//! Payload of the static search: on a generated 1,000-case site (≈2,500 Chinese characters
//! per case) a first query transfers under 150 KB gzip, `search.js` included. The files a
//! query loads are those `query_files` predicts (the JS parity test checks that prediction
//! against what `search.js` really loads). Also reports indexing and export times.
//! `cargo test --release --test search_payload -- --ignored --nocapture` runs 10,000 cases.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

mod search_support;

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use biaogan::search::{build_index, query_files, related, Filters};
use flate2::write::GzEncoder;
use flate2::Compression;
use search_support::{export_into, generate, search_js_source, write_shipped_search_js};

const BUDGET: usize = 150 * 1024;

fn gz(path: &Path) -> (usize, usize) {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(&raw).expect("gzip");
    (raw.len(), enc.finish().expect("gzip").len())
}

fn measure(n: usize, chars: usize, strict: bool) {
    let t = Instant::now();
    let docs = generate(n, chars, 42);
    let gen_time = t.elapsed();
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    let index = build_index(&docs, &tmp.path().join("index")).expect("build");
    let index_time = t.elapsed();
    let out = tmp.path().join("search");
    let t = Instant::now();
    let stats = export_into(&index, &out);
    let export_time = t.elapsed();
    let t = Instant::now();
    let rel = related(&docs, 5);
    let related_time = t.elapsed();
    assert_eq!(rel.len(), n);
    eprintln!(
        "{n} docs × {chars} chars: generate {gen_time:.2?}, index {index_time:.2?}, export {export_time:.2?} ({} files, {} bytes, {} terms, {} buckets, {} big terms), related {related_time:.2?}",
        stats.files, stats.bytes, stats.terms, stats.buckets, stats.big_terms
    );

    let js = tmp.path().join("search.js");
    write_shipped_search_js(&js);
    let (js_raw, js_gz) = gz(&js);
    eprintln!(
        "search.js: {} bytes in the source, {js_raw} bytes shipped, {js_gz} gzip",
        search_js_source().len()
    );
    let mut first_query_total = 0;
    for (i, q) in [
        "质量管理",
        "数字化",
        "追溯",
        "SPC",
        "首件检验",
        "供应链 风险",
        "质量",
        "质",
        "坚持质量第一的理念",
        "提升 降低 质量 管理 体系 数据",
    ]
    .iter()
    .enumerate()
    {
        let files = query_files(&index, &out, q, &Filters::default(), 10).expect("files");
        if i == 0 {
            eprintln!(
                "meta head: {}",
                std::fs::read_to_string(out.join("meta.js"))
                    .unwrap_or_default()
                    .chars()
                    .take(120)
                    .collect::<String>()
            );
        }
        let (mut raw, mut zipped) = (js_raw, js_gz);
        let mut by_kind = std::collections::BTreeMap::new();
        for f in &files {
            let (r, z) = gz(&out.join(f));
            raw += r;
            zipped += z;
            *by_kind
                .entry(f.split('/').next().unwrap_or("").trim_end_matches(".js"))
                .or_insert(0) += z;
        }
        let hits = index
            .search(q, &Filters::default(), 100_000)
            .expect("search")
            .len();
        eprintln!(
            "  {q:?}: {hits} hits, {} files, {raw} bytes, {zipped} gzip (by kind: {by_kind:?})",
            files.len() + 1
        );
        if i == 0 {
            first_query_total = zipped;
        }
        if strict {
            assert!(zipped < BUDGET, "{q:?} transfers {zipped} bytes gzip");
        }
    }
    if strict {
        assert!(first_query_total < BUDGET);
        // The brief aimed at 12 KB; the exact-parity engine (tokenizer, phrases with skipped
        // positions, BM25 in f32, snippets), the page of issue 14 (search while typing,
        // multi-select facets, chips, sort, empty-result explanations) and the first results
        // of issue 18 (from the documents' texts, tighter bounds from one pair of bigrams,
        // cards as their documents arrive) need more. Shipped without comments, the script is
        // about 33 KB; it counts in the gzip budget above like every other file.
        assert!(js_raw < 34 * 1024, "search.js ships {js_raw} bytes");
    }
}

#[test]
fn first_query_payload_is_under_150_kb_gzip_on_1000_cases() {
    measure(1000, 2500, std::env::var("LOOSE").is_err());
}

#[test]
#[ignore = "slow: 10,000 cases of ~8 KB; run with --release --ignored"]
fn payload_and_timings_on_10000_cases() {
    measure(10_000, 2700, false);
}
