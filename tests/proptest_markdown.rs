//! Property tests of `biaogan::markdown::render` on arbitrary strings and on generated
//! Markdown (deeply nested lists and quotes, long lines, unmatched `*`/`_` runs next to
//! Chinese text, raw HTML, script links). Properties: never panic, finish in bounded time,
//! report positions inside the document, give unique heading ids, and never emit markup that
//! runs script.
//!
//! 256 cases per property by default; `PROPTEST_CASES=100000` for a long run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use biaogan::markdown::{render, Highlighter, Rendered};
use proptest::prelude::*;

static HIGHLIGHTER: LazyLock<Highlighter> = LazyLock::new(Highlighter::new);

/// Time one input may take: 2 s optimized, generous in debug builds.
fn bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(20)
    } else {
        Duration::from_secs(2)
    }
}

/// Lines as CommonMark (and the renderer's positions) count them: `\n`, `\r\n` and a lone
/// `\r` end a line.
fn commonmark_lines(src: &str) -> Vec<&str> {
    let bytes = src.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&src[start..i]);
                start = i + 1;
            }
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                lines.push(&src[start..i]);
                i += 1;
                start = i + 1;
            }
            b'\r' => {
                lines.push(&src[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    lines.push(&src[start..]);
    lines
}

fn check(src: &str) -> Rendered {
    let start = Instant::now();
    let rendered = render(src, &HIGHLIGHTER);
    let elapsed = start.elapsed();
    if elapsed > Duration::from_millis(300) {
        eprintln!(
            "SLOW {elapsed:?} {} bytes {:?}",
            src.len(),
            src.chars().take(60).collect::<String>()
        );
    }
    assert!(elapsed < bound(), "{elapsed:?} for {} bytes", src.len());

    let lines = commonmark_lines(src);
    for link in &rendered.links {
        assert!(
            (1..=lines.len()).contains(&link.line),
            "link {link:?} outside a {}-line document",
            lines.len()
        );
        let chars = lines[link.line - 1].chars().count();
        assert!(
            (1..=chars + 1).contains(&link.column),
            "link {link:?} outside its {chars}-character line"
        );
    }
    for warning in &rendered.warnings {
        assert!(
            (1..=lines.len()).contains(&warning.line),
            "warning {warning:?} outside a {}-line document",
            lines.len()
        );
    }
    let mut ids = std::collections::HashSet::new();
    for heading in &rendered.headings {
        assert!(!heading.id.is_empty());
        assert!((1..=6).contains(&heading.level));
        assert!(
            ids.insert(heading.id.as_str()),
            "duplicate id {}",
            heading.id
        );
    }
    assert_no_script(&rendered.html);
    rendered
}

/// Decodes the character references an attribute value may use to hide a scheme.
fn decode_entities(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|e| *e < 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "colon" => Some(':'),
                    "tab" => Some('\t'),
                    "newline" => Some('\n'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    _ => None,
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every start tag of the output: (lower-case name, [(lower-case attribute, value)]).
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-') {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let start = j;
            while j < bytes.len() && !matches!(bytes[j], b'=' | b'>' | b' ' | b'\n' | b'\t' | b'/')
            {
                j += 1;
            }
            let attr = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                match bytes.get(j) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let end = html[j + 1..]
                            .find(q as char)
                            .map_or(html.len(), |e| j + 1 + e);
                        value = html[j + 1..end].to_string();
                        j = (end + 1).min(html.len());
                    }
                    _ => {
                        let start = j;
                        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>'
                        {
                            j += 1;
                        }
                        value = html[start..j].to_string();
                    }
                }
            }
            attrs.push((attr, value));
        }
        out.push((name, attrs));
        i = j.max(i + 1);
    }
    out
}

/// No element or attribute of the output can run script.
fn assert_no_script(html: &str) {
    for (name, attrs) in tags(html) {
        assert!(
            !matches!(
                name.as_str(),
                "script" | "iframe" | "object" | "embed" | "style" | "form" | "base" | "meta"
            ),
            "<{name}> in output: {html}"
        );
        for (attr, value) in attrs {
            assert!(!attr.starts_with("on"), "{attr}= in <{name}>: {html}");
            assert_ne!(attr, "style", "style= in <{name}>: {html}");
            if matches!(
                attr.as_str(),
                "href" | "src" | "xlink:href" | "action" | "srcset"
            ) {
                let url: String = decode_entities(&value)
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:"] {
                    assert!(!url.starts_with(scheme), "{attr}=\"{value}\": {html}");
                }
                if url.starts_with("data:") {
                    assert!(
                        name == "img" && url.starts_with("data:image/"),
                        "{attr}=\"{value}\" in <{name}>: {html}"
                    );
                }
            }
        }
    }
}

fn cjk() -> impl Strategy<Value = String> {
    "[\u{4e00}-\u{4e60}，。、；：！？“”（）《》]{1,8}"
}

fn destination() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "javascript&colon;alert(1)",
            "vbscript:msgbox",
            "data:text/html,<script>alert(1)</script>",
            "data:image/svg+xml;base64,PHN2Zz4=",
            "data:image/png;base64,AAAA",
            "../../../../etc/passwd",
            "/etc/passwd",
            "file:///etc/passwd",
            "%2e%2e/%2e%2e/x",
            "..\\..\\x",
            "C:\\x",
            "chart.svg",
            "../yi-fang/#主要做法",
            "#主要做法",
            "<has space.md>",
            "https://example.org/?a=1&b=2",
            "mailto:a@b.c",
            "\"quoted\"",
            "",
        ])
        .prop_map(str::to_string),
        "[ -~\u{4e00}-\u{4e10}]{0,20}".prop_map(|s| s.replace([' ', '(', ')'], "")),
    ]
}

fn raw_html() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "<script>alert(1)</script>",
        "<SCRIPT SRC=x></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"javascript:alert(1)\">",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<iframe src=x></iframe>",
        "<svg onload=alert(1)>",
        "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<style>body{}</style>",
        "<div style=\"background:url(javascript:x)\">x</div>",
        "<b>粗体</b>",
        "<br>",
        "</div>",
        "<!-- 注释 -->",
        "<details open ontoggle=alert(1)>",
        "<object data=x></object>",
        "<form action=javascript:x><button>x</button></form>",
        "<base href=javascript:x>",
        "<meta http-equiv=refresh content=0>",
        "<p title=\"a\" onclick=\"x\">",
        "<",
        "<a",
        "<img src=x onerror=alert(1)//",
    ])
    .prop_map(str::to_string)
}

fn inline() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => cjk(),
        2 => "[*_]{1,5}",
        1 => "[a-z0-9 .,]{1,12}",
        1 => "`[^`\n]{0,10}`",
        2 => (cjk(), destination()).prop_map(|(t, d)| format!("[{t}]({d})")),
        2 => (cjk(), destination()).prop_map(|(t, d)| format!("![{t}]({d})")),
        1 => destination().prop_map(|d| format!("<{d}>")),
        2 => raw_html(),
        1 => (cjk(), "[*_]{1,3}").prop_map(|(t, d)| format!("{d}{t}。{d}{t}")),
        1 => Just("[^1]".to_string()),
        1 => Just("[引用][r]".to_string()),
        1 => Just("  \n".to_string()),
        1 => (1usize..20_000).prop_map(|n| "长".repeat(n)),
        1 => "[\\x00-\\x7f]{1,10}",
    ]
}

fn paragraph() -> impl Strategy<Value = String> {
    prop::collection::vec(inline(), 1..8).prop_map(|parts| parts.concat())
}

fn block() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => paragraph(),
        1 => (1usize..7, paragraph(), prop::option::of("[a-z\u{4e00}-\u{4e10}#. -]{0,8}"))
            .prop_map(|(level, text, id)| {
                let text = text.replace('\n', " ");
                match id {
                    Some(id) => format!("{} {text} {{#{id}}}", "#".repeat(level)),
                    None => format!("{} {text}", "#".repeat(level)),
                }
            }),
        1 => (prop::sample::select(vec!["", "rust", "python", "yaml", "no-such-lang", "```"]), "[^`]{0,80}")
            .prop_map(|(lang, code)| format!("```{lang}\n{code}\n```")),
        1 => (1usize..6, 1usize..6, paragraph()).prop_map(|(cols, rows, cell)| {
            let cell = cell.replace(['\n', '|'], " ");
            let row = format!("|{}\n", format!(" {cell} |").repeat(cols));
            format!("{}|{}\n{}", " h |".repeat(cols), "---|".repeat(cols), row.repeat(rows))
        }),
        1 => raw_html().prop_map(|h| format!("<div>\n{h}\n</div>")),
        1 => Just("[r]: javascript:alert(1)\n[^1]: 脚注 [x](javascript:alert(2))".to_string()),
        1 => (1usize..3_000, prop::sample::select(vec!["> ", "- ", "1. ", "* ", ">", "  - "]), paragraph())
            .prop_map(|(n, marker, text)| format!("{}{text}", marker.repeat(n))),
        1 => (1usize..300, paragraph()).prop_map(|(n, text)| {
            (0..n).map(|i| format!("{}- {}\n", "  ".repeat(i), text.replace('\n', " "))).collect()
        }),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|blocks| {
                blocks
                    .join("\n\n")
                    .lines()
                    .map(|l| format!("> {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }),
            (
                prop::collection::vec(inner, 1..4),
                prop::sample::select(vec!["- ", "* ", "1. "])
            )
                .prop_map(|(blocks, marker)| {
                    blocks
                        .iter()
                        .map(|b| {
                            let pad = " ".repeat(marker.len());
                            let mut lines = b.lines();
                            let first = lines.next().unwrap_or_default();
                            let rest: Vec<String> = lines.map(|l| format!("{pad}{l}")).collect();
                            std::iter::once(format!("{marker}{first}"))
                                .chain(rest)
                                .collect::<Vec<_>>()
                                .join("\n")
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                }),
        ]
    })
}

fn document() -> impl Strategy<Value = String> {
    (prop::collection::vec(block(), 1..8), any::<bool>()).prop_map(|(blocks, crlf)| {
        let doc = blocks.join("\n\n");
        if crlf {
            doc.replace('\n', "\r\n")
        } else {
            doc
        }
    })
}

proptest! {
    #[test]
    fn arbitrary_strings(src in any::<String>()) {
        check(&src);
    }

    #[test]
    fn arbitrary_bytes_lossy(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn markup_characters(src in "[*_`\\[\\]()!<>#|~\\\\&;:\n\r \t>\\-1.a\u{4e00}\u{3002}\u{ff08}\u{ff09}\u{201c}\u{201d}]{0,400}") {
        check(&src);
    }

    #[test]
    fn generated_markdown(src in document()) {
        check(&src);
    }
}

#[test]
fn script_links_are_dropped_and_reported() {
    for dest in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
    ] {
        let rendered = check(&format!("正文\n\n[链接]({dest})\n"));
        assert!(
            !rendered.html.to_ascii_lowercase().contains("javascript:"),
            "{}",
            rendered.html
        );
        assert!(
            rendered.warnings.iter().any(|w| w.line == 3),
            "{dest}: {:?}",
            rendered.warnings
        );
    }
}

#[test]
fn deep_nesting_is_bounded() {
    for src in [
        "> ".repeat(5_000) + "引用",
        ">".repeat(100_000) + "引用",
        "- ".repeat(5_000) + "列表",
        (0..2_000)
            .map(|i| format!("{}- 项\n", "  ".repeat(i)))
            .collect(),
        "**质量第一。**后文".repeat(50_000),
        "*".repeat(200_000) + "字",
        "字_".repeat(100_000),
        "[".repeat(50_000) + &"](x)".repeat(50_000),
        "<div>".repeat(20_000) + "<script>x</script>",
        "<div>".repeat(2_000_000),
        "<span>".repeat(100_000) + "<img src=x onerror=alert(1)>",
        "> ".repeat(5_000) + "<b>x</b>",
    ] {
        check(&src);
    }
}

/// Raw HTML in a document nested deeper than the sanitizer can handle in linear time is
/// shown as text, with a warning; shallower raw HTML is sanitized as before.
#[test]
fn too_deep_raw_html_is_escaped() {
    use biaogan::markdown::MAX_SANITIZED_NESTING;
    let deep = format!(
        "{}<img src=x onerror=alert(1)>",
        "<div>".repeat(MAX_SANITIZED_NESTING + 1)
    );
    let rendered = check(&deep);
    assert!(
        rendered.html.starts_with("&lt;div&gt;"),
        "{}",
        &rendered.html[..40]
    );
    assert!(
        rendered
            .warnings
            .iter()
            .any(|w| w.message.contains("shown as text")),
        "{:?}",
        rendered.warnings
    );
    let shallow = format!(
        "{}<b>粗</b><img src=x onerror=alert(1)>",
        "<div>".repeat(10)
    );
    let rendered = check(&shallow);
    assert!(rendered.html.contains("<b>粗</b>"), "{}", rendered.html);
    assert!(!rendered.html.contains("onerror"), "{}", rendered.html);
}
