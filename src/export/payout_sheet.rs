//! The payout sheet (奖补资金发放表), SPEC "Subsidy disbursement": plain data in, xlsx bytes out.
//!
//! One row per payout (序号, 服务队, 单位, 项目名称, 奖项, 金额（元）, 金额大写, 开户银行, 账号, 户名,
//! 备注), a total row with its 大写, signature lines, and an A4 landscape print setup with the
//! header repeated on every page. Account numbers are always text (never 6.2E+18), the total is
//! summed in integer fen, and R-BANK's mismatch flag is written in 备注. The worksheet is built
//! in constant-memory mode (rows streamed to a temporary file, in order), so 100 000 lines
//! cost a few megabytes; callers should run it in `spawn_blocking`.

use super::sheet_layout::{BODY_FONT, TITLE_FONT, row_height};
use crate::domain::{ranking::Tier, rmb::rmb_capital};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ColNum, Format, FormatAlign, FormatBorder, Formula, RowNum, Workbook, XlsxError};

/// One payout on the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutLine {
    pub team_name: String,
    pub unit_name: String,
    pub project_name: String,
    pub tier: Tier,
    pub amount_fen: i64,
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
    /// R-BANK: the account name is not the unit's full name.
    pub account_name_differs: bool,
}

/// A payout batch as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutSheet {
    pub year: i32,
    pub batch_label: String,
    pub lines: Vec<PayoutLine>,
    pub prepared_by: String,
    pub date: NaiveDate,
}

/// Worksheet name inside the workbook.
pub const SHEET_NAME: &str = "发放表";

/// R-BANK: 备注 of a line whose account name differs from the unit name.
pub const ACCOUNT_NAME_DIFFERS: &str = "户名与单位名称不一致";

/// Column headers and widths (CJK characters count about two width units).
const COLUMNS: [(&str, f64); 11] = [
    ("序号", 6.0),
    ("服务队", 24.0),
    ("单位", 28.0),
    ("项目名称", 28.0),
    ("奖项", 9.0),
    ("金额（元）", 14.0),
    ("金额大写", 32.0),
    ("开户银行", 26.0),
    ("账号", 24.0),
    ("户名", 28.0),
    ("备注", 22.0),
];
const LAST_COL: ColNum = COLUMNS.len() as ColNum - 1;
const HEADER_ROW: RowNum = 1;
const FIRST_LINE_ROW: RowNum = 2;
const MONEY_FORMAT: &str = "#,##0.00";

/// Builds the xlsx payout sheet.
///
/// # Errors
/// Any error of the xlsx writer (for example the temporary file of constant-memory mode
/// cannot be created, or more lines than a worksheet holds), or `ParameterError` when the
/// total does not fit in `i64` fen.
pub fn build_payout_sheet(sheet: &PayoutSheet) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet_with_constant_memory()?;
    ws.set_name(SHEET_NAME)?;
    ws.set_paper_size(9) // A4
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3)
        .set_footer("&C第 &P 页，共 &N 页");
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_freeze_panes(FIRST_LINE_ROW, 0)?;
    for (col, (_, width)) in (0..).zip(COLUMNS) {
        ws.set_column_width(col, width)?;
    }

    // Constant-memory mode: every row is written in order, each completely before the next.
    let title = format!(
        "{}年度沈阳市科技志愿服务\u{201c}智惠行动\u{201d}项目奖补资金发放表（{}）",
        sheet.year, sheet.batch_label
    );
    ws.set_row_height(0, 36)?;
    ws.merge_range(0, 0, 0, LAST_COL, &title, &f.title)?;
    ws.set_row_height(HEADER_ROW, 24)?;
    for (col, (name, _)) in (0..).zip(COLUMNS) {
        ws.write_string_with_format(HEADER_ROW, col, name, &f.header)?;
    }

    let mut total_fen: i64 = 0;
    let mut row = FIRST_LINE_ROW;
    for (serial, line) in (1_u32..).zip(&sheet.lines) {
        let capital = rmb_capital(line.amount_fen);
        let remark = if line.account_name_differs {
            ACCOUNT_NAME_DIFFERS
        } else {
            ""
        };
        // Issue 18.8: as tall as the tallest wrapped cell (set before the row is written, as
        // constant-memory mode needs).
        let texts: [(usize, &str); 7] = [
            (1, &line.team_name),
            (2, &line.unit_name),
            (3, &line.project_name),
            (6, &capital),
            (7, &line.bank_name),
            (9, &line.account_name),
            (10, remark),
        ];
        ws.set_row_height(row, row_height(texts.iter().map(|(c, t)| (*t, COLUMNS[*c].1))))?;
        ws.write_number_with_format(row, 0, f64::from(serial), &f.center)?;
        ws.write_string_with_format(row, 1, &line.team_name, &f.text)?;
        ws.write_string_with_format(row, 2, &line.unit_name, &f.text)?;
        ws.write_string_with_format(row, 3, &line.project_name, &f.text)?;
        ws.write_string_with_format(row, 4, line.tier.label_zh(), &f.center)?;
        ws.write_number_with_format(row, 5, yuan(line.amount_fen), &f.money)?;
        ws.write_string_with_format(row, 6, &capital, &f.text)?;
        ws.write_string_with_format(row, 7, &line.bank_name, &f.text)?;
        // Text cell with the "@" format, so Excel never turns it into 6.2E+18.
        ws.write_string_with_format(row, 8, &line.account_no, &f.account)?;
        ws.write_string_with_format(row, 9, &line.account_name, &f.text)?;
        ws.write_string_with_format(row, 10, remark, &f.text)?;
        // Money is summed in integer fen, never in floats.
        total_fen = total_fen
            .checked_add(line.amount_fen)
            .ok_or_else(|| XlsxError::ParameterError("payout total overflows i64 fen".into()))?;
        row += 1;
    }

    let total_capital = rmb_capital(total_fen);
    ws.set_row_height(row, row_height([(total_capital.as_str(), COLUMNS[6].1)]))?;
    ws.merge_range(row, 0, row, 4, "合计", &f.total_label)?;
    // Issue 18.8: a SUM over the lines (deleting a line keeps the total right), its value
    // cached from the integer-fen sum so readers that do not calculate still see it.
    let sum = if row > FIRST_LINE_ROW {
        format!("=SUM(F{}:F{})", FIRST_LINE_ROW + 1, row)
    } else {
        "=0".to_owned()
    };
    let cached = format!("{}", yuan(total_fen));
    ws.write_formula_with_format(row, 5, Formula::new(sum).set_result(cached), &f.total_money)?;
    ws.write_string_with_format(row, 6, &total_capital, &f.total_text)?;
    for col in 7..=LAST_COL {
        ws.write_blank(row, col, &f.total_text)?;
    }

    let signature_row = row + 2;
    ws.set_row_height(signature_row, 28)?;
    let signatures = [
        (0, 2, format!("制表人：{}", sheet.prepared_by)),
        (3, 5, "审核人：".to_owned()),
        (6, 7, "负责人：".to_owned()),
        (8, LAST_COL, format!("日期：{}", date_zh(sheet.date))),
    ];
    for (first, last, text) in signatures {
        ws.merge_range(signature_row, first, signature_row, last, &text, &f.signature)?;
    }

    workbook.save_to_buffer()
}

/// Fen as a yuan number for the cell (display only; sums stay in fen).
fn yuan(fen: i64) -> f64 {
    fen as f64 / 100.0
}

/// `2025年3月5日`.
fn date_zh(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

struct Formats {
    title: Format,
    header: Format,
    text: Format,
    center: Format,
    money: Format,
    account: Format,
    total_label: Format,
    total_money: Format,
    total_text: Format,
    signature: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_font_name(BODY_FONT)
            .set_font_size(11)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let text = cell.clone().set_text_wrap();
        let money = cell.clone().set_num_format(MONEY_FORMAT);
        Formats {
            title: Format::new()
                .set_font_name(TITLE_FONT)
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: text.clone().set_bold().set_align(FormatAlign::Center),
            center: cell.clone().set_align(FormatAlign::Center),
            account: cell.clone().set_num_format("@"),
            total_label: cell.clone().set_bold().set_align(FormatAlign::Center),
            total_money: money.clone().set_bold(),
            total_text: text.clone().set_bold(),
            signature: Format::new()
                .set_font_name(BODY_FONT)
                .set_font_size(11)
                .set_align(FormatAlign::VerticalCenter),
            text,
            money,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
    use std::io::Cursor;

    fn line(team: &str, tier: Tier, amount_fen: i64, account_no: &str, differs: bool) -> PayoutLine {
        PayoutLine {
            team_name: team.to_owned(),
            unit_name: format!("{team}所属单位"),
            project_name: format!("{team}项目"),
            tier,
            amount_fen,
            bank_name: "中国工商银行沈阳和平支行".to_owned(),
            account_no: account_no.to_owned(),
            account_name: format!("{team}所属单位"),
            account_name_differs: differs,
        }
    }

    fn sheet(lines: Vec<PayoutLine>) -> PayoutSheet {
        PayoutSheet {
            year: 2025,
            batch_label: "第一批".to_owned(),
            lines,
            prepared_by: "王会计".to_owned(),
            date: NaiveDate::from_ymd_opt(2025, 3, 5).unwrap(),
        }
    }

    fn read_back(bytes: Vec<u8>) -> (Xlsx<Cursor<Vec<u8>>>, Range<Data>) {
        let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = workbook.worksheet_range(SHEET_NAME).unwrap();
        (workbook, range)
    }

    fn text(range: &Range<Data>, row: u32, col: u32) -> String {
        match range.get_value((row, col)) {
            Some(Data::String(s)) => s.clone(),
            other => panic!("({row}, {col}) is not a string: {other:?}"),
        }
    }

    fn number(range: &Range<Data>, row: u32, col: u32) -> f64 {
        match range.get_value((row, col)) {
            Some(Data::Float(x)) => *x,
            Some(Data::Int(x)) => *x as f64,
            other => panic!("({row}, {col}) is not a number: {other:?}"),
        }
    }

    fn three_lines() -> PayoutSheet {
        sheet(vec![
            line("甲队", Tier::First, 1_250_000, "6222020200012345678", false),
            line("乙队", Tier::Second, 800_005, "6222-0202-0001-2345-679", true),
            line("丙队", Tier::Third, 500_000, "0012345678", false),
        ])
    }

    /// SPEC "Subsidy disbursement": title, headers and one row per payout.
    #[test]
    fn payout_sheet_has_title_headers_and_one_row_per_payout() {
        let (mut workbook, range) = read_back(build_payout_sheet(&three_lines()).unwrap());

        assert_eq!(
            text(&range, 0, 0),
            "2025年度沈阳市科技志愿服务\u{201c}智惠行动\u{201d}项目奖补资金发放表（第一批）"
        );
        let headers: Vec<String> = (0..11).map(|c| text(&range, 1, c)).collect();
        let expected = [
            "序号",
            "服务队",
            "单位",
            "项目名称",
            "奖项",
            "金额（元）",
            "金额大写",
            "开户银行",
            "账号",
            "户名",
            "备注",
        ];
        assert_eq!(headers, expected);
        assert_eq!(number(&range, 2, 0), 1.0);
        assert_eq!(text(&range, 2, 1), "甲队");
        assert_eq!(text(&range, 3, 4), "二等奖");
        assert_eq!(number(&range, 2, 5), 12_500.0);
        assert_eq!(number(&range, 3, 5), 8_000.05);
        assert_eq!(text(&range, 2, 6), "壹万贰仟伍佰元整");
        let merged = workbook.merge_cells_by_sheet_name(SHEET_NAME).unwrap();
        assert!(merged.iter().any(|d| d.start == (0, 0) && d.end == (0, 10)));
    }

    /// R-BANK
    #[test]
    fn account_numbers_stay_text_and_a_differing_account_name_is_flagged() {
        let (_, range) = read_back(build_payout_sheet(&three_lines()).unwrap());

        assert_eq!(text(&range, 2, 8), "6222020200012345678");
        assert_eq!(text(&range, 4, 8), "0012345678");
        // An empty 备注 is a blank (bordered) cell.
        assert_eq!(range.get_value((2, 10)), Some(&Data::Empty));
        assert_eq!(text(&range, 3, 10), ACCOUNT_NAME_DIFFERS);
    }

    /// SPEC "Subsidy disbursement": the total is summed in fen and written with its 大写.
    #[test]
    fn total_row_sums_in_fen_and_gives_the_capital_amount() {
        let (_, range) = read_back(build_payout_sheet(&three_lines()).unwrap());

        assert_eq!(text(&range, 5, 0), "合计");
        assert_eq!(number(&range, 5, 5), 25_500.05);
        assert_eq!(text(&range, 5, 6), "贰万伍仟伍佰元零伍分");
        assert_eq!(text(&range, 7, 0), "制表人：王会计");
        assert_eq!(text(&range, 7, 3), "审核人：");
        assert_eq!(text(&range, 7, 6), "负责人：");
        assert_eq!(text(&range, 7, 8), "日期：2025年3月5日");
    }

    /// SPEC "Subsidy disbursement": the header row is repeated on every printed page.
    #[test]
    fn header_row_is_repeated_on_every_printed_page() {
        let (workbook, _) = read_back(build_payout_sheet(&three_lines()).unwrap());

        let titles = workbook
            .defined_names()
            .iter()
            .find(|(name, _)| name == "_xlnm.Print_Titles");
        assert!(
            titles.is_some_and(|(_, formula)| formula.ends_with("!$2:$2")),
            "{titles:?}"
        );
    }

    /// SPEC "Subsidy disbursement": an empty batch still has its total of zero.
    #[test]
    fn empty_batch_has_a_zero_total() {
        let (_, range) = read_back(build_payout_sheet(&sheet(Vec::new())).unwrap());

        assert_eq!(text(&range, 2, 0), "合计");
        assert_eq!(number(&range, 2, 5), 0.0);
        assert_eq!(text(&range, 2, 6), "零元整");
    }

    /// SPEC "Subsidy disbursement": 100 000 lines in constant memory (timing printed).
    #[test]
    #[ignore = "slow; run with --release -- --ignored --nocapture"]
    fn a_hundred_thousand_lines_are_written() {
        let lines = (0..100_000)
            .map(|i| {
                line(
                    &format!("服务队{i}"),
                    Tier::Third,
                    500_000 + i,
                    "6222020200012345678",
                    i % 7 == 0,
                )
            })
            .collect();
        let sheet = sheet(lines);

        let started = std::time::Instant::now();
        let bytes = build_payout_sheet(&sheet).unwrap();
        let elapsed = started.elapsed();
        println!(
            "build_payout_sheet: 100000 lines, {} bytes, {elapsed:?}",
            bytes.len()
        );

        let (_, range) = read_back(bytes);
        let expected_fen: i64 = (0..100_000).map(|i| 500_000 + i).sum();
        assert_eq!(number(&range, 100_002, 5), expected_fen as f64 / 100.0);
        assert_eq!(text(&range, 100_002, 6), rmb_capital(expected_fen));
    }
}
