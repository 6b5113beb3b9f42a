//! R-BANK: the unit's bank account for the subsidy.

use crate::{
    domain::{pii::mask_account, text},
    error::DomainError,
};
use std::fmt;

/// An account number: 8–32 digits once spaces and hyphens are removed. `Display` masks it
/// (`6222 **** **** 0123`); the full number only through [`BankAccountNo::as_str`].
#[derive(Clone, PartialEq, Eq)]
pub struct BankAccountNo(String);

impl BankAccountNo {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let digits: String = raw.chars().filter(|c| *c != ' ' && *c != '-').collect();
        // As sent, separators included, at most the spec's maxLength (issue 12.4).
        let ok = raw.chars().count() <= 64
            && (8..=32).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit());
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

/// The bank account as it arrives (a form, a JSON body): three texts, not yet checked.
#[derive(Debug, Clone)]
pub struct BankFields {
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
}

impl BankFields {
    /// R-BANK, the one place the three fields are checked: bank and account name required
    /// (at most 100 characters), the number 8–32 digits. Fields are named `bank.<field>`.
    pub fn parse(&self) -> Result<BankAccount, DomainError> {
        let at = |e: DomainError| e.under("bank");
        Ok(BankAccount {
            bank_name: text::required("bank_name", &self.bank_name, 100).map_err(at)?,
            account_no: BankAccountNo::parse("bank.account_no", &self.account_no)?,
            account_name: text::required("account_name", &self.account_name, 100).map_err(at)?,
        })
    }
}

/// The unit's bank account for the subsidy, checked (R-BANK). `Debug` masks the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    pub bank_name: String,
    pub account_no: BankAccountNo,
    pub account_name: String,
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

    /// R-BANK: one parse for every bank form, naming the field at fault.
    #[test]
    fn the_three_fields_are_checked_once() {
        let f = |b: &str, n: &str, a: &str| BankFields {
            bank_name: b.into(),
            account_no: n.into(),
            account_name: a.into(),
        };
        let ok = f(" 工行 ", "6222 0202 0001 0123", "沈阳市科协").parse().unwrap();
        assert_eq!(
            (ok.bank_name.as_str(), ok.account_no.as_str()),
            ("工行", "6222020200010123")
        );
        for (bad, field) in [
            (f("", "6222020200010123", "x"), "bank.bank_name"),
            (f("工行", "12", "x"), "bank.account_no"),
            (f("工行", "6222020200010123", " "), "bank.account_name"),
        ] {
            assert_eq!(bad.parse().unwrap_err().field.as_deref(), Some(field));
        }
    }

    /// R-PII
    #[test]
    fn display_masks_all_but_the_ends() {
        let a = BankAccountNo::parse("f", "6222020200010123").unwrap();
        assert_eq!(a.to_string(), "6222 **** **** 0123");
        assert_eq!(format!("{a:?}"), "BankAccountNo(6222 **** **** 0123)");
    }
}
