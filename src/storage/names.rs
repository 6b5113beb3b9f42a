//! File names, sanitised on the way in (the way out is `api::download`).

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
}
