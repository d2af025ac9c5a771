//! The yearly compilation (典型经验汇编): `biaogan export compilation` read back as a Word
//! package (unzipped, `word/document.xml` parsed with quick-xml, independently of the
//! writer), and the printable page `/<year>/compilation/` of a build.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::Path;

use common::TestSite;
use quick_xml::events::Event;
use quick_xml::Reader;

/// The parts of a .docx package, by name.
struct Package {
    parts: BTreeMap<String, Vec<u8>>,
}

impl Package {
    fn open(path: &Path) -> Package {
        let file = std::fs::File::open(path).unwrap();
        let mut archive = zip::ZipArchive::new(file).unwrap();
        let mut parts = BTreeMap::new();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            parts.insert(entry.name().to_string(), bytes);
        }
        Package { parts }
    }

    fn text(&self, name: &str) -> String {
        String::from_utf8(
            self.parts
                .get(name)
                .unwrap_or_else(|| panic!("no {name}"))
                .clone(),
        )
        .unwrap()
    }

    /// Every XML part as text.
    fn xml_texts(&self) -> Vec<(String, String)> {
        self.parts
            .iter()
            .filter(|(name, _)| name.ends_with(".xml") || name.ends_with(".rels"))
            .map(|(name, bytes)| (name.clone(), String::from_utf8_lossy(bytes).into_owned()))
            .collect()
    }
}

/// A paragraph of `word/document.xml`: its style id, text, and what its runs hold.
#[derive(Debug, Default, Clone)]
struct Para {
    style: String,
    text: String,
    /// Text of bold runs.
    bold: String,
    /// Text inside hyperlinks, with the relationship id.
    links: Vec<String>,
    drawings: usize,
    page_break_before: bool,
}

/// The body of `word/document.xml`: paragraphs (also those in table cells, in order), the
/// number of tables, field instructions, and whether a field begin is marked dirty.
#[derive(Debug, Default)]
struct Body {
    paras: Vec<Para>,
    tables: usize,
    /// Paragraph texts inside tables.
    cell_texts: Vec<String>,
    instructions: Vec<String>,
    dirty_field: bool,
    page_size: Option<(String, String)>,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

fn parse_body(xml: &str) -> Body {
    let mut reader = Reader::from_str(xml);
    let mut body = Body::default();
    let mut para: Option<Para> = None;
    let mut in_text = false;
    let mut in_instr = false;
    let mut bold = false;
    let mut link: Option<String> = None;
    let mut table_depth = 0usize;
    loop {
        let event = reader.read_event().unwrap();
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.name().as_ref() {
                    b"w:p" if !empty => para = Some(Para::default()),
                    b"w:pStyle" => {
                        if let Some(p) = &mut para {
                            p.style = attr(e, b"w:val").unwrap_or_default();
                        }
                    }
                    b"w:pageBreakBefore" => {
                        if let Some(p) = &mut para {
                            p.page_break_before = attr(e, b"w:val").as_deref() != Some("false");
                        }
                    }
                    b"w:r" if !empty => bold = false,
                    b"w:b" => bold = attr(e, b"w:val").as_deref() != Some("false"),
                    b"w:t" if !empty => in_text = true,
                    b"w:instrText" if !empty => {
                        in_instr = true;
                        body.instructions.push(String::new());
                    }
                    b"w:fldChar"
                        if attr(e, b"w:fldCharType").as_deref() == Some("begin")
                            && attr(e, b"w:dirty").as_deref() == Some("true") =>
                    {
                        body.dirty_field = true;
                    }
                    b"w:hyperlink" if !empty => {
                        link = Some(
                            attr(e, b"r:id")
                                .or_else(|| attr(e, b"w:anchor"))
                                .unwrap_or_default(),
                        )
                    }
                    b"w:drawing" => {
                        if let Some(p) = &mut para {
                            p.drawings += 1;
                        }
                    }
                    b"w:tbl" if !empty => {
                        table_depth += 1;
                        body.tables += 1;
                    }
                    b"w:pgSz" => {
                        body.page_size = Some((
                            attr(e, b"w:w").unwrap_or_default(),
                            attr(e, b"w:h").unwrap_or_default(),
                        ))
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                let text = t.decode().unwrap().into_owned();
                if in_text {
                    if let Some(p) = &mut para {
                        p.text.push_str(&text);
                        if bold {
                            p.bold.push_str(&text);
                        }
                        if let Some(id) = &link {
                            p.links.push(id.clone());
                        }
                    }
                } else if in_instr {
                    if let Some(last) = body.instructions.last_mut() {
                        last.push_str(&text);
                    }
                }
            }
            Event::GeneralRef(r) if in_text || in_instr => {
                // &amp; and friends inside w:t and w:instrText.
                let name = r.decode().unwrap();
                let resolved = match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "?",
                };
                if in_instr {
                    if let Some(last) = body.instructions.last_mut() {
                        last.push_str(resolved);
                    }
                } else if let Some(p) = &mut para {
                    p.text.push_str(resolved);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:p" => {
                    if let Some(p) = para.take() {
                        if table_depth > 0 {
                            body.cell_texts.push(p.text.clone());
                        }
                        body.paras.push(p);
                    }
                }
                b"w:t" => in_text = false,
                b"w:instrText" => in_instr = false,
                b"w:hyperlink" => link = None,
                b"w:tbl" => table_depth -= 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    body
}

/// Title, 序号 and draft flag of every case of `year` in a site's content, read from the
/// front matter lines (independently of biaogan's loader).
fn cases_of(root: &Path, year: u16) -> Vec<(String, Option<u32>, bool)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root.join("content").join(year.to_string())).unwrap() {
        let path = entry.unwrap().path().join("index.md");
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let front = text.split("\n---").next().unwrap();
        let value = |key: &str| {
            front
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{key}: ")))
                .map(|v| v.trim().trim_matches('"').to_string())
        };
        out.push((
            value("title").unwrap(),
            value("number").and_then(|n| n.parse().ok()),
            value("draft").as_deref() == Some("true"),
        ));
    }
    out
}

/// Every string value under `private:` in the site's case files (contacts, phones, e-mails,
/// credit codes): none may reach an output.
fn private_strings(root: &Path) -> Vec<String> {
    let mut values = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.unwrap();
        if entry.file_name() != "index.md" {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let mut in_private = false;
        for line in text.lines() {
            if line == "---" && in_private {
                break;
            }
            if line.starts_with("private:") {
                in_private = true;
                continue;
            }
            if in_private {
                if !line.starts_with(' ') {
                    break;
                }
                if let Some((key, value)) = line.trim().split_once(':') {
                    let value = value.trim().trim_matches('"');
                    if matches!(key, "contact" | "phone" | "email" | "credit_code")
                        && !value.is_empty()
                    {
                        values.push(value.to_string());
                    }
                }
            }
        }
    }
    values
}

fn export(site: &TestSite, year: &str) -> Package {
    let out = site.root().join("汇编.docx");
    let output = site.run(&[
        "export",
        "compilation",
        "--year",
        year,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "export failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Package::open(&out)
}

#[test]
fn sample_year_exports_as_a_word_document() {
    let site = TestSite::sample();
    let package = export(&site, "2023");
    let body = parse_body(&package.text("word/document.xml"));

    // Every published case once, as Heading 1, in 序号 order, each from a new page.
    let mut expected = cases_of(site.root(), 2023);
    expected.retain(|(_, _, draft)| !draft);
    expected.sort_by_key(|(_, number, _)| number.unwrap_or(u32::MAX));
    let h1: Vec<&Para> = body
        .paras
        .iter()
        .filter(|p| p.style == "Heading1")
        .collect();
    let titles: Vec<&str> = h1.iter().map(|p| p.text.as_str()).collect();
    let expected_titles: Vec<&str> = expected.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(titles, expected_titles);
    assert!(h1.iter().all(|p| p.page_break_before));

    // Sections: every case has its five usual sections as Heading 2, and subsections.
    let h2 = body.paras.iter().filter(|p| p.style == "Heading2").count();
    let h3 = body.paras.iter().filter(|p| p.style == "Heading3").count();
    assert!(h2 >= 5 * expected.len(), "{h2} Heading 2 paragraphs");
    assert!(h3 > 0);
    for section in ["企业概况", "主要做法", "实施效果"] {
        assert!(
            body.paras
                .iter()
                .any(|p| p.style == "Heading2" && p.text == section),
            "no section {section}"
        );
    }

    // A real TOC field over Heading 1–3, refreshed when Word or WPS opens the file.
    assert!(
        body.instructions
            .iter()
            .any(|i| i.contains("TOC") && i.contains("\\o \"1-3\"")),
        "no TOC field: {:?}",
        body.instructions
    );
    assert!(body.dirty_field);
    assert!(package
        .text("word/settings.xml")
        .contains("<w:updateFields w:val=\"true\""));
    let toc_entries = body
        .paras
        .iter()
        .filter(|p| p.style.starts_with("ToC"))
        .count();
    assert!(toc_entries >= expected.len());

    // Facts before each body.
    for label in ["企业名称：", "所属地区：", "重点领域："] {
        let count = body
            .paras
            .iter()
            .filter(|p| p.style == "CaseMeta" && p.text.starts_with(label))
            .count();
        assert_eq!(count, expected.len(), "{label}");
    }
    assert_eq!(
        body.paras
            .iter()
            .filter(|p| p.style == "CaseSummary")
            .count(),
        expected.len()
    );
    assert!(body.paras.iter().any(|p| p.text == "所属地区：洛阳市"));

    // Markdown tables are Word tables; every sample case of 2023 has one.
    assert!(body.tables >= expected.len(), "{} tables", body.tables);
    assert!(body
        .cell_texts
        .iter()
        .any(|t| t == "改进前" || t.contains("改进")));

    // Images: the nine SVG charts of 2023, embedded as PNG.
    let drawings: usize = body.paras.iter().map(|p| p.drawings).sum();
    assert!(drawings >= 9, "{drawings} drawings");
    let media: Vec<_> = package
        .parts
        .iter()
        .filter(|(name, _)| name.starts_with("word/media/") && !name.ends_with('/'))
        .collect();
    assert!(media.len() >= 9);
    for (name, bytes) in &media {
        assert!(bytes.starts_with(b"\x89PNG"), "{name} is not a PNG");
    }
    assert!(body.paras.iter().any(|p| p.style == "Caption"));

    // Code blocks in the monospace style; the CJK emphasis fix applies (`**…。**后文`).
    assert!(body
        .paras
        .iter()
        .any(|p| p.style == "Code" && p.text.contains("def ")));
    assert!(body
        .paras
        .iter()
        .any(|p| p.bold.contains("质量是制造出来的，不是检验出来的。")));

    // Chinese fonts named for Word and WPS; A4; page numbers in the footer.
    let styles = package.text("word/styles.xml");
    for font in [
        "w:eastAsia=\"宋体\"",
        "w:eastAsia=\"黑体\"",
        "w:ascii=\"Courier New\"",
    ] {
        assert!(styles.contains(font), "styles.xml lacks {font}");
    }
    assert_eq!(
        body.page_size,
        Some(("11906".to_string(), "16838".to_string()))
    );
    let footers: Vec<String> = package
        .xml_texts()
        .into_iter()
        .filter(|(name, _)| name.starts_with("word/footer"))
        .map(|(_, text)| text)
        .collect();
    assert!(
        footers.iter().any(|f| f.contains("PAGE")),
        "no PAGE field in a footer"
    );

    // The cover names the site and the year.
    let cover: Vec<&Para> = body.paras.iter().take(6).collect();
    assert!(cover.iter().any(|p| p.text == "2023年质量标杆典型经验汇编"));
    assert!(cover
        .iter()
        .any(|p| p.text == "河南省质量标杆典型经验（示例）"));

    // Nothing private.
    let private = private_strings(site.root());
    assert!(private.len() >= 13 * 3, "{private:?}");
    for (name, text) in package.xml_texts() {
        for value in &private {
            assert!(!text.contains(value.as_str()), "{name} leaks {value}");
        }
    }
}

#[test]
fn drafts_and_private_markers_stay_out_and_links_are_kept() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/2023/丙方草稿有限公司/index.md",
        "---\ntitle: DRAFT-TITLE-MARKER经验\nenterprise: 丙方草稿有限公司\nyear: 2023\nregion: zhengzhou\narea: digital\nsummary: 草稿。\ndraft: true\n---\n\n## 企业概况\n\nDRAFT-BODY-MARKER\n",
    );
    let package = export(&site, "2023");
    let body = parse_body(&package.text("word/document.xml"));
    let titles: Vec<&str> = body
        .paras
        .iter()
        .filter(|p| p.style == "Heading1")
        .map(|p| p.text.as_str())
        .collect();
    // 甲方 has 序号 1; 乙方 has none and comes after it.
    assert_eq!(
        titles,
        [
            "基于统计过程控制的关键工序质量提升经验",
            "实施数字化追溯提升食品安全的经验"
        ]
    );
    for (name, text) in package.xml_texts() {
        for marker in [
            "DRAFT-TITLE-MARKER",
            "DRAFT-BODY-MARKER",
            "PRIVATE-CONTACT-MARKER",
            "PRIVATE-PHONE-MARKER",
            "91410100MA00000122",
        ] {
            assert!(!text.contains(marker), "{name} contains {marker}");
        }
    }
    // The link to another case becomes an absolute hyperlink under base_url.
    let rels = package.text("word/_rels/document.xml.rels");
    assert!(
        rels.contains("https://example.org/site/2023/yi-fang-shi-pin/#"),
        "{rels}"
    );
    assert!(body
        .paras
        .iter()
        .any(|p| !p.links.is_empty() && p.text.contains("乙方的做法")));
    // The CJK emphasis fix: `**质量第一。**后文`.
    assert!(body.paras.iter().any(|p| p.bold == "质量第一。"));
}

#[test]
fn a_year_without_published_cases_is_an_error() {
    let site = TestSite::fixture("minimal");
    let out = site.root().join("x.docx");
    let output = site.run(&[
        "export",
        "compilation",
        "--year",
        "2019",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no published cases in 2019"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_broken_image_is_named() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/2023/甲方精密机械有限公司/chart.svg",
        "<svg this is not svg",
    );
    let out = site.root().join("x.docx");
    let output = site.run(&[
        "export",
        "compilation",
        "--year",
        "2023",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("chart.svg") && stderr.contains("cannot embed this image"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// The `<main>` element of a page.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap() + "</main>".len();
    &html[start..end]
}

#[test]
fn compilation_page_of_the_sample_year() {
    let site = TestSite::sample();
    site.build();
    let html = site.read("2023/compilation/index.html");
    let mut expected = cases_of(site.root(), 2023);
    expected.sort_by_key(|(_, number, _)| number.unwrap_or(u32::MAX));
    // Every case in full, in order, each a section that prints from a new page.
    let mut at = 0;
    for (title, _, _) in &expected {
        let found = html[at..]
            .find(&format!("</span>{title}</h2>"))
            .unwrap_or_else(|| panic!("{title} missing or out of order"));
        at += found;
    }
    assert_eq!(
        html.matches("<section class=\"compilation-case\"").count(),
        expected.len()
    );
    assert!(html.contains("break-before:page"));
    assert!(html.contains("@bottom-center{content:counter(page)"));
    // Unique ids, and every fragment link points at one of them.
    let ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids");
    for link in common::links(&html) {
        if let Some(fragment) = link.strip_prefix('#') {
            assert!(unique.contains(fragment), "#{fragment} points nowhere");
        }
    }
    // Images resolve from the compilation page.
    let page_dir = site.public().join("2023/compilation");
    let mut images = 0;
    for src in html
        .split("<img src=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
    {
        let decoded = percent_decode(src);
        assert!(page_dir.join(&decoded).is_file(), "{src} does not resolve");
        images += 1;
    }
    assert!(images >= 9);
    // Linked from the year page.
    assert!(site
        .read("2023/index.html")
        .contains("href=\"../2023/compilation/\""));
    // Nothing private.
    for value in private_strings(site.root()) {
        assert!(!html.contains(&value), "the page leaks {value}");
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn compilation_page_main_snapshot() {
    let site = TestSite::fixture("minimal");
    site.build();
    let html = site.read("2023/compilation/index.html");
    insta::assert_snapshot!(main_of(&html));
}
