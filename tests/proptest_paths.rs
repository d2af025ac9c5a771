//! Property tests of the path and name functions user input flows through:
//! `site_path` (the one `.`/`..` rule), `check::resolve_link`, `content::normalize_alias`,
//! `fs::join_relative` and `slug::Slugger`. Properties: never panic; `site_path` agrees with
//! a model of its rule and the callers agree with `site_path`; nothing accepted can leave its
//! base directory; aliases never carry `..`, backslashes, NUL or a scheme; slugs are valid or
//! empty.
//!
//! 256 cases per property by default; `PROPTEST_CASES=100000` for a long run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Component, Path};

use biaogan::check::resolve_link;
use biaogan::content::normalize_alias;
use biaogan::fs::join_relative;
use biaogan::site_path;
use biaogan::slug::{is_valid_slug, Slugger};
use proptest::prelude::*;

/// Path-like text: segments of dots, separators, encodings, drive letters and names.
fn path_like() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        4 => prop::sample::select(vec![
            "..", ".", "...", "", "/", "\\", "%2e%2e", "%2E%2e", "%2f", "%5c", "%00", "\0",
            "C:", "c:\\", "C:\\x", "\\\\server\\share", "//", "~", "?", "#", "index.html",
            "http://", "https:", "javascript:", "file:", "a:b", " ", "..%2f", ".. ", "\u{2215}",
            "\u{ff0e}\u{ff0e}", "2023", "甲方", "old-name", "x.html",
        ])
        .prop_map(str::to_string),
        1 => "[a-z0-9\\-_.]{1,6}",
        1 => any::<String>(),
    ];
    prop::collection::vec(part, 0..10).prop_map(|parts| {
        let mut out = String::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 && i % 2 == 0 {
                out.push('/');
            }
            out.push_str(part);
        }
        out
    })
}

/// A page URL as the site has them: `2023/slug/`, `about/`, the root.
fn page_url() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z0-9-]{1,8}/".prop_map(|s| s),
        "(19|20)[0-9]{2}/[a-z0-9-]{1,12}/".prop_map(|s| s),
        "[a-z]{1,6}/[a-z0-9-]{1,8}/[a-z0-9-]{1,8}/".prop_map(|s| s),
    ]
}

/// `path` has only normal components (no root, prefix, `.` or `..`), none with a
/// backslash or NUL.
fn only_normal_components(path: &Path) -> bool {
    path.components().all(|c| match c {
        Component::Normal(name) => {
            let name = name.to_string_lossy();
            !name.contains('\\') && !name.contains('\0') && name != ".." && name != "."
        }
        _ => false,
    })
}

/// The `..` rule written out plainly: the depth below the root after each segment; a path is
/// refused as soon as the depth would go below zero.
fn climbs_above_the_root(path: &str) -> bool {
    let mut depth: usize = 0;
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return true,
            },
            _ => depth += 1,
        }
    }
    false
}

proptest! {
    #[test]
    fn site_path_refuses_exactly_the_climbs_above_the_root(path in path_like()) {
        let normalized = site_path::normalize(&path);
        prop_assert_eq!(normalized.is_none(), climbs_above_the_root(&path), "{:?} -> {:?}", path, normalized);
        if let Some(normalized) = normalized {
            prop_assert!(!normalized.starts_with('/'), "{normalized:?}");
            let body = normalized.strip_suffix('/').unwrap_or(&normalized);
            if !body.is_empty() {
                for segment in body.split('/') {
                    prop_assert!(!matches!(segment, "" | "." | ".."), "{path:?} -> {normalized:?}");
                }
            }
            // Normalizing twice changes nothing.
            prop_assert_eq!(site_path::normalize(&normalized), Some(normalized.clone()));
        }
    }

    #[test]
    fn site_path_resolve_is_normalize_of_the_joined_path(
        base in "([a-z0-9-]{1,6}/){0,3}",
        reference in path_like(),
    ) {
        let expected = if reference.starts_with('/') {
            site_path::normalize(&reference)
        } else if reference.is_empty() {
            site_path::normalize(base.trim_end_matches('/'))
        } else {
            site_path::normalize(&format!("{base}/{reference}"))
        };
        prop_assert_eq!(site_path::resolve(&base, &reference), expected);
    }

    #[test]
    fn join_relative_follows_the_site_path_rule(relative in path_like()) {
        let base = Path::new("out");
        let joined = join_relative(base, &relative);
        if relative.contains('\\') || relative.contains('\0') {
            prop_assert!(joined.is_none());
        } else if cfg!(unix) {
            let expected = site_path::normalize(&relative).map(|n| {
                n.split('/').filter(|s| !s.is_empty()).fold(base.to_path_buf(), |p, s| p.join(s))
            });
            prop_assert_eq!(joined, expected, "{:?}", relative);
        }
    }

    #[test]
    fn links_and_aliases_follow_the_site_path_rule(path in path_like()) {
        // A `..` that climbs above the root is refused by every caller.
        if climbs_above_the_root(&path) {
            prop_assert_eq!(normalize_alias(&path), None);
            prop_assert!(join_relative(Path::new("out"), &path).is_none());
            if !path.contains([':', '#', '?', '%']) && !path.trim().is_empty() {
                prop_assert_eq!(resolve_link("", &path), None, "{:?}", path);
            }
        }
    }

    #[test]
    fn join_relative_stays_under_base(relative in path_like()) {
        let base = Path::new("/tmp/biaogan-out");
        if let Some(joined) = join_relative(base, &relative) {
            prop_assert!(joined.starts_with(base), "{joined:?}");
            let rest = joined.strip_prefix(base).unwrap();
            prop_assert!(only_normal_components(rest), "{relative:?} -> {joined:?}");
        }
    }

    #[test]
    fn join_relative_arbitrary(relative in any::<String>()) {
        let base = Path::new("out");
        if let Some(joined) = join_relative(base, &relative) {
            prop_assert!(only_normal_components(joined.strip_prefix(base).unwrap()));
        }
    }

    #[test]
    fn normalize_alias_output_is_a_safe_site_path(alias in path_like()) {
        if let Some(normalized) = normalize_alias(&alias) {
            for bad in ["..", "\\", "\0", "://", ":", "%"] {
                prop_assert!(!normalized.contains(bad), "{alias:?} -> {normalized:?} contains {bad:?}");
            }
            prop_assert!(!normalized.starts_with('/'), "{normalized:?}");
            prop_assert!(normalized.ends_with('/') || normalized.ends_with(".html"), "{normalized:?}");
            let joined = join_relative(Path::new("out"), &normalized);
            prop_assert!(joined.is_some(), "{normalized:?} is refused by join_relative");
            prop_assert!(only_normal_components(joined.unwrap().strip_prefix("out").unwrap()));
        }
    }

    #[test]
    fn normalize_alias_arbitrary(alias in any::<String>()) {
        if let Some(normalized) = normalize_alias(&alias) {
            prop_assert!(!normalized.contains("..") && !normalized.contains('\\') && !normalized.contains('\0'));
            prop_assert!(join_relative(Path::new("out"), &normalized).is_some());
        }
    }

    #[test]
    fn resolved_links_stay_inside_the_site(page in page_url(), link in path_like()) {
        if let Some((target, _fragment)) = resolve_link(&page, &link) {
            prop_assert!(!target.starts_with('/'), "{page:?} + {link:?} -> {target:?}");
            for segment in target.split('/') {
                prop_assert!(segment != ".." && segment != ".", "{page:?} + {link:?} -> {target:?}");
            }
            // What the site writes at that path never leaves the output directory.
            if let Some(joined) = join_relative(Path::new("out"), &target) {
                prop_assert!(only_normal_components(joined.strip_prefix("out").unwrap()));
            }
        }
    }

    #[test]
    fn resolve_link_arbitrary(page in any::<String>(), link in any::<String>()) {
        let resolved = resolve_link(&page, &link);
        // Page URLs are built by biaogan from validated slugs: never `.` or `..` segments.
        prop_assume!(!page.split('/').any(|s| s == ".." || s == "."));
        if let Some((target, _)) = resolved {
            prop_assert!(!target.split('/').any(|s| s == ".."), "{page:?} + {link:?} -> {target:?}");
        }
    }

    #[test]
    fn slugs_are_valid_or_empty(
        name in "[\u{4e00}-\u{9fff}\u{3400}-\u{4dbf}\u{20000}-\u{2a6df}a-zA-Z0-9 \\-_.，。（）()·Üü\u{ea}\u{1e3f}]{0,30}"
    ) {
        let slugger = Slugger::new(&BTreeMap::new());
        let slug = slugger.enterprise_slug(&name);
        prop_assert!(slug.is_empty() || is_valid_slug(&slug), "{name:?} -> {slug:?}");
        let slug = slugger.slugify(&name);
        prop_assert!(slug.is_empty() || is_valid_slug(&slug), "{name:?} -> {slug:?}");
    }

    #[test]
    fn slugs_of_arbitrary_text(name in any::<String>()) {
        let slug = Slugger::new(&BTreeMap::new()).enterprise_slug(&name);
        prop_assert!(slug.is_empty() || is_valid_slug(&slug), "{name:?} -> {slug:?}");
    }

    #[test]
    fn slugs_with_site_readings_are_valid_or_empty(
        readings in prop::collection::btree_map("[\u{4e00}-\u{4e20}a-z]{0,3}", any::<String>(), 0..5),
        name in "[\u{4e00}-\u{4e20}a-z ]{0,20}",
    ) {
        let slug = Slugger::new(&readings).enterprise_slug(&name);
        prop_assert!(slug.is_empty() || is_valid_slug(&slug), "{readings:?} {name:?} -> {slug:?}");
    }
}

/// Every Han character of the Unicode blocks a name may use has a reading that makes a valid
/// slug (exhaustive, not sampled).
#[test]
fn every_han_character_slugs_to_ascii() {
    let slugger = Slugger::new(&BTreeMap::new());
    let mut bad = Vec::new();
    for range in [
        0x3400u32..=0x4DBF,
        0x4E00..=0x9FFF,
        0xF900..=0xFAFF,
        0x20000..=0x2A6DF,
    ] {
        for c in range.filter_map(char::from_u32) {
            let slug = slugger.slugify(&c.to_string());
            if !(slug.is_empty() || is_valid_slug(&slug)) {
                bad.push(format!("{c} -> {slug}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} characters: {:?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}

#[test]
fn known_escapes_are_refused() {
    let base = Path::new("out");
    for path in ["../x", "a/../../x", "a\\..\\x", "x\0y", "%2e%2e/x/.."] {
        let joined = join_relative(base, path);
        assert!(
            joined
                .as_deref()
                .is_none_or(|p| only_normal_components(p.strip_prefix(base).unwrap())),
            "{path:?} -> {joined:?}"
        );
    }
    for alias in [
        "../x",
        "/%2e%2e/x/",
        "a\\b",
        "C:\\x",
        "c:/x",
        "https://x/",
        "x/\0/",
        "a/.../b",
        "a..b",
    ] {
        assert_eq!(normalize_alias(alias), None, "{alias:?}");
    }
    for link in ["../../../../etc/passwd", "/../x", "%2e%2e/%2e%2e/%2e%2e/x"] {
        assert_eq!(resolve_link("2023/a/", link), None, "{link:?}");
    }
}
