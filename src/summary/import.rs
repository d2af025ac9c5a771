//! Import of a recommended list (汇总表) into case folders.
//!
//! [`read_sheet`] reads the first worksheet with a header row of an `.xlsx`/`.xlsm`/`.xls`/
//! `.ods` workbook, or a `.csv` file (UTF-8 with or without a byte-order mark, or GB18030 as
//! Excel and WPS save CSV on Chinese Windows). It reads sheets the way bureaus fill in the
//! provincial template: title and `填报单位：…` lines above the header, a header of one or two
//! rows (a parent such as `近三年利润（万元）` merged over year sub-columns, the other headers
//! merged down over both rows), headers matched by meaning rather than spelling
//! (`质量标杆典型经验名称`, `所属重点领域`, `推荐单位` …). Every non-empty cell of a data row is
//! accounted for: it fills a field of the case or, when no field takes it (`备注`, a column
//! biaogan does not know, a second column of a kind), it is kept in the case's
//! `private.extra` under its header and listed with its cell address.
//!
//! [`import`] cleans the values as people type them (full-width digits and spaces, `万元`,
//! Excel's trailing `.0`, lower-case credit codes), resolves 推荐单位, areas by number and
//! short names with [`Vocabulary::find`] at [`Leniency::Sheet`], validates (credit-code check
//! digit, profits), reports each bad row with the cells at fault, and scaffolds one folder per
//! enterprise with [`crate::scaffold::new_case`]. An existing case is never overwritten: it is
//! reported and skipped.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::content::front_matter::{self, Private};
use crate::error::{Error, Result};
use crate::scaffold::{self, CaseFields};
use crate::vocab::{fold, fold_width, Kind, Leniency, Vocabulary};

/// How many non-empty rows at the top of a sheet may precede the header row (a title, a
/// `填报单位` line, a date …).
const HEADER_SEARCH_ROWS: usize = 15;

/// One cell of a sheet, with where it was.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SheetCell {
    /// Address in the worksheet, e.g. `K5`.
    pub address: String,
    /// Header of its column as written (a two-row header joined: `近三年利润（万元）2022年`),
    /// or `K列` for a column without a header.
    pub header: String,
    /// The value, trimmed.
    pub value: String,
}

/// One data row of an imported sheet, as written (trimmed and cleaned), not yet checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportRow {
    /// 1-based row number in the sheet (the header row included), for messages.
    pub row: usize,
    /// 序号.
    pub number: String,
    /// 地区 (or 推荐单位).
    pub region: String,
    /// 企业名称.
    pub enterprise: String,
    /// 典型经验名称.
    pub title: String,
    /// 摘要, when the sheet has one.
    pub summary: String,
    /// 重点领域 (name or number).
    pub area: String,
    /// 行业 (several separated by `、`, `，`, `,`, `;` or new lines).
    pub industries: String,
    /// 方法 (separated like industries).
    pub methods: String,
    /// 状态; `None` when the sheet has no 状态 column (new cases are then 推荐).
    pub status: Option<String>,
    /// 联系人.
    pub contact: String,
    /// 电话.
    pub phone: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// 利润（万元）by year, from columns such as `2020年利润（万元）` or `2022年` under
    /// `近三年利润（万元）`.
    pub profit: BTreeMap<u16, String>,
    /// 营业收入（万元）by year.
    pub revenue: BTreeMap<u16, String>,
    /// Non-empty cells no field takes, kept in `private.extra`.
    pub extra: Vec<SheetCell>,
    /// Non-empty cells that went into a field.
    pub into_fields: usize,
    /// Empty cells under a header.
    pub empty: usize,
    /// Where each field was read.
    sources: Vec<(Field, SheetCell)>,
}

impl ImportRow {
    /// The cell `field` was read from.
    fn source(&self, field: Field) -> Option<&SheetCell> {
        self.sources
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, cell)| cell)
    }
}

/// A sheet read by [`read_sheet`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SheetRows {
    /// Name of the worksheet (for a CSV file, its name without extension, as Excel shows it).
    pub sheet: String,
    /// 1-based rows of the header: one, or two for a two-row header.
    pub header_rows: Vec<usize>,
    /// Non-empty lines above the header (title, `填报单位（盖章）：…`), with their rows.
    pub preamble: Vec<(usize, String)>,
    /// The data rows.
    pub rows: Vec<ImportRow>,
    /// Lines below or between the data that are notes, not cases (`填表人：…`, `注：…`).
    pub notes: Vec<(usize, String)>,
}

impl SheetRows {
    /// The unit named by a `填报单位：…` (or `推荐单位：…`) line above the header.
    pub fn reporting_unit(&self) -> Option<&str> {
        self.preamble.iter().find_map(|(_, line)| {
            let (label, value) = line.split_once(['：', ':'])?;
            let label = fold(label);
            (label.contains("填报单位") || label.contains("推荐单位") || label.contains("报送单位"))
                .then(|| value.trim())
                .filter(|v| !v.is_empty())
        })
    }

    /// `sheet!address` of a cell, e.g. `2025年汇总表!K5`.
    pub fn cell_ref(&self, cell: &SheetCell) -> String {
        format!("{}!{}", self.sheet, cell.address)
    }
}

/// A row that was not imported, with every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// 1-based row number in the sheet.
    pub row: usize,
    /// 企业名称 of the row (may be empty).
    pub enterprise: String,
    /// What is wrong, one sentence each, starting with the cell at fault when there is one.
    pub problems: Vec<String>,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}", self.row)?;
        if !self.enterprise.is_empty() {
            write!(f, " ({})", self.enterprise)?;
        }
        write!(f, ": {}", self.problems.join("; "))
    }
}

/// A case created, or skipped because it exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// 1-based row number in the sheet.
    pub row: usize,
    /// 企业名称.
    pub enterprise: String,
    /// The case's `index.md`, relative to the site root.
    pub path: PathBuf,
}

/// A cell kept in a new case's `private.extra`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptCell {
    /// `sheet!address`, e.g. `2025年汇总表!K5`.
    pub cell: String,
    /// Its header (the key under `private.extra`).
    pub header: String,
    /// The value.
    pub value: String,
}

/// What [`import`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Cases scaffolded.
    pub created: Vec<Imported>,
    /// Rows whose enterprise already has a case (left untouched).
    pub skipped: Vec<Imported>,
    /// Rows refused, with their row numbers and reasons.
    pub bad_rows: Vec<RowProblem>,
    /// Rows that were valid but could not be written (I/O).
    pub failed: Vec<RowProblem>,
    /// Site-wide remarks, e.g. a region over its quota once the import is done.
    pub warnings: Vec<String>,
    /// Cells of the created cases kept in their `private.extra`, in sheet order.
    pub kept: Vec<KeptCell>,
    /// Non-empty cells of the created cases that went into a field.
    pub into_fields: usize,
    /// Empty cells under a header in the rows of the created cases.
    pub empty: usize,
}

impl ImportReport {
    /// Whether every row was imported or skipped.
    pub fn is_ok(&self) -> bool {
        self.bad_rows.is_empty() && self.failed.is_empty()
    }
}

/// The columns biaogan understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Number,
    Region,
    Enterprise,
    Title,
    Summary,
    Area,
    Industries,
    Methods,
    Status,
    Contact,
    Phone,
    CreditCode,
    Profit(u16),
    Revenue(u16),
}

impl Field {
    /// The column's name in messages.
    fn label(self) -> &'static str {
        match self {
            Field::Number => "序号",
            Field::Region => "地区",
            Field::Enterprise => "企业名称",
            Field::Title => "典型经验名称",
            Field::Summary => "摘要",
            Field::Area => "重点领域",
            Field::Industries => "行业",
            Field::Methods => "方法",
            Field::Status => "状态",
            Field::Contact => "联系人",
            Field::Phone => "电话",
            Field::CreditCode => "统一社会信用代码",
            Field::Profit(_) => "利润",
            Field::Revenue(_) => "营业收入",
        }
    }
}

/// Header names that mean a column exactly (compared after [`normalize_header`]).
const HEADER_NAMES: &[(Field, &[&str])] = &[
    (Field::Number, &["序号", "编号", "排序", "no", "no."]),
    (Field::Enterprise, &["企业", "单位", "企业名称", "单位名称"]),
    (Field::Title, &["题目", "标题"]),
    (Field::Industries, &["行业领域", "产业"]),
    (Field::Phone, &["联系方式"]),
];

/// Words a header contains, per column, tried in this order after [`HEADER_NAMES`]: the
/// first column kind with a word in the header wins (`推荐单位` is a region before it is a
/// unit, `所属行业领域` an industry before it is an area).
const HEADER_WORDS: &[(Field, &[&str])] = &[
    (Field::CreditCode, &["信用代码", "组织机构代码"]),
    (Field::Summary, &["摘要", "简介", "主要内容"]),
    (
        Field::Title,
        &["经验名称", "经验题目", "经验标题", "典型经验", "项目名称"],
    ),
    (
        Field::Region,
        &[
            "推荐单位",
            "推荐部门",
            "推荐地区",
            "地区",
            "地市",
            "区域",
            "省辖市",
        ],
    ),
    (
        Field::Enterprise,
        &[
            "企业名称",
            "单位名称",
            "申报单位",
            "申报企业",
            "企业全称",
            "单位全称",
        ],
    ),
    (Field::Industries, &["行业"]),
    (Field::Area, &["领域", "方向"]),
    (Field::Methods, &["方法", "工具"]),
    (Field::Status, &["状态", "结果"]),
    (Field::Phone, &["电话", "手机"]),
    (Field::Contact, &["联系人"]),
    (Field::Number, &["序号"]),
];

/// Header text reduced for comparison: full-width forms folded, spaces and the marks of
/// required columns removed, parts in brackets (units, hints such as `（盖章）`) removed,
/// Latin lower-cased.
fn normalize_header(header: &str) -> String {
    let folded: String = fold(header)
        .chars()
        .filter(|c| !matches!(c, '\u{feff}' | '*'))
        .collect();
    let mut kept = String::new();
    let mut depth = 0usize;
    for c in folded.chars() {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    kept
}

fn field_of(header: &str) -> Option<Field> {
    let normalized = normalize_header(header);
    if normalized.is_empty() {
        return None;
    }
    if normalized.contains("利润") {
        return header_year(&normalized).map(Field::Profit);
    }
    if ["营业收入", "营收", "销售收入", "主营业务收入"]
        .iter()
        .any(|w| normalized.contains(w))
    {
        return header_year(&normalized).map(Field::Revenue);
    }
    if let Some((field, _)) = HEADER_NAMES
        .iter()
        .find(|(_, names)| names.contains(&normalized.as_str()))
    {
        return Some(*field);
    }
    HEADER_WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| normalized.contains(w)))
        .map(|(field, _)| *field)
}

/// The first four-digit year (1900–2199) in a header such as `2020年利润`.
fn header_year(header: &str) -> Option<u16> {
    let bytes = header.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let window = bytes.get(i..i + 4)?;
        let before = i.checked_sub(1).and_then(|j| bytes.get(j));
        let after = bytes.get(i + 4);
        let digit = |b: Option<&u8>| b.is_some_and(u8::is_ascii_digit);
        if window.iter().all(u8::is_ascii_digit) && !digit(before) && !digit(after) {
            let year: u16 = std::str::from_utf8(window).ok()?.parse().ok()?;
            (1900..2200).contains(&year).then_some(year)
        } else {
            None
        }
    })
}

/// Spreadsheet letters of a 0-based column: 0 → `A`, 26 → `AA`.
pub fn column_letters(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Reads a summary sheet: the first worksheet of an `.xlsx`/`.xlsm`/`.xls`/`.ods` file that
/// has a header row, or a `.csv` file. The header row is the first of the top non-empty rows
/// that names the enterprise column; a second header row below it (sub-columns of a merged
/// parent header) is joined to it; rows above are kept as the preamble. Empty rows are
/// skipped; note rows (`填表人：…`) are set aside. Values are trimmed; a leading `'` that
/// protected a formula-like value (see [`super::csv_safe`]) is removed.
pub fn read_sheet(path: &Path) -> Result<SheetRows> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (sheet, grid) = match extension.as_str() {
        "csv" => {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, read_csv_grid(path)?)
        }
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_workbook_grid(path)?,
        _ => {
            return Err(Error::Sheet {
                path: path.to_path_buf(),
                message: "unsupported sheet format; give a .xlsx, .xls, .ods or .csv file"
                    .to_string(),
            })
        }
    };
    let mut rows = rows_of_grid(&grid).ok_or_else(|| Error::Sheet {
        path: path.to_path_buf(),
        message: format!(
            "no header row naming the enterprise column (企业名称, 单位名称 or 申报单位) in the first {HEADER_SEARCH_ROWS} rows of `{sheet}`"
        ),
    })?;
    rows.sheet = sheet;
    Ok(rows)
}

/// A sheet as text cells, each row with its 1-based row number.
type Grid = Vec<(usize, Vec<String>)>;

fn read_csv_grid(path: &Path) -> Result<Grid> {
    let bytes = crate::fs::read(path)?;
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                return Err(Error::Sheet {
                    path: path.to_path_buf(),
                    message: "the file is neither UTF-8 nor GB18030 text; save it as \"CSV UTF-8\""
                        .to_string(),
                });
            }
            text
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Sheet {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        // The line the record starts on: the row number a spreadsheet shows (blank lines
        // count there too). The reader's position is where the previous record ended.
        let line = match record.position() {
            Some(position) => {
                let mut start = usize::try_from(position.byte()).unwrap_or(text.len());
                let bytes = text.as_bytes();
                while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
                    start += 1;
                }
                1 + bytecount_newlines(bytes.get(..start).unwrap_or(bytes))
            }
            None => grid.len() + 1,
        };
        grid.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(grid)
}

fn bytecount_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}

fn read_workbook_grid(path: &Path) -> Result<(String, Grid)> {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| Error::SheetUnreadable {
        path: path.to_path_buf(),
        worksheet: None,
        message: e.to_string(),
    })?;
    let mut first = None;
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| Error::SheetUnreadable {
                path: path.to_path_buf(),
                worksheet: Some(name.clone()),
                message: e.to_string(),
            })?;
        let (start_row, start_col) = range.start().unwrap_or((0, 0));
        let grid: Grid = range
            .rows()
            .enumerate()
            .map(|(index, cells)| {
                let mut texts: Vec<String> = vec![String::new(); start_col as usize];
                texts.extend(cells.iter().map(cell_text));
                (start_row as usize + index + 1, texts)
            })
            .collect();
        if rows_of_grid(&grid).is_some() {
            return Ok((name, grid));
        }
        first.get_or_insert((name, grid));
    }
    Ok(first.unwrap_or_default())
}

fn cell_text(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        calamine::Data::Error(_) => String::new(),
        other => other.to_string(),
    }
}

/// Whether a row is a note under the table rather than a case (`填表人：…`, `注：…`).
fn is_note(cells: &[String]) -> bool {
    let Some(first) = cells.iter().map(|c| c.trim()).find(|c| !c.is_empty()) else {
        return false;
    };
    let first = fold(first);
    [
        "填表人",
        "填报人",
        "审核人",
        "负责人",
        "联系人:",
        "联系电话:",
        "注:",
        "注1",
        "说明",
        "备注:",
        "填表日期",
        "填报日期",
    ]
    .iter()
    .any(|w| first.starts_with(w))
}

/// Finds the header row (and a second header row under it) and turns the rows below into
/// [`ImportRow`]s.
fn rows_of_grid(grid: &Grid) -> Option<SheetRows> {
    let non_empty = |cells: &[String]| cells.iter().any(|c| !c.trim().is_empty());
    let (header_index, columns) = grid
        .iter()
        .enumerate()
        .filter(|(_, (_, cells))| non_empty(cells))
        .take(HEADER_SEARCH_ROWS)
        .find_map(|(index, (_, cells))| {
            let columns: Vec<Option<Field>> = cells.iter().map(|c| field_of(c)).collect();
            columns
                .contains(&Some(Field::Enterprise))
                .then_some((index, columns))
        })?;
    let (header_row, header_cells) = grid.get(header_index)?;
    let enterprise_col = columns.iter().position(|f| *f == Some(Field::Enterprise))?;
    let mut sheet = SheetRows {
        header_rows: vec![*header_row],
        preamble: grid[..header_index]
            .iter()
            .filter(|(_, cells)| non_empty(cells))
            .map(|(row, cells)| {
                let texts: Vec<&str> = cells
                    .iter()
                    .map(|c| c.trim())
                    .filter(|c| !c.is_empty())
                    .collect();
                (*row, texts.join(" "))
            })
            .collect(),
        ..SheetRows::default()
    };
    let mut headers: Vec<String> = header_cells.iter().map(|c| c.trim().to_string()).collect();
    let mut data_start = header_index + 1;
    // A second header row: the next non-empty row, with nothing under the enterprise header
    // (merged down over both rows), whose cells sit under a merged parent (an empty header
    // cell, or a header followed by an empty one).
    if let Some((offset, (row, cells))) = grid
        .iter()
        .enumerate()
        .skip(header_index + 1)
        .find(|(_, (_, cells))| non_empty(cells))
    {
        let blank = |col: usize| headers.get(col).is_none_or(|h| h.is_empty());
        let under_parent = cells
            .iter()
            .enumerate()
            .all(|(col, cell)| cell.trim().is_empty() || blank(col) || blank(col + 1));
        let enterprise_blank = cells
            .get(enterprise_col)
            .is_none_or(|c| c.trim().is_empty());
        if enterprise_blank && under_parent && !is_note(cells) {
            sheet.header_rows.push(*row);
            data_start = offset + 1;
            let width = headers.len().max(cells.len());
            let mut joined = Vec::with_capacity(width);
            let mut parent = String::new();
            for col in 0..width {
                let top = headers.get(col).map(String::as_str).unwrap_or_default();
                if !top.is_empty() {
                    parent = top.to_string();
                }
                let sub = cells.get(col).map(|c| c.trim()).unwrap_or_default();
                joined.push(match (top.is_empty(), sub.is_empty()) {
                    (_, true) => top.to_string(),
                    (false, false) => format!("{top}{sub}"),
                    (true, false) => format!("{parent}{sub}"),
                });
            }
            headers = joined;
        }
    }
    let columns: Vec<Option<Field>> = headers.iter().map(|h| field_of(h)).collect();
    let has_status = columns.contains(&Some(Field::Status));
    for (number, cells) in grid.iter().skip(data_start) {
        if !non_empty(cells) {
            continue;
        }
        let enterprise_blank = cells
            .get(enterprise_col)
            .is_none_or(|c| c.trim().is_empty());
        if enterprise_blank && is_note(cells) {
            let texts: Vec<&str> = cells
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .collect();
            sheet.notes.push((*number, texts.join(" ")));
            continue;
        }
        let mut row = ImportRow {
            row: *number,
            status: has_status.then(String::new),
            ..ImportRow::default()
        };
        let width = cells.len().max(headers.len());
        for col in 0..width {
            let header = headers.get(col).map(String::as_str).unwrap_or_default();
            let value = clean_cell(cells.get(col).map(String::as_str).unwrap_or_default());
            if value.is_empty() {
                if !header.is_empty() {
                    row.empty += 1;
                }
                continue;
            }
            let letters = column_letters(col);
            let cell = SheetCell {
                address: format!("{letters}{number}"),
                header: if header.is_empty() {
                    format!("{letters}列")
                } else {
                    header.to_string()
                },
                value: value.clone(),
            };
            // The first column of a kind fills the field; another is kept like any unknown
            // column.
            let field = columns
                .get(col)
                .copied()
                .flatten()
                .filter(|f| row.source(*f).is_none());
            let Some(field) = field else {
                row.extra.push(cell);
                continue;
            };
            let value = clean_value(field, &value);
            match field {
                Field::Number => row.number = value,
                Field::Region => row.region = value,
                Field::Enterprise => row.enterprise = value,
                Field::Title => row.title = value,
                Field::Summary => row.summary = value,
                Field::Area => row.area = value,
                Field::Industries => row.industries = value,
                Field::Methods => row.methods = value,
                Field::Status => row.status = Some(value),
                Field::Contact => row.contact = value,
                Field::Phone => row.phone = value,
                Field::CreditCode => row.credit_code = value,
                Field::Profit(year) => {
                    row.profit.insert(year, value);
                }
                Field::Revenue(year) => {
                    row.revenue.insert(year, value);
                }
            }
            row.into_fields += 1;
            row.sources.push((field, cell));
        }
        sheet.rows.push(row);
    }
    Some(sheet)
}

/// A cell trimmed (ideographic spaces too), without the `'` that protects a formula-like
/// value.
fn clean_cell(cell: &str) -> String {
    let value = cell.trim();
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
        _ => value.to_string(),
    }
}

/// A value cleaned the way people type it: numbers, phones and codes get their full-width
/// forms folded; codes lose their spaces and are upper-cased; whole numbers lose Excel's
/// `.0`; amounts lose `万元` and thousands separators.
fn clean_value(field: Field, value: &str) -> String {
    let strip_point_zero = |text: String| -> String {
        match text.strip_suffix(".0") {
            Some(whole) if !whole.is_empty() && whole.chars().all(|c| c.is_ascii_digit()) => {
                whole.to_string()
            }
            _ => text,
        }
    };
    match field {
        Field::Number | Field::Profit(_) | Field::Revenue(_) => {
            let text: String = value
                .chars()
                .map(fold_width)
                .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，'))
                .collect();
            let text = text
                .strip_suffix("万元")
                .or_else(|| text.strip_suffix('万'))
                .unwrap_or(&text)
                .to_string();
            strip_point_zero(text)
        }
        Field::CreditCode => strip_point_zero(
            value
                .chars()
                .map(fold_width)
                .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\''))
                .collect::<String>()
                .to_uppercase(),
        ),
        Field::Phone => strip_point_zero(
            value
                .chars()
                .map(fold_width)
                .collect::<String>()
                .trim()
                .to_string(),
        ),
        _ => value.to_string(),
    }
}

/// Splits a cell listing several industries or methods.
fn split_list(value: &str) -> Vec<&str> {
    value
        .split(['、', '，', ',', ';', '；', '\n', '|'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

fn unknown(vocab: &Vocabulary, kind: Kind, value: &str, year: u16) -> String {
    let mut message = format!("unknown {} `{value}` for {year}", kind.title());
    if let Some(suggestion) = vocab.suggest(kind, value) {
        message.push_str(&format!(" (did you mean `{suggestion}`?)"));
    } else if kind == Kind::Areas {
        let areas: Vec<String> = vocab
            .areas
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{} {}", i + 1, t.name))
            .collect();
        message.push_str(&format!("; give a number or a name: {}", areas.join(", ")));
    }
    message
}

/// Parses a number cell already cleaned by [`clean_value`]: `1860`, `1860.5`.
fn parse_number(value: &str) -> Option<f64> {
    value.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A row checked and turned into the fields of a new case. `default_region` is the region of
/// the sheet's `填报单位` line, for rows that name none.
fn check_row(
    sheet: &SheetRows,
    row: &ImportRow,
    vocab: &Vocabulary,
    year: u16,
    default_region: Option<&str>,
) -> std::result::Result<CaseFields, Vec<String>> {
    let mut problems = Vec::new();
    // `sheet!K5 header: message`, or just the message for a field without a column.
    let located = |field: Field, message: String| -> String {
        match row.source(field) {
            Some(cell) => format!("{} {}: {message}", sheet.cell_ref(cell), cell.header),
            None => message,
        }
    };
    let enterprise = row.enterprise.trim();
    if enterprise.is_empty() {
        problems.push("企业名称 is empty".to_string());
    } else if enterprise.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|'])
        || enterprise.chars().any(char::is_control)
        || enterprise.starts_with('.')
    {
        problems.push(located(Field::Enterprise, format!(
            "`{enterprise}` cannot be a folder name: it may not contain / \\ : * ? \" < > | or control characters, nor start with `.`"
        )));
    }
    let mut term = |kind: Kind, field: Field, value: &str| -> String {
        if value.is_empty() {
            problems.push(format!("{} is empty", kind.title()));
            return String::new();
        }
        match vocab.find(kind, value, Leniency::Sheet) {
            Some(term) => term.id.clone(),
            None => {
                problems.push(located(field, unknown(vocab, kind, value, year)));
                String::new()
            }
        }
    };
    let region_value = if row.region.is_empty() {
        default_region.unwrap_or_default()
    } else {
        row.region.as_str()
    };
    let region = term(Kind::Regions, Field::Region, region_value);
    let area = term(Kind::Areas, Field::Area, &row.area);
    let mut list = |kind: Kind, field: Field, value: &str| -> Vec<String> {
        split_list(value)
            .into_iter()
            .filter_map(|item| match vocab.find(kind, item, Leniency::Sheet) {
                Some(term) => Some(term.id.clone()),
                None => {
                    problems.push(located(field, unknown(vocab, kind, item, year)));
                    None
                }
            })
            .collect()
    };
    let industry = list(Kind::Industries, Field::Industries, &row.industries);
    let methods = list(Kind::Methods, Field::Methods, &row.methods);
    let number = if row.number.is_empty() {
        None
    } else {
        match parse_number(&row.number) {
            Some(n) if n.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(&n) => {
                Some(n as u32)
            }
            _ => {
                problems.push(located(
                    Field::Number,
                    format!("`{}` is not a whole number", row.number),
                ));
                None
            }
        }
    };
    if !row.credit_code.is_empty() {
        if let Some(problem) = crate::check::credit_code_problem(&row.credit_code) {
            problems.push(located(
                Field::CreditCode,
                format!("`{}` {problem}", row.credit_code),
            ));
        }
    }
    let mut amounts = |field: fn(u16) -> Field,
                       values: &BTreeMap<u16, String>,
                       positive: bool|
     -> BTreeMap<u16, f64> {
        let mut parsed = BTreeMap::new();
        for (amount_year, value) in values {
            let label = field(*amount_year).label();
            match parse_number(value) {
                Some(p) if p > 0.0 || !positive => {
                    parsed.insert(*amount_year, p);
                }
                Some(_) => problems.push(located(
                    field(*amount_year),
                    format!("{amount_year}年{label} is {value}: the notice requires three profitable years"),
                )),
                None => problems.push(located(
                    field(*amount_year),
                    format!("{amount_year}年{label} `{value}` is not a number (万元)"),
                )),
            }
        }
        parsed
    };
    let profit = amounts(Field::Profit, &row.profit, true);
    let revenue = amounts(Field::Revenue, &row.revenue, false);
    if !problems.is_empty() {
        return Err(problems);
    }
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let mut private = Private {
        contact: non_empty(&row.contact),
        phone: non_empty(&row.phone),
        credit_code: non_empty(&row.credit_code),
        profit,
        revenue,
        ..Private::default()
    };
    let extra = extra_map(&row.extra);
    if !extra.is_empty() {
        let mapping: serde_yaml::Mapping = extra
            .into_iter()
            .map(|(k, v)| (serde_yaml::Value::String(k), serde_yaml::Value::String(v)))
            .collect();
        private
            .other
            .insert("extra".to_string(), serde_yaml::Value::Mapping(mapping));
    }
    let has_private = private.contact.is_some()
        || private.phone.is_some()
        || private.credit_code.is_some()
        || !private.profit.is_empty()
        || !private.revenue.is_empty()
        || !private.other.is_empty();
    Ok(CaseFields {
        enterprise: enterprise.to_string(),
        year,
        title: row.title.clone(),
        region,
        area,
        summary: row.summary.clone(),
        number,
        industry,
        methods,
        status: row.status.clone(),
        private: has_private.then_some(private),
    })
}

/// The `private.extra` entries of a row: header → value, in sheet order; a header met twice
/// gets its column letters (`备注（L列）`).
fn extra_map(cells: &[SheetCell]) -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = Vec::new();
    for cell in cells {
        let mut key = cell.header.clone();
        if entries.iter().any(|(k, _)| *k == key) {
            let letters: String = cell
                .address
                .chars()
                .take_while(char::is_ascii_uppercase)
                .collect();
            key = format!("{key}（{letters}列）");
        }
        entries.push((key, cell.value.clone()));
    }
    entries
}

/// A case already in `content/<year>/`.
struct Existing {
    path: PathBuf,
    region: Option<String>,
}

/// The cases of `content/<year>/` by enterprise name (read leniently: a file that does not
/// parse is known by its folder name only).
fn existing_cases(root: &Path, year: u16) -> HashMap<String, Existing> {
    let mut cases = HashMap::new();
    let dir = root.join("content").join(year.to_string());
    let Ok(Some(entries)) = crate::fs::read_dir(&dir) else {
        return cases;
    };
    for entry in entries {
        let index = entry.path().join("index.md");
        if !index.is_file() {
            continue;
        }
        let folder = entry.file_name().to_string_lossy().into_owned();
        let rel = Path::new("content")
            .join(year.to_string())
            .join(&folder)
            .join("index.md");
        let meta = crate::fs::read_to_string(&index).ok().and_then(|text| {
            let split = front_matter::split(&text).ok()?;
            if crate::yaml::limits_problem(split.yaml).is_some() {
                return None;
            }
            serde_yaml::from_str::<serde_yaml::Value>(split.yaml).ok()
        });
        let get = |key: &str| {
            meta.as_ref()
                .and_then(|m| m.get(key))
                .and_then(|v| v.as_str())
                .map(|s| s.trim().to_string())
        };
        let region = get("region");
        if let Some(enterprise) = get("enterprise") {
            cases.entry(enterprise).or_insert(Existing {
                path: rel.clone(),
                region: region.clone(),
            });
        }
        cases
            .entry(folder)
            .or_insert(Existing { path: rel, region });
    }
    cases
}

/// Scaffolds one case per valid row of `sheet` under
/// `root/content/<year>/<企业名称>/index.md`.
///
/// Every row is checked against the vocabulary of `year` first (企业名称 present, 地区 and
/// 重点领域 known — a row without 地区 takes the region of the sheet's `填报单位` line —,
/// 行业 and 方法 known, 序号 a number, credit code and profits valid, no enterprise twice in
/// the sheet); a bad row is reported with its row number and cells and not imported. An
/// enterprise that already has a case in the year is reported and skipped, its files
/// untouched. Each case is written atomically (temporary file, then rename). Cells no field
/// takes go to the new case's `private.extra` and are listed in [`ImportReport::kept`].
pub fn import(root: &Path, config: &SiteConfig, year: u16, sheet: &SheetRows) -> ImportReport {
    let vocab = config.vocabulary(year);
    let existing = existing_cases(root, year);
    let mut report = ImportReport::default();
    let default_region = sheet
        .reporting_unit()
        .filter(|unit| vocab.find(Kind::Regions, unit, Leniency::Sheet).is_some());
    for (row, line) in &sheet.preamble {
        let years: Vec<u16> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter(|d| d.len() == 4)
            .filter_map(|d| d.parse().ok())
            .filter(|y| (1900..2200).contains(y))
            .collect();
        if !years.is_empty() && !years.contains(&year) {
            report.warnings.push(format!(
                "row {row} of {} reads `{line}`, but the cases are imported into {year}; check --year",
                sheet.sheet
            ));
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    // Cases per region once the import is done (existing ones included), for quota warnings.
    // `existing` lists a case under its enterprise and its folder name: count each once.
    let mut per_region: BTreeMap<String, usize> = {
        let mut unique: HashMap<&Path, &Existing> = HashMap::new();
        for case in existing.values() {
            unique.insert(case.path.as_path(), case);
        }
        let mut counts = BTreeMap::new();
        for case in unique.values() {
            if let Some(term) = case
                .region
                .as_deref()
                .and_then(|r| vocab.resolve(Kind::Regions, r))
            {
                *counts.entry(term.id.clone()).or_default() += 1;
            }
        }
        counts
    };
    for row in &sheet.rows {
        let enterprise = row.enterprise.trim().to_string();
        let fields = match check_row(sheet, row, &vocab, year, default_region) {
            Ok(fields) => fields,
            Err(problems) => {
                report.bad_rows.push(RowProblem {
                    row: row.row,
                    enterprise,
                    problems,
                });
                continue;
            }
        };
        if let Some(first) = seen.get(&enterprise) {
            report.bad_rows.push(RowProblem {
                row: row.row,
                enterprise,
                problems: vec![format!(
                    "the same 企业名称 is on row {first}; an enterprise has one case per year"
                )],
            });
            continue;
        }
        seen.insert(enterprise.clone(), row.row);
        if let Some(case) = existing.get(&enterprise) {
            report.skipped.push(Imported {
                row: row.row,
                enterprise,
                path: case.path.clone(),
            });
            continue;
        }
        let rel = Path::new("content")
            .join(year.to_string())
            .join(&enterprise)
            .join("index.md");
        let folder = root
            .join("content")
            .join(year.to_string())
            .join(&enterprise);
        let folder_existed = folder.exists();
        match scaffold::new_case(root, &fields) {
            Ok(_) => {
                *per_region.entry(fields.region.clone()).or_default() += 1;
                report.created.push(Imported {
                    row: row.row,
                    enterprise,
                    path: rel,
                });
                report.into_fields += row.into_fields;
                report.empty += row.empty;
                let keys = extra_map(&row.extra);
                report
                    .kept
                    .extend(
                        row.extra
                            .iter()
                            .zip(keys)
                            .map(|(cell, (header, value))| KeptCell {
                                cell: sheet.cell_ref(cell),
                                header,
                                value,
                            }),
                    );
            }
            Err(error) => {
                if !folder_existed {
                    // Only an empty folder is removed: nothing that was there is lost.
                    let _ = crate::fs::remove_dir(&folder);
                }
                report.failed.push(RowProblem {
                    row: row.row,
                    enterprise,
                    problems: vec![error.to_string()],
                });
            }
        }
    }
    if config.enforce_quotas {
        for term in &vocab.regions {
            let (Some(quota), Some(count)) = (term.quota, per_region.get(&term.id)) else {
                continue;
            };
            if *count > quota as usize {
                report.warnings.push(format!(
                    "{} now has {count} cases in {year}, over its quota of {quota} (多报无效): `biaogan check` will refuse the site until some are removed",
                    term.name
                ));
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_flexibly() {
        let cases = [
            ("企业名称", Some(Field::Enterprise)),
            (" 申报单位 *", Some(Field::Enterprise)),
            ("经验题目", Some(Field::Title)),
            ("推荐地区", Some(Field::Region)),
            ("联系电话", Some(Field::Phone)),
            ("信用代码", Some(Field::CreditCode)),
            ("2020年利润（万元）", Some(Field::Profit(2020))),
            ("利润2021", Some(Field::Profit(2021))),
            ("利润（万元）", None),
            ("备注", None),
            ("序号", Some(Field::Number)),
            // Headers of the provincial template, matched by meaning.
            ("质量标杆典型经验名称", Some(Field::Title)),
            ("所属重点领域", Some(Field::Area)),
            ("所属领域（填序号）", Some(Field::Area)),
            ("推荐单位", Some(Field::Region)),
            ("推荐单位（盖章）", Some(Field::Region)),
            ("地市", Some(Field::Region)),
            ("企业名称（全称）", Some(Field::Enterprise)),
            ("申报企业名称", Some(Field::Enterprise)),
            ("所属行业领域", Some(Field::Industries)),
            ("联系人手机", Some(Field::Phone)),
            ("联系人姓名", Some(Field::Contact)),
            ("统一社会信用代码（18位）", Some(Field::CreditCode)),
            ("近三年利润（万元）2022年", Some(Field::Profit(2022))),
            ("近三年利润（万元）", None),
            ("2023年营业收入", Some(Field::Revenue(2023))),
        ];
        for (header, field) in cases {
            assert_eq!(field_of(header), field, "header {header:?}");
        }
    }

    #[test]
    fn two_row_headers_join_a_merged_parent_to_its_years() {
        let text = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let grid: Grid = vec![
            (1, text(&["2025年河南省质量标杆汇总表"])),
            (2, text(&["填报单位（盖章）：洛阳市工业和信息化局"])),
            (
                3,
                text(&[
                    "序号",
                    "推荐单位",
                    "企业名称",
                    "近三年利润（万元）",
                    "",
                    "",
                    "备注",
                ]),
            ),
            (4, text(&["", "", "", "2022年", "2023年", "2024年", ""])),
            (
                5,
                text(&[
                    "１",
                    "洛阳市工业和信息化局",
                    "甲公司",
                    "1,200.5万元",
                    "1300.0",
                    "",
                    "无",
                ]),
            ),
            (6, text(&["填表人：张三", "", "", "", "", "", ""])),
        ];
        let sheet = rows_of_grid(&grid).unwrap();
        assert_eq!(sheet.header_rows, [3, 4]);
        assert_eq!(sheet.reporting_unit(), Some("洛阳市工业和信息化局"));
        assert_eq!(sheet.notes, [(6, "填表人：张三".to_string())]);
        let row = &sheet.rows[0];
        assert_eq!(row.number, "1");
        assert_eq!(
            row.profit,
            BTreeMap::from([(2022, "1200.5".to_string()), (2023, "1300".to_string())])
        );
        assert_eq!(row.extra[0].header, "备注");
        assert_eq!(row.extra[0].address, "G5");
        assert_eq!((row.into_fields, row.extra.len(), row.empty), (5, 1, 1));
        assert_eq!(
            row.source(Field::Profit(2023)).map(|c| c.header.as_str()),
            Some("近三年利润（万元）2023年")
        );
    }

    #[test]
    fn values_are_cleaned_as_people_type_them() {
        assert_eq!(
            clean_value(Field::CreditCode, "91410300ma 4 6xyz2b1"),
            "91410300MA46XYZ2B1"
        );
        assert_eq!(clean_value(Field::CreditCode, "９１４１"), "9141");
        assert_eq!(clean_value(Field::Number, "3.0"), "3");
        assert_eq!(clean_value(Field::Phone, "13800138000.0"), "13800138000");
        assert_eq!(clean_value(Field::Phone, "０３７９－６５５５"), "0379-6555");
        assert_eq!(clean_value(Field::Profit(2022), "１，２５０ 万元"), "1250");
        assert_eq!(clean_value(Field::Title, "某经验"), "某经验");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(10), "K");
        assert_eq!(column_letters(26), "AA");
    }

    #[test]
    fn grid_skips_title_rows_and_blank_rows() {
        let grid: Grid = vec![
            (1, vec!["2023年质量标杆推荐汇总表".to_string()]),
            (
                2,
                vec!["序号", "单位名称", "经验名称", "备注"]
                    .into_iter()
                    .map(String::from)
                    .collect(),
            ),
            (3, vec![String::new(); 3]),
            (
                4,
                vec!["1", " 甲公司 ", "'=x", "略"]
                    .into_iter()
                    .map(String::from)
                    .collect(),
            ),
        ];
        let sheet = rows_of_grid(&grid).unwrap();
        assert_eq!(sheet.header_rows, [2]);
        assert_eq!(
            sheet.preamble,
            [(1, "2023年质量标杆推荐汇总表".to_string())]
        );
        let rows = sheet.rows;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 4);
        assert_eq!(rows[0].enterprise, "甲公司");
        assert_eq!(rows[0].title, "=x");
        assert_eq!(rows[0].status, None);
        assert_eq!(
            rows[0].extra,
            [SheetCell {
                address: "D4".to_string(),
                header: "备注".to_string(),
                value: "略".to_string()
            }]
        );
        assert_eq!((rows[0].into_fields, rows[0].empty), (3, 0));
    }

    #[test]
    fn csv_rows_are_numbered_like_a_spreadsheet() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        std::fs::write(
            &path,
            "\u{feff}标题\r\n企业名称,经验名称\r\n甲,一\r\n\r\n乙,\"两\n行\"\n丙,三\n",
        )
        .unwrap();
        let sheet = read_sheet(&path).unwrap();
        assert_eq!(sheet.sheet, "list");
        let rows = sheet.rows;
        let numbered: Vec<(usize, &str)> = rows
            .iter()
            .map(|r| (r.row, r.enterprise.as_str()))
            .collect();
        assert_eq!(numbered, [(3, "甲"), (5, "乙"), (7, "丙")]);
        assert_eq!(rows[1].title, "两\n行");
    }

    #[test]
    fn list_cells_split_on_chinese_separators() {
        assert_eq!(
            split_list("食品、装备，汽车; 材料"),
            ["食品", "装备", "汽车", "材料"]
        );
        assert!(split_list(" ").is_empty());
    }
}
