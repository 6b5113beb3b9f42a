//! The yardstick: a bare poem + poem-openapi + sea-orm service on the same engine, with the same
//! connection settings as zhihui (`startup::connect`: SQLite's single WAL writer, PostgreSQL's
//! pool), so a ratio against it shows what zhihui's own work costs. No sessions, no rules, no
//! audit: GET by id, a list of 20, and a durable insert (one transaction).

use poem::{Route, Server, listener::TcpListener};
use poem_openapi::{ApiResponse, Object, OpenApi, OpenApiService, param::Path, param::Query, payload::Json};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

mod item {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "bench_items")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub team_id: i32,
        pub name: String,
        pub location: String,
        pub starts_at: DateTimeUtc,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[derive(Object)]
struct Item {
    id: i32,
    team_id: i32,
    name: String,
    location: String,
    starts_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Object)]
struct NewItem {
    team_id: i32,
    name: String,
    location: String,
    starts_at: chrono::DateTime<chrono::Utc>,
}

#[derive(ApiResponse)]
enum GetItem {
    #[oai(status = 200)]
    Ok(Json<Item>),
    #[oai(status = 404)]
    NotFound,
}

fn to_item(m: item::Model) -> Item {
    Item {
        id: m.id,
        team_id: m.team_id,
        name: m.name,
        location: m.location,
        starts_at: m.starts_at,
    }
}

struct BareApi {
    db: DatabaseConnection,
}

#[OpenApi]
impl BareApi {
    #[oai(path = "/items/:id", method = "get")]
    async fn get(&self, id: Path<i32>) -> poem::Result<GetItem> {
        let found = item::Entity::find_by_id(id.0)
            .one(&self.db)
            .await
            .map_err(poem::error::InternalServerError)?;
        Ok(found.map_or(GetItem::NotFound, |m| GetItem::Ok(Json(to_item(m)))))
    }

    #[oai(path = "/items", method = "get")]
    async fn list(&self, team_id: Query<i32>) -> poem::Result<Json<Vec<Item>>> {
        let rows = item::Entity::find()
            .filter(item::Column::TeamId.eq(team_id.0))
            .order_by_asc(item::Column::Id)
            .limit(20)
            .all(&self.db)
            .await
            .map_err(poem::error::InternalServerError)?;
        Ok(Json(rows.into_iter().map(to_item).collect()))
    }

    #[oai(path = "/items", method = "post")]
    async fn create(&self, body: Json<NewItem>) -> poem::Result<Json<Item>> {
        let txn = self.db.begin().await.map_err(poem::error::InternalServerError)?;
        let m = item::ActiveModel {
            team_id: Set(body.0.team_id),
            name: Set(body.0.name),
            location: Set(body.0.location),
            starts_at: Set(body.0.starts_at),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(poem::error::InternalServerError)?;
        txn.commit().await.map_err(poem::error::InternalServerError)?;
        Ok(Json(to_item(m)))
    }

    #[oai(path = "/healthz", method = "get")]
    async fn healthz(&self) -> Json<&'static str> {
        Json("ok")
    }
}

/// Starts the bare service on a fresh database of the same engine; its base URL and an item id.
pub async fn spawn(database_url: &str) -> (String, i32) {
    let db = zhihui::startup::connect(database_url)
        .await
        .expect("the bare service's database");
    let create = if database_url.starts_with("postgres") {
        "CREATE TABLE bench_items (id SERIAL PRIMARY KEY, team_id INTEGER NOT NULL, name TEXT NOT NULL, \
         location TEXT NOT NULL, starts_at TIMESTAMPTZ NOT NULL, created_at TIMESTAMPTZ NOT NULL)"
    } else {
        "CREATE TABLE bench_items (id INTEGER PRIMARY KEY AUTOINCREMENT, team_id INTEGER NOT NULL, \
         name TEXT NOT NULL, location TEXT NOT NULL, starts_at TEXT NOT NULL, created_at TEXT NOT NULL)"
    };
    db.execute_unprepared(create).await.expect("the bare table");
    db.execute_unprepared("CREATE INDEX bench_items_team ON bench_items (team_id)")
        .await
        .expect("the bare index");
    let now = chrono::Utc::now();
    let rows = (0..1000).map(|i| item::ActiveModel {
        team_id: Set(i % 50),
        name: Set("社区科普讲座".into()),
        location: Set("沈阳市和平区社区服务中心".into()),
        starts_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    });
    item::Entity::insert_many(rows)
        .exec(&db)
        .await
        .expect("the bare rows");
    let api = OpenApiService::new(BareApi { db }, "bare", "1");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = listener.local_addr().expect("an address");
    drop(listener);
    let server = Server::new(TcpListener::bind(addr.to_string()));
    tokio::spawn(server.run(Route::new().nest("/", api)));
    let base = format!("http://{addr}");
    for _ in 0..100 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    (base, 500)
}
