//! List paging: `?page=` from 1, `?per_page=` default 50, at most 500.

use crate::error::{DomainError, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u64,
    pub per_page: u64,
}

impl Page {
    pub const DEFAULT_PER_PAGE: u64 = 50;
    pub const MAX_PER_PAGE: u64 = 500;
    /// Far beyond any real list; keeps `offset` within what every database accepts.
    pub const MAX_PAGE: u64 = 1_000_000;

    pub fn parse(page: Option<i64>, per_page: Option<i64>) -> Result<Self, DomainError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(Self::DEFAULT_PER_PAGE as i64);
        if !(1..=Self::MAX_PAGE as i64).contains(&page) {
            return Err(DomainError::new(
                Kind::BadRequest,
                "invalid_parameter",
                "页码从1开始",
                "page starts at 1",
            )
            .field("page"));
        }
        if !(1..=Self::MAX_PER_PAGE as i64).contains(&per_page) {
            return Err(DomainError::new(
                Kind::BadRequest,
                "invalid_parameter",
                "每页条数应在1到500之间",
                "per_page must be between 1 and 500",
            )
            .field("per_page"));
        }
        Ok(Self {
            page: page as u64,
            per_page: per_page as u64,
        })
    }
    pub fn offset(self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_limits() {
        assert_eq!(
            Page::parse(None, None).unwrap(),
            Page {
                page: 1,
                per_page: 50
            }
        );
        assert_eq!(Page::parse(Some(3), Some(10)).unwrap().offset(), 20);
        assert_eq!(
            Page::parse(Some(0), None).unwrap_err().field.as_deref(),
            Some("page")
        );
        assert_eq!(
            Page::parse(None, Some(501)).unwrap_err().field.as_deref(),
            Some("per_page")
        );
    }
}
