//! What the two paper forms share (R-FORM): A4 portrait with the margins of a Chinese official
//! form, Chinese fonts declared for East Asian text (with their Windows names as the fallback
//! in the font table), bordered fixed-width tables whose label cells are shaded, and a footer
//! with the page number.
//!
//! docx-rs writes a fixed font table (Times New Roman, Symbol, Arial) and has no API for
//! `w:altName`; [`pack`] replaces that part with [`FONT_TABLE`], which declares 宋体 and 黑体
//! with charset GB2312 and their English names as `altName`, so Word and WPS resolve them on any
//! Windows (and LibreOffice substitutes its CJK fonts).

use docx_rs::{
    AlignmentType, BorderType, Docx, Footer, LineSpacing, PageMargin, PageNum, Paragraph, Run, RunFonts,
    Shading, ShdType, SpecialIndentType, Table, TableCell, TableCellBorder, TableCellBorderPosition,
    TableCellBorders, TableLayoutType, TableRow, VAlignType, WidthType,
};

/// A4 portrait, in twentieths of a point.
pub const A4_WIDTH: u32 = 11_906;
pub const A4_HEIGHT: u32 = 16_838;
/// 2.54 cm top and bottom, 2.8 cm left, 2.6 cm right.
const MARGIN_TOP: i32 = 1_440;
const MARGIN_BOTTOM: i32 = 1_440;
const MARGIN_LEFT: i32 = 1_588;
const MARGIN_RIGHT: i32 = 1_474;
/// The width between the margins: every table is exactly this wide, so nothing runs off the page.
pub const TEXT_WIDTH: usize = (A4_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
/// Left and right padding Word gives a table cell by default (0.19 cm).
pub const CELL_PADDING: usize = 108;

/// Body text: 宋体 (SimSun), in every Chinese Windows and WPS.
pub const SONG: &str = "宋体";
/// Titles and section headings: 黑体 (SimHei).
pub const HEI: &str = "黑体";
/// Latin text and digits.
const LATIN: &str = "Times New Roman";

/// Font sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt, 五号 10.5 pt.
pub const ERHAO: usize = 44;
pub const SANHAO: usize = 32;
pub const SIHAO: usize = 28;
pub const XIAOSI: usize = 24;
pub const WUHAO: usize = 21;

/// Fill of label cells and section heading rows.
pub const LABEL_FILL: &str = "E7E6E6";

/// The font table written instead of docx-rs's fixed one (see the module comment).
pub const FONT_TABLE: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
    r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
    r#"<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"</w:fonts>"#
);

/// Fonts for a run: Latin in Times New Roman, East Asian text in `east_asia`.
pub fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .ascii(LATIN)
        .hi_ansi(LATIN)
        .cs(LATIN)
        .east_asia(east_asia)
        .hint("eastAsia")
}

/// A run of text in `font` at `size` half-points.
pub fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

/// A paragraph of one run.
pub fn para(text: &str, font: &str, size: usize) -> Paragraph {
    Paragraph::new().add_run(run(text, font, size))
}

/// Single line spacing with `before`/`after` twips around the paragraph.
pub fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new().before(before).after(after)
}

/// The user's text as paragraphs, one per line they typed (blank lines dropped), each with the
/// two-character first-line indent of Chinese prose.
pub fn prose(text: &str, size: usize) -> Vec<Paragraph> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            para(l, SONG, size)
                .indent(
                    None,
                    Some(SpecialIndentType::FirstLine(size as i32 * 20)),
                    None,
                    None,
                )
                .line_spacing(spacing(0, 0))
        })
        .collect()
}

fn border(position: TableCellBorderPosition) -> TableCellBorder {
    TableCellBorder::new(position)
        .border_type(BorderType::Single)
        .size(6)
        .color("000000")
}

/// Single black borders on every side of a cell.
pub fn boxed() -> TableCellBorders {
    TableCellBorders::new()
        .set(border(TableCellBorderPosition::Top))
        .set(border(TableCellBorderPosition::Left))
        .set(border(TableCellBorderPosition::Bottom))
        .set(border(TableCellBorderPosition::Right))
}

/// A bordered cell `width` twips wide spanning `span` grid columns.
pub fn cell(width: usize, span: usize) -> TableCell {
    let c = TableCell::new()
        .width(width, WidthType::Dxa)
        .set_borders(boxed())
        .vertical_align(VAlignType::Center);
    if span > 1 { c.grid_span(span) } else { c }
}

/// A shaded, centred label cell.
pub fn label_cell(text: &str, width: usize, span: usize) -> TableCell {
    cell(width, span)
        .shading(
            Shading::new()
                .shd_type(ShdType::Clear)
                .color("auto")
                .fill(LABEL_FILL),
        )
        .add_paragraph(para(text, SONG, XIAOSI).align(AlignmentType::Center))
}

/// A value cell: the value, or an empty paragraph for ink.
pub fn value_cell(text: &str, width: usize, span: usize) -> TableCell {
    cell(width, span).add_paragraph(para(text, SONG, XIAOSI))
}

/// A shaded heading row spanning the whole table (一、基本情况 …), kept with the row after it.
pub fn heading_row(text: &str, width: usize, span: usize) -> TableRow {
    let c = cell(width, span)
        .shading(
            Shading::new()
                .shd_type(ShdType::Clear)
                .color("auto")
                .fill(LABEL_FILL),
        )
        .add_paragraph(
            para(text, HEI, XIAOSI)
                .keep_next(true)
                .line_spacing(spacing(40, 40)),
        );
    TableRow::new(vec![c]).cant_split()
}

/// A fixed-layout table exactly as wide as its grid.
pub fn table(rows: Vec<TableRow>, grid: &[usize]) -> Table {
    Table::new(rows)
        .set_grid(grid.to_vec())
        .layout(TableLayoutType::Fixed)
        .width(grid.iter().sum(), WidthType::Dxa)
}

/// A4 portrait with the form's margins and the page number centred in the footer
/// (`- 1 -`); with `cover`, the first page carries no number.
pub fn document(cover: bool) -> Docx {
    let number = Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(run("- ", SONG, WUHAO))
        .add_page_num(PageNum::new())
        .add_run(run(" -", SONG, WUHAO));
    let mut d = Docx::new()
        .page_size(A4_WIDTH, A4_HEIGHT)
        .page_margin(PageMargin {
            top: MARGIN_TOP,
            left: MARGIN_LEFT,
            bottom: MARGIN_BOTTOM,
            right: MARGIN_RIGHT,
            header: 851,
            footer: 992,
            gutter: 0,
        })
        .default_fonts(fonts(SONG))
        .default_size(XIAOSI)
        .footer(Footer::new().add_paragraph(number));
    if cover {
        d = d
            .first_footer(Footer::new().add_paragraph(Paragraph::new()))
            .title_pg();
    }
    d
}

/// The .docx bytes, with the font table replaced (see the module comment), deflated.
pub fn pack(doc: Docx) -> Result<Vec<u8>, std::io::Error> {
    let mut xml = doc.build();
    xml.font_table = FONT_TABLE.as_bytes().to_vec();
    let mut stored = std::io::Cursor::new(Vec::with_capacity(128 * 1024));
    xml.pack(&mut stored).map_err(std::io::Error::other)?;
    deflate(stored.get_ref())
}

/// docx-rs stores every part uncompressed (about 90 KB for a 申报书); the same package with
/// its parts deflated is a fifth of that. Directory entries are dropped (a package has none).
fn deflate(stored: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    use std::io::{Read, Write};
    let mut input = zip::ZipArchive::new(std::io::Cursor::new(stored)).map_err(std::io::Error::other)?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(stored.len() / 3)));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut buf = Vec::new();
    for i in 0..input.len() {
        let mut part = input.by_index(i).map_err(std::io::Error::other)?;
        if part.is_dir() {
            continue;
        }
        buf.clear();
        part.read_to_end(&mut buf)?;
        let name = part.name().map_err(std::io::Error::other)?.into_owned();
        out.start_file(name, options).map_err(std::io::Error::other)?;
        out.write_all(&buf)?;
    }
    Ok(out.finish().map_err(std::io::Error::other)?.into_inner())
}

/// 1 → 一, 12 → 十二, 20 → 二十 (task numbers; at most 99).
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[n % 10]),
        _ if n.is_multiple_of(10) => format!("{}十", DIGITS[(n / 10) % 10]),
        _ => format!("{}十{}", DIGITS[(n / 10) % 10], DIGITS[n % 10]),
    }
}

/// `2024年5月12日`.
pub fn date_zh(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_numbers_are_chinese_numerals() {
        let got: Vec<String> = [1, 2, 9, 10, 11, 19, 20, 21, 99]
            .into_iter()
            .map(chinese_number)
            .collect();
        assert_eq!(
            got,
            ["一", "二", "九", "十", "十一", "十九", "二十", "二十一", "九十九"]
        );
    }

    #[test]
    fn dates_are_written_the_chinese_way() {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 5, 9).unwrap();
        assert_eq!(date_zh(d), "2024年5月9日");
    }

    #[test]
    fn prose_keeps_the_users_paragraphs_and_drops_blank_lines() {
        assert_eq!(prose("第一段\n\n  第二段  \r\n第三段", XIAOSI).len(), 3);
        assert!(prose("  \n", XIAOSI).is_empty());
    }

    #[test]
    fn parts_are_deflated_and_none_is_lost() {
        let doc = document(true).add_paragraph(para(&"科普".repeat(3000), SONG, XIAOSI));
        let bytes = pack(doc).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/fontTable.xml",
        ] {
            assert!(names.iter().any(|n| n == part), "{part} in {names:?}");
        }
        let doc = zip.by_name("word/document.xml").unwrap();
        assert_eq!(doc.compression(), zip::CompressionMethod::Deflated);
        assert!(doc.compressed_size() * 5 < doc.size());
    }

    #[test]
    fn the_text_width_is_a4_minus_the_margins() {
        assert_eq!(TEXT_WIDTH, 8_844);
    }
}
