//! The 推荐汇总表 of a recommendation round (issue 13): plain data in, xlsx bytes out. One row
//! per recommended candidate, by category and rank: 序号, 类别, 排序, 名称, 所在组织, 提名单位,
//! 联系人, 联系方式, 条件核验 (met, or which were waived), 照片. The recommending body and its
//! seal line head the sheet; A4 landscape, header repeated on printed pages.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// One recommended candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    pub category: String,
    pub rank: Option<i32>,
    pub name: String,
    pub organisation: String,
    pub nominated_by: String,
    pub contact_name: String,
    pub contact: String,
    /// `均符合`, or `均符合（豁免：…）`.
    pub conditions: String,
    pub photos: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummarySheet {
    /// `2024年度科技志愿服务先进典型推荐汇总表`.
    pub title: String,
    pub recommending_body: String,
    pub rows: Vec<SummaryRow>,
}

pub const SHEET_NAME: &str = "推荐汇总表";

pub const HEADERS: [(&str, f64); 10] = [
    ("序号", 6.0),
    ("类别", 22.0),
    ("排序", 6.0),
    ("名称", 30.0),
    ("所在组织", 26.0),
    ("提名单位", 22.0),
    ("联系人", 10.0),
    ("联系方式", 14.0),
    ("条件核验", 26.0),
    ("照片", 6.0),
];

pub fn build(sheet: &SummarySheet) -> Result<Vec<u8>, XlsxError> {
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let center = cell.clone().set_align(FormatAlign::Center);
    let header = center.clone().set_bold();
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_NAME)?;
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_footer("&C第 &P 页，共 &N 页");
    let last = (HEADERS.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last, &sheet.title, &title)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        &format!(
            "推荐单位：{}（盖章）            年    月    日",
            sheet.recommending_body
        ),
        &Format::new(),
    )?;
    for (i, (h, w)) in HEADERS.iter().enumerate() {
        ws.write_with_format(2, i as u16, *h, &header)?;
        ws.set_column_width(i as u16, *w)?;
    }
    ws.set_repeat_rows(2, 2)?;
    ws.set_freeze_panes(3, 0)?;
    for (i, r) in sheet.rows.iter().enumerate() {
        let row = 3 + i as u32;
        ws.write_with_format(row, 0, (i + 1) as u32, &center)?;
        ws.write_with_format(row, 1, &r.category, &cell)?;
        match r.rank {
            Some(n) => ws.write_with_format(row, 2, n, &center)?,
            None => ws.write_blank(row, 2, &center)?,
        };
        ws.write_with_format(row, 3, &r.name, &cell)?;
        ws.write_with_format(row, 4, &r.organisation, &cell)?;
        ws.write_with_format(row, 5, &r.nominated_by, &cell)?;
        ws.write_with_format(row, 6, &r.contact_name, &cell)?;
        ws.write_with_format(row, 7, &r.contact, &cell)?;
        ws.write_with_format(row, 8, &r.conditions, &cell)?;
        ws.write_with_format(row, 9, r.photos as u32, &center)?;
    }
    wb.save_to_buffer()
}
