//! File names, sanitised on the way in (the way out is `api::download`).

use super::FileType;

const MAX_CHARS: usize = 200;

/// The base name only (no directories, whichever separator the client used), without control
/// characters, trimmed, at most 200 characters; `file` when nothing is left.
pub fn sanitize_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    // Controls, zero-width and bidi controls go: `gpj.exe` must not show as `exe.jpg`.
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    let cut: String = cleaned.trim().chars().take(MAX_CHARS).collect();
    let name = cut.trim();
    if name.is_empty() || name.chars().all(|c| c == '.') {
        "file".to_owned()
    } else {
        name.to_owned()
    }
}

/// The name a download carries: the sanitised name with the extension of the type its
/// content was sniffed as (a PDF sent as `evil.html` downloads as `evil.pdf`).
pub fn with_extension(name: &str, extension: &str) -> String {
    let name = sanitize_filename(name);
    let stem = match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name.as_str(),
    };
    format!("{stem}.{extension}")
}

/// The name a stored file carries: [`with_extension`] with the extension its type takes for
/// that name ([`FileType::extension_for`]: a .wps stays .wps).
pub fn stored_name(name: &str, file_type: FileType) -> String {
    with_extension(name, file_type.extension_for(&sanitize_filename(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 20.5
    #[test]
    fn the_extension_follows_the_content_and_bidi_tricks_go() {
        assert_eq!(with_extension("evil.html", "pdf"), "evil.pdf");
        assert_eq!(with_extension("照片.JPG", "jpg"), "照片.jpg");
        assert_eq!(with_extension("noext", "png"), "noext.png");
        assert_eq!(with_extension(".hidden", "pdf"), ".hidden.pdf");
        assert_eq!(with_extension("report\u{202E}fdp.exe", "pdf"), "reportfdp.pdf");
        assert_eq!(sanitize_filename("a\u{200B}b\u{FEFF}.png"), "ab.png");
    }

    /// Issue 18.7: an OLE Word-type document keeps a declared .wps (its bytes cannot tell it
    /// from a .doc); any other declared name takes `.doc`, and other types their own.
    #[test]
    fn a_wps_document_keeps_its_extension() {
        assert_eq!(stored_name("活动总结.WPS", FileType::Doc), "活动总结.wps");
        assert_eq!(stored_name("总结.doc", FileType::Doc), "总结.doc");
        assert_eq!(stored_name("模板.wpt", FileType::Doc), "模板.wpt");
        assert_eq!(stored_name("表格.xls", FileType::Doc), "表格.doc");
        assert_eq!(stored_name("evil.exe", FileType::Doc), "evil.doc");
        assert_eq!(stored_name("noext", FileType::Doc), "noext.doc");
        assert_eq!(stored_name("photo.wps", FileType::Jpeg), "photo.jpg");
    }

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
}
