//! Escaping text for the formats biaogan writes: HTML text and quoted attributes, URLs in
//! attributes, and XML (sitemap, feeds). The one owner of these rules: Markdown, templates,
//! redirect pages, feeds, statistics charts and search snippets all escape through here.
//!
//! A leaf module: it imports nothing from the crate.

/// The HTML entity of `c` in text and in quoted attributes (`& < > " '`), if it needs one.
pub fn html_entity(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        '\'' => "&#39;",
        _ => return None,
    })
}

/// Appends `text` to `out`, escaped for HTML text and quoted attributes.
pub fn push_html(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, c) in text.char_indices() {
        if let Some(entity) = html_entity(c) {
            out.push_str(&text[last..i]);
            out.push_str(entity);
            last = i + c.len_utf8();
        }
    }
    out.push_str(&text[last..]);
}

/// `text` escaped for HTML text and quoted attributes (also tera's escape function).
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_html(&mut out, text);
    out
}

/// Appends a URL for an HTML attribute: unsafe bytes and non-ASCII percent-encoded (as
/// pulldown-cmark does for links), `&` and `'` escaped.
pub fn push_url(out: &mut String, url: &str) {
    for &b in url.as_bytes() {
        match b {
            b'&' => out.push_str("&amp;"),
            b'\'' => out.push_str("&#39;"),
            b if b.is_ascii_alphanumeric() || b"-_.~!*();:@=+$,/?#[]%".contains(&b) => {
                out.push(char::from(b));
            }
            b => out.push_str(percent_encoding::percent_encode_byte(b)),
        }
    }
}

/// `text` escaped for XML text and attributes (`&apos;` for `'`); control characters XML 1.0
/// cannot hold are dropped.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => match html_entity(c) {
                Some(entity) => out.push_str(entity),
                None => out.push(c),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_each_format() {
        assert_eq!(html("a<b>&\"'质"), "a&lt;b&gt;&amp;&quot;&#39;质");
        assert_eq!(xml("a<'&\u{1}\n"), "a&lt;&apos;&amp;\n");
        let mut url = String::new();
        push_url(&mut url, "a b&'/质");
        assert_eq!(url, "a%20b&amp;&#39;/%E8%B4%A8");
    }
}
