//! The team's home page (首页): next activities, activities to report, the application in the
//! open cycle with its current step and what is still missing before it can be submitted.

use super::{
    activities::{ActivityRow, row},
    application::status_label,
    page::{Layout, PageResult, html, layout_for, own_team},
    session::Session,
};
use crate::{
    services::{
        activities::{self, ActivityFilter},
        applications, cycles, orgs, submission,
    },
    state::AppState,
};
use askama::Template;

pub struct AppSummary {
    pub id: i32,
    pub project_name: String,
    pub cycle_title: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub missing: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "team/home.html")]
struct HomeTpl {
    l: Layout,
    team_name: String,
    upcoming: Vec<ActivityRow>,
    to_report: Vec<ActivityRow>,
    app: Option<AppSummary>,
    open_cycle: Option<String>,
}

pub async fn home(state: &AppState, s: &Session) -> PageResult {
    let team_id = own_team(s)?;
    let team = orgs::get_team(state, &s.caller, team_id).await?;
    let now = state.now();
    let filter = ActivityFilter {
        team_id: Some(team_id),
        status: None,
        from: None,
        to: None,
    };
    let (acts, _) = activities::list(state, &s.caller, filter, 0, 1000).await?;
    let (mut upcoming, mut to_report) = (vec![], vec![]);
    for r in &acts {
        let item = row(state, r, team.name.clone(), true)?;
        if r.activity.planned_start > now && item.may_edit {
            upcoming.push(item);
        } else if item.may_report && !item.reported {
            to_report.push(item);
        }
    }
    upcoming.truncate(5);
    let open = cycles::open_for_applications(state, now)
        .await?
        .into_iter()
        .next();
    let mine = match &open {
        Some(cycle) => applications::own_in_cycle(state, &s.caller, cycle.id).await?,
        None => None,
    };
    let mut app = None;
    if let (Some(cycle), Some(mine)) = (&open, mine) {
        let st = mine.status;
        let missing = if crate::domain::application::is_editable(st) {
            submission::readiness(&state.read, &mine, cycle, &team, now)
                .await?
                .into_iter()
                .filter(|c| !c.met)
                .map(|c| c.label)
                .collect()
        } else {
            vec![]
        };
        let (label, class) = status_label(st);
        app = Some(AppSummary {
            id: mine.id,
            project_name: mine.project_name,
            cycle_title: cycle.title.clone(),
            status: label,
            status_class: class,
            missing,
        });
    }
    Ok(html(&HomeTpl {
        l: layout_for(state, s, "首页", "/home").await?,
        team_name: team.name,
        upcoming,
        to_report,
        app,
        open_cycle: open.map(|c| c.title),
    }))
}
