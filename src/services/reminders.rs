//! R-REMIND: the reminder scheduler. Each run (every few minutes, on the app's clock) finds the
//! objects past a threshold and inserts one row per kind, object, recipient and wait (the
//! moment the wait began, `waiting_since`) with `INSERT … ON CONFLICT DO NOTHING` on that
//! unique key — so runs repeat, restart and run on two instances without a second row, while
//! an application sent back and resubmitted is reminded again when it waits again. The row is the inbox entry; when SMTP is configured and
//! the recipient has an address, the row is also e-mailed: a sender first claims it with one
//! conditional `UPDATE` (only one instance's update matches), failures are recorded and
//! retried with back-off. Nothing here runs inside a request.

use crate::{
    domain::{
        application::{ApplicationStatus, OpinionStep, step_due},
        cycle::CycleStatus,
        payout::PayoutStatus,
        reminder::{Kind, MAX_ATTEMPTS, Thresholds, claim_for, email_text, message, retry_at},
        roles::Role,
    },
    error::{AppError, AppResult},
    state::AppState,
};
use chrono::{DateTime, Utc};
use entity::{
    activities, applications, assignments, cycles, notifications, payouts, scores, teams, units, users,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QuerySelect, Statement, Value,
    sea_query::OnConflict,
};
use std::collections::{HashMap, HashSet};
use vocab::UnitKind;

/// A reminder to create.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Due {
    kind: Kind,
    object_id: i32,
    object_name: String,
    due: DateTime<Utc>,
    /// What makes this wait distinct (part of the unique key): a new wait is reminded again.
    since: DateTime<Utc>,
    recipients: Vec<i32>,
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOutcome {
    /// New reminder rows (inbox entries).
    pub created: u64,
    /// E-mails accepted by the SMTP server.
    pub emailed: u64,
    /// E-mails that failed this run (to be retried).
    pub failed: u64,
}

struct People {
    active: Vec<users::Model>,
}

impl People {
    fn with(&self, f: impl Fn(&users::Model) -> bool) -> Vec<i32> {
        self.active.iter().filter(|u| f(u)).map(|u| u.id).collect()
    }
}

async fn activity_reminders(
    db: &impl ConnectionTrait,
    t: &Thresholds,
    now: DateTime<Utc>,
    people: &People,
) -> AppResult<Vec<Due>> {
    let rows = activities::Entity::find()
        .filter(activities::Column::Status.eq(vocab::ActivityStatus::Registered))
        .filter(activities::Column::PlannedEnd.lte(now - t.unreported_after))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| Due {
            kind: Kind::ActivityUnreported,
            object_id: a.id,
            recipients: people.with(|u| u.role == Role::Team && u.team_id == Some(a.team_id)),
            object_name: a.name,
            due: a.planned_end + t.unreported_after,
            since: a.planned_end,
        })
        .collect())
}

async fn window_reminders(
    db: &impl ConnectionTrait,
    t: &Thresholds,
    now: DateTime<Utc>,
    people: &People,
) -> AppResult<Vec<Due>> {
    let closing = cycles::Entity::find()
        .filter(cycles::Column::Status.eq(CycleStatus::Open))
        .filter(cycles::Column::ApplicationsCloseAt.gt(now))
        .filter(cycles::Column::ApplicationsCloseAt.lte(now + t.window_closing_within))
        .all(db)
        .await?;
    let mut out = vec![];
    for c in closing {
        let submitted: HashSet<i32> = applications::Entity::find()
            .select_only()
            .column(applications::Column::TeamId)
            .filter(applications::Column::CycleId.eq(c.id))
            .filter(
                applications::Column::Status
                    .is_not_in([ApplicationStatus::Draft, ApplicationStatus::Returned]),
            )
            .into_tuple::<i32>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        out.push(Due {
            kind: Kind::WindowClosing,
            object_id: c.id,
            recipients: people
                .with(|u| u.role == Role::Team && u.team_id.is_some_and(|t| !submitted.contains(&t))),
            object_name: c.title,
            due: c.applications_close_at,
            since: c.applications_close_at,
        });
    }
    Ok(out)
}

async fn opinion_reminders(
    db: &impl ConnectionTrait,
    t: &Thresholds,
    now: DateTime<Utc>,
    people: &People,
) -> AppResult<Vec<Due>> {
    let waiting = applications::Entity::find()
        .filter(applications::Column::Status.is_in([
            ApplicationStatus::Submitted,
            ApplicationStatus::UnitApproved,
            ApplicationStatus::DistrictApproved,
        ]))
        .filter(applications::Column::UpdatedAt.lte(now - t.opinion_waiting_after))
        .all(db)
        .await?;
    if waiting.is_empty() {
        return Ok(vec![]);
    }
    let team_units: HashMap<i32, i32> = teams::Entity::find()
        .select_only()
        .columns([teams::Column::Id, teams::Column::UnitId])
        .into_tuple::<(i32, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let units: HashMap<i32, units::Model> = units::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut out = vec![];
    for a in waiting {
        let Some(unit) = team_units.get(&a.team_id).and_then(|u| units.get(u)) else {
            continue;
        };
        // As `services::opinions::my_step`: a district unit is its own recommender.
        let district = unit
            .parent_id
            .or((unit.kind == UnitKind::District).then_some(unit.id));
        let Some(step) = step_due(a.status, district.is_some()) else {
            continue;
        };
        let (kind, recipients) = match step {
            OpinionStep::Unit => (
                Kind::OpinionWaitingUnit,
                people.with(|u| u.role == Role::Unit && u.unit_id == Some(unit.id)),
            ),
            OpinionStep::District => (
                Kind::OpinionWaitingDistrict,
                people.with(|u| u.role == Role::District && u.unit_id == district),
            ),
            OpinionStep::Municipal => (
                Kind::OpinionWaitingMunicipal,
                people.with(|u| u.role == Role::Admin),
            ),
        };
        out.push(Due {
            kind,
            object_id: a.id,
            recipients,
            object_name: a.project_name,
            due: a.updated_at + t.opinion_waiting_after,
            // Every opinion, return and (re)submission moves `updated_at`: the moment this
            // step's wait began.
            since: a.updated_at,
        });
    }
    Ok(out)
}

async fn score_reminders(
    db: &impl ConnectionTrait,
    t: &Thresholds,
    now: DateTime<Utc>,
) -> AppResult<Vec<Due>> {
    let near = cycles::Entity::find()
        .filter(cycles::Column::ReviewDeadline.gt(now))
        .filter(cycles::Column::ReviewDeadline.lte(now + t.review_deadline_within))
        .all(db)
        .await?;
    let mut out = vec![];
    for c in near {
        let assigned = assignments::Entity::find()
            .filter(assignments::Column::CycleId.eq(c.id))
            .all(db)
            .await?;
        let ids: Vec<i32> = assigned.iter().map(|a| a.id).collect();
        let mut scored = HashSet::new();
        for chunk in ids.chunks(500) {
            scored.extend(
                scores::Entity::find()
                    .select_only()
                    .column(scores::Column::AssignmentId)
                    .filter(scores::Column::AssignmentId.is_in(chunk.to_vec()))
                    .into_tuple::<i32>()
                    .all(db)
                    .await?,
            );
        }
        let mut experts: Vec<i32> = assigned
            .iter()
            .filter(|a| !scored.contains(&a.id))
            .map(|a| a.expert_id)
            .collect();
        experts.sort_unstable();
        experts.dedup();
        out.push(Due {
            kind: Kind::ScoresMissing,
            object_id: c.id,
            recipients: experts,
            object_name: c.title,
            due: c.review_deadline.unwrap_or(now),
            since: c.review_deadline.unwrap_or(now),
        });
    }
    Ok(out)
}

async fn payout_reminders(
    db: &impl ConnectionTrait,
    t: &Thresholds,
    now: DateTime<Utc>,
    people: &People,
) -> AppResult<Vec<Due>> {
    let pending = payouts::Entity::find()
        .filter(payouts::Column::Status.eq(PayoutStatus::Pending))
        .filter(payouts::Column::CreatedAt.lte(now - t.payout_pending_after))
        .all(db)
        .await?;
    if pending.is_empty() {
        return Ok(vec![]);
    }
    let names: HashMap<i32, String> = teams::Entity::find()
        .select_only()
        .columns([teams::Column::Id, teams::Column::Name])
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let finance = people.with(|u| u.role == Role::Finance);
    Ok(pending
        .into_iter()
        .map(|p| Due {
            kind: Kind::PayoutPending,
            object_id: p.id,
            recipients: finance.clone(),
            object_name: names.get(&p.team_id).cloned().unwrap_or_default(),
            due: p.created_at + t.payout_pending_after,
            since: p.created_at,
        })
        .collect())
}

/// Inserts the reminders that are due at `now` and not stored yet; the number inserted.
pub async fn create_due(state: &AppState, now: DateTime<Utc>) -> AppResult<u64> {
    let db = &state.db;
    let t = &state.settings.reminders.thresholds;
    let email_on = state.settings.reminders.smtp_url.is_some();
    let people = People {
        active: users::Entity::find()
            .filter(users::Column::DisabledAt.is_null())
            .all(db)
            .await?,
    };
    let has_email: HashSet<i32> = people
        .active
        .iter()
        .filter(|u| u.email.as_deref().is_some_and(|e| !e.is_empty()))
        .map(|u| u.id)
        .collect();
    let mut due = activity_reminders(db, t, now, &people).await?;
    due.extend(window_reminders(db, t, now, &people).await?);
    due.extend(opinion_reminders(db, t, now, &people).await?);
    due.extend(score_reminders(db, t, now).await?);
    due.extend(payout_reminders(db, t, now, &people).await?);
    let rows: Vec<notifications::ActiveModel> = due
        .into_iter()
        .flat_map(|d| {
            let has_email = &has_email;
            let m = message(d.kind, d.object_id, &d.object_name, d.due);
            d.recipients.into_iter().map(move |r| {
                use sea_orm::Set;
                notifications::ActiveModel {
                    kind: Set(d.kind.as_str().to_owned()),
                    object_id: Set(d.object_id),
                    recipient_id: Set(r),
                    title: Set(m.title.clone()),
                    body: Set(m.body.clone()),
                    link: Set(m.link.clone()),
                    due_at: Set(d.due),
                    waiting_since: Set(d.since),
                    created_at: Set(now),
                    read_at: Set(None),
                    channel: Set(if email_on && has_email.contains(&r) {
                        "email"
                    } else {
                        "inbox"
                    }
                    .to_owned()),
                    sent_at: Set(None),
                    attempts: Set(0),
                    last_error: Set(None),
                    next_attempt_at: Set(None),
                    claimed_until: Set(None),
                    ..Default::default()
                }
            })
        })
        .collect();
    let mut created = 0;
    for chunk in rows.chunks(200) {
        created += notifications::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    notifications::Column::Kind,
                    notifications::Column::ObjectId,
                    notifications::Column::RecipientId,
                    notifications::Column::WaitingSince,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(created)
}

/// Writes `$1…` placeholders the way the backend wants them.
fn stmt(backend: DatabaseBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DatabaseBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Takes row `id` for sending until `now + claim_for()`: true for exactly one caller.
async fn claim(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> AppResult<bool> {
    let r = db
        .execute_raw(stmt(
            db.get_database_backend(),
            "UPDATE notifications SET claimed_until = $1, attempts = attempts + 1 \
             WHERE id = $2 AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3)",
            vec![(now + claim_for()).into(), id.into(), now.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// E-mails the stored reminders that are due for a (first or next) attempt.
pub async fn deliver(state: &AppState, now: DateTime<Utc>) -> AppResult<RunOutcome> {
    let Some(url) = state.settings.reminders.smtp_url.clone() else {
        return Ok(RunOutcome::default());
    };
    let db = &state.db;
    let waiting = notifications::Entity::find()
        .filter(notifications::Column::Channel.eq("email"))
        .filter(notifications::Column::SentAt.is_null())
        .filter(notifications::Column::Attempts.lt(MAX_ATTEMPTS))
        .filter(
            sea_orm::Condition::any()
                .add(notifications::Column::NextAttemptAt.is_null())
                .add(notifications::Column::NextAttemptAt.lte(now)),
        )
        .filter(
            sea_orm::Condition::any()
                .add(notifications::Column::ClaimedUntil.is_null())
                .add(notifications::Column::ClaimedUntil.lt(now)),
        )
        .limit(100)
        .all(db)
        .await?;
    let mut outcome = RunOutcome::default();
    if waiting.is_empty() {
        return Ok(outcome);
    }
    let public_url = state
        .settings
        .public_url
        .clone()
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let mailer =
        crate::mail::Mailer::new(&url, &state.settings.reminders.smtp_from).map_err(AppError::internal)?;
    for n in waiting {
        if !claim(db, n.id, now).await? {
            continue;
        }
        let to = users::Entity::find_by_id(n.recipient_id)
            .one(db)
            .await?
            .and_then(|u| u.email);
        let text = email_text(
            &crate::domain::reminder::Message {
                title: n.title.clone(),
                body: n.body.clone(),
                link: n.link.clone(),
            },
            &public_url,
        );
        // R-PII: an SMTP refusal may quote the address; the row and the log keep it masked.
        let sent = match to {
            Some(to) => mailer.send(&to, &n.title, text).await,
            None => Err("the recipient has no e-mail address".to_owned()),
        }
        .map_err(|e| crate::domain::email::mask_in(&e));
        let attempts = n.attempts + 1;
        let update = match &sent {
            Ok(()) => stmt(
                db.get_database_backend(),
                "UPDATE notifications SET sent_at = $1, claimed_until = NULL, last_error = NULL WHERE id = $2",
                vec![now.into(), n.id.into()],
            ),
            Err(e) => stmt(
                db.get_database_backend(),
                "UPDATE notifications SET last_error = $1, next_attempt_at = $2, claimed_until = NULL WHERE id = $3",
                vec![e.clone().into(), retry_at(now, attempts).into(), n.id.into()],
            ),
        };
        db.execute_raw(update).await?;
        match sent {
            Ok(()) => outcome.emailed += 1,
            Err(e) => {
                tracing::warn!(notification = n.id, attempts, error = %e, "reminder e-mail failed");
                outcome.failed += 1;
            }
        }
    }
    Ok(outcome)
}

/// One scheduler run at the app clock's `now`: create what is due, then e-mail.
pub async fn run_once(state: &AppState) -> AppResult<RunOutcome> {
    let now = state.now();
    let created = create_due(state, now).await?;
    let mut outcome = deliver(state, now).await?;
    outcome.created = created;
    Ok(outcome)
}

/// The in-process scheduler: a run every `ZHIHUI_REMIND_INTERVAL_SECS` (the first one after
/// one interval), none when it is 0.
pub fn spawn_scheduler(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    let every = state.settings.reminders.every;
    if every.is_zero() {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_once(&state).await {
                Ok(o) if o != RunOutcome::default() => {
                    tracing::info!(
                        created = o.created,
                        emailed = o.emailed,
                        failed = o.failed,
                        "reminders"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reminder run failed"),
            }
        }
    }))
}
