//! Issue 18.2: activity categories follow the notice's 活动内容 items (1)–(8), stored as codes.
//! The labels stored before become the code of the item they meant (场馆服务 → venue, 大型活动 →
//! major_event, 助老助残 → vulnerable_groups, 网络科普 → online, 其他 → other; item 1's five forms
//! keep their own codes).

use sea_orm_migration::{prelude::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Activities {
    Table,
    Category,
}

const MAP: [(&str, &str); 10] = [
    ("科技培训", "training"),
    ("科普报告", "lecture"),
    ("农技服务", "agriculture"),
    ("义诊咨询", "clinic"),
    ("青少年科技教育", "youth"),
    ("场馆服务", "venue"),
    ("大型活动", "major_event"),
    ("助老助残", "vulnerable_groups"),
    ("网络科普", "online"),
    ("其他", "other"),
];

async fn rewrite(manager: &SchemaManager<'_>, from: usize, to: usize) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for pair in MAP {
        let pair = [pair.0, pair.1];
        let update = Query::update()
            .table(Activities::Table)
            .value(Activities::Category, pair[to])
            .and_where(Expr::col(Activities::Category).eq(pair[from]))
            .to_owned();
        db.execute(&update).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rewrite(manager, 0, 1).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rewrite(manager, 1, 0).await
    }
}
