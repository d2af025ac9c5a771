//! Precision and recall against a grep oracle: for ~300 queries sampled from generated
//! documents (Chinese substrings of 1–8 characters, substrings crossing punctuation, Latin
//! words in any case and width, quoted phrases, absent strings), `search` returns exactly
//! the documents the oracle finds.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

mod search_support;

use std::collections::BTreeSet;

use biaogan::search::tokenizer::{class_of, CharClass};
use biaogan::search::{build_index, Filters, SearchDoc, Sort};
use search_support::{generate, normed, oracle_phrase, oracle_unquoted, values, Rng};

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{FF02}' | '\u{201C}' | '\u{201D}')
}

/// A random CJK substring of 1–8 characters from some value of some document.
fn cjk_substring(docs: &[SearchDoc], rng: &mut Rng) -> Option<String> {
    let d = rng.pick_ref(docs);
    let vals = values(d);
    let v: Vec<char> = rng.pick(&vals).chars().collect();
    let cjk: Vec<usize> = (0..v.len())
        .filter(|&i| class_of(v[i]) == CharClass::Cjk)
        .collect();
    let &start = cjk.get(rng.below(cjk.len().max(1)))?;
    let want = 1 + rng.below(8);
    let mut end = start;
    while end < v.len() && end - start < want && class_of(v[end]) == CharClass::Cjk {
        end += 1;
    }
    Some(v[start..end].iter().collect())
}

/// A raw substring (may cross punctuation, Latin and whitespace), quotes removed.
fn raw_substring(docs: &[SearchDoc], rng: &mut Rng) -> String {
    let d = rng.pick_ref(docs);
    let v: Vec<char> = d.body.chars().collect();
    let start = rng.below(v.len().saturating_sub(12));
    let len = 2 + rng.below(10);
    v[start..(start + len).min(v.len())]
        .iter()
        .map(|&c| if is_quote(c) { ' ' } else { c })
        .collect()
}

/// A Latin word from the documents, in a random case and sometimes full width.
fn latin_word(docs: &[SearchDoc], rng: &mut Rng) -> Option<String> {
    let d = rng.pick_ref(docs);
    let words: Vec<String> = d
        .body
        .split(|c: char| class_of(c) != CharClass::Word)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let w = words.get(rng.below(words.len().max(1)))?.clone();
    Some(
        w.chars()
            .map(|c| {
                let c = if rng.chance(50) {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
                if c.is_ascii_alphanumeric() && rng.chance(20) {
                    char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// A phrase of the text with its separators, to be quoted.
fn phrase(docs: &[SearchDoc], rng: &mut Rng) -> String {
    let d = rng.pick_ref(docs);
    let v: Vec<char> = d.body.chars().collect();
    for _ in 0..100 {
        let start = rng.below(v.len().saturating_sub(16));
        let s: String = v[start..start + 4 + rng.below(10)].iter().collect();
        if s.chars()
            .any(|c| class_of(c) == CharClass::Sep && !is_quote(c))
            && !s.chars().any(is_quote)
        {
            return s;
        }
    }
    "GB/T 19004".to_string()
}

#[test]
fn search_equals_grep_oracle() {
    let docs = generate(240, 900, 7);
    let dir = tempfile::tempdir().expect("tempdir");
    let index = build_index(&docs, dir.path()).expect("build");
    let norms: Vec<Vec<Vec<char>>> = docs.iter().map(normed).collect();
    let mut rng = Rng::new(99);

    let mut queries: Vec<(String, bool)> = Vec::new();
    while queries.len() < 170 {
        if let Some(q) = cjk_substring(&docs, &mut rng) {
            queries.push((q, false));
        }
    }
    for _ in 0..40 {
        queries.push((raw_substring(&docs, &mut rng), false));
    }
    for _ in 0..40 {
        if let Some(q) = latin_word(&docs, &mut rng) {
            queries.push((q, false));
        }
    }
    for _ in 0..30 {
        queries.push((phrase(&docs, &mut rng), true));
    }
    for q in [
        "质量追溯体系",
        "管理质量",
        "量质",
        "标准化建设",
        "区块链",
        "机器人",
        "SPC FMEA",
        "5G 追溯",
        "ｓｐｃ",
        "iso",
        "ISO9004",
        "GB/T",
        "T",
        "19004",
        "质量 质量",
        "的",
        "〇",
        "々",
        "𠀋",
        "﨑",
        "メーカー",
        "품질",
        "iphone",
        "Cpk",
        "99.5%",
        "质量，追溯",
        "坚持质量第一的理念",
        "不存在的词组",
        "xyzzy",
        "贯彻",
        "首件检验",
        "追溯质量",
    ] {
        queries.push((q.to_string(), false));
    }
    for q in [
        "GB/T 19004",
        "质量 管理",
        "质量，管理",
        "5G质量",
        "SPC统计过程",
        "的 质量",
    ] {
        queries.push((q.to_string(), true));
    }

    let (mut tp, mut fp, mut fn_, mut empty) = (0usize, 0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for (q, quoted) in &queries {
        let want: BTreeSet<&str> = docs
            .iter()
            .zip(&norms)
            .filter(|(_, n)| {
                if *quoted {
                    oracle_phrase(n, q)
                } else {
                    oracle_unquoted(n, q)
                }
            })
            .map(|(d, _)| d.url.as_str())
            .collect();
        let query = if *quoted {
            format!("\"{q}\"")
        } else {
            q.clone()
        };
        let hits = index
            .search(&query, &Filters::default(), 100_000)
            .expect("search");
        let got: BTreeSet<&str> = hits.iter().map(|h| h.url.as_str()).collect();
        tp += got.intersection(&want).count();
        fp += got.difference(&want).count();
        fn_ += want.difference(&got).count();
        if want.is_empty() {
            empty += 1;
        }
        if got != want {
            failures.push(format!(
                "{query:?}: want {} got {} (missing {:?}, extra {:?})",
                want.len(),
                got.len(),
                want.difference(&got).take(3).collect::<Vec<_>>(),
                got.difference(&want).take(3).collect::<Vec<_>>()
            ));
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    eprintln!(
        "oracle: {} queries ({} with no match), {} true positives, {} false positives, {} false negatives, precision {:.4}, recall {:.4}",
        queries.len(), empty, tp, fp, fn_, precision, recall
    );
    assert!(queries.len() >= 300, "only {} queries", queries.len());
    assert!(empty >= 5, "too few absent strings: {empty}");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn filters_are_exact() {
    let docs = generate(120, 300, 3);
    let dir = tempfile::tempdir().expect("tempdir");
    let index = build_index(&docs, dir.path()).expect("build");
    let filters = Filters {
        year: vec![2024],
        area: vec!["digital".into()],
        ..Filters::default()
    };
    let hits = index.search("质量", &filters, 1000).expect("search");
    let want: BTreeSet<&str> = docs
        .iter()
        .filter(|d| d.year == 2024 && d.area == "digital" && oracle_unquoted(&normed(d), "质量"))
        .map(|d| d.url.as_str())
        .collect();
    let got: BTreeSet<&str> = hits.iter().map(|h| h.url.as_str()).collect();
    assert_eq!(got, want);

    // Filter-only queries list every document passing the filters, by URL.
    let filters = Filters {
        method: vec!["spc".into()],
        ..Filters::default()
    };
    let hits = index.search("", &filters, 1000).expect("search");
    let want: Vec<&str> = docs
        .iter()
        .filter(|d| d.methods.iter().any(|m| m == "spc"))
        .map(|d| d.url.as_str())
        .collect();
    assert_eq!(
        hits.iter().map(|h| h.url.as_str()).collect::<Vec<_>>(),
        want
    );
    assert!(hits.iter().all(|h| h.score == 0.0));
    assert!(index
        .search("", &Filters::default(), 10)
        .expect("search")
        .is_empty());
    assert!(index
        .search(
            "质量",
            &Filters {
                tag: vec!["不存在".into()],
                ..Filters::default()
            },
            10
        )
        .expect("search")
        .is_empty());
}

/// Issue 14: several values of one facet mean any of them, several facets all of them; the
/// date order is newest first, equal dates in relevance order.
#[test]
fn issue_14_multi_select_filters_and_date_order() {
    let docs = generate(160, 300, 4);
    let dir = tempfile::tempdir().expect("tempdir");
    let index = build_index(&docs, dir.path()).expect("build");
    let filters = Filters {
        area: vec!["digital".into(), "reliability".into()],
        year: vec![2023, 2024],
        method: vec!["spc".into(), "fmea".into()],
        ..Filters::default()
    };
    let hits = index.search("质量", &filters, 1000).expect("search");
    let want: BTreeSet<&str> = docs
        .iter()
        .filter(|d| {
            (d.area == "digital" || d.area == "reliability")
                && d.methods.iter().any(|m| m == "spc" || m == "fmea")
                && oracle_unquoted(&normed(d), "质量")
        })
        .map(|d| d.url.as_str())
        .collect();
    assert!(
        want.len() > 3,
        "the filters keep a few documents: {}",
        want.len()
    );
    let got: BTreeSet<&str> = hits.iter().map(|h| h.url.as_str()).collect();
    assert_eq!(got, want);

    let relevance = index
        .search("质量", &Filters::default(), 1000)
        .expect("search");
    let by_date = index
        .search_sorted("质量", &Filters::default(), Sort::Date, 1000)
        .expect("search");
    let key = |url: &str| {
        let d = docs.iter().find(|d| d.url == url).expect("doc");
        biaogan::search::date_key(d)
    };
    let rank = |url: &str| relevance.iter().position(|h| h.url == url).expect("hit");
    assert_eq!(by_date.len(), relevance.len());
    assert!(by_date.windows(2).all(|w| {
        let (a, b) = (key(&w[0].url), key(&w[1].url));
        a > b || (a == b && rank(&w[0].url) < rank(&w[1].url))
    }));
    assert!(
        by_date.windows(2).any(|w| key(&w[0].url) == key(&w[1].url)),
        "some dates are equal, so the tie-break is exercised"
    );
}
