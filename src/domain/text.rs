//! Text is text (issue 20 point 4): every free text entering a service comes through here.
//!
//! Single-line fields (names, titles, bank fields, locations) are trimmed and NFC-normalised;
//! control characters (C0 and C1, NUL included), zero-width characters (U+200B–U+200D, U+2060,
//! U+FEFF) and bidirectional controls (U+202A–U+202E, U+2066–U+2069) are refused with 422
//! `invalid_characters` naming the field, so one team cannot be made to look like another in
//! every list and sheet. Multi-line fields also allow `\n` and `\t` (`\r\n` becomes `\n`).
//! Maximum lengths are counted in characters, after normalisation.

use crate::error::DomainError;
use unicode_normalization::UnicodeNormalization;

/// Zero-width and bidirectional-control characters, refused everywhere.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn invalid_characters(field: &str) -> DomainError {
    DomainError::unprocessable(
        "invalid_characters",
        "含有不允许的字符（控制字符、零宽字符或文字方向控制符）",
        "contains characters that are not allowed (control, zero-width or bidirectional-control characters)",
    )
    .field(field)
}

/// A single-line text, trimmed and NFC-normalised; empty stays empty.
pub fn line(field: &str, raw: &str) -> Result<String, DomainError> {
    let s: String = raw.trim().nfc().collect();
    if s.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(invalid_characters(field));
    }
    Ok(s)
}

/// A multi-line text: as [`line`], but `\n` and `\t` are allowed (`\r\n` becomes `\n`).
pub fn multiline(field: &str, raw: &str) -> Result<String, DomainError> {
    let s: String = raw.replace("\r\n", "\n").trim().nfc().collect();
    if s.chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || is_invisible(c))
    {
        return Err(invalid_characters(field));
    }
    Ok(s)
}

/// The form two names are compared in for uniqueness: NFKC, then case-folded (so `ＡＢＣ`,
/// `abc` and `ABC` are one name).
pub fn name_key(name: &str) -> String {
    name.nfkc()
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .nfkc()
        .collect()
}

/// A required single-line text: non-empty, at most `max` characters.
pub fn required(field: &str, raw: &str, max: usize) -> Result<String, DomainError> {
    non_empty(field, line(field, raw)?, max)
}

/// An optional single-line text; an empty one becomes `None`.
pub fn optional(field: &str, raw: Option<&str>, max: usize) -> Result<Option<String>, DomainError> {
    raw.map(|r| line(field, r))
        .transpose()
        .and_then(|s| maybe(field, s, max))
}

/// A required multi-line text: non-empty, at most `max` characters.
pub fn required_multiline(field: &str, raw: &str, max: usize) -> Result<String, DomainError> {
    non_empty(field, multiline(field, raw)?, max)
}

/// An optional multi-line text; an empty one becomes `None`.
pub fn optional_multiline(field: &str, raw: Option<&str>, max: usize) -> Result<Option<String>, DomainError> {
    raw.map(|r| multiline(field, r))
        .transpose()
        .and_then(|s| maybe(field, s, max))
}

fn non_empty(field: &str, s: String, max: usize) -> Result<String, DomainError> {
    if s.is_empty() {
        return Err(DomainError::invalid(field, "此项不能为空", "must not be empty"));
    }
    check_max(field, &s, max)?;
    Ok(s)
}

fn maybe(field: &str, s: Option<String>, max: usize) -> Result<Option<String>, DomainError> {
    match s {
        None => Ok(None),
        Some(s) if s.is_empty() => Ok(None),
        Some(s) => {
            check_max(field, &s, max)?;
            Ok(Some(s))
        }
    }
}

fn check_max(field: &str, s: &str, max: usize) -> Result<(), DomainError> {
    if s.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("不能超过{max}个字符"),
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R-ERR
    #[test]
    fn blank_required_text_is_refused_with_its_field() {
        let e = required("name", "   ", 10).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), ("invalid_value", Some("name")));
    }

    /// R-ERR
    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(required("n", " 科技志愿 ", 4).unwrap(), "科技志愿");
        assert!(required("n", "科技志愿服", 4).is_err());
        assert_eq!(optional("n", Some("  "), 3).unwrap(), None);
    }

    /// Issue 20.4: controls, zero-width and bidi characters are refused, naming the field.
    #[test]
    fn invisible_and_control_characters_are_refused() {
        for bad in [
            "a\0b",
            "a\u{1}b",
            "a\u{7f}b",
            "a\u{85}b",
            "a\u{9f}b",
            "a\nb",
            "a\tb",
            "a\u{200B}b",
            "a\u{200C}b",
            "a\u{200D}b",
            "a\u{2060}b",
            "a\u{FEFF}b",
            "a\u{202A}b",
            "a\u{202E}b",
            "a\u{2066}b",
            "a\u{2069}b",
        ] {
            let e = required("name", bad, 100).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                ("invalid_characters", Some("name")),
                "{bad:?}"
            );
        }
        let e = optional("bank.bank_name", Some("x\u{202E}y"), 100).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("bank.bank_name"));
    }

    /// Issue 20.4: multi-line texts keep newlines and tabs, `\r\n` becomes `\n`, other
    /// controls are refused.
    #[test]
    fn multiline_texts_allow_only_newline_and_tab() {
        assert_eq!(
            required_multiline("s", " 一\r\n二\t三 ", 100).unwrap(),
            "一\n二\t三"
        );
        for bad in ["a\rb", "a\0b", "a\u{b}b", "a\u{202E}b", "a\u{FEFF}"] {
            assert_eq!(
                multiline("s", bad).unwrap_err().code,
                "invalid_characters",
                "{bad:?}"
            );
        }
    }

    /// Issue 20.4: NFC on input; names compare NFKC case-folded.
    #[test]
    fn texts_are_nfc_and_names_compare_nfkc_casefolded() {
        // "e" + combining acute → "é" (one character).
        assert_eq!(required("n", "Cafe\u{301}", 4).unwrap(), "Caf\u{e9}");
        assert_eq!(name_key("ＡＢＣ科技"), name_key("abc科技"));
        assert_eq!(name_key("Team Ⅰ"), name_key("team i"));
        assert_ne!(name_key("甲队"), name_key("乙队"));
    }
}
