//! The summary sheet (汇总表): CSV and XLSX export, import into case folders, round trip,
//! private columns, and the per-year statistics with their SVG charts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{stderr, TestSite};

const PUBLIC_HEADERS: [&str; 8] = [
    "序号",
    "地区",
    "企业名称",
    "典型经验名称",
    "重点领域",
    "行业",
    "方法",
    "状态",
];

/// Private values of the minimal fixture's first case.
const PRIVATE_MARKERS: [&str; 3] = [
    "PRIVATE-CONTACT-MARKER",
    "PRIVATE-PHONE-MARKER",
    "91410100MA00000122",
];

/// Runs `biaogan ARGS` on `site` and asserts success.
fn run_ok(site: &TestSite, args: &[&str]) -> String {
    let output = site.run(args);
    let message = stderr(site, &output);
    assert!(
        output.status.success(),
        "biaogan {args:?} failed:\n{message}"
    );
    message
}

/// Runs `biaogan import summary SHEET --year YEAR` on `site`: the output and its stderr.
fn import(site: &TestSite, sheet: &Path, year: &str) -> (std::process::Output, String) {
    let output = site.run(&["import", "summary", sheet.to_str().unwrap(), "--year", year]);
    let message = stderr(site, &output);
    (output, message)
}

/// Runs `biaogan import summary SHEET --year YEAR` on `site`, asserts success and returns
/// its stderr.
fn import_ok(site: &TestSite, sheet: &Path, year: &str) -> String {
    run_ok(
        site,
        &["import", "summary", sheet.to_str().unwrap(), "--year", year],
    )
}

/// The text of the case `YEAR/企业名称` of `site`.
fn case_text(site: &TestSite, case: &str) -> String {
    let path = site.root().join("content").join(case).join("index.md");
    std::fs::read_to_string(path).unwrap()
}

/// Writes a sheet file `name` into the site's folder; its path.
fn write_sheet(site: &TestSite, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = site.root().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Writes rows of text cells into `sheet`, the first at row `first` (0-based).
fn write_rows(sheet: &mut rust_xlsxwriter::Worksheet, first: u32, rows: &[&[&str]]) {
    for (index, row) in rows.iter().enumerate() {
        for (col, value) in row.iter().enumerate() {
            sheet
                .write_string(first + index as u32, col as u16, *value)
                .unwrap();
        }
    }
}

/// Exports the summary of `year` into `dir/name` and returns the file's bytes.
fn export(site: &TestSite, year: &str, dir: &Path, name: &str, private: bool) -> Vec<u8> {
    let path = dir.join(name);
    let path_text = path.to_str().unwrap();
    let mut args = vec!["export", "summary", "--year", year, "--out", path_text];
    if private {
        args.push("--private");
    }
    run_ok(site, &args);
    std::fs::read(&path).unwrap()
}

/// The records of a CSV file (the BOM removed), header first.
fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The cells of the first worksheet of an XLSX file as text, with the sheet's name.
fn xlsx_records(bytes: &[u8]) -> (String, Vec<Vec<String>>) {
    use calamine::Reader;
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&name).unwrap();
    let rows = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    calamine::Data::Float(f) => f.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    (name, rows)
}

/// A site with only the sample's `site.yaml`: no content.
fn fresh_site() -> TestSite {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    TestSite { dir }
}

/// Replaces the skeleton's placeholder text in every case of the site, as an organizer does
/// when the enterprises' write-ups come in.
fn write_up(root: &Path) {
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.unwrap();
        if entry.file_name() != "index.md" {
            continue;
        }
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        for placeholder in biaogan::scaffold::placeholders() {
            text = text.replace(&placeholder, "企业以数据说明了这项经验的做法和效果。");
        }
        std::fs::write(entry.path(), text).unwrap();
    }
}

#[test]
fn csv_has_bom_and_exact_headers() {
    let site = TestSite::fixture("minimal");
    let out = tempfile::tempdir().unwrap();
    let bytes = export(&site, "2023", out.path(), "summary.csv", false);
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 byte-order mark"
    );
    let records = csv_records(&bytes);
    assert_eq!(records[0], PUBLIC_HEADERS);
    assert_eq!(
        records[1..],
        [
            vec![
                "1",
                "郑州市",
                "甲方精密机械有限公司",
                "基于统计过程控制的关键工序质量提升经验",
                "关键过程质量控制",
                "装备",
                "统计过程控制(SPC)、六西格玛",
                ""
            ],
            vec![
                "2",
                "洛阳市",
                "乙方食品有限公司",
                "实施数字化追溯提升食品安全的经验",
                "质量管理数字化",
                "食品",
                "精益管理",
                ""
            ],
        ]
    );
}

#[test]
fn private_columns_only_with_private_flag() {
    let site = TestSite::fixture("minimal");
    let out = tempfile::tempdir().unwrap();
    let public_csv = export(&site, "2023", out.path(), "public.csv", false);
    let public_xlsx = export(&site, "2023", out.path(), "public.xlsx", false);
    let private_csv = export(&site, "2023", out.path(), "private.csv", true);
    let private_xlsx = export(&site, "2023", out.path(), "private.xlsx", true);

    let public_text = String::from_utf8(public_csv).unwrap();
    let (_, public_cells) = xlsx_records(&public_xlsx);
    let public_cells = format!("{public_cells:?}");
    for marker in PRIVATE_MARKERS
        .iter()
        .chain(&["联系人", "利润", "信用代码"])
    {
        assert!(!public_text.contains(marker), "public CSV leaks {marker}");
        assert!(!public_cells.contains(marker), "public XLSX leaks {marker}");
    }

    let records = csv_records(&private_csv);
    let mut headers: Vec<String> = PUBLIC_HEADERS.iter().map(|h| h.to_string()).collect();
    headers.extend(
        [
            "联系人",
            "电话",
            "统一社会信用代码",
            "2020年利润（万元）",
            "2021年利润（万元）",
            "2022年利润（万元）",
        ]
        .map(String::from),
    );
    assert_eq!(records[0], headers);
    assert_eq!(
        records[1][8..],
        [
            "PRIVATE-CONTACT-MARKER",
            "PRIVATE-PHONE-MARKER",
            "91410100MA00000122",
            "100",
            "120",
            "130"
        ]
    );
    assert_eq!(records[2][8..], ["", "", "", "", "", ""]);
    let (_, private_cells) = xlsx_records(&private_xlsx);
    assert_eq!(private_cells, records, "private XLSX has the same cells");
}

#[test]
fn xlsx_opens_with_calamine_and_has_the_csv_rows() {
    let site = TestSite::sample();
    let out = tempfile::tempdir().unwrap();
    for year in ["2023", "2024"] {
        let csv = csv_records(&export(&site, year, out.path(), "s.csv", false));
        let (name, xlsx) = xlsx_records(&export(&site, year, out.path(), "s.xlsx", false));
        assert_eq!(name, format!("{year}年汇总表"));
        assert_eq!(xlsx, csv, "XLSX and CSV of {year} have the same cells");
        assert!(csv.len() > 10, "{year} has its cases");
    }
}

#[test]
fn export_is_deterministic() {
    let site = TestSite::sample();
    let out = tempfile::tempdir().unwrap();
    let first = export(&site, "2023", out.path(), "a.xlsx", false);
    // A timestamp in the workbook would differ after a second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = export(&site, "2023", out.path(), "b.xlsx", false);
    assert_eq!(first, second, "same content, same XLSX bytes");
}

#[test]
fn export_then_import_round_trips_the_public_columns() {
    let sample = TestSite::sample();
    let out = tempfile::tempdir().unwrap();
    for year in ["2023", "2024"] {
        let csv = export(&sample, year, out.path(), &format!("{year}.csv"), false);
        let xlsx_name = format!("{year}.xlsx");
        export(&sample, year, out.path(), &xlsx_name, false);
        for source in [format!("{year}.csv"), xlsx_name.clone()] {
            let fresh = fresh_site();
            let sheet = out.path().join(&source);
            let message = import_ok(&fresh, &sheet, year);
            assert!(message.contains("0 bad row(s)"), "{message}");
            // The skeletons of 入选 cases hold placeholder text: `check` refuses them until
            // they are written; the sheet's columns are not touched by writing them.
            let check = fresh.run(&["check"]);
            let refused = stderr(&fresh, &check);
            assert_eq!(check.status.code(), Some(1), "{refused}");
            assert!(refused.contains("error[placeholder]"), "{refused}");
            write_up(fresh.root());
            run_ok(&fresh, &["check"]);
            let again = export(&fresh, year, out.path(), "again.csv", false);
            assert_eq!(
                String::from_utf8(again).unwrap(),
                String::from_utf8(csv.clone()).unwrap(),
                "{source}: export → import → export gives the same sheet"
            );
        }
    }
}

#[test]
fn private_columns_round_trip_too() {
    let sample = TestSite::sample();
    let out = tempfile::tempdir().unwrap();
    let csv = export(&sample, "2023", out.path(), "p.csv", true);
    let fresh = fresh_site();
    let sheet = out.path().join("p.csv");
    import_ok(&fresh, &sheet, "2023");
    write_up(fresh.root());
    run_ok(&fresh, &["check"]);
    let again = export(&fresh, "2023", out.path(), "again.csv", true);
    assert_eq!(again, csv);
}

#[test]
fn import_never_overwrites_and_reports_bad_rows() {
    let site = TestSite::fixture("minimal");
    let existing = site
        .root()
        .join("content/2023/甲方精密机械有限公司/index.md");
    let before = std::fs::read(&existing).unwrap();
    let sheet = write_sheet(&site, "list.csv", "\u{feff}序号,申报单位,经验题目,所属地区,领域,行业,方法\n\
         1,甲方精密机械有限公司,另一个题目,郑州市,可靠性提升,,\n\
         3,丙方电子有限公司,基于可靠性试验的电子产品质量提升经验,新乡,可靠性提升,新一代信息技术,可靠性试验\n\
         4,,缺少企业名称的经验,郑州市,可靠性提升,,\n\
         5,丁方材料有限公司,某经验,郑洲市,可靠性提升,,\n\
         6,戊方汽车有限公司,某经验,开封市,不存在的领域,汽车,\n\
         \n\
         x,己方食品有限公司,某经验,开封市,digital,食品、不存在的行业,\n\
         8,丙方电子有限公司,重复的企业,新乡市,可靠性提升,,\n");
    let (output, message) = import(&site, &sheet, "2023");
    assert_eq!(
        output.status.code(),
        Some(1),
        "bad rows give exit 1:\n{message}"
    );
    assert_eq!(
        std::fs::read(&existing).unwrap(),
        before,
        "existing case untouched"
    );
    assert!(message.contains(
        "skipped row 2 (甲方精密机械有限公司): content/2023/甲方精密机械有限公司/index.md already exists"
    ), "{message}");
    assert!(
        message.contains("created content/2023/丙方电子有限公司/index.md (row 3)"),
        "{message}"
    );
    for expected in [
        "error: row 4: 企业名称 is empty",
        "error: row 5 (丁方材料有限公司): list!D5 所属地区: unknown 地区 `郑洲市` for 2023 (did you mean `郑州市`?)",
        "error: row 6 (戊方汽车有限公司): list!E6 领域: unknown 重点领域 `不存在的领域` for 2023; give a number or a name: 1 贯彻GB/T 19004 质量管理实践, 2 质量管理数字化, 3 可靠性提升, 4 关键过程质量控制, 5 中小企业质量技术创新",
        "error: row 8 (己方食品有限公司): list!F8 行业: unknown 行业 `不存在的行业` for 2023; list!A8 序号: `x` is not a whole number",
        "error: row 9 (丙方电子有限公司): the same 企业名称 is on row 3",
        "1 case(s) created, 1 skipped, 5 bad row(s)",
    ] {
        assert!(message.contains(expected), "missing `{expected}` in:\n{message}");
    }
    for bad in ["丁方材料有限公司", "戊方汽车有限公司", "己方食品有限公司"]
    {
        assert!(
            !site.root().join("content/2023").join(bad).exists(),
            "no folder for the bad row of {bad}"
        );
    }
    let created = case_text(&site, "2023/丙方电子有限公司");
    assert!(created.contains("number: 3\n"), "{created}");
    assert!(created.contains("region: \"xinxiang\""), "{created}");
    assert!(
        created.contains("methods: [\"reliability-test\"]"),
        "{created}"
    );
    assert!(!created.contains("private:"), "{created}");
    // No temporary file is left behind.
    let leftovers: Vec<_> = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".biaogan"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The scaffolded case is valid content.
    run_ok(&site, &["check"]);
}

#[test]
fn import_reads_gb18030_csv_with_a_title_row() {
    let site = TestSite::fixture("minimal");
    let text = "2023年质量标杆典型经验推荐汇总表\r\n序号,单位名称,经验名称,地区,重点领域,行业,方法,状态,联系电话,2022年利润（万元）\r\n1,庚方包装有限公司,实施精益管理提升包装质量的经验,济源,关键过程质量控制,轻纺,精益管理,推荐,0391-5550000,\"1,250\"\r\n";
    let (bytes, _, errors) = encoding_rs::GB18030.encode(text);
    assert!(!errors);
    let sheet = write_sheet(&site, "list.csv", &bytes);
    let message = import_ok(&site, &sheet, "2023");
    assert!(
        message.contains("created content/2023/庚方包装有限公司/index.md (row 3)"),
        "{message}"
    );
    let created = case_text(&site, "2023/庚方包装有限公司");
    assert!(created.contains("region: \"jiyuan\""), "{created}");
    assert!(created.contains("phone: \"0391-5550000\""), "{created}");
    assert!(created.contains("profit: {2022: 1250}"), "{created}");
    assert!(created.contains("status: \"推荐\""), "{created}");
}

#[test]
fn import_reads_xlsx_rows_with_their_sheet_row_numbers() {
    let site = TestSite::fixture("minimal");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "推荐名单").unwrap();
    let rows: [&[&str]; 3] = [
        &["企业名称", "典型经验名称", "推荐地区", "重点领域"],
        &["辛方机械有限公司", "某经验", "郑州市", "质量管理数字化"],
        &["壬方机械有限公司", "某经验", "郑州市", ""],
    ];
    write_rows(sheet, 2, &rows);
    let path = site.root().join("list.xlsx");
    workbook.save(&path).unwrap();
    let (output, message) = import(&site, &path, "2023");
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains("created content/2023/辛方机械有限公司/index.md (row 4)"),
        "{message}"
    );
    assert!(
        message.contains("error: row 5 (壬方机械有限公司): 重点领域 is empty"),
        "{message}"
    );
}

#[test]
fn import_warns_about_quotas_and_refuses_bad_folder_names() {
    let site = fresh_site();
    let mut sheet = String::from("企业名称,典型经验名称,地区,重点领域\n");
    for n in 1..=11 {
        sheet.push_str(&format!("郑州第{n}机械有限公司,某经验,郑州市,可靠性提升\n"));
    }
    sheet.push_str("../越界有限公司,某经验,郑州市,可靠性提升\n");
    let path = write_sheet(&site, "list.csv", sheet);
    let (output, message) = import(&site, &path, "2023");
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains(
            "error: row 13 (../越界有限公司): list!A13 企业名称: `../越界有限公司` cannot be a folder name"
        ),
        "{message}"
    );
    assert!(
        message.contains("warning: 郑州市 now has 11 cases in 2023, over its quota of 10"),
        "{message}"
    );
    assert!(!site.root().join("content/越界有限公司").exists());
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1), "check enforces the quota");
}

#[test]
fn import_refuses_a_sheet_without_enterprise_column() {
    let site = TestSite::fixture("minimal");
    let sheet = write_sheet(&site, "list.csv", "名称,地区\n甲,郑州市\n");
    let (output, message) = import(&site, &sheet, "2023");
    assert_eq!(output.status.code(), Some(1));
    assert!(message.contains("no header row naming the enterprise column"));
}

#[test]
fn export_refuses_content_with_errors() {
    let site = TestSite::invalid("bad-credit-code");
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("s.csv");
    let output = site.run(&[
        "export",
        "summary",
        "--year",
        "2023",
        "--out",
        path.to_str().unwrap(),
    ]);
    let message = stderr(&site, &output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(message.contains("credit-code"), "{message}");
    assert!(message.contains("nothing was exported"), "{message}");
    assert!(!path.exists());
}

/// The site at `root` loaded with its taxonomies, drafts removed (as published).
fn load(root: &Path) -> (biaogan::content::Site, Vec<biaogan::taxonomy::Taxonomy>) {
    let highlighter = biaogan::markdown::Highlighter::new();
    let checked = biaogan::build::load_and_check(root, None, &highlighter).unwrap();
    let site = checked.site.without_drafts();
    let taxonomies = biaogan::taxonomy::build(&site);
    (site, taxonomies)
}

/// `key: value` of the front matter of every published case of `year`, read line by line
/// (an oracle independent of the loader).
fn front_matter_values(root: &Path, year: u16, key: &str) -> Vec<String> {
    let mut values = Vec::new();
    let dir = root.join("content").join(year.to_string());
    for entry in std::fs::read_dir(dir).unwrap() {
        let index = entry.unwrap().path().join("index.md");
        let Ok(text) = std::fs::read_to_string(index) else {
            continue;
        };
        let front: Vec<&str> = text.lines().skip(1).take_while(|l| *l != "---").collect();
        if front.contains(&"draft: true") {
            continue;
        }
        let prefix = format!("{key}: ");
        if let Some(line) = front.iter().find(|l| l.starts_with(&prefix)) {
            values.push(line[prefix.len()..].trim().to_string());
        }
    }
    values
}

#[test]
fn stats_count_the_sample_site() {
    let sample = TestSite::sample();
    let (site, taxonomies) = load(sample.root());
    for year in [2023, 2024] {
        let stats = biaogan::summary::year_stats(&site, &taxonomies, year);
        let vocab = site.vocabulary(year);
        let regions = front_matter_values(sample.root(), year, "region");
        let areas = front_matter_values(sample.root(), year, "area");
        assert_eq!(stats.total, regions.len());
        assert_eq!(stats.areas.len(), vocab.areas.len(), "every area listed");
        assert_eq!(
            stats.areas.iter().map(|r| r.count).sum::<usize>(),
            stats.total
        );
        let mut expected: BTreeMap<String, usize> = BTreeMap::new();
        for region in &regions {
            let id = vocab
                .resolve(biaogan::vocab::Kind::Regions, region)
                .unwrap()
                .id
                .clone();
            *expected.entry(id).or_default() += 1;
        }
        let counted: BTreeMap<String, usize> = stats
            .regions
            .iter()
            .map(|r| (r.id.clone(), r.count))
            .collect();
        assert_eq!(counted, expected, "{year} by region");
        for row in &stats.regions {
            assert_eq!(
                row.quota,
                vocab
                    .resolve(biaogan::vocab::Kind::Regions, &row.id)
                    .unwrap()
                    .quota
            );
            assert_eq!(row.url.as_deref(), Some(&*format!("regions/{}/", row.id)));
        }
        let mut expected_areas: BTreeMap<String, usize> = BTreeMap::new();
        for area in &areas {
            let id = vocab
                .resolve(biaogan::vocab::Kind::Areas, area)
                .unwrap()
                .id
                .clone();
            *expected_areas.entry(id).or_default() += 1;
        }
        for row in &stats.areas {
            assert_eq!(
                row.count,
                expected_areas.get(&row.id).copied().unwrap_or(0),
                "{year} area {}",
                row.id
            );
        }
        let industries_total: usize = stats.industries.iter().map(|r| r.count).sum();
        assert!(
            industries_total >= stats.total,
            "every case counted at least once"
        );
    }
}

#[test]
fn stats_of_the_minimal_fixture() {
    let site = TestSite::fixture("minimal");
    let (site, taxonomies) = load(site.root());
    let stats = biaogan::summary::year_stats(&site, &taxonomies, 2023);
    assert_eq!(stats.total, 2);
    let pairs = |rows: &[biaogan::summary::stats::StatRow]| -> Vec<(String, usize, Option<u32>)> {
        rows.iter()
            .map(|r| (r.name.clone(), r.count, r.quota))
            .collect()
    };
    assert_eq!(
        pairs(&stats.regions),
        [
            ("郑州市".to_string(), 1, Some(10)),
            ("洛阳市".to_string(), 1, Some(10))
        ]
    );
    assert_eq!(
        pairs(&stats.industries),
        [("装备".to_string(), 1, None), ("食品".to_string(), 1, None)]
    );
    assert_eq!(
        stats.areas.iter().filter(|r| r.count > 0).count(),
        2,
        "{:?}",
        stats.areas
    );
}

/// Parses `svg` as XML: every element closed, one root `<svg>`; returns the element names.
fn parse_svg(svg: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut roots = 0;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("{e} in {svg}"))
        {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if stack.is_empty() {
                    roots += 1;
                }
                for attribute in e.attributes() {
                    attribute.unwrap();
                }
                names.push(name.clone());
                stack.push(name);
            }
            Event::Empty(e) => {
                assert!(!stack.is_empty(), "empty element outside the root");
                names.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap());
            }
            Event::End(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                assert_eq!(stack.pop(), Some(name), "balanced tags in {svg}");
            }
            Event::Text(t) => {
                assert!(
                    !stack.is_empty() || t.decode().unwrap().trim().is_empty(),
                    "text outside the root"
                );
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1);
    names
}

#[test]
fn charts_are_well_formed_accessible_svg() {
    let sample = TestSite::sample();
    let (site, taxonomies) = load(sample.root());
    for year in [2023, 2024] {
        let context = biaogan::summary::stats_context(&site, &taxonomies, year);
        assert_eq!(context.charts.len(), 3);
        for chart in &context.charts {
            let names = parse_svg(&chart.svg);
            assert_eq!(names[0], "svg");
            assert!(names.contains(&"title".to_string()));
            assert!(names.contains(&"desc".to_string()));
            assert!(chart.svg.contains(r#"role="img""#));
            assert!(chart.svg.contains("aria-labelledby="));
            assert!(chart.svg.contains("currentColor"));
            assert!(!chart.svg.contains("<script"));
            assert!(!chart.svg.contains("href"), "no external resource");
            assert!(!chart.svg.contains("url("), "no external resource");
            for row in &chart.table {
                assert!(chart.svg.contains(&row.name), "{} is drawn", row.name);
            }
        }
        let regions = &context.charts[1];
        assert!(regions.svg.contains("stroke-dasharray"), "quota markers");
        let json = serde_json::to_value(&context).unwrap();
        assert!(json["charts"][1]["table"][0]["quota"].as_u64().is_some());
    }
    let odd = biaogan::summary::bar_chart_svg(
        "<&>\"'",
        &[
            ("a&b<c>".to_string(), 2, None),
            ("\"'".to_string(), 0, Some(1)),
        ],
    );
    parse_svg(&odd);
    parse_svg(&biaogan::summary::bar_chart_svg("空", &[]));
    let table = biaogan::summary::table_html("按地区", "地区", &[("<x>".to_string(), 1, Some(2))]);
    assert!(table.contains("&lt;x&gt;"));
}

/// The front matter of the three cases of the bureau sheet of issue #15, as `import` must
/// write them: 推荐单位 resolved to 洛阳市, areas by number (`3`, full-width `２`) and by name,
/// the lower-case credit code upper-cased, profits cleaned of `２，１００`, `2300.0` and
/// `2,450万元`, 备注 kept in `private.extra`.
const BUREAU_CASES: [(&str, &str); 3] = [
    (
        "洛阳金岭轴承有限公司",
        "---\ntitle: \"基于可靠性试验的风电轴承寿命提升经验\"\nenterprise: \"洛阳金岭轴承有限公司\"\nyear: 2025\nnumber: 1\nregion: \"luoyang\"\narea: \"reliability\"\nindustry: []\nmethods: []\ntags: []\nsummary: \"（用一到三句话概括经验）\"\nstatus: 推荐\nprivate:\n  contact: \"王某某\"\n  phone: \"0379-65550001\"\n  credit_code: \"91410300MA9KX3T2LP\"\n  profit: {2022: 1250, 2023: 1380.5, 2024: 1520}\n  extra:\n    \"备注\": \"省级专精特新企业\"\n---\n",
    ),
    (
        "洛阳启辰智能装备股份有限公司",
        "---\ntitle: \"实施质量数据平台推动焊接质量数字化管控的经验\"\nenterprise: \"洛阳启辰智能装备股份有限公司\"\nyear: 2025\nnumber: 2\nregion: \"luoyang\"\narea: \"digital\"\nindustry: []\nmethods: []\ntags: []\nsummary: \"（用一到三句话概括经验）\"\nstatus: 推荐\nprivate:\n  contact: \"李某某\"\n  phone: \"13800000002\"\n  credit_code: \"91410300MA9LB7U4CT\"\n  profit: {2022: 2100, 2023: 2300, 2024: 2450}\n---\n",
    ),
    (
        "洛阳瑞丰新材料科技有限公司",
        "---\ntitle: \"基于根因分析的关键工序质量控制实践经验\"\nenterprise: \"洛阳瑞丰新材料科技有限公司\"\nyear: 2025\nnumber: 3\nregion: \"luoyang\"\narea: \"key-process\"\nindustry: []\nmethods: []\ntags: []\nsummary: \"（用一到三句话概括经验）\"\nstatus: 推荐\nprivate:\n  contact: \"张某某\"\n  phone: \"0379-65550003\"\n  credit_code: \"91410323MA9NQ5W8DD\"\n  profit: {2022: 860, 2023: 910, 2024: 1010}\n  extra:\n    \"备注\": \"拟推荐参加全国质量标杆遴选\"\n---\n",
    ),
];

/// The front matter block (both `---` lines included) of `text`.
fn front_matter(text: &str) -> &str {
    let end = text[4..].find("\n---\n").unwrap() + 4 + 5;
    &text[..end]
}

/// The bureau sheet of issue #15 as an XLSX workbook with merged cells, laid out like the
/// provincial template: a merged title row, a `填报单位` line, a two-row header in which
/// `近三年利润（万元）` spans the three year columns and the other headers are merged down.
/// `tests/fixtures/summary/bureau-2025.fods` holds the same sheet; LibreOffice saved it as
/// the `.xls`, `.ods`, `.xlsx` and CSV fixtures next to it (the CSV then encoded as GB18030
/// with CRLF, as Excel and WPS save CSV on Chinese Windows).
fn bureau_xlsx(path: &Path) {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("2025年汇总表").unwrap();
    let center = Format::new()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    sheet
        .merge_range(0, 0, 0, 11, "2025年河南省质量标杆汇总表", &center)
        .unwrap();
    sheet
        .merge_range(
            1,
            0,
            1,
            11,
            "填报单位（盖章）：洛阳市工业和信息化局",
            &Format::new(),
        )
        .unwrap();
    for (col, header) in [
        (0, "序号"),
        (1, "推荐单位"),
        (2, "企业名称"),
        (3, "质量标杆典型经验名称"),
        (4, "所属重点领域"),
        (5, "统一社会信用代码"),
        (9, "联系人"),
        (10, "联系电话"),
        (11, "备注"),
    ] {
        sheet.merge_range(2, col, 3, col, header, &center).unwrap();
    }
    sheet
        .merge_range(2, 6, 2, 8, "近三年利润（万元）", &center)
        .unwrap();
    for (col, year) in [(6, "2022年"), (7, "2023年"), (8, "2024年")] {
        sheet.write_string(3, col, year).unwrap();
    }
    enum V {
        S(&'static str),
        N(f64),
        E,
    }
    use V::{E, N, S};
    let rows = [
        [
            N(1.0),
            S("洛阳市工业和信息化局"),
            S("洛阳金岭轴承有限公司"),
            S("基于可靠性试验的风电轴承寿命提升经验"),
            N(3.0),
            S("91410300ma9kx3t2lp"),
            N(1250.0),
            N(1380.5),
            N(1520.0),
            S("王某某"),
            S("0379-65550001"),
            S("省级专精特新企业"),
        ],
        [
            N(2.0),
            S("洛阳市工业和信息化局"),
            S("洛阳启辰智能装备股份有限公司"),
            S("实施质量数据平台推动焊接质量数字化管控的经验"),
            S("２"),
            S("91410300MA9LB7U4CT"),
            S("２，１００"),
            S("2300.0"),
            S("2,450万元"),
            S("李某某"),
            N(13800000002.0),
            E,
        ],
        [
            N(3.0),
            S("洛阳市工信局"),
            S("洛阳瑞丰新材料科技有限公司"),
            S("基于根因分析的关键工序质量控制实践经验"),
            S("关键过程质量控制"),
            S("91410323MA9NQ5W8DD"),
            N(860.0),
            N(910.0),
            N(1010.0),
            S("张某某"),
            S("0379-65550003"),
            S("拟推荐参加全国质量标杆遴选"),
        ],
    ];
    for (index, row) in rows.iter().enumerate() {
        for (col, value) in row.iter().enumerate() {
            let (r, c) = (4 + index as u32, col as u16);
            match value {
                S(text) => {
                    sheet.write_string(r, c, *text).unwrap();
                }
                N(number) => {
                    sheet.write_number(r, c, *number).unwrap();
                }
                E => {}
            }
        }
    }
    sheet
        .write_string(8, 0, "填表人：赵某某　联系电话：0379-65550000")
        .unwrap();
    workbook.save(path).unwrap();
}

#[test]
fn issue_15_bureau_sheet_imports_the_same_from_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("洛阳市汇总表.xlsx");
    bureau_xlsx(&written);
    let fixtures = common::fixtures().join("summary");
    let sheets = [
        (written, "2025年汇总表"),
        (
            fixtures.join("bureau-2025-libreoffice.xlsx"),
            "2025年汇总表",
        ),
        (fixtures.join("bureau-2025.xls"), "2025年汇总表"),
        (fixtures.join("bureau-2025.ods"), "2025年汇总表"),
        (
            fixtures.join("bureau-2025-gb18030.csv"),
            "bureau-2025-gb18030",
        ),
    ];
    for (sheet, name) in sheets {
        let site = fresh_site();
        let (output, message) = import(&site, &sheet, "2025");
        assert!(output.status.success(), "{}:\n{message}", sheet.display());
        for expected in [
            format!("read {name} of "),
            ": header on rows 3–4, 3 data row(s)".to_string(),
            "above the header, row 1: 2025年河南省质量标杆汇总表".to_string(),
            "above the header, row 2: 填报单位（盖章）：洛阳市工业和信息化局".to_string(),
            "填报单位 洛阳市工业和信息化局 is 洛阳市: rows without 地区 belong to it".to_string(),
            "created content/2025/洛阳金岭轴承有限公司/index.md (row 5)".to_string(),
            "created content/2025/洛阳瑞丰新材料科技有限公司/index.md (row 7)".to_string(),
            "note: row 9 is not a case: 填表人：赵某某　联系电话：0379-65550000".to_string(),
            format!("kept 2 cell(s) in private.extra (no field of their own; never published):\n  {name}!L5 备注: 省级专精特新企业\n  {name}!L7 备注: 拟推荐参加全国质量标杆遴选\n"),
            "imported 3 row(s): 33 cell(s) into fields, 2 kept in private.extra, 1 empty".to_string(),
            "3 case(s) created, 0 skipped, 0 bad row(s)".to_string(),
        ] {
            assert!(
                message.contains(&expected),
                "{}: missing `{expected}` in:\n{message}",
                sheet.display()
            );
        }
        for (enterprise, expected) in BUREAU_CASES {
            let text = std::fs::read_to_string(
                site.root()
                    .join("content/2025")
                    .join(enterprise)
                    .join("index.md"),
            )
            .unwrap();
            assert_eq!(front_matter(&text), expected, "{}", sheet.display());
        }
        // Skeletons of 推荐 cases: placeholder warnings, not errors.
        let check = site.run(&["check"]);
        let checked = stderr(&site, &check);
        assert!(check.status.success(), "{checked}");
        assert_eq!(
            checked.matches("warning[placeholder]").count(),
            3,
            "{checked}"
        );
    }
}

#[test]
fn issue_15_kept_cells_never_reach_the_public_site() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("洛阳市汇总表.xlsx");
    bureau_xlsx(&sheet);
    let site = fresh_site();
    import_ok(&site, &sheet, "2025");
    write_up(site.root());
    run_ok(&site, &["build"]);
    let mut files = 0;
    for entry in walkdir::WalkDir::new(site.public()) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(entry.path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for private in [
            "省级专精特新企业",
            "拟推荐参加全国质量标杆遴选",
            "91410300MA9KX3T2LP",
            "0379-65550001",
            "王某某",
        ] {
            assert!(
                !text.contains(private),
                "{} leaks {private}",
                entry.path().display()
            );
        }
    }
    assert!(files > 10, "the site was built");
    let published = walkdir::WalkDir::new(site.public())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .any(|e| {
            String::from_utf8_lossy(&std::fs::read(e.path()).unwrap())
                .contains("基于可靠性试验的风电轴承寿命提升经验")
        });
    assert!(published, "the imported titles are published");
}

#[test]
fn issue_15_one_row_header_keeps_every_unknown_cell() {
    let site = fresh_site();
    let sheet = write_sheet(&site, "名单.csv", "\u{feff}序号,推荐单位,企业名称,质量标杆典型经验名称,所属领域,推荐理由,,备注,备注\r\n\
         1,巩义市工信局,巩义恒通耐材有限公司,实施精益管理提升耐材质量一致性的经验,4,行业龙头,手写补充,甲,乙\r\n");
    let message = import_ok(&site, &sheet, "2025");
    for expected in [
        "kept 4 cell(s) in private.extra",
        "  名单!F2 推荐理由: 行业龙头\n",
        "  名单!G2 G列: 手写补充\n",
        "  名单!H2 备注: 甲\n",
        "  名单!I2 备注（I列）: 乙\n",
        "imported 1 row(s): 5 cell(s) into fields, 4 kept in private.extra, 0 empty",
    ] {
        assert!(
            message.contains(expected),
            "missing `{expected}` in:\n{message}"
        );
    }
    let text = case_text(&site, "2025/巩义恒通耐材有限公司");
    assert!(
        text.contains("title: \"实施精益管理提升耐材质量一致性的经验\"\n"),
        "{text}"
    );
    assert!(
        text.contains("region: \"gongyi\"\narea: \"key-process\"\n"),
        "{text}"
    );
    assert!(
        text.contains("private:\n  extra:\n    \"推荐理由\": \"行业龙头\"\n    \"G列\": \"手写补充\"\n    \"备注\": \"甲\"\n    \"备注（I列）\": \"乙\"\n---\n"),
        "{text}"
    );
}

#[test]
fn issue_15_bad_values_name_the_sheet_row_and_cell() {
    let site = fresh_site();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("2025年汇总表").unwrap();
    sheet
        .write_string(0, 0, "2025年河南省质量标杆汇总表")
        .unwrap();
    let rows: [&[&str]; 2] = [
        &[
            "推荐单位",
            "企业名称",
            "经验名称",
            "所属重点领域",
            "统一社会信用代码",
            "2022年利润（万元）",
        ],
        &[
            "新乡市工信局",
            "新乡某电机有限公司",
            "某经验",
            "9",
            "91410700ma9kx3t2lx",
            "-12",
        ],
    ];
    write_rows(sheet, 1, &rows);
    let path = site.root().join("汇总表.xlsx");
    workbook.save(&path).unwrap();
    let (output, message) = import(&site, &path, "2025");
    assert_eq!(output.status.code(), Some(1), "{message}");
    for expected in [
        "error: row 3 (新乡某电机有限公司): 2025年汇总表!D3 所属重点领域: unknown 重点领域 `9` for 2025; give a number or a name: 1 贯彻GB/T 19004 质量管理实践",
        "; 2025年汇总表!E3 统一社会信用代码: `91410700MA9KX3T2LX` check digit is `X` but should be `C`",
        "; 2025年汇总表!F3 2022年利润（万元）: 2022年利润 is -12: the notice requires three profitable years",
        "imported 0 row(s): 0 cell(s) into fields, 0 kept in private.extra, 0 empty",
        "0 case(s) created, 0 skipped, 1 bad row(s)",
    ] {
        assert!(message.contains(expected), "missing `{expected}` in:\n{message}");
    }
    assert!(!site.root().join("content/2025").exists());
}

#[test]
fn issue_15_placeholders_are_errors_for_selected_cases() {
    let site = fresh_site();
    let sheet = write_sheet(&site, "list.csv", "企业名称,地区,重点领域,状态\n甲方机械有限公司,郑州市,可靠性提升,入选\n乙方机械有限公司,郑州市,质量管理数字化,推荐\n");
    import_ok(&site, &sheet, "2025");
    let check = site.run(&["check"]);
    let message = stderr(&site, &check);
    assert_eq!(check.status.code(), Some(1), "{message}");
    assert!(
        message.contains("error[placeholder]: placeholder text from the case skeleton is still here (and on line 10, 16, 20, 24, 28, 32)\n --> content/2025/甲方机械有限公司/index.md:2:9\n"),
        "{message}"
    );
    assert!(
        message.contains("warning[placeholder]: placeholder text from the case skeleton is still here (and on line 10, 16, 20, 24, 28, 32)\n --> content/2025/乙方机械有限公司/index.md:2:9\n"),
        "{message}"
    );
    // A draft is not published: a warning.
    let selected = site.root().join("content/2025/甲方机械有限公司/index.md");
    let text = std::fs::read_to_string(&selected).unwrap();
    std::fs::write(
        &selected,
        text.replacen("status:", "draft: true\nstatus:", 1),
    )
    .unwrap();
    let check = site.run(&["check"]);
    assert!(check.status.success(), "{}", stderr(&site, &check));
    write_up(site.root());
    let check = site.run(&["check"]);
    let message = stderr(&site, &check);
    assert!(!message.contains("placeholder"), "{message}");
}

#[test]
fn issue_16_front_matter_accepts_an_authority_as_its_region() {
    let site = TestSite::fixture("minimal");
    let path = site.root().join("content/2023/乙方食品有限公司/index.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let region_line = text
        .lines()
        .find(|l| l.starts_with("region:"))
        .unwrap()
        .to_string();
    std::fs::write(
        &path,
        text.replacen(&region_line, "region: 洛阳市工业和信息化局", 1),
    )
    .unwrap();
    run_ok(&site, &["check"]);
    let out = tempfile::tempdir().unwrap();
    let records = csv_records(&export(&site, "2023", out.path(), "s.csv", false));
    assert_eq!(records[2][1..3], ["洛阳市", "乙方食品有限公司"]);
    // Short forms stay an error in front matter, with the suggestion.
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("region: 洛阳市工业和信息化局", "region: 洛阳", 1),
    )
    .unwrap();
    let check = site.run(&["check"]);
    let message = stderr(&site, &check);
    assert_eq!(check.status.code(), Some(1), "{message}");
    assert!(message.contains("did you mean `洛阳市`?"), "{message}");
}

#[test]
fn issue_15_rows_without_region_take_the_reporting_unit() {
    let site = fresh_site();
    let sheet = write_sheet(&site, "巩义.csv", "2025年质量标杆推荐汇总表\n填报单位（盖章）：巩义市工业和信息化局\n企业名称,经验名称,领域,联系人手机\n\
         巩义恒通耐材有限公司,实施精益管理提升耐材质量一致性的经验,四,１３８ ０００ ０００ ０５\n");
    let message = import_ok(&site, &sheet, "2025");
    assert!(
        message.contains("填报单位 巩义市工业和信息化局 is 巩义市: rows without 地区 belong to it"),
        "{message}"
    );
    let text = case_text(&site, "2025/巩义恒通耐材有限公司");
    assert!(
        text.contains("region: \"gongyi\"\narea: \"key-process\"\n"),
        "{text}"
    );
    assert!(text.contains("  phone: \"138 000 000 05\"\n"), "{text}");
}
