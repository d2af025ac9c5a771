//! Property tests of the search input paths: the tokenizer and the query parser on arbitrary
//! text, and queries against a real index. Properties: never panic; token positions never
//! decrease and offsets stay inside the input on char boundaries; every query answers within
//! a bounded time and returns only documents of the index, in descending score.
//!
//! 256 cases per property by default; `PROPTEST_CASES=100000` for a long run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use biaogan::search::query::parse_query;
use biaogan::search::tokenizer::tokenize;
use biaogan::search::{build_index, Filters, SearchDoc, SearchIndex};
use proptest::prelude::*;

/// Text mixing Chinese, Latin, digits, full-width forms, punctuation, quotes and control
/// characters, plus fully arbitrary strings.
fn texty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(vec![
            "质量", "管理", "数字化", "追溯", "首件检验", "零缺陷", "SPC", "Cpk", "5G", "ＩＳＯ９００４",
            "，", "。", "“", "”", "\"", " ", "\t", "\n", "\r", "\0", "\u{feff}", "(", ")", "-", "_",
            "*", "#", "\u{20000}", "가", "カ", "é", "ß", "İ", "\u{301}",
        ])
        .prop_map(str::to_string),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|parts| parts.concat())
}

/// A small real index, built once for all cases.
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let bodies = [
                "企业推行数字化质量管理，建立全流程追溯体系。SPC控制图用于关键工序。",
                "实施零缺陷管理，首件检验合格率提升到99.2%，Cpk由0.92提高到1.67。",
                "基于5G的质量数据平台，ISO 9004 自评，质量管理小组活动。",
            ];
            let docs: Vec<SearchDoc> = bodies
                .iter()
                .enumerate()
                .map(|(i, body)| SearchDoc {
                    url: format!("2023/case-{i}/"),
                    title: format!("案例{i}的质量经验"),
                    enterprise: format!("测试{i}有限公司"),
                    summary: body.chars().take(20).collect(),
                    headings: vec!["主要做法".to_string()],
                    body: (*body).to_string(),
                    year: 2023,
                    area: "digital".to_string(),
                    region: "zhengzhou".to_string(),
                    industries: vec!["equipment".to_string()],
                    methods: vec!["spc".to_string()],
                    tags: vec!["追溯".to_string()],
                    date: 0,
                })
                .collect();
            let index = build_index(&docs, dir.path()).unwrap();
            (dir, index)
        })
        .1
}

proptest! {
    #[test]
    fn tokenizer_positions_and_offsets_are_sane(text in texty()) {
        let tokens = tokenize(&text);
        let mut last = 0;
        for token in &tokens {
            prop_assert!(token.position >= last, "positions decrease in {text:?}");
            last = token.position;
            let (start, end) = token.offsets;
            prop_assert!(start <= end && end <= text.len());
            prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
            prop_assert!(!token.text.is_empty());
        }
    }

    #[test]
    fn any_query_parses(query in texty()) {
        let parsed = parse_query(&query);
        let _ = parsed.needles();
    }

    #[test]
    fn any_query_answers_quickly_with_ranked_known_documents(query in texty()) {
        let started = Instant::now();
        let hits = index().search(&query, &Filters::default(), 10).unwrap();
        prop_assert!(started.elapsed() < Duration::from_secs(10));
        for pair in hits.windows(2) {
            prop_assert!(pair[0].score >= pair[1].score);
        }
        for hit in &hits {
            prop_assert!(hit.url.starts_with("2023/case-"));
            prop_assert!(!hit.snippet.contains("<script"));
        }
    }
}
