//! File names: sanitised on the way in, carried to the browser on the way out (RFC 6266 with
//! the RFC 5987 `filename*` for non-ASCII names such as Chinese ones).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

const MAX_CHARS: usize = 200;

/// The base name only (no directories, whichever separator the client used), without control
/// characters, trimmed, at most 200 characters; `file` when nothing is left.
pub fn sanitize_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    let cut: String = cleaned.trim().chars().take(MAX_CHARS).collect();
    let name = cut.trim();
    if name.is_empty() || name.chars().all(|c| c == '.') {
        "file".to_owned()
    } else {
        name.to_owned()
    }
}

/// RFC 5987 `attr-char`: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" /
/// "`" / "|" / "~"; everything else is percent-encoded.
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

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>`: old clients
/// read the fallback (each run of non-ASCII characters becomes `_`), current browsers the
/// exact UTF-8 name. Used by every download of the service.
pub fn content_disposition(filename: &str) -> String {
    let name = sanitize_filename(filename);
    let mut fallback = String::with_capacity(name.len());
    for c in name.chars() {
        let keep = (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ';
        if keep {
            fallback.push(c);
        } else if !fallback.ends_with('_') {
            fallback.push('_');
        }
    }
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(&name, ATTR_CHAR)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_base_name_is_kept() {
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename(r"C:\Users\张三\活动总结.pdf"), "活动总结.pdf");
        assert_eq!(sanitize_filename("a/b\\c.png"), "c.png");
        assert_eq!(sanitize_filename("photos/"), "file");
    }

    #[test]
    fn control_characters_go_and_chinese_stays() {
        assert_eq!(sanitize_filename("  活动\r\n图片\u{0}.jpg  "), "活动图片.jpg");
        assert_eq!(sanitize_filename("报告\u{7f}.pdf"), "报告.pdf");
        assert_eq!(sanitize_filename("\t"), "file");
        assert_eq!(sanitize_filename(".."), "file");
        assert_eq!(sanitize_filename(""), "file");
    }

    #[test]
    fn long_names_are_cut_at_200_characters() {
        let long = "图".repeat(300);
        assert_eq!(sanitize_filename(&long).chars().count(), 200);
    }

    #[test]
    fn content_disposition_carries_a_chinese_name() {
        assert_eq!(
            content_disposition("活动总结 2024.pdf"),
            "attachment; filename=\"_ 2024.pdf\"; filename*=UTF-8''%E6%B4%BB%E5%8A%A8%E6%80%BB%E7%BB%93%202024.pdf"
        );
    }

    #[test]
    fn content_disposition_escapes_quotes_and_paths() {
        let v = content_disposition("dir/say \"hi\";x.png");
        assert_eq!(
            v,
            "attachment; filename=\"say _hi_;x.png\"; filename*=UTF-8''say%20%22hi%22%3Bx.png"
        );
        // A header value must never break out of its line.
        assert!(!content_disposition("a\r\nSet-Cookie: x").contains('\n'));
    }

    #[test]
    fn content_disposition_round_trips_through_percent_decoding() {
        let name = "沈阳市科协·典型案例（2024）.docx";
        let v = content_disposition(name);
        let encoded = v.split("UTF-8''").nth(1).unwrap();
        let decoded = percent_encoding::percent_decode_str(encoded)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, name);
    }
}
