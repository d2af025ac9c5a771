//! Tokenizer and query-parser unit tests: mixed Chinese/Latin/digits, full-width forms,
//! punctuation, positions and gaps.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use biaogan::search::query::{parse_query, FieldKind};
use biaogan::search::tokenizer::{tokenize, tokenize_unigrams, BigramTokenizer, SEPARATOR};
use tantivy::tokenizer::{TokenStream, Tokenizer};

/// `text@position` for every token; the separator marker is shown as `_`.
fn check(input: &str, expected: &str) {
    let got: Vec<String> = tokenize(input)
        .iter()
        .map(|t| format!("{}@{}", t.text.replace(SEPARATOR, "_"), t.position))
        .collect();
    assert_eq!(got.join(" "), expected, "tokens of {input:?}");
}

#[test]
fn chinese_runs_become_overlapping_bigrams() {
    check("质量管理", "质量@0 量管@1 管理@2");
    check("质", "质@0");
    check("质量", "质量@0");
}

#[test]
fn punctuation_and_whitespace_leave_a_position_gap() {
    check("质量，管理", "质量@0 _@1 管理@2");
    check("质量 管理。数字化", "质量@0 _@1 管理@2 _@3 数字@4 字化@5");
    check("，，质量！！", "质量@0");
    check("A，B", "a@0 _@1 b@2");
    check("首件\n检验", "首件@0 _@1 检验@2");
}

#[test]
fn script_changes_are_adjacent_without_gap() {
    check("5G质量", "5g@0 质量@1");
    check(
        "基于SPC的质量控制",
        "基于@0 spc@1 的质@2 质量@3 量控@4 控制@5",
    );
    check("ISO9004标准", "iso9004@0 标准@1");
}

#[test]
fn latin_is_lowercased_and_full_width_folded() {
    check("ＳＰＣ与ＦＭＥＡ", "spc@0 与@1 fmea@2");
    check("５Ｇ＋ＡＩ", "5g@0 _@1 ai@2");
    check("ＩＳＯ９００４：２０１８", "iso9004@0 _@1 2018@2");
    check("GB/T 19004—2020", "gb@0 _@1 t@2 _@3 19004@4 _@5 2020@6");
    check("Cpk≥1.33", "cpk@0 _@1 1@2 _@3 33@4");
    check("Ökologie café", "ökologie@0 _@1 café@2");
}

#[test]
fn ideographic_space_and_full_width_punctuation_separate() {
    check("质量　管理", "质量@0 _@1 管理@2");
    check("（一）质量（二）", "一@0 _@1 质量@2 _@3 二@4");
}

#[test]
fn kana_hangul_extensions_and_compatibility_ideographs() {
    check("メーカー", "メー@0 ーカ@1 カー@2");
    check("품질관리", "품질@0 질관@1 관리@2");
    check("𠀋𠀋a㐀", "𠀋𠀋@0 a@1 㐀@2");
    check("﨑山々", "﨑山@0 山々@1");
}

#[test]
fn offsets_cover_the_source_text() {
    let text = "基于ＳＰＣ的控制";
    for t in tokenize(text) {
        let slice = &text[t.offsets.0..t.offsets.1];
        assert!(!slice.is_empty(), "{t:?}");
    }
    let toks = tokenize(text);
    assert_eq!(&text[toks[1].offsets.0..toks[1].offsets.1], "ＳＰＣ");
}

#[test]
fn unigrams_are_every_cjk_character() {
    assert_eq!(
        tokenize_unigrams("5G质量，管理Ａ々"),
        vec!["质", "量", "管", "理", "々"]
    );
}

#[test]
fn tantivy_tokenizer_matches_simple_tokenize_and_reuses_buffers() {
    let mut tk = BigramTokenizer::default();
    for text in ["质量管理体系", "SPC", "", "，", "a b c 质"] {
        let mut got = Vec::new();
        let mut stream = tk.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            got.push((t.text.clone(), t.position));
        }
        let want: Vec<(String, usize)> = tokenize(text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect();
        assert_eq!(got, want, "{text:?}");
    }
}

#[test]
fn separator_markers_sit_between_runs_only() {
    let toks = tokenize("，质量，，管理。");
    let texts: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, ["质量", SEPARATOR, "管理"]);
    assert_eq!(toks[1].offsets, ("，质量".len(), "，质量，，".len()));
}

fn describe(q: &str) -> String {
    parse_query(q)
        .clauses
        .iter()
        .map(|c| {
            let kind = match c.kind {
                FieldKind::Main => "",
                FieldKind::Unigram => "u:",
            };
            let terms: Vec<String> = c
                .terms
                .iter()
                .map(|(o, t)| format!("{}@{o}", t.replace(SEPARATOR, "_")))
                .collect();
            format!("{kind}{}", terms.join("+"))
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

#[test]
fn query_language() {
    assert_eq!(describe("质"), "u:质@0");
    assert_eq!(describe("质量"), "质量@0");
    assert_eq!(describe("质量管理"), "质量@0+量管@1+管理@2");
    assert_eq!(describe("质量 追溯"), "质量@0 & 追溯@0");
    assert_eq!(describe("质量，管理"), "质量@0 & 管理@0");
    assert_eq!(describe("5G质量"), "5g@0 & 质量@0");
    assert_eq!(describe("ＳＰＣ spc SPC"), "spc@0");
    assert_eq!(describe("\"GB/T 19004\""), "gb@0+_@1+t@2+_@3+19004@4");
    assert_eq!(describe("“质量 管理”"), "质量@0+_@1+管理@2");
    assert_eq!(describe("\"质\""), "u:质@0");
    assert_eq!(describe("\"5G质量\" 追溯"), "5g@0+质量@1 & 追溯@0");
    assert_eq!(describe("\"未闭合 引号"), "未闭@0+闭合@1+_@2+引号@3");
    assert_eq!(describe("，。！"), "");
    assert_eq!(describe(""), "");
    let many: String = (0..50).map(|i| format!("w{i} ")).collect();
    assert_eq!(parse_query(&many).clauses.len(), 32);
}
