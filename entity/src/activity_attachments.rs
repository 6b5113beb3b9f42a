//! `activity_attachments` table: an activity's photos, videos, reports and scans (issue 18.4).
//! See migration `m20261207_100003_backfill_and_activity_files`.

use sea_orm::entity::prelude::*;
use vocab::ActivityFileKind;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "activity_attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub activity_id: i32,
    pub kind: ActivityFileKind,
    pub filename: String,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    pub uploaded_by: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
