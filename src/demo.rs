//! `zhihui demo` (issue 12 point 8): a realistic Shenyang year on an empty database, built
//! through the service's own routes (guards, rules, audit rows), deterministic (seeded).

mod client;
mod files;
mod names;
mod year;

use crate::{
    domain::roles::Role,
    services::{
        audit::Actor,
        users::{NewUser, create_user},
    },
    state::AppState,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use std::sync::{Arc, Mutex};

/// The demo's own admin.
pub const ADMIN: &str = "demo_admin";

/// Empty: no unit, team, activity or cycle, and no user but admins.
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, String> {
    use entity::{activities, cycles, teams, units, users};
    let e = |e: sea_orm::DbErr| e.to_string();
    Ok(units::Entity::find().count(db).await.map_err(e)? == 0
        && teams::Entity::find().count(db).await.map_err(e)? == 0
        && activities::Entity::find().count(db).await.map_err(e)? == 0
        && cycles::Entity::find().count(db).await.map_err(e)? == 0
        && users::Entity::find()
            .filter(users::Column::Role.ne(Role::Admin))
            .count(db)
            .await
            .map_err(e)?
            == 0)
}

/// Creates the demo year and prints its logins; refuses a database that holds data.
pub async fn run(state: &AppState) -> Result<(), String> {
    if !is_empty(&state.db).await? {
        return Err("数据库非空，演示数据只写入空数据库 / the database is not empty; the demo only fills an empty one".into());
    }
    let end = state.now();
    let clock = Arc::new(year::DemoClock(Mutex::new(end)));
    // Sessions made on the demo's clock must outlive its year.
    let mut settings = (*state.settings).clone();
    settings.token_ttl_hours = 24 * 800;
    let demo = AppState {
        clock: clock.clone(),
        settings: Arc::new(settings),
        ..state.clone()
    };
    let admin = NewUser {
        username: ADMIN.into(),
        password: year::PASSWORD.into(),
        display_name: "演示管理员".into(),
        role: Role::Admin,
        unit_id: None,
        team_id: None,
        email: None,
    };
    create_user(&demo, &Actor::system(), admin)
        .await
        .map_err(|e| format!("demo admin: {e}"))?;
    let api = client::Client::new(crate::startup::routes(&demo));
    let logins = year::run(api, &clock, (ADMIN.into(), year::PASSWORD.into()), end)
        .await
        .map_err(|e| format!("demo: {e}"))?;
    println!(
        "zhihui: 演示数据已生成 / demo data created. 登录 / logins (password {}):",
        year::PASSWORD
    );
    for (user, what) in logins.0 {
        println!("  {user:<12} {what}");
    }
    Ok(())
}
