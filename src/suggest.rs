//! "Did you mean" suggestions for misspelt keys and ids.

/// The candidate closest to `value`, if it is close enough to be a plausible typo.
pub fn closest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let value_len = value.chars().count();
    candidates
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(value, candidate), candidate))
        .filter(|(distance, candidate)| {
            let len = value_len.max(candidate.chars().count());
            *distance > 0 && *distance <= (len / 3).max(1)
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.to_string())
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_only() {
        assert_eq!(
            closest("titel", ["title", "summary"]).as_deref(),
            Some("title")
        );
        assert_eq!(
            closest("enterprize", ["enterprise"]).as_deref(),
            Some("enterprise")
        );
        assert_eq!(closest("xyz", ["title", "summary"]), None);
        assert_eq!(
            closest("郑州", ["郑州市", "洛阳市"]).as_deref(),
            Some("郑州市")
        );
    }
}
