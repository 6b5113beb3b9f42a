//! R-REMIND, R-PII: the e-mail address reminders go to — parsed once, masked when shown in a
//! log line or an audit row (`z***@example.cn`).

use crate::error::DomainError;
use std::fmt;

/// The longest address (RFC 5321's path limit); `api::limits` declares it.
pub const MAX_EMAIL_CHARS: usize = 254;

/// An address checked enough to be sent to: one `@`, a dot in the domain, no blanks, controls
/// or `<>,;` (which would smuggle a second recipient or a display name).
#[derive(Clone, PartialEq, Eq)]
pub struct Email(String);

fn refused() -> DomainError {
    DomainError::unprocessable(
        "invalid_email",
        "电子邮箱格式不正确，例如 name@example.cn",
        "not a valid e-mail address (such as name@example.cn)",
    )
    .field("email")
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let e = raw.trim();
        let (local, domain) = e.split_once('@').ok_or_else(refused)?;
        let bad = e.chars().count() > MAX_EMAIL_CHARS
            || local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
            || e.chars().any(|c| {
                c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"' | '(' | ')')
            });
        if bad {
            return Err(refused());
        }
        Ok(Self(e.to_owned()))
    }

    /// Blank means none: the inbox only.
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Self>, DomainError> {
        match raw.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => Self::parse(e).map(Some),
            None => Ok(None),
        }
    }

    /// The address in full, for sending and for its owner and the admin.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Masked, so logging one is safe.
impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask(&self.0))
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({self})")
    }
}

/// `zhang.san@example.cn` → `z***@example.cn`; text without an `@` is all stars.
pub fn mask(s: &str) -> String {
    match s.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "*".repeat(s.chars().count().min(8)),
    }
}

/// Every address in `text` masked (an SMTP server's refusal may quote the recipient).
pub fn mask_in(text: &str) -> String {
    text.split_inclusive(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';' | '"' | '\''))
        .map(|w| {
            let end = w
                .char_indices()
                .last()
                .filter(|(_, c)| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';' | '"' | '\''))
                .map(|(i, _)| i)
                .unwrap_or(w.len());
            let (word, sep) = w.split_at(end);
            if word.contains('@') {
                format!("{}{sep}", mask(word))
            } else {
                w.to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R-REMIND: addresses taken and refused.
    #[test]
    fn addresses_are_parsed_once() {
        assert_eq!(
            Email::parse(" a.b@example.cn ").unwrap().as_str(),
            "a.b@example.cn"
        );
        for bad in [
            "no-at-sign",
            "a@b",
            "a b@example.cn",
            "x@y@example.cn",
            "<a@example.cn>",
            "a@example.cn,b@example.cn",
            "@example.cn",
            "a@.cn",
            "a@example.",
        ] {
            let e = Email::parse(bad).unwrap_err();
            assert_eq!(e.code, "invalid_email", "{bad}");
        }
        let long = format!("{}@example.cn", "a".repeat(MAX_EMAIL_CHARS));
        assert!(Email::parse(&long).is_err());
        assert_eq!(Email::parse_optional(Some("  ")).unwrap(), None);
        assert_eq!(Email::parse_optional(None).unwrap(), None);
    }

    /// R-PII: shown masked.
    #[test]
    fn addresses_are_masked_when_shown() {
        let e = Email::parse("zhang.san@example.cn").unwrap();
        assert_eq!(e.to_string(), "z***@example.cn");
        assert_eq!(format!("{e:?}"), "Email(z***@example.cn)");
        assert_eq!(
            mask_in("smtp: 550 5.1.1 <zhang.san@example.cn>: Recipient address rejected"),
            "smtp: 550 5.1.1 <z***@example.cn>: Recipient address rejected"
        );
    }
}
