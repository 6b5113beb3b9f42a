//! The ranking results sheet (评审结果), SPEC "Review and ranking": plain data in, xlsx bytes out.
//!
//! One row per ranked application (R-RANK order as given): 排名, 服务队, 单位, 项目名称, one column
//! per rubric criterion (the mean of the experts' scores), 最终得分, 奖项 (or 未获奖), then the
//! activities it counts and, 其中补录, how many of them were recorded after the fact (issue
//! 18.1), under a 合计 row whose counts are `SUM` formulas with their values cached (issue
//! 18.8). Scores are numbers with two decimals, the header is frozen and repeated on printed
//! pages, A4 landscape, one page wide.

use super::sheet_layout::{BODY_FONT, TITLE_FONT, row_height};
use crate::domain::ranking::Tier;
use rust_xlsxwriter::{
    ColNum, Format, FormatAlign, FormatBorder, Formula, RowNum, Workbook, XlsxError, utility::cell_range,
};

/// One ranked application.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub rank: u32,
    pub team_name: String,
    pub unit_name: String,
    pub project_name: String,
    /// Mean per criterion in points, in the order of [`ResultsSheet::criteria`].
    pub criterion_means: Vec<f64>,
    /// Final score in points.
    pub final_score: f64,
    pub tier: Option<Tier>,
    /// The activities the application counts (R-SUBMIT).
    pub counted_activities: i64,
    /// Of those, activities recorded after the fact (补录, issue 18.1).
    pub backfilled_activities: i64,
}

/// The whole results table of one cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultsSheet {
    /// Names the cycle, e.g. `2025年度"智惠行动"项目评审结果`.
    pub title: String,
    /// Criterion names, one column each.
    pub criteria: Vec<String>,
    pub rows: Vec<ResultRow>,
}

/// Worksheet name inside the workbook.
pub const SHEET_NAME: &str = "评审结果";

/// 奖项 of an application without an award.
pub const NOT_AWARDED: &str = "未获奖";

const HEADER_ROW: RowNum = 1;
const FIRST_DATA_ROW: RowNum = 2;
const SCORE_FORMAT: &str = "0.00";

/// Builds the xlsx results sheet. A row with fewer criterion means than there are criteria
/// gets blank cells for the missing ones; extra means are ignored.
///
/// # Errors
/// Any error of the xlsx writer, e.g. more criteria or rows than a worksheet holds.
pub fn build_results_sheet(sheet: &ResultsSheet) -> Result<Vec<u8>, XlsxError> {
    let criteria = ColNum::try_from(sheet.criteria.len())
        .map_err(|_| XlsxError::ParameterError(format!("too many criteria: {}", sheet.criteria.len())))?;
    let score_col = 4 + criteria;
    let tier_col = score_col + 1;
    let activities_col = tier_col + 1;
    let backfilled_col = activities_col + 1;

    let cell = Format::new()
        .set_font_name(BODY_FONT)
        .set_font_size(11)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let text = cell.clone().set_text_wrap();
    let center = cell.clone().set_align(FormatAlign::Center);
    let count = center.clone().set_num_format("0");
    let total_label = center.clone().set_bold();
    let total_count = count.clone().set_bold();
    let score = cell.set_num_format(SCORE_FORMAT);
    let header = text.clone().set_bold().set_align(FormatAlign::Center);
    let title = Format::new()
        .set_font_name(TITLE_FONT)
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);

    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name(SHEET_NAME)?;
    ws.set_paper_size(9) // A4
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_footer("&C第 &P 页，共 &N 页");
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;

    let mut headers: Vec<(&str, f64)> = vec![
        ("排名", 6.0),
        ("服务队", 24.0),
        ("单位", 28.0),
        ("项目名称", 28.0),
    ];
    for name in &sheet.criteria {
        // Wide enough for the name (CJK ≈ 2 units per character), at least for "100.00".
        let width = (name.chars().count() as f64 * 2.2 + 2.0).clamp(10.0, 30.0);
        headers.push((name, width));
    }
    headers.extend([
        ("最终得分", 11.0),
        ("奖项", 10.0),
        ("计入活动", 10.0),
        ("其中补录", 10.0),
    ]);
    for (col, (name, width)) in (0..).zip(&headers) {
        ws.set_column_width(col, *width)?;
        ws.write_string_with_format(HEADER_ROW, col, *name, &header)?;
    }
    ws.set_row_height(0, 36)?;
    ws.merge_range(0, 0, 0, backfilled_col, &sheet.title, &title)?;
    ws.set_row_height(HEADER_ROW, 30)?;

    for (row, r) in (FIRST_DATA_ROW..).zip(&sheet.rows) {
        // Issue 18.8: as tall as the tallest wrapped cell.
        ws.set_row_height(
            row,
            row_height([
                (r.team_name.as_str(), headers[1].1),
                (r.unit_name.as_str(), headers[2].1),
                (r.project_name.as_str(), headers[3].1),
            ]),
        )?;
        ws.write_number_with_format(row, 0, f64::from(r.rank), &center)?;
        ws.write_string_with_format(row, 1, &r.team_name, &text)?;
        ws.write_string_with_format(row, 2, &r.unit_name, &text)?;
        ws.write_string_with_format(row, 3, &r.project_name, &text)?;
        for (i, col) in (4..score_col).enumerate() {
            match r.criterion_means.get(i) {
                Some(mean) => ws.write_number_with_format(row, col, *mean, &score)?,
                None => ws.write_blank(row, col, &score)?,
            };
        }
        ws.write_number_with_format(row, score_col, r.final_score, &score)?;
        let label = r.tier.map_or(NOT_AWARDED, Tier::label_zh);
        ws.write_string_with_format(row, tier_col, label, &center)?;
        ws.write_number_with_format(row, activities_col, r.counted_activities as f64, &count)?;
        ws.write_number_with_format(row, backfilled_col, r.backfilled_activities as f64, &count)?;
    }

    // 合计: SUMs over the lines (deleting a line keeps the totals right), their values cached
    // so that readers which do not calculate still show them.
    let total_row = FIRST_DATA_ROW
        + RowNum::try_from(sheet.rows.len())
            .map_err(|_| XlsxError::ParameterError(format!("too many rows: {}", sheet.rows.len())))?;
    ws.set_row_height(total_row, row_height([("合计", 6.0)]))?;
    ws.merge_range(total_row, 0, total_row, tier_col, "合计", &total_label)?;
    for (col, value) in [
        (
            activities_col,
            sheet.rows.iter().map(|r| r.counted_activities).sum::<i64>(),
        ),
        (
            backfilled_col,
            sheet.rows.iter().map(|r| r.backfilled_activities).sum::<i64>(),
        ),
    ] {
        let sum = if sheet.rows.is_empty() {
            "=0".to_owned()
        } else {
            format!("=SUM({})", cell_range(FIRST_DATA_ROW, col, total_row - 1, col))
        };
        ws.write_formula_with_format(
            total_row,
            col,
            Formula::new(sum).set_result(value.to_string()),
            &total_count,
        )?;
    }

    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
    use std::io::Cursor;

    fn results() -> ResultsSheet {
        let row = |rank: u32, team: &str, means: Vec<f64>, score: f64, tier| ResultRow {
            rank,
            team_name: team.to_owned(),
            unit_name: format!("{team}单位"),
            project_name: format!("{team}项目"),
            criterion_means: means,
            final_score: score,
            tier,
            counted_activities: 3,
            backfilled_activities: i64::from(rank == 1),
        };
        ResultsSheet {
            title: "2025年度\u{201c}智惠行动\u{201d}项目评审结果".to_owned(),
            criteria: ["活动场次", "服务对象", "社会效益", "活动亮点与材料规范"]
                .map(String::from)
                .to_vec(),
            rows: vec![
                row(1, "甲队", vec![28.5, 27.0, 19.33, 18.0], 92.83, Some(Tier::First)),
                row(2, "乙队", vec![20.0, 21.5, 15.0], 71.5, None),
            ],
        }
    }

    fn read_back(bytes: Vec<u8>) -> Range<Data> {
        let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        workbook.worksheet_range(SHEET_NAME).unwrap()
    }

    fn text(range: &Range<Data>, row: u32, col: u32) -> String {
        match range.get_value((row, col)) {
            Some(Data::String(s)) => s.clone(),
            other => panic!("({row}, {col}) is not a string: {other:?}"),
        }
    }

    /// R-RANK
    #[test]
    fn results_sheet_lists_rank_criteria_means_final_score_and_award() {
        let range = read_back(build_results_sheet(&results()).unwrap());

        assert_eq!(text(&range, 0, 0), "2025年度\u{201c}智惠行动\u{201d}项目评审结果");
        let headers: Vec<String> = (0..12).map(|c| text(&range, 1, c)).collect();
        let expected = [
            "排名",
            "服务队",
            "单位",
            "项目名称",
            "活动场次",
            "服务对象",
            "社会效益",
            "活动亮点与材料规范",
            "最终得分",
            "奖项",
            "计入活动",
            "其中补录",
        ];
        assert_eq!(headers, expected);
        assert_eq!(range.get_value((2, 0)), Some(&Data::Float(1.0)));
        assert_eq!(text(&range, 2, 1), "甲队");
        assert_eq!(range.get_value((2, 6)), Some(&Data::Float(19.33)));
        assert_eq!(range.get_value((2, 8)), Some(&Data::Float(92.83)));
        assert_eq!(text(&range, 2, 9), "一等奖");
        assert_eq!(range.get_value((3, 7)), Some(&Data::Empty));
        assert_eq!(text(&range, 3, 9), NOT_AWARDED);
        // Issue 18.1: the 补录 among the counted activities, and their 合计 (cached SUMs).
        assert_eq!(range.get_value((2, 10)), Some(&Data::Float(3.0)));
        assert_eq!(range.get_value((2, 11)), Some(&Data::Float(1.0)));
        assert_eq!(range.get_value((3, 11)), Some(&Data::Float(0.0)));
        assert_eq!(text(&range, 4, 0), "合计");
        assert_eq!(range.get_value((4, 10)), Some(&Data::Float(6.0)));
        assert_eq!(range.get_value((4, 11)), Some(&Data::Float(1.0)));
    }

    /// Issue 18.8: the 合计 counts are SUM formulas over the lines.
    #[test]
    fn results_sheet_totals_are_sums_over_the_lines() {
        let bytes = build_results_sheet(&results()).unwrap();
        let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let formulas = workbook.worksheet_formula(SHEET_NAME).unwrap();
        assert_eq!(
            formulas.get_value((4, 10)).map(String::as_str),
            Some("SUM(K3:K4)")
        );
        assert_eq!(
            formulas.get_value((4, 11)).map(String::as_str),
            Some("SUM(L3:L4)")
        );
    }

    /// R-RANK
    #[test]
    fn results_sheet_without_criteria_or_rows_still_has_its_headers() {
        let sheet = ResultsSheet {
            title: "空".to_owned(),
            criteria: Vec::new(),
            rows: Vec::new(),
        };

        let range = read_back(build_results_sheet(&sheet).unwrap());

        assert_eq!(text(&range, 1, 4), "最终得分");
        assert_eq!(text(&range, 1, 5), "奖项");
        assert_eq!(text(&range, 1, 7), "其中补录");
        assert_eq!(text(&range, 2, 0), "合计");
    }
}
