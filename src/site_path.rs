//! The one rule for `.` and `..` in site paths.
//!
//! Aliases (`content::normalize_alias`), links and images in Markdown (`check::resolve_link`),
//! output paths (`fs::join_relative`) and preview requests (`serve::http::resolve`) all
//! resolve their paths here, so that a path means the same place everywhere:
//!
//! - segments are separated by `/`; empty and `.` segments are dropped;
//! - `..` removes the segment before it, as a browser does;
//! - a `..` with nothing left to remove (one that would climb above the root, or above the
//!   directory a path is joined to) refuses the whole path: it is never clamped to the root.
//!
//! Which characters a segment may hold (backslashes, `:`, `%`, NUL…) is each caller's own
//! rule; this module only owns the dot segments. No I/O.

/// Resolves `reference` against the directory `base` (both written with `/`, relative to the
/// site root; `base`'s own segments are taken as they are). A `reference` starting with `/`
/// starts from the root instead. Returns the resolved path without a leading `/`, ending in
/// `/` when it names a directory (the reference ends in `/`, `/.` or `/..`, or is `.` or
/// `..`) other than the root, or `None` when a `..` would climb above the root.
pub fn resolve(base: &str, reference: &str) -> Option<String> {
    let mut segments: Vec<&str> = if reference.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for part in reference.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            other => segments.push(other),
        }
    }
    let mut resolved = segments.join("/");
    if names_directory(reference) && !resolved.is_empty() {
        resolved.push('/');
    }
    Some(resolved)
}

/// Resolves the site path `path` from the root: [`resolve`] with an empty base.
pub fn normalize(path: &str) -> Option<String> {
    resolve("", path)
}

/// True if `reference` ends in a directory: `/`, `/.`, `/..`, `.` or `..`.
fn names_directory(reference: &str) -> bool {
    reference.ends_with('/')
        || reference.ends_with("/.")
        || reference.ends_with("/..")
        || reference == "."
        || reference == ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_resolve_lexically() {
        assert_eq!(normalize("2023/a/").as_deref(), Some("2023/a/"));
        assert_eq!(normalize("/2023//a").as_deref(), Some("2023/a"));
        assert_eq!(normalize("./2023/./a/").as_deref(), Some("2023/a/"));
        assert_eq!(normalize("2023/old/../new/").as_deref(), Some("2023/new/"));
        assert_eq!(normalize("2023/a/..").as_deref(), Some("2023/"));
        assert_eq!(normalize("a/..").as_deref(), Some(""));
        assert_eq!(normalize("").as_deref(), Some(""));
        assert_eq!(normalize("/").as_deref(), Some(""));
    }

    #[test]
    fn climbing_above_the_root_is_refused() {
        assert_eq!(normalize(".."), None);
        assert_eq!(normalize("/../x"), None);
        assert_eq!(normalize("a/../../x"), None);
        assert_eq!(normalize("a/../b/../../x/"), None);
        assert_eq!(resolve("2023/a/", "../../../x"), None);
    }

    #[test]
    fn references_resolve_against_their_directory() {
        assert_eq!(
            resolve("2023/a/", "chart.svg").as_deref(),
            Some("2023/a/chart.svg")
        );
        assert_eq!(resolve("2023/a/", "../b/").as_deref(), Some("2023/b/"));
        assert_eq!(
            resolve("2023/a/", "../../2024/c/").as_deref(),
            Some("2024/c/")
        );
        assert_eq!(resolve("2023/a/", "/about/").as_deref(), Some("about/"));
        assert_eq!(resolve("2023/a/", ".").as_deref(), Some("2023/a/"));
        assert_eq!(resolve("2023/a/", "../..").as_deref(), Some(""));
    }

    #[test]
    fn names_that_only_look_like_dots_are_names() {
        assert_eq!(normalize("a/.../b").as_deref(), Some("a/.../b"));
        assert_eq!(normalize("a..b/").as_deref(), Some("a..b/"));
        assert_eq!(normalize("%2e%2e/x").as_deref(), Some("%2e%2e/x"));
    }
}
