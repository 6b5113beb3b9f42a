//! File downloads: a `Content-Disposition` that gives every browser the right (Chinese) name.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 5987 `attr-char`: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" /
/// "`" / "|" / "~"; everything else is percent-encoded (UTF-8).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded name>` (RFC 6266 §4.3):
/// browsers that know `filename*` use the UTF-8 name, older ones the ASCII fallback.
pub fn attachment(ascii_fallback: &str, name: &str) -> String {
    // The fallback goes in a quoted-string: keep it to safe printable ASCII; each run of
    // anything else becomes one `_`.
    let mut fallback = String::with_capacity(ascii_fallback.len());
    for c in ascii_fallback.chars() {
        if c == ' ' || (c.is_ascii_graphic() && c != '"' && c != '\\') {
            fallback.push(c);
        } else if !fallback.ends_with('_') {
            fallback.push('_');
        }
    }
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, ATTR_CHAR)
    )
}

/// The disposition of a stored file: its sanitised name, with its ASCII form as the fallback.
pub fn for_file(filename: &str) -> String {
    let name = crate::storage::sanitize_filename(filename);
    attachment(&name, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC "Subsidy disbursement": the Chinese file name, RFC 6266/5987.
    #[test]
    fn chinese_name_is_percent_encoded_with_an_ascii_fallback() {
        let v = attachment("payout-batch-1.xlsx", "2026年度奖补资金发放表-第1批.xlsx");
        assert_eq!(
            v,
            "attachment; filename=\"payout-batch-1.xlsx\"; filename*=UTF-8''2026%E5%B9%B4%E5%BA%A6%E5%A5%96%E8%A1%A5%E8%B5%84%E9%87%91%E5%8F%91%E6%94%BE%E8%A1%A8-%E7%AC%AC1%E6%89%B9.xlsx"
        );
    }

    #[test]
    fn quotes_and_non_ascii_never_break_the_fallback() {
        let v = attachment("a\"b\\c名.xlsx", "a b;c.xlsx");
        assert!(v.starts_with("attachment; filename=\"a_b_c_.xlsx\";"), "{v}");
        assert!(v.ends_with("filename*=UTF-8''a%20b%3Bc.xlsx"), "{v}");
    }

    #[test]
    fn a_stored_files_chinese_name_is_carried() {
        assert_eq!(
            for_file("活动总结 2024.pdf"),
            "attachment; filename=\"_ 2024.pdf\"; filename*=UTF-8''%E6%B4%BB%E5%8A%A8%E6%80%BB%E7%BB%93%202024.pdf"
        );
    }

    #[test]
    fn a_stored_files_quotes_and_paths_never_break_the_header() {
        assert_eq!(
            for_file("dir/say \"hi\";x.png"),
            "attachment; filename=\"say _hi_;x.png\"; filename*=UTF-8''say%20%22hi%22%3Bx.png"
        );
        assert!(!for_file("a\r\nSet-Cookie: x").contains('\n'));
    }

    #[test]
    fn the_name_round_trips_through_percent_decoding() {
        let name = "沈阳市科协·典型案例（2024）.docx";
        let v = for_file(name);
        let encoded = v.split("UTF-8''").nth(1).unwrap();
        let decoded = percent_encoding::percent_decode_str(encoded)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, name);
    }
}
