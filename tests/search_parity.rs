//! Static search = tantivy search. Builds an index of generated documents, exports it,
//! dumps `SearchIndex::search` results (URLs, scores, snippets) and the files a first query
//! loads for a fixed query set with and without filters, then runs
//! `node --test tests/js/search.test.mjs`, which replays every query through
//! `templates/static/search.js`, as a build ships it, and compares. Skipped (with a message) without node.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

mod search_support;

use std::path::Path;
use std::process::Command;

use biaogan::search::tokenizer::{class_of, CharClass};
use biaogan::search::{build_index, query_files, Filters, SearchDoc, Sort};
use search_support::{
    export_into, generate, values, Rng, AREAS, INDUSTRIES, METHODS, REGIONS, TAGS,
};
use serde_json::json;

fn edge_docs() -> Vec<SearchDoc> {
    let doc = |url: &str, title: &str, body: &str| SearchDoc {
        url: url.to_string(),
        title: title.to_string(),
        enterprise: "边界测试有限公司".to_string(),
        summary: "用于测试的摘要：质量<管理>&\"引号\"".to_string(),
        headings: vec!["质量".to_string(), "管理".to_string()],
        body: body.to_string(),
        year: 2023,
        area: "digital".to_string(),
        region: "zhengzhou".to_string(),
        industries: vec![],
        methods: vec!["spc".to_string()],
        tags: vec!["边界".to_string()],
        date: 20231001,
    };
    // Loose bounds: every bigram of 首件检验 occurs 4 times or more, the phrase once, so the
    // browser's first-results walk runs over its budget on the texts. 检验 is the dearest
    // bigram, so the walk then loads the positions of 首件 and 件检, which meet once (首件检)
    // per document: the bounds become exact and the walk ends on the texts.
    let loose = (0..24).map(|i| {
        let body = format!("零件检验，首件确认，{}。", "检验".repeat(12)).repeat(3) + "首件检验。";
        doc(&format!("2023/zz-loose-{i:02}/"), "松散上界", &body)
    });
    let mut docs = vec![
        doc("2023/zz-edge-1/", "质", "质"),
        doc("2023/zz-edge-2/", "", ""),
        doc(
            "2023/zz-edge-3/",
            "ＳＰＣ与５Ｇ",
            "哈哈哈哈哈哈。质量质量质量，管理\n管理。<script>alert(1)</script> & Co.",
        ),
        doc(
            "2023/zz-edge-4/",
            "メーカー품질",
            "𠀋𠀋𠀋 﨑山々 〇〇 GB/T 19004—2020 Cpk≥1.33",
        ),
        doc(
            "2023/zz-edge-5/",
            "质量5G管理",
            "质量5G管理，质量 管理。全面质量SPC管理体系；质量\n管理",
        ),
    ];
    docs.extend(loose);
    docs
}

fn queries(docs: &[SearchDoc]) -> Vec<String> {
    let mut rng = Rng::new(2024);
    let mut out: Vec<String> = Vec::new();
    while out.len() < 45 {
        let d = rng.pick_ref(docs);
        let vals = values(d);
        let v: Vec<char> = rng.pick(&vals).chars().collect();
        if v.is_empty() {
            continue;
        }
        let start = rng.below(v.len());
        let len = 1 + rng.below(6);
        let s: String = v[start..(start + len).min(v.len())].iter().collect();
        if s.chars().all(|c| class_of(c) == CharClass::Cjk) {
            out.push(s);
        }
    }
    for _ in 0..10 {
        let d = rng.pick_ref(docs);
        let v: Vec<char> = d.body.chars().collect();
        let start = rng.below(v.len().saturating_sub(10).max(1));
        out.push(
            v[start..(start + 8).min(v.len())]
                .iter()
                .filter(|c| !matches!(c, '"' | '“' | '”'))
                .collect(),
        );
    }
    while out.len() < 63 {
        let d = rng.pick_ref(docs);
        let v: Vec<char> = d.body.chars().collect();
        let start = rng.below(v.len().saturating_sub(16).max(1));
        let s: String = v[start..(start + 4 + rng.below(9)).min(v.len())]
            .iter()
            .collect();
        if s.chars().any(|c| class_of(c) == CharClass::Sep)
            && !s.chars().any(|c| matches!(c, '"' | '“' | '”'))
        {
            out.push(format!("\"{s}\""));
        }
    }
    for q in [
        "质量管理",
        "数字化",
        "追溯",
        "SPC",
        "spc fmea",
        "质量",
        "质",
        "的",
        "首件检验",
        // Big bigrams beside ones found nowhere: no result, not an error.
        "质量哈管理",
        "供应链 风险",
        "5G质量",
        "\"GB/T 19004\"",
        "\"质量 管理\"",
        "“全面质量管理”",
        "ＩＳＯ９００４",
        "iso9004",
        "哈哈",
        "哈哈哈",
        "质量质量",
        "〇",
        "々",
        "𠀋𠀋",
        "﨑山",
        "メーカー",
        "품질",
        "cpk",
        "不存在的词",
        "xyzzy",
        "<script>",
        "Co",
        "1.33",
        "\"质\"",
        "提升 降低 质量 管理 体系 数据",
    ] {
        out.push(q.to_string());
    }
    out
}

fn filter_variants(i: usize) -> Filters {
    let pick = |list: &[&str], k: usize| list[k % list.len()].to_string();
    match i % 8 {
        1 => Filters {
            year: vec![2024],
            ..Filters::default()
        },
        2 => Filters {
            area: vec![pick(AREAS, i)],
            ..Filters::default()
        },
        3 => Filters {
            region: vec![pick(REGIONS, i)],
            method: vec![pick(METHODS, i)],
            ..Filters::default()
        },
        4 => Filters {
            industry: vec![pick(INDUSTRIES, i)],
            ..Filters::default()
        },
        5 => Filters {
            tag: vec![pick(TAGS, i)],
            year: vec![2023],
            ..Filters::default()
        },
        // Several values of a facet: any of them; several facets: all of them.
        6 => Filters {
            area: vec![pick(AREAS, i), pick(AREAS, i + 1)],
            ..Filters::default()
        },
        7 => Filters {
            region: vec![pick(REGIONS, i), pick(REGIONS, i + 3), pick(REGIONS, i + 5)],
            method: vec![pick(METHODS, i), pick(METHODS, i + 1)],
            year: vec![2023, 2024],
            ..Filters::default()
        },
        _ => Filters::default(),
    }
}

/// Filters as `window.biaogan.search` takes them: facet → list of values.
fn filters_json(f: &Filters) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (k, v) in f.groups() {
        m.insert(k.to_string(), json!(v));
    }
    serde_json::Value::Object(m)
}

#[test]
fn static_search_equals_tantivy_search() {
    let mut docs = generate(160, 1200, 11);
    docs.extend(edge_docs());
    docs.sort_by(|a, b| a.url.cmp(&b.url));
    let tmp = tempfile::tempdir().expect("tempdir");
    let index = build_index(&docs, &tmp.path().join("index")).expect("build");
    let out = tmp.path().join("search");
    let stats = export_into(&index, &out);
    eprintln!("parity export: {stats:?}");

    let mut cases = Vec::new();
    let mut total_hits = 0;
    for (i, q) in queries(&docs).into_iter().enumerate() {
        let variant = filter_variants(i);
        let mut variants = vec![Filters::default()];
        if variant != Filters::default() {
            variants.push(variant);
        }
        for filters in variants {
            let hits = index.search(&q, &filters, 10_000).expect("search");
            total_hits += hits.len();
            let files = query_files(&index, &out, &q, &filters, 10).expect("files");
            cases.push(
                json!({ "q": q, "filters": filters_json(&filters), "hits": hits, "files": files }),
            );
            // Every third query again newest first (equal dates by relevance).
            if i % 3 == 0 {
                let by_date = index
                    .search_sorted(&q, &filters, Sort::Date, 10_000)
                    .expect("search");
                cases.push(json!({ "q": q, "filters": filters_json(&filters), "sort": "date", "hits": by_date }));
            }
        }
    }
    for (i, f) in [
        Filters {
            method: vec!["spc".into()],
            ..Filters::default()
        },
        Filters {
            year: vec![2023],
            area: vec!["digital".into()],
            ..Filters::default()
        },
    ]
    .iter()
    .enumerate()
    {
        let hits = index.search("", f, 10_000).expect("search");
        let files = query_files(&index, &out, "", f, 10).expect("files");
        cases.push(json!({ "q": if i == 0 { "" } else { "，" }, "filters": filters_json(f), "hits": hits, "files": files }));
        let by_date = index
            .search_sorted("", f, Sort::Date, 10_000)
            .expect("search");
        cases.push(json!({ "q": "", "filters": filters_json(f), "sort": "date", "hits": by_date }));
    }
    assert_skips_the_dearest_bigram(
        &out,
        &query_files(&index, &out, "生命周期追溯", &Filters::default(), 10).expect("files"),
    );
    // The empty-result explanation: how many documents hold each word, and for a Chinese
    // word found nowhere, its longest sub-strings that occur somewhere.
    let count = |q: &str| {
        index
            .search(q, &Filters::default(), 100_000)
            .expect("search")
            .len()
    };
    for q in [
        "质量 管理 不存在的词",
        "追溯体系零缺陷质量",
        "质量 哈哈哈哈哈哈哈",
    ] {
        let mut words = Vec::new();
        for w in q.split(' ') {
            let n = count(w);
            let chars: Vec<char> = w.chars().collect();
            let mut parts: Vec<serde_json::Value> = Vec::new();
            let mut len = chars.len().saturating_sub(1);
            while n == 0 && len >= 2 && parts.is_empty() {
                for start in 0..=chars.len() - len {
                    let sub: String = chars[start..start + len].iter().collect();
                    let k = count(&sub);
                    if k > 0 && !parts.iter().any(|p| p["text"] == sub) {
                        parts.push(json!({ "text": sub, "n": k }));
                    }
                }
                len -= 1;
            }
            words.push(json!({ "text": w, "n": n, "parts": parts }));
        }
        cases.push(json!({ "q": q, "explain": words }));
    }
    assert!(total_hits > 1000, "query set too weak: {total_hits} hits");
    let expected = tmp.path().join("expected.json");
    std::fs::write(&expected, serde_json::to_string(&cases).expect("json")).expect("write");
    eprintln!("parity: {} cases, {} hits dumped", cases.len(), total_hits);
    run_node(&out, &expected);
}

/// The first page of 生命周期追溯 (five big bigrams) loads the postings of every bigram but
/// one, the dearest outside the cheapest adjacent pair; the JS parity test checks that the
/// browser loads the same files and finds the same results.
fn assert_skips_the_dearest_bigram(out: &Path, files: &[String]) {
    let mut entries = std::collections::HashMap::new();
    for bucket in std::fs::read_dir(out.join("t")).expect("t/") {
        let text = std::fs::read_to_string(bucket.expect("bucket").path()).expect("read");
        let json = &text[text.find(',').expect("shard") + 1..text.rfind(");").expect("shard")];
        let value: serde_json::Value = serde_json::from_str(json).expect("bucket json");
        for (term, entry) in value["t"].as_object().expect("t") {
            entries.insert(term.clone(), entry.clone());
        }
    }
    let chars: Vec<char> = "生命周期追溯".chars().collect();
    let big: Vec<(u64, u64)> = chars
        .windows(2)
        .map(|w| {
            let e = &entries[&w.iter().collect::<String>()];
            (
                e[0].as_u64().expect("a big term"),
                e[1].as_u64().expect("q"),
            )
        })
        .collect();
    let pair = (0..big.len() - 1)
        .min_by_key(|&j| (big[j].1 + big[j + 1].1, j))
        .expect("pair");
    let dearest = (0..big.len())
        .filter(|&m| m != pair && m != pair + 1)
        .max_by_key(|&m| (big[m].1, std::cmp::Reverse(m)))
        .expect("dearest");
    for (m, (n, _)) in big.iter().enumerate() {
        assert_eq!(
            files.contains(&format!("p/{n}.js")),
            m != dearest,
            "bigram {m}: {files:?}"
        );
    }
}

/// Runs the JS parity test if node is available, on `search.js` as a build ships it (see
/// `render::script`).
pub fn run_node(dir: &Path, expected: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let test = root.join("tests").join("js").join("search.test.mjs");
    let js = dir.with_file_name("shipped-search.js");
    search_support::write_shipped_search_js(&js);
    let output = match Command::new("node")
        .arg("--test")
        .arg(&test)
        .env("BIAOGAN_SEARCH_DIR", dir)
        .env("BIAOGAN_SEARCH_EXPECTED", expected)
        .env("BIAOGAN_SEARCH_JS", &js)
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("SKIPPED: node not available ({e}); JS parity not checked");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stdout}\n{stderr}");
    assert!(output.status.success(), "node --test failed");
}
