//! Required and optional free texts with sensible maximum lengths (counted in characters).

use crate::error::DomainError;

/// Trims and checks a required text: non-empty, at most `max` characters.
pub fn required(field: &str, raw: &str, max: usize) -> Result<String, DomainError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(DomainError::invalid(field, "此项不能为空", "must not be empty"));
    }
    check_max(field, s, max)?;
    Ok(s.to_owned())
}

/// Trims an optional text; an empty one becomes `None`.
pub fn optional(field: &str, raw: Option<&str>, max: usize) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => {
            check_max(field, s, max)?;
            Ok(Some(s.to_owned()))
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

/// A count that must not be negative.
pub fn non_negative(field: &str, v: i64) -> Result<i32, DomainError> {
    if v < 0 {
        return Err(DomainError::invalid(field, "不能为负数", "must not be negative"));
    }
    i32::try_from(v).map_err(|_| DomainError::invalid(field, "数值过大", "too large"))
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
        assert!(non_negative("x", -1).is_err());
        assert_eq!(non_negative("x", 7).unwrap(), 7);
    }
}
