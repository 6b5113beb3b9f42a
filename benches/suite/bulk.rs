//! Bulk seeding shared by the benchmarks: rows inserted straight through the entities in
//! bounded chunks, and the first id of what was just inserted (seeded rows are contiguous).

use sea_orm::{DatabaseConnection, EntityTrait, TransactionTrait};

const CHUNK: usize = 1000;

pub async fn insert_chunks<A, I>(db: &DatabaseConnection, rows: I)
where
    A: sea_orm::ActiveModelTrait + Send,
    I: Iterator<Item = A>,
{
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let txn = db.begin().await.expect("begin");
        // Several chunks per transaction: fewer fsyncs, bounded statements.
        for _ in 0..20 {
            let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            A::Entity::insert_many(chunk)
                .exec(&txn)
                .await
                .expect("insert a chunk");
        }
        txn.commit().await.expect("commit");
    }
}

/// The smallest id in `table` among the rows matching `condition` (seeded rows are contiguous).
pub async fn min_id_where(db: &DatabaseConnection, table: &str, condition: &str) -> i32 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT MIN(id) AS id FROM {table} WHERE {condition}"),
        ))
        .await
        .expect("min id")
        .expect("a row");
    row.try_get::<i32>("", "id").expect("an id")
}
