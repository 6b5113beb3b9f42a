//! Paging links for a filtered list: the filter's query pairs kept on every link.

use super::admin::Pager;

/// The pager of page `page` (from 1) of `total` rows, `per_page` a page, under `base` with
/// the filter's `query` pairs (empty values left out).
pub fn pager(base: &str, query: &[(&str, &str)], page: u64, per_page: u64, total: u64) -> Pager {
    let pages = total.div_ceil(per_page.max(1)).max(1);
    let link = |p: u64| {
        let mut qs = form_urlencoded::Serializer::new(String::new());
        for (k, v) in query.iter().filter(|(_, v)| !v.is_empty()) {
            qs.append_pair(k, v);
        }
        qs.append_pair("page", &p.to_string());
        format!("{base}?{}", qs.finish())
    };
    Pager {
        page,
        pages,
        total,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filter_and_skip_empty_values() {
        let p = pager("/admin/audit", &[("entity", "cycle"), ("actor", "")], 2, 20, 45);
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev.as_deref(), Some("/admin/audit?entity=cycle&page=1"));
        assert_eq!(p.next.as_deref(), Some("/admin/audit?entity=cycle&page=3"));
        let last = pager("/x", &[], 1, 20, 0);
        assert_eq!((last.pages, last.prev, last.next), (1, None, None));
    }
}
