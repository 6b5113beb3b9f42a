//! The paper forms (R-FORM): the 活动登记表 and the 项目申报书 as .docx, loaded with the caller's
//! scope (R-AUTHZ: the same as reading the activity or the application) and built off the async
//! workers; and the cycle's archive of every accepted 申报书 in one zip, streamed from a
//! temporary file. The API and the web pages both call these functions.

pub mod activity;
pub mod application;
pub mod archive;

/// A generated document to download.
#[derive(Debug)]
pub struct FormFile {
    /// Chinese file name, e.g. `2024年沈阳市科技志愿服务活动登记表-社区科普讲座.docx`.
    pub file_name: String,
    /// ASCII fallback, e.g. `activity-12-form.docx`.
    pub ascii_file_name: String,
    pub bytes: Vec<u8>,
}

/// One part of a file name: no path separators, reserved characters or control characters
/// (Windows refuses `\ / : * ? " < > |`), at most `max` characters, never empty.
pub fn file_part(s: &str, max: usize) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cut: String = cleaned.trim().trim_matches('.').chars().take(max).collect();
    if cut.trim().is_empty() {
        "_".to_owned()
    } else {
        cut.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_parts_lose_separators_and_reserved_characters() {
        assert_eq!(file_part("a/b\\c:d*e?f\"g<h>i|j", 50), "a_b_c_d_e_f_g_h_i_j");
        assert_eq!(file_part("..\u{7}社区 ", 50), "_社区");
        assert_eq!(file_part("  ", 50), "_");
        assert_eq!(file_part("科普进万家科普进万家", 5), "科普进万家");
    }
}
