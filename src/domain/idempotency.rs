//! R-NOPAY2: the `Idempotency-Key` of a retried request, and the fingerprint of its body.
//!
//! A key is kept per user together with a hash of what was asked; the same key with the same
//! request gets the stored answer, the same key with another request is refused.

use crate::error::{DomainError, Kind};
use sha2::{Digest, Sha256};

/// The header that carries the key.
pub const HEADER: &str = "Idempotency-Key";
pub const MAX_LEN: usize = 200;

/// A client-chosen key: 1–200 visible ASCII characters (a UUID, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// 400 `invalid_parameter` on the header when missing, empty, too long or not visible ASCII.
    pub fn parse(raw: Option<&str>) -> Result<Self, DomainError> {
        let bad = |zh: &'static str, en: &'static str| {
            DomainError::new(Kind::BadRequest, "invalid_parameter", zh, en).field(HEADER)
        };
        let s = raw.map(str::trim).unwrap_or_default();
        if s.is_empty() {
            return Err(bad(
                "缺少请求头 Idempotency-Key",
                "the Idempotency-Key header is required",
            ));
        }
        if s.len() > MAX_LEN || !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(bad(
                "Idempotency-Key 应为1至200个可见ASCII字符",
                "Idempotency-Key must be 1 to 200 visible ASCII characters",
            ));
        }
        Ok(Self(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// SHA-256 (hex) of a request's parts, separated so that `("ab","c")` ≠ `("a","bc")`.
pub fn request_hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// 422 `idempotency_key_reused`.
pub fn key_reused() -> DomainError {
    DomainError::unprocessable(
        "idempotency_key_reused",
        "该 Idempotency-Key 已用于另一个请求",
        "this Idempotency-Key was already used for a different request",
    )
    .field(HEADER)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R-NOPAY2
    #[test]
    fn a_missing_or_odd_key_is_a_bad_request_on_the_header() {
        for raw in [
            None,
            Some(""),
            Some("  "),
            Some("有中文"),
            Some(&"k".repeat(201)[..]),
        ] {
            let e = IdempotencyKey::parse(raw).unwrap_err();
            assert_eq!((e.kind, e.code), (Kind::BadRequest, "invalid_parameter"));
            assert_eq!(e.field.as_deref(), Some(HEADER));
        }
        assert_eq!(
            IdempotencyKey::parse(Some(" 3f2a-01 ")).unwrap().as_str(),
            "3f2a-01"
        );
    }

    #[test]
    fn hash_separates_its_parts() {
        assert_ne!(request_hash(&["ab", "c"]), request_hash(&["a", "bc"]));
        assert_eq!(request_hash(&["a", "b"]), request_hash(&["a", "b"]));
        assert_eq!(request_hash(&["x"]).len(), 64);
    }
}
