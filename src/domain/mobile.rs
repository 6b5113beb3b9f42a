//! R-MOBILE: a mainland mobile number, 11 digits matching `1[3-9]\d{9}`.

use crate::{domain::pii::mask_phone, error::DomainError};
use std::fmt;

/// A parsed mobile number. `Display` masks it (`138****5678`), so logging one is safe; the full
/// number is only reachable through [`Mobile::as_str`].
#[derive(Clone, PartialEq, Eq)]
pub struct Mobile(String);

impl Mobile {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        let b = s.as_bytes();
        // As sent, blanks included, at most the spec's maxLength (issue 12.4).
        let ok = raw.chars().count() <= 32
            && b.len() == 11
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
            && b.iter().all(u8::is_ascii_digit);
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(DomainError::unprocessable(
                "invalid_mobile",
                "手机号码应为11位数字，以13–19开头",
                "a mobile number is 11 digits starting with 13–19",
            )
            .field(field))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Masks any phone-like string for roles and logs that do not need it in full (R-PII):
/// keeps the first three and last four characters.
impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask_phone(&self.0))
    }
}

impl fmt::Debug for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mobile({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R-MOBILE
    #[test]
    fn valid_mobiles_are_accepted() {
        for m in ["13800138000", "19912345678", " 15012345678 "] {
            assert!(Mobile::parse("mobile", m).is_ok(), "{m}");
        }
    }

    /// R-MOBILE
    #[test]
    fn invalid_mobiles_are_refused_naming_the_field() {
        for m in [
            "",
            "1380013800",
            "138001380000",
            "12800138000",
            "23800138000",
            "1380013800a",
            "+8613800138000",
        ] {
            let e = Mobile::parse("leader_mobile", m).unwrap_err();
            assert_eq!(e.code, "invalid_mobile", "{m}");
            assert_eq!(e.field.as_deref(), Some("leader_mobile"));
        }
    }

    /// R-PII
    #[test]
    fn display_masks_the_middle_digits() {
        let m = Mobile::parse("m", "13812345678").unwrap();
        assert_eq!(m.to_string(), "138****5678");
        assert_eq!(format!("{m:?}"), "Mobile(138****5678)");
        assert_eq!(m.as_str(), "13812345678");
    }
}
