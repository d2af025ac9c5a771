//! The organizers' summary sheet (汇总表) and per-year statistics.
//!
//! Owns the export of a year's cases as a sheet (CSV with a byte-order mark so Excel reads the
//! Chinese correctly, and XLSX), the import of a recommended list back into case folders
//! ([`import`](mod@import)), and the statistics of a year ([`stats`]: counts by focus area,
//! region and industry, drawn as inline SVG bar charts). Pure functions over the
//! [`Site`] model apart from reading the imported sheet and scaffolding case folders.
//!
//! Private application data (contact, phone, credit code, profits) enters a row only when
//! the caller asks for the private sheet; the public sheet published on the site never reads
//! [`crate::content::Case::private`].

use std::collections::{BTreeMap, BTreeSet};

use crate::content::{Case, Site};
use crate::error::{Error, Result};
use crate::vocab::{Kind, Vocabulary};

pub mod import;
pub mod stats;

pub use import::{
    import, read_sheet, ImportReport, ImportRow, Imported, KeptCell, RowProblem, SheetCell,
    SheetRows,
};
pub use stats::{bar_chart_svg, stats_context, table_html, year_stats, YearStats};

/// Separator of several industries or methods in one cell.
pub const LIST_SEPARATOR: &str = "、";

/// Headers of the public columns, in order.
pub const PUBLIC_HEADERS: [&str; 8] = [
    "序号",
    "地区",
    "企业名称",
    "典型经验名称",
    "重点领域",
    "行业",
    "方法",
    "状态",
];

/// Headers of the private columns that precede the profit columns, in order.
pub const PRIVATE_HEADERS: [&str; 3] = ["联系人", "电话", "统一社会信用代码"];

/// One line of the summary sheet: one case.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct SummaryRow {
    /// 序号: the case's official number, else its position in the sheet (from 1).
    pub number: u32,
    /// 地区 (name).
    pub region: String,
    /// 企业名称.
    pub enterprise: String,
    /// 典型经验名称.
    pub title: String,
    /// 重点领域 (name).
    pub area: String,
    /// 行业 (names joined with `、`).
    pub industries: String,
    /// 方法 (names joined with `、`).
    pub methods: String,
    /// 状态 (入选 / 推荐 …), empty when not given.
    pub status: String,
    /// 联系人 (private sheet only; empty otherwise).
    pub contact: String,
    /// 电话 (private sheet only).
    pub phone: String,
    /// 统一社会信用代码 (private sheet only).
    pub credit_code: String,
    /// 利润（万元）by year (private sheet only).
    pub profit: BTreeMap<u16, f64>,
}

/// The summary rows of `year`: every case of that year in `site` (pass a site without drafts
/// for the published sheet), sorted by region in vocabulary order, then by enterprise name.
/// Private columns are filled only when `include_private` is set.
pub fn rows(site: &Site, year: u16, include_private: bool) -> Vec<SummaryRow> {
    let vocab = site.vocabulary(year);
    let region_order = |id: &str| vocab.position(Kind::Regions, id);
    let mut cases: Vec<&Case> = site.cases.iter().filter(|c| c.year == year).collect();
    cases.sort_by(|a, b| {
        region_order(&a.region)
            .cmp(&region_order(&b.region))
            .then_with(|| a.region.cmp(&b.region))
            .then_with(|| a.enterprise.cmp(&b.enterprise))
    });
    cases
        .into_iter()
        .enumerate()
        .map(|(index, case)| {
            let mut row = public_row(&vocab, case, index);
            if include_private {
                if let Some(private) = &case.private {
                    row.contact = private.contact.clone().unwrap_or_default();
                    row.phone = private.phone.clone().unwrap_or_default();
                    row.credit_code = private.credit_code.clone().unwrap_or_default();
                    row.profit = private.profit.clone();
                }
            }
            row
        })
        .collect()
}

/// The public columns of `case`'s row, at 0-based `index` in the sheet (rows are ordered by
/// region, then enterprise; the index numbers a case without a 序号).
pub fn public_row(vocab: &Vocabulary, case: &Case, index: usize) -> SummaryRow {
    SummaryRow {
        number: case
            .number
            .unwrap_or_else(|| u32::try_from(index + 1).unwrap_or(u32::MAX)),
        region: name_of(vocab, Kind::Regions, &case.region),
        enterprise: case.enterprise.clone(),
        title: case.title.clone(),
        area: name_of(vocab, Kind::Areas, &case.area),
        industries: names_of(vocab, Kind::Industries, &case.industries),
        methods: names_of(vocab, Kind::Methods, &case.methods),
        status: case.status.clone().unwrap_or_default(),
        ..SummaryRow::default()
    }
}

fn name_of(vocab: &Vocabulary, kind: Kind, id: &str) -> String {
    vocab
        .resolve(kind, id)
        .map_or_else(|| id.to_string(), |t| t.name.clone())
}

fn names_of(vocab: &Vocabulary, kind: Kind, ids: &[String]) -> String {
    ids.iter()
        .map(|id| name_of(vocab, kind, id))
        .collect::<Vec<_>>()
        .join(LIST_SEPARATOR)
}

/// The years that get a profit column: the three years before `year` (the notice asks for
/// three profitable years) and any other year found in the rows.
pub fn profit_years(year: u16, rows: &[SummaryRow]) -> Vec<u16> {
    let mut years: BTreeSet<u16> = (1..=3).filter_map(|n| year.checked_sub(n)).collect();
    for row in rows {
        years.extend(row.profit.keys().copied());
    }
    years.into_iter().collect()
}

/// Header of the profit column of `year`, e.g. `2020年利润（万元）`.
pub fn profit_header(year: u16) -> String {
    format!("{year}年利润（万元）")
}

/// The headers of the sheet of `year`, in order.
pub fn headers(year: u16, rows: &[SummaryRow], include_private: bool) -> Vec<String> {
    let mut headers: Vec<String> = PUBLIC_HEADERS.iter().map(|h| (*h).to_string()).collect();
    if include_private {
        headers.extend(PRIVATE_HEADERS.iter().map(|h| (*h).to_string()));
        headers.extend(profit_years(year, rows).into_iter().map(profit_header));
    }
    headers
}

/// A cell of the sheet: text, or a number (written as a number in XLSX).
#[derive(Debug, Clone, PartialEq)]
enum Cell<'a> {
    Text(&'a str),
    Number(f64),
    Empty,
}

fn cells<'a>(row: &'a SummaryRow, years: &[u16], include_private: bool) -> Vec<Cell<'a>> {
    let mut cells = vec![
        Cell::Number(f64::from(row.number)),
        Cell::Text(&row.region),
        Cell::Text(&row.enterprise),
        Cell::Text(&row.title),
        Cell::Text(&row.area),
        Cell::Text(&row.industries),
        Cell::Text(&row.methods),
        Cell::Text(&row.status),
    ];
    if include_private {
        cells.push(Cell::Text(&row.contact));
        cells.push(Cell::Text(&row.phone));
        cells.push(Cell::Text(&row.credit_code));
        for year in years {
            cells.push(
                row.profit
                    .get(year)
                    .map_or(Cell::Empty, |p| Cell::Number(*p)),
            );
        }
    }
    cells
}

/// Protects a text cell against formula injection in spreadsheet programs: a value starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which
/// [`import`](mod@import) removes again.
pub fn csv_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The sheet of `year` as CSV: UTF-8 with a byte-order mark (so that Excel shows the Chinese
/// correctly), a header row, one line per row. Private columns only with `include_private`.
pub fn write_csv(rows: &[SummaryRow], year: u16, include_private: bool) -> Result<Vec<u8>> {
    let csv_error = |e: csv::Error| Error::Summary {
        format: "CSV",
        message: e.to_string(),
    };
    let years = profit_years(year, rows);
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::from("\u{feff}".as_bytes()));
    writer
        .write_record(headers(year, rows, include_private))
        .map_err(csv_error)?;
    for row in rows {
        let record: Vec<String> = cells(row, &years, include_private)
            .into_iter()
            .map(|cell| match cell {
                Cell::Text(text) => csv_safe(text).into_owned(),
                Cell::Number(n) => n.to_string(),
                Cell::Empty => String::new(),
            })
            .collect();
        writer.write_record(&record).map_err(csv_error)?;
    }
    writer.into_inner().map_err(|e| Error::Summary {
        format: "CSV",
        message: e.error().to_string(),
    })
}

/// Name of the worksheet of `year`, e.g. `2023年汇总表`.
pub fn sheet_name(year: u16) -> String {
    format!("{year}年汇总表")
}

/// The sheet of `year` as an XLSX workbook (in memory): one worksheet named like
/// `2023年汇总表`, a bold frozen header row with a filter, column widths that fit Chinese
/// text. Private columns only with `include_private`. The workbook's creation date is fixed
/// (1 January of `year`) so that the same content gives the same bytes.
pub fn write_xlsx(rows: &[SummaryRow], year: u16, include_private: bool) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook};
    let xlsx_error = |e: rust_xlsxwriter::XlsxError| Error::Summary {
        format: "XLSX",
        message: e.to_string(),
    };
    let headers = headers(year, rows, include_private);
    let years = profit_years(year, rows);
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(year, 1, 1).map_err(xlsx_error)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(sheet_name(year))
            .set_creation_datetime(&created),
    );
    let bold = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let text = Format::new().set_num_format("@");
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(year)).map_err(xlsx_error)?;
    let mut widths: Vec<f64> = headers.iter().map(|h| display_width(h)).collect();
    for (col, header) in headers.iter().enumerate() {
        let col = column(col)?;
        sheet
            .write_string_with_format(0, col, header.as_str(), &bold)
            .map_err(xlsx_error)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let line = u32::try_from(index + 1).map_err(|_| Error::SheetTooLarge { what: "rows" })?;
        for (col, cell) in cells(row, &years, include_private).into_iter().enumerate() {
            let width = match &cell {
                Cell::Text(value) => display_width(value),
                Cell::Number(n) => n.to_string().len() as f64,
                Cell::Empty => 0.0,
            };
            if let Some(w) = widths.get_mut(col) {
                *w = w.max(width);
            }
            let col = column(col)?;
            match cell {
                // Text is stored as text, never as a formula; phone numbers and credit codes
                // keep their leading zeros.
                Cell::Text(value) => sheet.write_string_with_format(line, col, value, &text),
                Cell::Number(n) => sheet.write_number(line, col, n),
                Cell::Empty => continue,
            }
            .map_err(xlsx_error)?;
        }
    }
    for (col, width) in widths.iter().enumerate() {
        sheet
            .set_column_width(column(col)?, (width + 2.0).clamp(6.0, 60.0))
            .map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let last_col = column(headers.len().saturating_sub(1))?;
    sheet
        .autofilter(0, 0, last_row, last_col)
        .map_err(xlsx_error)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}

fn column(index: usize) -> Result<u16> {
    u16::try_from(index).map_err(|_| Error::SheetTooLarge { what: "columns" })
}

/// Width of `text` in spreadsheet character units: CJK and full-width characters count two.
fn display_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if is_wide(c) { 2.0 } else { 1.0 })
        .sum()
}

/// Whether `c` is drawn about one em wide (CJK, full-width forms).
pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> SummaryRow {
        SummaryRow {
            number: 1,
            region: "郑州市".to_string(),
            enterprise: "甲公司".to_string(),
            title: "=1+1".to_string(),
            area: "质量管理数字化".to_string(),
            contact: "张三".to_string(),
            profit: BTreeMap::from([(2019, 5.5)]),
            ..SummaryRow::default()
        }
    }

    #[test]
    fn profit_columns_cover_three_years_and_data() {
        assert_eq!(profit_years(2023, &[]), vec![2020, 2021, 2022]);
        assert_eq!(profit_years(2023, &[row()]), vec![2019, 2020, 2021, 2022]);
        assert_eq!(profit_header(2020), "2020年利润（万元）");
    }

    #[test]
    fn csv_has_bom_and_defuses_formulas() {
        let bytes = write_csv(&[row()], 2023, false).unwrap();
        assert!(bytes.starts_with("\u{feff}".as_bytes()));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains(",'=1+1,"), "{text}");
        assert!(!text.contains("张三"));
        let private = String::from_utf8(write_csv(&[row()], 2023, true).unwrap()).unwrap();
        assert!(private.contains("张三"));
        assert!(private.contains("2019年利润（万元）"));
    }

    #[test]
    fn widths_count_cjk_twice() {
        assert_eq!(display_width("ab郑州"), 6.0);
        assert!(is_wide('（'));
        assert!(!is_wide('a'));
    }
}
