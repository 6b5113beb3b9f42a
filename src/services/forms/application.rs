//! The 项目申报书 of one application (attachment 2), for whoever may read the application.

use super::{FormFile, file_part};
use crate::{
    authz::Caller,
    domain::{
        application::{ApplicationAction, ApplicationStatus, Decision, OpinionStep, transition},
        cst, cst_date,
        pii::{mask_account, mask_phone},
        roles::{Role, UnitKind},
    },
    error::{AppError, AppResult},
    export::application_form::{self, ApplicationForm, BankLines, CountedActivity, DistrictSection},
    services::{
        application_lookup::{is_counted, shown_team, shown_unit},
        applications as application_service, cycles,
    },
    state::AppState,
};
use chrono::Datelike;
use entity::{activities, application_activities, applications, opinions, teams, units};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Whose copy is printed (R-PII).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copy {
    /// The owning team, its unit and its district: everything in full, as they sign and stamp it.
    Owner,
    /// The admin: the account number masked.
    Overseer,
    /// An assigned expert: no bank lines at all, phone and mobile masked.
    Expert,
}

impl Copy {
    pub fn for_caller(caller: &Caller) -> Self {
        match caller.role {
            // Issue 18.6: the unit and district stamp what names the account: in full.
            Role::Team | Role::Unit | Role::District => Copy::Owner,
            Role::Expert => Copy::Expert,
            _ => Copy::Overseer,
        }
    }
}

/// The latest approving or rejecting opinion of `step` given on the current submission (an
/// opinion before the last submission belongs to an earlier round; a return sent it back).
fn opinion_of(
    ops: &[opinions::Model],
    step: OpinionStep,
    since: Option<chrono::DateTime<chrono::Utc>>,
) -> Option<String> {
    let since = since?;
    ops.iter()
        .rev()
        .filter(|o| o.at >= since && o.step == step && o.decision != Decision::Return)
        .map(|o| o.comment.trim().to_owned())
        .find(|c| !c.is_empty())
}

/// Everything the 申报书 prints, from the record.
pub async fn load(
    db: &impl ConnectionTrait,
    app: applications::Model,
    copy: Copy,
) -> AppResult<ApplicationForm> {
    let cycle = cycles::find(db, app.cycle_id).await?;
    let team = teams::Entity::find_by_id(app.team_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("team missing"))?;
    let unit = units::Entity::find_by_id(team.unit_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("unit missing"))?;
    // Issue 18.3: the team and unit as submitted.
    let team = shown_team(&app, &team);
    let unit = shown_unit(&app, &unit);
    let ids: Vec<i32> = application_activities::Entity::find()
        .filter(application_activities::Column::ApplicationId.eq(app.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.activity_id)
        .collect();
    let mut counted: Vec<activities::Model> = activities::Entity::find()
        .filter(activities::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter(|a| is_counted(a, app.team_id, &cycle))
        .collect();
    counted.sort_by_key(|a| (a.actual_start.unwrap_or(a.planned_start), a.id));
    let ops = opinions::Entity::find()
        .filter(opinions::Column::ApplicationId.eq(app.id))
        .order_by_asc(opinions::Column::At)
        .order_by_asc(opinions::Column::Id)
        .all(db)
        .await?;
    // 申报日期: the submission's date, blank while the team may still edit (a draft, or returned).
    let editable = transition(app.status, ApplicationAction::Edit).is_ok();
    let submitted = (!editable).then_some(app.submitted_at).flatten();
    // A district unit is its own recommender (as the opinion chain decides).
    let has_district = unit.parent_id.is_some() || unit.kind == UnitKind::District;
    let opened = app_month(&cycle);
    let phone = |s: String| if copy == Copy::Expert { mask_phone(&s) } else { s };
    let bank = match copy {
        Copy::Expert => None,
        Copy::Owner => Some(app.account_no.clone()),
        Copy::Overseer => Some(mask_account(&app.account_no)),
    }
    .map(|account_no| BankLines {
        bank_name: app.bank_name.clone(),
        account_no,
        account_name: app.account_name.clone(),
    });
    Ok(ApplicationForm {
        year: cycle.year,
        project_name: app.project_name,
        team_name: team.name,
        unit_name: unit.name,
        application_date: submitted.map(cst_date),
        issued: opened,
        instructions: cycles::form_instructions(&cycle).to_owned(),
        founded_on: team.founded_on,
        volunteer_count: team.volunteer_count,
        leader_name: app.leader_name,
        leader_title: app.leader_title,
        phone: phone(app.phone),
        mobile: phone(app.mobile),
        overview: app.overview,
        highlights: app.highlights,
        benefits: app.benefits,
        activities: counted
            .into_iter()
            .map(|a| CountedActivity {
                date: cst_date(a.actual_start.unwrap_or(a.planned_start)),
                // Issue 18.1: a backfilled activity says so on the 申报书.
                name: if a.backfilled {
                    format!("{}（补录）", a.name)
                } else {
                    a.name
                },
                sessions: a.sessions.unwrap_or(0),
                people_served: a.people_served.unwrap_or(0),
            })
            .collect(),
        bank,
        unit_opinion: opinion_of(&ops, OpinionStep::Unit, submitted),
        district: if has_district {
            DistrictSection::Recommendation(opinion_of(&ops, OpinionStep::District, submitted))
        } else {
            DistrictSection::NoDistrict
        },
        municipal_opinion: opinion_of(&ops, OpinionStep::Municipal, submitted),
    })
}

/// The month under 沈阳市科学技术协会制: when the cycle's applications open.
fn app_month(cycle: &entity::cycles::Model) -> (i32, u32) {
    let at = cycle.applications_open_at.with_timezone(&cst());
    (at.year(), at.month())
}

/// `2024年智惠行动项目申报书-{服务队}-{项目名称}.docx`.
pub fn file_name(form: &ApplicationForm) -> String {
    format!(
        "{}年智惠行动项目申报书-{}-{}.docx",
        form.year,
        file_part(&form.team_name, 60),
        file_part(&form.project_name, 40)
    )
}

/// R-FORM: the filled 项目申报书; R-AUTHZ: 404 outside the caller's scope (as reading it);
/// R-PII: the expert's copy has no bank lines and masked phone numbers.
#[tracing::instrument(skip_all, fields(application_id = id))]
pub async fn application_form(state: &AppState, caller: &Caller, id: i32) -> AppResult<FormFile> {
    let app = application_service::find_visible(&state.db, caller, id).await?;
    let form = load(&state.db, app, Copy::for_caller(caller)).await?;
    let file_name = file_name(&form);
    let bytes = tokio::task::spawn_blocking(move || application_form::build(&form))
        .await
        .map_err(AppError::internal)??;
    Ok(FormFile {
        file_name,
        ascii_file_name: format!("application-{id}-form.docx"),
        bytes,
    })
}

/// The states in which an application has been accepted by the 市科协 (and stays so after
/// the awards are decided).
pub const ACCEPTED: [ApplicationStatus; 3] = [
    ApplicationStatus::Accepted,
    ApplicationStatus::Awarded,
    ApplicationStatus::NotAwarded,
];
