//! Raw-HTML policy: the ammonia configuration used on documents that contain raw HTML, and a
//! light scanner that reports, per raw fragment, what that policy will remove.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Tags whose content is dropped along with the tag.
const CLEAN_CONTENT_TAGS: &[&str] = &[
    "script", "style", "iframe", "noscript", "template", "object", "svg", "math",
];
/// Tags allowed on top of ammonia's defaults (task-list checkboxes).
const EXTRA_TAGS: &[&str] = &["input"];
/// Attributes allowed on every tag on top of ammonia's defaults (`lang`, `title`).
const EXTRA_GENERIC_ATTRIBUTES: &[&str] = &["class", "id"];
/// Per-tag attributes allowed on top of ammonia's defaults.
const EXTRA_TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["aria-label"]),
    ("div", &["tabindex", "role", "aria-label"]),
    ("img", &["loading"]),
    ("pre", &["data-lang"]),
    ("input", &["type", "checked", "disabled"]),
    ("th", &["style"]),
    ("td", &["style"]),
];
/// The only CSS property kept in `style` attributes (table column alignment).
const STYLE_PROPERTIES: &[&str] = &["text-align"];
/// Attributes holding URLs, whose scheme is checked.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "longdesc",
    "action",
    "formaction",
    "poster",
    "background",
];

/// The sanitizing policy, built once.
pub(crate) struct Policy {
    builder: ammonia::Builder<'static>,
    tags: HashSet<&'static str>,
    generic: HashSet<&'static str>,
    tag_attributes: HashMap<&'static str, HashSet<&'static str>>,
    schemes: HashSet<&'static str>,
}

static POLICY: OnceLock<Policy> = OnceLock::new();

/// The shared policy.
pub(crate) fn policy() -> &'static Policy {
    POLICY.get_or_init(Policy::build)
}

impl Policy {
    fn build() -> Policy {
        let defaults = ammonia::Builder::default();
        let mut tags = defaults.clone_tags();
        tags.extend(EXTRA_TAGS.iter().copied());
        let mut generic = defaults.clone_generic_attributes();
        generic.extend(EXTRA_GENERIC_ATTRIBUTES.iter().copied());
        let mut tag_attributes = defaults.clone_tag_attributes();
        for (tag, attributes) in EXTRA_TAG_ATTRIBUTES {
            tag_attributes
                .entry(*tag)
                .or_default()
                .extend(attributes.iter().copied());
        }
        let schemes = defaults.clone_url_schemes();

        let mut builder = ammonia::Builder::default();
        builder
            .tags(tags.clone())
            .clean_content_tags(CLEAN_CONTENT_TAGS.iter().copied().collect())
            .generic_attributes(generic.clone())
            .tag_attributes(tag_attributes.clone())
            .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect())
            .link_rel(None)
            .strip_comments(true)
            .attribute_filter(|element, attribute, value| {
                if element == "input"
                    && attribute == "type"
                    && !value.eq_ignore_ascii_case("checkbox")
                {
                    None
                } else {
                    Some(Cow::Borrowed(value))
                }
            });
        Policy {
            builder,
            tags,
            generic,
            tag_attributes,
            schemes,
        }
    }

    /// Sanitizes a whole rendered document.
    pub(crate) fn clean(&self, html: &str) -> String {
        self.builder.clean(html).to_string()
    }

    /// Reports what [`Policy::clean`] removes from one raw HTML fragment.  Returns the byte
    /// offset (within `fragment`) of the first offending construct and a description such as
    /// `removed <script> element with its content; onclick attribute on <div>`.
    pub(crate) fn inspect(&self, fragment: &str) -> Option<(usize, String)> {
        let bytes = fragment.as_bytes();
        let mut findings: Vec<String> = Vec::new();
        let mut first = None;
        let mut note = |at: usize, what: String, first: &mut Option<usize>| {
            first.get_or_insert(at);
            if !findings.contains(&what) {
                findings.push(what);
            }
        };
        let mut i = 0;
        while let Some(found) = memchr_lt(&bytes[i..]) {
            let at = i + found;
            let rest = &fragment[at..];
            if rest.starts_with("<!--") {
                i = rest.find("-->").map_or(bytes.len(), |e| at + e + 3);
                continue;
            }
            let Some(&next) = bytes.get(at + 1) else {
                break;
            };
            if !next.is_ascii_alphabetic() {
                i = at + 1;
                continue;
            }
            let tag = parse_tag(fragment, at + 1);
            let name = tag.name.to_ascii_lowercase();
            i = tag.end;
            if CLEAN_CONTENT_TAGS.contains(&name.as_str()) {
                note(at, format!("<{name}> element with its content"), &mut first);
                if !tag.self_closing {
                    i = find_end_tag(fragment, i, &name);
                }
                continue;
            }
            if !self.tags.contains(name.as_str()) {
                note(at, format!("<{name}> tag"), &mut first);
                continue;
            }
            for (attr, value) in &tag.attributes {
                let attr = attr.to_ascii_lowercase();
                let allowed = self.generic.contains(attr.as_str())
                    || self
                        .tag_attributes
                        .get(name.as_str())
                        .is_some_and(|set| set.contains(attr.as_str()));
                if !allowed {
                    let what = if attr.starts_with("on") {
                        format!("{attr} event handler on <{name}>")
                    } else {
                        format!("{attr} attribute on <{name}>")
                    };
                    note(at, what, &mut first);
                    continue;
                }
                let value = decode_entities(value);
                if URL_ATTRIBUTES.contains(&attr.as_str()) {
                    if let Some(scheme) = url_scheme(&value) {
                        if !self.schemes.contains(scheme.as_str()) {
                            note(
                                at,
                                format!("{scheme}: URL in {attr} on <{name}>"),
                                &mut first,
                            );
                        }
                    }
                } else if attr == "style" {
                    let other = value.split(';').any(|decl| {
                        let prop = decl.split(':').next().unwrap_or("").trim();
                        !prop.is_empty()
                            && !STYLE_PROPERTIES
                                .iter()
                                .any(|p| p.eq_ignore_ascii_case(prop))
                    });
                    if other {
                        note(at, format!("style properties on <{name}>"), &mut first);
                    }
                } else if name == "input"
                    && attr == "type"
                    && !value.eq_ignore_ascii_case("checkbox")
                {
                    note(at, "type attribute on <input>".to_string(), &mut first);
                }
            }
        }
        let at = first?;
        Some((at, format!("removed {}", findings.join("; "))))
    }
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

/// A start tag as scanned from raw HTML.
struct ScannedTag<'a> {
    name: &'a str,
    attributes: Vec<(&'a str, &'a str)>,
    self_closing: bool,
    /// Byte offset just past the tag.
    end: usize,
}

/// Scans a start tag whose name begins at `start` (just after `<`).
fn parse_tag(s: &str, start: usize) -> ScannedTag<'_> {
    let bytes = s.as_bytes();
    let mut i = start;
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-' || bytes[i] == b':')
    {
        i += 1;
    }
    let name = &s[start..i];
    let mut attributes = Vec::new();
    let mut self_closing = false;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            self_closing = bytes[i] == b'/';
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b'>' {
            i += 1;
            break;
        }
        self_closing = false;
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        if i == name_start {
            // A stray `=`: skip it.
            i += 1;
            continue;
        }
        let attr = &s[name_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let value_start = i + 1;
                    let value_end = s[value_start..]
                        .bytes()
                        .position(|b| b == q)
                        .map_or(bytes.len(), |p| value_start + p);
                    value = &s[value_start..value_end];
                    i = (value_end + 1).min(bytes.len());
                }
                Some(_) => {
                    let value_start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = &s[value_start..i];
                }
                None => {}
            }
        }
        attributes.push((attr, value));
    }
    ScannedTag {
        name,
        attributes,
        self_closing,
        end: i,
    }
}

/// Offset just past `</name…>` at or after `from`, or the end of `s`.
fn find_end_tag(s: &str, from: usize, name: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = from;
    while let Some(p) = memchr_lt(&bytes[i..]) {
        let at = i + p;
        let tail = &bytes[at..];
        if tail.len() >= name.len() + 2
            && tail[1] == b'/'
            && tail[2..2 + name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return s[at..].find('>').map_or(s.len(), |e| at + e + 1);
        }
        i = at + 1;
    }
    s.len()
}

/// Decodes the character references that matter for URL schemes (`&#106;`, `&#x6A;`,
/// `&colon;`, `&Tab;`, `&NewLine;`); other text is kept.
fn decode_entities(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let end = tail.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let body = &tail[1..e];
            let c = if let Some(num) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = body.strip_prefix('#') {
                num.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                match body {
                    "colon" => Some(':'),
                    "Tab" => Some('\t'),
                    "NewLine" => Some('\n'),
                    _ => None,
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The lower-cased scheme of a URL as a browser would see it (ignoring leading spaces and
/// embedded tabs/newlines), or `None` for a relative URL.
pub(crate) fn url_scheme(url: &str) -> Option<String> {
    let mut scheme = String::new();
    for c in url.trim_start_matches(|c: char| c <= ' ').chars() {
        match c {
            '\t' | '\n' | '\r' => continue,
            ':' => return (!scheme.is_empty()).then_some(scheme),
            c if c.is_ascii_alphabetic() => scheme.push(c.to_ascii_lowercase()),
            c if !scheme.is_empty() && (c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) => {
                scheme.push(c);
            }
            _ => return None,
        }
    }
    None
}
