//! A case body rendered for its own page, moved onto the compilation page: element ids get
//! the case's prefix (every case has a 企业概况), fragment links follow them, and relative
//! links and image sources are rebased from the case's directory, and headings move one
//! level down (the case title is the `h2` above them).
//!
//! Works on the HTML that the Markdown stage and the sanitizer produce: attribute values are
//! quoted and text never holds a raw `<`, so start tags can be found by scanning.

/// Rewrites the ids and URLs of `html` (a case body) for the compilation page: `id` values
/// and `#fragment` links get `prefix`; relative `href`/`src` values get `base` (the relative
/// URL from the compilation page to the case's directory) in front; `h1`–`h5` become
/// `h2`–`h6`.
pub fn page_html(html: &str, prefix: &str, base: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let bytes = html.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' && bytes.get(i + 1) == Some(&b'/') {
            if let Some(level) = heading_level(bytes, i + 2) {
                if bytes.get(i + 4) == Some(&b'>') {
                    out.push_str(&html[copied..i]);
                    out.push_str(&format!("</h{}>", level + 1));
                    copied = i + 5;
                    i += 5;
                    continue;
                }
            }
            i += 1;
        } else if bytes[i] == b'<' && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            let end = rewrite_tag(html, i + 1, prefix, base, &mut out, copied);
            copied = end;
            i = end;
        } else {
            i += 1;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// The accessible name the Markdown stage gives every scrolling table region.
const TABLE_LABEL: &str = "aria-label=\"表格（可横向滚动）\"";

/// Names each scrolling table region of the `position`-th case after the case and its place
/// (`第2篇 表格1（可横向滚动）`): one page holds every case's tables, and landmarks that share
/// a name cannot be told apart by a screen reader.
pub fn label_tables(html: &str, position: usize) -> String {
    let mut out = String::with_capacity(html.len());
    for (k, part) in html.split(TABLE_LABEL).enumerate() {
        if k > 0 {
            out.push_str(&format!(
                "aria-label=\"第{position}篇 表格{k}（可横向滚动）\""
            ));
        }
        out.push_str(part);
    }
    out
}

/// Copies `html[copied..start]` and the start tag beginning at `start` (after `<`) into
/// `out` with its attributes rewritten; returns the offset after the tag.
fn rewrite_tag(
    html: &str,
    start: usize,
    prefix: &str,
    base: &str,
    out: &mut String,
    copied: usize,
) -> usize {
    let bytes = html.as_bytes();
    let mut i = start;
    let mut pieces: Vec<(usize, usize, String)> = Vec::new();
    if let Some(level) = heading_level(bytes, start) {
        if bytes
            .get(start + 2)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>')
        {
            pieces.push((start, start + 2, format!("h{}", level + 1)));
        }
    }
    while i < bytes.len() && bytes[i] != b'>' {
        // Attribute name.
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len()
            && !matches!(bytes[i], b'=' | b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')
        {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        if bytes.get(i) != Some(&b'=') {
            if i == name_start && i < bytes.len() && bytes[i] != b'>' {
                i += 1;
            }
            continue;
        }
        i += 1;
        let (value_start, value_end) = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let value_start = i + 1;
                let value_end = html[value_start..]
                    .find(char::from(q))
                    .map_or(bytes.len(), |n| value_start + n);
                i = (value_end + 1).min(bytes.len());
                (value_start, value_end)
            }
            _ => {
                let value_start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                (value_start, i)
            }
        };
        let value = &html[value_start..value_end];
        let rewritten = match name.as_str() {
            "id" => Some(format!("{prefix}{value}")),
            "href" | "src" => rebase_url(value, prefix, base),
            _ => None,
        };
        if let Some(new) = rewritten {
            pieces.push((value_start, value_end, new));
        }
    }
    let end = (i + 1).min(bytes.len());
    let mut from = copied;
    for (value_start, value_end, new) in pieces {
        out.push_str(&html[from..value_start]);
        out.push_str(&new);
        from = value_end;
    }
    out.push_str(&html[from..end]);
    end
}

/// The level of a heading tag name `h1`–`h5` at `at`.
fn heading_level(bytes: &[u8], at: usize) -> Option<u8> {
    match (bytes.get(at), bytes.get(at + 1)) {
        (Some(b'h' | b'H'), Some(&d @ b'1'..=b'5')) => Some(d - b'0'),
        _ => None,
    }
}

/// The URL on the compilation page for a URL of the case page, or `None` to keep it.
fn rebase_url(url: &str, prefix: &str, base: &str) -> Option<String> {
    if let Some(fragment) = url.strip_prefix('#') {
        return Some(format!("#{prefix}{fragment}"));
    }
    if url.is_empty() || url.starts_with('/') || has_scheme(url) {
        return None;
    }
    Some(format!("{base}{url}"))
}

/// Whether `url` starts with a URL scheme (`https:`, `mailto:`, `data:` …).
fn has_scheme(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_regions_are_named_after_their_case() {
        let html = format!("<div {TABLE_LABEL}><table></table></div><div {TABLE_LABEL}></div>");
        assert_eq!(
            label_tables(&html, 3),
            "<div aria-label=\"第3篇 表格1（可横向滚动）\"><table></table></div>\
             <div aria-label=\"第3篇 表格2（可横向滚动）\"></div>"
        );
        assert_eq!(label_tables("<p>无表格</p>", 1), "<p>无表格</p>");
    }

    #[test]
    fn ids_fragments_and_relative_urls_are_rewritten() {
        let html = concat!(
            "<h2 id=\"企业概况\">企业概况<a class=\"heading-anchor\" href=\"#企业概况\" aria-label=\"本节链接\">#</a></h2>\n",
            "<p>见<a href=\"../other/\">另一案例</a>和<a href=\"https://example.org/x\">外链</a>。</p>\n",
            "<p><img src=\"chart.svg\" alt=\"图\" loading=\"lazy\"><img src=\"data:image/png;base64,AA\" alt=\"\"></p>\n",
            "<pre><code>if a &lt;b id=\"x\" {}</code></pre>\n",
            "<p><a href=\"/abs/\">根</a><a href='mailto:a@b.c'>信</a></p>",
        );
        let out = page_html(html, "c1-", "../abc/");
        assert_eq!(
            out,
            concat!(
                "<h3 id=\"c1-企业概况\">企业概况<a class=\"heading-anchor\" href=\"#c1-企业概况\" aria-label=\"本节链接\">#</a></h3>\n",
                "<p>见<a href=\"../abc/../other/\">另一案例</a>和<a href=\"https://example.org/x\">外链</a>。</p>\n",
                "<p><img src=\"../abc/chart.svg\" alt=\"图\" loading=\"lazy\"><img src=\"data:image/png;base64,AA\" alt=\"\"></p>\n",
                "<pre><code>if a &lt;b id=\"x\" {}</code></pre>\n",
                "<p><a href=\"/abs/\">根</a><a href='mailto:a@b.c'>信</a></p>",
            )
        );
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for html in [
            "<a href=\"x",
            "<a href=",
            "<a",
            "<img src=x",
            "<a id='",
            "<h2",
            "</h2",
            "<h6>",
            "</",
        ] {
            let _ = page_html(html, "p-", "../b/");
        }
    }
}
