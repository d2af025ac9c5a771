//! Related cases: deterministic, relevant, same area preferred, never the case itself.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

mod search_support;

use biaogan::search::{related, SearchDoc};
use search_support::generate;

fn topic_doc(url: &str, area: &str, topic: &str) -> SearchDoc {
    SearchDoc {
        url: url.to_string(),
        title: format!("{topic}建设实践经验"),
        enterprise: "示例有限公司".to_string(),
        summary: format!("围绕{topic}开展质量提升。"),
        headings: vec!["主要做法".to_string()],
        body: format!("{topic}是本企业的重点。我们在{topic}方面建立了制度，{topic}成效显著。"),
        area: area.to_string(),
        year: 2024,
        ..SearchDoc::default()
    }
}

#[test]
fn related_is_deterministic_bounded_and_excludes_self() {
    let docs = generate(300, 800, 5);
    let a = related(&docs, 5);
    let b = related(&docs, 5);
    assert_eq!(a, b);
    assert_eq!(a.len(), docs.len());
    for (i, list) in a.iter().enumerate() {
        assert!(list.len() <= 5);
        assert!(!list.contains(&i), "doc {i} relates to itself");
        let mut sorted = list.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), list.len(), "duplicates in {list:?}");
    }
    assert!(
        a.iter().filter(|l| l.len() == 5).count() > 250,
        "most documents get 5 related cases"
    );
    assert!(related(&docs, 0).iter().all(Vec::is_empty));
    assert_eq!(related(&docs[..1], 5), vec![Vec::<usize>::new()]);
}

#[test]
fn shared_distinctive_terms_relate_documents_and_same_area_wins_ties() {
    let mut docs = generate(120, 600, 9);
    let base = docs.len();
    docs.push(topic_doc("2024/zz-1/", "digital", "氢燃料电池电堆"));
    docs.push(topic_doc("2024/zz-2/", "digital", "氢燃料电池电堆"));
    docs.push(topic_doc("2024/zz-3/", "reliability", "氢燃料电池电堆"));
    let rel = related(&docs, 3);
    // The two digital documents about the same topic are each other's best match; the third
    // (same topic, other area) comes next.
    assert_eq!(rel[base][..2], [base + 1, base + 2]);
    assert_eq!(rel[base + 1][..2], [base, base + 2]);
    assert_eq!(rel[base + 2][..2], [base, base + 1]);
}
