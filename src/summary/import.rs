//! Import of a recommended list (汇总表) into case folders.
//!
//! [`read_sheet`] reads the first worksheet of an `.xlsx` file (or `.xlsm`, `.xls`, `.ods`) or
//! a `.csv` file (UTF-8 with or without a byte-order mark; GB18030, as Excel saves CSV on
//! Chinese Windows, is recognised too) and finds the header row by its column names, matched
//! flexibly (企业名称 / 单位名称 / 申报单位 …). [`import`] checks every row against the year's
//! vocabulary, reports each bad row with its row number, and scaffolds one folder per
//! enterprise with [`crate::scaffold::new_case`]. An existing case is never overwritten: it
//! is reported and skipped.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::content::front_matter::{self, Private};
use crate::error::{display_path, Error, Result};
use crate::scaffold::{self, CaseFields};
use crate::vocab::{Kind, Term, Vocabulary};

/// How many rows at the top of a sheet may precede the header row (a title, a date line …).
const HEADER_SEARCH_ROWS: usize = 10;

/// One data row of an imported sheet, as written (trimmed), not yet checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportRow {
    /// 1-based row number in the sheet (the header row included), for messages.
    pub row: usize,
    /// 序号.
    pub number: String,
    /// 地区.
    pub region: String,
    /// 企业名称.
    pub enterprise: String,
    /// 典型经验名称.
    pub title: String,
    /// 重点领域.
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
    /// 利润（万元）by year, from columns such as `2020年利润（万元）`.
    pub profit: BTreeMap<u16, String>,
}

/// A row that was not imported, with every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// 1-based row number in the sheet.
    pub row: usize,
    /// 企业名称 of the row (may be empty).
    pub enterprise: String,
    /// What is wrong, one sentence each.
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
    Area,
    Industries,
    Methods,
    Status,
    Contact,
    Phone,
    CreditCode,
    Profit(u16),
}

/// Accepted header names per column (compared after [`normalize_header`]).
const HEADER_NAMES: &[(Field, &[&str])] = &[
    (Field::Number, &["序号", "编号", "排序", "no", "no."]),
    (
        Field::Region,
        &[
            "地区",
            "所属地区",
            "推荐地区",
            "推荐单位",
            "地市",
            "所在地区",
            "区域",
        ],
    ),
    (
        Field::Enterprise,
        &[
            "企业名称",
            "单位名称",
            "申报单位",
            "申报企业",
            "企业",
            "企业全称",
            "单位",
        ],
    ),
    (
        Field::Title,
        &[
            "典型经验名称",
            "经验名称",
            "经验题目",
            "典型经验",
            "题目",
            "标题",
            "经验标题",
        ],
    ),
    (Field::Area, &["重点领域", "领域", "申报领域", "所属领域"]),
    (Field::Industries, &["行业", "所属行业", "行业领域", "产业"]),
    (
        Field::Methods,
        &["方法", "质量管理方法", "主要方法", "质量方法"],
    ),
    (Field::Status, &["状态", "入选状态"]),
    (Field::Contact, &["联系人", "联系人姓名"]),
    (Field::Phone, &["电话", "联系电话", "手机", "联系方式"]),
    (
        Field::CreditCode,
        &[
            "统一社会信用代码",
            "信用代码",
            "社会信用代码",
            "统一信用代码",
        ],
    ),
];

/// Header text reduced for comparison: no spaces, marks of required columns, units in
/// brackets, full-width forms folded, Latin lower-cased.
fn normalize_header(header: &str) -> String {
    let folded: String = header
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{feff}' | '*' | '＊'))
        .map(fold_width)
        .collect::<String>()
        .to_lowercase();
    match folded.find('(') {
        Some(i) if i > 0 => folded[..i].to_string(),
        _ => folded,
    }
}

/// Folds full-width ASCII forms (（）：，) to their ASCII counterparts.
fn fold_width(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

fn field_of(header: &str) -> Option<Field> {
    let normalized = normalize_header(header);
    if normalized.is_empty() {
        return None;
    }
    if normalized.contains("利润") {
        return profit_year(&normalized).map(Field::Profit);
    }
    HEADER_NAMES
        .iter()
        .find(|(_, names)| names.contains(&normalized.as_str()))
        .map(|(field, _)| *field)
}

/// The first four-digit year (1900–2199) in a header such as `2020年利润`.
fn profit_year(header: &str) -> Option<u16> {
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

/// Reads the rows of a summary sheet: the first worksheet of an `.xlsx`/`.xlsm`/`.xls`/`.ods`
/// file that has a header row, or a `.csv` file. The header row is the first of the top ten
/// rows that names the enterprise column; rows above it are ignored, empty rows are skipped,
/// unknown columns are ignored. Values are trimmed; a leading `'` that protected a formula-like
/// value (see [`super::csv_safe`]) is removed.
pub fn read_sheet(path: &Path) -> Result<Vec<ImportRow>> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let grid = match extension.as_str() {
        "csv" => read_csv_grid(path)?,
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_workbook_grid(path)?,
        _ => {
            return Err(Error::Invalid(format!(
                "{}: unsupported sheet format; give a .xlsx or .csv file",
                display_path(path)
            )))
        }
    };
    rows_of_grid(&grid).ok_or_else(|| {
        Error::Invalid(format!(
            "{}: no header row naming the enterprise column (企业名称, 单位名称 or 申报单位) in the first {HEADER_SEARCH_ROWS} rows",
            display_path(path)
        ))
    })
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
                return Err(Error::Invalid(format!(
                    "{}: the file is neither UTF-8 nor GB18030 text; save it as \"CSV UTF-8\"",
                    display_path(path)
                )));
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
        let record = record.map_err(|e| Error::Invalid(format!("{}: {e}", display_path(path))))?;
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

fn read_workbook_grid(path: &Path) -> Result<Grid> {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto(path)
        .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", display_path(path))))?;
    let mut first = None;
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(|e| {
            Error::Invalid(format!(
                "cannot read worksheet `{name}` of {}: {e}",
                display_path(path)
            ))
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
            return Ok(grid);
        }
        first.get_or_insert(grid);
    }
    Ok(first.unwrap_or_default())
}

fn cell_text(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

/// Finds the header row and turns the rows below it into [`ImportRow`]s.
fn rows_of_grid(grid: &Grid) -> Option<Vec<ImportRow>> {
    let mut non_empty = grid
        .iter()
        .enumerate()
        .filter(|(_, (_, cells))| cells.iter().any(|c| !c.trim().is_empty()))
        .take(HEADER_SEARCH_ROWS);
    let (header_index, columns) = non_empty.find_map(|(index, (_, cells))| {
        let columns: Vec<Option<Field>> = cells.iter().map(|c| field_of(c)).collect();
        columns
            .contains(&Some(Field::Enterprise))
            .then_some((index, columns))
    })?;
    let has_status = columns.contains(&Some(Field::Status));
    let mut rows = Vec::new();
    for (number, cells) in grid.iter().skip(header_index + 1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut row = ImportRow {
            row: *number,
            status: has_status.then(String::new),
            ..ImportRow::default()
        };
        let mut seen = Vec::new();
        for (field, cell) in columns.iter().zip(cells) {
            let Some(field) = field else { continue };
            // The first column of a kind wins.
            if seen.contains(field) {
                continue;
            }
            seen.push(*field);
            let value = clean_cell(cell);
            match field {
                Field::Number => row.number = value,
                Field::Region => row.region = value,
                Field::Enterprise => row.enterprise = value,
                Field::Title => row.title = value,
                Field::Area => row.area = value,
                Field::Industries => row.industries = value,
                Field::Methods => row.methods = value,
                Field::Status => row.status = Some(value),
                Field::Contact => row.contact = value,
                Field::Phone => row.phone = value,
                Field::CreditCode => row.credit_code = value,
                Field::Profit(year) => {
                    if !value.is_empty() {
                        row.profit.insert(*year, value);
                    }
                }
            }
        }
        rows.push(row);
    }
    Some(rows)
}

fn clean_cell(cell: &str) -> String {
    let value = cell.trim();
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
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

/// Resolves `value` in the vocabulary: an id or name, then the same with full-width
/// brackets folded and Latin case ignored, then the only name that starts with it (so that
/// `郑州` finds 郑州市 and `济源` finds 济源示范区).
fn resolve<'v>(vocab: &'v Vocabulary, kind: Kind, value: &str) -> Option<&'v Term> {
    if let Some(term) = vocab.resolve(kind, value) {
        return Some(term);
    }
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(fold_width)
            .collect::<String>()
            .to_lowercase()
    };
    let wanted = fold(value);
    if wanted.is_empty() {
        return None;
    }
    let terms = vocab.terms(kind);
    if let Some(term) = terms
        .iter()
        .find(|t| fold(&t.id) == wanted || fold(&t.name) == wanted)
    {
        return Some(term);
    }
    if wanted.chars().count() < 2 {
        return None;
    }
    let mut prefixed = terms.iter().filter(|t| fold(&t.name).starts_with(&wanted));
    match (prefixed.next(), prefixed.next()) {
        (Some(term), None) => Some(term),
        _ => None,
    }
}

fn unknown(vocab: &Vocabulary, kind: Kind, column: &str, value: &str, year: u16) -> String {
    let mut message = format!("unknown {column} `{value}` for {year}");
    if let Some(suggestion) = vocab.suggest(kind, value) {
        message.push_str(&format!(" (did you mean `{suggestion}`?)"));
    }
    message
}

/// Parses a number cell: `1860`, `1,860`, `1860.5`.
fn parse_number(value: &str) -> Option<f64> {
    let cleaned: String = value
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A row checked and turned into the fields of a new case.
fn check_row(row: &ImportRow, vocab: &Vocabulary, year: u16) -> Result<CaseFields, Vec<String>> {
    let mut problems = Vec::new();
    let enterprise = row.enterprise.trim();
    if enterprise.is_empty() {
        problems.push("企业名称 is empty".to_string());
    } else if enterprise.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|'])
        || enterprise.chars().any(char::is_control)
        || enterprise.starts_with('.')
    {
        problems.push(format!(
            "企业名称 `{enterprise}` cannot be a folder name: it may not contain / \\ : * ? \" < > | or control characters, nor start with `.`"
        ));
    }
    let mut term = |kind: Kind, column: &str, value: &str| -> String {
        if value.is_empty() {
            problems.push(format!("{column} is empty"));
            return String::new();
        }
        match resolve(vocab, kind, value) {
            Some(term) => term.id.clone(),
            None => {
                problems.push(unknown(vocab, kind, column, value, year));
                String::new()
            }
        }
    };
    let region = term(Kind::Regions, "地区", &row.region);
    let area = term(Kind::Areas, "重点领域", &row.area);
    let mut list = |kind: Kind, column: &str, value: &str| -> Vec<String> {
        split_list(value)
            .into_iter()
            .filter_map(|item| match resolve(vocab, kind, item) {
                Some(term) => Some(term.id.clone()),
                None => {
                    problems.push(unknown(vocab, kind, column, item, year));
                    None
                }
            })
            .collect()
    };
    let industry = list(Kind::Industries, "行业", &row.industries);
    let methods = list(Kind::Methods, "方法", &row.methods);
    let number = if row.number.is_empty() {
        None
    } else {
        match parse_number(&row.number) {
            Some(n) if n.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(&n) => {
                Some(n as u32)
            }
            _ => {
                problems.push(format!("序号 `{}` is not a whole number", row.number));
                None
            }
        }
    };
    if !row.credit_code.is_empty() {
        if let Some(problem) = crate::check::credit_code_problem(&row.credit_code) {
            problems.push(format!("统一社会信用代码 `{}` {problem}", row.credit_code));
        }
    }
    let mut profit = BTreeMap::new();
    for (profit_year, value) in &row.profit {
        match parse_number(value) {
            Some(p) if p > 0.0 => {
                profit.insert(*profit_year, p);
            }
            Some(_) => problems.push(format!(
                "{profit_year}年利润 is {value}: the notice requires three profitable years"
            )),
            None => problems.push(format!("{profit_year}年利润 `{value}` is not a number")),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let private = Private {
        contact: non_empty(&row.contact),
        phone: non_empty(&row.phone),
        credit_code: non_empty(&row.credit_code),
        profit,
        ..Private::default()
    };
    let has_private = private.contact.is_some()
        || private.phone.is_some()
        || private.credit_code.is_some()
        || !private.profit.is_empty();
    Ok(CaseFields {
        enterprise: enterprise.to_string(),
        year,
        title: row.title.clone(),
        region,
        area,
        summary: String::new(),
        number,
        industry,
        methods,
        status: row.status.clone(),
        private: has_private.then_some(private),
    })
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
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return cases;
    };
    for entry in entries.flatten() {
        let index = entry.path().join("index.md");
        if !index.is_file() {
            continue;
        }
        let folder = entry.file_name().to_string_lossy().into_owned();
        let rel = Path::new("content")
            .join(year.to_string())
            .join(&folder)
            .join("index.md");
        let meta = std::fs::read_to_string(&index).ok().and_then(|text| {
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

/// Scaffolds one case per valid row under `root/content/<year>/<企业名称>/index.md`.
///
/// Every row is checked against the vocabulary of `year` first (企业名称 present, 地区 and
/// 重点领域 known, 行业 and 方法 known, 序号 a number, credit code and profits valid, no
/// enterprise twice in the sheet); a bad row is reported with its row number and not
/// imported. An enterprise that already has a case in the year is reported and skipped, its
/// files untouched. Each case is written atomically (temporary file, then rename).
pub fn import(root: &Path, config: &SiteConfig, year: u16, rows: &[ImportRow]) -> ImportReport {
    let vocab = config.vocabulary(year);
    let existing = existing_cases(root, year);
    let mut report = ImportReport::default();
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
    for row in rows {
        let enterprise = row.enterprise.trim().to_string();
        let fields = match check_row(row, &vocab, year) {
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
            }
            Err(error) => {
                if !folder_existed {
                    // Only an empty folder is removed: nothing that was there is lost.
                    let _ = std::fs::remove_dir(&folder);
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
        assert_eq!(field_of("企业名称"), Some(Field::Enterprise));
        assert_eq!(field_of(" 申报单位 *"), Some(Field::Enterprise));
        assert_eq!(field_of("经验题目"), Some(Field::Title));
        assert_eq!(field_of("推荐地区"), Some(Field::Region));
        assert_eq!(field_of("联系电话"), Some(Field::Phone));
        assert_eq!(field_of("信用代码"), Some(Field::CreditCode));
        assert_eq!(field_of("2020年利润（万元）"), Some(Field::Profit(2020)));
        assert_eq!(field_of("利润2021"), Some(Field::Profit(2021)));
        assert_eq!(field_of("利润（万元）"), None);
        assert_eq!(field_of("备注"), None);
        assert_eq!(field_of("序号"), Some(Field::Number));
    }

    #[test]
    fn resolves_short_and_full_width_names() {
        let vocab = Vocabulary::builtin();
        let id = |kind, value| resolve(&vocab, kind, value).map(|t| t.id.as_str());
        assert_eq!(id(Kind::Regions, "郑州"), Some("zhengzhou"));
        assert_eq!(id(Kind::Regions, "济源"), Some("jiyuan"));
        assert_eq!(id(Kind::Regions, "Zhengzhou"), Some("zhengzhou"));
        assert_eq!(
            id(Kind::Methods, "质量管理小组（QC小组）"),
            Some("qc-circle")
        );
        assert_eq!(id(Kind::Industries, "新"), None);
        assert_eq!(id(Kind::Regions, "北京市"), None);
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
        let rows = rows_of_grid(&grid).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 4);
        assert_eq!(rows[0].enterprise, "甲公司");
        assert_eq!(rows[0].title, "=x");
        assert_eq!(rows[0].status, None);
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
        let rows = read_sheet(&path).unwrap();
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
