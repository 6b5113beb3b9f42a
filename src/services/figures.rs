//! Objective figures of an application: its counted activities, their sessions and people
//! served (what experts see and what breaks ranking ties, R-RANK).

use crate::services::{application_lookup::is_counted, chunks::fetch_in};
use crate::{domain::activity::ActivityStatus, error::AppResult};
use entity::{activities, application_activities, applications, cycles};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Figures {
    /// Counted activities (reported ones among those the application lists).
    pub activities: i64,
    /// Of those, activities recorded after the fact (补录, issue 18.1).
    pub backfilled: i64,
    pub sessions: i64,
    pub people_served: i64,
}

/// Figures per application id, from the counted activities each application lists (R-SUBMIT:
/// the team's own, registered before the start, reported, inside the cycle's activity period).
pub async fn for_applications(db: &impl ConnectionTrait, ids: &[i32]) -> AppResult<HashMap<i32, Figures>> {
    let apps: Vec<applications::Model> = fetch_in(ids.to_vec(), |c| {
        applications::Entity::find()
            .filter(applications::Column::Id.is_in(c))
            .all(db)
    })
    .await?;
    let links: Vec<(i32, i32)> = fetch_in(ids.to_vec(), |c| {
        application_activities::Entity::find()
            .filter(application_activities::Column::ApplicationId.is_in(c))
            .all(db)
    })
    .await?
    .into_iter()
    .map(|l| (l.application_id, l.activity_id))
    .collect();
    let apps: Vec<&applications::Model> = apps.iter().collect();
    for_loaded(db, &apps, &links).await
}

/// As [`for_applications`], for applications and their `(application, activity)` links the
/// caller has already read: two statements (the cycles and the listed activities).
pub async fn for_loaded(
    db: &impl ConnectionTrait,
    apps: &[&applications::Model],
    links: &[(i32, i32)],
) -> AppResult<HashMap<i32, Figures>> {
    let apps: HashMap<i32, &applications::Model> = apps.iter().map(|a| (a.id, *a)).collect();
    let cycle_ids: Vec<i32> = apps.values().map(|a| a.cycle_id).collect();
    let cycles: HashMap<i32, cycles::Model> = fetch_in(cycle_ids, |c| {
        cycles::Entity::find().filter(cycles::Column::Id.is_in(c)).all(db)
    })
    .await?
    .into_iter()
    .map(|c| (c.id, c))
    .collect();
    let activity_ids: Vec<i32> = links.iter().map(|l| l.1).collect();
    let acts: HashMap<i32, activities::Model> = fetch_in(activity_ids, |c| {
        activities::Entity::find()
            .filter(activities::Column::Id.is_in(c))
            .filter(activities::Column::Status.eq(ActivityStatus::Reported))
            .all(db)
    })
    .await?
    .into_iter()
    .map(|a| (a.id, a))
    .collect();
    let mut out: HashMap<i32, Figures> = apps.keys().map(|id| (*id, Figures::default())).collect();
    for &(application_id, activity_id) in links {
        let app = apps.get(&application_id);
        let cycle = app.and_then(|a| cycles.get(&a.cycle_id));
        let counted = |a: &activities::Model| match (app, cycle) {
            (Some(app), Some(c)) => is_counted(a, app.team_id, c),
            _ => false,
        };
        if let Some(a) = acts.get(&activity_id).filter(|a| counted(a)) {
            let f = out.entry(application_id).or_default();
            f.activities += 1;
            f.backfilled += i64::from(a.backfilled);
            f.sessions += i64::from(a.sessions.unwrap_or(0));
            f.people_served += i64::from(a.people_served.unwrap_or(0));
        }
    }
    Ok(out)
}
