//! Objective figures of an application: its counted activities, their sessions and people
//! served (what experts see and what breaks ranking ties, R-RANK).

use crate::error::AppResult;
use entity::{activities, application_activities};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Figures {
    /// Counted activities (reported ones among those the application lists).
    pub activities: i64,
    pub sessions: i64,
    pub people_served: i64,
}

/// Figures per application id, from the reported activities each application lists.
pub async fn for_applications(db: &impl ConnectionTrait, ids: &[i32]) -> AppResult<HashMap<i32, Figures>> {
    let links = application_activities::Entity::find()
        .filter(application_activities::Column::ApplicationId.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let activity_ids: Vec<i32> = links.iter().map(|l| l.activity_id).collect();
    let acts: HashMap<i32, activities::Model> = activities::Entity::find()
        .filter(activities::Column::Id.is_in(activity_ids))
        .filter(activities::Column::Status.eq("reported"))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut out: HashMap<i32, Figures> = ids.iter().map(|id| (*id, Figures::default())).collect();
    for l in links {
        if let Some(a) = acts.get(&l.activity_id) {
            let f = out.entry(l.application_id).or_default();
            f.activities += 1;
            f.sessions += i64::from(a.sessions.unwrap_or(0));
            f.people_served += i64::from(a.people_served.unwrap_or(0));
        }
    }
    Ok(out)
}
