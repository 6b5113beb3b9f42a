//! The statistics workbook (R-STAT): plain data in, xlsx bytes out. A sheet per grouping (区县,
//! 单位, 服务队, 活动类别, 月份) with a total row, a 奖项 sheet, and native Excel charts:
//! activities and people served by district (bar), activities by month (line), awards by tier
//! (column). Callers run it in `spawn_blocking`.

use crate::domain::statistics::{Figures, GroupBy, Statistics};
use rust_xlsxwriter::{
    Chart, ChartType, Format, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet, XlsxError,
};

/// Column headers and widths.
const COLUMNS: [(&str, f64); 15] = [
    ("", 26.0),
    ("活跃服务队", 11.0),
    ("登记活动", 10.0),
    ("提前24小时登记", 14.0),
    ("提前登记占比", 12.0),
    ("已填报活动", 11.0),
    ("场次", 9.0),
    ("服务对象人数", 13.0),
    ("志愿者人次", 11.0),
    ("申报数", 9.0),
    ("一等奖", 8.0),
    ("二等奖", 8.0),
    ("三等奖", 8.0),
    ("奖补金额（元）", 15.0),
    ("已发放（元）", 15.0),
];

const TITLE_ROW: RowNum = 0;
const HEADER_ROW: RowNum = 1;
const FIRST_ROW: RowNum = 2;

/// Cells of a row: counts, then the share, then money in yuan.
enum Cell {
    Count(Option<i64>),
    Share(Option<f64>),
    Yuan(Option<i64>),
}

fn cells(f: &Figures) -> Vec<Cell> {
    use Cell::*;
    vec![
        Count(f.active_teams),
        Count(f.activities_registered),
        Count(f.registered_early),
        Share(f.early_share()),
        Count(f.activities_reported),
        Count(f.sessions),
        Count(f.people_served),
        Count(f.volunteer_participations),
        Count(f.applications),
        Count(f.awards.map(|a| a.first)),
        Count(f.awards.map(|a| a.second)),
        Count(f.awards.map(|a| a.third)),
        Yuan(f.subsidy_awarded_fen),
        Yuan(f.subsidy_paid_fen),
    ]
}

struct Formats {
    title: Format,
    header: Format,
    text: Format,
    count: Format,
    share: Format,
    yuan: Format,
    total_text: Format,
    total_count: Format,
    total_share: Format,
    total_yuan: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new().set_border(FormatBorder::Thin);
        let bold = cell.clone().set_bold();
        Self {
            title: Format::new().set_bold().set_font_size(16),
            header: bold.clone().set_align(FormatAlign::Center).set_text_wrap(),
            text: cell.clone(),
            count: cell.clone().set_num_format("#,##0"),
            share: cell.clone().set_num_format("0.0%"),
            yuan: cell.clone().set_num_format("#,##0.00"),
            total_text: bold.clone(),
            total_count: bold.clone().set_num_format("#,##0"),
            total_share: bold.clone().set_num_format("0.0%"),
            total_yuan: bold.set_num_format("#,##0.00"),
        }
    }
}

fn write_row(
    ws: &mut Worksheet,
    row: RowNum,
    label: &str,
    f: &Figures,
    fm: &Formats,
    total: bool,
) -> Result<(), XlsxError> {
    let (text, count, share, yuan) = if total {
        (&fm.total_text, &fm.total_count, &fm.total_share, &fm.total_yuan)
    } else {
        (&fm.text, &fm.count, &fm.share, &fm.yuan)
    };
    ws.write_string_with_format(row, 0, label, text)?;
    for (i, c) in cells(f).into_iter().enumerate() {
        let col = i as u16 + 1;
        match c {
            Cell::Count(Some(n)) => ws.write_number_with_format(row, col, n as f64, count)?,
            Cell::Share(Some(s)) => ws.write_number_with_format(row, col, s, share)?,
            // Money is summed in fen; the cell shows yuan (exact to the fen in a double).
            Cell::Yuan(Some(fen)) => ws.write_number_with_format(row, col, fen as f64 / 100.0, yuan)?,
            Cell::Count(None) | Cell::Share(None) | Cell::Yuan(None) => ws.write_blank(row, col, text)?,
        };
    }
    Ok(())
}

/// Writes one grouping's sheet; the rows of its groups are `FIRST_ROW..FIRST_ROW + n`.
fn grouping_sheet(wb: &mut Workbook, s: &Statistics, fm: &Formats) -> Result<(), XlsxError> {
    let name = s.group_by.label();
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    ws.write_string_with_format(
        TITLE_ROW,
        0,
        format!("{}年度科技志愿服务统计（按{}）", s.year, name),
        &fm.title,
    )?;
    for (i, (h, w)) in COLUMNS.iter().enumerate() {
        let col = i as u16;
        ws.set_column_width(col, *w)?;
        ws.write_string_with_format(HEADER_ROW, col, if i == 0 { name } else { h }, &fm.header)?;
    }
    ws.set_row_height(HEADER_ROW, 30)?;
    ws.set_freeze_panes(FIRST_ROW, 1)?;
    // A4 landscape, one page wide, the header repeated (the charts follow the table).
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    let mut row = FIRST_ROW;
    for g in &s.groups {
        write_row(ws, row, &g.label, &g.figures, fm, false)?;
        row += 1;
    }
    write_row(ws, row, "合计", &s.total, fm, true)?;
    let last = row.saturating_sub(1).max(FIRST_ROW);
    if s.groups.is_empty() || s.money_only {
        return Ok(());
    }
    let chart_row = row + 2;
    match s.group_by {
        GroupBy::District => {
            // Activities and people served differ by orders of magnitude: one bar chart each.
            for (n, (col, title)) in [(2u16, "登记活动（场）"), (7u16, "服务对象（人）")]
                .into_iter()
                .enumerate()
            {
                let mut chart = Chart::new(ChartType::Bar);
                chart
                    .add_series()
                    .set_name(title)
                    .set_categories((name, FIRST_ROW, 0, last, 0))
                    .set_values((name, FIRST_ROW, col, last, col));
                chart.title().set_name(&format!("{}年 各区县{title}", s.year));
                chart.legend().set_hidden();
                // Counts: whole numbers on the value axis (x in a bar chart), no 0.5 steps.
                chart.x_axis().set_num_format("#,##0");
                chart.y_axis().set_num_format("#,##0");
                chart.y_axis().set_reverse();
                ws.insert_chart(chart_row, (n as u16) * 7, &chart)?;
            }
        }
        GroupBy::Month => {
            let mut chart = Chart::new(ChartType::Line);
            chart
                .add_series()
                .set_name("登记活动")
                .set_categories((name, FIRST_ROW, 0, last, 0))
                .set_values((name, FIRST_ROW, 2, last, 2));
            chart
                .add_series()
                .set_name("已填报活动")
                .set_categories((name, FIRST_ROW, 0, last, 0))
                .set_values((name, FIRST_ROW, 5, last, 5));
            chart.title().set_name(&format!("{}年 各月活动（场）", s.year));
            chart.y_axis().set_num_format("#,##0");
            ws.insert_chart(chart_row, 0, &chart)?;
        }
        _ => {}
    }
    Ok(())
}

/// The 奖项 sheet: awards and subsidy per tier of the year's cycle, with a column chart.
fn awards_sheet(wb: &mut Workbook, total: &Figures, year: i32, fm: &Formats) -> Result<(), XlsxError> {
    const NAME: &str = "奖项";
    let ws = wb.add_worksheet();
    ws.set_name(NAME)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.write_string_with_format(TITLE_ROW, 0, format!("{year}年度获奖情况"), &fm.title)?;
    for (col, h) in ["奖项", "数量"].into_iter().enumerate() {
        ws.set_column_width(col as u16, 14)?;
        ws.write_string_with_format(HEADER_ROW, col as u16, h, &fm.header)?;
    }
    let a = total.awards.unwrap_or_default();
    let rows = [("一等奖", a.first), ("二等奖", a.second), ("三等奖", a.third)];
    for (i, (tier, n)) in rows.iter().enumerate() {
        let row = FIRST_ROW + i as RowNum;
        ws.write_string_with_format(row, 0, *tier, &fm.text)?;
        ws.write_number_with_format(row, 1, *n as f64, &fm.count)?;
    }
    let total_row = FIRST_ROW + rows.len() as RowNum;
    ws.write_string_with_format(total_row, 0, "合计", &fm.total_text)?;
    ws.write_number_with_format(
        total_row,
        1,
        (a.first + a.second + a.third) as f64,
        &fm.total_count,
    )?;
    let money_row = total_row + 1;
    ws.write_string_with_format(money_row, 0, "奖补金额（元）", &fm.total_text)?;
    ws.write_number_with_format(
        money_row,
        1,
        total.subsidy_awarded_fen.unwrap_or(0) as f64 / 100.0,
        &fm.total_yuan,
    )?;
    ws.write_string_with_format(money_row + 1, 0, "已发放（元）", &fm.total_text)?;
    ws.write_number_with_format(
        money_row + 1,
        1,
        total.subsidy_paid_fen.unwrap_or(0) as f64 / 100.0,
        &fm.total_yuan,
    )?;
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_name("获奖数")
        .set_categories((NAME, FIRST_ROW, 0, FIRST_ROW + 2, 0))
        .set_values((NAME, FIRST_ROW, 1, FIRST_ROW + 2, 1));
    chart.title().set_name(&format!("{year}年 各奖项获奖数"));
    chart.legend().set_hidden();
    chart.y_axis().set_num_format("#,##0");
    ws.insert_chart(money_row + 3, 0, &chart)?;
    Ok(())
}

/// The workbook: one [`Statistics`] per grouping, in the order given, then the 奖项 sheet.
pub fn build_statistics_workbook(all: &[Statistics]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let fm = Formats::new();
    for s in all {
        grouping_sheet(&mut wb, s, &fm)?;
    }
    if let Some(first) = all.first() {
        awards_sheet(&mut wb, &first.total, first.year, &fm)?;
    }
    wb.save_to_buffer()
}
