//! The 补录 import template (issue 18.1): the columns `domain::backfill_import` reads, a sheet
//! explaining each, and the notice's categories as given (the caller passes the list).

use crate::domain::backfill_import::COLUMNS;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// The sheet the import reads (the first one).
pub const SHEET_NAME: &str = "补录";

/// Builds the template: `categories` as `(code, name, notice item)`.
pub fn build_backfill_template(categories: &[(&str, &str, u8)]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_font_name("宋体")
        .set_font_size(11)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_background_color("#DDEBF7");
    let body = Format::new()
        .set_font_name("宋体")
        .set_font_size(11)
        .set_text_wrap();
    let text = Format::new()
        .set_font_name("宋体")
        .set_font_size(11)
        .set_num_format("@");

    let ws = wb.add_worksheet().set_name(SHEET_NAME)?;
    for (c, (name, _)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *name, &header)?;
        // Every cell text, so Excel keeps 13800001111 and 2026-03-05 09:00 as typed.
        ws.set_column_format(c, &text)?;
        ws.set_column_width(c, 16)?;
    }
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 0)?;

    let notes = wb.add_worksheet().set_name("填写说明")?;
    notes.set_column_width(0, 18)?;
    notes.set_column_width(1, 60)?;
    notes.write_string_with_format(0, 0, "列", &header)?;
    notes.write_string_with_format(0, 1, "说明", &header)?;
    for (i, (name, hint)) in COLUMNS.iter().enumerate() {
        let r = i as u32 + 1;
        notes.write_string_with_format(r, 0, *name, &body)?;
        let hint = if hint.is_empty() { "必填" } else { hint };
        notes.write_string_with_format(r, 1, hint, &body)?;
    }
    let after = COLUMNS.len() as u32 + 2;
    notes.write_string_with_format(
        after,
        1,
        "每行一项活动；整表全部无误才导入，有误时列出每个错误行的行号，不导入任何一行。\
         导入后请在每项活动的页面上传原始登记表或邮件的扫描件，上传后该活动方可计入申报。",
        &body,
    )?;

    let cats = wb.add_worksheet().set_name("类别")?;
    cats.set_column_width(0, 20)?;
    cats.set_column_width(1, 50)?;
    cats.set_column_width(2, 12)?;
    for (c, h) in ["代码", "类别名称", "通知第几项"].iter().enumerate() {
        cats.write_string_with_format(0, c as u16, *h, &header)?;
    }
    for (i, (code, name, item)) in categories.iter().enumerate() {
        let r = i as u32 + 1;
        cats.write_string_with_format(r, 0, *code, &body)?;
        cats.write_string_with_format(r, 1, *name, &body)?;
        cats.write_number_with_format(r, 2, f64::from(*item), &body)?;
    }
    wb.save_to_buffer()
}
