//! Every entity against the migrated schema, on the database the suite runs on (SQLite, or
//! PostgreSQL with `ZHIHUI_TEST_DATABASE_URL`): the same columns, each of the same type family
//! and nullability, so an entity and a migration cannot drift apart (issue 17).

use crate::helpers::TestApp;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, IdenStatic, Iterable, Statement,
    sea_query::ColumnType,
};
use std::collections::BTreeMap;

/// `(type family, nullable)` per column.
type Columns = BTreeMap<String, (String, bool)>;

fn family_of_entity(t: &ColumnType, backend: DatabaseBackend) -> String {
    match t {
        ColumnType::Integer => "integer",
        // SQLite has one 64-bit INTEGER; sea-query writes `big_integer` as it.
        ColumnType::BigInteger if backend == DatabaseBackend::Sqlite => "integer",
        ColumnType::BigInteger => "bigint",
        ColumnType::String(_) => "varchar",
        ColumnType::Text => "text",
        ColumnType::TimestampWithTimeZone => "timestamptz",
        ColumnType::Date => "date",
        ColumnType::Double => "double",
        ColumnType::Boolean => "boolean",
        other => return format!("{other:?}"),
    }
    .to_owned()
}

fn family_of_db(t: &str) -> String {
    let t = t.to_lowercase();
    let base = t.split('(').next().unwrap_or_default().trim();
    match base {
        "integer" | "int" | "int4" | "serial" => "integer",
        "bigint" | "int8" => "bigint",
        "varchar" | "character varying" => "varchar",
        "text" => "text",
        "timestamp_with_timezone_text" | "timestamp with time zone" | "timestamptz" => "timestamptz",
        "date_text" | "date" => "date",
        "double" | "double precision" | "real" | "float8" => "double",
        "boolean" | "bool" => "boolean",
        other => return format!("db:{other}"),
    }
    .to_owned()
}

fn entity_columns<E: EntityTrait>(backend: DatabaseBackend) -> Columns {
    E::Column::iter()
        .map(|c| {
            let def = c.def();
            (
                c.as_str().to_owned(),
                (family_of_entity(def.get_column_type(), backend), def.is_null()),
            )
        })
        .collect()
}

async fn db_columns(app: &TestApp, table: &str) -> Columns {
    let backend = app.db.get_database_backend();
    let (sql, name, ty, nullable) = match backend {
        // table_xinfo: generated columns too (table_info hides them).
        DatabaseBackend::Sqlite => (
            format!("PRAGMA table_xinfo(\"{table}\")"),
            "name",
            "type",
            "notnull",
        ),
        _ => (
            format!(
                "SELECT column_name::text AS column_name, data_type::text AS data_type, \
                 is_nullable::text AS is_nullable FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = '{table}'"
            ),
            "column_name",
            "data_type",
            "is_nullable",
        ),
    };
    let rows = app
        .db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            let col: String = r.try_get("", name).unwrap();
            let t: String = r.try_get("", ty).unwrap();
            let null = match backend {
                DatabaseBackend::Sqlite => r.try_get::<i32>("", nullable).unwrap() == 0,
                _ => r.try_get::<String>("", nullable).unwrap() == "YES",
            };
            (col, (family_of_db(&t), null))
        })
        .collect()
}

async fn check<E: EntityTrait + Default>(app: &TestApp, problems: &mut Vec<String>) {
    let table = E::default().table_name().to_owned();
    let want = entity_columns::<E>(app.db.get_database_backend());
    let have = db_columns(app, &table).await;
    if have.is_empty() {
        problems.push(format!("{table}: no such table"));
    }
    for (col, w) in &want {
        match have.get(col) {
            None => problems.push(format!("{table}.{col}: in the entity, not in the schema")),
            Some(h) if h != w => problems.push(format!("{table}.{col}: entity {w:?}, schema {h:?}")),
            Some(_) => {}
        }
    }
    for col in have.keys().filter(|c| !want.contains_key(*c)) {
        problems.push(format!("{table}.{col}: in the schema, not in the entity"));
    }
}

/// Issue 17: entities and migrations agree, column by column (name, type family, nullability).
#[tokio::test]
async fn every_entity_matches_the_migrated_schema() {
    use entity::*;
    let app = TestApp::spawn().await;
    let mut p = Vec::new();
    check::<activities::Entity>(&app, &mut p).await;
    check::<activity_tasks::Entity>(&app, &mut p).await;
    check::<application_activities::Entity>(&app, &mut p).await;
    check::<applications::Entity>(&app, &mut p).await;
    check::<assignments::Entity>(&app, &mut p).await;
    check::<attachments::Entity>(&app, &mut p).await;
    check::<audit_log::Entity>(&app, &mut p).await;
    check::<award_history::Entity>(&app, &mut p).await;
    check::<awards::Entity>(&app, &mut p).await;
    check::<cycles::Entity>(&app, &mut p).await;
    check::<idempotency_keys::Entity>(&app, &mut p).await;
    check::<objections::Entity>(&app, &mut p).await;
    check::<opinions::Entity>(&app, &mut p).await;
    check::<payments::Entity>(&app, &mut p).await;
    check::<payout_batches::Entity>(&app, &mut p).await;
    check::<payouts::Entity>(&app, &mut p).await;
    check::<results::Entity>(&app, &mut p).await;
    check::<scores::Entity>(&app, &mut p).await;
    check::<sessions::Entity>(&app, &mut p).await;
    check::<teams::Entity>(&app, &mut p).await;
    check::<units::Entity>(&app, &mut p).await;
    check::<users::Entity>(&app, &mut p).await;
    assert!(p.is_empty(), "entity and schema differ:\n{}", p.join("\n"));
}

/// The check itself can fail: a column the schema lacks, or of another type, is reported.
#[tokio::test]
async fn the_schema_check_reports_a_drift() {
    let app = TestApp::spawn().await;
    let mut have = db_columns(&app, "units").await;
    let want = entity_columns::<entity::units::Entity>(app.db.get_database_backend());
    assert_eq!(have, want);
    have.remove("kind");
    have.insert("name".into(), ("integer".into(), true));
    assert_ne!(have, want);
    assert!(db_columns(&app, "no_such_table").await.is_empty());
}
