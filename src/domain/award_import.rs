//! The association's existing award list, imported as the history R-EXCLUDE reads for years
//! before the system: an `.xlsx` or UTF-8 `.csv` sheet (decided by the content: an xlsx is a
//! zip) with a header row and the columns year, team name, project name, prize. Parsing is
//! pure: bytes in, the good rows and a reason for every bad one out.

use crate::domain::{application::parse_project_name, ranking::Tier};

use std::{collections::HashMap, ops::RangeInclusive};
pub use vocab::AwardSource;

/// Years an award may be recorded for.
pub const YEARS: RangeInclusive<i32> = 2000..=2100;

/// One good row; `row` is its number as the sheet shows it (from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub row: u32,
    pub year: i32,
    /// Trimmed; matched exactly against registered team names.
    pub team_name: String,
    pub project_name: String,
    pub tier: Tier,
}

/// Why a row cannot be imported ("中文 / English").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    pub row: u32,
    pub reason: String,
    /// The Chinese half of `reason`, for the pages.
    #[serde(skip)]
    pub zh: String,
}

impl RowProblem {
    pub fn new(row: u32, zh: &str, en: &str) -> Self {
        Self {
            row,
            reason: format!("{zh} / {en}"),
            zh: zh.to_owned(),
        }
    }
}

/// A data row's cells as written (trimmed), good or bad, for a preview of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub row: u32,
    pub year: String,
    pub team_name: String,
    pub project_name: String,
    pub prize: String,
}

/// The year (when valid) and team name of every data row that names a team, good or bad:
/// the team must exist and the award must not be recorded yet, whatever else is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowKey {
    pub row: u32,
    pub year: Option<i32>,
    pub team_name: String,
}

#[derive(Debug, Default)]
pub struct ParsedSheet {
    /// The good rows.
    pub rows: Vec<SheetRow>,
    pub keys: Vec<RowKey>,
    /// Every data row below the header as written, in row order.
    pub raw: Vec<RawRow>,
    /// Every problem found, in row order.
    pub problems: Vec<RowProblem>,
}

/// 一等奖 / first (and 一等), case-insensitive.
pub fn parse_prize(raw: &str) -> Option<Tier> {
    match raw.trim().to_lowercase().as_str() {
        "一等奖" | "一等" | "first" => Some(Tier::First),
        "二等奖" | "二等" | "second" => Some(Tier::Second),
        "三等奖" | "三等" | "third" => Some(Tier::Third),
        _ => None,
    }
}

/// `2023` or `2023年`, within [`YEARS`].
pub fn parse_year(raw: &str) -> Option<i32> {
    let s = raw.trim();
    let s = s.strip_suffix('年').unwrap_or(s).trim();
    s.parse().ok().filter(|y| YEARS.contains(y))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Year,
    Team,
    Project,
    Prize,
}

impl Column {
    fn of_header(raw: &str) -> Option<Self> {
        let h = raw.trim().trim_start_matches('\u{feff}').trim().to_lowercase();
        match h.as_str() {
            "年度" | "年份" | "year" => Some(Self::Year),
            "服务队" | "服务队名称" | "队伍名称" | "team" | "team name" | "team_name" => {
                Some(Self::Team)
            }
            "项目名称" | "project" | "project name" | "project_name" => Some(Self::Project),
            "奖项" | "获奖等级" | "prize" | "tier" => Some(Self::Prize),
            _ => None,
        }
    }
    fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Year => ("年度", "year"),
            Self::Team => ("服务队名称", "team"),
            Self::Project => ("项目名称", "project"),
            Self::Prize => ("奖项", "prize"),
        }
    }
}

/// Parses an award list. A file that cannot be read at all gives one problem at row 1.
/// A cell's text on one line: each line break (with the spaces around it) becomes one space.
fn cell_line(s: &str) -> String {
    s.split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn parse(bytes: &[u8]) -> ParsedSheet {
    let table = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&OLE_MAGIC) {
        // An .xlsx (a zip) or, issue 18.7, an older Excel .xls (an OLE compound file).
        xlsx_cells(bytes)
    } else {
        csv_cells(bytes)
    };
    match table {
        Ok(rows) => interpret(rows),
        Err(p) => ParsedSheet {
            problems: vec![p],
            ..Default::default()
        },
    }
}

/// Numbered rows of text cells.
type Table = Vec<(u32, Vec<String>)>;

/// The signature of an OLE compound file (an Excel 97–2003 .xls).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn xlsx_cells(bytes: &[u8]) -> Result<Table, RowProblem> {
    use calamine::{Data, Reader};
    let unreadable = |_| {
        RowProblem::new(
            1,
            "无法读取该Excel文件（xlsx或xls）",
            "the Excel file (xlsx or xls) cannot be read",
        )
    };
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(unreadable)?,
        None => return Ok(vec![]),
    };
    let first = range.start().map_or(0, |(r, _)| r);
    let text = |c: &Data| match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    };
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, r)| (first + i as u32 + 1, r.iter().map(text).collect()))
        .collect())
}

/// A CSV's text: UTF-8 (with or without a BOM) or, as Excel saves "CSV" on a Chinese
/// Windows, GBK — read as GB18030, its superset (issue 18.7). Anything else is refused.
fn csv_text(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, RowProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(std::borrow::Cow::Borrowed(s));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| std::borrow::Cow::Owned(s.into_owned()))
        .ok_or_else(|| {
            RowProblem::new(
                1,
                "文件既不是Excel表格，也不是UTF-8或GBK编码的CSV",
                "the file is neither an Excel sheet nor a UTF-8 or GBK CSV",
            )
        })
}

fn csv_cells(bytes: &[u8]) -> Result<Table, RowProblem> {
    let text = csv_text(bytes)?;
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut out = vec![];
    for record in reader.records() {
        match record {
            Ok(r) => {
                // A record's position is where reading began, before any empty lines the
                // reader skipped: count those too, so the number is the sheet's line.
                let line = r.position().map_or(out.len() as u64 + 1, |p| {
                    let start = usize::try_from(p.byte()).unwrap_or(usize::MAX);
                    let skipped = bytes
                        .get(start..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|b| matches!(b, b'\r' | b'\n'))
                        .filter(|b| **b == b'\n')
                        .count();
                    p.line() + skipped as u64
                });
                out.push((line as u32, r.iter().map(str::to_owned).collect()));
            }
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line() as u32);
                return Err(RowProblem::new(
                    line,
                    "CSV格式错误",
                    &format!("malformed CSV: {e}"),
                ));
            }
        }
    }
    Ok(out)
}

fn interpret(table: Table) -> ParsedSheet {
    let mut sheet = ParsedSheet::default();
    let table: Table = table
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    // The header is the first row naming at least two known columns (a title above it is
    // skipped); without one, the first row, so its missing columns are reported.
    let recognised = |cells: &[String]| cells.iter().filter(|c| Column::of_header(c).is_some()).count();
    let Some(at) = table
        .iter()
        .position(|(_, cells)| recognised(cells) >= 2)
        .or((!table.is_empty()).then_some(0))
    else {
        sheet
            .problems
            .push(RowProblem::new(1, "文件中没有表头和数据", "the file is empty"));
        return sheet;
    };
    let mut rows = table.into_iter().skip(at);
    let Some((header_row, header)) = rows.next() else {
        return sheet;
    };
    let mut index: HashMap<Column, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        if let Some(c) = Column::of_header(h) {
            index.entry(c).or_insert(i);
        }
    }
    let missing: Vec<Column> = [Column::Year, Column::Team, Column::Project, Column::Prize]
        .into_iter()
        .filter(|c| !index.contains_key(c))
        .collect();
    if !missing.is_empty() {
        let zh: Vec<&str> = missing.iter().map(|c| c.label().0).collect();
        let en: Vec<&str> = missing.iter().map(|c| c.label().1).collect();
        sheet.problems.push(RowProblem::new(
            header_row,
            &format!(
                "表头缺少列：{}（应有 年度、服务队名称、项目名称、奖项）",
                zh.join("、")
            ),
            &format!(
                "the header lacks: {} (expected year, team, project, prize)",
                en.join(", ")
            ),
        ));
        return sheet;
    }
    let mut seen: HashMap<(i32, String), u32> = HashMap::new();
    for (row, cells) in rows {
        let cell = |c: Column| cells.get(index[&c]).map(|s| s.trim()).unwrap_or_default();
        sheet.raw.push(RawRow {
            row,
            year: cell(Column::Year).to_owned(),
            team_name: cell(Column::Team).to_owned(),
            project_name: cell(Column::Project).to_owned(),
            prize: cell(Column::Prize).to_owned(),
        });
        let mut reasons: Vec<RowProblem> = vec![];
        let year = parse_year(cell(Column::Year));
        if year.is_none() {
            reasons.push(RowProblem::new(
                row,
                &format!("年度“{}”无效（应为2000至2100之间的年份）", cell(Column::Year)),
                &format!("malformed year \"{}\" (2000 to 2100)", cell(Column::Year)),
            ));
        }
        let team = cell(Column::Team).to_owned();
        if team.is_empty() {
            reasons.push(RowProblem::new(row, "服务队名称为空", "the team name is empty"));
        }
        // A line break inside a spreadsheet cell is layout (Alt+Enter), not part of the name.
        let project = parse_project_name(&cell_line(cell(Column::Project)))
            .map_err(|e| {
                reasons.push(RowProblem::new(
                    row,
                    &format!("项目名称：{}", e.zh),
                    &format!("project: {}", e.en),
                ))
            })
            .ok();
        let tier = parse_prize(cell(Column::Prize));
        if tier.is_none() {
            reasons.push(RowProblem::new(
                row,
                &format!("奖项“{}”无效（应为一等奖、二等奖或三等奖）", cell(Column::Prize)),
                &format!(
                    "unknown prize \"{}\" (first, second or third)",
                    cell(Column::Prize)
                ),
            ));
        }
        if !team.is_empty() {
            sheet.keys.push(RowKey {
                row,
                year,
                team_name: team.clone(),
            });
        }
        if let Some(y) = year.filter(|_| !team.is_empty()) {
            if let Some(first) = seen.get(&(y, team.clone())) {
                reasons.push(RowProblem::new(
                    row,
                    &format!("与第{first}行重复（同一年度、同一服务队）"),
                    &format!("duplicates row {first} (same year and team)"),
                ));
            } else {
                seen.insert((y, team.clone()), row);
            }
        }
        match (year, project, tier) {
            (Some(year), Some(project_name), Some(tier)) if reasons.is_empty() => sheet.rows.push(SheetRow {
                row,
                year,
                team_name: team,
                project_name,
                tier,
            }),
            _ => sheet.problems.extend(reasons),
        }
    }
    if sheet.rows.is_empty() && sheet.problems.is_empty() {
        sheet.problems.push(RowProblem::new(
            header_row,
            "表头下没有数据行",
            "no rows below the header",
        ));
    }
    sheet
}

#[cfg(test)]
mod tests;
