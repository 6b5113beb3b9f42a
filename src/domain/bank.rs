//! R-BANK: the unit's bank account for the subsidy.

use crate::error::DomainError;
use std::fmt;

/// An account number: 8–32 digits once spaces and hyphens are removed. `Display` masks it
/// (`6222 **** **** 0123`); the full number only through [`BankAccountNo::as_str`].
#[derive(Clone, PartialEq, Eq)]
pub struct BankAccountNo(String);

impl BankAccountNo {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let digits: String = raw.chars().filter(|c| *c != ' ' && *c != '-').collect();
        let ok = (8..=32).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(digits))
        } else {
            Err(DomainError::unprocessable(
                "invalid_bank_account",
                "银行账号应为8至32位数字（可含空格或连字符）",
                "an account number is 8 to 32 digits (spaces and hyphens allowed)",
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

/// Masks an account number for roles that do not need it in full (R-PII): `6222 **** **** 0123`.
pub fn mask_account(s: &str) -> String {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head} **** **** {tail}")
}

impl fmt::Display for BankAccountNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask_account(&self.0))
    }
}

impl fmt::Debug for BankAccountNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BankAccountNo({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R-BANK
    #[test]
    fn spaces_and_hyphens_are_removed() {
        let a = BankAccountNo::parse("bank.account_no", "6222 0202-0001 2345 678").unwrap();
        assert_eq!(a.as_str(), "6222020200012345678");
    }

    /// R-BANK
    #[test]
    fn too_short_too_long_or_non_digit_is_refused() {
        for bad in ["1234567", "123456789012345678901234567890123", "6222x0202000", ""] {
            let e = BankAccountNo::parse("bank.account_no", bad).unwrap_err();
            assert_eq!(e.code, "invalid_bank_account");
            assert_eq!(e.field.as_deref(), Some("bank.account_no"));
        }
        assert!(BankAccountNo::parse("f", "12345678").is_ok());
        assert!(BankAccountNo::parse("f", &"9".repeat(32)).is_ok());
    }

    /// R-PII
    #[test]
    fn display_masks_all_but_the_ends() {
        let a = BankAccountNo::parse("f", "6222020200010123").unwrap();
        assert_eq!(a.to_string(), "6222 **** **** 0123");
        assert_eq!(format!("{a:?}"), "BankAccountNo(6222 **** **** 0123)");
    }
}
