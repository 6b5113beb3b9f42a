//! Reading rows for many ids: `IN (…)` lists bounded under the engines' limits on bound
//! parameters (SQLite 32,766, PostgreSQL 65,535), one statement per chunk.

use sea_orm::DbErr;
use std::future::Future;

/// At most this many ids in one `IN (…)`.
pub const CHUNK: usize = 10_000;

/// Distinct `ids` in chunks of at most [`CHUNK`], in ascending order.
pub fn chunks(mut ids: Vec<i32>) -> Vec<Vec<i32>> {
    ids.sort_unstable();
    ids.dedup();
    ids.chunks(CHUNK).map(<[i32]>::to_vec).collect()
}

/// Runs `fetch` once per chunk of the distinct `ids` and concatenates what it returns.
pub async fn fetch_in<T, F, Fut>(ids: Vec<i32>, mut fetch: F) -> Result<Vec<T>, DbErr>
where
    F: FnMut(Vec<i32>) -> Fut,
    Fut: Future<Output = Result<Vec<T>, DbErr>>,
{
    let mut out = Vec::new();
    for chunk in chunks(ids) {
        out.extend(fetch(chunk).await?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deduplicated_and_bounded_per_statement() {
        let ids: Vec<i32> = (0..25_000).chain(0..25_000).rev().collect();
        let c = chunks(ids);
        assert_eq!(c.len(), 3);
        assert!(c.iter().all(|c| c.len() <= CHUNK));
        assert_eq!(c.concat(), (0..25_000).collect::<Vec<_>>());
        assert!(chunks(vec![]).is_empty());
    }
}
