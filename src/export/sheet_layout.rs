//! Issue 18.8: sheets as Chinese finance offices print them — 宋体 body, 黑体 title, and every
//! data row as tall as its tallest wrapped cell (Excel and LibreOffice do not grow a row for
//! wrapped text written by a library, so a long bank or unit name would be cut in print).

/// The body font.
pub const BODY_FONT: &str = "宋体";
/// The title font.
pub const TITLE_FONT: &str = "黑体";

/// Points per printed line of 11-point 宋体, and the padding of a row.
const LINE_POINTS: f64 = 14.5;
const PADDING_POINTS: f64 = 4.0;

/// Width of a text in column-width units: CJK (and other wide) characters count double.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// Lines a text takes in a column `width` units wide (explicit line breaks included).
pub fn lines_in(text: &str, width: f64) -> usize {
    // A cell loses about one unit to its margins.
    let room = ((width - 1.0).floor() as usize).max(1);
    text.split('\n')
        .map(|l| display_width(l).div_ceil(room).max(1))
        .sum()
}

/// The height in points of a row whose cells are `(text, column width)`: as many lines as
/// its tallest cell, never below the default single line.
pub fn row_height<'a>(cells: impl IntoIterator<Item = (&'a str, f64)>) -> f64 {
    let lines = cells
        .into_iter()
        .map(|(t, w)| lines_in(t, w))
        .max()
        .unwrap_or(1)
        .max(1);
    lines as f64 * LINE_POINTS + PADDING_POINTS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 18.8: CJK counts double; a 30-character bank name in a 26-wide column takes
    /// three lines; the row follows its tallest cell.
    #[test]
    fn rows_grow_with_their_wrapped_cells() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("中国银行"), 8);
        assert_eq!(display_width("（ＡＢ）"), 8);
        let bank = "中国工商银行股份有限公司沈阳市和平区南京北街支行营业部";
        assert_eq!(bank.chars().count(), 27);
        assert_eq!(lines_in(bank, 26.0), 3);
        assert_eq!(lines_in("甲队", 24.0), 1);
        assert_eq!(lines_in("第一行\n第二行", 24.0), 2);
        assert_eq!(row_height([("甲队", 24.0)]), LINE_POINTS + PADDING_POINTS);
        assert_eq!(
            row_height([("甲队", 24.0), (bank, 26.0)]),
            3.0 * LINE_POINTS + PADDING_POINTS
        );
    }
}
